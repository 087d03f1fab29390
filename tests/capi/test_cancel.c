/* SPDX-License-Identifier: MIT */
/* gmmot/progress.h: progress and cancellation of every long call. For each of gmmot_em_fit,
 * gmmot_transport_solve (exact at K = 1000, entropic), gmmot_mw2_create,
 * gmmot_gaussian_barycenter, gmmot_w2_cost_matrix, gmmot_mw2_map_mean, gmmot_mw2_map_rand,
 * gmmot_gmm_log_density, gmmot_gmm_sample, gmmot_mw2_barycenter_exact and
 * gmmot_mw2_barycenter_fixed_point, with one options object carrying a progress
 * callback and an interrupt flag:
 *  - a run to the end: the callback is called, with the call's stage first, done <= total and
 *    done never decreasing within a stage;
 *  - the callback returns non-zero at its first call: GMMOT_E_CANCELLED naming the function,
 *    canary-filled outputs and out-handle pointers untouched;
 *  - another thread raises the flag while the call runs (started and joined from within the
 *    first callback, so the flag is raised while the call is certainly running): the same, the
 *    flag stays raised and the next call is cancelled too; after gmmot_interrupt_reset the same
 *    options object (and EM object) complete the call.
 * Also: the interrupt functions themselves, attaching and removing through the options, clone
 * copying the attachments; and a free-running thread raising the flag at an arbitrary moment of
 * a long cost matrix (workers in the middle of their blocks), without any callback; and
 * gmmot_mw2_barycenter_fixed_support cancelled by its callback. */
#define _POSIX_C_SOURCE 200809L

#include <gmmot/gmmot.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

/* Declared here, next to their only caller (main.c declares them too). */
void test_cancel(void);

enum { MODE_RUN = 0, MODE_CANCEL = 1, MODE_THREAD = 2 };
enum { MAX_STAGE = 16 };

typedef struct {
  int mode;
  gmmot_interrupt_t *flag;
  long calls;
  int first_stage;
  int bad;                  /* done > total, a decreasing done, or an unknown stage */
  uint64_t last[MAX_STAGE]; /* last done per stage */
  int seen[MAX_STAGE];
} watch_t;

static watch_t g_watch;

static void *raiser(void *arg) {
  gmmot_interrupt_raise((gmmot_interrupt_t *)arg);
  return NULL;
}

static int on_progress(void *user_data, int stage, uint64_t done, uint64_t total, double value) {
  watch_t *w = (watch_t *)user_data;
  (void)value;
  ++w->calls;
  if (stage <= 0 || stage >= MAX_STAGE) {
    w->bad = 1;
    return 0;
  }
  if (w->calls == 1) w->first_stage = stage;
  if (done > total) w->bad = 1;
  if (w->seen[stage] && done < w->last[stage]) w->bad = 1;
  w->seen[stage] = 1;
  w->last[stage] = done;
  if (w->calls == 1 && w->mode == MODE_CANCEL) return 1;
  if (w->calls == 1 && w->mode == MODE_THREAD) {
    pthread_t th;
    if (pthread_create(&th, NULL, raiser, w->flag) == 0) {
      pthread_join(th, NULL);
    } else {
      w->bad = 1;
    }
  }
  return 0;
}

static void watch_reset(int mode) {
  gmmot_interrupt_t *flag = g_watch.flag;
  memset(&g_watch, 0, sizeof g_watch);
  g_watch.flag = flag;
  g_watch.mode = mode;
}

/* One long call under test: run() makes the call into the case's outputs; fill() puts canaries
 * into every output (buffers and out-handle pointers); untouched() checks them; release() frees
 * what a successful run produced. */
typedef struct cancel_case {
  const char *name;
  const char *function;
  int stage;
  int (*run)(const gmmot_options_t *opts);
  void (*fill)(void);
  int (*untouched)(void);
  void (*release)(void);
} cancel_case;

/* ------------------------------------------------------------------ shared data */

enum { NPTS = 20000, KC = 100, KLP = 1000, KENT = 200, JB = 6, DB = 8 };

