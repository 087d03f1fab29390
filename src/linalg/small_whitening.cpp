// SPDX-License-Identifier: MIT
#include "linalg/small_whitening.hpp"

#include <algorithm>
#include <cstddef>

#include "linalg/vec4.hpp"
#include "util/simd.hpp"

namespace gmmot::linalg {
namespace {

using vec4::load;
using vec4::splat;
using vec4::store;
using vec4::v4;

constexpr std::size_t W = vec4::kWidth;

GMMOT_INLINE double sum_of(v4 x) { return (x[0] + x[1]) + (x[2] + x[3]); }

// The inner product of padded columns x, y over rows from `from` (a multiple of four) to m.
GMMOT_INLINE double dot_from(std::size_t from, std::size_t m, const double *x, const double *y) {
  v4 acc = splat(0.0);
  for (std::size_t r = from; r < m; r += W) acc += load(x + r) * load(y + r);
  return sum_of(acc);
}

// dst[0 .. 4V) <- init[0 .. 4V) (zero if null) -/+ sum_{t < count} coef[t cs] src[t ss + ...]
// (Sub: minus), the terms in order t = 0, 1, ..., the V vectors in registers throughout.
template <int V, bool Sub>
GMMOT_INLINE void combine(double *dst, const double *init, const double *coef, std::size_t cs,
                          const double *src, std::size_t ss, std::size_t count) {
  v4 acc[V];
  for (int v = 0; v < V; ++v) acc[v] = init != nullptr ? load(init + W * v) : splat(0.0);
  for (std::size_t t = 0; t < count; ++t) {
    const v4 c = splat(coef[t * cs]);
    const double *p = src + t * ss;
    for (int v = 0; v < V; ++v)
      acc[v] = Sub ? acc[v] - c * load(p + W * v) : acc[v] + c * load(p + W * v);
  }
  for (int v = 0; v < V; ++v) store(dst + W * v, acc[v]);
}

// combine with V = vectors (1 .. kSmallWhiteningMax / 4) chosen at run time.
template <bool Sub>
GMMOT_INLINE void combine_n(std::size_t vectors, double *dst, const double *init,
                            const double *coef, std::size_t cs, const double *src, std::size_t ss,
                            std::size_t count) {
  static_assert(kSmallWhiteningMax == 64, "one case per vector count");
  switch (vectors) {
#define GMMOT_COMBINE_CASE(V) \
  case V:                     \
    return combine<V, Sub>(dst, init, coef, cs, src, ss, count);
    GMMOT_COMBINE_CASE(1)
    GMMOT_COMBINE_CASE(2)
    GMMOT_COMBINE_CASE(3)
    GMMOT_COMBINE_CASE(4)
    GMMOT_COMBINE_CASE(5)
    GMMOT_COMBINE_CASE(6)
    GMMOT_COMBINE_CASE(7)
    GMMOT_COMBINE_CASE(8)
    GMMOT_COMBINE_CASE(9)
    GMMOT_COMBINE_CASE(10)
    GMMOT_COMBINE_CASE(11)
    GMMOT_COMBINE_CASE(12)
    GMMOT_COMBINE_CASE(13)
    GMMOT_COMBINE_CASE(14)
    GMMOT_COMBINE_CASE(15)
    GMMOT_COMBINE_CASE(16)
#undef GMMOT_COMBINE_CASE
    default:
      return;
  }
}

}  // namespace

GMMOT_CLONES bool small_cholesky(int n_, double *a) {
  const std::size_t n = static_cast<std::size_t>(n_), m = static_cast<std::size_t>(small_rows(n_));
  // The padding rows are zeroed here rather than trusted: a failed call can leave NaN there (a
  // NaN below the diagonal times a zero padding entry), and callers reuse their buffers.
  for (std::size_t j = 0; j < n; ++j) std::fill(a + j * m + n, a + j * m + m, 0.0);
  // Left-looking: column j takes the updates of the columns before it, from the vector holding
  // row j down (the rows above j, upper triangle, are zeroed once the column is done, so they
  // never feed another column), then is scaled as dpotf2 does (by the reciprocal).
  for (std::size_t j = 0; j < n; ++j) {
    double *cj = a + j * m;
    const std::size_t from = j & ~(W - 1);
    combine_n<true>((m - from) / W, cj + from, cj + from, a + j, m, a + from, m, j);
    const double pivot = cj[j];
    if (!(pivot > 0.0)) return false;
    const double ljj = __builtin_sqrt(pivot);
    const v4 inv = splat(1.0 / ljj);
    for (std::size_t r = from; r < m; r += W) store(cj + r, load(cj + r) * inv);
    cj[j] = ljj;
    for (std::size_t r = 0; r < j; ++r) cj[r] = 0.0;
  }
  return true;
}

GMMOT_CLONES void small_ltl(int n_, const double *l, double *g) {
  const std::size_t n = static_cast<std::size_t>(n_), m = static_cast<std::size_t>(small_rows(n_));
  // G_ij = sum over rows r >= max(i, j) of L_ri L_rj; column i is zero above row i.
  for (std::size_t j = 0; j < n; ++j)
    for (std::size_t i = j; i < n; ++i)
      g[i + j * n] = g[j + i * n] = dot_from(i & ~(W - 1), m, l + i * m, l + j * m);
}

GMMOT_CLONES void small_whiten_square(int n_, const double *l, const double *k, double *z,
                                      double *x, double *s) {
  double col[kSmallWhiteningMax];
  const std::size_t n = static_cast<std::size_t>(n_), m = static_cast<std::size_t>(small_rows(n_));
  // Z L = K: column i of Z is (K_i - sum_{r > i} L_ri Z_r) / L_ii, the columns from the last
  // (K_i is row i of K, K being symmetric). The reciprocal of the pivot, as the BLAS's
  // triangular solves use.
  for (std::size_t i = n; i-- > 0;) {
    double *zi = z + i * m;
    combine_n<true>(m / W, zi, k + i * m, l + (i + 1) + i * m, 1, z + (i + 1) * m, m, n - 1 - i);
    const v4 inv = splat(1.0 / l[i + i * m]);
    for (std::size_t r = 0; r < m; r += W) store(zi + r, load(zi + r) * inv);
  }
  // S = X X^T with X = Z^T (padded, in x): column j from row j on is sum_c X_jc x_c.
  for (std::size_t c = 0; c < n; ++c)
    for (std::size_t r = 0; r < m; ++r) x[r + c * m] = r < n ? z[c + r * m] : 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t from = j & ~(W - 1);
    combine_n<false>((m - from) / W, col, nullptr, x + j, m, x + from, m, n);
    for (std::size_t i = j; i < n; ++i) s[i + j * n] = s[j + i * n] = col[i - from];
  }
}

}  // namespace gmmot::linalg
