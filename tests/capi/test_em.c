/* SPDX-License-Identifier: MIT */
/* gmmot/em.h: fitting (a known mixture recovered, the reported log-likelihood against
 * gmmot_gmm_log_density), gmmot_em_info, options copied at creation, NULL weights = all ones,
 * bit-identical results for 1 and 2 threads, the GMMOT_W_NOT_CONVERGED warning, the progress
 * callback attached through the options (non-decreasing values, cancellation), the interrupt
 * flag (raised before a fit, from the callback, from another thread; the next fit on the same
 * object runs once the flag is reset), bad inputs (nothing written,
 * info unchanged), the option keys 400-405 (type, bounds, defaults) and n*d overflow. */
#define _POSIX_C_SOURCE 200809L

#include <gmmot/gmmot.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

/* Declared here, next to their only caller (main.c declares them too). */
void test_em_too_large(void);
void test_em(void);

enum { N = 20000, BIG = 300000 };
static double pts[3 * N], big[3 * BIG];

/* The reference: weights .5 .3 .2 in d = 2, means 10 apart. */
static const double ref_w[3] = {0.5, 0.3, 0.2};
static const double ref_m[6] = {0, 0, 10, 0, 0, 10};
static const double ref_s[12] = {1, 0.3, 0.3, 0.5, 0.4, 0, 0, 0.4, 2, -0.5, -0.5, 1};

typedef struct {
  uint64_t calls;
  uint64_t last_iteration;
  double values[512];
  int bad_order;
  uint64_t cancel_at;           /* return non-zero at this iteration (UINT64_MAX: never) */
  gmmot_interrupt_t *interrupt; /* if set, raised at iteration 1 */
} progress_t;

static int on_progress(void *user_data, int stage, uint64_t iteration, uint64_t total,
                       double value) {
  progress_t *p = (progress_t *)user_data;
  if (stage != GMMOT_STAGE_EM || iteration > total) p->bad_order = 1;
  if (iteration != p->calls) p->bad_order = 1;
  if (p->calls < 512) p->values[p->calls] = value;
  ++p->calls;
  p->last_iteration = iteration;
  if (p->interrupt != NULL && iteration == 1) gmmot_interrupt_raise(p->interrupt);
  return iteration == p->cancel_at;
}

static void progress_init(progress_t *p) {
  memset(p, 0, sizeof *p);
  p->cancel_at = UINT64_MAX;
}

static gmmot_options_t *em_options(int64_t k, int64_t threads) {
  gmmot_options_t *o = NULL;
  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) return NULL;
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_COMPONENTS, k));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, threads));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_SEED, 3));
  return o;
}

/* Weighted mean of the mixture's log-density over the first n points of pts (d = 2). */
static double mean_log_density(const gmmot_gmm_t *g, size_t n) {
  static double lp[N];
  double s = 0.0;
  size_t i;
  CHECK_OK(gmmot_gmm_log_density(g, n, pts, NULL, lp, N));
  for (i = 0; i < n; ++i) s += lp[i];
  return s / (double)n;
}

static int same_mixture(const gmmot_gmm_t *a, const gmmot_gmm_t *b, size_t k, size_t d) {
  double wa[16], wb[16], ma[64], mb[64], ca[256], cb[256];
  if (a == NULL || b == NULL || k > 16 || k * d * d > 256) return 0;
  if (gmmot_gmm_copy_weights(a, wa, 16) != 0 || gmmot_gmm_copy_weights(b, wb, 16) != 0) return 0;
  if (gmmot_gmm_copy_means(a, ma, 64) != 0 || gmmot_gmm_copy_means(b, mb, 64) != 0) return 0;
  if (gmmot_gmm_copy_covariances(a, ca, 256) != 0 || gmmot_gmm_copy_covariances(b, cb, 256) != 0)
    return 0;
  return memcmp(wa, wb, k * sizeof(double)) == 0 && memcmp(ma, mb, k * d * sizeof(double)) == 0 &&
         memcmp(ca, cb, k * d * d * sizeof(double)) == 0;
}

