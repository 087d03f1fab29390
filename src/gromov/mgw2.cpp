// SPDX-License-Identifier: MIT
#include "gromov/mgw2.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>

#include "gaussian/gaussian_ot.hpp"
#include "util/error.hpp"

namespace gmmot {

std::vector<double> intra_w2_matrix(const Gmm &g, const Context &ctx, const char *name) {
  const std::size_t k = g.k(), dim = g.d();
  const std::vector<CovFactor> &f = g.factors();
  const double *means = g.means().data();
  // |m_k - m_l|^2 <= W2^2 <= |m_k - m_l|^2 + tr S_k + tr S_l: an overflow is found here and
  // named by this mixture's pair (w2_cost_matrix would name the pair within a block, as if
  // between two mixtures).
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j) {
      double s = f[i].trace + f[j].trace;
      for (std::size_t c = 0; c < dim; ++c) {
        const double diff = means[i * dim + c] - means[j * dim + c];
        s += diff * diff;
      }
      if (!std::isfinite(s)) {
        fail(Errc::Overflow, "W2^2 between components " + std::to_string(i) + " and " +
                                 std::to_string(j) + " of " + name + " exceeds the largest double");
      }
    }
  std::vector<double> d(k * k, 0.0), block;
  // The matrix is symmetric: only row blocks against the columns from their first row on (the
  // upper trapezoids, about half the pairs; the pairs cost a d x d SVD each at large d).
  const std::size_t rows = std::max<std::size_t>(8, (k + 7) / 8);
  for (std::size_t r0 = 0; r0 < k; r0 += rows) {
    const std::size_t r1 = std::min(k, r0 + rows), nr = r1 - r0, nc = k - r0;
    const std::vector<CovFactor> fr(f.begin() + static_cast<std::ptrdiff_t>(r0),
                                    f.begin() + static_cast<std::ptrdiff_t>(r1));
    const std::vector<CovFactor> fc(f.begin() + static_cast<std::ptrdiff_t>(r0), f.end());
    block.assign(nr * nc, 0.0);
    w2_cost_matrix(static_cast<int>(dim), means + r0 * dim, fr, means + r0 * dim, fc, ctx,
                   block.data());
    for (std::size_t i = 0; i < nr; ++i)
      for (std::size_t j = 0; j < nc; ++j) d[(r0 + i) * k + r0 + j] = block[i * nc + j];
  }
  // Inside a diagonal block both W2^2(mu_k, mu_l) and W2^2(mu_l, mu_k) were computed, from
  // different roundings of one closed form: average them; elsewhere mirror the upper triangle.
  for (std::size_t i = 0; i < k; ++i) {
    d[i * k + i] = 0;
    for (std::size_t j = i + 1; j < k; ++j) {
      const bool both = i / rows == j / rows;
      const double s = both ? 0.5 * (d[i * k + j] + d[j * k + i]) : d[i * k + j];
      d[i * k + j] = d[j * k + i] = s;
    }
  }
  return d;
}

Mgw2Result mgw2(const Gmm &g0, const Gmm &g1, const GwOptions &options, const Context &ctx) {
  options.validate();
  Mgw2Result r;
  const Context quiet = without_progress(ctx);
  r.d0 = intra_w2_matrix(g0, quiet, "g0");
  r.d1 = intra_w2_matrix(g1, quiet, "g1");
  const GwProblem p(g0.k(), g0.weights().data(), r.d0.data(), g1.k(), g1.weights().data(),
                    r.d1.data());
  r.gw = gromov_wasserstein(p, options, ctx);
  return r;
}

}  // namespace gmmot
