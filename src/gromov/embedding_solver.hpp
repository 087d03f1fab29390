// SPDX-License-Identifier: MIT
// The alternating solver shared by EW2 and MEW2 (embedding.hpp): one run from a start, and the
// multi-start driver that keeps the lowest end point.
#pragma once

#include <cstdint>
#include <vector>

#include "gromov/embedding.hpp"
#include "gromov/embedding_problem.hpp"

namespace gmmot {

// The end point of the best start, in the problem's large x small orientation.
struct EmbeddingSolution {
  double value = 0;
  std::vector<PlanEntry> plan;  // positive masses, sorted
  std::vector<double> p;        // D x d
  std::uint64_t iterations = 0;
  bool converged = false;
  double gradient_norm = 0;
  unsigned starts = 0, best_start = 0;
};

// Runs every start of gmmot/mew2.h on pb. means: for MEW2, the component-means problem on
// which the annealed start runs (nullptr: the annealed start runs on pb itself, as for EW2).
// Reports Stage::Embedding on ctx; the inner solvers run quietly (interrupt only).
EmbeddingSolution solve_embedding(const EmbeddingProblem &pb, const EmbeddingProblem *means,
                                  const EwOptions &options, const Context &ctx);

}  // namespace gmmot