static void test_fit_and_info(const gmmot_gmm_t *ref) {
  gmmot_options_t *o = em_options(3, 2);
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *g = NULL, *g2 = NULL;
  double w[3], m[6], ll = H_SENTINEL, ll2 = H_SENTINEL;
  uint64_t it = 0, passes = 77, moves = 77;
  int conv = -1;
  size_t c, r;
  (void)ref;
  if (o == NULL) return;
  CHECK_OK(gmmot_em_create(o, &em));
  if (em == NULL) return;
  /* Options are copied: changing them now has no effect on em. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_COMPONENTS, 5));
  CHECK_ERROR(gmmot_em_info(em, &ll, &it, &conv), GMMOT_E_INVALID_ARGUMENT, "gmmot_em_info", "em");
  CHECK(ll == H_SENTINEL);
  CHECK_ERROR(gmmot_em_work(em, &passes, &moves), GMMOT_E_INVALID_ARGUMENT, "gmmot_em_work", "em");
  CHECK(passes == 77 && moves == 77);
  CHECK_ERROR(gmmot_em_work(NULL, &passes, &moves), GMMOT_E_INVALID_ARGUMENT, "gmmot_em_work",
              "em");

  CHECK_OK(gmmot_em_fit(em, N, 2, pts, NULL, &g));
  if (g == NULL) return;
  CHECK(gmmot_gmm_ncomponents(g) == 3 && gmmot_gmm_dim(g) == 2);
  CHECK_OK(gmmot_gmm_copy_weights(g, w, 3));
  CHECK_OK(gmmot_gmm_copy_means(g, m, 6));
  /* Each reference component has a fitted one nearby with about its weight. */
  for (r = 0; r < 3; ++r) {
    int found = 0;
    for (c = 0; c < 3; ++c) {
      if (fabs(m[2 * c] - ref_m[2 * r]) < 0.05 && fabs(m[2 * c + 1] - ref_m[2 * r + 1]) < 0.05 &&
          fabs(w[c] - ref_w[r]) < 0.01)
        found = 1;
    }
    CHECKF(found, "reference component %lu recovered", (unsigned long)r);
  }
  CHECK_OK(gmmot_em_info(em, &ll, &it, &conv));
  CHECK(conv == 1);
  CHECK(it >= 1 && it < 300);
  CHECK_NEAR(ll, mean_log_density(g, N), 1e-11, 1e-11);
  /* Any output pointer may be NULL. */
  CHECK_OK(gmmot_em_info(em, NULL, NULL, NULL));
  CHECK_OK(gmmot_em_info(em, &ll2, NULL, NULL));
  CHECK(ll2 == ll);
  /* Plain EM (the default): one pass per iteration, plus discarded over-relaxed steps. */
  CHECK_OK(gmmot_em_work(em, &passes, &moves));
  CHECK(moves == 0 && passes >= it + 1 && passes <= 2 * (it + 1));
  CHECK_OK(gmmot_em_work(em, NULL, NULL));

  /* Split-and-merge: never a lower log-likelihood, more passes. */
  {
    gmmot_em_t *em_sm = NULL;
    gmmot_gmm_t *g_sm = NULL;
    double ll_sm = H_SENTINEL;
    uint64_t passes_sm = 0, moves_sm = 77;
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_COMPONENTS, 3));
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_SPLIT_MERGE, 5));
    CHECK_OK(gmmot_em_create(o, &em_sm));
    if (em_sm != NULL) {
      CHECK_OK(gmmot_em_fit(em_sm, N, 2, pts, NULL, &g_sm));
      CHECK_OK(gmmot_em_info(em_sm, &ll_sm, NULL, NULL));
      CHECK_OK(gmmot_em_work(em_sm, &passes_sm, &moves_sm));
      CHECK(ll_sm >= ll && passes_sm > passes && moves_sm < 3);
      gmmot_gmm_destroy(g_sm);
      gmmot_em_destroy(em_sm);
    }
  }

  /* NULL weights and all-one weights: the same fit, bit for bit; other weights, another fit. */
  {
    static double ones[N];
    size_t i;
    for (i = 0; i < N; ++i) ones[i] = 1.0;
    CHECK_OK(gmmot_em_fit(em, N, 2, pts, ones, &g2));
    CHECK(same_mixture(g, g2, 3, 2));
    gmmot_gmm_destroy(g2);
    g2 = NULL;
    for (i = 0; i < N; ++i) ones[i] = (i % 2 == 0) ? 0.0 : 3.0;
    CHECK_OK(gmmot_em_fit(em, N, 2, pts, ones, &g2));
    CHECK(g2 != NULL && !same_mixture(g, g2, 3, 2));
    gmmot_gmm_destroy(g2);
    g2 = NULL;
  }
  gmmot_em_destroy(em);
  CHECK_MSG_EMPTY();

  /* One thread or two: bit-identical. */
  {
    gmmot_options_t *o1 = em_options(4, 1), *o2 = em_options(4, 2);
    gmmot_em_t *e1 = NULL, *e2 = NULL;
    gmmot_gmm_t *a = NULL, *b = NULL;
    double la = 0, lb = 1;
    if (o1 != NULL && o2 != NULL) {
      CHECK_OK(gmmot_em_create(o1, &e1));
      CHECK_OK(gmmot_em_create(o2, &e2));
      CHECK_OK(gmmot_em_fit(e1, N, 2, pts, NULL, &a));
      CHECK_OK(gmmot_em_fit(e2, N, 2, pts, NULL, &b));
      CHECK(same_mixture(a, b, 4, 2));
      CHECK_OK(gmmot_em_info(e1, &la, NULL, NULL));
      CHECK_OK(gmmot_em_info(e2, &lb, NULL, NULL));
      CHECK(memcmp(&la, &lb, sizeof la) == 0);
    }
    gmmot_gmm_destroy(a);
    gmmot_gmm_destroy(b);
    gmmot_em_destroy(e1);
    gmmot_em_destroy(e2);
    gmmot_options_destroy(o1);
    gmmot_options_destroy(o2);
  }

  /* NULL options: the defaults (K = 10). More components than points is fine. */
  CHECK_OK(gmmot_em_create(NULL, &em));
  CHECK_OK(gmmot_em_fit(em, N, 2, pts, NULL, &g2));
  CHECK(gmmot_gmm_ncomponents(g2) == 10);
  gmmot_gmm_destroy(g2);
  g2 = NULL;
  CHECK_OK(gmmot_em_fit(em, 4, 2, pts, NULL, &g2));
  CHECK(gmmot_gmm_ncomponents(g2) == 10);
  gmmot_gmm_destroy(g2);
  gmmot_em_destroy(em);
  gmmot_gmm_destroy(g);
  gmmot_options_destroy(o);
}

