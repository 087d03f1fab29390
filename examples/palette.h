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
