/* SPDX-License-Identifier: MIT */
/** @file progress.h
 *  @brief Progress reports and cancellation of long computations.
 *
 * One mechanism for every long call (EM fitting, exact and entropic transport, MW2 plans, the
 * Gaussian barycenter, cost matrices, transport maps, log-densities and sampling): a progress
 * callback and an interrupt flag, both attached to an options object (gmmot/options.h:
 * gmmot_options_set_progress, gmmot_options_set_interrupt) and used by every call that takes
 * that options object (gmmot_em_create copies them into the EM object).
 *
 * Cancellation (a non-zero return from the callback, or a raised interrupt) makes the call
 * return GMMOT_E_CANCELLED like any error: no output is written, no out-handle pointer is set,
 * and every handle stays as it was and usable (an EM object fits again, an options object is
 * reused once its interrupt is reset). The interrupt is checked at least once per block of
 * work (a few milliseconds at most on current hardware), on every worker thread.
 *
 * Thread rule: gmmot_interrupt_raise, gmmot_interrupt_reset and gmmot_interrupt_is_raised may
 * be called from any thread at any time, also while calls using the flag run (they are single
 * atomic operations). gmmot_interrupt_destroy needs that no call uses the flag any more. */
#ifndef GMMOT_PROGRESS_H
#define GMMOT_PROGRESS_H

#include <stdint.h>

#include "gmmot/export.h"

GMMOT_BEGIN_DECLS

/** What a progress report is about: the `stage` argument of gmmot_progress_fn. Values are
 *  pinned; new stages are only ever added (a callback should ignore stages it does not know).
 *  Within one stage of one call, `done` never decreases (except for GMMOT_STAGE_EM, see there)
 *  and done <= total. @since 0.2 */
typedef enum gmmot_stage {
  /** EM fitting: done = iterations of the current EM run (0 for the k-means start; it restarts
   *  at 0 for each initialisation and each split-and-merge move tried), total =
   *  GMMOT_OPT_EM_MAX_ITERATIONS, value = mean log-likelihood of that iterate. */
  GMMOT_STAGE_EM = 1,
  /** Exact transport (network simplex): done = pivots so far, reported every 1024 pivots,
   *  total = the pivot cap, value = NaN. */
  GMMOT_STAGE_EXACT_LP = 2,
  /** Entropic transport (Sinkhorn): done = iterations, reported every 8, total = the iteration
   *  cap, value = the estimated L1 marginal error of the current iterate. */
  GMMOT_STAGE_SINKHORN = 3,
  /** Gaussian barycenter fixed point: done = iteration, total = the iteration cap, value = the
   *  fixed-point residual. */
  GMMOT_STAGE_BARYCENTER = 4,
  /** W2 cost matrix (also the first step of an MW2 plan): done = component pairs finished,
   *  total = K0 K1, value = NaN. */
  GMMOT_STAGE_COST_MATRIX = 5,
  /** Transport maps T_mean, T_rand: done = points mapped, total = n, value = NaN. */
  GMMOT_STAGE_MAPS = 6,
  /** Log-density and sampling: done = points finished, total = n, value = NaN. */
  GMMOT_STAGE_DENSITY = 7,
  /** Exact multi-marginal and fixed-support LPs of gmmot/barycenter.h: done = simplex pivots so
   *  far, reported after every pricing round, total = the pivot cap, value = the objective of
   *  the current restricted problem. @since 0.3 */
  GMMOT_STAGE_MULTIMARGINAL = 8,
  /** Fixed-point mixture barycenter (gmmot_mw2_barycenter_fixed_point): done = iterations,
   *  total = GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, value = the energy V of that iterate.
   *  @since 0.3 */
  GMMOT_STAGE_FIXED_POINT = 9,
  /** KL-relaxed coupled fit (Delon-Desolneux 2020, section 6.2): done = outer iterations of
   *  the majorise-minimise scheme, total = the iteration cap, value = the energy of that
   *  iterate (in the data's units, see the relaxed fit's documentation). With a lambda
   *  continuation, done restarts at 0 for each lambda of the sequence. @since 0.3 */
  GMMOT_STAGE_RELAXED = 10,
  /** Gromov-Wasserstein and MGW2 (gmmot/gromov.h): reported when a start begins and after
   *  every Frank-Wolfe step; done = steps so far, summed over the starts, total =
   *  GMMOT_OPT_GW_MAX_ITERATIONS times (GMMOT_OPT_GW_STARTS + 2), value = the objective at the
   *  current iterate (non-increasing within one start). @since 0.4 */
  GMMOT_STAGE_GROMOV = 11,
  /** EW2 and MEW2 (gmmot/mew2.h): reported when a start begins and after every alternation;
   *  done = alternations so far, summed over the starts, total = GMMOT_OPT_EW_MAX_ITERATIONS
   *  times the number of starts (plus 8 for the annealed alternations of EW2's annealed start),
   *  value = the loss at the current iterate (non-increasing within one start once its exact
   *  alternations begin). @since 0.5 */
  GMMOT_STAGE_EMBEDDING = 12,
  /** Texture synthesis (gmmot/texture.h): done = stages finished (0 at the start), total =
   *  GMMOT_TEXTURE_STAGE_COUNT, value = NaN; the steps' own stages are reported in between.
   *  @since 0.5 */
  GMMOT_STAGE_TEXTURE = 13,
  /** Colour transfer (gmmot_colour_transfer, gmmot/colour.h): reported when the call starts
   *  and after each of its steps; done = steps finished, total = 5 (source fit, target fit,
   *  MW2 plan, map, regularisation), value = NaN. The stages of the steps (EM, cost matrix,
   *  transport, maps) report in between. @since 0.5 */
  GMMOT_STAGE_COLOUR = 14
  /* Later versions add 13 and above. */
} gmmot_stage;

