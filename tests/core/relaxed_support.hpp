// SPDX-License-Identifier: MIT
// Point clouds for the tests of the KL-relaxed fit and of the plans built from point clouds
// (test_relaxed_fit.cpp, test_relaxed_plan.cpp): random clustered clouds, their PointCloud view,
// and exact equality of two mixtures.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "mixture/gmm.hpp"
#include "relax/relaxed_fit.hpp"

namespace gmmot::test {

// n points from a random mixture of `clusters` Gaussians in dimension d (point i in cluster
// i % clusters): means uniform in [-spread, spread]^d, covariances B B^T + 0.1 I with B entries
// N(0, 0.5^2).
inline std::vector<double> cloud(std::size_t n, std::size_t d, std::size_t clusters, double spread,
                                 std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd;
  std::uniform_real_distribution<double> ud(-spread, spread);
  std::vector<double> m(clusters * d), b(clusters * d * d), x(n * d), z(d);
  for (auto &v : m) v = ud(rng);
  for (auto &v : b) v = 0.5 * nd(rng);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = i % clusters;
    for (auto &t : z) t = nd(rng);
    for (std::size_t j = 0; j < d; ++j) {
      double v = m[c * d + j] + std::sqrt(0.1) * nd(rng);
      for (std::size_t l = 0; l < d; ++l) v += b[(c * d + j) * d + l] * z[l];
      x[i * d + j] = v;
    }
  }
  return x;
}

// The points x (n x d, row-major) as a PointCloud, with the weights w (uniform when null).
inline PointCloud view(const std::vector<double> &x, std::size_t d,
                       const std::vector<double> *w = nullptr) {
  PointCloud c;
  c.n = x.size() / d;
  c.d = d;
  c.points = x.data();
  c.weights = w != nullptr ? w->data() : nullptr;
  return c;
}

// The same weights, means and covariances, bit for bit.
inline bool same(const Gmm &a, const Gmm &b) {
  return a.weights() == b.weights() && a.means() == b.means() && a.covariances() == b.covariances();
}

}  // namespace gmmot::test
