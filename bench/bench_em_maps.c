/* SPDX-License-Identifier: MIT */
/* Benchmark: EM fitting (gmmot/em.h) and the T_mean transport map (gmmot/maps.h) of libgmmot on
 * real photographs, through the public C API. bench/run_maps_em.sh drives it together with its
 * scikit-learn / NumPy peer bench/peer_sklearn_em_maps.py; both sides read the same data files.
 *
 * Usage:
 *   bench_em_maps prepare --photos DIR --out WORK
 *       Reads photographs of DIR (Debian's libstb-dev through examples/image_io.c) and writes:
 *        - WORK/em_d3.bin: the 786432 RGB pixels (values k/255) of rocket.jpg (640x427)
 *          upscaled to 1024x768 by nearest neighbour (pixel (x, y) takes source pixel
 *          (floor(x 640/1024), floor(y 427/768))); also written as WORK/ct_src.png;
 *        - WORK/ct_tgt.bin, WORK/ct_tgt.png: coffee.png (600x400) upscaled to 1024x768 the same
 *          way (the target image of the colour transfer and of the tmean plan);
 *        - WORK/em_d27.bin: 65536 3x3 RGB patches of astronaut.png (512x512): a 256 x 256 grid
 *          of top-left corners (floor(i 509/255), floor(j 509/255)), each patch flattened as
 *          (row, column, channel), d = 27.
 *       Files: 8-byte magic "GMMOTPT1", uint64 n, uint64 d, then n x d float64 (little-endian).
 *   bench_em_maps run --data WORK [--threads N] [--runs R]
 *       Prints, one line per case:
 *         case=<case> impl=libgmmot n=<params> seconds=<median of R runs> extra=<k:v;...>
 *       case=em_fit n=N786432_d3_K10 (em_d3.bin) and n=N65536_d27_K10 (em_d27.bin):
 *         gmmot_em_create + gmmot_em_fit + gmmot_em_info + gmmot_em_work + destroys, with
 *         K = 10, GMMOT_OPT_EM_TOLERANCE = 1e-4 (relative: stop when |dl| <= 1e-4 max(1, |l|)),
 *         GMMOT_OPT_EM_MAX_ITERATIONS = 100, one initialisation, seed 0,
 *         GMMOT_OPT_EM_SPLIT_MERGE = 5 (split-and-merge, gmmot/em.h), and
 *         GMMOT_OPT_EM_REGULARIZATION = 1e-6 / s (s the mean per-dimension variance of the data)
 *         so that the absolute diagonal loading is 1e-6, scikit-learn's default reg_covar.
 *         seconds = the total; extra: s_per_iter (median over the runs of (total - init) /
 *         (passes - 1): one iteration is one pass over the data with its E and M steps, like
 *         one scikit-learn iteration; passes (gmmot_em_work) counts them all, discarded
 *         over-relaxed steps, split-and-merge ranking passes and the EM runs of rejected moves
 *         included; init = the time until the progress callback first reports iteration 0, i.e.
 *         the k-means++ start and its first pass), init_s, iterations (of the final EM run),
 *         passes, split_merge, moves (accepted), mean_loglik (the l of the returned mixture,
 *         gmmot_em_info), converged, threads.
 *       case=em_fit_plain: the same with GMMOT_OPT_EM_SPLIT_MERGE = 0 (the default: plain EM).
 *       case=em_seeds n=<the em_fit label>_seeds5: the em_fit fit once for each seed 0 .. 4;
 *         seconds = the median fit time; extra: mean_loglik, min_loglik, max_loglik over the
 *         seeds, mean_iterations, mean_passes (one start's final l is a draw between local
 *         maxima: the mean over seeds compares the quality of the fits), mean_seconds (the
 *         mean fit time).
 *       case=em_seeds_plain: the same with GMMOT_OPT_EM_SPLIT_MERGE = 0.
 *       case=tmean n=N786432_d3_K10x10: the em_fit_plain mixture of em_d3.bin and one fitted the
 *         same way to ct_tgt.bin, their MW2 plan (gmmot_mw2_create), then the timed call:
 *         gmmot_mw2_map_mean on the 786432 pixels of em_d3.bin. Writes WORK/tmean.bin (layout
 *         below) with both mixtures, the sparse plan, the pair maps and the mapped points, so
 *         that the NumPy peer uses identical maps and reports the difference.
 *         extra: mw2sq, nnz, l_src, l_tgt (the two fits' mean log-likelihoods), threads.
 *       WORK/tmean.bin: magic "GMMOTTM1", uint64 n, d, K0, K1, nnz, then float64: w0 (K0),
 *       m0 (K0 x d), c0 (K0 x d x d), w1, m1, c1, rows (nnz), cols (nnz), mass (nnz),
 *       A (nnz x d x d), b (nnz x d), out (n x d).
 *   bench_em_maps seeds --data WORK [--threads N] [--split-merge C]
 *       Only the em_seeds_plain and em_seeds lines of em_d3.bin (C moves per round, default 5):
 *       bench/run_em_split_merge.sh alternates it between two builds of the library.
 * Timing: every run is one full call (no warm-up: each call takes well over 20 ms); R runs
 * (default 5), median. Run with OPENBLAS_NUM_THREADS=1 (bench/run_maps_em.sh does);
 * --threads sets GMMOT_OPT_NUM_THREADS (default 2, 0 = all cores). */
