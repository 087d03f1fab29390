// SPDX-License-Identifier: MIT
// Split-and-merge EM (N. Ueda, R. Nakano, Z. Ghahramani and G. E. Hinton, "SMEM algorithm for
// mixture models", Neural Computation 12(9), 2000): after EM has converged, move the fit out of
// its local maximum by merging two components that explain the same points and splitting one
// that explains its points badly, then run EM again; keep the move if the log-likelihood rose.
#pragma once

#include <cstddef>
#include <vector>

#include "em/em_fit.hpp"

namespace gmmot::em {

// Split-and-merge needs three distinct components, and its merge criterion keeps a K x K matrix
// per chunk in flight, so it runs for 3 <= K <= kSplitMergeMaxComponents only.
constexpr std::size_t kSplitMergeMaxComponents = 128;

// A move: merge components a and b (into a) and split c (into b and c).
struct Move {
  std::size_t a, b, c;
};

// The first `count` moves in Ueda's order for the mixture p (em_split_merge.cpp, steps 1-2): one
// pass over the data of fit.
std::vector<Move> split_merge_candidates(Fit &fit, const Params &p, std::size_t count);

// q = p after the move mv (em_split_merge.cpp, step 3); scale2 as in Data (the floor of the
// covariance regularisation). Returns false, q unspecified, if c has no positive leading
// eigenvalue.
bool split_merge_move(const Params &p, const Move &mv, double scale2, Params &q);

// Above kScreenPoints * 2 points, split-and-merge screens its candidate moves on every
// (n / kScreenPoints)-th point (em_split_merge.cpp, step 4), and runs EM on all the points for
// at most kScreenFullRuns screened moves per round.
constexpr std::size_t kScreenPoints = 65536;
constexpr std::size_t kScreenFullRuns = 2;

// The points 0, stride, 2 stride, ... of data, in the same normalised coordinates and blocking.
Data subsample(const Data &data, std::size_t stride);

// Improves the converged fit `best` of `fit` in place by rounds of split-and-merge moves (the
// method is documented in em_split_merge.cpp), trying at most `candidates` moves per round.
// best.passes and best.moves count the work and the accepted moves.
void split_merge(Fit &fit, unsigned candidates, Fit::Outcome &best);

}  // namespace gmmot::em
