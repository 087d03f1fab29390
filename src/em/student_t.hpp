// SPDX-License-Identifier: MIT
// The degrees-of-freedom step of the ECM algorithm for Student-t mixtures (Peel & McLachlan,
// "Robust mixture modelling using the t distribution", Statistics and Computing 10:339-348,
// 2000, eq. 30), and the digamma and trigamma functions it needs.
#pragma once

namespace gmmot::em {

// nu is estimated in [kNuMin, kNuMax]: below 2 the covariance (and MW2) is infinite, and at
// kNuMin = 2.01 a covariance is already 201 times its scale; above kNuMax = 1000 a t component
// is a Gaussian to within 1e-3 in log-density at a few standard deviations.
constexpr double kNuMin = 2.01;
constexpr double kNuMax = 1000.0;
// nu of the first iterate when it is estimated (the k-means start gives no evidence on tails).
constexpr double kNuStart = 10.0;

// psi(x) = Gamma'(x) / Gamma(x) for x > 0: the recurrence psi(x) = psi(x + 1) - 1 / x up to
// x >= 10, then the asymptotic series to x^-14 (truncation below 5e-17). Absolute error a few
// 1e-16 times max(1, |psi(x)|).
double digamma(double x);
// psi'(x) for x > 0, likewise (series to x^-15).
double trigamma(double x);
// log x - psi(x) > 0 for x > 0, without the cancellation of the difference at large x.
double log_minus_digamma(double x);

// The CM-step for nu: the root in nu of
//   f(nu) = log(nu/2) - psi(nu/2) + 1 + lu + psi((nu_old + d)/2) - log((nu_old + d)/2) = 0,
// lu = sum_i w_i sum_k tau_ik (log u_ik - u_ik) / sum_i w_i the weighted mean over the data
// (pooled: the mean over J data sets of their lu). f decreases in nu (log x - psi(x) does), so
// the root is unique when it exists and the expected complete log-likelihood is unimodal in nu:
// its maximiser over [kNuMin, kNuMax] is the root clamped to the interval (kNuMax when f stays
// positive, the data being lighter-tailed than any t the interval allows; kNuMin when f is
// negative throughout). Newton's method on f, safeguarded by bisection inside the bracket,
// to a relative width of 4e-16.
double nu_step(double lu, double nu_old, double d);

}  // namespace gmmot::em
