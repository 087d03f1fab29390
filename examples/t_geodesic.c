/* SPDX-License-Identifier: MIT */
/* Example: the MW2 geodesic between two 1-D mixtures of Student-t distributions with nu = 3,
 * after Fig. 3 of D. Meunier, "Review. A Wasserstein-type distance in the space of Gaussian
 * Mixture Models" (a review of Delon & Desolneux 2020), section 3.1: the interpolation between two
 * t-mixtures, with the same means and covariances as two Gaussian mixtures, is computed exactly as
 * for the Gaussian mixtures; only the densities differ.
 *
 * The mixtures are those of Delon & Desolneux 2020, section 4.3 (the 1-D example whose code the
 * report adapted), as t components of nu = 3 with the same means and covariances:
 *   mu0 = 0.3 t3(0.2, var 0.03^2) + 0.7 t3(0.4, var 0.04^2),
 *   mu1 = 0.6 t3(0.6, var 0.06^2) + 0.4 t3(0.8, var 0.07^2),
 * each scale being var (nu - 2) / nu (gmmot_gmm_create_t takes scales).
 *
 * Output: a PNG of five stacked panels, t = 0, 0.2, 0.5, 0.8, 1 from top to bottom: the t-mixture
 * geodesic density (thick, one colour per t: dark red, orange, green, blue, purple) over the
 * Gaussian geodesic of the same covariances (thin, light grey), x in [0, 1], y from 0 to the
 * panel's largest value. On stdout: MW2, then per t its number of components, the mass of the
 * density on a fine grid of [-4, 5] (1 up to the grid and the tails beyond it, below 1e-4), its
 * largest value and where, and the Gaussian geodesic's largest value.
 *
 * Usage: gmmot-t-geodesic [OUTPUT.png (default t_geodesic.png)] [--pixels W (default 800)]
 * (--help: the usage and the options on stdout, exit status 0; docs/man/gmmot-t-geodesic.1.)
 * Public API only (gmmot/gmmot.h), C99; PNG writing through image_io.c (stb). */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_cli.h"
#include "image_io.h"

#define NT 5
#define MARGIN 10
#define NU 3.0
#define FINE 90001 /* the mass grid on [-4, 5], step 1e-4 */

static const double kT[NT] = {0.0, 0.2, 0.5, 0.8, 1.0};
static const double kColour[NT][3] = {
    {0.7, 0.0, 0.0}, {0.9, 0.45, 0.0}, {0.0, 0.55, 0.0}, {0.0, 0.3, 0.85}, {0.55, 0.0, 0.65}};
static const double kGrey[3] = {0.72, 0.72, 0.72}, kFrame[3] = {0.45, 0.45, 0.45};

static const double kW0[2] = {0.3, 0.7}, kM0[2] = {0.2, 0.4}, kV0[2] = {0.03 * 0.03, 0.04 * 0.04};
static const double kW1[2] = {0.6, 0.4}, kM1[2] = {0.6, 0.8}, kV1[2] = {0.06 * 0.06, 0.07 * 0.07};

static const char kUsage[] = "usage: gmmot-t-geodesic [OUTPUT.png] [--pixels W]\n";

static const char kHelp[] =
    "\n"
    "The MW2 geodesic between two 1-D mixtures of Student-t distributions with nu = 3 (D.\n"
    "Meunier's review of Delon & Desolneux 2020, section 3.1 and Fig. 3), at t = 0, 0.2, 0.5,\n"
    "0.8 and 1: five stacked panels of the t-mixture densities (coloured) over the Gaussian\n"
    "geodesic with the same covariances (grey), written to the PNG OUTPUT. Prints MW2 and, per\n"
    "t, the density's mass on a fine grid and its largest value.\n"
    "\n"
    "Options (default in brackets):\n"
    "  OUTPUT.png      the PNG to write [t_geodesic.png]\n"
    "  --pixels W      width of a panel in pixels, 100 to 4000; its height is W / 4 [800]\n"
    "  -h, --help      print this help and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure (the message names the libgmmot call and the reason),\n"
    "2 bad command line.\n";

