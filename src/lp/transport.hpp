// SPDX-License-Identifier: MIT
// Discrete optimal transport between two weight vectors: min_P sum_ij C_ij P_ij subject to
// P 1 = a, P^T 1 = b, P >= 0 (numerics.md section C). Two solvers share one result type:
// the exact network simplex (transport_exact) and log-domain Sinkhorn (transport_entropic).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "util/bounds.hpp"
#include "util/context.hpp"

namespace gmmot {

// One non-zero of a plan: mass P_ij at row i, column j.
struct PlanEntry {
  std::size_t i, j;
  double mass;
};

struct TransportResult {
  double cost = 0;               // sum_ij C_ij P_ij (compensated sum), in the caller's units
  std::vector<PlanEntry> plan;   // sorted by (i, j); exact: at most K0 + K1 - 1 entries
  std::vector<double> u, v;      // dual potentials (K0, K1), centred so that u.a = v.b
  std::uint64_t iterations = 0;  // simplex pivots, or Sinkhorn iterations
  double marginal_error = 0;     // sum_i |P 1 - a|_i + sum_j |P^T 1 - b|_j
  bool converged = true;         // entropic only: false when the iteration cap was reached
};

// Validated weights: a and b non-negative, finite, each with a positive sum, and the sums equal
// within kMassTolerance relative; b is rescaled to a's total mass (so histograms of counts work).
// Errc::NonFinite / Errc::Weights name the array and entry ("a[3] is negative: -0.1").
constexpr double kMassTolerance = 1e-8;
struct TransportWeights {
  std::vector<double> a, b;
  double mass = 0;  // sum of a
};
TransportWeights validated_transport_weights(std::size_t k0, std::size_t k1, const double *a,
                                             const double *b);
// Errc::NonFinite naming cost[i][j] when an entry is NaN or infinite.
void require_finite_costs(std::size_t k0, std::size_t k1, const double *cost);
// The same check, returning max |cost| over all entries (one pass for both).
double finite_costs_max_abs(std::size_t k0, std::size_t k1, const double *cost);
// Errc::Overflow when the total cost or a dual potential of a solved problem is not finite
// (finite costs and weights can still give a total beyond DBL_MAX, e.g. C = {1e308}, a = {2}).
void require_finite_result(const TransportResult &r);

struct ExactOptions {
  // Pivot cap; 0 picks max(1e6, 100 (K0 + K1)). Reaching it raises Errc::IterationLimit.
  std::uint64_t max_iterations = 0;
  static constexpr Bounds kMaxIterationsBounds{0, 1e15};

