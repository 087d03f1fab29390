/* SPDX-License-Identifier: MIT */
/** @file em.h
 *  @brief Fitting a Gaussian or Student-t mixture to points by expectation-maximisation (EM).
 *
 * A gmmot_em_t holds the fitting options, the progress callback and the interrupt flag
 * (gmmot/progress.h), all copied from the options object at creation, and the summary of its
 * last successful fit. gmmot_em_fit fits K components
 * with full covariances to n weighted points in dimension d and returns a new mixture handle
 * (gmmot/gmm.h).
 *
 * Method (scikit-learn's GaussianMixture, made scale-free, fused, blocked and over-relaxed):
 *  - initialisation by greedy k-means++ (2 + floor(ln K) candidates per centre, weighted by the
 *    point weights) followed by up to 10 weighted Lloyd iterations, in double precision, with
 *    libgmmot's own random generator seeded by GMMOT_OPT_SEED; GMMOT_OPT_EM_INITIALIZATIONS
 *    independent starts, the one with the highest final log-likelihood wins;
 *  - covariances in Cholesky form, log-responsibilities by a max-shifted log-sum-exp (never a
 *    density, so nothing under- or overflows); the E and M steps are fused over blocks of points
 *    (no n x K matrix is kept) and the scatter matrices are accumulated around the current
 *    means (no E[xx^T] - mu mu^T cancellation; for d > 4 the scatter skips responsibilities
 *    below 2^-60, which are below rounding);
 *  - the data are first centred and scaled by powers of two, so the fit does not depend on the
 *    units; GMMOT_OPT_EM_REGULARIZATION r adds r s to every covariance diagonal, s the mean
 *    per-dimension variance of the data (scale-free, unlike scikit-learn's absolute reg_covar);
 *  - iteration t evaluates the mean log-likelihood l_t = sum_i w_i log p(x_i) / sum_i w_i of the
 *    current mixture theta_t; the next one is the over-relaxed EM step
 *    theta_t + eta (M(theta_t) - theta_t), M the EM update (adaptive over-relaxed EM,
 *    Salakhutdinov & Roweis, ICML 2003: eta grows by 1.3 after every accepted step; a step with
 *    eta > 1 that would lower l is discarded, not counted as an iteration nor reported, and
 *    replaced by the plain EM step, eta restarting at 1; at most one pass over the data in three
 *    is discarded). It typically reaches a given log-likelihood in far fewer iterations than
 *    plain EM;
 *  - the fit has converged when a plain EM step changes l by at most
 *    GMMOT_OPT_EM_TOLERANCE * max(1, |l_t|); it then returns the EM update of that last iterate
 *    (one more iteration; scikit-learn's GaussianMixture returns the same iterate). After
 *    GMMOT_OPT_EM_MAX_ITERATIONS iterations it stops unconverged and returns the mixture with the
 *    highest l_t seen, with status GMMOT_W_NOT_CONVERGED. l_t never decreases beyond rounding (a
 *    generalised-EM guard keeps a component's previous covariance when the regularised update
 *    would lower the EM objective), except right after a re-seed (below);
 *  - split-and-merge (GMMOT_OPT_EM_SPLIT_MERGE = C > 0, for 3 <= K <= 128; Ueda, Nakano,
 *    Ghahramani and Hinton, "SMEM algorithm for mixture models", Neural Computation 2000): EM
 *    stops at a local maximum, and which one depends on the start. Once the best initialisation
 *    has converged, one pass ranks moves that merge the two components whose posteriors overlap
 *    most and split the component that fits its points worst (local Kullback-Leibler
 *    divergence); the first C moves are tried in turn, each followed by EM to convergence, and
 *    the first one that raises l by more than the tolerance is kept and a new round starts (at
 *    most K rounds). The returned l is never lower than without it. With n >= 131072 points
 *    (@since 0.5) the moves are screened first: EM runs to convergence on every
 *    floor(n / 65536)-th point from the current fit and from each of the C moves, and only the
 *    (at most 2) moves that beat the current fit there run EM on all the points, from their
 *    screened parameters; acceptance is still decided on all the points. Cost and gain, K = 10,
 *    C = 5, mean over seeds 0..4: on the 786432 RGB pixels of bench/run_em_split_merge.sh
 *    l = 6.2623 for 61 passes, against plain EM's 6.2336 for 34 passes (1.8 times its time)
 *    and 6.2538 for 211 passes without the screening (0.4 and earlier); below 131072 points
 *    (for instance 65536 patches, d = 27) every move still runs EM on all the points, 5 to 10
 *    times plain EM's passes for 0.01 to 0.4 more l. The default stays 0 (plain EM): the
 *    Student-t family refuses split-and-merge, and small data sets would pay the full cost.
 *
 * Student-t mixtures (GMMOT_OPT_EM_FAMILY = GMMOT_FAMILY_STUDENT_T, @since 0.5): the ECM
 * algorithm of D. Peel and G. J. McLachlan ("Robust mixture modelling using the t
 * distribution", Statistics and Computing 10:339-348, 2000), all components sharing one nu:
 *  - E-step: responsibilities tau_ik from the t log-densities, and the latent scale weights
 *    u_ik = (nu + d) / (nu + delta_ik), delta_ik the squared Mahalanobis distance of x_i to
 *    component k under its SCALE matrix (a point far out gets a small u: it pulls the mean and
 *    the scale less than under a Gaussian);
 *  - CM-step 1 (nu fixed): weights sum_i w_i tau_ik / sum_i w_i, means sum w tau u x / sum w tau u,
 *    scales sum w tau u (x - m)(x - m)^T / sum w tau (+ the regularisation, as the covariances of
 *    the Gaussian EM), with the same generalised-EM guard;
 *  - CM-step 2: nu fixed (GMMOT_OPT_EM_DOF > 2), or (GMMOT_OPT_EM_DOF = 0) the root of the 1-D
 *    equation of Peel and McLachlan's eq. 30, log(nu/2) - psi(nu/2) + 1 + lu + psi((nu0 + d)/2) -
 *    log((nu0 + d)/2) = 0 (psi the digamma function, nu0 the current nu, lu the weighted mean of
 *    sum_k tau_ik (log u_ik - u_ik)), by Newton's method safeguarded by bisection, in
 *    [2.01, 1000]: the expected complete log-likelihood is unimodal in nu, so when the root is
 *    outside the interval the bound is its maximiser on it and the step is still monotone
 *    (nu = 1000: the data are lighter-tailed than t_1000, as good as Gaussian; nu = 2.01: heavier
 *    than any t with a finite covariance). The first iterate (k-means++ clusters, their
 *    covariances as scales) has nu = 10 when nu is estimated.
 *  Each ECM iteration increases the log-likelihood l (same monotonicity, convergence test,
 *  iteration cap, over-relaxation with its acceptance test, re-seeding, threads, progress and
 *  cancellation as the Gaussian EM above; the over-relaxed steps extrapolate weights, means and
 *  scale factors and keep the CM-step's nu). Split-and-merge is Gaussian-only: a Student-t fit
 *  with GMMOT_OPT_EM_SPLIT_MERGE > 0 is refused (GMMOT_E_INVALID_ARGUMENT). The returned mixture
 *  is a Student-t mixture (gmmot_gmm_get_family) whose covariances are nu / (nu - 2) times the
 *  fitted scales (gmmot_gmm_copy_scales gives the scales). A pass costs about 1.6 times a
 *  Gaussian one at N = 1e5, d = 3, K = 10 (one more vectorised log and division per point and
 *  component; bench/run_student_t.sh).
 *
 * Degenerate data never crash or give NaN:
 *  - a component whose weight falls below min(d + 1, m / (2K)) points of average weight (m the
 *    points of positive weight) is dead: after an M-step the smallest dead component is
 *    re-seeded at the point of lowest log-density, with the covariance of the heaviest
 *    component, the two sharing their weights equally; at most K re-seeds per initialisation;
 *    a dead component not re-seeded stays as a small regularised component (weight possibly 0);
 *  - duplicate points and fewer distinct points than K give components that share a location
 *    with covariance r s I; a covariance that is not safely positive definite (for instance
 *    with r = 0 on such data) has its diagonal raised to at least 2^-40 s, then by factors of
 *    100, until it is; identical points give components on that point with covariance about
 *    r min((2^-50 max_j |x_j|)^2, 2^1000) I (r I at the origin).
 *
 * The fitted covariances are exactly symmetric and finite by construction; their Cholesky factors
 * are handed to the returned mixture (with the conditioning check of gmmot_gmm_create, and a
 * fresh factorisation where that check asks for one) instead of being factored a second time.
 *
 * Results are bit-identical for a given seed whatever GMMOT_OPT_NUM_THREADS (points are split
 * into fixed blocks whose statistics are added in a fixed order); they may differ in the last
 * bits between CPUs (vectorised kernels per instruction set).
 *
 * Progress and cancellation (gmmot/progress.h): the callback reports GMMOT_STAGE_EM after every
 * iteration (the iterations done so far in the current EM run: 0 for the k-means start,
 * restarting at 0 for each initialisation and for each split-and-merge move tried, whose l
 * starts lower, and for each screening run, whose l is that of the subsample; discarded
 * over-relaxed steps are not iterations and are not reported), with
 * total = GMMOT_OPT_EM_MAX_ITERATIONS and value = the mean log-likelihood l of that iterate;
 * the interrupt flag is checked at least once per block of points.
 *
 * Thread rule: the functions on one gmmot_em_t need exclusive access (the interrupt flag it
 * was created with may be raised from any thread): do not call them from several threads at
 * once (a second gmmot_em_fit while one runs on the same handle is refused with
 * GMMOT_E_INVALID_ARGUMENT). Different handles are independent. */
