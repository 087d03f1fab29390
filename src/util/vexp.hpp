// SPDX-License-Identifier: MIT
// A vectorised exp on 4 doubles (GCC/Clang vector extensions), for the hot loops that take many
// exponentials: Sinkhorn's log-sum-exps, the posteriors of the transport maps. glibc's exp is
// scalar. Every helper is always inlined, so it is compiled for the instruction set of the
// GMMOT_CLONES clone that calls it (util/simd.hpp).
#pragma once

#include <cstring>

#include "util/simd.hpp"

// GCC notes that passing 32-byte vectors by value has an ABI that depends on -mavx; the
// helpers below are always inlined, so no call ever crosses such an ABI boundary. (Not popped:
// GCC emits this warning at the end of the translation unit.)
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace gmmot::vexp {

typedef double v4d __attribute__((vector_size(32)));
typedef unsigned long long v4u __attribute__((vector_size(32)));

GMMOT_INLINE v4d splat(double x) { return v4d{x, x, x, x}; }

GMMOT_INLINE v4d load(const double *p) {
  v4d v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

GMMOT_INLINE void store(double *p, const v4d &v) { std::memcpy(p, &v, sizeof v); }

// exp(x) within 2 ulp (1.8 measured) for x in [-708, 709], and 0 below -708 (including -inf),
// where exp(x) < 3.4e-308: such a term is negligible in a log-sum-exp that contains a 1.
// Cody-Waite reduction x = n ln2 + r with |r| <= ln2 / 2 (ln2 split in 32 + 53 bits so that
// n ln2_hi is exact), the Taylor polynomial of degree 13 (truncation < 5e-18 relative), and 2^n
// built in the exponent field: t = x log2(e) + 1.5 2^52 + 1023 holds n + 1023 in its low bits.
// A NaN lane gives exp(-708), not NaN: callers keep NaN out of their arguments.
GMMOT_INLINE v4d exp4(const v4d &x) {
  const v4d lo = splat(-708.0), hi = splat(709.0), shift = splat(0x1.8p52 + 1023);
  v4d xc = x > lo ? x : lo;  // written as max(x, lo) and min(xc, hi): one instruction each
  xc = xc < hi ? xc : hi;
  const v4d t = xc * 1.4426950408889634 + shift;
  const v4d n = t - shift;
  const v4d r = (xc - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10;
  // sum_k r^k / k! for k <= 13 by Estrin's scheme: a dependency chain of depth 5 instead of
  // Horner's 13, so that successive vectors overlap in the pipeline.
  const v4d r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
  const v4d q0 = r + 1.0, q1 = r * (1.0 / 6) + 0.5, q2 = r * (1.0 / 120) + 1.0 / 24;
  const v4d q3 = r * (1.0 / 5040) + 1.0 / 720, q4 = r * (1.0 / 362880) + 1.0 / 40320;
  const v4d q5 = r * (1.0 / 39916800) + 1.0 / 3628800;
  const v4d q6 = r * (1.0 / 6227020800) + 1.0 / 479001600;
  const v4d s0 = q1 * r2 + q0, s1 = q3 * r2 + q2, s2 = q5 * r2 + q4;
  const v4d p = (q6 * r4 + s2) * r8 + (s1 * r4 + s0);
  const v4d two_n = reinterpret_cast<v4d>(reinterpret_cast<v4u>(t) << 52);
  return x < lo ? splat(0.0) : p * two_n;
}

// log(x) and 1 / v with ONE division, for finite normal x > 0 and v != 0: x = 2^e m with m in
// [sqrt(1/2), sqrt(2)), log m = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716, by its odd
// series to s^21 (truncation below 2e-19 relative), and e ln2 in two parts (ln2_hi e exact);
// s and 1 / v share the reciprocal 1 / ((m + 1) v), the division being the costliest operation
// here. Errors (tests/core/test_vexp_log.cpp, against a long double log on random and edge
// arguments: DBL_MIN and its neighbours, 1 and its neighbours, DBL_MAX): log within 6 ulp of the
// correctly rounded result (measured 5.0 for x within 2% of 1, where the three roundings of s
// dominate, 2.8 elsewhere; 0 exactly at x = 1), 1 / v within 3 ulp (measured 1.9). The Student-t EM
// kernels (em_kernel.cpp) take log(1 + delta / nu) and u = (nu + d) / (nu + delta) from one call.
// (A table-driven log without division, indexed on 7 mantissa bits, measured slower there: AVX2
// has no cheap gather, and the four scalar table loads per vector cost more than the division.)
GMMOT_INLINE void log4_inv(const v4d &x, const v4d &v, v4d &lg, v4d &inv_v) {
  typedef long long v4i __attribute__((vector_size(32)));
  const v4u bits = reinterpret_cast<v4u>(x);
  const v4u mant = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
  // The exponent field as a double without an int64 -> double conversion (AVX2 has none; GCC
  // would convert lane by lane): 2^52 + field, minus 2^52 + 1023.
  v4d ed = reinterpret_cast<v4d>((bits >> 52) | 0x4330000000000000ULL) - (0x1p52 + 1023.0);
  v4d m = reinterpret_cast<v4d>(mant);
  const v4i big = reinterpret_cast<v4i>(m > 1.4142135623730951);  // all ones where true
  m = big ? m * 0.5 : m;
  ed = big ? ed + 1.0 : ed;
  const v4d den = m + 1.0;
  const v4d r = 1.0 / (den * v);
  const v4d s = (m - 1.0) * v * r;
  inv_v = den * r;
  const v4d z = s * s, z2 = z * z, z4 = z2 * z2, z8 = z4 * z4;
  // 1 + z/3 + ... + z^10/21 by Estrin's scheme.
  const v4d a0 = z * (1.0 / 3) + 1.0, a1 = z * (1.0 / 7) + 1.0 / 5, a2 = z * (1.0 / 11) + 1.0 / 9;
  const v4d a3 = z * (1.0 / 15) + 1.0 / 13, a4 = z * (1.0 / 19) + 1.0 / 17;
  const v4d b0 = a1 * z2 + a0, b1 = a3 * z2 + a2;
  const v4d poly = (b1 * z4 + b0) + (z2 * (1.0 / 21) + a4) * z8;
  const v4d lm = 2.0 * s * poly;
  lg = ed * 6.93147180369123816490e-01 + (ed * 1.90821492927058770002e-10 + lm);
}

// log(x) alone (log4_inv with v = 1), same bound.
GMMOT_INLINE v4d log4(const v4d &x) {
  v4d lg, unused;
  log4_inv(x, splat(1.0), lg, unused);
  return lg;
}

}  // namespace gmmot::vexp
