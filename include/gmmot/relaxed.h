/* SPDX-License-Identifier: MIT */
/** @file relaxed.h
 *  @brief The KL-relaxed coupled fit, one Gaussian mixture on R^{2d} fitted to two point
 *  clouds with a transport penalty.
 *
 * Reference: J. Delon, A. Desolneux, "A Wasserstein-type distance in the space of Gaussian
 * Mixture Models", SIAM J. Imaging Sci. 2020, section 6.2 (eq. 6.1). For weighted clouds nu0,
 * nu1 in R^d and lambda > 0 it finds a K-component mixture gamma on R^{2d} (shared weights
 * pi_k; component k joins N(m0_k, S0_k) to N(m1_k, S1_k) by their optimal Gaussian coupling)
 * that minimises
 *
 *     J = transport - lambda_abs (ll0 + ll1) + penalty, where
 *     transport = sum_k pi_k [|m0_k - m1_k|^2 + B^2(S0_k, S1_k)]  (= int |y0 - y1|^2 dgamma),
 *     ll0, ll1  = mean (weighted) log-likelihoods of nu0 under P0#gamma and of nu1 under P1#gamma,
 *     penalty   = (lambda_abs / 2) rho sum over the 2K marginal covariances S of
 *                 [v tr(S^-1) + log det S],
 *     lambda_abs = lambda s^2, s^2 = (tr Cov nu0 + tr Cov nu1) / 2, v = s^2 / d.
 *
 * lambda (GMMOT_OPT_RELAXED_LAMBDA) is relative to the data scale, so the fit moves with
 * translations and scalings of the data; J is in the data's units (length^2). Large lambda gives
 * the two maximum-likelihood fits (with shared weights); small lambda makes the two marginals
 * coincide. rho (GMMOT_OPT_RELAXED_REGULARIZATION) is part of the problem: without it J is
 * unbounded below (a component collapsing onto a point); it acts as rho pseudo-points of
 * scatter v I per component, keeping every covariance away from 0 (for the likelihood part
 * alone, at least rho v / (n + rho) in every direction, n the component's responsibility
 * mass).
 *
 * Method: a majorise-minimise scheme (generalised EM; numerics.md E.2). Each iteration is one
 * E-step pass over each cloud (blocked, parallel, no n x K matrix; bit-identical results for any
 * GMMOT_OPT_NUM_THREADS) followed by closed-form weights, a 2d x 2d solve for each component's
 * means, and Armijo-backtracked affine-invariant steps on each component's covariances (a few
 * cycles of these three per E-step; no pass over the data). J never
 * increases from one iteration to the next (to rounding). The fit stops when J decreases by at
 * most GMMOT_OPT_RELAXED_TOLERANCE times the magnitude of its terms, or after
 * GMMOT_OPT_RELAXED_MAX_ITERATIONS iterations (status GMMOT_W_NOT_CONVERGED, the last iterate
 * returned). The start is GMMOT_OPT_RELAXED_INIT: EM on the pooled clouds, separate EM fits
 * paired by an optimal assignment (the exact OT plan between the component sets with equal
 * masses), or the caller's mixtures (gmmot_relaxed_create_from); EM starts use GMMOT_OPT_SEED.
 *
 * Progress (gmmot/progress.h): GMMOT_STAGE_EM during the EM initialisation, then
 * GMMOT_STAGE_RELAXED after every iteration (done = iteration, 0 for the start, total =
 * GMMOT_OPT_RELAXED_MAX_ITERATIONS, value = J).
 *
 * Thread rule: a gmmot_relaxed_t is immutable after creation and may be read by any number of
 * threads at once. The mixture handles and the plan (gmmot_relaxed_plan) it hands out share its
 * mixtures (no copy) and stay valid after it is destroyed. */
#ifndef GMMOT_RELAXED_H
#define GMMOT_RELAXED_H

#include <stddef.h>
#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/gmm.h"
#include "gmmot/mw2.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** A KL-relaxed coupled fit (opaque, immutable): gmmot_relaxed_create,
 *  gmmot_relaxed_create_from; gmmot_relaxed_destroy. @since 0.3 */
typedef struct gmmot_relaxed gmmot_relaxed_t;

/** Values of GMMOT_OPT_RELAXED_INIT. @since 0.3 */
typedef enum gmmot_relaxed_init {
  GMMOT_RELAXED_INIT_POOLED = 0,   /**< EM on the pooled clouds; both marginals start there */
  GMMOT_RELAXED_INIT_SEPARATE = 1, /**< EM on each cloud, components paired optimally */
  GMMOT_RELAXED_INIT_USER = 2      /**< the mixtures given to gmmot_relaxed_create_from */
} gmmot_relaxed_init;