#ifndef GMMOT_EM_H
#define GMMOT_EM_H

#include <stddef.h>
#include <stdint.h>

#include "gmmot/export.h"
#include "gmmot/gmm.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** An EM fitting object (opaque): gmmot_em_create, gmmot_em_destroy. @since 0.2 */
typedef struct gmmot_em gmmot_em_t;

/** Create an EM object. Options read and copied now (later changes to opts have no effect):
 *  GMMOT_OPT_EM_COMPONENTS (K), GMMOT_OPT_EM_TOLERANCE, GMMOT_OPT_EM_MAX_ITERATIONS,
 *  GMMOT_OPT_EM_REGULARIZATION, GMMOT_OPT_EM_INITIALIZATIONS, GMMOT_OPT_EM_SPLIT_MERGE,
 *  GMMOT_OPT_EM_FAMILY, GMMOT_OPT_EM_DOF (0.5), GMMOT_OPT_SEED and GMMOT_OPT_NUM_THREADS, and
 *  the progress callback, its user_data and the interrupt flag (gmmot_options_set_progress,
 *  gmmot_options_set_interrupt; the flag and user_data stay borrowed: they must outlive the
 *  fits) (NULL: all defaults, no callback, no flag). *out receives the handle (free it with
 *  gmmot_em_destroy). Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (out NULL; since 0.5 also a
 *  fixed GMMOT_OPT_EM_DOF in (0, 2], or GMMOT_OPT_EM_SPLIT_MERGE > 0 with the Student-t family,
 *  the message naming the option), GMMOT_E_OUT_OF_MEMORY. On error *out is untouched.
 *  @since 0.2 */
