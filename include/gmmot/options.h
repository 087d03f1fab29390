/* SPDX-License-Identifier: MIT */
/** @file options.h
 *  @brief The options object.
 *
 * Options are set by enum key with typed setters, so adding an option never changes a struct
 * layout or a signature. Every function that takes `const gmmot_options_t *opts` accepts NULL
 * for "all defaults". A function reads the keys that concern it and ignores the others.
 *
 * Thread rule: an options object may be read by several threads at once (passed to concurrent
 * calls) as long as no thread modifies it; setters need exclusive access.
 *
 * Besides the keyed values, an options object carries a progress callback and an interrupt
 * flag (gmmot/progress.h) for the calls it is passed to; gmmot_options_clone copies both. */
#ifndef GMMOT_OPTIONS_H
#define GMMOT_OPTIONS_H

#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/progress.h"

GMMOT_BEGIN_DECLS

/** An options object (opaque): gmmot_options_create, gmmot_options_destroy. @since 0.1 */
typedef struct gmmot_options gmmot_options_t;

/** Option keys. Values are pinned and spaced by area (100: execution, 200: Gaussian
 *  barycenter, 300: discrete transport, 400: EM fitting, 500: mixture barycenters, 600: the
 *  relaxed coupled fit, 700: Gromov-Wasserstein, 800: EW2 and MEW2, 900: texture synthesis,
 *  950: colour transfer); a value is never reused for another option (405,
 *  GMMOT_OPT_EM_SEED before 0.2, stays unused). */
