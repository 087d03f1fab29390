// SPDX-License-Identifier: MIT
// Fitting a Gaussian mixture to weighted points by expectation-maximisation (numerics.md D.4):
// k-means++ initialisation, fused and blocked E and M steps (no N x K matrix is kept), parallel
// over fixed blocks of points with per-block statistics reduced in a fixed order, so a given
// seed gives bit-identical results for any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "mixture/gmm.hpp"
#include "util/bounds.hpp"
#include "util/context.hpp"
#include "util/rng.hpp"

namespace gmmot {

struct EmOptions {
  std::size_t components = 10;  // K
  static constexpr Bounds kComponentsBounds{1, 1000000};
  double tolerance = 1e-6;  // stop when |l_t - l_{t-1}| <= tolerance * max(1, |l_t|),
                            // l the mean (weighted) log-likelihood per point
  static constexpr Bounds kToleranceBounds{0, 1};
  std::uint64_t max_iterations = 300;
  static constexpr Bounds kMaxIterationsBounds{1, 1e9};
  double regularization = 1e-6;  // added to covariance diagonals, times the mean variance
                                 // of the data per dimension (scale-free)
  static constexpr Bounds kRegularizationBounds{0, 1};
  unsigned initializations = 1;  // independent k-means++ starts; the best final l wins
  static constexpr Bounds kInitializationsBounds{1, 1000};
  // Adaptive over-relaxation of the EM steps (em.cpp). false: plain EM (for comparisons).
  bool over_relaxation = true;
  // Split-and-merge moves tried per round after EM converges (em_split_merge.cpp); 0: none.
  // Applied to the best initialisation, for 3 <= K <= 128.
  unsigned split_merge = 0;
  static constexpr Bounds kSplitMergeBounds{0, 1000};
  std::uint64_t seed = kDefaultSeed;  // bounds gmmot::kSeedBounds (util/rng.hpp), as every seed
  // Component family: 0 Gaussian, 1 Student-t (the ECM algorithm, em.cpp and student_t.hpp).
  int family = 0;
  static constexpr Bounds kFamilyBounds{0, 1};
  // Student-t degrees of freedom: 0 = estimated (in [2.01, 1000], student_t.hpp), else fixed,
  // > 2. Ignored for the Gaussian family.
  double dof = 0;
  static constexpr Bounds kDofBounds{0, 1e6};

  // Errc::InvalidArgument naming the first field outside its bounds.
  void validate() const;
};

struct EmResult {
  std::shared_ptr<const Gmm> gmm;  // always set on return; shared, so handing it on copies nothing
  double mean_log_likelihood = 0;  // of the returned mixture, sum_i w_i log p(x_i) / sum_i w_i
  std::uint64_t iterations = 0;    // accepted iterates after the start (M-steps) of the EM run
                                   // that produced gmm (the winning initialisation or the last
                                   // accepted split-and-merge move)
  std::uint64_t passes = 0;        // E-step passes over the data: each start, iteration and
                                   // discarded over-relaxed step of every initialisation, and the
                                   // ranking passes and EM runs of split-and-merge
  bool converged = false;          // false: max_iterations reached (the best iterate returned)
  std::size_t reseeded = 0;        // components that collapsed or emptied and were re-seeded
  std::size_t moves = 0;           // accepted split-and-merge moves
};

// points: n x d row-major; weights: n non-negative finite (nullptr = all 1), not all zero.
// Errors: Errc::Dimension (n = 0, d = 0, K = 0), Errc::TooLarge (n*d or K*d*d overflows),
// Errc::NonFinite naming points[i][j] or weights[i], Errc::Weights, Errc::InvalidArgument for bad
// options, Errc::Cancelled (ctx's interrupt or progress; progress reports Stage::Em after every
// iteration: done = iteration of the current EM run, total = max_iterations, value = l),
// Errc::Overflow (data spread so wide that the covariances are not representable). Fewer distinct
// points than K, duplicates and collapsing components never give NaN: see em.cpp for the re-seeding
// and regularisation rules.
EmResult fit_gmm_em(std::size_t n, std::size_t d, const double *points, const double *weights,
                    const EmOptions &options, const Context &ctx);

// One fit per data set with one shared nu (em_joint.cpp): for the Student-t family with nu
// estimated, the J ECM runs advance in lockstep and every iteration takes one nu step on the
// pooled equation (the mean over the data sets of their nu terms), which maximises the joint
// objective sum_j l_j (l_j the mean log-likelihood of data set j); otherwise (Gaussian, or nu
// fixed) the J fits are independent. Data set j: n[j] points (n[j] x d), weights[j] (nullptr =
// all 1; weights itself may be nullptr). Errors as fit_gmm_em, the messages naming the data set.
struct EmJointResult {
  std::vector<EmResult> fits;    // J; each with its own l_j, iterations and passes
  double objective = 0;          // sum_j l_j
  std::uint64_t iterations = 0;  // of the joint run (max over j when the fits are independent)
  std::uint64_t passes = 0;      // sum over j
  bool converged = false;        // all of them
};
EmJointResult fit_em_joint(std::size_t j, std::size_t d, const std::size_t *n,
                           const double *const *points, const double *const *weights,
                           const EmOptions &options, const Context &ctx);

}  // namespace gmmot