#define _POSIX_C_SOURCE 200809L
#define BENCH_PROGRAM "bench_em_maps"

#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "image_io.h"

#define MAX_RUNS 64
#define EM_SEEDS 5       /* em_seeds: one fit per seed 0 .. EM_SEEDS - 1 */
#define EM_SPLIT_MERGE 5 /* em_fit, em_seeds: GMMOT_OPT_EM_SPLIT_MERGE (Ueda et al.'s choice) */
#define EM_K 10
#define EM_TOL 1e-4
#define EM_MAX_ITER 100
#define SKLEARN_REG_COVAR 1e-6
#define OUT_W 1024
#define OUT_H 768

static char *join(const char *dir, const char *name) {
  char *p = xmalloc(strlen(dir) + strlen(name) + 2);
  sprintf(p, "%s/%s", dir, name);
  return p;
}

/* ------------------------------------------------------------------ files */
static FILE *xfopen(const char *path, const char *mode) {
  FILE *f = fopen(path, mode);
  if (f == NULL) fail("cannot open %s", path);
  return f;
}

static void xwrite(FILE *f, const void *p, size_t size, size_t n) {
  if (fwrite(p, size, n, f) != n) fail("write failed");
}

static void write_u64s(FILE *f, const uint64_t *v, size_t n) { xwrite(f, v, sizeof *v, n); }
static void write_doubles(FILE *f, const double *v, size_t n) { xwrite(f, v, sizeof *v, n); }

static void write_points(const char *dir, const char *name, size_t n, size_t d, const double *x) {
  char *path = join(dir, name);
  FILE *f = xfopen(path, "wb");
  uint64_t dims[2];
  dims[0] = n;
  dims[1] = d;
  xwrite(f, "GMMOTPT1", 1, 8);
  write_u64s(f, dims, 2);
  write_doubles(f, x, n * d);
  if (fclose(f) != 0) fail("cannot write %s", path);
  free(path);
}

static double *read_points(const char *dir, const char *name, size_t *n, size_t *d) {
  char *path = join(dir, name);
  FILE *f = xfopen(path, "rb");
  char magic[8];
  uint64_t dims[2];
  double *x;
  if (fread(magic, 1, 8, f) != 8 || memcmp(magic, "GMMOTPT1", 8) != 0 ||
      fread(dims, sizeof *dims, 2, f) != 2)
    fail("%s is not a points file", path);
  x = xmalloc((size_t)(dims[0] * dims[1]) * sizeof *x);
  if (fread(x, sizeof *x, (size_t)(dims[0] * dims[1]), f) != (size_t)(dims[0] * dims[1]))
    fail("%s is truncated", path);
  fclose(f);
  free(path);
  *n = (size_t)dims[0];
  *d = (size_t)dims[1];
  return x;
}

