/* SPDX-License-Identifier: MIT */
/** @file barycenter.h
 *  @brief Barycenters of Gaussian mixtures for the MW2 distance.
 *
 * Given J mixtures mu_j (K_j components each, one dimension d) and weights lambda on the
 * simplex, a barycenter minimises V(nu) = sum_j lambda_j MW2^2(nu, mu_j) (gmmot/mw2.h). Three
 * solvers, one result object:
 *
 *  - gmmot_mw2_barycenter_exact: the exact minimiser (J. Delon, A. Desolneux, SIAM J. Imaging
 *    Sci. 2020, section 5, Prop. 7-8, Cor. 3). For each tuple t = (t_0, ..., t_{J-1}) of
 *    components, nu_t is the Gaussian W2 barycenter of (mu_0^{t_0}, ..., mu_{J-1}^{t_{J-1}})
 *    (gmmot_gaussian_barycenter) and C_t = sum_j lambda_j W2^2(mu_j^{t_j}, nu_t); the
 *    multi-marginal LP min sum_t w_t C_t over w >= 0 with j-th marginal pi_j (the weights of
 *    mu_j) gives nu* = sum_t w*_t nu_t with at most sum_j K_j - J + 1 components, and V(nu*)
 *    is the LP's optimum. Solved exactly by our column generation: a revised simplex on
 *    sum_j K_j - J + 1 rows, pricing all prod_j K_j tuples with the pairwise lower bound
 *    C_t >= sum_{i<j} lambda_i lambda_j W2^2(mu_i^{t_i}, mu_j^{t_j}) (exact for d = 1 and for
 *    commuting covariances), so that only tuples that may price out need their barycenter.
 *    What grows with what: the pricing scan is O(J^2 prod_j K_j) additions per round; the
 *    tuple barycenters, O(J d^3) each, are computed only where the bound cannot exclude the
 *    tuple (gmmot_mw2_barycenter_info reports how many), in parallel; the simplex is
 *    O((sum_j K_j)^2) per pivot. Refused (GMMOT_E_TOO_LARGE) when prod_j K_j exceeds
 *    GMMOT_OPT_MMOT_MAX_TUPLES.
 *  - gmmot_mw2_barycenter_fixed_support: the barycenter restricted to N Gaussians the caller
 *    gives (Y. Chen, T. Georgiou, A. Tannenbaum, IEEE Access 2019, eq. 19): weights p on the
 *    simplex and plans W_j in Pi(p, pi_j) minimising sum_j lambda_j <W_j, W2^2(nu_s, mu_j^k)>,
 *    an LP solved exactly by the same simplex. Given all tuple barycenters as candidates it
 *    reproduces the exact barycenter.
 *  - gmmot_mw2_barycenter_fixed_point: for larger problems, the fixed-point iteration of
 *    E. Tanguy, J. Delon, N. Gozlan, "Computing barycentres of measures for generic transport
 *    costs", arXiv 2501.04016: GMMOT_FIXED_POINT_TRUE (Alg. 2: exact plans from the current
 *    barycenter to each mu_j, glued by the multi-marginal North-West corner rule; the support
 *    may grow and the weights change; V never increases, Prop. 3.9) or the heuristic with
 *    fixed weights and a Euclidean or Bures barycentric projection (Alg. 3, the GMM solver of
 *    POT, here also correct for non-uniform barycenter weights). Stops when
 *    V_t - V_{t+1} <= GMMOT_OPT_FIXED_POINT_TOLERANCE * V_t or at
 *    GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS (status GMMOT_W_NOT_CONVERGED). V is reported per
 *    iteration (gmmot_mw2_barycenter_copy_energies). It is not exact: V(fixed point) >= V(exact).
 *
 * Inputs are never modified; the barycenter is a new mixture. Zero-weight components and
 * singular covariances are valid. Options read by all three: GMMOT_OPT_NUM_THREADS, the
 * progress callback and interrupt flag (gmmot/progress.h: GMMOT_STAGE_MULTIMARGINAL for the
 * LPs, GMMOT_STAGE_FIXED_POINT for the fixed point), GMMOT_OPT_BARYCENTER_TOLERANCE and
 * GMMOT_OPT_BARYCENTER_MAX_ITERATIONS (the Gaussian barycenters).
 *
 * Thread rule: a gmmot_mw2_barycenter_t is immutable after creation and may be read by any
 * number of threads at once. The input handles may be destroyed once the call returns. */
