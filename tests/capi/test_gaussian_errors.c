/* SPDX-License-Identifier: MIT */
/* Error paths of the single-Gaussian functions (gaussian.h): exact status, message naming the
 * function and the argument, outputs untouched. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

static const double kM0[2] = {1.0, -1.0}, kM1[2] = {0.5, 2.0};
static const double kS0[4] = {2.0, 0.5, 0.5, 1.0}, kS1[4] = {1.0, -0.25, -0.25, 3.0};

static void test_w2sq_errors(void) {
  double out = H_SENTINEL, bad[4];
  static const double big0[2] = {1e200, 0.0}, big1[2] = {-1e200, 0.0};
  static const double huge[4] = {1e308, 0.0, 0.0, 1e308}, zero[4] = {0.0, 0.0, 0.0, 0.0};

  CHECK_ERROR(gmmot_gaussian_w2_squared(0, kM0, kS0, kM1, kS1, &out), GMMOT_E_DIMENSION,
              "gmmot_gaussian_w2_squared", "d|dimension");
  CHECK_ERROR(gmmot_gaussian_w2_squared(2, NULL, kS0, kM1, kS1, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gaussian_w2_squared", "m0");
  CHECK_ERROR(gmmot_gaussian_w2_squared(2, kM0, NULL, kM1, kS1, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gaussian_w2_squared", "s0");
  CHECK_ERROR(gmmot_gaussian_w2_squared(2, kM0, kS0, NULL, kS1, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gaussian_w2_squared", "m1");
  CHECK_ERROR(gmmot_gaussian_w2_squared(2, kM0, kS0, kM1, NULL, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gaussian_w2_squared", "s1");
  CHECK_ERROR(gmmot_gaussian_w2_squared(2, kM0, kS0, kM1, kS1, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gaussian_w2_squared", "out_w2sq");
  {
    double m[2] = {1.0, NAN};
    CHECK_ERROR(gmmot_gaussian_w2_squared(2, kM0, kS0, m, kS1, &out), GMMOT_E_NONFINITE,
                "gmmot_gaussian_w2_squared", "m1");
  }
  memcpy(bad, kS1, sizeof bad);
  bad[3] = INFINITY;
  CHECK_ERROR(gmmot_gaussian_w2_squared(2, kM0, kS0, kM1, bad, &out), GMMOT_E_NONFINITE,
              "gmmot_gaussian_w2_squared", "s1");
  memcpy(bad, kS0, sizeof bad);
  bad[2] = 0.5 + 1e-3; /* asymmetric at 5e-4 relative */
  CHECK_ERROR(gmmot_gaussian_w2_squared(2, kM0, bad, kM1, kS1, &out), GMMOT_E_NOT_SYMMETRIC,
              "gmmot_gaussian_w2_squared", "s0");
  bad[1] = bad[2] = 2.0; /* [[2, 2], [2, 1]]: indefinite */
  CHECK_ERROR(gmmot_gaussian_w2_squared(2, kM0, kS0, kM1, bad, &out), GMMOT_E_NOT_PSD,
              "gmmot_gaussian_w2_squared", "s1");
  /* W2^2 above DBL_MAX: ||m0 - m1||^2 = 4e400, and tr S0 = 2e308. */
  CHECK_ERROR(gmmot_gaussian_w2_squared(2, big0, kS0, big1, kS1, &out), GMMOT_E_OVERFLOW,
              "gmmot_gaussian_w2_squared", NULL);
  CHECK_ERROR(gmmot_gaussian_w2_squared(2, kM0, huge, kM0, zero, &out), GMMOT_E_OVERFLOW,
              "gmmot_gaussian_w2_squared", NULL);
  CHECK(out == H_SENTINEL);
}

