/* SPDX-License-Identifier: MIT */
/* Benchmark: Gaussian closed forms of libgmmot through the public C API.
 *
 * Prints one line per case:
 *   case=<case> impl=libgmmot n=<params> seconds=<median of 5 runs> extra=<k:v;...>
 * Cases:
 *   case=w2cost     n=d<d>_K<K>x<K>, d in {1,3,27,64}, K in {10,100}: gmmot_w2_cost_matrix between
 *                   two random K-component mixtures (means 3 N(0,1), covariances G G^T/d + 1e-3 I,
 *                   G standard normal, uniform weights). Only the cost-matrix call is timed; a
 *                   run repeats it until at least 20 ms have passed and divides.
 *                   extra=threads:<n>;checksum:<sum of the entries>
 *   case=gauss_bary n=d27_J4_tol1e-10: barycenter of 4 random covariances as above with
 *                   GMMOT_OPT_BARYCENTER_TOLERANCE = 1e-10. extra=iterations:<n>;residual:<r>
 *   case=w2_large   n=d<d>, d in {512, 1024, 2048} (only with --large DIR):
 * gmmot_gaussian_w2_squared of one pair (the Frechet Inception Distance) read from DIR, written by
 *                   `peer_numpy_gaussian.py generate-large DIR` (manifest "w2_large d<d> <file>",
 *                   file: raw little-endian doubles m0, S0, m1, S1). The call is timed whole
 *                   (validation, both factorisations, the Bures term).
 *                   extra=blas_threads:<OPENBLAS_NUM_THREADS>;w2sq:<value, 17 digits>
 * Usage: bench_gaussian [--threads N] [--d D]   (N = 0, the default: all cores,
 *                                                GMMOT_OPT_NUM_THREADS)
 *        bench_gaussian --large DIR            (the w2_large cases only)
 * Run with OPENBLAS_NUM_THREADS=1 (bench/run_gaussian.sh does): libgmmot parallelises over
 * pairs itself; but the w2_large cases are single calls that run on the BLAS library's threads
 * (run_gaussian.sh runs them, and their peers, with OPENBLAS_NUM_THREADS=2). */
#define _POSIX_C_SOURCE 200809L
#define BENCH_PROGRAM "bench_gaussian"

#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

/* ------------------------------------------------------------------ random numbers */
typedef struct {
  uint64_t s;
  int has_spare;
  double spare;
} rng_t;

