/* SPDX-License-Identifier: MIT */
/* gmmot/relaxed.h: a fit through the C API (non-increasing energies, the energy terms against
 * gmmot_gmm_log_density of the returned marginals, the coupling's marginal blocks), identical
 * results for 1 and 2 threads, a user start, progress and cancellation, the
 * GMMOT_W_NOT_CONVERGED warning, a lambda continuation, bad inputs (nothing written, arguments
 * named), the option keys 600-605 (type, bounds, defaults) and the accessors' buffer rules. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

void test_relaxed(void);

enum { N0 = 600, N1 = 500, D = 2, K = 3 };
static double x0[N0 * D], x1[N1 * D];

/* Three clusters per cloud, cloud 1 shifted and stretched. */
static void make_clouds(void) {
  unsigned long st = 12345;
  size_t i;
  const double c[3][2] = {{0, 0}, {6, 0}, {0, 6}};
  for (i = 0; i < N0; ++i) {
    x0[i * D] = c[i % 3][0] + h_uniform(&st);
    x0[i * D + 1] = c[i % 3][1] + 0.5 * h_uniform(&st);
  }
  for (i = 0; i < N1; ++i) {
    x1[i * D] = 1 + c[i % 3][0] + 1.5 * h_uniform(&st);
    x1[i * D + 1] = 2 + c[i % 3][1] + 0.7 * h_uniform(&st);
  }
}

static gmmot_options_t *relaxed_options(int64_t threads) {
  gmmot_options_t *o = NULL;
  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) return NULL;
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_COMPONENTS, K));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_RELAXED_LAMBDA, 2.0));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, threads));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_SEED, 3));
  return o;
}

static double mean_log_density(const gmmot_gmm_t *g, const double *x, size_t n) {
  static double lp[N0];
  double s = 0.0;
  size_t i;
  CHECK_OK(gmmot_gmm_log_density(g, n, x, NULL, lp, N0));
  for (i = 0; i < n; ++i) s += lp[i];
  return s / (double)n;
}

typedef struct {
  uint64_t calls, cancel_at;
  int bad;
  double last;
} progress_t;

static int on_progress(void *user_data, int stage, uint64_t done, uint64_t total, double value) {
  progress_t *p = (progress_t *)user_data;
  if (stage != GMMOT_STAGE_RELAXED) return 0;
  if (done != p->calls || done > total) p->bad = 1;
  if (p->calls > 0 && value > p->last + 1e-12 * fabs(p->last)) p->bad = 1;
  p->last = value;
  ++p->calls;
  return done == p->cancel_at;
}

