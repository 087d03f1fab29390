/* SPDX-License-Identifier: MIT */
/* Test helper for the gmmot-t-geodesic example (run by ctest after it), given the PNG and the
 * panel width it was drawn with:
 *  1. the PNG has the layout's size (W + 20 by 5 W/4 + 60);
 *  2. the geodesic mixtures, recomputed through the library, are in the t family with nu = 3,
 *     and their log-densities equal an independent closed form (1-D geodesic of the plan:
 *     weights w_kl, means (1-t) m_k + t m_l, standard deviations (1-t) s_k + t s_l; the t_3
 *     density written out with its Gamma constants) to 1e-12;
 *  3. each density integrates to 1 within 1e-3 (trapezoid rule on [-4, 5], step 1e-4);
 *  4. each panel's coloured curve is drawn where that density puts it: in at least 97% of the
 *     columns x the panel's colour is present and only between the expected rows of columns
 *     x - 2 .. x + 2 (the thick segments drawn from the neighbours reach that far) widened by
 *     2 pixels, the expected row of column x being ph - 1 - density(x) / ymax * ph.
 * Usage: check_t_geodesic OUTPUT.png W */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "image_io.h"

#define NT 5
#define MARGIN 10
#define NU 3.0

static const double kT[NT] = {0.0, 0.2, 0.5, 0.8, 1.0};
static const double kColour[NT][3] = {
    {0.7, 0.0, 0.0}, {0.9, 0.45, 0.0}, {0.0, 0.55, 0.0}, {0.0, 0.3, 0.85}, {0.55, 0.0, 0.65}};
static const double kW0[2] = {0.3, 0.7}, kM0[2] = {0.2, 0.4}, kSd0[2] = {0.03, 0.04};
static const double kW1[2] = {0.6, 0.4}, kM1[2] = {0.6, 0.8}, kSd1[2] = {0.06, 0.07};

/* t_3(x; m, scale s^2 / 3) for standard deviation s: Gamma(2) / (Gamma(3/2) sqrt(3 pi)) / c
 * (1 + z^2 / 3)^-2 with c = s / sqrt(3) and z = (x - m) / c; Gamma(3/2) = sqrt(pi) / 2. */
static double t3(double x, double m, double sd) {
  const double c = sd / sqrt(3.0), z = (x - m) / c;
  const double k = 2.0 / (sqrt(M_PI) * sqrt(3.0 * M_PI));
  return k / c / ((1 + z * z / 3) * (1 + z * z / 3));
}

static int fail(const char *what, int status) {
  fprintf(stderr, "check_t_geodesic: %s: %s: %s\n", what, gmmot_status_string(status),
          gmmot_last_error_message());
  return 1;
}

static int near(const double *p, const double c[3]) {
  return fabs(p[0] - c[0]) < 0.03 && fabs(p[1] - c[1]) < 0.03 && fabs(p[2] - c[2]) < 0.03;
}

