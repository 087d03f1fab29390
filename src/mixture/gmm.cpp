// SPDX-License-Identifier: MIT
#include "mixture/gmm.hpp"

#include <cmath>
#include <limits>
#include <utility>

#include "util/error.hpp"
#include "util/sizes.hpp"
#include "util/weights.hpp"

namespace gmmot {

void require_mixture_shape(std::size_t k, std::size_t d, const char *k_name) {
  if (k == 0)
    fail(Errc::Dimension, std::string(k_name) + " is 0 (a mixture needs at least one component)");
  checked_dim(d);
  checked_mul(checked_mul(k, d, "K*d"), d, "K*d*d");
}

Gmm::Gmm(std::size_t k, std::size_t d, const double *weights, const double *means,
         const double *covs, std::string *warning)
    : d_(d) {
  require_mixture_shape(k, d, "k");
  const std::size_t dd = d * d;
  weights_ = normalized_weights(weights, k, "weights");
  require_finite(means, k * d, "means", d);
  means_.assign(means, means + k * d);
  covs_.resize(k * dd);
  factors_.reserve(k);
  for (std::size_t c = 0; c < k; ++c) {
    const std::string what = "covs[" + std::to_string(c) + "]";
    const int di = static_cast<int>(d);
    validate_covariance(di, covs + c * dd, what, covs_.data() + c * dd, warning);
    factors_.push_back(factor_covariance(di, covs_.data() + c * dd, what));
  }
}

Gmm Gmm::with_factors(std::size_t k, std::size_t d, const double *weights, const double *means,
                      std::vector<double> covs, std::vector<CovFactor> factors,
                      const Family &family) {
  require_mixture_shape(k, d, "k");
  if (covs.size() != k * d * d || factors.size() != k)
    fail(Errc::Internal, "Gmm::with_factors: covs or factors do not have K components");
  for (const CovFactor &f : factors) {
    if (static_cast<std::size_t>(f.d) != d)
      fail(Errc::Internal, "Gmm::with_factors: a factor's dimension is not d");
  }
  Gmm g(d);
  g.weights_ = normalized_weights(weights, k, "weights");
  require_finite(means, k * d, "means", d);
  g.means_.assign(means, means + k * d);
  g.covs_ = std::move(covs);
  g.factors_ = std::move(factors);
  return family.is_student_t() ? with_family(std::move(g), family) : g;
}

Gmm Gmm::student_t(std::size_t k, std::size_t d, double nu, const double *weights,
                   const double *means, const double *scales, std::string *warning) {
  const Family family = Family::student_t(nu);
  require_mixture_shape(k, d, "k");
  const std::size_t dd = d * d;
  Gmm g(d);
  g.weights_ = normalized_weights(weights, k, "weights");
  require_finite(means, k * d, "means", d);
  g.means_.assign(means, means + k * d);
  g.scales_.resize(k * dd);
  g.covs_.resize(k * dd);
  g.factors_.reserve(k);
  const double c = family.cov_per_scale();
  for (std::size_t i = 0; i < k; ++i) {
    const std::string what = "scales[" + std::to_string(i) + "]";
    const int di = static_cast<int>(d);
    validate_covariance(di, scales + i * dd, what, g.scales_.data() + i * dd, warning);
    // c S is exactly symmetric when S is (entrywise products), and as well conditioned.
    for (std::size_t e = 0; e < dd; ++e) {
      const double v = c * g.scales_[i * dd + e];
      if (!std::isfinite(v)) {
        fail(Errc::Overflow, what + " entry (" + std::to_string(e / d) + "," +
                                 std::to_string(e % d) + ") is " + fmt(g.scales_[i * dd + e]) +
                                 ": times nu / (nu - 2) = " + fmt(c) + " the covariance overflows");
      }
      g.covs_[i * dd + e] = v;
    }
    g.factors_.push_back(factor_covariance(di, g.covs_.data() + i * dd, what));
  }
  g.family_ = family;
  return g;
}

Gmm Gmm::with_family(Gmm g, const Family &family) {
  g.family_ = family;
  g.scales_.clear();
  if (family.is_student_t()) {
    // A scale s with c * s == cov exactly (the rounded quotient or a neighbour; one exists
    // unless c * s skips cov), so that saving the scales and loading them back (covariance
    // c * s) gives the same covariances bit for bit; otherwise the covariance becomes c * s,
    // an ulp away, kept with its factor.
    const double c = family.cov_per_scale();
    g.scales_.resize(g.covs_.size());
    for (std::size_t e = 0; e < g.covs_.size(); ++e) {
      const double cov = g.covs_[e], q = cov / c;
      double s = q;
      for (const double cand : {q, std::nextafter(q, -HUGE_VAL), std::nextafter(q, HUGE_VAL)}) {
        if (c * cand == cov) {
          s = cand;
          break;
        }
      }
      g.scales_[e] = s;
      g.covs_[e] = c * s;
    }
  }
  return g;
}

Gmm Gmm::restored(std::size_t k, std::size_t d, const double *weights, const double *means,
                  const double *matrices, const Family &family) {
  Gmm g = family.is_student_t() ? student_t(k, d, family.nu(), weights, means, matrices, nullptr)
                                : Gmm(k, d, weights, means, matrices, nullptr);
  // The constructor divided by the sum; a saved mixture's weights were normalised once already,
  // so their sum is 1 up to the rounding of K additions, and dividing again could move ulps.
  double sum = 0.0;
  for (std::size_t c = 0; c < k; ++c) sum += weights[c];
  const double eps = std::numeric_limits<double>::epsilon();
  if (std::fabs(sum - 1.0) <= 4.0 * (static_cast<double>(k) + 1.0) * eps)
    g.weights_.assign(weights, weights + k);
  return g;
}

}  // namespace gmmot
