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
