// SPDX-License-Identifier: MIT
// The relaxed fit's plan and MW_{K,2} between point clouds (relax/plans.hpp).
#include "relax/plans.hpp"

#include <string>
#include <utility>
#include <vector>

#include "relax/relax_detail.hpp"
#include "util/error.hpp"

namespace gmmot {

Mw2Plan relaxed_plan(const RelaxedResult &r, const Context &ctx) {
  if (r.marginal0 == nullptr || r.marginal1 == nullptr)
    fail(Errc::InvalidArgument, "the relaxed result has no marginals");
  // gamma's weights pi are those of both marginals (relaxed_fit.hpp): the diagonal plan.
  const std::vector<double> &pi = r.marginal0->weights();
  std::vector<PlanEntry> diagonal(pi.size());
  for (std::size_t k = 0; k < pi.size(); ++k) diagonal[k] = PlanEntry{k, k, pi[k]};
  return Mw2Plan::from_plan(r.marginal0, r.marginal1, std::move(diagonal), ctx);
}

namespace {

// One EM fit; an error names the cloud it came from (EM's messages say "points", "n", ...).
EmResult fit_cloud(const PointCloud &c, const char *name, const EmOptions &em, const Context &ctx) {
  try {
    return fit_gmm_em(c.n, c.d, c.points, c.weights, em, ctx);
  } catch (const Error &e) {
    throw Error(e.code(), std::string("fitting ") + name + ": " + e.what());
  }
}

}  // namespace

CloudsMw2 mw2_between_clouds(const PointCloud &cloud0, const PointCloud &cloud1,
                             const EmOptions &em, const Mw2Options &transport, const Context &ctx) {
  // Both clouds and all options are checked before the first (long) fit, so a bad second
  // cloud or a bad transport option is reported at once, naming the user's arrays.
  relax::check_cloud(cloud0, "points0", "weights0");
  relax::check_cloud(cloud1, "points1", "weights1");
  if (cloud0.d != cloud1.d) {
    fail(Errc::Dimension, "points0 has dimension " + std::to_string(cloud0.d) +
                              " but points1 has " + std::to_string(cloud1.d) +
                              " (the clouds must share d)");
  }
  em.validate();
  transport.validate();
  if (em.family == 1 && em.dof == 0) {
    // Student-t with nu estimated: one shared nu (MW2 compares mixtures of one nu), by the joint
    // fit; its errors name "data set 0" / "data set 1", i.e. points0 / points1.
    const std::size_t n[2] = {cloud0.n, cloud1.n};
    const double *const pts[2] = {cloud0.points, cloud1.points};
    const double *const ws[2] = {cloud0.weights, cloud1.weights};
    EmJointResult joint;
    try {
      joint = fit_em_joint(2, cloud0.d, n, pts, ws, em, ctx);
    } catch (const Error &e) {
      if (e.code() == Errc::Cancelled) throw;
      throw Error(e.code(), std::string("fitting points0 (data set 0) and points1 (data set 1) "
                                        "jointly: ") +
                                e.what());
    }
    Mw2Plan plan(joint.fits[0].gmm, joint.fits[1].gmm, transport, ctx);
    return CloudsMw2{std::move(joint.fits[0]), std::move(joint.fits[1]), std::move(plan)};
  }
  EmResult fit0 = fit_cloud(cloud0, "points0", em, ctx);
  EmResult fit1 = fit_cloud(cloud1, "points1", em, ctx);
  Mw2Plan plan(fit0.gmm, fit1.gmm, transport, ctx);
  return CloudsMw2{std::move(fit0), std::move(fit1), std::move(plan)};
}

}  // namespace gmmot
