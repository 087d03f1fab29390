/* SPDX-License-Identifier: MIT */
/* gmmot_gmm_log_density: closed forms (1e-13 relative), log-sum-exp far in the tails, degenerate
 * components (gmm.h: allow_singular convention), n = 0, thread-count invariance, errors. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static gmmot_gmm_t *make(size_t k, size_t d, const double *w, const double *m, const double *c) {
  gmmot_gmm_t *g = NULL;
  h_check_status(gmmot_gmm_create(k, d, w, m, c, &g), GMMOT_OK, "gmmot_gmm_create", __FILE__,
                 __LINE__);
  return g;
}

static double logpdf1(const gmmot_gmm_t *g, const double *x) {
  double out = H_SENTINEL;
  h_check_status(gmmot_gmm_log_density(g, 1, x, NULL, &out, 1), GMMOT_OK, "gmmot_gmm_log_density",
                 __FILE__, __LINE__);
  return out;
}

static void test_closed_forms(void) {
  static const double one[1] = {1.0}, half[2] = {0.5, 0.5};
  const double lg2pi = log(2.0 * H_PI);
  /* 1-D standard normal at 0: -0.5 log(2 pi). */
  {
    static const double m[1] = {0.0}, c[1] = {1.0}, x[1] = {0.0};
    gmmot_gmm_t *g = make(1, 1, one, m, c);
    CHECK_NEAR(logpdf1(g, x), -0.5 * lg2pi, 1e-14, 0.0);
    gmmot_gmm_destroy(g);
  }
  /* 2-D: S = [[2, .5], [.5, 1]], det 1.75, S^-1 = [[1, -.5], [-.5, 2]] / 1.75. */
  {
    static const double m[2] = {1.0, -1.0}, c[4] = {2.0, 0.5, 0.5, 1.0}, x[2] = {2.0, 0.5};
    double q = (1.0 * 1.0 - 2 * 0.5 * 1.0 * 1.5 + 2.0 * 1.5 * 1.5) / 1.75;
    gmmot_gmm_t *g = make(1, 2, one, m, c);
    CHECK_NEAR(logpdf1(g, x), -0.5 * (2.0 * lg2pi + log(1.75) + q), 1e-13, 0.0);
    gmmot_gmm_destroy(g);
  }
  /* Far tail: 0.5 N(0,1) + 0.5 N(1,1) at x = 100, where both densities underflow. */
  {
    static const double m[2] = {0.0, 1.0}, c[2] = {1.0, 1.0}, x[1] = {100.0};
    double e = log(0.5) - 0.5 * lg2pi - 4900.5 + log1p(exp(-99.5));
    gmmot_gmm_t *g = make(2, 1, half, m, c);
    CHECK_NEAR(logpdf1(g, x), e, 1e-14, 0.0);
    gmmot_gmm_destroy(g);
  }
  /* gmm.h's example: d = 500 with covariances 0.01 I. At x = m + 0.1: q = 500. */
  {
    enum { DD = 500 };
    double *m = calloc(DD, sizeof(double)), *c = calloc((size_t)DD * DD, sizeof(double));
    double *x = calloc(DD, sizeof(double));
    size_t i;
    if (m && c && x) {
      gmmot_gmm_t *g;
      for (i = 0; i < DD; ++i) {
        m[i] = 0.5;
        x[i] = 0.6;
        c[i * DD + i] = 0.01;
      }
      g = make(1, DD, one, m, c);
      CHECK_NEAR(logpdf1(g, x), -0.5 * (DD * lg2pi + DD * log(0.01) + DD), 1e-12, 0.0);
      gmmot_gmm_destroy(g);
    }
    free(m);
    free(c);
    free(x);
  }
  /* A zero-weight component contributes nothing (log 0 = -inf must not give NaN). */
  {
    static const double w[2] = {1.0, 0.0}, m[2] = {0.0, 0.5}, c[2] = {1.0, 0.01}, x[1] = {0.5};
    gmmot_gmm_t *g = make(2, 1, w, m, c);
    CHECK_NEAR(logpdf1(g, x), -0.5 * lg2pi - 0.125, 1e-14, 0.0);
    gmmot_gmm_destroy(g);
  }
  /* Far from everything: never NaN; -inf or hugely negative. */
  {
    static const double m[1] = {0.0}, c[1] = {1.0}, x[1] = {1e200};
    gmmot_gmm_t *g = make(1, 1, one, m, c);
    double v = logpdf1(g, x);
    CHECKF(!isnan(v) && v < -1e300, "log density at 1e200 = %g", v);
    gmmot_gmm_destroy(g);
  }
}

