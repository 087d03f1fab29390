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
// The two layouts (jacobi_lanes.hpp): Two = false, a vector holds entry (p, q) of four lanes;
// Two = true, rows 2 r, 2 r + 1 of entry column q of two lanes (position l: lane l & 1).
template <bool Two>
GMMOT_INLINE unsigned mask_of(v4i m) {
  unsigned r = 0;
  for (int l = 0; l < L; ++l)
    if (m[l]) r |= 1u << (Two ? (l & 1) : l);
  return r;
}
template <bool Two>
GMMOT_INLINE v4i lanes_of(unsigned m) {
  v4i r;
  for (int l = 0; l < L; ++l) r[l] = ((m >> (Two ? (l & 1) : l)) & 1u) ? -1 : 0;
  return r;
}
// The largest over the vector's rows, per lane (the two-lane halves folded, duplicated).
template <bool Two>
GMMOT_INLINE v4 fold_max(v4 x) {
  return Two ? vmax(x, GMMOT_SHUFFLE4(x, x, 2, 3, 0, 1)) : x;
}
// Which positions of the vector for row (pair) r of column q are on the diagonal.
template <bool Two>
GMMOT_INLINE v4i diagonal(std::size_t r, std::size_t q) {
  const long long on = -1;
  if (!Two) return r == q ? v4i{on, on, on, on} : v4i{0, 0, 0, 0};
  if (r != q / 2) return v4i{0, 0, 0, 0};
  return (q & 1) ? v4i{0, 0, on, on} : v4i{on, on, 0, 0};
}

// Off-diagonal cosines above this leave too slow a contraction (about n times the cosine per
// term): rotations (jacobi_lanes.hpp) pay more.
constexpr double kMaxCosine = 0.05;
// Columns whose root is below this fraction of the largest count as at most this large in the
// cosine test: their entries are rounding noise of forming g (a rank-deficient input), tiny in
// absolute terms however far from orthogonal.
constexpr double kNegligible = 1e-6;

