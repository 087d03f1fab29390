// SPDX-License-Identifier: MIT
// The covariance block of the majoriser (numerics.md E.2, step 3). There is no closed form
// (B^2 couples S0 and S1), so each component takes a few Armijo-backtracked descent steps on
//   Q(L0, L1) = pi B^2(S0, S1) + (lam / 2) sum_c [N_c log det S_c + tr(S_c^-1 M_c)],
// with N_c = n_c + rho and M_c = n_c Ctilde_c + rho v I (the penalty of relaxed_fit.hpp folded
// in: rho pseudo-points of scatter v I), Ctilde_c the scatter of cloud c around the new mean.
//
// Steps are affine-invariant (the alternative named in numerics.md E.2), written with the
// Cholesky factor instead of S^1/2 (the two give the same S): S_c <- L_c exp(eta X_c) L_c^T, i.e.
// L_c <- L_c chol(exp(eta X_c)), where X_c is built from the gradients H_c = L_c^T (dQ/dS_c) L_c
// in these coordinates (relax_detail.hpp) by the quadratic model of descend() below. Every
// iterate stays symmetric positive definite (a product of nonsingular triangular factors), so no
// step needs a projection. A trial is accepted when Q decreases by at least 1e-4 eta times the
// predicted decrease -sum_c tr(H_c X_c) (Armijo); eta halves otherwise, and a block that cannot
// decrease is left as it is.
#include <algorithm>
#include <cmath>
#include <vector>

#include "linalg/dense.hpp"
#include "relax/relax_detail.hpp"

