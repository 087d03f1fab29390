// SPDX-License-Identifier: MIT
// Displacement interpolation between two Gaussians along the optimal coupling
// (X, Y) = (m0 + F0 z, m1 + F1 U z), U = P Q^T the polar factor of F1^T F0: this coupling
// attains W2 (Procrustes form, numerics.md A.1.2), so F_t = (1-t) F0 + t F1 U gives a
// constant-speed geodesic, also for singular covariances (Delon-Desolneux section 2.4.1).
#include <algorithm>
#include <cmath>

#include "gaussian/bures.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "util/error.hpp"

namespace gmmot {
namespace {

std::vector<double> unscaled(const CovFactor &f) {
  std::vector<double> s(f.scaled);
  for (auto &v : s) v = std::ldexp(v, 2 * f.scale_exp);
  return s;
}

}  // namespace

GaussianParams gaussian_geodesic(const double *m0, const CovFactor &f0, const double *m1,
                                 const CovFactor &f1, double t) {
  const int d = f0.d;
  const std::size_t nn = static_cast<std::size_t>(d) * d;
  GaussianParams out;
  out.mean.resize(static_cast<std::size_t>(d));
  for (int i = 0; i < d; ++i) out.mean[i] = t == 1.0 ? m1[i] : (1.0 - t) * m0[i] + t * m1[i];
  if (t == 0.0) {
    out.cov = unscaled(f0);
    return out;
  }
  if (t == 1.0) {
    out.cov = unscaled(f1);
    return out;
  }
  PairWorkspace ws(d);
  std::vector<double> u(nn), k(nn), f1u(nn), ft(nn), st(nn);
  product_polar(f0, f1, ws, u.data(), k.data());
  linalg::gemm(false, false, d, 1.0, f1.f.data(), u.data(), 0.0, f1u.data());
  const int e = std::max(f0.scale_exp, f1.scale_exp);
  for (std::size_t i = 0; i < nn; ++i) {
    ft[i] = (1.0 - t) * std::ldexp(f0.f[i], f0.scale_exp - e) +
            t * std::ldexp(f1u[i], f1.scale_exp - e);
  }
  linalg::aat(d, ft.data(), st.data());
  out.cov.resize(nn);
  for (std::size_t i = 0; i < nn; ++i) {
    out.cov[i] = std::ldexp(st[i], 2 * e);
    if (!std::isfinite(out.cov[i]))
      fail(Errc::Overflow, "the covariance exceeds the largest double");
  }
  return out;
}

}  // namespace gmmot
