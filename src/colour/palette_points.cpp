// SPDX-License-Identifier: MIT
#include "colour/palette_points.hpp"

#include <algorithm>
#include <cstring>

#include "util/rng.hpp"

namespace gmmot {

namespace {

std::uint64_t bits(double v) {
  v += 0.0;  // -0.0 and 0.0 are one colour
  std::uint64_t b;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

std::uint64_t hash_colour(const double *c) {
  std::uint64_t h = bits(c[0]) * 0x9E3779B97F4A7C15ull;
  h = (h ^ (h >> 29) ^ bits(c[1])) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 31) ^ bits(c[2])) * 0x94D049BB133111EBull;
  return h ^ (h >> 32);
}

// Open addressing over the indices of the distinct colours found so far.
class ColourTable {
 public:
  explicit ColourTable(std::size_t expected) {
    std::size_t size = 16;
    while (size < 2 * expected) size *= 2;
    slots_.assign(size, kEmpty);
    mask_ = size - 1;
  }
  void add(const double *c, PalettePoints &out) {
    if (2 * (out.counts.size() + 1) > slots_.size()) grow(out);
    std::size_t i = hash_colour(c) & mask_;
    for (;;) {
      const std::uint32_t s = slots_[i];
      if (s == kEmpty) {
        slots_[i] = static_cast<std::uint32_t>(out.counts.size());
        out.colours.insert(out.colours.end(), c, c + 3);
        out.counts.push_back(1.0);
        return;
      }
      const double *o = out.colours.data() + 3 * static_cast<std::size_t>(s);
      if (o[0] == c[0] && o[1] == c[1] && o[2] == c[2]) {
        out.counts[s] += 1.0;
        return;
      }
      i = (i + 1) & mask_;
    }
  }

 private:
  void grow(const PalettePoints &out) {
    slots_.assign(2 * slots_.size(), kEmpty);
    mask_ = slots_.size() - 1;
    for (std::size_t s = 0; s < out.counts.size(); ++s) {
      std::size_t i = hash_colour(out.colours.data() + 3 * s) & mask_;
      while (slots_[i] != kEmpty) i = (i + 1) & mask_;
      slots_[i] = static_cast<std::uint32_t>(s);
    }
  }

  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  std::vector<std::uint32_t> slots_;
  std::size_t mask_ = 0;
};

}  // namespace

PalettePoints palette_points(std::size_t n, const double *pixels, std::size_t sample,
                             std::uint64_t seed, const Context &ctx) {
  PalettePoints out;
  const bool all = sample == 0 || sample >= n;
  out.drawn = all ? n : sample;
  // The table starts for at most 2^20 colours and grows (8-bit images hold at most 2^24).
  ColourTable table(std::min<std::size_t>(out.drawn, std::size_t{1} << 20));
  out.colours.reserve(3 * std::min<std::size_t>(out.drawn, 1u << 20));
  out.counts.reserve(std::min<std::size_t>(out.drawn, 1u << 20));
  Xoshiro256 rng(seed, 0);
  // The draws of a large image are cache misses: each pixel is prefetched kAhead draws before
  // it is counted (the same draws in the same order).
  constexpr std::size_t kAhead = 16;
  std::size_t ring[kAhead];
  auto draw = [&](std::size_t i) {
    return all ? i
               : std::min(n - 1, static_cast<std::size_t>(rng.uniform() * static_cast<double>(n)));
  };
  for (std::size_t i = 0; i < std::min(kAhead, out.drawn); ++i) {
    ring[i] = draw(i);
    __builtin_prefetch(pixels + 3 * ring[i]);
  }
  for (std::size_t i = 0; i < out.drawn; ++i) {
    if ((i & 0xFFFFF) == 0) ctx.check_interrupt();
    const std::size_t j = ring[i % kAhead];
    if (i + kAhead < out.drawn) {
      ring[i % kAhead] = draw(i + kAhead);
      __builtin_prefetch(pixels + 3 * ring[i % kAhead]);
    }
    table.add(pixels + 3 * j, out);
  }
  return out;
}

}  // namespace gmmot
