// SPDX-License-Identifier: MIT
#include <algorithm>
#include <memory>

#include "gmmot/transport.h"
#include "guard.hpp"
#include "handles.hpp"
#include "plan_copies.hpp"
#include "util/sizes.hpp"

using namespace gmmot::capi;

namespace {

int solve(std::size_t k0, std::size_t k1, const double *a, const double *b, const double *cost,
          const double *u0, const double *v0, const gmmot_options_t *opts,
          gmmot_transport_t **out) {
  require_not_null(a, "a");
  require_not_null(b, "b");
  require_not_null(cost, "cost");
  require_not_null(out, "out");
  auto t = std::make_unique<gmmot_transport>();
  t->k0 = k0;
  t->k1 = k1;
  t->impl = gmmot::transport_solve(k0, k1, a, b, cost, transport_options_of(opts), context_of(opts),
                                   u0, v0);
  const bool converged = t->impl.converged;
  const double err = t->impl.marginal_error;
  const std::uint64_t iterations = t->impl.iterations;
  *out = t.release();
  if (!converged) {
    return warn(GMMOT_W_NOT_CONVERGED, "the entropic solver stopped at its cap of " +
                                           std::to_string(iterations) +
                                           " iterations with marginal error " + gmmot::fmt(err));
  }
  return GMMOT_OK;
}

}  // namespace

namespace gmmot::capi {

// Shared by the transport and MW2 getters: the dense plan, the triplets, the duals.
void copy_dense_plan(const TransportResult &r, std::size_t k0, std::size_t k1, double *out,
                     std::size_t out_len) {
  require_not_null(out, "out");
  const std::size_t n = checked_mul(k0, k1, "K0*K1");
  require_capacity(out_len, n, "out_len", "K0*K1");
  std::fill(out, out + n, 0.0);
  for (const PlanEntry &e : r.plan) out[e.i * k1 + e.j] = e.mass;
}

void copy_sparse_plan(const TransportResult &r, std::size_t *out_rows, std::size_t *out_cols,
                      double *out_mass, std::size_t triplets_len) {
  if (out_rows != nullptr || out_cols != nullptr || out_mass != nullptr)
    require_capacity(triplets_len, r.plan.size(), "triplets_len", "nnz");
  for (std::size_t n = 0; n < r.plan.size(); ++n) {
    if (out_rows != nullptr) out_rows[n] = r.plan[n].i;
    if (out_cols != nullptr) out_cols[n] = r.plan[n].j;
    if (out_mass != nullptr) out_mass[n] = r.plan[n].mass;
  }
}

void copy_duals(const TransportResult &r, double *out_u, std::size_t u_len, double *out_v,
                std::size_t v_len) {
  if (out_u != nullptr) require_capacity(u_len, r.u.size(), "u_len", "K0");
  if (out_v != nullptr) require_capacity(v_len, r.v.size(), "v_len", "K1");
  if (out_u != nullptr) std::copy(r.u.begin(), r.u.end(), out_u);
  if (out_v != nullptr) std::copy(r.v.begin(), r.v.end(), out_v);
}

void copy_info(const TransportResult &r, std::uint64_t *iterations, double *marginal_error) {
  if (iterations != nullptr) *iterations = r.iterations;
  if (marginal_error != nullptr) *marginal_error = r.marginal_error;
}

}  // namespace gmmot::capi

extern "C" {

GMMOT_API int gmmot_transport_solve(size_t k0, size_t k1, const double *a, const double *b,
                                    const double *cost, const gmmot_options_t *opts,
                                    gmmot_transport_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] { return solve(k0, k1, a, b, cost, nullptr, nullptr, opts, out); });
}

GMMOT_API int gmmot_transport_solve_warm(size_t k0, size_t k1, const double *a, const double *b,
                                         const double *cost, const double *u0, const double *v0,
                                         const gmmot_options_t *opts,
                                         gmmot_transport_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(u0, "u0");
    require_not_null(v0, "v0");
    return solve(k0, k1, a, b, cost, u0, v0, opts, out);
  });
}

GMMOT_API void gmmot_transport_destroy(gmmot_transport_t *t) GMMOT_NOEXCEPT {
  clear_error();
  delete t;
}

GMMOT_API size_t gmmot_transport_rows(const gmmot_transport_t *t) GMMOT_NOEXCEPT {
  clear_error();
  return t != nullptr ? t->k0 : 0;
}

GMMOT_API size_t gmmot_transport_cols(const gmmot_transport_t *t) GMMOT_NOEXCEPT {
  clear_error();
  return t != nullptr ? t->k1 : 0;
}

GMMOT_API size_t gmmot_transport_nnz(const gmmot_transport_t *t) GMMOT_NOEXCEPT {
  clear_error();
  return t != nullptr ? t->impl.plan.size() : 0;
}

GMMOT_API int gmmot_transport_cost(const gmmot_transport_t *t, double *out_cost) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(t, "t");
    require_not_null(out_cost, "out_cost");
    *out_cost = t->impl.cost;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_transport_copy_plan(const gmmot_transport_t *t, double *out,
                                        size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(t, "t");
    copy_dense_plan(t->impl, t->k0, t->k1, out, out_len);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_transport_copy_sparse_plan(const gmmot_transport_t *t, size_t *out_rows,
                                               size_t *out_cols, double *out_mass,
                                               size_t triplets_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(t, "t");
    copy_sparse_plan(t->impl, out_rows, out_cols, out_mass, triplets_len);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_transport_copy_duals(const gmmot_transport_t *t, double *out_u, size_t u_len,
                                         double *out_v, size_t v_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(t, "t");
    copy_duals(t->impl, out_u, u_len, out_v, v_len);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_transport_info(const gmmot_transport_t *t, uint64_t *out_iterations,
                                   double *out_marginal_error) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(t, "t");
    copy_info(t->impl, out_iterations, out_marginal_error);
    return GMMOT_OK;
  });
}

}  // extern "C"
