/* SPDX-License-Identifier: MIT */
/* Student-t mixtures (gmmot/gmm.h, @since 0.5) through the C API: creation and its refusals,
 * the accessors, the family checks of every entry point that takes two or more mixtures
 * (GMMOT_E_FAMILY naming both, nothing written), the downstream results (MW2, plan, coupling,
 * geodesic, maps, barycenters) against the same computation on Gaussian mixtures with the same
 * covariances (MW2 only sees covariances), the Gaussian limit nu -> infinity, and the saved
 * format (golden bytes from an independent writer, bit-exact round trips, bad nu refused).
 * Densities and sampling statistics against SciPy: tests/ffi/python/test_student_t.py. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

void test_student_t(void);

#define D 2
#define K 2

static const double kW0[K] = {0.3, 0.7}, kW1[K] = {0.55, 0.45};
static const double kM0[K * D] = {0.0, 0.0, 3.0, 1.0}, kM1[K * D] = {1.0, -1.0, 2.5, 2.0};
static const double kS0[K * D * D] = {1.0, 0.3, 0.3, 0.5, 0.4, -0.1, -0.1, 2.0};
static const double kS1[K * D * D] = {0.7, 0.0, 0.0, 1.3, 2.0, 0.6, 0.6, 0.9};

/* K = 2, d = 1, nu = 3: weights (0.25, 0.75), means (-1.5, 2), scales (0.5, 2); written by an
 * independent writer (Python struct + a bitwise CRC-64/XZ) from the layout of gmm_io.h. */
static const unsigned char kGoldenT[96] = {
    0x89, 0x47, 0x4d, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a, 0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd0, 0x3f,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0xbf,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x3f,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x3f, 0xd1, 0xb0, 0x43, 0x24, 0x36, 0x91, 0xca};

static gmmot_gmm_t *make_t(double nu, const double *w, const double *m, const double *s) {
  gmmot_gmm_t *g = NULL;
  CHECK_OK(gmmot_gmm_create_t(K, D, nu, w, m, s, &g));
  return g;
}

/* The Gaussian mixture with the covariances nu / (nu - 2) S of the t-mixture (w, m, S). */
static gmmot_gmm_t *make_gauss_cov(double nu, const double *w, const double *m, const double *s) {
  double c[K * D * D];
  size_t i;
  for (i = 0; i < K * D * D; ++i) c[i] = nu / (nu - 2.0) * s[i];
  return H_MAKE_GMM(K, D, w, m, c);
}

static int family_of(const gmmot_gmm_t *g, double *nu) {
  int f = -1;
  double v = 0;
  CHECK_OK(gmmot_gmm_get_family(g, &f, &v));
  if (nu != NULL) *nu = v;
  return f;
}

static int same_bits(const double *a, const double *b, size_t n) {
  return memcmp(a, b, n * sizeof(double)) == 0;
}

static double max_rel_diff(const double *a, const double *b, size_t n) {
  double worst = 0, scale = 0;
  size_t i;
  for (i = 0; i < n; ++i) scale = fmax(scale, fabs(b[i]));
  for (i = 0; i < n; ++i) worst = fmax(worst, fabs(a[i] - b[i]));
  return scale > 0 ? worst / scale : worst;
}

