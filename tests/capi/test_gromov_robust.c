/* SPDX-License-Identifier: MIT */
/* The Gromov-Wasserstein solver on matrices that are not squared-W2 matrices (non-zero diagonal,
 * indefinite, shifted by a common constant, scaled by 1e+-150 and 1e-160), checked against the
 * unshifted problem and a long double direct sum; exhaustive permutation search on small
 * uniform problems (the review's case 39 included); status OK on small problems whose plain
 * Frank-Wolfe stalls inside a face; the Gaussian GW map for rank-one covariances; the MGW2
 * overflow message naming the mixture and its components. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

void test_gromov_robust(void);

static uint64_t g_state = 0x9e3779b97f4a7c15ULL;

static double uniform01(void) {
  g_state ^= g_state << 13;
  g_state ^= g_state >> 7;
  g_state ^= g_state << 17;
  return (double)(g_state >> 11) / 9007199254740992.0;
}

/* sum (c0_ik - c1_jl)^2 w_ij w_kl in long double (64-bit mantissa, huge exponent range). */
static long double direct_objective(int k0, const double *c0, int k1, const double *c1,
                                    const double *w) {
  long double s = 0;
  for (int i = 0; i < k0; ++i)
    for (int j = 0; j < k1; ++j)
      for (int k = 0; k < k0; ++k)
        for (int l = 0; l < k1; ++l) {
          const long double d = (long double)c0[i * k0 + k] - (long double)c1[j * k1 + l];
          s += d * d * w[i * k1 + j] * w[k * k1 + l];
        }
  return s;
}

static void random_symmetric(int k, double *c) {
  for (int i = 0; i < k; ++i)
    for (int j = 0; j <= i; ++j) c[i * k + j] = c[j * k + i] = 2 * uniform01() - 1;
}

/* The smallest objective over the permutation plans w_{i p(i)} = 1/k (k <= 6). */
static double best_permutation(int k, const double *c0, const double *c1) {
  int p[6];
  double w[36], best = INFINITY;
  for (int n = 0; n < k; ++n) p[n] = n;
  for (;;) {
    memset(w, 0, sizeof w);
    for (int n = 0; n < k; ++n) w[n * k + p[n]] = 1.0 / k;
    const double v = (double)direct_objective(k, c0, k, c1, w);
    if (v < best) best = v;
    /* next permutation (lexicographic) */
    int i = k - 2;
    while (i >= 0 && p[i] >= p[i + 1]) --i;
    if (i < 0) break;
    int j = k - 1;
    while (p[j] <= p[i]) --j;
    int t = p[i];
    p[i] = p[j];
    p[j] = t;
    for (int a = i + 1, b = k - 1; a < b; ++a, --b) {
      t = p[a];
      p[a] = p[b];
      p[b] = t;
    }
  }
  return best;
}