static void test_warning_and_progress(void) {
  gmmot_options_t *o = em_options(6, 2);
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *g = NULL, *keep = NULL;
  progress_t p;
  double ll = H_SENTINEL, ll_before = H_SENTINEL;
  uint64_t it = 0, it_before = 0;
  int conv = -1;
  uint64_t t;
  if (o == NULL) return;
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_MAX_ITERATIONS, 2));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_EM_TOLERANCE, 0.0));
  CHECK_OK(gmmot_em_create(o, &em));
  if (em == NULL) return;
  /* The iteration cap: a warning, the mixture written, info says not converged. */
  CHECK_STATUS(gmmot_em_fit(em, N, 2, pts, NULL, &g), GMMOT_W_NOT_CONVERGED);
  CHECK(strstr(gmmot_last_error_message(), "gmmot_em_fit") != NULL);
  CHECK(g != NULL && gmmot_gmm_ncomponents(g) == 6);
  CHECK_OK(gmmot_em_info(em, &ll, &it, &conv));
  CHECK(conv == 0 && it == 2);
  gmmot_gmm_destroy(g);
  g = NULL;
  gmmot_em_destroy(em);

  /* The callback sees iterations 0, 1, ... and non-decreasing values; the result is the last. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_MAX_ITERATIONS, 60));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_EM_TOLERANCE, 1e-9));
  progress_init(&p);
  CHECK_OK(gmmot_options_set_progress(o, on_progress, &p));
  CHECK_OK(gmmot_em_create(o, &em));
  {
    int rc = gmmot_em_fit(em, N, 2, pts, NULL, &keep);
    CHECK(rc == GMMOT_OK || rc == GMMOT_W_NOT_CONVERGED);
  }
  CHECK(p.calls >= 3 && !p.bad_order);
  for (t = 1; t < p.calls && t < 512; ++t)
    CHECKF(p.values[t] >= p.values[t - 1] - 1e-12 * fabs(p.values[t]),
           "l[%lu] = %.17g < l[%lu] = %.17g", (unsigned long)t, p.values[t], (unsigned long)(t - 1),
           p.values[t - 1]);
  CHECK_OK(gmmot_em_info(em, &ll_before, &it_before, NULL));
  CHECK(it_before == p.last_iteration);
  CHECK(ll_before == p.values[p.calls - 1] || ll_before >= p.values[p.calls - 1]);

  /* Cancelled by the callback: nothing written, info unchanged. */
  progress_init(&p);
  p.cancel_at = 2;
  g = H_SENTINEL_GMM;
  CHECK_ERROR(gmmot_em_fit(em, N, 2, pts, NULL, &g), GMMOT_E_CANCELLED, "gmmot_em_fit", NULL);
  CHECK(g == H_SENTINEL_GMM);
  CHECK(p.calls == 3);
  CHECK_OK(gmmot_em_info(em, &ll, &it, NULL));
  CHECK(ll == ll_before && it == it_before);

  /* Removing the callback from the options: the EM object keeps the copy it made. */
  CHECK_OK(gmmot_options_set_progress(o, NULL, NULL));
  g = NULL;
  progress_init(&p);
  {
    const int rc = gmmot_em_fit(em, N, 2, pts, NULL, &g);
    CHECK((rc == GMMOT_OK || rc == GMMOT_W_NOT_CONVERGED) && g != NULL);
  }
  CHECK(p.calls >= 3);
  gmmot_gmm_destroy(g);
  gmmot_em_destroy(em);
  CHECK_OK(gmmot_em_create(o, &em));
  g = NULL;
  progress_init(&p);
  {
    const int rc = gmmot_em_fit(em, N, 2, pts, NULL, &g);
    CHECK((rc == GMMOT_OK || rc == GMMOT_W_NOT_CONVERGED) && g != NULL);
  }
  CHECK(p.calls == 0); /* a new object without the callback */
  gmmot_gmm_destroy(g);
  gmmot_gmm_destroy(keep);
  gmmot_em_destroy(em);
  gmmot_options_destroy(o);
}

