/* SPDX-License-Identifier: MIT */
/** @file transport.h
 *  @brief Exact (and entropic) discrete optimal transport between two weight vectors.
 *
 * Problem: given weights a (K0), b (K1) and costs C (K0 x K1, row-major), find a plan P
 * (K0 x K1) minimising sum_ij C_ij P_ij subject to P 1 = a, P^T 1 = b, P >= 0.
 *
 * Exact method (default): our primal network simplex on the dense bipartite graph
 * (numerics.md section C): block-search pricing, strongly feasible spanning trees against
 * cycling (Cunningham 1976), a symbolic big-M start that no cost scale can overflow, zero-weight
 * rows and columns removed before the solve. The plan is a basic optimal solution, with at most
 * K0 + K1 - 1 non-zeros. The dual potentials (u, v) satisfy u_i + v_j <= C_ij (to rounding,
 * about 1e-15 max|C|) and are centred so that u.a = v.b; the duality gap is at rounding level.
 * Reaching the pivot cap (GMMOT_OPT_EXACT_MAX_ITERATIONS) is the error GMMOT_E_ITERATION_LIMIT:
 * unlike POT's ot.emd, a truncated, mass-losing plan is never returned.
 *
 * Entropic method (GMMOT_OPT_TRANSPORT_METHOD = GMMOT_TRANSPORT_ENTROPIC): log-domain Sinkhorn
 * for min <C,P> + eps sum P_ij (log P_ij - 1), eps = GMMOT_OPT_ENTROPIC_EPSILON * max|C_ij|
 * (Peyre-Cuturi 2019, section 4.4). The plan is dense; the marginal error is reported.
 *
 * Weights: finite, >= 0, each vector with a positive sum, and the two sums equal within 1e-8
 * relative (GMMOT_E_WEIGHTS otherwise, naming the entry or the two sums). b is then rescaled to
 * a's total mass, so histograms of counts work as well as probability vectors. Zero weights
 * are valid. Costs: any finite doubles, negative ones included (GMMOT_E_NONFINITE names the
 * first NaN or infinite entry as cost[i][j]).
 *
 * Results live in a gmmot_transport_t, read with the getters below.
 * Thread rule: a gmmot_transport_t is immutable after creation and may be read by any number of
 * threads at once; the solve functions are reentrant. */
#ifndef GMMOT_TRANSPORT_H
#define GMMOT_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** A discrete transport result (opaque, immutable): gmmot_transport_solve,
 *  gmmot_transport_destroy. @since 0.2 */
typedef struct gmmot_transport gmmot_transport_t;

/** Solve the transport problem (a: k0, b: k1, cost: k0*k1 row-major; all borrowed for the
 *  call). Options read: GMMOT_OPT_TRANSPORT_METHOD, GMMOT_OPT_EXACT_MAX_ITERATIONS,
 *  GMMOT_OPT_ENTROPIC_EPSILON, GMMOT_OPT_ENTROPIC_TOLERANCE, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS,
 *  GMMOT_OPT_NUM_THREADS, and the progress callback and interrupt flag (gmmot/progress.h:
 *  GMMOT_STAGE_EXACT_LP or GMMOT_STAGE_SINKHORN). *out receives a new result object (free it
 *  with gmmot_transport_destroy).
 *  Status: GMMOT_OK; GMMOT_W_NOT_CONVERGED (entropic only: the iteration cap was reached, the
 *  last iterate is returned and gmmot_transport_info gives its marginal error);
 *  GMMOT_E_INVALID_ARGUMENT (NULL pointer); GMMOT_E_DIMENSION (k0 or k1 is 0);
 *  GMMOT_E_TOO_LARGE (k0*k1 not representable); GMMOT_E_NONFINITE; GMMOT_E_WEIGHTS;
 *  GMMOT_E_ITERATION_LIMIT (exact: pivot cap reached, nothing returned);
 *  GMMOT_E_OVERFLOW (finite inputs whose optimal cost sum_ij C_ij P_ij, or a dual potential,
 *  exceeds the largest double, e.g. a = b = {2}, C = {1e308}; never a NaN or infinite cost);
 *  GMMOT_E_CANCELLED (gmmot/progress.h; *out untouched); GMMOT_E_OUT_OF_MEMORY. @since 0.2 */
