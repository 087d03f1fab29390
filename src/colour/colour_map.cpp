// SPDX-License-Identifier: MIT
#include "colour/colour_map.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>

#include "util/parallel.hpp"

namespace gmmot {

namespace {

constexpr std::uint32_t kNotEightBit = 0xFFFFFFFFu;
// Pixels converted and mapped at a time where a block is mapped pixel by pixel (the scratch of
// a colour-space conversion stays small).
constexpr std::size_t kChunk = 4096;

// i / 255 for every 8-bit level, as the images are made.
struct Levels {
  std::uint64_t bits[256];
  Levels() {
    for (int i = 0; i < 256; ++i) {
      const double v = static_cast<double>(i) / 255.0;
      std::memcpy(&bits[i], &v, sizeof v);
    }
  }
};
const Levels kLevels;

// The 24-bit colour of a pixel, or kNotEightBit when a value is not exactly i / 255.
std::uint32_t key_of(const double *c) {
  std::uint32_t key = 0;
  bool exact = true;
  for (int k = 0; k < 3; ++k) {
    const double v = c[k];
    // Outside [0, 1] (or NaN) is not 8-bit; the test also keeps the conversion defined.
    if (!(v >= 0.0 && v <= 1.0)) return kNotEightBit;
    const auto q = static_cast<std::uint32_t>(v * 255.0 + 0.5);
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    exact = exact && b == kLevels.bits[q];
    key = (key << 8) | q;
  }
  return exact ? key : kNotEightBit;
}

// The pixels of [begin, end) mapped one by one, through the colour space, kChunk at a time.
void map_each(const TransportMaps &maps, ColourSpace space, std::size_t begin, std::size_t end,
              const double *pixels, const Context &one, std::vector<double> &scratch, double *out) {
  if (space == ColourSpace::Rgb) {
    maps.apply_mean(end - begin, pixels + 3 * begin, one, out + 3 * begin);
    return;
  }
  for (std::size_t i = begin; i < end; i += kChunk) {
    const std::size_t m = std::min(kChunk, end - i);
    to_space(space, m, pixels + 3 * i, scratch.data(), one);
    maps.apply_mean(m, scratch.data(), one, out + 3 * i);
    from_space(space, m, out + 3 * i, out + 3 * i, one);
  }
}

}  // namespace

BlockColours::BlockColours(std::size_t capacity) : capacity_(capacity) {
  max_ = std::max<std::size_t>(1, capacity / 8);
  std::size_t size = 16;
  unsigned bits = 4;
  while (size < 2 * max_ + 2) size *= 2, ++bits;  // load at most 1/2
  slots_.assign(size, 0);
  max_bits_ = bits;
  keys_.reserve(max_);
  tags_.resize(capacity);
  colours_.reserve(3 * max_);
  recent_.resize(std::size_t{1} << kRecentBits);
}

void BlockColours::use_bits(unsigned bits) {
  // The table in use is the first 2^bits slots: sized to the colours found so far, so that a
  // block with few colours probes a table that stays in cache.
  bits_ = bits;
  const std::size_t size = std::size_t{1} << bits;
  std::fill(slots_.begin(), slots_.begin() + static_cast<std::ptrdiff_t>(size), 0);
  for (std::size_t j = 0; j < keys_.size(); ++j) {
    std::size_t i = static_cast<std::size_t>((keys_[j] * 0x9E3779B97F4A7C15ull) >> (64 - bits));
    while (slots_[i] != 0) i = (i + 1) & (size - 1);
    slots_[i] = (static_cast<std::uint64_t>(keys_[j]) + 1) << 32 | j;
  }
}

bool BlockColours::insert(std::uint32_t key, std::uint32_t *index) {
  const std::uint64_t tag = static_cast<std::uint64_t>(key) + 1;
  const std::size_t mask = (std::size_t{1} << bits_) - 1;
  for (std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> (64 - bits_));;
       i = (i + 1) & mask) {
    const std::uint64_t s = slots_[i];
    if ((s >> 32) == tag) {
      *index = static_cast<std::uint32_t>(s);
      return true;
    }
    if (s != 0) continue;
    if (count_ >= max_) return false;
    *index = static_cast<std::uint32_t>(count_++);
    slots_[i] = tag << 32 | *index;
    keys_.push_back(key);  // within the reserve
    for (int k = 0; k < 3; ++k) {
      double v;
      std::memcpy(&v, &kLevels.bits[(key >> (16 - 8 * k)) & 0xFFu], sizeof v);
      colours_.push_back(v);  // within the reserve
    }
    if (2 * count_ > mask + 1 && bits_ < max_bits_) use_bits(bits_ + 1);  // load at most 1/2
    return true;
  }
}

