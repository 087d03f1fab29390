// SPDX-License-Identifier: MIT
#include "mw2/barycenter_lp.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "gaussian/gaussian_set.hpp"
#include "util/error.hpp"

namespace gmmot::detail {

MarginalRows marginal_rows(const BarycenterInputs &in) {
  MarginalRows r;
  std::size_t at = 0;
  for (std::size_t j = 0; j < in.count(); ++j) {
    const std::size_t kj = in.mixtures[j]->k();
    r.k.push_back(kj);
    r.offset.push_back(at);
    for (std::size_t c = 0; c < kj; ++c) {
      const bool dropped = j >= 1 && c == 0;
      r.row_of.push_back(dropped ? -1 : static_cast<std::ptrdiff_t>(r.rows++));
    }
    at += kj;
  }
  return r;
}

TupleBarycenter tuple_barycenter(const BarycenterInputs &in, const std::size_t *t,
                                 const BarycenterOptions &options, const Context &ctx) {
  const std::size_t j = in.count();
  const std::size_t d = in.dim();
  GaussianSet set;
  set.lambda = in.lambda;
  set.covs.reserve(j);
  std::vector<double> means(j * d);
  for (std::size_t q = 0; q < j; ++q) {
    const Gmm &g = *in.mixtures[q];
    set.covs.push_back(g.factors()[t[q]]);
    std::copy_n(g.means().data() + t[q] * d, d, means.data() + q * d);
  }
  std::string name = "(";
  for (std::size_t q = 0; q < j; ++q) name += (q ? ", " : "") + std::to_string(t[q]);
  name += ")";
  MultimarginalCost mc;
  try {
    mc = gaussian_multimarginal_cost(static_cast<int>(d), set, means.data(), options, ctx);
  } catch (const Error &e) {
    // Say which tuple: e.g. all its covariances singular (the barycenter is not unique).
    if (e.code() == Errc::Cancelled) throw;
    fail(e.code(), "component tuple " + name + ": " + e.what());
  }
  if (!mc.barycenter.converged) {
    fail(Errc::IterationLimit, "the Gaussian barycenter of the component tuple " + name +
                                   " did not converge in " +
                                   std::to_string(mc.barycenter.iterations) +
                                   " iterations (residual " + fmt(mc.barycenter.residual) + ")");
  }
  return {std::move(mc.barycenter.gaussian), mc.cost};
}

void take_lp_solution(const MarginalRows &rows, const ColumnSimplexResult &lp,
                      MixtureBarycenter &out) {
  out.duals.assign(rows.total(), 0.0);
  for (std::size_t e = 0; e < rows.total(); ++e) {
    if (rows.row_of[e] >= 0) out.duals[e] = lp.y[static_cast<std::size_t>(rows.row_of[e])];
  }
  out.certificate.dual_infeasibility = std::max(0.0, -lp.min_reduced_cost);
  out.certificate.duality_gap = std::abs(lp.objective - lp.dual_objective);
  // Inputs near the largest double can give a finite plan whose cost overflows: the documented
  // GMMOT_E_OVERFLOW, never an infinite cost with status OK (fuzz finding, 0.5.1).
  if (!std::isfinite(lp.objective))
    throw Error(Errc::Overflow,
                "barycenter: the cost sum_j lambda_j MW2^2(barycenter, mu_j) exceeds the largest "
                "double (scale the inputs down)");
  out.cost = lp.objective;
  out.energies = {lp.objective};
  out.iterations = lp.iterations;
  out.pricing_rounds = lp.rounds;
}

std::uint64_t pivot_cap(const MultimarginalOptions &options, std::size_t entries) {
  if (options.max_iterations != 0) return options.max_iterations;
  return std::max<std::uint64_t>(1000000, 1000 * static_cast<std::uint64_t>(entries));
}

}  // namespace gmmot::detail
