/* SPDX-License-Identifier: MIT */
/** @file mw2.h
 *  @brief The MW2 distance between Gaussian mixtures, its plan, coupling and geodesic.
 *
 * References: J. Delon, A. Desolneux, "A Wasserstein-type distance in the space of Gaussian
 * Mixture Models", SIAM J. Imaging Sci. 2020, section 4 (eq. 4.4, Prop. 4, Cor. 2); Y. Chen,
 * T. Georgiou, A. Tannenbaum, "Optimal transport for Gaussian mixture models", IEEE Access 2019,
 * section III (eq. 11).
 *
 * For mu0 = sum_k pi0_k N(m0_k, S0_k) and mu1 = sum_l pi1_l N(m1_l, S1_l) in the same dimension,
 *
 *     MW2^2(mu0, mu1) = min over couplings w of (pi0, pi1) of sum_kl w_kl W2^2(mu0^k, mu1^l),
 *
 * a discrete transport problem on the K0 x K1 matrix of Gaussian W2^2 costs (gmmot/gaussian.h)
 * solved exactly by the network simplex of gmmot/transport.h (or approximately by Sinkhorn when
 * GMMOT_OPT_TRANSPORT_METHOD = GMMOT_TRANSPORT_ENTROPIC). An exact plan w* has at most
 * K0 + K1 - 1 non-zeros; the coupling and the geodesic below have one component per non-zero.
 * Zero-weight components and singular covariances (Dirac mixtures included) are valid.
 *
 * A gmmot_mw2_t is either solved (gmmot_mw2_create, gmmot_mw2_create_from_points: the plan w*
 * above) or given (gmmot_relaxed_plan, gmmot/relaxed.h: the diagonal plan w_kk = pi_k of a
 * KL-relaxed fit, no LP solved). Every function below applies to both, with the plan in place
 * of w*: gmmot_mw2_distance then gives sum_kl w_kl W2^2(mu0^k, mu1^l) >= MW2^2 (the cost of the
 * given plan), the coupling is the given coupling, the maps of gmmot/maps.h its T_mean and
 * T_rand; gmmot_mw2_info gives 0 iterations and the plan's measured marginal error; only
 * gmmot_mw2_copy_duals refuses (a given plan has no dual potentials).
 *
 * Thread rule: a gmmot_mw2_t is immutable after creation and may be read by any number of
 * threads at once (what it computes on first use, the pair maps and the maps' precomputation of
 * gmmot/maps.h, is computed once, safely, whichever threads ask first). It shares the two
 * mixtures with their handles instead of copying them (a mixture is immutable); the handles may
 * be destroyed after gmmot_mw2_create returns. */
#ifndef GMMOT_MW2_H
#define GMMOT_MW2_H

#include <stddef.h>
#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/gmm.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** An MW2 plan between two mixtures (opaque, immutable), solved or given (above):
 *  gmmot_mw2_create, gmmot_mw2_create_from_points, gmmot_relaxed_plan; gmmot_mw2_destroy.
 *  @since 0.2 */
typedef struct gmmot_mw2 gmmot_mw2_t;

/** Compute the MW2 plan between g0 and g1. Options read: those of gmmot_transport_solve and
 *  GMMOT_OPT_NUM_THREADS (cost matrix), and the progress callback and interrupt flag
 *  (gmmot/progress.h: GMMOT_STAGE_COST_MATRIX, then the transport's stage). *out receives a new
 *  object (free with gmmot_mw2_destroy).
 *  Status: GMMOT_OK; GMMOT_W_NOT_CONVERGED (entropic iteration cap); GMMOT_E_INVALID_ARGUMENT
 *  (NULL); GMMOT_E_DIMENSION (the mixtures' dimensions differ); GMMOT_E_FAMILY (since 0.5: one
 *  is Gaussian and the other Student-t, or two nu; gmmot/gmm.h); GMMOT_E_OVERFLOW (a W2^2 cost
 *  is not finite); GMMOT_E_ITERATION_LIMIT; GMMOT_E_CANCELLED (gmmot/progress.h; *out
 *  untouched); GMMOT_E_OUT_OF_MEMORY. @since 0.2 */
GMMOT_API int gmmot_mw2_create(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                               const gmmot_options_t *opts, gmmot_mw2_t **out) GMMOT_NOEXCEPT;