#ifndef GMMOT_BARYCENTER_H
#define GMMOT_BARYCENTER_H

#include <stddef.h>
#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/gmm.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** A mixture barycenter (opaque, immutable): the result of the three solvers below, freed with
 *  gmmot_mw2_barycenter_destroy. @since 0.3 */
typedef struct gmmot_mw2_barycenter gmmot_mw2_barycenter_t;

/** Values of GMMOT_OPT_FIXED_POINT_METHOD. @since 0.3 */
typedef enum gmmot_fixed_point_method {
  GMMOT_FIXED_POINT_TRUE = 0,      /**< Alg. 2: exact plans, North-West gluing (default) */
  GMMOT_FIXED_POINT_EUCLIDEAN = 1, /**< Alg. 3, Euclidean barycentric projection */
  GMMOT_FIXED_POINT_BURES = 2      /**< Alg. 3, Bures (Gaussian barycenter) projection */
} gmmot_fixed_point_method;

/** The exact MW2 barycenter of gmms[0 .. j-1] with weights lambda (lambda_len >= j entries,
 *  >= 0, summing to 1 within 1e-8). Options read: GMMOT_OPT_MMOT_MAX_TUPLES,
 *  GMMOT_OPT_MMOT_MAX_ITERATIONS and those listed above. *out receives a new result (free it
 *  with gmmot_mw2_barycenter_destroy).
 *  Status: GMMOT_OK; GMMOT_E_INVALID_ARGUMENT (gmms, a gmms[i], lambda or out NULL;
 *  lambda_len < j); GMMOT_E_DIMENSION (j = 0, or the mixtures' dimensions differ: the message
 *  names the mixture); GMMOT_E_FAMILY (since 0.5: the mixtures are not all of gmms[0]'s family
 *  and nu, naming both; the result is of that family, gmmot/gmm.h); GMMOT_E_WEIGHTS /
 *  GMMOT_E_NONFINITE (lambda off the simplex, naming the entry); GMMOT_E_TOO_LARGE
 *  (prod_j K_j > GMMOT_OPT_MMOT_MAX_TUPLES);
 *  GMMOT_E_ITERATION_LIMIT (the pivot cap, or a tuple barycenter that did not converge);
 *  GMMOT_E_OVERFLOW; GMMOT_E_CANCELLED; GMMOT_E_OUT_OF_MEMORY. On error *out is untouched.
 *  @since 0.3 */
GMMOT_API int gmmot_mw2_barycenter_exact(const gmmot_gmm_t *const *gmms, size_t j,
                                         const double *lambda, size_t lambda_len,
                                         const gmmot_options_t *opts,
                                         gmmot_mw2_barycenter_t **out) GMMOT_NOEXCEPT;

/** The barycenter supported on n given Gaussians N(means[s], covs[s]) (means n x d,
 *  means_len >= n*d; covs n x d x d, covs_len >= n*d*d; validated as a mixture's covariances)
 *  with d the mixtures' dimension. For Student-t mixtures (@since 0.5) the candidates are
 *  t_nu(means[s], covs[s]) with the mixtures' nu: covs are then SCALE matrices, as given to
 *  gmmot_gmm_create_t, and the messages name scales[s]. The result keeps the n candidates in
 *  order, with their optimal weights (zeros included). Options and status as
 *  gmmot_mw2_barycenter_exact, plus
 *  the covariance statuses of gmmot_gmm_create (naming covs[s]); n = 0 is GMMOT_E_DIMENSION.
 *  @since 0.3 */
