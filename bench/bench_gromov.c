/* SPDX-License-Identifier: MIT */
/* Benchmark: MGW2 (gmmot/gromov.h) through the public C API, on mixtures written by
 * bench/peer_pot_gw.py (`peer_pot_gw.py generate DIR`; recipes there). For every case of
 * DIR/manifest.txt ("mgw2 <n> <file>") it times, end to end from the arrays (gmmot_gmm_create
 * x2 + gmmot_mgw2_create + gmmot_gw_value + the destroys):
 *   case=mgw2        the defaults: product start, annealed start, 4 random starts
 *   case=mgw2_single one product start without annealing (GMMOT_OPT_GW_STARTS = 0,
 *                    GMMOT_OPT_GW_ANNEALING = 0): the start and algorithm of POT's
 *                    ot.gromov.gromov_wasserstein
 *   case=gw, gw_single the same two settings on the matrices already computed
 *                    (gmmot_gw_create): the solver alone, exactly what POT's call does
 * and prints
 *   case=<case> impl=libgmmot n=<n> seconds=<median of 5> extra=value:<%.17g>;iterations:<n>;
 *        certified:<0|1>;starts:<n>;threads:<n>
 * It also writes the intra-mixture W2^2 matrices D0, D1 next to the data file (<file>.D) for
 * the peer, which runs POT on exactly these matrices.
 * Usage: bench_gromov --data DIR [--threads N]. Run with OPENBLAS_NUM_THREADS=1
 * (bench/run_gromov.sh does). */
#define _POSIX_C_SOURCE 200809L
#define BENCH_PROGRAM "bench_gromov"

#include <gmmot/gmmot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

#define NO_WARMUP_SECONDS 1.0

/* Native little-endian: magic "GMMOTGW1", uint64 K0, d0, K1, d1, then float64 weights, means
 * and covariances of mixture 0, then of mixture 1 (peer_pot_gw.py). */
typedef struct {
  uint64_t k[2], d[2];
  double *w[2], *m[2], *c[2];
} Pair;

static double *read_doubles(FILE *f, const char *path, size_t n) {
  double *v = xmalloc(n * sizeof *v);
  if (fread(v, sizeof *v, n, f) != n) fail("%s is truncated", path);
  return v;
}

static Pair read_pair(const char *path) {
  Pair p;
  char magic[8];
  uint64_t sizes[4];
  int s;
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail("cannot open %s", path);
  if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "GMMOTGW1", 8) != 0)
    fail("%s is not a GMMOTGW1 file", path);
  if (fread(sizes, sizeof sizes[0], 4, f) != 4) fail("%s is truncated", path);
  for (s = 0; s < 2; ++s) {
    p.k[s] = sizes[2 * s];
    p.d[s] = sizes[2 * s + 1];
  }
  for (s = 0; s < 2; ++s) {
    p.w[s] = read_doubles(f, path, p.k[s]);
    p.m[s] = read_doubles(f, path, p.k[s] * p.d[s]);
    p.c[s] = read_doubles(f, path, p.k[s] * p.d[s] * p.d[s]);
  }
  fclose(f);
  return p;
}

typedef struct {
  const Pair *p;
  const gmmot_options_t *opts;
  double value;
  gmmot_gw_t *keep; /* the last result, kept by the last call for the report */
} Call;

static void run_mgw2(void *ctx) {
  Call *c = ctx;
  gmmot_gmm_t *g[2];
  gmmot_gw_t *gw = NULL;
  int s;
  for (s = 0; s < 2; ++s) {
    const int st =
        gmmot_gmm_create(c->p->k[s], c->p->d[s], c->p->w[s], c->p->m[s], c->p->c[s], &g[s]);
    if (st < 0) die("gmmot_gmm_create", st);
  }
  s = gmmot_mgw2_create(g[0], g[1], c->opts, &gw);
  if (s < 0) die("gmmot_mgw2_create", s);
  check(gmmot_gw_value(gw, &c->value, NULL), "gmmot_gw_value");
  gmmot_gw_destroy(c->keep);
  c->keep = gw;
  gmmot_gmm_destroy(g[0]);
  gmmot_gmm_destroy(g[1]);
}

/* The solver alone on given matrices (gmmot_gw_create + gmmot_gw_value + destroy), what POT's
 * call does. */
typedef struct {
  size_t k0, k1;
  const double *a, *b, *d0, *d1;
  const gmmot_options_t *opts;
  double value;
  gmmot_gw_t *keep;
} Solve;

static void run_gw(void *ctx) {
  Solve *c = ctx;
  gmmot_gw_t *gw = NULL;
  const int s = gmmot_gw_create(c->k0, c->a, c->d0, c->k1, c->b, c->d1, c->opts, &gw);
  if (s < 0) die("gmmot_gw_create", s);
  check(gmmot_gw_value(gw, &c->value, NULL), "gmmot_gw_value");
  gmmot_gw_destroy(c->keep);
  c->keep = gw;
}