/* The two endpoints in family nu (nu = 0: Gaussian), from their means and variances. */
static int endpoints(double nu, gmmot_gmm_t **g0, gmmot_gmm_t **g1) {
  double s0[2], s1[2];
  int i;
  if (nu == 0)
    return cli_report(gmmot_gmm_create(2, 1, kW0, kM0, kV0, g0), "gmmot_gmm_create") ||
           cli_report(gmmot_gmm_create(2, 1, kW1, kM1, kV1, g1), "gmmot_gmm_create");
  for (i = 0; i < 2; ++i) {
    s0[i] = kV0[i] * (nu - 2) / nu;
    s1[i] = kV1[i] * (nu - 2) / nu;
  }
  return cli_report(gmmot_gmm_create_t(2, 1, nu, kW0, kM0, s0, g0), "gmmot_gmm_create_t") ||
         cli_report(gmmot_gmm_create_t(2, 1, nu, kW1, kM1, s1, g1), "gmmot_gmm_create_t");
}

static void blend(double *rgb, size_t width, size_t x, size_t y, const double col[3]) {
  double *p = rgb + 3 * (y * width + x);
  int c;
  for (c = 0; c < 3; ++c) p[c] = col[c];
}

/* A line segment of half-thickness `half` pixels in panel coordinates (y downwards). */
static void line(double *rgb, size_t width, size_t ox, size_t oy, size_t pw, size_t ph, double x0,
                 double y0, double x1, double y1, int half, const double col[3]) {
  const int steps = (int)(fabs(x1 - x0) + fabs(y1 - y0)) * 2 + 2;
  int s, dx, dy;
  for (s = 0; s <= steps; ++s) {
    const double t = (double)s / steps, x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);
    for (dx = -half; dx <= half; ++dx)
      for (dy = -half; dy <= half; ++dy) {
        const double px = floor(x + 0.5) + dx, py = floor(y + 0.5) + dy;
        if (px < 0 || py < 0 || px >= (double)pw || py >= (double)ph) continue;
        blend(rgb, width, ox + (size_t)px, oy + (size_t)py, col);
      }
  }
}

/* exp of the log-density of g at the n points x into d. */
static int density(const gmmot_gmm_t *g, size_t n, const double *x, double *d) {
  size_t i;
  if (cli_report(gmmot_gmm_log_density(g, n, x, NULL, d, n), "gmmot_gmm_log_density")) return 1;
  for (i = 0; i < n; ++i) d[i] = exp(d[i]);
  return 0;
}

