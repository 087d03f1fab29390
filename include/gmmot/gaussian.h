/* SPDX-License-Identifier: MIT */
/** @file gaussian.h
 *  @brief Optimal transport between Gaussian distributions (closed forms).
 *
 * References: J. Delon, A. Desolneux, "A Wasserstein-type distance in the space of Gaussian
 * Mixture Models", SIAM J. Imaging Sci. 2020, section 2.4 (eqs. 2.7, 2.8, 2.10); Y. Chen,
 * T. Georgiou, A. Tannenbaum, "Optimal transport for Gaussian mixture models", IEEE Access
 * 2019, eq. 8 (singular covariances); P. C. Alvarez-Esteban et al., "A fixed-point approach to
 * barycenters in Wasserstein space", J. Math. Anal. Appl. 2016.
 *
 * A Gaussian is given as (m, S): mean m (d doubles) and covariance S (d x d, row-major,
 * symmetric positive semi-definite; singular and all-zero matrices are valid). Inputs are
 * validated with the rules of gmmot/gmm.h (finite, symmetric, PSD) and the errors name the
 * argument and entry at fault. Outputs are written only on success.
 *
 * Numerics: each covariance is written S = F F^T with a factor F (Cholesky, or a clamped
 * eigen-factor when singular), scaled by a power of two; then
 *
 *     tr (S0^1/2 S1 S0^1/2)^1/2 = sum of the singular values of F1^T F0,
 *
 * with closed forms for d <= 3 and diagonal pairs, and, when the Bures term is below 1e-6 of
 * tr S0 + tr S1, the cancellation-free Procrustes form min_U ||F0 - F1 U||_F^2. Results are
 * never negative and never NaN. Accuracy (checked against 60-digit references): the absolute
 * error of W2^2 is about 1e-15 (tr S0 + tr S1), also at condition numbers up to 1e12, for
 * exactly singular covariances and for covariances scaled anywhere in 1e-300 .. 1e300, as long
 * as the two covariances are comparably conditioned. When one is far more ill-conditioned than
 * the other, W2^2 itself moves by up to about d eps (||S0|| ||A|| + ||S1|| ||A^-1||) (A the
 * Monge map) under rounding-level changes of the inputs, and no double-precision method can do
 * better; the error then stays within a small multiple of that. The Monge map is likewise
 * accurate to its conditioning, which grows like cond(S0) (about 1e-5 relative at 1e12).
 *
 * Thread rule: all functions here are reentrant and may be called concurrently. */
#ifndef GMMOT_GAUSSIAN_H
#define GMMOT_GAUSSIAN_H

#include <stddef.h>
#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/gmm.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** Squared 2-Wasserstein distance between N(m0, S0) and N(m1, S1) (Delon-Desolneux eq. 2.7):
 *  W2^2 = ||m0 - m1||^2 + tr(S0 + S1 - 2 (S0^1/2 S1 S0^1/2)^1/2), into *out_w2sq.
 *  Status: GMMOT_OK; GMMOT_W_SYMMETRIZED (result written; the message names the covariance);
 *  GMMOT_E_INVALID_ARGUMENT (NULL pointer); GMMOT_E_DIMENSION (d = 0); GMMOT_E_TOO_LARGE (d*d
 *  not representable); GMMOT_E_NONFINITE, GMMOT_E_NOT_SYMMETRIC, GMMOT_E_NOT_PSD (naming m0,
 *  s0, m1 or s1 and the entry); GMMOT_E_OVERFLOW (W2^2 above DBL_MAX); GMMOT_E_OUT_OF_MEMORY.
 *  Cost as d grows (flops; every part is O(d^3)):
 *  - Validation O(d^2); each covariance factored once: Cholesky, d^3/3 (LAPACK dpotrf); an
 *    ill-conditioned or singular one gets the eigen-factor instead, about 9 d^3 (dsyevd).
 *  - The Bures term, below d = 320: the per-pair kernels of gmmot_w2_cost_matrix on the calling
 *    thread (product d^3/3, unblocked bidiagonalisation 8/3 d^3, memory-bound above a few
 *    hundred). From d = 320 on: blocked BLAS-3/LAPACK, the product by dtrmm (d^3) and the
 *    singular values by a two-stage bidiagonalisation (8/3 d^3 as block-reflector updates, then
 *    a band reduction, O(32 d^2), and dqds, O(d^2)), which run on the BLAS library's threads:
 *    set by the BLAS (OPENBLAS_NUM_THREADS), not by libgmmot, which never changes them (so
 *    concurrent calls stay safe). There the last bits of the result may depend on the BLAS
 *    thread count; the accuracy is the same.
 *  - The Procrustes form (Bures term below 1e-6 (tr S0 + tr S1), e.g. S0 = S1): one full SVD
 *    and products, about 25 d^3 more.
 *  Measured (2-core AMD EPYC, OpenBLAS 0.3.21, two BLAS threads, the whole call with random
 *  covariances, bench/run_gaussian.sh case=w2_large): d = 512 about 0.055 s, d = 1024 0.3 s,
 *  d = 2048 1.25 s (one BLAS thread: 1.6 s). Memory: about 8 d^2 doubles (270 MB at
 *  d = 2048; the Procrustes form needs about 16 d^2 more).
 *  @since 0.1 */