static void test_create_and_accessors(void) {
  gmmot_gmm_t *t = make_t(3.0, kW0, kM0, kS0), *g = H_MAKE_GMM(K, D, kW0, kM0, kS0);
  double nu = 0, buf[K * D * D], cov[K * D * D];
  size_t i;
  if (t == NULL || g == NULL) goto done;
  CHECK(family_of(t, &nu) == GMMOT_FAMILY_STUDENT_T && nu == 3.0);
  CHECK(family_of(g, &nu) == GMMOT_FAMILY_GAUSSIAN && isinf(nu) && nu > 0);
  CHECK_OK(gmmot_gmm_get_family(t, NULL, NULL));
  CHECK_ERROR(gmmot_gmm_get_family(NULL, NULL, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_get_family", "gmm");
  CHECK_OK(gmmot_gmm_copy_scales(t, buf, K * D * D));
  CHECK(same_bits(buf, kS0, K * D * D));
  /* nu / (nu - 2) = 3 exactly: the covariances are 3 S bit for bit. */
  CHECK_OK(gmmot_gmm_copy_covariances(t, cov, K * D * D));
  for (i = 0; i < K * D * D; ++i) CHECKF(cov[i] == 3.0 * kS0[i], "cov[%zu] = %g", i, cov[i]);
  /* A Gaussian mixture's scales are its covariances. */
  CHECK_OK(gmmot_gmm_copy_scales(g, buf, K * D * D));
  CHECK(same_bits(buf, kS0, K * D * D));
  h_fill(buf, K * D * D);
  CHECK_ERROR(gmmot_gmm_copy_scales(t, buf, K * D * D - 1), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_gmm_copy_scales", "out_len");
  CHECK_UNTOUCHED(buf, K * D * D);
done:
  gmmot_gmm_destroy(t);
  gmmot_gmm_destroy(g);
}

static void test_bad_nu_and_scales(void) {
  static const double bad_nu[] = {2.0, 1.999, 1.0, 0.0, -3.0};
  gmmot_gmm_t *out = H_SENTINEL_GMM;
  double s[K * D * D];
  size_t i;
  for (i = 0; i < sizeof bad_nu / sizeof bad_nu[0]; ++i) {
    CHECK_ERROR(gmmot_gmm_create_t(K, D, bad_nu[i], kW0, kM0, kS0, &out), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_gmm_create_t", "nu");
    CHECK(out == H_SENTINEL_GMM);
  }
  CHECK_ERROR(gmmot_gmm_create_t(K, D, NAN, kW0, kM0, kS0, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_create_t", "nu");
  CHECK_ERROR(gmmot_gmm_create_t(K, D, INFINITY, kW0, kM0, kS0, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_create_t", "nu");
  CHECK_ERROR(gmmot_gmm_create_t(K, D, -INFINITY, kW0, kM0, kS0, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_create_t", "nu");
  CHECK(out == H_SENTINEL_GMM);
  CHECK_ERROR(gmmot_gmm_create_t(K, D, 3.0, kW0, kM0, NULL, &out), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_create_t", "scales");
  /* The scale matrices are validated as covariances, the messages naming scales[c]. */
  memcpy(s, kS0, sizeof s);
  s[4 + 1] = NAN;
  CHECK_ERROR_AT(gmmot_gmm_create_t(K, D, 3.0, kW0, kM0, s, &out), GMMOT_E_NONFINITE,
                 "gmmot_gmm_create_t", "scales", 1);
  memcpy(s, kS0, sizeof s);
  s[1] = 0.9;
  CHECK_ERROR_AT(gmmot_gmm_create_t(K, D, 3.0, kW0, kM0, s, &out), GMMOT_E_NOT_SYMMETRIC,
                 "gmmot_gmm_create_t", "scales", 0);
  memcpy(s, kS0, sizeof s);
  s[4] = -1.0;
  CHECK_ERROR_AT(gmmot_gmm_create_t(K, D, 3.0, kW0, kM0, s, &out), GMMOT_E_NOT_PSD,
                 "gmmot_gmm_create_t", "scales", 1);
  /* nu just above 2: nu / (nu - 2) S overflows for a huge (finite) scale. */
  memcpy(s, kS0, sizeof s);
  s[0] = 1e300;
  CHECK_ERROR_AT(gmmot_gmm_create_t(K, D, 2.0 + 1e-12, kW0, kM0, s, &out), GMMOT_E_OVERFLOW,
                 "gmmot_gmm_create_t", "scales", 0);
  CHECK(out == H_SENTINEL_GMM);
}

/* status must be GMMOT_E_FAMILY with a message naming both families; call right after. */
static void check_family_error(int status, const char *a, const char *b, int line) {
  const char *m = gmmot_last_error_message();
  int ok = status == GMMOT_E_FAMILY && m != NULL && strstr(m, a) != NULL && strstr(m, b) != NULL;
  h_check(ok, __FILE__, line, "status %d, message \"%s\": expected GMMOT_E_FAMILY naming %s and %s",
          status, m != NULL ? m : "(null)", a, b);
}
#define CHECK_FAMILY(call, a, b) check_family_error((call), (a), (b), __LINE__)

static void test_family_mismatch(void) {
  gmmot_gmm_t *g = H_MAKE_GMM(K, D, kW0, kM0, kS0);
  gmmot_gmm_t *t3 = make_t(3.0, kW1, kM1, kS1), *t5 = make_t(5.0, kW0, kM0, kS0);
  gmmot_gmm_t *t3b = make_t(3.0, kW0, kM0, kS0);
  gmmot_mw2_t *p = (gmmot_mw2_t *)(void *)&h_sentinel_target;
  gmmot_mw2_barycenter_t *b = (gmmot_mw2_barycenter_t *)(void *)&h_sentinel_target;
  gmmot_relaxed_t *r = (gmmot_relaxed_t *)(void *)&h_sentinel_target;
  const double lambda[2] = {0.5, 0.5};
  double sq = H_SENTINEL, cost[K * K];
  const char *gs = "Gaussian", *s3 = "Student-t (nu = 3)", *s5 = "Student-t (nu = 5)";
  if (g == NULL || t3 == NULL || t5 == NULL || t3b == NULL) goto done;
  CHECK_FAMILY(gmmot_mw2_create(g, t3, NULL, &p), gs, s3);
  CHECK_FAMILY(gmmot_mw2_create(t3, g, NULL, &p), gs, s3);
  CHECK_FAMILY(gmmot_mw2_create(t3, t5, NULL, &p), s3, s5);
  CHECK(p == (gmmot_mw2_t *)(void *)&h_sentinel_target);
  CHECK_FAMILY(gmmot_mw2_squared(t5, t3, NULL, &sq), s3, s5);
  CHECK_FAMILY(gmmot_mw2_squared(g, t5, NULL, &sq), gs, s5);
  CHECK(sq == H_SENTINEL);
  h_fill(cost, K * K);
  CHECK_FAMILY(gmmot_w2_cost_matrix(g, t3, NULL, cost, K * K), gs, s3);
  CHECK_FAMILY(gmmot_w2_cost_matrix(t5, t3, NULL, cost, K * K), s3, s5);
  CHECK_UNTOUCHED(cost, K * K);
  {
    const gmmot_gmm_t *gt[2] = {g, t3}, *tt[2] = {t3, t5}, *same[2] = {t3, t3b};
    const double means[D] = {1.0, 0.5}, scales[D * D] = {1.0, 0.0, 0.0, 1.0};
    CHECK_FAMILY(gmmot_mw2_barycenter_exact(gt, 2, lambda, 2, NULL, &b), gs, s3);
    CHECK_FAMILY(gmmot_mw2_barycenter_exact(tt, 2, lambda, 2, NULL, &b), s3, s5);
    CHECK_FAMILY(
        gmmot_mw2_barycenter_fixed_support(tt, 2, lambda, 2, 1, means, D, scales, D * D, NULL, &b),
        s3, s5);
    CHECK_FAMILY(
        gmmot_mw2_barycenter_fixed_support(gt, 2, lambda, 2, 1, means, D, scales, D * D, NULL, &b),
        gs, s3);
    CHECK_FAMILY(gmmot_mw2_barycenter_fixed_point(gt, 2, lambda, 2, NULL, NULL, &b), gs, s3);
    CHECK_FAMILY(gmmot_mw2_barycenter_fixed_point(same, 2, lambda, 2, g, NULL, &b), gs, s3);
    CHECK_FAMILY(gmmot_mw2_barycenter_fixed_point(same, 2, lambda, 2, t5, NULL, &b), s3, s5);
    CHECK(b == (gmmot_mw2_barycenter_t *)(void *)&h_sentinel_target);
  }
  {
    /* The KL-relaxed fit models Gaussian mixtures: a t start is refused. */
    double x0[40 * D], x1[40 * D];
    gmmot_options_t *o = NULL;
    unsigned long st = 7;
    size_t i;
    for (i = 0; i < 40 * D; ++i) x0[i] = h_uniform(&st), x1[i] = 2.0 + h_uniform(&st);
    CHECK_OK(gmmot_options_create(&o));
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_COMPONENTS, K));
    CHECK_FAMILY(gmmot_relaxed_create_from(x0, 40, x1, 40, D, NULL, NULL, t3, t3b, o, &r), s3,
                 "Gaussian mixtures only");
    CHECK(r == (gmmot_relaxed_t *)(void *)&h_sentinel_target);
    gmmot_options_destroy(o);
  }
  {
    /* MGW2 compares each side's own W2 matrices: any two families, and only the covariances
     * matter (a Gaussian mixture with t3's covariances gives the same value bit for bit). */
    gmmot_gmm_t *g3 = make_gauss_cov(3.0, kW1, kM1, kS1);
    gmmot_gw_t *a = NULL, *c = NULL;
    double va = -1, vc = -2;
    CHECK_OK(gmmot_mgw2_create(g, t3, NULL, &a));
    CHECK_OK(gmmot_mgw2_create(g, g3, NULL, &c));
    if (a != NULL && c != NULL) {
      CHECK_OK(gmmot_gw_value(a, &va, NULL));
      CHECK_OK(gmmot_gw_value(c, &vc, NULL));
      CHECKF(va == vc && va > 0, "MGW2 %.17g vs %.17g", va, vc);
    }
    gmmot_gw_destroy(a);
    gmmot_gw_destroy(c);
    gmmot_gmm_destroy(g3);
  }
done:
  gmmot_gmm_destroy(g);
  gmmot_gmm_destroy(t3);
  gmmot_gmm_destroy(t5);
  gmmot_gmm_destroy(t3b);
}

/* Family nu, K components of dimension d, covariances as the Gaussian result's bit for bit and
 * scales = covariances / (nu / (nu - 2)) to an ulp. */
static void check_t_result(const gmmot_gmm_t *t, const gmmot_gmm_t *ref, double nu,
                           const char *what) {
  size_t k = gmmot_gmm_ncomponents(t), d = gmmot_gmm_dim(t), n = k * d * d, i;
  double f_nu = 0, *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
  double *s = malloc(n * sizeof *s), wa[16], wb[16];
  CHECKF(family_of(t, &f_nu) == GMMOT_FAMILY_STUDENT_T && f_nu == nu, "%s: family", what);
  CHECKF(k == gmmot_gmm_ncomponents(ref) && d == gmmot_gmm_dim(ref) && k <= 16, "%s: shape", what);
  if (a == NULL || b == NULL || s == NULL || k != gmmot_gmm_ncomponents(ref) || k > 16) goto out;
  CHECK_OK(gmmot_gmm_copy_covariances(t, a, n));
  CHECK_OK(gmmot_gmm_copy_covariances(ref, b, n));
  CHECKF(max_rel_diff(a, b, n) <= 4e-16, "%s: covariances differ by %.3g", what,
         max_rel_diff(a, b, n));
  CHECK_OK(gmmot_gmm_copy_scales(t, s, n));
  for (i = 0; i < n; ++i) s[i] *= nu / (nu - 2.0);
  CHECKF(max_rel_diff(s, a, n) <= 4e-16, "%s: scales * nu/(nu-2) vs covariances: %.3g", what,
         max_rel_diff(s, a, n));
  CHECK_OK(gmmot_gmm_copy_weights(t, wa, k));
  CHECK_OK(gmmot_gmm_copy_weights(ref, wb, k));
  CHECKF(same_bits(wa, wb, k), "%s: weights", what);
out:
  free(a);
  free(b);
  free(s);
}

static void test_downstream(void) {
  const double nu = 5.0;
  gmmot_gmm_t *t0 = make_t(nu, kW0, kM0, kS0), *t1 = make_t(nu, kW1, kM1, kS1);
  gmmot_gmm_t *g0 = make_gauss_cov(nu, kW0, kM0, kS0), *g1 = make_gauss_cov(nu, kW1, kM1, kS1);
  gmmot_mw2_t *pt = NULL, *pg = NULL;
  gmmot_gmm_t *ct = NULL, *cg = NULL, *et = NULL, *eg = NULL;
  double st = -1, sg = -2, plan_t[K * K], plan_g[K * K];
  if (t0 == NULL || t1 == NULL || g0 == NULL || g1 == NULL) goto done;
  CHECK_OK(gmmot_mw2_create(t0, t1, NULL, &pt));
  CHECK_OK(gmmot_mw2_create(g0, g1, NULL, &pg));
  if (pt == NULL || pg == NULL) goto done;
  /* MW2 sees only the covariances: the same value and plan bit for bit. */
  CHECK_OK(gmmot_mw2_distance(pt, &st, NULL));
  CHECK_OK(gmmot_mw2_distance(pg, &sg, NULL));
  CHECKF(st == sg && st > 0, "MW2^2 %.17g vs %.17g", st, sg);
  CHECK_OK(gmmot_mw2_copy_plan(pt, plan_t, K * K));
  CHECK_OK(gmmot_mw2_copy_plan(pg, plan_g, K * K));
  CHECK(same_bits(plan_t, plan_g, K * K));
  /* The coupling: t in 2d with nu, its scales the coupled covariances / (nu / (nu - 2)). */
  CHECK_OK(gmmot_mw2_coupling(pt, &ct));
  CHECK_OK(gmmot_mw2_coupling(pg, &cg));
  if (ct != NULL && cg != NULL) {
    CHECK(gmmot_gmm_dim(ct) == 2 * D);
    check_t_result(ct, cg, nu, "coupling");
  }
  CHECK_OK(gmmot_mw2_geodesic(pt, 0.3, &et));
  CHECK_OK(gmmot_mw2_geodesic(pg, 0.3, &eg));
  if (et != NULL && eg != NULL) check_t_result(et, eg, nu, "geodesic(0.3)");
  {
    /* T_rand: every mapped point is T_kl(x) = A x + b of one pair of the plan. */
    double x[20 * D], y[20 * D], a[K * K * D * D], bb[K * K * D];
    size_t n = gmmot_mw2_nnz(pt), i, q, j;
    unsigned long s = 3;
    for (i = 0; i < 20 * D; ++i) x[i] = 3.0 * h_uniform(&s);
    CHECK_OK(gmmot_mw2_map_rand(pt, 20, x, NULL, y, 20 * D));
    CHECK_OK(gmmot_mw2_copy_pair_maps(pt, a, n * D * D, bb, n * D));
    for (i = 0; i < 20; ++i) {
      double best = INFINITY;
      for (q = 0; q < n; ++q) {
        double e = 0;
        for (j = 0; j < D; ++j) {
          const double v = a[q * D * D + j * D] * x[i * D] +
                           a[q * D * D + j * D + 1] * x[i * D + 1] + bb[q * D + j];
          e = fmax(e, fabs(v - y[i * D + j]));
        }
        best = fmin(best, e);
      }
      CHECKF(best <= 1e-12 * (1 + fabs(y[i * D]) + fabs(y[i * D + 1])), "T_rand point %zu: %g", i,
             best);
    }
  }
  {
    /* Barycenters of t inputs: the same covariances and weights as from the Gaussian inputs,
     * in the inputs' family. */
    const gmmot_gmm_t *tt[2] = {t0, t1}, *gg[2] = {g0, g1};
    const double lambda[2] = {0.4, 0.6};
    const double means[2 * D] = {1.0, 0.0, 2.0, 1.5};
    const double sc[2 * D * D] = {1.0, 0.2, 0.2, 0.8, 0.5, 0.0, 0.0, 1.5};
    double cv[2 * D * D], out_s[2 * D * D], ct_ = -1, cg_ = -2;
    gmmot_mw2_barycenter_t *bt = NULL, *bg = NULL;
    gmmot_gmm_t *mt = NULL, *mg = NULL;
    size_t i;
    int method;
    CHECK_OK(gmmot_mw2_barycenter_exact(tt, 2, lambda, 2, NULL, &bt));
    CHECK_OK(gmmot_mw2_barycenter_exact(gg, 2, lambda, 2, NULL, &bg));
    if (bt != NULL && bg != NULL) {
      CHECK_OK(gmmot_mw2_barycenter_gmm(bt, &mt));
      CHECK_OK(gmmot_mw2_barycenter_gmm(bg, &mg));
      if (mt != NULL && mg != NULL) check_t_result(mt, mg, nu, "exact barycenter");
      CHECK_OK(gmmot_mw2_barycenter_cost(bt, &ct_));
      CHECK_OK(gmmot_mw2_barycenter_cost(bg, &cg_));
      CHECKF(ct_ == cg_, "exact barycenter cost %.17g vs %.17g", ct_, cg_);
    }
    gmmot_gmm_destroy(mt);
    gmmot_gmm_destroy(mg);
    gmmot_mw2_barycenter_destroy(bt);
    gmmot_mw2_barycenter_destroy(bg);
    mt = mg = NULL;
    bt = bg = NULL;
    /* Fixed support: for t inputs the candidates are given by their scales. */
    for (i = 0; i < 2 * D * D; ++i) cv[i] = nu / (nu - 2.0) * sc[i];
    CHECK_OK(gmmot_mw2_barycenter_fixed_support(tt, 2, lambda, 2, 2, means, 2 * D, sc, 2 * D * D,
                                                NULL, &bt));
    CHECK_OK(gmmot_mw2_barycenter_fixed_support(gg, 2, lambda, 2, 2, means, 2 * D, cv, 2 * D * D,
                                                NULL, &bg));
    if (bt != NULL && bg != NULL) {
      CHECK_OK(gmmot_mw2_barycenter_gmm(bt, &mt));
      CHECK_OK(gmmot_mw2_barycenter_gmm(bg, &mg));
      if (mt != NULL && mg != NULL) {
        check_t_result(mt, mg, nu, "fixed-support barycenter");
        CHECK_OK(gmmot_gmm_copy_scales(mt, out_s, 2 * D * D));
        CHECK(same_bits(out_s, sc, 2 * D * D)); /* the candidates' scales as given */
      }
    }
    gmmot_gmm_destroy(mt);
    gmmot_gmm_destroy(mg);
    gmmot_mw2_barycenter_destroy(bt);
    gmmot_mw2_barycenter_destroy(bg);
    for (method = GMMOT_FIXED_POINT_TRUE; method <= GMMOT_FIXED_POINT_BURES; ++method) {
      gmmot_options_t *o = NULL;
      int s1, s2;
      mt = mg = NULL;
      bt = bg = NULL;
      CHECK_OK(gmmot_options_create(&o));
      CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_FIXED_POINT_METHOD, method));
      s1 = gmmot_mw2_barycenter_fixed_point(tt, 2, lambda, 2, NULL, o, &bt);
      s2 = gmmot_mw2_barycenter_fixed_point(gg, 2, lambda, 2, NULL, o, &bg);
      CHECKF(s1 >= 0 && s1 == s2, "fixed point (method %d): status %d vs %d", method, s1, s2);
      if (bt != NULL && bg != NULL) {
        CHECK_OK(gmmot_mw2_barycenter_gmm(bt, &mt));
        CHECK_OK(gmmot_mw2_barycenter_gmm(bg, &mg));
        if (mt != NULL && mg != NULL) check_t_result(mt, mg, nu, "fixed-point barycenter");
      }
      /* Started from a t-mixture init of the same nu. */
      if (method == GMMOT_FIXED_POINT_TRUE && mt != NULL) {
        gmmot_mw2_barycenter_t *bi = NULL;
        gmmot_gmm_t *mi = NULL;
        double nu_i = 0;
        CHECK(gmmot_mw2_barycenter_fixed_point(tt, 2, lambda, 2, t0, o, &bi) >= 0);
        if (bi != NULL) {
          CHECK_OK(gmmot_mw2_barycenter_gmm(bi, &mi));
          if (mi != NULL) CHECK(family_of(mi, &nu_i) == GMMOT_FAMILY_STUDENT_T && nu_i == nu);
        }
        gmmot_gmm_destroy(mi);
        gmmot_mw2_barycenter_destroy(bi);
      }
      gmmot_gmm_destroy(mt);
      gmmot_gmm_destroy(mg);
      gmmot_mw2_barycenter_destroy(bt);
      gmmot_mw2_barycenter_destroy(bg);
      gmmot_options_destroy(o);
    }
  }
done:
  gmmot_gmm_destroy(ct);
  gmmot_gmm_destroy(cg);
  gmmot_gmm_destroy(et);
  gmmot_gmm_destroy(eg);
  gmmot_mw2_destroy(pt);
  gmmot_mw2_destroy(pg);
  gmmot_gmm_destroy(t0);
  gmmot_gmm_destroy(t1);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

/* nu = 1e8 against the Gaussian mixtures with the same scale matrices: the covariances differ
 * by the factor 1 + 2e-8, so MW2^2 within 1e-7 relative, the same plan support and weights
 * within 1e-7, T_mean within 1e-6 (posteriors differ by O(q^2 / nu)). */
static void test_gaussian_limit(void) {
  const double nu = 1e8;
  gmmot_gmm_t *t0 = make_t(nu, kW0, kM0, kS0), *t1 = make_t(nu, kW1, kM1, kS1);
  gmmot_gmm_t *g0 = H_MAKE_GMM(K, D, kW0, kM0, kS0), *g1 = H_MAKE_GMM(K, D, kW1, kM1, kS1);
  gmmot_mw2_t *pt = NULL, *pg = NULL;
  double st = -1, sg = -2, plt[K * K], plg[K * K], x[30 * D], yt[30 * D], yg[30 * D];
  unsigned long s = 11;
  size_t i;
  if (t0 == NULL || t1 == NULL || g0 == NULL || g1 == NULL) goto done;
  CHECK_OK(gmmot_mw2_create(t0, t1, NULL, &pt));
  CHECK_OK(gmmot_mw2_create(g0, g1, NULL, &pg));
  if (pt == NULL || pg == NULL) goto done;
  CHECK_OK(gmmot_mw2_distance(pt, &st, NULL));
  CHECK_OK(gmmot_mw2_distance(pg, &sg, NULL));
  CHECK_NEAR(st, sg, 1e-7, 0);
  CHECK_OK(gmmot_mw2_copy_plan(pt, plt, K * K));
  CHECK_OK(gmmot_mw2_copy_plan(pg, plg, K * K));
  for (i = 0; i < K * K; ++i) {
    CHECK((plt[i] == 0) == (plg[i] == 0));
    CHECK_NEAR(plt[i], plg[i], 1e-7, 1e-15);
  }
  for (i = 0; i < 30 * D; ++i) x[i] = 2.0 + 2.0 * h_uniform(&s);
  CHECK_OK(gmmot_mw2_map_mean(pt, 30, x, NULL, yt, 30 * D));
  CHECK_OK(gmmot_mw2_map_mean(pg, 30, x, NULL, yg, 30 * D));
  CHECKF(max_rel_diff(yt, yg, 30 * D) <= 1e-6, "T_mean differs by %g",
         max_rel_diff(yt, yg, 30 * D));
done:
  gmmot_mw2_destroy(pt);
  gmmot_mw2_destroy(pg);
  gmmot_gmm_destroy(t0);
  gmmot_gmm_destroy(t1);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

static void put_real(unsigned char *p, double x) {
  uint64_t bits;
  int i;
  memcpy(&bits, &x, sizeof bits);
  for (i = 0; i < 8; ++i) p[i] = (unsigned char)(bits >> (8 * i));
}

/* Bitwise CRC-64/XZ, independent of the library's table-driven one. */
static void reseal(unsigned char *p, size_t n) {
  uint64_t c = ~(uint64_t)0;
  size_t i;
  int b;
  for (i = 0; i < n - 8; ++i) {
    c ^= p[i];
    for (b = 0; b < 8; ++b) c = (c & 1u) ? (c >> 1) ^ 0xC96C5795D7870F42ull : c >> 1;
  }
  c = ~c;
  for (b = 0; b < 8; ++b) p[n - 8 + (size_t)b] = (unsigned char)(c >> (8 * b));
}

/* Save, load, compare family, nu, weights, means, scales and covariances bit for bit. */
static void check_round_trip(const gmmot_gmm_t *g, const char *what) {
  size_t k = gmmot_gmm_ncomponents(g), d = gmmot_gmm_dim(g), n = 0, written = 0, i;
  size_t sizes[4];
  unsigned char *bytes;
  gmmot_gmm_t *h = NULL;
  double nu_g = 0, nu_h = 1;
  CHECK_OK(gmmot_gmm_saved_size(g, &n));
  CHECKF(n == 48 + 8 * (k + k * d + k * d * d), "%s: saved size %zu", what, n);
  bytes = malloc(n);
  if (bytes == NULL) return;
  CHECK_OK(gmmot_gmm_save(g, bytes, n, &written));
  CHECK_OK(gmmot_gmm_load(bytes, n, &h));
  if (h != NULL) {
    int (*copy[4])(const gmmot_gmm_t *, double *, size_t) = {
        gmmot_gmm_copy_weights, gmmot_gmm_copy_means, gmmot_gmm_copy_scales,
        gmmot_gmm_copy_covariances};
    sizes[0] = k;
    sizes[1] = k * d;
    sizes[2] = sizes[3] = k * d * d;
    CHECKF(family_of(g, &nu_g) == family_of(h, &nu_h) && nu_g == nu_h, "%s: nu", what);
    for (i = 0; i < 4; ++i) {
      double *a = malloc(sizes[i] * sizeof *a), *b = malloc(sizes[i] * sizeof *b);
      if (a != NULL && b != NULL) {
        CHECK_OK(copy[i](g, a, sizes[i]));
        CHECK_OK(copy[i](h, b, sizes[i]));
        CHECKF(same_bits(a, b, sizes[i]), "%s: array %zu differs after the round trip", what, i);
      }
      free(a);
      free(b);
    }
  }
  gmmot_gmm_destroy(h);
  free(bytes);
}

static void test_saved_format(void) {
  static const double w[2] = {0.25, 0.75}, m[2] = {-1.5, 2.0}, s[2] = {0.5, 2.0};
  gmmot_gmm_t *g = NULL, *h = NULL, *out = H_SENTINEL_GMM;
  unsigned char buf[96];
  size_t n = 0, written = 0;
  double nu = 0, got[2];
  CHECK_OK(gmmot_gmm_create_t(2, 1, 3.0, w, m, s, &g));
  if (g == NULL) return;
  CHECK_OK(gmmot_gmm_saved_size(g, &n));
  CHECK(n == sizeof kGoldenT);
  CHECK_OK(gmmot_gmm_save(g, buf, sizeof buf, &written));
  CHECK(written == sizeof kGoldenT && memcmp(buf, kGoldenT, sizeof kGoldenT) == 0);
  CHECK_OK(gmmot_gmm_load(kGoldenT, sizeof kGoldenT, &h));
  if (h != NULL) {
    CHECK(family_of(h, &nu) == GMMOT_FAMILY_STUDENT_T && nu == 3.0);
    CHECK_OK(gmmot_gmm_copy_scales(h, got, 2));
    CHECK(same_bits(got, s, 2));
    CHECK_OK(gmmot_gmm_copy_covariances(h, got, 2));
    CHECK(got[0] == 1.5 && got[1] == 6.0);
  }
  check_round_trip(g, "created t-mixture");
  /* nu not finite and > 2 behind a valid checksum: GMMOT_E_FORMAT naming the saved nu. */
  {
    static const double bad[] = {2.0, 1.0, -4.0, 0.0};
    size_t i;
    double special[2];
    special[0] = NAN;
    special[1] = INFINITY;
    for (i = 0; i < 6; ++i) {
      memcpy(buf, kGoldenT, sizeof buf);
      put_real(buf + 32, i < 4 ? bad[i] : special[i - 4]);
      reseal(buf, sizeof buf);
      CHECK_ERROR(gmmot_gmm_load(buf, sizeof buf, &out), GMMOT_E_FORMAT, "gmmot_gmm_load", "nu");
      CHECK(out == H_SENTINEL_GMM);
    }
    /* The Student-t bit cleared: the file is then 8 bytes too long for a Gaussian one. */
    memcpy(buf, kGoldenT, sizeof buf);
    buf[12] = 0;
    reseal(buf, sizeof buf);
    CHECK_STATUS(gmmot_gmm_load(buf, sizeof buf, &out), GMMOT_E_FORMAT);
    CHECK(out == H_SENTINEL_GMM);
  }
  gmmot_gmm_destroy(g);
  gmmot_gmm_destroy(h);
  /* Results computed by the library (coupling, geodesic) keep nu, scales and covariances
   * through a round trip too, for nu whose nu / (nu - 2) is not a power of two. */
  {
    static const double nus[] = {2.5, 3.7, 7.0, 1e6};
    size_t i;
    for (i = 0; i < sizeof nus / sizeof nus[0]; ++i) {
      gmmot_gmm_t *t0 = make_t(nus[i], kW0, kM0, kS0), *t1 = make_t(nus[i], kW1, kM1, kS1);
      gmmot_mw2_t *p = NULL;
      gmmot_gmm_t *c = NULL, *e = NULL;
      if (t0 != NULL && t1 != NULL) {
        check_round_trip(t0, "t0");
        CHECK_OK(gmmot_mw2_create(t0, t1, NULL, &p));
        CHECK_OK(gmmot_mw2_coupling(p, &c));
        CHECK_OK(gmmot_mw2_geodesic(p, 0.35, &e));
        if (c != NULL) check_round_trip(c, "coupling");
        if (e != NULL) check_round_trip(e, "geodesic");
      }
      gmmot_gmm_destroy(c);
      gmmot_gmm_destroy(e);
      gmmot_mw2_destroy(p);
      gmmot_gmm_destroy(t0);
      gmmot_gmm_destroy(t1);
    }
  }
}

static void test_sampling_rules(void) {
  /* Reproducible for any number of threads, prefix property, zero weights never drawn. */
  const double w[K] = {0.0, 1.0};
  gmmot_gmm_t *t = make_t(2.5, w, kM0, kS0);
  gmmot_options_t *o = NULL;
  enum { N = 3000 };
  double *a = malloc(sizeof(double) * N * D), *b = malloc(sizeof(double) * N * D);
  size_t *la = malloc(sizeof(size_t) * N), i;
  int ok = 1;
  if (t == NULL || a == NULL || b == NULL || la == NULL) goto done;
  CHECK_OK(gmmot_options_create(&o));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_SEED, 42));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 1));
  CHECK_OK(gmmot_gmm_sample(t, N, o, a, N * D, la, N));
  for (i = 0; i < N; ++i) ok &= la[i] == 1;
  CHECK(ok);
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 3));
  CHECK_OK(gmmot_gmm_sample(t, N, o, b, N * D, NULL, 0));
  CHECK(same_bits(a, b, N * D));
  CHECK_OK(gmmot_gmm_sample(t, 1001, o, b, 1001 * D, NULL, 0));
  CHECK(same_bits(a, b, 1001 * D));
  for (i = 0; i < N * D; ++i) ok &= isfinite(a[i]) != 0;
  CHECK(ok);
done:
  gmmot_options_destroy(o);
  gmmot_gmm_destroy(t);
  free(a);
  free(b);
  free(la);
}

void test_student_t(void) {
  test_create_and_accessors();
  test_bad_nu_and_scales();
  test_family_mismatch();
  test_downstream();
  test_gaussian_limit();
  test_saved_format();
  test_sampling_rules();
}
