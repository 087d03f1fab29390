// SPDX-License-Identifier: MIT
#include "linalg/bidiag_lanes.hpp"

#include <cstddef>

#include "util/simd.hpp"

// 32-byte vectors passed by value to always-inlined helpers only (as in dqds_lanes.cpp).
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace gmmot::linalg {
namespace {

constexpr int L = kBidiagLanes;
typedef double v4 __attribute__((vector_size(L * sizeof(double))));
typedef long long v4i __attribute__((vector_size(L * sizeof(long long))));

GMMOT_INLINE v4 load(const double *p) {
  v4 x;
  __builtin_memcpy(&x, p, sizeof x);
  return x;
}
GMMOT_INLINE void store(double *p, v4 x) { __builtin_memcpy(p, &x, sizeof x); }

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
  const v4 one = {1.0, 1.0, 1.0, 1.0};
  double *v = work, *s = work + col;
  for (int k = 0; k < n; ++k) {
    // Left reflector: zero a[k+1.., k] (column k, contiguous).
    double *ck = a + k * col;
    v4 tau;
    store(diag + k * L, householder(ck + k * L, n - k, L, tau));
    store(v + k * L, one);
    for (int i = k + 1; i < n; ++i) store(v + i * L, load(ck + i * L));
    // Columns j > k: a_j -= tau (v^T a_j) v, two columns at a time (two independent chains
    // of fused multiply-adds each, to cover their latency).
    int j = k + 1;
    for (; j + 2 <= n; j += 2) {
      double *c0 = a + j * col, *c1 = c0 + col;
      v4 d0 = {0, 0, 0, 0}, d1 = d0, e0 = d0, e1 = d0;
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
      const v4 f0 = tau * (d0 + e0), f1 = tau * (d1 + e1);
      for (i = k; i < n; ++i) {
        const v4 x = load(v + i * L);
        store(c0 + i * L, load(c0 + i * L) - f0 * x);
        store(c1 + i * L, load(c1 + i * L) - f1 * x);
      }
    }
    if (j < n) {
      double *c0 = a + j * col;
      v4 d0 = {0, 0, 0, 0}, e0 = d0;
      int i = k;
      for (; i + 2 <= n; i += 2) {
        d0 += load(v + i * L) * load(c0 + i * L);
        e0 += load(v + (i + 1) * L) * load(c0 + (i + 1) * L);
      }
      if (i < n) d0 += load(v + i * L) * load(c0 + i * L);
      const v4 f0 = tau * (d0 + e0);
      for (i = k; i < n; ++i) store(c0 + i * L, load(c0 + i * L) - f0 * load(v + i * L));
    }
    if (k + 1 >= n) break;
    // Right reflector: zero a[k, k+2..] (row k, stride one column).
    const int m = n - k - 1;
    double *row = a + k * L + (k + 1) * col;
    store(super + k * L, householder(row, m, col, tau));
    store(v, one);
    for (int r = 1; r < m; ++r) store(v + r * L, load(row + r * col));
    // s = A v over rows k+1.., then A -= tau s v^T; A v four columns at a time.
    for (int i = k + 1; i < n; ++i) store(s + i * L, v4{0, 0, 0, 0});
    int c = 0;
    for (; c + 4 <= m; c += 4) {
      const double *a0 = a + (k + 1 + c) * col, *a1 = a0 + col, *a2 = a1 + col, *a3 = a2 + col;
      const v4 v0 = load(v + c * L), v1 = load(v + (c + 1) * L), v2 = load(v + (c + 2) * L),
               v3 = load(v + (c + 3) * L);
      for (int i = k + 1; i < n; ++i)
        store(s + i * L, load(s + i * L) + ((load(a0 + i * L) * v0 + load(a1 + i * L) * v1) +
                                            (load(a2 + i * L) * v2 + load(a3 + i * L) * v3)));
    }
    for (; c < m; ++c) {
      const double *a0 = a + (k + 1 + c) * col;
      const v4 v0 = load(v + c * L);
      for (int i = k + 1; i < n; ++i) store(s + i * L, load(s + i * L) + load(a0 + i * L) * v0);
    }
    for (c = 0; c < m; ++c) {
      double *a0 = a + (k + 1 + c) * col;
      const v4 f = tau * load(v + c * L);
      for (int i = k + 1; i < n; ++i) store(a0 + i * L, load(a0 + i * L) - f * load(s + i * L));
    }
  }
}

}  // namespace gmmot::linalg
