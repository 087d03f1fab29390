// SPDX-License-Identifier: MIT
// The component family of a mixture: Gaussian, or Student-t with one shared degree of freedom.
// Every MW2 construction carries over from Gaussians to one elliptical family with the
// marginal-consistency property (Delon-Desolneux 2020 §4.6; Meunier's review of it, §2.6 and
// §3.1), and among the usual families only Student-t (a scale mixture of normals) qualifies.
// W2 between two members of one such family is the Gaussian formula applied to their covariance
// matrices (Gelbrich's bound is attained: the Gaussian Monge map is affine and pushes a member
// onto the member with the pushed covariance), so the core keeps COVARIANCES everywhere: for a
// t component with nu > 2 degrees of freedom and scale S the covariance is nu / (nu - 2) S.
// The family then matters only where densities are evaluated (log-density, posteriors of the
// maps, EM) or drawn from, and on the labels carried from inputs to outputs.
#pragma once

#include <limits>
#include <string>

namespace gmmot {

class Family {
 public:
  enum class Kind { Gaussian, StudentT };

  // The default is the Gaussian family.
  Family() = default;
  static Family gaussian() { return Family(); }
  // nu must be finite and > 2 (the covariance, and so W2, is infinite for nu <= 2);
  // Errc::InvalidArgument naming `what` otherwise.
  static Family student_t(double nu, const char *what = "nu");

  Kind kind() const { return kind_; }
  bool is_student_t() const { return kind_ == Kind::StudentT; }
  // +inf for the Gaussian family (its limit).
  double nu() const { return nu_; }
  // Covariance = cov_per_scale() * scale: nu / (nu - 2) for Student-t, 1 for Gaussian.
  double cov_per_scale() const { return cov_per_scale_; }
  // "Gaussian" or "Student-t (nu = 3)", for messages.
  std::string describe() const;

  // Families are equal when their kinds and nu are equal bit for bit: the MW2 of mixtures of
  // two different nu has no closed form, and the joint fits give one shared value.
  friend bool operator==(const Family &a, const Family &b) {
    return a.kind_ == b.kind_ && (a.kind_ == Kind::Gaussian || a.nu_ == b.nu_);
  }
  friend bool operator!=(const Family &a, const Family &b) { return !(a == b); }

 private:
  Kind kind_ = Kind::Gaussian;
  double nu_ = std::numeric_limits<double>::infinity();
  double cov_per_scale_ = 1.0;
};

// lgamma((nu + r) / 2) - lgamma(nu / 2) - (r / 2) log(nu pi), the log normaliser of an
// r-dimensional t_nu without its log pdet S term, accurate to a few ulps of the result also for
// large nu (the two lgamma values, ~ (nu / 2) log(nu / 2), would cancel to 1e-9 at nu = 1e8).
double log_t_normaliser(double nu, int r);

// Errc::Family unless a and b are of one family; the message names both (`a_name`, `b_name`:
// "g0", "mixtures[2]", ...).
void require_same_family(const Family &a, const char *a_name, const Family &b, const char *b_name);

}  // namespace gmmot
