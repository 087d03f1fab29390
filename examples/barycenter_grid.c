/* SPDX-License-Identifier: MIT */
/* gmmot-barycenter-grid: the 4-corner barycenter grid of Delon & Desolneux 2020, section 5.3,
 * Fig. 4-5, using only the public C API.
 *
 * Four 2-D Gaussian mixtures with recognisable shapes sit at the corners of a square (a ring,
 * a cross, a square outline, three blobs; defined below, as in the paper's Fig. 4 where each
 * corner is a small hand-made mixture). At the node (x, y) of an N x N grid, x and y in [0, 1],
 * the weights are bilinear in the corners, lambda = ((1-x)(1-y), x(1-y), (1-x)y, xy), so the
 * corners reproduce the inputs and the edges are MW2 geodesics between two of them (000 §5: the
 * barycenter of two mixtures is the geodesic point). Every node gets the MW2 barycenter
 * (gmmot_mw2_barycenter_exact, the multi-marginal LP of Prop. 7-8 and Cor. 3, or the fixed
 * point of Tanguy-Delon-Gozlan with --method fixed-point), whose density
 * (gmmot_gmm_log_density on a pixel grid over [-1, 1]^2) is drawn into one cell of a PNG mosaic.
 *
 * Usage: gmmot-barycenter-grid OUTPUT [--grid N] [--pixels P] [--method exact|fixed-point]
 *                              [--threads T]
 * Prints one line per cell (weights, components, cost V = sum_j lambda_j MW2^2(bary, mu_j))
 * and a summary line in the benchmark format of bench/. At a corner (one lambda_j = 1) the
 * barycenter is that mixture, but the exact LP may list one of its Gaussians several times
 * (tuples that differ only in mixtures of weight 0 tie), hence more components than K_j for
 * the same density. The fixed point's cost is never below the exact one (Tanguy-Delon-Gozlan);
 * run both methods to compare. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_cli.h"
#include "image_io.h"

#define NCORNERS 4
#define GAP 4 /* pixels of background between two cells of the mosaic */

typedef struct {
  const char *output;
  int grid;
  int pixels;
  int fixed_point;
  int threads;
} arguments;

static const char kUsage[] =
    "usage: gmmot-barycenter-grid OUTPUT [--grid N] [--pixels P] [--method exact|fixed-point]\n"
    "                             [--threads T]\n";

static const char kHelp[] =
    "\n"
    "Draw the MW2 barycenters of four 2-D Gaussian mixtures (a ring, a cross, a square outline\n"
    "and three blobs, at the corners) on an N x N grid with bilinear weights, as in Delon &\n"
    "Desolneux 2020, Fig. 4-5, into the PNG mosaic OUTPUT. One line per cell is printed: the\n"
    "weights, the number of components and the cost sum_j lambda_j MW2^2(barycenter, mu_j).\n"
    "\n"
    "Options (default in brackets):\n"
    "  --grid N        grid nodes per side, 2 to 20 [5]\n"
    "  --pixels P      pixels per cell side, 16 to 1024 [128]\n"
    "  --method M      exact = the multi-marginal LP (gmmot_mw2_barycenter_exact) [exact];\n"
    "                  fixed-point = the true fixed point (gmmot_mw2_barycenter_fixed_point),\n"
    "                  an approximation whose cost is >= the exact one\n"
    "  --threads T     worker threads, 0 = all cores [0]\n"
    "  -h, --help      print this help and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure (the message names the libgmmot call and the reason),\n"
    "2 bad command line.\n";

