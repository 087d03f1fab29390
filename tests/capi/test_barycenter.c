/* SPDX-License-Identifier: MIT */
/* Gaussian barycenters and multi-marginal costs.
 * Tolerances: closed forms 1e-12 relative; fixed-point results (tolerance 1e-12 on a residual of
 * K = L^T S L type) checked at 1e-9 relative. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

static int bary(size_t j, size_t d, const double *w, const double *m, const double *c,
                const gmmot_options_t *o, double *om, double *oc, uint64_t *it, double *res) {
  return gmmot_gaussian_barycenter(j, d, w, m, c, o, om, d, oc, d * d, it, res);
}

static void test_closed_forms(void) {
  double om[3], oc[9], res = H_SENTINEL;
  uint64_t it = 777;
  /* d = 1: S* = (sum l_j sigma_j)^2 = (0.2*1 + 0.3*2 + 0.5*3)^2 = 2.3^2. */
  {
    static const double w[3] = {0.2, 0.3, 0.5}, m[3] = {1, -1, 2}, c[3] = {1, 4, 9};
    CHECK_OK(bary(3, 1, w, m, c, NULL, om, oc, &it, &res));
    CHECK_NEAR(om[0], 0.2 - 0.3 + 1.0, 1e-14, 0.0);
    CHECK_NEAR(oc[0], 2.3 * 2.3, 1e-12, 0.0);
  }
  /* Diagonal d = 3: S* = (sum l_j S_j^1/2)^2, m* = sum l_j m_j, 0 iterations. */
  {
    static const double w[3] = {0.25, 0.25, 0.5}, m[9] = {1, 0, 0, 0, 1, 0, 0, 0, 2};
    static const double c[27] = {1,       0, 0, 0, 4, 0, 0, 0, 9,
                                 /* */ 4, 0, 0, 0, 1, 0, 0, 0, 16,
                                 /* */ 9, 0, 0, 0, 9, 0, 0, 0, 0.25};
    int i, k;
    double e[3];
    for (i = 0; i < 3; ++i) {
      e[i] = 0.0;
      for (k = 0; k < 3; ++k) e[i] += w[k] * sqrt(c[k * 9 + i * 4]);
      e[i] *= e[i];
    }
    it = 777;
    CHECK_OK(bary(3, 3, w, m, c, NULL, om, oc, &it, &res));
    CHECK(it == 0);
    for (i = 0; i < 3; ++i) {
      for (k = 0; k < 3; ++k) CHECK_NEAR(oc[i * 3 + k], i == k ? e[i] : 0.0, 1e-12, 1e-15);
      CHECK_NEAR(om[i], 0.25 * m[i] + 0.25 * m[3 + i] + 0.5 * m[6 + i], 1e-14, 1e-15);
    }
    /* out_iterations and out_residual may be NULL. */
    CHECK_OK(gmmot_gaussian_barycenter(3, 3, w, m, c, NULL, om, 3, oc, 9, NULL, NULL));
  }
}

/* J = 2 with weights (1-t, t): the barycenter is the geodesic point at t, and the multi-marginal
 * cost is t (1-t) W2^2(mu0, mu1). */
static void test_two_marginals(void) {
  unsigned long st = 31337;
  size_t d;
  for (d = 2; d <= 5; ++d) {
    double c[50], m[10], w[2] = {0.7, 0.3}, om[5], oc[25], gm[5], gc[25], res = -1.0, w2, cost;
    uint64_t it = 0;
    size_t i;
    h_random_spd(d, &st, c);
    h_random_spd(d, &st, c + d * d);
    h_random_vec(2 * d, &st, m);
    CHECK_OK(bary(2, d, w, m, c, NULL, om, oc, &it, &res));
    CHECK_OK(gmmot_gaussian_geodesic(d, m, c, m + d, c + d * d, 0.3, gm, 5, gc, 25));
    CHECKF(h_frob_diff(d, oc, gc) <= 1e-9 * h_frob(d, gc), "d=%lu: barycenter = geodesic(0.3)",
           (unsigned long)d);
    for (i = 0; i < d; ++i) CHECK_NEAR(om[i], gm[i], 1e-14, 1e-15);
    CHECKF(res >= 0.0 && res <= 1e-12, "d=%lu: residual %.3g <= default tolerance 1e-12",
           (unsigned long)d, res);
    CHECK_OK(gmmot_gaussian_w2_squared(d, m, c, m + d, c + d * d, &w2));
    CHECK_OK(gmmot_gaussian_multimarginal_cost(2, d, w, m, c, NULL, &cost));
    CHECK_NEAR(cost, 0.21 * w2, 1e-9, 0.0);
  }
}

/* One singular input among non-singular ones (not commuting): still the geodesic point. */
static void test_singular_input(void) {
  static const double w[2] = {0.5, 0.5}, m[4] = {0, 0, 1, -1};
  static const double c[8] = {1, 0, 0, 2, /* */ 1, 1, 1, 1};
  double om[2], oc[4], gm[2], gc[4];
  CHECK_OK(bary(2, 2, w, m, c, NULL, om, oc, NULL, NULL));
  CHECK_OK(gmmot_gaussian_geodesic(2, m, c, m + 2, c + 4, 0.5, gm, 2, gc, 4));
  CHECKF(h_frob_diff(2, oc, gc) <= 1e-9 * h_frob(2, gc), "barycenter with a rank-1 input");
  CHECK_NEAR(om[0], 0.5, 1e-15, 0.0);
  CHECK_NEAR(om[1], -0.5, 1e-15, 0.0);
}

