// SPDX-License-Identifier: MIT
// The terms of the relaxed energy in the frame (relaxed_fit.hpp): the transport term from the
// parameters (Procrustes form of B^2, numerics.md A.7), the penalty, and the E-step moments and
// log-likelihoods from one pass of the EM kernel over each cloud.
#include <algorithm>
#include <cmath>
#include <vector>

#include "linalg/dense.hpp"
#include "relax/relax_detail.hpp"

namespace gmmot::relax {

double Terms::magnitude(double lam) const {
  return std::fabs(transport) + lam * (std::fabs(ll[0]) + std::fabs(ll[1])) + std::fabs(penalty);
}

Pair::Pair(int d)
    : d_(d),
      ws_(d),
      w_(static_cast<std::size_t>(d) * d),
      s_(d),
      p_(w_.size()),
      qt_(w_.size()),
      u_(w_.size()),
      r_(w_.size()) {}

double Pair::bures2(const double *l0, const double *l1) {
  const int d = d_;
  linalg::gemm(true, false, d, 1.0, l1, l0, 0.0, w_.data());  // W = L1^T L0
  linalg::svd_full(d, w_.data(), s_.data(), p_.data(), qt_.data(), ws_);
  linalg::gemm(false, false, d, 1.0, p_.data(), qt_.data(), 0.0, u_.data());  // U = P Q^T
  std::copy(l0, l0 + w_.size(), r_.begin());
  linalg::gemm(false, false, d, -1.0, l1, u_.data(), 1.0, r_.data());  // L0 - L1 U
  double b = 0;
  for (double x : r_) b += x * x;
  return b;
}

double transport_costs(const Theta &th, Pair &pair, std::vector<double> &c) {
  const std::size_t k = th.k, d = th.d, dd = d * d;
  c.assign(k, 0.0);
  double total = 0;
  for (std::size_t q = 0; q < k; ++q) {
    double m2 = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const double t = th.mean[0][q * d + j] - th.mean[1][q * d + j];
      m2 += t * t;
    }
    c[q] = m2 + pair.bures2(th.chol[0].data() + q * dd, th.chol[1].data() + q * dd);
    total += th.pi[q] * c[q];
  }
  return total;
}

double penalty(const Theta &th, double lam, double rho, double v) {
  const std::size_t k = th.k, d = th.d, dd = d * d;
  const int di = static_cast<int>(d);
  std::vector<double> inv(dd);
  double sum = 0;
  for (int c = 0; c < 2; ++c) {
    for (std::size_t q = 0; q < k; ++q) {
      const double *l = th.chol[c].data() + q * dd;
      std::fill(inv.begin(), inv.end(), 0.0);
      for (std::size_t j = 0; j < d; ++j) inv[j * d + j] = 1.0;
      linalg::trsm_lower(true, false, di, l, inv.data());  // L^-1: tr S^-1 = ||L^-1||_F^2
      double tr = 0, logdet = 0;
      for (double x : inv) tr += x * x;
      for (std::size_t j = 0; j < d; ++j) logdet += 2 * std::log(l[j * d + j]);
      sum += v * tr + logdet;
    }
  }
  return 0.5 * lam * rho * sum;
}

void e_step(const Problem &pb, int c, const Theta &th, em::Kernel &kernel, Team &team,
            const Context &ctx, Moments &m) {
  const std::size_t k = th.k, d = th.d, dd = d * d;
  em::Params p;
  p.k = k;
  p.d = d;
  p.weight = th.pi;
  p.mean = th.mean[c];
  p.chol = th.chol[c];
  em::Stats st;
  kernel.pass(p, true, team, ctx, st);
  const double total = pb.data[c].total_weight;
  m.ll = st.ll() / total;
  m.n.assign(k, 0.0);
  m.xbar.assign(k * d, 0.0);
  m.scatter.assign(k * dd, 0.0);
  std::vector<double> delta(d);
  for (std::size_t q = 0; q < k; ++q) {
    const double nq = st.n[q];
    const double *mu = th.mean[c].data() + q * d;
    if (!(nq > 0)) {  // no responsibility at all: the moments are those of the mean itself
      std::copy(mu, mu + d, m.xbar.begin() + q * d);
      continue;
    }
    m.n[q] = nq / total;
    for (std::size_t j = 0; j < d; ++j) {
      delta[j] = st.s1[q * d + j] / nq;
      m.xbar[q * d + j] = mu[j] + delta[j];
    }
    double *w = m.scatter.data() + q * dd;
    for (std::size_t j = 0; j < d; ++j)
      for (std::size_t i = j; i < d; ++i) {
        const double v = st.s2[q * dd + i + j * d] / nq - delta[i] * delta[j];
        w[i + j * d] = v;
        w[j + i * d] = v;
      }
  }
}

}  // namespace gmmot::relax