int main(int argc, char **argv) {
  rgb_image img = {0, 0, NULL};
  gmmot_gmm_t *g0 = NULL, *g1 = NULL;
  gmmot_mw2_t *p = NULL;
  size_t pw, ph, rows[4], cols[4], nnz, x, y, i;
  double mass_w[4], s0[2], s1[2];
  int ok = 1, k, st;
  if (argc != 3 || atoi(argv[2]) < 100) {
    fputs("usage: check_t_geodesic OUTPUT.png W\n", stderr);
    return 2;
  }
  pw = (size_t)atoi(argv[2]);
  ph = pw / 4;
  if (load_rgb(argv[1], 1, &img) != 0) return 1;
  if (img.width != pw + 2 * MARGIN || img.height != NT * ph + (NT + 1) * MARGIN) {
    printf("check_t_geodesic: %zux%zu, expected %zux%zu: FAILED\n", img.width, img.height,
           pw + 2 * MARGIN, NT * ph + (NT + 1) * MARGIN);
    free_rgb(&img);
    return 1;
  }
  for (i = 0; i < 2; ++i) {
    s0[i] = kSd0[i] * kSd0[i] / 3.0;
    s1[i] = kSd1[i] * kSd1[i] / 3.0;
  }
  if ((st = gmmot_gmm_create_t(2, 1, NU, kW0, kM0, s0, &g0)) < 0) return fail("create_t", st);
  if ((st = gmmot_gmm_create_t(2, 1, NU, kW1, kM1, s1, &g1)) < 0) return fail("create_t", st);
  if ((st = gmmot_mw2_create(g0, g1, NULL, &p)) < 0) return fail("mw2_create", st);
  nnz = gmmot_mw2_nnz(p);
  if (nnz > 4 || (st = gmmot_mw2_copy_sparse_plan(p, rows, cols, mass_w, 4)) < 0)
    return fail("copy_sparse_plan", st);
  for (k = 0; k < NT; ++k) {
    const double t = kT[k];
    const size_t oy = MARGIN + (size_t)k * (ph + MARGIN);
    gmmot_gmm_t *g = NULL;
    double *fine = malloc(90001 * sizeof *fine), *lf = malloc(90001 * sizeof *lf);
    double *grid = malloc(pw * sizeof *grid), *dg = malloc(pw * sizeof *dg), *dn = NULL;
    double mass = 0, worst = 0, ymax = 0, nu = 0;
    size_t usable = 0, good = 0;
    int family = -1;
    if (fine == NULL || lf == NULL || grid == NULL || dg == NULL) return 1;
    if ((st = gmmot_mw2_geodesic(p, t, &g)) < 0) return fail("mw2_geodesic", st);
    gmmot_gmm_get_family(g, &family, &nu);
    ok &= family == GMMOT_FAMILY_STUDENT_T && nu == NU;
    for (i = 0; i < 90001; ++i) fine[i] = -4.0 + 9.0 * (double)i / 90000.0;
    if ((st = gmmot_gmm_log_density(g, 90001, fine, NULL, lf, 90001)) < 0)
      return fail("log_density", st);
    for (i = 0; i < 90001; ++i) {
      double ref = 0;
      size_t e;
      for (e = 0; e < nnz; ++e)
        ref += mass_w[e] * t3(fine[i], (1 - t) * kM0[rows[e]] + t * kM1[cols[e]],
                              (1 - t) * kSd0[rows[e]] + t * kSd1[cols[e]]);
      if (ref > 1e-200) worst = fmax(worst, fabs(exp(lf[i]) - ref) / ref);
      mass += (i == 0 || i == 90000 ? 0.5 : 1.0) * exp(lf[i]) * 1e-4;
    }
    /* The drawn curve: expected rows from the library's densities on the pixel grid (checked
     * against the closed form above), scaled as the program scales (1.05 x the largest of the
     * t and the Gaussian geodesic of the same covariances). */
    for (x = 0; x < pw; ++x) grid[x] = ((double)x + 0.5) / (double)pw;
    gmmot_gmm_log_density(g, pw, grid, NULL, dg, pw);
    {
      gmmot_gmm_t *n0 = NULL, *n1 = NULL, *gn = NULL;
      gmmot_mw2_t *pn = NULL;
      double v0[2], v1[2];
      for (i = 0; i < 2; ++i) v0[i] = kSd0[i] * kSd0[i], v1[i] = kSd1[i] * kSd1[i];
      dn = malloc(pw * sizeof *dn);
      if (dn == NULL || gmmot_gmm_create(2, 1, kW0, kM0, v0, &n0) < 0 ||
          gmmot_gmm_create(2, 1, kW1, kM1, v1, &n1) < 0 ||
          gmmot_mw2_create(n0, n1, NULL, &pn) < 0 || gmmot_mw2_geodesic(pn, t, &gn) < 0 ||
          gmmot_gmm_log_density(gn, pw, grid, NULL, dn, pw) < 0)
        return fail("the Gaussian geodesic", -99);
      gmmot_gmm_destroy(gn);
      gmmot_mw2_destroy(pn);
      gmmot_gmm_destroy(n0);
      gmmot_gmm_destroy(n1);
    }
    for (x = 0; x < pw; ++x) {
      dg[x] = exp(dg[x]);
      ymax = fmax(ymax, fmax(dg[x], exp(dn[x])));
    }
    ymax *= 1.05;
    for (x = 2; x + 2 < pw; ++x) {
      double lo = HUGE_VAL, hi = -HUGE_VAL;
      size_t count = 0, outside = 0, q;
      for (q = x - 2; q <= x + 2; ++q) {
        const double yq = (double)ph - 1 - dg[q] / ymax * ph;
        lo = fmin(lo, yq - 2);
        hi = fmax(hi, yq + 2);
      }
      for (y = 0; y < ph; ++y) {
        if (near(img.rgb + 3 * ((oy + y) * img.width + MARGIN + x), kColour[k])) {
          ++count;
          outside += (double)y < lo || (double)y > hi;
        }
      }
      ++usable;
      if (count > 0 && outside == 0) ++good;
    }
    {
      const int this_ok = family == GMMOT_FAMILY_STUDENT_T && worst <= 1e-12 &&
                          fabs(mass - 1) <= 1e-3 && usable > 0 &&
                          (double)good >= 0.97 * (double)usable;
      printf(
          "check_t_geodesic: t = %.1f: family %s nu %g, closed form %.2e, mass %.6f, curve at "
          "%zu of %zu columns: %s\n",
          t, family == GMMOT_FAMILY_STUDENT_T ? "t" : "?", nu, worst, mass, good, usable,
          this_ok ? "ok" : "FAILED");
      ok &= this_ok;
    }
    gmmot_gmm_destroy(g);
    free(fine);
    free(lf);
    free(grid);
    free(dg);
    free(dn);
  }
  gmmot_mw2_destroy(p);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  printf("check_t_geodesic: %zux%zu: %s\n", img.width, img.height, ok ? "ok" : "FAILED");
  free_rgb(&img);
  return ok ? 0 : 1;
}
