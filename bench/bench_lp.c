/* SPDX-License-Identifier: MIT */
/* Benchmark: exact discrete transport and MW2 of libgmmot through the public C API, on data
 * files written by bench/peer_pot_lp.py (`peer_pot_lp.py generate DIR`), so that libgmmot and
 * its POT peer solve exactly the same problems. The cases are those of DIR/manifest.txt, one
 * line "<case> <n> <file>" each; the data recipes are documented in peer_pot_lp.py.
 *
 * Prints one line per case:
 *   case=<case> impl=libgmmot n=<params> seconds=<median of 5 runs> extra=<k:v;...>
 * Cases:
 *   case=lp_emd n=K<K>_<random|uniform>: gmmot_transport_solve (exact network simplex, options
 *               GMMOT_OPT_EXACT_MAX_ITERATIONS = 1e8 like POT's numItermax, the pivot count
 *               does not depend on it) + gmmot_transport_cost + gmmot_transport_destroy, from
 *               the arrays a, b, C already in memory. The exact solver is serial whatever
 *               GMMOT_OPT_NUM_THREADS. extra=cost:<%.17g>;nnz:<n>;iterations:<pivots>
 *   case=mw2    n=d<d>_K<K>: end to end from the arrays: gmmot_gmm_create x2 +
 *               gmmot_mw2_create + gmmot_mw2_distance + the destroys, with
 *               GMMOT_OPT_NUM_THREADS = --threads (cost matrix in parallel) and the same pivot
 *               cap. extra=threads:<n>;mw2sq:<%.17g>;nnz:<n>;iterations:<pivots>
 * Timing: a warm-up call that also sets the repetitions (a run repeats the call until 20 ms
 * have passed), then 5 runs, median. A call taking >= 1 s has no separate warm-up (the first
 * call is the first timed run), the same rule as peer_pot_lp.py.
 * Usage: bench_lp --data DIR [--threads N]   (N: GMMOT_OPT_NUM_THREADS, default 2, 0 = all
 *        cores). Run with OPENBLAS_NUM_THREADS=1 (bench/run_lp.sh does). */
#define _POSIX_C_SOURCE 200809L
#define BENCH_PROGRAM "bench_lp"

#include <gmmot/gmmot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

#define NO_WARMUP_SECONDS 1.0
#define MAX_PIVOTS 100000000 /* as POT's numItermax in peer_pot_lp.py */

/* ------------------------------------------------------------------ data files */
/* Native little-endian: an 8-byte magic, uint64 sizes, float64 arrays (peer_pot_lp.py). */
static FILE *open_data(const char *path, const char *magic) {
  char got[8];
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail("cannot open %s", path);
  if (fread(got, 1, 8, f) != 8 || memcmp(got, magic, 8) != 0)
    fail("%s is not a %.8s file", path, magic);
  return f;
}

static void read_u64(FILE *f, const char *path, uint64_t *v, size_t n) {
  if (fread(v, sizeof *v, n, f) != n) fail("%s is truncated", path);
}

static double *read_doubles(FILE *f, const char *path, size_t n) {
  double *v = xmalloc(n * sizeof *v);
  if (fread(v, sizeof *v, n, f) != n) fail("%s is truncated", path);
  return v;
}

/* ------------------------------------------------------------------ case lp_emd */
typedef struct {
  size_t k0, k1;
  double *a, *b, *cost;
  const gmmot_options_t *opts;
  double value;
  size_t nnz;
  uint64_t iterations;
} lp_ctx;

static void lp_call(void *p) {
  lp_ctx *c = p;
  gmmot_transport_t *t = NULL;
  check(gmmot_transport_solve(c->k0, c->k1, c->a, c->b, c->cost, c->opts, &t),
        "gmmot_transport_solve");
  check(gmmot_transport_cost(t, &c->value), "gmmot_transport_cost");
  c->nnz = gmmot_transport_nnz(t);
  check(gmmot_transport_info(t, &c->iterations, NULL), "gmmot_transport_info");
  gmmot_transport_destroy(t);
}

