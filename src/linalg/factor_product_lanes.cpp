// SPDX-License-Identifier: MIT
#include "linalg/factor_product_lanes.hpp"

#include <algorithm>

#include "linalg/vec4.hpp"
#include "util/simd.hpp"

namespace gmmot::linalg {
namespace {

using vec4::load;
using vec4::store;
using vec4::v4;
using vec4::v4i;

constexpr int B = kBidiagLanes;
static_assert(B == vec4::kWidth, "the lane kernels use four-double vectors");
constexpr std::size_t kBlock = 3;  // the register block of factor_products_lanes (3 x 3)

// The IB x JB block of w at (i0, j0): IB + JB loads feed IB * JB independent multiply-add
// chains per k, all held in registers (3 x 3: 15 of AVX2's 16 vector registers).
template <int IB, int JB>
GMMOT_INLINE void block(int n, int k0, const double *xa, const double *xb, int i0, int j0,
                        double *w, v4 &mx) {
  const std::size_t sn = static_cast<std::size_t>(n);
  v4 acc[IB][JB];
  for (int ii = 0; ii < IB; ++ii)
    for (int jj = 0; jj < JB; ++jj) acc[ii][jj] = v4{};
  const double *pb = xb + (static_cast<std::size_t>(k0) + i0 * sn) * B;
  const double *pa = xa + (static_cast<std::size_t>(k0) + j0 * sn) * B;
  for (int k = k0; k < n; ++k, pa += B, pb += B) {
    v4 bv[IB], av[JB];
    for (int ii = 0; ii < IB; ++ii) bv[ii] = load(pb + ii * sn * B);
    for (int jj = 0; jj < JB; ++jj) av[jj] = load(pa + jj * sn * B);
    for (int ii = 0; ii < IB; ++ii)
      for (int jj = 0; jj < JB; ++jj) acc[ii][jj] += bv[ii] * av[jj];
  }
  for (int ii = 0; ii < IB; ++ii)
    for (int jj = 0; jj < JB; ++jj) {
      store(w + (static_cast<std::size_t>(i0 + ii) + (j0 + jj) * sn) * B, acc[ii][jj]);
      const v4 a = acc[ii][jj] < 0 ? -acc[ii][jj] : acc[ii][jj];
      mx = a > mx ? a : mx;
    }
}

template <int IB>
GMMOT_INLINE void block_row(int n, bool lower, const double *xa, const double *xb, int i0,
                            double *w, v4 &mx) {
  int j0 = 0;
  for (; j0 + 3 <= n; j0 += 3)
    block<IB, 3>(n, lower ? (i0 > j0 ? i0 : j0) : 0, xa, xb, i0, j0, w, mx);
  const int k0 = lower ? (i0 > j0 ? i0 : j0) : 0;
  if (n - j0 == 2) block<IB, 2>(n, k0, xa, xb, i0, j0, w, mx);
  if (n - j0 == 1) block<IB, 1>(n, k0, xa, xb, i0, j0, w, mx);
}

}  // namespace

// Entries [begin, end) of the four lanes: four at a time by four loads, a 4 x 4 transpose in
// registers and four stores.
GMMOT_INLINE void interleave_range(const double *const *f, std::size_t begin, std::size_t end,
                                   double *x) {
  const double *f0 = f[0], *f1 = f[1], *f2 = f[2], *f3 = f[3];
  std::size_t i = begin;
  for (; i + 4 <= end; i += 4) {
    const v4 r0 = load(f0 + i), r1 = load(f1 + i), r2 = load(f2 + i), r3 = load(f3 + i);
    const v4 t0 = GMMOT_SHUFFLE4(r0, r1, 0, 4, 2, 6);
    const v4 t1 = GMMOT_SHUFFLE4(r0, r1, 1, 5, 3, 7);
    const v4 t2 = GMMOT_SHUFFLE4(r2, r3, 0, 4, 2, 6);
    const v4 t3 = GMMOT_SHUFFLE4(r2, r3, 1, 5, 3, 7);
    store(x + i * B, GMMOT_SHUFFLE4(t0, t2, 0, 1, 4, 5));
    store(x + (i + 1) * B, GMMOT_SHUFFLE4(t1, t3, 0, 1, 4, 5));
    store(x + (i + 2) * B, GMMOT_SHUFFLE4(t0, t2, 2, 3, 6, 7));
    store(x + (i + 3) * B, GMMOT_SHUFFLE4(t1, t3, 2, 3, 6, 7));
  }
  for (; i < end; ++i) store(x + i * B, v4{f0[i], f1[i], f2[i], f3[i]});
}

GMMOT_CLONES void interleave_lanes(int n, const double *const *f, bool lower, double *x) {
  const std::size_t sn = static_cast<std::size_t>(n);
  if (!lower) {
    interleave_range(f, 0, sn * sn, x);
    return;
  }
  // Column j from row j - (kBlock - 1) on: the rows the lower-triangular product reads (block
  // starts its sum at the block's max(i0, j0) >= j - (kBlock - 1)); the factor's zeros above its
  // diagonal are copied with it, the rest of x is never read. Half the traffic of the full copy.
  // The ranges are widened to multiples of four entries (into the neighbouring columns, the
  // same values again) so that only the last one has a scalar tail.
  for (std::size_t j = 0; j < sn; ++j) {
    const std::size_t top = j >= kBlock - 1 ? j - (kBlock - 1) : 0;
    const std::size_t end = std::min(((j + 1) * sn + 3) & ~std::size_t{3}, sn * sn);
    interleave_range(f, (top + j * sn) & ~std::size_t{3}, end, x);
  }
}

GMMOT_CLONES void factor_products_lanes(int n, const double *xa, const double *xb, bool lower,
                                        double *w, double *max_abs) {
  v4 mx = {};
  int i0 = 0;
  for (; i0 + 3 <= n; i0 += 3) block_row<3>(n, lower, xa, xb, i0, w, mx);
  if (n - i0 == 2) block_row<2>(n, lower, xa, xb, i0, w, mx);
  if (n - i0 == 1) block_row<1>(n, lower, xa, xb, i0, w, mx);
  for (int l = 0; l < B; ++l) max_abs[l] = mx[l];
}

GMMOT_CLONES void lane_scale(std::size_t m, double *x, const double *f1, const double *f2) {
  const v4 a = load(f1), b = load(f2);
  for (std::size_t i = 0; i < m; ++i) store(x + i * B, (load(x + i * B) * a) * b);
}

}  // namespace gmmot::linalg
