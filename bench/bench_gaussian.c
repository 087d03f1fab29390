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
 * Usage: bench_gaussian [--threads N]   (N = 0, the default: all cores, GMMOT_OPT_NUM_THREADS)
 * Run with OPENBLAS_NUM_THREADS=1 (bench/run_gaussian.sh does): libgmmot parallelises over
 * pairs itself. */
#define _POSIX_C_SOURCE 200809L

#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NRUNS 5
#define MIN_RUN_SECONDS 0.02

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

/* ------------------------------------------------------------------ helpers */
static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a;
  const double y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  return (n % 2) ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void die(const char *what, int status) {
  fprintf(stderr, "bench_gaussian: %s failed: %d (%s): %s\n", what, status,
          gmmot_status_string(status), gmmot_last_error_message());
  exit(1);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL) {
    fprintf(stderr, "bench_gaussian: out of memory\n");
    exit(1);
  }
  return p;
}

static gmmot_gmm_t *random_mixture(rng_t *r, size_t k, size_t d) {
  double *w = xmalloc(k * sizeof *w);
  double *m = xmalloc(k * d * sizeof *m);
  double *c = xmalloc(k * d * d * sizeof *c);
  double *g = xmalloc(d * d * sizeof *g);
  gmmot_gmm_t *gmm = NULL;
  size_t i;
  int st;
  for (i = 0; i < k; ++i) w[i] = 1.0 / (double)k;
  for (i = 0; i < k * d; ++i) m[i] = 3.0 * rng_normal(r);
  for (i = 0; i < k; ++i) random_cov(r, d, c + i * d * d, g);
  st = gmmot_gmm_create(k, d, w, m, c, &gmm);
  if (st != GMMOT_OK) die("gmmot_gmm_create", st);
  free(w);
  free(m);
  free(c);
  free(g);
  return gmm;
}

/* ------------------------------------------------------------------ cases */
static void bench_w2cost(size_t d, size_t k, const gmmot_options_t *opts, long threads_shown) {
  rng_t r = {0};
  gmmot_gmm_t *g0, *g1;
  double *out = xmalloc(k * k * sizeof *out);
  double times[NRUNS], checksum = 0.0, t0, t;
  size_t reps = 1, i, run;
  int st;
  r.s = 0x5eed0000ull + 1000u * d + k;
  g0 = random_mixture(&r, k, d);
  g1 = random_mixture(&r, k, d);
  /* warm-up call (thread pool, page faults) that also calibrates the repetitions */
  t0 = now_seconds();
  st = gmmot_w2_cost_matrix(g0, g1, opts, out, k * k);
  t = now_seconds() - t0;
  if (st != GMMOT_OK) die("gmmot_w2_cost_matrix", st);
  if (t < MIN_RUN_SECONDS) reps = (size_t)(MIN_RUN_SECONDS / (t > 1e-7 ? t : 1e-7)) + 1;
  for (run = 0; run < NRUNS; ++run) {
    t0 = now_seconds();
    for (i = 0; i < reps; ++i) {
      st = gmmot_w2_cost_matrix(g0, g1, opts, out, k * k);
      if (st != GMMOT_OK) die("gmmot_w2_cost_matrix", st);
    }
    times[run] = (now_seconds() - t0) / (double)reps;
  }
  for (i = 0; i < k * k; ++i) checksum += out[i];
  printf(
      "case=w2cost impl=libgmmot n=d%zu_K%zux%zu seconds=%.6e extra=threads:%ld;checksum:%.12e\n",
      d, k, k, median(times, NRUNS), threads_shown, checksum);
  fflush(stdout);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  free(out);
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
  st = gmmot_options_clone(base, &opts);
  if (st != GMMOT_OK) die("gmmot_options_clone", st);
  st = gmmot_options_set_double(opts, GMMOT_OPT_BARYCENTER_TOLERANCE, 1e-10);
  if (st != GMMOT_OK) die("gmmot_options_set_double", st);
  for (run = 0; run < NRUNS + 1; ++run) { /* run 0 is a warm-up */
    t0 = now_seconds();
    st = gmmot_gaussian_barycenter(j, d, w, means, covs, opts, mean, d, cov, d * d, &iterations,
                                   &residual);
    if (run > 0) times[run - 1] = now_seconds() - t0;
    if (st != GMMOT_OK) die("gmmot_gaussian_barycenter", st);
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

int main(int argc, char **argv) {
  static const size_t dims[] = {1, 3, 27, 64};
  static const size_t ks[] = {10, 100};
  long threads = 0, shown, only_d = 0;
  gmmot_options_t *opts = NULL;
  size_t a, b;
  int i, st;
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      char *end = NULL;
      threads = strtol(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0' || threads < 0) {
        fprintf(stderr, "bench_gaussian: bad --threads value '%s'\n", argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--d") == 0 && i + 1 < argc) {
      char *end = NULL;
      only_d = strtol(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0' || only_d <= 0) {
        fprintf(stderr, "bench_gaussian: bad --d value '%s'\n", argv[i]);
        return 2;
      }
    } else {
      fprintf(stderr,
              "usage: %s [--threads N] [--d D]   (N = 0: all cores; --d: only the w2cost cases"
              " of dimension D, for profiling)\n",
              argv[0]);
      return 2;
    }
  }
  st = gmmot_options_create(&opts);
  if (st != GMMOT_OK) die("gmmot_options_create", st);
  st = gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, threads);
  if (st != GMMOT_OK) die("gmmot_options_set_int(GMMOT_OPT_NUM_THREADS)", st);
  shown = threads;
  if (shown == 0) shown = sysconf(_SC_NPROCESSORS_ONLN); /* what 0 means: all cores */
  for (a = 0; a < sizeof dims / sizeof dims[0]; ++a)
    for (b = 0; b < sizeof ks / sizeof ks[0]; ++b)
      if (only_d == 0 || (size_t)only_d == dims[a]) bench_w2cost(dims[a], ks[b], opts, shown);
  if (only_d == 0) bench_gauss_bary(opts);
  gmmot_options_destroy(opts);
  return 0;
}
