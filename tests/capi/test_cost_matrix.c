/* SPDX-License-Identifier: MIT */
/* gmmot_w2_cost_matrix: entries equal gmmot_gaussian_w2_squared of the component pairs (1e-12
 * relative plus 1e-15 (tr S0 + tr S1) absolute, the documented accuracy), bit-identical for any
 * number of threads, and its error paths (F.5 #4: dimension mismatch). */
#include <gmmot/gmmot.h>
#include <string.h>

#include "harness.h"

#define MAXK 25
#define MAXD 5

static gmmot_gmm_t *random_gmm(size_t k, size_t d, unsigned long *st, double *m, double *c) {
  double w[MAXK];
  gmmot_gmm_t *g = NULL;
  size_t i;
  for (i = 0; i < k; ++i) w[i] = 1.0 / (double)k;
  for (i = 0; i < k; ++i) {
    h_random_spd(d, st, c + i * d * d);
    h_random_vec(d, st, m + i * d);
  }
  h_check_status(gmmot_gmm_create(k, d, w, m, c, &g), GMMOT_OK, "gmmot_gmm_create", __FILE__,
                 __LINE__);
  return g;
}

static void test_entries(void) {
  unsigned long st = 8;
  double m0[4 * 3], c0[4 * 9], m1[5 * 3], c1[5 * 9], out[20];
  gmmot_gmm_t *g0 = random_gmm(4, 3, &st, m0, c0), *g1 = random_gmm(5, 3, &st, m1, c1);
  size_t k, l;
  if (!g0 || !g1) return;
  h_fill(out, 20);
  CHECK_OK(gmmot_w2_cost_matrix(g0, g1, NULL, out, 20));
  for (k = 0; k < 4; ++k) {
    for (l = 0; l < 5; ++l) {
      double w = H_SENTINEL, tr = h_trace(3, c0 + 9 * k) + h_trace(3, c1 + 9 * l);
      CHECK_OK(gmmot_gaussian_w2_squared(3, m0 + 3 * k, c0 + 9 * k, m1 + 3 * l, c1 + 9 * l, &w));
      CHECK_NEAR(out[k * 5 + l], w, 1e-12, 1e-15 * tr);
    }
  }
  /* Against itself: a zero diagonal (never negative). */
  CHECK_OK(gmmot_w2_cost_matrix(g0, g0, NULL, out, 16));
  for (k = 0; k < 4; ++k) {
    double tr = 2.0 * h_trace(3, c0 + 9 * k);
    CHECKF(out[k * 5] >= 0.0 && out[k * 5] <= 1e-14 * tr, "C[%lu][%lu] = %.3g", (unsigned long)k,
           (unsigned long)k, out[k * 5]);
  }

  /* Errors: NULLs, short buffer, dimension mismatch; nothing written. */
  {
    double m2[2 * 2], c2[2 * 4];
    gmmot_gmm_t *g2 = random_gmm(2, 2, &st, m2, c2);
    h_fill(out, 20);
    CHECK_ERROR(gmmot_w2_cost_matrix(NULL, g1, NULL, out, 20), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_w2_cost_matrix", "g0");
    CHECK_ERROR(gmmot_w2_cost_matrix(g0, NULL, NULL, out, 20), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_w2_cost_matrix", "g1");
    CHECK_ERROR(gmmot_w2_cost_matrix(g0, g1, NULL, NULL, 20), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_w2_cost_matrix", "out");
    CHECK_ERROR(gmmot_w2_cost_matrix(g0, g1, NULL, out, 19), GMMOT_E_BUFFER_TOO_SMALL,
                "gmmot_w2_cost_matrix", "out_len|out");
    CHECK_ERROR(gmmot_w2_cost_matrix(g0, g2, NULL, out, 20), GMMOT_E_DIMENSION,
                "gmmot_w2_cost_matrix", "g0|g1");
    CHECK_ERROR(gmmot_w2_cost_matrix(g2, g1, NULL, out, 20), GMMOT_E_DIMENSION,
                "gmmot_w2_cost_matrix", "g0|g1");
    CHECK_UNTOUCHED(out, 20);
    gmmot_gmm_destroy(g2);
  }
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

/* K = 1 vs K = 1 (F.5 #28), including a Dirac component. */
static void test_single(void) {
  static const double one[1] = {1.0}, m0[2] = {1, 2}, m1[2] = {-1, 0};
  static const double s0[4] = {0, 0, 0, 0}, s1[4] = {2, 1, 1, 3};
  gmmot_gmm_t *g0 = NULL, *g1 = NULL;
  double out[1] = {H_SENTINEL}, w = H_SENTINEL;
  CHECK_OK(gmmot_gmm_create(1, 2, one, m0, s0, &g0));
  CHECK_OK(gmmot_gmm_create(1, 2, one, m1, s1, &g1));
  CHECK_OK(gmmot_w2_cost_matrix(g0, g1, NULL, out, 1));
  CHECK_OK(gmmot_gaussian_w2_squared(2, m0, s0, m1, s1, &w));
  CHECK_NEAR(out[0], 8.0 + 5.0, 1e-14, 0.0);
  CHECK_NEAR(w, 13.0, 1e-14, 0.0);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  /* Exactly singular components, pre-factored at creation: S0 = v v^T, S1 = u u^T with
   * v . u = 0, so C = |v|^2 + |u|^2 = 14 (accuracy 1e-15 (tr S0 + tr S1) promised; 1e-14 tested).
   */
  {
    static const double z[3] = {0, 0, 0};
    static const double vv[9] = {1, 2, 2, 2, 4, 4, 2, 4, 4}, uu[9] = {4, -2, 0, -2, 1, 0, 0, 0, 0};
    g0 = g1 = NULL;
    CHECK_OK(gmmot_gmm_create(1, 3, one, z, vv, &g0));
    CHECK_OK(gmmot_gmm_create(1, 3, one, z, uu, &g1));
    out[0] = H_SENTINEL;
    CHECK_OK(gmmot_w2_cost_matrix(g0, g1, NULL, out, 1));
    CHECK_NEAR(out[0], 14.0, 0.0, 1e-14 * 14.0);
    gmmot_gmm_destroy(g0);
    gmmot_gmm_destroy(g1);
  }
}

/* Bit-identical whatever GMMOT_OPT_NUM_THREADS (F.5 #45). */
static void test_threads_identical(void) {
  static double m0[MAXK * MAXD], c0[MAXK * MAXD * MAXD], m1[MAXK * MAXD], c1[MAXK * MAXD * MAXD];
  static double a[MAXK * MAXK], b[MAXK * MAXK], c[MAXK * MAXK];
  unsigned long st = 11;
  gmmot_gmm_t *g0 = random_gmm(MAXK, MAXD, &st, m0, c0), *g1 = random_gmm(MAXK, MAXD, &st, m1, c1);
  gmmot_options_t *o1 = NULL, *o2 = NULL;
  if (!g0 || !g1) return;
  CHECK_OK(gmmot_options_create(&o1));
  CHECK_OK(gmmot_options_create(&o2));
  CHECK_OK(gmmot_options_set_int(o1, GMMOT_OPT_NUM_THREADS, 1));
  CHECK_OK(gmmot_options_set_int(o2, GMMOT_OPT_NUM_THREADS, 2));
  CHECK_OK(gmmot_w2_cost_matrix(g0, g1, o1, a, MAXK * MAXK));
  CHECK_OK(gmmot_w2_cost_matrix(g0, g1, o2, b, MAXK * MAXK));
  CHECK_OK(gmmot_w2_cost_matrix(g0, g1, NULL, c, MAXK * MAXK));
  CHECK(memcmp(a, b, sizeof a) == 0);
  CHECK(memcmp(a, c, sizeof a) == 0);
  gmmot_options_destroy(o1);
  gmmot_options_destroy(o2);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

void test_cost_matrix(void) {
  test_entries();
  test_single();
  test_threads_identical();
}
