/* SPDX-License-Identifier: MIT */
/* Test helper for the colour-transfer example (run by ctest after it): the output must be a
 * readable PNG of the (shrunk) source's size whose colour statistics moved toward the target's:
 * the distance between mean colours and between per-channel standard deviations must shrink.
 * Usage: check_colour_transfer SOURCE TARGET OUTPUT SHRINK */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "image_io.h"

static void stats(const rgb_image *img, double mean[3], double sd[3]) {
  const size_t n = img->width * img->height;
  size_t i, c;
  for (c = 0; c < 3; ++c) {
    double s = 0.0, q = 0.0;
    for (i = 0; i < n; ++i) s += img->rgb[3 * i + c];
    mean[c] = s / (double)n;
    for (i = 0; i < n; ++i) q += (img->rgb[3 * i + c] - mean[c]) * (img->rgb[3 * i + c] - mean[c]);
    sd[c] = sqrt(q / (double)n);
  }
}

static double distance(const double a[3], const double b[3]) {
  return sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) +
              (a[2] - b[2]) * (a[2] - b[2]));
}

int main(int argc, char **argv) {
  rgb_image src = {0, 0, NULL}, tgt = {0, 0, NULL}, out = {0, 0, NULL};
  double ms[3], ss[3], mt[3], st[3], mo[3], so[3];
  int shrink, ok;
  if (argc != 5) {
    fprintf(stderr, "usage: check_colour_transfer SOURCE TARGET OUTPUT SHRINK\n");
    return 2;
  }
  shrink = atoi(argv[4]);
  if (load_rgb(argv[1], shrink, &src) != 0 || load_rgb(argv[2], shrink, &tgt) != 0 ||
      load_rgb(argv[3], 1, &out) != 0)
    return 1;
  if (out.width != src.width || out.height != src.height) {
    fprintf(stderr, "output is %lux%lu, source %lux%lu\n", (unsigned long)out.width,
            (unsigned long)out.height, (unsigned long)src.width, (unsigned long)src.height);
    return 1;
  }
  stats(&src, ms, ss);
  stats(&tgt, mt, st);
  stats(&out, mo, so);
  printf("mean colour distance to target: source %.4f, output %.4f\n", distance(ms, mt),
         distance(mo, mt));
  printf("colour spread distance to target: source %.4f, output %.4f\n", distance(ss, st),
         distance(so, st));
  ok = distance(mo, mt) < 0.5 * distance(ms, mt) && distance(so, st) < distance(ss, st);
  free_rgb(&src);
  free_rgb(&tgt);
  free_rgb(&out);
  if (!ok) fprintf(stderr, "the output's colour statistics did not move toward the target's\n");
  return ok ? 0 : 1;
}
