/* SPDX-License-Identifier: MIT */
/* Benchmark: the KL-relaxed coupled fit (gmmot/relaxed.h; Delon-Desolneux 2020 section 6.2,
 * eq. 6.1) of libgmmot, through the public C API. bench/run_relaxed.sh drives it together with
 * its PyTorch peer bench/peer_torch_relaxed.py (the paper's method: Adam on the same energy),
 * which reads the files written here.
 *
 * Usage: bench_relaxed --photos DIR --out WORK [--threads N]
 * Cases (one line each):
 *   case=relaxed_fit impl=libgmmot n=<label> seconds=<median of 5 runs> extra=<k:v;...>
 *   n=N10000_d1_K3: Fig. 6's setting: two 1-D clouds of 10000 points, samples (seeds 1, 2) of
 *     0.3 N(0.15, 0.05^2) + 0.5 N(0.45, 0.06^2) + 0.2 N(0.8, 0.04^2) and
 *     0.6 N(0.35, 0.08^2) + 0.4 N(0.9, 0.05^2) (as examples/relaxed_fig6.c), K = 3, the paper's
 *     lambda = 0.5 (absolute; GMMOT_OPT_RELAXED_LAMBDA = 0.5 / s^2, see relaxed.h).
 *   n=N100000_d3_K10: RGB pixels (values k/255) of DIR/rocket.jpg (640x427) and of
 *     DIR/coffee.png (600x400), 100000 each (pixel floor(i total / 100000) for i < 100000),
 *     K = 10, lambda = 1 (relative).
 *   n=N65536_d27_K10: 3x3 RGB patches (flattened (row, column, channel)) of DIR/astronaut.png
 *     (512x512) and of DIR/coffee.png, a 256 x 256 grid of top-left corners each
 *     (floor(i (H - 3) / 255), floor(j (W - 3) / 255)), K = 10, lambda = 1 (relative).
 * The start (untimed, shared with the peer): gmmot_relaxed_create with GMMOT_RELAXED_INIT_SEPARATE
 * (EM on each cloud, seed 0, components paired optimally) and one MM iteration; its two
 * marginals are start0, start1. Timed call: gmmot_relaxed_create_from(start0, start1) with the
 * default tolerance (1e-8 relative) and GMMOT_OPT_RELAXED_MAX_ITERATIONS = 1000, then
 * gmmot_relaxed_destroy. extra: J, transport, ll0, ll1, penalty (of the result, eq. 6.1 with
 * relaxed.h's penalty), J_start (of the start), iterations, converged, lambda_abs, lambda_rel
 * (GMMOT_OPT_RELAXED_LAMBDA), threads.
 * Files for the peer: WORK/relaxed_<label>.bin: magic "GMMOTRX1", uint64 n0, n1, d, K, then
 * float64: lambda_abs, scale2, rho, J, transport, ll0, ll1, penalty (of our result), x0 (n0 x d),
 * x1 (n1 x d), the start (w0 K, m0 K x d, c0 K x d x d, w1, m1, c1), our result (same layout).
 * Run with OPENBLAS_NUM_THREADS=1 (bench/run_relaxed.sh does); --threads sets
 * GMMOT_OPT_NUM_THREADS (default 2). */
#define _POSIX_C_SOURCE 200809L
#define BENCH_PROGRAM "bench_relaxed"

#include <gmmot/gmmot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"
#include "image_io.h"

#define MAX_ITER 1000
#define RHO 1e-6 /* GMMOT_OPT_RELAXED_REGULARIZATION's default, written for the peer */

static char *join(const char *dir, const char *name) {
  char *p = xmalloc(strlen(dir) + strlen(name) + 2);
  sprintf(p, "%s/%s", dir, name);
  return p;
}

static void xwrite(FILE *f, const void *p, size_t size, size_t n) {
  if (fwrite(p, size, n, f) != n) fail("write failed");
}