typedef enum gmmot_option {
  /** int. Worker threads used by libgmmot's own parallel loops (cost matrices, densities,
   *  sampling, EM fitting). 0 (default) = std::thread::hardware_concurrency(). Bounds [0, 1024].
   *  Results are bit-for-bit identical whatever the value. It does not change the BLAS
   *  library's own threads: set OPENBLAS_NUM_THREADS=1 when calling libgmmot from many
   *  threads. */
  GMMOT_OPT_NUM_THREADS = 100,
  /** int. Seed of libgmmot's random draws (its own generator, gmmot/gmm.h): the k-means++
   *  starts of EM fitting (gmmot_em_create), gmmot_gmm_sample and gmmot_mw2_map_rand. A given
   *  seed gives the same result on every run whatever GMMOT_OPT_NUM_THREADS. Default 0.
   *  Bounds [0, 2^53] (every value exact in a double). */
  GMMOT_OPT_SEED = 101,
  /** double. Gaussian barycenter: stop when the scale-free fixed-point residual
   *  ||K - L^T L||_F / ||L^T L||_F (numerics in gmmot/gaussian.h) is at most this.
   *  Default 1e-12. Bounds [0, 1] (0 runs to the iteration cap or to stagnation). */
  GMMOT_OPT_BARYCENTER_TOLERANCE = 200,
  /** int. Gaussian barycenter: maximum fixed-point iterations. Default 1000.
   *  Bounds [1, 1000000]. */
  GMMOT_OPT_BARYCENTER_MAX_ITERATIONS = 201,
  /** int. Discrete transport (gmmot/transport.h, gmmot/mw2.h): GMMOT_TRANSPORT_EXACT (0,
   *  default: the network simplex, an exact optimum) or GMMOT_TRANSPORT_ENTROPIC (1:
   *  log-domain Sinkhorn, an approximation for large K). Bounds [0, 1]. */
  GMMOT_OPT_TRANSPORT_METHOD = 300,
  /** int. Exact transport: pivot cap. 0 (default) = max(1e6, 100 (K0 + K1)), enough for random
   *  problems up to K0 = K1 = 5000. Reaching it is the error GMMOT_E_ITERATION_LIMIT (never a
   *  partial plan). Bounds [0, 1e15]. */
  GMMOT_OPT_EXACT_MAX_ITERATIONS = 301,
  /** double. Entropic transport: regularisation epsilon relative to max |C_ij| (so the same
   *  value works at any cost scale). Default 1e-3. Bounds [1e-8, 1e8]. */
  GMMOT_OPT_ENTROPIC_EPSILON = 302,
  /** double. Entropic transport: stop when the L1 marginal error, relative to the total mass,
   *  is at most this. Default 1e-9. Bounds [0, 1]. */
  GMMOT_OPT_ENTROPIC_TOLERANCE = 303,
  /** int. Entropic transport: iteration cap; reaching it returns GMMOT_W_NOT_CONVERGED with
   *  the last iterate and its marginal error. Default 100000. Bounds [1, 1e12]. */
  GMMOT_OPT_ENTROPIC_MAX_ITERATIONS = 304,
  /** int. EM fitting (gmmot/em.h): the number of components K. Default 10.
   *  Bounds [1, 1000000]. */
  GMMOT_OPT_EM_COMPONENTS = 400,
  /** double. EM fitting: stop when the mean log-likelihood changes by at most this times
   *  max(1, |l|) between two iterations. Default 1e-6. Bounds [0, 1] (0 runs to the iteration
   *  cap unless l stops changing exactly). */
  GMMOT_OPT_EM_TOLERANCE = 401,
  /** int. EM fitting: maximum number of M-steps per initialisation; reaching it returns
   *  GMMOT_W_NOT_CONVERGED with the best mixture seen. Default 300. Bounds [1, 1e9]. */
  GMMOT_OPT_EM_MAX_ITERATIONS = 402,
  /** double. EM fitting: added to every covariance diagonal times the mean per-dimension
   *  variance of the data (so the same value works at any scale). Default 1e-6. Bounds [0, 1]
   *  (0 still raises the diagonal of a covariance that is not safely positive definite). */
  GMMOT_OPT_EM_REGULARIZATION = 403,
  /** int. EM fitting: independent k-means++ starts; the fit with the highest final
   *  log-likelihood is returned. Default 1. Bounds [1, 1000]. */
  GMMOT_OPT_EM_INITIALIZATIONS = 404,
  /* 405 was GMMOT_OPT_EM_SEED before 0.2, replaced by GMMOT_OPT_SEED (101); it stays unused so
   * that an old value is rejected as an unknown key rather than read as another option. */
  /** int. EM fitting: split-and-merge moves tried per round once EM has converged (Ueda et
   *  al. 2000, gmmot/em.h); 0 (default) turns it off: plain EM, as scikit-learn. 5 (Ueda et
   *  al.'s choice) typically finds clearly better mixtures: since 0.5, with n >= 131072 points
   *  the moves are screened on a subsample, for about 2 times plain EM's passes (786432 pixels,
   *  K = 10); below that, 5 to 10 times. Gaussian family only.
   *  Bounds [0, 1000]. */
  GMMOT_OPT_EM_SPLIT_MERGE = 406,
  /** int. EM fitting: the component family, a gmmot_family (gmmot/gmm.h): GMMOT_FAMILY_GAUSSIAN
   *  (default) or GMMOT_FAMILY_STUDENT_T (the ECM algorithm of Peel & McLachlan 2000, gmmot/em.h;
   *  not with GMMOT_OPT_EM_SPLIT_MERGE > 0). Bounds [0, 1]. @since 0.5 */
  GMMOT_OPT_EM_FAMILY = 407,
  /** double. EM fitting with GMMOT_OPT_EM_FAMILY = GMMOT_FAMILY_STUDENT_T: 0 (default) estimates
   *  the degrees of freedom nu in [2.01, 1000] (gmmot/em.h), a value > 2 fixes it. Values in
   *  (0, 2] are refused by gmmot_em_create and the fits (GMMOT_E_INVALID_ARGUMENT). Ignored for
   *  the Gaussian family. Bounds [0, 1e6]. @since 0.5 */
  GMMOT_OPT_EM_DOF = 408,
  /** double. Exact mixture barycenter (gmmot/barycenter.h): refuse (GMMOT_E_TOO_LARGE) when the
   *  number of component tuples prod_j K_j exceeds this. Default 1e9. Bounds [1, 1e15].
   *  @since 0.3 */
  GMMOT_OPT_MMOT_MAX_TUPLES = 500,
  /** int. Exact and fixed-support barycenter LPs: simplex pivot cap (GMMOT_E_ITERATION_LIMIT);
   *  0 (default) = max(1e6, 1000 sum_j K_j). Bounds [0, 1e15]. @since 0.3 */
  GMMOT_OPT_MMOT_MAX_ITERATIONS = 501,
  /** int. Fixed-point barycenter method, a gmmot_fixed_point_method (gmmot/barycenter.h).
   *  Default GMMOT_FIXED_POINT_TRUE. Bounds [0, 2]. @since 0.3 */
  GMMOT_OPT_FIXED_POINT_METHOD = 510,
  /** int. Fixed-point barycenter started without an initial mixture: number of components;
   *  0 (default) = the largest K_j. Bounds [0, 1e9]. @since 0.3 */
  GMMOT_OPT_FIXED_POINT_COMPONENTS = 511,
  /** double. Fixed-point barycenter: stop when the energy decreases by at most this fraction,
   *  V_t - V_{t+1} <= tol V_t. Default 1e-9. Bounds [0, 1]. @since 0.3 */
  GMMOT_OPT_FIXED_POINT_TOLERANCE = 512,
  /** int. Fixed-point barycenter: iteration cap (GMMOT_W_NOT_CONVERGED). Default 100.
   *  Bounds [1, 1e9]. @since 0.3 */
  GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS = 513,
  /** int. True fixed point: largest support (GMMOT_E_TOO_LARGE beyond). Default 100000.
   *  Bounds [1, 1e12]. @since 0.3 */
  GMMOT_OPT_FIXED_POINT_MAX_SUPPORT = 514,
  /** int. KL-relaxed coupled fit (gmmot/relaxed.h): number of components K. Default 5.
   *  Bounds [1, 100000]. @since 0.3 */
  GMMOT_OPT_RELAXED_COMPONENTS = 600,
  /** double. Relaxed fit: lambda, relative to the data scale s^2 = (tr Cov nu0 + tr Cov nu1) / 2
   *  (the energy's lambda is lambda s^2). Default 1. Bounds [1e-12, 1e12]. @since 0.3 */
  GMMOT_OPT_RELAXED_LAMBDA = 601,
  /** double. Relaxed fit: stop when the energy decreases by at most this fraction of the
   *  magnitude of its terms. Default 1e-8. Bounds [0, 1]. @since 0.3 */
  GMMOT_OPT_RELAXED_TOLERANCE = 602,
  /** int. Relaxed fit: iteration cap (GMMOT_W_NOT_CONVERGED). Default 200. Bounds [1, 1e9].
   *  @since 0.3 */
  GMMOT_OPT_RELAXED_MAX_ITERATIONS = 603,
  /** double. Relaxed fit: the covariance penalty rho (pseudo-points of scatter v I per
   *  component, part of the energy). Default 1e-6. Bounds [1e-12, 1]. @since 0.3 */
  GMMOT_OPT_RELAXED_REGULARIZATION = 604,
  /** int. Relaxed fit: the start, a gmmot_relaxed_init. Default GMMOT_RELAXED_INIT_SEPARATE.
   *  Bounds [0, 2]. @since 0.3 */
  GMMOT_OPT_RELAXED_INIT = 605,
  /** int. Gromov-Wasserstein and MGW2 (gmmot/gromov.h): Frank-Wolfe step cap per start
   *  (GMMOT_W_NOT_CONVERGED when the returned plan is not certified). Default 10000.
   *  Bounds [1, 1e9]. @since 0.4 */
  GMMOT_OPT_GW_MAX_ITERATIONS = 700,
  /** double. Gromov-Wasserstein: stop a start when its Frank-Wolfe gap, relative to the
   *  problem's centred scale S_c (gmmot/gromov.h), is at most this (the certificate's
   *  threshold), or when a step lowers the objective by at most this times
   *  max(objective, S_c) (stalled). Default 1e-9. Bounds [0, 1]. @since 0.4 */
  GMMOT_OPT_GW_TOLERANCE = 701,
  /** int. Gromov-Wasserstein: the most seeded random starts (GMMOT_OPT_SEED) besides the
   *  product coupling and the annealed start; they stop at the first that does not improve
   *  the best value (since 0.5); when >= 1 and K0 = K1 <= 6 with uniform weights, the best of
   *  all permutation plans is one more start (gmmot/gromov.h). Default 4. Bounds [0, 10000].
   *  @since 0.4 */
  GMMOT_OPT_GW_STARTS = 702,
  /** int. Gromov-Wasserstein: 1 (default) adds the annealed start (entropic GW with
   *  decreasing epsilon), 0 leaves it out. Bounds [0, 1]. @since 0.4 */
  GMMOT_OPT_GW_ANNEALING = 703,
  /** double. Gromov-Wasserstein annealing: the first epsilon, relative to the largest entry of
   *  the linearised cost; the next 7 halve it, each raised to at least 1e-8 (the smallest
   *  GMMOT_OPT_ENTROPIC_EPSILON), so the last is max(epsilon / 128, 1e-8). Default 0.1.
   *  Bounds [1e-6, 1e3]. @since 0.4 */
  GMMOT_OPT_GW_EPSILON = 704,
  /** int. EW2 and MEW2 (gmmot/mew2.h): alternations (plan step + embedding step) per start;
   *  reaching it returns GMMOT_W_NOT_CONVERGED when the returned start did. Default 1000.
   *  Bounds [1, 1e9]. @since 0.5 */
  GMMOT_OPT_EW_MAX_ITERATIONS = 800,
  /** double. EW2 and MEW2: a start (and MEW2's inner embedding steps) stops when one step
   *  lowers the loss by at most this times the scale S (gmmot/mew2.h: the sum of the two sides'
   *  total variances). Default 1e-10. Bounds [0, 1] (0 runs until the loss stops decreasing
   *  exactly or to the cap). @since 0.5 */
  GMMOT_OPT_EW_TOLERANCE = 801,
  /** int. EW2 and MEW2: the number of random starts (P uniform on the Stiefel manifold,
   *  GMMOT_OPT_SEED) besides the covariance start, its sign flips and the annealed start.
   *  Default 0. Bounds [0, 10000]. @since 0.5 */
  GMMOT_OPT_EW_STARTS = 802,
  /** int. EW2 and MEW2: 1 (default) adds the annealed start (entropic plan steps with
   *  decreasing epsilon, gmmot/mew2.h), 0 leaves it out. Bounds [0, 1]. @since 0.5 */
  GMMOT_OPT_EW_ANNEALING = 803,
  /** double. EW2 and MEW2 annealing: the first epsilon, relative to the largest entry of the
   *  cost matrix at the start; the next 7 halve it, each raised to at least 1e-8. Default 0.1.
   *  Bounds [1e-6, 1e3]. @since 0.5 */
  GMMOT_OPT_EW_EPSILON = 804,
  /** int. EW2 and MEW2: when d = min(m, n) is at most this, every one of the 2^d sign patterns
   *  of the covariance start's eigenvectors is a start (gmmot/mew2.h); 0 tries only the
   *  covariance start itself. Default 4. Bounds [0, 16]. @since 0.5 */
  GMMOT_OPT_EW_SIGN_FLIPS = 805,
  /** int. MEW2: the most projected-gradient steps on the isometry per alternation (fewer when
   *  a step lowers the loss by at most GMMOT_OPT_EW_TOLERANCE times S). Default 50.
   *  Bounds [1, 1e6]. @since 0.5 */
  GMMOT_OPT_EW_INNER_ITERATIONS = 806,
  /** int. Texture synthesis (gmmot/texture.h): components K of both patch mixtures.
   *  Default 10. Bounds [1, 1000]. @since 0.5 */
  GMMOT_OPT_TEXTURE_COMPONENTS = 900,
  /** int. Texture synthesis: the patch side P (patches of P x P pixels, d = P^2 channels).
   *  Default 3. Bounds [1, 16]. @since 0.5 */
  GMMOT_OPT_TEXTURE_PATCH = 901,
  /** int. Texture synthesis: patches drawn at random for each EM fit; 0 = all of them. The
   *  patch sets hold about as many points as pixels and EM's cost is linear in them; on the
   *  shipped wood exemplar (128 x 128 to 128 x 128) the output's patch-mixture MW2 to the
   *  exemplar's, relative to the ADSN's, was 0.841, 0.852 and 0.846 with 2000, 5000 (default)
   *  and all patches: the same quality within the run-to-run spread, at a fraction of the
   *  time. Bounds [0, 1e12]. @since 0.5 */
  GMMOT_OPT_TEXTURE_FIT_PATCHES = 902,
  /** double. Texture synthesis: the EM tolerance of both fits (as GMMOT_OPT_EM_TOLERANCE).
   *  Default 1e-4. Bounds [0, 1]. @since 0.5 */
  GMMOT_OPT_TEXTURE_EM_TOLERANCE = 903,
  /** int. Texture synthesis: the EM iteration cap of both fits (GMMOT_W_NOT_CONVERGED when
   *  reached). Default 100. Bounds [1, 1e9]. @since 0.5 */
  GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS = 904,
  /** int. Colour transfer (gmmot/colour.h): pixels drawn (uniformly, with replacement, seeded by
   *  GMMOT_OPT_SEED) from each image for its fit; 0 = every pixel. Default 100000.
   *  Bounds [0, 1e12]. @since 0.5 */
  GMMOT_OPT_COLOUR_FIT_POINTS = 950,
  /** int. Colour transfer: the map, 0 = T_mean (default, smooth), 1 = T_rand (a random draw per
   *  pixel, noisier). Bounds [0, 1]. @since 0.5 */
  GMMOT_OPT_COLOUR_MAP = 951,
  /** int. Colour transfer: the space of the fits and the map, a gmmot_colour_space. Default
   *  GMMOT_COLOUR_RGB. Bounds [0, 2]. @since 0.5 */
  GMMOT_OPT_COLOUR_SPACE = 952,
  /** int. Colour transfer: 1 (default) regularises the colour change with the guided filter
   *  (gmmot/colour.h), 0 leaves the map's result as it is (then only clipped).
   *  Bounds [0, 1]. @since 0.5 */
  GMMOT_OPT_COLOUR_REGULARIZE = 953,
  /** int. Colour regularisation: the guided filter's window radius r in pixels (windows of
   *  (2r+1)^2 pixels); 0 (default) = 1% of the image's shorter side, at least 2 (8 for
   *  1024 x 768, 30 for 4000 x 3000). Larger r spreads the change more evenly over flat regions.
   *  Bounds [0, 100000]. @since 0.5 */
  GMMOT_OPT_COLOUR_RADIUS = 954,
  /** double. Colour regularisation: the filter's epsilon, in squared RGB units of [0, 1]
   *  (default 1e-3, i.e. a standard deviation of about 0.03, 8 levels of 255): source
   *  variations well below sqrt(epsilon) get one smooth change (no bands, no amplified JPEG
   *  blocks), structures well above it keep their own change. Smaller values follow the map more
   *  closely, larger ones smooth more. Bounds [1e-12, 1e3]. @since 0.5 */
  GMMOT_OPT_COLOUR_EPSILON = 955,
  /** int. Colour regularisation: the fast guided filter's subsampling s (coefficients computed
   *  on s x s averaged pixels, radius r / s, interpolated back); 0 (default) = the smallest s
   *  that brings the image to at most 2^18 pixels, at most r / 2 (1 for 512 x 512, 2 for
   *  1024 x 768, 7 for 4000 x 3000 with the automatic radius). Bounds [0, 64]. @since 0.5 */
  GMMOT_OPT_COLOUR_SUBSAMPLE = 956,
  /** int. Colour transfer: 1 (default) clips the result to [0, 1], 0 returns it unclipped
   *  (colours mapped outside the RGB cube, e.g. for further processing). Bounds [0, 1].
   *  @since 0.5 */
  GMMOT_OPT_COLOUR_CLIP = 957
} gmmot_option;