/* ------------------------------------------------------------------ prepare */
static void upscale_nearest(const rgb_image *img, double *out) {
  size_t x, y, c;
  for (y = 0; y < OUT_H; ++y) {
    const size_t sy = y * img->height / OUT_H;
    for (x = 0; x < OUT_W; ++x) {
      const size_t sx = x * img->width / OUT_W;
      for (c = 0; c < 3; ++c)
        out[3 * (y * OUT_W + x) + c] = img->rgb[3 * (sy * img->width + sx) + c];
    }
  }
}

static void load_or_die(const char *dir, const char *name, rgb_image *img) {
  char *path = join(dir, name);
  if (load_rgb(path, 1, img) != 0) exit(1);
  free(path);
}

/* One photograph upscaled to OUT_W x OUT_H, written as points (for the fits) and as a PNG (for
 * gmmot-color-transfer); px holds the pixels on return. */
static void prepare_photo(const char *photos, const char *name, const char *out, const char *bin,
                          const char *png, double *px) {
  rgb_image img = {0, 0, NULL};
  char *path = join(out, png);
  load_or_die(photos, name, &img);
  upscale_nearest(&img, px);
  free_rgb(&img);
  write_points(out, bin, (size_t)OUT_W * OUT_H, 3, px);
  if (save_rgb_png(path, OUT_W, OUT_H, px) != 0) exit(1);
  free(path);
}

static int prepare(const char *photos, const char *out) {
  rgb_image astro = {0, 0, NULL};
  const size_t n = (size_t)OUT_W * OUT_H, grid = 256, d27 = 27;
  double *px = xmalloc(n * 3 * sizeof *px);
  double *patches = xmalloc(grid * grid * d27 * sizeof *patches);
  size_t i, j, r, c, ch;

  prepare_photo(photos, "rocket.jpg", out, "em_d3.bin", "ct_src.png", px);
  prepare_photo(photos, "coffee.png", out, "ct_tgt.bin", "ct_tgt.png", px);

  load_or_die(photos, "astronaut.png", &astro);
  if (astro.width < 3 || astro.height < 3) fail("astronaut.png is too small");
  for (i = 0; i < grid; ++i) {
    const size_t y0 = i * (astro.height - 3) / (grid - 1);
    for (j = 0; j < grid; ++j) {
      const size_t x0 = j * (astro.width - 3) / (grid - 1);
      double *p = patches + (i * grid + j) * d27;
      for (r = 0; r < 3; ++r)
        for (c = 0; c < 3; ++c)
          for (ch = 0; ch < 3; ++ch)
            p[(r * 3 + c) * 3 + ch] = astro.rgb[3 * ((y0 + r) * astro.width + x0 + c) + ch];
    }
  }
  write_points(out, "em_d27.bin", grid * grid, d27, patches);

  free(px);
  free(patches);
  free_rgb(&astro);
  return 0;
}

/* ------------------------------------------------------------------ EM */
typedef struct {
  double t0, t_init;
} progress_state;

static int on_progress(void *user, int stage, uint64_t iteration, uint64_t total, double value) {
  progress_state *s = user;
  (void)stage;
  (void)total;
  (void)value;
  if (iteration == 0 && s->t_init < 0) s->t_init = now_seconds() - s->t0;
  return 0;
}

/* Mean per-dimension variance of the points (the scale s of GMMOT_OPT_EM_REGULARIZATION). */
static double mean_variance(size_t n, size_t d, const double *x) {
  double total = 0.0;
  size_t i, j;
  for (j = 0; j < d; ++j) {
    double mean = 0.0, var = 0.0;
    for (i = 0; i < n; ++i) mean += x[i * d + j];
    mean /= (double)n;
    for (i = 0; i < n; ++i) var += (x[i * d + j] - mean) * (x[i * d + j] - mean);
    total += var / (double)n;
  }
  return total / (double)d;
}

