// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "gmmot/mew2.h"
#include "guard.hpp"
#include "handles.hpp"
#include "staging.hpp"
#include "util/sizes.hpp"

using namespace gmmot::capi;

namespace {

int status_of(const gmmot_ew &ew, std::uint64_t cap) {
  if (ew.impl.converged) return GMMOT_OK;
  return warn(GMMOT_W_NOT_CONVERGED,
              "the best start stopped at the alternation cap (" + std::to_string(cap) +
                  ", GMMOT_OPT_EW_MAX_ITERATIONS) while its loss was still decreasing by more "
                  "than GMMOT_OPT_EW_TOLERANCE");
}

// Checks the arguments shared by both maps; returns false for the n_points = 0 no-op.
bool check_map_arguments(const gmmot_ew_t *ew, std::size_t count, const double *x,
                         const double *out, std::size_t out_len) {
  require_not_null(ew, "ew");
  if (ew->g0 == nullptr) {
    reject(GMMOT_E_INVALID_ARGUMENT,
           "ew is an EW2 result between point clouds: the maps need a MEW2 result (mixtures)");
  }
  if (count == 0) return false;
  require_not_null(x, "x");
  require_not_null(out, "out");
  const std::size_t in = gmmot::checked_mul(count, ew->impl.m, "n_points*m");
  const std::size_t need = gmmot::checked_mul(count, ew->impl.n, "n_points*n");
  require_capacity(out_len, need, "out_len", "n_points*n");
  const auto xb = reinterpret_cast<std::uintptr_t>(x), ob = reinterpret_cast<std::uintptr_t>(out);
  if (xb < ob + need * sizeof(double) && ob < xb + in * sizeof(double)) {
    reject(GMMOT_E_INVALID_ARGUMENT, "x and out overlap (they must be separate arrays)");
  }
  return true;
}

// The maps' precomputation reports nothing (only Stage::Maps is documented): interrupt only.
gmmot::Context quiet(const gmmot::Context &ctx) {
  gmmot::Context q = ctx;
  q.progress = nullptr;
  return q;
}

}  // namespace

const gmmot::Mew2Maps &gmmot_ew::maps(const gmmot::Context &ctx) const {
  return maps_.get([this, &ctx] { return gmmot::Mew2Maps(impl, g0, g1, quiet(ctx)); });
}

extern "C" {

GMMOT_API int gmmot_ew2_create(const double *points0, size_t n0, size_t m, const double *weights0,
                               const double *points1, size_t n1, size_t n, const double *weights1,
                               const gmmot_options_t *opts, gmmot_ew_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    require_not_null(points0, "points0");
    require_not_null(points1, "points1");
    const gmmot::EwOptions o = ew_options_of(opts);
    const gmmot::CloudView c0{n0, m, points0, weights0}, c1{n1, n, points1, weights1};
    auto ew = std::make_unique<gmmot_ew>(gmmot::ew2(c0, c1, o, context_of(opts)), nullptr, nullptr);
    const int status = status_of(*ew, o.max_iterations);
    *out = ew.release();
    return status;
  });
}

GMMOT_API int gmmot_mew2_create(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                                const gmmot_options_t *opts, gmmot_ew_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(g0, "g0");
    require_not_null(g1, "g1");
    require_not_null(out, "out");
    const gmmot::EwOptions o = ew_options_of(opts);
    auto ew = std::make_unique<gmmot_ew>(gmmot::mew2(g0->impl, g1->impl, o, context_of(opts)),
                                         g0->shared, g1->shared);
    const int status = status_of(*ew, o.max_iterations);
    *out = ew.release();
    return status;
  });
}

GMMOT_API void gmmot_ew_destroy(gmmot_ew_t *ew) GMMOT_NOEXCEPT {
  clear_error();
  delete ew;
}

GMMOT_API int gmmot_ew_value(const gmmot_ew_t *ew, double *out_value,
                             double *out_sqrt_value) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(ew, "ew");
    if (out_value == nullptr && out_sqrt_value == nullptr) {
      reject(GMMOT_E_INVALID_ARGUMENT, "out_value and out_sqrt_value are both NULL");
    }
    const double v = ew->impl.value;
    if (out_value != nullptr) *out_value = v;
    if (out_sqrt_value != nullptr) *out_sqrt_value = std::sqrt(std::max(v, 0.0));
    return GMMOT_OK;
  });
}

GMMOT_API size_t gmmot_ew_rows(const gmmot_ew_t *ew) GMMOT_NOEXCEPT {
  clear_error();
  return ew != nullptr ? ew->impl.rows : 0;
}

GMMOT_API size_t gmmot_ew_cols(const gmmot_ew_t *ew) GMMOT_NOEXCEPT {
  clear_error();
  return ew != nullptr ? ew->impl.cols : 0;
}