/** Values of GMMOT_OPT_TRANSPORT_METHOD. */
typedef enum gmmot_transport_method {
  GMMOT_TRANSPORT_EXACT = 0,   /**< the network simplex, an exact optimum (default) */
  GMMOT_TRANSPORT_ENTROPIC = 1 /**< log-domain Sinkhorn, an approximation for large K */
} gmmot_transport_method;

/** The type of an option's value. */
typedef enum gmmot_option_type {
  GMMOT_OPTION_INT = 1,   /**< set and read with gmmot_options_set_int, gmmot_options_get_int */
  GMMOT_OPTION_DOUBLE = 2 /**< set and read with gmmot_options_set_double,
                               gmmot_options_get_double */
} gmmot_option_type;

/** Create an options object holding every default. *out receives the handle (caller frees
 *  it with gmmot_options_destroy); on error *out is untouched.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (out NULL), GMMOT_E_OUT_OF_MEMORY. @since 0.1 */
GMMOT_API int gmmot_options_create(gmmot_options_t **out) GMMOT_NOEXCEPT;

/** Create a copy of `src` (same values). Status as gmmot_options_create. @since 0.1 */
GMMOT_API int gmmot_options_clone(const gmmot_options_t *src, gmmot_options_t **out) GMMOT_NOEXCEPT;

