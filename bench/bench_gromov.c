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
 * and for every "gw_points <n> <file>" case (two 3-D point clouds; peer_pot_gw.py):
 *   case=gw_points_vs_mgw2 EM fits of K components to both clouds plus MGW2 between the fits
 *                    (the job MGW2 replaces: POT's GW between the clouds themselves), then the
 *                    MAP components and the plan into <file>.assign for the peer's agreement
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
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "bench_mixtures.h"

#define NO_WARMUP_SECONDS 1.0

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
  pair_gmms(c->p, g);
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

/* case=gw_points_vs_mgw2: two point clouds (magic "GMMOTPT1", uint64 n, d, float64 X (n x d),
 * Y (n x d)); one call fits K-component mixtures to both by EM (GMMOT_OPT_EM_COMPONENTS) and
 * runs MGW2 between them; the report writes <file>.assign for the peer: int64 MAP component of
 * every X point, then of every Y point, then the K x K plan (float64). */
typedef struct {
  size_t n, d, k;
  double *x, *y;
  const gmmot_options_t *opts;
  gmmot_gmm_t *g[2];
  gmmot_gw_t *gw;
  double value;
} Points;

static void run_points(void *ctx) {
  Points *c = ctx;
  gmmot_em_t *em = NULL;
  int s;
  for (s = 0; s < 2; ++s) {
    gmmot_gmm_destroy(c->g[s]);
    c->g[s] = NULL;
  }
  gmmot_gw_destroy(c->gw);
  c->gw = NULL;
  check(gmmot_em_create(c->opts, &em), "gmmot_em_create");
  for (s = 0; s < 2; ++s) {
    const int st = gmmot_em_fit(em, c->n, c->d, s == 0 ? c->x : c->y, NULL, &c->g[s]);
    if (st < 0) die("gmmot_em_fit", st);
  }
  gmmot_em_destroy(em);
  s = gmmot_mgw2_create(c->g[0], c->g[1], c->opts, &c->gw);
  if (s < 0) die("gmmot_mgw2_create", s);
  check(gmmot_gw_value(c->gw, &c->value, NULL), "gmmot_gw_value");
}

/* The MAP component of each point: log w_l + log N_l(x) from one-component mixtures. */
static void map_components(const gmmot_gmm_t *g, size_t n, size_t d, const double *x,
                           int64_t *out) {
  const size_t k = gmmot_gmm_ncomponents(g);
  double *w = xmalloc(k * sizeof *w), *m = xmalloc(k * d * sizeof *m),
         *cov = xmalloc(k * d * d * sizeof *cov), *col = xmalloc(n * sizeof *col),
         *best = xmalloc(n * sizeof *best), one = 1.0;
  size_t l, p;
  check(gmmot_gmm_copy_weights(g, w, k), "gmmot_gmm_copy_weights");
  check(gmmot_gmm_copy_means(g, m, k * d), "gmmot_gmm_copy_means");
  check(gmmot_gmm_copy_covariances(g, cov, k * d * d), "gmmot_gmm_copy_covariances");
  for (l = 0; l < k; ++l) {
    gmmot_gmm_t *c = NULL;
    if (w[l] <= 0) continue;
    check(gmmot_gmm_create(1, d, &one, m + l * d, cov + l * d * d, &c), "gmmot_gmm_create");
    check(gmmot_gmm_log_density(c, n, x, NULL, col, n), "gmmot_gmm_log_density");
    gmmot_gmm_destroy(c);
    for (p = 0; p < n; ++p) {
      const double v = log(w[l]) + col[p];
      if (l == 0 || v > best[p]) {
        best[p] = v;
        out[p] = (int64_t)l;
      }
    }
  }
  free(w);
  free(m);
  free(cov);
  free(col);
  free(best);
}

static void points_case(const char *path, const char *n_text, long threads, long shown) {
  Points c;
  uint64_t sizes[2];
  char magic[8], out[1100];
  FILE *f = fopen(path, "rb");
  int64_t *labels;
  double *plan, t;
  memset(&c, 0, sizeof c);
  if (f == NULL) fail("cannot open %s", path);
  if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "GMMOTPT1", 8) != 0 ||
      fread(sizes, sizeof sizes[0], 2, f) != 2)
    fail("%s is not a GMMOTPT1 file", path);
  c.n = sizes[0];
  c.d = sizes[1];
  c.x = read_doubles(f, path, c.n * c.d);
  c.y = read_doubles(f, path, c.n * c.d);
  fclose(f);
  {
    /* K from the case name (..._K<k>). */
    const char *kpos = strstr(n_text, "_K");
    c.k = kpos != NULL ? (size_t)strtoul(kpos + 2, NULL, 10) : 20;
  }
  {
    gmmot_options_t *o = threads_options(threads, NULL);
    check(gmmot_options_set_int(o, GMMOT_OPT_EM_COMPONENTS, (int64_t)c.k),
          "GMMOT_OPT_EM_COMPONENTS");
    c.opts = o;
    t = time_median(run_points, &c, NO_WARMUP_SECONDS);
    printf(
        "case=gw_points_vs_mgw2 impl=libgmmot n=%s seconds=%.6e extra=mgw2_value:%.17g;"
        "k:%lu;threads:%ld\n",
        n_text, t, c.value, (unsigned long)c.k, shown);
    fflush(stdout);
    gmmot_options_destroy(o);
  }
  labels = xmalloc(2 * c.n * sizeof *labels);
  plan = xmalloc(c.k * c.k * sizeof *plan);
  map_components(c.g[0], c.n, c.d, c.x, labels);
  map_components(c.g[1], c.n, c.d, c.y, labels + c.n);
  check(gmmot_gw_copy_plan(c.gw, plan, c.k * c.k), "gmmot_gw_copy_plan");
  snprintf(out, sizeof out, "%s.assign", path);
  f = fopen(out, "wb");
  if (f == NULL || fwrite(labels, sizeof *labels, 2 * c.n, f) != 2 * c.n ||
      fwrite(plan, sizeof *plan, c.k * c.k, f) != c.k * c.k || fclose(f) != 0)
    fail("cannot write %s", out);
  free(labels);
  free(plan);
  gmmot_gmm_destroy(c.g[0]);
  gmmot_gmm_destroy(c.g[1]);
  gmmot_gw_destroy(c.gw);
  free(c.x);
  free(c.y);
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
    if (case_kind(kind, "mgw2", "gw_points", manifest) == 1) {
      points_case(path, n, threads, shown);
      continue;
    }
    p = read_pair(path, "GMMOTGW1");
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
    free_pair(&p);
  }
  fclose(mf);
  gmmot_options_destroy(defaults);
  gmmot_options_destroy(single);
  return 0;
}
