// SPDX-License-Identifier: MIT
// The multi-marginal North-West corner rule: a feasible (not optimal) coupling of J marginals
// with at most sum_j K_j - J + 1 tuples, and the gluing of J plans that share their first
// marginal into one multi-coupling (Tanguy-Delon-Gozlan, arXiv 2501.04016, section 4, the
// gluing used by the true fixed point; POT's NorthWestMMGluing computes the same rule).
#pragma once

#include <cstddef>
#include <vector>

#include "lp/transport.hpp"

namespace gmmot {

// Tuples of `width` indices with their masses, in the order the rule produced them.
struct Gluing {
  std::size_t width = 0;
  std::vector<std::size_t> tuples;  // count() x width
  std::vector<double> mass;         // count(), all > 0
  std::size_t count() const { return mass.size(); }
};

// The North-West corner rule on J >= 1 non-negative marginals of (nearly) equal total mass:
// walk the J index sequences in order, each step taking the least remaining mass among the
// current entries and advancing every sequence whose current entry is used up (within a
// relative 1e-13 of the total, so rounding never creates dust tuples). Zero entries are skipped.
// The j-marginal of the result equals marginals[j] to rounding; the last tuple takes what
// remains. Tuples have width J.
Gluing north_west_corner(const std::vector<std::vector<double>> &marginals);

// Glues J plans between one n-point measure (rows) and J others (columns) into tuples
// (i, k_0, ..., k_{J-1}) of width J + 1: for each row i, the North-West rule on the J rows
// plans[j] restricted to i (entries sorted by (i, k), as TransportResult::plan). The masses
// of row i sum to the row's total in the plans (which agree to rounding; the last tuple of a
// row takes the largest remainder, so no mass is lost).
Gluing north_west_gluing(std::size_t n, const std::vector<std::vector<PlanEntry>> &plans);

}  // namespace gmmot
