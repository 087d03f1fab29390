// SPDX-License-Identifier: MIT
// Colour transfer between two images with the MW2 transport map (Delon & Desolneux 2020, section
// 7.1), the whole job over pixel buffers: fit a Gaussian mixture to the colours of each image
// (EM, on their distinct colours weighted by count: palette_points.hpp), the MW2 plan between
// the fits, T_mean or T_rand on every source pixel in the chosen colour space, back to RGB, the
// guided-filter regularisation of the colour change (guided_filter.hpp) and clipping to [0, 1].
#pragma once

#include <cstddef>
#include <cstdint>

#include "colour/colour_space.hpp"
#include "em/em.hpp"
#include "lp/transport.hpp"
#include "util/bounds.hpp"
#include "util/context.hpp"

namespace gmmot {

struct RegularizationOptions {
  bool enabled = true;
  static constexpr Bounds kEnabledBounds{0, 1};
  // Window radius in pixels; 0 = automatic: 1% of the shorter side of the image, at least 2.
  std::size_t radius = 0;
  static constexpr Bounds kRadiusBounds{0, 100000};
  // The ridge term of the filter's local regressions, in squared [0, 1] units: local colour
  // variations with variance well below it (quantisation steps, JPEG blocks, noise) are
  // smoothed away from the change, structures well above it keep their own change.
  double epsilon = 1e-3;
  static constexpr Bounds kEpsilonBounds{1e-12, 1e3};
  // The fast guided filter's subsampling s; 0 = automatic: the smallest s that brings the
  // image to at most 2^18 pixels, at most radius / 2.
  std::size_t subsample = 0;
  static constexpr Bounds kSubsampleBounds{0, 64};
  bool clip = true;  // clip the result to [0, 1]
  static constexpr Bounds kClipBounds{0, 1};

  std::size_t resolved_radius(std::size_t width, std::size_t height) const;
  std::size_t resolved_subsample(std::size_t width, std::size_t height) const;
};

struct ColourTransferOptions {
  // Pixels drawn (with replacement, seeded) from each image for its fit; 0 = every pixel.
  std::size_t fit_points = 100000;
  static constexpr Bounds kFitPointsBounds{0, 1e12};
  bool map_rand = false;  // T_rand instead of T_mean
  static constexpr Bounds kMapBounds{0, 1};
  ColourSpace space = ColourSpace::Rgb;
  static constexpr Bounds kSpaceBounds{0, 2};
  RegularizationOptions regularization;
  EmOptions em;                // both fits; em.seed also seeds the pixel draws and T_rand
  TransportOptions transport;  // the MW2 plan's transport step
  // Not a C option: T_mean on the distinct colours of blocks of pixels (colour_map.hpp), the
  // same bits as on every pixel (false: on every pixel, for the tests that compare both).
  bool map_distinct = true;
};

struct ColourTransferInfo {
  double fit_source_seconds = 0, fit_target_seconds = 0, plan_seconds = 0, map_seconds = 0,
         regularize_seconds = 0, total_seconds = 0;
  double mw2_squared = 0;  // between the two fits, in the working colour space's units
  std::uint64_t em_iterations_source = 0, em_iterations_target = 0;
  bool em_converged = true;                            // both fits converged
  std::size_t colours_source = 0, colours_target = 0;  // distinct colours fitted
  std::size_t radius = 0, subsample = 0;               // used (0 when not regularised)
  std::size_t mapped_points = 0;  // points the map ran on (distinct colours per block, pixels)
};

// Progress: Stage::Colour (done = steps finished of 5: source fit, target fit, plan, map,
// regularisation; reported at the start, 0 of 5, and after each), and within the steps the
// stages of EM, the cost matrix, the transport step and the maps.
// source: sw x sh x 3, target: tw x th x 3, out: sw x sh x 3 (not aliasing the inputs); RGB
// values in [0, 1]. Errors: Errc::Dimension (an empty image), Errc::NonFinite /
// Errc::InvalidArgument (a value NaN, infinite or outside [0, 1], named), errors of EM, of the
// plan and of the maps, Errc::Cancelled. The map and the regularisation work in out itself (no
// other image-sized buffer, but for T_rand in Lab or YCbCr), so a cancelled call may leave out
// partly written: the C layer stages out when the call can be cancelled. T_mean runs on the
// distinct colours of blocks of pixels (colour_map.hpp), with the same bits as on every pixel.
ColourTransferInfo colour_transfer(const double *source, std::size_t sw, std::size_t sh,
                                   const double *target, std::size_t tw, std::size_t th,
                                   const ColourTransferOptions &options, const Context &ctx,
                                   double *out);

// The regularisation step alone: out = source + GF(mapped - source) (the guided filter of the
// change with the source as guide), clipped to [0, 1] if regularization.clip; with
// regularization.enabled false only the clip (or a copy). out may alias mapped. Returns the
// radius and subsample used.
void colour_regularize(const double *source, std::size_t width, std::size_t height,
                       const double *mapped, const RegularizationOptions &options,
                       const Context &ctx, double *out, std::size_t *radius_used = nullptr,
                       std::size_t *subsample_used = nullptr);

// Errc::NonFinite or Errc::InvalidArgument naming name[i] when a value of the n x 3 image is
// NaN, infinite or outside [0, 1].
void check_unit_pixels(std::size_t n, const double *pixels, const char *name);
// The same on ctx's threads (the error is the same: the first offending value).
void check_unit_pixels(std::size_t n, const double *pixels, const char *name, const Context &ctx);

}  // namespace gmmot
