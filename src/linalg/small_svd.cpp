#include "linalg/small_svd.hpp"

#include <cmath>

#include <lapack.h>

#include "util/simd.hpp"

namespace gmmot::linalg {
namespace {

// Householder vector for x (length m, x[0] first): on return x[1..] holds v[1..] (v[0] = 1),
// and the function returns beta with (I - tau v v^T) x = beta e1 (LAPACK dlarfg's convention).
double householder(double *x, int m, double &tau) {
  double sq = 0.0;
  for (int i = 1; i < m; ++i) sq += x[i] * x[i];
  const double alpha = x[0];
  if (sq == 0.0) {
    tau = 0.0;
    return alpha;
  }
  const double norm = std::sqrt(alpha * alpha + sq);
  const double beta = alpha >= 0.0 ? -norm : norm;
  tau = (beta - alpha) / beta;
  const double scale = 1.0 / (alpha - beta);
  for (int i = 1; i < m; ++i) x[i] *= scale;
  return beta;
}

// Reduces the n x n column-major matrix a to upper bidiagonal form (diagonal d, superdiagonal
// e) by alternating left and right Householder reflections.
GMMOT_CLONES void bidiagonalize(int n, double *a, double *d, double *e, double *v, double *s) {
  for (int k = 0; k < n; ++k) {
    // Left reflector: zero a[k+1.., k].
    double *col = a + static_cast<std::size_t>(k) * n;
    double tau = 0.0;
    d[k] = householder(col + k, n - k, tau);
    if (tau != 0.0) {
      v[k] = 1.0;
      for (int i = k + 1; i < n; ++i) v[i] = col[i];
      for (int j = k + 1; j < n; ++j) {
        double *cj = a + static_cast<std::size_t>(j) * n;
        double dot = 0.0;
        for (int i = k; i < n; ++i) dot += v[i] * cj[i];
        const double f = tau * dot;
        for (int i = k; i < n; ++i) cj[i] -= f * v[i];
      }
    }
    if (k + 1 >= n) break;
    // Right reflector: zero a[k, k+2..], the row is strided in column-major storage.
    const int m = n - k - 1;
    for (int j = 0; j < m; ++j) v[j] = a[k + static_cast<std::size_t>(k + 1 + j) * n];
    e[k] = householder(v, m, tau);
    if (tau != 0.0) {
      v[0] = 1.0;
      for (int i = k + 1; i < n; ++i) s[i] = 0.0;
      for (int j = 0; j < m; ++j) {
        const double *cj = a + static_cast<std::size_t>(k + 1 + j) * n;
        const double vj = v[j];
        for (int i = k + 1; i < n; ++i) s[i] += cj[i] * vj;
      }
      for (int j = 0; j < m; ++j) {
        double *cj = a + static_cast<std::size_t>(k + 1 + j) * n;
        const double f = tau * v[j];
        for (int i = k + 1; i < n; ++i) cj[i] -= f * s[i];
      }
    }
  }
}

}  // namespace

SmallSvd::SmallSvd(int n)
    : n_(n),
      d_(static_cast<std::size_t>(n)),
      e_(static_cast<std::size_t>(n)),
      v_(static_cast<std::size_t>(n)),
      s_(static_cast<std::size_t>(n)),
      work_(4 * static_cast<std::size_t>(n) + 4) {}

double SmallSvd::nuclear_norm(double *w) {
  const int n = n_;
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  double mx = 0.0;
  for (std::size_t i = 0; i < nn; ++i) {
    const double v = std::fabs(w[i]);
    mx = v > mx ? v : mx;
  }
  if (mx == 0.0) return 0.0;
  // Scale to O(1) by a power of two (exact) so no sum of squares under- or overflows. Two
  // factors, since 2^-ex alone may not be representable for extreme ex.
  int ex = 0;
  std::frexp(mx, &ex);
  const double f1 = std::ldexp(1.0, -ex / 2), f2 = std::ldexp(1.0, -ex - (-ex / 2));
  for (std::size_t i = 0; i < nn; ++i) w[i] = (w[i] * f1) * f2;
  bidiagonalize(n, w, d_.data(), e_.data(), v_.data(), s_.data());
  int info = 0, zero = 0, one = 1;
  LAPACK_dbdsqr("U", &n, &zero, &zero, &zero, d_.data(), e_.data(), nullptr, &one, nullptr, &one,
                nullptr, &one, work_.data(), &info);
  if (info != 0) return -1.0;
  double sum = 0.0;
  for (int i = 0; i < n; ++i) sum += std::fabs(d_[i]);
  return std::ldexp(sum, ex);
}

}  // namespace gmmot::linalg
