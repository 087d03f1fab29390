/* SPDX-License-Identifier: MIT */
/* Thread isolation of gmmot_last_error_message (thread-local): two threads make different failing
 * calls in a loop (one also interleaves successful calls) and each always sees its own message.
 * A third runs concurrent successful calls on a shared handle (gmm.h: immutable, shareable). */
#define _POSIX_C_SOURCE 200809L

#include <gmmot/gmmot.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

enum { ITERS = 2000 };

typedef struct {
  const gmmot_gmm_t *shared;
  long bad;       /* iterations where the thread saw something other than its own message */
  char last[512]; /* an example of a wrong message */
} worker_t;

static void note(worker_t *w, const char *what) {
  const char *m = gmmot_last_error_message();
  ++w->bad;
  snprintf(w->last, sizeof w->last, "%s: \"%s\"", what, m ? m : "(null)");
}

/* Thread A: gmmot_gmm_create with K = 0 (DIMENSION). */
static void *worker_a(void *arg) {
  worker_t *w = (worker_t *)arg;
  static const double one[1] = {1.0}, z[1] = {0.0};
  int i;
  for (i = 0; i < ITERS; ++i) {
    gmmot_gmm_t *g = NULL;
    int rc = gmmot_gmm_create(0, 1, one, z, one, &g);
    const char *m = gmmot_last_error_message();
    if (rc != GMMOT_E_DIMENSION || strstr(m, "gmmot_gmm_create") == NULL ||
        strstr(m, "gmmot_gaussian") != NULL || strstr(m, "gmmot_options") != NULL) {
      note(w, "A");
    }
  }
  return NULL;
}

/* Thread B: gmmot_gaussian_w2_squared with NULL m0 (INVALID_ARGUMENT), then a successful call on
 * the shared handle, which must leave "" behind. */
static void *worker_b(void *arg) {
  worker_t *w = (worker_t *)arg;
  static const double one[1] = {1.0}, z[1] = {0.0};
  int i;
  for (i = 0; i < ITERS; ++i) {
    double out = 0.0, x = 0.5, ld = 0.0;
    int rc = gmmot_gaussian_w2_squared(1, NULL, one, z, one, &out);
    const char *m = gmmot_last_error_message();
    if (rc != GMMOT_E_INVALID_ARGUMENT || strstr(m, "gmmot_gaussian_w2_squared") == NULL ||
        strstr(m, "gmmot_gmm_create") != NULL || strstr(m, "gmmot_options") != NULL) {
      note(w, "B");
    }
    rc = gmmot_gmm_log_density(w->shared, 1, &x, NULL, &ld, 1);
    if (rc != GMMOT_OK || gmmot_last_error_message()[0] != '\0') note(w, "B ok");
  }
  return NULL;
}

/* Thread C: gmmot_options_set_int with an unknown key on its own object. */
static void *worker_c(void *arg) {
  worker_t *w = (worker_t *)arg;
  gmmot_options_t *o = NULL;
  int i;
  if (gmmot_options_create(&o) != GMMOT_OK) {
    note(w, "C create");
    return NULL;
  }
  for (i = 0; i < ITERS; ++i) {
    int rc = gmmot_options_set_int(o, 31337, 1);
    const char *m = gmmot_last_error_message();
    if (rc != GMMOT_E_INVALID_ARGUMENT || strstr(m, "gmmot_options_set_int") == NULL ||
        strstr(m, "gmmot_gmm") != NULL || strstr(m, "gmmot_gaussian") != NULL) {
      note(w, "C");
    }
  }
  gmmot_options_destroy(o);
  return NULL;
}

/* A new thread's first read: never NULL, "" (no call made yet on it). */
static void *worker_fresh(void *arg) {
  worker_t *w = (worker_t *)arg;
  const char *m = gmmot_last_error_message();
  if (m == NULL || m[0] != '\0') note(w, "fresh");
  return NULL;
}

void test_threads(void) {
  static const double one[1] = {1.0}, z[1] = {0.0};
  pthread_t ta, tb, tc;
  worker_t wa, wb, wc;
  gmmot_gmm_t *g = NULL;
  int ra, rb, rc;

  CHECK_OK(gmmot_gmm_create(1, 1, one, z, one, &g));
  if (g == NULL) return;
  memset(&wa, 0, sizeof wa);
  memset(&wb, 0, sizeof wb);
  memset(&wc, 0, sizeof wc);
  wa.shared = wb.shared = wc.shared = g;
  /* The main thread's own state must not leak into the workers or come back from them. */
  CHECK_STATUS(gmmot_options_create(NULL), GMMOT_E_INVALID_ARGUMENT);
  ra = pthread_create(&ta, NULL, worker_a, &wa);
  rb = pthread_create(&tb, NULL, worker_b, &wb);
  rc = pthread_create(&tc, NULL, worker_c, &wc);
  CHECK(ra == 0 && rb == 0 && rc == 0);
  if (ra == 0) pthread_join(ta, NULL);
  if (rb == 0) pthread_join(tb, NULL);
  if (rc == 0) pthread_join(tc, NULL);
  CHECKF(wa.bad == 0, "thread A saw a foreign message %ld times, e.g. %s", wa.bad, wa.last);
  CHECKF(wb.bad == 0, "thread B saw a foreign message %ld times, e.g. %s", wb.bad, wb.last);
  CHECKF(wc.bad == 0, "thread C saw a foreign message %ld times, e.g. %s", wc.bad, wc.last);
  {
    const char *m = gmmot_last_error_message();
    CHECKF(strstr(m, "gmmot_options_create") != NULL, "main thread's message kept: \"%s\"", m);
  }
  {
    pthread_t tf;
    worker_t wf;
    memset(&wf, 0, sizeof wf);
    CHECK(pthread_create(&tf, NULL, worker_fresh, &wf) == 0);
    pthread_join(tf, NULL);
    CHECKF(wf.bad == 0, "fresh thread: %s", wf.last);
  }
  gmmot_gmm_destroy(g);
}
