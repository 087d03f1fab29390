/* SPDX-License-Identifier: MIT */
/** @file colour.h
 *  @brief Colour transfer between images in one call, and its artefact-removing regularisation.
 *
 * References: J. Delon, A. Desolneux, "A Wasserstein-type distance in the space of Gaussian
 * Mixture Models", SIAM J. Imaging Sci. 2020, section 7.1 (colour transfer with the MW2 map);
 * J. Rabin, J. Delon, Y. Gousseau, "Removing artefacts from color and contrast modifications",
 * IEEE Trans. Image Processing 20(11), 2011 (the paper's reference [24]: regularising the colour
 * change with the source image as guide); K. He, J. Sun, X. Tang, "Guided image filtering",
 * ECCV 2010 and IEEE TPAMI 35(6), 2013 (the colour guided filter); K. He, J. Sun, "Fast guided
 * filter", arXiv:1505.00996, 2015 (its subsampled form for large images).
 *
 * gmmot_colour_transfer recolours a source image with the colour palette of a target image:
 *  1. the colours of each image are fitted with a K-component Gaussian mixture by EM
 *     (gmmot/em.h; on GMMOT_OPT_COLOUR_FIT_POINTS pixels drawn with replacement, or on all of
 *     them, in both cases reduced to their distinct colours weighted by their counts, which
 *     gives EM the same likelihood for a fraction of the work);
 *  2. the MW2 plan between the two mixtures (gmmot/mw2.h);
 *  3. T_mean or T_rand (gmmot/maps.h) on every source pixel;
 *  4. the regularisation: the colour change T(u) - u is filtered by the colour guided filter
 *     with the source u as guide and added back, u + GF_u(T(u) - u): in each window of
 *     (2r+1)^2 pixels the change is fitted as an affine function a u + b of the source colour
 *     (3x3 window covariance of u plus epsilon times the identity), so the change follows the
 *     source's edges and smooth gradients while variations much weaker than epsilon (8-bit
 *     quantisation steps that the map stretches into bands, JPEG block edges, sensor noise)
 *     receive one smooth change instead of amplified differences. Cost O(1) per pixel whatever
 *     the radius (box filters by running sums). On images above 2^18 pixels the coefficients
 *     are computed on an s x s box-averaged copy and interpolated back (He & Sun 2015;
 *     GMMOT_OPT_COLOUR_SUBSAMPLE), the output a u + b using the full-resolution source;
 *  5. clipping to [0, 1].
 * Steps 1 to 3 run in the colour space GMMOT_OPT_COLOUR_SPACE (fits, plan and map there; the
 * mapped colours are converted back to RGB); steps 4 and 5 in RGB.
 *
 * Options (opts, NULL = defaults): the keys GMMOT_OPT_COLOUR_* (950-956, gmmot/options.h); every
 * EM key (GMMOT_OPT_EM_*, 400-499: K = GMMOT_OPT_EM_COMPONENTS, default 10, tolerance,
 * iterations, regularisation, starts, split-and-merge, and any EM key added later, such as a
 * component family, applies to both fits as it would to gmmot_em_create); the transport keys
 * (300-304) for the plan; GMMOT_OPT_SEED (the pixel draws, the k-means++ starts, T_rand; the
 * same seed gives the same output whatever the number of threads); GMMOT_OPT_NUM_THREADS; the
 * progress callback and interrupt flag (gmmot/progress.h): GMMOT_STAGE_COLOUR reports the
 * steps (done = steps finished of total = 5: source fit, target fit, plan, map,
 * regularisation), and within them GMMOT_STAGE_EM, GMMOT_STAGE_COST_MATRIX, the transport
 * step's stage and GMMOT_STAGE_MAPS report as in their own calls.
 *
 * Thread rule: the inputs are only read; calls may run concurrently. The library never prints.
 * @since 0.5 */
#ifndef GMMOT_COLOUR_H
#define GMMOT_COLOUR_H

#include <stddef.h>

#include "gmmot/export.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** Values of GMMOT_OPT_COLOUR_SPACE. @since 0.5 */
typedef enum gmmot_colour_space {
  /** RGB as given (default; the paper's choice). */
  GMMOT_COLOUR_RGB = 0,
  /** CIE 1976 L*a*b* (D65) from sRGB-encoded values: perceptual distances, lightness separated
   *  from chroma, so a mixture component is less likely to join dark and light colours. */
  GMMOT_COLOUR_LAB = 1,
  /** YCbCr, ITU-R BT.601 full range (JPEG's): luma and two chroma axes, a linear change of
   *  RGB. */
  GMMOT_COLOUR_YCBCR = 2
} gmmot_colour_space;

