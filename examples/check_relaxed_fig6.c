/* SPDX-License-Identifier: MIT */
/* Test helper for the relaxed_fig6 example (run by ctest after it): the output must be a
 * readable PNG of the expected size (3 x 2 panels) in which the four plot colours all appear:
 * both histograms (nu0 light red, nu1 light blue) and both fitted marginal densities (P0#gamma
 * dark red, P1#gamma dark blue), so a blank or half-drawn figure fails.
 * Usage: check_relaxed_fig6 OUTPUT.png */
#include <math.h>
#include <stdio.h>

#include "image_io.h"

/* 3 * 400 + 4 * 12 by 2 * 260 + 3 * 12 (relaxed_fig6.c's layout). */
#define EXPECTED_W 1248
#define EXPECTED_H 556

static int near(const double *p, double r, double g, double b) {
  return fabs(p[0] - r) < 0.03 && fabs(p[1] - g) < 0.03 && fabs(p[2] - b) < 0.03;
}

int main(int argc, char **argv) {
  rgb_image img = {0, 0, NULL};
  size_t i, n, hist0 = 0, hist1 = 0, curve0 = 0, curve1 = 0;
  int ok;
  if (argc != 2) {
    fputs("usage: check_relaxed_fig6 OUTPUT.png\n", stderr);
    return 2;
  }
  if (load_rgb(argv[1], 1, &img) != 0) return 1;
  n = img.width * img.height;
  for (i = 0; i < n; ++i) {
    const double *p = img.rgb + 3 * i;
    /* The bar colours blended at alpha 0.45 over white; the curves are opaque. */
    hist0 += near(p, 0.55 + 0.45 * 0.95, 0.55 + 0.45 * 0.35, 0.55 + 0.45 * 0.35);
    hist1 += near(p, 0.55 + 0.45 * 0.35, 0.55 + 0.45 * 0.5, 0.55 + 0.45 * 0.95);
    curve0 += near(p, 0.6, 0.0, 0.0);
    curve1 += near(p, 0.0, 0.0, 0.6);
  }
  ok = img.width == EXPECTED_W && img.height == EXPECTED_H && hist0 > 1000 && hist1 > 1000 &&
       curve0 > 1000 && curve1 > 1000;
  printf(
      "check_relaxed_fig6: %zux%zu, pixels: nu0 bars %zu, nu1 bars %zu, P0 curve %zu, "
      "P1 curve %zu: %s\n",
      img.width, img.height, hist0, hist1, curve0, curve1, ok ? "ok" : "FAILED");
  free_rgb(&img);
  return ok ? 0 : 1;
}
