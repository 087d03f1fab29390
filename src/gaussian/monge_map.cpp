// SPDX-License-Identifier: MIT
// The affine Monge map between Gaussians, Delon-Desolneux eq. 2.8, in factor form
// (numerics.md A.1.3, A.5): with W = F1^T F0 = P Sigma Q^T and K = Q Sigma Q^T,
//   A = F0^-T K F0^-1   (F0^+ for a singular source, then checked: A S0 A must equal S1).
#include <cmath>
#include <limits>

#include "gaussian/bures.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "util/error.hpp"

namespace gmmot {

AffineMap gaussian_monge_map(const double *m0, const CovFactor &f0, const double *m1,
                             const CovFactor &f1) {
  const int d = f0.d;
  const std::size_t nn = static_cast<std::size_t>(d) * d;
  PairWorkspace ws(d);
  std::vector<double> u(nn), k(nn), a(nn, 0.0);
  product_polar(f0, f1, ws, u.data(), k.data());
  if (f0.kind == FactorKind::Cholesky) {
    a = k;
    linalg::trsm_lower(false, false, d, f0.f.data(), a.data());  // K L^-1
    linalg::trsm_lower(true, true, d, f0.f.data(), a.data());    // L^-T K L^-1
  } else {
    // F0 = V Lambda^1/2 (V = I for a diagonal factor): A = V Lambda^+1/2 K Lambda^+1/2 V^T.
    std::vector<double> inv_sqrt(static_cast<std::size_t>(d), 0.0);
    for (int i = 0; i < d; ++i) {
      if (f0.eigval[i] > f0.rank_threshold) inv_sqrt[i] = 1.0 / std::sqrt(f0.eigval[i]);
    }
    std::vector<double> mid(nn);
    for (int j = 0; j < d; ++j)
      for (int i = 0; i < d; ++i) mid[i + j * d] = inv_sqrt[i] * k[i + j * d] * inv_sqrt[j];
    if (f0.kind == FactorKind::Diagonal) {
      a = mid;
    } else {
      linalg::gemm(false, false, d, 1.0, f0.eigvec.data(), mid.data(), 0.0, u.data());
      linalg::gemm(false, true, d, 1.0, u.data(), f0.eigvec.data(), 0.0, a.data());
    }
  }
  // Symmetrise (rounding) and undo the scalings: A_true = 2^(e1 - e0) A.
  for (int j = 0; j < d; ++j) {
    for (int i = 0; i < j; ++i) {
      const double v = 0.5 * (a[i + j * d] + a[j + i * d]);
      a[i + j * d] = v;
      a[j + i * d] = v;
    }
  }
  // Residual ||A S0 A - S1|| / ||S1|| in scaled units (the scalings cancel).
  std::vector<double> t1(nn), t2(nn);
  linalg::gemm(false, false, d, 1.0, a.data(), f0.scaled.data(), 0.0, t1.data());
  linalg::gemm(false, false, d, 1.0, t1.data(), a.data(), 0.0, t2.data());
  double num = 0.0, den = 0.0;
  for (std::size_t i = 0; i < nn; ++i) {
    const double r = t2[i] - f1.scaled[i];
    num += r * r;
    den += f1.scaled[i] * f1.scaled[i];
  }
  AffineMap out;
  out.residual = std::sqrt(num) / std::max(std::sqrt(den), std::numeric_limits<double>::min());
  if (f0.kind != FactorKind::Cholesky && out.residual > 1e-8) {
    fail(Errc::NoMap, "no deterministic optimal map: the source covariance is singular (rank " +
                          std::to_string(f0.rank) + " of " + std::to_string(d) +
                          ") and range(S1) is not contained in range(S0) (relative residual of "
                          "A S0 A = S1 is " +
                          fmt(out.residual) + "); the distance and the geodesic still exist");
  }
  const int shift = f1.scale_exp - f0.scale_exp;
  out.a.resize(nn);
  for (std::size_t i = 0; i < nn; ++i) out.a[i] = std::ldexp(a[i], shift);
  out.b.resize(static_cast<std::size_t>(d));
  for (int i = 0; i < d; ++i) {
    double acc = 0.0;
    for (int j = 0; j < d; ++j) acc += out.a[i * d + j] * m0[j];
    out.b[i] = m1[i] - acc;
  }
  for (double v : out.a) {
    if (!std::isfinite(v)) fail(Errc::Overflow, "the map matrix A exceeds the largest double");
  }
  // A finite A can still give an infinite b (m0 = (1e10, 0), S0 = 1e-300 I, S1 = 1e300 I:
  // A = 1e300 I, A m0 = 1e310).
  for (int i = 0; i < d; ++i) {
    if (!std::isfinite(out.b[i])) {
      fail(Errc::Overflow, "the map offset b = m1 - A m0 exceeds the largest double (b[" +
                               std::to_string(i) + "] is " + fmt(out.b[i]) + ")");
    }
  }
  return out;
}

}  // namespace gmmot
