// SPDX-License-Identifier: MIT
// The optimal coupling gamma* of Prop. 4 on R^{2d}: for each plan entry n = (k, l), the
// Gaussian pair (X, Y) = (m0_k + F0 z, m1_l + F1 U z), z ~ N(0, I_d), with U = P Q^T the polar
// factor of F1^T F0 = P Sigma Q^T. It attains W2 between the components (the Procrustes form
// of gaussian/geodesic.cpp), and Y ~ N(m1_l, S1_l) because U is orthogonal, also for singular
// or Dirac components. Its covariance is G G^T with G = [F0; F1 U] (2d x d), so rank <= d:
//   [[F0 F0^T, F0 (F1 U)^T], [(F1 U) F0^T, (F1 U)(F1 U)^T]].
// Each block is formed in the factors' scaled units and its own power of two is applied
// afterwards (4^e0, 2^(e0+e1), 4^e1), so no block underflows or overflows because of the
// other mixture's scale; the matrix is written exactly symmetric.
#include <cmath>
#include <string>

#include "gaussian/bures.hpp"
#include "mw2/mw2_plan.hpp"
#include "mw2/plan_detail.hpp"
#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {
namespace {

// Writes the symmetric part of the d x d column-major block `blk`, times 2^exp2, at rows and
// columns [off, off + d) of the row-major n x n matrix `out`.
void put_symmetric_block(int d, const double *blk, int exp2, std::size_t off, std::size_t n,
                         double *out) {
  for (int j = 0; j < d; ++j) {
    for (int i = 0; i <= j; ++i) {
      const double v = std::ldexp(0.5 * (blk[i + j * d] + blk[j + i * d]), exp2);
      out[(off + i) * n + off + j] = v;
      out[(off + j) * n + off + i] = v;
    }
  }
}

}  // namespace

Gmm Mw2Plan::coupling() const {
  const int d = static_cast<int>(dim());
  const std::size_t du = dim(), n2 = 2 * du, nn = du * du;
  const std::vector<PlanEntry> &plan = transport_.plan;
  const std::size_t k = plan.size();
  checked_mul(checked_mul(k, n2, "nnz*2d"), n2, "nnz*2d*2d");
  const std::vector<double> weights = detail::plan_weights(transport_);
  std::vector<double> means(k * n2), covs(k * n2 * n2);
  PairWorkspace ws(d);
  std::vector<double> u(nn), root(nn), f1u(nn), blk(nn);  // root: (F0^T S1 F0)^1/2, unused
  for (std::size_t n = 0; n < k; ++n) {
    const std::size_t k0 = plan[n].i, l1 = plan[n].j;
    const CovFactor &f0 = g0_->factors()[k0], &f1 = g1_->factors()[l1];
    for (std::size_t i = 0; i < du; ++i) {
      means[n * n2 + i] = g0_->means()[k0 * du + i];
      means[n * n2 + du + i] = g1_->means()[l1 * du + i];
    }
    product_polar(f0, f1, ws, u.data(), root.data());
    linalg::gemm(false, false, d, 1.0, f1.f.data(), u.data(), 0.0, f1u.data());  // F1 U
    double *c = covs.data() + n * n2 * n2;
    linalg::aat(d, f0.f.data(), blk.data());  // F0 F0^T = 4^-e0 S0
    put_symmetric_block(d, blk.data(), 2 * f0.scale_exp, 0, n2, c);
    linalg::aat(d, f1u.data(), blk.data());  // (F1 U)(F1 U)^T = 4^-e1 S1
    put_symmetric_block(d, blk.data(), 2 * f1.scale_exp, du, n2, c);
    // Cross block F0 (F1 U)^T: blk(i, j) (column-major) = 2^-(e0+e1) Cov(X_i, Y_j).
    linalg::gemm(false, true, d, 1.0, f0.f.data(), f1u.data(), 0.0, blk.data());
    const int e = f0.scale_exp + f1.scale_exp;
    for (std::size_t j = 0; j < du; ++j) {
      for (std::size_t i = 0; i < du; ++i) {
        const double v = std::ldexp(blk[i + j * du], e);
        c[i * n2 + du + j] = v;
        c[(du + j) * n2 + i] = v;
      }
    }
    for (std::size_t i = 0; i < n2 * n2; ++i) {
      if (!std::isfinite(c[i])) {
        fail(Errc::Overflow, "the covariance of coupling component " + std::to_string(n) +
                                 " (components " + std::to_string(k0) + " and " +
                                 std::to_string(l1) + ") exceeds the largest double");
      }
    }
  }
  // For Student-t sides, (X, T(X)) with T affine is t in 2d with the coupled scale.
  return Gmm::with_family(Gmm(k, n2, weights.data(), means.data(), covs.data(), nullptr),
                          g0_->family());
}

}  // namespace gmmot