GMMOT_API size_t gmmot_ew_dim0(const gmmot_ew_t *ew) GMMOT_NOEXCEPT {
  clear_error();
  return ew != nullptr ? ew->impl.m : 0;
}

GMMOT_API size_t gmmot_ew_dim1(const gmmot_ew_t *ew) GMMOT_NOEXCEPT {
  clear_error();
  return ew != nullptr ? ew->impl.n : 0;
}

GMMOT_API size_t gmmot_ew_nnz(const gmmot_ew_t *ew) GMMOT_NOEXCEPT {
  clear_error();
  return ew != nullptr ? ew->impl.plan.size() : 0;
}

GMMOT_API int gmmot_ew_copy_plan(const gmmot_ew_t *ew, double *out, size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(ew, "ew");
    require_not_null(out, "out");
    const std::size_t cols = ew->impl.cols;
    const std::size_t need = gmmot::checked_mul(ew->impl.rows, cols, "rows*cols");
    require_capacity(out_len, need, "out_len", "rows*cols");
    std::fill(out, out + need, 0.0);
    for (const gmmot::PlanEntry &e : ew->impl.plan) out[e.i * cols + e.j] = e.mass;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_ew_copy_sparse_plan(const gmmot_ew_t *ew, size_t *out_rows, size_t *out_cols,
                                        double *out_mass, size_t triplets_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(ew, "ew");
    if (out_rows == nullptr && out_cols == nullptr && out_mass == nullptr) {
      reject(GMMOT_E_INVALID_ARGUMENT, "out_rows, out_cols and out_mass are all NULL");
    }
    const std::vector<gmmot::PlanEntry> &plan = ew->impl.plan;
    require_capacity(triplets_len, plan.size(), "triplets_len", "nnz");
    for (std::size_t i = 0; i < plan.size(); ++i) {
      if (out_rows != nullptr) out_rows[i] = plan[i].i;
      if (out_cols != nullptr) out_cols[i] = plan[i].j;
      if (out_mass != nullptr) out_mass[i] = plan[i].mass;
    }
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_ew_copy_isometry(const gmmot_ew_t *ew, double *out,
                                     size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(ew, "ew");
    require_not_null(out, "out");
    const std::vector<double> &p = ew->impl.isometry;
    require_capacity(out_len, p.size(), "out_len", "m*n");
    std::copy(p.begin(), p.end(), out);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_ew_copy_means(const gmmot_ew_t *ew, double *out_mean0, size_t mean0_len,
                                  double *out_mean1, size_t mean1_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(ew, "ew");
    if (out_mean0 == nullptr && out_mean1 == nullptr) {
      reject(GMMOT_E_INVALID_ARGUMENT, "out_mean0 and out_mean1 are both NULL");
    }
    if (out_mean0 != nullptr) require_capacity(mean0_len, ew->impl.m, "mean0_len", "m");
    if (out_mean1 != nullptr) require_capacity(mean1_len, ew->impl.n, "mean1_len", "n");
    if (out_mean0 != nullptr) std::copy(ew->impl.mean0.begin(), ew->impl.mean0.end(), out_mean0);
    if (out_mean1 != nullptr) std::copy(ew->impl.mean1.begin(), ew->impl.mean1.end(), out_mean1);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_ew_info(const gmmot_ew_t *ew, uint64_t *out_iterations, int *out_converged,
                            double *out_gradient_norm, uint64_t *out_starts,
                            uint64_t *out_best_start) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(ew, "ew");
    const gmmot::EwResult &r = ew->impl;
    if (out_iterations != nullptr) *out_iterations = r.iterations;
    if (out_converged != nullptr) *out_converged = r.converged ? 1 : 0;
    if (out_gradient_norm != nullptr) *out_gradient_norm = r.gradient_norm;
    if (out_starts != nullptr) *out_starts = r.starts;
    if (out_best_start != nullptr) *out_best_start = r.best_start;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mew2_map_mean(const gmmot_ew_t *ew, size_t n_points, const double *x,
                                  const gmmot_options_t *opts, double *out,
                                  size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    if (!check_map_arguments(ew, n_points, x, out, out_len)) return GMMOT_OK;
    const gmmot::Context ctx = context_of(opts);
    with_staging(ctx, n_points * ew->impl.n, out,
                 [&](double *o) { ew->maps(ctx).apply_mean(n_points, x, ctx, o); });
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mew2_map_rand(const gmmot_ew_t *ew, size_t n_points, const double *x,
                                  const gmmot_options_t *opts, double *out,
                                  size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    if (!check_map_arguments(ew, n_points, x, out, out_len)) return GMMOT_OK;
    const std::uint64_t seed = seed_of(opts);
    const gmmot::Context ctx = context_of(opts);
    with_staging(ctx, n_points * ew->impl.n, out,
                 [&](double *o) { ew->maps(ctx).apply_rand(n_points, x, seed, ctx, o); });
    return GMMOT_OK;
  });
}

}  // extern "C"
