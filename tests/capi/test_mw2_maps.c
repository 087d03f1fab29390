/* SPDX-License-Identifier: MIT */
/* gmmot_mw2_map_mean and gmmot_mw2_map_rand (gmmot/maps.h) through the C API, the way a user
 * calls them: one component each side (the Gaussian Monge map), a translated copy (the
 * translation), T_mean against the paper's formula assembled from other public functions
 * (log-densities of the source components, the sparse plan and the pair maps), T_rand's draws
 * among the pair maps, reproducibility across thread counts and seeds, far points, n = 0, and the
 * error paths with their messages and untouched outputs.
 * Tolerances: mapped points are convex combinations of affine maps accurate to ~1e-15 relative
 * (README), compared at 1e-12 relative to 1 + |x| + |T(x)|. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* The prototypes of the groups this file defines (main.c declares them too). */
void test_mw2_maps(void);
void test_mw2_maps_too_large(void);

#define D 2

static gmmot_mw2_t *make_plan(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1, int line) {
  gmmot_mw2_t *p = NULL;
  h_check_status(gmmot_mw2_create(g0, g1, NULL, &p), GMMOT_OK, "gmmot_mw2_create", __FILE__, line);
  return p;
}
#define MAKE_PLAN(g0, g1) make_plan((g0), (g1), __LINE__)

static double norm2(const double *v) { return sqrt(v[0] * v[0] + v[1] * v[1]); }

static int close_points(const double *got, const double *want, const double *x, double rel) {
  double scale = 1.0 + norm2(x) + norm2(want);
  return fabs(got[0] - want[0]) <= rel * scale && fabs(got[1] - want[1]) <= rel * scale;
}

/* The 2 x 3 mixtures of test_mw2.c (d = 2, non-commuting covariances). */
static const double w0[2] = {0.45, 0.55}, m0[2 * D] = {0, 0, 3, 1};
static const double s0[2 * D * D] = {2, 0.5, 0.5, 1, 1, -0.3, -0.3, 0.5};
static const double w1[3] = {0.3, 0.3, 0.4}, m1[3 * D] = {1, 0, 2, 2, -1, 1};
static const double s1[3 * D * D] = {1, 0.2, 0.2, 1.5, 0.5, 0, 0, 2, 3, 1, 1, 1};

#define NPTS 40

static void points(double *x) {
  unsigned long st = 2024;
  size_t i;
  for (i = 0; i < NPTS * D; ++i) x[i] = 3.0 * h_uniform(&st) + 1.0;
}

