// SPDX-License-Identifier: MIT
#include <cmath>
#include <cstdint>
#include <string>

#include "colour/colour_transfer.hpp"
#include "gmmot/colour.h"
#include "guard.hpp"
#include "handles.hpp"
#include "staging.hpp"
#include "util/sizes.hpp"

using namespace gmmot::capi;

namespace {

// 3 * width * height, checked; images of 2^32 pixels or more are refused (the colour tables
// index pixels with 32 bits).
std::size_t image_values(std::size_t width, std::size_t height, const char *name) {
  if (width == 0 || height == 0) {
    reject(GMMOT_E_DIMENSION, std::string(name) + " is empty (" + std::to_string(width) + " x " +
                                  std::to_string(height) + " pixels)");
  }
  // The message names the image: two images (and two sizes) reach gmmot_colour_transfer.
  const std::string what = std::string("width*height of ") + name;
  const std::size_t n = gmmot::checked_mul(width, height, what.c_str());
  if (n >= (std::size_t{1} << 32)) {
    reject(GMMOT_E_TOO_LARGE, std::string(name) + " has " + std::to_string(n) +
                                  " pixels; at most 2^32 - 1 are supported");
  }
  return gmmot::checked_mul(n, 3, "3*width*height");
}

void require_disjoint(const double *a, std::size_t na, const double *b, std::size_t nb,
                      const char *what) {
  const auto ab = reinterpret_cast<std::uintptr_t>(a), bb = reinterpret_cast<std::uintptr_t>(b);
  if (ab < bb + nb * sizeof(double) && bb < ab + na * sizeof(double))
    reject(GMMOT_E_INVALID_ARGUMENT, what);
}

}  // namespace

extern "C" {

GMMOT_API int gmmot_colour_transfer(const double *source, size_t src_width, size_t src_height,
                                    const double *target, size_t tgt_width, size_t tgt_height,
                                    const gmmot_options_t *opts, double *out, size_t out_len,
                                    double *info, size_t info_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(source, "source");
    require_not_null(target, "target");
    require_not_null(out, "out");
    const std::size_t n0 = image_values(src_width, src_height, "the source image");
    const std::size_t n1 = image_values(tgt_width, tgt_height, "the target image");
    require_capacity(out_len, n0, "out_len", "3*src_width*src_height");
    require_disjoint(out, n0, source, n0, "out and source overlap (they must be separate arrays)");
    require_disjoint(out, n0, target, n1, "out and target overlap (they must be separate arrays)");
    const gmmot::Context ctx = context_of(opts);
    gmmot::ColourTransferInfo r;
    // The core maps and regularises in out itself: staged when the call can be cancelled.
    with_staging(ctx, n0, out, [&](double *o) {
      r = gmmot::colour_transfer(source, src_width, src_height, target, tgt_width, tgt_height,
                                 colour_options_of(opts), ctx, o);
    });
    if (info != nullptr) {
      const double values[GMMOT_COLOUR_INFO_COUNT] = {r.fit_source_seconds,
                                                      r.fit_target_seconds,
                                                      r.plan_seconds,
                                                      r.map_seconds,
                                                      r.regularize_seconds,
                                                      r.total_seconds,
                                                      r.mw2_squared,
                                                      static_cast<double>(r.em_iterations_source),
                                                      static_cast<double>(r.em_iterations_target),
                                                      static_cast<double>(r.colours_source),
                                                      static_cast<double>(r.colours_target),
                                                      static_cast<double>(r.radius),
                                                      static_cast<double>(r.subsample)};
      for (std::size_t i = 0; i < info_len && i < GMMOT_COLOUR_INFO_COUNT; ++i) info[i] = values[i];
    }
    if (r.em_converged) return static_cast<int>(GMMOT_OK);
    return warn(GMMOT_W_NOT_CONVERGED,
                "an EM fit stopped at its cap (GMMOT_OPT_EM_MAX_ITERATIONS) before the mean "
                "log-likelihood settled; the transfer used its best iterate");
  });
}

GMMOT_API int gmmot_colour_regularize(const double *source, size_t width, size_t height,
                                      const double *mapped, const gmmot_options_t *opts,
                                      double *out, size_t out_len,
                                      size_t *radius_used) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(source, "source");
    require_not_null(mapped, "mapped");
    require_not_null(out, "out");
    const std::size_t n = image_values(width, height, "the image");
    require_capacity(out_len, n, "out_len", "3*width*height");
    require_disjoint(out, n, source, n, "out and source overlap (out may only be mapped itself)");
    if (out != mapped)
      require_disjoint(out, n, mapped, n, "out and mapped overlap without being the same array");
    gmmot::check_unit_pixels(n / 3, source, "source");
    for (std::size_t i = 0; i < n; ++i) {
      if (!std::isfinite(mapped[i])) {
        gmmot::fail(gmmot::Errc::NonFinite, "mapped[" + std::to_string(i / 3) + "][" +
                                                std::to_string(i % 3) +
                                                "] = " + gmmot::fmt(mapped[i]) + " is not finite");
      }
    }
    const gmmot::Context ctx = context_of(opts);
    std::size_t r = 0;
    gmmot::colour_regularize(source, width, height, mapped, colour_options_of(opts).regularization,
                             ctx, out, &r);
    if (radius_used != nullptr) *radius_used = r;
    return GMMOT_OK;
  });
}

}  // extern "C"
