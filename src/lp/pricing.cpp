#include "lp/pricing.hpp"

#include <cmath>
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
template <class T, int kLanes, bool kSigns, bool kTol = true>
GMMOT_INLINE RowMin<T> segment_min(const T *c, const T *xd, const T *sd, std::size_t n, T scale,
                                   T xi, T si, T tol, T bound) {
  typedef typename Vec<T, kLanes>::type V;
  T m = bound;
  std::size_t j = 0;
  if (n >= 2 * kLanes) {
    V vscale, vxi, vsi, vtol, vaxi, m0;
    for (int l = 0; l < kLanes; ++l) {
      vscale[l] = scale;
      vxi[l] = xi;
      vsi[l] = si;
      vtol[l] = tol;
      vaxi[l] = std::fabs(xi);
      m0[l] = bound;
    }
    V m1 = m0;
    auto key = [&](std::size_t at, V *out) {
      V cv, xv;  // unaligned loads
      std::memcpy(&cv, c + at, sizeof cv);
      std::memcpy(&xv, xd + at, sizeof xv);
      const V cs = cv * vscale;
      V k = cs + xv - vxi;
      if (kSigns) {
        V sv;
        std::memcpy(&sv, sd + at, sizeof sv);
        k += sv - vsi;
      }
      if (kTol) {
        const V acs = cs < 0 ? -cs : cs, ax = xv < 0 ? -xv : xv;
        k += vtol * (acs + ax + vaxi);
      }
      *out = k;
    };
    for (; j + 2 * kLanes <= n; j += 2 * kLanes) {
      V k0, k1;
      key(j, &k0);
      key(j + kLanes, &k1);
      m0 = k0 < m0 ? k0 : m0;
      m1 = k1 < m1 ? k1 : m1;
    }
    m0 = m1 < m0 ? m1 : m0;
    for (int l = 0; l < kLanes; ++l) m = m0[l] < m ? m0[l] : m;
  }
  const T *s = kSigns ? sd : nullptr;
  for (; j < n; ++j) {
    const T k = scalar_key(c, xd, s, j, scale, xi, si, tol);
    if (k < m) m = k;
  }
  RowMin<T> best{bound, n};
  if (!(m < bound)) return best;
  for (std::size_t i = 0; i < n; ++i) {
    const T k = scalar_key(c, xd, s, i, scale, xi, si, tol);
    if (k < best.key) best = {k, i};
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
                                         std::size_t n, float xi, float si, float tol,
                                         float bound) {
  if (tol == 0.0f) {
    return sd != nullptr
               ? segment_min<float, 8, true, false>(c, xd, sd, n, 1.0f, xi, si, tol, bound)
               : segment_min<float, 8, false, false>(c, xd, sd, n, 1.0f, xi, si, tol, bound);
  }
  return sd != nullptr ? segment_min<float, 8, true>(c, xd, sd, n, 1.0f, xi, si, tol, bound)
                       : segment_min<float, 8, false>(c, xd, sd, n, 1.0f, xi, si, tol, bound);
}

}  // namespace gmmot
