// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gmmot/relaxed.h"
#include "guard.hpp"
#include "handles.hpp"
#include "relax/plans.hpp"
#include "relax/relaxed_fit.hpp"
#include "util/error.hpp"

using namespace gmmot::capi;

namespace {

// The lambdas of a continuation: checked here so that errors name lambdas[i] (the core names
// its own lambda_path[i]).
void set_path(const double *lambdas, size_t count, gmmot::RelaxedOptions &o) {
  require_not_null(lambdas, "lambdas");
  if (count == 0) reject(GMMOT_E_INVALID_ARGUMENT, "count is 0 (at least one lambda)");
  const gmmot::Bounds b = gmmot::RelaxedOptions::kLambdaBounds;
  for (size_t i = 0; i < count; ++i) {
    const std::string name = "lambdas[" + std::to_string(i) + "]";
    if (!b.contains(lambdas[i])) {
      reject(GMMOT_E_INVALID_ARGUMENT, name + " is " + gmmot::fmt(lambdas[i]) + ", outside [" +
                                           gmmot::fmt(b.min) + ", " + gmmot::fmt(b.max) + "]");
    }
    if (i > 0 && !(lambdas[i] < lambdas[i - 1])) {
      reject(GMMOT_E_INVALID_ARGUMENT, name + " is " + gmmot::fmt(lambdas[i]) +
                                           ", not below lambdas[" + std::to_string(i - 1) +
                                           "] (the path must decrease strictly)");
    }
  }
  o.lambda_path.assign(lambdas, lambdas + count - 1);
  o.lambda = lambdas[count - 1];
}

int create(const double *points0, size_t n0, const double *points1, size_t n1, size_t d,
           const double *weights0, const double *weights1, const gmmot_gmm_t *start0,
           const gmmot_gmm_t *start1, bool from, const double *lambdas, size_t count, bool path,
           const gmmot_options_t *opts, gmmot_relaxed_t **out) {
  require_not_null(out, "out");
  if (n0 > 0 && d > 0) require_not_null(points0, "points0");
  if (n1 > 0 && d > 0) require_not_null(points1, "points1");
  gmmot::RelaxedOptions o = relaxed_options_of(opts);
  if (path) set_path(lambdas, count, o);
  if (from) {
    require_not_null(start0, "start0");
    require_not_null(start1, "start1");
    o.init = gmmot::RelaxedInit::User;
    o.initial0 = start0->shared;
    o.initial1 = start1->shared;
  } else if (o.init == gmmot::RelaxedInit::User) {
    reject(GMMOT_E_INVALID_ARGUMENT,
           "GMMOT_OPT_RELAXED_INIT is GMMOT_RELAXED_INIT_USER: give the start mixtures to "
           "gmmot_relaxed_create_from");
  }
  const gmmot::PointCloud c0 = point_cloud(points0, n0, d, weights0);
  const gmmot::PointCloud c1 = point_cloud(points1, n1, d, weights1);
  auto r = std::make_unique<gmmot_relaxed>(
      gmmot::fit_relaxed(c0, c1, o, context_of(threads_of(opts), attachments_of(opts))));
  const bool converged = r->impl.converged;
  const std::uint64_t iterations = r->impl.iterations;
  *out = r.release();
  if (converged) return GMMOT_OK;
  return warn(GMMOT_W_NOT_CONVERGED,
              "the relaxed fit stopped after " + std::to_string(iterations) +
                  " iterations before the energy settled (GMMOT_OPT_RELAXED_MAX_ITERATIONS); "
                  "the last iterate is returned");
}

int new_gmm(const std::shared_ptr<const gmmot::Gmm> &g, gmmot_gmm_t **out) {
  require_not_null(out, "out");
  *out = std::make_unique<gmmot_gmm>(g).release();
  return GMMOT_OK;
}

}  // namespace

extern "C" {

GMMOT_API int gmmot_relaxed_create(const double *points0, size_t n0, const double *points1,
                                   size_t n1, size_t d, const double *weights0,
                                   const double *weights1, const gmmot_options_t *opts,
                                   gmmot_relaxed_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    return create(points0, n0, points1, n1, d, weights0, weights1, nullptr, nullptr, false, nullptr,
                  0, false, opts, out);
  });
}

GMMOT_API int gmmot_relaxed_create_from(const double *points0, size_t n0, const double *points1,
                                        size_t n1, size_t d, const double *weights0,
                                        const double *weights1, const gmmot_gmm_t *start0,
                                        const gmmot_gmm_t *start1, const gmmot_options_t *opts,
                                        gmmot_relaxed_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    return create(points0, n0, points1, n1, d, weights0, weights1, start0, start1, true, nullptr, 0,
                  false, opts, out);
  });
}