static double pts[2 * NPTS];
static double out_pts[2 * NPTS];
static size_t out_labels[NPTS];
static double lp_a[KLP], lp_b[KLP];
static double *lp_cost; /* KLP x KLP */
static double cost_out[KC * KC];
static double b_w[JB], b_m[JB * DB], b_s[JB * DB * DB], b_mean[DB], b_cov[DB * DB];
static uint64_t b_iterations;
static gmmot_gmm_t *mix0, *mix1;
static gmmot_mw2_t *plan_for_maps;
static gmmot_em_t *em;
static gmmot_gmm_t *em_out;
static gmmot_transport_t *t_out;
static gmmot_mw2_t *mw2_out;

#define SENTINEL_TRANSPORT ((gmmot_transport_t *)(void *)&h_sentinel_target)
#define SENTINEL_MW2 ((gmmot_mw2_t *)(void *)&h_sentinel_target)
#define SENTINEL_MB ((gmmot_mw2_barycenter_t *)(void *)&h_sentinel_target)

static void no_release(void) {}

/* A K-component mixture in d = 2 with well separated random components. */
static gmmot_gmm_t *random_mixture(size_t k, unsigned long seed) {
  double *w = malloc(k * sizeof *w), *m = malloc(2 * k * sizeof *m), *s = malloc(4 * k * sizeof *s);
  gmmot_gmm_t *g = NULL;
  unsigned long st = seed;
  size_t i;
  if (w != NULL && m != NULL && s != NULL) {
    for (i = 0; i < k; ++i) {
      w[i] = 1.0 / (double)k;
      m[2 * i] = 10.0 * h_uniform(&st);
      m[2 * i + 1] = 10.0 * h_uniform(&st);
      h_random_spd(2, &st, s + 4 * i);
    }
    g = H_MAKE_GMM(k, 2, w, m, s);
  }
  free(w);
  free(m);
  free(s);
  return g;
}

/* ------------------------------------------------------------------ EM */

static int run_em(const gmmot_options_t *opts) {
  (void)opts; /* the EM object copied them at creation */
  return gmmot_em_fit(em, NPTS, 2, pts, NULL, &em_out);
}
static void fill_em(void) { em_out = H_SENTINEL_GMM; }
static int untouched_em(void) { return em_out == H_SENTINEL_GMM; }
static void release_em(void) {
  gmmot_gmm_destroy(em_out);
  em_out = NULL;
}

/* ------------------------------------------------------------------ transport */

static int run_exact(const gmmot_options_t *opts) {
  return gmmot_transport_solve(KLP, KLP, lp_a, lp_b, lp_cost, opts, &t_out);
}
/* The options of the entropic case: a clone of the shared ones (same callback and flag) with
 * the entropic method. */
static gmmot_options_t *entropic_opts;
static double ent_cost[KENT * KENT];
static int run_entropic(const gmmot_options_t *opts) {
  (void)opts;
  return gmmot_transport_solve(KENT, KENT, lp_a, lp_a, ent_cost, entropic_opts, &t_out);
}
static void fill_transport(void) { t_out = SENTINEL_TRANSPORT; }
static int untouched_transport(void) { return t_out == SENTINEL_TRANSPORT; }
static void release_transport(void) {
  gmmot_transport_destroy(t_out);
  t_out = NULL;
}

/* ------------------------------------------------------------------ MW2 */

static int run_mw2(const gmmot_options_t *opts) {
  return gmmot_mw2_create(mix0, mix1, opts, &mw2_out);
}
static void fill_mw2(void) { mw2_out = SENTINEL_MW2; }
static int untouched_mw2(void) { return mw2_out == SENTINEL_MW2; }
static void release_mw2(void) {
  gmmot_mw2_destroy(mw2_out);
  mw2_out = NULL;
}

/* ------------------------------------------------------------------ barycenter */

static int run_barycenter(const gmmot_options_t *opts) {
  return gmmot_gaussian_barycenter(JB, DB, b_w, b_m, b_s, opts, b_mean, DB, b_cov, DB * DB,
                                   &b_iterations, NULL);
}
static void fill_barycenter(void) {
  h_fill(b_mean, DB);
  h_fill(b_cov, DB * DB);
  b_iterations = 777;
}
static int untouched_barycenter(void) {
  return h_untouched(b_mean, DB) && h_untouched(b_cov, DB * DB) && b_iterations == 777;
}

/* ------------------------------------------------------------------ cost matrix */

static int run_cost_matrix(const gmmot_options_t *opts) {
  return gmmot_w2_cost_matrix(mix0, mix1, opts, cost_out, KC * KC);
}
static void fill_cost_matrix(void) { h_fill(cost_out, KC * KC); }
static int untouched_cost_matrix(void) { return h_untouched(cost_out, KC * KC); }

