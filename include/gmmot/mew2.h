/* SPDX-License-Identifier: MIT */
/** @file mew2.h
 *  @brief EW2 between point clouds and MEW2 between mixtures of any two dimensions: W2 and MW2
 *  up to an isometric embedding, the embedding itself, and transport maps across dimensions.
 *
 * Reference: A. Salmona, J. Delon, A. Desolneux, "Gromov-Wasserstein-like distances in the
 * Gaussian mixture models space", arXiv 2310.11256 (EW2, MEW2 and the maps T_mean, T_rand).
 *
 * Side 0 lives in R^m, side 1 in R^n, m and n arbitrary. Write D = max(m, n), d = min(m, n):
 * the "large" side is side 0 when m >= n, else side 1. An isometric embedding of R^d into R^D
 * is phi(z) = P z + t with P a D x d matrix with orthonormal columns (P^T P = I_d, a point of
 * the Stiefel manifold V_d(R^D)); when m = n, P is an orthogonal matrix (rotations and
 * reflections). The small side is embedded into the large side's space:
 *
 *     EW2^2(mu, nu)  = min over P, t of W2^2(large, phi#small)     (point clouds),
 *     MEW2^2(mu, nu) = min over P, t of MW2^2(large, phi#small)    (mixtures: phi#small is a
 *                                                                   mixture, gmmot/mw2.h).
 *
 * The translation is optimal when it matches the two (weighted) means, so both sides are
 * centred first and t = mean(large) - P mean(small). The values are unchanged when either side
 * is moved by an isometry (rotation, reflection, translation) or embedded isometrically in a
 * larger space, they are symmetric in (mu, nu), MEW2 <= MW2 when m = n (P = I is feasible),
 * and MEW2(mu, phi#mu) = 0 for an isometry phi. The values are those of local minima (below).
 *
 * Loss. For a plan w (a coupling of the weights) and P, the loss is
 * L(P, w) = sum_kl w_kl W2^2(large_k, P#small_l) with the full Gaussian W2^2 in R^D (for point
 * clouds the components are Diracs: |x_k - P y_l|^2). For m != n it includes the term
 * |(I - P P^T) a_k|^2 + tr S_k - tr(P^T S_k P) of the large side's mean a_k and covariance
 * S_k outside the range of P, which the published code leaves out of its loss while its
 * gradient keeps it; here the loss, its gradient and the reported value are one function.
 *
 * Algorithm: alternating minimisation, each step lowering L.
 *  - Plan step: w <- an exact optimal plan for the current P (the network simplex of
 *    gmmot/transport.h on the cost matrix of L; for mixtures the MW2 plan of gmmot/mw2.h
 *    between the large side and P#small).
 *  - Embedding step. EW2 (point clouds): P <- the Stiefel projection (orthonormal polar factor,
 *    from an SVD) of the weighted cross-covariance sum_kl w_kl x_k y_l^T, the exact minimiser
 *    for the current plan (orthogonal Procrustes). MEW2: up to GMMOT_OPT_EW_INNER_ITERATIONS
 *    projected-gradient steps on the Stiefel manifold, P <- proj(P - s G) with G the Euclidean
 *    gradient of L(., w) and the step s taken to infinity, i.e. P <- proj(-G): on the manifold
 *    L(., w) is concave in P (a constant minus a linear term minus nuclear norms), so its
 *    linearisation at P majorises it and this step never increases it.
 * A start stops when one alternation lowers the loss by at most GMMOT_OPT_EW_TOLERANCE times
 * the scale S (converged), or after GMMOT_OPT_EW_MAX_ITERATIONS alternations. S is the sum of
 * the two sides' total variances (weighted second moments about their means; for mixtures
 * the traces of the global covariances), so the stopping rule and the gradient norm below do
 * not depend on units.
 *
 * Starts (the problem is non-convex; every start is run and the lowest loss is kept):
 *  0. the covariance start: P = U_L [I_d; 0] U_S^T with U_L, U_S the eigenvectors of the two
 *     sides' global covariances in decreasing order of eigenvalue (deterministic; the sign of
 *     each eigenvector is fixed by making its largest-magnitude entry positive, the first in
 *     case of a tie);
 *  1 .. 2^d - 1. when d <= GMMOT_OPT_EW_SIGN_FLIPS, the covariance start with the columns of
 *     U_S multiplied by the other 2^d - 1 sign patterns (start 0 is the pattern +...+; start s
 *     flips column j when bit j of s is set);
 *  next, when GMMOT_OPT_EW_ANNEALING is 1, the annealed start: from the covariance start, 8
 *     alternations whose plan step is entropic with epsilon = GMMOT_OPT_EW_EPSILON times the
 *     largest cost entry, halved at each alternation, then exact alternations as above. The
 *     entropic plans are rough on purpose (a rough plan steers the isometry; the exact
 *     alternations decide the value): Sinkhorn scalings in the kernel domain, warm-started from
 *     the previous alternation's potentials, at most 20 iterations or an L1 marginal error of
 *     1e-3 each. That costs about one exp per plan entry per alternation and stays a small
 *     part of a run at n0 = n1 = 1000 points, where a cold log-domain Sinkhorn to 1e-5 (up to
 *     100 iterations) took seconds. For MEW2 the annealed alternations run on the component
 *     means weighted by the mixture weights (the published code's annealed EW2 on the means,
 *     which drops the weights); the exact MEW2 alternations then start from its P;
 *  last, GMMOT_OPT_EW_STARTS random starts: P uniform on the Stiefel manifold (GMMOT_OPT_SEED).
 *
 * Thread rule: a gmmot_ew_t is immutable after creation and may be read by any number of
 * threads at once (the maps' precomputation is done once, safely, on first use). */
