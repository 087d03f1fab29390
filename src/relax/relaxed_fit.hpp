// SPDX-License-Identifier: MIT
// The KL-relaxed coupled fit (Delon-Desolneux 2020, section 6.2, eq. 6.1; numerics.md E): one
// K-component Gaussian mixture gamma on R^{2d} fitted to two weighted point clouds nu0, nu1 on
// R^d, trading the transport cost of gamma against the likelihood of its two marginals.
//
// The energy. Component k of gamma has marginals N(m0_k, S0_k) and N(m1_k, S1_k) and weight
// pi_k (shared by both marginals); P0#gamma = p0 = sum_k pi_k N(m0_k, S0_k), P1#gamma = p1 alike.
// Only the Gaussian coupling of each component's marginals matters (numerics.md E), so gamma's
// component k is the optimal coupling (Id, T_k)#N(m0_k, S0_k), T_k the Gaussian Monge map, and
//   J(theta) = transport - lambda_abs (ll0 + ll1) + penalty, where
//   transport = sum_k pi_k [|m0_k - m1_k|^2 + B^2(S0_k, S1_k)]     (= int |y0 - y1|^2 dgamma)
//   ll0       = sum_i a_i log p0(x_i) / sum_i a_i                 (mean log-likelihood of nu0)
//   ll1       = sum_j b_j log p1(y_j) / sum_j b_j
//   penalty   = (lambda_abs / 2) rho sum_k sum_{c=0,1} [v tr(Sc_k^-1) + log det Sc_k]
//   lambda_abs = lambda s^2,  s^2 = (tr Cov nu0 + tr Cov nu1) / 2,  v = s^2 / d.
// lambda is given relative to the data scale (numerics.md E, units pitfall): translating or
// scaling both clouds changes J / s^2 only by an additive constant (the log-likelihoods and
// log-determinants shift), so the fitted gamma moves with the data (with an absolute lambda,
// changing the units of the data would change the problem). J itself is reported in the data's
// units (length^2).
//
// The penalty (rho = RelaxedOptions::regularization) is part of the problem: without it J is
// unbounded below on point data (a component collapsing onto one point sends -ll to -inf). It is
// the negative log-density of an inverse-Wishart-like prior on every marginal covariance,
// centred on the isotropic data scale v I: in the M-step of a component with responsibility mass
// n it acts as rho pseudo-points of scatter v I, giving (n C + rho v I) / (n + rho) for the
// likelihood part alone, never below rho v / (n + rho) along any direction (the transport term
// then pulls S0_k and S1_k towards each other, each held away from 0 by its own penalty). Because
// it is an explicit term of J (not a floor applied by the solver), the majorise-minimise scheme
// below decreases exactly the J reported.
//
// The solver is the majorise-minimise scheme of numerics.md E.2 (a generalised EM): an E-step
// pass over each cloud (the blocked, parallel EM kernel of em/, no N x K array, bit-identical
// for any thread count) gives responsibilities and the majoriser Q(theta | theta_t) >= J(theta),
// equal at theta_t; then blocks of Q are decreased in turn: the weights in closed form (a 1-D
// root for the Lagrange multiplier), the means of each component by a 2d x 2d SPD solve, the
// covariances by Armijo-backtracked affine-invariant steps in Cholesky form (covariances.cpp),
// in a few cycles per E-step (relaxed_fit.cpp). Every block update is kept only if it does not
// increase Q, so J never increases from one iterate to the next; an iterate whose evaluated J is
// higher than its predecessor's (rounding) is discarded and the run stops there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "mixture/gmm.hpp"
#include "util/bounds.hpp"
#include "util/context.hpp"
#include "util/rng.hpp"

namespace gmmot {

// A weighted point cloud: n x d row-major points, weights n non-negative finite, not all zero
// (nullptr = all 1). Only a view: the fit copies what it keeps.
struct PointCloud {
  std::size_t n = 0, d = 0;
  const double *points = nullptr;
  const double *weights = nullptr;
};

enum class RelaxedInit {
  Pooled = 0,    // EM on the pooled data (nu0 + nu1) / 2; both marginals start at that fit
  Separate = 1,  // EM on each cloud, components paired by the exact OT plan between the two
                 // component sets with equal masses (an optimal assignment for the W2^2 cost,
                 // Birkhoff), weights the averages of the paired weights
  User = 2       // RelaxedOptions::initial0 / initial1, paired by index
};

struct RelaxedOptions {
  // Scalar defaults are constants too, for the C option table (capi/handles.hpp).
  static constexpr std::size_t kDefaultComponents = 5;
  std::size_t components = kDefaultComponents;  // K
  static constexpr Bounds kComponentsBounds{1, 100000};
  static constexpr double kDefaultLambda = 1.0;
  double lambda = kDefaultLambda;  // relative to s^2 (see above): lambda_abs = lambda s^2
  static constexpr Bounds kLambdaBounds{1e-12, 1e12};
  // Stop when J_{t-1} - J_t <= tolerance (|transport| + lambda_abs (|ll0| + |ll1|) + |penalty|),
  // the terms evaluated in the normalised frame of the fit (so the test is unit-free).
  static constexpr double kDefaultTolerance = 1e-8;
  double tolerance = kDefaultTolerance;
  static constexpr Bounds kToleranceBounds{0, 1};
  static constexpr std::uint64_t kDefaultMaxIterations = 200;
  std::uint64_t max_iterations = kDefaultMaxIterations;  // outer (E-step) iterations per lambda
  static constexpr Bounds kMaxIterationsBounds{1, 1e9};
  static constexpr double kDefaultRegularization = 1e-6;
  double regularization = kDefaultRegularization;  // rho of the penalty (pseudo-mass per
                                                   // marginal component)
  static constexpr Bounds kRegularizationBounds{1e-12, 1};
  static constexpr RelaxedInit kDefaultInit = RelaxedInit::Separate;
  RelaxedInit init = kDefaultInit;
  static constexpr Bounds kInitBounds{0, 2};
  std::uint64_t seed = kDefaultSeed;  // of the EM initialisations; bounds gmmot::kSeedBounds
  // lambda continuation: if not empty, the problem is solved first for these lambdas (each >
  // lambda, strictly decreasing, within kLambdaBounds), each warm-started from the previous
  // solution, and finally for lambda. Each solve has its own iteration budget.
  std::vector<double> lambda_path;
  // init == User: the starting marginals, K components each in dimension d; component k of
  // both forms gamma's component k, with weight (w0_k + w1_k) / 2.
  std::shared_ptr<const Gmm> initial0, initial1;

