// SPDX-License-Identifier: MIT
#include "linalg/lane_products.hpp"

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

// c = op(a) op(b). Lower: a is lower triangular with a zero upper triangle, so the sum for rows
// i0 .. i0+3 stops at k = i0 + 3. Sym: only the blocks meeting the lower triangle, then the
// upper triangle mirrored.
template <Op A, Op B, bool Lower, bool Sym>
GMMOT_INLINE void product(int n_, const double *a, const double *b, double *c) {
  const std::size_t n = static_cast<std::size_t>(n_);
  std::size_t j = 0;
  for (; j + 2 <= n; j += 2) {
    std::size_t i = Sym ? j - j % 4 : 0;
    for (; i + 4 <= n; i += 4) block<4, 2, A, B>(n, a, b, c, i, j, Lower ? i + 4 : n);
    for (; i < n; ++i) block<1, 2, A, B>(n, a, b, c, i, j, Lower ? i + 1 : n);
  }
  for (; j < n; ++j) {
    std::size_t i = Sym ? j - j % 4 : 0;
    for (; i + 4 <= n; i += 4) block<4, 1, A, B>(n, a, b, c, i, j, Lower ? i + 4 : n);
    for (; i < n; ++i) block<1, 1, A, B>(n, a, b, c, i, j, Lower ? i + 1 : n);
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

}  // namespace gmmot::linalg
