// SPDX-License-Identifier: MIT
// The Gaussian mixture value type: validated once, immutable, with each covariance factored
// once at construction (architecture.md, "factor once, reuse").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "linalg/covariance_factor.hpp"
#include "mixture/family.hpp"
#include "util/context.hpp"

namespace gmmot {

class Gmm {
 public:
  // Validates and copies K components in dimension d (rules in gmmot/gmm.h). If a covariance
  // was asymmetric beyond rounding and was symmetrised, *warning (when given) says which.
  Gmm(std::size_t k, std::size_t d, const double *weights, const double *means, const double *covs,
      std::string *warning);

  // For a producer that already holds each covariance's factor (EM, which keeps Cholesky
  // factors): the same mixture as the constructor above, without validating or factoring the
  // covariances again. The weights and means are checked (and the weights normalised) as above,
  // O(K d), and the shapes of covs (K x d x d) and factors (K, each of dimension d) are checked
  // (Errc::Internal). Skipped, O(K d^3): the covariance checks of validate_covariance and the
  // factorisations. So the caller guarantees, for every c, that covs[c] is finite and exactly
  // symmetric, and that factors[c] was computed from exactly covs[c] by factor_covariance or
  // factor_from_cholesky (linalg/covariance_factor.hpp). Then the result is the mixture the
  // constructor would build from the same arrays, up to the rounding of the factors (the
  // constructor's symmetrisation of an exactly symmetric matrix changes no bit).
  // `family`: the family of the result (covs are covariances, also for Student-t).
  static Gmm with_factors(std::size_t k, std::size_t d, const double *weights, const double *means,
                          std::vector<double> covs, std::vector<CovFactor> factors,
                          const Family &family = Family());

  // A Student-t mixture (family.hpp) from its scale matrices: validated as the constructor
  // validates covariances, the messages naming "scales[c]"; the stored covariances are
  // nu / (nu - 2) times the scales, which are kept as given (symmetrised).
  static Gmm student_t(std::size_t k, std::size_t d, double nu, const double *weights,
                       const double *means, const double *scales, std::string *warning);

  // g relabelled as a member of `family` (the scales become the covariances divided by
  // nu / (nu - 2), rounded so that nu / (nu - 2) times the scale is the covariance; where no
  // double does that the covariance becomes that product, one rounding away, its factor kept):
  // for results computed from covariances (coupling, geodesic, barycenters), which belong to
  // the family of their inputs, and which then save and load back bit for bit.
  static Gmm with_family(Gmm g, const Family &family);

  // For a reader of saved mixtures (gmm_format.hpp): validated exactly as the constructor, but
  // weights that already sum to 1 to rounding are kept bit for bit instead of being divided by
  // their sum again, so that save then load round-trips every bit.
  // For a Student-t family, `matrices` are the scales (as student_t), else the covariances.
  static Gmm restored(std::size_t k, std::size_t d, const double *weights, const double *means,
                      const double *matrices, const Family &family = Family());

  std::size_t k() const { return weights_.size(); }
  std::size_t d() const { return d_; }
  const std::vector<double> &weights() const { return weights_; }
  const std::vector<double> &means() const { return means_; }         // K x d
  const std::vector<double> &covariances() const { return covs_; }    // K x d x d, symmetrised
  const std::vector<CovFactor> &factors() const { return factors_; }  // of the covariances
  const Family &family() const { return family_; }
  // K x d x d scale matrices: the covariances for a Gaussian mixture.
  const std::vector<double> &scales() const { return family_.is_student_t() ? scales_ : covs_; }

  // log mu(x) for n points (n x d) into out (n); see gmmot/gmm.h for degenerate components.
  // Reports Stage::Density (points done of n); Errc::Cancelled leaves out partly written.
  void log_density(std::size_t n, const double *points, const Context &ctx, double *out) const;

  // n points (n x d) and optionally their component labels; point i depends only on (seed, i).
  // Reports Stage::Density (points done of n); Errc::Cancelled leaves outputs partly written.
  void sample(std::size_t n, std::uint64_t seed, const Context &ctx, double *points,
              std::size_t *labels) const;

 private:
  explicit Gmm(std::size_t d) : d_(d) {}

  std::size_t d_;
  std::vector<double> weights_, means_, covs_;
  std::vector<CovFactor> factors_;
  Family family_;
  std::vector<double> scales_;  // Student-t only
};

// Checks the shape (K >= 1, d >= 1, sizes representable); `what` names the mixture.
void require_mixture_shape(std::size_t k, std::size_t d, const char *k_name);

}  // namespace gmmot
