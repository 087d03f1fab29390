// SPDX-License-Identifier: MIT
// EW2's problem: L(P, w) = sum_ij w_ij |x_i - P y_j|^2 between two centred point clouds; the
// embedding step is orthogonal Procrustes, P = polar(sum_ij w_ij x_i y_j^T), the exact
// minimiser for the plan (L = const - 2 <sum w x y^T, P> on the manifold).
#include <algorithm>
#include <cmath>
#include <string>

#include "gromov/embedding_problem.hpp"
#include "gromov/stiefel.hpp"
#include "linalg/dense.hpp"
#include "util/compensated_sum.hpp"
#include "util/error.hpp"

namespace gmmot {

PointEmbedding::PointEmbedding(std::size_t nl, std::size_t dl, std::vector<double> x,
                               std::vector<double> wl, std::size_t ns, std::size_t ds,
                               std::vector<double> y, std::vector<double> ws)
    : x_(std::move(x)), y_(std::move(y)) {
  big_ = dl;
  small_ = ds;
  wl_ = std::move(wl);
  ws_ = std::move(ws);
  cov_l_.assign(dl * dl, 0.0);
  cov_s_.assign(ds * ds, 0.0);
  for (std::size_t i = 0; i < nl; ++i)
    for (std::size_t r = 0; r < dl; ++r)
      for (std::size_t c = 0; c < dl; ++c)
        cov_l_[r * dl + c] += wl_[i] * x_[i * dl + r] * x_[i * dl + c];
  for (std::size_t j = 0; j < ns; ++j)
    for (std::size_t r = 0; r < ds; ++r)
      for (std::size_t c = 0; c < ds; ++c)
        cov_s_[r * ds + c] += ws_[j] * y_[j * ds + r] * y_[j * ds + c];
  double s = 0;
  for (std::size_t r = 0; r < dl; ++r) s += cov_l_[r * dl + r];
  for (std::size_t r = 0; r < ds; ++r) s += cov_s_[r * ds + r];
  scale_ = s;
}

void PointEmbedding::cost_matrix(const double *p, const Context &ctx, double *cost) const {
  const std::size_t nl = rows(), ns = cols(), D = big_, d = small_;
  // z_j = P y_j (ns x D), then |x_i|^2 + |z_j|^2 - 2 x_i . z_j with one product: the clouds are
  // centred, so the cancellation is that of distances against the clouds' radii.
  std::vector<double> z(ns * D, 0.0), nx(nl, 0.0), nz(ns, 0.0);
  for (std::size_t j = 0; j < ns; ++j)
    for (std::size_t r = 0; r < D; ++r) {
      double t = 0;
      for (std::size_t c = 0; c < d; ++c) t += p[r * d + c] * y_[j * d + c];
      z[j * D + r] = t;
      nz[j] += t * t;
    }
  for (std::size_t i = 0; i < nl; ++i)
    for (std::size_t r = 0; r < D; ++r) nx[i] += x_[i * D + r] * x_[i * D + r];
  ctx.check_interrupt();
  // Row-major C (nl x ns) is column-major C^T = Z X^T, with Z^T and X^T the row-major arrays.
  linalg::gemm_mnk(true, false, static_cast<int>(ns), static_cast<int>(nl), static_cast<int>(D),
                   -2.0, z.data(), static_cast<int>(D), x_.data(), static_cast<int>(D), 0.0, cost,
                   static_cast<int>(ns));
  for (std::size_t i = 0; i < nl; ++i)
    for (std::size_t j = 0; j < ns; ++j) {
      double &c = cost[i * ns + j];
      c = std::max(0.0, c + nx[i] + nz[j]);
      if (!std::isfinite(c)) {
        fail(Errc::Overflow, "the squared distance between points " + std::to_string(i) + " and " +
                                 std::to_string(j) + " exceeds the largest double");
      }
    }
}

double PointEmbedding::loss(const double *p, const std::vector<PlanEntry> &plan) const {
  const std::size_t D = big_, d = small_;
  CompensatedSum sum;
  for (const PlanEntry &e : plan) {
    double s = 0;
    for (std::size_t r = 0; r < D; ++r) {
      double t = x_[e.i * D + r];
      for (std::size_t c = 0; c < d; ++c) t -= p[r * d + c] * y_[e.j * d + c];
      s += t * t;
    }
    sum.add(e.mass * s);
  }
  return sum.value();
}

void PointEmbedding::gradient(const double *p, const std::vector<PlanEntry> &plan, bool full,
                              double *g) const {
  const std::size_t D = big_, d = small_;
  std::fill(g, g + D * d, 0.0);
  // folded: -2 sum w x y^T; full adds 2 sum w P y y^T (from |x - P y|^2 off the manifold).
  std::vector<double> yy(d * d, 0.0);
  for (const PlanEntry &e : plan) {
    for (std::size_t r = 0; r < D; ++r)
      for (std::size_t c = 0; c < d; ++c)
        g[r * d + c] -= 2 * e.mass * x_[e.i * D + r] * y_[e.j * d + c];
    if (full)
      for (std::size_t r = 0; r < d; ++r)
        for (std::size_t c = 0; c < d; ++c)
          yy[r * d + c] += 2 * e.mass * y_[e.j * d + r] * y_[e.j * d + c];
  }
  if (!full) return;
  for (std::size_t r = 0; r < D; ++r)
    for (std::size_t c = 0; c < d; ++c) {
      double t = 0;
      for (std::size_t k = 0; k < d; ++k) t += p[r * d + k] * yy[k * d + c];
      g[r * d + c] += t;
    }
}

double PointEmbedding::embed_step(double *p, const std::vector<PlanEntry> &plan, double loss_now,
                                  double, std::uint64_t) const {
  const std::size_t D = big_, d = small_;
  std::vector<double> m(D * d, 0.0), next(D * d);
  for (const PlanEntry &e : plan)
    for (std::size_t r = 0; r < D; ++r) {
      const double xr = e.mass * x_[e.i * D + r];
      for (std::size_t c = 0; c < d; ++c) m[r * d + c] += xr * y_[e.j * d + c];
    }
  stiefel::polar(D, d, m.data(), next.data());
  const double l = loss(next.data(), plan);
  if (!(l <= loss_now)) return loss_now;  // rounding only: Procrustes is the exact minimiser
  std::copy(next.begin(), next.end(), p);
  return l;
}

}  // namespace gmmot