static void bench_lp_case(const char *n, const char *path, const gmmot_options_t *opts) {
  FILE *f = open_data(path, "GMMOTLP1");
  uint64_t dims[2];
  double sec;
  lp_ctx c;
  memset(&c, 0, sizeof c);
  read_u64(f, path, dims, 2);
  c.k0 = dims[0];
  c.k1 = dims[1];
  c.a = read_doubles(f, path, c.k0);
  c.b = read_doubles(f, path, c.k1);
  c.cost = read_doubles(f, path, c.k0 * c.k1);
  fclose(f);
  c.opts = opts;
  sec = time_median(lp_call, &c, NO_WARMUP_SECONDS);
  printf("case=lp_emd impl=libgmmot n=%s seconds=%.6e extra=cost:%.17g;nnz:%zu;iterations:%llu\n",
         n, sec, c.value, c.nnz, (unsigned long long)c.iterations);
  fflush(stdout);
  free(c.a);
  free(c.b);
  free(c.cost);
}

/* ------------------------------------------------------------------ case mw2 */
/* Index s = 0, 1: the source and the target mixture. */
typedef struct {
  size_t d, k[2];
  double *w[2], *m[2], *c[2];
  const gmmot_options_t *opts;
  double value;
  size_t nnz;
  uint64_t iterations;
} mw2_ctx;

static void mw2_call(void *p) {
  mw2_ctx *c = p;
  gmmot_gmm_t *g[2] = {NULL, NULL};
  gmmot_mw2_t *m = NULL;
  int s;
  for (s = 0; s < 2; ++s)
    check(gmmot_gmm_create(c->k[s], c->d, c->w[s], c->m[s], c->c[s], &g[s]), "gmmot_gmm_create");
  check(gmmot_mw2_create(g[0], g[1], c->opts, &m), "gmmot_mw2_create");
  check(gmmot_mw2_distance(m, &c->value, NULL), "gmmot_mw2_distance");
  c->nnz = gmmot_mw2_nnz(m);
  check(gmmot_mw2_info(m, &c->iterations, NULL), "gmmot_mw2_info");
  gmmot_mw2_destroy(m);
  for (s = 0; s < 2; ++s) gmmot_gmm_destroy(g[s]);
}

static void bench_mw2_case(const char *n, const char *path, const gmmot_options_t *opts,
                           long threads_shown) {
  FILE *f = open_data(path, "GMMOTMW1");
  uint64_t dims[3];
  double sec;
  mw2_ctx c;
  int s;
  memset(&c, 0, sizeof c);
  read_u64(f, path, dims, 3);
  c.d = dims[0];
  for (s = 0; s < 2; ++s) {
    c.k[s] = dims[1 + s];
    c.w[s] = read_doubles(f, path, c.k[s]);
    c.m[s] = read_doubles(f, path, c.k[s] * c.d);
    c.c[s] = read_doubles(f, path, c.k[s] * c.d * c.d);
  }
  fclose(f);
  c.opts = opts;
  sec = time_median(mw2_call, &c, NO_WARMUP_SECONDS);
  printf(
      "case=mw2 impl=libgmmot n=%s seconds=%.6e "
      "extra=threads:%ld;mw2sq:%.17g;nnz:%zu;iterations:%llu\n",
      n, sec, threads_shown, c.value, c.nnz, (unsigned long long)c.iterations);
  fflush(stdout);
  for (s = 0; s < 2; ++s) {
    free(c.w[s]);
    free(c.m[s]);
    free(c.c[s]);
  }
}

/* ------------------------------------------------------------------ main */
int main(int argc, char **argv) {
  const char *dir = NULL;
  long threads = 2, shown;
  gmmot_options_t *opts;
  char kase[64], n[64], path[4096], manifest[4096];
  FILE *mf;
  if (parse_data_args(argc, argv, "peer_pot_lp.py", &dir, &threads) != 0) return 2;
  opts = threads_options(threads, &shown);
  check(gmmot_options_set_int(opts, GMMOT_OPT_EXACT_MAX_ITERATIONS, MAX_PIVOTS),
        "gmmot_options_set_int(GMMOT_OPT_EXACT_MAX_ITERATIONS)");

  mf = open_manifest(dir, "peer_pot_lp.py", manifest, sizeof manifest);
  while (next_case(mf, dir, kase, n, path, sizeof path)) {
    if (case_kind(kase, "lp_emd", "mw2", manifest) == 0)
      bench_lp_case(n, path, opts);
    else
      bench_mw2_case(n, path, opts, shown);
  }
  fclose(mf);
  gmmot_options_destroy(opts);
  return 0;
}
