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

#include <gmmot/gmmot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NRUNS 5
#define MIN_RUN_SECONDS 0.02
#define NO_WARMUP_SECONDS 1.0
#define MAX_PIVOTS 100000000 /* as POT's numItermax in peer_pot_lp.py */

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
  fprintf(stderr, "bench_lp: %s failed: %d (%s): %s\n", what, status, gmmot_status_string(status),
          gmmot_last_error_message());
  exit(1);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL) {
    fprintf(stderr, "bench_lp: out of memory\n");
    exit(1);
  }
  return p;
}

/* ------------------------------------------------------------------ data files */
/* Native little-endian: an 8-byte magic, uint64 sizes, float64 arrays (peer_pot_lp.py). */
static FILE *open_data(const char *path, const char *magic) {
  char got[8];
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "bench_lp: cannot open %s\n", path);
    exit(1);
  }
  if (fread(got, 1, 8, f) != 8 || memcmp(got, magic, 8) != 0) {
    fprintf(stderr, "bench_lp: %s is not a %.8s file\n", path, magic);
    exit(1);
  }
  return f;
}

static void read_u64(FILE *f, const char *path, uint64_t *v, size_t n) {
  if (fread(v, sizeof *v, n, f) != n) {
    fprintf(stderr, "bench_lp: %s is truncated\n", path);
    exit(1);
  }
}

static double *read_doubles(FILE *f, const char *path, size_t n) {
  double *v = xmalloc(n * sizeof *v);
  if (fread(v, sizeof *v, n, f) != n) {
    fprintf(stderr, "bench_lp: %s is truncated\n", path);
    exit(1);
  }
  return v;
}

/* ------------------------------------------------------------------ timing */
typedef void (*call_fn)(void *ctx);

/* Median over NRUNS runs of the per-call time (see the header comment). */
static double time_median(call_fn fn, void *ctx) {
  double times[NRUNS], t0, t;
  size_t reps = 1, i, run = 0;
  t0 = now_seconds();
  fn(ctx); /* warm-up and calibration */
  t = now_seconds() - t0;
  if (t >= NO_WARMUP_SECONDS) times[run++] = t;
  if (t < MIN_RUN_SECONDS) reps = (size_t)(MIN_RUN_SECONDS / (t > 1e-7 ? t : 1e-7)) + 1;
  for (; run < NRUNS; ++run) {
    t0 = now_seconds();
    for (i = 0; i < reps; ++i) fn(ctx);
    times[run] = (now_seconds() - t0) / (double)reps;
  }
  return median(times, NRUNS);
}

/* ------------------------------------------------------------------ case lp_emd */
typedef struct {
  size_t k0, k1;
  const double *a, *b, *cost;
  const gmmot_options_t *opts;
  double value;
  size_t nnz;
  uint64_t iterations;
} lp_ctx;

static void lp_call(void *p) {
  lp_ctx *c = p;
  gmmot_transport_t *t = NULL;
  int st = gmmot_transport_solve(c->k0, c->k1, c->a, c->b, c->cost, c->opts, &t);
  if (st != GMMOT_OK) die("gmmot_transport_solve", st);
  st = gmmot_transport_cost(t, &c->value);
  if (st != GMMOT_OK) die("gmmot_transport_cost", st);
  c->nnz = gmmot_transport_nnz(t);
  st = gmmot_transport_info(t, &c->iterations, NULL);
  if (st != GMMOT_OK) die("gmmot_transport_info", st);
  gmmot_transport_destroy(t);
}

static void bench_lp_case(const char *n, const char *path, const gmmot_options_t *opts) {
  FILE *f = open_data(path, "GMMOTLP1");
  uint64_t dims[2];
  double *a, *b, *cost, sec;
  lp_ctx c;
  read_u64(f, path, dims, 2);
  a = read_doubles(f, path, dims[0]);
  b = read_doubles(f, path, dims[1]);
  cost = read_doubles(f, path, dims[0] * dims[1]);
  fclose(f);
  memset(&c, 0, sizeof c);
  c.k0 = dims[0];
  c.k1 = dims[1];
  c.a = a;
  c.b = b;
  c.cost = cost;
  c.opts = opts;
  sec = time_median(lp_call, &c);
  printf("case=lp_emd impl=libgmmot n=%s seconds=%.6e extra=cost:%.17g;nnz:%zu;iterations:%llu\n",
         n, sec, c.value, c.nnz, (unsigned long long)c.iterations);
  fflush(stdout);
  free(a);
  free(b);
  free(cost);
}

/* ------------------------------------------------------------------ case mw2 */
typedef struct {
  size_t d, k0, k1;
  const double *w0, *m0, *c0, *w1, *m1, *c1;
  const gmmot_options_t *opts;
  double value;
  size_t nnz;
  uint64_t iterations;
} mw2_ctx;

