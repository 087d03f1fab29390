#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "gmmot/maps.h"
#include "guard.hpp"
#include "handles.hpp"
#include "maps/transport_maps.hpp"
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

// Runs compute(buffer) writing `count` doubles. Once the points are checked nothing but
// cancellation can stop the maps half-way, so compute writes straight into out unless ctx can
// cancel; then it writes into a staging copy, so that a cancelled call leaves out untouched.
template <class Compute>
void with_staging(const gmmot::Context &ctx, std::size_t count, double *out, Compute compute) {
  if (!ctx.progress && ctx.interrupt == nullptr) {
    compute(out);
    return;
  }
  std::vector<double> staged(count);
  compute(staged.data());
  std::copy(staged.begin(), staged.end(), out);
}

}  // namespace

extern "C" {

GMMOT_API int gmmot_mw2_map_mean(const gmmot_mw2_t *p, size_t n, const double *x, double *out,
                                 size_t out_len, const gmmot_options_t *opts) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    if (!check_map_arguments(p, n, x, out, out_len)) return GMMOT_OK;
    const gmmot::TransportMaps maps(p->impl);
    const gmmot::Context ctx = context_of(opts);
    with_staging(ctx, n * p->impl.dim(), out, [&](double *o) { maps.apply_mean(n, x, ctx, o); });
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_map_rand(const gmmot_mw2_t *p, size_t n, const double *x, uint64_t seed,
                                 double *out, size_t out_len,
                                 const gmmot_options_t *opts) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    if (!check_map_arguments(p, n, x, out, out_len)) return GMMOT_OK;
    const gmmot::TransportMaps maps(p->impl);
    const gmmot::Context ctx = context_of(opts);
    with_staging(ctx, n * p->impl.dim(), out,
                 [&](double *o) { maps.apply_rand(n, x, seed, ctx, o); });
    return GMMOT_OK;
  });
}

}  // extern "C"
