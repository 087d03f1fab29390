/* SPDX-License-Identifier: MIT */
/* Example: the KL-relaxed coupled fit (gmmot/relaxed.h) in 1-D, reproducing Fig. 6 of
 * J. Delon, A. Desolneux, "A Wasserstein-type distance in the space of Gaussian Mixture Models",
 * SIAM J. Imaging Sci. 2020, section 6.2.
 *
 * Two 1-D point clouds nu0, nu1 (samples of two different 1-D mixtures, N points each, fixed
 * seeds) are fitted by one K = 3 mixture gamma on R^2 minimising eq. (6.1):
 *   J = int |y0 - y1|^2 dgamma - lambda (E_nu0[log P0#gamma] + E_nu1[log P1#gamma]) + penalty,
 * for lambda in {10, 2, 1, 0.5, 0.1, 0.01} as in the figure. Large lambda: the marginals P0#gamma
 * and P1#gamma fit nu0 and nu1 (two maximum-likelihood fits with shared weights); small lambda:
 * the transport term dominates and the two marginals nearly coincide.
 *
 * The lambda convention. The paper's lambda multiplies the log-likelihoods directly (it is
 * absolute: in units of length^2, like the transport term). libgmmot's GMMOT_OPT_RELAXED_LAMBDA
 * is relative to the data scale s^2 = (tr Cov nu0 + tr Cov nu1) / 2, lambda_abs = lambda s^2,
 * so that the fit does not change with the units of the data. This program takes the paper's
 * values as absolute and passes lambda_lib = lambda_paper / s^2 (and prints both, with the
 * lambda_abs the library reports back, which equals lambda_paper).
 *
 * Output: a PNG of 3 x 2 panels, one per lambda in the order above (left to right, top to
 * bottom). Each panel shows the histograms of nu0 (light red) and nu1 (light blue; overlap
 * purple) and the fitted densities of P0#gamma (dark red) and P1#gamma (dark blue), evaluated
 * with gmmot_gmm_log_density on a grid; x from the smallest to the largest data point, y from 0
 * to the largest value in the panel. On stdout: one line per lambda with J and its terms.
 *
 * Usage: gmmot-relaxed-fig6 [OUTPUT.png (default relaxed_fig6.png)] [--points N (default 10000)]
 * (--help: the usage and the options on stdout, exit status 0; docs/man/gmmot-relaxed-fig6.1.)
 * Public API only (gmmot/gmmot.h), C99; PNG writing through image_io.c (stb). */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_cli.h"
#include "image_io.h"

#define K 3
#define NLAMBDA 6
#define PANEL_W 400
#define PANEL_H 260
#define MARGIN 12
#define COLS 3
#define ROWS 2
#define NBINS 80

/* Fig. 6's lambdas (the paper's, absolute). */
static const double kLambdaPaper[NLAMBDA] = {10, 2, 1, 0.5, 0.1, 0.01};

/* The two source mixtures: the paper does not list its data; these give two clearly different
 * multimodal clouds on [0, 1] (three modes against two), so that the marginals visibly move from
 * two separate fits (lambda = 10) to one common density (lambda = 0.01). */
static const double kW0[3] = {0.3, 0.5, 0.2}, kM0[3] = {0.15, 0.45, 0.8},
                    kC0[3] = {0.05 * 0.05, 0.06 * 0.06, 0.04 * 0.04};
static const double kW1[2] = {0.6, 0.4}, kM1[2] = {0.35, 0.9}, kC1[2] = {0.08 * 0.08, 0.05 * 0.05};

static const char kUsage[] = "usage: gmmot-relaxed-fig6 [OUTPUT.png] [--points N]\n";

static const char kHelp[] =
    "\n"
    "Reproduce Fig. 6 of Delon & Desolneux 2020: the KL-relaxed coupled fit (K = 3) of two 1-D\n"
    "point clouds for lambda = 10, 2, 1, 0.5, 0.1, 0.01 (the paper's absolute values), drawn as\n"
    "3 x 2 panels of histograms and fitted marginal densities into the PNG OUTPUT. One line per\n"
    "lambda is printed with the energy J and its terms.\n"
    "\n"
    "Options (default in brackets):\n"
    "  OUTPUT.png      the PNG to write [relaxed_fig6.png]\n"
    "  --points N      points per cloud, at least 100 [10000]\n"
    "  -h, --help      print this help and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure (the message names the libgmmot call and the reason),\n"
    "2 bad command line.\n";

