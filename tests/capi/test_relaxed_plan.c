/* SPDX-License-Identifier: MIT */
/* gmmot_relaxed_plan (gmmot/relaxed.h) and gmmot_mw2_create_from_points (gmmot/mw2.h): the
 * relaxed fit's plan as an MW2 handle (diagonal sparse plan with weights pi, coupling equal to
 * gmmot_relaxed_coupling, distance equal to the transport term, duals refused, T_mean moving a
 * translated copy by its translation, the handle outliving the fit), and MW_{K,2} between two
 * point clouds against gmmot_em_fit twice + gmmot_mw2_create (bit-identical), with its
 * warning and its errors naming the cloud. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

void test_relaxed_plan(void);

enum { N = 450, D = 2, K = 3 };
static double x0[N * D], x1[N * D];
static const double kTau[2] = {20.0, -6.0};

/* Three clusters; x1 = x0 + tau. */
static void make_clouds(void) {
  unsigned long st = 777;
  size_t i;
  const double c[3][2] = {{0, 0}, {7, 1}, {2, 8}};
  for (i = 0; i < N; ++i) {
    x0[i * D] = c[i % 3][0] + h_uniform(&st) + 0.3 * h_uniform(&st);
    x0[i * D + 1] = c[i % 3][1] + 0.6 * h_uniform(&st);
    x1[i * D] = x0[i * D] + kTau[0];
    x1[i * D + 1] = x0[i * D + 1] + kTau[1];
  }
}

