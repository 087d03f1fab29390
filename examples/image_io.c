/* SPDX-License-Identifier: MIT */
/* Compiled without the project's strict warnings: it includes the stb single-file libraries
 * (Debian's libstb-dev), whose code is not ours. */
#include "image_io.h"

#include <stdio.h>
#include <stdlib.h>

const char *image_io_program = "gmmot-color-transfer";

#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

int load_rgb(const char *path, int shrink, rgb_image *out) {
  int w = 0, h = 0, channels = 0;
  size_t W, H, x, y;
  unsigned char *data = stbi_load(path, &w, &h, &channels, 0);
  if (data == NULL) {
    fprintf(stderr, "%s: cannot read %s: %s\n", image_io_program, path, stbi_failure_reason());
    return 1;
  }
  if (channels != 3 && channels != 4) {
    fprintf(stderr, "%s: %s has %d channel%s (%s); an RGB or RGBA image is needed\n",
            image_io_program, path, channels, channels == 1 ? "" : "s",
            channels <= 2 ? "grey levels" : "unknown");
    stbi_image_free(data);
    return 1;
  }
  if (shrink < 1) shrink = 1;
  W = (size_t)w / (size_t)shrink;
  H = (size_t)h / (size_t)shrink;
  if (W == 0 || H == 0) {
    fprintf(stderr, "%s: %s (%dx%d) is smaller than the shrink factor %d\n", image_io_program, path,
            w, h, shrink);
    stbi_image_free(data);
    return 1;
  }
  out->rgb = (double *)malloc(W * H * 3 * sizeof(double));
  if (out->rgb == NULL) {
    fprintf(stderr, "%s: out of memory reading %s\n", image_io_program, path);
    stbi_image_free(data);
    return 1;
  }
  out->width = W;
  out->height = H;
  for (y = 0; y < H; ++y) {
    for (x = 0; x < W; ++x) {
      double sum[3] = {0.0, 0.0, 0.0};
      size_t dy, dx, c;
      for (dy = 0; dy < (size_t)shrink; ++dy) {
        for (dx = 0; dx < (size_t)shrink; ++dx) {
          const unsigned char *p =
              data + (((y * shrink + dy) * (size_t)w) + x * shrink + dx) * (size_t)channels;
          for (c = 0; c < 3; ++c) sum[c] += p[c];
        }
      }
      for (c = 0; c < 3; ++c)
        out->rgb[(y * W + x) * 3 + c] = sum[c] / (255.0 * (double)(shrink * shrink));
    }
  }
  stbi_image_free(data);
  return 0;
}

int save_rgb_png(const char *path, size_t width, size_t height, const double *rgb) {
  size_t i, n = width * height * 3;
  unsigned char *bytes = (unsigned char *)malloc(n);
  int ok;
  if (bytes == NULL) {
    fprintf(stderr, "%s: out of memory writing %s\n", image_io_program, path);
    return 1;
  }
  for (i = 0; i < n; ++i) {
    const double v = rgb[i] < 0.0 ? 0.0 : rgb[i] > 1.0 ? 1.0 : rgb[i];
    bytes[i] = (unsigned char)(v * 255.0 + 0.5);
  }
  ok = stbi_write_png(path, (int)width, (int)height, 3, bytes, (int)(width * 3));
  free(bytes);
  if (!ok) {
    fprintf(stderr, "%s: cannot write %s\n", image_io_program, path);
    return 1;
  }
  return 0;
}

void free_rgb(rgb_image *img) {
  free(img->rgb);
  img->rgb = NULL;
}
