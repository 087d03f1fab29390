// SPDX-License-Identifier: MIT
// The mean block of the majoriser (numerics.md E.2, step 2). For component k, with
// delta = m0 - xbar0, eps = m1 - xbar1 and g = xbar0 - xbar1 (xbar the responsibility means),
//   q(delta, eps) = pi |delta - eps + g|^2 + (lam / 2) [n0 delta^T P0 delta + n1 eps^T P1 eps],
// P = S^-1, a convex quadratic whose stationary point solves the SPD system
//   [[2 pi I + lam n0 P0, -2 pi I], [-2 pi I, 2 pi I + lam n1 P1]] [delta; eps] = [-2 pi g; 2 pi g]
// (the system of numerics.md E.2 written around xbar, so that the offsets of far-apart clouds do
// not cancel). Solved by Cholesky; when the matrix is singular (a component without
// responsibilities in one cloud) the minimiser is taken directly: the mean of the empty side
// follows the other (m0 = m1 when pi > 0), or stays. The new means are kept only if q does not
// increase.
#include <cmath>
#include <vector>

#include "linalg/dense.hpp"
#include "relax/relax_detail.hpp"

namespace gmmot::relax {
namespace {

// |L^-1 x|^2 for lower L (d x d, column-major).
double quad(int d, const double *l, const double *x, std::vector<double> &y) {
  y.assign(x, x + d);
  for (int i = 0; i < d; ++i) {
    double t = y[i];
    for (int j = 0; j < i; ++j) t -= l[i + j * d] * y[j];
    y[i] = t / l[i + i * d];
  }
  double s = 0;
  for (double v : y) s += v * v;
  return s;
}

}  // namespace

double update_means(const Moments (&m)[2], double lam, Theta &th) {
  const std::size_t k = th.k, d = th.d, dd = d * d, d2 = 2 * d;
  const int di = static_cast<int>(d), d2i = static_cast<int>(d2);
  std::vector<double> h(d2 * d2), b(d2), inv(dd), prec(dd), y, m0(d), m1(d), diff(d);
  double total = 0;
  for (std::size_t q = 0; q < k; ++q) {
    const double pi = th.pi[q], n0 = m[0].n[q], n1 = m[1].n[q];
    const double *l0 = th.chol[0].data() + q * dd, *l1 = th.chol[1].data() + q * dd;
    const double *x0 = m[0].xbar.data() + q * d, *x1 = m[1].xbar.data() + q * d;
    double *mean0 = th.mean[0].data() + q * d, *mean1 = th.mean[1].data() + q * d;
    auto value = [&](const double *a0, const double *a1) {
      double t = 0;
      for (std::size_t j = 0; j < d; ++j) {
        const double u = a0[j] - a1[j];
        t += u * u;
        diff[j] = a0[j] - x0[j];
      }
      double f = pi * t;
      if (n0 > 0) f += 0.5 * lam * n0 * quad(di, l0, diff.data(), y);
      for (std::size_t j = 0; j < d; ++j) diff[j] = a1[j] - x1[j];
      if (n1 > 0) f += 0.5 * lam * n1 * quad(di, l1, diff.data(), y);
      return f;
    };
    if (!(n0 > 0) && !(n1 > 0)) continue;
    if (!(n0 > 0) || !(n1 > 0)) {
      const double *xs = n0 > 0 ? x0 : x1;
      for (std::size_t j = 0; j < d; ++j) {
        m0[j] = n0 > 0 || pi > 0 ? xs[j] : mean0[j];
        m1[j] = n1 > 0 || pi > 0 ? xs[j] : mean1[j];
      }
    } else {
      std::fill(h.begin(), h.end(), 0.0);
      for (int c = 0; c < 2; ++c) {
        const double *l = c == 0 ? l0 : l1;
        const double nc = c == 0 ? n0 : n1;
        std::fill(inv.begin(), inv.end(), 0.0);
        for (std::size_t j = 0; j < d; ++j) inv[j * d + j] = 1.0;
        linalg::trsm_lower(true, false, di, l, inv.data());  // L^-1
        linalg::ata(di, inv.data(), prec.data());            // S^-1 = L^-T L^-1
        const std::size_t o = c * d;
        for (std::size_t j = 0; j < d; ++j) {
          for (std::size_t i = 0; i < d; ++i)
            h[(o + i) + (o + j) * d2] = lam * nc * prec[i + j * d];
          h[(o + j) + (o + j) * d2] += 2 * pi;
          h[(d + j) + j * d2] = -2 * pi;  // lower-left block; the upper one is not read
        }
      }
      for (std::size_t j = 0; j < d; ++j) {
        const double g = x0[j] - x1[j];
        b[j] = -2 * pi * g;
        b[d + j] = 2 * pi * g;
      }
      if (!linalg::cholesky_lower(d2i, h.data())) continue;
      for (std::size_t i = 0; i < d2; ++i) {  // L z = b, then L^T x = z
        double t = b[i];
        for (std::size_t j = 0; j < i; ++j) t -= h[i + j * d2] * b[j];
        b[i] = t / h[i + i * d2];
      }
      for (std::size_t i = d2; i-- > 0;) {
        double t = b[i];
        for (std::size_t j = i + 1; j < d2; ++j) t -= h[j + i * d2] * b[j];
        b[i] = t / h[i + i * d2];
      }
      for (std::size_t j = 0; j < d; ++j) {
        m0[j] = x0[j] + b[j];
        m1[j] = x1[j] + b[d + j];
      }
    }
    bool finite = true;
    for (std::size_t j = 0; j < d; ++j) finite = finite && std::isfinite(m0[j] + m1[j]);
    if (!finite) continue;
    const double before = value(mean0, mean1), after = value(m0.data(), m1.data());
    if (!(after <= before)) continue;  // rounding: keep the current means
    std::copy(m0.begin(), m0.end(), mean0);
    std::copy(m1.begin(), m1.end(), mean1);
    total += before - after;
  }
  return total;
}

}  // namespace gmmot::relax
