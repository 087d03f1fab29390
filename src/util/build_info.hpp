// A human-readable description of this build and of the BLAS/LAPACK found at run time.
#pragma once

#include <string>

namespace gmmot {

std::string build_description(const char *version);

}  // namespace gmmot
