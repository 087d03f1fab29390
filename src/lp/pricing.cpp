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

template <class V>
GMMOT_INLINE V vmin(V a, V b) {
  return b < a ? b : a;
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
    m0 = vmin(m0, key.at(j));
    m1 = vmin(m1, key.at(j + L));
    m2 = vmin(m2, key.at(j + 2 * L));
    m3 = vmin(m3, key.at(j + 3 * L));
  }
  for (; j + L <= n; j += L) m0 = vmin(m0, key.at(j));
  if (j < n) m1 = vmin(m1, key.at(n - L));
  const V m = vmin(vmin(m0, m1), vmin(m2, m3));
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
