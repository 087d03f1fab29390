/* SPDX-License-Identifier: MIT */
/* Image files for the colour-transfer example: PNG or JPEG in (stb_image), PNG out
 * (stb_image_write), pixels as doubles in [0, 1]. */
#ifndef GMMOT_EXAMPLES_IMAGE_IO_H
#define GMMOT_EXAMPLES_IMAGE_IO_H

#include <stddef.h>

/* The name that starts every message (default "gmmot-color-transfer"); programs set their own. */
extern const char *image_io_program;

typedef struct {
  size_t width, height;
  double *rgb; /* width * height * 3, row-major, channels R, G, B in [0, 1] */
} rgb_image;

/* Loads an RGB or RGBA file (alpha ignored), averaging shrink x shrink boxes when shrink > 1.
 * On failure prints a message naming the file and the reason and returns non-zero. */
int load_rgb(const char *path, int shrink, rgb_image *out);

/* load_rgb of both files, the same images, faster: the second is read on another thread while
 * the first decodes, and a full-size JPEG first is converted to doubles as its rows come in
 * (by both threads). On failure both are left empty (rgb NULL) and non-zero is returned. */
int load_rgb_pair(const char *first, const char *second, int shrink, rgb_image *a, rgb_image *b);

/* Writes 8-bit RGB PNG; values are clipped to [0, 1] and rounded. Prints a message on failure. */
int save_rgb_png(const char *path, size_t width, size_t height, const double *rgb);

void free_rgb(rgb_image *img);

#endif
