// SPDX-License-Identifier: MIT
#include "linalg/near_diagonal_sqrt.hpp"

#include <cstddef>

#include "linalg/jacobi_lanes.hpp"
#include "linalg/lane_products.hpp"
#include "linalg/vec4.hpp"
#include "util/simd.hpp"

namespace gmmot::linalg {
namespace {

using vec4::load;
using vec4::splat;
using vec4::store;
using vec4::v4;
using vec4::v4i;
using vec4::vabs;

constexpr int L = kJacobiLanes;
static_assert(L == vec4::kWidth, "the lane kernels use four-double vectors");

GMMOT_INLINE v4 vmax(v4 a, v4 b) { return a > b ? a : b; }
GMMOT_INLINE v4 bcast2_local(const double *p) { return v4{p[0], p[1], p[0], p[1]}; }
GMMOT_INLINE unsigned mask_of(v4i m) {
  unsigned r = 0;
  for (int l = 0; l < L; ++l)
    if (m[l]) r |= 1u << l;
  return r;
}
GMMOT_INLINE v4i lanes_of(unsigned m) {
  v4i r;
  for (int l = 0; l < L; ++l) r[l] = ((m >> l) & 1u) ? -1 : 0;
  return r;
}

// Off-diagonal cosines above this leave too slow a contraction (about n times the cosine per
// term): rotations (jacobi_lanes.hpp) pay more.
constexpr double kMaxCosine = 0.05;
// Columns whose root is below this fraction of the largest count as at most this large in the
// cosine test: their entries are rounding noise of forming g (a rank-deficient input), tiny in
// absolute terms however far from orthogonal.
constexpr double kNegligible = 1e-6;

}  // namespace

GMMOT_CLONES unsigned near_diagonal_sqrt_lanes(int n_, const double *g, double accuracy,
                                               unsigned lanes, int max_terms, double *x,
                                               double *work, int *terms) {
  const std::size_t n = static_cast<std::size_t>(n_), nn = n * n;
  double *inv = work, *y = inv + nn * L, *z = y + nn * L, *d = z + nn * L;
  const v4 zero = splat(0.0);
  v4 dmax = zero;
  for (std::size_t p = 0; p < n; ++p) {
    v4 dp;
    const v4 gpp = load(g + (p + p * n) * L);
    for (int l = 0; l < L; ++l) dp[l] = __builtin_sqrt(gpp[l] > 0.0 ? gpp[l] : 0.0);
    store(d + p * L, dp);
    dmax = vmax(dmax, dp);
  }
  const v4 floor = splat(kNegligible) * dmax;
  v4i too_far = v4i{0, 0, 0, 0};
  for (std::size_t q = 0; q < n; ++q) {
    const v4 dq = load(d + q * L), cq = vmax(dq, floor);
    for (std::size_t p = 0; p < n; ++p) {
      const std::size_t at = (p + q * n) * L;
      const v4 dp = load(d + p * L), den = dp + dq;
      const v4i pos = den > zero;
      const v4 w = pos ? splat(1.0) / (pos ? den : splat(1.0)) : zero;
      store(inv + at, w);
      const v4 e = p == q ? zero : load(g + at);
      store(y + at, e * w);  // Y_1 = S(E), the Newton step from D
      too_far |= vabs(e) > splat(kMaxCosine) * vmax(dp, floor) * cq;
    }
  }
  unsigned active = lanes & ~mask_of(too_far), failed = lanes & mask_of(too_far);
  const v4 bound = splat(accuracy) * dmax;
  const v4 rounding = splat(2.0 * static_cast<double>(n) * __DBL_EPSILON__) * dmax;
  v4 prev = splat(__builtin_inf());
  int count = 0;
  while (active != 0 && count < max_terms) {
    ++count;
    lanes_mul_bt_sym(n_, y, y, z);  // Y^2 (Y is symmetric)
    const v4i upd = lanes_of(active);
    v4 delta = zero;
    for (std::size_t q = 0; q < n; ++q) {
      for (std::size_t p = 0; p < n; ++p) {
        const std::size_t at = (p + q * n) * L;
        const v4 e = p == q ? zero : load(g + at);
        const v4 old = load(y + at), next = (e - load(z + at)) * load(inv + at);
        delta = vmax(delta, vabs(next - old));
        store(y + at, upd ? next : old);
      }
    }
    // Converged: the change is at the rounding level of the terms, or the iteration contracts
    // (the change at least halved) and the error left, about the next change, which the
    // observed rate q = delta / prev puts near q delta, is within the accuracy (with a factor
    // 2 to spare); after the first term, whose rate is unknown, the change itself must be.
    // Too slow: no halving.
    const v4 left = count == 1 ? delta : 2.0 * delta * (delta / prev);
    const unsigned ok = mask_of((delta <= rounding) | ((left <= bound) & (delta <= 0.5 * prev)));
    const unsigned slow = ~ok & mask_of(delta > 0.5 * prev);
    failed |= active & slow;
    active &= ~(ok | slow);
    prev = delta;
  }
  failed |= active;
  for (std::size_t q = 0; q < n; ++q) {
    for (std::size_t p = 0; p < n; ++p) {
      const std::size_t at = (p + q * n) * L;
      const v4 yv = load(y + at);
      store(x + at, p == q ? yv + load(d + p * L) : yv);
    }
  }
  if (terms != nullptr) *terms = count;
  return failed;
}

namespace {

// Two-lane layout helpers: vector position l holds lane l & 1.
GMMOT_INLINE unsigned mask2_of(v4i m) {
  unsigned r = 0;
  for (int l = 0; l < L; ++l)
    if (m[l]) r |= 1u << (l & 1);
  return r;
}
GMMOT_INLINE v4i lanes2_of(unsigned m) {
  v4i r;
  for (int l = 0; l < L; ++l) r[l] = ((m >> (l & 1)) & 1u) ? -1 : 0;
  return r;
}
// The larger of the two row halves, duplicated: (max(x0, x2), max(x1, x3)) twice.
GMMOT_INLINE v4 fold_max(v4 x) { return vmax(x, GMMOT_SHUFFLE4(x, x, 2, 3, 0, 1)); }

}  // namespace

GMMOT_CLONES unsigned near_diagonal_sqrt_lanes2(int n_, const double *g, double accuracy,
                                                unsigned lanes, int max_terms, double *x,
                                                double *work, int *terms) {
  const std::size_t n = static_cast<std::size_t>(n_), m = n + (n & 1), pairs = m / 2;
  const std::size_t size = n * m * 2;  // doubles per array
  double *inv = work, *y = inv + size, *z = y + size, *d = z + size;
  const v4 zero = splat(0.0);
  // d: rows 2 r, 2 r + 1 of both lanes per row pair r (padding 0); dq: column q's, duplicated.
  v4 dmax = zero;
  for (std::size_t p = 0; p < m; ++p) {
    for (int l = 0; l < 2; ++l) {
      const double gpp = p < n ? g[(p + p * m) * 2 + l] : 0.0;
      d[p * 2 + l] = __builtin_sqrt(gpp > 0.0 ? gpp : 0.0);
    }
  }
  for (std::size_t r = 0; r < pairs; ++r) dmax = vmax(dmax, load(d + r * 4));
  dmax = fold_max(dmax);
  const v4 floor = splat(kNegligible) * dmax;
  v4i too_far = v4i{0, 0, 0, 0};
  for (std::size_t q = 0; q < n; ++q) {
    const v4 dq = bcast2_local(d + q * 2), cq = vmax(dq, floor);
    const std::size_t rq = q / 2;
    const v4i diag = (q & 1) ? v4i{0, 0, -1, -1} : v4i{-1, -1, 0, 0};
    for (std::size_t r = 0; r < pairs; ++r) {
      const std::size_t at = (2 * r + q * m) * 2;
      const v4 dp = load(d + r * 4), den = dp + dq;
      const v4i pos = den > zero;
      const v4 w = pos ? splat(1.0) / (pos ? den : splat(1.0)) : zero;
      store(inv + at, w);
      const v4 gv = load(g + at);
      const v4 e = r == rq ? (diag ? zero : gv) : gv;
      store(y + at, e * w);  // Y_1 = S(E), the Newton step from D
      too_far |= vabs(e) > splat(kMaxCosine) * vmax(dp, floor) * cq;
    }
  }
  unsigned active = lanes & ~mask2_of(too_far), failed = lanes & mask2_of(too_far);
  const v4 bound = splat(accuracy) * dmax;
  const v4 rounding = splat(2.0 * static_cast<double>(n) * __DBL_EPSILON__) * dmax;
  v4 prev = splat(__builtin_inf());
  int count = 0;
  while (active != 0 && count < max_terms) {
    ++count;
    lanes2_mul_bt_sym(n_, y, y, z);  // Y^2 (Y is symmetric)
    const v4i upd = lanes2_of(active);
    v4 delta = zero;
    for (std::size_t q = 0; q < n; ++q) {
      const std::size_t rq = q / 2;
      const v4i diag = (q & 1) ? v4i{0, 0, -1, -1} : v4i{-1, -1, 0, 0};
      for (std::size_t r = 0; r < pairs; ++r) {
        const std::size_t at = (2 * r + q * m) * 2;
        const v4 gv = load(g + at);
        const v4 e = r == rq ? (diag ? zero : gv) : gv;
        const v4 old = load(y + at), next = (e - load(z + at)) * load(inv + at);
        delta = vmax(delta, vabs(next - old));
        store(y + at, upd ? next : old);
      }
    }
    delta = fold_max(delta);
    // As in near_diagonal_sqrt_lanes.
    const v4 left = count == 1 ? delta : 2.0 * delta * (delta / prev);
    const unsigned ok = mask2_of((delta <= rounding) | ((left <= bound) & (delta <= 0.5 * prev)));
    const unsigned slow = ~ok & mask2_of(delta > 0.5 * prev);
    failed |= active & slow;
    active &= ~(ok | slow);
    prev = delta;
  }
  failed |= active;
  for (std::size_t q = 0; q < n; ++q) {
    const std::size_t rq = q / 2;
    const v4i diag = (q & 1) ? v4i{0, 0, -1, -1} : v4i{-1, -1, 0, 0};
    for (std::size_t r = 0; r < pairs; ++r) {
      const std::size_t at = (2 * r + q * m) * 2;
      const v4 yv = load(y + at);
      store(x + at, r == rq ? (diag ? yv + load(d + r * 4) : yv) : yv);
    }
  }
  if (terms != nullptr) *terms = count;
  return failed & 3u;
}

}  // namespace gmmot::linalg