/* ------------------------------------------------------------------ maps, density, sampling */

static int run_map_mean(const gmmot_options_t *opts) {
  return gmmot_mw2_map_mean(plan_for_maps, NPTS, pts, opts, out_pts, 2 * NPTS);
}
static int run_map_rand(const gmmot_options_t *opts) {
  return gmmot_mw2_map_rand(plan_for_maps, NPTS, pts, opts, out_pts, 2 * NPTS);
}
static int run_log_density(const gmmot_options_t *opts) {
  return gmmot_gmm_log_density(mix0, NPTS, pts, opts, out_pts, NPTS);
}
static int run_sample(const gmmot_options_t *opts) {
  return gmmot_gmm_sample(mix0, NPTS, opts, out_pts, 2 * NPTS, out_labels, NPTS);
}
static void fill_points(void) {
  size_t i;
  h_fill(out_pts, 2 * NPTS);
  for (i = 0; i < NPTS; ++i) out_labels[i] = 4242;
}
static int untouched_points(void) {
  size_t i;
  for (i = 0; i < NPTS; ++i)
    if (out_labels[i] != 4242) return 0;
  return h_untouched(out_pts, 2 * NPTS);
}

/* ------------------------------------------------------------------ mixture barycenters */

/* J = 3 mixtures of KMB components: 1000 tuples, enough pricing rounds (exact) and iterations
 * (fixed point, tolerance 0) for several reports and for work after the first one. */
enum { JMB = 3, KMB = 10 };
static gmmot_gmm_t *mb_in[JMB];
static const double mb_lambda[JMB] = {0.2, 0.5, 0.3};
static gmmot_options_t *fixed_point_opts; /* a clone of the shared ones, 20 iterations */
static gmmot_mw2_barycenter_t *mb_out;

static const gmmot_gmm_t *const *mb_inputs(void) { return (const gmmot_gmm_t *const *)mb_in; }
static int run_mb_exact(const gmmot_options_t *opts) {
  return gmmot_mw2_barycenter_exact(mb_inputs(), JMB, mb_lambda, JMB, opts, &mb_out);
}
static int run_mb_fixed_point(const gmmot_options_t *opts) {
  (void)opts;
  return gmmot_mw2_barycenter_fixed_point(mb_inputs(), JMB, mb_lambda, JMB, NULL, fixed_point_opts,
                                          &mb_out);
}
static void fill_mb(void) { mb_out = SENTINEL_MB; }
static int untouched_mb(void) { return mb_out == SENTINEL_MB; }
static void release_mb(void) {
  gmmot_mw2_barycenter_destroy(mb_out);
  mb_out = NULL;
}

/* The LP stage: the exact barycenter first computes the pairwise W2 cost matrices of its
 * pricing bound (GMMOT_STAGE_COST_MATRIX, as gmmot_mw2_create), then reports
 * GMMOT_STAGE_MULTIMARGINAL after each pricing round. Fixed support (one LP, perhaps a single
 * report): cancelled by the callback at its first call, GMMOT_E_CANCELLED and *out untouched;
 * then it completes with the same options and reports the LP stage. */
static void test_barycenter_stages(const gmmot_options_t *opts) {
  enum { N = 20 };
  double m[N * 2], s[N * 4];
  unsigned long st = 17;
  size_t i;
  watch_reset(MODE_RUN);
  mb_out = NULL;
  CHECK_OK(run_mb_exact(opts));
  CHECK(g_watch.seen[GMMOT_STAGE_MULTIMARGINAL] && !g_watch.bad);
  release_mb();
  for (i = 0; i < N; ++i) {
    m[2 * i] = 10.0 * h_uniform(&st);
    m[2 * i + 1] = 10.0 * h_uniform(&st);
    h_random_spd(2, &st, s + 4 * i);
  }
  watch_reset(MODE_CANCEL);
  mb_out = SENTINEL_MB;
  CHECK_ERROR(gmmot_mw2_barycenter_fixed_support(mb_inputs(), JMB, mb_lambda, JMB, N, m, 2 * N, s,
                                                 4 * N, opts, &mb_out),
              GMMOT_E_CANCELLED, "gmmot_mw2_barycenter_fixed_support", NULL);
  CHECK(h_msg_contains("progress"));
  CHECK(mb_out == SENTINEL_MB);
  CHECK(g_watch.calls == 1);
  watch_reset(MODE_RUN);
  mb_out = NULL;
  CHECK_OK(gmmot_mw2_barycenter_fixed_support(mb_inputs(), JMB, mb_lambda, JMB, N, m, 2 * N, s,
                                              4 * N, opts, &mb_out));
  CHECK(g_watch.seen[GMMOT_STAGE_MULTIMARGINAL] && !g_watch.bad);
  release_mb();
}

