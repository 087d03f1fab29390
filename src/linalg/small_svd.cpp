// SPDX-License-Identifier: MIT
#include "linalg/small_svd.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include <lapack.h>

#include "linalg/bidiag_lanes.hpp"
#include "linalg/dqds_lanes.hpp"
#include "linalg/factor_product_lanes.hpp"
#include "util/simd.hpp"

namespace gmmot::linalg {
namespace {

// Householder vector for x (length m, x[0] first): on return x[1..] holds v[1..] (v[0] = 1),
// and the function returns beta with (I - tau v v^T) x = beta e1 (LAPACK dlarfg's convention).
double householder(double *x, int m, double &tau) {
  double sq = 0.0;
  for (int i = 1; i < m; ++i) sq += x[i] * x[i];
  const double alpha = x[0];
  if (sq == 0.0) {
    tau = 0.0;
    return alpha;
  }
  const double norm = std::sqrt(alpha * alpha + sq);
  const double beta = alpha >= 0.0 ? -norm : norm;
  tau = (beta - alpha) / beta;
  const double scale = 1.0 / (alpha - beta);
  for (int i = 1; i < m; ++i) x[i] *= scale;
  return beta;
}

// Reduces the n x n column-major matrix a to upper bidiagonal form (diagonal d, superdiagonal
// e) by alternating left and right Householder reflections.
GMMOT_CLONES void bidiagonalize(int n, double *a, double *d, double *e, double *v, double *s) {
  for (int k = 0; k < n; ++k) {
    // Left reflector: zero a[k+1.., k].
    double *col = a + static_cast<std::size_t>(k) * n;
    double tau = 0.0;
    d[k] = householder(col + k, n - k, tau);
    if (tau != 0.0) {
      v[k] = 1.0;
      for (int i = k + 1; i < n; ++i) v[i] = col[i];
      // Four columns at a time, with explicit 4-lane accumulators: four independent dot
      // products share each load of v (one column's reduction alone is latency-bound).
      typedef double v4 __attribute__((vector_size(32)));
      int j = k + 1;
      const int len = n - k;
      const int vl = len & ~3;
      for (; j + 4 <= n; j += 4) {
        double *__restrict c0 = a + static_cast<std::size_t>(j) * n + k;
        double *__restrict c1 = c0 + n;
        double *__restrict c2 = c1 + n;
        double *__restrict c3 = c2 + n;
        const double *__restrict vv = v + k;
        v4 s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < vl; i += 4) {
          v4 x, y0, y1, y2, y3;
          __builtin_memcpy(&x, vv + i, 32);
          __builtin_memcpy(&y0, c0 + i, 32);
          __builtin_memcpy(&y1, c1 + i, 32);
          __builtin_memcpy(&y2, c2 + i, 32);
          __builtin_memcpy(&y3, c3 + i, 32);
          s0 += x * y0;
          s1 += x * y1;
          s2 += x * y2;
          s3 += x * y3;
        }
        double d0 = (s0[0] + s0[1]) + (s0[2] + s0[3]), d1 = (s1[0] + s1[1]) + (s1[2] + s1[3]),
               d2 = (s2[0] + s2[1]) + (s2[2] + s2[3]), d3 = (s3[0] + s3[1]) + (s3[2] + s3[3]);
        for (int i = vl; i < len; ++i) {
          d0 += vv[i] * c0[i];
          d1 += vv[i] * c1[i];
          d2 += vv[i] * c2[i];
          d3 += vv[i] * c3[i];
        }
        const double f0 = tau * d0, f1 = tau * d1, f2 = tau * d2, f3 = tau * d3;
        for (int i = 0; i < len; ++i) {
          const double vi = vv[i];
          c0[i] -= f0 * vi;
          c1[i] -= f1 * vi;
          c2[i] -= f2 * vi;
          c3[i] -= f3 * vi;
        }
      }
      for (; j < n; ++j) {
        double *cj = a + static_cast<std::size_t>(j) * n;
        double dot = 0.0;
        for (int i = k; i < n; ++i) dot += v[i] * cj[i];
        const double f = tau * dot;
        for (int i = k; i < n; ++i) cj[i] -= f * v[i];
      }
    }
    if (k + 1 >= n) break;
    // Right reflector: zero a[k, k+2..], the row is strided in column-major storage.
    const int m = n - k - 1;
    for (int j = 0; j < m; ++j) v[j] = a[k + static_cast<std::size_t>(k + 1 + j) * n];
    e[k] = householder(v, m, tau);
    if (tau != 0.0) {
      v[0] = 1.0;
      for (int i = k + 1; i < n; ++i) s[i] = 0.0;
      int j = 0;  // s = A v four columns at a time: one load and store of s per four columns
      for (; j + 4 <= m; j += 4) {
        const double *__restrict c0 = a + static_cast<std::size_t>(k + 1 + j) * n;
        const double *__restrict c1 = c0 + n;
        const double *__restrict c2 = c1 + n;
        const double *__restrict c3 = c2 + n;
        double *__restrict ss = s;
        const double v0 = v[j], v1 = v[j + 1], v2 = v[j + 2], v3 = v[j + 3];
        for (int i = k + 1; i < n; ++i)
          ss[i] += (c0[i] * v0 + c1[i] * v1) + (c2[i] * v2 + c3[i] * v3);
      }
      for (; j < m; ++j) {
        const double *cj = a + static_cast<std::size_t>(k + 1 + j) * n;
        const double vj = v[j];
        for (int i = k + 1; i < n; ++i) s[i] += cj[i] * vj;
      }
      for (j = 0; j < m; ++j) {
        double *cj = a + static_cast<std::size_t>(k + 1 + j) * n;
        const double f = tau * v[j];
        for (int i = k + 1; i < n; ++i) cj[i] -= f * s[i];
      }
    }
  }
}

// The first 32-byte aligned double of a buffer allocated with kAlignSlack spare doubles: the
// lane kernels' four-double vectors then never straddle a cache line (std::vector's storage is
// only 16-byte aligned, which split every other load and store of the interleaved arrays).
constexpr std::size_t kAlignSlack = 4;
double *align32(std::vector<double> &v) {
  const std::uintptr_t p = reinterpret_cast<std::uintptr_t>(v.data());
  return v.data() + ((32 - p % 32) % 32) / sizeof(double);
}

// Largest |w_i| of n entries, four lanes at a time (the compare-and-select form vectorises
// where std::max on doubles would not without -ffinite-math-only).
GMMOT_CLONES double max_abs(const double *w, std::size_t n) {
  typedef double v4 __attribute__((vector_size(32)));
  v4 m = {0, 0, 0, 0};
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v4 x;
    __builtin_memcpy(&x, w + i, sizeof x);
    x = x < 0 ? -x : x;
    m = x > m ? x : m;
  }
  double r = std::fmax(std::fmax(m[0], m[1]), std::fmax(m[2], m[3]));
  for (; i < n; ++i) r = std::fmax(r, std::fabs(w[i]));
  return r;
}

