// SPDX-License-Identifier: MIT
#include "texture/patches.hpp"

#include <algorithm>
#include <numeric>

#include "util/parallel.hpp"
#include "util/rng.hpp"
#include "util/sizes.hpp"

namespace gmmot {

std::vector<double> extract_patches(const ImageView &image, std::size_t patch,
                                    const std::vector<std::size_t> &positions, const Context &ctx) {
  const std::size_t c = image.channels, px = image.width - patch + 1;
  const std::size_t all = px * (image.height - patch + 1);
  const std::size_t n = positions.empty() ? all : positions.size();
  const std::size_t d = patch * patch * c;
  std::vector<double> out(checked_mul(n, d, "patches"));
  parallel_blocks(n, 1024, ctx, [&](std::size_t b0, std::size_t b1, unsigned) {
    for (std::size_t r = b0; r < b1; ++r) {
      const std::size_t pos = positions.empty() ? r : positions[r];
      const std::size_t i = pos % px, j = pos / px;
      double *o = out.data() + r * d;
      for (std::size_t dy = 0; dy < patch; ++dy) {
        const double *src = image.pixels + ((j + dy) * image.width + i) * c;
        std::copy(src, src + patch * c, o + dy * patch * c);
      }
    }
  });
  return out;
}

std::vector<std::size_t> subsample(std::size_t n, std::size_t count, std::uint64_t seed,
                                   std::uint64_t stream) {
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  if (count == 0 || count >= n) return idx;
  Xoshiro256 rng(seed, stream);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(rng.uniform() * static_cast<double>(n - i));
    std::swap(idx[i], idx[std::min(j, n - 1)]);
  }
  idx.resize(count);
  std::sort(idx.begin(), idx.end());
  return idx;
}

void aggregate_patches(std::size_t width, std::size_t height, std::size_t channels,
                       std::size_t patch, const double *patches, const Context &ctx, double *out) {
  const std::size_t px = width - patch + 1;
  const std::size_t ow = width - 2 * patch + 2, oh = height - 2 * patch + 2;
  const std::size_t d = patch * patch * channels;
  const double inv = 1.0 / static_cast<double>(patch * patch);
  parallel_blocks(oh, 8, ctx, [&](std::size_t y0, std::size_t y1, unsigned) {
    for (std::size_t y = y0; y < y1; ++y) {
      const std::size_t gy = y + patch - 1;
      for (std::size_t x = 0; x < ow; ++x) {
        const std::size_t gx = x + patch - 1;
        double *o = out + (y * ow + x) * channels;
        std::fill(o, o + channels, 0.0);
        // The patch at (i, j) holds pixel (gx, gy) at offset (gx - i, gy - j).
        for (std::size_t j = gy + 1 - patch; j <= gy; ++j)
          for (std::size_t i = gx + 1 - patch; i <= gx; ++i) {
            const double *v = patches + (j * px + i) * d + ((gy - j) * patch + (gx - i)) * channels;
            for (std::size_t k = 0; k < channels; ++k) o[k] += v[k];
          }
        for (std::size_t k = 0; k < channels; ++k) o[k] *= inv;
      }
    }
  });
}

}  // namespace gmmot