/* ------------------------------------------------------------------ the driver */

static int completed(int rc) { return rc == GMMOT_OK || rc == GMMOT_W_NOT_CONVERGED; }

static void check_case(const cancel_case *c, const gmmot_options_t *opts) {
  int rc, raised = -1;
  /* To the end: reports of the call's stage first, monotone, done <= total. */
  watch_reset(MODE_RUN);
  rc = c->run(opts);
  CHECKF(completed(rc), "%s: runs to the end (status %d: %s)", c->name, rc,
         gmmot_last_error_message());
  if (completed(rc)) c->release();
  CHECKF(g_watch.calls >= 2, "%s: progress called at least twice (%ld)", c->name, g_watch.calls);
  CHECKF(g_watch.first_stage == c->stage, "%s: first stage %d, expected %d", c->name,
         g_watch.first_stage, c->stage);
  CHECKF(!g_watch.bad, "%s: done <= total and monotone per stage", c->name);

  /* Cancelled by the callback at its first call. */
  watch_reset(MODE_CANCEL);
  c->fill();
  CHECK_ERROR(c->run(opts), GMMOT_E_CANCELLED, c->function, NULL);
  CHECKF(h_msg_contains("progress"), "%s: the message names the progress callback", c->name);
  CHECKF(c->untouched(), "%s: outputs untouched after cancellation by the callback", c->name);
  CHECKF(g_watch.calls == 1, "%s: no report after the cancelling one (%ld)", c->name,
         g_watch.calls);

  /* Cancelled by another thread raising the flag during the call. */
  watch_reset(MODE_THREAD);
  c->fill();
  CHECK_ERROR(c->run(opts), GMMOT_E_CANCELLED, c->function, NULL);
  CHECKF(h_msg_contains("interrupt"), "%s: the message names the interrupt flag", c->name);
  CHECKF(c->untouched(), "%s: outputs untouched after the interrupt", c->name);
  CHECK_OK(gmmot_interrupt_is_raised(g_watch.flag, &raised));
  CHECKF(raised == 1, "%s: the flag stays raised", c->name);
  /* Sticky: the next call is cancelled before any work. */
  watch_reset(MODE_RUN);
  c->fill();
  CHECK_ERROR(c->run(opts), GMMOT_E_CANCELLED, c->function, "interrupt");
  CHECKF(c->untouched(), "%s: outputs untouched while the flag is raised", c->name);
  /* Reset: the same options (and handles) work again. */
  CHECK_OK(gmmot_interrupt_reset(g_watch.flag));
  watch_reset(MODE_RUN);
  rc = c->run(opts);
  CHECKF(completed(rc), "%s: runs again after the reset (status %d: %s)", c->name, rc,
         gmmot_last_error_message());
  if (completed(rc)) c->release();
  CHECKF(!g_watch.bad, "%s: done <= total and monotone per stage after the reset", c->name);
}