template <bool Two>
GMMOT_INLINE unsigned near_diagonal(int n_, const double *g, double accuracy, unsigned lanes,
                                    int max_terms, double *x, double *work, int *terms) {
  const std::size_t n = static_cast<std::size_t>(n_);
  // Rows of a column (padded to even in the two-lane layout), vectors per column, doubles per
  // array, lanes.
  const std::size_t m = Two ? n + (n & 1) : n, rows = Two ? m / 2 : n;
  const std::size_t size = n * m * (Two ? 2 : L), w = Two ? 2 : L;
  double *inv = work, *y = inv + size, *z = y + size, *d = z + size;
  auto at = [&](std::size_t r, std::size_t q) {
    return Two ? (2 * r + q * m) * 2 : (r + q * n) * L;
  };
  const v4 zero = splat(0.0);
  // d: the roots of g's diagonal, w doubles per row (padding rows 0), so that row (pair) r's
  // vector is at d + 4 r in both layouts.
  for (std::size_t p = 0; p < m; ++p)
    for (std::size_t l = 0; l < w; ++l) {
      const double gpp = p < n ? g[(p + p * m) * w + l] : 0.0;
      d[p * w + l] = __builtin_sqrt(gpp > 0.0 ? gpp : 0.0);
    }
  v4 dmax = zero;
  for (std::size_t r = 0; r < rows; ++r) dmax = vmax(dmax, load(d + r * L));
  dmax = fold_max<Two>(dmax);
  const v4 floor = splat(kNegligible) * dmax;
  // The lanes too far from diagonal first: during Jacobi sweeps every lane usually is, and the
  // divisions below are then skipped.
  v4i too_far = v4i{0, 0, 0, 0};
  for (std::size_t q = 0; q < n; ++q) {
    const v4 dq = Two ? v4{d[2 * q], d[2 * q + 1], d[2 * q], d[2 * q + 1]} : load(d + q * L);
    const v4 cq = vmax(dq, floor);
    for (std::size_t r = 0; r < rows; ++r) {
      const v4 dp = load(d + r * L);
      const v4 e = diagonal<Two>(r, q) ? zero : load(g + at(r, q));
      too_far |= vabs(e) > splat(kMaxCosine) * vmax(dp, floor) * cq;
    }
    if ((lanes & ~mask_of<Two>(too_far)) == 0) {
      if (terms != nullptr) *terms = 0;
      return lanes & ((1u << w) - 1u);  // every lane given up; x unspecified
    }
  }
  for (std::size_t q = 0; q < n; ++q) {
    const v4 dq = Two ? v4{d[2 * q], d[2 * q + 1], d[2 * q], d[2 * q + 1]} : load(d + q * L);
    for (std::size_t r = 0; r < rows; ++r) {
      const v4 dp = load(d + r * L), den = dp + dq;
      const v4i pos = den > zero;
      const v4 wv = pos ? splat(1.0) / (pos ? den : splat(1.0)) : zero;
      store(inv + at(r, q), wv);
      const v4 e = diagonal<Two>(r, q) ? zero : load(g + at(r, q));
      store(y + at(r, q), e * wv);  // Y_1 = S(E), the Newton step from D
    }
  }
  unsigned active = lanes & ~mask_of<Two>(too_far), failed = lanes & mask_of<Two>(too_far);
  const v4 bound = splat(accuracy) * dmax;
  const v4 rounding = splat(2.0 * static_cast<double>(n) * __DBL_EPSILON__) * dmax;
  v4 prev = splat(__builtin_inf());
  int count = 0;
  while (active != 0 && count < max_terms) {
    ++count;
    if (Two)  // Y^2 (Y is symmetric)
      lanes2_sym_square(n_, y, z);
    else
      lanes_sym_square(n_, y, z);
    const v4i upd = lanes_of<Two>(active);
    v4 delta = zero;
    for (std::size_t q = 0; q < n; ++q) {
      for (std::size_t r = 0; r < rows; ++r) {
        const v4 e = diagonal<Two>(r, q) ? zero : load(g + at(r, q));
        const v4 old = load(y + at(r, q)), next = (e - load(z + at(r, q))) * load(inv + at(r, q));
        delta = vmax(delta, vabs(next - old));
        store(y + at(r, q), upd ? next : old);
      }
    }
    delta = fold_max<Two>(delta);
    // Converged: the change is at the rounding level of the terms, or the iteration contracts
    // (the change at least halved) and the error left, about the next change, which the
    // observed rate q = delta / prev puts near q delta, is within the accuracy (with a factor
    // 2 to spare); after the first term, whose rate is unknown, the change itself must be.
    // Too slow: no halving.
    const v4 left = count == 1 ? delta : 2.0 * delta * (delta / prev);
    const unsigned ok =
        mask_of<Two>((delta <= rounding) | ((left <= bound) & (delta <= 0.5 * prev)));
    const unsigned slow = ~ok & mask_of<Two>(delta > 0.5 * prev);
    failed |= active & slow;
    active &= ~(ok | slow);
    prev = delta;
  }
  failed |= active;
  for (std::size_t q = 0; q < n; ++q)
    for (std::size_t r = 0; r < rows; ++r) {
      const v4 yv = load(y + at(r, q));
      store(x + at(r, q), diagonal<Two>(r, q) ? yv + load(d + r * L) : yv);
    }
  if (terms != nullptr) *terms = count;
  return failed & ((1u << w) - 1u);
}

}  // namespace

GMMOT_CLONES unsigned near_diagonal_sqrt_lanes(int n, const double *g, double accuracy,
                                               unsigned lanes, int max_terms, double *x,
                                               double *work, int *terms) {
  return near_diagonal<false>(n, g, accuracy, lanes, max_terms, x, work, terms);
}

GMMOT_CLONES unsigned near_diagonal_sqrt_lanes2(int n, const double *g, double accuracy,
                                                unsigned lanes, int max_terms, double *x,
                                                double *work, int *terms) {
  return near_diagonal<true>(n, g, accuracy, lanes, max_terms, x, work, terms);
}

}  // namespace gmmot::linalg
