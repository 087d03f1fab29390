/* SPDX-License-Identifier: MIT */
/** @file gmm.h
 *  @brief The Gaussian mixture handle.
 *
 * A mixture mu = sum_k w_k N(m_k, S_k) on R^d with K components. Arrays are row-major
 * (C order) doubles: weights K, means K x d, covariances K x d x d (each d x d block
 * contiguous), points N x d.
 *
 * Validation at creation (all tolerances relative, eps = 2^-52):
 *  - K >= 1 and d >= 1 (GMMOT_E_DIMENSION); K*d*d must fit in memory (GMMOT_E_TOO_LARGE);
 *  - every entry finite (GMMOT_E_NONFINITE, naming array, component and entry);
 *  - weights >= 0 (-0.0 allowed), not all zero, |sum - 1| <= 1e-8; the weights are then
 *    divided by their sum so they sum to 1 to rounding (GMMOT_E_WEIGHTS otherwise). Zero-weight
 *    components are valid and kept;
 *  - covariances symmetric: with a = max|S_ij - S_ji| / max|S_ij|, a <= 100*eps is symmetrised
 *    silently, a <= 1e-8 is symmetrised and the call returns the warning GMMOT_W_SYMMETRIZED,
 *    larger a gives GMMOT_E_NOT_SYMMETRIC;
 *  - covariances positive semi-definite: the smallest eigenvalue must be >= -64*d*eps times
 *    the largest (rounding); slightly negative eigenvalues are then treated as 0
 *    (GMMOT_E_NOT_PSD otherwise). Singular covariances, including the all-zero matrix (a Dirac
 *    component), are valid.
 *
 * Each covariance is factored once at creation (Cholesky when well conditioned, otherwise a
 * clamped eigen-factor) and the factor is reused by every later computation.
 *
 * Student-t mixtures (@since 0.5). A handle may instead hold a mixture of multivariate Student-t
 * components t_nu(m_k, S_k) sharing one number of degrees of freedom nu > 2 (finite), created by
 * gmmot_gmm_create_t from the SCALE matrices S_k (validated as the covariances above, messages
 * naming "scales[k]"). Component k has covariance nu / (nu - 2) S_k, and that is what
 * gmmot_gmm_copy_covariances gives; gmmot_gmm_copy_scales gives the S_k. Student-t is the one
 * usual elliptical family with the marginal-consistency property, so the whole MW2 construction
 * carries over (Delon & Desolneux 2020, section 4.6; D. Meunier's review of that paper,
 * sections 2.6 and 3.1): W2 between two t components of the same nu is the Gaussian formula on
 * their covariances (gmmot/gaussian.h), the Gaussian Monge map (affine) pushes one onto the
 * other, and so MW2, its plan, coupling, geodesic, maps and barycenters (gmmot/mw2.h,
 * gmmot/maps.h, gmmot/barycenter.h) accept t-mixtures and return t-mixtures of the same nu.
 * Both sides of every such call must be of one family with one nu (equal bit for bit);
 * otherwise the call fails with GMMOT_E_FAMILY (MW2 between a Gaussian and a t-mixture, or two
 * nu, has no closed form). Fit mixtures that must be compared with one shared nu (gmmot/em.h).
 * nu <= 2 is refused at creation: the covariance, and so every W2, would be infinite.
 * As nu grows the t-mixture tends to the Gaussian mixture with the same covariances.
 * gmmot_gmm_create gives the Gaussian family (gmmot_gmm_get_family).
 *
 * Thread rule: a gmmot_gmm_t is immutable after creation; one handle may be used by any
 * number of threads at once. Destroy it only when no call uses it. */
#ifndef GMMOT_GMM_H
#define GMMOT_GMM_H

#include <stddef.h>
#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** A Gaussian mixture (opaque, immutable): gmmot_gmm_create, gmmot_gmm_destroy. @since 0.1 */
typedef struct gmmot_gmm gmmot_gmm_t;

/** Component families (gmmot_gmm_get_family). @since 0.5 */
typedef enum gmmot_family {
  GMMOT_FAMILY_GAUSSIAN = 0, /**< Gaussian components (gmmot_gmm_create) */
  GMMOT_FAMILY_STUDENT_T = 1 /**< Student-t components sharing one nu (gmmot_gmm_create_t) */
} gmmot_family;