static void test_interrupt_object(void) {
  gmmot_interrupt_t *flag = NULL;
  gmmot_options_t *o = NULL, *copy = H_SENTINEL_OPTS;
  int raised = -1;
  CHECK_ERROR(gmmot_interrupt_create(NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_interrupt_create",
              "out");
  CHECK_OK(gmmot_interrupt_create(&flag));
  if (flag == NULL) return;
  CHECK_OK(gmmot_interrupt_is_raised(flag, &raised));
  CHECK(raised == 0);
  CHECK_OK(gmmot_interrupt_raise(flag));
  CHECK_OK(gmmot_interrupt_raise(flag)); /* idempotent */
  CHECK_OK(gmmot_interrupt_is_raised(flag, &raised));
  CHECK(raised == 1);
  CHECK_OK(gmmot_interrupt_reset(flag));
  CHECK_OK(gmmot_interrupt_is_raised(flag, &raised));
  CHECK(raised == 0);
  CHECK_ERROR(gmmot_interrupt_raise(NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_interrupt_raise",
              "flag");
  CHECK_ERROR(gmmot_interrupt_reset(NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_interrupt_reset",
              "flag");
  CHECK_ERROR(gmmot_interrupt_is_raised(NULL, &raised), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_interrupt_is_raised", "flag");
  CHECK_ERROR(gmmot_interrupt_is_raised(flag, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_interrupt_is_raised", "out_raised");
  CHECK_ERROR(gmmot_options_set_progress(NULL, on_progress, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_progress", "opts");
  CHECK_ERROR(gmmot_options_set_interrupt(NULL, flag), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_interrupt", "opts");

  /* Clone copies the attachments; removing them from the original leaves the copy's. */
  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) return;
  CHECK_OK(gmmot_options_set_interrupt(o, flag));
  CHECK_OK(gmmot_options_clone(o, &copy));
  CHECK_OK(gmmot_options_set_interrupt(o, NULL));
  CHECK_OK(gmmot_interrupt_raise(flag));
  {
    double c[4] = {0, 1, 1, 0}, a[2] = {0.5, 0.5};
    gmmot_transport_t *t = SENTINEL_TRANSPORT;
    CHECK_ERROR(gmmot_transport_solve(2, 2, a, a, c, copy, &t), GMMOT_E_CANCELLED,
                "gmmot_transport_solve", "interrupt");
    CHECK(t == SENTINEL_TRANSPORT);
    t = NULL;
    CHECK_OK(gmmot_transport_solve(2, 2, a, a, c, o, &t)); /* o no longer carries the flag */
    gmmot_transport_destroy(t);
  }
  gmmot_options_destroy(copy);
  gmmot_options_destroy(o);
  gmmot_interrupt_destroy(flag);
  gmmot_interrupt_destroy(NULL);
  CHECK_MSG_EMPTY();
}

static int setup(void) {
  unsigned long st = 99;
  size_t i, j;
  gmmot_options_t *o = NULL;
  gmmot_gmm_t *three;
  const double w3[3] = {0.5, 0.3, 0.2}, m3[6] = {0, 0, 6, 0, 0, 6};
  const double s3[12] = {1, 0.3, 0.3, 0.5, 0.4, 0, 0, 0.4, 2, -0.5, -0.5, 1};
  /* Points: a sample of a 3-component mixture (for EM), also the inputs of maps and densities. */
  three = H_MAKE_GMM(3, 2, w3, m3, s3);
  if (three == NULL) return 0;
  CHECK_OK(gmmot_options_create(&o));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_SEED, 1));
  CHECK_OK(gmmot_gmm_sample(three, NPTS, o, pts, 2 * NPTS, NULL, 0));
  gmmot_options_destroy(o);
  o = NULL;
  gmmot_gmm_destroy(three);
  /* The exact LP at K = 1000: uniform weights perturbed, random costs. */
  lp_cost = malloc((size_t)KLP * KLP * sizeof *lp_cost);
  if (lp_cost == NULL) return 0;
  {
    double sa = 0, sb = 0;
    for (i = 0; i < KLP; ++i) {
      lp_a[i] = 1.5 + h_uniform(&st);
      lp_b[i] = 1.5 + h_uniform(&st);
      sa += lp_a[i];
      sb += lp_b[i];
    }
    for (i = 0; i < KLP; ++i) {
      lp_a[i] /= sa;
      lp_b[i] /= sb;
    }
    for (i = 0; i < KLP; ++i)
      for (j = 0; j < KLP; ++j) lp_cost[i * KLP + j] = 1.0 + h_uniform(&st);
    /* The entropic problem: the leading KENT x KENT block of that cost. */
    for (i = 0; i < KENT; ++i)
      memcpy(ent_cost + i * KENT, lp_cost + i * KLP, KENT * sizeof(double));
  }
  /* Two mixtures of KC components, and their plan for the maps. */
  mix0 = random_mixture(KC, 5);
  mix1 = random_mixture(KC, 6);
  if (mix0 == NULL || mix1 == NULL) return 0;
  for (i = 0; i < JMB; ++i) {
    mb_in[i] = random_mixture(KMB, 70 + i);
    if (mb_in[i] == NULL) return 0;
  }
  CHECK_OK(gmmot_mw2_create(mix0, mix1, NULL, &plan_for_maps));
  if (plan_for_maps == NULL) return 0;
  /* Barycenter inputs: J random non-commuting covariances in d = 8. */
  for (i = 0; i < JB; ++i) {
    b_w[i] = 1.0 / JB;
    h_random_vec(DB, &st, b_m + i * DB);
    h_random_spd(DB, &st, b_s + i * DB * DB);
  }
  /* The EM object, created from options carrying the callback and the flag (copied now). */
  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) return 0;
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_COMPONENTS, 3));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_EM_TOLERANCE, 0.0));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EM_MAX_ITERATIONS, 20));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 2));
  CHECK_OK(gmmot_options_set_progress(o, on_progress, &g_watch));
  CHECK_OK(gmmot_options_set_interrupt(o, g_watch.flag));
  CHECK_OK(gmmot_em_create(o, &em));
  gmmot_options_destroy(o); /* the EM object keeps its copies */
  return em != NULL;
}

