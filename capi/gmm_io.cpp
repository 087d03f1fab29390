// SPDX-License-Identifier: MIT
#include "gmmot/gmm_io.h"

#include <memory>

#include "guard.hpp"
#include "handles.hpp"
#include "mixture/gmm_format.hpp"

using namespace gmmot::capi;

namespace {

gmmot_gmm_t *new_handle(gmmot::Gmm g) {
  return std::make_unique<gmmot_gmm>(std::make_shared<const gmmot::Gmm>(std::move(g))).release();
}

}  // namespace

extern "C" {

GMMOT_API int gmmot_gmm_saved_size(const gmmot_gmm_t *gmm, size_t *out_size) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(gmm, "gmm");
    require_not_null(out_size, "out_size");
    *out_size = gmmot::saved_size(gmm->impl);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_gmm_save(const gmmot_gmm_t *gmm, unsigned char *out, size_t out_len,
                             size_t *out_written) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(gmm, "gmm");
    require_not_null(out, "out");
    const std::size_t need = gmmot::saved_size(gmm->impl);
    if (out_len < need) {
      reject(GMMOT_E_BUFFER_TOO_SMALL, "out_len is " + std::to_string(out_len) +
                                           " bytes but this mixture needs " + std::to_string(need) +
                                           " (gmmot_gmm_saved_size)");
    }
    gmmot::save_gmm(gmm->impl, out);
    if (out_written != nullptr) *out_written = need;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_gmm_load(const unsigned char *data, size_t len,
                             gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(data, "data");
    require_not_null(out, "out");
    *out = new_handle(gmmot::load_gmm(data, len));
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_gmm_save_file(const gmmot_gmm_t *gmm, const char *path) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(gmm, "gmm");
    require_not_null(path, "path");
    gmmot::save_gmm_file(gmm->impl, path);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_gmm_load_file(const char *path, gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(path, "path");
    require_not_null(out, "out");
    *out = new_handle(gmmot::load_gmm_file(path));
    return GMMOT_OK;
  });
}

}  // extern "C"
