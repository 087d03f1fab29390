// SPDX-License-Identifier: MIT
#include <algorithm>
#include <string>
#include <vector>

#include "gmmot/texture.h"
#include "guard.hpp"
#include "handles.hpp"
#include "texture/texture.hpp"
#include "util/sizes.hpp"

using namespace gmmot::capi;

namespace {

// The pointer and capacity checks shared by both entry points; the core checks sizes and
// values. Returns the output's length.
std::size_t check_arguments(const double *exemplar, std::size_t channels, std::size_t out_width,
                            std::size_t out_height, const double *out, std::size_t out_len) {
  require_not_null(exemplar, "exemplar");
  require_not_null(out, "out");
  const std::size_t need =
      gmmot::checked_mul(gmmot::checked_mul(out_width, out_height, "out_width*out_height"),
                         channels, "out_width*out_height*channels");
  require_capacity(out_len, need, "out_len", "out_width*out_height*channels");
  return need;
}

}  // namespace

extern "C" {

GMMOT_API int gmmot_texture_synthesize(const double *exemplar, size_t width, size_t height,
                                       size_t channels, size_t out_width, size_t out_height,
                                       const gmmot_options_t *opts, double *out, size_t out_len,
                                       double *out_seconds, size_t seconds_len) GMMOT_NOEXCEPT {
  static_assert(gmmot::kTextureStages == GMMOT_TEXTURE_STAGE_COUNT, "stage tables differ");
  return guarded(__func__, [&] {
    const std::size_t need =
        check_arguments(exemplar, channels, out_width, out_height, out, out_len);
    if (out_seconds != nullptr) {
      require_capacity(seconds_len, GMMOT_TEXTURE_STAGE_COUNT, "seconds_len",
                       "GMMOT_TEXTURE_STAGE_COUNT");
    }
    const gmmot::ImageView u{width, height, channels, exemplar};
    const gmmot::TextureResult r = gmmot::synthesize_texture(
        u, out_width, out_height, texture_options_of(opts), context_of(opts));
    std::copy(r.image.begin(), r.image.begin() + static_cast<std::ptrdiff_t>(need), out);
    if (out_seconds != nullptr) std::copy(r.seconds.begin(), r.seconds.end(), out_seconds);
    if (r.em_converged) return static_cast<int>(GMMOT_OK);
    return warn(GMMOT_W_NOT_CONVERGED,
                "an EM fit of the patch mixtures stopped at GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS "
                "before meeting GMMOT_OPT_TEXTURE_EM_TOLERANCE; the best mixture seen was used");
  });
}

GMMOT_API int gmmot_texture_adsn(const double *exemplar, size_t width, size_t height,
                                 size_t channels, size_t out_width, size_t out_height,
                                 const gmmot_options_t *opts, double *out,
                                 size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    const std::size_t need =
        check_arguments(exemplar, channels, out_width, out_height, out, out_len);
    const gmmot::ImageView u{width, height, channels, exemplar};
    const std::vector<double> r =
        gmmot::texture_adsn(u, out_width, out_height, texture_options_of(opts), context_of(opts));
    std::copy(r.begin(), r.begin() + static_cast<std::ptrdiff_t>(need), out);
    return GMMOT_OK;
  });
}

}  // extern "C"
