// SPDX-License-Identifier: MIT
// Barycenters of J Gaussian mixtures mu_j with weights lambda on the simplex, for the MW2
// distance: minimise V(nu) = sum_j lambda_j MW2^2(nu, mu_j) over mixtures nu.
//  - exact: the multi-marginal LP of Delon-Desolneux 2020, section 5 (Prop. 7-8, Cor. 3; 002
//    section IV eq. 17-18), solved by column generation over the prod_j K_j tuples;
//  - fixed support: the LP of Chen-Georgiou-Tannenbaum 2019, eq. 19, on N given Gaussians;
//  - fixed point: Tanguy-Delon-Gozlan, arXiv 2501.04016 (Alg. 2, the true fixed point with
//    multi-marginal North-West gluing; Alg. 3, the heuristic with barycentric projections).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "gaussian/gaussian_ot.hpp"
#include "lp/transport.hpp"
#include "mixture/gmm.hpp"
#include "util/bounds.hpp"
#include "util/context.hpp"

namespace gmmot {

// Validated inputs shared by the three solvers.
struct BarycenterInputs {
  std::vector<std::shared_ptr<const Gmm>> mixtures;  // J >= 1, one dimension
  std::vector<double> lambda;                        // J, divided by their sum
  std::size_t count() const { return mixtures.size(); }
  std::size_t dim() const { return mixtures.front()->d(); }
};
// Errc::Dimension for J = 0 ("no mixtures") or a mixture whose dimension differs from
// mixtures[0]'s ("gmms[2] has dimension 3 but gmms[0] has dimension 2"); Errc::InvalidArgument
// for a null mixture ("gmms[1] is NULL"); lambda (J entries) by the rules of normalized_weights,
// naming "lambda".
BarycenterInputs make_barycenter_inputs(std::vector<std::shared_ptr<const Gmm>> mixtures,
                                        const double *lambda);

// Optimality certificates of an LP solution (absolute, in cost units).
struct LpCertificate {
  double primal_infeasibility = 0;  // max over all marginal entries of |plan marginal - weight|
  // An upper bound of max over all columns (every tuple) of (sum of duals - cost)+: the exact
  // method's pricing proves most tuples feasible by a lower bound of their cost.
  double dual_infeasibility = 0;
  double duality_gap = 0;  // |primal objective - dual objective|
};

struct MixtureBarycenter {
  std::shared_ptr<const Gmm> barycenter;  // n components
  double cost = 0;                        // V = sum_j lambda_j MW2^2(barycenter, mu_j)
  // J plans between the barycenter and each mu_j: entries (i, k, mass), i a component of the
  // barycenter, k one of mu_j, sorted by (i, k); their row sums are the barycenter's weights.
  std::vector<std::vector<PlanEntry>> plans;
  // Exact method and true fixed point: n x J, row i the tuple (t_0 .. t_{J-1}) whose Gaussian
  // barycenter is component i. Empty for the other methods.
  std::vector<std::size_t> tuples;
  // Exact and fixed-support LPs: sum_j K_j dual potentials, u_j(k) at offset sum_{i<j} K_i + k,
  // with sum_j u_j(t_j) <= C_t for every tuple t (exact) and objective sum_jk u_j(k) pi_j(k).
  // Empty for the fixed point.
  std::vector<double> duals;
  LpCertificate certificate;         // LPs only (zero for the fixed point)
  std::vector<double> energies;      // fixed point: V of the start, then after each iteration;
                                     // LPs: {cost}
  std::uint64_t iterations = 0;      // simplex pivots (LPs) or fixed-point iterations
  std::uint64_t tuple_costs = 0;     // exact: tuple barycenters computed, of prod_j K_j
  std::uint64_t pricing_rounds = 0;  // exact: column-generation rounds
  bool converged = true;             // fixed point: false when the iteration cap came first
};

struct MultimarginalOptions {
  // Refuse (Errc::TooLarge) when prod_j K_j exceeds this: pricing scans every tuple.
  double max_tuples = 1e9;
  static constexpr Bounds kMaxTuplesBounds{1, 1e15};
  // Simplex pivot cap over all rounds; 0 picks max(1e6, 1000 sum_j K_j). Errc::IterationLimit.
  std::uint64_t max_iterations = 0;
  static constexpr Bounds kMaxIterationsBounds{0, 1e15};
  BarycenterOptions gaussian;  // the tuple barycenters