/** Destroy an options object. NULL is a no-op. @since 0.1 */
GMMOT_API void gmmot_options_destroy(gmmot_options_t *opts) GMMOT_NOEXCEPT;

/** Set an int-typed option. Status: GMMOT_OK; GMMOT_E_INVALID_ARGUMENT for a NULL handle, an
 *  unknown key, a key of double type, or a value outside the key's bounds (the message gives
 *  the bounds). On error the object is unchanged. @since 0.1 */
GMMOT_API int gmmot_options_set_int(gmmot_options_t *opts, int key, int64_t value) GMMOT_NOEXCEPT;

/** Set a double-typed option. Same rules as gmmot_options_set_int; NaN is always rejected.
 *  @since 0.1 */
GMMOT_API int gmmot_options_set_double(gmmot_options_t *opts, int key, double value) GMMOT_NOEXCEPT;

/** Read an int-typed option into *out_value. Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL
 *  argument, unknown key, key of double type). @since 0.1 */
GMMOT_API int gmmot_options_get_int(const gmmot_options_t *opts, int key,
                                    int64_t *out_value) GMMOT_NOEXCEPT;

/** Read a double-typed option into *out_value. Status as gmmot_options_get_int. @since 0.1 */
GMMOT_API int gmmot_options_get_double(const gmmot_options_t *opts, int key,
                                       double *out_value) GMMOT_NOEXCEPT;

