// SPDX-License-Identifier: MIT
#include "gmmot/status.h"

#include "guard.hpp"

extern "C" {

GMMOT_API const char *gmmot_status_string(int status) GMMOT_NOEXCEPT {
  switch (status) {
    case GMMOT_OK:
      return "GMMOT_OK: success";
    case GMMOT_W_NOT_CONVERGED:
      return "GMMOT_W_NOT_CONVERGED: iteration cap reached, best iterate returned";
    case GMMOT_W_SYMMETRIZED:
      return "GMMOT_W_SYMMETRIZED: an asymmetric input matrix was symmetrised";
    case GMMOT_E_INVALID_ARGUMENT:
      return "GMMOT_E_INVALID_ARGUMENT: invalid argument";
    case GMMOT_E_BUFFER_TOO_SMALL:
      return "GMMOT_E_BUFFER_TOO_SMALL: output buffer too small";
    case GMMOT_E_OUT_OF_MEMORY:
      return "GMMOT_E_OUT_OF_MEMORY: out of memory";
    case GMMOT_E_DIMENSION:
      return "GMMOT_E_DIMENSION: invalid or mismatched dimensions";
    case GMMOT_E_TOO_LARGE:
      return "GMMOT_E_TOO_LARGE: sizes too large";
    case GMMOT_E_NONFINITE:
      return "GMMOT_E_NONFINITE: NaN or infinite input";
    case GMMOT_E_WEIGHTS:
      return "GMMOT_E_WEIGHTS: invalid weights";
    case GMMOT_E_NOT_SYMMETRIC:
      return "GMMOT_E_NOT_SYMMETRIC: covariance not symmetric";
    case GMMOT_E_NOT_PSD:
      return "GMMOT_E_NOT_PSD: covariance not positive semi-definite";
    case GMMOT_E_SINGULAR:
      return "GMMOT_E_SINGULAR: singular covariance where a regular one is needed";
    case GMMOT_E_NO_MAP:
      return "GMMOT_E_NO_MAP: no deterministic transport map exists";
    case GMMOT_E_OVERFLOW:
      return "GMMOT_E_OVERFLOW: result not representable as a finite double";
    case GMMOT_E_LAPACK:
      return "GMMOT_E_LAPACK: LAPACK failure";
    case GMMOT_E_CANCELLED:
      return "GMMOT_E_CANCELLED: cancelled";
    case GMMOT_E_ITERATION_LIMIT:
      return "GMMOT_E_ITERATION_LIMIT: iteration cap reached before an exact solution, nothing "
             "returned";
    case GMMOT_E_FORMAT:
      return "GMMOT_E_FORMAT: corrupt, truncated or unknown saved data";
    case GMMOT_E_IO:
      return "GMMOT_E_IO: file could not be opened, read or written";
    case GMMOT_E_FAMILY:
      return "GMMOT_E_FAMILY: mixtures of different component families or degrees of freedom";
    case GMMOT_E_INTERNAL:
      return "GMMOT_E_INTERNAL: internal error";
    default:
      return "unknown status";
  }
}

GMMOT_API const char *gmmot_last_error_message(void) GMMOT_NOEXCEPT {
  return gmmot::capi::last_message();
}

}  // extern "C"
