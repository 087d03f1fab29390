/* SPDX-License-Identifier: MIT */
/* gmmot/em.h with GMMOT_OPT_EM_FAMILY = GMMOT_FAMILY_STUDENT_T (0.5): a t-mixture fitted to its
 * own samples (nu, the family of the handle, the reported log-likelihood against
 * gmmot_gmm_log_density), a fixed nu, gmmot_em_fit_joint (one nu for all outputs, info = the sum
 * of the mean log-likelihoods, bit-identical for 1 and 2 threads), gmmot_mw2_create_from_points
 * with the t family equal to the joint fit + gmmot_mw2_create, and bad inputs (nu <= 2, an
 * unknown family, split-and-merge with t, NULL arrays) with clear messages. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

void test_em_student_t(void);

enum { NT = 40000, D = 2, K = 2 };
static double xa[NT * D], xb[NT * D];

static gmmot_options_t *t_opts(int family, double dof, int threads) {
  gmmot_options_t *o = NULL;
  CHECK_OK(gmmot_options_create(&o));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_COMPONENTS, K));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_FAMILY, family));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_EM_DOF, dof));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, threads));
  return o;
}

static void sample_t(double nu, uint64_t seed, double *out) {
  const double w[K] = {0.7, 0.3}, m[K * D] = {0, 0, 6, 2};
  const double s[K * D * D] = {1, 0.4, 0.4, 1, 0.6, 0, 0, 0.3};
  gmmot_gmm_t *g = NULL;
  gmmot_options_t *o = NULL;
  CHECK_OK(gmmot_gmm_create_t(K, D, nu, w, m, s, &g));
  CHECK_OK(gmmot_options_create(&o));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_SEED, (int64_t)seed));
  CHECK_OK(gmmot_gmm_sample(g, NT, o, out, NT * D, NULL, 0));
  gmmot_options_destroy(o);
  gmmot_gmm_destroy(g);
}

static double mean_log_density(const gmmot_gmm_t *g, const double *x, size_t n) {
  static double lp[NT];
  double s = 0;
  size_t i;
  CHECK_OK(gmmot_gmm_log_density(g, n, x, NULL, lp, NT));
  for (i = 0; i < n; ++i) s += lp[i];
  return s / (double)n;
}

static void test_single(void) {
  gmmot_options_t *o = t_opts(GMMOT_FAMILY_STUDENT_T, 0, 2);
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *g = NULL;
  int family = -1, converged = 0;
  double nu = 0, ll = 0, means[K * D], scales[K * D * D], covs[K * D * D];
  size_t i;
  CHECK_OK(gmmot_em_create(o, &em));
  CHECK_OK(gmmot_em_fit(em, NT, D, xa, NULL, &g));
  CHECK_OK(gmmot_gmm_get_family(g, &family, &nu));
  CHECK(family == GMMOT_FAMILY_STUDENT_T);
  /* Sampled with nu = 3: the standard error at 4e4 points is about 0.06. */
  CHECKF(fabs(nu - 3.0) < 0.3, "nu = %g, expected 3", nu);
  CHECK_OK(gmmot_em_info(em, &ll, NULL, &converged));
  CHECK(converged == 1);
  CHECK_NEAR(ll, mean_log_density(g, xa, NT), 0, 1e-12);
  CHECK_OK(gmmot_gmm_copy_means(g, means, K * D));
  CHECK_OK(gmmot_gmm_copy_scales(g, scales, K * D * D));
  CHECK_OK(gmmot_gmm_copy_covariances(g, covs, K * D * D));
  for (i = 0; i < K * D * D; ++i) CHECK_NEAR(covs[i], nu / (nu - 2) * scales[i], 1e-14, 1e-300);
  gmmot_gmm_destroy(g);
  gmmot_em_destroy(em);
  gmmot_options_destroy(o);
  /* A fixed nu is kept exactly. */
  o = t_opts(GMMOT_FAMILY_STUDENT_T, 5.5, 1);
  CHECK_OK(gmmot_em_create(o, &em));
  CHECK_OK(gmmot_em_fit(em, NT, D, xa, NULL, &g));
  CHECK_OK(gmmot_gmm_get_family(g, &family, &nu));
  CHECK(family == GMMOT_FAMILY_STUDENT_T && nu == 5.5);
  gmmot_gmm_destroy(g);
  gmmot_em_destroy(em);
  gmmot_options_destroy(o);
}

