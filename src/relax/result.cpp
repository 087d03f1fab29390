// SPDX-License-Identifier: MIT
// From the frame back to the data's units: the energy terms, the two marginal mixtures, the
// coupling gamma on R^{2d}, and the degeneracy report.
//
// The coupling's component k is (X, m1_k + L1 U (L0^-1 (X - m0_k))) with X ~ N(m0_k, S0_k) and
// U = P Q^T the polar factor of L1^T L0 = P Sigma Q^T: its covariance is G G^T, G = [L0; L1 U]
// (2d x d), the construction of Mw2Plan::coupling (mw2/coupling.cpp). The cross block L0 U^T L1^T
// equals S0 A with A the Monge map matrix, and the pair attains B^2 (the Procrustes form).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "linalg/dense.hpp"
#include "relax/relax_detail.hpp"
#include "util/error.hpp"

namespace gmmot::relax {
namespace {

constexpr double kLn2 = 0.69314718055994530942;

}  // namespace

RelaxedStageSummary data_terms(const Problem &pb, const Terms &t, double lambda, double rho,
                               std::size_t k) {
  const double d = static_cast<double>(pb.d), lam_u = lambda * d * pb.v;
  RelaxedStageSummary s;
  s.lambda = lambda;
  s.transport = std::ldexp(t.transport, 2 * pb.e);
  s.ll0 = t.ll[0] - d * pb.e * kLn2;
  s.ll1 = t.ll[1] - d * pb.e * kLn2;
  // log det S changes by 2 d e ln 2 per covariance, tr(v S^-1) not at all (relaxed_fit.hpp).
  s.penalty =
      std::ldexp(t.penalty + lam_u * rho * static_cast<double>(k) * 2 * d * pb.e * kLn2, 2 * pb.e);
  // J from the frame's J_u and one constant, 2 d e ln2 lam_u (1 + rho K) (the shifts of the two
  // log-likelihoods and of the penalty's log-dets), then an exact ldexp: adding a constant and
  // scaling by 2^2e never reverse the order, so the reported energies are non-increasing
  // whenever the solver's are (summing the converted terms could rise by a few ulps).
  s.energy = std::ldexp(
      t.energy(lam_u) + 2 * d * pb.e * kLn2 * lam_u * (1 + rho * static_cast<double>(k)), 2 * pb.e);
  return s;
}

void fill_result(const Problem &pb, const Theta &th, const Moments (&m)[2], const Terms &terms,
                 double lambda, double rho, RelaxedResult &r) {
  const std::size_t k = th.k, d = th.d, dd = d * d, d2 = 2 * d;
  const int di = static_cast<int>(d), e = pb.e;
  const RelaxedStageSummary s = data_terms(pb, terms, lambda, rho, k);
  r.scale2 = pb.s2;
  r.lambda_abs = std::ldexp(lambda * static_cast<double>(d) * pb.v, 2 * e);
  r.energy = s.energy;
  r.transport = s.transport;
  r.ll0 = s.ll0;
  r.ll1 = s.ll1;
  r.penalty = s.penalty;
  std::vector<double> means[2], covs[2], gm(k * d2), gc(k * d2 * d2), blk(dd), f1u(dd);
  for (int c = 0; c < 2; ++c) {
    means[c].assign(k * d, 0.0);
    covs[c].assign(k * dd, 0.0);
    for (std::size_t q = 0; q < k; ++q) {
      for (std::size_t j = 0; j < d; ++j) {
        const double v = std::ldexp(th.mean[c][q * d + j], e) + pb.centre[j];
        means[c][q * d + j] = v;
        gm[q * d2 + c * d + j] = v;
      }
      linalg::aat(di, th.chol[c].data() + q * dd, blk.data());
      for (std::size_t j = 0; j < d; ++j)
        for (std::size_t i = 0; i <= j; ++i) {
          const double v = std::ldexp(0.5 * (blk[i + j * d] + blk[j + i * d]), 2 * e);
          covs[c][q * dd + i * d + j] = v;
          covs[c][q * dd + j * d + i] = v;
          gc[q * d2 * d2 + (c * d + i) * d2 + c * d + j] = v;
          gc[q * d2 * d2 + (c * d + j) * d2 + c * d + i] = v;
        }
    }
  }
  Pair pair(di);
  for (std::size_t q = 0; q < k; ++q) {
    const double *l0 = th.chol[0].data() + q * dd, *l1 = th.chol[1].data() + q * dd;
    pair.bures2(l0, l1);
    linalg::gemm(false, false, di, 1.0, l1, pair.u().data(), 0.0, f1u.data());  // L1 U
    linalg::gemm(false, true, di, 1.0, l0, f1u.data(), 0.0, blk.data());        // L0 (L1 U)^T
    for (std::size_t j = 0; j < d; ++j)
      for (std::size_t i = 0; i < d; ++i) {
        const double v = std::ldexp(blk[i + j * d], 2 * e);  // Cov(X_i, Y_j)
        gc[q * d2 * d2 + i * d2 + d + j] = v;
        gc[q * d2 * d2 + (d + j) * d2 + i] = v;
      }
  }
  for (int c = 0; c < 2; ++c)
    for (double v : covs[c])
      if (!std::isfinite(v)) {
        fail(Errc::Overflow, "the fitted covariances are not representable in double precision");
      }
  r.marginal0 =
      std::make_shared<const Gmm>(k, d, th.pi.data(), means[0].data(), covs[0].data(), nullptr);
  r.marginal1 =
      std::make_shared<const Gmm>(k, d, th.pi.data(), means[1].data(), covs[1].data(), nullptr);
  r.coupling = std::make_shared<const Gmm>(k, d2, th.pi.data(), gm.data(), gc.data(), nullptr);
  // Degeneracy (relaxed_fit.hpp): too little mass, or a covariance at the penalty's floor.
  r.degenerate.clear();
  std::vector<double> a(dd), w(d);
  for (std::size_t q = 0; q < k; ++q)
    for (int c = 0; c < 2; ++c) {
      RelaxedDegeneracy g;
      g.component = q;
      g.marginal = c;
      const double n = m[c].n[q];
      g.weight_collapsed = n * static_cast<double>(pb.positive[c]) < static_cast<double>(d + 1);
      linalg::aat(di, th.chol[c].data() + q * dd, a.data());
      linalg::sym_eig(di, a.data(), w.data());
      g.covariance_collapsed = w[0] < 10 * rho * pb.v / (n + rho);
      if (g.weight_collapsed || g.covariance_collapsed) r.degenerate.push_back(g);
    }
}

}  // namespace gmmot::relax