GMMOT_API int gmmot_mw2_barycenter_fixed_support(const gmmot_gmm_t *const *gmms, size_t j,
                                                 const double *lambda, size_t lambda_len, size_t n,
                                                 const double *means, size_t means_len,
                                                 const double *covs, size_t covs_len,
                                                 const gmmot_options_t *opts,
                                                 gmmot_mw2_barycenter_t **out) GMMOT_NOEXCEPT;

/** The fixed-point barycenter, started from `init` (a mixture of the same dimension and, since
 *  0.5, of the same family and nu as the gmms, else GMMOT_E_FAMILY; not modified) or, when init
 *  is NULL, from GMMOT_OPT_FIXED_POINT_COMPONENTS Gaussian barycenters of tuples drawn at
 *  random (GMMOT_OPT_SEED) with probability prod_j pi_j(t_j), equal weights.
 *  Options read: GMMOT_OPT_FIXED_POINT_METHOD, GMMOT_OPT_FIXED_POINT_COMPONENTS,
 *  GMMOT_OPT_FIXED_POINT_TOLERANCE, GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS,
 *  GMMOT_OPT_FIXED_POINT_MAX_SUPPORT, GMMOT_OPT_SEED, GMMOT_OPT_EXACT_MAX_ITERATIONS (the plans)
 *  and those listed above. It stops when
 *  V_t - V_{t+1} <= GMMOT_OPT_FIXED_POINT_TOLERANCE * V_t, when the
 *  decrease is at rounding level (1e-14 of V_0 plus the inputs' mean trace), or when V
 *  increases (possible for the heuristic), and returns the last iterate of lowest energy.
 *  Status as gmmot_mw2_barycenter_exact, plus GMMOT_W_NOT_CONVERGED (the iteration cap came
 *  first: *out is set, the result is the lowest-energy iterate) and GMMOT_E_TOO_LARGE (the
 *  true fixed point's support would exceed GMMOT_OPT_FIXED_POINT_MAX_SUPPORT). @since 0.3 */
GMMOT_API int gmmot_mw2_barycenter_fixed_point(const gmmot_gmm_t *const *gmms, size_t j,
                                               const double *lambda, size_t lambda_len,
                                               const gmmot_gmm_t *init, const gmmot_options_t *opts,
                                               gmmot_mw2_barycenter_t **out) GMMOT_NOEXCEPT;

/** Free a result; NULL is a no-op. @since 0.3 */
GMMOT_API void gmmot_mw2_barycenter_destroy(gmmot_mw2_barycenter_t *b) GMMOT_NOEXCEPT;

/** The barycenter as a new mixture handle (free it with gmmot_gmm_destroy; it shares the
 *  result's mixture, nothing is copied). Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL),
 *  GMMOT_E_OUT_OF_MEMORY. @since 0.3 */
GMMOT_API int gmmot_mw2_barycenter_gmm(const gmmot_mw2_barycenter_t *b,
                                       gmmot_gmm_t **out) GMMOT_NOEXCEPT;

/** V = sum_j lambda_j MW2^2(barycenter, mu_j) into *out_cost. @since 0.3 */
GMMOT_API int gmmot_mw2_barycenter_cost(const gmmot_mw2_barycenter_t *b,
                                        double *out_cost) GMMOT_NOEXCEPT;

/** @{ */
/** Number of input mixtures J, of barycenter components, and of non-zeros of the plan between
 *  the barycenter and mu_j (0 for NULL or j out of range). @since 0.3 */
GMMOT_API size_t gmmot_mw2_barycenter_count(const gmmot_mw2_barycenter_t *b) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_mw2_barycenter_components(const gmmot_mw2_barycenter_t *b) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_mw2_barycenter_plan_nnz(const gmmot_mw2_barycenter_t *b,
                                               size_t j) GMMOT_NOEXCEPT;
/** @} */