GMMOT_API int gmmot_transport_solve(size_t k0, size_t k1, const double *a, const double *b,
                                    const double *cost, const gmmot_options_t *opts,
                                    gmmot_transport_t **out) GMMOT_NOEXCEPT;

/** As gmmot_transport_solve with the exact method, warm-started from dual potentials u0 (k0)
 *  and v0 (k1) of an earlier, similar problem (for example the previous step of an iterative
 *  method). The result is the same optimum; only the number of pivots changes. Entries must
 *  be finite (GMMOT_E_NONFINITE naming u0[i] or v0[j]). @since 0.2 */
GMMOT_API int gmmot_transport_solve_warm(size_t k0, size_t k1, const double *a, const double *b,
                                         const double *cost, const double *u0, const double *v0,
                                         const gmmot_options_t *opts,
                                         gmmot_transport_t **out) GMMOT_NOEXCEPT;

/** Free a result object; NULL is a no-op. @since 0.2 */
GMMOT_API void gmmot_transport_destroy(gmmot_transport_t *t) GMMOT_NOEXCEPT;

/** @{ */
/** Number of rows K0 / columns K1 / non-zeros of the plan (0 for NULL). Exact plans have at
 *  most K0 + K1 - 1 non-zeros. @since 0.2 */
GMMOT_API size_t gmmot_transport_rows(const gmmot_transport_t *t) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_transport_cols(const gmmot_transport_t *t) GMMOT_NOEXCEPT;
GMMOT_API size_t gmmot_transport_nnz(const gmmot_transport_t *t) GMMOT_NOEXCEPT;
/** @} */

/** The optimal cost sum_ij C_ij P_ij (compensated summation) into *out_cost. @since 0.2 */
GMMOT_API int gmmot_transport_cost(const gmmot_transport_t *t, double *out_cost) GMMOT_NOEXCEPT;

/** The dense plan, K0 x K1 row-major, into out (out_len >= K0*K1). @since 0.2 */
GMMOT_API int gmmot_transport_copy_plan(const gmmot_transport_t *t, double *out,
                                        size_t out_len) GMMOT_NOEXCEPT;

/** The sparse plan as nnz triplets (out_rows[n], out_cols[n], out_mass[n]) sorted by (row,
 *  col), into three parallel arrays of capacity triplets_len >= gmmot_transport_nnz(t)
 *  (GMMOT_E_BUFFER_TOO_SMALL otherwise). Any of the three arrays may be NULL to skip it.
 *  @since 0.2 */
GMMOT_API int gmmot_transport_copy_sparse_plan(const gmmot_transport_t *t, size_t *out_rows,
                                               size_t *out_cols, double *out_mass,
                                               size_t triplets_len) GMMOT_NOEXCEPT;

/** The dual potentials u (K0, into out_u, u_len >= K0) and v (K1, into out_v, v_len >= K1),
 *  centred so that u.a = v.b. For the exact method
 *  u_i + v_j <= C_ij to rounding and equality holds on the plan's support; duals of
 *  zero-weight rows (columns) are the largest feasible values min_j (C_ij - v_j). For the
 *  entropic method these are the Sinkhorn potentials f, g with
 *  P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps). Either array may be NULL. @since 0.2 */
GMMOT_API int gmmot_transport_copy_duals(const gmmot_transport_t *t, double *out_u, size_t u_len,
                                         double *out_v, size_t v_len) GMMOT_NOEXCEPT;

/** Iterations used (simplex pivots or Sinkhorn iterations) and the L1 marginal error
 *  sum_i |(P 1)_i - a_i| + sum_j |(P^T 1)_j - b_j| of the returned plan; either pointer may be
 *  NULL. @since 0.2 */
GMMOT_API int gmmot_transport_info(const gmmot_transport_t *t, uint64_t *out_iterations,
                                   double *out_marginal_error) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_TRANSPORT_H */
