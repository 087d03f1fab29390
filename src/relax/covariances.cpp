// SPDX-License-Identifier: MIT
// The covariance block of the majoriser (numerics.md E.2, step 3). There is no closed form
// (B^2 couples S0 and S1), so each component takes a few Armijo-backtracked descent steps on
//   Q(L0, L1) = pi B^2(S0, S1) + (lam / 2) sum_c [N_c log det S_c + tr(S_c^-1 M_c)],
// with N_c = n_c + rho and M_c = n_c Ctilde_c + rho v I (the penalty of relaxed_fit.hpp folded
// in: rho pseudo-points of scatter v I), Ctilde_c the scatter of cloud c around the new mean.
//
// Steps are affine-invariant (the alternative named in numerics.md E.2), written with the
// Cholesky factor instead of S^1/2 (the two give the same S): S_c <- L_c exp(-eta H_c / a_c) L_c^T,
// i.e. L_c <- L_c chol(exp(-eta H_c / a_c)), where H_c = L_c^T (dQ/dS_c) L_c is the gradient in
// these coordinates (relax_detail.hpp) and a_c = (lam / 2) N_c + 2 pi ||L_c||_F^2 bounds the
// curvature along the step: for pi = 0 the step with eta = 1 is the Newton step of the
// likelihood part, whose curvature is (lam / 2) N_c tr X^2 at its minimum, and B^2 adds at most
// that of 2 pi tr S_c. Every iterate stays symmetric positive definite (a product of
// nonsingular triangular factors), so no step needs a projection. A trial is accepted when
// Q decreases by at least 1e-4 eta times the predicted decrease sum_c tr(H_c^2) / a_c
// (Armijo); eta halves otherwise, and a block that cannot decrease is left as it is.
#include <algorithm>
#include <cmath>
#include <vector>

#include "linalg/dense.hpp"
#include "relax/relax_detail.hpp"