static void check_fit(void) {
  gmmot_options_t *o = relaxed_options(1), *o2 = relaxed_options(2);
  gmmot_relaxed_t *r = NULL, *r2 = NULL;
  gmmot_gmm_t *g0 = NULL, *g1 = NULL, *gc = NULL, *h0 = NULL;
  double e = 0, tr = 0, ll0 = 0, ll1 = 0, pen = 0, lam = 0, s2 = 0, e2 = 0;
  double energies[512], energies2[512], w[K], wc[K], m0[K * D], mc[K * 2 * D];
  double c0[K * D * D], cc[K * 4 * D * D], c02[K * D * D];
  uint64_t it = 0;
  int conv = -1, flags[2 * K];
  size_t count = 0, count2 = 0, i, j, k, ndeg = 99;
  CHECK_OK(gmmot_relaxed_create(x0, N0, x1, N1, D, NULL, NULL, o, &r));
  if (r == NULL) return;
  CHECK_OK(gmmot_relaxed_info(r, &it, &conv, &lam, &s2));
  CHECK(conv == 1);
  CHECK(it >= 1);
  CHECK_NEAR(lam, 2.0 * s2, 1e-13, 0);
  CHECK_OK(gmmot_relaxed_energy(r, &e, &tr, &ll0, &ll1, &pen));
  CHECK_NEAR(e, tr - lam * (ll0 + ll1) + pen, 1e-12, 1e-12 * fabs(lam * ll0));
  CHECK_OK(gmmot_relaxed_energies(r, NULL, 0, &count));
  CHECK(count == it + 1);
  CHECK_STATUS(gmmot_relaxed_energies(r, energies, 0, &count), GMMOT_E_BUFFER_TOO_SMALL);
  CHECK_OK(gmmot_relaxed_energies(r, energies, 512, &count));
  for (i = 1; i < count; ++i) CHECK(energies[i] <= energies[i - 1] + 1e-12 * fabs(energies[i - 1]));
  CHECK(energies[count - 1] == e);
  CHECK_OK(gmmot_relaxed_marginal0(r, &g0));
  CHECK_OK(gmmot_relaxed_marginal1(r, &g1));
  CHECK_OK(gmmot_relaxed_coupling(r, &gc));
  CHECK_STATUS(gmmot_relaxed_degenerate(r, flags, 2 * K - 1, &ndeg), GMMOT_E_BUFFER_TOO_SMALL);
  CHECK_OK(gmmot_relaxed_degenerate(r, flags, 2 * K, &ndeg));
  CHECK(ndeg == 0);
  if (g0 != NULL && g1 != NULL && gc != NULL) {
    CHECK(gmmot_gmm_ncomponents(g0) == K && gmmot_gmm_dim(g0) == D);
    CHECK(gmmot_gmm_ncomponents(gc) == K && gmmot_gmm_dim(gc) == 2 * D);
    /* the log-likelihood terms are those of the returned marginals */
    CHECK_NEAR(ll0, mean_log_density(g0, x0, N0), 1e-10, 0);
    CHECK_NEAR(ll1, mean_log_density(g1, x1, N1), 1e-10, 0);
    /* the coupling's first marginal block is marginal 0, with the shared weights */
    CHECK_OK(gmmot_gmm_copy_weights(g0, w, K));
    CHECK_OK(gmmot_gmm_copy_weights(gc, wc, K));
    CHECK_OK(gmmot_gmm_copy_means(g0, m0, K * D));
    CHECK_OK(gmmot_gmm_copy_means(gc, mc, K * 2 * D));
    CHECK_OK(gmmot_gmm_copy_covariances(g0, c0, K * D * D));
    CHECK_OK(gmmot_gmm_copy_covariances(gc, cc, K * 4 * D * D));
    for (k = 0; k < K; ++k) {
      CHECK_NEAR(wc[k], w[k], 1e-14, 0);
      for (i = 0; i < D; ++i) {
        CHECK(mc[k * 2 * D + i] == m0[k * D + i]);
        for (j = 0; j < D; ++j)
          CHECK_NEAR(cc[k * 4 * D * D + i * 2 * D + j], c0[k * D * D + i * D + j], 1e-12, 1e-14);
      }
    }
  }
  /* the handles outlive the fit object */
  gmmot_relaxed_destroy(r);
  if (g0 != NULL) CHECK(gmmot_gmm_ncomponents(g0) == K);
  /* two threads: bit-identical */
  CHECK_OK(gmmot_relaxed_create(x0, N0, x1, N1, D, NULL, NULL, o2, &r2));
  if (r2 != NULL) {
    CHECK_OK(gmmot_relaxed_energy(r2, &e2, NULL, NULL, NULL, NULL));
    CHECK(e2 == e);
    CHECK_OK(gmmot_relaxed_energies(r2, energies2, 512, &count2));
    CHECK(count2 == count && memcmp(energies, energies2, count * sizeof(double)) == 0);
    CHECK_OK(gmmot_relaxed_marginal0(r2, &h0));
    if (h0 != NULL && g0 != NULL) {
      CHECK_OK(gmmot_gmm_copy_covariances(h0, c02, K * D * D));
      CHECK(memcmp(c0, c02, sizeof c0) == 0);
    }
    gmmot_relaxed_destroy(r2);
    r2 = NULL;
  }
  /* a user start: the returned marginals of the first fit, with the same lambda, converge at
   * once to the same energy (within the tolerance) */
  if (g0 != NULL && g1 != NULL) {
    double e3 = 0;
    CHECK_OK(gmmot_relaxed_create_from(x0, N0, x1, N1, D, NULL, NULL, g0, g1, o, &r2));
    CHECK_OK(gmmot_relaxed_energy(r2, &e3, NULL, NULL, NULL, NULL));
    CHECK(e3 <= e + 1e-9 * fabs(e));
    gmmot_relaxed_destroy(r2);
    r2 = NULL;
    /* a start with the wrong K */
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_COMPONENTS, 2));
    r2 = (gmmot_relaxed_t *)(void *)&h_sentinel_target;
    CHECK_ERROR(gmmot_relaxed_create_from(x0, N0, x1, N1, D, NULL, NULL, g0, g1, o, &r2),
                GMMOT_E_DIMENSION, "gmmot_relaxed_create_from", "initial0");
    CHECK(r2 == (gmmot_relaxed_t *)(void *)&h_sentinel_target);
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_COMPONENTS, K));
  }
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  gmmot_gmm_destroy(gc);
  gmmot_gmm_destroy(h0);
  gmmot_options_destroy(o);
  gmmot_options_destroy(o2);
}

