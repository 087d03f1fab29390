// SPDX-License-Identifier: MIT
// The BLAS/LAPACK this process runs on, for gmmot_build_info(). It lives in linalg, the only
// module that talks to BLAS/LAPACK (architecture.md).
#pragma once

#include <string>

namespace gmmot::linalg {

// "BLAS/LAPACK OpenBLAS (<openblas_get_config()>); LAPACKE <version at build time>", or a
// note that the loaded BLAS is not OpenBLAS.
std::string blas_description();

}  // namespace gmmot::linalg
