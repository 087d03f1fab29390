// SPDX-License-Identifier: MIT
// Gromov-Wasserstein with the square loss between two small metric-measure spaces given by
// their matrices (Memoli 2011; Peyre-Cuturi-Solomon 2016): over couplings w of a (K0) and b (K1),
//   GW(w) = sum_{i,k,j,l} (C0_ik - C1_jl)^2 w_ij w_kl.
// With S = sum_ik C0_ik^2 a_i a_k + sum_jl C1_jl^2 b_j b_l (a constant on the couplings),
//   GW(w) = S - 2 <C0 w C1, w>,
// GW is unchanged when one constant is added to both matrices and scales as lambda^2 when both
// are multiplied by lambda, while S is not shift-invariant (it grows like c^2): the problem
// works on C' = (C - c*) 2^e, c* the common shift minimising S, 2^e an exact power of two
// bringing max |C'| near 1 (no cancellation in S - 2 <.,.> beyond that of the centred scale, no
// overflow or underflow), and reports values times 2^-2e.
// a quadratic, in general indefinite (concave when C0 and C1 are conditionally negative
// definite, e.g. squared Euclidean distances): the problem is non-convex and a solver finds
// local minima. Ours: Frank-Wolfe (conditional gradient) whose linear steps are exact
// transports by the network simplex (lp/), restarted from the previous step's final tree, with
// the exact line search of the quadratic, plain steps first (POT's algorithm) then pairwise
// steps after a stall or 200 plain ones; started from several couplings (the product a b^T, an
// annealed entropic start, the best enumerated vertex of small problems, seeded random vertices
// while they improve), the best end point kept.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lp/transport.hpp"
#include "util/bounds.hpp"
#include "util/context.hpp"
#include "util/rng.hpp"

namespace gmmot {

struct GwOptions {
  // Scalar defaults are constants too, for the C option table (capi/handles.hpp).
  static constexpr std::uint64_t kDefaultMaxIterations = 10000;
  std::uint64_t max_iterations = kDefaultMaxIterations;  // Frank-Wolfe steps per start
  static constexpr Bounds kMaxIterationsBounds{1, 1e9};
  // Stop a start when the Frank-Wolfe gap <grad GW(w), w - s> <= tolerance * S_c (S_c: S of
  // the centred matrices, between half and all of GW at the product coupling; shift- and
  // scale-invariant), or when a step lowers GW by at most tolerance * max(GW, S_c) (stalled,
  // POT's criterion: plain Frank-Wolfe's gap decreases like 1/k inside a face).
  static constexpr double kDefaultTolerance = 1e-9;
  double tolerance = kDefaultTolerance;
  static constexpr Bounds kToleranceBounds{0, 1};
  // At most this many seeded random starts besides the product coupling and the annealed start:
  // they end at the first that does not lower the best value (gromov_wasserstein).
  static constexpr unsigned kDefaultStarts = 4;
  unsigned starts = kDefaultStarts;
  static constexpr Bounds kStartsBounds{0, 10000};
  // 1: add the annealed start (entropic GW with decreasing epsilon, then Frank-Wolfe).
  static constexpr int kDefaultAnnealing = 1;
  int annealing = kDefaultAnnealing;
  static constexpr Bounds kAnnealingBounds{0, 1};
  // The annealing's first epsilon, relative to the largest entry of the linearised cost.
  static constexpr double kDefaultEpsilon = 0.1;
  double epsilon = kDefaultEpsilon;
  static constexpr Bounds kEpsilonBounds{1e-6, 1e3};
  std::uint64_t seed = kDefaultSeed;  // the random starts'
  ExactOptions exact;                 // the linear steps' pivot cap

  // Errc::InvalidArgument naming the first field outside its bounds.
  void validate() const;
};

// Why a Frank-Wolfe run ended.
enum class FwStop {
  Certified,  // gap <= tolerance
  Stalled,    // the objective stopped decreasing (by the tolerance) with the gap above it
  StepCap     // max_iterations steps with the gap above the tolerance
};

struct GwResult {
  double value = 0;              // GW(plan), >= 0 (input units)
  std::vector<double> plan;      // K0 x K1 row-major, the best start's end point
  std::uint64_t iterations = 0;  // Frank-Wolfe steps, summed over the starts
  double gap = 0;          // the best start's final Frank-Wolfe gap, divided by S_c (0 if S_c = 0)
  bool certified = false;  // gap <= tolerance: a first-order stationary point
  FwStop stop = FwStop::Certified;  // how the best start ended
  unsigned starts_tried = 0;
  unsigned best_start = 0;  // 0: product, then annealed (if on), permutation one, random ones
};

// The problem: C0 (K0 x K0) and C1 (K1 x K1) row-major, symmetric, finite; a and b weights
// (validated_transport_weights: b rescaled to a's mass). Copies what it keeps.
// Errors: Errc::InvalidArgument (K0 or K1 zero), Errc::NonFinite naming c0[i][k] / c1[j][l],
// Errc::NotSymmetric naming the first asymmetric pair (beyond 1e-12 of the largest entry),
// Errc::Weights / NonFinite for the weights.
struct GwProblem {
  GwProblem(std::size_t k0, const double *a, const double *c0, std::size_t k1, const double *b,
            const double *c1);
  std::size_t k0, k1;
  std::vector<double> a, b;
  std::vector<double> c0, c1;      // the given matrices, symmetrised (input units)
  std::vector<double> n0, n1;      // (C - shift) 2^exponent, max |entry| in [1/2, 1) (or 0)
  int exponent = 0;                // GW(input) = GW(n0, n1) 2^-2 exponent
  std::vector<double> const_cost;  // (N0^2 a)_i + (N1^2 b)_j, K0 x K1
  double scale = 0;                // S_c: S of n0 and n1 (internal units)

