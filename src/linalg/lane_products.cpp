// SPDX-License-Identifier: MIT
#include "linalg/lane_products.hpp"

#include <algorithm>
#include <cstddef>

#include "linalg/jacobi_lanes.hpp"
#include "linalg/vec4.hpp"
#include "util/simd.hpp"

namespace gmmot::linalg {
namespace {

using vec4::load;
using vec4::splat;
using vec4::store;
using vec4::v4;

constexpr int L = kJacobiLanes;
static_assert(L == vec4::kWidth, "the lane kernels use four-double vectors");

// How an operand is read: as stored, transposed, or one plain matrix broadcast to the lanes.
enum class Op { Lanes, LanesT, Shared };

template <Op O>
GMMOT_INLINE v4 entry(const double *a, std::size_t n, std::size_t i, std::size_t k) {
  if (O == Op::Shared) return splat(a[i + k * n]);
  if (O == Op::LanesT) return load(a + (k + i * n) * L);
  return load(a + (i + k * n) * L);
}

// Rows i0 .. i0+R-1, columns j0 .. j0+C-1 of c = op(a) op(b) over k < kend: R x C accumulators,
// each an independent chain of multiply-adds, to cover their latency.
template <int R, int C, Op A, Op B>
GMMOT_INLINE void block(std::size_t n, const double *a, const double *b, double *c, std::size_t i0,
                        std::size_t j0, std::size_t kend) {
  v4 acc[R][C];
  for (int r = 0; r < R; ++r)
    for (int q = 0; q < C; ++q) acc[r][q] = splat(0.0);
  for (std::size_t k = 0; k < kend; ++k) {
    v4 ak[R], bk[C];
    for (int r = 0; r < R; ++r) ak[r] = entry<A>(a, n, i0 + r, k);
    for (int q = 0; q < C; ++q)
      bk[q] = entry < B == Op::LanesT ? Op::Lanes : Op::LanesT > (b, n, j0 + q, k);
    for (int r = 0; r < R; ++r)
      for (int q = 0; q < C; ++q) acc[r][q] += ak[r] * bk[q];
  }
  for (int r = 0; r < R; ++r)
    for (int q = 0; q < C; ++q) store(c + ((i0 + r) + (j0 + q) * n) * L, acc[r][q]);
}

// Rows i0 .. i0+R-1 of c = op(a) op(b) for columns 0 .. j1-1, in blocks of C columns (the rest
// one by one): C is chosen so that a block keeps about eight independent accumulators.
template <int R, Op A, Op B>
GMMOT_INLINE void row_band(std::size_t n, const double *a, const double *b, double *c,
                           std::size_t i0, std::size_t j1, std::size_t kend) {
  constexpr int C = R >= 4 ? 2 : R == 3 ? 3 : R == 2 ? 4 : 8;
  std::size_t j = 0;
  for (; j + C <= j1; j += C) block<R, C, A, B>(n, a, b, c, i0, j, kend);
  for (; j < j1; ++j) block<R, 1, A, B>(n, a, b, c, i0, j, kend);
}

// c = op(a) op(b) in bands of four rows, the last one of the one to three left. Lower: a is
// lower triangular with a zero upper triangle, so a band's sums stop at k = its last row (the
// zero terms a band's upper rows add leave their sums' bits unchanged: an accumulator that
// starts at +0 never becomes -0). Sym: only the columns up to the band's last row (a superset
// of the lower triangle), then the upper triangle mirrored. Every entry is its own sum over k
// in order, whatever block computes it.
template <Op A, Op B, bool Lower, bool Sym>
GMMOT_INLINE void product(int n_, const double *a, const double *b, double *c) {
  const std::size_t n = static_cast<std::size_t>(n_);
  auto j1 = [&](std::size_t i_end) { return Sym ? std::min(n, i_end) : n; };
  auto kend = [&](std::size_t i_end) { return Lower ? i_end : n; };
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) row_band<4, A, B>(n, a, b, c, i, j1(i + 4), kend(i + 4));
  switch (n - i) {
    case 3:
      row_band<3, A, B>(n, a, b, c, i, j1(i + 3), kend(i + 3));
      break;
    case 2:
      row_band<2, A, B>(n, a, b, c, i, j1(i + 2), kend(i + 2));
      break;
    case 1:
      row_band<1, A, B>(n, a, b, c, i, j1(i + 1), kend(i + 1));
      break;
    default:
      break;
  }
  if (Sym)
    for (std::size_t jj = 1; jj < n; ++jj)
      for (std::size_t ii = 0; ii < jj; ++ii)
        store(c + (ii + jj * n) * L, load(c + (jj + ii * n) * L));
}

}  // namespace

