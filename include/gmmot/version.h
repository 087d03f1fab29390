/* SPDX-License-Identifier: MIT */
/** @file version.h
 *  @brief Version macros (the single source of the version; CMake parses them) and their
 *  runtime twins. */
#ifndef GMMOT_VERSION_H
#define GMMOT_VERSION_H

#include "gmmot/export.h"

/** Major version. While it is 0, every minor release may change the ABI. */
#define GMMOT_VERSION_MAJOR 0
/** Minor version. */
#define GMMOT_VERSION_MINOR 5
/** Patch version. */
#define GMMOT_VERSION_PATCH 3
/** MAJOR*10000 + MINOR*100 + PATCH. */
#define GMMOT_VERSION_NUMBER \
  (GMMOT_VERSION_MAJOR * 10000 + GMMOT_VERSION_MINOR * 100 + GMMOT_VERSION_PATCH)
/** "MAJOR.MINOR.PATCH" as a string literal. */
#define GMMOT_VERSION_STRING "0.5.3"

GMMOT_BEGIN_DECLS

/** Runtime version, GMMOT_VERSION_NUMBER of the library actually loaded. Compare it with the
 *  macro on load to detect a header/library mismatch. Thread-safe. @since 0.1 */
GMMOT_API int gmmot_version_number(void) GMMOT_NOEXCEPT;

/** Runtime version as static text, e.g. "0.1.0". Never NULL. Thread-safe. @since 0.1 */
GMMOT_API const char *gmmot_version_string(void) GMMOT_NOEXCEPT;

/** Static, human-readable build description: library version, compiler, build type, the
 *  BLAS/LAPACK in use at run time (e.g. OpenBLAS's configuration string) and LAPACKE's version.
 *  Never NULL; the text is owned by the library and valid until it is unloaded.
 *  Thread-safe. @since 0.1 */
GMMOT_API const char *gmmot_build_info(void) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_VERSION_H */
