// SPDX-License-Identifier: MIT
// MW2-type plans built from point clouds: the plan of a KL-relaxed fit's gamma (its transport
// maps T_mean and T_rand, Delon-Desolneux 2020 section 6.2 with the maps of section 6.3), and
// MW_{K,2} between two point clouds (section 6.1: fit K-component mixtures by EM, then MW2
// between the fits). relax/ sits above em/ and mw2/ (architecture.md: arrows down only).
#pragma once

#include "em/em.hpp"
#include "mw2/mw2_plan.hpp"
#include "relax/relaxed_fit.hpp"
#include "util/context.hpp"

namespace gmmot {

// gamma's plan: component k of gamma pairs marginal0's component k with marginal1's component
// k, with weight pi_k and the optimal Gaussian coupling of the pair, so gamma is the coupling of
// the MW2-type plan with the diagonal w_kk = pi_k between marginal0 and marginal1
// (Mw2Plan::from_plan; no LP is solved). Its coupling() is gamma component for component (the
// same means; covariances equal to rounding), its mw2_squared() is r.transport (to rounding),
// and the maps of maps/ give T_mean and T_rand of gamma. The plan shares r's marginals.
// Errors: those of Mw2Plan::from_plan (none for a result of fit_relaxed, whose marginals share
// their weights exactly), Errc::Cancelled from ctx (the K x K cost matrix).
Mw2Plan relaxed_plan(const RelaxedResult &r, const Context &ctx = Context{});

// MW_{K,2}(nu0, nu1) (Delon-Desolneux section 6.1): EM fits of options.components components to
// each cloud (fit_gmm_em, cloud0 first, the same options and seed for both), then the MW2 plan
// between the two fits (Mw2Plan with transport). The same as the three calls made in turn, bit
// for bit. fit0, fit1 are the EM results (their gmm are the plan's source and target).
// Student-t with nu estimated (em.family == 1, em.dof == 0): one joint fit (fit_em_joint) of
// both clouds with a shared nu instead of the two fits.
struct CloudsMw2 {
  EmResult fit0, fit1;
  Mw2Plan plan;
};
// Errors (nothing returned): the clouds are checked first, naming points0 / points1 and
// weights0 / weights1 (Errc::Dimension for n = 0, d = 0 or different dimensions,
// Errc::InvalidArgument for null points, Errc::NonFinite naming points0[i][j] or weights1[i],
// Errc::Weights, Errc::TooLarge), then the options (Errc::InvalidArgument); an error of an EM fit
// (e.g. Errc::Cancelled, Errc::Overflow) has its message prefixed by "fitting points0: " or
// "fitting points1: "; errors of the plan as Mw2Plan's constructor.
CloudsMw2 mw2_between_clouds(const PointCloud &cloud0, const PointCloud &cloud1,
                             const EmOptions &em, const Mw2Options &transport, const Context &ctx);

}  // namespace gmmot
