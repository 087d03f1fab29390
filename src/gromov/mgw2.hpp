// SPDX-License-Identifier: MIT
// MGW2 (Salmona-Delon-Desolneux, "Gromov-Wasserstein-like distances in the Gaussian mixture
// models space", arXiv 2310.11256, section 3): the Gromov-Wasserstein problem between the
// component weights of two mixtures, the spaces' matrices being the intra-mixture W2^2 (not W2)
// between components:
//   MGW2^2(mu, nu) = min_w sum (D0_kk' - D1_ll')^2 w_kl w_k'l',  D0_kk' = W2^2(mu_k, mu_k').
// Invariant to isometries of either space, and defined for mixtures of any two dimensions.
#pragma once

#include <vector>

#include "gromov/gw_solver.hpp"
#include "mixture/gmm.hpp"

namespace gmmot {

struct Mgw2Result {
  GwResult gw;             // value = MGW2^2, plan K0 x K1 over the components
  std::vector<double> d0;  // K0 x K0, W2^2 between g0's components (symmetric, zero diagonal)
  std::vector<double> d1;  // K1 x K1
};

// The intra-mixture matrix of a mixture: W2^2 between its own components (the pair kernel of
// w2_cost_matrix, each pair k < l once), symmetric, diagonal zero. Checks ctx's interrupt; no
// progress reports. Errc::Overflow naming the two components of `name` whose W2^2 exceeds the
// largest double.
std::vector<double> intra_w2_matrix(const Gmm &g, const Context &ctx,
                                    const char *name = "the mixture");

// intra_w2_matrix of several mixtures (names[m] naming gs[m] in errors), their pairs in one pool
// of blocks dealt to the threads: one thread start for all, and the threads share the work of
// mixtures too small to be worth a thread alone. Errors as computing the matrices one after the
// other would give (the first mixture's first). Without progress reports.
std::vector<std::vector<double>> intra_w2_matrices(const std::vector<const Gmm *> &gs,
                                                   const std::vector<const char *> &names,
                                                   const Context &ctx);

// Errors of the cost matrices and of the solver pass through (Errc::InvalidArgument for
// options, Errc::Overflow, Errc::IterationLimit, Errc::Cancelled).
Mgw2Result mgw2(const Gmm &g0, const Gmm &g1, const GwOptions &options, const Context &ctx);

}  // namespace gmmot
