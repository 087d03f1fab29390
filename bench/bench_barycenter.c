/* SPDX-License-Identifier: MIT */
/* Benchmark: barycenters of Gaussian mixtures (gmmot/barycenter.h) through the public C API, on
 * data files written by bench/peer_scipy_mmot.py (`peer_scipy_mmot.py generate DIR`), so that
 * libgmmot and its peers (peer_scipy_mmot.py, peer_numpy_fixedpoint.py) solve exactly the same
 * problems. The cases are those of DIR/manifest.txt, one line "<case> <n> <file>" each; the
 * data recipes are documented in peer_scipy_mmot.py.
 *
 * Prints one line per case:
 *   case=<case> impl=libgmmot n=<params> seconds=<median of 5 runs> extra=<k:v;...>
 * Cases:
 *   case=mw2_bary_exact n=J<J>_K<K>_d<d>: end to end from the arrays: gmmot_gmm_create x J +
 *       gmmot_mw2_barycenter_exact (Delon-Desolneux 2020 Prop. 8, column generation over the
 *       prod_j K_j tuples) + the result queries + the destroys, GMMOT_OPT_NUM_THREADS =
 *       --threads (the tuple barycenters run in parallel). extra=threads:<n>;cost:<V %.17g>;
 *       components:<n>;tuple_costs:<tuple barycenters computed>;tuples:<prod_j K_j>;
 *       iterations:<pivots>;pricing_rounds:<n>;gap:<|primal - dual|>
 *   case=mw2_bary_fixed_point n=J<J>_K<K>_d<d>: end to end from the arrays: gmmot_gmm_create x
 *       (J + 1) + gmmot_mw2_barycenter_fixed_point from the file's initial mixture with
 *       GMMOT_OPT_FIXED_POINT_METHOD = GMMOT_FIXED_POINT_EUCLIDEAN (the heuristic of POT),
 *       GMMOT_OPT_FIXED_POINT_TOLERANCE = 0 and GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS = the
 *       file's count, so that it runs that many iterations unless V stops decreasing (status
 *       GMMOT_W_NOT_CONVERGED is the expected outcome). extra=threads:<n>;V:<%.17g, the last
 *       energy: V after the last iteration>;V0:<start>;iterations:<n>;
 *       s_per_iter:<seconds / iterations>
 * Timing: a warm-up call that also sets the repetitions (a run repeats the call until 20 ms
 * have passed), then 5 runs, median. A call taking >= 1 s has no separate warm-up (the first
 * call is the first timed run), the rule of peer_common.py.
 * Usage: bench_barycenter --data DIR [--threads N]   (N: GMMOT_OPT_NUM_THREADS, default 2,
 *        0 = all cores). Run with OPENBLAS_NUM_THREADS=1 (bench/run_barycenter.sh does). */
#define _POSIX_C_SOURCE 200809L
#define BENCH_PROGRAM "bench_barycenter"

#include <gmmot/gmmot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

#define NO_WARMUP_SECONDS 1.0
#define MAX_J 16

/* ------------------------------------------------------------------ data files */
/* Native little-endian (peer_scipy_mmot.py write_case): magic "GMMOTBY1"; uint64 d, J,
 * n_init, iterations; uint64 K_j (J); lambda (J doubles); per mixture w, means, covs; then the
 * initial mixture when n_init > 0. Index J of the arrays below is the initial mixture. */
typedef struct {
  size_t d, j, k[MAX_J + 1], iterations;
  int has_init;
  double lambda[MAX_J];
  double *w[MAX_J + 1], *m[MAX_J + 1], *c[MAX_J + 1];
} bary_data;

static void read_or_fail(void *dst, size_t size, size_t n, FILE *f, const char *path) {
  if (fread(dst, size, n, f) != n) fail("%s is truncated", path);
}

