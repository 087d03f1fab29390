// SPDX-License-Identifier: MIT
// P x P patches of an image as points in R^{P^2 C}: the patch at position (i, j) (its top-left
// pixel) is the vector of pixels (i + dx, j + dy), index (dy P + dx) C + channel. Positions
// range over the (W - P + 1) x (H - P + 1) patches that lie inside the image (row-major).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "texture/image.hpp"
#include "util/context.hpp"

namespace gmmot {

// The patches at the given positions (indices into the row-major grid of positions), one row
// each; all positions when `positions` is empty.
std::vector<double> extract_patches(const ImageView &image, std::size_t patch,
                                    const std::vector<std::size_t> &positions, const Context &ctx);

// `count` distinct indices of [0, n) drawn uniformly (partial Fisher-Yates with
// Xoshiro256(seed, stream)), sorted; all of [0, n) when count == 0 or count >= n.
std::vector<std::size_t> subsample(std::size_t n, std::size_t count, std::uint64_t seed,
                                   std::uint64_t stream);

// The image of width x height pixels whose pixel (X, Y), for X in [P - 1, W - P + 1) and Y
// likewise (the pixels covered by P^2 patches), is the mean of the P^2 values that the patches
// covering it give it; `patches` holds every position's patch (extract_patches' layout) of an
// image of `width` x `height`. Writes (W - 2P + 2) x (H - 2P + 2) pixels to out.
void aggregate_patches(std::size_t width, std::size_t height, std::size_t channels,
                       std::size_t patch, const double *patches, const Context &ctx, double *out);

}  // namespace gmmot