#ifndef GMMOT_MEW2_H
#define GMMOT_MEW2_H

#include <stddef.h>
#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/gmm.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** A solved EW2 or MEW2 problem (opaque, immutable): its value, plan, isometry, the means
 *  removed and the solver's report. gmmot_ew2_create, gmmot_mew2_create; gmmot_ew_destroy.
 *  @since 0.5 */
typedef struct gmmot_ew gmmot_ew_t;

/** EW2 between two weighted point clouds: points0 (n0 x m) and points1 (n1 x n), row-major and
 *  finite; weights0 (n0) and weights1 (n1) finite, >= 0, not all 0, any scale (each is
 *  normalised to sum 1), or NULL for uniform weights. All arrays are borrowed for the call.
 *  Options read: GMMOT_OPT_EW_MAX_ITERATIONS, GMMOT_OPT_EW_TOLERANCE, GMMOT_OPT_EW_STARTS,
 *  GMMOT_OPT_EW_ANNEALING, GMMOT_OPT_EW_EPSILON, GMMOT_OPT_EW_SIGN_FLIPS, GMMOT_OPT_SEED,
 *  GMMOT_OPT_EXACT_MAX_ITERATIONS (each plan step), GMMOT_OPT_NUM_THREADS, the
 *  progress callback (GMMOT_STAGE_EMBEDDING only) and the interrupt flag. The plan is
 *  n0 x n1 (dense accessors hold n0*n1 doubles; an exact plan has at most n0 + n1 - 1
 *  non-zeros). *out receives a new object (free with gmmot_ew_destroy).
 *  Status: GMMOT_OK; GMMOT_W_NOT_CONVERGED (*out written: the best start stopped at
 *  GMMOT_OPT_EW_MAX_ITERATIONS); GMMOT_E_INVALID_ARGUMENT (out NULL, points0 or points1 NULL,
 *  an option out of bounds); GMMOT_E_DIMENSION (n0, n1, m or n zero, naming it);
 *  GMMOT_E_TOO_LARGE (n0*m, n1*n or n0*n1 overflows); GMMOT_E_NONFINITE (naming points0[i][j],
 *  points1[i][j], weights0[i] or weights1[i]); GMMOT_E_WEIGHTS (a negative weight, naming it,
 *  or all zero); GMMOT_E_OVERFLOW (a squared distance not finite); GMMOT_E_ITERATION_LIMIT (a
 *  plan step); GMMOT_E_CANCELLED; GMMOT_E_OUT_OF_MEMORY. On error *out is untouched.
 *  @since 0.5 */
GMMOT_API int gmmot_ew2_create(const double *points0, size_t n0, size_t m, const double *weights0,
                               const double *points1, size_t n1, size_t n, const double *weights1,
                               const gmmot_options_t *opts, gmmot_ew_t **out) GMMOT_NOEXCEPT;

