// The MW2 distance between Gaussian mixtures and everything derived from its optimal plan
// (Delon-Desolneux 2020, section 4: eq. 4.4, Prop. 4, Cor. 2; Chen-Georgiou-Tannenbaum 2019,
// section III, eq. 11).
#pragma once

#include <cstddef>
#include <vector>

#include "gaussian/gaussian_ot.hpp"
#include "lp/transport.hpp"
#include "mixture/gmm.hpp"

namespace gmmot {

// The MW2 plan has no options of its own: those of its transport step (lp/transport.hpp).
using Mw2Options = TransportOptions;

// A Monge map between the paired components of one plan entry.
struct PairMap {
  bool exists = false;  // false when the source component is singular and no map exists
  AffineMap map;        // valid when exists
};

// Immutable after construction; keeps its own copies of the two mixtures.
class Mw2Plan {
 public:
  // Errc::Dimension when the dimensions differ; errors of w2_cost_matrix and the solvers pass
  // through (Errc::Overflow, Errc::IterationLimit, Errc::Cancelled: ctx's threads, progress and
  // interrupt drive both the cost matrix and the transport step).
  Mw2Plan(const Gmm &g0, const Gmm &g1, const Mw2Options &options, const Context &ctx);

  const Gmm &source() const { return g0_; }
  const Gmm &target() const { return g1_; }
  std::size_t dim() const { return g0_.d(); }

  double mw2_squared() const { return transport_.cost; }            // eq. 4.4
  const std::vector<double> &cost_matrix() const { return cost_; }  // K0 x K1 row-major
  const TransportResult &transport() const { return transport_; }   // plan entries, duals, info

  // gamma* on R^{2d} (Prop. 4): one component per plan entry n = (k, l), weight w_n, mean
  // (m0_k, m1_l), covariance G G^T with G = [F0_k; F1_l U_kl] (2d x d), the optimal Gaussian
  // coupling of the pair. Rank <= d.
  Gmm coupling() const;
  // mu_t (Cor. 2): one component per plan entry, gaussian_geodesic of the pair at t in [0, 1].
  Gmm geodesic(double t) const;
  // Monge maps of the pairs, in plan-entry order.
  std::vector<PairMap> pair_maps() const;

 private:
  Gmm g0_, g1_;
  std::vector<double> cost_;
  TransportResult transport_;
};

}  // namespace gmmot