  // Errc::InvalidArgument naming the first field outside its bounds (lambda_path[i] by index).
  void validate() const;
};

// A component whose estimate is not supported by the data.
struct RelaxedDegeneracy {
  std::size_t component = 0;
  int marginal = 0;  // 0 or 1
  // true: its responsibility mass in that cloud amounts to fewer than d + 1 points (of average
  // weight), so its covariance is determined by the penalty rather than by data.
  bool weight_collapsed = false;
  // true: the smallest eigenvalue of its covariance is within a factor 10 of the floor the
  // penalty alone imposes, rho v / (n + rho): the component sits on a (near) lower-dimensional
  // set of points and is held up by the regularisation.
  bool covariance_collapsed = false;
};

// One solve of a lambda continuation (the last one is the returned fit).
struct RelaxedStageSummary {
  double lambda = 0;  // relative
  double energy = 0, transport = 0, ll0 = 0, ll1 = 0, penalty = 0;
  std::uint64_t iterations = 0;
  bool converged = false;
};

struct RelaxedResult {
  // gamma on R^{2d}: component k has weight pi_k, mean (m0_k, m1_k) and covariance
  // [[S0_k, S0_k A_k], [A_k S0_k, S1_k]], A_k the Monge map matrix from N(., S0_k) to N(., S1_k)
  // (rank d, like Mw2Plan::coupling).
  std::shared_ptr<const Gmm> coupling;
  std::shared_ptr<const Gmm> marginal0, marginal1;  // P0#gamma, P1#gamma (weights pi)
  double lambda_abs = 0;  // lambda s^2, the lambda of the energy in the data's units
  double scale2 = 0;      // s^2
  double energy = 0;      // J = transport - lambda_abs (ll0 + ll1) + penalty, data units
  double transport = 0, ll0 = 0, ll1 = 0, penalty = 0;
  std::vector<double> energies;  // J of every accepted iterate of the last solve (0 = start)
  std::uint64_t iterations = 0;  // outer iterations of the last solve
  bool converged = false;        // false: max_iterations reached (or a rise of J above
                                 // rounding level stopped the run, which would be a bug)
  std::vector<RelaxedDegeneracy> degenerate;
  std::vector<RelaxedStageSummary> path;  // one entry per lambda solved (lambda_path, lambda)
};

// Errors (nothing is modified): Errc::Dimension (an empty cloud, d = 0, clouds of different
// dimensions, initial mixtures of the wrong K or d), Errc::NonFinite naming points0[i][j],
// points1[i][j], weights0[i] or weights1[i], Errc::Weights, Errc::InvalidArgument (options; K
// larger than the number of distinct points of positive weight in a cloud; init == User without
// initial mixtures), Errc::TooLarge, Errc::Cancelled (ctx's interrupt or progress: Stage::Em
// during the EM initialisation, then Stage::Relaxed after every outer iteration with done =
// iteration, total = max_iterations, value = J), Errc::Overflow (data too spread to represent).
RelaxedResult fit_relaxed(const PointCloud &cloud0, const PointCloud &cloud1,
                          const RelaxedOptions &options, const Context &ctx);

// J and its terms for given marginal parameters (weights K, means0/1 K x d, covs0/1 K x d x d,
// row-major, in the data's units), computed directly (no normalisation, one thread): what the
// solver minimises, for checks. Returned in a RelaxedStageSummary (lambda = options.lambda,
// iterations 0).
RelaxedStageSummary relaxed_energy(const PointCloud &cloud0, const PointCloud &cloud1,
                                   const RelaxedOptions &options, const double *weights,
                                   const double *means0, const double *covs0, const double *means1,
                                   const double *covs1);

}  // namespace gmmot
