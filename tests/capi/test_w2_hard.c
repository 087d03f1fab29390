/* SPDX-License-Identifier: MIT */
/* gmmot_gaussian_w2_squared on hard inputs with references computed in long double from exact
 * inputs: condition numbers ~1e12 on non-commuting pairs, and exactly singular covariances.
 * gaussian.h promises an absolute error of about 1e-15 (tr S0 + tr S1) in both cases; tested at
 * 1e-14 (tr S0 + tr S1). */
#include <gmmot/gmmot.h>
#include <math.h>

#include "harness.h"

typedef struct {
  double a, b, c; /* [[a, b], [b, c]] */
} sym2;

/* tr (S0^1/2 S1 S0^1/2)^1/2 for 2 x 2: sqrt(tr(S0 S1) + 2 sqrt(det S0 det S1)). */
static long double bures_cross2(sym2 s0, sym2 s1) {
  long double tr = (long double)s0.a * s1.a + 2.0L * s0.b * s1.b + (long double)s0.c * s1.c;
  long double d0 = (long double)s0.a * s0.c - (long double)s0.b * s0.b;
  long double d1 = (long double)s1.a * s1.c - (long double)s1.b * s1.b;
  return sqrtl(tr + 2.0L * sqrtl(d0 * d1));
}

static long double bures2(sym2 s0, sym2 s1) {
  return (long double)s0.a + s0.c + s1.a + s1.c - 2.0L * bures_cross2(s0, s1);
}

#define CHECK_W2_ABS(got, ref, scale)                                                         \
  h_check(fabs((double)((long double)(got) - (ref))) <= 1e-14 * (scale), __FILE__, __LINE__,  \
          "W2^2 = %.17g, reference %.17Lg, abs err %.3g, allowed 1e-14 * %.3g", (got), (ref), \
          fabs((double)((long double)(got) - (ref))), (scale))

static void test_ill_conditioned(void) {
  /* A0 has eigenvalues ~2 and ~2^-39: condition ~1.1e12. B1 has condition ~1e6. */
  const sym2 a0 = {1.0, 1.0, 1.0 + ldexp(1.0, -38)}, a1 = {3.0, -1.0, 0.5};
  const sym2 b0 = {4.0, 0.5, 2.0}, b1 = {ldexp(1.0, -20), ldexp(1.0, -21), 1.0};
  static const double z[4] = {0, 0, 0, 0};
  double s0[16] = {0}, s1[16] = {0};
  long double ref;
  double tr;

  /* d = 2 (closed form path), both orders. */
  {
    double p0[4] = {a0.a, a0.b, a0.b, a0.c}, p1[4] = {a1.a, a1.b, a1.b, a1.c};
    ref = bures2(a0, a1);
    tr = a0.a + a0.c + a1.a + a1.c;
    CHECK_W2_ABS(W2SQ(2, z, p0, z, p1), ref, tr);
    CHECK_W2_ABS(W2SQ(2, z, p1, z, p0), ref, tr);
  }
  /* d = 3: block A plus an exact scalar pair (4 vs 1: (2 - 1)^2 = 1). */
  {
    double p0[9] = {a0.a, 0, a0.b, 0, 4, 0, a0.b, 0, a0.c};
    double p1[9] = {a1.a, 0, a1.b, 0, 1, 0, a1.b, 0, a1.c};
    ref = bures2(a0, a1) + 1.0L;
    tr = a0.a + a0.c + a1.a + a1.c + 5.0;
    CHECK_W2_ABS(W2SQ(3, z, p0, z, p1), ref, tr);
  }
  /* d = 4 (general path): blocks A on indices {0, 2} and B on {1, 3}, interleaved. */
  s0[0] = a0.a, s0[2] = s0[8] = a0.b, s0[10] = a0.c;
  s0[5] = b0.a, s0[7] = s0[13] = b0.b, s0[15] = b0.c;
  s1[0] = a1.a, s1[2] = s1[8] = a1.b, s1[10] = a1.c;
  s1[5] = b1.a, s1[7] = s1[13] = b1.b, s1[15] = b1.c;
  {
    static const double m0[4] = {1, 0, -1, 2}, m1[4] = {0.5, 0.25, 0, 2};
    ref = bures2(a0, a1) + bures2(b0, b1) + 0.25L + 0.0625L + 1.0L;
    tr = h_trace(4, s0) + h_trace(4, s1);
    CHECK_W2_ABS(W2SQ(4, m0, s0, m1, s1), ref, tr);
    CHECK_W2_ABS(W2SQ(4, m1, s1, m0, s0), ref, tr);
  }
}

/* Exactly singular: for S0 = v v^T, tr (S0^1/2 S1 S0^1/2)^1/2 = sqrt(v^T S1 v). */
static void test_singular_exact(void) {
  static const double v3[3] = {1, 2, 2}, u3[3] = {2, -1, 0}, w3[3] = {1, 1, 0};
  static const double t3[9] = {2, 1, 0, 1, 3, 1, 0, 1, 4};
  static const double z[5] = {0, 0, 0, 0, 0};
  double s0[25], s1[25];
  size_t i, j;
  long double q = 0.0L;

  for (i = 0; i < 3; ++i) {
    for (j = 0; j < 3; ++j) {
      s0[i * 3 + j] = v3[i] * v3[j];
      q += (long double)v3[i] * t3[i * 3 + j] * v3[j];
    }
  }
  CHECK_W2_ABS(W2SQ(3, z, s0, z, t3), 9.0L + 9.0L - 2.0L * sqrtl(q), 18.0);
  CHECK_W2_ABS(W2SQ(3, z, t3, z, s0), 9.0L + 9.0L - 2.0L * sqrtl(q), 18.0);
  /* Two rank-1 covariances: |v|^2 + |u|^2 - 2 |v . u|. */
  for (i = 0; i < 3; ++i) {
    for (j = 0; j < 3; ++j) s1[i * 3 + j] = u3[i] * u3[j];
  }
  CHECK_W2_ABS(W2SQ(3, z, s0, z, s1), 14.0L, 14.0); /* v . u = 0 */
  for (i = 0; i < 3; ++i) {
    for (j = 0; j < 3; ++j) s1[i * 3 + j] = w3[i] * w3[j];
  }
  CHECK_W2_ABS(W2SQ(3, z, s0, z, s1), 5.0L, 11.0); /* 9 + 2 - 2 * 3 */

  /* d = 5 (general path): v = (1, 2, 2, 4, 0), S1 tridiagonal (4 on, 1 off the diagonal). */
  {
    static const double v5[5] = {1, 2, 2, 4, 0};
    q = 0.0L;
    for (i = 0; i < 5; ++i) {
      for (j = 0; j < 5; ++j) {
        s0[i * 5 + j] = v5[i] * v5[j];
        s1[i * 5 + j] = i == j ? 4.0 : (i + 1 == j || j + 1 == i) ? 1.0 : 0.0;
        q += (long double)v5[i] * s1[i * 5 + j] * v5[j];
      }
    }
    CHECK_W2_ABS(W2SQ(5, z, s0, z, s1), 25.0L + 20.0L - 2.0L * sqrtl(q), 45.0);
    CHECK_W2_ABS(W2SQ(5, z, s1, z, s0), 25.0L + 20.0L - 2.0L * sqrtl(q), 45.0);
  }
}

void test_gaussian_w2_hard(void) {
  test_ill_conditioned();
  test_singular_exact();
}