/** Entries of the info array of gmmot_colour_transfer (seconds are wall-clock). @since 0.5 */
typedef enum gmmot_colour_info {
  GMMOT_COLOUR_INFO_FIT_SOURCE_SECONDS = 0,   /**< step 1, source image */
  GMMOT_COLOUR_INFO_FIT_TARGET_SECONDS = 1,   /**< step 1, target image */
  GMMOT_COLOUR_INFO_PLAN_SECONDS = 2,         /**< step 2 (and the maps' precomputation) */
  GMMOT_COLOUR_INFO_MAP_SECONDS = 3,          /**< step 3 with the colour-space conversions */
  GMMOT_COLOUR_INFO_REGULARIZE_SECONDS = 4,   /**< steps 4 and 5 */
  GMMOT_COLOUR_INFO_TOTAL_SECONDS = 5,        /**< the whole call, checks included */
  GMMOT_COLOUR_INFO_MW2_SQUARED = 6,          /**< MW2^2 between the fits, in the space's units */
  GMMOT_COLOUR_INFO_EM_ITERATIONS_SOURCE = 7, /**< EM iterations of the source fit */
  GMMOT_COLOUR_INFO_EM_ITERATIONS_TARGET = 8, /**< EM iterations of the target fit */
  GMMOT_COLOUR_INFO_COLOURS_SOURCE = 9,       /**< distinct colours the source fit ran on */
  GMMOT_COLOUR_INFO_COLOURS_TARGET = 10,      /**< distinct colours the target fit ran on */
  GMMOT_COLOUR_INFO_RADIUS = 11,              /**< the filter radius used (0: not regularised) */
  GMMOT_COLOUR_INFO_SUBSAMPLE = 12, /**< the filter's subsampling used (0: not regularised) */
  GMMOT_COLOUR_INFO_COUNT = 13      /**< the number of entries (later versions may add) */
} gmmot_colour_info;

/** Recolour `source` (src_width x src_height pixels) with the palette of `target` (tgt_width x
 *  tgt_height pixels); see the file's description for the steps and options. Pixels are RGB
 *  triples in [0, 1], row-major and interleaved: pixel (x, y) channel c at [3 (y width + x) +
 *  c]. The result goes to out (out_len >= 3 src_width src_height doubles), in [0, 1] unless
 *  GMMOT_OPT_COLOUR_CLIP is 0. info (may be NULL, then info_len is ignored) receives the first
 *  min(info_len, GMMOT_COLOUR_INFO_COUNT) entries of gmmot_colour_info; counts are exact in a
 *  double. out must not overlap source or target.
 *  EM and its family: the fits use every EM option of opts exactly as gmmot_em_create would,
 *  so options that select another component family (e.g. Student-t) apply to both fits.
 *  Status: GMMOT_OK; GMMOT_W_NOT_CONVERGED (an EM fit reached GMMOT_OPT_EM_MAX_ITERATIONS; the
 *  result is written from its best iterate); GMMOT_E_INVALID_ARGUMENT (source, target or out
 *  NULL, out overlaps an input, a value outside [0, 1], named as source[i][c] with i the pixel
 *  index); GMMOT_E_DIMENSION (a width or height 0); GMMOT_E_TOO_LARGE (3 width height
 *  overflows, or an image of 2^32 pixels or more); GMMOT_E_BUFFER_TOO_SMALL (out_len);
 *  GMMOT_E_NONFINITE (a value NaN or infinite, named); the errors of EM, of the MW2 plan and of
 *  the maps (gmmot/em.h, gmmot/mw2.h, gmmot/maps.h); GMMOT_E_CANCELLED (nothing written: when
 *  opts carries a progress callback or an interrupt flag the result is computed in a
 *  temporary copy of out); GMMOT_E_OUT_OF_MEMORY. Memory besides out: none image-sized in
 *  RGB without a callback or flag (the map and the regularisation work in out), 24 bytes per
 *  source pixel for CIELAB or YCbCr and again for the staging copy, and the regularisation's
 *  88 bytes per pixel of its s x s subsampled grid (GMMOT_OPT_COLOUR_SUBSAMPLE: at most 2^18
 *  pixels, 23 MB, with the automatic s unless the radius caps s at r / 2; 1 GB for 12
 *  megapixels at s = 1), allocated before out is written. On any
 *  error nothing is written to out or info. @since 0.5 */
GMMOT_API int gmmot_colour_transfer(const double *source, size_t src_width, size_t src_height,
                                    const double *target, size_t tgt_width, size_t tgt_height,
                                    const gmmot_options_t *opts, double *out, size_t out_len,
                                    double *info, size_t info_len) GMMOT_NOEXCEPT;

/** Step 4 and 5 alone, for a recolouring made by other means (e.g. the maps of a relaxed fit,
 *  gmmot/relaxed.h, or any colour edit): out = clip(source + GF_source(mapped - source)) with the
 *  options GMMOT_OPT_COLOUR_REGULARIZE, _RADIUS, _EPSILON, _SUBSAMPLE, _CLIP, threads,
 *  progress and interrupt (no stage of its own; cancellation is checked). source and mapped are
 *  width x height RGB images as above (mapped may hold any finite values), out_len >= 3 width
 *  height; out may be mapped itself but must not overlap source. radius_used (may be NULL)
 *  receives the radius applied (0 when GMMOT_OPT_COLOUR_REGULARIZE is 0).
 *  Status: GMMOT_OK; GMMOT_E_INVALID_ARGUMENT (a pointer NULL, out overlaps source, a source
 *  value outside [0, 1]); GMMOT_E_DIMENSION; GMMOT_E_TOO_LARGE; GMMOT_E_BUFFER_TOO_SMALL;
 *  GMMOT_E_NONFINITE (a value of source or mapped, named); GMMOT_E_CANCELLED;
 *  GMMOT_E_OUT_OF_MEMORY. On any error nothing is written. @since 0.5 */
GMMOT_API int gmmot_colour_regularize(const double *source, size_t width, size_t height,
                                      const double *mapped, const gmmot_options_t *opts,
                                      double *out, size_t out_len,
                                      size_t *radius_used) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_COLOUR_H */