/* J = 3, non-commuting: the fixed point satisfies sum_j l_j A_j = I, with A_j the Monge map from
 * the barycenter to mu_j; zero weights ignore their component; the multi-marginal cost is
 * sum_j l_j W2^2(mu_j, mu*). */
static void test_fixed_point(void) {
  unsigned long st = 2024;
  static const double w[3] = {0.5, 0.2, 0.3}, w0[4] = {0.5, 0.0, 0.2, 0.3};
  double c[48], m[12], om[4], oc[16], a[16], b[4], sum[16], om2[4], oc2[16], cost, expect = 0.0;
  size_t i, k;
  uint64_t it = 0;
  double res = -1.0;
  for (k = 0; k < 3; ++k) h_random_spd(4, &st, c + k * 16);
  h_random_vec(12, &st, m);
  CHECK_OK(bary(3, 4, w, m, c, NULL, om, oc, &it, &res));
  CHECKF(it >= 1 && res <= 1e-12, "iterations %lu, residual %.3g", (unsigned long)it, res);
  memset(sum, 0, sizeof sum);
  for (k = 0; k < 3; ++k) {
    double w2 = 0.0;
    CHECK_OK(gmmot_gaussian_monge_map(4, om, oc, m + 4 * k, c + 16 * k, a, 16, b, 4, NULL));
    for (i = 0; i < 16; ++i) sum[i] += w[k] * a[i];
    CHECK_OK(gmmot_gaussian_w2_squared(4, m + 4 * k, c + 16 * k, om, oc, &w2));
    expect += w[k] * w2;
  }
  for (i = 0; i < 16; ++i) sum[i] -= (i % 5 == 0) ? 1.0 : 0.0;
  CHECKF(h_frob(4, sum) <= 1e-9, "||sum l_j A_j - I|| = %.3g", h_frob(4, sum));
  for (i = 0; i < 4; ++i)
    CHECK_NEAR(om[i], 0.5 * m[i] + 0.2 * m[4 + i] + 0.3 * m[8 + i], 1e-14, 1e-15);
  CHECK_OK(gmmot_gaussian_multimarginal_cost(3, 4, w, m, c, NULL, &cost));
  CHECK_NEAR(cost, expect, 1e-9, 0.0);

  /* A zero-weight component (a huge one) changes nothing. */
  {
    double c4[64], m4[16];
    memcpy(c4, c, 16 * sizeof(double));
    memset(c4 + 16, 0, 16 * sizeof(double));
    for (i = 0; i < 4; ++i) c4[16 + 5 * i] = 1e6;
    memcpy(c4 + 32, c + 16, 32 * sizeof(double));
    memcpy(m4, m, 4 * sizeof(double));
    for (i = 0; i < 4; ++i) m4[4 + i] = 1e3;
    memcpy(m4 + 8, m + 4, 8 * sizeof(double));
    CHECK_OK(bary(4, 4, w0, m4, c4, NULL, om2, oc2, NULL, NULL));
    CHECK(h_frob_diff(4, oc2, oc) <= 1e-10 * h_frob(4, oc));
    for (i = 0; i < 4; ++i) CHECK_NEAR(om2[i], om[i], 1e-14, 1e-15);
  }
}

/* Options: an iteration cap of 1 with tolerance 0 gives GMMOT_W_NOT_CONVERGED with the best
 * iterate and its residual written; a looser tolerance needs no more iterations. */
static void test_bary_options(void) {
  unsigned long st = 5;
  static const double w[3] = {0.3, 0.3, 0.4};
  double c[27], m[9], om[3], oc[9], res = H_SENTINEL;
  uint64_t it = 777, it_default = 0, it_loose = 0;
  gmmot_options_t *o = NULL;
  size_t k;
  for (k = 0; k < 3; ++k) h_random_spd(3, &st, c + 9 * k);
  h_random_vec(9, &st, m);
  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) return;
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, 1));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_BARYCENTER_TOLERANCE, 0.0));
  h_fill(om, 3);
  h_fill(oc, 9);
  /* A warning: outputs written, and a message naming the function. */
  CHECK_ERROR(bary(3, 3, w, m, c, o, om, oc, &it, &res), GMMOT_W_NOT_CONVERGED,
              "gmmot_gaussian_barycenter", NULL);
  CHECK(it == 1);
  CHECKF(res > 0.0 && res < 1.0 && !isnan(res), "residual %.3g", res);
  CHECK(!h_untouched(om, 1) && !h_untouched(oc, 1) && oc[0] > 0.0);
  {
    double cost = H_SENTINEL;
    CHECK_ERROR(gmmot_gaussian_multimarginal_cost(3, 3, w, m, c, o, &cost), GMMOT_W_NOT_CONVERGED,
                "gmmot_gaussian_multimarginal_cost", NULL);
    CHECK(cost > 0.0 && cost != H_SENTINEL);
  }

  CHECK_OK(bary(3, 3, w, m, c, NULL, om, oc, &it_default, &res));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, 1000));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_BARYCENTER_TOLERANCE, 1e-4));
  CHECK_OK(bary(3, 3, w, m, c, o, om, oc, &it_loose, &res));
  CHECKF(res <= 1e-4 && it_loose >= 1 && it_loose <= it_default,
         "tolerance 1e-4: %lu iterations (default: %lu), residual %.3g", (unsigned long)it_loose,
         (unsigned long)it_default, res);
  gmmot_options_destroy(o);
}

void test_gaussian_barycenter(void) {
  test_closed_forms();
  test_two_marginals();
  test_singular_input();
  test_fixed_point();
  test_bary_options();
}