static void test_degenerate(void) {
  static const double one[1] = {1.0}, half[2] = {0.5, 0.5};
  const double lg2pi = log(2.0 * H_PI);
  /* A Dirac at (1, 2): log density 0 (0-dimensional, pdet = 1) on it, -inf elsewhere. */
  {
    static const double m[2] = {1, 2}, c[4] = {0, 0, 0, 0}, on[2] = {1, 2}, off[2] = {1, 2.5};
    gmmot_gmm_t *g = make(1, 2, one, m, c);
    double v = logpdf1(g, on);
    CHECK_NEAR(v, 0.0, 0.0, 1e-15);
    v = logpdf1(g, off);
    CHECKF(isinf(v) && v < 0, "off a Dirac: %g", v);
    gmmot_gmm_destroy(g);
  }
  /* Rank 1: S = [[1,1],[1,1]] (eigenvalue 2 on (1,1)/sqrt2). At (1,1): -(log 2pi + log 2 + 1)/2. */
  {
    static const double m[2] = {0, 0}, c[4] = {1, 1, 1, 1}, on[2] = {1, 1}, off[2] = {1, -1};
    gmmot_gmm_t *g = make(1, 2, one, m, c);
    double v;
    CHECK_NEAR(logpdf1(g, on), -0.5 * (lg2pi + log(2.0) + 1.0), 1e-13, 0.0);
    v = logpdf1(g, off);
    CHECKF(isinf(v) && v < 0, "off a rank-1 support: %g", v);
    gmmot_gmm_destroy(g);
  }
  /* 1-D: 0.5 Dirac(0) + 0.5 N(3, 1) at 0: log(0.5 * 1 + 0.5 * phi(-3)); at 1: the normal only. */
  {
    static const double m[2] = {0, 3}, c[2] = {0, 1}, x0[1] = {0.0}, x1[1] = {1.0};
    gmmot_gmm_t *g = make(2, 1, half, m, c);
    double phi3 = exp(-4.5 - 0.5 * lg2pi);
    CHECK_NEAR(logpdf1(g, x0), log(0.5 + 0.5 * phi3), 1e-14, 0.0);
    CHECK_NEAR(logpdf1(g, x1), log(0.5) - 2.0 - 0.5 * lg2pi, 1e-14, 0.0);
    gmmot_gmm_destroy(g);
  }
}

static void test_batch_and_errors(void) {
  static const double w[3] = {0.2, 0.5, 0.3}, m[6] = {0, 0, 1, 2, -1, 1};
  static const double c[12] = {1, 0.2, 0.2, 2, 0.5, 0, 0, 0.5, 3, -1, -1, 1};
  enum { N = 4001 };
  static double pts[2 * N], a[N], b[N], e[N];
  gmmot_gmm_t *g = make(3, 2, w, m, c);
  gmmot_options_t *o1 = NULL, *o2 = NULL;
  unsigned long st = 3;
  double out[4], bad[4] = {0.0, 0.0, NAN, 1.0};
  size_t i;
  if (g == NULL) return;
  h_random_vec(2 * N, &st, pts);
  /* Thread counts give identical results; a batch equals the single-point calls. */
  CHECK_OK(gmmot_options_create(&o1));
  CHECK_OK(gmmot_options_create(&o2));
  CHECK_OK(gmmot_options_set_int(o1, GMMOT_OPT_NUM_THREADS, 1));
  CHECK_OK(gmmot_options_set_int(o2, GMMOT_OPT_NUM_THREADS, 2));
  CHECK_OK(gmmot_gmm_log_density(g, N, pts, o1, a, N));
  CHECK_OK(gmmot_gmm_log_density(g, N, pts, o2, b, N));
  CHECK_OK(gmmot_gmm_log_density(g, N, pts, NULL, e, N));
  CHECK(memcmp(a, b, sizeof a) == 0 && memcmp(a, e, sizeof a) == 0);
  for (i = 0; i < N; i += 1000) CHECK_NEAR(logpdf1(g, pts + 2 * i), a[i], 1e-15, 0.0);

  /* n = 0 is a no-op; points and out may be NULL. */
  h_fill(out, 4);
  CHECK_OK(gmmot_gmm_log_density(g, 0, NULL, NULL, NULL, 0));
  CHECK_OK(gmmot_gmm_log_density(g, 0, pts, NULL, out, 4));
  CHECK_UNTOUCHED(out, 4);

  /* Errors: nothing written. */
  CHECK_ERROR(gmmot_gmm_log_density(NULL, 2, pts, NULL, out, 4), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_log_density", "gmm");
  CHECK_ERROR(gmmot_gmm_log_density(g, 2, NULL, NULL, out, 4), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_log_density", "points");
  CHECK_ERROR(gmmot_gmm_log_density(g, 2, pts, NULL, NULL, 4), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_log_density", "out");
  CHECK_ERROR(gmmot_gmm_log_density(g, 2, pts, NULL, out, 1), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_gmm_log_density", "out_len|out");
  /* A NaN at point 1, coordinate 0: NONFINITE naming points[1]. */
  CHECK_ERROR_AT(gmmot_gmm_log_density(g, 2, bad, NULL, out, 4), GMMOT_E_NONFINITE,
                 "gmmot_gmm_log_density", "points", 1);
  bad[2] = 0.0;
  bad[1] = -INFINITY;
  CHECK_ERROR_AT(gmmot_gmm_log_density(g, 2, bad, NULL, out, 4), GMMOT_E_NONFINITE,
                 "gmmot_gmm_log_density", "points", 0);
  CHECK_UNTOUCHED(out, 4);
  gmmot_options_destroy(o1);
  gmmot_options_destroy(o2);
  gmmot_gmm_destroy(g);
}

void test_log_density(void) {
  test_closed_forms();
  test_degenerate();
  test_batch_and_errors();
}