static void test_joint(void) {
  const size_t n[2] = {NT, NT / 2};
  const double *pts[2] = {xa, xb};
  gmmot_gmm_t *out[2] = {NULL, NULL}, *out1[2] = {NULL, NULL};
  double nu0 = 0, nu1 = 0, ll = 0, c0[K * D * D], c1[K * D * D];
  int f0 = -1, f1 = -1;
  uint64_t passes = 0;
  gmmot_options_t *o = t_opts(GMMOT_FAMILY_STUDENT_T, 0, 2), *o1 = t_opts(1, 0, 1);
  gmmot_em_t *em = NULL, *em1 = NULL;
  CHECK_OK(gmmot_em_create(o, &em));
  CHECK_OK(gmmot_em_create(o1, &em1));
  CHECK_OK(gmmot_em_fit_joint(em, 2, D, n, pts, NULL, out));
  CHECK_OK(gmmot_gmm_get_family(out[0], &f0, &nu0));
  CHECK_OK(gmmot_gmm_get_family(out[1], &f1, &nu1));
  CHECK(f0 == GMMOT_FAMILY_STUDENT_T && f1 == GMMOT_FAMILY_STUDENT_T);
  CHECK(nu0 == nu1);
  CHECKF(nu0 > 3.0 && nu0 < 10.0, "joint nu = %g (data sets with nu 3 and 10)", nu0);
  CHECK_OK(gmmot_em_info(em, &ll, NULL, NULL));
  CHECK_NEAR(ll, mean_log_density(out[0], xa, NT) + mean_log_density(out[1], xb, NT / 2), 0, 2e-12);
  CHECK_OK(gmmot_em_work(em, &passes, NULL));
  CHECK(passes > 4);
  /* One thread: bit for bit. */
  CHECK_OK(gmmot_em_fit_joint(em1, 2, D, n, pts, NULL, out1));
  CHECK_OK(gmmot_gmm_copy_covariances(out[1], c0, K * D * D));
  CHECK_OK(gmmot_gmm_copy_covariances(out1[1], c1, K * D * D));
  CHECK(memcmp(c0, c1, sizeof c0) == 0);
  /* Bad inputs: nothing written. */
  {
    gmmot_gmm_t *none[2] = {H_SENTINEL_GMM, H_SENTINEL_GMM};
    const double *bad[2] = {xa, NULL};
    CHECK_ERROR(gmmot_em_fit_joint(em, 2, D, n, bad, NULL, none), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_em_fit_joint", "points[1]");
    CHECK_ERROR(gmmot_em_fit_joint(em, 2, D, NULL, pts, NULL, none), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_em_fit_joint", "n");
    CHECK_ERROR(gmmot_em_fit_joint(em, 0, D, n, pts, NULL, none), GMMOT_E_DIMENSION,
                "gmmot_em_fit_joint", "J");
    CHECK(none[0] == H_SENTINEL_GMM && none[1] == H_SENTINEL_GMM);
  }
  gmmot_gmm_destroy(out[0]);
  gmmot_gmm_destroy(out[1]);
  gmmot_gmm_destroy(out1[0]);
  gmmot_gmm_destroy(out1[1]);
  gmmot_em_destroy(em);
  gmmot_em_destroy(em1);
  gmmot_options_destroy(o);
  gmmot_options_destroy(o1);
}

static void test_mw2_from_points(void) {
  const size_t n[2] = {NT, NT / 2};
  const double *pts[2] = {xa, xb};
  gmmot_options_t *o = t_opts(GMMOT_FAMILY_STUDENT_T, 0, 2);
  gmmot_mw2_t *p = NULL, *q = NULL;
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *out[2] = {NULL, NULL};
  double a = 0, b = 0;
  CHECK_OK(gmmot_mw2_create_from_points(xa, NT, xb, NT / 2, D, NULL, NULL, o, &p));
  CHECK_OK(gmmot_mw2_distance(p, &a, NULL));
  CHECK_OK(gmmot_em_create(o, &em));
  CHECK_OK(gmmot_em_fit_joint(em, 2, D, n, pts, NULL, out));
  CHECK_OK(gmmot_mw2_create(out[0], out[1], o, &q));
  CHECK_OK(gmmot_mw2_distance(q, &b, NULL));
  CHECK(a == b && a > 0);
  gmmot_mw2_destroy(p);
  gmmot_mw2_destroy(q);
  gmmot_gmm_destroy(out[0]);
  gmmot_gmm_destroy(out[1]);
  gmmot_em_destroy(em);
  gmmot_options_destroy(o);
}

static void test_bad_options(void) {
  gmmot_options_t *o = NULL;
  gmmot_em_t *em = NULL;
  CHECK_OK(gmmot_options_create(&o));
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_EM_FAMILY, 2), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_int", "GMMOT_OPT_EM_FAMILY");
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_EM_DOF, -1), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_double", "GMMOT_OPT_EM_DOF");
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_FAMILY, GMMOT_FAMILY_STUDENT_T));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_EM_DOF, 2.0));
  CHECK_ERROR(gmmot_em_create(o, &em), GMMOT_E_INVALID_ARGUMENT, "gmmot_em_create",
              "GMMOT_OPT_EM_DOF");
  CHECK(em == NULL);
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_EM_DOF, 0));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_SPLIT_MERGE, 3));
  CHECK_ERROR(gmmot_em_create(o, &em), GMMOT_E_INVALID_ARGUMENT, "gmmot_em_create",
              "GMMOT_OPT_EM_SPLIT_MERGE");
  CHECK(em == NULL);
  gmmot_options_destroy(o);
}

void test_em_student_t(void) {
  sample_t(3.0, 11, xa);
  sample_t(10.0, 12, xb);
  test_single();
  test_joint();
  test_mw2_from_points();
  test_bad_options();
}