static void load_or_die(const char *dir, const char *name, rgb_image *img) {
  char *path = join(dir, name);
  if (load_rgb(path, 1, img) != 0) exit(1);
  free(path);
}

/* ------------------------------------------------------------------ data */
static double *sample_1d(size_t k, const double *w, const double *m, const double *c, size_t n,
                         int64_t seed) {
  gmmot_gmm_t *g = NULL;
  gmmot_options_t *o = NULL;
  double *x = xmalloc(n * sizeof *x);
  check(gmmot_gmm_create(k, 1, w, m, c, &g), "gmmot_gmm_create");
  check(gmmot_options_create(&o), "gmmot_options_create");
  check(gmmot_options_set_int(o, GMMOT_OPT_SEED, seed), "set GMMOT_OPT_SEED");
  check(gmmot_gmm_sample(g, n, o, x, n, NULL, 0), "gmmot_gmm_sample");
  gmmot_options_destroy(o);
  gmmot_gmm_destroy(g);
  return x;
}

static double *pixels(const char *dir, const char *name, size_t n) {
  rgb_image img = {0, 0, NULL};
  size_t i, total, c;
  double *x = xmalloc(n * 3 * sizeof *x);
  load_or_die(dir, name, &img);
  total = img.width * img.height;
  if (total < n) fail("%s has fewer than %zu pixels", name, n);
  for (i = 0; i < n; ++i) {
    const size_t p = (size_t)((double)i * (double)total / (double)n);
    for (c = 0; c < 3; ++c) x[3 * i + c] = img.rgb[3 * p + c];
  }
  free_rgb(&img);
  return x;
}

static double *patches(const char *dir, const char *name, size_t grid) {
  rgb_image img = {0, 0, NULL};
  size_t i, j, r, c, ch;
  double *x = xmalloc(grid * grid * 27 * sizeof *x);
  load_or_die(dir, name, &img);
  if (img.width < 3 || img.height < 3) fail("%s is too small", name);
  for (i = 0; i < grid; ++i) {
    const size_t y0 = i * (img.height - 3) / (grid - 1);
    for (j = 0; j < grid; ++j) {
      const size_t x0 = j * (img.width - 3) / (grid - 1);
      double *p = x + (i * grid + j) * 27;
      for (r = 0; r < 3; ++r)
        for (c = 0; c < 3; ++c)
          for (ch = 0; ch < 3; ++ch)
            p[(r * 3 + c) * 3 + ch] = img.rgb[3 * ((y0 + r) * img.width + x0 + c) + ch];
    }
  }
  free_rgb(&img);
  return x;
}

/* ------------------------------------------------------------------ the case */
typedef struct {
  const double *x0, *x1;
  size_t n0, n1, d;
  const gmmot_gmm_t *start0, *start1;
  const gmmot_options_t *opts;
  gmmot_relaxed_t *keep; /* the last result, kept for the report */
} fit_ctx;

static void fit_once(void *p) {
  fit_ctx *c = p;
  gmmot_relaxed_t *r = NULL;
  const int st = gmmot_relaxed_create_from(c->x0, c->n0, c->x1, c->n1, c->d, NULL, NULL, c->start0,
                                           c->start1, c->opts, &r);
  if (st < 0) die("gmmot_relaxed_create_from", st);
  gmmot_relaxed_destroy(c->keep);
  c->keep = r;
}

static void write_gmm(FILE *f, const gmmot_gmm_t *g, size_t k, size_t d) {
  double *buf = xmalloc(k * d * d * sizeof *buf);
  check(gmmot_gmm_copy_weights(g, buf, k), "copy_weights");
  xwrite(f, buf, sizeof *buf, k);
  check(gmmot_gmm_copy_means(g, buf, k * d), "copy_means");
  xwrite(f, buf, sizeof *buf, k * d);
  check(gmmot_gmm_copy_covariances(g, buf, k * d * d), "copy_covariances");
  xwrite(f, buf, sizeof *buf, k * d * d);
  free(buf);
}