/** MW_{K,2} between two point clouds in one call (Delon-Desolneux section 6.1): a K-component
 *  mixture is fitted to each cloud by EM (gmmot/em.h, K = GMMOT_OPT_EM_COMPONENTS), then the MW2
 *  plan between the two fits is computed as by gmmot_mw2_create, so MW2, the coupling, the
 *  geodesic and the maps of gmmot/maps.h follow from `*out`. The result is bit-identical to
 *  gmmot_em_create(opts) + gmmot_em_fit on points0, gmmot_em_fit on points1 (the same options
 *  and seed for both) + gmmot_mw2_create(fit0, fit1, opts). The fitted mixtures are the plan's
 *  (gmmot_mw2_coupling / gmmot_mw2_geodesic at t = 0 and 1 split them along the plan).
 *  points0 (n0 x d), points1 (n1 x d): row-major, finite; weights0, weights1: n0 and n1 finite
 *  values >= 0, not all 0, any scale, or NULL for all 1; all borrowed for the call. Options
 *  read: those of gmmot_em_create (GMMOT_OPT_EM_*, GMMOT_OPT_SEED), those of gmmot_mw2_create,
 *  GMMOT_OPT_NUM_THREADS, the progress callback (GMMOT_STAGE_EM for each fit in turn, then the
 *  plan's stages) and the interrupt flag. *out receives a new object (free with
 *  gmmot_mw2_destroy). Since 0.5, with GMMOT_OPT_EM_FAMILY = GMMOT_FAMILY_STUDENT_T and
 *  GMMOT_OPT_EM_DOF = 0 the two fits are one joint fit with a shared nu (gmmot_em_fit_joint on
 *  points0 and points1, bit-identical to it; its errors are prefixed by "fitting points0 (data
 *  set 0) and points1 (data set 1) jointly: "), since MW2 needs one nu on both sides; with a
 *  fixed nu the two fits are separate as above, and the plan is between t-mixtures.
 *  Declared here rather than in gmmot/em.h or gmmot/relaxed.h because its
 *  result is an MW2 plan: a user after MW2 between data looks here.
 *  Status: GMMOT_OK; GMMOT_W_NOT_CONVERGED (*out written: an EM fit reached
 *  GMMOT_OPT_EM_MAX_ITERATIONS, the message naming points0 or points1, or the entropic solver
 *  its cap); GMMOT_E_INVALID_ARGUMENT (out NULL, points0 or points1 NULL with n > 0 and d > 0,
 *  an option out of bounds); GMMOT_E_DIMENSION (n0 = 0, n1 = 0 or d = 0, naming points0 or
 *  points1); GMMOT_E_TOO_LARGE; GMMOT_E_NONFINITE (naming points0[i][j], points1[i][j],
 *  weights0[i] or weights1[i]); GMMOT_E_WEIGHTS (naming weights0[i] or weights1[i], or all
 *  zero); an error of a fit (GMMOT_E_CANCELLED, GMMOT_E_OVERFLOW, ...) with its message
 *  prefixed by "fitting points0: " or "fitting points1: "; the errors of gmmot_mw2_create;
 *  GMMOT_E_OUT_OF_MEMORY. On error *out is untouched. Thread rule: as gmmot_mw2_create (the
 *  arrays are only read). @since 0.3 */
GMMOT_API int gmmot_mw2_create_from_points(const double *points0, size_t n0, const double *points1,
                                           size_t n1, size_t d, const double *weights0,
                                           const double *weights1, const gmmot_options_t *opts,
                                           gmmot_mw2_t **out) GMMOT_NOEXCEPT;

/** Free the object; NULL is a no-op. @since 0.2 */
GMMOT_API void gmmot_mw2_destroy(gmmot_mw2_t *p) GMMOT_NOEXCEPT;

/** One call for the distance only: MW2^2 into *out_mw2sq. Same options and status as
 *  gmmot_mw2_create. @since 0.2 */
GMMOT_API int gmmot_mw2_squared(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                                const gmmot_options_t *opts, double *out_mw2sq) GMMOT_NOEXCEPT;

/** MW2^2 (eq. 4.4) and MW2 = sqrt(MW2^2); either pointer may be NULL (not both). @since 0.2 */
GMMOT_API int gmmot_mw2_distance(const gmmot_mw2_t *p, double *out_mw2sq,
                                 double *out_mw2) GMMOT_NOEXCEPT;

/** @{ */
/** K0, K1, the dimension d and the number of plan non-zeros (0 for NULL). @since 0.2 */
GMMOT_API size_t gmmot_mw2_rows(const gmmot_mw2_t *p) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_mw2_cols(const gmmot_mw2_t *p) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_mw2_dim(const gmmot_mw2_t *p) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_mw2_nnz(const gmmot_mw2_t *p) GMMOT_NOEXCEPT;
/** @} */

/** The K0 x K1 cost matrix C_kl = W2^2(mu0^k, mu1^l) (out_len >= K0*K1). @since 0.2 */
GMMOT_API int gmmot_mw2_copy_cost_matrix(const gmmot_mw2_t *p, double *out,
                                         size_t out_len) GMMOT_NOEXCEPT;

/** The component plan w*, dense K0 x K1 row-major (out_len >= K0*K1). @since 0.2 */
GMMOT_API int gmmot_mw2_copy_plan(const gmmot_mw2_t *p, double *out, size_t out_len) GMMOT_NOEXCEPT;

