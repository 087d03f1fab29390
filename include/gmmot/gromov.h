/* SPDX-License-Identifier: MIT */
/** @file gromov.h
 *  @brief MGW2 between mixtures of any two dimensions, and the square-loss Gromov-Wasserstein
 *  solver behind it.
 *
 * MGW2 (Salmona, Delon, Desolneux, "Gromov-Wasserstein-like distances in the Gaussian mixture
 * models space", arXiv 2310.11256) compares mu = sum_k a_k mu_k on R^m with
 * nu = sum_l b_l nu_l on R^n, m and n arbitrary, through the intra-mixture matrices of squared
 * Gaussian W2 distances (gmmot/gaussian.h) between each mixture's own components,
 * D0_kk' = W2^2(mu_k, mu_k') and D1_ll' = W2^2(nu_l, nu_l'):
 *
 *     MGW2^2(mu, nu) = min over couplings w of (a, b) of
 *                      sum_{k,k',l,l'} (D0_kk' - D1_ll')^2 w_kl w_k'l'.
 *
 * It is unchanged when either mixture is moved by an isometry (rotation, reflection,
 * translation) or embedded isometrically in a larger space, it is symmetric, and
 * MGW2(mu, phi#mu) = 0 for an isometry phi.
 *
 * The minimisation is a Gromov-Wasserstein problem (a non-convex quadratic over the transport
 * polytope), solved for a local minimum by Frank-Wolfe: each linear step is an exact transport
 * (the network simplex of gmmot/transport.h, since 0.5.1 restarted from the previous step's
 * optimal tree; the first step from the product coupling, where the gradient is a rank-one
 * cost up to a constant, is the comonotone vertex in closed form: the North-West corner rule on
 * rows and columns sorted by its factors), each step length the exact minimiser of the
 * quadratic on [0, 1]. Plain Frank-Wolfe steps come first (POT's algorithm); after a stall
 * or 200 of them (POT's step cap) pairwise steps follow
 * (0.5; mass moves from the worst vertex of the iterate's decomposition to the new one), which
 * converge where plain Frank-Wolfe zigzags inside a face and only lower the objective. To
 * reach a better local minimum the solver runs from several starts and keeps the best end point, in
 * this order: the product coupling a b^T (start 0, the start of POT's ot.gromov.gromov_wasserstein,
 * so the result is never worse than POT's), an annealed start (GMMOT_OPT_GW_ANNEALING: entropic
 * Gromov-Wasserstein with decreasing epsilon, rounded onto the couplings), when
 * GMMOT_OPT_GW_STARTS >= 1 the best vertex of the polytope by trying them all when that is
 * cheap (K0 = K1 <= 6 with uniform weights: the K! permutation plans; since 0.5, any weights
 * when the C(K0 K1, K0 + K1 - 1) candidate bases number at most 12000: up to 4 x 4, 3 x 5 or
 * 2 x 8; where the objective is concave on the polytope, as it often is for MGW2's matrices,
 * that vertex is the global minimum), and then up to GMMOT_OPT_GW_STARTS random vertices of the
 * polytope (GMMOT_OPT_SEED): they stop at the first one whose end point does not lower the best
 * value so far (by more than the stall tolerance below). The trade-off (0.5): each random start
 * costs a whole Frank-Wolfe run, and on the benchmark's mixtures (K = 10..200) the annealed start
 * gave the best end point in most cases while a random start that failed to improve was rarely
 * followed by one that did; set GMMOT_OPT_GW_STARTS = 0 and GMMOT_OPT_GW_ANNEALING = 0 for POT's
 * single start alone. Since 0.5.2 the starts are independent runs shared by up to
 * GMMOT_OPT_NUM_THREADS threads (from K0 K1 >= 256, and only without a progress callback, which
 * is then called on the calling thread as before): the product, annealed, vertex and first
 * random starts at once, then the further random starts two at a time (the second of a pair is
 * kept only if the first improved). The starts are compared in the order above whatever thread
 * ran them (the best by value, the earlier start on ties), so the value, plan, gap, iteration
 * count and starts tried are the same for any number of threads.
 *
 * The objective is unchanged when one constant is added to both matrices and scales as
 * lambda^2 when both are multiplied by lambda; the solver works on both matrices centred by
 * the common constant c* minimising S(c) = sum (C0_ik - c)^2 a_i a_k + sum (C1_jl - c)^2 b_j b_l
 * and scaled by a power of two, so that its results (plan, gap, certificate) do not depend on
 * such a shift or scale and nothing overflows or underflows inside; the value is scaled back
 * exactly (it may underflow to a subnormal or 0, and GMMOT_E_OVERFLOW when it exceeds the
 * largest double). Write S_c = S(c*) = M^2 (Var0 + Var1 + (mean0 - mean1)^2 / 2) (mass M, the
 * a a- and b b-weighted means and variances of the two matrices' entries): between half and all
 * of the objective at the product coupling, shift-invariant.
 *
 * The result carries a certificate: the Frank-Wolfe gap <grad, w - s> of the returned plan,
 * relative to S_c; a gap <= GMMOT_OPT_GW_TOLERANCE means the plan is a first-order stationary
 * point (no feasible descent direction to that tolerance), which is what "certified" means
 * below. It is not a proof of global optimality. A start ends when its gap is within the
 * tolerance (certified), when a pairwise step lowers the objective by at most
 * GMMOT_OPT_GW_TOLERANCE times max(objective, S_c) (stalled: POT's stopping rule, applied to
 * the plain steps to switch to pairwise ones; a normal end, status GMMOT_OK, certified only if
 * the gap is within the tolerance), or at GMMOT_OPT_GW_MAX_ITERATIONS steps.
 *
 * Thread rule: a gmmot_gw_t is immutable after creation and may be read by any number of
 * threads at once. */