static void check_relaxed_plan(void) {
  gmmot_options_t *o = NULL;
  gmmot_relaxed_t *r = NULL;
  gmmot_mw2_t *p = NULL;
  gmmot_gmm_t *gamma = NULL, *c = NULL;
  double transport = 0, mw2sq = 0, mass[K], w[K], gm[K * 2 * D], cm[K * 2 * D];
  double gs[K * 4 * D * D], cs[K * 4 * D * D], u[K], v[K], y[N * D], err = 0, tnorm;
  size_t rows[K], cols[K], i;
  uint64_t iters = 99;
  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) return;
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_COMPONENTS, K));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_RELAXED_LAMBDA, 1e5));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_RELAXED_TOLERANCE, 1e-12));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_MAX_ITERATIONS, 1000));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_SEED, 5));
  CHECK_OK(gmmot_relaxed_create(x0, N, x1, N, D, NULL, NULL, o, &r));
  if (r == NULL) goto done;
  CHECK_OK(gmmot_relaxed_plan(r, &p));
  if (p == NULL) goto done;
  CHECK(gmmot_mw2_rows(p) == K && gmmot_mw2_cols(p) == K && gmmot_mw2_dim(p) == D);
  CHECK(gmmot_mw2_nnz(p) == K);
  /* the diagonal plan w_kk = pi_k */
  CHECK_OK(gmmot_relaxed_coupling(r, &gamma));
  if (gamma == NULL) goto done;
  CHECK_OK(gmmot_gmm_copy_weights(gamma, w, K));
  CHECK_OK(gmmot_mw2_copy_sparse_plan(p, rows, cols, mass, K));
  for (i = 0; i < K; ++i) {
    CHECK(rows[i] == i && cols[i] == i);
    CHECK_NEAR(mass[i], w[i], 1e-15, 0);
  }
  /* its coupling is gamma, and its cost gamma's transport term */
  CHECK_OK(gmmot_mw2_coupling(p, &c));
  if (c == NULL) goto done;
  CHECK(gmmot_gmm_dim(c) == 2 * D && gmmot_gmm_ncomponents(c) == K);
  CHECK_OK(gmmot_gmm_copy_means(gamma, gm, K * 2 * D));
  CHECK_OK(gmmot_gmm_copy_means(c, cm, K * 2 * D));
  CHECK_OK(gmmot_gmm_copy_covariances(gamma, gs, K * 4 * D * D));
  CHECK_OK(gmmot_gmm_copy_covariances(c, cs, K * 4 * D * D));
  for (i = 0; i < K * 2 * D; ++i) CHECK(cm[i] == gm[i]);
  for (i = 0; i < K * 4 * D * D; ++i) CHECK_NEAR(cs[i], gs[i], 1e-10, 1e-12);
  CHECK_OK(gmmot_relaxed_energy(r, NULL, &transport, NULL, NULL, NULL));
  CHECK_OK(gmmot_mw2_distance(p, &mw2sq, NULL));
  CHECK_NEAR(mw2sq, transport, 1e-10, 0);
  /* a given plan: no duals (nothing written), 0 iterations */
  h_fill(u, K);
  h_fill(v, K);
  CHECK_ERROR(gmmot_mw2_copy_duals(p, u, K, v, K), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_copy_duals",
              "p");
  CHECK_UNTOUCHED(u, K);
  CHECK_UNTOUCHED(v, K);
  CHECK_OK(gmmot_mw2_info(p, &iters, NULL));
  CHECK(iters == 0);
  /* every other accessor applies: dense plan (diagonal), cost matrix (its diagonal gives the
   * distance), geodesic (K components, t = 0 is P0#gamma), pair maps (K of them) */
  {
    double dense[K * K], cost[K * K], am[K * D * D], bm[K * D], sum = 0;
    gmmot_gmm_t *geo = NULL;
    size_t j;
    CHECK_OK(gmmot_mw2_copy_plan(p, dense, K * K));
    CHECK_OK(gmmot_mw2_copy_cost_matrix(p, cost, K * K));
    for (i = 0; i < K; ++i)
      for (j = 0; j < K; ++j) CHECK(i == j ? dense[i * K + j] == mass[i] : dense[i * K + j] == 0);
    for (i = 0; i < K; ++i) sum += mass[i] * cost[i * K + i];
    CHECK_NEAR(sum, mw2sq, 1e-14, 0);
    CHECK_OK(gmmot_mw2_geodesic(p, 0.5, &geo));
    CHECK(geo != NULL && gmmot_gmm_ncomponents(geo) == K && gmmot_gmm_dim(geo) == D);
    gmmot_gmm_destroy(geo);
    CHECK_OK(gmmot_mw2_copy_pair_maps(p, am, K * D * D, bm, K * D));
  }
  /* T_mean after the fit is destroyed (the plan shares the marginals): x0 -> x0 + tau to
   * 1e-3 |tau| (the transport term's pull at lambda = 1e5 is O(|tau| |S| / lambda_abs); see
   * tests/core/test_relaxed_plan.cpp) */
  gmmot_relaxed_destroy(r);
  r = NULL;
  CHECK_OK(gmmot_mw2_map_mean(p, N, x0, NULL, y, N * D));
  for (i = 0; i < N * D; ++i) err = fmax(err, fabs(y[i] - x1[i]));
  tnorm = hypot(kTau[0], kTau[1]);
  CHECKF(err <= 1e-3 * tnorm, "T_mean moves x0 by tau: max error %g", err);
  CHECK_OK(gmmot_mw2_map_rand(p, N, x0, o, y, N * D));
done:
  gmmot_gmm_destroy(c);
  gmmot_gmm_destroy(gamma);
  gmmot_mw2_destroy(p);
  gmmot_relaxed_destroy(r);
  gmmot_options_destroy(o);
}

static int same_doubles(const double *a, const double *b, size_t n) {
  return memcmp(a, b, n * sizeof(double)) == 0;
}