/* lambda: relative, or (absolute_lambda != 0) the paper's absolute lambda, converted with the
 * s^2 the library reports for the start fit. */
static void run_case(const char *label, const double *x0, size_t n0, const double *x1, size_t n1,
                     size_t d, size_t k, double lambda, int absolute_lambda, long threads,
                     const char *work) {
  long shown = 0;
  gmmot_options_t *opts = threads_options(threads, &shown);
  gmmot_relaxed_t *init = NULL;
  gmmot_gmm_t *s0 = NULL, *s1 = NULL, *f0 = NULL, *f1 = NULL;
  double scale2 = 0, lambda_abs = 0, e[5], j_start = 0;
  uint64_t iters = 0, dims[4];
  int conv = 0, st;
  fit_ctx ctx;
  char *path, name[128];
  FILE *f;

  check(gmmot_options_set_int(opts, GMMOT_OPT_RELAXED_COMPONENTS, (int64_t)k), "set K");
  check(gmmot_options_set_int(opts, GMMOT_OPT_RELAXED_INIT, GMMOT_RELAXED_INIT_SEPARATE),
        "set init");
  check(gmmot_options_set_double(opts, GMMOT_OPT_RELAXED_LAMBDA, absolute_lambda ? 1.0 : lambda),
        "set lambda");
  check(gmmot_options_set_int(opts, GMMOT_OPT_RELAXED_MAX_ITERATIONS, 1), "set max iterations");
  st = gmmot_relaxed_create(x0, n0, x1, n1, d, NULL, NULL, opts, &init);
  if (st < 0) die("gmmot_relaxed_create (start)", st);
  check(gmmot_relaxed_info(init, NULL, NULL, NULL, &scale2), "gmmot_relaxed_info");
  if (absolute_lambda) {
    /* The paper's lambda is absolute; relaxed.h's is relative to s^2 (the start fit used a
     * placeholder lambda, which does not change s^2 and hardly the one-iteration start). */
    lambda /= scale2;
    check(gmmot_options_set_double(opts, GMMOT_OPT_RELAXED_LAMBDA, lambda), "set lambda");
    gmmot_relaxed_destroy(init);
    init = NULL;
    st = gmmot_relaxed_create(x0, n0, x1, n1, d, NULL, NULL, opts, &init);
    if (st < 0) die("gmmot_relaxed_create (start)", st);
  }
  check(gmmot_relaxed_marginal0(init, &s0), "marginal0");
  check(gmmot_relaxed_marginal1(init, &s1), "marginal1");
  gmmot_relaxed_destroy(init);
  check(gmmot_options_set_int(opts, GMMOT_OPT_RELAXED_MAX_ITERATIONS, MAX_ITER),
        "set max iterations");

  ctx.x0 = x0;
  ctx.x1 = x1;
  ctx.n0 = n0;
  ctx.n1 = n1;
  ctx.d = d;
  ctx.start0 = s0;
  ctx.start1 = s1;
  ctx.opts = opts;
  ctx.keep = NULL;
  {
    const double secs = time_median(fit_once, &ctx, 0.5);
    size_t ne = 0;
    double *es;
    check(gmmot_relaxed_energy(ctx.keep, &e[0], &e[1], &e[2], &e[3], &e[4]), "energy");
    check(gmmot_relaxed_info(ctx.keep, &iters, &conv, &lambda_abs, &scale2), "info");
    check(gmmot_relaxed_energies(ctx.keep, NULL, 0, &ne), "energies");
    es = xmalloc(ne * sizeof *es);
    check(gmmot_relaxed_energies(ctx.keep, es, ne, &ne), "energies");
    j_start = es[0];
    free(es);
    printf(
        "case=relaxed_fit impl=libgmmot n=%s seconds=%.6g extra=J:%.12g;transport:%.10g;"
        "ll0:%.10g;ll1:%.10g;penalty:%.6g;J_start:%.12g;iterations:%llu;converged:%d;"
        "lambda_abs:%.6g;lambda_rel:%.6g;threads:%ld\n",
        label, secs, e[0], e[1], e[2], e[3], e[4], j_start, (unsigned long long)iters, conv,
        lambda_abs, lambda, shown);
    fflush(stdout);
  }
  check(gmmot_relaxed_marginal0(ctx.keep, &f0), "marginal0");
  check(gmmot_relaxed_marginal1(ctx.keep, &f1), "marginal1");

  snprintf(name, sizeof name, "relaxed_%s.bin", label);
  path = join(work, name);
  f = fopen(path, "wb");
  if (f == NULL) fail("cannot open %s", path);
  dims[0] = n0;
  dims[1] = n1;
  dims[2] = d;
  dims[3] = k;
  xwrite(f, "GMMOTRX1", 1, 8);
  xwrite(f, dims, sizeof *dims, 4);
  {
    const double head[8] = {lambda_abs, scale2, RHO, e[0], e[1], e[2], e[3], e[4]};
    xwrite(f, head, sizeof *head, 8);
  }
  xwrite(f, x0, sizeof *x0, n0 * d);
  xwrite(f, x1, sizeof *x1, n1 * d);
  write_gmm(f, s0, k, d);
  write_gmm(f, s1, k, d);
  write_gmm(f, f0, k, d);
  write_gmm(f, f1, k, d);
  if (fclose(f) != 0) fail("cannot write %s", path);
  free(path);

  gmmot_gmm_destroy(s0);
  gmmot_gmm_destroy(s1);
  gmmot_gmm_destroy(f0);
  gmmot_gmm_destroy(f1);
  gmmot_relaxed_destroy(ctx.keep);
  gmmot_options_destroy(opts);
}

