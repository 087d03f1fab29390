// SPDX-License-Identifier: MIT
#include "gaussian/small_nuclear_norm.hpp"

#include <cmath>

#include "util/simd.hpp"

namespace gmmot {
namespace {

constexpr int kMaxNewton = 60;

template <int D>
GMMOT_INLINE void norms(const double *w, const double *abs_det, double *out) {
  double a[kLanes] = {};
  for (int e = 0; e < D * D; ++e)
    for (int l = 0; l < kLanes; ++l) a[l] += w[e * kLanes + l] * w[e * kLanes + l];
  if constexpr (D == 1) {
    for (int l = 0; l < kLanes; ++l) out[l] = std::fabs(w[l]);
  } else if constexpr (D == 2) {
    for (int l = 0; l < kLanes; ++l) out[l] = std::sqrt(a[l] + 2.0 * abs_det[l]);
  } else {
    // The nine 2x2 minors. Plain products suffice: W's own rounding (eps ||W|| per entry)
    // already bounds their error by eps ||W||^2, which moves s by about eps ||W||.
    double b[kLanes], s[kLanes];
    bool active[kLanes];
    for (int l = 0; l < kLanes; ++l) {
      const double w00 = w[0 * kLanes + l], w10 = w[1 * kLanes + l], w20 = w[2 * kLanes + l];
      const double w01 = w[3 * kLanes + l], w11 = w[4 * kLanes + l], w21 = w[5 * kLanes + l];
      const double w02 = w[6 * kLanes + l], w12 = w[7 * kLanes + l], w22 = w[8 * kLanes + l];
      const double m0 = w11 * w22 - w12 * w21, m1 = w10 * w22 - w12 * w20,
                   m2 = w10 * w21 - w11 * w20, m3 = w01 * w22 - w02 * w21,
                   m4 = w00 * w22 - w02 * w20, m5 = w00 * w21 - w01 * w20,
                   m6 = w01 * w12 - w02 * w11, m7 = w00 * w12 - w02 * w10,
                   m8 = w00 * w11 - w01 * w10;
      b[l] =
          m0 * m0 + m1 * m1 + m2 * m2 + m3 * m3 + m4 * m4 + m5 * m5 + m6 * m6 + m7 * m7 + m8 * m8;
      // g(s) = sqrt(a + 2 sqrt(b + 2cs)) is increasing with g(s*) = s*, so g(sqrt(3a)) is an
      // upper bound (sqrt(3a) >= s* by Cauchy-Schwarz), and a much closer one.
      s[l] = std::sqrt(a[l] + 2.0 * std::sqrt(b[l] + 2.0 * abs_det[l] * std::sqrt(3.0 * a[l])));
      active[l] = a[l] > 0.0;
    }
    // The four lanes' Newton steps as one vector operation each (GCC/Clang vector extensions).
    typedef double v4 __attribute__((vector_size(4 * sizeof(double))));
    typedef long long v4i __attribute__((vector_size(4 * sizeof(long long))));
    v4 vs, va, vb, vc;
    v4i act;
    for (int l = 0; l < kLanes; ++l) {
      vs[l] = s[l];
      va[l] = a[l];
      vb[l] = b[l];
      vc[l] = abs_det[l];
      act[l] = active[l] ? -1 : 0;
    }
    for (int it = 0; it < kMaxNewton; ++it) {
      const v4 u = vs * vs - va;
      const v4 q = u * u - 4.0 * vb - 8.0 * vc * vs;
      const v4 step = q / (4.0 * vs * u - 8.0 * vc);
      // Stop at the root to rounding (q <= 0) or once the step is below rounding.
      act = act & (q > 0.0) & (step > 0x1p-53 * vs);
      vs = act ? vs - step : vs;
      if ((act[0] | act[1] | act[2] | act[3]) == 0) break;
    }
    for (int l = 0; l < kLanes; ++l) s[l] = vs[l];
    for (int l = 0; l < kLanes; ++l) out[l] = a[l] > 0.0 ? s[l] : 0.0;
  }
}

template <int D>
GMMOT_INLINE void products(const double *const *fa, const double *const *fb, double *w) {
  for (int j = 0; j < D; ++j)
    for (int i = 0; i < D; ++i)
      for (int l = 0; l < kLanes; ++l) {
        double acc = 0.0;
        for (int k = 0; k < D; ++k) acc += fb[l][k + i * D] * fa[l][k + j * D];
        w[(i + j * D) * kLanes + l] = acc;
      }
}

}  // namespace

GMMOT_CLONES void small_nuclear_norms(int d, const double *w, const double *abs_det, double *out) {
  if (d == 1) return norms<1>(w, abs_det, out);
  if (d == 2) return norms<2>(w, abs_det, out);
  return norms<3>(w, abs_det, out);
}

GMMOT_CLONES void small_factor_products(int d, const double *const *fa, const double *const *fb,
                                        double *w) {
  if (d == 1) return products<1>(fa, fb, w);
  if (d == 2) return products<2>(fa, fb, w);
  return products<3>(fa, fb, w);
}

}  // namespace gmmot
