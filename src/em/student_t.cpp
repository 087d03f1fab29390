// SPDX-License-Identifier: MIT
#include "em/student_t.hpp"

#include <cmath>

namespace gmmot::em {
namespace {

// The asymptotic series of log x - psi(x) - 1/(2x) in 1/x^2: sum_k B_2k / (2k x^2k).
double digamma_tail(double x) {
  const double z = 1.0 / (x * x);
  return z *
         (1.0 / 12 -
          z * (1.0 / 120 -
               z * (1.0 / 252 - z * (1.0 / 240 - z * (1.0 / 132 - z * (691.0 / 32760 - z / 12))))));
}

}  // namespace

double log_minus_digamma(double x) {
  // log x - psi(x) = log(x / y) + (log y - psi(y)) + sum_{i<n} 1/(x + i), y = x + n >= 10.
  double sum = 0, y = x;
  while (y < 10) {
    sum += 1.0 / y;
    y += 1;
  }
  const double tail = 0.5 / y + digamma_tail(y);
  return y == x ? tail : sum + tail + std::log(x / y);
}

double digamma(double x) {
  double acc = 0;
  while (x < 10) {
    acc -= 1.0 / x;
    x += 1;
  }
  return acc + (std::log(x) - 0.5 / x - digamma_tail(x));
}

double trigamma(double x) {
  double acc = 0;
  while (x < 10) {
    acc += 1.0 / (x * x);
    x += 1;
  }
  const double r = 1.0 / x, z = r * r;
  // 1/x + 1/(2x^2) + sum_k B_2k / x^(2k+1)
  const double s =
      z * (1.0 / 6 -
           z * (1.0 / 30 -
                z * (1.0 / 42 - z * (1.0 / 30 - z * (5.0 / 66 - z * (691.0 / 2730 - z * 7 / 6))))));
  return acc + r + 0.5 * z + r * s;
}

double nu_step(double lu, double nu_old, double d) {
  const double h = 0.5 * (nu_old + d);
  // c = 1 + lu + psi(h) - log h.
  const double c = 1.0 + lu - log_minus_digamma(h);
  auto f = [c](double nu) { return log_minus_digamma(0.5 * nu) + c; };
  double lo = kNuMin, hi = kNuMax;
  if (!(f(hi) < 0)) return hi;  // also for a NaN lu: never leave the interval
  if (!(f(lo) > 0)) return lo;
  double nu = std::fmin(hi, std::fmax(lo, nu_old));
  for (int it = 0; it < 200 && hi - lo > 4e-16 * hi; ++it) {
    const double v = f(nu);
    if (v == 0) return nu;
    if (v > 0)
      lo = nu;
    else
      hi = nu;
    // f'(nu) = (1 / (nu/2) - psi'(nu/2)) / 2 < 0.
    const double x = 0.5 * nu, fp = 0.5 * (1.0 / x - trigamma(x));
    double next = nu - v / fp;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next == nu) break;
    nu = next;
  }
  return nu;
}

}  // namespace gmmot::em
