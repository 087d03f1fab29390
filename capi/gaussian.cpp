// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <string>

#include "gaussian/gaussian_set.hpp"
#include "gmmot/gaussian.h"
#include "guard.hpp"
#include "handles.hpp"
#include "staging.hpp"
#include "util/sizes.hpp"

using namespace gmmot::capi;

namespace {

// GMMOT_OK, or the symmetrisation warning if validation produced one.
int ok_or_warning(const std::string &warning) {
  return warning.empty() ? GMMOT_OK : warn(GMMOT_W_SYMMETRIZED, warning);
}

// Checks the pointers of the Gaussian (m, s) named `m_name`/`s_name`, then validates and
// factors it in the core.
gmmot::CovFactor gaussian_input(int d, const double *m, const double *s, const char *m_name,
                                const char *s_name, std::string *warning) {
  require_not_null(m, m_name);
  require_not_null(s, s_name);
  return gmmot::make_gaussian(d, m, s, m_name, s_name, warning);
}

void copy(const std::vector<double> &v, double *out) { std::copy(v.begin(), v.end(), out); }

// Checks the pointers of J Gaussians for barycenter-type calls, then validates them in the core.
gmmot::GaussianSet gaussian_set(std::size_t j, int d, const double *weights, const double *means,
                                const double *covs) {
  if (j != 0) {  // J = 0 is reported by the core whatever the pointers
    require_not_null(weights, "weights");
    require_not_null(means, "means");
    require_not_null(covs, "covs");
  }
  return gmmot::make_gaussian_set(j, d, weights, means, covs);
}

}  // namespace

extern "C" {

GMMOT_API int gmmot_gaussian_w2_squared(size_t d, const double *m0, const double *s0,
                                        const double *m1, const double *s1,
                                        double *out_w2sq) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out_w2sq, "out_w2sq");
    const int di = gmmot::checked_dim(d);
    std::string sym;
    const auto f0 = gaussian_input(di, m0, s0, "m0", "s0", &sym);
    const auto f1 = gaussian_input(di, m1, s1, "m1", "s1", &sym);
    *out_w2sq = gmmot::gaussian_w2_squared(m0, f0, m1, f1);
    return ok_or_warning(sym);
  });
}

GMMOT_API int gmmot_gaussian_monge_map(size_t d, const double *m0, const double *s0,
                                       const double *m1, const double *s1, double *out_a,
                                       size_t a_len, double *out_b, size_t b_len,
                                       double *out_residual) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out_a, "out_a");
    require_not_null(out_b, "out_b");
    const int di = gmmot::checked_dim(d);
    require_capacity(a_len, d * d, "a_len", "d*d");
    require_capacity(b_len, d, "b_len", "d");
    std::string sym;
    const auto f0 = gaussian_input(di, m0, s0, "m0", "s0", &sym);
    const auto f1 = gaussian_input(di, m1, s1, "m1", "s1", &sym);
    const gmmot::AffineMap map = gmmot::gaussian_monge_map(m0, f0, m1, f1);
    copy(map.a, out_a);
    copy(map.b, out_b);
    if (out_residual != nullptr) *out_residual = map.residual;
    return ok_or_warning(sym);
  });
}

GMMOT_API int gmmot_gaussian_geodesic(size_t d, const double *m0, const double *s0,
                                      const double *m1, const double *s1, double t,
                                      double *out_mean, size_t mean_len, double *out_cov,
                                      size_t cov_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out_mean, "out_mean");
    require_not_null(out_cov, "out_cov");
    if (!(t >= 0.0 && t <= 1.0)) {
      reject(GMMOT_E_INVALID_ARGUMENT, "t is " + gmmot::fmt(t) + " (it must lie in [0, 1])");
    }
    const int di = gmmot::checked_dim(d);
    require_capacity(mean_len, d, "mean_len", "d");
    require_capacity(cov_len, d * d, "cov_len", "d*d");
    std::string sym;
    const auto f0 = gaussian_input(di, m0, s0, "m0", "s0", &sym);
    const auto f1 = gaussian_input(di, m1, s1, "m1", "s1", &sym);
    const gmmot::GaussianParams g = gmmot::gaussian_geodesic(m0, f0, m1, f1, t);
    copy(g.mean, out_mean);
    copy(g.cov, out_cov);
    return ok_or_warning(sym);
  });
}

