// SPDX-License-Identifier: MIT
// Mixture weights from the plan's masses (see plan_detail.hpp).
#include "mw2/plan_detail.hpp"
#include "util/error.hpp"

namespace gmmot::detail {

std::vector<double> plan_weights(const TransportResult &transport) {
  std::vector<double> w;
  w.reserve(transport.plan.size());
  double sum = 0.0;
  for (const PlanEntry &e : transport.plan) {
    w.push_back(e.mass);
    sum += e.mass;
  }
  // A solver returning an empty or massless plan for mixtures (total mass 1) is a bug.
  if (!(sum > 0.0)) fail(Errc::Internal, "the transport plan has no mass");
  for (double &x : w) x /= sum;
  return w;
}

}  // namespace gmmot::detail