static void shifted_and_scaled(void) {
  enum { K0 = 5, K1 = 4 };
  double a[K0], b[K1], c0[K0 * K0], c1[K1 * K1], sa = 0, sb = 0;
  for (int i = 0; i < K0; ++i) sa += (a[i] = 0.2 + uniform01());
  for (int j = 0; j < K1; ++j) sb += (b[j] = 0.2 + uniform01());
  for (int i = 0; i < K0; ++i) a[i] /= sa;
  for (int j = 0; j < K1; ++j) b[j] /= sb;
  random_symmetric(K0, c0); /* indefinite, non-zero diagonal */
  random_symmetric(K1, c1);
  gmmot_gw_t *gw = NULL;
  double p0[K0 * K1], v0 = 0;
  int cert0 = -1;
  const int st0 = gmmot_gw_create(K0, a, c0, K1, b, c1, NULL, &gw);
  CHECK(st0 == GMMOT_OK || st0 == GMMOT_W_NOT_CONVERGED);
  CHECK_OK(gmmot_gw_value(gw, &v0, NULL));
  CHECK_OK(gmmot_gw_copy_plan(gw, p0, K0 * K1));
  CHECK_OK(gmmot_gw_info(gw, NULL, NULL, &cert0, NULL, NULL));
  gmmot_gw_destroy(gw);
  CHECK_NEAR(v0, (double)direct_objective(K0, c0, K1, c1, p0), 1e-13, 0);
  CHECK(v0 > 0);
  const double shifts[] = {1e3, 1e5, 0, 0, 0, 1e5, 1e5};
  const double scales[] = {1, 1, 1e150, 1e-150, 1e-160, 1e150, 1e-150};
  for (int t = 0; t < 7; ++t) {
    const double c = shifts[t], s = scales[t];
    double d0[K0 * K0], d1[K1 * K1], plan[K0 * K1], value = -1;
    for (int n = 0; n < K0 * K0; ++n) d0[n] = (c0[n] + c) * s;
    for (int n = 0; n < K1 * K1; ++n) d1[n] = (c1[n] + c) * s;
    int cert = -1;
    uint64_t iterations = 0;
    gw = NULL;
    const int st = gmmot_gw_create(K0, a, d0, K1, b, d1, NULL, &gw);
    CHECKF(st == st0, "shift %g scale %g: status %d (unshifted %d)", c, s, st, st0);
    if (gw == NULL) continue;
    CHECK_OK(gmmot_gw_value(gw, &value, NULL));
    CHECK_OK(gmmot_gw_copy_plan(gw, plan, K0 * K1));
    CHECK_OK(gmmot_gw_info(gw, &iterations, NULL, &cert, NULL, NULL));
    gmmot_gw_destroy(gw);
    CHECKF(cert == cert0, "shift %g scale %g: certified %d (unshifted %d)", c, s, cert, cert0);
    double diff = 0;
    for (int n = 0; n < K0 * K1; ++n) diff = fmax(diff, fabs(plan[n] - p0[n]));
    CHECKF(diff <= 1e-9, "shift %g scale %g: plan differs from the unshifted one by %g", c, s,
           diff);
    /* The value of the problem as given (the shifted matrices' own rounding included). */
    const long double ref = direct_objective(K0, d0, K1, d1, plan);
    if (s >= 1e-150) {
      CHECKF(fabsl((long double)value - ref) <= 1e-12L * ref,
             "shift %g scale %g: value %.17g, direct sum %.17Lg", c, s, value, ref);
    } else {
      /* 1e-160^2 is subnormal: ~5e-324 absolute resolution. */
      CHECKF(fabsl((long double)value - ref) <= 1e-3L * ref,
             "shift %g scale %g: value %.17g, direct sum %.17Lg", c, s, value, ref);
    }
    if (s >= 1e-150) {
      CHECKF(fabs(value / s / s - v0) <= 1e-6 * v0, "shift %g scale %g: value/s^2 %.17g vs %.17g",
             c, s, value / s / s, v0);
    }
  }
}

