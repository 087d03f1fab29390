// SPDX-License-Identifier: MIT
// A primal revised simplex with column generation for min c.x subject to A x = b, x >= 0, where
// A has few rows (a few hundred) and many columns that are known only to a pricing oracle: the
// multi-marginal and fixed-support barycenter LPs (mw2/mixture_barycenter.hpp). The restricted
// problem keeps the columns seen so far; when none of them prices out the oracle is asked for
// more (Dantzig-Wolfe column generation; Chvatal, "Linear Programming", 1983, ch. 7 and 26).
#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "util/context.hpp"

namespace gmmot {

struct LpColumn {
  std::vector<std::uint32_t> rows;  // distinct row indices
  std::vector<double> values;       // the column's entries in those rows
  double cost = 0;
  std::uint64_t key = 0;  // the oracle's name for the column (columns are deduplicated by key)
};

class ColumnOracle {
 public:
  virtual ~ColumnOracle() = default;
  // Given the duals y (one per row), appends to `out` at most `limit` columns whose reduced
  // cost c - y.a is below -tolerance, the most negative first, leaving out the keys in `pooled`
  // (the restricted problem has them already: re-offering them could crowd out new columns),
  // and returns a lower bound of the least reduced cost over every column the oracle knows,
  // pooled ones included (0 or above when none is negative).
  virtual double price(const std::vector<double> &y, double tolerance, std::size_t limit,
                       const std::unordered_set<std::uint64_t> &pooled,
                       std::vector<LpColumn> &out) = 0;
};

struct ColumnSimplexResult {
  std::vector<LpColumn> columns;  // the basic columns with a positive value
  std::vector<double> x;          // their values
  std::vector<double> y;          // optimal duals, one per row
  double objective = 0;           // c.x, compensated sum
  double dual_objective = 0;      // b.y, compensated sum
  double min_reduced_cost = 0;    // the oracle's last bound (>= -tolerance at optimality)
  double primal_residual = 0;     // max_r |(A x - b)_r|
  std::uint64_t iterations = 0;   // pivots, both phases
  std::uint64_t rounds = 0;       // oracle calls
};

struct ColumnSimplexOptions {
  std::uint64_t max_iterations = 1000000;  // Errc::IterationLimit beyond
  // Scale of the costs (the largest |c| expected); tolerances are relative to it.
  double cost_scale = 1;
  // Columns the oracle may return per call; 0 = the number of rows (at least 8).
  std::size_t columns_per_round = 0;
};

// Solves the LP from `initial` columns, which must contain a feasible solution (phase 1 finds
// it among them with artificial variables; Errc::Internal when there is none). b >= 0 and the
// rows of A must be linearly independent over the columns that can appear (the caller removes
// redundant rows). Reports Stage::Multimarginal (pivots, cap, restricted objective) after each
// oracle call, checks ctx's interrupt every pivot (Errc::Cancelled).
ColumnSimplexResult column_simplex(const std::vector<double> &b, std::vector<LpColumn> initial,
                                   ColumnOracle &oracle, const ColumnSimplexOptions &options,
                                   const Context &ctx);

}  // namespace gmmot