/* Samples n points of a 1-D mixture with the given seed (gmmot_gmm_sample is reproducible:
 * the same seed gives the same points on every run and thread count). */
static int sample(size_t k, const double *w, const double *m, const double *c, size_t n,
                  int64_t seed, double *out) {
  gmmot_gmm_t *g = NULL;
  gmmot_options_t *o = NULL;
  int bad = cli_report(gmmot_gmm_create(k, 1, w, m, c, &g), "gmmot_gmm_create") ||
            cli_report(gmmot_options_create(&o), "gmmot_options_create") ||
            cli_report(gmmot_options_set_int(o, GMMOT_OPT_SEED, seed), "set GMMOT_OPT_SEED") ||
            cli_report(gmmot_gmm_sample(g, n, o, out, n, NULL, 0), "gmmot_gmm_sample");
  gmmot_options_destroy(o);
  gmmot_gmm_destroy(g);
  return bad;
}

/* Alpha-blends colour into pixel (x, y) of the whole image. */
static void blend(double *rgb, size_t width, size_t x, size_t y, const double col[3], double a) {
  double *p = rgb + 3 * (y * width + x);
  int c;
  for (c = 0; c < 3; ++c) p[c] = (1 - a) * p[c] + a * col[c];
}

/* A thick line segment in panel pixel coordinates (y downwards), by dense sampling. */
static void line(double *rgb, size_t width, size_t ox, size_t oy, double x0, double y0, double x1,
                 double y1, const double col[3]) {
  const double len = fabs(x1 - x0) + fabs(y1 - y0);
  const int steps = (int)len * 2 + 2;
  int s, dx, dy;
  for (s = 0; s <= steps; ++s) {
    const double t = (double)s / steps;
    const double x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);
    for (dx = -1; dx <= 1; ++dx)
      for (dy = -1; dy <= 1; ++dy) {
        const double px = floor(x + 0.5) + dx, py = floor(y + 0.5) + dy;
        if (px < 0 || py < 0 || px >= PANEL_W || py >= PANEL_H) continue;
        blend(rgb, width, ox + (size_t)px, oy + (size_t)py, col, 1.0);
      }
  }
}

/* Draws one panel: both histograms (densities: count / (n * bin width)) and both fitted
 * densities on the same x range and y scale. */