/** The component plan as nnz triplets (out_rows[n], out_cols[n], out_mass[n]) = (k, l, w_kl)
 *  sorted by (k, l), into three parallel arrays of capacity triplets_len >= nnz; any may be
 *  NULL. The n-th triplet is the n-th component of the coupling and of the geodesic and the
 *  n-th pair map. @since 0.2 */
GMMOT_API int gmmot_mw2_copy_sparse_plan(const gmmot_mw2_t *p, size_t *out_rows, size_t *out_cols,
                                         double *out_mass, size_t triplets_len) GMMOT_NOEXCEPT;

/** @{ */
/** The transport duals (out_u: K0, u_len >= K0; out_v: K1, v_len >= K1; centred) and solver
 *  info, as in gmmot/transport.h; any pointer may be NULL. A given plan (gmmot_relaxed_plan)
 *  has no duals: gmmot_mw2_copy_duals then returns GMMOT_E_INVALID_ARGUMENT and writes
 *  nothing (since 0.3); gmmot_mw2_info gives 0 iterations and the measured marginal error.
 *  @since 0.2 */
GMMOT_API int gmmot_mw2_copy_duals(const gmmot_mw2_t *p, double *out_u, size_t u_len, double *out_v,
                                   size_t v_len) GMMOT_NOEXCEPT;
GMMOT_API int gmmot_mw2_info(const gmmot_mw2_t *p, uint64_t *out_iterations,
                             double *out_marginal_error) GMMOT_NOEXCEPT;
/** @} */

/** The optimal coupling gamma* on R^{2d} (Prop. 4): the mixture sum_n w_n N((m0_k, m1_l),
 *  [[S0_k, S0_k A_kl], [A_kl S0_k, S1_l]]) over the plan's non-zeros n = (k, l), where the
 *  Gaussian pair (X, Y) = (m0 + F0 z, m1 + F1 U z) is the optimal coupling of its components
 *  (see gmmot_gaussian_geodesic); components are degenerate (rank <= d). Its marginals are mu0
 *  and mu1. *out receives a new mixture handle with nnz components in dimension 2d (free it
 *  with gmmot_gmm_destroy). Status: GMMOT_OK; GMMOT_E_INVALID_ARGUMENT (p or out NULL);
 *  GMMOT_E_OVERFLOW (a coupling covariance not representable in doubles; the message names the
 *  component); GMMOT_E_OUT_OF_MEMORY. On error *out is untouched. Not cancellable (no options:
 *  O(nnz d^3) work). @since 0.2 */
GMMOT_API int gmmot_mw2_coupling(const gmmot_mw2_t *p, gmmot_gmm_t **out) GMMOT_NOEXCEPT;

/** The MW2 geodesic at time t in [0, 1] (Cor. 2; Chen et al. eq. 11):
 *  mu_t = sum_n w_n N(m_t^kl, S_t^kl), the Gaussian geodesics of gmmot_gaussian_geodesic
 *  between the paired components, with nnz components (t = 0 and t = 1 give mu0 and mu1,
 *  with the components split along the plan). Constant speed: MW2(mu_s, mu_t) =
 *  |t - s| MW2(mu0, mu1). *out receives a new mixture handle (free it with gmmot_gmm_destroy).
 *  Status: GMMOT_OK; GMMOT_E_INVALID_ARGUMENT (p or out NULL, t outside [0, 1] or NaN);
 *  GMMOT_E_OUT_OF_MEMORY. On error *out is untouched. Not cancellable (no options: O(nnz d^3)
 *  work). @since 0.2 */
GMMOT_API int gmmot_mw2_geodesic(const gmmot_mw2_t *p, double t, gmmot_gmm_t **out) GMMOT_NOEXCEPT;

/** The Monge maps T_n(x) = A_n x + b_n between the paired components (k, l) of the plan's
 *  non-zeros, in sparse-plan order (gmmot_gaussian_monge_map): out_a nnz x d x d
 *  (a_len >= nnz*d*d), out_b nnz x d (b_len >= nnz*d). GMMOT_E_NO_MAP, naming the first pair
 *  (k, l), when a source component is singular and no map exists for that pair;
 *  GMMOT_E_OVERFLOW, naming the pair and A or b[i], when a map is not representable in
 *  doubles (as gmmot_gaussian_monge_map); nothing is written then. The maps are computed on
 *  the first call (or the first gmmot_mw2_map_mean / gmmot_mw2_map_rand) and kept with the
 *  plan. @since 0.2 */
GMMOT_API int gmmot_mw2_copy_pair_maps(const gmmot_mw2_t *p, double *out_a, size_t a_len,
                                       double *out_b, size_t b_len) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_MW2_H */
