/* SPDX-License-Identifier: MIT */
/* Colour palettes of photographs for the example programs: a K-component Gaussian mixture
 * fitted by EM to the RGB pixels of an image, or to a seeded random sample of them. C99, public
 * API only; failures are reported with example_cli.h's conventions. */
#ifndef GMMOT_EXAMPLES_PALETTE_H
#define GMMOT_EXAMPLES_PALETTE_H

#include <gmmot/gmmot.h>
#include <stddef.h>
#include <stdint.h>

#include "image_io.h"

/* The options of the programs that fit palettes to photographs (gmmot-rotated-match,
 * gmmot-cross-dim): --k (2 to 64) [8], --seed (0 to 2^53) [0], --shrink (1 to 64) [1],
 * --fit-points (1 to 1e8) [20000], --threads (0 to 1024, 0 = all cores) [0]. */
typedef struct {
  size_t k, fit_points;
  uint64_t seed;
  int shrink, threads;
} palette_args;

/* The defaults above. */
palette_args palette_args_defaults(void);

/* When arg is one of the options above: parses value into p and returns 0, or 2 after
 * cli_bad_value when value is not one of the option's values; -1 when arg is none of them. */
int palette_arg(const char *arg, const char *value, palette_args *p);

/* Up to `count` pixels of `img` chosen by a seeded partial Fisher-Yates shuffle (all of them
 * when count is 0 or larger than the image), as an n x 3 array that the caller frees; *n_out
 * gets n. NULL when out of memory. EM on 20000 pixels gives the same 10-component palette as
 * on all of them, at a fraction of the time. */
double *palette_sample(const rgb_image *img, size_t count, uint64_t seed, size_t *n_out);

/* The palette of img: a mixture fitted by EM (opts carry K and the seed) on
 * palette_sample(img, fit_points, seed). *iterations (unless NULL) gets EM's iteration count.
 * Returns 0, or 1 after printing a message. */
int palette_fit(const gmmot_options_t *opts, const rgb_image *img, size_t fit_points, uint64_t seed,
                gmmot_gmm_t **out, uint64_t *iterations);

#endif