/** Progress callback (attach it with gmmot_options_set_progress). `stage` is a gmmot_stage,
 *  `done` and `total` count its work as documented there, `value` is a stage-specific figure
 *  (NaN when there is none). user_data is the pointer given with the callback, unchanged.
 *  Return 0 to continue, non-zero to cancel the call (GMMOT_E_CANCELLED).
 *  Rules: it is called synchronously on the thread that made the call, never concurrently
 *  within one call, and rate-limited by the library (per iteration or per block of work, never
 *  per point; at most about a thousand times per pass over the data); it must not unwind (no
 *  C++ exception, longjmp or panic may leave it); it must not call back into libgmmot with the
 *  handle that is being worked on. @since 0.2 */
typedef int (*gmmot_progress_fn)(void *user_data, int stage, uint64_t done, uint64_t total,
                                 double value);

/** An interrupt flag: an atomic boolean that any thread may raise to cancel every call using it
 *  (through the options object it is attached to). It is sticky: once raised it stays raised,
 *  and every call using it returns GMMOT_E_CANCELLED, until gmmot_interrupt_reset, so one
 *  Ctrl-C handler stops all work sharing the flag. @since 0.2 */
typedef struct gmmot_interrupt gmmot_interrupt_t;

/** Create a flag, not raised. *out receives it (free it with gmmot_interrupt_destroy); on error
 *  *out is untouched. Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (out NULL),
 *  GMMOT_E_OUT_OF_MEMORY. @since 0.2 */
GMMOT_API int gmmot_interrupt_create(gmmot_interrupt_t **out) GMMOT_NOEXCEPT;

/** Destroy a flag; NULL is a no-op. No call may be using it (detach it from options objects
 *  that will be used again with gmmot_options_set_interrupt(opts, NULL)). @since 0.2 */
GMMOT_API void gmmot_interrupt_destroy(gmmot_interrupt_t *flag) GMMOT_NOEXCEPT;

/** Raise the flag: the calls using it stop at their next check with GMMOT_E_CANCELLED. Safe
 *  from any thread, from a progress callback, and from a signal handler: with a non-NULL flag
 *  it is one lock-free atomic store and, unlike every other function, it leaves
 *  gmmot_last_error_message() as it was.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (flag NULL). @since 0.2 */
GMMOT_API int gmmot_interrupt_raise(gmmot_interrupt_t *flag) GMMOT_NOEXCEPT;

/** Lower the flag, so that calls using it run again. Safe from any thread.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (flag NULL). @since 0.2 */
GMMOT_API int gmmot_interrupt_reset(gmmot_interrupt_t *flag) GMMOT_NOEXCEPT;

/** *out_raised = 1 if the flag is raised, else 0. Safe from any thread.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (flag or out_raised NULL). @since 0.2 */
GMMOT_API int gmmot_interrupt_is_raised(const gmmot_interrupt_t *flag,
                                        int *out_raised) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_PROGRESS_H */
