/* SPDX-License-Identifier: MIT */
/* The C side of the Python package's overhead benchmark (bench/run_python.sh): the same calls
 * that bench/py_bindings.py makes through the `gmmot` package, timed here without Python.
 *
 *   bench_calls --data DIR [--threads T]
 *
 * Writes DIR/g0.gmm and DIR/g1.gmm (two mixtures K = 10, d = 3 from a fixed LCG, saved with
 * gmmot_gmm_save_file so that the Python side loads the very same mixtures bit for bit), then
 * prints, in the line format of bench/CMakeLists.txt:
 *   case=py_overhead impl=libgmmot n=mw2_K10_d3             gmmot_mw2_squared, per call
 *   case=py_overhead impl=libgmmot n=tmean_N786432_d3_K10   gmmot_mw2_map_mean on 786 432
 *        points drawn from g0 by gmmot_gmm_sample with GMMOT_OPT_SEED = 1 (Python draws the
 *        same points with the same call), per call, the plan made once beforehand.
 * seconds = median of 5 runs; a run repeats the call for at least MIN_RUN_SECONDS. */
#define _POSIX_C_SOURCE 200809L
#define BENCH_PROGRAM "bench_calls"
#include "bench_common.h"

enum { K = 10, D = 3, N_POINTS = 786432 };

static unsigned long long lcg_state = 20261206ULL;
static double lcg_uniform(void) { /* in [-1, 1) */
  lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(lcg_state >> 11) / 4503599627370496.0 - 1.0;
}

static gmmot_gmm_t *make_mixture(double offset) {
  double w[K], m[K * D], s[K * D * D], sum = 0.0;
  for (int k = 0; k < K; ++k) sum += (w[k] = 1.5 + lcg_uniform());
  for (int k = 0; k < K; ++k) {
    w[k] /= sum;
    for (int i = 0; i < D; ++i) m[k * D + i] = offset + 2.0 * lcg_uniform();
    double b[D * D];
    for (int i = 0; i < D * D; ++i) b[i] = 0.3 * lcg_uniform();
    for (int i = 0; i < D; ++i)
      for (int j = 0; j < D; ++j) {
        double acc = i == j ? 0.02 : 0.0;
        for (int r = 0; r < D; ++r) acc += b[i * D + r] * b[j * D + r];
        s[(k * D + i) * D + j] = acc;
      }
  }
  gmmot_gmm_t *g = NULL;
  check(gmmot_gmm_create(K, D, w, m, s, &g), "gmmot_gmm_create");
  return g;
}

/* Median over NRUNS of the time per call after one warm-up call, each run repeating it for
 * MIN_RUN_SECONDS. */
#define TIME_PER_CALL(result, call)                              \
  do {                                                           \
    double runs_[NRUNS];                                         \
    call; /* warm-up: first-touch of buffers, thread start-up */ \
    for (int r_ = 0; r_ < NRUNS; ++r_) {                         \
      long reps_ = 0;                                            \
      const double t0_ = now_seconds();                          \
      double t_;                                                 \
      do {                                                       \
        call;                                                    \
        ++reps_;                                                 \
      } while ((t_ = now_seconds() - t0_) < MIN_RUN_SECONDS);    \
      runs_[r_] = t_ / (double)reps_;                            \
    }                                                            \
    (result) = median(runs_, NRUNS);                             \
  } while (0)

int main(int argc, char **argv) {
  const char *dir = NULL;
  long threads = 2;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
      dir = argv[++i];
    else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
      threads = strtol(argv[++i], 0, 10);
    else
      fail("usage: bench_calls --data DIR [--threads T]");
  }
  if (dir == NULL || threads < 1) fail("usage: bench_calls --data DIR [--threads T]");
  gmmot_gmm_t *g0 = make_mixture(0.0), *g1 = make_mixture(1.0);
  char path[4096];
  snprintf(path, sizeof path, "%s/g0.gmm", dir);
  check(gmmot_gmm_save_file(g0, path), "gmmot_gmm_save_file");
  snprintf(path, sizeof path, "%s/g1.gmm", dir);
  check(gmmot_gmm_save_file(g1, path), "gmmot_gmm_save_file");

  gmmot_options_t *opts = NULL;
  check(gmmot_options_create(&opts), "gmmot_options_create");
  check(gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, threads), "num_threads");

  double value = 0.0, t_mw2 = 0.0;
  TIME_PER_CALL(t_mw2, check(gmmot_mw2_squared(g0, g1, opts, &value), "gmmot_mw2_squared"));
  printf(
      "case=py_overhead impl=libgmmot n=mw2_K%d_d%d seconds=%.6e extra=mw2sq:%.17g;threads:%ld\n",
      K, D, t_mw2, value, threads);

  double *x = xmalloc(sizeof(double) * N_POINTS * D), *y = xmalloc(sizeof(double) * N_POINTS * D);
  check(gmmot_options_set_int(opts, GMMOT_OPT_SEED, 1), "seed");
  check(gmmot_gmm_sample(g0, N_POINTS, opts, x, (size_t)N_POINTS * D, NULL, 0), "gmmot_gmm_sample");
  gmmot_mw2_t *plan = NULL;
  check(gmmot_mw2_create(g0, g1, opts, &plan), "gmmot_mw2_create");
  double t_map = 0.0;
  TIME_PER_CALL(t_map, check(gmmot_mw2_map_mean(plan, N_POINTS, x, opts, y, (size_t)N_POINTS * D),
                             "gmmot_mw2_map_mean"));
  /* The mapped points, for the Python side to compare bit for bit. */
  snprintf(path, sizeof path, "%s/tmean_c.bin", dir);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(y, sizeof(double), (size_t)N_POINTS * D, f) != (size_t)N_POINTS * D ||
      fclose(f) != 0)
    fail("cannot write %s", path);
  printf("case=py_overhead impl=libgmmot n=tmean_N%d_d%d_K%d seconds=%.6e extra=threads:%ld\n",
         N_POINTS, D, K, t_map, threads);
  gmmot_mw2_destroy(plan);
  gmmot_options_destroy(opts);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  free(x);
  free(y);
  return 0;
}
