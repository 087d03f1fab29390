// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "gmmot/maps.h"
#include "guard.hpp"
#include "handles.hpp"
#include "maps/transport_maps.hpp"
#include "staging.hpp"
#include "util/sizes.hpp"

using namespace gmmot::capi;

namespace {

// Checks the arguments shared by both maps; returns false for the n = 0 no-op.
bool check_map_arguments(const gmmot_mw2_t *p, std::size_t n, const double *x, const double *out,
                         std::size_t out_len) {
  require_not_null(p, "p");
  if (n == 0) return false;
  require_not_null(x, "x");
  require_not_null(out, "out");
  const std::size_t need = gmmot::checked_mul(n, p->impl.dim(), "n*d");
  require_capacity(out_len, need, "out_len", "n*d");
  const auto xb = reinterpret_cast<std::uintptr_t>(x), ob = reinterpret_cast<std::uintptr_t>(out);
  const std::uintptr_t bytes = need * sizeof(double);
  if (xb < ob + bytes && ob < xb + bytes) {
    reject(GMMOT_E_INVALID_ARGUMENT, "x and out overlap (they must be separate arrays)");
  }
  return true;
}

}  // namespace

const gmmot::TransportMaps &gmmot_mw2::maps(const gmmot::Context &ctx) const {
  return maps_.get([this, &ctx] { return gmmot::TransportMaps(impl, ctx); });
}

extern "C" {

GMMOT_API int gmmot_mw2_map_mean(const gmmot_mw2_t *p, size_t n, const double *x,
                                 const gmmot_options_t *opts, double *out,
                                 size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    if (!check_map_arguments(p, n, x, out, out_len)) return GMMOT_OK;
    const gmmot::Context ctx = context_of(opts);
    with_staging(ctx, n * p->impl.dim(), out,
                 [&](double *o) { p->maps(ctx).apply_mean(n, x, ctx, o); });
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_map_rand(const gmmot_mw2_t *p, size_t n, const double *x,
                                 const gmmot_options_t *opts, double *out,
                                 size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    if (!check_map_arguments(p, n, x, out, out_len)) return GMMOT_OK;
    const std::uint64_t seed = seed_of(opts);
    const gmmot::Context ctx = context_of(opts);
    with_staging(ctx, n * p->impl.dim(), out,
                 [&](double *o) { p->maps(ctx).apply_rand(n, x, seed, ctx, o); });
    return GMMOT_OK;
  });
}

}  // extern "C"
