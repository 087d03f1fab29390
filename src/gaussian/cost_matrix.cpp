// The K0 x K1 matrix of W2^2 between mixture components: every covariance was factored once,
// so a pair costs one factor product and its singular values (numerics.md A.4, A.7.2-3), four
// pairs at a time (closed forms in vector lanes for d <= 3, lockstep dqds above).
#include <algorithm>
#include <cmath>

#include "gaussian/bures.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace gmmot {

void w2_cost_matrix(int d, const double *means0, const std::vector<CovFactor> &covs0,
                    const double *means1, const std::vector<CovFactor> &covs1, const Context &ctx,
                    double *out) {
  const std::size_t k0 = covs0.size(), k1 = covs1.size(), pairs = k0 * k1;
  // Rough cost per pair in nanoseconds; spawning threads pays off above ~0.2 ms of work.
  const double pair_ns = d <= 3 ? 60.0 : 1.5 * d * d * d;
  const double total_ns = pair_ns * static_cast<double>(pairs);
  const unsigned useful =
      static_cast<unsigned>(std::clamp(total_ns / 2e5, 1.0, static_cast<double>(ctx.threads)));
  // Blocks of whole batches of kLanes pairs (a batch's lanes never affect each other's results).
  const std::size_t block =
      kLanes * std::max<std::size_t>(1, static_cast<std::size_t>(2e4 / pair_ns / kLanes));
  std::vector<PairWorkspace> spaces;
  spaces.reserve(useful);
  for (unsigned t = 0; t < useful; ++t) spaces.emplace_back(d);
  parallel_blocks(
      pairs, block, ctx.limited(useful),
      [&](std::size_t begin, std::size_t end, unsigned w) {
        for (std::size_t p = begin; p < end; p += kLanes) {
          const int count = static_cast<int>(std::min<std::size_t>(kLanes, end - p));
          const double *m0[kLanes], *m1[kLanes];
          const CovFactor *f0[kLanes], *f1[kLanes];
          for (int i = 0; i < count; ++i) {
            const std::size_t k = (p + i) / k1, l = (p + i) % k1;
            m0[i] = means0 + k * d;
            m1[i] = means1 + l * d;
            f0[i] = &covs0[k];
            f1[i] = &covs1[l];
          }
          w2_squared_batch(m0, f0, m1, f1, count, spaces[w], out + p);
        }
      },
      Stage::CostMatrix);
  for (std::size_t p = 0; p < pairs; ++p) {
    if (!std::isfinite(out[p])) {
      fail(Errc::Overflow, "W2^2 between component " + std::to_string(p / k1) +
                               " of the first mixture and component " + std::to_string(p % k1) +
                               " of the second exceeds the largest double");
    }
  }
}

}  // namespace gmmot