static void read_data(const char *path, bary_data *b) {
  char magic[8];
  uint64_t head[4], k[MAX_J];
  size_t i;
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail("cannot open %s", path);
  read_or_fail(magic, 1, 8, f, path);
  if (memcmp(magic, "GMMOTBY1", 8) != 0) fail("%s is not a GMMOTBY1 file", path);
  read_or_fail(head, sizeof head[0], 4, f, path);
  memset(b, 0, sizeof *b);
  b->d = (size_t)head[0];
  b->j = (size_t)head[1];
  b->has_init = head[2] > 0;
  b->iterations = (size_t)head[3];
  if (b->j == 0 || b->j > MAX_J) fail("%s: J = %zu is not in 1..%d", path, b->j, MAX_J);
  read_or_fail(k, sizeof k[0], b->j, f, path);
  for (i = 0; i < b->j; ++i) b->k[i] = (size_t)k[i];
  b->k[b->j] = (size_t)head[2];
  read_or_fail(b->lambda, sizeof(double), b->j, f, path);
  for (i = 0; i < b->j + (size_t)b->has_init; ++i) {
    b->w[i] = xmalloc(b->k[i] * sizeof(double));
    b->m[i] = xmalloc(b->k[i] * b->d * sizeof(double));
    b->c[i] = xmalloc(b->k[i] * b->d * b->d * sizeof(double));
    read_or_fail(b->w[i], sizeof(double), b->k[i], f, path);
    read_or_fail(b->m[i], sizeof(double), b->k[i] * b->d, f, path);
    read_or_fail(b->c[i], sizeof(double), b->k[i] * b->d * b->d, f, path);
  }
  fclose(f);
}

static void free_data(bary_data *b) {
  size_t i;
  for (i = 0; i < b->j + (size_t)b->has_init; ++i) {
    free(b->w[i]);
    free(b->m[i]);
    free(b->c[i]);
  }
}

/* The J input mixtures (and the initial one at index J when there is one), as handles. */
static void create_mixtures(const bary_data *b, gmmot_gmm_t **g) {
  size_t i;
  for (i = 0; i < b->j + (size_t)b->has_init; ++i)
    check(gmmot_gmm_create(b->k[i], b->d, b->w[i], b->m[i], b->c[i], &g[i]), "gmmot_gmm_create");
}

static void destroy_mixtures(const bary_data *b, gmmot_gmm_t **g) {
  size_t i;
  for (i = 0; i < b->j + (size_t)b->has_init; ++i) gmmot_gmm_destroy(g[i]);
}

/* ------------------------------------------------------------------ case mw2_bary_exact */
typedef struct {
  const bary_data *data;
  const gmmot_options_t *opts;
  double cost, gap;
  size_t components;
  uint64_t iterations, tuple_costs, rounds;
} exact_ctx;

static void exact_call(void *p) {
  exact_ctx *c = p;
  gmmot_gmm_t *g[MAX_J + 1];
  gmmot_mw2_barycenter_t *b = NULL;
  create_mixtures(c->data, g);
  check(gmmot_mw2_barycenter_exact((const gmmot_gmm_t *const *)g, c->data->j, c->data->lambda,
                                   c->data->j, c->opts, &b),
        "gmmot_mw2_barycenter_exact");
  check(gmmot_mw2_barycenter_cost(b, &c->cost), "gmmot_mw2_barycenter_cost");
  c->components = gmmot_mw2_barycenter_components(b);
  check(gmmot_mw2_barycenter_info(b, &c->iterations, &c->tuple_costs, &c->rounds),
        "gmmot_mw2_barycenter_info");
  check(gmmot_mw2_barycenter_certificate(b, NULL, NULL, &c->gap),
        "gmmot_mw2_barycenter_certificate");
  gmmot_mw2_barycenter_destroy(b);
  destroy_mixtures(c->data, g);
}

static void bench_exact(const char *n, const char *path, const gmmot_options_t *opts,
                        long threads_shown) {
  bary_data data;
  exact_ctx c;
  double sec;
  size_t i, tuples = 1;
  read_data(path, &data);
  memset(&c, 0, sizeof c);
  c.data = &data;
  c.opts = opts;
  for (i = 0; i < data.j; ++i) tuples *= data.k[i];
  sec = time_median(exact_call, &c, NO_WARMUP_SECONDS);
  printf(
      "case=mw2_bary_exact impl=libgmmot n=%s seconds=%.6e "
      "extra=threads:%ld;cost:%.17g;components:%zu;tuple_costs:%llu;tuples:%zu;iterations:%llu;"
      "pricing_rounds:%llu;gap:%.3g\n",
      n, sec, threads_shown, c.cost, c.components, (unsigned long long)c.tuple_costs, tuples,
      (unsigned long long)c.iterations, (unsigned long long)c.rounds, c.gap);
  fflush(stdout);
  free_data(&data);
}

