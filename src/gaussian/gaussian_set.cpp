// SPDX-License-Identifier: MIT
#include "gaussian/gaussian_set.hpp"

#include "util/error.hpp"
#include "util/sizes.hpp"
#include "util/weights.hpp"

namespace gmmot {

CovFactor make_gaussian(int d, const double *m, const double *s, const char *m_name,
                        const char *s_name, std::string *warning) {
  require_finite(m, static_cast<std::size_t>(d), m_name);
  return make_factor(d, s, s_name, warning);
}

GaussianSet make_gaussian_set(std::size_t j, int d, const double *weights, const double *means,
                              const double *covs) {
  if (j == 0) fail(Errc::Dimension, "j is 0 (at least one Gaussian is needed)");
  const std::size_t dd = static_cast<std::size_t>(d) * d;
  checked_mul(j, dd, "J*d*d");
  GaussianSet set;
  set.lambda = normalized_weights(weights, j, "weights");
  require_finite(means, j * d, "means", static_cast<std::size_t>(d));
  set.covs.reserve(j);
  for (std::size_t i = 0; i < j; ++i) {
    set.covs.push_back(
        make_factor(d, covs + i * dd, "covs[" + std::to_string(i) + "]", &set.warning));
  }
  return set;
}

MultimarginalCost gaussian_multimarginal_cost(int d, const GaussianSet &set, const double *means,
                                              const BarycenterOptions &options,
                                              const Context &ctx) {
  MultimarginalCost out;
  out.barycenter = gaussian_barycenter(d, set.lambda, means, set.covs, options, ctx);
  const CovFactor fb = factor_covariance(d, out.barycenter.gaussian.cov.data(), "barycenter");
  const std::size_t du = static_cast<std::size_t>(d);
  double cost = 0.0;
  for (std::size_t i = 0; i < set.lambda.size(); ++i) {
    if (set.lambda[i] == 0.0) continue;
    cost += set.lambda[i] * gaussian_w2_squared(means + i * du, set.covs[i],
                                                out.barycenter.gaussian.mean.data(), fb);
  }
  out.cost = cost;
  return out;
}

}  // namespace gmmot