/** Attach (fn non-NULL) or remove (fn NULL) the progress callback of every call given opts
 *  (gmmot/progress.h); user_data is passed to fn unchanged and is borrowed: it must stay valid
 *  while a call may use it (user_data is ignored when fn is NULL). Within one call the callback
 *  is never called concurrently; calls made at once from several threads with the same opts
 *  call it from each of those threads, so a callback shared that way must be thread-safe.
 *  Attaching a callback or a flag makes the calls that write large outputs in place (cost
 *  matrix, log-density, sampling, maps) stage them in a temporary copy, so that a cancelled
 *  call leaves the caller's buffer untouched.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (opts NULL). @since 0.2 */
GMMOT_API int gmmot_options_set_progress(gmmot_options_t *opts, gmmot_progress_fn fn,
                                         void *user_data) GMMOT_NOEXCEPT;

/** Attach (flag non-NULL) or remove (NULL) the interrupt flag of every call given opts
 *  (gmmot/progress.h). The flag is borrowed: it must outlive every call that uses it (and every
 *  EM object created from opts). Several options objects may share one flag.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (opts NULL). @since 0.2 */
GMMOT_API int gmmot_options_set_interrupt(gmmot_options_t *opts,
                                          gmmot_interrupt_t *flag) GMMOT_NOEXCEPT;

/** Bounds query: the type of `key` (a gmmot_option_type) and its inclusive range. Any output
 *  pointer may be NULL. Works without an options object, so bindings can discover valid
 *  ranges at run time. Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (unknown key). @since 0.1 */
GMMOT_API int gmmot_options_bounds(int key, int *out_type, double *out_min,
                                   double *out_max) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_OPTIONS_H */
