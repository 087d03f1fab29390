// SPDX-License-Identifier: MIT
#include "lp/pricing.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "util/simd.hpp"

// The helpers below pass vectors by value but are always inlined into the clones, so GCC's
// note that this would change the calling convention of the portable clone does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace gmmot {
namespace {

template <class T, int kLanes>
struct Vec {
  typedef T type __attribute__((vector_size(kLanes * sizeof(T))));
};

template <class T>
GMMOT_INLINE T scalar_key(const T *c, const T *xd, const T *sd, std::size_t j, T scale, T xi, T si,
                          T tol) {
  const T cs = c[j] * scale;
  T k = cs + xd[j] - xi;
  if (sd != nullptr) k += sd[j] - si;
  return k + tol * (std::fabs(cs) + std::fabs(xd[j]) + std::fabs(xi));
}

// The keys of kLanes consecutive arcs from j. Both passes of segment_min compute a key through
// this one function, so an arc's key has the same bits in both (c * scale is exact: a power of
// two).
template <class T, int kLanes, bool kSigns, bool kTol>
struct Keys {
  typedef typename Vec<T, kLanes>::type V;
  const T *c, *xd, *sd;
  V scale, xi, si, tol, axi;
  Keys(const T *c_, const T *xd_, const T *sd_, T s, T x, T sg, T t) : c(c_), xd(xd_), sd(sd_) {
    for (int l = 0; l < kLanes; ++l) {
      scale[l] = s;
      xi[l] = x;
      si[l] = sg;
      tol[l] = t;
      axi[l] = std::fabs(x);
    }
  }
  GMMOT_INLINE V at(std::size_t j) const {
    V cv, xv;  // unaligned loads
    std::memcpy(&cv, c + j, sizeof cv);
    std::memcpy(&xv, xd + j, sizeof xv);
    const V cs = cv * scale;
    V k = cs + xv - xi;
    if (kSigns) {
      V sv;
      std::memcpy(&sv, sd + j, sizeof sv);
      k += sv - si;
    }
    if (kTol) {
      const V acs = cs < 0 ? -cs : cs, ax = xv < 0 ? -xv : xv;
      k += tol * (acs + ax + axi);
    }
    return k;
  }
};

// Lane-wise minimum, in place (no vector by value: the portable clone has no 32-byte registers).
template <class V>
GMMOT_INLINE void vmin(V &a, const V &b) {
  a = b < a ? b : a;
}

// Two passes over the segment: the smallest key, from independent running minima (no
// compare-and-select chain, no positions: most segments improve on nothing), then, only when it
// is below the bound, the first position holding exactly that key, so the result is the first
// smallest key as a scalar loop would give it. A last partial vector overlaps the one before it
// (rows are rarely a multiple of the lanes), which a minimum does not mind.
template <class T, int kLanes, bool kSigns, bool kTol = true>
GMMOT_INLINE RowMin<T> segment_min(const T *c, const T *xd, const T *sd, std::size_t n, T scale,
                                   T xi, T si, T tol, T bound) {
  typedef typename Vec<T, kLanes>::type V;
  const std::size_t L = kLanes;
  RowMin<T> none{bound, n};
  if (n < L) {
    const T *s = kSigns ? sd : nullptr;
    RowMin<T> best = none;
    for (std::size_t j = 0; j < n; ++j) {
      const T k = scalar_key(c, xd, s, j, scale, xi, si, tol);
      if (k < best.key) best = {k, j};
    }
    return best;
  }
  const Keys<T, kLanes, kSigns, kTol> key(c, xd, sd, scale, xi, si, tol);
  V m0, m1, m2, m3;
  for (int l = 0; l < kLanes; ++l) m0[l] = bound;
  m1 = m0;
  m2 = m0;
  m3 = m0;
  std::size_t j = 0;
  for (; j + 4 * L <= n; j += 4 * L) {
    vmin(m0, key.at(j));
    vmin(m1, key.at(j + L));
    vmin(m2, key.at(j + 2 * L));
    vmin(m3, key.at(j + 3 * L));
  }
  for (; j + L <= n; j += L) vmin(m0, key.at(j));
  if (j < n) vmin(m1, key.at(n - L));
  vmin(m0, m1);
  vmin(m2, m3);
  vmin(m0, m2);
  const V m = m0;
  T least = m[0];
  for (int l = 1; l < kLanes; ++l) least = m[l] < least ? m[l] : least;
  if (!(least < bound)) return none;
  V target;
  for (int l = 0; l < kLanes; ++l) target[l] = least;
  for (j = 0;; j += L) {
    const std::size_t from = j + L <= n ? j : n - L;
    const auto hit = key.at(from) == target;
    for (int l = 0; l < kLanes; ++l)
      if (hit[l]) return {least, from + static_cast<std::size_t>(l)};
  }
}

// The screen's key of one arc; the same additions in the same order as the vector form below,
// so both give the same bits.
template <bool kSigns>
GMMOT_INLINE float screen_key(const float *c, const float *xd, const float *sd, std::size_t t,
                              float xi, float si) {
  float k = c[t] + xd[t] - xi;
  if (kSigns) k += sd[t] - si;
  return k;
}

// The screen's keys of eight consecutive arcs from t (unaligned loads), the vector form of
// screen_key.
template <bool kSigns>
GMMOT_INLINE Vec<float, 8>::type screen_keys(const float *cr, const float *xr, const float *sr,
                                             std::size_t t, Vec<float, 8>::type vxi,
                                             Vec<float, 8>::type vsi) {
  typedef Vec<float, 8>::type V;
  V cv, xv;
  std::memcpy(&cv, cr + t, sizeof cv);
  std::memcpy(&xv, xr + t, sizeof xv);
  V k = cv + xv - vxi;
  if (kSigns) {
    V sv;
    std::memcpy(&sv, sr + t, sizeof sv);
    k += sv - vsi;
  }
  return k;
}

// A block is a run of row segments. Per segment only a vector of running minima (no
// positions); across segments, per lane, the smallest key and the first segment that reached
// it; one lane reduction per block. The winning segment is then searched again for the first
// position holding the key. Segments shorter than a vector go through the scalar key, with
// their own first smallest; ties between the two go to the earlier segment.
template <bool kSigns>
GMMOT_INLINE RowMin<float> block_min(const float *c, const float *x, const float *s, std::size_t n0,
                                     std::size_t n1, std::size_t pos, std::size_t count) {
  constexpr int kLanes = 8;
  constexpr std::size_t L = kLanes;
  typedef Vec<float, kLanes>::type V;
  typedef std::int32_t VI __attribute__((vector_size(kLanes * sizeof(std::int32_t))));
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const std::size_t total = n0 * n1;
  V best, inf;
  VI first_seg;
  for (int l = 0; l < kLanes; ++l) {
    inf[l] = kInf;
    first_seg[l] = -1;
  }
  best = inf;
  float scalar_key = kInf;
  std::size_t scalar_seg = 0, scalar_at = total;
  const float *xd = x + n0, *sd = kSigns ? s + n0 : nullptr;
  std::size_t i = pos / n1, j = pos % n1;
  std::int32_t seg = 0;
  for (std::size_t left = count; left > 0; ++seg) {
    const std::size_t len = std::min(n1 - j, left);
    const float *cr = c + i * n1 + j, *xr = xd + j, *sr = kSigns ? sd + j : nullptr;
    const float xi = x[i], si = kSigns ? s[i] : 0.0f;
    if (len >= L) {
      V vxi, vsi, a = inf, b = inf;
      for (int l = 0; l < kLanes; ++l) {
        vxi[l] = xi;
        vsi[l] = si;
      }
      auto key = [&](std::size_t t) { return screen_keys<kSigns>(cr, xr, sr, t, vxi, vsi); };
      std::size_t t = 0;
      for (; t + 2 * L <= len; t += 2 * L) {
        const V k0 = key(t), k1 = key(t + L);
        a = k0 < a ? k0 : a;
        b = k1 < b ? k1 : b;
      }
      if (t + L <= len) {
        const V k0 = key(t);
        a = k0 < a ? k0 : a;
        t += L;
      }
      if (t < len) {  // the last partial vector overlaps the one before
        const V k1 = key(len - L);
        b = k1 < b ? k1 : b;
      }
      const V m = b < a ? b : a;
      const auto lower = m < best;
      best = lower ? m : best;
      first_seg = lower ? seg : first_seg;
    } else {
      for (std::size_t t = 0; t < len; ++t) {
        const float k = screen_key<kSigns>(cr, xr, sr, t, xi, si);
        if (k < scalar_key) {
          scalar_key = k;
          scalar_seg = static_cast<std::size_t>(seg);
          scalar_at = i * n1 + j + t;
        }
      }
    }
    left -= len;
    j += len;
    if (j == n1) j = 0, i = i + 1 == n0 ? 0 : i + 1;
  }
  float least = best[0];
  for (int l = 1; l < kLanes; ++l) least = best[l] < least ? best[l] : least;
  std::int32_t win = -1;
  if (least < 0.0f) {
    for (int l = 0; l < kLanes; ++l)
      if (best[l] == least && (win < 0 || first_seg[l] < win)) win = first_seg[l];
  }
  if (scalar_key < 0.0f && (win < 0 || scalar_key < least ||
                            (scalar_key == least && scalar_seg < static_cast<std::size_t>(win))))
    return {scalar_key, scalar_at};
  if (win < 0) return {0.0f, total};
  // The winning segment: the first from pos, then whole rows.
  std::size_t at = pos;
  if (win > 0) at = ((pos / n1 + static_cast<std::size_t>(win)) % n0) * n1;
  i = at / n1;
  j = at % n1;
  const float *cr = c + i * n1 + j, *xr = xd + j, *sr = kSigns ? sd + j : nullptr;
  const float xi = x[i], si = kSigns ? s[i] : 0.0f;
  const std::size_t len = std::min(n1 - j, count - (at >= pos ? at - pos : at + total - pos));
  V vxi, vsi, target;
  for (int l = 0; l < kLanes; ++l) {
    vxi[l] = xi;
    vsi[l] = si;
    target[l] = least;
  }
  typedef std::int64_t V64 __attribute__((vector_size(kLanes * sizeof(float))));
  for (std::size_t t = 0;; t += L) {
    const std::size_t from = t + L <= len ? t : len - L;
    const V k = screen_keys<kSigns>(cr, xr, sr, from, vxi, vsi);
    const VI hit = k == target;
    const V64 h = (V64)hit;  // any lane hit: one OR over four words
    if ((h[0] | h[1] | h[2] | h[3]) == 0) continue;
    for (int l = 0; l < kLanes; ++l)
      if (hit[l]) return {least, at + from + static_cast<std::size_t>(l)};
  }
}

}  // namespace

GMMOT_CLONES RowMin<double> row_min_key(const double *c, const double *xd, const double *sd,
                                        std::size_t n, double scale, double xi, double si,
                                        double tol, double bound) {
  return sd != nullptr ? segment_min<double, 4, true>(c, xd, sd, n, scale, xi, si, tol, bound)
                       : segment_min<double, 4, false>(c, xd, sd, n, scale, xi, si, tol, bound);
}

GMMOT_CLONES RowMin<float> block_min_key_f(const float *c, const float *x, const float *s,
                                           std::size_t n0, std::size_t n1, std::size_t pos,
                                           std::size_t count) {
  return s != nullptr ? block_min<true>(c, x, s, n0, n1, pos, count)
                      : block_min<false>(c, x, s, n0, n1, pos, count);
}

GMMOT_CLONES void screen_costs(const double *c, std::size_t n, double scale, double tol,
                               float *out) {
  for (std::size_t j = 0; j < n; ++j) {
    const double v = c[j] * scale;
    out[j] = static_cast<float>(v + tol * std::fabs(v));
  }
}

}  // namespace gmmot