static void test_one_component(void) {
  static const double w[1] = {1.0}, ma[2] = {1, -2}, sa[4] = {2, 0.7, 0.7, 1};
  static const double mb[2] = {-3, 4}, sb[4] = {0.5, -0.1, -0.1, 3};
  gmmot_gmm_t *g0 = H_MAKE_GMM(1, D, w, ma, sa), *g1 = H_MAKE_GMM(1, D, w, mb, sb);
  gmmot_mw2_t *p = MAKE_PLAN(g0, g1);
  double a[4], b[2], x[NPTS * D], mean[NPTS * D], rnd[NPTS * D], want[2];
  size_t i;
  CHECK_OK(gmmot_gaussian_monge_map(D, ma, sa, mb, sb, a, 4, b, 2, NULL));
  points(x);
  h_fill(mean, NPTS * D);
  h_fill(rnd, NPTS * D);
  CHECK_OK(gmmot_mw2_map_mean(p, NPTS, x, NULL, mean, NPTS * D));
  CHECK_OK(gmmot_mw2_map_rand(p, NPTS, x, NULL, rnd, NPTS * D));
  for (i = 0; i < NPTS; ++i) {
    const double *xi = x + i * D;
    want[0] = a[0] * xi[0] + a[1] * xi[1] + b[0];
    want[1] = a[2] * xi[0] + a[3] * xi[1] + b[1];
    CHECKF(close_points(mean + i * D, want, xi, 1e-13), "T_mean(x[%lu]) is the Monge map",
           (unsigned long)i);
    CHECKF(close_points(rnd + i * D, want, xi, 1e-13), "T_rand(x[%lu]) is the Monge map",
           (unsigned long)i);
  }
  gmmot_mw2_destroy(p);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

static void test_translation(void) {
  static const double t[2] = {2.5, -1.25};
  double mt[2 * D], x[NPTS * D], mean[NPTS * D], rnd[NPTS * D], want[2];
  gmmot_gmm_t *g0, *g1;
  gmmot_mw2_t *p;
  size_t i;
  for (i = 0; i < 2 * D; ++i) mt[i] = m0[i] + t[i % D];
  g0 = H_MAKE_GMM(2, D, w0, m0, s0);
  g1 = H_MAKE_GMM(2, D, w0, mt, s0);
  p = MAKE_PLAN(g0, g1);
  points(x);
  CHECK_OK(gmmot_mw2_map_mean(p, NPTS, x, NULL, mean, NPTS * D));
  CHECK_OK(gmmot_mw2_map_rand(p, NPTS, x, NULL, rnd, NPTS * D));
  for (i = 0; i < NPTS; ++i) {
    want[0] = x[i * D] + t[0];
    want[1] = x[i * D + 1] + t[1];
    CHECKF(close_points(mean + i * D, want, x + i * D, 1e-12), "T_mean(x[%lu]) = x + t",
           (unsigned long)i);
    CHECKF(close_points(rnd + i * D, want, x + i * D, 1e-12), "T_rand(x[%lu]) = x + t",
           (unsigned long)i);
  }
  gmmot_mw2_destroy(p);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

/* T_mean(x) = sum_n w_n N_{k_n}(x) (A_n x + b_n) / sum_n w_n N_{k_n}(x) from the sparse plan,
 * the pair maps and the log-densities of single-component mixtures; T_rand(x) is one of the
 * A_n x + b_n; both reproducible across thread counts. */
static void test_formula_and_draws(void) {
  gmmot_gmm_t *g0 = H_MAKE_GMM(2, D, w0, m0, s0), *g1 = H_MAKE_GMM(3, D, w1, m1, s1), *c[2];
  gmmot_mw2_t *p = MAKE_PLAN(g0, g1);
  gmmot_options_t *o1 = NULL, *o3 = NULL, *o_other = NULL;
  size_t nnz = gmmot_mw2_nnz(p), rows[4], cols[4], i, n, k;
  double mass[4], a[4 * D * D], b[4 * D], x[NPTS * D], lp[2][NPTS];
  double mean[NPTS * D], mean3[NPTS * D], rnd[NPTS * D], rnd3[NPTS * D], rnd_other[NPTS * D];
  static const double one[1] = {1.0};
  int differs = 0;
  CHECK(nnz >= 2 && nnz <= 4);
  CHECK_OK(gmmot_mw2_copy_sparse_plan(p, rows, cols, mass, 4));
  CHECK_OK(gmmot_mw2_copy_pair_maps(p, a, sizeof a / sizeof a[0], b, sizeof b / sizeof b[0]));
  points(x);
  for (k = 0; k < 2; ++k) {
    c[k] = H_MAKE_GMM(1, D, one, m0 + k * D, s0 + k * D * D);
    CHECK_OK(gmmot_gmm_log_density(c[k], NPTS, x, NULL, lp[k], NPTS));
  }
  CHECK_OK(gmmot_options_create(&o1));
  CHECK_OK(gmmot_options_create(&o3));
  CHECK_OK(gmmot_options_set_int(o1, GMMOT_OPT_NUM_THREADS, 1));
  CHECK_OK(gmmot_options_set_int(o3, GMMOT_OPT_NUM_THREADS, 3));
  /* T_rand's seed is the option GMMOT_OPT_SEED. */
  CHECK_OK(gmmot_options_set_int(o1, GMMOT_OPT_SEED, 99));
  CHECK_OK(gmmot_options_set_int(o3, GMMOT_OPT_SEED, 99));
  CHECK_OK(gmmot_options_create(&o_other));
  CHECK_OK(gmmot_options_set_int(o_other, GMMOT_OPT_SEED, 100));
  CHECK_OK(gmmot_mw2_map_mean(p, NPTS, x, o1, mean, NPTS * D));
  CHECK_OK(gmmot_mw2_map_mean(p, NPTS, x, o3, mean3, NPTS * D));
  CHECK(memcmp(mean, mean3, sizeof mean) == 0);
  CHECK_OK(gmmot_mw2_map_rand(p, NPTS, x, o1, rnd, NPTS * D));
  CHECK_OK(gmmot_mw2_map_rand(p, NPTS, x, o3, rnd3, NPTS * D));
  CHECK(memcmp(rnd, rnd3, sizeof rnd) == 0);
  CHECK_OK(gmmot_mw2_map_rand(p, NPTS, x, o_other, rnd_other, NPTS * D));
  for (i = 0; i < NPTS; ++i) {
    const double *xi = x + i * D;
    double mx = lp[0][i] > lp[1][i] ? lp[0][i] : lp[1][i], den = 0.0, num[2] = {0.0, 0.0};
    int found = 0;
    for (n = 0; n < nnz; ++n) {
      const double *an = a + n * D * D, *bn = b + n * D;
      const double t[2] = {an[0] * xi[0] + an[1] * xi[1] + bn[0],
                           an[2] * xi[0] + an[3] * xi[1] + bn[1]};
      const double wgt = mass[n] * exp(lp[rows[n]][i] - mx);
      den += wgt;
      num[0] += wgt * t[0];
      num[1] += wgt * t[1];
      found = found || close_points(rnd + i * D, t, xi, 1e-12);
    }
    num[0] /= den;
    num[1] /= den;
    CHECKF(close_points(mean + i * D, num, xi, 1e-12), "T_mean(x[%lu]) = the formula",
           (unsigned long)i);
    CHECKF(found, "T_rand(x[%lu]) is one of the pair maps at x", (unsigned long)i);
    differs = differs || memcmp(rnd + i * D, rnd_other + i * D, D * sizeof(double)) != 0;
  }
  CHECKF(differs, "another seed gives other draws");
  gmmot_options_destroy(o1);
  gmmot_options_destroy(o3);
  gmmot_options_destroy(o_other);
  gmmot_gmm_destroy(c[0]);
  gmmot_gmm_destroy(c[1]);
  gmmot_mw2_destroy(p);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

static void test_far_points_and_empty(void) {
  gmmot_gmm_t *g0 = H_MAKE_GMM(2, D, w0, m0, s0), *g1 = H_MAKE_GMM(3, D, w1, m1, s1);
  gmmot_mw2_t *p = MAKE_PLAN(g0, g1);
  static const double x[8] = {1e6, -1e6, -1e12, 3e11, 1e150, 1e150, -1e200, 0};
  double out[8];
  size_t i;
  CHECK_OK(gmmot_mw2_map_mean(p, 4, x, NULL, out, 8));
  for (i = 0; i < 8; ++i)
    CHECKF(isfinite(out[i]), "T_mean of a far point: entry %lu finite", (unsigned long)i);
  CHECK_OK(gmmot_mw2_map_rand(p, 4, x, NULL, out, 8));
  for (i = 0; i < 8; ++i)
    CHECKF(isfinite(out[i]), "T_rand of a far point: entry %lu finite", (unsigned long)i);
  /* n = 0: a no-op, x and out may be NULL. */
  CHECK_OK(gmmot_mw2_map_mean(p, 0, NULL, NULL, NULL, 0));
  CHECK_OK(gmmot_mw2_map_rand(p, 0, NULL, NULL, NULL, 0));
  gmmot_mw2_destroy(p);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

static void test_errors(void) {
  gmmot_gmm_t *g0 = H_MAKE_GMM(2, D, w0, m0, s0), *g1 = H_MAKE_GMM(3, D, w1, m1, s1);
  gmmot_mw2_t *p = MAKE_PLAN(g0, g1);
  double x[6] = {0, 0, 1, 1, 2, 2}, out[8];
  const char *fm = "gmmot_mw2_map_mean", *fr = "gmmot_mw2_map_rand";

  h_fill(out, 8);
  CHECK_ERROR(gmmot_mw2_map_mean(NULL, 3, x, NULL, out, 6), GMMOT_E_INVALID_ARGUMENT, fm, "p");
  CHECK_ERROR(gmmot_mw2_map_rand(NULL, 0, x, NULL, out, 6), GMMOT_E_INVALID_ARGUMENT, fr, "p");
  CHECK_ERROR(gmmot_mw2_map_mean(p, 3, NULL, NULL, out, 6), GMMOT_E_INVALID_ARGUMENT, fm, "x");
  CHECK_ERROR(gmmot_mw2_map_rand(p, 3, NULL, NULL, out, 6), GMMOT_E_INVALID_ARGUMENT, fr, "x");
  CHECK_ERROR(gmmot_mw2_map_mean(p, 3, x, NULL, NULL, 6), GMMOT_E_INVALID_ARGUMENT, fm, "out");
  CHECK_ERROR(gmmot_mw2_map_rand(p, 3, x, NULL, NULL, 6), GMMOT_E_INVALID_ARGUMENT, fr, "out");
  CHECK_ERROR(gmmot_mw2_map_mean(p, 3, x, NULL, out, 5), GMMOT_E_BUFFER_TOO_SMALL, fm, "out_len");
  CHECK_ERROR(gmmot_mw2_map_rand(p, 3, x, NULL, out, 5), GMMOT_E_BUFFER_TOO_SMALL, fr, "out_len");
  CHECK_UNTOUCHED(out, 8);
  /* x and out overlap. */
  {
    double buf[8] = {0, 0, 1, 1, 2, 2, 3, 3};
    CHECK_ERROR(gmmot_mw2_map_mean(p, 3, buf, NULL, buf + 2, 6), GMMOT_E_INVALID_ARGUMENT, fm,
                "out");
    CHECK_ERROR(gmmot_mw2_map_rand(p, 3, buf, NULL, buf, 6), GMMOT_E_INVALID_ARGUMENT, fr, "out");
    CHECK(buf[2] == 1.0 && buf[7] == 3.0);
  }
  /* Non-finite entries are named x[i][j]; nothing is written. */
  x[3] = NAN;
  CHECK_ERROR_AT(gmmot_mw2_map_mean(p, 3, x, NULL, out, 8), GMMOT_E_NONFINITE, fm, "x", 1);
  CHECK(h_msg_contains("x[1][1]"));
  x[3] = 1.0;
  x[4] = -INFINITY;
  CHECK_ERROR_AT(gmmot_mw2_map_rand(p, 3, x, NULL, out, 8), GMMOT_E_NONFINITE, fr, "x", 2);
  CHECK(h_msg_contains("x[2][0]"));
  /* Coordinates so large that a mapped point might overflow. */
  x[4] = 1.5e308;
  CHECK_STATUS(gmmot_mw2_map_mean(p, 3, x, NULL, out, 8), GMMOT_E_OVERFLOW);
  CHECK_STATUS(gmmot_mw2_map_rand(p, 3, x, NULL, out, 8), GMMOT_E_OVERFLOW);
  CHECK_UNTOUCHED(out, 8);
  gmmot_mw2_destroy(p);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);

  /* No Monge map for a pair with mass: source component 1 is singular (a line) and its partner
   * is not supported on that line. */
  {
    static const double wa[2] = {0.5, 0.5}, ma[4] = {0, 0, 10, 10},
                        sa[8] = {1, 0, 0, 1, 1, 0, 0, 0};
    static const double mb[4] = {0, 1, 10, 11}, sb[8] = {1, 0, 0, 1, 1, 0, 0, 1};
    static const double y[4] = {0, 0, 10, 10};
    gmmot_gmm_t *ga = H_MAKE_GMM(2, D, wa, ma, sa), *gb = H_MAKE_GMM(2, D, wa, mb, sb);
    gmmot_mw2_t *q = MAKE_PLAN(ga, gb);
    CHECK_ERROR(gmmot_mw2_map_mean(q, 2, y, NULL, out, 8), GMMOT_E_NO_MAP, fm, "pair");
    CHECK(h_msg_contains("(k, l) = (1, 1)"));
    CHECK_ERROR(gmmot_mw2_map_rand(q, 2, y, NULL, out, 8), GMMOT_E_NO_MAP, fr, "pair");
    CHECK(h_msg_contains("(k, l) = (1, 1)"));
    CHECK_UNTOUCHED(out, 8);
    gmmot_mw2_destroy(q);
    gmmot_gmm_destroy(ga);
    gmmot_gmm_destroy(gb);
  }
}

void test_mw2_maps(void) {
  test_one_component();
  test_translation();
  test_formula_and_draws();
  test_far_points_and_empty();
  test_errors();
}

/* ---- n*d overflowing size_t, isolated (forked) because a library that read x before checking
 * the size would crash. The arrays are tiny on purpose. */
static int too_large_map(int rand) {
  static const double w[1] = {1.0}, m[2] = {0.0, 0.0}, c[4] = {1.0, 0.0, 0.0, 1.0};
  double x[2] = {0.0, 0.0}, out[2] = {H_SENTINEL, H_SENTINEL};
  gmmot_gmm_t *g = NULL;
  gmmot_mw2_t *p = NULL;
  char why[1400];
  int ok;
  const size_t n = SIZE_MAX / 2 + 1;
  if (gmmot_gmm_create(1, 2, w, m, c, &g) != GMMOT_OK) return 0;
  if (gmmot_mw2_create(g, g, NULL, &p) != GMMOT_OK) return 0;
  ok = rand ? h_verify_error(gmmot_mw2_map_rand(p, n, x, NULL, out, SIZE_MAX), GMMOT_E_TOO_LARGE,
                             "gmmot_mw2_map_rand", NULL, -1, why, sizeof why)
            : h_verify_error(gmmot_mw2_map_mean(p, n, x, NULL, out, SIZE_MAX), GMMOT_E_TOO_LARGE,
                             "gmmot_mw2_map_mean", NULL, -1, why, sizeof why);
  if (!ok) printf("  too_large_map (n*d overflow): %s\n", why);
  gmmot_mw2_destroy(p);
  gmmot_gmm_destroy(g);
  return ok && out[0] == H_SENTINEL && out[1] == H_SENTINEL;
}

static int too_large_map_mean(void) { return too_large_map(0); }
static int too_large_map_rand(void) { return too_large_map(1); }

void test_mw2_maps_too_large(void) {
  h_run_isolated(too_large_map_mean, "mw2_map_mean: n*d overflows size_t -> GMMOT_E_TOO_LARGE");
  h_run_isolated(too_large_map_rand, "mw2_map_rand: n*d overflows size_t -> GMMOT_E_TOO_LARGE");
}
