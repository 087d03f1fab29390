// SPDX-License-Identifier: MIT
// Optimal transport between Gaussians N(m, S) given by their means and covariance factors
// (Delon-Desolneux 2020, section 2.4; Chen-Georgiou-Tannenbaum 2019, eq. 8). Matrices in
// results are row-major d x d (all of them are symmetric).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "linalg/covariance_factor.hpp"
#include "util/bounds.hpp"
#include "util/context.hpp"

namespace gmmot {

// Squared 2-Wasserstein distance (eq. 2.7); Errc::Overflow if it is not a finite double.
double gaussian_w2_squared(const double *m0, const CovFactor &f0, const double *m1,
                           const CovFactor &f1);

// T(x) = A x + b, the Monge map of eq. 2.8, or its pseudo-inverse form for singular S0.
struct AffineMap {
  std::vector<double> a;  // d x d, symmetric positive semi-definite
  std::vector<double> b;  // d
  double residual = 0;    // ||A S0 A - S1||_F / ||S1||_F
};
// Errc::NoMap when S0 is singular and the pseudo-inverse map does not push S0 onto S1.
AffineMap gaussian_monge_map(const double *m0, const CovFactor &f0, const double *m1,
                             const CovFactor &f1);

struct GaussianParams {
  std::vector<double> mean;  // d
  std::vector<double> cov;   // d x d
};
// The point at time t in [0, 1] of the displacement interpolation along the optimal coupling
// (X, F1 U F0^-1 X) (see gmmot/gaussian.h); t = 0 and t = 1 return the endpoints exactly.
GaussianParams gaussian_geodesic(const double *m0, const CovFactor &f0, const double *m1,
                                 const CovFactor &f1, double t);

struct BarycenterOptions {
  double tolerance = 1e-12;  // stop at this scale-free fixed-point residual
  static constexpr Bounds kToleranceBounds{0, 1};
  std::uint64_t max_iterations = 1000;
  static constexpr Bounds kMaxIterationsBounds{1, 1000000};

  // Errc::InvalidArgument naming the first field outside its bounds.
  void validate() const;
};
struct BarycenterResult {
  GaussianParams gaussian;
  std::uint64_t iterations = 0;
  double residual = 0;
  bool converged = false;
};
// W2 barycenter of J Gaussians with weights lambda (eq. 2.10), by closed forms (d = 1,
// commuting covariances) or the Alvarez-Esteban fixed point in factor form (numerics.md B.3).
// means: J x d. Weights must already be validated; zero weights drop their input. The J square
// roots of each step, four at a time (barycenter_roots.hpp), run on ctx.threads threads (any
// number gives the same result); reports
// Stage::Barycenter (iteration, max_iterations, residual) after every step. start (d x d, may
// be null): a covariance near the barycenter to iterate from instead of sum_j lambda_j S_j (a
// warm start, e.g. the previous iterate's component in the mixture fixed point); one without a
// Cholesky factor falls back to that default start. The result satisfies the same tolerance
// either way.
BarycenterResult gaussian_barycenter(int d, const std::vector<double> &lambda, const double *means,
                                     const std::vector<CovFactor> &covs,
                                     const BarycenterOptions &options, const Context &ctx,
                                     const double *start = nullptr);

// Rough cost of one pair of w2_squared_batch in dimension d on one core, in nanoseconds, for
// choosing threads and block sizes (never for results). Measured on the development machine
// (AMD EPYC Zen 4, batches of kPairBatch): 0.28 us at d = 4, 0.97 at 8, 2.7 at 16, 6.9 at 27,
// 8.9 at 32, 20.6 at 48, 47 at 64; the former 1.5 d^3 was 4x too high at d = 27 (so K = 10 at
// d = 27 stayed on one thread) and 3x too low at d = 4.
double w2_pair_ns(int d);

// Workers worth starting for `total_ns` of independent pair work: one per 0.1 ms (starting and
// joining a thread costs ~25 us here; blocks are taken on demand), at most `threads`.
unsigned w2_pair_workers(double total_ns, unsigned threads);

// Pairs per block for pairs of `pair_ns` each: whole batches of kPairBatch, about 20 us a block.
std::size_t w2_pair_block(double pair_ns);

// C[k * K1 + l] = W2^2(N(m0_k, S0_k), N(m1_l, S1_l)); means are K x d row-major. Parallel over
// pairs in fixed blocks: bit-identical for any thread count. Errc::Overflow names the pair.
// Reports Stage::CostMatrix (pairs done of K0 K1); Errc::Cancelled leaves out partly written.
void w2_cost_matrix(int d, const double *means0, const std::vector<CovFactor> &covs0,
                    const double *means1, const std::vector<CovFactor> &covs1, const Context &ctx,
                    double *out);

}  // namespace gmmot
