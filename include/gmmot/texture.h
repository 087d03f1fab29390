/* SPDX-License-Identifier: MIT */
/** @file texture.h
 *  @brief Texture synthesis by the MW2 transport of patch mixtures.
 *
 * Reference: J. Delon, A. Desolneux, "A Wasserstein-type distance in the space of Gaussian
 * Mixture Models", SIAM J. Imaging Sci. 2020, section 7.2 and Fig. 12, after the semi-discrete
 * method of B. Galerne, A. Leclaire, J. Rabin, "A texture synthesis model based on
 * semi-discrete optimal transport in patch space", SIAM J. Imaging Sci. 2018.
 *
 * From an exemplar u (width x height pixels of `channels` values, e.g. RGB in [0, 1]):
 *  1. U, the asymptotic discrete spot noise (ADSN) of u: the stationary Gaussian field
 *     U(x) = ubar + sum_y t(y) W(x - y), t = (u - ubar) / sqrt(|u|) on u's support, W a scalar
 *     standard white noise (seeded by GMMOT_OPT_SEED). U has u's mean and, at every lag, u's
 *     autocovariance (zero-padded, cross-channel terms included). It is computed exactly, by a
 *     linear convolution through libgmmot's own FFT on a grid padded to lengths 2^a 3^b 5^c, on
 *     the output grown by P - 1 pixels on each side;
 *  2. K-component Gaussian mixtures (EM, gmmot/em.h) of the P x P patches (dimension
 *     d = P^2 channels) of u and of U, each fitted on GMMOT_OPT_TEXTURE_FIT_PATCHES patches
 *     drawn at random (0: all);
 *  3. the MW2 plan from U's mixture to u's (gmmot/mw2.h, the transport keys of the options
 *     apply) and its T_mean (gmmot/maps.h) applied to every patch of U;
 *  4. each output pixel is the mean of the P^2 transported patches that cover it.
 * The multiscale variant that the paper names as future work is not provided.
 *
 * Images are row-major with interleaved channels: pixel (x, y), channel k is at
 * [(y * width + x) * channels + k]. Values may be in any range (the output is not clipped).
 *
 * Threads (GMMOT_OPT_NUM_THREADS), progress and cancellation (gmmot/progress.h) work as for
 * every long call: progress reports GMMOT_STAGE_TEXTURE at the start and after each of the
 * GMMOT_TEXTURE_STAGE_COUNT stages, and, in between, the reports of the steps (GMMOT_STAGE_EM of
 * both fits, GMMOT_STAGE_COST_MATRIX and GMMOT_STAGE_EXACT_LP of the plan, GMMOT_STAGE_MAPS).
 * Results are bit-identical for a given GMMOT_OPT_SEED whatever the number of threads.
 * Outputs are written only at the end: an error (including GMMOT_E_CANCELLED) writes nothing.
 *
 * Cost: for a 256 x 256 RGB output from a 128 x 128 exemplar with the defaults, about 0.45 s of
 * CPU time in all, most of it in the two EM fits and the map (bench/run_texture.sh prints the
 * split by stage). @since 0.5 */
#ifndef GMMOT_TEXTURE_H
#define GMMOT_TEXTURE_H

#include <stddef.h>

#include "gmmot/export.h"
#include "gmmot/options.h"

GMMOT_BEGIN_DECLS

/** The stages of gmmot_texture_synthesize, indices of its out_seconds. @since 0.5 */
typedef enum gmmot_texture_stage {
  GMMOT_TEXTURE_STAGE_ADSN = 0,         /**< the noise and the FFT convolution */
  GMMOT_TEXTURE_STAGE_PATCHES = 1,      /**< patch extraction and the fit subsamples */
  GMMOT_TEXTURE_STAGE_FIT_EXEMPLAR = 2, /**< EM on the exemplar's patches */
  GMMOT_TEXTURE_STAGE_FIT_ADSN = 3,     /**< EM on the ADSN's patches */
  GMMOT_TEXTURE_STAGE_PLAN = 4,         /**< the MW2 plan and its averaged maps */
  GMMOT_TEXTURE_STAGE_MAP = 5,          /**< T_mean on every patch of the ADSN */
  GMMOT_TEXTURE_STAGE_AGGREGATE = 6,    /**< averaging the overlapping patches */
  GMMOT_TEXTURE_STAGE_COUNT = 7         /**< the number of stages */
} gmmot_texture_stage;

/** Synthesise an out_width x out_height texture from the exemplar (module documentation above).
 *
 * exemplar: width * height * channels values, finite. out: out_width * out_height * channels
 * values (out_len at least that). out_seconds: NULL, or an array of seconds_len >=
 * GMMOT_TEXTURE_STAGE_COUNT receiving the wall-clock seconds of each stage (indexed by
 * gmmot_texture_stage); seconds_len is ignored when out_seconds is NULL.
 *
 * Options read: GMMOT_OPT_TEXTURE_COMPONENTS (K, default 10), GMMOT_OPT_TEXTURE_PATCH (P,
 * default 3), GMMOT_OPT_TEXTURE_FIT_PATCHES (default 5000), GMMOT_OPT_TEXTURE_EM_TOLERANCE,
 * GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS, GMMOT_OPT_SEED (noise, subsamples, EM starts),
 * GMMOT_OPT_NUM_THREADS, the transport keys (300-304) for the plan.
 *
 * Status: GMMOT_OK; GMMOT_W_NOT_CONVERGED (an EM fit reached its iteration cap: the result is
 * written, from the best mixtures seen); GMMOT_E_INVALID_ARGUMENT (exemplar, out NULL);
 * GMMOT_E_DIMENSION (width, height, channels, out_width or out_height 0, or the exemplar
 * smaller than a patch); GMMOT_E_NONFINITE (naming exemplar[i], its pixel and channel);
 * GMMOT_E_BUFFER_TOO_SMALL (out_len, seconds_len); GMMOT_E_TOO_LARGE (sizes that overflow, or
 * a working memory above 16 GiB, refused before anything is allocated: 32 bytes per entry of
 * the ADSN's FFT grid, whose sides are out_width + width + 2P - 3 and out_height + height +
 * 2P - 3 rounded up to 2^a 3^b 5^c, plus 16 P^2 channels bytes per P x P patch of the output grown
 * by P - 1 on each side: about 0.45 KiB per output pixel for RGB and P = 3, so up to about
 * 6000 x 6000 from a 128 x 128 exemplar); GMMOT_E_CANCELLED;
 * errors of the EM fits and of the MW2 plan. @since 0.5 */
GMMOT_API int gmmot_texture_synthesize(const double *exemplar, size_t width, size_t height,
                                       size_t channels, size_t out_width, size_t out_height,
                                       const gmmot_options_t *opts, double *out, size_t out_len,
                                       double *out_seconds, size_t seconds_len) GMMOT_NOEXCEPT;

/** The ADSN realisation that gmmot_texture_synthesize with the same arguments and options
 *  transports (its U, on the out_width x out_height window of the output): the "before" of a
 *  synthesis, and a Gaussian texture in its own right. Arguments, checks and status as
 *  gmmot_texture_synthesize (only GMMOT_OPT_TEXTURE_PATCH, GMMOT_OPT_SEED and
 *  GMMOT_OPT_NUM_THREADS matter). @since 0.5 */
GMMOT_API int gmmot_texture_adsn(const double *exemplar, size_t width, size_t height,
                                 size_t channels, size_t out_width, size_t out_height,
                                 const gmmot_options_t *opts, double *out,
                                 size_t out_len) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_TEXTURE_H */
