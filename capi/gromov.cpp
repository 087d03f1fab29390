// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "gmmot/gromov.h"
#include "gromov/gaussian_gw.hpp"
#include "guard.hpp"
#include "handles.hpp"

using namespace gmmot::capi;

namespace {

// A plan that is not certified is still written. Only the step cap is a warning: a start that
// stalled (the objective no longer decreasing by the tolerance) ended normally, as POT's does.
int status_of(const gmmot_gw &gw, std::uint64_t cap) {
  if (gw.impl.stop != gmmot::FwStop::StepCap) return GMMOT_OK;
  return warn(GMMOT_W_NOT_CONVERGED,
              "the best start stopped at the Frank-Wolfe step cap (" + std::to_string(cap) +
                  ", GMMOT_OPT_GW_MAX_ITERATIONS) with relative gap " + gmmot::fmt(gw.impl.gap) +
                  " above GMMOT_OPT_GW_TOLERANCE: the plan is not certified stationary");
}

}  // namespace

extern "C" {

GMMOT_API int gmmot_mgw2_create(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                                const gmmot_options_t *opts, gmmot_gw_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(g0, "g0");
    require_not_null(g1, "g1");
    require_not_null(out, "out");
    const gmmot::GwOptions o = gw_options_of(opts);
    gmmot::Mgw2Result r = gmmot::mgw2(g0->impl, g1->impl, o, context_of(opts));
    auto gw = std::make_unique<gmmot_gw>(std::move(r.gw), std::move(r.d0), std::move(r.d1),
                                         g0->impl.k(), g1->impl.k());
    const int status = status_of(*gw, o.max_iterations);
    *out = gw.release();
    return status;
  });
}

GMMOT_API int gmmot_gw_create(size_t k0, const double *a, const double *c0, size_t k1,
                              const double *b, const double *c1, const gmmot_options_t *opts,
                              gmmot_gw_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    require_not_null(a, "a");
    require_not_null(b, "b");
    require_not_null(c0, "c0");
    require_not_null(c1, "c1");
    const gmmot::GwOptions o = gw_options_of(opts);
    const gmmot::GwProblem p(k0, a, c0, k1, b, c1);
    auto gw = std::make_unique<gmmot_gw>(gmmot::gromov_wasserstein(p, o, context_of(opts)), p.c0,
                                         p.c1, k0, k1);
    const int status = status_of(*gw, o.max_iterations);
    *out = gw.release();
    return status;
  });
}

GMMOT_API void gmmot_gw_destroy(gmmot_gw_t *gw) GMMOT_NOEXCEPT {
  clear_error();
  delete gw;
}

GMMOT_API int gmmot_gw_value(const gmmot_gw_t *gw, double *out_value,
                             double *out_sqrt_value) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(gw, "gw");
    if (out_value == nullptr && out_sqrt_value == nullptr) {
      reject(GMMOT_E_INVALID_ARGUMENT, "out_value and out_sqrt_value are both NULL");
    }
    const double v = gw->impl.value;
    if (out_value != nullptr) *out_value = v;
    if (out_sqrt_value != nullptr) *out_sqrt_value = std::sqrt(std::max(v, 0.0));
    return GMMOT_OK;
  });
}

GMMOT_API size_t gmmot_gw_rows(const gmmot_gw_t *gw) GMMOT_NOEXCEPT {
  clear_error();
  return gw != nullptr ? gw->k0 : 0;
}

GMMOT_API size_t gmmot_gw_cols(const gmmot_gw_t *gw) GMMOT_NOEXCEPT {
  clear_error();
  return gw != nullptr ? gw->k1 : 0;
}

GMMOT_API int gmmot_gw_copy_plan(const gmmot_gw_t *gw, double *out, size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(gw, "gw");
    require_not_null(out, "out");
    require_capacity(out_len, gw->impl.plan.size(), "out_len", "K0*K1");
    std::copy(gw->impl.plan.begin(), gw->impl.plan.end(), out);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_gw_copy_cost_matrices(const gmmot_gw_t *gw, double *out_d0, size_t d0_len,
                                          double *out_d1, size_t d1_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(gw, "gw");
    if (out_d0 == nullptr && out_d1 == nullptr) {
      reject(GMMOT_E_INVALID_ARGUMENT, "out_d0 and out_d1 are both NULL");
    }
    if (out_d0 != nullptr) require_capacity(d0_len, gw->c0.size(), "d0_len", "K0*K0");
    if (out_d1 != nullptr) require_capacity(d1_len, gw->c1.size(), "d1_len", "K1*K1");
    if (out_d0 != nullptr) std::copy(gw->c0.begin(), gw->c0.end(), out_d0);
    if (out_d1 != nullptr) std::copy(gw->c1.begin(), gw->c1.end(), out_d1);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_gw_info(const gmmot_gw_t *gw, uint64_t *out_iterations, double *out_gap,
                            int *out_certified, uint64_t *out_starts,
                            uint64_t *out_best_start) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(gw, "gw");
    const gmmot::GwResult &r = gw->impl;
    if (out_iterations != nullptr) *out_iterations = r.iterations;
    if (out_gap != nullptr) *out_gap = r.gap;
    if (out_certified != nullptr) *out_certified = r.certified ? 1 : 0;
    if (out_starts != nullptr) *out_starts = r.starts_tried;
    if (out_best_start != nullptr) *out_best_start = r.best_start;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_gaussian_gw(size_t m, const double *mean0, const double *cov0, size_t n,
                                const double *mean1, const double *cov1, double *out_ggw2,
                                double *out_a, size_t a_len, double *out_b,
                                size_t b_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(cov0, "cov0");
    require_not_null(cov1, "cov1");
    require_not_null(out_ggw2, "out_ggw2");
    if (out_a != nullptr && m > 0 && n > 0 && m <= 46340 && n <= 46340) {
      require_capacity(a_len, n * m, "a_len", "n*m");
      if (out_b != nullptr) require_capacity(b_len, n, "b_len", "n");
    }
    std::string sym;
    const gmmot::GaussianGw r =
        gmmot::gaussian_gromov_wasserstein(m, mean0, cov0, n, mean1, cov1, out_a != nullptr, &sym);
    *out_ggw2 = r.ggw2;
    if (out_a != nullptr) {
      std::copy(r.a.begin(), r.a.end(), out_a);
      if (out_b != nullptr) std::copy(r.b.begin(), r.b.end(), out_b);
    }
    return sym.empty() ? GMMOT_OK : warn(GMMOT_W_SYMMETRIZED, sym);
  });
}

}  // extern "C"
