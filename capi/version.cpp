// SPDX-License-Identifier: MIT
#include "gmmot/version.h"

#include "guard.hpp"
#include "linalg/blas_info.hpp"
#include "util/build_info.hpp"

extern "C" {

GMMOT_API int gmmot_version_number(void) GMMOT_NOEXCEPT { return GMMOT_VERSION_NUMBER; }

GMMOT_API const char *gmmot_version_string(void) GMMOT_NOEXCEPT { return GMMOT_VERSION_STRING; }

GMMOT_API const char *gmmot_build_info(void) GMMOT_NOEXCEPT {
  try {
    static const std::string info =
        gmmot::build_description(GMMOT_VERSION_STRING, gmmot::linalg::blas_description());
    return info.c_str();
  } catch (...) {
    return "libgmmot " GMMOT_VERSION_STRING;
  }
}

}  // extern "C"
