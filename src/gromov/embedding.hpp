// SPDX-License-Identifier: MIT
// EW2 between weighted point clouds and MEW2 between mixtures, in any two dimensions m and n
// (Salmona-Delon-Desolneux, arXiv 2310.11256; the public contract is gmmot/mew2.h): W2 and MW2
// minimised over the isometric embeddings phi(z) = P z + t of the lower-dimensional side into
// the other's space, P a D x d matrix with orthonormal columns (D = max(m, n), d = min(m, n)).
// Both sides are centred (the optimal t matches the means); then alternating minimisation of
// L(P, w) = sum_kl w_kl W2^2(large_k, P#small_l): exact plans for fixed P, embedding steps for
// fixed w (Procrustes for point clouds, majorise-minimise projected-gradient steps for
// mixtures: on the manifold L(., w) is concave in P, so the step P <- polar(-grad) never
// increases it), from several starts, the lowest end point kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "gromov/warm_sinkhorn.hpp"
#include "lp/transport.hpp"
#include "mixture/gmm.hpp"
#include "util/bounds.hpp"
#include "util/context.hpp"
#include "util/rng.hpp"

namespace gmmot {

struct EwOptions {
  // Scalar defaults are constants too, for the C option table (capi/handles.hpp).
  static constexpr std::uint64_t kDefaultMaxIterations = 1000;
  std::uint64_t max_iterations = kDefaultMaxIterations;  // alternations per start
  static constexpr Bounds kMaxIterationsBounds{1, 1e9};
  // A start (and MEW2's inner steps) stops when one step lowers the loss by <= tolerance * S.
  static constexpr double kDefaultTolerance = 1e-10;
  double tolerance = kDefaultTolerance;
  static constexpr Bounds kToleranceBounds{0, 1};
  static constexpr unsigned kDefaultStarts = 0;  // random starts
  unsigned starts = kDefaultStarts;
  static constexpr Bounds kStartsBounds{0, 10000};
  static constexpr int kDefaultAnnealing = 1;
  int annealing = kDefaultAnnealing;
  static constexpr Bounds kAnnealingBounds{0, 1};
  // First epsilon of the annealed plan steps, relative to the largest cost entry.
  static constexpr double kDefaultEpsilon = 0.1;
  double epsilon = kDefaultEpsilon;
  static constexpr Bounds kEpsilonBounds{1e-6, 1e3};
  // All 2^d sign patterns of the covariance start are starts when d <= sign_flips.
  static constexpr unsigned kDefaultSignFlips = 4;
  unsigned sign_flips = kDefaultSignFlips;
  static constexpr Bounds kSignFlipsBounds{0, 16};
  // MEW2: the most embedding steps per alternation.
  static constexpr std::uint64_t kDefaultInnerIterations = 50;
  std::uint64_t inner_iterations = kDefaultInnerIterations;
  static constexpr Bounds kInnerIterationsBounds{1, 1e6};
  std::uint64_t seed = kDefaultSeed;  // the random starts'
  ExactOptions exact;                 // the plan steps' pivot cap

  // Errc::InvalidArgument naming the first field outside its bounds.
  void validate() const;
};

// The annealed start: kAnnealingSteps entropic alternations, each plan from a warm-started
// kernel Sinkhorn (gromov/warm_sinkhorn.hpp) of at most 20 scaling iterations, to an L1 column
// marginal error of 1e-3 relative to the mass: a rough plan is enough to steer the isometry,
// and the exact alternations that follow decide the value. (A cold log-domain Sinkhorn of up to
// 100 iterations per step, the first version, took 12.8 s at n0 = n1 = 1000 points.)
constexpr unsigned kAnnealingSteps = 8;
constexpr WarmSinkhorn::Limits kAnnealingSinkhorn{20, 20, 1e-3};

struct EwResult {
  double value = 0;                  // EW2^2 or MEW2^2: L at (isometry, plan)
  std::size_t rows = 0, cols = 0;    // n0 x n1 or K0 x K1
  std::size_t m = 0, n = 0;          // dimensions of side 0 and side 1
  std::vector<PlanEntry> plan;       // side 0 x side 1, sorted by (i, j), positive masses
  std::vector<double> isometry;      // max(m, n) x min(m, n) row-major, orthonormal columns
  std::vector<double> mean0, mean1;  // the means removed (m, n)
  std::uint64_t iterations = 0;      // alternations summed over the starts
  bool converged = false;            // the returned start stopped by the tolerance
  double gradient_norm = 0;          // ||Riemannian gradient of L(., w) at P||_F / S
  unsigned starts = 0, best_start = 0;
  // Side 0 is embedded into side 1's space (m < n); otherwise side 1 into side 0's.
  bool side0_embedded() const { return m < n; }
};

// A weighted point cloud: n x d row-major, weights n (nullptr: uniform). A view.
struct CloudView {
  std::size_t n = 0, d = 0;
  const double *points = nullptr;
  const double *weights = nullptr;
};

// EW2. Errors (nothing computed): Errc::InvalidArgument (null points, options out of bounds),
// Errc::Dimension (n or d zero, naming points0/points1), Errc::TooLarge, Errc::NonFinite
// (naming points0[i][j], weights0[i], ...), Errc::Weights (negative, naming it; all zero);
// then Errc::Overflow, Errc::IterationLimit, Errc::Cancelled from the solve. Reports
// Stage::Embedding only.
EwResult ew2(const CloudView &x0, const CloudView &x1, const EwOptions &options,
             const Context &ctx);

// MEW2. Errors: Errc::InvalidArgument (options), Errc::Overflow, Errc::IterationLimit,
// Errc::Cancelled. Reports Stage::Embedding only.
EwResult mew2(const Gmm &g0, const Gmm &g1, const EwOptions &options, const Context &ctx);

}  // namespace gmmot
