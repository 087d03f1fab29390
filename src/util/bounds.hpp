// SPDX-License-Identifier: MIT
// Inclusive bounds of a numeric option, kept next to the option's default in the core options
// structs (the C option table reads both from there).
#pragma once

#include <string>

#include "util/error.hpp"

namespace gmmot {

struct Bounds {
  double min, max;
  constexpr bool contains(double v) const { return v >= min && v <= max; }  // false for NaN
};

// Errc::InvalidArgument naming the field unless `bounds` contains `value`.
inline void check_bounds(const char *field, double value, Bounds bounds) {
  if (!bounds.contains(value)) {
    fail(Errc::InvalidArgument, std::string(field) + " is " + fmt(value) + ", outside [" +
                                    fmt(bounds.min) + ", " + fmt(bounds.max) + "]");
  }
}

}  // namespace gmmot
