// SPDX-License-Identifier: MIT
// The primal network simplex on a dense bipartite transport problem whose supplies and demands
// are all strictly positive (transport_exact.cpp removes zero weights and scales the costs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "lp/transport.hpp"

namespace gmmot {

struct SimplexInput {
  std::size_t n0 = 0, n1 = 0;
  std::vector<const double *> rows;  // n0 rows of n1 contiguous costs
  double scale = 1;                  // a power of two with max |cost * scale| <= 1
  std::vector<double> supply;        // n0, > 0
  std::vector<double> demand;        // n1, > 0, same total as supply to rounding
  std::vector<double> warm_x;        // empty, or n0 + n1 start potentials (scaled): u, then -v
  // The final tree of an earlier solve with the same supplies and demands (the start), or
  // null; and whether to return this solve's final tree in SimplexOutput::basis.
  const ExactBasis *warm_basis = nullptr;
  bool want_basis = false;
  // Where to write that tree (null: SimplexOutput::basis); may be warm_basis itself (it is read
  // only before the first pivot). Its scratch, if set, lends the simplex its buffers.
  ExactBasis *basis_out = nullptr;
  std::uint64_t max_iterations = 0;
  // Threads (2 or more: a second pricing thread on large problems), progress and interrupt.
  Context ctx;
};

struct SimplexOutput {
  std::vector<PlanEntry> plan;  // reduced indices, sorted by (i, j), masses > 0
  std::vector<double> u, v;     // duals in scaled cost units, u_i + v_j <= c_ij * scale
  std::uint64_t iterations = 0;
  bool restarted = false;  // started from warm_basis (else it was unusable)
  ExactBasis basis;        // parent, up, plus, flow (want_basis)
};

// Errc::IterationLimit when max_iterations pivots did not reach optimality; Errc::Cancelled
// (ctx's interrupt, checked in every pricing block, or its progress every 1024 pivots).
SimplexOutput network_simplex(const SimplexInput &in);
// Empty buffers for ExactBasis::scratch.
std::shared_ptr<SimplexScratch> make_simplex_scratch();

}  // namespace gmmot
