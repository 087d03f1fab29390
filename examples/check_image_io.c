/* SPDX-License-Identifier: MIT */
/* Test of the example programs' image files (image_io.c, ctest example_image_io): a PNG read,
 * written by save_rgb_png (the multithreaded level-1 encoder where zlib is available) and read
 * again must give the same pixels; and a JPEG must decode to the size and mean colour that
 * stb_image (an independent decoder) gives, within a level (IDCTs differ in rounding).
 * Usage: check_image_io IMAGE.png IMAGE.jpg WORK.png */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define STBI_ONLY_JPEG
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#include "image_io.h"

int main(int argc, char **argv) {
  rgb_image a = {0, 0, NULL}, b = {0, 0, NULL}, j = {0, 0, NULL};
  size_t i, n, differ = 0;
  int w, h, c, ok = 1;
  unsigned char *ref;
  double mean_ours = 0.0, mean_stb = 0.0;
  if (argc != 4) {
    fprintf(stderr, "usage: check_image_io IMAGE.png IMAGE.jpg WORK.png\n");
    return 2;
  }
  if (load_rgb(argv[1], 1, &a) != 0 || save_rgb_png(argv[3], a.width, a.height, a.rgb) != 0 ||
      load_rgb(argv[3], 1, &b) != 0)
    return 1;
  n = a.width * a.height * 3;
  if (b.width != a.width || b.height != a.height) {
    fprintf(stderr, "the written PNG is %lux%lu, not %lux%lu\n", (unsigned long)b.width,
            (unsigned long)b.height, (unsigned long)a.width, (unsigned long)a.height);
    return 1;
  }
  for (i = 0; i < n; ++i) differ += a.rgb[i] != b.rgb[i];
  printf("PNG round trip: %lu of %lu values differ\n", (unsigned long)differ, (unsigned long)n);
  ok &= differ == 0;
  if (load_rgb(argv[2], 1, &j) != 0) return 1;
  ref = stbi_load(argv[2], &w, &h, &c, 3);
  if (ref == NULL || (size_t)w != j.width || (size_t)h != j.height) {
    fprintf(stderr, "the JPEG decoders disagree on the size\n");
    return 1;
  }
  for (i = 0; i < j.width * j.height * 3; ++i) mean_ours += j.rgb[i], mean_stb += ref[i] / 255.0;
  mean_ours /= (double)(j.width * j.height * 3);
  mean_stb /= (double)(j.width * j.height * 3);
  printf("JPEG mean value: %.5f, stb_image %.5f\n", mean_ours, mean_stb);
  ok &= fabs(mean_ours - mean_stb) < 1.0 / 255.0;
  stbi_image_free(ref);
  free_rgb(&a);
  free_rgb(&b);
  free_rgb(&j);
  return ok ? 0 : 1;
}
