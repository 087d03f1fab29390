// SPDX-License-Identifier: MIT
// What the two barycenter LPs (exact multi-marginal, fixed support) share: the row layout of
// the marginal constraints, tuple barycenters, and the assembly of the result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gaussian/gaussian_ot.hpp"
#include "lp/column_simplex.hpp"
#include "mw2/mixture_barycenter.hpp"

namespace gmmot::detail {

// The marginal rows sum_j K_j, entry (j, k) at offset[j] + k. Each block sums to 1, so J - 1
// of the rows are redundant: the rows (j, 0) for j >= 1 are dropped, and row_of maps an entry
// to its LP row (-1 when dropped).
struct MarginalRows {
  std::vector<std::size_t> k, offset;
  std::vector<std::ptrdiff_t> row_of;  // sum_j K_j
  std::size_t rows = 0;
  std::size_t total() const { return row_of.size(); }
};
MarginalRows marginal_rows(const BarycenterInputs &in);

// The Gaussian barycenter (weights lambda) of the components t_j of the mixtures and its
// multi-marginal cost C_t = sum_j lambda_j W2^2(mu_j^{t_j}, nu_t). Errc::IterationLimit naming
// the tuple when the fixed point did not converge. Single-threaded, no progress reports.
struct TupleBarycenter {
  GaussianParams gaussian;
  double cost = 0;
};
TupleBarycenter tuple_barycenter(const BarycenterInputs &in, const std::size_t *t,
                                 const BarycenterOptions &options, const Context &ctx);

// Copies what every LP result shares from the solution into out: the duals of the marginal rows
// (0 for the dropped ones), the dual certificate, the duality gap, the cost and the counters.
void take_lp_solution(const MarginalRows &rows, const ColumnSimplexResult &lp,
                      MixtureBarycenter &out);

// The pivot cap of options (0: automatic) for an LP with `entries` marginal entries.
std::uint64_t pivot_cap(const MultimarginalOptions &options, std::size_t entries);

}  // namespace gmmot::detail