GMMOT_API int gmmot_em_create(const gmmot_options_t *opts, gmmot_em_t **out) GMMOT_NOEXCEPT;

/** Destroy an EM object; NULL is a no-op. Not while a fit runs on it. @since 0.2 */
GMMOT_API void gmmot_em_destroy(gmmot_em_t *em) GMMOT_NOEXCEPT;

/** Fit a K-component mixture to n points in dimension d (method above).
 *  points: n x d row-major, finite. weights: n finite values >= 0, not all 0, any scale (only
 *  their ratios matter), or NULL for all 1. Both are borrowed for the call.
 *  *out receives a new mixture handle (free it with gmmot_gmm_destroy) with K components (some
 *  may have weight 0, see degenerate data above).
 *  K may exceed the number n+ of points with positive weight (n when weights is NULL; the
 *  components then share locations, see degenerate data above) only while K*d*d <= 2^22
 *  (4194304): the fit's memory grows with K d^2, and this bound, checked before anything is
 *  allocated, keeps it from growing far beyond the data (10 points with K = 1e5, d = 30 would
 *  take 5.9 GiB). K <= n+ is always accepted (fewer distinct points than K included).
 *  Status: GMMOT_OK (converged); GMMOT_W_NOT_CONVERGED (GMMOT_OPT_EM_MAX_ITERATIONS reached;
 *  *out is written); GMMOT_E_INVALID_ARGUMENT (em, points or out NULL; a fit already running
 *  on em; K > n+ with K*d*d > 2^22, the message names K and n); GMMOT_E_DIMENSION (n = 0
 *  or d = 0); GMMOT_E_TOO_LARGE (n*d or K*d*d overflows);
 *  GMMOT_E_NONFINITE (NaN or infinity; the message names points[i][j] or weights[i]);
 *  GMMOT_E_WEIGHTS (a negative weight, naming weights[i], or all weights 0);
 *  GMMOT_E_CANCELLED (the progress callback returned non-zero or the interrupt flag is raised;
 *  the flag stays raised, the object is usable for the next fit once it is reset);
 *  GMMOT_E_OVERFLOW (the data
 *  spread over more than about 1e154, so the covariances are not representable);
 *  GMMOT_E_OUT_OF_MEMORY. On error *out is untouched and gmmot_em_info keeps describing the
 *  previous successful fit. @since 0.2 */
