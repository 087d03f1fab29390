/* SPDX-License-Identifier: MIT */
/* Test of the example programs' image files (image_io.c, ctest example_image_io): a PNG read,
 * written by save_rgb_png (the multithreaded level-1 encoder where zlib is available) and read
 * again must give the same pixels; and a JPEG must decode to the size and mean colour that
 * stb_image (an independent decoder) gives, within a level (IDCTs differ in rounding). Corrupt
 * files (the two cut short, or with their data overwritten) must be refused with a message,
 * never decoded into an image that is not the file's. load_rgb_pair (the JPEG converted while
 * it decodes, the other file read on another thread) must give load_rgb's images bit for bit,
 * and refuse the corrupt files too.
 * Usage: check_image_io IMAGE.png IMAGE.jpg WORK.png */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STBI_ONLY_JPEG
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#include "image_io.h"

/* Writes the first `keep` bytes of `path` to `work`, overwriting 64 bytes from `from` (when
 * from < keep) with 0x5A: a file cut short or with damaged data. 0 when written. */
static int corrupt_copy(const char *path, const char *work, long keep, long from) {
  FILE *in = fopen(path, "rb"), *out;
  unsigned char *buf;
  long n, i;
  if (in == NULL) return 1;
  buf = (unsigned char *)malloc((size_t)keep);
  n = buf == NULL ? 0 : (long)fread(buf, 1, (size_t)keep, in);
  fclose(in);
  for (i = from; i < from + 64 && i < n; ++i) buf[i] = 0x5A;
  out = n > 0 ? fopen(work, "wb") : NULL;
  if (out != NULL) {
    n = (long)fwrite(buf, 1, (size_t)n, out) == n ? 0 : 1;
    n |= fclose(out) != 0;
  } else {
    n = 1;
  }
  free(buf);
  return (int)n;
}

static long file_size(const char *path) {
  FILE *f = fopen(path, "rb");
  long n;
  if (f == NULL) return 0;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fclose(f);
  return n;
}

/* 1 when load_rgb refuses the corrupt copy (and leaves out->rgb NULL), 0 otherwise. */
/* And load_rgb_pair refuses it as the first file (other: a good second file), leaving both
 * images empty. */
static int refused(const char *path, const char *work, long keep, long from, const char *what,
                   const char *other) {
  rgb_image img = {0, 0, NULL}, second = {0, 0, NULL};
  if (corrupt_copy(path, work, keep, from) != 0) {
    fprintf(stderr, "cannot write %s\n", work);
    return 0;
  }
  if (load_rgb(work, 1, &img) == 0) {
    fprintf(stderr, "%s (%s) was decoded to a %lux%lu image instead of being refused\n", what, work,
            (unsigned long)img.width, (unsigned long)img.height);
    free_rgb(&img);
    return 0;
  }
  if (load_rgb_pair(work, other, 1, &img, &second) == 0 || img.rgb != NULL || second.rgb != NULL) {
    fprintf(stderr, "%s (%s) was not refused by load_rgb_pair\n", what, work);
    free_rgb(&img);
    free_rgb(&second);
    return 0;
  }
  printf("%s: refused\n", what);
  return 1;
}

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
  {
    /* load_rgb_pair: both orders, the same bits as load_rgb. */
    rgb_image p = {0, 0, NULL}, q = {0, 0, NULL};
    int same;
    if (load_rgb_pair(argv[2], argv[1], 1, &p, &q) != 0) return 1;
    same = p.width == j.width && p.height == j.height && q.width == a.width &&
           q.height == a.height &&
           memcmp(p.rgb, j.rgb, j.width * j.height * 3 * sizeof(double)) == 0 &&
           memcmp(q.rgb, a.rgb, n * sizeof(double)) == 0;
    free_rgb(&p);
    free_rgb(&q);
    if (same && load_rgb_pair(argv[1], argv[2], 1, &p, &q) == 0) {
      same = memcmp(p.rgb, a.rgb, n * sizeof(double)) == 0 &&
             memcmp(q.rgb, j.rgb, j.width * j.height * 3 * sizeof(double)) == 0;
      free_rgb(&p);
      free_rgb(&q);
    } else {
      same = 0;
    }
    printf("load_rgb_pair: %s load_rgb\n", same ? "the same images as" : "DIFFERENT images from");
    ok &= same;
  }
  {
    /* The corrupt copies are written next to WORK.png. */
    char work[4096];
    const long png_size = file_size(argv[1]), jpg_size = file_size(argv[2]);
    snprintf(work, sizeof work, "%s.corrupt.png", argv[3]);
    ok &= refused(argv[1], work, png_size / 2, png_size, "a PNG cut in half", argv[1]);
    ok &= refused(argv[1], work, png_size, png_size / 2, "a PNG with damaged data", argv[1]);
    snprintf(work, sizeof work, "%s.corrupt.jpg", argv[3]);
#ifdef GMMOT_HAVE_FAST_IO
    /* libjpeg decodes both with a warning, filling grey; stb_image alone may do the same. */
    ok &= refused(argv[2], work, jpg_size / 2, jpg_size, "a JPEG cut in half", argv[1]);
    ok &= refused(argv[2], work, jpg_size, jpg_size / 2, "a JPEG with damaged data", argv[1]);
#endif
    ok &= refused(argv[2], work, 200, 200, "a JPEG cut after its first 200 bytes", argv[1]);
  }
  free_rgb(&a);
  free_rgb(&b);
  free_rgb(&j);
  return ok ? 0 : 1;
}
