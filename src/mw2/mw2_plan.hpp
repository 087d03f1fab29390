// SPDX-License-Identifier: MIT
// The MW2 distance between Gaussian mixtures and everything derived from its optimal plan
// (Delon-Desolneux 2020, section 4: eq. 4.4, Prop. 4, Cor. 2; Chen-Georgiou-Tannenbaum 2019,
// section III, eq. 11).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "gaussian/gaussian_ot.hpp"
#include "lp/transport.hpp"
#include "mixture/gmm.hpp"
#include "util/lazy.hpp"

namespace gmmot {

// The MW2 plan has no options of its own: those of its transport step (lp/transport.hpp).
using Mw2Options = TransportOptions;

// A Monge map between the paired components of one plan entry.
struct PairMap {
  bool exists = false;  // false when the source component is singular and no map exists
  AffineMap map;        // valid when exists
};

// Immutable after construction (the pair maps' cache aside, filled once and thread-safely), so
// one plan may be read by many threads at once. Shares the two mixtures (immutable too) with
// whoever else holds them: a plan does not copy K d^2 covariances and their factors.
//
// Invariant (both constructions): source() and target() have the same dimension; cost_matrix()
// is the K0 x K1 matrix of W2^2 between their components; transport().plan is a component plan
// w, sorted by (i, j) without duplicates, whose row sums are source()'s weights and column
// sums target()'s (exactly for the exact solver, to its tolerance for Sinkhorn, within
// kGivenPlanTolerance for a given plan); mw2_squared() = sum_n w_n C_{i_n j_n}. Everything
// derived (coupling, geodesic, pair maps, the transport maps of maps/) reads only these, so it
// applies to a given plan as to a solved one. Only the duals differ: see solved().
class Mw2Plan {
 public:
  // Errc::InvalidArgument when a mixture is null, Errc::Dimension when the dimensions differ;
  // errors of w2_cost_matrix and the solvers pass through (Errc::Overflow,
  // Errc::IterationLimit, Errc::Cancelled: ctx's threads, progress and interrupt drive both the
  // cost matrix and the transport step).
  Mw2Plan(std::shared_ptr<const Gmm> g0, std::shared_ptr<const Gmm> g1, const Mw2Options &options,
          const Context &ctx);

  // A plan that is given rather than solved (no LP is run): the MW2-type plan of a coupling
  // whose components pair the mixtures' components as `entries` (i, j, mass) say, e.g. the
  // diagonal w_kk = pi_k of a KL-relaxed fit (Delon-Desolneux section 6.2: gamma's component k
  // joins g0's component k to g1's component k by their optimal Gaussian coupling, which is
  // the component of coupling() for the entry (k, k)). The entries are copied and sorted by
  // (i, j); zero masses are kept (so a diagonal plan keeps entry k for component k). Its cost is
  // sum_n mass_n W2^2(g0_i, g1_j), >= MW2^2(g0, g1): an upper bound, equal when the given plan
  // is optimal. transport(): plan = the sorted entries, cost as said, u and v EMPTY (a given
  // plan has no dual certificate; solved() is false), iterations = 0, converged = true,
  // marginal_error = the measured sum_i |w 1 - a|_i + sum_j |w^T 1 - b|_j.
  // Errors (nothing built): Errc::InvalidArgument (a mixture null; an entry's i >= K0 or
  // j >= K1, or two entries with the same (i, j), naming entries[n]), Errc::Dimension (the
  // mixtures' dimensions differ), Errc::NonFinite / Errc::Weights (a mass NaN, infinite or
  // negative, naming entries[n].mass), Errc::Weights (a row or column sum differs from the
  // mixture weight by more than kGivenPlanTolerance, naming the row or column and both values),
  // errors of w2_cost_matrix (Errc::Overflow, Errc::Cancelled under ctx).
  static constexpr double kGivenPlanTolerance = 1e-8;  // absolute; mixture weights sum to 1
  static Mw2Plan from_plan(std::shared_ptr<const Gmm> g0, std::shared_ptr<const Gmm> g1,
                           std::vector<PlanEntry> entries, const Context &ctx);

  // true when the plan was solved (the constructor): transport().u and .v are the LP duals
  // (K0 and K1 values). false for from_plan: u and v are empty.
  bool solved() const { return solved_; }

  const Gmm &source() const { return *g0_; }
  const Gmm &target() const { return *g1_; }
  const std::shared_ptr<const Gmm> &shared_source() const { return g0_; }
  const std::shared_ptr<const Gmm> &shared_target() const { return g1_; }
  std::size_t dim() const { return g0_->d(); }

  // eq. 4.4; for a given plan (from_plan) its cost sum_n w_n C_n, an upper bound of MW2^2
  double mw2_squared() const { return transport_.cost; }
  const std::vector<double> &cost_matrix() const { return cost_; }  // K0 x K1 row-major
  const TransportResult &transport() const { return transport_; }   // plan, duals (solved()), info

  // gamma* on R^{2d} (Prop. 4): one component per plan entry n = (k, l), weight w_n, mean
  // (m0_k, m1_l), covariance G G^T with G = [F0_k; F1_l U_kl] (2d x d), the optimal Gaussian
  // coupling of the pair. Rank <= d.
  Gmm coupling() const;
  // mu_t (Cor. 2): one component per plan entry, gaussian_geodesic of the pair at t in [0, 1].
  Gmm geodesic(double t) const;
  // Monge maps of the pairs, in plan-entry order. Computed on the first call (nnz Monge maps of
  // O(d^3) each, and nnz d^2 doubles: not paid by callers that only want the distance) and kept:
  // later calls, from any thread, return the same vector. An error other than Errc::NoMap (which
  // gives exists = false) propagates and leaves nothing cached, so the next call tries again.
  // Computed on the first call, under that call's ctx (interrupt checked per pair; a cancelled
  // computation stores nothing and the next call retries).
  const std::vector<PairMap> &pair_maps(const Context &ctx = Context{}) const;

 private:
  Mw2Plan() = default;  // from_plan fills the members
  std::vector<PairMap> compute_pair_maps(const Context &ctx) const;

  std::shared_ptr<const Gmm> g0_, g1_;
  bool solved_ = true;
  std::vector<double> cost_;
  TransportResult transport_;
  // Behind a pointer so that the plan stays movable (Lazy is not); copies of a plan share it,
  // which is right since the plan is immutable.
  std::shared_ptr<Lazy<std::vector<PairMap>>> pair_maps_ =
      std::make_shared<Lazy<std::vector<PairMap>>>();
};

}  // namespace gmmot
