// SPDX-License-Identifier: MIT
#include "util/error.hpp"

#include <cstdio>

namespace gmmot {

std::string fmt(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

}  // namespace gmmot