  void validate() const;
};

// The exact MW2 barycenter (Delon-Desolneux Prop. 8): nu* = sum_t w*_t nu_t over the tuples t
// of an optimal vertex w* of min sum_t w_t C_t, C_t = sum_j lambda_j W2^2(mu_j^{t_j}, nu_t),
// nu_t the Gaussian barycenter of the tuple, subject to the J marginals of w being the mixture
// weights. At most sum_j K_j - J + 1 components, in increasing tuple order; J = 1 returns
// mixtures[0] itself. Pricing scans every tuple with the pairwise lower bound
// L_t = sum_{i<j} lambda_i lambda_j W2^2(mu_i^{t_i}, mu_j^{t_j}) <= C_t and computes C_t only
// where L_t cannot exclude the tuple (barycenter_exact.cpp). Errc::TooLarge (max_tuples),
// Errc::IterationLimit (the pivot cap, or a tuple barycenter that did not converge, naming the
// tuple), a tuple's own error (e.g. all its covariances singular) naming the tuple,
// Errc::Cancelled. Reports Stage::Multimarginal after each pricing round.
MixtureBarycenter mixture_barycenter_exact(const BarycenterInputs &in,
                                           const MultimarginalOptions &options, const Context &ctx);

// The barycenter restricted to n given Gaussians nu_s (means n x d, covs n x d x d, validated
// like a mixture's, errors naming "means" and "covs[s]"): min over weights p on the simplex and
// plans W_j in Pi(p, pi_j) of sum_j lambda_j <W_j, W2^2(nu_s, mu_j^k)> (Chen-Georgiou-Tannenbaum
// eq. 19). The barycenter keeps all n candidates, in the given order, zero weights included.
MixtureBarycenter mixture_barycenter_fixed_support(const BarycenterInputs &in, std::size_t n,
                                                   const double *means, const double *covs,
                                                   const MultimarginalOptions &options,
                                                   const Context &ctx);

struct FixedPointOptions {
  enum class Method { TrueFixedPoint = 0, EuclideanProjection = 1, BuresProjection = 2 };
  Method method = Method::TrueFixedPoint;
  static constexpr Bounds kMethodBounds{0, 2};
  // Components of the start when no initial mixture is given; 0 = max_j K_j.
  std::uint64_t components = 0;
  static constexpr Bounds kComponentsBounds{0, 1e9};
  // Stop when V_t - V_{t+1} <= tolerance * V_t (and after the first iteration when V_0 = 0).
  double tolerance = 1e-9;
  static constexpr Bounds kToleranceBounds{0, 1};
  std::uint64_t max_iterations = 100;
  static constexpr Bounds kMaxIterationsBounds{1, 1e9};
  // True fixed point: Errc::TooLarge when the support would exceed this many components.
  std::uint64_t max_support = 100000;
  static constexpr Bounds kMaxSupportBounds{1, 1e12};
  std::uint64_t seed = 0;  // the random start (util/rng.hpp bounds)
  BarycenterOptions gaussian;
  ExactOptions exact;

  void validate() const;
};

// V(nu) = sum_j lambda_j MW2^2(nu, mu_j) with exact plans; plans (when not null) receives them.
double barycenter_energy(const BarycenterInputs &in, const Gmm &nu, const ExactOptions &exact,
                         const Context &ctx, std::vector<std::vector<PlanEntry>> *plans);

// The fixed-point barycenter from `init` (null: `components` Gaussian barycenters of tuples
// drawn with probability prod_j pi_j(t_j) from `seed`, uniform weights). Never modifies its
// inputs. Stops when V_t - V_{t+1} <= tolerance V_t, or when the decrease is below the rounding
// floor 1e-14 (V_0 + sum_j lambda_j sum_k pi_j(k) tr S_j^k) (a barycenter at V = 0 would
// otherwise see only rounding noise), or when V increases (the heuristic has no decrease
// guarantee); returns the last iterate of lowest V. Reports Stage::FixedPoint (iteration,
// max_iterations, V) after every iteration; nested LPs and barycenters report nothing but see
// the interrupt.
MixtureBarycenter mixture_barycenter_fixed_point(const BarycenterInputs &in,
                                                 std::shared_ptr<const Gmm> init,
                                                 const FixedPointOptions &options,
                                                 const Context &ctx);

}  // namespace gmmot