static int parse(int argc, char **argv, arguments *a) {
  static const arguments kDefaults = {.grid = 5, .pixels = 128};
  const char *arg, *value;
  int i;
  *a = kDefaults;
  for (i = 1; cli_arg(argc, argv, i, &arg, &value); ++i) {
    if (strcmp(arg, "--grid") == 0 || strcmp(arg, "--pixels") == 0 ||
        strcmp(arg, "--threads") == 0 || strcmp(arg, "--method") == 0) {
      if (value == NULL) return cli_usage("an option is missing its value");
      ++i;
      if (strcmp(arg, "--method") == 0) {
        if ((a->fixed_point = cli_choice(value, "exact", "fixed-point")) < 0)
          return cli_bad_value("--method", value, "exact or fixed-point");
      } else if (strcmp(arg, "--grid") == 0) {
        if ((a->grid = (int)cli_parse_range(value, 2, 20)) < 0)
          return cli_bad_value("--grid", value, "2 to 20");
      } else if (strcmp(arg, "--pixels") == 0) {
        if ((a->pixels = (int)cli_parse_range(value, 16, 1024)) < 0)
          return cli_bad_value("--pixels", value, "16 to 1024");
      } else if ((a->threads = (int)cli_parse_range(value, 0, 1024)) < 0) {
        return cli_bad_value("--threads", value, "0 to 1024");
      }
    } else if (arg[0] == '-' && arg[1] == '-') {
      return cli_unknown_option(arg);
    } else if (a->output == NULL) {
      a->output = arg;
    } else {
      return cli_usage("too many file arguments");
    }
  }
  return a->output != NULL ? 0 : cli_usage("OUTPUT is required");
}

/* ------------------------------------------------------------------ the four corners */
/* Shapes are drawn in [-1, 1]^2 from elongated Gaussians: one of variance `along` in the
 * direction angle, `across` orthogonally. */
static void elongated(double angle, double along, double across, double cov[4]) {
  const double c = cos(angle), s = sin(angle);
  cov[0] = along * c * c + across * s * s;
  cov[1] = cov[2] = (along - across) * c * s;
  cov[3] = along * s * s + across * c * c;
}

#define MAX_K 8

typedef struct {
  const char *name;
  size_t k;
  double w[MAX_K], m[2 * MAX_K], c[4 * MAX_K];
} shape;

#define PI 3.14159265358979323846

/* A shape of k equal arms around the centre: arm i points in the direction
 * a = step * i / div + a0, its mean at distance r from the centre, its covariance elongated
 * (variances along, across) in the direction a + turn. */
typedef struct {
  const char *name;
  size_t k;
  double r, step, div, a0, turn, along, across;
} arms;

static void draw_arms(const arms *p, shape *s) {
  size_t i;
  s->name = p->name;
  s->k = p->k;
  for (i = 0; i < s->k; ++i) {
    const double a = p->step * (double)i / p->div + p->a0;
    s->w[i] = 1.0 / (double)s->k;
    s->m[2 * i] = p->r * cos(a);
    s->m[2 * i + 1] = p->r * sin(a);
    elongated(a + p->turn, p->along, p->across, s->c + 4 * i);
  }
}

/* Corner 0 (top left): a ring of 6 arcs, each elongated along the circle. */
static void ring(shape *s) {
  static const arms ring6 = {"ring", 6, 0.55, 2.0 * PI, 6.0, 0.0, 0.5 * PI, 0.022, 0.0025};
  draw_arms(&ring6, s);
}

/* Corner 1 (top right): a cross, four arms from the centre on the diagonals (an X). */
static void cross(shape *s) {
  static const arms x4 = {"cross", 4, 0.36, 0.5 * PI, 1.0, 0.25 * PI, 0.0, 0.035, 0.003};
  draw_arms(&x4, s);
}

/* Corner 2 (bottom left): the outline of a square, four bars. */
static void square(shape *s) {
  static const arms bars4 = {"square", 4, 0.55, 0.5 * PI, 1.0, 0.0, 0.5 * PI, 0.07, 0.0025};
  draw_arms(&bars4, s);
}

/* Corner 3 (bottom right): three round blobs of unequal size and weight, a triangle. */
static void blobs(shape *s) {
  static const double m[6] = {0.0, 0.5, -0.45, -0.35, 0.45, -0.35};
  static const double w[3] = {0.4, 0.3, 0.3};
  static const double v[3] = {0.025, 0.012, 0.012};
  size_t i;
  s->name = "blobs";
  s->k = 3;
  for (i = 0; i < s->k; ++i) {
    s->w[i] = w[i];
    s->m[2 * i] = m[2 * i];
    s->m[2 * i + 1] = m[2 * i + 1];
    elongated(0.0, v[i], v[i], s->c + 4 * i);
  }
}