static void test_monge_errors(void) {
  double a[4], b[2], r = H_SENTINEL;
  static const double d10[4] = {1.0, 0.0, 0.0, 0.0}, d01[4] = {0.0, 0.0, 0.0, 1.0};
  static const double zero[4] = {0.0, 0.0, 0.0, 0.0};

  h_fill(a, 4);
  h_fill(b, 2);
  CHECK_ERROR(gmmot_gaussian_monge_map(2, kM0, kS0, kM1, kS1, a, 3, b, 2, &r),
              GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gaussian_monge_map", "a_len|out_a");
  CHECK_ERROR(gmmot_gaussian_monge_map(2, kM0, kS0, kM1, kS1, a, 4, b, 1, &r),
              GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gaussian_monge_map", "b_len|out_b");
  CHECK_ERROR(gmmot_gaussian_monge_map(2, kM0, kS0, kM1, kS1, NULL, 4, b, 2, &r),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_monge_map", "out_a");
  CHECK_ERROR(gmmot_gaussian_monge_map(2, kM0, kS0, kM1, kS1, a, 4, NULL, 2, &r),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_monge_map", "out_b");
  CHECK_ERROR(gmmot_gaussian_monge_map(2, NULL, kS0, kM1, kS1, a, 4, b, 2, &r),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_monge_map", "m0");
  CHECK_ERROR(gmmot_gaussian_monge_map(0, kM0, kS0, kM1, kS1, a, 4, b, 2, &r), GMMOT_E_DIMENSION,
              "gmmot_gaussian_monge_map", "d|dimension");
  /* F.5 #15: singular source whose range misses the target's: no map (the distance exists). */
  CHECK_ERROR(gmmot_gaussian_monge_map(2, kM0, d10, kM1, d01, a, 4, b, 2, &r), GMMOT_E_NO_MAP,
              "gmmot_gaussian_monge_map", "s0|s1");
  /* F.5 #16: a Dirac source and a non-Dirac target. */
  CHECK_ERROR(gmmot_gaussian_monge_map(2, kM0, zero, kM1, kS1, a, 4, b, 2, &r), GMMOT_E_NO_MAP,
              "gmmot_gaussian_monge_map", "s0|s1");
  CHECK_UNTOUCHED(a, 4);
  CHECK_UNTOUCHED(b, 2);
  CHECK(r == H_SENTINEL);
  /* ... while the distance and the geodesic still exist. */
  {
    double w = H_SENTINEL, gm[2], gc[4];
    CHECK_OK(gmmot_gaussian_w2_squared(2, kM0, d10, kM0, d01, &w));
    CHECK_NEAR(w, 2.0, 1e-15, 0.0); /* tr S0 + tr S1 - 0 */
    CHECK_OK(gmmot_gaussian_geodesic(2, kM0, zero, kM1, kS1, 0.5, gm, 2, gc, 4));
  }
}

static void test_geodesic_errors(void) {
  double gm[2], gc[4];
  h_fill(gm, 2);
  h_fill(gc, 4);
  /* t outside [0, 1] or NaN. */
  CHECK_ERROR(gmmot_gaussian_geodesic(2, kM0, kS0, kM1, kS1, -0.1, gm, 2, gc, 4),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_geodesic", "t");
  CHECK_ERROR(gmmot_gaussian_geodesic(2, kM0, kS0, kM1, kS1, 1.1, gm, 2, gc, 4),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_geodesic", "t");
  CHECK_ERROR(gmmot_gaussian_geodesic(2, kM0, kS0, kM1, kS1, -1e-300, gm, 2, gc, 4),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_geodesic", "t");
  CHECK_ERROR(gmmot_gaussian_geodesic(2, kM0, kS0, kM1, kS1, NAN, gm, 2, gc, 4),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_geodesic", "t");
  CHECK_ERROR(gmmot_gaussian_geodesic(2, kM0, kS0, kM1, kS1, INFINITY, gm, 2, gc, 4),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_geodesic", "t");
  CHECK_ERROR(gmmot_gaussian_geodesic(2, kM0, kS0, kM1, kS1, 0.5, gm, 1, gc, 4),
              GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gaussian_geodesic", "mean_len|out_mean");
  CHECK_ERROR(gmmot_gaussian_geodesic(2, kM0, kS0, kM1, kS1, 0.5, gm, 2, gc, 3),
              GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gaussian_geodesic", "cov_len|out_cov");
  CHECK_ERROR(gmmot_gaussian_geodesic(2, kM0, kS0, kM1, NULL, 0.5, gm, 2, gc, 4),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_geodesic", "s1");
  CHECK_ERROR(gmmot_gaussian_geodesic(2, kM0, kS0, kM1, kS1, 0.5, NULL, 2, gc, 4),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_geodesic", "out_mean");
  CHECK_ERROR(gmmot_gaussian_geodesic(2, kM0, kS0, kM1, kS1, 0.5, gm, 2, NULL, 4),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_geodesic", "out_cov");
  CHECK_UNTOUCHED(gm, 2);
  CHECK_UNTOUCHED(gc, 4);
}

static void test_barycenter_errors(void) {
  /* J = 3, d = 2. */
  double w[3] = {0.25, 0.5, 0.25}, m[6] = {0, 0, 1, 1, 2, -1};
  double c[12] = {1, 0, 0, 1, 2, 0.5, 0.5, 1, 1, -0.5, -0.5, 2};
  double om[2], oc[4], res = H_SENTINEL, cost = H_SENTINEL;
  uint64_t it = 777;

  h_fill(om, 2);
  h_fill(oc, 4);
#define BARY(jj, dd) gmmot_gaussian_barycenter((jj), (dd), w, m, c, NULL, om, 2, oc, 4, &it, &res)
  w[1] = 0.6; /* sum 1.1 */
  CHECK_ERROR(BARY(3, 2), GMMOT_E_WEIGHTS, "gmmot_gaussian_barycenter", "weights");
  CHECK_ERROR(gmmot_gaussian_multimarginal_cost(3, 2, w, m, c, NULL, &cost), GMMOT_E_WEIGHTS,
              "gmmot_gaussian_multimarginal_cost", "weights");
  w[0] = 0.75;
  w[1] = -0.25; /* the sum is exactly 1: only the sign is wrong */
  w[2] = 0.5;
  CHECK_ERROR_AT(BARY(3, 2), GMMOT_E_WEIGHTS, "gmmot_gaussian_barycenter", "weights", 1);
  w[0] = 0.25;
  w[1] = 0.5;
  w[2] = 0.25;
  CHECK_ERROR(BARY(3, 0), GMMOT_E_DIMENSION, "gmmot_gaussian_barycenter", "d|dimension");
  m[1 * 2 + 0] = NAN;
  CHECK_ERROR_AT(BARY(3, 2), GMMOT_E_NONFINITE, "gmmot_gaussian_barycenter", "means", 1);
  m[1 * 2 + 0] = 1.0;
  c[2 * 4 + 1] = c[2 * 4 + 2] = 5.0; /* covs[2] = [[1, 5], [5, 2]]: indefinite */
  CHECK_ERROR_AT(BARY(3, 2), GMMOT_E_NOT_PSD, "gmmot_gaussian_barycenter", "covs|covariances", 2);
  CHECK_ERROR_AT(gmmot_gaussian_multimarginal_cost(3, 2, w, m, c, NULL, &cost), GMMOT_E_NOT_PSD,
                 "gmmot_gaussian_multimarginal_cost", "covs|covariances", 2);
  c[2 * 4 + 2] = -0.5; /* covs[2] = [[1, 5], [-0.5, 2]]: asymmetry 5.5 / 5 */
  CHECK_ERROR_AT(BARY(3, 2), GMMOT_E_NOT_SYMMETRIC, "gmmot_gaussian_barycenter", "covs|covariances",
                 2);
  c[2 * 4 + 1] = -0.5;
  CHECK_ERROR(gmmot_gaussian_barycenter(3, 2, NULL, m, c, NULL, om, 2, oc, 4, &it, &res),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_barycenter", "weights");
  CHECK_ERROR(gmmot_gaussian_barycenter(3, 2, w, NULL, c, NULL, om, 2, oc, 4, &it, &res),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_barycenter", "means");
  CHECK_ERROR(gmmot_gaussian_barycenter(3, 2, w, m, NULL, NULL, om, 2, oc, 4, &it, &res),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_barycenter", "covs|covariances");
  CHECK_ERROR(gmmot_gaussian_barycenter(3, 2, w, m, c, NULL, om, 1, oc, 4, &it, &res),
              GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gaussian_barycenter", "mean_len|out_mean");
  CHECK_ERROR(gmmot_gaussian_barycenter(3, 2, w, m, c, NULL, om, 2, oc, 3, &it, &res),
              GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gaussian_barycenter", "cov_len|out_cov");
  CHECK_ERROR(gmmot_gaussian_multimarginal_cost(3, 2, w, m, c, NULL, NULL),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_gaussian_multimarginal_cost", "out_cost");
  /* J = 0: not specified beyond "an error"; nothing written. */
  CHECKF(BARY(0, 2) < 0, "barycenter with J = 0 is an error");
#undef BARY
  CHECK_UNTOUCHED(om, 2);
  CHECK_UNTOUCHED(oc, 4);
  CHECK(it == 777 && res == H_SENTINEL && cost == H_SENTINEL);
  /* Sanity: the repaired input now works. */
  CHECK_OK(gmmot_gaussian_barycenter(3, 2, w, m, c, NULL, om, 2, oc, 4, &it, &res));
}

void test_gaussian_errors(void) {
  test_w2sq_errors();
  test_monge_errors();
  test_geodesic_errors();
  test_barycenter_errors();
}