static void teardown(void) {
  size_t i;
  gmmot_em_destroy(em);
  gmmot_mw2_destroy(plan_for_maps);
  gmmot_gmm_destroy(mix0);
  gmmot_gmm_destroy(mix1);
  for (i = 0; i < JMB; ++i) {
    gmmot_gmm_destroy(mb_in[i]);
    mb_in[i] = NULL;
  }
  free(lp_cost);
  em = NULL;
  plan_for_maps = NULL;
  mix0 = mix1 = NULL;
  lp_cost = NULL;
}

/* ------------------------------------------------------------------ free-running raise */

static void *raise_after_20ms(void *arg) {
  const struct timespec t = {0, 20 * 1000 * 1000};
  nanosleep(&t, NULL);
  gmmot_interrupt_raise((gmmot_interrupt_t *)arg);
  return NULL;
}

/* A cost matrix of about a second (300 x 300 pairs in d = 24) on 2 threads, interrupt only (the
 * staged, cancellable path), with the flag raised 20 ms in by a thread nobody waits for inside
 * the call: GMMOT_E_CANCELLED, the output untouched, and the same call completes after reset. */
static void test_free_running_raise(void) {
  enum { K = 300, D = 24 };
  double *w = malloc(K * sizeof *w), *m = malloc(K * D * sizeof *m),
         *s = malloc((size_t)K * D * D * sizeof *s), *out = malloc((size_t)K * K * sizeof *out);
  gmmot_gmm_t *g = NULL;
  gmmot_options_t *o = NULL;
  gmmot_interrupt_t *flag = NULL;
  unsigned long st = 7;
  size_t i;
  pthread_t th;
  if (w == NULL || m == NULL || s == NULL || out == NULL) goto done;
  for (i = 0; i < K; ++i) { /* S = diag(1 + |u|) + v v^T / D: symmetric positive definite */
    double v[D];
    size_t r, c;
    w[i] = 1.0 / K;
    for (r = 0; r < D; ++r) v[r] = h_uniform(&st);
    for (r = 0; r < D; ++r)
      for (c = 0; c < D; ++c)
        s[i * D * D + r * D + c] = v[r] * v[c] / D + (r == c ? 1.0 + fabs(h_uniform(&st)) : 0.0);
  }
  for (i = 0; i < (size_t)K * D; ++i) m[i] = h_uniform(&st);
  g = H_MAKE_GMM(K, D, w, m, s);
  CHECK_OK(gmmot_interrupt_create(&flag));
  CHECK_OK(gmmot_options_create(&o));
  if (g == NULL || flag == NULL || o == NULL) goto done;
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 2));
  CHECK_OK(gmmot_options_set_interrupt(o, flag));
  for (i = 0; i < (size_t)K * K; ++i) out[i] = -7.0;
  if (pthread_create(&th, NULL, raise_after_20ms, flag) != 0) {
    CHECK(!"pthread_create");
    goto done;
  }
  CHECK(gmmot_w2_cost_matrix(g, g, o, out, (size_t)K * K) == GMMOT_E_CANCELLED);
  pthread_join(th, NULL);
  for (i = 0; i < (size_t)K * K && out[i] == -7.0; ++i) {
  }
  CHECKF(i == (size_t)K * K, "free-running raise: out[%lu] was written", (unsigned long)i);
  CHECK_OK(gmmot_interrupt_reset(flag));
  CHECK_OK(gmmot_w2_cost_matrix(g, g, o, out, (size_t)K * K));
  CHECK(fabs(out[0]) <= 1e-12 && out[1] > 0.0); /* W2^2(g_0, g_0) = 0 up to rounding */
