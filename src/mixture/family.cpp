// SPDX-License-Identifier: MIT
#include "mixture/family.hpp"

#include <cmath>

#include "util/error.hpp"

namespace gmmot {

Family Family::student_t(double nu, const char *what) {
  if (!(std::isfinite(nu) && nu > 2.0)) {
    fail(Errc::InvalidArgument,
         std::string(what) + " is " + fmt(nu) +
             ": a Student-t mixture needs finite degrees of freedom nu > 2 (its covariance "
             "nu / (nu - 2) * scale, and so its W2 distances, are infinite for nu <= 2)");
  }
  Family f;
  f.kind_ = Kind::StudentT;
  f.nu_ = nu;
  f.cov_per_scale_ = nu / (nu - 2.0);
  return f;
}

namespace {

// The Stirling remainder lgamma(x) - ((x - 1/2) log x - x + log(2 pi) / 2), x >= 16: the series
// to x^-9 leaves less than 691 / (360360 x^11) < 1e-16.
double stirling_remainder(double x) {
  const double y = 1.0 / (x * x);
  return (1.0 / 12.0 +
          y * (-1.0 / 360.0 + y * (1.0 / 1260.0 + y * (-1.0 / 1680.0 + y * (1.0 / 1188.0))))) /
         x;
}

// lgamma(A + b) - lgamma(A) - b log(2 A pi) for A >= 16, from the Stirling series:
// (A - 1/2) log1p(b / A) + b log(A + b) - b + R(A + b) - R(A), where b log(A + b) - b log(2 A pi)
// = b log1p(b / A) - b log(2 pi) folds the large terms together analytically.
double stirling_fold(double a, double b) {
  const double log2pi = 1.8378770664093454836;
  return (a + b - 0.5) * std::log1p(b / a) - b - b * log2pi + stirling_remainder(a + b) -
         stirling_remainder(a);
}

}  // namespace

double log_t_normaliser(double nu, int r) {
  const double a = 0.5 * nu, b = 0.5 * r;
  if (a >= 16.0) return stirling_fold(a, b);
  // Below, shift a up by n with Gamma(x + 1) = x Gamma(x) rather than subtract two lgamma
  // values (each rounded to its own magnitude): lgamma(a + b) - lgamma(a) = D(a + n) -
  // sum_{i < n} log1p(b / (a + i)), and b log(2 A pi) - b log(2 a pi) = b log1p(n / a).
  const double n = std::ceil(16.0 - a);
  double v = stirling_fold(a + n, b) + b * std::log1p(n / a);
  for (int i = 0; i < static_cast<int>(n); ++i) v -= std::log1p(b / (a + i));
  return v;
}

std::string Family::describe() const {
  if (kind_ == Kind::Gaussian) return "Gaussian";
  return "Student-t (nu = " + fmt(nu_) + ")";
}

void require_same_family(const Family &a, const char *a_name, const Family &b, const char *b_name) {
  if (a == b) return;
  fail(Errc::Family, std::string(a_name) + " is " + a.describe() + " but " + b_name + " is " +
                         b.describe() +
                         ": MW2 and everything built on it need one family and one nu on both "
                         "sides (fit the data jointly to share nu)");
}

}  // namespace gmmot
