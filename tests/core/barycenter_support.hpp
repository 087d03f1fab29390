// SPDX-License-Identifier: MIT
// Random instances and brute-force references for the mixture-barycenter tests: mixtures with
// well-conditioned (or singular) covariances, and every tuple's multi-marginal cost computed
// directly, for oracles that write the whole multi-marginal LP.
#pragma once

#include <cstddef>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "error_support.hpp"
#include "gaussian/gaussian_set.hpp"
#include "mixture/gmm.hpp"
#include "mw2/mixture_barycenter.hpp"
#include "support.hpp"

namespace gmmot::test {

// K components in dimension d: weights uniform in [0.2, 1] normalised (zero_weight: component
// 0 gets weight 0), means N(0, 2^2 I), covariances of condition 20 scaled by [0.2, 2], rank
// `rank` when 0 < rank < d, diagonal when `diagonal` (commuting covariances).
inline std::shared_ptr<const Gmm> random_mixture(std::size_t k, int d, std::mt19937_64 &rng,
                                                 bool diagonal = false, int rank = -1,
                                                 bool zero_weight = false) {
  std::uniform_real_distribution<double> uw(0.2, 1.0), us(0.2, 2.0);
  std::vector<double> w(k), m, s;
  for (auto &x : w) x = uw(rng);
  if (zero_weight && k > 1) w[0] = 0;
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  for (auto &x : w) x /= sum;
  for (std::size_t c = 0; c < k; ++c) {
    const auto mean = random_vec(d, rng, 2.0);
    m.insert(m.end(), mean.begin(), mean.end());
    Mat cov(static_cast<std::size_t>(d) * d, 0.0);
    if (diagonal) {
      for (int i = 0; i < d; ++i) cov[static_cast<std::size_t>(i) * d + i] = us(rng);
    } else {
      cov = random_cov(d, 20.0, rng, rank);
      const double f = us(rng);
      for (auto &x : cov) x *= f;
    }
    s.insert(s.end(), cov.begin(), cov.end());
  }
  return std::make_shared<const Gmm>(make_gmm(static_cast<std::size_t>(d), w, m, s));
}

inline BarycenterInputs inputs_of(const std::vector<std::shared_ptr<const Gmm>> &g,
                                  const std::vector<double> &lambda) {
  return make_barycenter_inputs(g, lambda.data());
}

// Every tuple's cost C_t, t in mixed radix with the last index fastest.
inline std::vector<double> all_tuple_costs(const BarycenterInputs &in) {
  const std::size_t j = in.count();
  const int d = static_cast<int>(in.dim());
  std::size_t total = 1;
  for (const auto &g : in.mixtures) total *= g->k();
  std::vector<double> costs(total);
  std::vector<std::size_t> t(j, 0);
  for (std::size_t key = 0; key < total; ++key) {
    std::size_t rest = key;
    for (std::size_t q = j; q-- > 0;) {
      t[q] = rest % in.mixtures[q]->k();
      rest /= in.mixtures[q]->k();
    }
    GaussianSet set;
    set.lambda = in.lambda;
    std::vector<double> means;
    for (std::size_t q = 0; q < j; ++q) {
      const Gmm &g = *in.mixtures[q];
      set.covs.push_back(g.factors()[t[q]]);
      means.insert(means.end(), g.means().begin() + static_cast<std::ptrdiff_t>(t[q] * g.d()),
                   g.means().begin() + static_cast<std::ptrdiff_t>((t[q] + 1) * g.d()));
    }
    costs[key] =
        gaussian_multimarginal_cost(d, set, means.data(), BarycenterOptions{}, Context{}).cost;
  }
  return costs;
}

}  // namespace gmmot::test