static int panel(double *rgb, size_t width, size_t ox, size_t oy, const double *x0,
                 const double *x1, size_t n, double lo, double hi, const gmmot_gmm_t *p0,
                 const gmmot_gmm_t *p1) {
  static const double kHist0[3] = {0.95, 0.35, 0.35}, kHist1[3] = {0.35, 0.5, 0.95};
  static const double kCurve0[3] = {0.6, 0.0, 0.0}, kCurve1[3] = {0.0, 0.0, 0.6};
  static const double kFrame[3] = {0.55, 0.55, 0.55};
  double h0[NBINS] = {0}, h1[NBINS] = {0}, grid[PANEL_W], d0[PANEL_W], d1[PANEL_W];
  const double bw = (hi - lo) / NBINS;
  double ymax = 0;
  size_t i, x, y;
  int b;
  for (i = 0; i < n; ++i) {
    b = (int)((x0[i] - lo) / bw);
    h0[b < 0 ? 0 : b >= NBINS ? NBINS - 1 : b] += 1.0 / ((double)n * bw);
    b = (int)((x1[i] - lo) / bw);
    h1[b < 0 ? 0 : b >= NBINS ? NBINS - 1 : b] += 1.0 / ((double)n * bw);
  }
  for (x = 0; x < PANEL_W; ++x) grid[x] = lo + (hi - lo) * ((double)x + 0.5) / PANEL_W;
  if (cli_report(gmmot_gmm_log_density(p0, PANEL_W, grid, NULL, d0, PANEL_W), "log_density") ||
      cli_report(gmmot_gmm_log_density(p1, PANEL_W, grid, NULL, d1, PANEL_W), "log_density"))
    return 1;
  for (x = 0; x < PANEL_W; ++x) {
    d0[x] = exp(d0[x]);
    d1[x] = exp(d1[x]);
    if (d0[x] > ymax) ymax = d0[x];
    if (d1[x] > ymax) ymax = d1[x];
  }
  for (b = 0; b < NBINS; ++b) {
    if (h0[b] > ymax) ymax = h0[b];
    if (h1[b] > ymax) ymax = h1[b];
  }
  ymax *= 1.05;
  /* Bars: each bin covers the pixel columns whose centres fall into it; alpha 0.45 so that the
   * two histograms stay visible where they overlap. */
  for (x = 0; x < PANEL_W; ++x) {
    const double v0 = h0[(size_t)x * NBINS / PANEL_W] / ymax * PANEL_H;
    const double v1 = h1[(size_t)x * NBINS / PANEL_W] / ymax * PANEL_H;
    for (y = 0; y < PANEL_H; ++y) {
      const double up = (double)(PANEL_H - y) - 0.5; /* height of the pixel centre */
      if (up < v0) blend(rgb, width, ox + x, oy + y, kHist0, 0.45);
      if (up < v1) blend(rgb, width, ox + x, oy + y, kHist1, 0.45);
    }
  }
  for (x = 0; x < PANEL_W; ++x) {
    blend(rgb, width, ox + x, oy, kFrame, 1.0);
    blend(rgb, width, ox + x, oy + PANEL_H - 1, kFrame, 1.0);
  }
  for (y = 0; y < PANEL_H; ++y) {
    blend(rgb, width, ox, oy + y, kFrame, 1.0);
    blend(rgb, width, ox + PANEL_W - 1, oy + y, kFrame, 1.0);
  }
  for (x = 1; x < PANEL_W; ++x) {
    const double ya = PANEL_H - 1 - d0[x - 1] / ymax * PANEL_H,
                 yb = PANEL_H - 1 - d0[x] / ymax * PANEL_H;
    const double za = PANEL_H - 1 - d1[x - 1] / ymax * PANEL_H,
                 zb = PANEL_H - 1 - d1[x] / ymax * PANEL_H;
    line(rgb, width, ox, oy, (double)x - 1, ya, (double)x, yb, kCurve0);
    line(rgb, width, ox, oy, (double)x - 1, za, (double)x, zb, kCurve1);
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *out_path = "relaxed_fig6.png";
  size_t n, i, l;
  const size_t width = COLS * PANEL_W + (COLS + 1) * MARGIN;
  const size_t height = ROWS * PANEL_H + (ROWS + 1) * MARGIN;
  double *x0, *x1, *rgb, lo, hi, s2, mean0 = 0, mean1 = 0, var0 = 0, var1 = 0;
  long long points = 10000;
  int bad = 0;
  cli_init("gmmot-relaxed-fig6", kUsage, kHelp);
  if (cli_output_and_int(argc, argv, &out_path, "--points", 100, 100000000,
                         "an integer from 100 to 1e8", &points) != 0)
    return 2;
  n = (size_t)points;
  x0 = malloc(n * sizeof *x0);
  x1 = malloc(n * sizeof *x1);
  rgb = malloc(width * height * 3 * sizeof *rgb);
  if (x0 == NULL || x1 == NULL || rgb == NULL) {
    return cli_out_of_memory();
  }
  for (i = 0; i < width * height * 3; ++i) rgb[i] = 1.0;
  if (sample(3, kW0, kM0, kC0, n, 1, x0) || sample(2, kW1, kM1, kC1, n, 2, x1)) return 1;

  /* The data scale s^2 exactly as the library defines it (relaxed.h: mean of the two clouds'
   * total variances, population normalisation), for lambda_lib = lambda_paper / s^2. */
  lo = hi = x0[0];
  for (i = 0; i < n; ++i) {
    mean0 += x0[i] / (double)n;
    mean1 += x1[i] / (double)n;
    if (x0[i] < lo) lo = x0[i];
    if (x1[i] < lo) lo = x1[i];
    if (x0[i] > hi) hi = x0[i];
    if (x1[i] > hi) hi = x1[i];
  }
  for (i = 0; i < n; ++i) {
    var0 += (x0[i] - mean0) * (x0[i] - mean0) / (double)n;
    var1 += (x1[i] - mean1) * (x1[i] - mean1) / (double)n;
  }
  s2 = 0.5 * (var0 + var1);
  printf(
      "gmmot-relaxed-fig6: Delon-Desolneux 2020, Fig. 6 (eq. 6.1): N = %zu points per cloud, K = "
      "%d\n",
      n, K);
  printf(
      "lambda convention: the paper's lambda is absolute; libgmmot's is relative to the data\n"
      "scale s^2 = %.6g, so each fit uses lambda_lib = lambda_paper / s^2 (lambda_abs below is\n"
      "what the library reports back: lambda_lib s^2 = lambda_paper).\n",
      s2);
  printf("%-8s %-12s %-12s %-13s %-13s %-11s %-11s %-11s %-5s\n", "panel", "lambda_paper",
         "lambda_lib", "J", "transport", "ll0", "ll1", "penalty", "iters");

  for (l = 0; l < NLAMBDA && !bad; ++l) {
    gmmot_options_t *o = NULL;
    gmmot_relaxed_t *r = NULL;
    gmmot_gmm_t *p0 = NULL, *p1 = NULL;
    double e = 0, tr = 0, ll0 = 0, ll1 = 0, pen = 0, lam_abs = 0;
    uint64_t iters = 0;
    int conv = 0, st;
    const size_t col = l % COLS, row = l / COLS;
    bad = cli_report(gmmot_options_create(&o), "gmmot_options_create") ||
          cli_report(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_COMPONENTS, K), "set K") ||
          cli_report(gmmot_options_set_double(o, GMMOT_OPT_RELAXED_LAMBDA, kLambdaPaper[l] / s2),
                     "set lambda") ||
          cli_report(gmmot_options_set_int(o, GMMOT_OPT_RELAXED_MAX_ITERATIONS, 2000),
                     "set max iterations");
    if (!bad) {
      st = gmmot_relaxed_create(x0, n, x1, n, 1, NULL, NULL, o, &r);
      bad = cli_report(st, "gmmot_relaxed_create");
    }
    bad = bad || cli_report(gmmot_relaxed_energy(r, &e, &tr, &ll0, &ll1, &pen), "energy") ||
          cli_report(gmmot_relaxed_info(r, &iters, &conv, &lam_abs, NULL), "info") ||
          cli_report(gmmot_relaxed_marginal0(r, &p0), "marginal0") ||
          cli_report(gmmot_relaxed_marginal1(r, &p1), "marginal1");
    if (!bad) {
      printf(
          "%zu,%zu      %-12g %-12.6g %-13.6g %-13.6g %-11.6g %-11.6g %-11.3g %llu%s"
          " (lambda_abs %.6g)\n",
          row, col, kLambdaPaper[l], kLambdaPaper[l] / s2, e, tr, ll0, ll1, pen,
          (unsigned long long)iters, conv ? "" : " not converged", lam_abs);
      bad = panel(rgb, width, MARGIN + col * (PANEL_W + MARGIN), MARGIN + row * (PANEL_H + MARGIN),
                  x0, x1, n, lo, hi, p0, p1);
    }
    gmmot_gmm_destroy(p0);
    gmmot_gmm_destroy(p1);
    gmmot_relaxed_destroy(r);
    gmmot_options_destroy(o);
  }
  if (!bad) {
    bad = save_rgb_png(out_path, width, height, rgb) != 0;
    if (!bad)
      printf(
          "wrote %s (%zux%zu): panels by lambda_paper left to right, top to bottom; light "
          "red / light blue bars: nu0 / nu1; dark red / dark blue curves: P0#gamma / "
          "P1#gamma\n",
          out_path, width, height);
  }
  free(x0);
  free(x1);
  free(rgb);
  return bad;
}