int main(int argc, char **argv) {
  const char *out_path = "t_geodesic.png";
  long long pixels = 800;
  size_t pw, ph, width, height, i, x;
  gmmot_gmm_t *t0 = NULL, *t1 = NULL, *n0 = NULL, *n1 = NULL;
  gmmot_mw2_t *pt = NULL, *pn = NULL;
  double *rgb = NULL, *grid = NULL, *dt = NULL, *dn = NULL, *fine = NULL, *df = NULL, sq = 0;
  int bad, k;
  cli_init("gmmot-t-geodesic", kUsage, kHelp);
  if (cli_output_and_int(argc, argv, &out_path, "--pixels", 100, 4000,
                         "an integer from 100 to 4000", &pixels) != 0)
    return 2;
  pw = (size_t)pixels;
  ph = pw / 4;
  width = pw + 2 * MARGIN;
  height = NT * ph + (NT + 1) * MARGIN;
  rgb = malloc(width * height * 3 * sizeof *rgb);
  grid = malloc(pw * sizeof *grid);
  dt = malloc(pw * sizeof *dt);
  dn = malloc(pw * sizeof *dn);
  fine = malloc(FINE * sizeof *fine);
  df = malloc(FINE * sizeof *df);
  if (rgb == NULL || grid == NULL || dt == NULL || dn == NULL || fine == NULL || df == NULL) {
    return cli_out_of_memory();
  }
  for (i = 0; i < width * height * 3; ++i) rgb[i] = 1.0;
  for (x = 0; x < pw; ++x) grid[x] = ((double)x + 0.5) / (double)pw;
  for (i = 0; i < FINE; ++i) fine[i] = -4.0 + 9.0 * (double)i / (FINE - 1);

  /* The same MW2 problem twice: t components (nu = 3) and Gaussians of the same covariances.
   * MW2 depends on the covariances only, so the plans agree; the geodesics differ in family. */
  bad = endpoints(NU, &t0, &t1) || endpoints(0, &n0, &n1) ||
        cli_report(gmmot_mw2_create(t0, t1, NULL, &pt), "gmmot_mw2_create") ||
        cli_report(gmmot_mw2_create(n0, n1, NULL, &pn), "gmmot_mw2_create") ||
        cli_report(gmmot_mw2_distance(pt, &sq, NULL), "gmmot_mw2_distance");
  if (!bad) {
    printf("gmmot-t-geodesic: MW2 geodesic between two 1-D t-mixtures, nu = %g; MW2 = %.6g\n", NU,
           sqrt(sq));
    printf("%-5s %-10s %-12s %-12s %-10s %-12s\n", "t", "components", "mass", "max", "argmax",
           "gauss_max");
  }
  for (k = 0; k < NT && !bad; ++k) {
    gmmot_gmm_t *gt = NULL, *gn = NULL;
    double ymax = 0, mass = 0, top = 0, at = 0, gtop = 0;
    const size_t ox = MARGIN, oy = MARGIN + (size_t)k * (ph + MARGIN);
    bad = cli_report(gmmot_mw2_geodesic(pt, kT[k], &gt), "gmmot_mw2_geodesic") ||
          cli_report(gmmot_mw2_geodesic(pn, kT[k], &gn), "gmmot_mw2_geodesic") ||
          density(gt, pw, grid, dt) || density(gn, pw, grid, dn) || density(gt, FINE, fine, df);
    if (!bad) {
      /* Trapezoid rule on the fine grid; the largest value and where. */
      for (i = 0; i < FINE; ++i) {
        mass += (i == 0 || i == FINE - 1 ? 0.5 : 1.0) * df[i] * (9.0 / (FINE - 1));
        if (df[i] > top) top = df[i], at = fine[i];
      }
      for (x = 0; x < pw; ++x) {
        if (dt[x] > ymax) ymax = dt[x];
        if (dn[x] > ymax) ymax = dn[x];
        if (dn[x] > gtop) gtop = dn[x];
      }
      ymax *= 1.05;
      printf("%-5.2g %-10zu %-12.8f %-12.6g %-10.4f %-12.6g\n", kT[k], gmmot_gmm_ncomponents(gt),
             mass, top, at, gtop);
      for (x = 0; x < pw; ++x) {
        blend(rgb, width, ox + x, oy, kFrame);
        blend(rgb, width, ox + x, oy + ph - 1, kFrame);
      }
      for (i = 0; i < ph; ++i) {
        blend(rgb, width, ox, oy + i, kFrame);
        blend(rgb, width, ox + pw - 1, oy + i, kFrame);
      }
      /* Pixel row of value v: ph - 1 - v / ymax * ph (0 at the panel's bottom edge). */
      for (x = 1; x < pw; ++x)
        line(rgb, width, ox, oy, pw, ph, (double)x - 1, (double)ph - 1 - dn[x - 1] / ymax * ph,
             (double)x, (double)ph - 1 - dn[x] / ymax * ph, 0, kGrey);
      for (x = 1; x < pw; ++x)
        line(rgb, width, ox, oy, pw, ph, (double)x - 1, (double)ph - 1 - dt[x - 1] / ymax * ph,
             (double)x, (double)ph - 1 - dt[x] / ymax * ph, 1, kColour[k]);
    }
    gmmot_gmm_destroy(gt);
    gmmot_gmm_destroy(gn);
  }
  if (!bad) {
    bad = save_rgb_png(out_path, width, height, rgb) != 0;
    if (!bad)
      printf(
          "wrote %s (%zux%zu): t = 0, 0.2, 0.5, 0.8, 1 from top to bottom; coloured: the "
          "t-mixture (nu = 3), grey: the Gaussian mixture of the same covariances\n",
          out_path, width, height);
  }
  gmmot_mw2_destroy(pt);
  gmmot_mw2_destroy(pn);
  gmmot_gmm_destroy(t0);
  gmmot_gmm_destroy(t1);
  gmmot_gmm_destroy(n0);
  gmmot_gmm_destroy(n1);
  free(rgb);
  free(grid);
  free(dt);
  free(dn);
  free(fine);
  free(df);
  return bad;
}