static gmmot_options_t *em_options_seed(size_t n, size_t d, const double *x, int threads, int seed,
                                        int split_merge) {
  gmmot_options_t *o = NULL;
  double r = SKLEARN_REG_COVAR / mean_variance(n, d, x);
  int st = gmmot_options_create(&o);
  if (st < 0) die("gmmot_options_create", st);
  if (r > 1.0) r = 1.0;
  if ((st = gmmot_options_set_int(o, GMMOT_OPT_EM_COMPONENTS, EM_K)) < 0 ||
      (st = gmmot_options_set_int(o, GMMOT_OPT_EM_MAX_ITERATIONS, EM_MAX_ITER)) < 0 ||
      (st = gmmot_options_set_int(o, GMMOT_OPT_EM_INITIALIZATIONS, 1)) < 0 ||
      (st = gmmot_options_set_int(o, GMMOT_OPT_SEED, seed)) < 0 ||
      (st = gmmot_options_set_int(o, GMMOT_OPT_EM_SPLIT_MERGE, split_merge)) < 0 ||
      (st = gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, threads)) < 0)
    die("gmmot_options_set_int", st);
  if ((st = gmmot_options_set_double(o, GMMOT_OPT_EM_TOLERANCE, EM_TOL)) < 0 ||
      (st = gmmot_options_set_double(o, GMMOT_OPT_EM_REGULARIZATION, r)) < 0)
    die("gmmot_options_set_double", st);
  return o;
}

typedef struct {
  double total, init, loglik;
  uint64_t iterations, passes, moves;
  int converged;
} em_result;

static gmmot_gmm_t *em_fit_once(const gmmot_options_t *o, size_t n, size_t d, const double *x,
                                em_result *res) {
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *g = NULL;
  gmmot_options_t *with_progress = NULL;
  progress_state ps;
  int st;
  ps.t_init = -1.0;
  st = gmmot_options_clone(o, &with_progress);
  if (st < 0) die("gmmot_options_clone", st);
  st = gmmot_options_set_progress(with_progress, on_progress, &ps);
  if (st < 0) die("gmmot_options_set_progress", st);
  ps.t0 = now_seconds();
  st = gmmot_em_create(with_progress, &em);
  gmmot_options_destroy(with_progress);
  if (st < 0) die("gmmot_em_create", st);
  st = gmmot_em_fit(em, n, d, x, NULL, &g);
  if (st < 0) die("gmmot_em_fit", st);
  st = gmmot_em_info(em, &res->loglik, &res->iterations, &res->converged);
  if (st < 0) die("gmmot_em_info", st);
  st = gmmot_em_work(em, &res->passes, &res->moves);
  if (st < 0) die("gmmot_em_work", st);
  gmmot_em_destroy(em);
  res->total = now_seconds() - ps.t0;
  res->init = ps.t_init < 0 ? 0.0 : ps.t_init;
  return g;
}

/* Times R fits; returns the mixture of the last one. */
static gmmot_gmm_t *bench_em(const char *name, int split_merge, const char *label, size_t n,
                             size_t d, const double *x, int threads, int runs, double *loglik) {
  gmmot_options_t *o = em_options_seed(n, d, x, threads, 0, split_merge);
  double totals[MAX_RUNS], inits[MAX_RUNS], per_iter[MAX_RUNS];
  gmmot_gmm_t *g = NULL;
  em_result res;
  int r;
  memset(&res, 0, sizeof res);
  for (r = 0; r < runs; ++r) {
    gmmot_gmm_destroy(g);
    g = em_fit_once(o, n, d, x, &res);
    totals[r] = res.total;
    inits[r] = res.init;
    per_iter[r] = (res.total - res.init) / (double)(res.passes > 1 ? res.passes - 1 : 1);
  }
  printf(
      "case=%s impl=libgmmot n=%s seconds=%.6e extra=s_per_iter:%.6e;init_s:%.4g;"
      "iterations:%llu;passes:%llu;split_merge:%d;moves:%llu;mean_loglik:%.10g;converged:%d;"
      "tol_rel:%g;max_iter:%d;threads:%d\n",
      name, label, median(totals, (size_t)runs), median(per_iter, (size_t)runs),
      median(inits, (size_t)runs), (unsigned long long)res.iterations,
      (unsigned long long)res.passes, split_merge, (unsigned long long)res.moves, res.loglik,
      res.converged, EM_TOL, EM_MAX_ITER, threads);
  fflush(stdout);
  gmmot_options_destroy(o);
  *loglik = res.loglik;
  return g;
}

