/* SPDX-License-Identifier: MIT */
/* EW2 and MEW2 (mew2.h) through the C API: an isometric copy (rotation, reflection, translation)
 * has value 0, its isometry is the inverse rotation and its maps are x -> Q x + t exactly (every
 * pair maps a component onto its copy); across dimensions the value does not depend on the
 * order of the arguments and the maps have the right shape; a point cloud and its rigid copy;
 * the accessors against the inputs (weights, means); m < n has no map; progress, cancellation
 * and bad input with nothing written. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

void test_mew2(void);

static int g_embedding_reports;
static int g_monotone;
static uint64_t g_last_done;

static int on_progress(void *user, int stage, uint64_t done, uint64_t total, double value) {
  (void)user;
  (void)value;
  if (stage == GMMOT_STAGE_EMBEDDING) {
    ++g_embedding_reports;
    if (done < g_last_done || done > total) g_monotone = 0;
    g_last_done = done;
  }
  return 0;
}

static int cancel_embedding(void *user, int stage, uint64_t done, uint64_t total, double value) {
  (void)user;
  (void)total;
  (void)value;
  return stage == GMMOT_STAGE_EMBEDDING && done >= 1;
}

/* y = Q x + t for the 3 x 3 row-major Q. */
static void affine3(const double *q, const double *t, const double *x, double *y) {
  int i;
  for (i = 0; i < 3; ++i) y[i] = q[3 * i] * x[0] + q[3 * i + 1] * x[1] + q[3 * i + 2] * x[2] + t[i];
}

/* Q S Q^T for 3 x 3. */
static void conj3(const double *q, const double *s, double *out) {
  int i, j, k, l;
  for (i = 0; i < 3; ++i)
    for (j = 0; j < 3; ++j) {
      double v = 0;
      for (k = 0; k < 3; ++k)
        for (l = 0; l < 3; ++l) v += q[3 * i + k] * s[3 * k + l] * q[3 * j + l];
      out[3 * i + j] = v;
    }
}

