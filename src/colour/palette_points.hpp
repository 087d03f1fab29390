// SPDX-License-Identifier: MIT
// The points a colour palette is fitted on: the pixels (all, or a seeded sample) reduced to their
// distinct colours, each weighted by how often it occurs. EM with these weights maximises the
// same likelihood as EM on the pixels themselves (the weighted log-likelihood sums the same
// terms), and photographs of 8-bit channels hold far fewer distinct colours than pixels
// (typically 5 to 20 times fewer), so a fit on every pixel costs a fraction of the passes' work.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/context.hpp"

namespace gmmot {

struct PalettePoints {
  std::vector<double> colours;  // distinct colours, n x 3, in order of first occurrence
  std::vector<double> counts;   // occurrences of each (the EM weights)
  std::size_t drawn = 0;        // pixels drawn (n for "all")
};

// pixels: n x 3. sample = 0 or >= n: every pixel; otherwise `sample` pixels drawn uniformly
// with replacement by Xoshiro256(seed, 0) (a sample of the empirical colour distribution; the
// draws do not depend on ctx.threads).
PalettePoints palette_points(std::size_t n, const double *pixels, std::size_t sample,
                             std::uint64_t seed, const Context &ctx);

}  // namespace gmmot
