// SPDX-License-Identifier: MIT
// The K0 x K1 matrix of W2^2 between mixture components: every covariance was factored once,
// so a pair costs one factor product and its singular values (numerics.md A.4, A.7.2-3), in
// batches of kPairBatch pairs (closed forms four to a vector for d <= 3; above, the products
// bidiagonalised four at a time in vector lanes up to d = 64 and lockstep dqds on eight).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gaussian/bures.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace gmmot {
namespace {

double squared_norm(const double *x, int d) {
  double s = 0.0;
  for (int i = 0; i < d; ++i) s += x[i] * x[i];
  return s;
}

}  // namespace

double w2_pair_ns(int d) {
  if (d <= 3) return 60.0;  // closed forms, kLanes pairs to a vector
  const double x = static_cast<double>(d);
  return x * (50.0 + x * (6.25 + 0.05 * x));  // least squares on the measurements (+-15%)
}

unsigned w2_pair_workers(double total_ns, unsigned threads) {
  return static_cast<unsigned>(
      std::clamp(total_ns / 1e5, 1.0, static_cast<double>(std::max(1U, threads))));
}

std::size_t w2_pair_block(double pair_ns) {
  return kPairBatch *
         std::max<std::size_t>(1, static_cast<std::size_t>(2e4 / pair_ns / kPairBatch));
}

void w2_cost_matrix(int d, const double *means0, const std::vector<CovFactor> &covs0,
                    const double *means1, const std::vector<CovFactor> &covs1, const Context &ctx,
                    double *out) {
  const std::size_t k0 = covs0.size(), k1 = covs1.size(), pairs = k0 * k1;
  const double pair_ns = w2_pair_ns(d);
  const unsigned useful = w2_pair_workers(pair_ns * static_cast<double>(pairs), ctx.threads);
  // Blocks of whole batches of kPairBatch pairs (a batch's lanes never affect each other's
  // results).
  const std::size_t block = w2_pair_block(pair_ns);
  std::vector<PairWorkspace> spaces;
  spaces.reserve(useful);
  for (unsigned t = 0; t < useful; ++t) spaces.emplace_back(d);
  // Pairs [p, p + count) of the matrix into dst (count <= kPairBatch, any grouping gives the same
  // values: a batch's lanes never affect each other's results).
  auto batch = [&](std::size_t p, int count, PairWorkspace &ws, double *dst) {
    const double *m0[kPairBatch], *m1[kPairBatch];
    const CovFactor *f0[kPairBatch], *f1[kPairBatch];
    for (int i = 0; i < count; ++i) {
      const std::size_t k = (p + i) / k1, l = (p + i) % k1;
      m0[i] = means0 + k * d;
      m1[i] = means1 + l * d;
      f0[i] = &covs0[k];
      f1[i] = &covs1[l];
    }
    w2_squared_batch(m0, f0, m1, f1, count, ws, dst);
  };
  // Overflow is ruled out before out is written (the caller's buffer is written in place and
  // must stay untouched on error): 0 <= W2^2 <= |m0 - m1|^2 + tr S0 + tr S1 <= B_kl =
  // (|m0_k| + |m1_l|)^2 + tr S0_k + tr S1_l. Pairs with B_kl above DBL_MAX / 4 (a margin for
  // rounding) are rare (means or variances near 1e154) and are computed once here first.
  std::vector<double> norm0(k0), norm1(k1);
  for (std::size_t k = 0; k < k0; ++k) norm0[k] = std::sqrt(squared_norm(means0 + k * d, d));
  for (std::size_t l = 0; l < k1; ++l) norm1[l] = std::sqrt(squared_norm(means1 + l * d, d));
  const double safe = std::numeric_limits<double>::max() / 4;
  const double max0 = k0 > 0 ? *std::max_element(norm0.begin(), norm0.end()) : 0.0;
  const double max1 = k1 > 0 ? *std::max_element(norm1.begin(), norm1.end()) : 0.0;
  double tmax0 = 0.0, tmax1 = 0.0;
  for (const CovFactor &f : covs0) tmax0 = std::max(tmax0, f.trace);
  for (const CovFactor &f : covs1) tmax1 = std::max(tmax1, f.trace);
  if (!((max0 + max1) * (max0 + max1) + tmax0 + tmax1 <= safe)) {
    for (std::size_t p = 0; p < pairs; ++p) {
      const std::size_t k = p / k1, l = p % k1;
      const double bound =
          (norm0[k] + norm1[l]) * (norm0[k] + norm1[l]) + covs0[k].trace + covs1[l].trace;
      if (bound <= safe) continue;
      double value = 0.0;
      batch(p, 1, spaces[0], &value);
      if (!std::isfinite(value)) {
        fail(Errc::Overflow, "W2^2 between component " + std::to_string(k) +
                                 " of the first mixture and component " + std::to_string(l) +
                                 " of the second exceeds the largest double");
      }
    }
  }
  parallel_blocks(
      pairs, block, ctx.limited(useful),
      [&](std::size_t begin, std::size_t end, unsigned w) {
        for (std::size_t p = begin; p < end; p += kPairBatch) {
          batch(p, static_cast<int>(std::min<std::size_t>(kPairBatch, end - p)), spaces[w],
                out + p);
        }
      },
      Stage::CostMatrix);
  for (std::size_t p = 0; p < pairs; ++p) {
    if (!std::isfinite(out[p])) {
      fail(Errc::Internal, "W2^2 of the pair (" + std::to_string(p / k1) + ", " +
                               std::to_string(p % k1) + ") is " + fmt(out[p]) +
                               " although its bound ruled overflow out");
    }
  }
}

}  // namespace gmmot