/** Fit gamma to points0 (n0 x d, row-major) and points1 (n1 x d). weights0, weights1: n0 and
 *  n1 finite values >= 0, not all 0, any scale (only their ratios matter), or NULL for all 1.
 *  All borrowed for the call. Options read: GMMOT_OPT_RELAXED_COMPONENTS (K),
 *  GMMOT_OPT_RELAXED_LAMBDA, GMMOT_OPT_RELAXED_TOLERANCE, GMMOT_OPT_RELAXED_MAX_ITERATIONS,
 *  GMMOT_OPT_RELAXED_REGULARIZATION, GMMOT_OPT_RELAXED_INIT (GMMOT_RELAXED_INIT_USER is refused
 *  here: use gmmot_relaxed_create_from), GMMOT_OPT_SEED, GMMOT_OPT_NUM_THREADS, the progress
 *  callback and the interrupt flag. *out receives a new object (free with
 *  gmmot_relaxed_destroy).
 *  Status: GMMOT_OK; GMMOT_W_NOT_CONVERGED (*out written: the iteration cap was reached; the
 *  last iterate is returned); GMMOT_E_INVALID_ARGUMENT (points NULL with n > 0, out NULL,
 *  K larger than the number of distinct points of positive weight of a cloud, naming it;
 *  GMMOT_RELAXED_INIT_USER); GMMOT_E_DIMENSION (n0 = 0, n1 = 0 or d = 0); GMMOT_E_TOO_LARGE;
 *  GMMOT_E_NONFINITE (naming points0[i][j], points1[i][j], weights0[i] or weights1[i]);
 *  GMMOT_E_WEIGHTS (a negative weight, naming it, or all weights 0); GMMOT_E_CANCELLED;
 *  GMMOT_E_OVERFLOW; GMMOT_E_OUT_OF_MEMORY. On error *out is untouched. @since 0.3 */
GMMOT_API int gmmot_relaxed_create(const double *points0, size_t n0, const double *points1,
                                   size_t n1, size_t d, const double *weights0,
                                   const double *weights1, const gmmot_options_t *opts,
                                   gmmot_relaxed_t **out) GMMOT_NOEXCEPT;

/** The same from the caller's start: component k of start0 and of start1 (each with K =
 *  GMMOT_OPT_RELAXED_COMPONENTS components in dimension d) start gamma's component k, with
 *  weight the mean of their two weights (GMMOT_OPT_RELAXED_INIT is ignored). Status as
 *  gmmot_relaxed_create, plus GMMOT_E_INVALID_ARGUMENT (start0 or start1 NULL) and
 *  GMMOT_E_DIMENSION (a start of another K or d, naming it), GMMOT_E_FAMILY (since 0.5: a
 *  Student-t start; the relaxed fit models Gaussian mixtures only). @since 0.3 */
GMMOT_API int gmmot_relaxed_create_from(const double *points0, size_t n0, const double *points1,
                                        size_t n1, size_t d, const double *weights0,
                                        const double *weights1, const gmmot_gmm_t *start0,
                                        const gmmot_gmm_t *start1, const gmmot_options_t *opts,
                                        gmmot_relaxed_t **out) GMMOT_NOEXCEPT;

/** The lambda continuation: solve for lambdas[0] > lambdas[1] > ... > lambdas[count - 1]
 *  (relative, as GMMOT_OPT_RELAXED_LAMBDA, which is ignored here), each solve warm-started from
 *  the previous one's result and given its own GMMOT_OPT_RELAXED_MAX_ITERATIONS; the object
 *  describes the last solve, and gmmot_relaxed_path gives a summary of each. Following the path
 *  down from a large lambda keeps the fit on one branch of local optima, so the transport term
 *  decreases along it (Delon-Desolneux Fig. 6). Status as gmmot_relaxed_create, plus
 *  GMMOT_E_INVALID_ARGUMENT (lambdas NULL, count 0, or lambdas[i] outside the bounds of
 *  GMMOT_OPT_RELAXED_LAMBDA or not below lambdas[i - 1], naming it); GMMOT_W_NOT_CONVERGED
 *  refers to the last solve. @since 0.3 */
GMMOT_API int gmmot_relaxed_create_path(const double *points0, size_t n0, const double *points1,
                                        size_t n1, size_t d, const double *weights0,
                                        const double *weights1, const double *lambdas, size_t count,
                                        const gmmot_options_t *opts,
                                        gmmot_relaxed_t **out) GMMOT_NOEXCEPT;

/** Free the object; NULL is a no-op. @since 0.3 */
GMMOT_API void gmmot_relaxed_destroy(gmmot_relaxed_t *r) GMMOT_NOEXCEPT;

/** gamma: K components in dimension 2d, component k with weight pi_k, mean (m0_k, m1_k) and
 *  covariance [[S0_k, S0_k A_k], [A_k S0_k, S1_k]] (A_k the Monge map matrix; rank d). *out
 *  receives a new mixture handle (free with gmmot_gmm_destroy) sharing the fitted mixture.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL), GMMOT_E_OUT_OF_MEMORY. @since 0.3 */
GMMOT_API int gmmot_relaxed_coupling(const gmmot_relaxed_t *r, gmmot_gmm_t **out) GMMOT_NOEXCEPT;

