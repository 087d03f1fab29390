// SPDX-License-Identifier: MIT
// What the three mixture-barycenter solvers share: validated inputs, the validation of their
// options, and the energy V(nu) = sum_j lambda_j MW2^2(nu, mu_j) (Delon-Desolneux 2020,
// section 5; Tanguy-Delon-Gozlan, arXiv 2501.04016, the objective of the GMM section).
#include <string>
#include <utility>

#include "mw2/mixture_barycenter.hpp"
#include "util/compensated_sum.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"
#include "util/sizes.hpp"
#include "util/weights.hpp"

namespace gmmot {
namespace {

// Runs the validation of a nested options struct and prefixes its field names with `prefix`,
// so that "tolerance is 2" says whose tolerance ("gaussian.tolerance is 2").
template <class Options>
void validate_nested(const char *prefix, const Options &o) {
  try {
    o.validate();
  } catch (const Error &e) {
    fail(e.code(), std::string(prefix) + "." + e.what());
  }
}

}  // namespace

BarycenterInputs make_barycenter_inputs(std::vector<std::shared_ptr<const Gmm>> mixtures,
                                        const double *lambda) {
  if (mixtures.empty()) fail(Errc::Dimension, "no mixtures (J = 0; at least one is needed)");
  for (std::size_t j = 0; j < mixtures.size(); ++j) {
    if (mixtures[j] == nullptr)
      fail(Errc::InvalidArgument, "gmms[" + std::to_string(j) + "] is NULL");
  }
  const std::size_t d = mixtures.front()->d();
  for (std::size_t j = 1; j < mixtures.size(); ++j) {
    if (mixtures[j]->d() != d) {
      fail(Errc::Dimension, "gmms[" + std::to_string(j) + "] has dimension " +
                                std::to_string(mixtures[j]->d()) + " but gmms[0] has dimension " +
                                std::to_string(d));
    }
    const std::string name = "gmms[" + std::to_string(j) + "]";
    require_same_family(mixtures.front()->family(), "gmms[0]", mixtures[j]->family(), name.c_str());
  }
  if (lambda == nullptr) fail(Errc::InvalidArgument, "lambda is NULL");
  BarycenterInputs in;
  in.lambda = normalized_weights(lambda, mixtures.size(), "lambda");
  in.mixtures = std::move(mixtures);
  return in;
}

void MultimarginalOptions::validate() const {
  check_bounds("max_tuples", max_tuples, kMaxTuplesBounds);
  check_bounds("max_iterations", static_cast<double>(max_iterations), kMaxIterationsBounds);
  validate_nested("gaussian", gaussian);
}

void FixedPointOptions::validate() const {
  check_bounds("method", static_cast<double>(static_cast<int>(method)), kMethodBounds);
  check_bounds("components", static_cast<double>(components), kComponentsBounds);
  check_bounds("tolerance", tolerance, kToleranceBounds);
  check_bounds("max_iterations", static_cast<double>(max_iterations), kMaxIterationsBounds);
  check_bounds("max_support", static_cast<double>(max_support), kMaxSupportBounds);
  check_bounds("seed", static_cast<double>(seed), kSeedBounds);
  validate_nested("gaussian", gaussian);
  validate_nested("exact", exact);
}

double barycenter_energy(const BarycenterInputs &in, const Gmm &nu, const ExactOptions &exact,
                         const Context &ctx, std::vector<std::vector<PlanEntry>> *plans) {
  validate_nested("exact", exact);
  if (nu.d() != in.dim()) {
    fail(Errc::Dimension, "the barycenter has dimension " + std::to_string(nu.d()) +
                              " but the mixtures have dimension " + std::to_string(in.dim()));
  }
  const int d = static_cast<int>(in.dim());
  if (plans != nullptr) plans->assign(in.count(), {});
  // The J terms in input order, each an exact MW2^2 (eq. 4.4 of Delon-Desolneux): the cost
  // matrix and the network simplex are parallel inside and give the same bits for any thread
  // count, so V does too.
  CompensatedSum v;
  std::vector<double> cost;
  for (std::size_t j = 0; j < in.count(); ++j) {
    const Gmm &mu = *in.mixtures[j];
    cost.resize(checked_mul(nu.k(), mu.k(), "n*K_j"));
    w2_cost_matrix(d, nu.means().data(), nu.factors(), mu.means().data(), mu.factors(), ctx,
                   cost.data());
    TransportResult t = transport_exact(nu.k(), mu.k(), nu.weights().data(), mu.weights().data(),
                                        cost.data(), exact, ctx);
    require_finite_result(t);
    v.add(in.lambda[j] * t.cost);
    if (plans != nullptr) (*plans)[j] = std::move(t.plan);
  }
  return v.value();
}

}  // namespace gmmot