  // Errc::InvalidArgument naming the first field outside its bounds.
  void validate() const;
};

// A network simplex basis kept between exact solves with the same weights (transport_exact's
// `basis`): the spanning tree (parent of every node, the root being n0 + n1; the tree arc's
// direction and flow) on the rows and columns of positive weight. The previous solve's optimal
// tree is primal feasible for any new costs when the weights are unchanged, so a solve from it
// needs only the pivots the cost change calls for (Frank-Wolfe's linear steps: a few hundred
// instead of thousands at K = 200), where a start from the duals rebuilds a tree.
struct SimplexScratch;  // network_simplex.cpp
struct ExactBasis {
  std::size_t k0 = 0, k1 = 0;           // the problem's sizes
  std::vector<std::size_t> rows, cols;  // the rows and columns of positive weight
  std::vector<double> supply, demand;   // their weights, as the simplex saw them
  std::vector<int> parent;              // n0 + n1 nodes: supplies, then demands
  std::vector<unsigned char> up, plus;  // arc points to the parent; component sign +
  std::vector<double> flow;             // on the arc to the parent
  bool empty() const { return parent.empty(); }
  // Not part of the basis: the simplex's buffers from the solve that wrote it, reused by the
  // next one (at K = 50 a restart's allocations were a tenth of its time). A copy starts
  // without them, so that copies used on different threads share nothing.
  struct Scratch {
    std::shared_ptr<SimplexScratch> p;
    Scratch() = default;
    Scratch(const Scratch &) {}
    Scratch &operator=(const Scratch &) { return *this; }
    Scratch(Scratch &&) = default;
    Scratch &operator=(Scratch &&) = default;
    ~Scratch() = default;
  } scratch;
};

// Exact transport by our primal network simplex on the dense bipartite graph (implicit arcs
// C[i * K1 + j]): block-search pricing, Cunningham's strongly feasible trees against cycling,
// a lexicographic big-M artificial start (so no cost scale can overflow it), zero-weight rows
// and columns removed first and their duals set to the tightest feasible value afterwards.
// Optional warm start: dual potentials warm_u (K0), warm_v (K1) from an earlier, similar
// problem (both or neither). Optional `basis` (in/out): when it holds the final tree of an
// earlier solve with the same weights, the simplex restarts from that tree (the duals are then
// unused); when the weights differ it is ignored; either way it receives this solve's final
// tree. The optimal value is the same as a cold solve's (the plan may differ among ties).
// With ctx.threads >= 2, block search prices two halves of each
// block at once on large problems (K0 K1 >= 2^23); the result is identical for any value.
// Reports Stage::ExactLp (pivots, pivot cap, NaN) every 1024 pivots and checks the
// interrupt in every pricing block (Errc::Cancelled).
TransportResult transport_exact(std::size_t k0, std::size_t k1, const double *a, const double *b,
                                const double *cost, const ExactOptions &options, const Context &ctx,
                                const double *warm_u = nullptr, const double *warm_v = nullptr,
                                ExactBasis *basis = nullptr);

struct EntropicOptions {
  double epsilon = 1e-3;  // regularisation, relative to max |C_ij| (scale-free)
  static constexpr Bounds kEpsilonBounds{1e-8, 1e8};
  double tolerance = 1e-9;  // stop when marginal_error <= tolerance * total mass
  static constexpr Bounds kToleranceBounds{0, 1};
  std::uint64_t max_iterations = 100000;
  static constexpr Bounds kMaxIterationsBounds{1, 1e12};

  // Errc::InvalidArgument naming the first field outside its bounds.
  void validate() const;
};

// Entropic transport min <C,P> + eps sum P_ij (log P_ij - 1) by log-domain Sinkhorn iterations
// (Peyre-Cuturi, "Computational Optimal Transport", 2019, section 4.4). The plan is dense (all
// entries positive); entries below 1e-300 are dropped from `plan`. `u`, `v` are the scaled
// dual potentials f, g (P_ij = exp((f_i + g_j - C_ij) / eps) a_i b_j), centred. Not converging
// is not an error: converged = false and marginal_error tell the caller. Errc::InvalidArgument
// for options outside their bounds (EntropicOptions::validate). Any ctx.threads gives the same
// result; reports Stage::Sinkhorn (iterations, cap, estimated marginal error / mass) every few
// iterations (Errc::Cancelled).
TransportResult transport_entropic(std::size_t k0, std::size_t k1, const double *a, const double *b,
                                   const double *cost, const EntropicOptions &options,
                                   const Context &ctx);

// The one home of the exact / entropic choice (gmmot_transport_solve, MW2 and the solvers built
// on them): method plus the options of each solver.
enum class TransportMethod { Exact = 0, Entropic = 1 };
struct TransportOptions {
  TransportMethod method = TransportMethod::Exact;
  static constexpr Bounds kMethodBounds{0, 1};
  ExactOptions exact;
  EntropicOptions entropic;

  void validate() const;
};

// The LP entry point: transport_exact or transport_entropic as options.method says. Warm duals
// (both or neither) are an exact-solver start, so giving them selects the exact method whatever
// options.method says (Sinkhorn has no use for them).
TransportResult transport_solve(std::size_t k0, std::size_t k1, const double *a, const double *b,
                                const double *cost, const TransportOptions &options,
                                const Context &ctx, const double *warm_u = nullptr,
                                const double *warm_v = nullptr);

}  // namespace gmmot