bool BlockColours::collect(std::size_t n, const double *pixels, std::size_t max_colours,
                           std::size_t row) {
  if (row == 0) row = n;  // no row above
  std::fill(recent_.begin(), recent_.end(), kNoRecent);
  colours_.clear();
  keys_.clear();
  use_bits(std::min(max_bits_, 12u));
  count_ = 0;
  const std::size_t saved = max_;
  max_ = std::min(max_, max_colours);
  bool ok = n <= capacity_;
  std::uint64_t prev[3] = {~0ull, ~0ull, ~0ull};  // no value in [0, 1] has these bits
  std::uint32_t index = 0;
  for (std::size_t i = 0; ok && i < n; ++i) {
    std::uint64_t raw[3];
    std::memcpy(raw, pixels + 3 * i, sizeof raw);
    // Neighbouring pixels often share their colour: nothing to look up then (the left one,
    // else the one above, whose values are still in cache).
    if (raw[0] != prev[0] || raw[1] != prev[1] || raw[2] != prev[2]) {
      prev[0] = raw[0], prev[1] = raw[1], prev[2] = raw[2];
      if (i >= row && std::memcmp(raw, pixels + 3 * (i - row), sizeof raw) == 0) {
        index = tags_[i - row];
        tags_[i] = index;
        continue;
      }
      const std::uint32_t key = key_of(pixels + 3 * i);
      if (key == kNotEightBit) {
        ok = false;
        break;
      }
      // The colours of the rows just above mostly come back: a small direct-mapped cache of
      // them (in L1/L2) spares most lookups in the table.
      std::uint64_t &r = recent_[(key * 0x9E3779B97F4A7C15ull) >> (64 - kRecentBits)];
      if ((r >> 32) == key) {
        index = static_cast<std::uint32_t>(r);
      } else {
        ok = insert(key, &index);
        r = static_cast<std::uint64_t>(key) << 32 | index;
      }
    }
    tags_[i] = index;
  }
  max_ = saved;
  if (!ok) {
    colours_.clear();
    keys_.clear();
    count_ = 0;
  }
  return ok;
}

void BlockColours::spread(std::size_t n, const double *values, double *out) const {
  for (std::size_t i = 0; i < n; ++i) {
    const double *v = values + 3 * static_cast<std::size_t>(tags_[i]);
    out[3 * i] = v[0], out[3 * i + 1] = v[1], out[3 * i + 2] = v[2];
  }
}

std::size_t map_mean_by_colours(const TransportMaps &maps, ColourSpace space, std::size_t n,
                                const double *pixels, const Context &ctx, double *out,
                                std::size_t row, std::size_t block) {
  if (n == 0) return 0;
  if (block == 0) {
    // Blocks of 2^16 to 2^20 pixels, at least two per thread when the image allows: larger
    // blocks repeat fewer colours across blocks, smaller ones share the work out better.
    const std::size_t per = n / (2 * std::max(1u, ctx.threads));
    block = std::clamp<std::size_t>(per, std::size_t{1} << 16, std::size_t{1} << 20);
  }
  block = std::min(block, n);
  const std::size_t blocks = (n + block - 1) / block;
  const unsigned workers =
      static_cast<unsigned>(std::min<std::size_t>(std::max(1u, ctx.threads), blocks));
  // Every worker's scratch before the first pixel is written (running out of memory then
  // leaves out untouched).
  struct Scratch {
    explicit Scratch(std::size_t capacity) : colours(capacity) {}
    BlockColours colours;
    std::vector<double> converted, mapped, each;
  };
  std::vector<std::unique_ptr<Scratch>> scratch(workers);
  const std::size_t most = std::max<std::size_t>(1, block / 8);
  for (auto &s : scratch) {
    s = std::make_unique<Scratch>(block);
    s->mapped.reserve(3 * most);
    if (space != ColourSpace::Rgb) {
      s->converted.reserve(3 * most);
      s->each.resize(3 * kChunk);
    }
  }
  std::atomic<std::size_t> mapped_points{0};
  const Context one(1);  // within a block: no progress, no interrupt (checked between blocks)
  parallel_blocks(
      n, block, ctx,
      [&](std::size_t begin, std::size_t end, unsigned w) {
        Scratch &s = *scratch[w];
        const std::size_t nb = end - begin;
        if (!s.colours.collect(nb, pixels + 3 * begin, std::max<std::size_t>(1, nb / 8), row)) {
          map_each(maps, space, begin, end, pixels, one, s.each, out);
          mapped_points.fetch_add(nb, std::memory_order_relaxed);
          return;
        }
        const std::size_t m = s.colours.size();
        const double *x = s.colours.colours();
        if (space != ColourSpace::Rgb) {
          s.converted.resize(3 * m);
          to_space(space, m, x, s.converted.data(), one);
          x = s.converted.data();
        }
        s.mapped.resize(3 * m);
        maps.apply_mean(m, x, one, s.mapped.data());
        if (space != ColourSpace::Rgb) from_space(space, m, s.mapped.data(), s.mapped.data(), one);
        s.colours.spread(nb, s.mapped.data(), out + 3 * begin);
        mapped_points.fetch_add(m, std::memory_order_relaxed);
      },
      Stage::Maps);
  return mapped_points.load();
}

}  // namespace gmmot
