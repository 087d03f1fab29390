// SPDX-License-Identifier: MIT
// Size arithmetic that refuses to overflow: every K*d*d or K0*K1 in the library goes through
// here before anything is allocated.
#pragma once

#include <cstddef>
#include <limits>
#include <string>

#include "util/error.hpp"

namespace gmmot {

// a * b, or Errc::TooLarge naming `what` if the product overflows or exceeds what a vector of
// doubles may hold.
inline std::size_t checked_mul(std::size_t a, std::size_t b, const char *what) {
  constexpr std::size_t kMax = std::numeric_limits<std::size_t>::max() / (2 * sizeof(double));
  if (a != 0 && b > kMax / a) {
    fail(Errc::TooLarge, std::string(what) + " = " + std::to_string(a) + " * " + std::to_string(b) +
                             " is too large");
  }
  return a * b;
}

// a + b, or Errc::TooLarge naming `what` if the sum overflows a size_t.
inline std::size_t checked_add(std::size_t a, std::size_t b, const char *what) {
  if (b > std::numeric_limits<std::size_t>::max() - a)
    fail(Errc::TooLarge, std::string(what) + " overflows");
  return a + b;
}

// The dimension d as an int for LAPACK: Errc::Dimension for 0, Errc::TooLarge when d * d (and
// LAPACK's workspaces, up to about 8 d) cannot be indexed.
inline int checked_dim(std::size_t d) {
  if (d == 0) fail(Errc::Dimension, "d is 0 (the dimension must be at least 1)");
  if (d > static_cast<std::size_t>(std::numeric_limits<int>::max() / 8)) {
    fail(Errc::TooLarge, "d = " + std::to_string(d) + " is too large");
  }
  checked_mul(d, d, "d*d");
  return static_cast<int>(d);
}

}  // namespace gmmot