#ifndef GMMOT_GROMOV_H
#define GMMOT_GROMOV_H

#include <stddef.h>
#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/gmm.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** A solved Gromov-Wasserstein problem (opaque, immutable): its value, plan, the two matrices
 *  and the solver's report. gmmot_mgw2_create, gmmot_gw_create; gmmot_gw_destroy. @since 0.4 */
typedef struct gmmot_gw gmmot_gw_t;

/** MGW2 between g0 (K0 components in R^m) and g1 (K1 components in R^n), any m and n. Options read:
 *  GMMOT_OPT_GW_MAX_ITERATIONS, GMMOT_OPT_GW_TOLERANCE, GMMOT_OPT_GW_STARTS,
 *  GMMOT_OPT_GW_ANNEALING, GMMOT_OPT_GW_EPSILON, GMMOT_OPT_SEED, GMMOT_OPT_EXACT_MAX_ITERATIONS
 *  (each linear step), GMMOT_OPT_NUM_THREADS (the matrices; since 0.5.2 also the starts), the
 *  progress callback (only GMMOT_STAGE_GROMOV, when a start begins and after every Frank-Wolfe
 *  step: the inner solvers are not reported) and the interrupt flag (checked throughout). *out
 *  receives a new object (free with gmmot_gw_destroy). g0 and g1 may be of different families
 *  (gmmot/gmm.h, since 0.5): each side's matrix is W2^2 between its own components, from their
 *  covariances, so only the two sides' families enter, one each. Status: GMMOT_OK (also when the
 *  best start stalled uncertified: see gmmot_gw_info); GMMOT_W_NOT_CONVERGED (*out written: the
 *  best start stopped at GMMOT_OPT_GW_MAX_ITERATIONS with a gap above the tolerance, so the plan is
 *  not certified); GMMOT_E_INVALID_ARGUMENT (NULL, an option out of bounds); GMMOT_E_OVERFLOW (a
 *  W2^2 between two components of g0 or of g1, named, or the value exceeds the largest double);
 *  GMMOT_E_ITERATION_LIMIT (a linear step); GMMOT_E_CANCELLED; GMMOT_E_OUT_OF_MEMORY. On error *out
 *  is untouched. @since 0.4 */
