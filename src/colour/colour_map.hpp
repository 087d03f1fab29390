// SPDX-License-Identifier: MIT
// T_mean over an image's pixels, computed once per distinct colour. A photograph of 12
// megapixels holds typically 0.1 to 2 million distinct 8-bit colours, and T_mean, like the
// colour-space conversions, gives every pixel a result that depends only on the pixel's own
// bits: so mapping the distinct colours and spreading the results gives the same bits as
// mapping every pixel, for a fraction of the work.
// The image is cut into blocks of consecutive pixels; each block collects its own distinct
// colours (a hash table of L2 size, per worker), maps them and spreads the results through
// per-pixel tags, all while the block's data is in cache. A block with too many distinct
// colours (more than 1/8 of its pixels), or with a value that is not 8-bit, is mapped pixel by
// pixel instead: the same bits either way.
// 8-bit: every value is exactly i / 255 for an integer i, as an 8-bit image divided by 255
// gives (not -0.0); a colour is then 24 bits, which the table holds in its slots.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "colour/colour_space.hpp"
#include "maps/transport_maps.hpp"
#include "util/context.hpp"

namespace gmmot {

// The distinct 8-bit colours of up to `capacity` pixels at a time, with a tag per pixel.
class BlockColours {
 public:
  // Reserves everything for blocks of up to `capacity` pixels with at most capacity / 8
  // colours, so that collect and spread allocate nothing.
  explicit BlockColours(std::size_t capacity);

  // Collects the distinct colours of the n x 3 pixels (n <= capacity). Returns false, leaving
  // the object empty, when a value is not 8-bit or there are more than max_colours of them
  // (max_colours <= capacity / 8). row: pixels per image row (a pixel equal to the one above
  // takes its tag), 0 = not an image.
  bool collect(std::size_t n, const double *pixels, std::size_t max_colours, std::size_t row = 0);

  std::size_t size() const { return colours_.size() / 3; }
  const double *colours() const { return colours_.data(); }  // size() x 3, first-seen order

  // out[i] = values[j] (3 doubles) where colour j is pixel i's colour, for the n pixels of
  // the last successful collect.
  void spread(std::size_t n, const double *values, double *out) const;

 private:
  bool insert(std::uint32_t key, std::uint32_t *index);  // false when full
  void use_bits(unsigned bits);

  std::vector<std::uint64_t> slots_;  // open addressing: (key + 1) << 32 | index, 0 = empty
  std::vector<std::uint32_t> tags_;   // per pixel: the index of its colour
  std::vector<double> colours_;
  std::vector<std::uint32_t> keys_;  // the colours as 24-bit keys
  // Recently seen colours: key << 32 | index, kNoRecent when empty (no key has its high bits).
  static constexpr unsigned kRecentBits = 12;
  static constexpr std::uint64_t kNoRecent = ~0ull;
  std::vector<std::uint64_t> recent_;
  std::size_t capacity_ = 0, max_ = 0, count_ = 0;
  unsigned bits_ = 0, max_bits_ = 0;  // slots in use: 2^bits_, at most 2^max_bits_
};

// out = T_mean(to_space(pixels)) brought back by from_space, for n pixels (n x 3, RGB in
// [0, 1]), bit for bit as maps.apply_mean on every pixel (then from_space) gives. row: pixels
// per image row (0: not known), block: pixels per block, 0 = automatic. out must not alias pixels.
// Returns the number of points mapped (the blocks' distinct colours, and the pixels of the blocks
// mapped one by one).
std::size_t map_mean_by_colours(const TransportMaps &maps, ColourSpace space, std::size_t n,
                                const double *pixels, const Context &ctx, double *out,
                                std::size_t row = 0, std::size_t block = 0);

}  // namespace gmmot
