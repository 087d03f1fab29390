#include "util/build_info.hpp"

#include <dlfcn.h>

#ifndef GMMOT_BUILD_TYPE
#define GMMOT_BUILD_TYPE "unknown"
#endif
#ifndef GMMOT_LAPACKE_VERSION
#define GMMOT_LAPACKE_VERSION "unknown"
#endif

namespace gmmot {

std::string build_description(const char *version) {
  std::string s = std::string("libgmmot ") + version + "; compiler ";
#if defined(__clang__)
  s += "clang " __clang_version__;
#elif defined(__GNUC__)
  s += "GCC " __VERSION__;
#else
  s += "unknown";
#endif
  s += "; build type " GMMOT_BUILD_TYPE "; C++ " + std::to_string(__cplusplus);
  // The BLAS is whatever libblas/libopenblas the loader picked (Debian alternatives), so ask it.
  using config_fn = char *(*)();
  void *sym = dlsym(RTLD_DEFAULT, "openblas_get_config");
  if (sym != nullptr) {
    config_fn f = nullptr;
    static_assert(sizeof(f) == sizeof(sym), "function and object pointers differ in size");
    __builtin_memcpy(&f, &sym, sizeof f);
    s += "; BLAS/LAPACK OpenBLAS (";
    s += f();
    s += ")";
  } else {
    s += "; BLAS/LAPACK not OpenBLAS (reference or other implementation)";
  }
  s += "; LAPACKE " GMMOT_LAPACKE_VERSION;
  return s;
}

}  // namespace gmmot
