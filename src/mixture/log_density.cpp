// SPDX-License-Identifier: MIT
// Log-density of a mixture: log-sum-exp over components of log w_k + log N(x; m_k, S_k), each
// term from the cached factor by the shared component kernel (mixture/component_density.hpp),
// so nothing under- or overflows (d = 500, S = 0.01 I is fine). Degenerate components use the
// density on their support (pseudo-determinant, pseudo-inverse) and contribute nothing off it.
#include <algorithm>
#include <cmath>
#include <limits>

#include "mixture/component_density.hpp"
#include "mixture/gmm.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace gmmot {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

}  // namespace

void Gmm::log_density(std::size_t n, const double *points, const Context &ctx, double *out) const {
  const std::size_t d = d_, k = weights_.size();
  require_finite(points, n * d, "points", d);
  std::vector<ComponentDensity> kernels;
  kernels.reserve(k);
  for (std::size_t c = 0; c < k; ++c)
    kernels.emplace_back(means_.data() + c * d, factors_[c], family_);
  constexpr std::size_t kBlock = 128;
  // Every worker's scratch is allocated before the first entry of out is written, so that once
  // the points are validated nothing can fail (not even running out of memory) and the caller's
  // buffer is written directly, without staging n doubles (gmmot/gmm.h: untouched on error).
  struct Scratch {
    PointBlock block;
    std::vector<double> lp, term;
  };
  const std::size_t nblocks = (n + kBlock - 1) / kBlock;
  std::vector<Scratch> scratch(std::min<std::size_t>(std::max(1u, ctx.threads), nblocks));
  for (Scratch &s : scratch) {
    s.block.soa.reserve(d * kBlock);  // PointBlock::assign and the kernels resize within these
    s.block.y.reserve(d * kBlock);
    s.block.coords.reserve(d * kBlock);
    s.lp.resize(kBlock * k);
    s.term.resize(kBlock);
  }
  parallel_blocks(
      n, kBlock, ctx,
      [&](std::size_t begin, std::size_t end, unsigned w) {
        const std::size_t nb = end - begin;
        PointBlock &block = scratch[w].block;
        block.assign(d, nb, points + begin * d);
        double *lp = scratch[w].lp.data(), *term = scratch[w].term.data();
        for (std::size_t c = 0; c < k; ++c) {
          if (weights_[c] == 0.0) {
            for (std::size_t p = 0; p < nb; ++p) lp[p * k + c] = kNegInf;
            continue;
          }
          kernels[c].log_density(block, term);
          const double lw = std::log(weights_[c]);
          for (std::size_t p = 0; p < nb; ++p) lp[p * k + c] = lw + term[p];
        }
        for (std::size_t p = 0; p < nb; ++p) {
          const double *row = lp + p * k;
          const double mx = *std::max_element(row, row + k);
          if (mx == kNegInf) {
            out[begin + p] = kNegInf;
            continue;
          }
          double acc = 0.0;
          for (std::size_t c = 0; c < k; ++c) acc += std::exp(row[c] - mx);
          out[begin + p] = mx + std::log(acc);
        }
      },
      Stage::Density);
}

}  // namespace gmmot