/** MEW2 between g0 (K0 components in R^m) and g1 (K1 components in R^n), any m and n. Options
 *  read: those of gmmot_ew2_create and GMMOT_OPT_EW_INNER_ITERATIONS. The plan is K0 x K1.
 *  The result shares the two mixtures (immutable) for the maps below; the handles may be
 *  destroyed after the call. *out receives a new object (free with gmmot_ew_destroy).
 *  Status: GMMOT_OK; GMMOT_W_NOT_CONVERGED (*out written, as above); GMMOT_E_INVALID_ARGUMENT
 *  (g0, g1 or out NULL, an option out of bounds); GMMOT_E_OVERFLOW (a W2^2 cost not finite);
 *  GMMOT_E_ITERATION_LIMIT; GMMOT_E_CANCELLED; GMMOT_E_OUT_OF_MEMORY. On error *out is
 *  untouched. @since 0.5 */
GMMOT_API int gmmot_mew2_create(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                                const gmmot_options_t *opts, gmmot_ew_t **out) GMMOT_NOEXCEPT;

/** Free the object; NULL is a no-op. @since 0.5 */
GMMOT_API void gmmot_ew_destroy(gmmot_ew_t *ew) GMMOT_NOEXCEPT;

/** The loss at the returned plan and isometry, EW2^2 or MEW2^2 (>= 0), and its square root;
 *  either pointer may be NULL (not both). Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT.
 *  @since 0.5 */
GMMOT_API int gmmot_ew_value(const gmmot_ew_t *ew, double *out_value,
                             double *out_sqrt_value) GMMOT_NOEXCEPT;

/** @{ */
/** The plan's rows and columns (n0 and n1 for EW2, K0 and K1 for MEW2), the dimensions m of
 *  side 0 and n of side 1, and the plan's number of non-zeros (0 for NULL). @since 0.5 */
GMMOT_API size_t gmmot_ew_rows(const gmmot_ew_t *ew) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_ew_cols(const gmmot_ew_t *ew) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_ew_dim0(const gmmot_ew_t *ew) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_ew_dim1(const gmmot_ew_t *ew) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_ew_nnz(const gmmot_ew_t *ew) GMMOT_NOEXCEPT;
/** @} */

/** The plan w, dense rows x cols row-major (out_len >= rows*cols): a coupling of the two
 *  weight vectors (normalised to sum 1), optimal for the returned isometry.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL), GMMOT_E_TOO_LARGE (rows*cols overflows),
 *  GMMOT_E_BUFFER_TOO_SMALL. @since 0.5 */
GMMOT_API int gmmot_ew_copy_plan(const gmmot_ew_t *ew, double *out, size_t out_len) GMMOT_NOEXCEPT;

/** The plan as nnz triplets (out_rows[i], out_cols[i], out_mass[i]) sorted by (row, col), into
 *  three parallel arrays of capacity triplets_len >= nnz; any may be NULL (not all).
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT, GMMOT_E_BUFFER_TOO_SMALL. @since 0.5 */
GMMOT_API int gmmot_ew_copy_sparse_plan(const gmmot_ew_t *ew, size_t *out_rows, size_t *out_cols,
                                        double *out_mass, size_t triplets_len) GMMOT_NOEXCEPT;

/** The isometry P: max(m, n) x min(m, n) row-major (out_len >= m*n), with orthonormal columns
 *  (P^T P = I to rounding). It embeds the lower-dimensional side into the other's space: when
 *  m >= n, side 1 into side 0, y in R^n -> P (y - mean1) + mean0 in R^m (P is m x n); when
 *  m < n, side 0 into side 1, x in R^m -> P (x - mean0) + mean1 in R^n (P is n x m). When m = n
 *  it is the orthogonal matrix embedding side 1 into side 0. mean0, mean1: the weighted means
 *  of gmmot_ew_copy_means. Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL),
 *  GMMOT_E_BUFFER_TOO_SMALL. @since 0.5 */
GMMOT_API int gmmot_ew_copy_isometry(const gmmot_ew_t *ew, double *out,
                                     size_t out_len) GMMOT_NOEXCEPT;