/* ------------------------------------------------------------------ rendering */
/* Density 0 (white) to 1 (dark blue), piecewise linear: the thresholded densities of Fig. 4
 * become the dark cores, the level sets the shades around them. */
static void colour(double v, double rgb[3]) {
  static const double stops[5][3] = {{1.0, 1.0, 1.0},
                                     {0.75, 0.85, 0.97},
                                     {0.35, 0.55, 0.85},
                                     {0.12, 0.25, 0.6},
                                     {0.03, 0.05, 0.25}};
  double t;
  size_t i, c;
  v = v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
  t = v * 4.0;
  i = (size_t)t;
  if (i >= 4) i = 3;
  t -= (double)i;
  for (c = 0; c < 3; ++c) rgb[c] = (1.0 - t) * stops[i][c] + t * stops[i + 1][c];
}

/* Draws the density of g over [-1, 1]^2 (y up) into the P x P cell at (x0, y0) of the mosaic,
 * scaled by its maximum over the cell so that every cell uses the whole colour range. */
static int render(const gmmot_gmm_t *g, const gmmot_options_t *opts, int pixels, double *points,
                  double *logd, double *mosaic, size_t width, size_t x0, size_t y0) {
  const size_t p = (size_t)pixels, n = p * p;
  size_t i, r, c;
  double top = -HUGE_VAL;
  int status;
  for (r = 0; r < p; ++r) {
    for (c = 0; c < p; ++c) {
      points[2 * (r * p + c)] = -1.0 + (2.0 * (double)c + 1.0) / (double)p;
      points[2 * (r * p + c) + 1] = 1.0 - (2.0 * (double)r + 1.0) / (double)p;
    }
  }
  if ((status = gmmot_gmm_log_density(g, n, points, opts, logd, n)) < 0)
    return cli_fail("gmmot_gmm_log_density", status);
  for (i = 0; i < n; ++i)
    if (logd[i] > top) top = logd[i];
  for (r = 0; r < p; ++r)
    for (c = 0; c < p; ++c)
      colour(exp(logd[r * p + c] - top), mosaic + 3 * ((y0 + r) * width + x0 + c));
  return 0;
}