int main(int argc, char **argv) {
  static const double kW0[3] = {0.3, 0.5, 0.2}, kM0[3] = {0.15, 0.45, 0.8},
                      kC0[3] = {0.05 * 0.05, 0.06 * 0.06, 0.04 * 0.04};
  static const double kW1[2] = {0.6, 0.4}, kM1[2] = {0.35, 0.9},
                      kC1[2] = {0.08 * 0.08, 0.05 * 0.05};
  const char *photos = NULL, *work = NULL;
  long threads = 2;
  double *a, *b;
  int i;
  for (i = 1; i < argc; ++i) {
    if (i + 1 >= argc) fail("option %s needs a value", argv[i]);
    if (strcmp(argv[i], "--photos") == 0)
      photos = argv[++i];
    else if (strcmp(argv[i], "--out") == 0)
      work = argv[++i];
    else if (strcmp(argv[i], "--threads") == 0) {
      if (!parse_long(argv[++i], 0, &threads)) fail("bad --threads");
    } else
      fail("unknown option %s", argv[i]);
  }
  if (photos == NULL || work == NULL)
    fail("usage: bench_relaxed --photos DIR --out WORK [--threads N]");

  a = sample_1d(3, kW0, kM0, kC0, 10000, 1);
  b = sample_1d(2, kW1, kM1, kC1, 10000, 2);
  run_case("N10000_d1_K3", a, 10000, b, 10000, 1, 3, 0.5, 1, threads, work);
  free(a);
  free(b);

  a = pixels(photos, "rocket.jpg", 100000);
  b = pixels(photos, "coffee.png", 100000);
  run_case("N100000_d3_K10", a, 100000, b, 100000, 3, 10, 1.0, 0, threads, work);
  free(a);
  free(b);

  a = patches(photos, "astronaut.png", 256);
  b = patches(photos, "coffee.png", 256);
  run_case("N65536_d27_K10", a, 65536, b, 65536, 27, 10, 1.0, 0, threads, work);
  free(a);
  free(b);
  return 0;
}