namespace gmmot::relax {
namespace {

constexpr int kInnerSteps = 6;  // accepted steps per component and outer iteration
constexpr int kHalvings = 60;
constexpr double kArmijo = 1e-4;

}  // namespace

CovBlock::CovBlock(int d) : d_(d), pair_(d) {
  const std::size_t dd = static_cast<std::size_t>(d) * d;
  for (int c = 0; c < 2; ++c) {
    m_[c].assign(dd, 0.0);
    h_[c].assign(dd, 0.0);
    trial_[c].assign(dd, 0.0);
  }
  y_.assign(dd, 0.0);
  tmp_.assign(dd, 0.0);
  eig_.assign(d, 0.0);
  w_.assign(dd, 0.0);
  r_.assign(dd, 0.0);
}

void CovBlock::set(double pi, double lam, double n0, const double *m0, double n1,
                   const double *m1) {
  pi_ = pi;
  lam_ = lam;
  n_[0] = n0;
  n_[1] = n1;
  std::copy(m0, m0 + m_[0].size(), m_[0].begin());
  std::copy(m1, m1 + m_[1].size(), m_[1].begin());
}

double CovBlock::value(const double *l0, const double *l1, bool gradient) {
  const int d = d_;
  const std::size_t du = static_cast<std::size_t>(d);
  double f = pi_ > 0 ? pi_ * pair_.bures2(l0, l1) : 0.0;
  if (gradient && !(pi_ > 0)) pair_.bures2(l0, l1);  // the polar data, multiplied by pi = 0
  for (int c = 0; c < 2; ++c) {
    const double *l = c == 0 ? l0 : l1;
    std::copy(m_[c].begin(), m_[c].end(), y_.begin());
    linalg::trsm_lower(true, false, d, l, y_.data());  // L^-1 M
    linalg::trsm_lower(false, true, d, l, y_.data());  // L^-1 M L^-T
    double logdet = 0, tr = 0;
    for (std::size_t j = 0; j < du; ++j) {
      logdet += 2 * std::log(l[j * du + j]);
      tr += y_[j * du + j];
    }
    f += 0.5 * lam_ * (n_[c] * logdet + tr);
    if (!gradient) continue;
    // H_c = pi (L^T L - K_c) + (lam / 2)(N_c I - Y_c), K_0 = Q Sigma Q^T, K_1 = P Sigma P^T for
    // L1^T L0 = P Sigma Q^T.
    linalg::ata(d, l, tmp_.data());
    const std::vector<double> &p = pair_.p(), &qt = pair_.qt(), &s = pair_.sigma();
    double *h = h_[c].data();
    for (std::size_t j = 0; j < du; ++j)
      for (std::size_t i = 0; i <= j; ++i) {
        double kij = 0;
        for (std::size_t r = 0; r < du; ++r)
          kij += c == 0 ? qt[r + i * du] * s[r] * qt[r + j * du]
                        : p[i + r * du] * s[r] * p[j + r * du];
        const double y = 0.5 * (y_[i + j * du] + y_[j + i * du]);
        const double v = pi_ * (tmp_[i + j * du] - kij) + 0.5 * lam_ * ((i == j ? n_[c] : 0.0) - y);
        h[i + j * du] = v;
        h[j + i * du] = v;
      }
  }
  return f;
}

double CovBlock::descend(double *l0, double *l1, int max_steps) {
  const int d = d_;
  const std::size_t du = static_cast<std::size_t>(d), dd = du * du;
  double *l[2] = {l0, l1};
  double f = value(l0, l1, true);
  const double start = f;
  for (int step = 0; step < max_steps; ++step) {
    double a[2], pred = 0;
    for (int c = 0; c < 2; ++c) {
      double fro = 0, hh = 0;
      for (std::size_t i = 0; i < dd; ++i) {
        fro += l[c][i] * l[c][i];
        hh += h_[c][i] * h_[c][i];
      }
      a[c] = 0.5 * lam_ * n_[c] + 2 * pi_ * fro;
      pred += hh / a[c];
    }
    if (!(pred > 1e-30 * std::fabs(f))) break;  // stationary to rounding
    bool accepted = false;
    double ft = f;
    double eta = 1;
    for (int half = 0; half < kHalvings && !accepted; ++half, eta *= 0.5) {
      bool ok = true;
      for (int c = 0; c < 2 && ok; ++c) {
        for (std::size_t i = 0; i < dd; ++i) w_[i] = -eta * h_[c][i] / a[c];
        if (!linalg::sym_eig_ws(d, w_.data(), eig_.data(), pair_.lapack())) {
          ok = false;
          break;
        }
        // exp(X) = V diag(exp(w)) V^T
        for (std::size_t j = 0; j < du; ++j)
          for (std::size_t i = 0; i <= j; ++i) {
            double v = 0;
            for (std::size_t r = 0; r < du; ++r)
              v += w_[i + r * du] * std::exp(eig_[r]) * w_[j + r * du];
            r_[i + j * du] = v;
            r_[j + i * du] = v;
          }
        if (!linalg::cholesky_lower(d, r_.data())) {
          ok = false;
          break;
        }
        linalg::gemm(false, false, d, 1.0, l[c], r_.data(), 0.0, trial_[c].data());
        for (std::size_t j = 0; j < du && ok; ++j) {
          for (std::size_t i = 0; i < j; ++i) trial_[c][i + j * du] = 0.0;
          const double p = trial_[c][j * du + j];
          ok = std::isfinite(p) && p > 0;
        }
      }
      if (!ok) continue;
      ft = value(trial_[0].data(), trial_[1].data(), false);
      accepted = std::isfinite(ft) && ft <= f - kArmijo * eta * pred;
    }
    if (!accepted) break;
    for (int c = 0; c < 2; ++c) std::copy(trial_[c].begin(), trial_[c].end(), l[c]);
    const double gain = f - ft;
    f = value(l0, l1, true);
    if (gain <= 1e-15 * std::fabs(f)) break;
  }
  return start - f;
}

double update_covariances(const Moments (&m)[2], double lam, double rho, double v, Theta &th) {
  const std::size_t k = th.k, d = th.d, dd = d * d;
  CovBlock block(static_cast<int>(d));
  std::vector<double> mm[2] = {std::vector<double>(dd), std::vector<double>(dd)};
  double total = 0;
  for (std::size_t q = 0; q < k; ++q) {
    double nn[2];
    for (int c = 0; c < 2; ++c) {
      const double n = m[c].n[q];
      const double *w = m[c].scatter.data() + q * dd, *x = m[c].xbar.data() + q * d;
      const double *mu = th.mean[c].data() + q * d;
      for (std::size_t j = 0; j < d; ++j)
        for (std::size_t i = 0; i < d; ++i)
          mm[c][i + j * d] =
              n * (w[i + j * d] + (x[i] - mu[i]) * (x[j] - mu[j])) + (i == j ? rho * v : 0.0);
      nn[c] = n + rho;
    }
    block.set(th.pi[q], lam, nn[0], mm[0].data(), nn[1], mm[1].data());
    total += block.descend(th.chol[0].data() + q * dd, th.chol[1].data() + q * dd, kInnerSteps);
  }
  return total;
}

}  // namespace gmmot::relax