/** Create a mixture from K components in dimension d. All arrays are copied; the caller keeps
 *  ownership of them. weights: K; means: K*d; covs: K*d*d (validation rules above).
 *  *out receives a new handle to free with gmmot_gmm_destroy.
 *  Status: GMMOT_OK, GMMOT_W_SYMMETRIZED (handle created), GMMOT_E_INVALID_ARGUMENT (NULL
 *  pointer), GMMOT_E_DIMENSION, GMMOT_E_TOO_LARGE, GMMOT_E_NONFINITE, GMMOT_E_WEIGHTS,
 *  GMMOT_E_NOT_SYMMETRIC, GMMOT_E_NOT_PSD, GMMOT_E_OUT_OF_MEMORY. On error *out is untouched.
 *  @since 0.1 */
GMMOT_API int gmmot_gmm_create(size_t k, size_t d, const double *weights, const double *means,
                               const double *covs, gmmot_gmm_t **out) GMMOT_NOEXCEPT;

/** Create a Student-t mixture sum_k w_k t_nu(m_k, S_k) (see above) from K components in
 *  dimension d with nu degrees of freedom. scales: K*d*d scale matrices S_k, validated as the
 *  covariances of gmmot_gmm_create (symmetric, positive semi-definite, finite). The arrays are
 *  copied. *out receives a new handle to free with gmmot_gmm_destroy.
 *  Status: as gmmot_gmm_create, plus GMMOT_E_INVALID_ARGUMENT when nu is not a finite number
 *  > 2 (the message says why). On error *out is untouched. @since 0.5 */
GMMOT_API int gmmot_gmm_create_t(size_t k, size_t d, double nu, const double *weights,
                                 const double *means, const double *scales,
                                 gmmot_gmm_t **out) GMMOT_NOEXCEPT;

/** The family of a mixture: *out_family receives a gmmot_family value and *out_nu the degrees
 *  of freedom (+infinity for a Gaussian mixture, the Student-t limit). Either output pointer may
 *  be NULL. Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (gmm NULL). @since 0.5 */
GMMOT_API int gmmot_gmm_get_family(const gmmot_gmm_t *gmm, int *out_family,
                                   double *out_nu) GMMOT_NOEXCEPT;

/** Copy the K x d x d scale matrices into out (out_len >= K*d*d): the S_k of a Student-t
 *  mixture as given to gmmot_gmm_create_t (symmetrised; for mixtures computed by the library,
 *  such as a coupling or a barycenter, the covariances divided by nu / (nu - 2), rounded so that
 *  nu / (nu - 2) times each entry is the stored covariance entry: a saved copy, which stores the
 *  scales, then loads back to the same covariances bit for bit; where no double does that, the
 *  covariance entry is the product, one rounding away), the covariances of a Gaussian mixture.
 *  Status as gmmot_gmm_copy_weights. @since 0.5 */
GMMOT_API int gmmot_gmm_copy_scales(const gmmot_gmm_t *gmm, double *out,
                                    size_t out_len) GMMOT_NOEXCEPT;

/** Destroy a mixture. NULL is a no-op. @since 0.1 */
GMMOT_API void gmmot_gmm_destroy(gmmot_gmm_t *gmm) GMMOT_NOEXCEPT;

/** Number of components K (0 for NULL). @since 0.1 */
GMMOT_API size_t gmmot_gmm_ncomponents(const gmmot_gmm_t *gmm) GMMOT_NOEXCEPT;

/** Dimension d (0 for NULL). @since 0.1 */
GMMOT_API size_t gmmot_gmm_dim(const gmmot_gmm_t *gmm) GMMOT_NOEXCEPT;

/** Copy the K normalised weights into out (capacity out_len >= K).
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL), GMMOT_E_BUFFER_TOO_SMALL. @since 0.1 */
GMMOT_API int gmmot_gmm_copy_weights(const gmmot_gmm_t *gmm, double *out,
                                     size_t out_len) GMMOT_NOEXCEPT;

/** Copy the K x d means (row-major) into out (out_len >= K*d). Status as copy_weights.
 *  @since 0.1 */
GMMOT_API int gmmot_gmm_copy_means(const gmmot_gmm_t *gmm, double *out,
                                   size_t out_len) GMMOT_NOEXCEPT;

/** Copy the K x d x d covariances (as stored: symmetrised) into out (out_len >= K*d*d); for a
 *  Student-t mixture nu / (nu - 2) times the scales. Status as copy_weights. @since 0.1 */
GMMOT_API int gmmot_gmm_copy_covariances(const gmmot_gmm_t *gmm, double *out,
                                         size_t out_len) GMMOT_NOEXCEPT;