static void test_copy(void) {
  /* mu: K = 3 in R^3, well separated. */
  const double w[3] = {0.2, 0.3, 0.5};
  const double m[9] = {0, 0, 0, 6, 1, -2, -3, 5, 2};
  const double s[27] = {1, 0.2, 0, 0.2, 0.5, 0.1,  0, 0.1,  0.8, 2,   0, 0.3, 0,  1,
                        0, 0.3, 0, 0.6, 0.7, -0.2, 0, -0.2, 1.5, 0.4, 0, 0.4, 1.1};
  /* Q: rotation by 40 degrees about z, then the reflection x -> -x. */
  const double c = cos(40 * H_PI / 180), sn = sin(40 * H_PI / 180);
  const double q[9] = {-c, sn, 0, sn, c, 0, 0, 0, 1};
  const double t[3] = {10, -4, 7};
  double m1[9], s1[27], plan[9], iso[9], mean0[3], mean1[3], value = H_SENTINEL, root;
  double x[12], y[12], yr[12], ref[3], mu_mean[3] = {0, 0, 0};
  gmmot_gmm_t *g0 = NULL, *g1 = NULL;
  gmmot_ew_t *ew = NULL;
  uint64_t iterations = 0, starts = 0, best = 99;
  int converged = -1, k, i, j;
  double gnorm = -1, rows[3] = {0, 0, 0}, cols[3] = {0, 0, 0};
  size_t ri[9], ci[9];
  double mass[9];

  for (k = 0; k < 3; ++k) {
    affine3(q, t, m + 3 * k, m1 + 3 * k);
    conj3(q, s + 9 * k, s1 + 9 * k);
  }
  CHECK_OK(gmmot_gmm_create(3, 3, w, m, s, &g0));
  CHECK_OK(gmmot_gmm_create(3, 3, w, m1, s1, &g1));
  CHECK_OK(gmmot_mew2_create(g0, g1, NULL, &ew));
  CHECK_OK(gmmot_ew_value(ew, &value, &root));
  CHECKF(value >= 0 && value <= 1e-12 * 10, "MEW2^2 of an isometric copy %g", value);
  CHECK(gmmot_ew_rows(ew) == 3 && gmmot_ew_cols(ew) == 3);
  CHECK(gmmot_ew_dim0(ew) == 3 && gmmot_ew_dim1(ew) == 3);
  CHECK_OK(gmmot_ew_info(ew, &iterations, &converged, &gnorm, &starts, &best));
  CHECK(converged == 1 && iterations >= 1 && gnorm >= 0 && gnorm < 1e-8);
  CHECK(starts == 9 && best < starts); /* 2^3 sign patterns and the annealed start */
  /* The plan: the identity correspondence, a coupling of the weights. */
  CHECK_OK(gmmot_ew_copy_plan(ew, plan, 9));
  for (i = 0; i < 3; ++i)
    for (j = 0; j < 3; ++j) {
      rows[i] += plan[3 * i + j];
      cols[j] += plan[3 * i + j];
      if (i != j) CHECK(plan[3 * i + j] == 0);
    }
  for (i = 0; i < 3; ++i) {
    CHECK_NEAR(rows[i], w[i], 1e-14, 0);
    CHECK_NEAR(cols[i], w[i], 1e-14, 0);
  }
  CHECK(gmmot_ew_nnz(ew) == 3);
  CHECK_OK(gmmot_ew_copy_sparse_plan(ew, ri, ci, mass, 9));
  for (i = 0; i < 3; ++i) CHECK(ri[i] == (size_t)i && ci[i] == (size_t)i && mass[i] == plan[4 * i]);
  /* The isometry embeds side 1 into side 0: Q^T; the means are the mixtures'. */
  CHECK_OK(gmmot_ew_copy_isometry(ew, iso, 9));
  for (i = 0; i < 3; ++i)
    for (j = 0; j < 3; ++j) CHECK_NEAR(iso[3 * i + j], q[3 * j + i], 0, 1e-8);
  CHECK_OK(gmmot_ew_copy_means(ew, mean0, 3, mean1, 3));
  for (k = 0; k < 3; ++k)
    for (i = 0; i < 3; ++i) mu_mean[i] += w[k] * m[3 * k + i];
  affine3(q, t, mu_mean, ref);
  for (i = 0; i < 3; ++i) {
    CHECK_NEAR(mean0[i], mu_mean[i], 1e-14, 1e-14);
    CHECK_NEAR(mean1[i], ref[i], 1e-14, 1e-13);
  }
  /* Maps: each pair sends a component onto its copy, so T_mean = T_rand = Q x + t. */
  for (i = 0; i < 12; ++i) x[i] = 0.7 * i - 3 + (i % 3) * 0.9;
  CHECK_OK(gmmot_mew2_map_mean(ew, 4, x, NULL, y, 12));
  CHECK_OK(gmmot_mew2_map_rand(ew, 4, x, NULL, yr, 12));
  for (k = 0; k < 4; ++k) {
    affine3(q, t, x + 3 * k, ref);
    for (i = 0; i < 3; ++i) {
      CHECK_NEAR(y[3 * k + i], ref[i], 0, 1e-7);
      CHECK_NEAR(yr[3 * k + i], ref[i], 0, 1e-7);
    }
  }
  /* n_points = 0 is a no-op, NULL arrays allowed. */
  CHECK_OK(gmmot_mew2_map_mean(ew, 0, NULL, NULL, NULL, 0));
  /* Buffers too small: errors, nothing written. */
  h_fill(y, 12);
  CHECK_ERROR(gmmot_mew2_map_mean(ew, 4, x, NULL, y, 11), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_mew2_map_mean", "out_len");
  CHECK_UNTOUCHED(y, 12);
  h_fill(plan, 9);
  CHECK_ERROR(gmmot_ew_copy_plan(ew, plan, 8), GMMOT_E_BUFFER_TOO_SMALL, "gmmot_ew_copy_plan",
              "out_len");
  CHECK_UNTOUCHED(plan, 9);
  h_fill(iso, 9);
  CHECK_ERROR(gmmot_ew_copy_isometry(ew, iso, 8), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_ew_copy_isometry", "out_len");
  CHECK_UNTOUCHED(iso, 9);
  CHECK_ERROR(gmmot_ew_copy_means(ew, mean0, 2, NULL, 0), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_ew_copy_means", "mean0_len");
  CHECK_ERROR(gmmot_ew_copy_sparse_plan(ew, ri, NULL, NULL, 2), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_ew_copy_sparse_plan", "triplets_len");
  CHECK_ERROR(gmmot_ew_value(ew, NULL, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_ew_value",
              "out_value");
  /* A non-finite point. */
  x[4] = NAN;
  h_fill(y, 12);
  CHECK_ERROR_AT(gmmot_mew2_map_mean(ew, 4, x, NULL, y, 12), GMMOT_E_NONFINITE,
                 "gmmot_mew2_map_mean", "x", 1);
  CHECK_UNTOUCHED(y, 12);
  gmmot_ew_destroy(ew);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

static void test_across_dimensions(void) {
  const double w0[3] = {0.5, 0.25, 0.25};
  const double m0[9] = {0, 0, 0, 5, 0, 1, 0, 6, -2};
  const double s0[27] = {1, 0, 0, 0,   1,   0, 0, 0, 1, 2,   0.5, 0,   0.5, 1,
                         0, 0, 0, 0.5, 0.5, 0, 0, 0, 2, 0.3, 0,   0.3, 1};
  const double w1[2] = {0.6, 0.4};
  const double m1[4] = {1, 1, -4, 2};
  const double s1[8] = {1, 0.2, 0.2, 0.7, 0.4, 0, 0, 1.2};
  gmmot_gmm_t *g0 = NULL, *g1 = NULL;
  gmmot_ew_t *a = NULL, *b = NULL;
  gmmot_options_t *o = NULL;
  double va = -1, vb = -2, iso[6], x[9], y[6], untouched[9];
  double mw2sq = 0;
  int i;

  CHECK_OK(gmmot_gmm_create(3, 3, w0, m0, s0, &g0));
  CHECK_OK(gmmot_gmm_create(2, 2, w1, m1, s1, &g1));
  CHECK_OK(gmmot_options_create(&o));
  CHECK_OK(gmmot_options_set_progress(o, on_progress, NULL));
  g_embedding_reports = 0;
  g_monotone = 1;
  g_last_done = 0;
  CHECK_OK(gmmot_mew2_create(g0, g1, o, &a));
  CHECK(g_embedding_reports > 0 && g_monotone);
  g_last_done = 0;
  CHECK_OK(gmmot_mew2_create(g1, g0, o, &b));
  CHECK_OK(gmmot_ew_value(a, &va, NULL));
  CHECK_OK(gmmot_ew_value(b, &vb, NULL));
  CHECK(va > 0);
  CHECK_NEAR(vb, va, 1e-10, 0);
  /* The isometry is 3 x 2 in both orders, with orthonormal columns. */
  CHECK_OK(gmmot_ew_copy_isometry(a, iso, 6));
  CHECK_NEAR(iso[0] * iso[0] + iso[2] * iso[2] + iso[4] * iso[4], 1, 1e-14, 0);
  CHECK_NEAR(iso[1] * iso[1] + iso[3] * iso[3] + iso[5] * iso[5], 1, 1e-14, 0);
  CHECK_NEAR(iso[0] * iso[1] + iso[2] * iso[3] + iso[4] * iso[5], 0, 0, 1e-14);
  /* Maps from R^3 to R^2: n_points x 2 out. */
  for (i = 0; i < 9; ++i) x[i] = i - 4.0;
  CHECK_OK(gmmot_mew2_map_mean(a, 3, x, NULL, y, 6));
  for (i = 0; i < 6; ++i) CHECK(isfinite(y[i]));
  /* m < n: no map, nothing written. */
  h_fill(untouched, 9);
  CHECK_ERROR(gmmot_mew2_map_mean(b, 3, y, NULL, untouched, 9), GMMOT_E_NO_MAP,
              "gmmot_mew2_map_mean", "m");
  CHECK_UNTOUCHED(untouched, 9);
  /* MEW2 <= MW2 when m = n (P = I is feasible). */
  {
    gmmot_ew_t *e = NULL;
    double v = -1;
    CHECK_OK(gmmot_mw2_squared(g0, g0, NULL, &mw2sq));
    CHECK_OK(gmmot_mew2_create(g0, g0, NULL, &e));
    CHECK_OK(gmmot_ew_value(e, &v, NULL));
    CHECK(v <= mw2sq + 1e-12);
    gmmot_ew_destroy(e);
  }
  /* Cancellation: error, *out untouched. */
  {
    gmmot_ew_t *e = (gmmot_ew_t *)(void *)&h_sentinel_target;
    CHECK_OK(gmmot_options_set_progress(o, cancel_embedding, NULL));
    CHECK_ERROR(gmmot_mew2_create(g0, g1, o, &e), GMMOT_E_CANCELLED, "gmmot_mew2_create", NULL);
    CHECK(e == (gmmot_ew_t *)(void *)&h_sentinel_target);
  }
  /* Bad arguments. */
  CHECK_ERROR(gmmot_mew2_create(NULL, g1, NULL, &a), GMMOT_E_INVALID_ARGUMENT, "gmmot_mew2_create",
              "g0");
  CHECK_ERROR(gmmot_mew2_create(g0, g1, NULL, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_mew2_create",
              "out");
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_EW_SIGN_FLIPS, 17), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_int", "GMMOT_OPT_EW_SIGN_FLIPS");
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_EW_TOLERANCE, -1), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_double", "GMMOT_OPT_EW_TOLERANCE");
  CHECK(gmmot_ew_rows(NULL) == 0 && gmmot_ew_dim1(NULL) == 0 && gmmot_ew_nnz(NULL) == 0);
  CHECK_ERROR(gmmot_ew_info(NULL, NULL, NULL, NULL, NULL, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_ew_info", "ew");
  gmmot_ew_destroy(NULL);
  gmmot_ew_destroy(a);
  gmmot_ew_destroy(b);
  gmmot_options_destroy(o);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

static void test_clouds(void) {
  /* Six points in R^2 and their image under a rotation by 100 degrees plus a translation, in
   * another order: EW2 = 0, the plan a permutation of mass 1/6 each. */
  const double p0[12] = {0, 0, 3, 0, 0, 1, -2, 2, 1, -3, 4, 4};
  const int order[6] = {3, 0, 5, 1, 4, 2};
  const double c = cos(100 * H_PI / 180), sn = sin(100 * H_PI / 180);
  double p1[12], plan[36], value = H_SENTINEL, y[2], iso[4];
  double nanpts[12], wneg[6] = {1, 1, 1, -1, 1, 1};
  gmmot_ew_t *ew = NULL, *keep = (gmmot_ew_t *)(void *)&h_sentinel_target;
  int i;

  for (i = 0; i < 6; ++i) {
    const double *x = p0 + 2 * order[i];
    p1[2 * i] = c * x[0] - sn * x[1] + 3;
    p1[2 * i + 1] = sn * x[0] + c * x[1] - 1;
  }
  CHECK_OK(gmmot_ew2_create(p0, 6, 2, NULL, p1, 6, 2, NULL, NULL, &ew));
  CHECK_OK(gmmot_ew_value(ew, &value, NULL));
  CHECKF(value >= 0 && value <= 1e-12, "EW2^2 of a rigid copy %g", value);
  CHECK(gmmot_ew_rows(ew) == 6 && gmmot_ew_cols(ew) == 6 && gmmot_ew_nnz(ew) == 6);
  CHECK_OK(gmmot_ew_copy_plan(ew, plan, 36));
  for (i = 0; i < 6; ++i) CHECK_NEAR(plan[6 * order[i] + i], 1.0 / 6, 1e-14, 0);
  /* The isometry is the inverse rotation R^T (side 1 into side 0). */
  CHECK_OK(gmmot_ew_copy_isometry(ew, iso, 4));
  CHECK_NEAR(iso[0], c, 0, 1e-10);
  CHECK_NEAR(iso[1], sn, 0, 1e-10);
  CHECK_NEAR(iso[2], -sn, 0, 1e-10);
  CHECK_NEAR(iso[3], c, 0, 1e-10);
  /* No maps for point clouds. */
  h_fill(y, 2);
  CHECK_ERROR(gmmot_mew2_map_mean(ew, 1, p0, NULL, y, 2), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_mew2_map_mean", "ew");
  CHECK_UNTOUCHED(y, 2);
  gmmot_ew_destroy(ew);

  /* Bad input, *out untouched. */
  memcpy(nanpts, p1, sizeof nanpts);
  nanpts[7] = INFINITY;
  CHECK_ERROR(gmmot_ew2_create(p0, 0, 2, NULL, p1, 6, 2, NULL, NULL, &keep), GMMOT_E_DIMENSION,
              "gmmot_ew2_create", "points0");
  CHECK_ERROR(gmmot_ew2_create(p0, 6, 2, NULL, p1, 6, 0, NULL, NULL, &keep), GMMOT_E_DIMENSION,
              "gmmot_ew2_create", "points1");
  CHECK_ERROR_AT(gmmot_ew2_create(p0, 6, 2, NULL, nanpts, 6, 2, NULL, NULL, &keep),
                 GMMOT_E_NONFINITE, "gmmot_ew2_create", "points1", 3);
  CHECK_ERROR_AT(gmmot_ew2_create(p0, 6, 2, wneg, p1, 6, 2, NULL, NULL, &keep), GMMOT_E_WEIGHTS,
                 "gmmot_ew2_create", "weights0", 3);
  CHECK_ERROR(gmmot_ew2_create(NULL, 6, 2, NULL, p1, 6, 2, NULL, NULL, &keep),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_ew2_create", "points0");
  CHECK_ERROR(gmmot_ew2_create(p0, 6, 2, NULL, p1, 6, 2, NULL, NULL, NULL),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_ew2_create", "out");
  CHECK(keep == (gmmot_ew_t *)(void *)&h_sentinel_target);
}

void test_mew2(void) {
  test_copy();
  test_across_dimensions();
  test_clouds();
}
