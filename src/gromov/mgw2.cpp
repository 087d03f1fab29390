// SPDX-License-Identifier: MIT
#include "gromov/mgw2.hpp"

#include "gaussian/gaussian_ot.hpp"

namespace gmmot {

std::vector<double> intra_w2_matrix(const Gmm &g, const Context &ctx) {
  const std::size_t k = g.k();
  std::vector<double> d(k * k);
  w2_cost_matrix(static_cast<int>(g.d()), g.means().data(), g.factors(), g.means().data(),
                 g.factors(), ctx, d.data());
  // W2^2(mu_k, mu_l) and W2^2(mu_l, mu_k) come from different roundings of one closed form.
  for (std::size_t i = 0; i < k; ++i) {
    d[i * k + i] = 0;
    for (std::size_t j = i + 1; j < k; ++j) {
      const double s = 0.5 * (d[i * k + j] + d[j * k + i]);
      d[i * k + j] = d[j * k + i] = s;
    }
  }
  return d;
}

Mgw2Result mgw2(const Gmm &g0, const Gmm &g1, const GwOptions &options, const Context &ctx) {
  options.validate();
  Mgw2Result r;
  r.d0 = intra_w2_matrix(g0, ctx);
  r.d1 = intra_w2_matrix(g1, ctx);
  const GwProblem p(g0.k(), g0.weights().data(), r.d0.data(), g1.k(), g1.weights().data(),
                    r.d1.data());
  r.gw = gromov_wasserstein(p, options, ctx);
  return r;
}

}  // namespace gmmot
