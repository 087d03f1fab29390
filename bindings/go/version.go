// SPDX-License-Identifier: MIT

package gmmot

// #include <gmmot/gmmot.h>
import "C"

// HeaderVersionNumber is GMMOT_VERSION_NUMBER of the headers this package was compiled
// against (MAJOR*10000 + MINOR*100 + PATCH); compare it with VersionNumber() to detect a
// header/library mismatch.
const HeaderVersionNumber = C.GMMOT_VERSION_NUMBER

// HeaderVersionString is GMMOT_VERSION_STRING of the headers.
const HeaderVersionString = C.GMMOT_VERSION_STRING

// The informational functions below leave the thread-local error message alone and are
// thread-safe: they need no thread lock.

// VersionNumber is the loaded library's version number (gmmot_version_number).
func VersionNumber() int { return int(C.gmmot_version_number()) }

// VersionString is the loaded library's version, e.g. "0.5.3" (gmmot_version_string).
func VersionString() string { return C.GoString(C.gmmot_version_string()) }

// BuildInfo describes the library build: compiler, build type, BLAS/LAPACK (gmmot_build_info).
func BuildInfo() string { return C.GoString(C.gmmot_build_info()) }
