// SPDX-License-Identifier: MIT
#include "lp/pricing.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

#include "util/simd.hpp"

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

// Two passes: a branch-free vector minimum (the common case finds nothing below the bound),
// then a scalar search for the index only when the segment improves on it. c * scale is exact
// (a power of two), so the vector and scalar forms round alike.
template <class T>
struct IndexOf;
template <>
struct IndexOf<double> {
  typedef std::int64_t type;
};
template <>
struct IndexOf<float> {
  typedef std::int32_t type;
};

// One pass: per lane the running minimum and the position where it was first reached (strict
// '<'), then the smallest key over the lanes, ties to the lowest position, so the result is the
// first smallest key exactly as a scalar loop would give it.
template <class T, int kLanes, bool kSigns, bool kTol = true>
GMMOT_INLINE RowMin<T> segment_min(const T *c, const T *xd, const T *sd, std::size_t n, T scale,
                                   T xi, T si, T tol, T bound) {
  typedef typename Vec<T, kLanes>::type V;
  typedef typename IndexOf<T>::type I;
  typedef I VI __attribute__((vector_size(kLanes * sizeof(I))));
  RowMin<T> best{bound, n};
  std::size_t j = 0;
  if (n >= kLanes) {
    V vscale, vxi, vsi, vtol, vaxi, m;
    VI at, where;
    for (int l = 0; l < kLanes; ++l) {
      vscale[l] = scale;
      vxi[l] = xi;
      vsi[l] = si;
      vtol[l] = tol;
      vaxi[l] = std::fabs(xi);
      m[l] = bound;
      at[l] = static_cast<I>(l);
      where[l] = static_cast<I>(n);
    }
    for (; j + kLanes <= n; j += kLanes) {
      V cv, xv;  // unaligned loads
      std::memcpy(&cv, c + j, sizeof cv);
      std::memcpy(&xv, xd + j, sizeof xv);
      const V cs = cv * vscale;
      V k = cs + xv - vxi;
      if (kSigns) {
        V sv;
        std::memcpy(&sv, sd + j, sizeof sv);
        k += sv - vsi;
      }
      if (kTol) {
        const V acs = cs < 0 ? -cs : cs, ax = xv < 0 ? -xv : xv;
        k += vtol * (acs + ax + vaxi);
      }
      const auto lower = k < m;
      m = lower ? k : m;
      where = lower ? at : where;
      at += static_cast<I>(kLanes);
    }
    // Most segments improve on nothing: one vector comparison skips the lane reduction.
    const auto below = m < bound;
    bool any = false;
    for (int l = 0; l < kLanes; ++l) any |= below[l] != 0;
    if (any) {
      for (int l = 0; l < kLanes; ++l) {
        const std::size_t w = static_cast<std::size_t>(where[l]);
        if (m[l] < best.key || (m[l] == best.key && w < best.index)) best = {m[l], w};
      }
    }
  }
  const T *s = kSigns ? sd : nullptr;
  for (; j < n; ++j) {
    const T k = scalar_key(c, xd, s, j, scale, xi, si, tol);
    if (k < best.key) best = {k, j};
  }
  return best;
}

}  // namespace

GMMOT_CLONES RowMin<double> row_min_key(const double *c, const double *xd, const double *sd,
                                        std::size_t n, double scale, double xi, double si,
                                        double tol, double bound) {
  return sd != nullptr ? segment_min<double, 4, true>(c, xd, sd, n, scale, xi, si, tol, bound)
                       : segment_min<double, 4, false>(c, xd, sd, n, scale, xi, si, tol, bound);
}

GMMOT_CLONES RowMin<float> row_min_key_f(const float *c, const float *xd, const float *sd,
                                         std::size_t n, float xi, float si, float bound) {
  return sd != nullptr
             ? segment_min<float, 8, true, false>(c, xd, sd, n, 1.0f, xi, si, 0.0f, bound)
             : segment_min<float, 8, false, false>(c, xd, sd, n, 1.0f, xi, si, 0.0f, bound);
}

}  // namespace gmmot