GMMOT_CLONES void scale_by(double *w, std::size_t n, double f1, double f2) {
  for (std::size_t i = 0; i < n; ++i) w[i] = (w[i] * f1) * f2;
}

}  // namespace

SmallSvd::SmallSvd(int n)
    : n_(n),
      d_(static_cast<std::size_t>(kDqdsLanes) * static_cast<std::size_t>(n)),
      e_(static_cast<std::size_t>(kDqdsLanes) * static_cast<std::size_t>(n)),
      v_(static_cast<std::size_t>(n)),
      s_(static_cast<std::size_t>(n)),
      work_(dqds_work_doubles(n) + 4 + kAlignSlack) {  // also dbdsqr's 4n for the fallback
  if (n <= kBidiagLanesMaxN) {
    const std::size_t col = static_cast<std::size_t>(kBidiagLanes) * static_cast<std::size_t>(n);
    lanes_.assign(col * static_cast<std::size_t>(n) + 7 * col + kAlignSlack, 0.0);  // a, d, e, work
    factors_.assign(2 * col * static_cast<std::size_t>(n) + kAlignSlack, 0.0);
    identity_.assign(static_cast<std::size_t>(n) * static_cast<std::size_t>(n), 0.0);
    for (int i = 0; i < n; ++i) identity_[static_cast<std::size_t>(i) * (n + 1)] = 1.0;
  }
}

