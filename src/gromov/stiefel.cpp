// SPDX-License-Identifier: MIT
#include "gromov/stiefel.hpp"

#include <algorithm>
#include <cmath>

#include "linalg/dense.hpp"

namespace gmmot::stiefel {

void polar(std::size_t big, std::size_t small, const double *g, double *out) {
  const std::size_t D = big, d = small;
  std::vector<double> a(g, g + D * d), v(D * d, 0.0);
  // Householder QR in place: reflector j (stored in column j of v, rows j..D-1, unit norm)
  // zeroes a[j+1.., j]; R is left in the upper triangle of a's first d rows.
  for (std::size_t j = 0; j < d; ++j) {
    double norm = 0;
    for (std::size_t i = j; i < D; ++i) norm = std::hypot(norm, a[i * d + j]);
    if (norm == 0) continue;  // column already zero below j: no reflection
    const double alpha = a[j * d + j] > 0 ? -norm : norm;
    double vn = 0;
    for (std::size_t i = j; i < D; ++i) {
      v[i * d + j] = a[i * d + j] - (i == j ? alpha : 0.0);
      vn = std::hypot(vn, v[i * d + j]);
    }
    if (vn == 0) continue;
    for (std::size_t i = j; i < D; ++i) v[i * d + j] /= vn;
    for (std::size_t c = j; c < d; ++c) {
      double s = 0;
      for (std::size_t i = j; i < D; ++i) s += v[i * d + j] * a[i * d + c];
      for (std::size_t i = j; i < D; ++i) a[i * d + c] -= 2 * s * v[i * d + j];
    }
  }
  // Q = H_0 ... H_{d-1} [I_d; 0].
  std::vector<double> q(D * d, 0.0);
  for (std::size_t i = 0; i < d; ++i) q[i * d + i] = 1;
  for (std::size_t jj = d; jj-- > 0;) {
    for (std::size_t c = 0; c < d; ++c) {
      double s = 0;
      for (std::size_t i = jj; i < D; ++i) s += v[i * d + jj] * q[i * d + c];
      if (s == 0) continue;
      for (std::size_t i = jj; i < D; ++i) q[i * d + c] -= 2 * s * v[i * d + jj];
    }
  }
  // polar(R) from the SVD of R^T (R row-major is R^T column-major): R^T = U' S V'^T, so
  // R = V' S U'^T and polar(R) = V' U'^T.
  const int n = static_cast<int>(d);
  std::vector<double> rt(d * d, 0.0), s(d), u(d * d), vt(d * d), pr(d * d, 0.0);
  // Column-major element (r, c) of R^T, at rt[r + c d], is R[c][r]: copying R's rows as they
  // are lays out R^T.
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t j = i; j < d; ++j) rt[i * d + j] = a[i * d + j];
  linalg::Workspace ws(n);
  linalg::svd_full(n, rt.data(), s.data(), u.data(), vt.data(), ws);
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      double t = 0;
      for (std::size_t k = 0; k < d; ++k) t += vt[k + i * d] * u[j + k * d];
      pr[i * d + j] = t;
    }
  for (std::size_t i = 0; i < D; ++i)
    for (std::size_t j = 0; j < d; ++j) {
      double t = 0;
      for (std::size_t k = 0; k < d; ++k) t += q[i * d + k] * pr[k * d + j];
      out[i * d + j] = t;
    }
}

void tangent(std::size_t big, std::size_t small, const double *p, const double *g, double *out) {
  const std::size_t D = big, d = small;
  std::vector<double> ptg(d * d, 0.0);
  for (std::size_t k = 0; k < D; ++k)
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) ptg[i * d + j] += p[k * d + i] * g[k * d + j];
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t j = i + 1; j < d; ++j) {
      const double s = 0.5 * (ptg[i * d + j] + ptg[j * d + i]);
      ptg[i * d + j] = ptg[j * d + i] = s;
    }
  for (std::size_t r = 0; r < D; ++r)
    for (std::size_t j = 0; j < d; ++j) {
      double t = g[r * d + j];
      for (std::size_t k = 0; k < d; ++k) t -= p[r * d + k] * ptg[k * d + j];
      out[r * d + j] = t;
    }
}

std::vector<double> random_point(std::size_t big, std::size_t small, Xoshiro256 &rng) {
  std::vector<double> g(big * small), p(big * small);
  for (std::size_t i = 0; i < g.size(); i += 2) {
    double z0, z1;
    rng.normal_pair(z0, z1);
    g[i] = z0;
    if (i + 1 < g.size()) g[i + 1] = z1;
  }
  polar(big, small, g.data(), p.data());
  return p;
}

double orthonormality_error(std::size_t big, std::size_t small, const double *p) {
  double e = 0;
  for (std::size_t i = 0; i < small; ++i)
    for (std::size_t j = 0; j < small; ++j) {
      double t = 0;
      for (std::size_t k = 0; k < big; ++k) t += p[k * small + i] * p[k * small + j];
      e = std::max(e, std::abs(t - (i == j ? 1.0 : 0.0)));
    }
  return e;
}

}  // namespace gmmot::stiefel
