// SPDX-License-Identifier: MIT
// Construction of the MW2 plan (Delon-Desolneux eq. 4.4; Chen-Georgiou-Tannenbaum eq. 11): the
// K0 x K1 matrix of Gaussian W2^2 between the components, then the discrete transport problem
// between the mixture weights on that matrix, solved exactly or entropically; or, for
// Mw2Plan::from_plan, a component plan given by the caller (checked against the weights).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>

#include "mw2/mw2_plan.hpp"
#include "util/compensated_sum.hpp"
#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {
namespace {

// Checked before anything is computed; returns g0 so that it can run in the member
// initialisers.
std::shared_ptr<const Gmm> same_dimension(std::shared_ptr<const Gmm> g0, const Gmm *g1) {
  if (g0 == nullptr || g1 == nullptr)
    fail(Errc::InvalidArgument, std::string(g0 == nullptr ? "g0" : "g1") + " is null");
  if (g0->d() != g1->d()) {
    fail(Errc::Dimension,
         "the mixtures have different dimensions: the first has d = " + std::to_string(g0->d()) +
             ", the second d = " + std::to_string(g1->d()));
  }
  require_same_family(g0->family(), "the first mixture", g1->family(), "the second mixture");
  return g0;
}

}  // namespace

Mw2Plan::Mw2Plan(std::shared_ptr<const Gmm> g0, std::shared_ptr<const Gmm> g1,
                 const Mw2Options &options, const Context &ctx)
    : g0_(same_dimension(std::move(g0), g1.get())), g1_(std::move(g1)) {
  options.validate();
  const Gmm &g0r = *g0_, &g1r = *g1_;
  const std::size_t k0 = g0r.k(), k1 = g1r.k();
  cost_.resize(checked_mul(k0, k1, "K0*K1"));
  w2_cost_matrix(static_cast<int>(g0r.d()), g0r.means().data(), g0r.factors(), g1r.means().data(),
                 g1r.factors(), ctx, cost_.data());
  transport_ = transport_solve(k0, k1, g0r.weights().data(), g1r.weights().data(), cost_.data(),
                               options, ctx);
}

Mw2Plan Mw2Plan::from_plan(std::shared_ptr<const Gmm> g0, std::shared_ptr<const Gmm> g1,
                           std::vector<PlanEntry> entries, const Context &ctx) {
  Mw2Plan p;
  p.g0_ = same_dimension(std::move(g0), g1.get());
  p.g1_ = std::move(g1);
  p.solved_ = false;
  const Gmm &g0r = *p.g0_, &g1r = *p.g1_;
  const std::size_t k0 = g0r.k(), k1 = g1r.k();
  const auto entry = [](std::size_t n) { return "entries[" + std::to_string(n) + "]"; };
  for (std::size_t n = 0; n < entries.size(); ++n) {
    const PlanEntry &e = entries[n];
    if (e.i >= k0 || e.j >= k1) {
      fail(Errc::InvalidArgument, entry(n) + " is (" + std::to_string(e.i) + ", " +
                                      std::to_string(e.j) + "), outside the " + std::to_string(k0) +
                                      " x " + std::to_string(k1) +
                                      " components of the two mixtures");
    }
    if (!std::isfinite(e.mass))
      fail(Errc::NonFinite, entry(n) + ".mass is " + fmt(e.mass) + " (must be finite)");
    if (e.mass < 0)
      fail(Errc::Weights, entry(n) + ".mass is " + fmt(e.mass) + " (masses must be >= 0)");
  }
  // Sorted by (i, j), as a solved plan; a stable sort keeps the caller's order among equal keys
  // only to name the later duplicate below.
  std::vector<std::size_t> order(entries.size());
  for (std::size_t n = 0; n < order.size(); ++n) order[n] = n;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return entries[a].i != entries[b].i ? entries[a].i < entries[b].i : entries[a].j < entries[b].j;
  });
  std::vector<PlanEntry> sorted;
  sorted.reserve(entries.size());
  for (std::size_t m = 0; m < order.size(); ++m) {
    const PlanEntry &e = entries[order[m]];
    if (!sorted.empty() && sorted.back().i == e.i && sorted.back().j == e.j) {
      fail(Errc::InvalidArgument, entry(order[m]) + " repeats the pair (" + std::to_string(e.i) +
                                      ", " + std::to_string(e.j) + ") of " + entry(order[m - 1]));
    }
    sorted.push_back(e);
  }
  // Marginals, each accumulated with a compensated sum in plan order.
  std::vector<CompensatedSum> rows(k0), cols(k1);
  for (const PlanEntry &e : sorted) {
    rows[e.i].add(e.mass);
    cols[e.j].add(e.mass);
  }
  double error = 0;
  for (int side = 0; side < 2; ++side) {
    const std::vector<CompensatedSum> &sums = side == 0 ? rows : cols;
    const std::vector<double> &w = side == 0 ? g0r.weights() : g1r.weights();
    for (std::size_t k = 0; k < sums.size(); ++k) {
      const double diff = std::fabs(sums[k].value() - w[k]);
      if (!(diff <= kGivenPlanTolerance)) {
        fail(Errc::Weights, std::string(side == 0 ? "row " : "column ") + std::to_string(k) +
                                " of the plan has mass " + fmt(sums[k].value()) + " but " +
                                (side == 0 ? "g0" : "g1") + "'s weight " + std::to_string(k) +
                                " is " + fmt(w[k]) + " (the plan's marginals must be the " +
                                "mixture weights, within " + fmt(kGivenPlanTolerance) + ")");
      }
      error += diff;
    }
  }
  p.cost_.resize(checked_mul(k0, k1, "K0*K1"));
  w2_cost_matrix(static_cast<int>(g0r.d()), g0r.means().data(), g0r.factors(), g1r.means().data(),
                 g1r.factors(), ctx, p.cost_.data());
  CompensatedSum cost;
  for (const PlanEntry &e : sorted) cost.add(e.mass * p.cost_[e.i * k1 + e.j]);
  p.transport_.cost = cost.value();
  if (!std::isfinite(p.transport_.cost))
    fail(Errc::Overflow, "the cost of the given plan is not finite: " + fmt(p.transport_.cost));
  p.transport_.plan = std::move(sorted);
  p.transport_.iterations = 0;
  p.transport_.marginal_error = error;
  p.transport_.converged = true;
  return p;
}

}  // namespace gmmot