/* One fit per seed 0 .. seeds - 1: which local maximum one start reaches is a draw, so the
 * quality of a fit is compared by the mean over seeds (the peer does the same with
 * random_state 0 .. seeds - 1). */
static void bench_em_seeds(const char *name, int split_merge, const char *label, size_t n, size_t d,
                           const double *x, int threads, int seeds) {
  double totals[MAX_RUNS], sum = 0.0, lo = HUGE_VAL, hi = -HUGE_VAL, iters = 0.0, passes = 0.0,
                           seconds = 0.0;
  em_result res;
  int s;
  for (s = 0; s < seeds; ++s) {
    gmmot_options_t *o = em_options_seed(n, d, x, threads, s, split_merge);
    gmmot_gmm_destroy(em_fit_once(o, n, d, x, &res));
    gmmot_options_destroy(o);
    totals[s] = res.total;
    seconds += res.total;
    sum += res.loglik;
    lo = res.loglik < lo ? res.loglik : lo;
    hi = res.loglik > hi ? res.loglik : hi;
    iters += (double)res.iterations;
    passes += (double)res.passes;
  }
  printf(
      "case=%s impl=libgmmot n=%s_seeds%d seconds=%.6e extra=mean_loglik:%.10g;"
      "min_loglik:%.10g;max_loglik:%.10g;mean_iterations:%.4g;mean_passes:%.4g;"
      "mean_seconds:%.6e;split_merge:%d;threads:%d\n",
      name, label, seeds, median(totals, (size_t)seeds), sum / seeds, lo, hi, iters / seeds,
      passes / seeds, seconds / seeds, split_merge, threads);
  fflush(stdout);
}

/* ------------------------------------------------------------------ tmean export */
static void write_mixture(FILE *f, const gmmot_gmm_t *g) {
  const size_t k = gmmot_gmm_ncomponents(g), d = gmmot_gmm_dim(g);
  double *w = xmalloc(k * sizeof *w), *m = xmalloc(k * d * sizeof *m),
         *c = xmalloc(k * d * d * sizeof *c);
  int st;
  if ((st = gmmot_gmm_copy_weights(g, w, k)) < 0) die("gmmot_gmm_copy_weights", st);
  if ((st = gmmot_gmm_copy_means(g, m, k * d)) < 0) die("gmmot_gmm_copy_means", st);
  if ((st = gmmot_gmm_copy_covariances(g, c, k * d * d)) < 0) die("gmmot_gmm_copy_covariances", st);
  write_doubles(f, w, k);
  write_doubles(f, m, k * d);
  write_doubles(f, c, k * d * d);
  free(w);
  free(m);
  free(c);
}

