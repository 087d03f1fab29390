/* SPDX-License-Identifier: MIT */
/* Test helper for the barycenter examples (run by ctest after them): FILE must be a readable
 * PNG of WIDTH x HEIGHT pixels that is not a single flat colour (a program that wrote an empty
 * or failed mosaic would leave one).
 * Usage: check_png FILE WIDTH HEIGHT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "image_io.h"

int main(int argc, char **argv) {
  rgb_image img = {0, 0, NULL};
  unsigned long w, h;
  size_t i, n;
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  if (argc != 4) {
    fprintf(stderr, "usage: check_png FILE WIDTH HEIGHT\n");
    return 2;
  }
  w = strtoul(argv[2], NULL, 10);
  h = strtoul(argv[3], NULL, 10);
  if (load_rgb(argv[1], 1, &img) != 0) return 1;
  if (img.width != w || img.height != h) {
    fprintf(stderr, "%s is %lux%lu, expected %lux%lu\n", argv[1], (unsigned long)img.width,
            (unsigned long)img.height, w, h);
    free_rgb(&img);
    return 1;
  }
  n = img.width * img.height * 3;
  for (i = 0; i < n; ++i) {
    if (img.rgb[i] < lo) lo = img.rgb[i];
    if (img.rgb[i] > hi) hi = img.rgb[i];
  }
  free_rgb(&img);
  printf("%s: %lux%lu, values in [%.3f, %.3f]\n", argv[1], w, h, lo, hi);
  if (hi - lo < 0.1) {
    fprintf(stderr, "%s is (nearly) one flat colour\n", argv[1]);
    return 1;
  }
  return 0;
}