GMMOT_API int gmmot_gaussian_w2_squared(size_t d, const double *m0, const double *s0,
                                        const double *m1, const double *s1,
                                        double *out_w2sq) GMMOT_NOEXCEPT;

/** The optimal (Monge) map T(x) = A x + b pushing N(m0, S0) forward to N(m1, S1) (eq. 2.8):
 *  A = S0^-1/2 (S0^1/2 S1 S0^1/2)^1/2 S0^-1/2, symmetric positive semi-definite, b = m1 - A m0.
 *  out_a: d x d row-major (a_len >= d*d); out_b: d (b_len >= d).
 *  For a singular S0 the pseudo-inverse map is returned when it pushes N(m0, S0) onto
 *  N(m1, S1), i.e. when range(S1) is contained in range(S0) (checked: relative residual
 *  ||A S0 A - S1||_F / ||S1||_F <= 1e-8); otherwise no deterministic optimal map exists
 *  (e.g. S0 = diag(1,0), S1 = diag(0,1), or a Dirac source and a non-Dirac target) and
 *  GMMOT_E_NO_MAP is returned: the distance and the geodesic still exist.
 *  out_residual (may be NULL) receives ||A S0 A - S1||_F / max(||S1||_F, tiny).
 *  Status: as gmmot_gaussian_w2_squared, plus GMMOT_E_BUFFER_TOO_SMALL and GMMOT_E_NO_MAP;
 *  GMMOT_E_OVERFLOW when an entry of A or of b is not a finite double (the message names A or
 *  b[i]; e.g. m0 = (1e10, 0), S0 = 1e-300 I, S1 = 1e300 I gives A = 1e300 I and A m0 beyond
 *  DBL_MAX). @since 0.1 */
GMMOT_API int gmmot_gaussian_monge_map(size_t d, const double *m0, const double *s0,
                                       const double *m1, const double *s1, double *out_a,
                                       size_t a_len, double *out_b, size_t b_len,
                                       double *out_residual) GMMOT_NOEXCEPT;

/** The W2 geodesic (displacement interpolation) mu_t = N(m_t, S_t) between N(m0, S0) (t = 0)
 *  and N(m1, S1) (t = 1), for t in [0, 1]: m_t = (1-t) m0 + t m1 and S_t = F_t F_t^T with
 *  F_t = (1-t) F0 + t F1 U, where U = P Q^T is the polar factor of F1^T F0 = P Sigma Q^T.
 *  (X, Y) = (m0 + F0 z, m1 + F1 U z), z ~ N(0, I), is an optimal coupling, so mu_t is a
 *  constant-speed geodesic, W2(mu_s, mu_t) = |t - s| W2(mu_0, mu_1). For non-singular S0 this
 *  is S_t = ((1-t) I + t A) S0 ((1-t) I + t A) with A the Monge map (Delon-Desolneux section
 *  2.4.1); for singular covariances it is a geodesic (it need not be unique then).
 *  out_mean: d (mean_len >= d); out_cov: d x d (cov_len >= d*d).
 *  Status: as gmmot_gaussian_w2_squared, plus GMMOT_E_BUFFER_TOO_SMALL and GMMOT_E_INVALID_ARGUMENT
 *  for t outside [0, 1] or NaN. @since 0.1 */
GMMOT_API int gmmot_gaussian_geodesic(size_t d, const double *m0, const double *s0,
                                      const double *m1, const double *s1, double t,
                                      double *out_mean, size_t mean_len, double *out_cov,
                                      size_t cov_len) GMMOT_NOEXCEPT;