double SmallSvd::nuclear_norm(double *w) {
  double out = 0.0;
  nuclear_norms(1, &w, &out);
  return out;
}

void SmallSvd::nuclear_norms(int count, double *const *w, double *out) {
  const int n = n_;
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  int ex[kDqdsLanes] = {};
  int solve[kDqdsLanes], lanes = 0;  // lanes with a non-zero matrix, packed
  for (int l = 0; l < count; ++l) {
    out[l] = 0.0;
    const double mx = max_abs(w[l], nn);
    if (mx == 0.0) continue;
    // Scale to O(1) by a power of two (exact) so no sum of squares under- or overflows. Two
    // factors, since 2^-ex alone may not be representable for extreme ex.
    std::frexp(mx, &ex[l]);
    const double f1 = std::ldexp(1.0, -ex[l] / 2), f2 = std::ldexp(1.0, -ex[l] - (-ex[l] / 2));
    double *d = d_.data() + static_cast<std::size_t>(lanes) * n;
    double *e = e_.data() + static_cast<std::size_t>(lanes) * n;
    scale_by(w[l], nn, f1, f2);
    // Up to kBidiagLanesMaxN the matrices go through the lane form, in groups, below.
    if (lanes_.empty()) bidiagonalize(n, w[l], d, e, v_.data(), s_.data());
    solve[lanes++] = l;
  }
  if (lanes == 0) return;
  for (int g = 0; g < lanes && !lanes_.empty(); g += kBidiagLanes) {
    // Unused lanes of the last group get the identity (any matrix would do: lanes never mix).
    constexpr int B = kBidiagLanes;
    double *a = align32(lanes_);
    for (int k = 0; k < B; ++k) {
      if (g + k < lanes) {
        const double *src = w[solve[g + k]];
        for (std::size_t i = 0; i < nn; ++i) a[i * B + k] = src[i];
      } else {
        for (std::size_t i = 0; i < nn; ++i)
          a[i * B + k] = i % (static_cast<std::size_t>(n) + 1) == 0 ? 1.0 : 0.0;
      }
    }
    const std::size_t col = static_cast<std::size_t>(B) * static_cast<std::size_t>(n);
    double *bd = a + nn * B, *be = bd + col;
    bidiagonalize_lanes(n, a, bd, be, be + col);
    for (int k = 0; k < B && g + k < lanes; ++k) {
      double *d = d_.data() + static_cast<std::size_t>(g + k) * n;
      double *e = e_.data() + static_cast<std::size_t>(g + k) * n;
      for (int i = 0; i < n; ++i) d[i] = bd[static_cast<std::size_t>(i) * B + k];
      for (int i = 0; i + 1 < n; ++i) e[i] = be[static_cast<std::size_t>(i) * B + k];
    }
  }
  finish(lanes, solve, ex, out);
}

