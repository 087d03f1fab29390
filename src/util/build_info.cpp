// SPDX-License-Identifier: MIT
#include "util/build_info.hpp"

#ifndef GMMOT_BUILD_TYPE
#define GMMOT_BUILD_TYPE "unknown"
#endif

namespace gmmot {

std::string build_description(const char *version, const std::string &blas) {
  std::string s = std::string("libgmmot ") + version + "; compiler ";
#if defined(__clang__)
  s += "clang " __clang_version__;
#elif defined(__GNUC__)
  s += "GCC " __VERSION__;
#else
  s += "unknown";
#endif
  s += "; build type " GMMOT_BUILD_TYPE "; C++ " + std::to_string(__cplusplus);
  s += "; " + blas;
  return s;
}

}  // namespace gmmot
