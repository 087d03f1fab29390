/* SPDX-License-Identifier: MIT */
/** @file maps.h
 *  @brief Transport maps of an MW2 plan, applied to many points.
 *
 * Reference: J. Delon, A. Desolneux, "A Wasserstein-type distance in the space of Gaussian
 * Mixture Models", SIAM J. Imaging Sci. 2020, section 6.3 (T_mean, T_rand).
 *
 * The MW2 plan gamma = sum_kl w_kl (Id, T_kl)\#N(m0_k, S0_k) (gmmot/mw2.h) is not a map; these
 * functions turn it into one, point by point. With T_kl(x) = A_kl (x - m0_k) + m1_l the Monge map
 * of the pair (gmmot_mw2_copy_pair_maps), r_k = sum_l w_kl the plan's row sums (the source
 * weights pi0_k, to rounding, for the exact solver) and the posteriors
 *
 *     rho_k(x) = r_k N(x; m0_k, S0_k) / sum_j r_j N(x; m0_j, S0_j),
 *
 * (for a plan between Student-t mixtures, since 0.5, with the t densities t_nu(x; m0_k, scale
 * S0_k) in place of the normal ones, gmmot/gmm.h: their log-densities stay finite however far
 * x is, so the overflow rule at the end of this paragraph does not arise for them),
 *
 *  - T_mean(x) = E_gamma[Y | X = x] = sum_k rho_k(x) (Abar_k (x - m0_k) + cbar_k), with the
 *    averaged maps Abar_k = sum_l (w_kl / r_k) A_kl and cbar_k = sum_l (w_kl / r_k) m1_l
 *    (section 6.3, the formula after "we get that"): K0 affine maps per point whatever the size
 *    of the plan;
 *  - T_rand(x) = T_kl(x) with probability rho_k(x) w_kl / r_k (section 6.3): k is drawn from the
 *    posteriors, then l from row k of the plan. Applied to samples of mu0 it gives samples of
 *    mu1.
 *
 * The posteriors are computed from log-densities with the largest one subtracted, so points far
 * from every component (any d, e.g. d = 500) still map to finite values. Plan entries of zero
 * mass are ignored; a source component with weight 0 (r_k = 0) has posterior 0. Degenerate
 * source components use their density on their support, as gmmot_gmm_log_density does; a point
 * off the support of every source component of positive weight (only possible when all of them
 * are degenerate) is given to the components whose support is nearest (Euclidean distance),
 * in proportion to r_k; so is a point so far away (beyond ~1e150 standard deviations) that its
 * quadratic forms overflow (full-rank components then share in proportion to r_k).
 *
 * Shapes: x is n x d row-major (d = gmmot_mw2_dim(p)); out is n x d row-major with
 * out_len >= n*d elements. x and out are borrowed for the call and must not overlap. n = 0 is a
 * valid no-op (x and out may then be NULL).
 * Points are processed in fixed blocks in parallel over GMMOT_OPT_NUM_THREADS threads (default:
 * all cores); memory use beyond out does not grow with n (except when opts carries a progress
 * callback or an interrupt flag: see GMMOT_E_CANCELLED below), and the results are
 * bit-identical for any number of threads. The first call on a plan computes the pair maps and the
 * K0 averaged maps (O(nnz d^3)); the plan keeps them, so later calls, from any thread, start
 * mapping at once.
 *
 * Thread rule: p is only read; any number of threads may map points with the same plan at once.
 *
 * Status (both functions): GMMOT_OK; GMMOT_E_INVALID_ARGUMENT (p NULL, x or out NULL with
 * n > 0, or x and out overlap); GMMOT_E_TOO_LARGE (n*d overflows); GMMOT_E_BUFFER_TOO_SMALL
 * (out_len < n*d); GMMOT_E_NONFINITE (an entry of x is NaN or infinite; the message names
 * x[i][j]); GMMOT_E_NO_MAP (a pair (k, l) of the plan has no Monge map: source component k is
 * singular and its range does not contain the target's; the message names (k, l). Pairs whose
 * mass is at rounding level, at most 64 * 2^-52 (1.4e-14) times the total, are dropped instead);
 * GMMOT_E_OVERFLOW (coordinates of x so large that x - m0_k or a mapped point might not be
 * representable: |x| + |m0_k| beyond about 4e307 = DBL_MAX / 4 whatever the maps, or beyond
 * about 4e307 / (K0 ||A_kl||); also an A_kl or b_kl of the plan not representable, see
 * gmmot_mw2_copy_pair_maps); GMMOT_E_CANCELLED (the progress callback or interrupt flag of
 * opts, gmmot/progress.h: GMMOT_STAGE_MAPS; when opts carries either, the points are mapped
 * into a temporary n x d buffer and copied to out at the end, so that a cancelled call writes
 * nothing); GMMOT_E_OUT_OF_MEMORY. On any error nothing is written to out. */
#ifndef GMMOT_MAPS_H
#define GMMOT_MAPS_H

#include <stddef.h>
#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/mw2.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** T_mean(x_i) for the n points of x into out (see above). Options read: GMMOT_OPT_NUM_THREADS.
 *  @since 0.2 */
GMMOT_API int gmmot_mw2_map_mean(const gmmot_mw2_t *p, size_t n, const double *x,
                                 const gmmot_options_t *opts, double *out,
                                 size_t out_len) GMMOT_NOEXCEPT;

/** One draw of T_rand(x_i) for each of the n points of x into out (see above). Point i uses its
 *  own random stream derived from (GMMOT_OPT_SEED, i) with libgmmot's generator (as
 *  gmmot_gmm_sample): the first uniform picks k, the second l. A given seed gives the same
 *  result on every run and for any number of threads. Options read: GMMOT_OPT_SEED,
 *  GMMOT_OPT_NUM_THREADS. @since 0.2 */
GMMOT_API int gmmot_mw2_map_rand(const gmmot_mw2_t *p, size_t n, const double *x,
                                 const gmmot_options_t *opts, double *out,
                                 size_t out_len) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_MAPS_H */