void SmallSvd::product_nuclear_norms(int count, const double *const *fa, const double *const *fb,
                                     bool lower, double *out) {
  constexpr int B = kBidiagLanes;
  const int n = n_;
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  const std::size_t col = static_cast<std::size_t>(B) * static_cast<std::size_t>(n);
  double *a = align32(lanes_), *bd = a + nn * B, *be = bd + col;
  double *xa = align32(factors_), *xb = xa + nn * B;
  int ex[kDqdsLanes] = {}, solve[kDqdsLanes], lanes = 0;
  // The first factors of the previous group, whose interleaving xa still holds: a cost matrix's
  // batches run along a row, so consecutive groups mostly share them. Only within this call
  // (a pointer seen in an earlier call may since hold another matrix).
  const double *held[B] = {};
  for (int g = 0; g < count; g += B) {
    const int c = std::min(B, count - g);
    // Unused lanes of the last group get the identity.
    const double *pa[B], *pb[B];
    bool same = g > 0;
    for (int k = 0; k < B; ++k) {
      pa[k] = k < c ? fa[g + k] : identity_.data();
      pb[k] = k < c ? fb[g + k] : identity_.data();
      same = same && pa[k] == held[k];
      held[k] = pa[k];
    }
    if (!same) interleave_lanes(n, pa, lower, xa);
    interleave_lanes(n, pb, lower, xb);
    // Scaled to O(1) by powers of two as in nuclear_norms (exact, so the same scaled matrix),
    // but only where the largest entry is far from 1: a power-of-two factor commutes exactly
    // with every operation of the bidiagonalisation and the dqds short of under- or overflow,
    // and entries within 2^+-kNoScale of 1 are far from both (the factors come normalised, so
    // that is nearly every product; the pass over the matrix was ~1.5% of a d = 27 pair).
    // LAPACK's fallback, for the lanes the dqds declines, scales for itself (same accuracy,
    // perhaps not the same last bit).
    constexpr int kNoScale = 32;
    double mx[B], f1[B], f2[B];
    bool scale = false;
    factor_products_lanes(n, xa, xb, lower, a, mx);
    for (int k = 0; k < B; ++k) {
      f1[k] = f2[k] = 1.0;
      if (k >= c) continue;
      out[g + k] = 0.0;
      if (mx[k] == 0.0) continue;
      std::frexp(mx[k], &ex[g + k]);
      if (ex[g + k] >= -kNoScale && ex[g + k] <= kNoScale) {
        ex[g + k] = 0;
        continue;
      }
      f1[k] = std::ldexp(1.0, -ex[g + k] / 2);
      f2[k] = std::ldexp(1.0, -ex[g + k] - (-ex[g + k] / 2));
      scale = true;
    }
    if (scale) lane_scale(nn, a, f1, f2);
    bidiagonalize_lanes(n, a, bd, be, be + col);
    for (int k = 0; k < c; ++k) {
      if (mx[k] == 0.0) continue;
      double *d = d_.data() + static_cast<std::size_t>(lanes) * n;
      double *e = e_.data() + static_cast<std::size_t>(lanes) * n;
      for (int i = 0; i < n; ++i) d[i] = bd[static_cast<std::size_t>(i) * B + k];
      for (int i = 0; i + 1 < n; ++i) e[i] = be[static_cast<std::size_t>(i) * B + k];
      solve[lanes++] = g + k;
    }
  }
  finish(lanes, solve, ex, out);
}

void SmallSvd::finish(int lanes, const int *solve, const int *ex, double *out) {
  const int n = n_;
  if (lanes == 0) return;
  const double *diag[kDqdsLanes] = {}, *super[kDqdsLanes] = {};
  double sums[kDqdsLanes];
  for (int k = 0; k < lanes; ++k) {
    diag[k] = d_.data() + static_cast<std::size_t>(k) * n;
    super[k] = e_.data() + static_cast<std::size_t>(k) * n;
  }
  bidiagonal_singular_sums(n, lanes, diag, super, align32(work_), sums);
  for (int k = 0; k < lanes; ++k) {
    const int l = solve[k];
    if (sums[k] < 0.0) {
      // Our dqds declined (zero or tiny entries, slow convergence): LAPACK's, which splits.
      double *d = d_.data() + static_cast<std::size_t>(k) * n;
      double *e = e_.data() + static_cast<std::size_t>(k) * n;
      int info = 0, zero = 0, one = 1;
      LAPACK_dbdsqr("U", &n, &zero, &zero, &zero, d, e, nullptr, &one, nullptr, &one, nullptr, &one,
                    work_.data(), &info);
      if (info != 0) {
        out[l] = -1.0;
        continue;
      }
      sums[k] = 0.0;
      for (int i = 0; i < n; ++i) sums[k] += std::fabs(d[i]);
    }
    out[l] = std::ldexp(sums[k], ex[l]);
  }
}

}  // namespace gmmot::linalg
