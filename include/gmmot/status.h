/* SPDX-License-Identifier: MIT */
/** @file status.h
 *  @brief Status codes and error messages.
 *
 * Every fallible function returns an int status:
 *  - 0, GMMOT_OK: success, all outputs written;
 *  - a value > 0 is a warning: the call completed and wrote its outputs, but something deserves
 *    attention (the message says what);
 *  - a value < 0 is an error: nothing was written to any output argument and no handle was
 *    changed.
 *
 * The values below are pinned forever; new codes are only ever added. Decide on the code; the
 * message is detail for humans. */
#ifndef GMMOT_STATUS_H
#define GMMOT_STATUS_H

#include "gmmot/export.h"

GMMOT_BEGIN_DECLS

/** The status codes (values pinned, see above). @since 0.1 */
typedef enum gmmot_status {
  GMMOT_OK = 0, /**< success, all outputs written */
  /* warnings (> 0): outputs written */
  GMMOT_W_NOT_CONVERGED = 1, /**< iteration cap reached; best iterate returned */
  GMMOT_W_SYMMETRIZED = 2,   /**< an input matrix was asymmetric beyond rounding (relative
                                  asymmetry in (100*eps, 1e-8]) and was symmetrised */
  /* errors (< 0): nothing written */
  GMMOT_E_INVALID_ARGUMENT = -1, /**< NULL pointer, bad option key or value, t outside [0,1] */
  GMMOT_E_BUFFER_TOO_SMALL = -2, /**< an output capacity is below the required length */
  GMMOT_E_OUT_OF_MEMORY = -3,    /**< an allocation failed */
  GMMOT_E_DIMENSION = -4,        /**< K = 0, d = 0, dimensions of two inputs differ */
  GMMOT_E_TOO_LARGE = -5,        /**< sizes whose product overflows or exceeds what can be held */
  GMMOT_E_NONFINITE = -6,        /**< NaN or +-Inf in an input */
  GMMOT_E_WEIGHTS = -7,          /**< negative weight, all weights zero, or sum not 1 */
  GMMOT_E_NOT_SYMMETRIC = -8,    /**< covariance asymmetric beyond 1e-8 relative */
  GMMOT_E_NOT_PSD = -9,          /**< covariance has a clearly negative eigenvalue */
  GMMOT_E_SINGULAR = -10,        /**< a computation needs a non-singular covariance */
  GMMOT_E_NO_MAP = -11,          /**< no deterministic transport map exists */
  GMMOT_E_OVERFLOW = -12,        /**< the result is not representable as a finite double */
  GMMOT_E_LAPACK = -13,          /**< LAPACK reported a failure (should not happen) */
  GMMOT_E_CANCELLED = -14,       /**< a progress callback or an interrupt stopped the call */
  GMMOT_E_ITERATION_LIMIT = -15, /**< an exact solver reached its iteration cap; no result */
  GMMOT_E_FORMAT = -16,          /**< saved data is corrupt, truncated or of an unknown format
                                      version (gmmot/gmm_io.h); @since 0.4 */
  GMMOT_E_IO = -17,              /**< a file could not be opened, read or written; @since 0.4 */
  GMMOT_E_FAMILY = -18,          /**< mixtures of different component families (Gaussian,
                                      Student-t) or different nu combined (gmmot/gmm.h);
                                      @since 0.5 */
  GMMOT_E_INTERNAL = -99         /**< a bug in libgmmot; please report the message */
} gmmot_status;

/** Static text naming a status code ("GMMOT_E_WEIGHTS: invalid weights"); unknown codes
 *  give "unknown status". Never NULL. Thread-safe. @since 0.1 */
GMMOT_API const char *gmmot_status_string(int status) GMMOT_NOEXCEPT;

/** The detailed message of the last libgmmot call made on this thread: "" if that call
 *  returned GMMOT_OK, otherwise text naming the function, the argument and, where relevant,
 *  the component index and entry at fault, e.g.
 *  "gmmot_gmm_create: covs[2] is not positive semi-definite: ...".
 *  Every function that returns a status, and every handle function (destroy, getters),
 *  clears it on entry. The pure informational functions gmmot_status_string,
 *  gmmot_version_number, gmmot_version_string and gmmot_build_info leave it alone, so they can
 *  be called while reporting an error. The pointer stays valid until the next call that
 *  clears or sets the message on the same thread. Never NULL. Thread-safe (thread-local storage):
 *  bindings whose runtime migrates between OS threads (Go) must read it on the thread that
 *  made the call. @since 0.1 */
GMMOT_API const char *gmmot_last_error_message(void) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_STATUS_H */