GMMOT_API int gmmot_relaxed_create_path(const double *points0, size_t n0, const double *points1,
                                        size_t n1, size_t d, const double *weights0,
                                        const double *weights1, const double *lambdas, size_t count,
                                        const gmmot_options_t *opts,
                                        gmmot_relaxed_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    return create(points0, n0, points1, n1, d, weights0, weights1, nullptr, nullptr, false, lambdas,
                  count, true, opts, out);
  });
}

GMMOT_API void gmmot_relaxed_destroy(gmmot_relaxed_t *r) GMMOT_NOEXCEPT {
  clear_error();
  delete r;
}

GMMOT_API int gmmot_relaxed_coupling(const gmmot_relaxed_t *r, gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(r, "r");
    return new_gmm(r->impl.coupling, out);
  });
}

GMMOT_API int gmmot_relaxed_marginal0(const gmmot_relaxed_t *r, gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(r, "r");
    return new_gmm(r->impl.marginal0, out);
  });
}

GMMOT_API int gmmot_relaxed_marginal1(const gmmot_relaxed_t *r, gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(r, "r");
    return new_gmm(r->impl.marginal1, out);
  });
}

GMMOT_API int gmmot_relaxed_plan(const gmmot_relaxed_t *r, gmmot_mw2_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(r, "r");
    require_not_null(out, "out");
    *out = std::make_unique<gmmot_mw2>(gmmot::relaxed_plan(r->impl)).release();
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_relaxed_energy(const gmmot_relaxed_t *r, double *out_energy,
                                   double *out_transport, double *out_ll0, double *out_ll1,
                                   double *out_penalty) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(r, "r");
    if (out_energy != nullptr) *out_energy = r->impl.energy;
    if (out_transport != nullptr) *out_transport = r->impl.transport;
    if (out_ll0 != nullptr) *out_ll0 = r->impl.ll0;
    if (out_ll1 != nullptr) *out_ll1 = r->impl.ll1;
    if (out_penalty != nullptr) *out_penalty = r->impl.penalty;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_relaxed_info(const gmmot_relaxed_t *r, uint64_t *out_iterations,
                                 int *out_converged, double *out_lambda_abs,
                                 double *out_scale2) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(r, "r");
    if (out_iterations != nullptr) *out_iterations = r->impl.iterations;
    if (out_converged != nullptr) *out_converged = r->impl.converged ? 1 : 0;
    if (out_lambda_abs != nullptr) *out_lambda_abs = r->impl.lambda_abs;
    if (out_scale2 != nullptr) *out_scale2 = r->impl.scale2;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_relaxed_energies(const gmmot_relaxed_t *r, double *out, size_t capacity,
                                     size_t *out_count) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(r, "r");
    const std::vector<double> &e = r->impl.energies;
    // The count is written for a query (NULL, 0) and on success or a short buffer, never on
    // another error.
    if (out != nullptr || capacity != 0) require_not_null(out, "out");
    if (out_count != nullptr) *out_count = e.size();
    if (out == nullptr) return GMMOT_OK;
    require_capacity(capacity, e.size(), "capacity", "iterations + 1");
    std::copy(e.begin(), e.end(), out);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_relaxed_degenerate(const gmmot_relaxed_t *r, int *out_flags, size_t capacity,
                                       size_t *out_count) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(r, "r");
    require_not_null(out_flags, "out_flags");
    const std::size_t k = r->impl.marginal0->k();
    require_capacity(capacity, 2 * k, "capacity", "2 K");
    std::fill(out_flags, out_flags + 2 * k, 0);
    for (const gmmot::RelaxedDegeneracy &g : r->impl.degenerate)
      out_flags[2 * g.component + static_cast<std::size_t>(g.marginal)] =
          (g.weight_collapsed ? 1 : 0) | (g.covariance_collapsed ? 2 : 0);
    if (out_count != nullptr) *out_count = r->impl.degenerate.size();
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_relaxed_path(const gmmot_relaxed_t *r, double *out, size_t out_len,
                                 size_t *out_rows) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(r, "r");
    const std::vector<gmmot::RelaxedStageSummary> &p = r->impl.path;
    if (out != nullptr || out_len != 0) require_not_null(out, "out");
    if (out_rows != nullptr) *out_rows = p.size();
    if (out == nullptr) return GMMOT_OK;
    require_capacity(out_len, 8 * p.size(), "out_len", "8 * rows");
    for (std::size_t i = 0; i < p.size(); ++i) {
      const gmmot::RelaxedStageSummary &s = p[i];
      const double row[8] = {s.lambda,
                             s.energy,
                             s.transport,
                             s.ll0,
                             s.ll1,
                             s.penalty,
                             static_cast<double>(s.iterations),
                             s.converged ? 1.0 : 0.0};
      std::copy(row, row + 8, out + 8 * i);
    }
    return GMMOT_OK;
  });
}

}  // extern "C"
