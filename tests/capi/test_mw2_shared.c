/* SPDX-License-Identifier: MIT */
/* Shared mixtures and maps computed once per plan (gmmot/mw2.h, gmmot/maps.h), through the C
 * API: a plan outlives the mixture handles it was made from (it shares their mixtures); the
 * coupling and the geodesic are new handles that outlive the plan; repeated map calls on one
 * plan give bit-identical results; and several threads calling gmmot_mw2_map_mean,
 * gmmot_mw2_map_rand and gmmot_mw2_copy_pair_maps at once on a fresh plan (so that they race
 * for the first, lazy computation of its maps) all get the results of a plan used from one
 * thread, bit for bit. */
#define _POSIX_C_SOURCE 200809L

#include <gmmot/gmmot.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

void test_mw2_shared(void);

#define D 2
enum { NPTS = 64, NTHREADS = 4, ROUNDS = 8, MAXNNZ = 4 };

/* The 2 x 3 mixtures of test_mw2.c (d = 2, non-commuting covariances): nnz = 4. */
static const double w0[2] = {0.45, 0.55}, m0[2 * D] = {0, 0, 3, 1};
static const double s0[2 * D * D] = {2, 0.5, 0.5, 1, 1, -0.3, -0.3, 0.5};
static const double w1[3] = {0.3, 0.3, 0.4}, m1[3 * D] = {1, 0, 2, 2, -1, 1};
static const double s1[3 * D * D] = {1, 0.2, 0.2, 1.5, 0.5, 0, 0, 2, 3, 1, 1, 1};

typedef struct {
  double mean[NPTS * D], rnd[NPTS * D], a[MAXNNZ * D * D], b[MAXNNZ * D];
  int rc_mean, rc_rand, rc_maps;
} results_t;

typedef struct {
  const gmmot_mw2_t *plan;
  const double *x;
  pthread_barrier_t *start;
  results_t out;
} worker_t;

static void run_maps(const gmmot_mw2_t *p, const double *x, results_t *r) {
  r->rc_mean = gmmot_mw2_map_mean(p, NPTS, x, NULL, r->mean, NPTS * D);
  r->rc_rand = gmmot_mw2_map_rand(p, NPTS, x, NULL, r->rnd, NPTS * D);
  r->rc_maps = gmmot_mw2_copy_pair_maps(p, r->a, MAXNNZ * D * D, r->b, MAXNNZ * D);
}

static void *worker(void *arg) {
  worker_t *w = (worker_t *)arg;
  pthread_barrier_wait(w->start);
  run_maps(w->plan, w->x, &w->out);
  return NULL;
}

static int same_results(const results_t *a, const results_t *b) {
  return a->rc_mean == b->rc_mean && a->rc_rand == b->rc_rand && a->rc_maps == b->rc_maps &&
         memcmp(a->mean, b->mean, sizeof a->mean) == 0 &&
         memcmp(a->rnd, b->rnd, sizeof a->rnd) == 0 && memcmp(a->a, b->a, sizeof a->a) == 0 &&
         memcmp(a->b, b->b, sizeof a->b) == 0;
}

static gmmot_mw2_t *plan_of_fresh_handles(void) {
  gmmot_gmm_t *g0 = H_MAKE_GMM(2, D, w0, m0, s0), *g1 = H_MAKE_GMM(3, D, w1, m1, s1);
  gmmot_mw2_t *p = NULL;
  CHECK_OK(gmmot_mw2_create(g0, g1, NULL, &p));
  /* The plan shares the mixtures: it stays valid once the handles are gone. */
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  return p;
}

void test_mw2_shared(void) {
  double x[NPTS * D];
  results_t want, again;
  unsigned long st = 77;
  size_t i;
  int round;
  gmmot_mw2_t *p;
  for (i = 0; i < NPTS * D; ++i) x[i] = 4.0 * h_uniform(&st) - 1.0;

  /* A plan whose handles are destroyed: distance, copies, derived mixtures, maps. */
  p = plan_of_fresh_handles();
  if (p == NULL) return;
  CHECK(gmmot_mw2_nnz(p) == MAXNNZ);
  {
    double sq = -1.0, w[MAXNNZ];
    gmmot_gmm_t *cpl = NULL, *mid = NULL;
    CHECK_OK(gmmot_mw2_distance(p, &sq, NULL));
    CHECK(sq > 0.0);
    CHECK_OK(gmmot_mw2_coupling(p, &cpl));
    CHECK_OK(gmmot_mw2_geodesic(p, 0.5, &mid));
    gmmot_mw2_destroy(p);
    /* The derived mixtures are handles of their own. */
    CHECK(gmmot_gmm_ncomponents(cpl) == MAXNNZ && gmmot_gmm_dim(cpl) == 2 * D);
    CHECK(gmmot_gmm_ncomponents(mid) == MAXNNZ && gmmot_gmm_dim(mid) == D);
    CHECK_OK(gmmot_gmm_copy_weights(mid, w, MAXNNZ));
    CHECK_NEAR(w[0] + w[1] + w[2] + w[3], 1.0, 1e-12, 0.0);
    gmmot_gmm_destroy(cpl);
    gmmot_gmm_destroy(mid);
  }

  /* Reference: one plan used from this thread only; repeated calls give the same bits. */
  p = plan_of_fresh_handles();
  if (p == NULL) return;
  run_maps(p, x, &want);
  CHECK_OK(want.rc_mean);
  CHECK_OK(want.rc_rand);
  CHECK_OK(want.rc_maps);
  run_maps(p, x, &again);
  CHECK(same_results(&again, &want));
  gmmot_mw2_destroy(p);

  /* Fresh plans, NTHREADS threads released at once on each: their first calls race. */
  for (round = 0; round < ROUNDS; ++round) {
    pthread_t th[NTHREADS];
    static worker_t w[NTHREADS];
    pthread_barrier_t start;
    int created[NTHREADS], t;
    gmmot_mw2_t *q = plan_of_fresh_handles();
    if (q == NULL) return;
    CHECK(pthread_barrier_init(&start, NULL, NTHREADS) == 0);
    for (t = 0; t < NTHREADS; ++t) {
      memset(&w[t], 0, sizeof w[t]);
      w[t].plan = q;
      w[t].x = x;
      w[t].start = &start;
      created[t] = pthread_create(&th[t], NULL, worker, &w[t]) == 0;
    }
    for (t = 0; t < NTHREADS; ++t) {
      CHECK(created[t]);
      if (created[t]) pthread_join(th[t], NULL);
    }
    for (t = 0; t < NTHREADS; ++t) {
      CHECKF(same_results(&w[t].out, &want),
             "round %d, thread %d: results differ from the single-threaded plan's", round, t);
    }
    /* And after the race, the cached maps still give the same. */
    run_maps(q, x, &again);
    CHECK(same_results(&again, &want));
    pthread_barrier_destroy(&start);
    gmmot_mw2_destroy(q);
  }
}