static void permutations_and_case39(void) {
  /* The review's case 39 (MGW2 matrices, K = 4, uniform): the default starts missed the best
   * permutation (306.10 against 228.72). */
  const double d0[16] = {
      0.0, 25.827336243251374, 45.11508731949815,  19.176736948820867, 25.827336243251374,
      0.0, 43.390330774581734, 52.36005181529555,  45.11508731949815,  43.390330774581734,
      0.0, 57.11866707691431,  19.176736948820867, 52.36005181529555,  57.11866707691431,
      0.0};
  const double d1[16] = {
      0.0, 35.17104235787784, 19.8204409952521,   19.830789277243163, 35.17104235787784,
      0.0, 16.37832934948687, 34.36953556094268,  19.8204409952521,   16.37832934948687,
      0.0, 24.67544855697519, 19.830789277243163, 34.36953556094268,  24.67544855697519,
      0.0};
  const double u4[4] = {0.25, 0.25, 0.25, 0.25};
  gmmot_gw_t *gw = NULL;
  double value = -1;
  CHECK_OK(gmmot_gw_create(4, u4, d0, 4, u4, d1, NULL, &gw));
  CHECK_OK(gmmot_gw_value(gw, &value, NULL));
  gmmot_gw_destroy(gw);
  const double best39 = best_permutation(4, d0, d1);
  CHECKF(value <= best39 * (1 + 1e-12), "case 39: %.17g above the best permutation %.17g", value,
         best39);
  /* Random uniform square problems, indefinite with non-zero diagonal: never above the best
   * permutation plan. */
  for (int trial = 0; trial < 40; ++trial) {
    const int k = 2 + trial % 5;
    double c0[36], c1[36], w[6], v = -1;
    random_symmetric(k, c0);
    random_symmetric(k, c1);
    for (int i = 0; i < k; ++i) w[i] = 1.0 / k;
    gw = NULL;
    const int st = gmmot_gw_create((size_t)k, w, c0, (size_t)k, w, c1, NULL, &gw);
    CHECKF(st == GMMOT_OK, "trial %d: status %d", trial, st);
    if (gw == NULL) continue;
    CHECK_OK(gmmot_gw_value(gw, &v, NULL));
    gmmot_gw_destroy(gw);
    const double best = best_permutation(k, c0, c1);
    CHECKF(v <= best + 1e-12 * fabs(best) + 1e-15, "trial %d K %d: %.17g above %.17g", trial, k, v,
           best);
  }
}

/* Small problems where the local minimum lies inside a face: plain Frank-Wolfe's gap decreases
 * like 1/k and used to reach the step cap (GMMOT_W_NOT_CONVERGED: 8 of these 80 before the
 * stall rule, 2 with it). Since 0.5 pairwise steps take over after a stall or 200 plain steps
 * and end every one of them normally (about 400 to 800 steps over all starts instead of up to
 * 50000), so the check is a fixed count on this seeded set. */
static void stalls_are_normal_stops(void) {
  int warned = 0;
  for (int trial = 0; trial < 80; ++trial) {
    const int k = 2 + trial % 4;
    double x[12], c0[25], c1[25], w[5];
    for (int n = 0; n < 2 * k; ++n) x[n] = 2 * uniform01() - 1;
    for (int i = 0; i < k; ++i) {
      w[i] = 1.0 / k;
      for (int j = 0; j < k; ++j) {
        const double dx = x[2 * i] - x[2 * j], dy = x[2 * i + 1] - x[2 * j + 1];
        c0[i * k + j] = dx * dx + dy * dy;
      }
    }
    for (int i = 0; i < k; ++i)
      for (int j = 0; j <= i; ++j) c1[i * k + j] = c1[j * k + i] = 2 * uniform01();
    gmmot_gw_t *gw = NULL;
    const int st = gmmot_gw_create((size_t)k, w, c0, (size_t)k, w, c1, NULL, &gw);
    CHECKF(st == GMMOT_OK || st == GMMOT_W_NOT_CONVERGED, "trial: status %d", st);
    if (st == GMMOT_W_NOT_CONVERGED) ++warned;
    gmmot_gw_destroy(gw);
  }
  CHECKF(warned == 0, "%d of 80 small problems reached the step cap", warned);
  /* The cap itself is still a warning, and says so. */
  double c0[9] = {0, 1, 4, 1, 0, 1, 4, 1, 0}, c1[9] = {0, 2, 1, 2, 0, 3, 1, 3, 0};
  const double w3[3] = {0.2, 0.3, 0.5}, v3[3] = {0.5, 0.25, 0.25};
  gmmot_options_t *opts = NULL;
  CHECK_OK(gmmot_options_create(&opts));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_GW_MAX_ITERATIONS, 1));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_GW_STARTS, 0));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_GW_ANNEALING, 0));
  CHECK_OK(gmmot_options_set_double(opts, GMMOT_OPT_GW_TOLERANCE, 0));
  gmmot_gw_t *gw = NULL;
  CHECK(gmmot_gw_create(3, w3, c0, 3, v3, c1, opts, &gw) == GMMOT_W_NOT_CONVERGED);
  CHECK(strstr(gmmot_last_error_message(), "step cap") != NULL);
  gmmot_gw_destroy(gw);
  gmmot_options_destroy(opts);
}