typedef struct {
  gmmot_interrupt_t *flag;
  long delay_ms;
} stopper_t;

static void *stopper(void *arg) {
  stopper_t *s = (stopper_t *)arg;
  struct timespec ts;
  ts.tv_sec = s->delay_ms / 1000;
  ts.tv_nsec = (s->delay_ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
  gmmot_interrupt_raise(s->flag);
  return NULL;
}

static void test_interrupt(void) {
  gmmot_options_t *o = em_options(10, 2);
  gmmot_interrupt_t *flag = NULL;
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *g = NULL;
  progress_t p;
  int raised = -1;
  if (o == NULL) return;
  CHECK_OK(gmmot_interrupt_create(&flag));
  if (flag == NULL) return;
  CHECK_OK(gmmot_options_set_interrupt(o, flag));
  CHECK_OK(gmmot_em_create(o, &em));
  if (em == NULL) return;
  /* Raised before the fit: the fit is cancelled, and so is the next one (sticky) until the
   * flag is reset; then the same object fits. */
  CHECK_OK(gmmot_interrupt_raise(flag));
  g = H_SENTINEL_GMM;
  CHECK_ERROR(gmmot_em_fit(em, N, 2, pts, NULL, &g), GMMOT_E_CANCELLED, "gmmot_em_fit",
              "interrupt");
  CHECK(g == H_SENTINEL_GMM);
  CHECK_ERROR(gmmot_em_fit(em, N, 2, pts, NULL, &g), GMMOT_E_CANCELLED, "gmmot_em_fit",
              "interrupt");
  CHECK(g == H_SENTINEL_GMM);
  CHECK_OK(gmmot_interrupt_is_raised(flag, &raised));
  CHECK(raised == 1);
  CHECK_OK(gmmot_interrupt_reset(flag));
  CHECK_OK(gmmot_interrupt_is_raised(flag, &raised));
  CHECK(raised == 0);
  g = NULL;
  CHECK_OK(gmmot_em_fit(em, N, 2, pts, NULL, &g));
  gmmot_gmm_destroy(g);
  /* From the progress callback (as another thread would); tolerance 0 so that the fit would
   * not stop by itself at iteration 1. */
  gmmot_em_destroy(em);
  em = NULL;
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_EM_TOLERANCE, 0.0));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_MAX_ITERATIONS, 50));
  progress_init(&p);
  p.interrupt = flag;
  CHECK_OK(gmmot_options_set_progress(o, on_progress, &p));
  CHECK_OK(gmmot_em_create(o, &em));
  if (em == NULL) return;
  g = H_SENTINEL_GMM;
  CHECK_ERROR(gmmot_em_fit(em, N, 2, pts, NULL, &g), GMMOT_E_CANCELLED, "gmmot_em_fit", NULL);
  CHECK(g == H_SENTINEL_GMM && p.calls == 2);
  CHECK_OK(gmmot_interrupt_reset(flag));
  CHECK_OK(gmmot_options_set_progress(o, NULL, NULL));
  gmmot_em_destroy(em);
  em = NULL;

  /* From another thread during a long fit. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_MAX_ITERATIONS, 1000000));
  CHECK_OK(gmmot_em_create(o, &em));
  {
    pthread_t th;
    stopper_t s;
    s.flag = flag;
    s.delay_ms = 100;
    if (pthread_create(&th, NULL, stopper, &s) == 0) {
      g = H_SENTINEL_GMM;
      CHECK_ERROR(gmmot_em_fit(em, BIG, 3, big, NULL, &g), GMMOT_E_CANCELLED, "gmmot_em_fit", NULL);
      CHECK(g == H_SENTINEL_GMM);
      pthread_join(th, NULL);
    } else {
      CHECK(!"pthread_create failed");
    }
  }
  gmmot_em_destroy(em);
  gmmot_options_destroy(o);
  gmmot_interrupt_destroy(flag);
}

static void test_bad_inputs(void) {
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *g = H_SENTINEL_GMM;
  static double w[N], bad[2 * 8];
  double ll = H_SENTINEL, ll_ok = 0;
  uint64_t it = 7;
  size_t i;
  const char *f = "gmmot_em_fit";
  CHECK_ERROR(gmmot_em_create(NULL, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_em_create", "out");
  CHECK_OK(gmmot_em_create(NULL, &em));
  if (em == NULL) return;
  for (i = 0; i < N; ++i) w[i] = 1.0;
  CHECK_ERROR(gmmot_em_fit(NULL, N, 2, pts, NULL, &g), GMMOT_E_INVALID_ARGUMENT, f, "em");
  CHECK_ERROR(gmmot_em_fit(em, N, 2, NULL, NULL, &g), GMMOT_E_INVALID_ARGUMENT, f, "points");
  CHECK_ERROR(gmmot_em_fit(em, N, 2, pts, NULL, NULL), GMMOT_E_INVALID_ARGUMENT, f, "out");
  CHECK_ERROR(gmmot_em_fit(em, 0, 2, pts, NULL, &g), GMMOT_E_DIMENSION, f, "n");
  CHECK_ERROR(gmmot_em_fit(em, N, 0, pts, NULL, &g), GMMOT_E_DIMENSION, f, "d");
  for (i = 0; i < 16; ++i) bad[i] = (double)i;
  bad[2 * 5 + 1] = NAN;
  CHECK_ERROR_AT(gmmot_em_fit(em, 8, 2, bad, NULL, &g), GMMOT_E_NONFINITE, f, "points", 5);
  bad[2 * 5 + 1] = -INFINITY;
  CHECK_ERROR_AT(gmmot_em_fit(em, 8, 2, bad, NULL, &g), GMMOT_E_NONFINITE, f, "points", 5);
  w[17] = INFINITY;
  CHECK_ERROR_AT(gmmot_em_fit(em, N, 2, pts, w, &g), GMMOT_E_NONFINITE, f, "weights", 17);
  w[17] = NAN;
  CHECK_ERROR_AT(gmmot_em_fit(em, N, 2, pts, w, &g), GMMOT_E_NONFINITE, f, "weights", 17);
  w[17] = -1e-300;
  CHECK_ERROR_AT(gmmot_em_fit(em, N, 2, pts, w, &g), GMMOT_E_WEIGHTS, f, "weights", 17);
  for (i = 0; i < N; ++i) w[i] = 0.0;
  CHECK_ERROR(gmmot_em_fit(em, N, 2, pts, w, &g), GMMOT_E_WEIGHTS, f, "weights");
  CHECK(g == H_SENTINEL_GMM);
  /* Data spread too wide for a covariance to be representable. */
  bad[0] = -1e300;
  bad[2] = 1e300;
  bad[11] = 11.0;
  CHECK_ERROR(gmmot_em_fit(em, 8, 2, bad, NULL, &g), GMMOT_E_OVERFLOW, f, NULL);
  CHECK(g == H_SENTINEL_GMM);
  /* No successful fit yet: info refuses; after one, errors leave it unchanged. */
  CHECK_ERROR(gmmot_em_info(em, &ll, &it, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_em_info", "em");
  CHECK(ll == H_SENTINEL && it == 7);
  g = NULL;
  CHECK_OK(gmmot_em_fit(em, 8, 2, pts, NULL, &g));
  gmmot_gmm_destroy(g);
  CHECK_OK(gmmot_em_info(em, &ll_ok, NULL, NULL));
  g = H_SENTINEL_GMM;
  CHECK_ERROR(gmmot_em_fit(em, 0, 2, pts, NULL, &g), GMMOT_E_DIMENSION, f, "n");
  CHECK_OK(gmmot_em_info(em, &ll, NULL, NULL));
  CHECK(ll == ll_ok);
  /* NULL handles. */
  CHECK_ERROR(gmmot_em_info(NULL, &ll, NULL, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_em_info",
              "em");
  gmmot_em_destroy(NULL);
  CHECK_MSG_EMPTY();
  gmmot_em_destroy(em);
}

/* The option keys 400-404 and 406, and the seed GMMOT_OPT_SEED (101) that EM reads: type,
 * bounds, defaults; inclusive bounds accepted, values outside (and NaN, and the wrong type)
 * rejected. 405 (GMMOT_OPT_EM_SEED until 0.2) is no option any more. */
static void test_em_options(void) {
  static const struct {
    int key, type;
    double lo, hi, def;
  } spec[7] = {
      {GMMOT_OPT_EM_COMPONENTS, GMMOT_OPTION_INT, 1, 1000000, 10},
      {GMMOT_OPT_EM_TOLERANCE, GMMOT_OPTION_DOUBLE, 0, 1, 1e-6},
      {GMMOT_OPT_EM_MAX_ITERATIONS, GMMOT_OPTION_INT, 1, 1e9, 300},
      {GMMOT_OPT_EM_REGULARIZATION, GMMOT_OPTION_DOUBLE, 0, 1, 1e-6},
      {GMMOT_OPT_EM_INITIALIZATIONS, GMMOT_OPTION_INT, 1, 1000, 1},
      {GMMOT_OPT_SEED, GMMOT_OPTION_INT, 0, 9007199254740992.0, 0},
      {GMMOT_OPT_EM_SPLIT_MERGE, GMMOT_OPTION_INT, 0, 1000, 0},
  };
  gmmot_options_t *o = NULL;
  int i, type = -1;
  double lo = 0, hi = 0, dv = 0;
  int64_t iv = 0;
  CHECK(GMMOT_OPT_EM_COMPONENTS == 400 && GMMOT_OPT_SEED == 101 && GMMOT_OPT_EM_SPLIT_MERGE == 406);
  CHECK_ERROR(gmmot_options_bounds(405, NULL, NULL, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_bounds", "405");
  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) return;
  for (i = 0; i < 7; ++i) {
    CHECK_OK(gmmot_options_bounds(spec[i].key, &type, &lo, &hi));
    CHECKF(type == spec[i].type && lo == spec[i].lo && hi == spec[i].hi, "bounds of key %d",
           spec[i].key);
    if (spec[i].type == GMMOT_OPTION_INT) {
      const int64_t l = (int64_t)spec[i].lo, h = (int64_t)spec[i].hi;
      CHECK_OK(gmmot_options_get_int(o, spec[i].key, &iv));
      CHECKF(iv == (int64_t)spec[i].def, "default of key %d", spec[i].key);
      CHECK_OK(gmmot_options_set_int(o, spec[i].key, l));
      CHECK_OK(gmmot_options_set_int(o, spec[i].key, h));
      CHECK_ERROR(gmmot_options_set_int(o, spec[i].key, l - 1), GMMOT_E_INVALID_ARGUMENT,
                  "gmmot_options_set_int", NULL);
      CHECK_ERROR(gmmot_options_set_int(o, spec[i].key, h + 1), GMMOT_E_INVALID_ARGUMENT,
                  "gmmot_options_set_int", NULL);
      CHECK_ERROR(gmmot_options_set_double(o, spec[i].key, 1.0), GMMOT_E_INVALID_ARGUMENT,
                  "gmmot_options_set_double", "key");
      CHECK_OK(gmmot_options_get_int(o, spec[i].key, &iv));
      CHECK(iv == h);
    } else {
      CHECK_OK(gmmot_options_get_double(o, spec[i].key, &dv));
      CHECKF(dv == spec[i].def, "default of key %d", spec[i].key);
      CHECK_OK(gmmot_options_set_double(o, spec[i].key, spec[i].lo));
      CHECK_OK(gmmot_options_set_double(o, spec[i].key, spec[i].hi));
      CHECK_ERROR(gmmot_options_set_double(o, spec[i].key, -1e-300), GMMOT_E_INVALID_ARGUMENT,
                  "gmmot_options_set_double", NULL);
      CHECK_ERROR(gmmot_options_set_double(o, spec[i].key, 1.0000001), GMMOT_E_INVALID_ARGUMENT,
                  "gmmot_options_set_double", NULL);
      CHECK_ERROR(gmmot_options_set_double(o, spec[i].key, NAN), GMMOT_E_INVALID_ARGUMENT,
                  "gmmot_options_set_double", NULL);
      CHECK_ERROR(gmmot_options_set_int(o, spec[i].key, 0), GMMOT_E_INVALID_ARGUMENT,
                  "gmmot_options_set_int", "key");
      CHECK_OK(gmmot_options_get_double(o, spec[i].key, &dv));
      CHECK(dv == spec[i].hi);
    }
  }
  gmmot_options_destroy(o);
}

/* n * d overflowing size_t: GMMOT_E_TOO_LARGE before any point is read (forked). */
static int too_large_fit(void) {
  static const double p[2] = {0.0, 1.0};
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *out = H_SENTINEL_GMM;
  char why[1400];
  int ok;
  if (gmmot_em_create(NULL, &em) != GMMOT_OK) return 0;
  ok = h_verify_error(gmmot_em_fit(em, ((size_t)-1) / 2 + 1, 2, p, NULL, &out), GMMOT_E_TOO_LARGE,
                      "gmmot_em_fit", NULL, -1, why, sizeof why);
  if (!ok) printf("too_large_fit: %s\n", why);
  if (out != H_SENTINEL_GMM) {
    printf("too_large_fit: *out was written\n");
    ok = 0;
  }
  gmmot_em_destroy(em);
  return ok;
}

void test_em_too_large(void) {
  h_run_isolated(too_large_fit, "em_fit: n*d overflows size_t -> GMMOT_E_TOO_LARGE");
}

void test_em(void) {
  gmmot_gmm_t *ref = NULL;
  gmmot_options_t *seeded = NULL;
  CHECK_OK(gmmot_gmm_create(3, 2, ref_w, ref_m, ref_s, &ref));
  if (ref == NULL) return;
  CHECK_OK(gmmot_options_create(&seeded));
  CHECK_OK(gmmot_options_set_int(seeded, GMMOT_OPT_SEED, 17));
  CHECK_OK(gmmot_gmm_sample(ref, N, seeded, pts, 2 * N, NULL, 0));
  {
    /* A larger 3-D sample for the interrupt test. */
    static const double w3[2] = {0.5, 0.5}, m3[6] = {0, 0, 0, 3, 1, 0};
    static const double s3[18] = {1, 0, 0, 0, 1, 0, 0, 0, 1, 2, 0.5, 0, 0.5, 1, 0, 0, 0, 0.5};
    gmmot_gmm_t *g3 = NULL;
    CHECK_OK(gmmot_gmm_create(2, 3, w3, m3, s3, &g3));
    CHECK_OK(gmmot_options_set_int(seeded, GMMOT_OPT_SEED, 5));
    CHECK_OK(gmmot_gmm_sample(g3, BIG, seeded, big, 3 * BIG, NULL, 0));
    gmmot_gmm_destroy(g3);
  }
  gmmot_options_destroy(seeded);
  test_fit_and_info(ref);
  test_warning_and_progress();
  test_interrupt();
  test_bad_inputs();
  test_em_options();
  gmmot_gmm_destroy(ref);
}