/** Log-density log mu(x) at n points (points: n x d row-major) into out (out_len >= n).
 *  Computed as a log-sum-exp over components of log w_k + log N(x; m_k, S_k) with the
 *  Cholesky factor, so it is accurate where the density itself under- or overflows (for
 *  example d = 500 with covariances 0.01*I). For a Student-t mixture the terms are
 *  log t_nu(x; m_k, S_k) = lgamma((nu + d)/2) - lgamma(nu/2) - (d/2) log(nu pi)
 *  - (1/2) log det S_k - ((nu + d)/2) log1p(delta/nu), delta = (x - m_k)^T S_k^-1 (x - m_k),
 *  finite at every finite point of the support, however far (where delta itself would exceed
 *  the largest double its logarithm is computed from rescaled coordinates); degenerate
 *  components as below with r in place of d.
 *  Degenerate components (covariance of rank r < d, including r = 0, a Dirac) are supported
 *  the usual way (as scipy's allow_singular): on their support m_k + range(S_k) they contribute
 *  the r-dimensional density -(r log 2pi + log pdet S_k + (x-m)^T S_k^+ (x-m)) / 2, where pdet is
 *  the product of the nonzero eigenvalues; off the support (distance to it above 1e-9 times
 *  (||x|| + ||m_k|| + sqrt(largest eigenvalue))) they contribute nothing. A point where no
 *  component contributes gets -inf; the result is never NaN.
 *  n = 0 is a valid no-op (points and out may then be NULL).
 *  Memory: every point is validated and all scratch memory is allocated before the first entry
 *  is written, so out is written in place with no staging copy; only a call that can be
 *  cancelled (opts carries a progress callback or an interrupt flag, gmmot/progress.h) computes
 *  into an n-double staging copy first, so that a cancelled call still leaves out untouched.
 *  Options read: GMMOT_OPT_NUM_THREADS (results identical for any value), the progress
 *  callback and interrupt flag (gmmot/progress.h: GMMOT_STAGE_DENSITY).
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT, GMMOT_E_BUFFER_TOO_SMALL, GMMOT_E_TOO_LARGE,
 *  GMMOT_E_NONFINITE (names the point and coordinate), GMMOT_E_CANCELLED (out untouched),
 *  GMMOT_E_OUT_OF_MEMORY. @since 0.1 */
GMMOT_API int gmmot_gmm_log_density(const gmmot_gmm_t *gmm, size_t n, const double *points,
                                    const gmmot_options_t *opts, double *out,
                                    size_t out_len) GMMOT_NOEXCEPT;

/** Draw n independent points from the mixture into out_points (n x d, points_len >= n*d) and,
 *  if out_labels is not NULL, the index of the component each point came from into out_labels
 *  (labels_len >= n). Point i is generated from its own random stream derived from
 *  (seed, i), seed the option GMMOT_OPT_SEED, so the same seed gives the same points on every
 *  run, whatever the number of threads, and the first m points of a draw of n >= m equal a
 *  draw of m. The generator is libgmmot's own (splitmix64 seeding a xoshiro256** stream,
 *  Box-Muller normals), so it does not depend on the C++ standard library. Components of
 *  weight 0 are never drawn. A Student-t component draws m + S^(1/2) z / sqrt(W / nu), z
 *  standard normal and W chi-squared with nu degrees of freedom (2 Gamma(nu / 2), Marsaglia and
 *  Tsang's method), from the same per-point stream.
 *  Options read: GMMOT_OPT_SEED, GMMOT_OPT_NUM_THREADS, the progress callback and interrupt
 *  flag (gmmot/progress.h: GMMOT_STAGE_DENSITY). n = 0 is a valid no-op. Every check comes first,
 *  so the outputs are written in place; only a call that can be cancelled (a progress callback
 *  or an interrupt flag attached) stages them in a copy first, so that a cancelled call leaves
 *  them untouched.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT, GMMOT_E_BUFFER_TOO_SMALL, GMMOT_E_TOO_LARGE,
 *  GMMOT_E_CANCELLED (outputs untouched). @since 0.1; changed in 0.2: the seed argument was
 *  removed (GMMOT_OPT_SEED). */
GMMOT_API int gmmot_gmm_sample(const gmmot_gmm_t *gmm, size_t n, const gmmot_options_t *opts,
                               double *out_points, size_t points_len, size_t *out_labels,
                               size_t labels_len) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_GMM_H */