GMMOT_API int gmmot_mgw2_create(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                                const gmmot_options_t *opts, gmmot_gw_t **out) GMMOT_NOEXCEPT;

/** The square-loss Gromov-Wasserstein problem on given matrices: c0 (k0 x k0) and c1 (k1 x k1)
 *  row-major, finite and symmetric (to 1e-12 of the largest entry; symmetrised), weights a (k0)
 *  and b (k1) finite, >= 0, with positive sums equal within 1e-8 relative (b is rescaled to a's
 *  sum). Minimises sum_{i,k,j,l} (c0_ik - c1_jl)^2 w_ij w_kl over the couplings of a and b, as
 *  gmmot_mgw2_create does with its matrices (same options and stages but the cost matrices'),
 *  the value being that of POT's ot.gromov.gromov_wasserstein (log["gw_dist"], square loss).
 *  All arrays are borrowed for the call. *out receives a new object.
 *  Status: those of gmmot_mgw2_create, and GMMOT_E_INVALID_ARGUMENT (k0 or k1 zero, an array
 *  NULL), GMMOT_E_NONFINITE (naming c0[i][k], c1[j][l], a[i] or b[j]), GMMOT_E_NOT_SYMMETRIC
 *  (naming the pair), GMMOT_E_WEIGHTS (naming the weight, or the sums), GMMOT_E_TOO_LARGE.
 *  @since 0.4 */
GMMOT_API int gmmot_gw_create(size_t k0, const double *a, const double *c0, size_t k1,
                              const double *b, const double *c1, const gmmot_options_t *opts,
                              gmmot_gw_t **out) GMMOT_NOEXCEPT;

/** Free the object; NULL is a no-op. @since 0.4 */
GMMOT_API void gmmot_gw_destroy(gmmot_gw_t *gw) GMMOT_NOEXCEPT;

/** The objective at the plan, MGW2^2 for gmmot_mgw2_create (>= 0), and its square root; either
 *  pointer may be NULL (not both). Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT. @since 0.4 */
GMMOT_API int gmmot_gw_value(const gmmot_gw_t *gw, double *out_value,
                             double *out_sqrt_value) GMMOT_NOEXCEPT;

/** @{ */
/** K0 and K1, the sizes of the plan (0 for NULL). @since 0.4 */
GMMOT_API size_t gmmot_gw_rows(const gmmot_gw_t *gw) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_gw_cols(const gmmot_gw_t *gw) GMMOT_NOEXCEPT;
/** @} */

/** The plan w, dense K0 x K1 row-major (out_len >= K0*K1): a coupling of the two weight
 *  vectors (up to rounding). Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL),
 *  GMMOT_E_BUFFER_TOO_SMALL. @since 0.4 */
GMMOT_API int gmmot_gw_copy_plan(const gmmot_gw_t *gw, double *out, size_t out_len) GMMOT_NOEXCEPT;

/** The two matrices of the problem, symmetrised: for MGW2, D0 (K0 x K0, d0_len >= K0*K0) and
 *  D1 (K1 x K1, d1_len >= K1*K1), W2^2 between each mixture's own components with a zero
 *  diagonal. Either pointer may be NULL. Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (gw NULL,
 *  both NULL), GMMOT_E_BUFFER_TOO_SMALL. @since 0.4 */
GMMOT_API int gmmot_gw_copy_cost_matrices(const gmmot_gw_t *gw, double *out_d0, size_t d0_len,
                                          double *out_d1, size_t d1_len) GMMOT_NOEXCEPT;