static void write_matrices(const char *path, gmmot_gw_t *gw) {
  char out[1100];
  const size_t k0 = gmmot_gw_rows(gw), k1 = gmmot_gw_cols(gw);
  double *d0 = xmalloc(k0 * k0 * sizeof *d0), *d1 = xmalloc(k1 * k1 * sizeof *d1);
  FILE *f;
  check(gmmot_gw_copy_cost_matrices(gw, d0, k0 * k0, d1, k1 * k1), "gmmot_gw_copy_cost_matrices");
  snprintf(out, sizeof out, "%s.D", path);
  f = fopen(out, "wb");
  if (f == NULL || fwrite(d0, sizeof *d0, k0 * k0, f) != k0 * k0 ||
      fwrite(d1, sizeof *d1, k1 * k1, f) != k1 * k1 || fclose(f) != 0)
    fail("cannot write %s", out);
  free(d0);
  free(d1);
}

static void report(const char *name, const char *n, double seconds, gmmot_gw_t *keep, double value,
                   long threads) {
  uint64_t iterations = 0, starts = 0;
  int certified = 0;
  check(gmmot_gw_info(keep, &iterations, NULL, &certified, &starts, NULL), "gmmot_gw_info");
  printf(
      "case=%s impl=libgmmot n=%s seconds=%.6e extra=value:%.17g;iterations:%llu;"
      "certified:%d;starts:%llu;threads:%ld\n",
      name, n, seconds, value, (unsigned long long)iterations, certified,
      (unsigned long long)starts, threads);
  fflush(stdout);
}

int main(int argc, char **argv) {
  const char *dir;
  long threads = 2, shown = 0;
  char manifest[1024], kind[64], n[64], path[1000];
  FILE *mf;
  gmmot_options_t *defaults, *single;
  const int bad = parse_data_args(argc, argv, "peer_pot_gw.py", &dir, &threads);
  if (bad) return bad;
  defaults = threads_options(threads, &shown);
  single = threads_options(threads, NULL);
  check(gmmot_options_set_int(single, GMMOT_OPT_GW_STARTS, 0), "GMMOT_OPT_GW_STARTS");
  check(gmmot_options_set_int(single, GMMOT_OPT_GW_ANNEALING, 0), "GMMOT_OPT_GW_ANNEALING");
  mf = open_manifest(dir, "peer_pot_gw.py", manifest, sizeof manifest);
  while (next_case(mf, dir, kind, n, path, sizeof path)) {
    Pair p;
    Call c;
    double t;
    int s;
    case_kind(kind, "mgw2", "mgw2", manifest);
    p = read_pair(path);
    memset(&c, 0, sizeof c);
    c.p = &p;
    c.opts = defaults;
    t = time_median(run_mgw2, &c, NO_WARMUP_SECONDS);
    report("mgw2", n, t, c.keep, c.value, shown);
    write_matrices(path, c.keep);
    {
      Solve g;
      memset(&g, 0, sizeof g);
      g.k0 = p.k[0];
      g.k1 = p.k[1];
      g.a = p.w[0];
      g.b = p.w[1];
      g.d0 = xmalloc(g.k0 * g.k0 * sizeof(double));
      g.d1 = xmalloc(g.k1 * g.k1 * sizeof(double));
      check(gmmot_gw_copy_cost_matrices(c.keep, (double *)g.d0, g.k0 * g.k0, (double *)g.d1,
                                        g.k1 * g.k1),
            "gmmot_gw_copy_cost_matrices");
      g.opts = defaults;
      t = time_median(run_gw, &g, NO_WARMUP_SECONDS);
      report("gw", n, t, g.keep, g.value, shown);
      g.opts = single;
      t = time_median(run_gw, &g, NO_WARMUP_SECONDS);
      report("gw_single", n, t, g.keep, g.value, shown);
      gmmot_gw_destroy(g.keep);
      free((double *)g.d0);
      free((double *)g.d1);
    }
    gmmot_gw_destroy(c.keep);
    c.keep = NULL;
    c.opts = single;
    t = time_median(run_mgw2, &c, NO_WARMUP_SECONDS);
    report("mgw2_single", n, t, c.keep, c.value, shown);
    gmmot_gw_destroy(c.keep);
    for (s = 0; s < 2; ++s) {
      free(p.w[s]);
      free(p.m[s]);
      free(p.c[s]);
    }
  }
  fclose(mf);
  gmmot_options_destroy(defaults);
  gmmot_options_destroy(single);
  return 0;
}