static void check_progress_and_warning(void) {
  gmmot_options_t *o = relaxed_options(1);
  gmmot_relaxed_t *r = NULL;
  gmmot_interrupt_t *flag = NULL;
  progress_t p;
  uint64_t it = 0;
  int conv = -1;
  memset(&p, 0, sizeof p);
  p.cancel_at = UINT64_MAX;
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_RELAXED_TOLERANCE, 0.0));
  /* one iteration from the EM start: the energy is still falling */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_MAX_ITERATIONS, 1));
  CHECK_OK(gmmot_options_set_progress(o, on_progress, &p));
  CHECK_STATUS(gmmot_relaxed_create(x0, N0, x1, N1, D, NULL, NULL, o, &r), GMMOT_W_NOT_CONVERGED);
  CHECK(h_msg_contains("GMMOT_OPT_RELAXED_MAX_ITERATIONS"));
  CHECK(p.bad == 0);
  CHECK(r != NULL);
  if (r != NULL) {
    CHECK_OK(gmmot_relaxed_info(r, &it, &conv, NULL, NULL));
    CHECK(conv == 0);
    CHECK(p.calls == it + 1);
  }
  gmmot_relaxed_destroy(r);
  /* cancelled by the callback at iteration 2: *out untouched */
  memset(&p, 0, sizeof p);
  p.cancel_at = 2;
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_MAX_ITERATIONS, 50));
  r = (gmmot_relaxed_t *)(void *)&h_sentinel_target;
  CHECK_STATUS(gmmot_relaxed_create(x0, N0, x1, N1, D, NULL, NULL, o, &r), GMMOT_E_CANCELLED);
  CHECK(r == (gmmot_relaxed_t *)(void *)&h_sentinel_target);
  CHECK(p.calls == 3);
  /* the interrupt flag */
  CHECK_OK(gmmot_options_set_progress(o, NULL, NULL));
  CHECK_OK(gmmot_interrupt_create(&flag));
  CHECK_OK(gmmot_interrupt_raise(flag));
  CHECK_OK(gmmot_options_set_interrupt(o, flag));
  CHECK_STATUS(gmmot_relaxed_create(x0, N0, x1, N1, D, NULL, NULL, o, &r), GMMOT_E_CANCELLED);
  CHECK(r == (gmmot_relaxed_t *)(void *)&h_sentinel_target);
  gmmot_options_destroy(o);
  gmmot_interrupt_destroy(flag);
}

