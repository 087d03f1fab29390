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
class Mw2Plan {
 public:
  // Errc::InvalidArgument when a mixture is null, Errc::Dimension when the dimensions differ;
  // errors of w2_cost_matrix and the solvers pass through (Errc::Overflow,
  // Errc::IterationLimit, Errc::Cancelled: ctx's threads, progress and interrupt drive both the
  // cost matrix and the transport step).
  Mw2Plan(std::shared_ptr<const Gmm> g0, std::shared_ptr<const Gmm> g1, const Mw2Options &options,
          const Context &ctx);

  const Gmm &source() const { return *g0_; }
  const Gmm &target() const { return *g1_; }
  const std::shared_ptr<const Gmm> &shared_source() const { return g0_; }
  const std::shared_ptr<const Gmm> &shared_target() const { return g1_; }
  std::size_t dim() const { return g0_->d(); }

  double mw2_squared() const { return transport_.cost; }            // eq. 4.4
  const std::vector<double> &cost_matrix() const { return cost_; }  // K0 x K1 row-major
  const TransportResult &transport() const { return transport_; }   // plan entries, duals, info

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
  std::vector<PairMap> compute_pair_maps(const Context &ctx) const;

  std::shared_ptr<const Gmm> g0_, g1_;
  std::vector<double> cost_;
  TransportResult transport_;
  // Behind a pointer so that the plan stays movable (Lazy is not); copies of a plan share it,
  // which is right since the plan is immutable.
  std::shared_ptr<Lazy<std::vector<PairMap>>> pair_maps_ =
      std::make_shared<Lazy<std::vector<PairMap>>>();
};

}  // namespace gmmot