static void export_tmean(const char *dir, const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                         const gmmot_mw2_t *p, size_t n, const double *out) {
  const size_t d = gmmot_mw2_dim(p), nnz = gmmot_mw2_nnz(p);
  size_t *rows = xmalloc(nnz * sizeof *rows), *cols = xmalloc(nnz * sizeof *cols), i;
  double *mass = xmalloc(nnz * sizeof *mass), *a = xmalloc(nnz * d * d * sizeof *a),
         *b = xmalloc(nnz * d * sizeof *b), *tmp = xmalloc(nnz * sizeof *tmp);
  uint64_t dims[5];
  char *path = join(dir, "tmean.bin");
  FILE *f = xfopen(path, "wb");
  int st;
  if ((st = gmmot_mw2_copy_sparse_plan(p, rows, cols, mass, nnz)) < 0)
    die("gmmot_mw2_copy_sparse_plan", st);
  if ((st = gmmot_mw2_copy_pair_maps(p, a, nnz * d * d, b, nnz * d)) < 0)
    die("gmmot_mw2_copy_pair_maps", st);
  dims[0] = n;
  dims[1] = d;
  dims[2] = gmmot_mw2_rows(p);
  dims[3] = gmmot_mw2_cols(p);
  dims[4] = nnz;
  xwrite(f, "GMMOTTM1", 1, 8);
  write_u64s(f, dims, 5);
  write_mixture(f, g0);
  write_mixture(f, g1);
  for (i = 0; i < nnz; ++i) tmp[i] = (double)rows[i];
  write_doubles(f, tmp, nnz);
  for (i = 0; i < nnz; ++i) tmp[i] = (double)cols[i];
  write_doubles(f, tmp, nnz);
  write_doubles(f, mass, nnz);
  write_doubles(f, a, nnz * d * d);
  write_doubles(f, b, nnz * d);
  write_doubles(f, out, n * d);
  if (fclose(f) != 0) fail("cannot write %s", path);
  free(path);
  free(rows);
  free(cols);
  free(mass);
  free(a);
  free(b);
  free(tmp);
}

static int seeds_only(const char *dir, int threads, int split_merge) {
  size_t n3, d3;
  double *x3 = read_points(dir, "em_d3.bin", &n3, &d3);
  char label[64];
  snprintf(label, sizeof label, "N%lu_d%lu_K%d", (unsigned long)n3, (unsigned long)d3, EM_K);
  bench_em_seeds("em_seeds_plain", 0, label, n3, d3, x3, threads, EM_SEEDS);
  bench_em_seeds("em_seeds", split_merge, label, n3, d3, x3, threads, EM_SEEDS);
  free(x3);
  return 0;
}

