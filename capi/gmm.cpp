// SPDX-License-Identifier: MIT
#include <algorithm>
#include <memory>

#include "gmmot/gmm.h"
#include "guard.hpp"
#include "handles.hpp"
#include "staging.hpp"
#include "util/sizes.hpp"

using namespace gmmot::capi;

namespace {

int copy_out(const char *function, const gmmot_gmm_t *gmm, double *out, std::size_t out_len,
             const std::vector<double> &(gmmot::Gmm::*get)() const, const char *need_text) {
  return guarded(function, [&] {
    require_not_null(gmm, "gmm");
    require_not_null(out, "out");
    const std::vector<double> &v = (gmm->impl.*get)();
    require_capacity(out_len, v.size(), "out_len", need_text);
    std::copy(v.begin(), v.end(), out);
    return GMMOT_OK;
  });
}

}  // namespace

extern "C" {

GMMOT_API int gmmot_gmm_create(size_t k, size_t d, const double *weights, const double *means,
                               const double *covs, gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(weights, "weights");
    require_not_null(means, "means");
    require_not_null(covs, "covs");
    require_not_null(out, "out");
    std::string warning;
    auto g = std::make_unique<gmmot_gmm>(
        std::make_shared<const gmmot::Gmm>(k, d, weights, means, covs, &warning));
    *out = g.release();
    return warning.empty() ? GMMOT_OK : warn(GMMOT_W_SYMMETRIZED, warning);
  });
}

GMMOT_API int gmmot_gmm_create_t(size_t k, size_t d, double nu, const double *weights,
                                 const double *means, const double *scales,
                                 gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(weights, "weights");
    require_not_null(means, "means");
    require_not_null(scales, "scales");
    require_not_null(out, "out");
    std::string warning;
    auto g = std::make_unique<gmmot_gmm>(std::make_shared<const gmmot::Gmm>(
        gmmot::Gmm::student_t(k, d, nu, weights, means, scales, &warning)));
    *out = g.release();
    return warning.empty() ? GMMOT_OK : warn(GMMOT_W_SYMMETRIZED, warning);
  });
}

GMMOT_API int gmmot_gmm_get_family(const gmmot_gmm_t *gmm, int *out_family,
                                   double *out_nu) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(gmm, "gmm");
    const gmmot::Family &f = gmm->impl.family();
    if (out_family != nullptr)
      *out_family = f.is_student_t() ? GMMOT_FAMILY_STUDENT_T : GMMOT_FAMILY_GAUSSIAN;
    if (out_nu != nullptr) *out_nu = f.nu();
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_gmm_copy_scales(const gmmot_gmm_t *gmm, double *out,
                                    size_t out_len) GMMOT_NOEXCEPT {
  return copy_out(__func__, gmm, out, out_len, &gmmot::Gmm::scales, "K*d*d");
}

GMMOT_API void gmmot_gmm_destroy(gmmot_gmm_t *gmm) GMMOT_NOEXCEPT {
  clear_error();
  delete gmm;
}

GMMOT_API size_t gmmot_gmm_ncomponents(const gmmot_gmm_t *gmm) GMMOT_NOEXCEPT {
  clear_error();
  return gmm != nullptr ? gmm->impl.k() : 0;
}

GMMOT_API size_t gmmot_gmm_dim(const gmmot_gmm_t *gmm) GMMOT_NOEXCEPT {
  clear_error();
  return gmm != nullptr ? gmm->impl.d() : 0;
}

GMMOT_API int gmmot_gmm_copy_weights(const gmmot_gmm_t *gmm, double *out,
                                     size_t out_len) GMMOT_NOEXCEPT {
  return copy_out(__func__, gmm, out, out_len, &gmmot::Gmm::weights, "K");
}

GMMOT_API int gmmot_gmm_copy_means(const gmmot_gmm_t *gmm, double *out,
                                   size_t out_len) GMMOT_NOEXCEPT {
  return copy_out(__func__, gmm, out, out_len, &gmmot::Gmm::means, "K*d");
}

GMMOT_API int gmmot_gmm_copy_covariances(const gmmot_gmm_t *gmm, double *out,
                                         size_t out_len) GMMOT_NOEXCEPT {
  return copy_out(__func__, gmm, out, out_len, &gmmot::Gmm::covariances, "K*d*d");
}

GMMOT_API int gmmot_gmm_log_density(const gmmot_gmm_t *gmm, size_t n, const double *points,
                                    const gmmot_options_t *opts, double *out,
                                    size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(gmm, "gmm");
    if (n == 0) return GMMOT_OK;
    require_not_null(points, "points");
    require_not_null(out, "out");
    gmmot::checked_mul(n, gmm->impl.d(), "n*d");
    require_capacity(out_len, n, "out_len", "n");
    // Written in place unless the call can be cancelled (capi/staging.hpp): the core validates
    // every point first and allocates its scratch before the first entry is written.
    const gmmot::Context ctx = context_of(opts);
    with_staging(ctx, n, out, [&](double *o) { gmm->impl.log_density(n, points, ctx, o); });
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_gmm_sample(const gmmot_gmm_t *gmm, size_t n, const gmmot_options_t *opts,
                               double *out_points, size_t points_len, size_t *out_labels,
                               size_t labels_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(gmm, "gmm");
    if (n == 0) return GMMOT_OK;
    require_not_null(out_points, "out_points");
    const std::size_t need = gmmot::checked_mul(n, gmm->impl.d(), "n*d");
    require_capacity(points_len, need, "points_len", "n*d");
    if (out_labels != nullptr) require_capacity(labels_len, n, "labels_len", "n");
    // Written in place unless the call can be cancelled (capi/staging.hpp): once the sizes are
    // checked only cancellation can fail (the core allocates its scratch before the first point).
    const std::uint64_t seed = seed_of(opts);
    const gmmot::Context ctx = context_of(opts);
    if (!can_cancel(ctx)) {
      gmm->impl.sample(n, seed, ctx, out_points, out_labels);
      return GMMOT_OK;
    }
    std::vector<double> points(need);
    std::vector<std::size_t> labels(out_labels != nullptr ? n : 0);
    gmm->impl.sample(n, seed, ctx, points.data(), out_labels != nullptr ? labels.data() : nullptr);
    std::copy(points.begin(), points.end(), out_points);
    if (out_labels != nullptr) std::copy(labels.begin(), labels.end(), out_labels);
    return GMMOT_OK;
  });
}

}  // extern "C"