done:
  gmmot_options_destroy(o);
  gmmot_interrupt_destroy(flag);
  gmmot_gmm_destroy(g);
  free(w);
  free(m);
  free(s);
  free(out);
}

void test_cancel(void) {
  static const cancel_case cases[] = {
      {"EM", "gmmot_em_fit", GMMOT_STAGE_EM, run_em, fill_em, untouched_em, release_em},
      {"exact LP K = 1000", "gmmot_transport_solve", GMMOT_STAGE_EXACT_LP, run_exact,
       fill_transport, untouched_transport, release_transport},
      {"entropic", "gmmot_transport_solve", GMMOT_STAGE_SINKHORN, run_entropic, fill_transport,
       untouched_transport, release_transport},
      {"MW2 plan", "gmmot_mw2_create", GMMOT_STAGE_COST_MATRIX, run_mw2, fill_mw2, untouched_mw2,
       release_mw2},
      {"barycenter", "gmmot_gaussian_barycenter", GMMOT_STAGE_BARYCENTER, run_barycenter,
       fill_barycenter, untouched_barycenter, no_release},
      {"cost matrix", "gmmot_w2_cost_matrix", GMMOT_STAGE_COST_MATRIX, run_cost_matrix,
       fill_cost_matrix, untouched_cost_matrix, no_release},
      {"T_mean", "gmmot_mw2_map_mean", GMMOT_STAGE_MAPS, run_map_mean, fill_points,
       untouched_points, no_release},
      {"T_rand", "gmmot_mw2_map_rand", GMMOT_STAGE_MAPS, run_map_rand, fill_points,
       untouched_points, no_release},
      {"log-density", "gmmot_gmm_log_density", GMMOT_STAGE_DENSITY, run_log_density, fill_points,
       untouched_points, no_release},
      {"sampling", "gmmot_gmm_sample", GMMOT_STAGE_DENSITY, run_sample, fill_points,
       untouched_points, no_release},
      {"exact mixture barycenter", "gmmot_mw2_barycenter_exact", GMMOT_STAGE_COST_MATRIX,
       run_mb_exact, fill_mb, untouched_mb, release_mb},
      {"fixed-point mixture barycenter", "gmmot_mw2_barycenter_fixed_point",
       GMMOT_STAGE_FIXED_POINT, run_mb_fixed_point, fill_mb, untouched_mb, release_mb},
  };
  gmmot_options_t *o = NULL;
  size_t i;
  test_interrupt_object();
  CHECK_OK(gmmot_interrupt_create(&g_watch.flag));
  if (g_watch.flag == NULL) return;
  if (setup()) {
    /* One options object for every call: 2 threads, the callback and the flag. */
    CHECK_OK(gmmot_options_create(&o));
    if (o != NULL) {
      CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 2));
      CHECK_OK(gmmot_options_set_progress(o, on_progress, &g_watch));
      CHECK_OK(gmmot_options_set_interrupt(o, g_watch.flag));
      CHECK_OK(gmmot_options_clone(o, &entropic_opts));
      CHECK_OK(gmmot_options_set_int(entropic_opts, GMMOT_OPT_TRANSPORT_METHOD,
                                     GMMOT_TRANSPORT_ENTROPIC));
      CHECK_OK(gmmot_options_set_double(entropic_opts, GMMOT_OPT_ENTROPIC_EPSILON, 1e-2));
      CHECK_OK(gmmot_options_clone(o, &fixed_point_opts));
      CHECK_OK(gmmot_options_set_double(fixed_point_opts, GMMOT_OPT_FIXED_POINT_TOLERANCE, 0.0));
      CHECK_OK(gmmot_options_set_int(fixed_point_opts, GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, 20));
      for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) check_case(&cases[i], o);
      test_barycenter_stages(o);
      gmmot_options_destroy(entropic_opts);
      entropic_opts = NULL;
      gmmot_options_destroy(fixed_point_opts);
      fixed_point_opts = NULL;
      gmmot_options_destroy(o);
    }
  }
  teardown();
  gmmot_interrupt_destroy(g_watch.flag);
  g_watch.flag = NULL;
  test_free_running_raise();
}
