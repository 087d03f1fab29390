// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "gmmot/mw2.h"
#include "guard.hpp"
#include "handles.hpp"
#include "plan_copies.hpp"
#include "relax/plans.hpp"
#include "util/sizes.hpp"

using namespace gmmot::capi;

namespace {

std::unique_ptr<gmmot_mw2> make_plan(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                                     const gmmot_options_t *opts) {
  require_not_null(g0, "g0");
  require_not_null(g1, "g1");
  if (g0->impl.d() != g1->impl.d()) {
    reject(GMMOT_E_DIMENSION, "g0 has dimension " + std::to_string(g0->impl.d()) +
                                  " but g1 has dimension " + std::to_string(g1->impl.d()));
  }
  // The plan shares the handles' mixtures: nothing is copied, and the plan stays valid after
  // the handles are destroyed.
  return std::make_unique<gmmot_mw2>(
      gmmot::Mw2Plan(g0->shared, g1->shared, transport_options_of(opts), context_of(opts)));
}

// Why the plan is only approximate, or "" (the entropic solver's cap).
std::string solver_warning(const gmmot_mw2 &p) {
  const auto &t = p.impl.transport();
  if (t.converged) return {};
  return "the entropic solver stopped at its cap of " + std::to_string(t.iterations) +
         " iterations with marginal error " + gmmot::fmt(t.marginal_error);
}

int status_of(const gmmot_mw2 &p) {
  const std::string w = solver_warning(p);
  return w.empty() ? GMMOT_OK : warn(GMMOT_W_NOT_CONVERGED, w);
}

int new_gmm(gmmot::Gmm &&g, gmmot_gmm_t **out) {
  *out = std::make_unique<gmmot_gmm>(std::make_shared<const gmmot::Gmm>(std::move(g))).release();
  return GMMOT_OK;
}

}  // namespace

extern "C" {

GMMOT_API int gmmot_mw2_create(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                               const gmmot_options_t *opts, gmmot_mw2_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    auto p = make_plan(g0, g1, opts);
    const int status = status_of(*p);
    *out = p.release();
    return status;
  });
}

GMMOT_API int gmmot_mw2_create_from_points(const double *points0, size_t n0, const double *points1,
                                           size_t n1, size_t d, const double *weights0,
                                           const double *weights1, const gmmot_options_t *opts,
                                           gmmot_mw2_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    if (n0 > 0 && d > 0) require_not_null(points0, "points0");
    if (n1 > 0 && d > 0) require_not_null(points1, "points1");
    const gmmot::PointCloud c0 = point_cloud(points0, n0, d, weights0);
    const gmmot::PointCloud c1 = point_cloud(points1, n1, d, weights1);
    gmmot::CloudsMw2 r = gmmot::mw2_between_clouds(c0, c1, em_options_of(opts),
                                                   transport_options_of(opts), context_of(opts));
    auto p = std::make_unique<gmmot_mw2>(std::move(r.plan));
    // Both causes in one message when both apply.
    std::string message = solver_warning(*p);
    if (!r.fit0.converged || !r.fit1.converged) {
      const char *which = !r.fit0.converged && !r.fit1.converged ? "points0 and points1"
                          : !r.fit0.converged                    ? "points0"
                                                                 : "points1";
      if (!message.empty()) message += "; ";
      message += std::string("the EM fit of ") + which +
                 " stopped at GMMOT_OPT_EM_MAX_ITERATIONS before the mean log-likelihood "
                 "settled (the best mixture seen is used)";
    }
    const int status = message.empty() ? GMMOT_OK : warn(GMMOT_W_NOT_CONVERGED, message);
    *out = p.release();
    return status;
  });
}

GMMOT_API void gmmot_mw2_destroy(gmmot_mw2_t *p) GMMOT_NOEXCEPT {
  clear_error();
  delete p;
}

GMMOT_API int gmmot_mw2_squared(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1,
                                const gmmot_options_t *opts, double *out_mw2sq) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out_mw2sq, "out_mw2sq");
    auto p = make_plan(g0, g1, opts);
    const int status = status_of(*p);
    *out_mw2sq = p->impl.mw2_squared();
    return status;
  });
}

GMMOT_API int gmmot_mw2_distance(const gmmot_mw2_t *p, double *out_mw2sq,
                                 double *out_mw2) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(p, "p");
    if (out_mw2sq == nullptr && out_mw2 == nullptr) {
      reject(GMMOT_E_INVALID_ARGUMENT, "out_mw2sq and out_mw2 are both NULL");
    }
    const double sq = p->impl.mw2_squared();
    if (out_mw2sq != nullptr) *out_mw2sq = sq;
    if (out_mw2 != nullptr) *out_mw2 = std::sqrt(std::max(sq, 0.0));
    return GMMOT_OK;
  });
}

