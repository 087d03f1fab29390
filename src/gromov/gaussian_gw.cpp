// SPDX-License-Identifier: MIT
#include "gromov/gaussian_gw.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "linalg/covariance_factor.hpp"
#include "linalg/dense.hpp"
#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {

namespace {

// Eigenvalues decreasing (clamped at 0) and eigenvectors as columns in the same order.
struct Spectrum {
  std::vector<double> values, vectors;  // vectors: d x d row-major, column i for values[i]
};

Spectrum spectrum(std::size_t d, const double *cov, const char *name, std::string *warning) {
  const int di = static_cast<int>(d);
  std::vector<double> sym(d * d), w(d);
  validate_covariance(di, cov, name, sym.data(), warning);
  linalg::sym_eig(di, sym.data(), w.data());  // ascending; column-major = row-major of a sym.
  double top = 0;
  for (double v : w) top = std::max(top, std::fabs(v));
  if (w[0] < -1e-12 * top) {
    fail(Errc::NotPsd,
         std::string(name) + " is not positive semi-definite: eigenvalue " + fmt(w[0]));
  }
  // Eigenvalues within rounding of zero, by the library's PSD rule (gmmot/gmm.h: 64 d eps of
  // the largest), are zero: their sign is that of the rounding, and dividing by a +1e-18 would
  // give a map of norm 1e8 that does not push mu onto nu.
  const double zero = 64.0 * static_cast<double>(d) * std::numeric_limits<double>::epsilon() * top;
  Spectrum s{std::vector<double>(d), std::vector<double>(d * d)};
  // dsyevd returns eigenvectors as columns of a column-major matrix: element (r, c) at
  // sym[c * d + r].
  for (std::size_t i = 0; i < d; ++i) {
    const std::size_t src = d - 1 - i;
    s.values[i] = w[src] > zero ? w[src] : 0.0;
    for (std::size_t r = 0; r < d; ++r) s.vectors[r * d + i] = sym[src * d + r];
  }
  return s;
}

void require_finite_mean(std::size_t d, const double *mean, const char *name) {
  if (mean == nullptr) return;
  for (std::size_t i = 0; i < d; ++i) {
    if (!std::isfinite(mean[i])) {
      fail(Errc::NonFinite,
           std::string(name) + "[" + std::to_string(i) + "] is not finite: " + fmt(mean[i]));
    }
  }
}

}  // namespace

GaussianGw gaussian_gromov_wasserstein(std::size_t m, const double *mean0, const double *cov0,
                                       std::size_t n, const double *mean1, const double *cov1,
                                       bool want_map, std::string *warning) {
  if (m == 0 || n == 0) {
    fail(Errc::Dimension, "the dimensions must be at least 1 (got m = " + std::to_string(m) +
                              ", n = " + std::to_string(n) + ")");
  }
  if (cov0 == nullptr || cov1 == nullptr) fail(Errc::InvalidArgument, "cov0 or cov1 is NULL");
  checked_mul(m, m, "m*m");
  checked_mul(n, n, "n*n");
  if (m > 46340 || n > 46340) fail(Errc::TooLarge, "m and n must be at most 46340");
  require_finite_mean(m, mean0, "mean0");
  require_finite_mean(n, mean1, "mean1");
  const Spectrum s0 = spectrum(m, cov0, "cov0", warning);
  const Spectrum s1 = spectrum(n, cov1, "cov1", warning);
  GaussianGw r;
  double t0 = 0, t1 = 0, sq = 0;
  for (double v : s0.values) t0 += v;
  for (double v : s1.values) t1 += v;
  for (std::size_t i = 0; i < std::max(m, n); ++i) {
    const double a = i < m ? s0.values[i] : 0.0, b = i < n ? s1.values[i] : 0.0;
    sq += (a - b) * (a - b);
  }
  r.ggw2 = 4 * (t0 - t1) * (t0 - t1) + 8 * sq;
  if (!std::isfinite(r.ggw2)) fail(Errc::Overflow, "GGW^2 is not finite: " + fmt(r.ggw2));
  if (!want_map) return r;
  if (m < n) {
    fail(Errc::NoMap, "no map from R^" + std::to_string(m) + " onto R^" + std::to_string(n) +
                          ": for m < n the optimal coupling is a map from the second Gaussian "
                          "to the first (swap them)");
  }
  std::vector<double> scale(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (s1.values[i] == 0) {
      scale[i] = 0;
    } else if (s0.values[i] > 0) {
      scale[i] = std::sqrt(s1.values[i] / s0.values[i]);
    } else {
      fail(Errc::NoMap, "no map: cov0's eigenvalue " + std::to_string(i + 1) +
                            " (decreasing order) is 0 where cov1's is " + fmt(s1.values[i]));
    }
  }
  // A = U1 diag(scale) U0[:, :n]^T as one BLAS-3 product (a scalar triple loop cost 3.4x the
  // two eigendecompositions at d = 1024). Row-major W = U1 diag(scale) is column-major W^T, and
  // row-major A (n x m) is column-major A^T = U0[:, :n] W^T.
  std::vector<double> w(n * n);
  for (std::size_t row = 0; row < n; ++row)
    for (std::size_t i = 0; i < n; ++i) w[row * n + i] = s1.vectors[row * n + i] * scale[i];
  r.a.assign(n * m, 0.0);
  const int mi = static_cast<int>(m), ni = static_cast<int>(n);
  linalg::gemm_mnk(true, false, mi, ni, ni, 1.0, s0.vectors.data(), mi, w.data(), ni, 0.0,
                   r.a.data(), mi);
  r.b.assign(n, 0.0);
  for (std::size_t row = 0; row < n; ++row) {
    double v = mean1 != nullptr ? mean1[row] : 0.0;
    if (mean0 != nullptr)
      for (std::size_t col = 0; col < m; ++col) v -= r.a[row * m + col] * mean0[col];
    r.b[row] = v;
  }
  for (double v : r.a)
    if (!std::isfinite(v)) fail(Errc::Overflow, "an entry of A is not finite");
  for (double v : r.b)
    if (!std::isfinite(v)) fail(Errc::Overflow, "an entry of b is not finite");
  r.has_map = true;
  return r;
}

}  // namespace gmmot
