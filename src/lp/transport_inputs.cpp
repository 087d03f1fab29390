// SPDX-License-Identifier: MIT
// Input validation shared by the exact and the entropic transport solvers.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "lp/transport.hpp"
#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {
namespace {

double checked_sum(std::size_t n, const double *w, const char *name) {
  if (n == 0) fail(Errc::Dimension, std::string(name) + " has 0 entries (at least 1 is needed)");
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    // The entry's name is built only on failure (a string per entry is slow at 2^28 entries).
    if (!std::isfinite(w[i])) {
      fail(Errc::NonFinite,
           std::string(name) + "[" + std::to_string(i) + "] is " + fmt(w[i]) + " (must be finite)");
    }
    if (w[i] < 0.0) {
      fail(Errc::Weights, std::string(name) + "[" + std::to_string(i) + "] is " + fmt(w[i]) +
                              " (weights must be >= 0)");
    }
    sum += w[i];
  }
  if (sum == 0.0) fail(Errc::Weights, std::string(name) + " is all zero (its mass must be > 0)");
  if (!std::isfinite(sum)) fail(Errc::Weights, std::string(name) + " sums to infinity");
  return sum;
}

}  // namespace

TransportWeights validated_transport_weights(std::size_t k0, std::size_t k1, const double *a,
                                             const double *b) {
  checked_mul(k0, k1, "K0*K1");
  const double sa = checked_sum(k0, a, "a");
  const double sb = checked_sum(k1, b, "b");
  if (std::fabs(sa - sb) > kMassTolerance * std::fmax(sa, sb)) {
    fail(Errc::Weights, "a sums to " + fmt(sa) + " but b sums to " + fmt(sb) +
                            " (the masses must agree within 1e-8 relative)");
  }
  TransportWeights w;
  w.a.assign(a, a + k0);
  w.b.assign(b, b + k1);
  const double scale = sa / sb;
  for (auto &x : w.b) x *= scale;
  w.mass = sa;
  return w;
}

void require_finite_costs(std::size_t k0, std::size_t k1, const double *cost) {
  // One branch-free integer pass (vectorised) finds that all are finite: the Frank-Wolfe steps'
  // costs are checked at every linear step. The exponent field plus one reaches 0x800 exactly for
  // infinities and NaNs. The loop below names the first that is not finite.
  std::uint64_t bad = 0;
  const std::size_t n = k0 * k1;
  for (std::size_t k = 0; k < n; ++k) {
    std::uint64_t bits;
    std::memcpy(&bits, cost + k, sizeof bits);
    bad |= ((bits >> 52) & 0x7ffU) + 1U;
  }
  if ((bad & 0x800U) == 0) return;
  for (std::size_t i = 0; i < k0; ++i) {
    for (std::size_t j = 0; j < k1; ++j) {
      const double c = cost[i * k1 + j];
      if (!std::isfinite(c)) {
        fail(Errc::NonFinite, "cost[" + std::to_string(i) + "][" + std::to_string(j) + "] is " +
                                  fmt(c) + " (costs must be finite)");
      }
    }
  }
}

void require_finite_result(const TransportResult &r) {
  if (!std::isfinite(r.cost)) {
    fail(Errc::Overflow,
         "the total cost sum_ij C_ij P_ij is " + fmt(r.cost) + " (it exceeds the largest double)");
  }
  for (std::size_t i = 0; i < r.u.size(); ++i) {
    if (!std::isfinite(r.u[i]))
      fail(Errc::Overflow, "the dual potential u[" + std::to_string(i) + "] is " + fmt(r.u[i]) +
                               " (it exceeds the largest double)");
  }
  for (std::size_t j = 0; j < r.v.size(); ++j) {
    if (!std::isfinite(r.v[j]))
      fail(Errc::Overflow, "the dual potential v[" + std::to_string(j) + "] is " + fmt(r.v[j]) +
                               " (it exceeds the largest double)");
  }
}

}  // namespace gmmot