GMMOT_API size_t gmmot_mw2_rows(const gmmot_mw2_t *p) GMMOT_NOEXCEPT {
  clear_error();
  return p != nullptr ? p->impl.source().k() : 0;
}

GMMOT_API size_t gmmot_mw2_cols(const gmmot_mw2_t *p) GMMOT_NOEXCEPT {
  clear_error();
  return p != nullptr ? p->impl.target().k() : 0;
}

GMMOT_API size_t gmmot_mw2_dim(const gmmot_mw2_t *p) GMMOT_NOEXCEPT {
  clear_error();
  return p != nullptr ? p->impl.dim() : 0;
}

GMMOT_API size_t gmmot_mw2_nnz(const gmmot_mw2_t *p) GMMOT_NOEXCEPT {
  clear_error();
  return p != nullptr ? p->impl.transport().plan.size() : 0;
}

GMMOT_API int gmmot_mw2_copy_cost_matrix(const gmmot_mw2_t *p, double *out,
                                         size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(p, "p");
    require_not_null(out, "out");
    const auto &c = p->impl.cost_matrix();
    require_capacity(out_len, c.size(), "out_len", "K0*K1");
    std::copy(c.begin(), c.end(), out);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_copy_plan(const gmmot_mw2_t *p, double *out,
                                  size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(p, "p");
    copy_dense_plan(p->impl.transport(), p->impl.source().k(), p->impl.target().k(), out, out_len);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_copy_sparse_plan(const gmmot_mw2_t *p, size_t *out_rows, size_t *out_cols,
                                         double *out_mass, size_t triplets_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(p, "p");
    copy_sparse_plan(p->impl.transport(), out_rows, out_cols, out_mass, triplets_len);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_copy_duals(const gmmot_mw2_t *p, double *out_u, size_t u_len, double *out_v,
                                   size_t v_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(p, "p");
    if (!p->impl.solved()) {
      // Empty duals copied out would leave the caller's arrays unwritten with GMMOT_OK: refuse.
      reject(GMMOT_E_INVALID_ARGUMENT,
             "p is a given plan (gmmot_relaxed_plan), not a solved one: it has no dual potentials");
    }
    copy_duals(p->impl.transport(), out_u, u_len, out_v, v_len);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_info(const gmmot_mw2_t *p, uint64_t *out_iterations,
                             double *out_marginal_error) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(p, "p");
    copy_info(p->impl.transport(), out_iterations, out_marginal_error);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_coupling(const gmmot_mw2_t *p, gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(p, "p");
    require_not_null(out, "out");
    return new_gmm(p->impl.coupling(), out);
  });
}

GMMOT_API int gmmot_mw2_geodesic(const gmmot_mw2_t *p, double t, gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(p, "p");
    require_not_null(out, "out");
    if (!(t >= 0.0 && t <= 1.0)) {
      reject(GMMOT_E_INVALID_ARGUMENT, "t is " + gmmot::fmt(t) + " (must be in [0, 1])");
    }
    return new_gmm(p->impl.geodesic(t), out);
  });
}

GMMOT_API int gmmot_mw2_copy_pair_maps(const gmmot_mw2_t *p, double *out_a, size_t a_len,
                                       double *out_b, size_t b_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(p, "p");
    require_not_null(out_a, "out_a");
    require_not_null(out_b, "out_b");
    const std::size_t nnz = p->impl.transport().plan.size(), d = p->impl.dim();
    require_capacity(a_len, gmmot::checked_mul(nnz, d * d, "nnz*d*d"), "a_len", "nnz*d*d");
    require_capacity(b_len, gmmot::checked_mul(nnz, d, "nnz*d"), "b_len", "nnz*d");
    const std::vector<gmmot::PairMap> &maps = p->impl.pair_maps();  // computed once per plan
    for (std::size_t n = 0; n < maps.size(); ++n) {
      if (!maps[n].exists) {
        const auto &e = p->impl.transport().plan[n];
        reject(GMMOT_E_NO_MAP, "no Monge map exists for the pair (k, l) = (" + std::to_string(e.i) +
                                   ", " + std::to_string(e.j) + ") (plan entry " +
                                   std::to_string(n) + "): source component " +
                                   std::to_string(e.i) +
                                   " is singular and its range does not contain the target's");
      }
    }
    for (std::size_t n = 0; n < maps.size(); ++n) {
      std::copy(maps[n].map.a.begin(), maps[n].map.a.end(), out_a + n * d * d);
      std::copy(maps[n].map.b.begin(), maps[n].map.b.end(), out_b + n * d);
    }
    return GMMOT_OK;
  });
}

}  // extern "C"