GMMOT_API int gmmot_em_fit(gmmot_em_t *em, size_t n, size_t d, const double *points,
                           const double *weights, gmmot_gmm_t **out) GMMOT_NOEXCEPT;

/** Fit j mixtures to j data sets with one shared component family (@since 0.5): MW2 compares
 *  mixtures of one family and, for Student-t, of one nu, so two data sets fitted separately
 *  with their own nu could not be compared. Data set i has n[i] points points[i] (n[i] x d,
 *  row-major) with weights weights[i] (n[i] values, or NULL for all 1; weights itself may be
 *  NULL: all 1 everywhere); out receives j new handles (out[i] for data set i; free each with
 *  gmmot_gmm_destroy). Every option of em applies to every data set.
 *  - Student-t with nu estimated (GMMOT_OPT_EM_DOF = 0) and j >= 2: the j ECM runs advance in
 *    lockstep, each iteration taking one nu step on the pooled equation (the mean over the data
 *    sets of their nu terms), which maximises the joint objective L = sum_i l_i, l_i the mean
 *    log-likelihood of data set i (so each data set weighs the same, whatever its size). Every
 *    iteration increases L; the convergence test and the iteration cap apply to L; plain ECM
 *    steps (no over-relaxation). Initialisation s starts every data set from its k-means++ start
 *    s; the start with the highest final L wins. All outputs have bit-identical nu.
 *  - Gaussian, or nu fixed, or j = 1: j independent gmmot_em_fit calls.
 *  gmmot_em_info then gives L (the sum of the j mean log-likelihoods), the iterations of the
 *  joint run (the largest of the j fits when independent) and whether it (all of them)
 *  converged; gmmot_em_work the passes summed over the data sets and the moves.
 *  Progress: as gmmot_em_fit, value = L (independent fits report each fit in turn).
 *  Status: as gmmot_em_fit (GMMOT_W_NOT_CONVERGED when the joint run, or one of the independent
 *  fits, reached the iteration cap; all outputs are written), with the messages naming the data
 *  set ("data set 1: points[3][0] is nan ..."); GMMOT_E_INVALID_ARGUMENT also for em, n,
 *  points or out NULL, or points[i] NULL with n[i] > 0; GMMOT_E_DIMENSION for j = 0. On error
 *  nothing is written to out and gmmot_em_info keeps describing the previous fit. @since 0.5 */
GMMOT_API int gmmot_em_fit_joint(gmmot_em_t *em, size_t j, size_t d, const size_t *n,
                                 const double *const *points, const double *const *weights,
                                 gmmot_gmm_t **out) GMMOT_NOEXCEPT;

/** Summary of the last successful gmmot_em_fit (status GMMOT_OK or GMMOT_W_NOT_CONVERGED) on
 *  em: the mean log-likelihood l of the returned mixture (as above, per unit weight), the number
 *  of iterations of the EM run that produced it (the winning initialisation, or the last
 *  accepted split-and-merge move; as numbered by the progress reports), and 1 if that run
 *  converged, else 0 (gmmot_em_work counts all the work). Any output pointer
 *  may be NULL.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (em NULL, or no fit has succeeded on em yet).
 *  @since 0.2 */
GMMOT_API int gmmot_em_info(const gmmot_em_t *em, double *out_mean_log_likelihood,
                            uint64_t *out_iterations, int *out_converged) GMMOT_NOEXCEPT;

/** The work of the last successful gmmot_em_fit on em: the passes over the data (every E-step
 *  of every initialisation and split-and-merge attempt, discarded over-relaxed steps and the
 *  split-and-merge criteria passes included; each costs about one EM iteration; the screening
 *  runs on a subsample count as their fraction of the data, rounded up per fit) and the number
 *  of accepted split-and-merge moves. Any output pointer may be NULL.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (em NULL, or no fit has succeeded on em yet).
 *  @since 0.2 */
GMMOT_API int gmmot_em_work(const gmmot_em_t *em, uint64_t *out_passes,
                            uint64_t *out_moves) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_EM_H */