GMMOT_API int gmmot_gaussian_barycenter(size_t j, size_t d, const double *weights,
                                        const double *means, const double *covs,
                                        const gmmot_options_t *opts, double *out_mean,
                                        size_t mean_len, double *out_cov, size_t cov_len,
                                        uint64_t *out_iterations,
                                        double *out_residual) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out_mean, "out_mean");
    require_not_null(out_cov, "out_cov");
    const int di = gmmot::checked_dim(d);
    require_capacity(mean_len, d, "mean_len", "d");
    require_capacity(cov_len, d * d, "cov_len", "d*d");
    const gmmot::GaussianSet set = gaussian_set(j, di, weights, means, covs);
    const gmmot::BarycenterResult r = gmmot::gaussian_barycenter(
        di, set.lambda, means, set.covs, barycenter_options_of(opts), context_of(opts));
    copy(r.gaussian.mean, out_mean);
    copy(r.gaussian.cov, out_cov);
    if (out_iterations != nullptr) *out_iterations = r.iterations;
    if (out_residual != nullptr) *out_residual = r.residual;
    if (!r.converged) {
      return warn(GMMOT_W_NOT_CONVERGED,
                  "the fixed point stopped after " + std::to_string(r.iterations) +
                      " iterations with residual " + gmmot::fmt(r.residual) +
                      " above the tolerance " + gmmot::fmt(barycenter_options_of(opts).tolerance) +
                      "; the best iterate was returned");
    }
    return ok_or_warning(set.warning);
  });
}

GMMOT_API int gmmot_gaussian_multimarginal_cost(size_t j, size_t d, const double *weights,
                                                const double *means, const double *covs,
                                                const gmmot_options_t *opts,
                                                double *out_cost) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out_cost, "out_cost");
    const int di = gmmot::checked_dim(d);
    const gmmot::GaussianSet set = gaussian_set(j, di, weights, means, covs);
    const gmmot::MultimarginalCost mm = gmmot::gaussian_multimarginal_cost(
        di, set, means, barycenter_options_of(opts), context_of(opts));
    const gmmot::BarycenterResult &r = mm.barycenter;
    *out_cost = mm.cost;
    if (!r.converged) {
      return warn(GMMOT_W_NOT_CONVERGED, "the barycenter fixed point stopped after " +
                                             std::to_string(r.iterations) +
                                             " iterations with residual " + gmmot::fmt(r.residual) +
                                             "; the cost of the best iterate was returned");
    }
    return ok_or_warning(set.warning);
  });
}

GMMOT_API int gmmot_w2_cost_matrix(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                                   const gmmot_options_t *opts, double *out,
                                   size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(g0, "g0");
    require_not_null(g1, "g1");
    require_not_null(out, "out");
    const gmmot::Gmm &a = g0->impl, &b = g1->impl;
    if (a.d() != b.d()) {
      gmmot::fail(gmmot::Errc::Dimension, "g0 has dimension " + std::to_string(a.d()) +
                                              " but g1 has dimension " + std::to_string(b.d()));
    }
    // Gelbrich's formula is W2 only between members of one elliptical family.
    gmmot::require_same_family(a.family(), "g0", b.family(), "g1");
    const std::size_t pairs = gmmot::checked_mul(a.k(), b.k(), "K0*K1");
    require_capacity(out_len, pairs, "out_len", "K0*K1");
    // Written in place unless the call can be cancelled (capi/staging.hpp): the core rules out
    // overflow before the first entry is written, so only cancellation can fail afterwards.
    const gmmot::Context ctx = context_of(opts);
    with_staging(ctx, pairs, out, [&](double *o) {
      gmmot::w2_cost_matrix(static_cast<int>(a.d()), a.means().data(), a.factors(),
                            b.means().data(), b.factors(), ctx, o);
    });
    return GMMOT_OK;
  });
}

}  // extern "C"