GMMOT_CLONES void lanes_mul(int n, const double *a, const double *b, double *c) {
  product<Op::Lanes, Op::Lanes, false, false>(n, a, b, c);
}

GMMOT_CLONES void lanes_mul_shared_lower(int n, const double *s, const double *b, double *c) {
  product<Op::Shared, Op::Lanes, true, false>(n, s, b, c);
}

GMMOT_CLONES void lanes_gram(int n, const double *a, double *c) {
  product<Op::LanesT, Op::Lanes, false, true>(n, a, a, c);
}

GMMOT_CLONES void lanes_mul_bt_sym(int n, const double *a, const double *b, double *c) {
  product<Op::Lanes, Op::LanesT, false, true>(n, a, b, c);
}

GMMOT_CLONES void lanes_sym_square(int n, const double *a, double *c) {
  product<Op::Lanes, Op::Lanes, false, true>(n, a, a, c);
}

namespace {

// ---------------------------------------------------------------- the two-lane layout
// Entry (i, j) of lane l at [(i + j m) * 2 + l], m = n + n % 2 (jacobi_lanes.hpp): a vector
// holds rows i, i + 1 (i even) of both lanes. Padding rows are zero in the inputs and written
// as zero (or as the sums of zeros) in the results.

// (x0, x1) of p duplicated as (x0, x1, x0, x1): one 128-bit broadcast load.
GMMOT_INLINE v4 bcast2(const double *p) { return v4{p[0], p[1], p[0], p[1]}; }

// Rows 2 r0 .. 2 (r0 + R) - 1, columns j0 .. j0 + C - 1 of c = a op(b) over k < kend, with a in
// the two-lane layout (or, Shared, one plain padded m x m matrix for both lanes) and b's entry
// (k, j) of that lane broadcast over the row pair.
template <int R, int C, bool Shared, bool BT>
GMMOT_INLINE void block2(std::size_t n, std::size_t m, const double *a, const double *b, double *c,
                         std::size_t r0, std::size_t j0, std::size_t kend) {
  v4 acc[R][C];
  for (int r = 0; r < R; ++r)
    for (int q = 0; q < C; ++q) acc[r][q] = splat(0.0);
  for (std::size_t k = 0; k < kend; ++k) {
    v4 ak[R], bk[C];
    for (int r = 0; r < R; ++r) {
      const std::size_t i = 2 * (r0 + r);
      if (Shared) {
        const double *sk = a + i + k * m;  // rows i, i + 1
        ak[r] = GMMOT_SHUFFLE4(splat(sk[0]), splat(sk[1]), 0, 1, 4, 5);
      } else {
        ak[r] = load(a + (i + k * m) * 2);
      }
    }
    for (int q = 0; q < C; ++q)
      bk[q] = BT ? bcast2(b + ((j0 + q) + k * m) * 2) : bcast2(b + (k + (j0 + q) * m) * 2);
    for (int r = 0; r < R; ++r)
      for (int q = 0; q < C; ++q) acc[r][q] += ak[r] * bk[q];
  }
  for (int r = 0; r < R; ++r)
    for (int q = 0; q < C; ++q) store(c + (2 * (r0 + r) + (j0 + q) * m) * 2, acc[r][q]);
  (void)n;
}

// Row pairs r0 .. r0+R-1 of c = a op(b) for columns 0 .. j1-1, in blocks of C columns (the
// rest one by one): C is chosen so that a block keeps about eight independent accumulators.
template <int R, bool Shared, bool BT>
GMMOT_INLINE void row_band2(std::size_t n, std::size_t m, const double *a, const double *b,
                            double *c, std::size_t r0, std::size_t j1, std::size_t kend) {
  constexpr int C = R >= 4 ? 2 : R == 3 ? 3 : R == 2 ? 4 : 8;
  std::size_t j = 0;
  for (; j + C <= j1; j += C) block2<R, C, Shared, BT>(n, m, a, b, c, r0, j, kend);
  for (; j < j1; ++j) block2<R, 1, Shared, BT>(n, m, a, b, c, r0, j, kend);
}

// c = a op(b) in the two-lane layout, in bands of four row pairs, the last one of the one to
// three left. Shared: a is a plain padded m x m lower-triangular matrix (zero above the
// diagonal and in the padding), so a band's sums stop at k = its last row (+0 terms, as in
// product). Sym: only the columns up to the band's last row, then the lower entries mirrored.
// Every entry is its own sum over k in order, whatever block computes it.
template <bool Shared, bool BT, bool Sym>
GMMOT_INLINE void product2(int n_, const double *a, const double *b, double *c) {
  const std::size_t n = static_cast<std::size_t>(n_), m = n + (n & 1), pairs = m / 2;
  auto kend = [&](std::size_t r_end) { return Shared ? std::min(n, 2 * r_end) : n; };
  auto j1 = [&](std::size_t r_end) { return Sym ? std::min(n, 2 * r_end) : n; };
  std::size_t r = 0;
  for (; r + 4 <= pairs; r += 4) row_band2<4, Shared, BT>(n, m, a, b, c, r, j1(r + 4), kend(r + 4));
  switch (pairs - r) {
    case 3:
      row_band2<3, Shared, BT>(n, m, a, b, c, r, j1(r + 3), kend(r + 3));
      break;
    case 2:
      row_band2<2, Shared, BT>(n, m, a, b, c, r, j1(r + 2), kend(r + 2));
      break;
    case 1:
      row_band2<1, Shared, BT>(n, m, a, b, c, r, j1(r + 1), kend(r + 1));
      break;
    default:
      break;
  }
  if (Sym)
    for (std::size_t q = 0; q < n; ++q)
      for (std::size_t p = q + 1; p < n; ++p)
        __builtin_memcpy(c + (q + p * m) * 2, c + (p + q * m) * 2, 2 * sizeof(double));
}

}  // namespace

GMMOT_CLONES void lanes2_mul(int n, const double *a, const double *b, double *c) {
  product2<false, false, false>(n, a, b, c);
}

GMMOT_CLONES void lanes2_mul_shared_lower(int n, const double *s, const double *b, double *c) {
  product2<true, false, false>(n, s, b, c);
}

GMMOT_CLONES void lanes2_mul_bt_sym(int n, const double *a, const double *b, double *c) {
  product2<false, true, true>(n, a, b, c);
}

GMMOT_CLONES void lanes2_sym_square(int n, const double *a, double *c) {
  product2<false, false, true>(n, a, a, c);
}

GMMOT_CLONES void lanes2_gram(int n_, const double *a, double *at, double *c) {
  // a^T in the layout (a transpose costs n^2 moves), then the lower blocks of a^T a as a
  // product whose vectors run down the columns: no horizontal sums.
  const std::size_t n = static_cast<std::size_t>(n_), m = n + (n & 1);
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = 0; i < n; ++i)
      __builtin_memcpy(at + (i + j * m) * 2, a + (j + i * m) * 2, 2 * sizeof(double));
  product2<false, false, true>(n_, at, a, c);
}

}  // namespace gmmot::linalg
