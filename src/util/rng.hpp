// SPDX-License-Identifier: MIT
// libgmmot's own random numbers, independent of the C++ standard library's distributions
// (whose output differs between implementations): splitmix64 to derive one stream per
// (seed, index), xoshiro256** for the stream, Box-Muller for normals.
// References: S. Vigna, "Further scramblings of Marsaglia's xorshift generators" (splitmix64);
// D. Blackman, S. Vigna, "Scrambled linear pseudorandom number generators", 2021 (xoshiro256**).
#pragma once

#include <cmath>
#include <cstdint>

#include "util/bounds.hpp"

namespace gmmot {

// The seed of every random draw (EM starts, mixture sampling, T_rand): its default and bounds,
// shared by the core options that hold a seed and by the C option GMMOT_OPT_SEED. 2^53 keeps
// every seed exact in the double the C option table stores.
constexpr std::uint64_t kDefaultSeed = 0;
constexpr Bounds kSeedBounds{0, 9007199254740992.0};

inline std::uint64_t splitmix64(std::uint64_t &state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Xoshiro256 {
 public:
  // The stream for item `index` of a draw with `seed`: items are independent streams, which is
  // what makes parallel sampling reproducible whatever the thread count.
  Xoshiro256(std::uint64_t seed, std::uint64_t index) {
    std::uint64_t sm = seed ^ (index * 0xD1B54A32D192ED03ULL + 0x8CB92BA72F3D8DD7ULL);
    splitmix64(sm);
    for (auto &w : s_) w = splitmix64(sm);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Two independent standard normals (Box-Muller; 1 - u keeps the logarithm finite).
  void normal_pair(double &z0, double &z1) {
    const double u1 = 1.0 - uniform();
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 6.283185307179586476925 * u2;
    z0 = r * std::cos(a);
    z1 = r * std::sin(a);
  }

  // Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang, ACM TOMS 26(3), 2000: a squeezed
  // rejection from a transformed normal; accepts about 95% of proposals at shape 1, more above).
  double gamma(double shape) {
    const double dd = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * dd);
    for (;;) {
      double z, spare;
      normal_pair(z, spare);
      for (const double x : {z, spare}) {
        const double t = 1.0 + c * x;
        if (t <= 0.0) continue;
        const double v = t * t * t, u = 1.0 - uniform();  // u in (0, 1]
        if (std::log(u) < 0.5 * x * x + dd - dd * v + dd * std::log(v)) return dd * v;
      }
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace gmmot
