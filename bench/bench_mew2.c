/* SPDX-License-Identifier: MIT */
/* Benchmark: MEW2 (gmmot/mew2.h) through the public C API, on mixture pairs written by
 * bench/peer_numpy_mew2.py (`peer_numpy_mew2.py generate DIR`; recipes there). For every case
 * of DIR/manifest.txt ("mew2 <n> <file>") it times, end to end from the arrays
 * (gmmot_gmm_create x2 + gmmot_mew2_create with the default options + gmmot_ew_value + the
 * destroys), and prints
 *   case=mew2 impl=libgmmot n=<n> seconds=<median of 5> extra=value:<%.17g>;iterations:<n>;
 *        converged:<0|1>;starts:<n>;best_start:<n>;gradient_norm:<g>;threads:<n>
 * It also writes the isometry next to the data file (<file>.P, max(m,n) x min(m,n) float64),
 * so that the peer can evaluate libgmmot's loss independently.
 * Usage: bench_mew2 --data DIR [--threads N]. Run with OPENBLAS_NUM_THREADS=1
 * (bench/run_mew2.sh does). */
#define _POSIX_C_SOURCE 200809L
#define BENCH_PROGRAM "bench_mew2"

#include <gmmot/gmmot.h>
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
  gmmot_ew_t *keep; /* the last result, kept for the report */
} Call;

static void run_mew2(void *ctx) {
  Call *c = ctx;
  gmmot_gmm_t *g[2];
  gmmot_ew_t *ew = NULL;
  int s;
  pair_gmms(c->p, g);
  s = gmmot_mew2_create(g[0], g[1], c->opts, &ew);
  if (s < 0) die("gmmot_mew2_create", s);
  check(gmmot_ew_value(ew, &c->value, NULL), "gmmot_ew_value");
  gmmot_ew_destroy(c->keep);
  c->keep = ew;
  gmmot_gmm_destroy(g[0]);
  gmmot_gmm_destroy(g[1]);
}

static void write_isometry(const char *path, gmmot_ew_t *ew) {
  char out[1100];
  const size_t n = gmmot_ew_dim0(ew) * gmmot_ew_dim1(ew);
  double *p = xmalloc(n * sizeof *p);
  FILE *f;
  check(gmmot_ew_copy_isometry(ew, p, n), "gmmot_ew_copy_isometry");
  snprintf(out, sizeof out, "%s.P", path);
  f = fopen(out, "wb");
  if (f == NULL || fwrite(p, sizeof *p, n, f) != n || fclose(f) != 0) fail("cannot write %s", out);
  free(p);
}

int main(int argc, char **argv) {
  const char *dir;
  long threads = 2, shown = 0;
  char manifest[1024], kind[64], n[64], path[1000];
  FILE *mf;
  gmmot_options_t *defaults;
  const int bad = parse_data_args(argc, argv, "peer_numpy_mew2.py", &dir, &threads);
  if (bad) return bad;
  defaults = threads_options(threads, &shown);
  mf = open_manifest(dir, "peer_numpy_mew2.py", manifest, sizeof manifest);
  while (next_case(mf, dir, kind, n, path, sizeof path)) {
    Pair p;
    Call c;
    double t, gnorm = 0;
    uint64_t iterations = 0, starts = 0, best = 0;
    int converged = 0;
    case_kind(kind, "mew2", "mew2", manifest);
    p = read_pair(path, "GMMOTEW1");
    memset(&c, 0, sizeof c);
    c.p = &p;
    c.opts = defaults;
    t = time_median(run_mew2, &c, NO_WARMUP_SECONDS);
    check(gmmot_ew_info(c.keep, &iterations, &converged, &gnorm, &starts, &best), "gmmot_ew_info");
    printf(
        "case=mew2 impl=libgmmot n=%s seconds=%.6e extra=value:%.17g;iterations:%llu;"
        "converged:%d;starts:%llu;best_start:%llu;gradient_norm:%.3e;threads:%ld\n",
        n, t, c.value, (unsigned long long)iterations, converged, (unsigned long long)starts,
        (unsigned long long)best, gnorm, shown);
    fflush(stdout);
    write_isometry(path, c.keep);
    gmmot_ew_destroy(c.keep);
    free_pair(&p);
  }
  fclose(mf);
  gmmot_options_destroy(defaults);
  return 0;
}