/** The solver's report; every pointer may be NULL. *out_iterations: Frank-Wolfe steps summed
 *  over all starts; *out_gap: the returned plan's Frank-Wolfe gap relative to S_c (above);
 *  *out_certified: 1 when that gap is <= GMMOT_OPT_GW_TOLERANCE (a first-order stationary
 *  point), else 0; *out_starts: the number of starts run; *out_best_start: the index of the
 *  start whose end point is returned (0 the product coupling, 1 the annealed start when
 *  GMMOT_OPT_GW_ANNEALING is on, then the vertex start when it applies, then the random
 *  starts; before 0.5 the (then permutation-only) vertex start came last). Status: GMMOT_OK,
 *  GMMOT_E_INVALID_ARGUMENT (gw NULL). @since 0.4 */
GMMOT_API int gmmot_gw_info(const gmmot_gw_t *gw, uint64_t *out_iterations, double *out_gap,
                            int *out_certified, uint64_t *out_starts,
                            uint64_t *out_best_start) GMMOT_NOEXCEPT;

/** The Gaussian Gromov-Wasserstein distance and map. Arrays are row-major and borrowed for the
 *  call: mean0 (m), cov0 (m x m), mean1 (n), cov1 (n x n). The call takes no options: it runs
 *  on the calling thread (two symmetric eigendecompositions and an n x m product, O(m^3 + n^3))
 *  and cannot be cancelled. Reentrant: any number of threads may call it at once.
 *  (Delon, Desolneux, Salmona, "Gromov-
 *  Wasserstein distances between Gaussian distributions", J. Appl. Probab. 2022, Thm 4.1; POT's
 *  gaussian_gromov_wasserstein_distance / _mapping): between mu = N(mean0, cov0) on R^m and
 *  nu = N(mean1, cov1) on R^n, any m and n, the square-loss Gromov-Wasserstein objective with
 *  squared Euclidean distances minimised over the Gaussian couplings,
 *  GGW^2 = min E[(|X - X'|^2 - |Y - Y'|^2)^2], has the closed form
 *
 *      GGW^2 = 4 (sum_i d0_i - sum_i d1_i)^2 + 8 sum_i (d0_i - d1_i)^2,
 *
 *  d0, d1 the eigenvalues of cov0 and cov1 in decreasing order, the shorter list padded with
 *  zeros. *out_ggw2 receives GGW^2 (POT returns its square root). When m >= n the optimum is
 *  attained by the linear map T(x) = A x + b pushing mu onto nu, A = U1 diag(sqrt(d1_i / d0_i))
 *  [I_n 0] U0^T (U0, U1 the eigenvectors in the same order; their signs are arbitrary and every
 *  choice is optimal), b = mean1 - A mean0; an eigenvalue at most 64*d*eps times the largest
 *  of its matrix (the PSD rule of gmmot/gmm.h) counts as 0: out_a (n x m row-major, a_len >= n*m)
 *  and out_b (n, b_len >= n) receive it when out_a is not NULL (out_b may be NULL). mean0 and mean1
 *  may be NULL (zero means). The value does not depend on the means. Status: GMMOT_OK;
 *  GMMOT_W_SYMMETRIZED (results written; the message names the covariance);
 *  GMMOT_E_INVALID_ARGUMENT (cov0, cov1 or out_ggw2 NULL); GMMOT_E_DIMENSION (m or n = 0);
 *  GMMOT_E_TOO_LARGE; GMMOT_E_NONFINITE, GMMOT_E_NOT_SYMMETRIC, GMMOT_E_NOT_PSD (naming mean0,
 *  cov0, mean1 or cov1); GMMOT_E_BUFFER_TOO_SMALL; GMMOT_E_NO_MAP (out_a given and m < n, where the
 *  optimal coupling is a map from nu to mu, or a zero variance of cov0 facing a positive one of
 *  cov1); GMMOT_E_OVERFLOW; GMMOT_E_OUT_OF_MEMORY. On error nothing is written. @since 0.4 */
GMMOT_API int gmmot_gaussian_gw(size_t m, const double *mean0, const double *cov0, size_t n,
                                const double *mean1, const double *cov1, double *out_ggw2,
                                double *out_a, size_t a_len, double *out_b,
                                size_t b_len) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_GROMOV_H */
