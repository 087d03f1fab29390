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

}  // namespace gmmot
