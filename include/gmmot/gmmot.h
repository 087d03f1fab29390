/* SPDX-License-Identifier: MIT */
/** @file gmmot.h
 *  @brief Optimal transport between Gaussian mixture models: the umbrella header, the only
 *  one users need to include.
 *
 * Conventions shared by every function (details in each header):
 *  - every fallible function returns an int status (gmmot/status.h): 0 ok, > 0 warning with
 *    outputs written, < 0 error with no output written and no handle changed; the detail is in
 *    gmmot_last_error_message() (thread-local, cleared by every call);
 *  - handles are opaque, created by gmmot_*_create and freed by gmmot_*_destroy (NULL is a
 *    no-op); inputs are borrowed for the duration of the call and copied if kept;
 *  - arrays are caller-owned, contiguous, row-major doubles; every output comes with its
 *    capacity in elements and a short buffer is GMMOT_E_BUFFER_TOO_SMALL;
 *  - arguments come in one order: the handle and the inputs, then
 *    `const gmmot_options_t *opts` (NULL: defaults), then the outputs, each output array
 *    directly followed by its capacity;
 *  - names: an output array is `out` with capacity `out_len` when it is the function's only
 *    one, otherwise `out_<what>` with capacity `<what>_len`; the parallel triplet arrays of a
 *    sparse plan (`out_rows`, `out_cols`, `out_mass`) share one `triplets_len`; scalar outputs
 *    are `out_<what>` and a new handle is `out`; the two mixtures of a pair are `g0` and `g1`;
 *  - every random draw (EM starts, gmmot_gmm_sample, gmmot_mw2_map_rand) is seeded by the
 *    option GMMOT_OPT_SEED, never by an argument;
 *  - the library never prints, never aborts on bad input, installs no signal handler, has no
 *    mutable global state (only constant tables and each thread's last error message) and
 *    needs no initialisation call. */
#ifndef GMMOT_GMMOT_H
#define GMMOT_GMMOT_H

#include "gmmot/barycenter.h"
#include "gmmot/colour.h"
#include "gmmot/em.h"
#include "gmmot/export.h"
#include "gmmot/gaussian.h"
#include "gmmot/gmm.h"
#include "gmmot/gmm_io.h"
#include "gmmot/gromov.h"
#include "gmmot/maps.h"
#include "gmmot/mew2.h"
#include "gmmot/mw2.h"
#include "gmmot/options.h"
#include "gmmot/progress.h"
#include "gmmot/relaxed.h"
#include "gmmot/status.h"
#include "gmmot/texture.h"
#include "gmmot/transport.h"
#include "gmmot/version.h"

#endif /* GMMOT_GMMOT_H */
