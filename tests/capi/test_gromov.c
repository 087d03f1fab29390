/* SPDX-License-Identifier: MIT */
/* MGW2 and the Gromov-Wasserstein solver (gromov.h) through the C API: the intra-mixture
 * matrices against the harness's independent W2^2, zero and the component correspondence for
 * an isometric copy, the same value after an embedding into R^3 and from the generic entry
 * point on the same matrices, the report and the progress stage, and bad input. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

void test_gromov(void);

static int g_gromov_reports;
static double g_last_value;

static int cancel_in_gromov(void *user, int stage, uint64_t done, uint64_t total, double value) {
  (void)user;
  (void)done;
  (void)total;
  (void)value;
  return stage == GMMOT_STAGE_GROMOV;
}

static int on_progress(void *user, int stage, uint64_t done, uint64_t total, double value) {
  (void)done;
  (void)total;
  (void)user;
  if (stage == GMMOT_STAGE_GROMOV) {
    ++g_gromov_reports;
    g_last_value = value;
  }
  return 0;
}

void test_gromov(void) {
  /* mu: K = 3 in R^2. */
  const double w[3] = {0.2, 0.3, 0.5};
  const double m[6] = {0, 0, 4, 1, -1, 3};
  const double s[12] = {1, 0.2, 0.2, 0.5, 0.3, 0, 0, 0.3, 2, -0.5, -0.5, 1};
  /* nu: mu rotated by 30 degrees, translated by (5, -2), components in reverse order. */
  const double c = cos(H_PI / 6), sn = sin(H_PI / 6);
  const double r[4] = {c, -sn, sn, c};
  double w1[3], m1[6], s1[12], m3[9], s3[27];
  for (int k = 0; k < 3; ++k) {
    const int o = 2 - k;
    double tmp[4], rt[4] = {r[0], r[2], r[1], r[3]}, rs[4];
    w1[k] = w[o];
    m1[2 * k] = r[0] * m[2 * o] + r[1] * m[2 * o + 1] + 5;
    m1[2 * k + 1] = r[2] * m[2 * o] + r[3] * m[2 * o + 1] - 2;
    h_matmul(2, r, s + 4 * o, tmp);
    h_matmul(2, tmp, rt, rs);
    rs[1] = rs[2] = 0.5 * (rs[1] + rs[2]);
    memcpy(s1 + 4 * k, rs, sizeof rs);
    /* The same component embedded in R^3 as (x, 0, y) + (1, 1, 1). */
    m3[3 * k] = m1[2 * k] + 1;
    m3[3 * k + 1] = 1;
    m3[3 * k + 2] = m1[2 * k + 1] + 1;
    memset(s3 + 9 * k, 0, 9 * sizeof(double));
    s3[9 * k + 0] = rs[0];
    s3[9 * k + 2] = rs[1];
    s3[9 * k + 6] = rs[2];
    s3[9 * k + 8] = rs[3];
  }
  gmmot_gmm_t *g0 = H_MAKE_GMM(3, 2, w, m, s);
  gmmot_gmm_t *g1 = H_MAKE_GMM(3, 2, w1, m1, s1);
  gmmot_gmm_t *g3 = H_MAKE_GMM(3, 3, w1, m3, s3);
  gmmot_options_t *opts = NULL;
  CHECK_OK(gmmot_options_create(&opts));
  CHECK_OK(gmmot_options_set_progress(opts, on_progress, NULL));
  gmmot_gw_t *gw = NULL;
  CHECK_OK(gmmot_mgw2_create(g0, g1, opts, &gw));
  CHECK(g_gromov_reports >= 1);
  CHECK(gmmot_gw_rows(gw) == 3 && gmmot_gw_cols(gw) == 3);
  double d0[9], d1[9], plan[9], value = -1, root = -1;
  CHECK_OK(gmmot_gw_copy_cost_matrices(gw, d0, 9, d1, 9));
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j) {
      const double ref = W2SQ(2, m + 2 * i, s + 4 * i, m + 2 * j, s + 4 * j);
      CHECK_NEAR(d0[3 * i + j], ref, 1e-12, 1e-12);
      CHECK_NEAR(d1[3 * (2 - i) + (2 - j)], ref, 1e-12, 1e-12);
    }
  }
  CHECK_OK(gmmot_gw_value(gw, &value, &root));
  /* The last report is some start's final objective; the result is the best start's. */
  CHECK(g_last_value >= value - 1e-9);
  /* Zero up to rounding: rounding-level masses (~1e-17) on degenerate entries of the LP's
   * vertices each cost up to max D^2 (about 1e2 here). */
  CHECK_NEAR(value, 0, 0, 1e-12);
  CHECK(fabs(root * root - value) <= 1e-15);
  CHECK_OK(gmmot_gw_copy_plan(gw, plan, 9));
  for (int i = 0; i < 3; ++i) CHECK_NEAR(plan[3 * i + (2 - i)], w[i], 1e-12, 0);
  uint64_t iterations = 99, starts = 0, best = 99;
  double gap = -1;
  int certified = -1;
  CHECK_OK(gmmot_gw_info(gw, &iterations, &gap, &certified, &starts, &best));
  CHECK(certified == 1);
  CHECK(gap >= 0 && gap <= 1e-9);
  /* Product, annealed, then up to 4 random ones (the defaults) until one does not improve. */
  CHECK(starts >= 3 && starts <= 6);
  CHECK(best < starts);
  CHECK_OK(gmmot_gw_info(gw, NULL, NULL, NULL, NULL, NULL));
  gmmot_gw_destroy(gw);

  /* A mixture that is not a copy: the value is positive, the same against the copy embedded in
   * R^3, and the same from the generic solver on the two matrices. */
  const double wq[2] = {0.5, 0.5}, mq[2] = {0, 3}, sq[2] = {1, 0.25};
  gmmot_gmm_t *q = H_MAKE_GMM(2, 1, wq, mq, sq);
  double v2 = -1, v3 = -1, vg = -1, e0[4], e1[9];
  gmmot_gw_t *a = NULL, *b = NULL, *g = NULL;
  CHECK_OK(gmmot_mgw2_create(q, g1, NULL, &a));
  CHECK_OK(gmmot_mgw2_create(q, g3, NULL, &b));
  CHECK_OK(gmmot_gw_value(a, &v2, NULL));
  CHECK_OK(gmmot_gw_value(b, &v3, NULL));
  CHECK(v2 > 0);
  CHECK_NEAR(v3, v2, 1e-10, 0);
  CHECK_OK(gmmot_gw_copy_cost_matrices(a, e0, 4, e1, 9));
  CHECK_OK(gmmot_gw_create(2, wq, e0, 3, w1, e1, NULL, &g));
  CHECK_OK(gmmot_gw_value(g, NULL, &vg));
  CHECK_NEAR(vg * vg, v2, 1e-12, 0);
  /* With 2 x 3 components every coupling is a convex combination of few vertices; the reference
   * is the objective at the returned plan, by the quadruple sum. */
  double pl[6], ref = 0;
  CHECK_OK(gmmot_gw_copy_plan(g, pl, 6));
  for (int i = 0; i < 2; ++i)
    for (int k = 0; k < 2; ++k)
      for (int j = 0; j < 3; ++j)
        for (int l = 0; l < 3; ++l) {
          const double diff = e0[2 * i + k] - e1[3 * j + l];
          ref += diff * diff * pl[3 * i + j] * pl[3 * k + l];
        }
  CHECK_NEAR(vg * vg, ref, 1e-12, 0);

  /* Bad input. */
  gmmot_gw_t *untouched = (gmmot_gw_t *)(void *)&h_sentinel_target;
  gmmot_gw_t *out = untouched;
  CHECK_ERROR(gmmot_mgw2_create(NULL, g1, NULL, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_mgw2_create", "g0");
  CHECK_ERROR(gmmot_mgw2_create(g0, g1, NULL, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_mgw2_create",
              "out");
  CHECK_ERROR(gmmot_gw_create(0, wq, e0, 3, w1, e1, NULL, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gw_create", "K0");
  const double bad[4] = {0, NAN, NAN, 0};
  CHECK_ERROR(gmmot_gw_create(2, wq, bad, 3, w1, e1, NULL, &out), GMMOT_E_NONFINITE,
              "gmmot_gw_create", "c0");
  const double asym[4] = {0, 1, 2, 0};
  CHECK_ERROR(gmmot_gw_create(2, wq, e0, 2, wq, asym, NULL, &out), GMMOT_E_NOT_SYMMETRIC,
              "gmmot_gw_create", "c1");
  const double negw[2] = {-0.5, 1.5};
  CHECK_ERROR(gmmot_gw_create(2, negw, e0, 2, wq, e0, NULL, &out), GMMOT_E_WEIGHTS,
              "gmmot_gw_create", "a");
  CHECK_ERROR(gmmot_gw_create(2, wq, NULL, 2, wq, e0, NULL, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gw_create", "c0");
  CHECK(out == untouched);
  CHECK_STATUS(gmmot_options_set_int(opts, GMMOT_OPT_GW_ANNEALING, 2), GMMOT_E_INVALID_ARGUMENT);
  CHECK_STATUS(gmmot_options_set_double(opts, GMMOT_OPT_GW_TOLERANCE, -1),
               GMMOT_E_INVALID_ARGUMENT);
  double small[3];
  h_fill(small, 3);
  CHECK_ERROR(gmmot_gw_copy_plan(g, small, 3), GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gw_copy_plan",
              "out_len");
  CHECK_UNTOUCHED(small, 3);
  CHECK_ERROR(gmmot_gw_copy_cost_matrices(g, NULL, 0, NULL, 0), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gw_copy_cost_matrices", "out_d0");
  CHECK_ERROR(gmmot_gw_value(g, NULL, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_gw_value",
              "out_value");
  CHECK_ERROR(gmmot_gw_info(NULL, NULL, NULL, NULL, NULL, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gw_info", "gw");
  CHECK(gmmot_gw_rows(NULL) == 0 && gmmot_gw_cols(NULL) == 0);
  gmmot_gw_destroy(NULL);

  /* Few iterations allowed: the plan is written with a warning and not certified, or is
   * certified (a vertex start can be stationary at once). */
  gmmot_options_t *tight = NULL;
  CHECK_OK(gmmot_options_create(&tight));
  CHECK_OK(gmmot_options_set_int(tight, GMMOT_OPT_GW_MAX_ITERATIONS, 1));
  CHECK_OK(gmmot_options_set_double(tight, GMMOT_OPT_GW_TOLERANCE, 0));
  gmmot_gw_t *t = NULL;
  const int st = gmmot_mgw2_create(q, g3, tight, &t);
  CHECK(st == GMMOT_OK || st == GMMOT_W_NOT_CONVERGED);
  if (t != NULL) {
    CHECK_OK(gmmot_gw_info(t, NULL, NULL, &certified, NULL, NULL));
    CHECK((st == GMMOT_OK) == (certified == 1));
  }
  gmmot_gw_destroy(t);
  gmmot_options_destroy(tight);

  /* Cancellation: by the progress callback at the first Frank-Wolfe step, and by a raised
   * interrupt flag; nothing is written. */
  {
    gmmot_options_t *stop = NULL;
    gmmot_interrupt_t *flag = NULL;
    gmmot_gw_t *none = untouched;
    CHECK_OK(gmmot_options_create(&stop));
    CHECK_OK(gmmot_options_set_progress(stop, cancel_in_gromov, NULL));
    CHECK_ERROR(gmmot_mgw2_create(q, g3, stop, &none), GMMOT_E_CANCELLED, "gmmot_mgw2_create",
                NULL);
    CHECK(none == untouched);
    if (none != untouched) gmmot_gw_destroy(none);
    none = untouched;
    CHECK_OK(gmmot_options_set_progress(stop, NULL, NULL));
    CHECK_OK(gmmot_interrupt_create(&flag));
    CHECK_OK(gmmot_interrupt_raise(flag));
    CHECK_OK(gmmot_options_set_interrupt(stop, flag));
    CHECK_ERROR(gmmot_gw_create(2, wq, e0, 3, w1, e1, stop, &none), GMMOT_E_CANCELLED,
                "gmmot_gw_create", NULL);
    CHECK(none == untouched);
    gmmot_options_destroy(stop);
    gmmot_interrupt_destroy(flag);
  }

  /* Gaussian GW: cov0 = R diag(4, 1) R^T in R^2 (R the rotation by 30 degrees), cov1 = 0.25 in
   * R^1: GGW^2 = 4 (5 - 0.25)^2 + 8 ((4 - 0.25)^2 + 1^2) = 210.75, A = +-0.25 (cos, sin). */
  {
    const double cov0[4] = {4 * c * c + sn * sn, 3 * c * sn, 3 * c * sn, 4 * sn * sn + c * c};
    const double cov1[1] = {0.25}, mean0[2] = {1, 2}, mean1[1] = {-1};
    double ggw2 = -1, amap[2], bmap[1], amap3[3];
    CHECK_OK(gmmot_gaussian_gw(2, mean0, cov0, 1, mean1, cov1, &ggw2, amap, 2, bmap, 1));
    CHECK_NEAR(ggw2, 210.75, 1e-13, 0);
    CHECK_NEAR(fabs(amap[0]), 0.25 * c, 1e-13, 0);
    CHECK_NEAR(fabs(amap[1]), 0.25 * sn, 1e-13, 0);
    CHECK(amap[0] * amap[1] > 0);
    CHECK_NEAR(bmap[0], -1 - amap[0] - 2 * amap[1], 1e-14, 1e-14);
    CHECK_OK(gmmot_gaussian_gw(1, NULL, cov1, 2, NULL, cov0, &ggw2, NULL, 0, NULL, 0));
    CHECK_NEAR(ggw2, 210.75, 1e-13, 0);
    h_fill(amap3, 3);
    CHECK_ERROR(gmmot_gaussian_gw(1, NULL, cov1, 2, NULL, cov0, &ggw2, amap3, 3, NULL, 0),
                GMMOT_E_NO_MAP, "gmmot_gaussian_gw", NULL);
    CHECK_UNTOUCHED(amap3, 3);
    CHECK_ERROR(gmmot_gaussian_gw(2, mean0, cov0, 1, mean1, cov1, &ggw2, amap, 1, bmap, 1),
                GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gaussian_gw", "a_len");
    CHECK_ERROR(gmmot_gaussian_gw(2, mean0, cov0, 0, mean1, cov1, &ggw2, NULL, 0, NULL, 0),
                GMMOT_E_DIMENSION, "gmmot_gaussian_gw", NULL);
    CHECK_ERROR(gmmot_gaussian_gw(2, mean0, NULL, 1, mean1, cov1, &ggw2, NULL, 0, NULL, 0),
                GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_gw", "cov0");
    {
      const double notpsd[4] = {1, 0, 0, -1};
      CHECK_ERROR(gmmot_gaussian_gw(2, NULL, notpsd, 1, NULL, cov1, &ggw2, NULL, 0, NULL, 0),
                  GMMOT_E_NOT_PSD, "gmmot_gaussian_gw", "cov0");
    }
  }

  gmmot_gw_destroy(a);
  gmmot_gw_destroy(b);
  gmmot_gw_destroy(g);
  gmmot_options_destroy(opts);
  gmmot_gmm_destroy(q);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  gmmot_gmm_destroy(g3);
}