static uint64_t splitmix64(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

static double rng_uniform(rng_t *r) { /* in (0, 1) */
  return ((double)(splitmix64(&r->s) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double rng_normal(rng_t *r) {
  double u, v, rad;
  if (r->has_spare) {
    r->has_spare = 0;
    return r->spare;
  }
  u = rng_uniform(r);
  v = rng_uniform(r);
  rad = sqrt(-2.0 * log(u));
  r->spare = rad * sin(2.0 * 3.14159265358979323846 * v);
  r->has_spare = 1;
  return rad * cos(2.0 * 3.14159265358979323846 * v);
}

/* cov = G G^T / d + 1e-3 I, G standard normal d x d, exactly symmetric. */
static void random_cov(rng_t *r, size_t d, double *cov, double *g) {
  size_t i, j, k;
  for (i = 0; i < d * d; ++i) g[i] = rng_normal(r);
  for (i = 0; i < d; ++i) {
    for (j = 0; j <= i; ++j) {
      double s = 0.0;
      for (k = 0; k < d; ++k) s += g[i * d + k] * g[j * d + k];
      s /= (double)d;
      if (i == j) s += 1e-3;
      cov[i * d + j] = s;
      cov[j * d + i] = s;
    }
  }
}

static gmmot_gmm_t *random_mixture(rng_t *r, size_t k, size_t d) {
  double *w = xmalloc(k * sizeof *w);
  double *m = xmalloc(k * d * sizeof *m);
  double *c = xmalloc(k * d * d * sizeof *c);
  double *g = xmalloc(d * d * sizeof *g);
  gmmot_gmm_t *gmm = NULL;
  size_t i;
  for (i = 0; i < k; ++i) w[i] = 1.0 / (double)k;
  for (i = 0; i < k * d; ++i) m[i] = 3.0 * rng_normal(r);
  for (i = 0; i < k; ++i) random_cov(r, d, c + i * d * d, g);
  check(gmmot_gmm_create(k, d, w, m, c, &gmm), "gmmot_gmm_create");
  free(w);
  free(m);
  free(c);
  free(g);
  return gmm;
}

/* ------------------------------------------------------------------ cases */
typedef struct {
  const gmmot_gmm_t *g0, *g1;
  const gmmot_options_t *opts;
  double *out;
  size_t k;
} w2cost_ctx;

static void w2cost_call(void *p) {
  w2cost_ctx *c = p;
  check(gmmot_w2_cost_matrix(c->g0, c->g1, c->opts, c->out, c->k * c->k), "gmmot_w2_cost_matrix");
}

static void bench_w2cost(size_t d, size_t k, const gmmot_options_t *opts, long threads_shown) {
  rng_t r = {0};
  gmmot_gmm_t *g0, *g1;
  w2cost_ctx c;
  double checksum = 0.0, sec;
  size_t i;
  r.s = 0x5eed0000ull + 1000u * d + k;
  g0 = random_mixture(&r, k, d);
  g1 = random_mixture(&r, k, d);
  c.g0 = g0;
  c.g1 = g1;
  c.opts = opts;
  c.out = xmalloc(k * k * sizeof *c.out);
  c.k = k;
  sec = time_median(w2cost_call, &c, HUGE_VAL);
  for (i = 0; i < k * k; ++i) checksum += c.out[i];
  printf(
      "case=w2cost impl=libgmmot n=d%zu_K%zux%zu seconds=%.6e extra=threads:%ld;checksum:%.12e\n",
      d, k, k, sec, threads_shown, checksum);
  fflush(stdout);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  free(c.out);
}

static void bench_gauss_bary(const gmmot_options_t *base) {
  const size_t d = 27, j = 4;
  rng_t r = {0};
  double w[4] = {0.25, 0.25, 0.25, 0.25};
  double *means = xmalloc(j * d * sizeof *means);
  double *covs = xmalloc(j * d * d * sizeof *covs);
  double *g = xmalloc(d * d * sizeof *g);
  double *mean = xmalloc(d * sizeof *mean);
  double *cov = xmalloc(d * d * sizeof *cov);
  double times[NRUNS], residual = 0.0, t0;
  uint64_t iterations = 0;
  gmmot_options_t *opts = NULL;
  size_t i, run;
  int st;
  r.s = 0xba7ull;
  for (i = 0; i < j * d; ++i) means[i] = 3.0 * rng_normal(&r);
  for (i = 0; i < j; ++i) random_cov(&r, d, covs + i * d * d, g);
  check(gmmot_options_clone(base, &opts), "gmmot_options_clone");
  check(gmmot_options_set_double(opts, GMMOT_OPT_BARYCENTER_TOLERANCE, 1e-10),
        "gmmot_options_set_double");
  for (run = 0; run < NRUNS + 1; ++run) { /* run 0 is a warm-up */
    t0 = now_seconds();
    st = gmmot_gaussian_barycenter(j, d, w, means, covs, opts, mean, d, cov, d * d, &iterations,
                                   &residual);
    if (run > 0) times[run - 1] = now_seconds() - t0;
    check(st, "gmmot_gaussian_barycenter");
  }
  printf(
      "case=gauss_bary impl=libgmmot n=d27_J4_tol1e-10 seconds=%.6e "
      "extra=iterations:%llu;residual:%.3e\n",
      median(times, NRUNS), (unsigned long long)iterations, residual);
  fflush(stdout);
  gmmot_options_destroy(opts);
  free(means);
  free(covs);
  free(g);
  free(mean);
  free(cov);
}

typedef struct {
  size_t d;
  const double *m0, *s0, *m1, *s1;
  double w2sq;
} w2_large_ctx;

static void w2_large_call(void *p) {
  w2_large_ctx *c = p;
  check(gmmot_gaussian_w2_squared(c->d, c->m0, c->s0, c->m1, c->s1, &c->w2sq),
        "gmmot_gaussian_w2_squared");
}

static void bench_w2_large(const char *dir) {
  char manifest[1024], kind[64], n[64], path[1600];
  FILE *mf = open_manifest(dir, "peer_numpy_gaussian.py generate-large", manifest, sizeof manifest);
  const char *blas_threads = getenv("OPENBLAS_NUM_THREADS");
  while (next_case(mf, dir, kind, n, path, sizeof path)) {
    w2_large_ctx c;
    double *x, sec;
    size_t count;
    long d = 0;
    FILE *f;
    if (strcmp(kind, "w2_large") != 0) fail("unknown case '%s' in %s", kind, manifest);
    if (n[0] != 'd' || !parse_long(n + 1, 1, &d)) fail("bad n '%s' in %s", n, manifest);
    c.d = (size_t)d;
    count = 2 * (c.d + c.d * c.d);
    x = xmalloc(count * sizeof *x);
    f = fopen(path, "rb");
    if (f == NULL || fread(x, sizeof *x, count, f) != count) fail("cannot read %s", path);
    fclose(f);
    /* The files are little-endian, like every machine this runs on (x86-64, aarch64). */
    c.m0 = x;
    c.s0 = x + c.d;
    c.m1 = c.s0 + c.d * c.d;
    c.s1 = c.m1 + c.d;
    sec = time_median(w2_large_call, &c, 0.5);
    printf("case=w2_large impl=libgmmot n=%s seconds=%.6e extra=blas_threads:%s;w2sq:%.17e\n", n,
           sec, blas_threads != NULL ? blas_threads : "default", c.w2sq);
    fflush(stdout);
    free(x);
  }
  fclose(mf);
}

int main(int argc, char **argv) {
  static const size_t dims[] = {1, 3, 27, 64};
  static const size_t ks[] = {10, 100};
  long threads = 0, shown, only_d = 0;
  gmmot_options_t *opts;
  size_t a, b;
  int i;
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      if (!parse_option_long("--threads", argv[++i], 0, &threads)) return 2;
    } else if (strcmp(argv[i], "--large") == 0 && i + 1 < argc) {
      bench_w2_large(argv[++i]);
      return 0;
    } else if (strcmp(argv[i], "--d") == 0 && i + 1 < argc) {
      if (!parse_option_long("--d", argv[++i], 1, &only_d)) return 2;
    } else {
      fprintf(stderr,
              "usage: %s [--threads N] [--d D]   (N = 0: all cores; --d: only the w2cost cases"
              " of dimension D, for profiling)\n"
              "       %s --large DIR   (the w2_large cases on the data of"
              " `peer_numpy_gaussian.py generate-large DIR`)\n",
              argv[0], argv[0]);
      return 2;
    }
  }
  opts = threads_options(threads, &shown);
  for (a = 0; a < sizeof dims / sizeof dims[0]; ++a)
    for (b = 0; b < sizeof ks / sizeof ks[0]; ++b)
      if (only_d == 0 || (size_t)only_d == dims[a]) bench_w2cost(dims[a], ks[b], opts, shown);
  if (only_d == 0) bench_gauss_bary(opts);
  gmmot_options_destroy(opts);
  return 0;
}
