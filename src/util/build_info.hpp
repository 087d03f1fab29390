// SPDX-License-Identifier: MIT
// A human-readable description of this build and of the BLAS/LAPACK found at run time.
#pragma once

#include <string>

namespace gmmot {

// "libgmmot <version>; compiler ...; build type ...; C++ ...; <blas>". util sits below linalg,
// so the BLAS part comes from the caller (linalg::blas_description()).
std::string build_description(const char *version, const std::string &blas);

}  // namespace gmmot
