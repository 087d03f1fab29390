// SPDX-License-Identifier: MIT
// linalg::cholesky_rcond and sym_norm1: the reciprocal condition number of a covariance from its
// Cholesky factor, the test that accepts a factor (covariance_factor.cpp). Up to order
// kExactRcondMax it is computed exactly from L^-1 instead of by dpocon's estimator: dpocon's
// calls (dlacn2, dlatrs, lsame, dlamch and two triangular solves per step through OpenBLAS) cost
// several times the arithmetic at these orders (about half of gmmot_gmm_create's time at d = 3,
// a third at d = 27). The exact 1-norm of A^-1 is at least dpocon's estimate (a lower bound), so
// the rcond returned is at most dpocon's, up to the rounding of both (dpocon's estimate is often
// exact for these matrices): a factor accepted here would be accepted by it, and a matrix near
// the threshold that dpocon's estimate accepted may now take the eigen factor (the safe side).
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include <lapack.h>

#include "linalg/dense.hpp"
#include "linalg/vec4.hpp"

namespace gmmot::linalg {
namespace {

// Measured on the development machine (AMD EPYC Zen 4, OpenBLAS 0.3.21, one BLAS thread, AVX2
// clone), best of 2001 calls, exact norm / dpocon in us: 0.09 / 0.82 at n = 3, 0.50 / 2.9 at 16,
// 1.3 / 4.9 at 27, 1.9 / 6.2 at 32, 4.8 / 10 at 48, 10 / 20 at 64, 18 / 26 at 80, 29 / 31 at 96,
// 88 / 59 at 128 (n^3 / 3 multiply-adds against dpocon's O(n^2) per step): exact up to 80.
constexpr int kExactRcondMax = 80;
// Orders up to which the scratch lives on the stack (the common small covariances).
constexpr int kStackMax = 16;

using vec4::v4;
constexpr int kW = vec4::kWidth;

// Up to four-column blocks at once: out[b] = sum_{k0 <= k < k1} c[k] x[k * ld + j + 4b : + 4].
// The blocks' independent chains of multiply-adds hide each other's latency, and share c[k].
template <int NB>
GMMOT_INLINE void combine_rows(const double *c, const double *x, std::size_t ld, int k0, int k1,
                               int j, v4 *out) {
  v4 a[NB];
  for (int b = 0; b < NB; ++b) a[b] = vec4::splat(0.0);
  for (int k = k0; k < k1; ++k) {
    const v4 ck = vec4::splat(c[k]);
    const double *p = x + static_cast<std::size_t>(k) * ld + j;
    for (int b = 0; b < NB; ++b) a[b] += ck * vec4::load(p + kW * b);
  }
  for (int b = 0; b < NB; ++b) out[b] = a[b];
}

// combine_rows for `blocks` blocks (1 to kChunk).
constexpr int kChunk = 4;
GMMOT_INLINE void combine_blocks(int blocks, const double *c, const double *x, std::size_t ld,
                                 int k0, int k1, int j, v4 *out) {
  switch (blocks) {
    case 4:
      combine_rows<4>(c, x, ld, k0, k1, j, out);
      break;
    case 3:
      combine_rows<3>(c, x, ld, k0, k1, j, out);
      break;
    case 2:
      combine_rows<2>(c, x, ld, k0, k1, j, out);
      break;
    default:
      combine_rows<1>(c, x, ld, k0, k1, j, out);
      break;
  }
}

// ||L^-T L^-1||_1 with L lower triangular (column-major), in four-column blocks held in vector
// registers. X = L^-1 row-major with rows padded to ld (a multiple of 4) and zero above the
// diagonal: row i from the rows above it, X[i, t:t+4] = -sum_{k<i} L_ik X[k, t:t+4] / L_ii
// (k from the chunk's first column on: X_kt = 0 for k < t). Then B = X^T X row by row,
// B[i, j:j+4] = sum_{k>=i} X_ki X[k, j:j+4] (exact also for j > i: X_kj = 0 for k < j), only the
// blocks with j <= i, B's symmetry giving the other half of the column sums of |B|. n^3 / 3
// multiply-adds. x: n * ld, col: ld, tmp: n doubles.
GMMOT_CLONES double inverse_norm1(int n, const double *l, double *x, double *col, double *tmp) {
  const std::size_t ld = static_cast<std::size_t>((n + kW - 1) / kW * kW);
  const auto lat = [n, l](int i, int k) {
    return l[static_cast<std::size_t>(i) + static_cast<std::size_t>(k) * n];
  };
  v4 out[kChunk];
  for (int i = 0; i < n; ++i) {
    double *xi = x + i * ld;
    for (int k = 0; k < i; ++k) tmp[k] = lat(i, k);  // row i of L
    const v4 lii = vec4::splat(lat(i, i));
    const int blocks = i / kW + 1;  // those holding columns 0..i
    for (int b0 = 0; b0 < blocks; b0 += kChunk) {
      const int nb = std::min(kChunk, blocks - b0), t = b0 * kW;
      combine_blocks(nb, tmp, x, ld, t, i, t, out);
      for (int b = 0; b < nb; ++b) vec4::store(xi + t + kW * b, -out[b] / lii);
    }
    for (std::size_t t = static_cast<std::size_t>(i); t < ld; ++t) xi[t] = 0.0;
    xi[i] = 1.0 / lat(i, i);
  }
  std::fill(col, col + ld, 0.0);
  for (int i = 0; i < n; ++i) {
    for (int k = i; k < n; ++k) tmp[k] = x[k * ld + i];  // column i of X
    double row = 0.0;                                    // sum_{j<=i} |B_ij|
    const int blocks = i / kW + 1;
    for (int b0 = 0; b0 < blocks; b0 += kChunk) {
      const int nb = std::min(kChunk, blocks - b0);
      combine_blocks(nb, tmp, x, ld, i, n, b0 * kW, out);
      for (int b = 0; b < nb; ++b) {
        const int j = (b0 + b) * kW;
        const v4 a = vec4::vabs(out[b]);
        if (j + kW <= i) {
          vec4::store(col + j, vec4::load(col + j) + a);
          row += (a[0] + a[1]) + (a[2] + a[3]);
        } else {  // the block of the diagonal: B_ij with j < i counts in columns j and i
          for (int c = 0; c < i - j; ++c) {
            col[j + c] += a[c];
            row += a[c];
          }
          row += a[i - j];
        }
      }
    }
    col[i] += row;
  }
  double norm = 0.0;
  for (int j = 0; j < n; ++j) {
    if (std::isnan(col[j])) return col[j];
    norm = std::max(norm, col[j]);
  }
  return norm;
}

// 1 / (anorm ||L^-T L^-1||_1), 0 when L is singular or its inverse overflows.
double exact_cholesky_rcond(int n, const double *l, double anorm) {
  constexpr int kStackLd = (kStackMax + kW - 1) / kW * kW;
  double small[kStackMax * kStackLd + kStackLd + kStackMax];
  std::unique_ptr<double[]> heap;  // uninitialised: every entry is written before it is read
  double *x = small;
  const std::size_t ld = static_cast<std::size_t>((n + kW - 1) / kW * kW);
  if (n > kStackMax) {
    heap.reset(new double[static_cast<std::size_t>(n) * ld + ld + static_cast<std::size_t>(n)]);
    x = heap.get();
  }
  const double inv_norm = inverse_norm1(n, l, x, x + n * ld, x + n * ld + ld);
  if (!std::isfinite(inv_norm) || inv_norm == 0.0) return 0.0;  // singular, NaN or overflow
  const double r = (1.0 / inv_norm) / anorm;
  return std::isfinite(r) ? r : 0.0;
}

}  // namespace

double cholesky_rcond(int n, const double *l, double anorm) {
  if (n == 0) return 1.0;  // dpocon's convention
  if (!(anorm > 0.0)) return 0.0;
  if (n <= kExactRcondMax) return exact_cholesky_rcond(n, l, anorm);
  std::vector<double> work(3 * static_cast<std::size_t>(n));
  std::vector<int> iwork(static_cast<std::size_t>(n));
  double rcond = 0.0;
  int info = 0;
  LAPACK_dpocon("L", &n, l, &n, &anorm, &rcond, work.data(), iwork.data(), &info);
  return info == 0 ? rcond : 0.0;
}

double sym_norm1(int n, const double *a) {
  if (n <= kExactRcondMax) {  // the same norm as dlansy (column sums in another order), without its
                              // calls
    double norm = 0.0;
    for (int j = 0; j < n; ++j) {
      double col = 0.0;
      for (int i = 0; i < n; ++i) {
        const double v = i >= j ? a[i + static_cast<std::size_t>(j) * n]
                                : a[j + static_cast<std::size_t>(i) * n];  // lower triangle
        col += std::fabs(v);
      }
      if (col > norm || std::isnan(col)) norm = col;
    }
    return norm;
  }
  std::vector<double> work(static_cast<std::size_t>(n));
  return LAPACK_dlansy("1", "L", &n, a, &n, work.data());
}

}  // namespace gmmot::linalg