/* ------------------------------------------------------------------ case mw2_bary_fixed_point */
typedef struct {
  const bary_data *data;
  const gmmot_options_t *opts;
  double v, v0;
  uint64_t iterations;
} fp_ctx;

static void fp_call(void *p) {
  fp_ctx *c = p;
  gmmot_gmm_t *g[MAX_J + 1];
  gmmot_mw2_barycenter_t *b = NULL;
  double energies[1024];
  size_t ne;
  int status;
  create_mixtures(c->data, g);
  status =
      gmmot_mw2_barycenter_fixed_point((const gmmot_gmm_t *const *)g, c->data->j, c->data->lambda,
                                       c->data->j, g[c->data->j], c->opts, &b);
  /* Tolerance 0: the iteration cap is the expected stop, its warning is not a failure. */
  if (status != GMMOT_OK && status != GMMOT_W_NOT_CONVERGED)
    die("gmmot_mw2_barycenter_fixed_point", status);
  check(gmmot_mw2_barycenter_info(b, &c->iterations, NULL, NULL), "gmmot_mw2_barycenter_info");
  ne = gmmot_mw2_barycenter_energies_len(b);
  if (ne == 0 || ne > sizeof energies / sizeof energies[0]) fail("%zu energies", ne);
  check(gmmot_mw2_barycenter_copy_energies(b, energies, ne), "gmmot_mw2_barycenter_copy_energies");
  c->v0 = energies[0];
  c->v = energies[ne - 1];
  gmmot_mw2_barycenter_destroy(b);
  destroy_mixtures(c->data, g);
}

static void bench_fixed_point(const char *n, const char *path, gmmot_options_t *opts,
                              long threads_shown) {
  bary_data data;
  fp_ctx c;
  double sec;
  read_data(path, &data);
  if (!data.has_init || data.iterations == 0) fail("%s has no initial mixture or iterations", path);
  check(gmmot_options_set_int(opts, GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, (int64_t)data.iterations),
        "gmmot_options_set_int(GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS)");
  memset(&c, 0, sizeof c);
  c.data = &data;
  c.opts = opts;
  sec = time_median(fp_call, &c, NO_WARMUP_SECONDS);
  printf(
      "case=mw2_bary_fixed_point impl=libgmmot n=%s seconds=%.6e "
      "extra=threads:%ld;V:%.17g;V0:%.17g;iterations:%llu;s_per_iter:%.4g\n",
      n, sec, threads_shown, c.v, c.v0, (unsigned long long)c.iterations,
      sec / (double)(c.iterations > 0 ? c.iterations : 1));
  fflush(stdout);
  free_data(&data);
}

/* ------------------------------------------------------------------ main */
int main(int argc, char **argv) {
  const char *dir = NULL;
  long threads = 2, shown;
  gmmot_options_t *opts, *fp_opts;
  char kase[64], n[64], path[4096], manifest[4096];
  FILE *mf;
  if (parse_data_args(argc, argv, "peer_scipy_mmot.py", &dir, &threads) != 0) return 2;
  opts = threads_options(threads, &shown);
  fp_opts = threads_options(threads, NULL);
  check(gmmot_options_set_int(fp_opts, GMMOT_OPT_FIXED_POINT_METHOD, GMMOT_FIXED_POINT_EUCLIDEAN),
        "gmmot_options_set_int(GMMOT_OPT_FIXED_POINT_METHOD)");
  check(gmmot_options_set_double(fp_opts, GMMOT_OPT_FIXED_POINT_TOLERANCE, 0.0),
        "gmmot_options_set_double(GMMOT_OPT_FIXED_POINT_TOLERANCE)");

  mf = open_manifest(dir, "peer_scipy_mmot.py", manifest, sizeof manifest);
  while (next_case(mf, dir, kase, n, path, sizeof path)) {
    if (case_kind(kase, "mw2_bary_exact", "mw2_bary_fixed_point", manifest) == 0)
      bench_exact(n, path, opts, shown);
    else
      bench_fixed_point(n, path, fp_opts, shown);
  }
  fclose(mf);
  gmmot_options_destroy(opts);
  gmmot_options_destroy(fp_opts);
  return 0;
}
