// SPDX-License-Identifier: MIT
#include "linalg/bidiag_lanes.hpp"

#include <cstddef>
#include <utility>

#include "linalg/vec4.hpp"
#include "util/simd.hpp"

namespace gmmot::linalg {
namespace {

using vec4::load;
using vec4::store;
using vec4::v4;
using vec4::v4i;

constexpr int L = kBidiagLanes;
static_assert(L == vec4::kWidth, "the lane kernels use four-double vectors");

// Householder reflector of the m entries x[0], x[stride], ... of every lane (dlarfg's
// convention, as the one-matrix code had): on return x[i * stride] (i >= 1) holds v_i
// (v_0 = 1), tau is set, and the function returns beta with (I - tau v v^T) x = beta e1.
// A lane whose x[1..] squares to zero gets tau = 0, beta = x[0] and v = 0.
GMMOT_INLINE v4 householder(double *x, int m, std::size_t stride, v4 &tau) {
  const v4 zero = {0.0, 0.0, 0.0, 0.0};
  v4 sq0 = zero, sq1 = zero;
  int i = 1;
  for (; i + 1 < m; i += 2) {
    const v4 a = load(x + i * stride), b = load(x + (i + 1) * stride);
    sq0 += a * a;
    sq1 += b * b;
  }
  if (i < m) {
    const v4 a = load(x + i * stride);
    sq0 += a * a;
  }
  const v4 sq = sq0 + sq1;
  const v4 alpha = load(x);
  v4 norm;
  for (int l = 0; l < L; ++l) norm[l] = __builtin_sqrt(alpha[l] * alpha[l] + sq[l]);
  const v4 beta = alpha >= zero ? -norm : norm;
  const v4i none = sq == zero;
  // In a lane without a reflector alpha - beta may be 0: the quotients there are discarded.
  const v4 safe_beta = none ? v4{1.0, 1.0, 1.0, 1.0} : beta;
  const v4 safe_diff = none ? v4{1.0, 1.0, 1.0, 1.0} : alpha - beta;
  tau = none ? zero : (beta - alpha) / safe_beta;
  const v4 scale = none ? zero : 1.0 / safe_diff;
  for (int r = 1; r < m; ++r) store(x + r * stride, load(x + r * stride) * scale);
  return none ? alpha : beta;
}

}  // namespace

GMMOT_CLONES void bidiagonalize_lanes(int n, double *a, double *diag, double *super, double *work) {
  const std::size_t col = static_cast<std::size_t>(n) * L;  // one column of all lanes
  const v4 one = {1.0, 1.0, 1.0, 1.0}, zero = {0.0, 0.0, 0.0, 0.0};
  // vp: the previous step's left reflector, v: this step's (rows k..); s: A u of the previous
  // right reflector (rows k+1..); f: tau_r u (the right reflector scaled, columns k+1..); g:
  // tau_l v^T A (columns k+1..).
  double *vp = work, *v = work + col, *s = work + 2 * col, *f = work + 3 * col, *g = work + 4 * col;
  // Both updates of step k - 1, the left A -= vp g^T and the right A -= s f^T, are applied
  // lazily, together, in step k's first pass over the trailing matrix (which also forms v^T A);
  // the second pass forms A u from the left-updated entries without storing them. So the
  // trailing matrix is stored once per step (its loads and stores are what limits this kernel
  // at these orders).
  bool pending = false;
  for (int k = 0; k < n; ++k) {
    double *ck = a + k * col;
    if (pending) {  // column k's share of the previous updates
      const v4 gk = load(g + k * L), fk = load(f + k * L);
      for (int i = k; i < n; ++i)
        store(ck + i * L, (load(ck + i * L) - load(vp + i * L) * gk) - load(s + i * L) * fk);
    }
    // Left reflector: zero a[k+1.., k] (column k, contiguous).
    v4 tau;
    store(diag + k * L, householder(ck + k * L, n - k, L, tau));
    if (k + 1 >= n) break;
    store(v + k * L, one);
    for (int i = k + 1; i < n; ++i) store(v + i * L, load(ck + i * L));
    // Pass 1 over columns j > k: the pending updates, then g_j = tau v^T a_j.
    int j = k + 1;
    for (; j + 2 <= n; j += 2) {
      double *c0 = a + j * col, *c1 = c0 + col;
      v4 d0 = zero, d1 = zero, e0 = zero, e1 = zero;
      if (pending) {
        const v4 f0 = load(f + j * L), f1 = load(f + (j + 1) * L);
        const v4 g0 = load(g + j * L), g1 = load(g + (j + 1) * L);
        int i = k;
        for (; i + 2 <= n; i += 2) {
          const v4 s0 = load(s + i * L), s1 = load(s + (i + 1) * L);
          const v4 p0 = load(vp + i * L), p1 = load(vp + (i + 1) * L);
          const v4 a00 = (load(c0 + i * L) - p0 * g0) - s0 * f0;
          const v4 a01 = (load(c0 + (i + 1) * L) - p1 * g0) - s1 * f0;
          const v4 a10 = (load(c1 + i * L) - p0 * g1) - s0 * f1;
          const v4 a11 = (load(c1 + (i + 1) * L) - p1 * g1) - s1 * f1;
          store(c0 + i * L, a00);
          store(c0 + (i + 1) * L, a01);
          store(c1 + i * L, a10);
          store(c1 + (i + 1) * L, a11);
          const v4 x0 = load(v + i * L), x1 = load(v + (i + 1) * L);
          d0 += x0 * a00;
          e0 += x1 * a01;
          d1 += x0 * a10;
          e1 += x1 * a11;
        }
        if (i < n) {
          const v4 s0 = load(s + i * L), p0 = load(vp + i * L), x0 = load(v + i * L);
          const v4 a00 = (load(c0 + i * L) - p0 * g0) - s0 * f0;
          const v4 a10 = (load(c1 + i * L) - p0 * g1) - s0 * f1;
          store(c0 + i * L, a00);
          store(c1 + i * L, a10);
          d0 += x0 * a00;
          d1 += x0 * a10;
        }
      } else {
        int i = k;
        for (; i + 2 <= n; i += 2) {
          const v4 x0 = load(v + i * L), x1 = load(v + (i + 1) * L);
          d0 += x0 * load(c0 + i * L);
          e0 += x1 * load(c0 + (i + 1) * L);
          d1 += x0 * load(c1 + i * L);
          e1 += x1 * load(c1 + (i + 1) * L);
        }
        if (i < n) {
          const v4 x0 = load(v + i * L);
          d0 += x0 * load(c0 + i * L);
          d1 += x0 * load(c1 + i * L);
        }
      }
      store(g + j * L, tau * (d0 + e0));
      store(g + (j + 1) * L, tau * (d1 + e1));
    }
    if (j < n) {
      double *c0 = a + j * col;
      if (pending) {
        const v4 f0 = load(f + j * L), g0 = load(g + j * L);
        for (int i = k; i < n; ++i)
          store(c0 + i * L, (load(c0 + i * L) - load(vp + i * L) * g0) - load(s + i * L) * f0);
      }
      v4 d0 = zero, e0 = zero;
      int i = k;
      for (; i + 2 <= n; i += 2) {
        d0 += load(v + i * L) * load(c0 + i * L);
        e0 += load(v + (i + 1) * L) * load(c0 + (i + 1) * L);
      }
      if (i < n) d0 += load(v + i * L) * load(c0 + i * L);
      store(g + j * L, tau * (d0 + e0));
    }
    // Row k after the left update (v_k = 1), then its reflector: zero a[k, k+2..].
    const int m = n - k - 1;
    double *row = a + k * L + (k + 1) * col;
    for (int c = 0; c < m; ++c)
      store(row + c * col, load(row + c * col) - load(g + (k + 1 + c) * L));
    v4 tau_r;
    store(super + k * L, householder(row, m, col, tau_r));
    // f = tau_r u over columns k+1.. (u_0 = 1).
    store(f + (k + 1) * L, tau_r);
    for (int c = 1; c < m; ++c) store(f + (k + 1 + c) * L, tau_r * load(row + c * col));
    // Pass 2 over columns k+1..: s = A' u over rows k+1.., A' = A - v g^T the left-updated
    // entries (not stored: the next step's pass 1 forms and stores them), as A u - v (g^T u),
    // the correction of LAPACK's dlabrd: one multiply-add per entry instead of two (the
    // kernel's multiply-adds are what bounds it once the entries are stored once per step),
    // four columns at a time (one load and store of s per four columns).
    for (int i = k + 1; i < n; ++i) store(s + i * L, zero);
    v4 gu0 = zero, gu1 = zero;
    int c = 0;
    for (; c + 4 <= m; c += 4) {
      const double *a0 = a + (k + 1 + c) * col, *a1 = a0 + col, *a2 = a1 + col, *a3 = a2 + col;
      const v4 u0 = c == 0 ? one : load(row + c * col), u1 = load(row + (c + 1) * col),
               u2 = load(row + (c + 2) * col), u3 = load(row + (c + 3) * col);
      gu0 += load(g + (k + 1 + c) * L) * u0 + load(g + (k + 2 + c) * L) * u1;
      gu1 += load(g + (k + 3 + c) * L) * u2 + load(g + (k + 4 + c) * L) * u3;
      for (int i = k + 1; i < n; ++i) {
        store(s + i * L, load(s + i * L) + ((load(a0 + i * L) * u0 + load(a1 + i * L) * u1) +
                                            (load(a2 + i * L) * u2 + load(a3 + i * L) * u3)));
      }
    }
    for (; c < m; ++c) {
      const double *a0 = a + (k + 1 + c) * col;
      const v4 u0 = c == 0 ? one : load(row + c * col);
      gu0 += load(g + (k + 1 + c) * L) * u0;
      for (int i = k + 1; i < n; ++i) store(s + i * L, load(s + i * L) + load(a0 + i * L) * u0);
    }
    const v4 gu = gu0 + gu1;
    for (int i = k + 1; i < n; ++i) store(s + i * L, load(s + i * L) - load(v + i * L) * gu);
    pending = true;
    std::swap(vp, v);
  }
}

}  // namespace gmmot::linalg