/* ------------------------------------------------------------------ main */
int main(int argc, char **argv) {
  arguments a;
  shape corners[NCORNERS];
  gmmot_gmm_t *mu[NCORNERS] = {NULL, NULL, NULL, NULL};
  gmmot_options_t *opts = NULL;
  double *mosaic = NULL, *points = NULL, *logd = NULL;
  double t0, total_cost = 0.0;
  size_t width, height, i, max_components = 0;
  int status, rc = 1, row, col, warnings = 0;

  cli_init("gmmot-barycenter-grid", kUsage, kHelp);
  image_io_program = "gmmot-barycenter-grid";
  if (parse(argc, argv, &a) != 0) return 2;
  t0 = cli_now();
  ring(&corners[0]);
  cross(&corners[1]);
  square(&corners[2]);
  blobs(&corners[3]);
  for (i = 0; i < NCORNERS; ++i) {
    if ((status = gmmot_gmm_create(corners[i].k, 2, corners[i].w, corners[i].m, corners[i].c,
                                   &mu[i])) < 0) {
      rc = cli_fail("gmmot_gmm_create", status);
      goto done;
    }
  }
  if ((status = gmmot_options_create(&opts)) < 0) {
    rc = cli_fail("gmmot_options_create", status);
    goto done;
  }
  if ((status = gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, a.threads)) < 0) {
    rc = cli_fail("gmmot_options_set_int", status);
    goto done;
  }

  width = (size_t)a.grid * (size_t)a.pixels + (size_t)(a.grid + 1) * GAP;
  height = width;
  mosaic = (double *)malloc(width * height * 3 * sizeof(double));
  points = (double *)malloc((size_t)a.pixels * (size_t)a.pixels * 2 * sizeof(double));
  logd = (double *)malloc((size_t)a.pixels * (size_t)a.pixels * sizeof(double));
  if (mosaic == NULL || points == NULL || logd == NULL) {
    cli_out_of_memory();
    goto done;
  }
  for (i = 0; i < width * height * 3; ++i) mosaic[i] = 0.8; /* grey gaps between cells */

  printf(
      "# corners: 0 %s (K=%lu, top left), 1 %s (K=%lu, top right), 2 %s (K=%lu, bottom left),"
      " 3 %s (K=%lu, bottom right); method %s\n",
      corners[0].name, (unsigned long)corners[0].k, corners[1].name, (unsigned long)corners[1].k,
      corners[2].name, (unsigned long)corners[2].k, corners[3].name, (unsigned long)corners[3].k,
      a.fixed_point ? "fixed-point" : "exact");
  for (row = 0; row < a.grid; ++row) {
    for (col = 0; col < a.grid; ++col) {
      const double x = (double)col / (double)(a.grid - 1), y = (double)row / (double)(a.grid - 1);
      /* Bilinear weights: each corner's weight is 1 at its corner and 0 at the other three. */
      const double lambda[NCORNERS] = {(1.0 - x) * (1.0 - y), x * (1.0 - y), (1.0 - x) * y, x * y};
      gmmot_mw2_barycenter_t *b = NULL;
      gmmot_gmm_t *g = NULL;
      double cost = 0.0;
      size_t k;
      status = a.fixed_point
                   ? gmmot_mw2_barycenter_fixed_point((const gmmot_gmm_t *const *)mu, NCORNERS,
                                                      lambda, NCORNERS, NULL, opts, &b)
                   : gmmot_mw2_barycenter_exact((const gmmot_gmm_t *const *)mu, NCORNERS, lambda,
                                                NCORNERS, opts, &b);
      if (status < 0) {
        rc = cli_fail(
            a.fixed_point ? "gmmot_mw2_barycenter_fixed_point" : "gmmot_mw2_barycenter_exact",
            status);
        goto done;
      }
      if (status > 0) ++warnings; /* the fixed point's iteration cap: the last iterate is kept */
      gmmot_mw2_barycenter_cost(b, &cost);
      k = gmmot_mw2_barycenter_components(b);
      status = gmmot_mw2_barycenter_gmm(b, &g);
      gmmot_mw2_barycenter_destroy(b);
      if (status < 0) {
        rc = cli_fail("gmmot_mw2_barycenter_gmm", status);
        goto done;
      }
      printf("cell row=%d col=%d lambda=(%.4f,%.4f,%.4f,%.4f) components=%lu cost=%.10g\n", row,
             col, lambda[0], lambda[1], lambda[2], lambda[3], (unsigned long)k, cost);
      total_cost += cost;
      if (k > max_components) max_components = k;
      status = render(g, opts, a.pixels, points, logd, mosaic, width,
                      GAP + (size_t)col * (size_t)(a.pixels + GAP),
                      GAP + (size_t)row * (size_t)(a.pixels + GAP));
      gmmot_gmm_destroy(g);
      if (status != 0) goto done;
    }
  }
  if (save_rgb_png(a.output, width, height, mosaic) != 0) goto done;
  if (warnings > 0)
    printf("# %d cell(s) stopped at the fixed point's iteration cap (GMMOT_W_NOT_CONVERGED)\n",
           warnings);
  printf(
      "case=barycenter_grid impl=libgmmot n=grid%d_J4_d2 seconds=%.6e "
      "extra=method:%s;max_components:%lu;sum_cost:%.10g;image:%lux%lu;output:%s\n",
      a.grid, cli_now() - t0, a.fixed_point ? "fixed-point" : "exact",
      (unsigned long)max_components, total_cost, (unsigned long)width, (unsigned long)height,
      a.output);
  rc = 0;

done:
  free(mosaic);
  free(points);
  free(logd);
  for (i = 0; i < NCORNERS; ++i) gmmot_gmm_destroy(mu[i]);
  gmmot_options_destroy(opts);
  return rc;
}