  // An internal GW value in input units (2^-2 exponent, exact unless it over/underflows).
  double to_input_units(double v) const { return std::ldexp(v, -2 * exponent); }
  double input_scale() const { return to_input_units(scale); }

  // out = C0 w C1 (K0 x K1), in O(K0^2 K1 + K0 K1^2) by two products.
  void cross(const double *w, double *out) const;
  // The same with caller-owned K0 x K1 scratch (no allocation: Frank-Wolfe's inner loop).
  void cross(const double *w, double *out, double *scratch) const;
  // The product coupling a b^T / sum(a) (the first start, and the annealing's first iterate).
  std::vector<double> product_coupling() const;
  // The same for a sparse w (a vertex of the transport polytope, K0 + K1 - 1 entries at most):
  // w C1 in O(nnz K1), then one dense product.
  void cross_sparse(const std::vector<PlanEntry> &w, double *out, double *scratch) const;
  // out = C0 w C1 -> C0 w' C1 for two vertices w, w' (entries sorted by (i, j)) from the rows
  // where they differ: C0[:, R] ((w' - w)[R, :] C1), O(|R| K0 K1), which late Frank-Wolfe steps
  // (vertices a few cells apart) make far cheaper than the full product. Returns false, out
  // untouched, when more than half the rows differ (the full product is then cheaper). `z` and
  // `g` are caller-owned scratch, resized as needed.
  bool cross_sparse_update(const std::vector<PlanEntry> &from, const std::vector<PlanEntry> &to,
                           double *out, std::vector<double> &z, std::vector<double> &g) const;
  // GW(w) for a coupling w in internal units, by the direct sum over non-zeros when it is
  // affordable (exact zero for an isometric match, no cancellation) and S_c - 2 <N0 w N1, w>
  // (clamped at 0) otherwise; objective() in input units.
  double inner_objective(const double *w) const;
  double objective(const double *w) const { return to_input_units(inner_objective(w)); }
};

// Frank-Wolfe from the coupling `start` (K0 x K1, marginals a and b) to a stationary point.
// `iterations_before` offsets the progress count (Stage::Gromov, done = steps over all
// starts, value = GW). Errors of the linear steps pass through (Errc::IterationLimit,
// Errc::Cancelled).
struct FwOutcome {
  std::vector<double> plan;
  double value = 0;        // input units
  double inner_value = 0;  // internal units (compared across starts)
  double gap = 0;          // relative to S_c
  std::uint64_t iterations = 0;
  FwStop stop = FwStop::Certified;
};
// The most starts gromov_wasserstein runs (the progress total is max_iterations times it).
unsigned planned_starts(const GwProblem &p, const GwOptions &options);
// For K0 = K1 <= 6 with uniform a and uniform b the vertices of the polytope are the K!
// permutation plans: the best of them by the objective (a start), else empty.
std::vector<double> best_permutation_vertex(const GwProblem &p);
// Otherwise, when the bases (K0 + K1 - 1 cells out of K0 K1) number at most kMaxVertexBases
// (up to 4 x 4, 3 x 5, 2 x 8; about a millisecond), the best vertex of the polytope found by
// enumerating them all (gw_vertices.cpp), else empty. Any weights.
constexpr std::uint64_t kMaxVertexBases = 12000;
bool small_vertex_enumeration(const GwProblem &p);
std::vector<double> best_enumerated_vertex(const GwProblem &p);
// `basis` (optional, in/out): the linear steps' network simplex tree, carried from step to step
// (and to a caller that passes it on; measured: no fewer pivots when the next start reuses it).
// When w is exactly the product coupling a b^T / sum(a): u = C0 a / sum(a) and v = C1 b (internal
// units), so that C0 w C1 = u v^T (gw_comonotone.cpp); otherwise false.
bool product_factors(const GwProblem &p, const double *w, std::vector<double> &u,
                     std::vector<double> &v);
// The exact linear step at the product coupling, whose gradient `cost` is -4 u v^T up to a
// constant on the couplings: the North-West corner rule on rows sorted by u and columns by v
// (decreasing), an optimal vertex, with duals u_i + v_j = cost_ij on its entries.
TransportResult comonotone_vertex(const GwProblem &p, const std::vector<double> &u,
                                  const std::vector<double> &v, const double *cost);
FwOutcome frank_wolfe(const GwProblem &p, std::vector<double> start, const GwOptions &options,
                      const Context &ctx, std::uint64_t iterations_before,
                      ExactBasis *basis = nullptr);

// The annealed start (gw_entropic.cpp): from a b^T, entropic GW (Peyre-Cuturi-Solomon 2016,
// projected mirror descent: w <- Sinkhorn(a, b, const - 2 C0 w C1, eps)) with eps decreasing
// geometrically from options.epsilon (relative to the cost's largest entry).
std::vector<double> annealed_start(const GwProblem &p, const GwOptions &options,
                                   const Context &ctx);

// ctx without its progress callback, for the inner solvers (cost matrices, Sinkhorn, exact LP
// steps): each would restart its stage's count many times within one call, which progress.h
// forbids; their interrupt checks stay. Only Stage::Gromov is reported.
inline Context without_progress(const Context &ctx) {
  Context c = ctx;
  c.progress = nullptr;
  return c;
}

// All starts (options), the best end point. With ctx.threads >= 2, K0 K1 >= 256 and no progress
// callback, the independent starts are dealt to the threads (util/dynamic_tasks.hpp) and compared
// in start order afterwards: the result is the same for any thread count. Errc::InvalidArgument
// for options outside bounds.
GwResult gromov_wasserstein(const GwProblem &p, const GwOptions &options, const Context &ctx);

}  // namespace gmmot