namespace gmmot::relax {
namespace {

constexpr int kInnerSteps = 10;  // accepted steps per component and M-step cycle
constexpr int kHalvings = 60;
constexpr double kArmijo = 1e-4;

}  // namespace

CovBlock::CovBlock(int d) : d_(d), pair_(d) {
  const std::size_t dd = static_cast<std::size_t>(d) * d;
  for (int c = 0; c < 2; ++c) {
    m_[c].assign(dd, 0.0);
    x_[c].assign(dd, 0.0);
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
  const double b2 = pi_ > 0 || gradient ? pair_.bures2(l0, l1) : 0.0;  // and the polar data
  double f = pi_ * b2;
  if (gradient) {
    b2_ = b2;
    fmag_ = f;  // the magnitude of the block's terms, for the rounding level
  }
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
    if (gradient) fmag_ += 0.5 * lam_ * (std::fabs(n_[c] * logdet) + tr);
    if (gradient) ybar_[c] = tr / static_cast<double>(du);
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

// The step (X0, X1), in the frames of L0 and L1, minimises the quadratic model
//   tr(H0 X0) + tr(H1 X1) + (1/2)[a0 |X0|^2 + a1 |X1|^2 + b |X0 - U^T X1 U|^2],
// a_c about the curvature of the likelihood part of marginal c (its Newton step when b = 0; see
// below) and b = pi sigma_max / 2 that of pi B^2 between the two (B^2 ~ s (x0 - x1)^2 / 4 for
// S_c = s e^(x_c) in 1-D; sigma_max the largest singular value of L1^T L0, about the largest
// eigenvalue of S when S0 ~ S1). U = P Q^T (the polar factor of L1^T L0, so L0 ~ L1 U when
// S0 ~ S1) takes a step in the frame of L1 to the frame of L0: L1 X L1^T ~ L0 U^T X U L0^T.
// So the "common mode", both covariances moving together, keeps the curvature of the
// likelihood alone while their difference also pays for B^2: at small lambda, where B^2 ties
// S0 to S1, a plain preconditioned gradient would crawl along that valley. Per entry the model
// is a 2 x 2 SPD system and U is orthogonal, so the step is always a descent direction.
double CovBlock::descend(double *l0, double *l1, int max_steps, double &eta0) {
  const int d = d_;
  const std::size_t du = static_cast<std::size_t>(d), dd = du * du;
  double *l[2] = {l0, l1};
  double f = value(l0, l1, true);
  const double start = f;
  double first_gain = 0;
  for (int step = 0; step < max_steps; ++step) {
    // The likelihood part's curvature along X is tr(X^2 Y_c), Y_c = L^-1 M_c L^-T (= N_c I at
    // its minimum): the mean eigenvalue of Y_c when that is larger.
    // pi B^2 adds its curvature along the common mode, about pi B^2 (for commuting S_c = s_c e^x,
    // B^2(x) = B^2(0) e^x): without it a component whose likelihood weight N_c is tiny would
    // get an unbounded step.
    const double a0 = 0.5 * lam_ * std::max(n_[0], ybar_[0]) + pi_ * b2_;
    const double a1 = 0.5 * lam_ * std::max(n_[1], ybar_[1]) + pi_ * b2_;
    const double b = 0.5 * pi_ * pair_.sigma()[0];
    const double det = a0 * a1 + b * (a0 + a1);
    const std::vector<double> &u = pair_.u();
    // G1 = U^T H1 U (H1 in the frame of L0), then X0 and Y1 = U^T X1 U, then X1 = U Y1 U^T.
    linalg::gemm(true, false, d, 1.0, u.data(), h_[1].data(), 0.0, tmp_.data());
    linalg::gemm(false, false, d, 1.0, tmp_.data(), u.data(), 0.0, y_.data());
    double pred = 0;
    for (std::size_t i = 0; i < dd; ++i) {
      x_[0][i] = -((a1 + b) * h_[0][i] + b * y_[i]) / det;
      y_[i] = -(b * h_[0][i] + (a0 + b) * y_[i]) / det;
    }
    linalg::gemm(false, false, d, 1.0, u.data(), y_.data(), 0.0, tmp_.data());
    linalg::gemm(false, true, d, 1.0, tmp_.data(), u.data(), 0.0, x_[1].data());
    for (int c = 0; c < 2; ++c) {
      for (std::size_t j = 0; j < du; ++j)  // exactly symmetric
        for (std::size_t i = 0; i < j; ++i) {
          const double v = 0.5 * (x_[c][i + j * du] + x_[c][j + i * du]);
          x_[c][i + j * du] = v;
          x_[c][j + i * du] = v;
        }
    }
    // A trust region: no step changes a covariance by more than a factor e along any direction
    // (|X_c|_F <= 1), so a poor model costs no long run of halvings.
    double xn = 0;
    for (int c = 0; c < 2; ++c)
      for (std::size_t i = 0; i < dd; ++i) xn = std::max(xn, std::fabs(x_[c][i]));
    xn *= static_cast<double>(du);  // >= the spectral norms
    if (xn > 1)
      for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < dd; ++i) x_[c][i] /= xn;
    for (int c = 0; c < 2; ++c)
      for (std::size_t i = 0; i < dd; ++i) pred -= h_[c][i] * x_[c][i];
    // Nothing to gain above rounding: the predicted decrease is at the noise level of Q.
    const double noise = 1e-14 * fmag_;
    if (!(pred > noise)) break;
    bool accepted = false;
    double ft = f;
    // Start from twice the last accepted step (at most 1, the model's own step): where the
    // model is off, the halvings are not paid again at every step.
    double eta = std::min(1.0, 2 * eta0);
    for (int half = 0; half < kHalvings && !accepted && eta * pred > noise; ++half, eta *= 0.5) {
      bool ok = true;
      for (int c = 0; c < 2 && ok; ++c) {
        for (std::size_t i = 0; i < dd; ++i) w_[i] = eta * x_[c][i];
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
      if (accepted) eta0 = eta;
    }
    if (!accepted) break;
    for (int c = 0; c < 2; ++c) std::copy(trial_[c].begin(), trial_[c].end(), l[c]);
    const double gain = f - ft;
    if (step == 0) first_gain = gain;
    f = value(l0, l1, true);
    if (gain <= 1e-15 * std::fabs(f) || gain <= 1e-3 * first_gain) break;
  }
  return start - f;
}

double update_covariances(const Moments (&m)[2], double lam, double rho, double v, Theta &th,
                          std::vector<double> &eta) {
  if (eta.size() != th.k) eta.assign(th.k, 1.0);
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
    total +=
        block.descend(th.chol[0].data() + q * dd, th.chol[1].data() + q * dd, kInnerSteps, eta[q]);
  }
  return total;
}

}  // namespace gmmot::relax
