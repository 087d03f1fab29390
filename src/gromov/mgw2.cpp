// SPDX-License-Identifier: MIT
#include "gromov/mgw2.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <exception>
#include <string>

#include "gaussian/bures.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "util/dynamic_tasks.hpp"
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
  // The matrix is symmetric with a zero diagonal: only the k (k - 1) / 2 pairs k < l, each
  // computed once (a d x d SVD each at large d: at d = 27, K = 10 a blocked rectangular
  // w2_cost_matrix computed 84 pairs for these 45), in batches of kPairBatch.
  std::vector<double> d(k * k, 0.0);
  const std::size_t pairs = k * (k - 1) / 2;
  std::vector<std::size_t> first(pairs), second(pairs);
  for (std::size_t i = 0, p = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j, ++p) {
      first[p] = i;
      second[p] = j;
    }
  std::vector<double> values(pairs, 0.0);
  // Rough nanoseconds per pair (w2_cost_matrix's estimate); a second thread only above ~2 ms of
  // work: a thread is started per call and pays its own start-up. Measured at d = 27, K = 10
  // (45 pairs, ~0.5 ms) when the blocks were dealt in a fixed order: best of 12 calls 0.82 ms on
  // one thread, 1.05 ms on two.
  const double pair_ns = dim <= 3 ? 60.0 : 1.5 * static_cast<double>(dim * dim * dim);
  const unsigned useful = static_cast<unsigned>(std::clamp(
      pair_ns * static_cast<double>(pairs) / 2e6, 1.0, static_cast<double>(ctx.threads)));
  const std::size_t block =
      kPairBatch * std::max<std::size_t>(1, static_cast<std::size_t>(2e4 / pair_ns / kPairBatch));
  std::vector<PairWorkspace> spaces;
  spaces.reserve(useful);
  for (unsigned t = 0; t < useful; ++t) spaces.emplace_back(static_cast<int>(dim));
  // Blocks taken on demand (run_dynamic): each pair's value depends only on the pair, and under
  // load the caller takes the blocks of a helper that has no core yet instead of waiting for it.
  const std::size_t nblocks = (pairs + block - 1) / block;
  const std::vector<std::exception_ptr> errors =
      run_dynamic(nblocks, useful, [&](std::size_t b, unsigned w) {
        ctx.check_interrupt();
        const std::size_t begin = b * block, end = std::min(pairs, begin + block);
        const double *m0[kPairBatch], *m1[kPairBatch];
        const CovFactor *f0[kPairBatch], *f1[kPairBatch];
        for (std::size_t p = begin; p < end; p += kPairBatch) {
          const int count = static_cast<int>(std::min<std::size_t>(kPairBatch, end - p));
          for (int c = 0; c < count; ++c) {
            m0[c] = means + first[p + c] * dim;
            m1[c] = means + second[p + c] * dim;
            f0[c] = &f[first[p + c]];
            f1[c] = &f[second[p + c]];
          }
          w2_squared_batch(m0, f0, m1, f1, count, spaces[w], values.data() + p);
        }
      });
  for (const std::exception_ptr &e : errors)
    if (e) std::rethrow_exception(e);
  for (std::size_t p = 0; p < pairs; ++p) {
    if (!std::isfinite(values[p])) {
      fail(Errc::Overflow, "W2^2 between components " + std::to_string(first[p]) + " and " +
                               std::to_string(second[p]) + " of " + name +
                               " exceeds the largest double");
    }
    d[first[p] * k + second[p]] = d[second[p] * k + first[p]] = values[p];
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
