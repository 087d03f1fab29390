// SPDX-License-Identifier: MIT
// The four-double vector of the lane kernels (GCC vector extensions: one AVX2 register in the
// x86-64-v3 clones, two SSE2 registers in the portable code) and the element-wise helpers they
// share. Every helper is always inlined, so each target clone compiles it for its own
// instruction set; included by the lane kernels' .cpp files only.
#pragma once

#include "util/simd.hpp"

// 32-byte vectors are passed by value to always-inlined helpers only: no call ABI is involved.
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace gmmot::linalg::vec4 {

constexpr int kWidth = 4;
typedef double v4 __attribute__((vector_size(kWidth * sizeof(double))));
typedef long long v4i __attribute__((vector_size(kWidth * sizeof(long long))));

// Unaligned: the lanes' arrays are std::vector storage.
GMMOT_INLINE v4 load(const double *p) {
  v4 x;
  __builtin_memcpy(&x, p, sizeof x);
  return x;
}
GMMOT_INLINE void store(double *p, v4 x) { __builtin_memcpy(p, &x, sizeof x); }
GMMOT_INLINE v4 splat(double x) { return v4{x, x, x, x}; }
GMMOT_INLINE v4 vabs(v4 x) {
  v4 r;
  for (int l = 0; l < kWidth; ++l) r[l] = __builtin_fabs(x[l]);
  return r;
}
GMMOT_INLINE v4 vsqrt(v4 x) {
  v4 r;
  for (int l = 0; l < kWidth; ++l) r[l] = __builtin_sqrt(x[l]);
  return r;
}

// Lanes of a and b (b's numbered from 4) picked by constant indices. GCC's builtin takes a mask
// vector, Clang's (the fuzz build) the indices themselves.
#if defined(__clang__)
#define GMMOT_SHUFFLE4(a, b, i0, i1, i2, i3) __builtin_shufflevector(a, b, i0, i1, i2, i3)
#else
#define GMMOT_SHUFFLE4(a, b, i0, i1, i2, i3) \
  __builtin_shuffle(a, b, ::gmmot::linalg::vec4::v4i{i0, i1, i2, i3})
#endif

}  // namespace gmmot::linalg::vec4
