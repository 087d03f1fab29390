// SPDX-License-Identifier: MIT
// Sampling: point i draws its component and its normals from its own stream (seed, i), so a
// draw is reproducible whatever the number of threads and prefixes of draws agree.
#include <algorithm>
#include <cmath>
#include <vector>

#include "mixture/gmm.hpp"
#include "util/parallel.hpp"
#include "util/rng.hpp"

namespace gmmot {

void Gmm::sample(std::size_t n, std::uint64_t seed, const Context &ctx, double *points,
                 std::size_t *labels) const {
  const std::size_t d = d_, k = weights_.size();
  const bool t = family_.is_student_t();
  const double nu = family_.nu();
  std::vector<double> cumulative(k);
  double total = 0.0;
  for (std::size_t c = 0; c < k; ++c) cumulative[c] = (total += weights_[c]);
  std::size_t last_positive = 0;
  for (std::size_t c = 0; c < k; ++c)
    if (weights_[c] > 0.0) last_positive = c;
  // Each worker's scratch is allocated before the first point is written: nothing can fail
  // afterwards, so the caller's buffers are written in place (gmmot/gmm.h: untouched on error).
  constexpr std::size_t kBlock = 1024;
  const std::size_t workers =
      std::min<std::size_t>(std::max(1u, ctx.threads), (n + kBlock - 1) / kBlock);
  std::vector<std::vector<double>> scratch(workers, std::vector<double>(d + 1));
  parallel_blocks(
      n, kBlock, ctx,
      [&](std::size_t begin, std::size_t end, unsigned w) {
        std::vector<double> &z = scratch[w];
        for (std::size_t i = begin; i < end; ++i) {
          Xoshiro256 rng(seed, i);
          const double u = rng.uniform() * total;
          std::size_t c = last_positive;
          for (std::size_t j = 0; j < k; ++j) {
            if (weights_[j] > 0.0 && u < cumulative[j]) {
              c = j;
              break;
            }
          }
          for (std::size_t j = 0; j < d; j += 2) rng.normal_pair(z[j], z[j + 1]);
          const CovFactor &f = factors_[c];
          const double *m = means_.data() + c * d;
          double *x = points + i * d;
          // Student-t: m + S^(1/2) z / sqrt(W / nu), W ~ chi2_nu = 2 Gamma(nu / 2), with
          // S^(1/2) = sqrt((nu - 2) / nu) C^(1/2) from the covariance factor.
          const double radial = t ? std::sqrt((nu - 2.0) / (2.0 * rng.gamma(0.5 * nu))) : 1.0;
          for (std::size_t r = 0; r < d; ++r) {
            double acc = 0.0;
            for (std::size_t j = 0; j < d; ++j) acc += f.f[r + j * d] * z[j];
            x[r] = m[r] + std::ldexp(acc, f.scale_exp) * radial;
          }
          if (labels != nullptr) labels[i] = c;
        }
      },
      Stage::Density);
}

}  // namespace gmmot
