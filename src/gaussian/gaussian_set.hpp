// SPDX-License-Identifier: MIT
// Validated inputs of the Gaussian closed forms: one Gaussian N(m, S), or J weighted Gaussians
// for the barycenter-type calls (Delon-Desolneux 2020, eq. 2.10), and the multi-marginal cost
// built on the barycenter. The C layer only checks pointers and capacities before calling these.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "gaussian/gaussian_ot.hpp"
#include "linalg/covariance_factor.hpp"
#include "util/context.hpp"

namespace gmmot {

// Checks that the mean m (d entries) is finite and validates and factors the covariance s
// (d x d); errors name `m_name` / `s_name`. A symmetrisation warning goes to *warning when it
// is still empty (validate_covariance).
CovFactor make_gaussian(int d, const double *m, const double *s, const char *m_name,
                        const char *s_name, std::string *warning);

// J >= 1 Gaussians with probability weights, validated and factored once.
struct GaussianSet {
  std::vector<double> lambda;   // J weights divided by their sum
  std::vector<CovFactor> covs;  // J factors
  std::string warning;          // the first symmetrisation warning, empty if none
};
// weights: J, means: J x d, covs: J x d x d, all non-NULL. Errc::Dimension for J = 0,
// Errc::Overflow if J*d*d does not fit size_t, then the rules of normalized_weights,
// require_finite and make_factor, naming "weights", "means" and "covs[i]".
GaussianSet make_gaussian_set(std::size_t j, int d, const double *weights, const double *means,
                              const double *covs);

struct MultimarginalCost {
  double cost = 0;              // sum_j lambda_j W2^2(N(m_j, S_j), barycenter)
  BarycenterResult barycenter;  // the barycenter the cost was measured against
};
// The multi-marginal OT cost of J Gaussians (Agueh-Carlier 2011, prop. 4.2: the optimal
// multi-marginal cost with weights lambda equals the weighted sum of the squared distances to
// the barycenter). If the fixed point did not converge, the cost is that of the best iterate
// (barycenter.converged is false). Zero weights drop their input.
MultimarginalCost gaussian_multimarginal_cost(int d, const GaussianSet &set, const double *means,
                                              const BarycenterOptions &options, const Context &ctx);

}  // namespace gmmot
