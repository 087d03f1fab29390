// SPDX-License-Identifier: MIT
// The Bures-Wasserstein distance between Gaussians, computed from covariance factors
// (Delon-Desolneux eq. 2.7; numerics.md A.1, A.7):
//   B^2(S0, S1) = tr S0 + tr S1 - 2 ||F1^T F0||_*   (nuclear norm = sum of singular values),
// and, when B^2 is below 1e-6 (tr S0 + tr S1), the cancellation-free Procrustes form
//   B^2 = min_U ||F0 - F1 U||_F^2 with U = P Q^T the polar factor of F1^T F0 = P Sigma Q^T.
#pragma once

#include <vector>

#include "gaussian/small_nuclear_norm.hpp"
#include "linalg/covariance_factor.hpp"
#include "linalg/dense.hpp"
#include "linalg/dqds_lanes.hpp"
#include "linalg/small_svd.hpp"

namespace gmmot {

// Scratch space for pairwise computations in dimension d; one per thread.
struct PairWorkspace {
  explicit PairWorkspace(int d);
  int d;
  linalg::Workspace lapack;
  linalg::SmallSvd small_svd;
  std::vector<double> w, p, qt, u, tmp, sv;
  std::vector<double> w_lanes;  // kPairBatch factor products (d > linalg::kBidiagLanesMaxN)
};

// Most pairs w2_squared_batch takes at once: above d = 3 their singular values are found in
// lockstep (linalg::kDqdsLanes); at d <= 3 the closed forms take kLanes at a time.
constexpr int kPairBatch = linalg::kDqdsLanes;

// Squared Bures distance between the covariances behind two factors (never negative).
double bures_squared(const CovFactor &a, const CovFactor &b, PairWorkspace &ws);

// ||m0 - m1||^2 + B^2: the squared 2-Wasserstein distance between N(m0, .) and N(m1, .).
double w2_squared(const double *m0, const CovFactor &a, const double *m1, const CovFactor &b,
                  PairWorkspace &ws);

// w2_squared for `count` <= kPairBatch pairs (a[l], b[l]) at once: for d <= 3 the closed forms
// run on kLanes pairs in one vector register, above the factor products' singular values are found
// in lockstep (linalg/dqds_lanes.hpp). Results are identical to w2_squared's pair by pair.
void w2_squared_batch(const double *const *m0, const CovFactor *const *a, const double *const *m1,
                      const CovFactor *const *b, int count, PairWorkspace &ws, double *out);

// From this dimension on, a single pair (w2_squared_pair) goes through blocked BLAS-3/LAPACK
// (bures_squared_large) instead of the per-pair kernels, which are tuned for many pairs of
// small d on one thread each. Measured on the development machine (AMD EPYC, OpenBLAS 0.3.21,
// one BLAS thread, Bures term alone): the per-pair kernels win below d = 256 (1.4x at 128),
// the two break even between 256 and 384, the blocked path is 1.2x faster at 512, 1.6x at 1024
// and 3.3x at 2048 (where the unblocked bidiagonalisation is memory-bound). With two BLAS
// threads on a busy machine the break-even moved up to about 400, hence 320 in between. The
// cost-matrix path keeps the per-pair kernels at every d: there the pairs are the parallelism.
constexpr int kLargePairMinD = 320;

// bures_squared by blocked BLAS-3/LAPACK on the BLAS library's threads: W = Fb^T Fa by dtrmm
// (two triangular factors) or dgemm, its nuclear norm by linalg::LargeSvd; the Procrustes
// fallback as bures_squared. Allocates its own buffers (one d x d matrix, plus the fallback's).
double bures_squared_large(const CovFactor &a, const CovFactor &b);

// w2_squared for one pair, choosing the path by d (kLargePairMinD), without a caller's
// workspace.
double w2_squared_pair(const double *m0, const CovFactor &a, const double *m1, const CovFactor &b);

// Polar data of the factor product W = Fb^T Fa (scaled units, without 4^scale factors):
// W = P Sigma Q^T, u = P Q^T (d x d), k = Q Sigma Q^T = (Fa^T Sb Fa)^1/2 (d x d), column-major.
void product_polar(const CovFactor &a, const CovFactor &b, PairWorkspace &ws, double *u, double *k);

// Sum of the singular values of a d x d matrix (d <= 3) from closed forms. w is column-major;
// abs_det is |det w| computed accurately by the caller. Exposed for tests.
double nuclear_norm_small(int d, const double *w, double abs_det);

}  // namespace gmmot