/** The W2 barycenter N(m*, S*) of J Gaussians N(m_j, S_j) with weights lambda_j (eq. 2.10):
 *  m* = sum_j lambda_j m_j and S* the fixed point S = sum_j lambda_j (S^1/2 S_j S^1/2)^1/2.
 *  J >= 1 (GMMOT_E_DIMENSION otherwise). weights: J (rules of gmm.h: >= 0, sum 1 within 1e-8;
 *  zero weights ignore their input); errors name weights[j], means[j][i] or covs[j];
 *  means: J x d; covs: J x d x d. Outputs: out_mean d (mean_len >= d), out_cov d x d
 *  (cov_len >= d*d); out_iterations and out_residual may be NULL.
 *  Method: closed forms when d = 1 (S* = (sum lambda_j sigma_j)^2) or when the covariances
 *  commute (S* = (sum lambda_j S_j^1/2)^2; 0 iterations reported). Otherwise the
 *  Alvarez-Esteban fixed point in factor form: with S = L L^T (Cholesky),
 *  K = sum_j lambda_j (L^T S_j L)^1/2 from F_j^T L (one-sided Jacobi warm-started from the
 *  previous step's vectors, then a Newton series; LAPACK as fallback), S <- L^-T K^2 L^-1, from
 *  sum_j lambda_j S_j and accelerated by Anderson mixing of the last 5 steps (Walker & Ni 2011;
 *  an extrapolated point that is not positive definite or doubles the residual falls back to
 *  the plain step), stopped when the residual ||K - L^T L||_F / ||L^T L||_F is at most
 *  GMMOT_OPT_BARYCENTER_TOLERANCE (default 1e-12), after
 *  GMMOT_OPT_BARYCENTER_MAX_ITERATIONS (default 1000), or when the residual has not decreased
 *  for 20 iterations (rounding floor).
 *  Status: GMMOT_OK; GMMOT_W_NOT_CONVERGED (the best iterate and its residual are written);
 *  GMMOT_E_SINGULAR when an iterate has no Cholesky factor: always when the start
 *  sum_j lambda_j S_j is singular (the inputs share a null vector); when only the barycenter is
 *  singular (all inputs singular), the iterates may instead reach it, and it is returned like any
 *  other (since 0.5.1; which of the two happens depends on rounding); the errors of
 *  gmmot_gaussian_w2_squared and GMMOT_E_WEIGHTS, GMMOT_E_BUFFER_TOO_SMALL;
 *  GMMOT_E_CANCELLED (the progress callback, which gets
 *  GMMOT_STAGE_BARYCENTER after every fixed-point iteration, or the interrupt flag of opts,
 *  gmmot/progress.h; nothing written). @since 0.1 */
GMMOT_API int gmmot_gaussian_barycenter(size_t j, size_t d, const double *weights,
                                        const double *means, const double *covs,
                                        const gmmot_options_t *opts, double *out_mean,
                                        size_t mean_len, double *out_cov, size_t cov_len,
                                        uint64_t *out_iterations,
                                        double *out_residual) GMMOT_NOEXCEPT;

/** The multi-marginal cost of J Gaussians with weights lambda_j (Delon-Desolneux eq. 2.6 for
 *  Gaussians): sum_j lambda_j W2^2(N(m_j, S_j), N(m*, S*)) with N(m*, S*) their barycenter, into
 *  *out_cost. Arguments, options and status as gmmot_gaussian_barycenter. @since 0.1 */
GMMOT_API int gmmot_gaussian_multimarginal_cost(size_t j, size_t d, const double *weights,
                                                const double *means, const double *covs,
                                                const gmmot_options_t *opts,
                                                double *out_cost) GMMOT_NOEXCEPT;

/** The K0 x K1 matrix C[k][l] = W2^2(mu0^k, mu1^l) between the components of the mixtures g0
 *  (mu0) and g1 (mu1) of the same dimension, row-major into out (out_len >= K0*K1). Each covariance
 * was factored once when its mixture was created; per pair only the product of two factors and its
 *  singular values (closed forms for d <= 3 and diagonal pairs) remain. Parallel over pairs
 *  (GMMOT_OPT_NUM_THREADS); every entry is computed the same way whatever the number of
 *  threads, so the matrix is bit-for-bit identical. Accuracy as gmmot_gaussian_w2_squared.
 *  Memory: every check, overflow included, is made before the first entry is written
 *  (0 <= W2^2 <= (|m0| + |m1|)^2 + tr S0 + tr S1 rules it out for all but the pairs near
 *  DBL_MAX, which are computed first), so out is written in place with no K0*K1 staging copy.
 *  Only a call that can be cancelled (opts carries a progress callback or an interrupt flag,
 *  gmmot/progress.h) computes into a K0*K1 staging copy first, so that a cancelled call still
 *  leaves out untouched: attach neither when memory is tight (2 x 512 MB at K0 = K1 = 8000).
 *  Student-t mixtures (gmmot/gmm.h): the entries are W2^2 between t components, the formula
 *  applied to their covariances, so g0 and g1 must be of one family with one nu.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT, GMMOT_E_DIMENSION (g0 and g1 differ in dimension),
 *  GMMOT_E_FAMILY (since 0.5: g0 and g1 differ in family or nu), GMMOT_E_BUFFER_TOO_SMALL,
 *  GMMOT_E_TOO_LARGE, GMMOT_E_OVERFLOW (naming the pair),
 *  GMMOT_E_CANCELLED (the progress callback, GMMOT_STAGE_COST_MATRIX, or the interrupt flag of
 *  opts, gmmot/progress.h; out untouched), GMMOT_E_OUT_OF_MEMORY. @since 0.1 */
GMMOT_API int gmmot_w2_cost_matrix(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                                   const gmmot_options_t *opts, double *out,
                                   size_t out_len) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_GAUSSIAN_H */
