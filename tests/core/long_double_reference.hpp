// SPDX-License-Identifier: MIT
// Extended-precision (long double) references for the Bures term of W2 between Gaussians, by a
// route independent of the library's (Cholesky or given factors, their product, one-sided
// Jacobi singular values): accurate to about 1e-19 relative, far below the double results'
// rounding, so a difference from them is the library's error.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "support.hpp"

namespace gmmot::test {

using Real = long double;  // 64-bit significand on x86-64: 2^11 times finer than double

// Lower Cholesky factor (row-major) of the row-major SPD matrix s, in long double.
inline std::vector<Real> cholesky_ld(int d, const Mat &s) {
  std::vector<Real> l(static_cast<std::size_t>(d) * d, 0.0L);
  for (int j = 0; j < d; ++j) {
    Real diag = s[j * d + j];
    for (int k = 0; k < j; ++k) diag -= l[j * d + k] * l[j * d + k];
    REQUIRE(diag > 0.0L);
    const Real ljj = std::sqrt(diag);
    l[j * d + j] = ljj;
    for (int i = j + 1; i < d; ++i) {
      Real acc = s[i * d + j];
      for (int k = 0; k < j; ++k) acc -= l[i * d + k] * l[j * d + k];
      l[i * d + j] = acc / ljj;
    }
  }
  return l;
}

// Sum of the singular values of the d x n matrix whose n COLUMNS are cols[j] (column j stored
// contiguously, d entries), by one-sided Jacobi (Hestenes) rotations in long double until every
// pair of columns is orthogonal to 1e-17 relative: high relative accuracy, no squaring of the
// matrix.
inline Real nuclear_norm_jacobi(int d, std::vector<Real> cols, int n = -1) {
  if (n < 0) n = d;
  auto col = [&](int j) { return cols.data() + static_cast<std::size_t>(j) * d; };
  for (int sweep = 0; sweep < 40; ++sweep) {
    bool rotated = false;
    for (int p = 0; p < n - 1; ++p) {
      for (int q = p + 1; q < n; ++q) {
        Real *a = col(p), *b = col(q);
        Real alpha = 0.0L, beta = 0.0L, gamma = 0.0L;
        for (int i = 0; i < d; ++i) {
          alpha += a[i] * a[i];
          beta += b[i] * b[i];
          gamma += a[i] * b[i];
        }
        if (gamma == 0.0L || std::fabs(gamma) <= 1e-17L * std::sqrt(alpha * beta)) continue;
        rotated = true;
        const Real zeta = (beta - alpha) / (2.0L * gamma);
        const Real t =
            (zeta >= 0.0L ? 1.0L : -1.0L) / (std::fabs(zeta) + std::sqrt(1.0L + zeta * zeta));
        const Real c = 1.0L / std::sqrt(1.0L + t * t), s = c * t;
        for (int i = 0; i < d; ++i) {
          const Real x = a[i], y = b[i];
          a[i] = c * x - s * y;
          b[i] = s * x + c * y;
        }
      }
    }
    if (!rotated) break;
  }
  Real sum = 0.0L;
  for (int j = 0; j < n; ++j) {
    Real sq = 0.0L;
    for (int i = 0; i < d; ++i) sq += col(j)[i] * col(j)[i];
    sum += std::sqrt(sq);
  }
  return sum;
}

// tr S0 + tr S1 - 2 ||L1^T L0||_* in long double, for SPD s0, s1 (row-major).
inline double bures_reference_ld(int d, const Mat &s0, const Mat &s1) {
  const std::vector<Real> l0 = cholesky_ld(d, s0), l1 = cholesky_ld(d, s1);
  // Column j of W = L1^T L0: W[i][j] = sum_k L1[k][i] L0[k][j].
  std::vector<Real> cols(static_cast<std::size_t>(d) * d, 0.0L);
  for (int j = 0; j < d; ++j)
    for (int i = 0; i < d; ++i) {
      Real acc = 0.0L;
      for (int k = std::max(i, j); k < d; ++k) acc += l1[k * d + i] * l0[k * d + j];
      cols[static_cast<std::size_t>(j) * d + i] = acc;
    }
  Real tr = 0.0L;
  for (int i = 0; i < d; ++i) tr += static_cast<Real>(s0[i * d + i]) + s1[i * d + i];
  return static_cast<double>(tr - 2.0L * nuclear_norm_jacobi(d, cols));
}

// tr S0 + tr S1 - 2 ||B1^T B0||_* in long double for S0 = B0 B0^T, S1 = B1 B1^T given by
// factors b0 (d x r0) and b1 (d x r1), row-major: exact for exactly representable B (singular
// covariances included), where no factorisation of S is needed.
inline double bures_reference_factors(int d, const std::vector<double> &b0, int r0,
                                      const std::vector<double> &b1, int r1) {
  // Column j (j < r0) of W = B1^T B0 (r1 x r0): W[i][j] = sum_k B1[k][i] B0[k][j].
  std::vector<Real> cols(static_cast<std::size_t>(r1) * r0, 0.0L);
  Real tr = 0.0L;
  for (int j = 0; j < r0; ++j)
    for (int i = 0; i < r1; ++i) {
      Real acc = 0.0L;
      for (int k = 0; k < d; ++k)
        acc += static_cast<Real>(b1[k * r1 + i]) * static_cast<Real>(b0[k * r0 + j]);
      cols[static_cast<std::size_t>(j) * r1 + i] = acc;
    }
  for (double x : b0) tr += static_cast<Real>(x) * x;
  for (double x : b1) tr += static_cast<Real>(x) * x;
  return static_cast<double>(tr - 2.0L * nuclear_norm_jacobi(r1, cols, r0));
}

}  // namespace gmmot::test
