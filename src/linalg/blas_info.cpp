// SPDX-License-Identifier: MIT
#include "linalg/blas_info.hpp"

#include <dlfcn.h>

#ifndef GMMOT_LAPACKE_VERSION
#define GMMOT_LAPACKE_VERSION "unknown"
#endif

namespace gmmot::linalg {

std::string blas_description() {
  std::string s;
  // The BLAS is whatever libblas/libopenblas the loader picked (Debian alternatives), so ask it.
  using config_fn = char *(*)();
  void *sym = dlsym(RTLD_DEFAULT, "openblas_get_config");
  if (sym != nullptr) {
    config_fn f = nullptr;
    static_assert(sizeof(f) == sizeof(sym), "function and object pointers differ in size");
    __builtin_memcpy(&f, &sym, sizeof f);
    s += "BLAS/LAPACK OpenBLAS (";
    s += f();
    s += ")";
  } else {
    s += "BLAS/LAPACK not OpenBLAS (reference or other implementation)";
  }
  s += "; LAPACKE " GMMOT_LAPACKE_VERSION;
  return s;
}

}  // namespace gmmot::linalg