/** The means removed before solving: mean0 (m values, mean0_len >= m) and mean1 (n,
 *  mean1_len >= n), the weighted means of the two clouds or the means of the two mixtures.
 *  Either pointer may be NULL (not both). Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT,
 *  GMMOT_E_BUFFER_TOO_SMALL. @since 0.5 */
GMMOT_API int gmmot_ew_copy_means(const gmmot_ew_t *ew, double *out_mean0, size_t mean0_len,
                                  double *out_mean1, size_t mean1_len) GMMOT_NOEXCEPT;

/** The solver's report; every pointer may be NULL. *out_iterations: alternations (plan step +
 *  embedding step) summed over all starts (for MEW2, not counting those of the annealed start
 *  on the component means); *out_converged: 1 when the returned start stopped
 *  by GMMOT_OPT_EW_TOLERANCE, 0 when it reached GMMOT_OPT_EW_MAX_ITERATIONS;
 *  *out_gradient_norm: the Frobenius norm of the Riemannian gradient (the Euclidean gradient of
 *  L(., w) projected on the tangent space of the Stiefel manifold at P) at the returned plan
 *  and isometry, divided by the scale S (dimensionless; near 0 at a stationary point);
 *  *out_starts: the number of starts run; *out_best_start: the index of the returned start
 *  in the order given at the top of this header. Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT
 *  (ew NULL). @since 0.5 */
GMMOT_API int gmmot_ew_info(const gmmot_ew_t *ew, uint64_t *out_iterations, int *out_converged,
                            double *out_gradient_norm, uint64_t *out_starts,
                            uint64_t *out_best_start) GMMOT_NOEXCEPT;

/** Transport maps across dimensions, from mu = g0 in R^m to nu = g1 in R^n, of a MEW2 result
 *  with m >= n (Salmona-Delon-Desolneux, T_mean and T_rand through the optimal embedding).
 *  With P, mean0, mean1 as in gmmot_ew_copy_isometry, the plan w is an MW2 plan between
 *  mu - mean0 and the embedded nu' = P#(nu - mean1), whose components live on the range of P;
 *  the Monge map of a pair (k, l) in R^m projects x orthogonally onto that range and then maps
 *  P^T mu_k onto nu_l optimally in R^n. The maps are those of gmmot/maps.h for this plan in R^m
 *  (posteriors of the full R^m components of mu), read back in R^n:
 *
 *      T(x) = mean1 + P^T T'(x - mean0),  T' = T_mean or T_rand of (w, mu - mean0, nu').
 *
 *  x: n_points x m row-major, out: n_points x n row-major (out_len >= n_points*n); borrowed,
 *  not overlapping. n_points = 0 is a valid no-op (x and out may then be NULL). Options read:
 *  GMMOT_OPT_NUM_THREADS, GMMOT_OPT_SEED (T_rand: point i uses its own stream, as
 *  gmmot_mw2_map_rand), the progress callback (GMMOT_STAGE_MAPS) and the interrupt flag.
 *  Status: GMMOT_OK; GMMOT_E_INVALID_ARGUMENT (ew NULL, x or out NULL with n_points > 0, x and
 *  out overlap, ew is an EW2 result of point clouds: it has no mixtures);
 *  GMMOT_E_TOO_LARGE (n_points*m overflows); GMMOT_E_BUFFER_TOO_SMALL; GMMOT_E_NONFINITE
 *  (naming x[i][j]); GMMOT_E_NO_MAP (m < n: the embedded source is degenerate and no map
 *  exists, map from g1 to g0 instead; or a singular source component, as gmmot/maps.h);
 *  GMMOT_E_OVERFLOW; GMMOT_E_CANCELLED; GMMOT_E_OUT_OF_MEMORY. On error nothing is written to
 *  out. Thread rule: ew is only read. @since 0.5 */
GMMOT_API int gmmot_mew2_map_mean(const gmmot_ew_t *ew, size_t n_points, const double *x,
                                  const gmmot_options_t *opts, double *out,
                                  size_t out_len) GMMOT_NOEXCEPT;
/** One draw of T_rand for each point (see gmmot_mew2_map_mean). @since 0.5 */
GMMOT_API int gmmot_mew2_map_rand(const gmmot_ew_t *ew, size_t n_points, const double *x,
                                  const gmmot_options_t *opts, double *out,
                                  size_t out_len) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_MEW2_H */