static void mw2_call(void *p) {
  mw2_ctx *c = p;
  gmmot_gmm_t *g0 = NULL, *g1 = NULL;
  gmmot_mw2_t *m = NULL;
  int st = gmmot_gmm_create(c->k0, c->d, c->w0, c->m0, c->c0, &g0);
  if (st != GMMOT_OK) die("gmmot_gmm_create", st);
  st = gmmot_gmm_create(c->k1, c->d, c->w1, c->m1, c->c1, &g1);
  if (st != GMMOT_OK) die("gmmot_gmm_create", st);
  st = gmmot_mw2_create(g0, g1, c->opts, &m);
  if (st != GMMOT_OK) die("gmmot_mw2_create", st);
  st = gmmot_mw2_distance(m, &c->value, NULL);
  if (st != GMMOT_OK) die("gmmot_mw2_distance", st);
  c->nnz = gmmot_mw2_nnz(m);
  st = gmmot_mw2_info(m, &c->iterations, NULL);
  if (st != GMMOT_OK) die("gmmot_mw2_info", st);
  gmmot_mw2_destroy(m);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

static void bench_mw2_case(const char *n, const char *path, const gmmot_options_t *opts,
                           long threads_shown) {
  FILE *f = open_data(path, "GMMOTMW1");
  uint64_t dims[3];
  double *w0, *m0, *c0, *w1, *m1, *c1, sec;
  mw2_ctx c;
  read_u64(f, path, dims, 3);
  w0 = read_doubles(f, path, dims[1]);
  m0 = read_doubles(f, path, dims[1] * dims[0]);
  c0 = read_doubles(f, path, dims[1] * dims[0] * dims[0]);
  w1 = read_doubles(f, path, dims[2]);
  m1 = read_doubles(f, path, dims[2] * dims[0]);
  c1 = read_doubles(f, path, dims[2] * dims[0] * dims[0]);
  fclose(f);
  memset(&c, 0, sizeof c);
  c.d = dims[0];
  c.k0 = dims[1];
  c.k1 = dims[2];
  c.w0 = w0;
  c.m0 = m0;
  c.c0 = c0;
  c.w1 = w1;
  c.m1 = m1;
  c.c1 = c1;
  c.opts = opts;
  sec = time_median(mw2_call, &c);
  printf(
      "case=mw2 impl=libgmmot n=%s seconds=%.6e "
      "extra=threads:%ld;mw2sq:%.17g;nnz:%zu;iterations:%llu\n",
      n, sec, threads_shown, c.value, c.nnz, (unsigned long long)c.iterations);
  fflush(stdout);
  free(w0);
  free(m0);
  free(c0);
  free(w1);
  free(m1);
  free(c1);
}

/* ------------------------------------------------------------------ main */
int main(int argc, char **argv) {
  const char *dir = NULL;
  long threads = 2, shown;
  gmmot_options_t *opts = NULL;
  char line[1024], path[4096], manifest[4096];
  FILE *mf;
  int i, st;
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      char *end = NULL;
      threads = strtol(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0' || threads < 0) {
        fprintf(stderr, "bench_lp: bad --threads value '%s'\n", argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
      dir = argv[++i];
    } else {
      dir = NULL;
      break;
    }
  }
  if (dir == NULL) {
    fprintf(stderr,
            "usage: %s --data DIR [--threads N]   (DIR from `peer_pot_lp.py generate DIR`;"
            " N = 0: all cores, default 2)\n",
            argv[0]);
    return 2;
  }
  st = gmmot_options_create(&opts);
  if (st != GMMOT_OK) die("gmmot_options_create", st);
  st = gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, threads);
  if (st != GMMOT_OK) die("gmmot_options_set_int(GMMOT_OPT_NUM_THREADS)", st);
  st = gmmot_options_set_int(opts, GMMOT_OPT_EXACT_MAX_ITERATIONS, MAX_PIVOTS);
  if (st != GMMOT_OK) die("gmmot_options_set_int(GMMOT_OPT_EXACT_MAX_ITERATIONS)", st);
  shown = threads;
  if (shown == 0) shown = sysconf(_SC_NPROCESSORS_ONLN); /* what 0 means: all cores */

  snprintf(manifest, sizeof manifest, "%s/manifest.txt", dir);
  mf = fopen(manifest, "r");
  if (mf == NULL) {
    fprintf(stderr, "bench_lp: cannot open %s (run `peer_pot_lp.py generate %s` first)\n", manifest,
            dir);
    return 1;
  }
  while (fgets(line, sizeof line, mf) != NULL) {
    char kase[64], n[64], file[512];
    if (sscanf(line, "%63s %63s %511s", kase, n, file) != 3) continue;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (strcmp(kase, "lp_emd") == 0) {
      bench_lp_case(n, path, opts);
    } else if (strcmp(kase, "mw2") == 0) {
      bench_mw2_case(n, path, opts, shown);
    } else {
      fprintf(stderr, "bench_lp: unknown case '%s' in %s\n", kase, manifest);
      return 1;
    }
  }
  fclose(mf);
  gmmot_options_destroy(opts);
  return 0;
}