static int run(const char *dir, int threads, int runs) {
  size_t n3, d3, n27, d27, nt, dt;
  double *x3 = read_points(dir, "em_d3.bin", &n3, &d3);
  double *x27 = read_points(dir, "em_d27.bin", &n27, &d27);
  double *xt = read_points(dir, "ct_tgt.bin", &nt, &dt);
  double l_src, l_tgt, l27, times[MAX_RUNS], mw2sq = 0.0, *out;
  char label[64];
  gmmot_gmm_t *g0, *g1, *g27;
  gmmot_options_t *o;
  gmmot_mw2_t *p = NULL;
  em_result res;
  int r, st;

  /* em_fit and em_seeds with split-and-merge, em_fit_plain and em_seeds_plain without. */
  snprintf(label, sizeof label, "N%lu_d%lu_K%d", (unsigned long)n3, (unsigned long)d3, EM_K);
  gmmot_gmm_destroy(bench_em("em_fit", EM_SPLIT_MERGE, label, n3, d3, x3, threads, runs, &l_src));
  g0 = bench_em("em_fit_plain", 0, label, n3, d3, x3, threads, runs, &l_src);
  snprintf(label, sizeof label, "N%lu_d%lu_K%d", (unsigned long)n27, (unsigned long)d27, EM_K);
  gmmot_gmm_destroy(bench_em("em_fit", EM_SPLIT_MERGE, label, n27, d27, x27, threads, runs, &l27));
  g27 = bench_em("em_fit_plain", 0, label, n27, d27, x27, threads, runs, &l27);
  gmmot_gmm_destroy(g27);
  snprintf(label, sizeof label, "N%lu_d%lu_K%d", (unsigned long)n3, (unsigned long)d3, EM_K);
  bench_em_seeds("em_seeds", EM_SPLIT_MERGE, label, n3, d3, x3, threads, EM_SEEDS);
  bench_em_seeds("em_seeds_plain", 0, label, n3, d3, x3, threads, EM_SEEDS);
  snprintf(label, sizeof label, "N%lu_d%lu_K%d", (unsigned long)n27, (unsigned long)d27, EM_K);
  bench_em_seeds("em_seeds", EM_SPLIT_MERGE, label, n27, d27, x27, threads, EM_SEEDS);
  bench_em_seeds("em_seeds_plain", 0, label, n27, d27, x27, threads, EM_SEEDS);
  free(x27);

  /* tmean: the target mixture (untimed), the plan, then the timed map; both mixtures plain EM. */
  o = em_options_seed(nt, dt, xt, threads, 0, 0);
  g1 = em_fit_once(o, nt, dt, xt, &res);
  l_tgt = res.loglik;
  gmmot_options_destroy(o);
  free(xt);
  o = threads_options(threads, NULL);
  if ((st = gmmot_mw2_create(g0, g1, o, &p)) < 0) die("gmmot_mw2_create", st);
  if ((st = gmmot_mw2_distance(p, &mw2sq, NULL)) < 0) die("gmmot_mw2_distance", st);
  out = xmalloc(n3 * d3 * sizeof *out);
  for (r = 0; r < runs; ++r) {
    const double t0 = now_seconds();
    st = gmmot_mw2_map_mean(p, n3, x3, o, out, n3 * d3);
    times[r] = now_seconds() - t0;
    if (st < 0) die("gmmot_mw2_map_mean", st);
  }
  printf(
      "case=tmean impl=libgmmot n=N%lu_d%lu_K%lux%lu seconds=%.6e "
      "extra=mw2sq:%.17g;nnz:%lu;l_src:%.10g;l_tgt:%.10g;threads:%d\n",
      (unsigned long)n3, (unsigned long)d3, (unsigned long)gmmot_mw2_rows(p),
      (unsigned long)gmmot_mw2_cols(p), median(times, (size_t)runs), mw2sq,
      (unsigned long)gmmot_mw2_nnz(p), l_src, l_tgt, threads);
  fflush(stdout);
  export_tmean(dir, g0, g1, p, n3, out);

  free(out);
  free(x3);
  gmmot_mw2_destroy(p);
  gmmot_options_destroy(o);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  return 0;
}

/* ------------------------------------------------------------------ main */
static int usage(void) {
  fprintf(stderr,
          "usage: bench_em_maps prepare --photos DIR --out WORK\n"
          "       bench_em_maps run --data WORK [--threads N] [--runs R]\n"
          "       bench_em_maps seeds --data WORK [--threads N] [--split-merge C]\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *photos = NULL, *out = NULL, *data = NULL;
  int threads = 2, runs = 5, split_merge = EM_SPLIT_MERGE, i;
  if (argc < 2) return usage();
  for (i = 2; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--photos") == 0) {
      photos = argv[i + 1];
    } else if (strcmp(argv[i], "--out") == 0) {
      out = argv[i + 1];
    } else if (strcmp(argv[i], "--data") == 0) {
      data = argv[i + 1];
    } else if (strcmp(argv[i], "--threads") == 0) {
      threads = atoi(argv[i + 1]);
    } else if (strcmp(argv[i], "--runs") == 0) {
      runs = atoi(argv[i + 1]);
    } else if (strcmp(argv[i], "--split-merge") == 0) {
      split_merge = atoi(argv[i + 1]);
    } else {
      return usage();
    }
  }
  if (i != argc) return usage();
  if (runs < 1 || runs > MAX_RUNS || threads < 0) return usage();
  if (strcmp(argv[1], "prepare") == 0 && photos != NULL && out != NULL) return prepare(photos, out);
  if (strcmp(argv[1], "run") == 0 && data != NULL) return run(data, threads, runs);
  if (strcmp(argv[1], "seeds") == 0 && data != NULL && split_merge >= 0)
    return seeds_only(data, threads, split_merge);
  return usage();
}