/** The plan between the barycenter and mu_j as triplets (out_rows[n], out_cols[n],
 *  out_mass[n]) = (barycenter component, component of mu_j, mass), sorted, capacity
 *  triplets_len >= gmmot_mw2_barycenter_plan_nnz(b, j); any output may be NULL. Its row sums
 *  are the barycenter's weights, its column sums mu_j's. GMMOT_E_INVALID_ARGUMENT for j >= J.
 *  @since 0.3 */
GMMOT_API int gmmot_mw2_barycenter_copy_plan(const gmmot_mw2_barycenter_t *b, size_t j,
                                             size_t *out_rows, size_t *out_cols, double *out_mass,
                                             size_t triplets_len) GMMOT_NOEXCEPT;

/** Exact and true fixed point: the tuple of each barycenter component, out_tuples n x J
 *  (tuples_len >= n*J): component i is the Gaussian barycenter of mu_0^{t_0}, ...,
 *  mu_{J-1}^{t_{J-1}} with t = out_tuples[i*J .. i*J+J-1], and its weight is the mass of that
 *  tuple in the multi-marginal plan. GMMOT_E_INVALID_ARGUMENT (message says so) for the other
 *  methods, which have no tuples, and for a true fixed point that returned its init (no
 *  iterate improved on it, so its components are no tuples' barycenters). @since 0.3 */
GMMOT_API int gmmot_mw2_barycenter_copy_tuples(const gmmot_mw2_barycenter_t *b, size_t *out_tuples,
                                               size_t tuples_len) GMMOT_NOEXCEPT;

/** @{ */
/** The LPs (exact, fixed support): the dual potentials u_j(k), sum_j K_j entries in mixture
 *  order (out_len >= sum_j K_j), with sum_j u_j(t_j) <= C_t for every tuple and
 *  sum_jk u_j(k) pi_j(k) = V, and the optimality certificates (any pointer may be NULL):
 *  the largest marginal error of the plan, the largest violation of the dual constraints over
 *  all tuples (or all candidate pairs; an upper bound for the exact method, whose pricing
 *  proves most tuples feasible through a lower bound of their cost), and |primal - dual|, all
 *  absolute, in cost units.
 *  GMMOT_E_INVALID_ARGUMENT for the fixed point. @since 0.3 */
GMMOT_API int gmmot_mw2_barycenter_copy_duals(const gmmot_mw2_barycenter_t *b, double *out,
                                              size_t out_len) GMMOT_NOEXCEPT;
GMMOT_API int gmmot_mw2_barycenter_certificate(const gmmot_mw2_barycenter_t *b,
                                               double *out_primal_infeasibility,
                                               double *out_dual_infeasibility,
                                               double *out_duality_gap) GMMOT_NOEXCEPT;
/** @} */

/** Solver figures (any pointer may be NULL): simplex pivots or fixed-point iterations; tuple
 *  barycenters computed (exact; 0 otherwise); pricing rounds (the LPs; 0 for the fixed
 *  point).
 *  @since 0.3 */
GMMOT_API int gmmot_mw2_barycenter_info(const gmmot_mw2_barycenter_t *b, uint64_t *out_iterations,
                                        uint64_t *out_tuple_costs,
                                        uint64_t *out_pricing_rounds) GMMOT_NOEXCEPT;

/** @{ */
/** The energies: fixed point, V of the start then after each iteration (iterations + 1
 *  values); LPs, the one value V. gmmot_mw2_barycenter_energies_len gives the count.
 *  @since 0.3 */
GMMOT_API size_t gmmot_mw2_barycenter_energies_len(const gmmot_mw2_barycenter_t *b) GMMOT_NOEXCEPT;
GMMOT_API int gmmot_mw2_barycenter_copy_energies(const gmmot_mw2_barycenter_t *b, double *out,
                                                 size_t out_len) GMMOT_NOEXCEPT;
/** @} */

GMMOT_END_DECLS

#endif /* GMMOT_BARYCENTER_H */