static void check_bad_inputs(void) {
  gmmot_options_t *o = relaxed_options(1);
  gmmot_relaxed_t *r = (gmmot_relaxed_t *)(void *)&h_sentinel_target;
  gmmot_relaxed_t *const sentinel = r;
  double bad[N1 * D], w0[N0];
  size_t i;
  int flags[2];
  size_t count = 0;
  memcpy(bad, x1, sizeof bad);
  bad[5 * D + 1] = NAN;
  for (i = 0; i < N0; ++i) w0[i] = 1.0;
  w0[4] = -1.0;
  CHECK_ERROR_AT(gmmot_relaxed_create(x0, N0, bad, N1, D, NULL, NULL, o, &r), GMMOT_E_NONFINITE,
                 "gmmot_relaxed_create", "points1", 5);
  CHECK(h_msg_contains("points1[5][1]"));
  CHECK_ERROR_AT(gmmot_relaxed_create(x0, N0, x1, N1, D, w0, NULL, o, &r), GMMOT_E_WEIGHTS,
                 "gmmot_relaxed_create", "weights0", 4);
  CHECK_ERROR(gmmot_relaxed_create(x0, 0, x1, N1, D, NULL, NULL, o, &r), GMMOT_E_DIMENSION,
              "gmmot_relaxed_create", "points0");
  CHECK_ERROR(gmmot_relaxed_create(NULL, N0, x1, N1, D, NULL, NULL, o, &r),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_relaxed_create", "points0");
  CHECK_ERROR(gmmot_relaxed_create(x0, N0, x1, N1, D, NULL, NULL, o, NULL),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_relaxed_create", "out");
  /* K above the distinct points of cloud 1 (4 points) */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_COMPONENTS, 5));
  CHECK_ERROR(gmmot_relaxed_create(x0, N0, x1, 4, D, NULL, NULL, o, &r), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_relaxed_create", "points1");
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_COMPONENTS, K));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_INIT, GMMOT_RELAXED_INIT_USER));
  CHECK_ERROR(gmmot_relaxed_create(x0, N0, x1, N1, D, NULL, NULL, o, &r), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_relaxed_create", "GMMOT_OPT_RELAXED_INIT");
  CHECK_ERROR(gmmot_relaxed_create_from(x0, N0, x1, N1, D, NULL, NULL, NULL, NULL, o, &r),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_relaxed_create_from", "start0");
  CHECK(r == sentinel);
  /* lambda: bounds of the option itself */
  CHECK_STATUS(gmmot_options_set_double(o, GMMOT_OPT_RELAXED_LAMBDA, 0.0),
               GMMOT_E_INVALID_ARGUMENT);
  CHECK_STATUS(gmmot_options_set_double(o, GMMOT_OPT_RELAXED_LAMBDA, NAN),
               GMMOT_E_INVALID_ARGUMENT);
  CHECK_STATUS(gmmot_options_set_double(o, GMMOT_OPT_RELAXED_LAMBDA, INFINITY),
               GMMOT_E_INVALID_ARGUMENT);
  /* accessors on NULL */
  CHECK_ERROR(gmmot_relaxed_energy(NULL, NULL, NULL, NULL, NULL, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_relaxed_energy", "r");
  CHECK_ERROR(gmmot_relaxed_degenerate(NULL, flags, 2, &count), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_relaxed_degenerate", "r");
  gmmot_relaxed_destroy(NULL);
  gmmot_options_destroy(o);
}

static void check_path(void) {
  gmmot_options_t *o = relaxed_options(1);
  gmmot_relaxed_t *r = NULL, *last = NULL;
  const double lambdas[4] = {10.0, 1.0, 0.1, 0.01}, bad[3] = {1.0, 2.0, 0.5};
  double rows[4 * 8], e = 0, e_last = 0;
  size_t nrows = 0, i;
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_RELAXED_TOLERANCE, 1e-10));
  CHECK_OK(gmmot_relaxed_create_path(x0, N0, x1, N1, D, NULL, NULL, lambdas, 4, o, &r));
  if (r == NULL) return;
  CHECK_OK(gmmot_relaxed_path(r, NULL, 0, &nrows));
  CHECK(nrows == 4);
  CHECK_STATUS(gmmot_relaxed_path(r, rows, 8 * 4 - 1, &nrows), GMMOT_E_BUFFER_TOO_SMALL);
  CHECK_OK(gmmot_relaxed_path(r, rows, 8 * 4, &nrows));
  for (i = 0; i < 4; ++i) {
    CHECK(rows[8 * i] == lambdas[i]);
    CHECK(rows[8 * i + 7] == 1.0);
    /* the transport term decreases along the path */
    if (i > 0) CHECK(rows[8 * i + 2] <= rows[8 * (i - 1) + 2] * (1 + 1e-9));
  }
  CHECK_OK(gmmot_relaxed_energy(r, &e, NULL, NULL, NULL, NULL));
  CHECK(e == rows[8 * 3 + 1]);
  /* a one-row path is a plain fit at that lambda */
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_RELAXED_LAMBDA, 0.01));
  CHECK_OK(gmmot_relaxed_create(x0, N0, x1, N1, D, NULL, NULL, o, &last));
  CHECK_OK(gmmot_relaxed_path(last, NULL, 0, &nrows));
  CHECK(nrows == 1);
  CHECK_OK(gmmot_relaxed_energy(last, &e_last, NULL, NULL, NULL, NULL));
  CHECK(isfinite(e_last));
  gmmot_relaxed_destroy(last);
  gmmot_relaxed_destroy(r);
  r = (gmmot_relaxed_t *)(void *)&h_sentinel_target;
  CHECK_ERROR_AT(gmmot_relaxed_create_path(x0, N0, x1, N1, D, NULL, NULL, bad, 3, o, &r),
                 GMMOT_E_INVALID_ARGUMENT, "gmmot_relaxed_create_path", "lambdas", 1);
  CHECK_ERROR(gmmot_relaxed_create_path(x0, N0, x1, N1, D, NULL, NULL, lambdas, 0, o, &r),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_relaxed_create_path", "count");
  CHECK_ERROR(gmmot_relaxed_create_path(x0, N0, x1, N1, D, NULL, NULL, NULL, 2, o, &r),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_relaxed_create_path", "lambdas");
  CHECK(r == (gmmot_relaxed_t *)(void *)&h_sentinel_target);
  gmmot_options_destroy(o);
}

static void check_option_keys(void) {
  gmmot_options_t *o = NULL;
  int64_t v = 0;
  double x = 0, lo = 0, hi = 0;
  int type = 0;
  CHECK_OK(gmmot_options_create(&o));
  CHECK_OK(gmmot_options_get_int(o, GMMOT_OPT_RELAXED_COMPONENTS, &v));
  CHECK(v == 5);
  CHECK_OK(gmmot_options_get_double(o, GMMOT_OPT_RELAXED_LAMBDA, &x));
  CHECK(x == 1.0);
  CHECK_OK(gmmot_options_get_double(o, GMMOT_OPT_RELAXED_TOLERANCE, &x));
  CHECK(x == 1e-8);
  CHECK_OK(gmmot_options_get_int(o, GMMOT_OPT_RELAXED_MAX_ITERATIONS, &v));
  CHECK(v == 200);
  CHECK_OK(gmmot_options_get_double(o, GMMOT_OPT_RELAXED_REGULARIZATION, &x));
  CHECK(x == 1e-6);
  CHECK_OK(gmmot_options_get_int(o, GMMOT_OPT_RELAXED_INIT, &v));
  CHECK(v == GMMOT_RELAXED_INIT_SEPARATE);
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_RELAXED_LAMBDA, &type, &lo, &hi));
  CHECK(type == GMMOT_OPTION_DOUBLE && lo == 1e-12 && hi == 1e12);
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_RELAXED_INIT, &type, &lo, &hi));
  CHECK(type == GMMOT_OPTION_INT && lo == 0 && hi == 2);
  gmmot_options_destroy(o);
}

void test_relaxed(void) {
  make_clouds();
  check_option_keys();
  check_fit();
  check_progress_and_warning();
  check_bad_inputs();
  check_path();
}