/** @{ */
/** The marginals P0\#gamma and P1\#gamma (K components in dimension d, weights pi), as
 *  gmmot_relaxed_coupling. @since 0.3 */
GMMOT_API int gmmot_relaxed_marginal0(const gmmot_relaxed_t *r, gmmot_gmm_t **out) GMMOT_NOEXCEPT;
GMMOT_API int gmmot_relaxed_marginal1(const gmmot_relaxed_t *r, gmmot_gmm_t **out) GMMOT_NOEXCEPT;
/** @} */

/** gamma's plan as an MW2 plan handle, so that gmmot_mw2_map_mean / gmmot_mw2_map_rand
 *  (gmmot/maps.h: T_mean and T_rand of gamma, Delon-Desolneux section 6.3 applied to the
 *  relaxed coupling), gmmot_mw2_coupling and gmmot_mw2_geodesic apply to the fit. Component k
 *  of gamma pairs component k of P0\#gamma with component k of P1\#gamma by their optimal
 *  Gaussian coupling, with weight pi_k: it is the MW2-type plan between the two marginals with
 *  the diagonal component plan w_kk = pi_k (K entries (k, k, pi_k), sorted, zero weights kept;
 *  no LP is solved). So gmmot_mw2_coupling gives gamma (gmmot_relaxed_coupling) to rounding,
 *  and gmmot_mw2_distance gives its transport term (>= MW2^2 between the marginals, equal when
 *  the diagonal is an optimal plan). It is a given plan (gmmot/mw2.h): gmmot_mw2_copy_duals
 *  refuses. *out receives a new object (free with gmmot_mw2_destroy) sharing the marginals;
 *  it stays valid after r is destroyed. Single-threaded (the K x K cost matrix; no options).
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (r or out NULL), GMMOT_E_OVERFLOW (a W2^2 cost
 *  not representable), GMMOT_E_OUT_OF_MEMORY. On error *out is untouched. @since 0.3 */
GMMOT_API int gmmot_relaxed_plan(const gmmot_relaxed_t *r, gmmot_mw2_t **out) GMMOT_NOEXCEPT;

/** J and its terms (see above, data units): transport, ll0, ll1, penalty, with
 *  J = transport - lambda_abs (ll0 + ll1) + penalty. Any output pointer may be NULL.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (r NULL). @since 0.3 */
GMMOT_API int gmmot_relaxed_energy(const gmmot_relaxed_t *r, double *out_energy,
                                   double *out_transport, double *out_ll0, double *out_ll1,
                                   double *out_penalty) GMMOT_NOEXCEPT;

/** The iterations done, 1 if the fit converged (else 0), lambda_abs = lambda s^2 and s^2. Any
 *  output pointer may be NULL. Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (r NULL). @since 0.3 */
GMMOT_API int gmmot_relaxed_info(const gmmot_relaxed_t *r, uint64_t *out_iterations,
                                 int *out_converged, double *out_lambda_abs,
                                 double *out_scale2) GMMOT_NOEXCEPT;

/** J of every iterate, the start first (iterations + 1 values, non-increasing), into out
 *  (capacity values). *out_count (may be NULL) receives the count; out NULL with capacity 0
 *  only queries it. Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (r NULL, out NULL with
 *  capacity > 0), GMMOT_E_BUFFER_TOO_SMALL (nothing written but *out_count). @since 0.3 */
GMMOT_API int gmmot_relaxed_energies(const gmmot_relaxed_t *r, double *out, size_t capacity,
                                     size_t *out_count) GMMOT_NOEXCEPT;

/** Degenerate components, in out_flags (2K ints, capacity at least 2K): entry 2k + c for
 *  component k in marginal c, bit 0 set when its responsibility mass in cloud c amounts to
 *  fewer than d + 1 points (of average weight), bit 1 set when its covariance's smallest
 *  eigenvalue is within a factor 10 of the penalty's floor rho v / (n + rho) (it is held up by
 *  the regularisation). *out_count (may be NULL) receives the number of non-zero entries.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (r or out_flags NULL),
 *  GMMOT_E_BUFFER_TOO_SMALL. @since 0.3 */
GMMOT_API int gmmot_relaxed_degenerate(const gmmot_relaxed_t *r, int *out_flags, size_t capacity,
                                       size_t *out_count) GMMOT_NOEXCEPT;

/** One row per lambda solved (one for gmmot_relaxed_create and _create_from, count for
 *  gmmot_relaxed_create_path), in order, of 8 values: lambda (relative), J, transport, ll0,
 *  ll1, penalty, iterations, converged (1 or 0), into out (out_len >= 8 rows). *out_rows (may
 *  be NULL) receives the number of rows; out NULL with out_len 0 only queries it.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (r NULL, out NULL with out_len > 0),
 *  GMMOT_E_BUFFER_TOO_SMALL (nothing written but *out_rows). @since 0.3 */
GMMOT_API int gmmot_relaxed_path(const gmmot_relaxed_t *r, double *out, size_t out_len,
                                 size_t *out_rows) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_RELAXED_H */
