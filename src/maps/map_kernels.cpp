// SPDX-License-Identifier: MIT
#include "maps/map_kernels.hpp"

#include <cmath>

#include "util/simd.hpp"
#include "util/vexp.hpp"

namespace gmmot::map_kernels {

using vexp::exp4;
using vexp::load;
using vexp::splat;
using vexp::store;
using vexp::v4d;
using vexp::v4u;

GMMOT_CLONES void scan(std::size_t n, const double *x, double *max_abs, bool *all_finite) {
  const v4u abs_mask = {0x7fffffffffffffffULL, 0x7fffffffffffffffULL, 0x7fffffffffffffffULL,
                        0x7fffffffffffffffULL};
  v4d m = splat(0.0), z = splat(0.0);  // z picks up NaN from any NaN or infinity (inf * 0)
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const v4d v = load(x + i);
    const v4d a = reinterpret_cast<v4d>(reinterpret_cast<v4u>(v) & abs_mask);
    m = a > m ? a : m;
    z += v * 0.0;
  }
  double mm = std::fmax(std::fmax(m[0], m[1]), std::fmax(m[2], m[3]));
  double zz = (z[0] + z[1]) + (z[2] + z[3]);
  for (; i < n; ++i) {
    mm = std::fmax(mm, std::fabs(x[i]));
    zz += x[i] * 0.0;
  }
  *all_finite = zz == 0.0;
  *max_abs = mm;
}

GMMOT_CLONES void column_max(std::size_t rows, std::size_t stride, const double *lp, double *mx) {
  for (std::size_t p = 0; p < stride; p += 4) {
    v4d m = load(lp + p);
    for (std::size_t a = 1; a < rows; ++a) {
      const v4d v = load(lp + a * stride + p);
      m = v > m ? v : m;
    }
    store(mx + p, m);
  }
}

GMMOT_CLONES void exp_weights(std::size_t rows, std::size_t stride, double *lp, const double *mx,
                              double *s) {
  for (std::size_t p = 0; p < stride; p += 4) {
    const v4d m = load(mx + p);
    v4d acc = splat(0.0);
    for (std::size_t a = 0; a < rows; ++a) {
      const v4d e = exp4(load(lp + a * stride + p) - m);
      store(lp + a * stride + p, e);
      acc += e;
    }
    store(s + p, acc);
  }
}

namespace {

template <int D>
GMMOT_INLINE void small_mean_d(const SmallMean &k) {
  const std::size_t stride = k.stride;
  for (std::size_t p = 0; p < stride; p += 4) {
    v4d x[D], acc[D];
#pragma GCC unroll 4
    for (int i = 0; i < D; ++i) {
      x[i] = load(k.soa + i * stride + p);
      acc[i] = splat(0.0);
    }
    const v4d mx = load(k.mx + p);
    v4d s = splat(0.0);
    for (std::size_t a = 0; a < k.rows; ++a) {
      const v4d e = exp4(load(k.lp + a * stride + p) - mx);
      s += e;
      const double *am = k.a + a * D * D, *m = k.m + a * D, *c = k.c + a * D;
      v4d y[D];
#pragma GCC unroll 4
      for (int j = 0; j < D; ++j) y[j] = x[j] - m[j];
#pragma GCC unroll 4
      for (int i = 0; i < D; ++i) {
        v4d t = splat(c[i]);
#pragma GCC unroll 4
        for (int j = 0; j < D; ++j) t += am[i * D + j] * y[j];
        acc[i] += e * t;
      }
    }
    const std::size_t lanes = k.nb - p < 4 ? k.nb - p : 4;
#pragma GCC unroll 4
    for (int i = 0; i < D; ++i) {
      const v4d r = acc[i] / s;
      for (std::size_t j = 0; j < lanes; ++j) k.out[(p + j) * D + i] = r[j];
    }
  }
}

}  // namespace

GMMOT_CLONES void small_mean(const SmallMean &k) {
  switch (k.d) {
    case 1:
      small_mean_d<1>(k);
      break;
    case 2:
      small_mean_d<2>(k);
      break;
    default:
      small_mean_d<3>(k);
      break;
  }
}

}  // namespace gmmot::map_kernels