static void gaussian_rank_one(void) {
  for (int trial = 0; trial < 30; ++trial) {
    const int d = 2 + trial % 2;
    double v[3], u[3], cov0[9], cov1[9], diag[9], A[9], bvec[3], ggw2 = -1;
    for (int i = 0; i < d; ++i) {
      v[i] = 2 * uniform01() - 1;
      u[i] = 2 * uniform01() - 1;
    }
    memset(diag, 0, sizeof diag);
    for (int i = 0; i < d; ++i) {
      diag[i * d + i] = 1.0 + i;
      for (int j = 0; j < d; ++j) {
        cov0[i * d + j] = v[i] * v[j];
        cov1[i * d + j] = u[i] * u[j];
      }
    }
    /* Rank one onto rank one: a map exists and pushes cov0 onto cov1. */
    const int st = gmmot_gaussian_gw((size_t)d, NULL, cov0, (size_t)d, NULL, cov1, &ggw2, A,
                                     (size_t)(d * d), bvec, (size_t)d);
    CHECKF(st == GMMOT_OK, "trial %d: rank one onto rank one, status %d", trial, st);
    if (st == GMMOT_OK) {
      double err = 0, scale = 0;
      for (int i = 0; i < d; ++i) scale = fmax(scale, u[i] * u[i]);
      for (int i = 0; i < d; ++i)
        for (int j = 0; j < d; ++j) {
          double s = 0;
          for (int p = 0; p < d; ++p)
            for (int q = 0; q < d; ++q) s += A[i * d + p] * cov0[p * d + q] * A[j * d + q];
          err = fmax(err, fabs(s - cov1[i * d + j]));
        }
      CHECKF(err <= 1e-12 * scale, "trial %d: A cov0 A^T - cov1 = %g", trial, err);
    }
    /* Rank one onto full rank: no map, whatever the sign of cov0's rounded zero eigenvalue. */
    CHECK_ERROR(gmmot_gaussian_gw((size_t)d, NULL, cov0, (size_t)d, NULL, diag, &ggw2, A,
                                  (size_t)(d * d), NULL, 0),
                GMMOT_E_NO_MAP, "gmmot_gaussian_gw", "cov0");
  }
}

static void overflow_names_the_mixture(void) {
  const double w[2] = {0.5, 0.5}, far[2] = {0, 1e200}, near[2] = {0, 1}, ones[2] = {1, 1};
  gmmot_gmm_t *big = H_MAKE_GMM(2, 1, w, far, ones);
  gmmot_gmm_t *small = H_MAKE_GMM(2, 1, w, near, ones);
  gmmot_gw_t *gw = NULL;
  CHECK(gmmot_mgw2_create(big, small, NULL, &gw) == GMMOT_E_OVERFLOW);
  const char *msg = gmmot_last_error_message();
  CHECKF(strstr(msg, "components 0 and 1 of g0") != NULL, "message: %s", msg);
  CHECK(gmmot_mgw2_create(small, big, NULL, &gw) == GMMOT_E_OVERFLOW);
  msg = gmmot_last_error_message();
  CHECKF(strstr(msg, "components 0 and 1 of g1") != NULL, "message: %s", msg);
  CHECK(gw == NULL);
  gmmot_gmm_destroy(big);
  gmmot_gmm_destroy(small);
}

void test_gromov_robust(void) {
  shifted_and_scaled();
  permutations_and_case39();
  stalls_are_normal_stops();
  gaussian_rank_one();
  overflow_names_the_mixture();
}