static void check_from_points(void) {
  gmmot_options_t *o = NULL;
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *f0 = NULL, *f1 = NULL, *c1 = NULL, *c2 = NULL;
  gmmot_mw2_t *p1 = NULL, *p2 = NULL;
  double wts[N], a[64], b[64], s1 = 0, s2 = 0, u1[8], u2[8];
  double y[6], bad[N * D];
  size_t i;
  int t;
  for (i = 0; i < N; ++i) wts[i] = 1.0 + (double)(i % 4);
  for (t = 1; t <= 2; ++t) {
    CHECK_OK(gmmot_options_create(&o));
    if (o == NULL) return;
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_COMPONENTS, 4));
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_SEED, 17));
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, t));
    /* one call */
    CHECK_OK(gmmot_mw2_create_from_points(x0, N, x1, N - 10, D, NULL, wts, o, &p1));
    /* the three calls */
    CHECK_OK(gmmot_em_create(o, &em));
    CHECK_OK(gmmot_em_fit(em, N, D, x0, NULL, &f0));
    CHECK_OK(gmmot_em_fit(em, N - 10, D, x1, wts, &f1));
    CHECK_OK(gmmot_mw2_create(f0, f1, o, &p2));
    if (p1 == NULL || p2 == NULL) goto next;
    CHECK_OK(gmmot_mw2_distance(p1, &s1, NULL));
    CHECK_OK(gmmot_mw2_distance(p2, &s2, NULL));
    CHECK(s1 == s2);
    CHECK(gmmot_mw2_nnz(p1) == gmmot_mw2_nnz(p2));
    CHECK_OK(gmmot_mw2_copy_plan(p1, a, 64));
    CHECK_OK(gmmot_mw2_copy_plan(p2, b, 64));
    CHECK(same_doubles(a, b, 16));
    CHECK_OK(gmmot_mw2_copy_cost_matrix(p1, a, 64));
    CHECK_OK(gmmot_mw2_copy_cost_matrix(p2, b, 64));
    CHECK(same_doubles(a, b, 16));
    CHECK_OK(gmmot_mw2_copy_duals(p1, u1, 4, u1 + 4, 4));
    CHECK_OK(gmmot_mw2_copy_duals(p2, u2, 4, u2 + 4, 4));
    CHECK(same_doubles(u1, u2, 8));
    /* the fitted mixtures are the plan's: its coupling (means and covariances) agrees */
    CHECK_OK(gmmot_mw2_coupling(p1, &c1));
    CHECK_OK(gmmot_mw2_coupling(p2, &c2));
    if (c1 != NULL && c2 != NULL) {
      const size_t m = gmmot_mw2_nnz(p1) * 2 * D;
      CHECK(m <= 64);
      CHECK_OK(gmmot_gmm_copy_means(c1, a, 64));
      CHECK_OK(gmmot_gmm_copy_means(c2, b, 64));
      CHECK(same_doubles(a, b, m));
    }
    /* and the maps apply */
    CHECK_OK(gmmot_mw2_map_mean(p1, 3, x0, NULL, y, 6));
  next:
    gmmot_gmm_destroy(c1);
    gmmot_gmm_destroy(c2);
    gmmot_mw2_destroy(p1);
    gmmot_mw2_destroy(p2);
    gmmot_gmm_destroy(f0);
    gmmot_gmm_destroy(f1);
    gmmot_em_destroy(em);
    c1 = c2 = f0 = f1 = NULL;
    p1 = p2 = NULL;
    em = NULL;
    if (t == 2) break;
    gmmot_options_destroy(o);
    o = NULL;
  }
  /* an EM cap: the warning names the cloud, *out written */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_MAX_ITERATIONS, 1));
  CHECK_STATUS(gmmot_mw2_create_from_points(x0, N, x1, N, D, NULL, NULL, o, &p1),
               GMMOT_W_NOT_CONVERGED);
  CHECK(h_msg_contains("points0"));
  CHECK(p1 != NULL);
  gmmot_mw2_destroy(p1);
  p1 = (gmmot_mw2_t *)(void *)&h_sentinel_target;
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_MAX_ITERATIONS, 300));
  /* errors: the cloud named, *out untouched */
  memcpy(bad, x1, sizeof bad);
  bad[5 * D + 1] = NAN;
  CHECK_ERROR_AT(gmmot_mw2_create_from_points(x0, N, bad, N, D, NULL, NULL, o, &p1),
                 GMMOT_E_NONFINITE, "gmmot_mw2_create_from_points", "points1", 5);
  CHECK(p1 == (gmmot_mw2_t *)(void *)&h_sentinel_target);
  CHECK_ERROR(gmmot_mw2_create_from_points(x0, 0, x1, N, D, NULL, NULL, o, &p1), GMMOT_E_DIMENSION,
              "gmmot_mw2_create_from_points", "points0");
  CHECK_ERROR(gmmot_mw2_create_from_points(NULL, N, x1, N, D, NULL, NULL, o, &p1),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_create_from_points", "points0");
  CHECK(p1 == (gmmot_mw2_t *)(void *)&h_sentinel_target);
  gmmot_options_destroy(o);
}

void test_relaxed_plan(void) {
  make_clouds();
  check_relaxed_plan();
  check_from_points();
}
