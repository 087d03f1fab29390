// SPDX-License-Identifier: MIT
// The annealed start: entropic Gromov-Wasserstein with decreasing epsilon (Peyre-Cuturi-Solomon
// 2016, Prop. 2: with step 1/eps, projected mirror descent is w <- Sinkhorn(a, b, L(w), eps)
// where L(w) = const - 2 C0 w C1), rounded onto the couplings for Frank-Wolfe.
//
// The Sinkhorn solves are warm-started kernel-domain scalings (gromov/warm_sinkhorn.hpp): the
// generic log-domain solver (lp/sinkhorn.cpp), cold at every solve, made the annealed start
// cost 80% of a default run at K = 200 (perf), four times a whole Frank-Wolfe run.
#include <algorithm>
#include <cmath>
#include <limits>

#include "gromov/gw_solver.hpp"
#include "gromov/warm_sinkhorn.hpp"
#include "linalg/dense.hpp"

namespace gmmot {

namespace {

constexpr int kAnnealSteps = 8;       // epsilon values
constexpr double kAnnealRatio = 0.5;  // epsilon_{s+1} / epsilon_s
constexpr int kMirrorSteps = 2;       // mirror-descent steps per epsilon
// Per solve: 10 scaling iterations at most, absorbed every 20, to an L1 marginal error of
// 1e-3 relative to the mass (a rough plan steers the mirror steps).
constexpr WarmSinkhorn::Limits kSinkhornLimits{10, 20, 1e-3};

// Altschuler-Weed-Rigollet rounding (2017, Alg. 2): scale rows then columns down to their
// marginals, then add the missing mass as a rank-one term; the result has marginals a and b
// exactly (to rounding) and stays non-negative.
void round_to_couplings(const GwProblem &p, std::vector<double> &w) {
  const std::size_t k0 = p.k0, k1 = p.k1;
  for (std::size_t i = 0; i < k0; ++i) {
    double r = 0;
    for (std::size_t j = 0; j < k1; ++j) r += w[i * k1 + j];
    if (r > p.a[i])
      for (std::size_t j = 0; j < k1; ++j) w[i * k1 + j] *= p.a[i] / r;
  }
  for (std::size_t j = 0; j < k1; ++j) {
    double c = 0;
    for (std::size_t i = 0; i < k0; ++i) c += w[i * k1 + j];
    if (c > p.b[j])
      for (std::size_t i = 0; i < k0; ++i) w[i * k1 + j] *= p.b[j] / c;
  }
  std::vector<double> er(k0), ec(k1);
  double total = 0;
  for (std::size_t i = 0; i < k0; ++i) {
    double r = 0;
    for (std::size_t j = 0; j < k1; ++j) r += w[i * k1 + j];
    er[i] = std::max(0.0, p.a[i] - r);
    total += er[i];
  }
  for (std::size_t j = 0; j < k1; ++j) {
    double c = 0;
    for (std::size_t i = 0; i < k0; ++i) c += w[i * k1 + j];
    ec[j] = std::max(0.0, p.b[j] - c);
  }
  if (total > 0)
    for (std::size_t i = 0; i < k0; ++i)
      for (std::size_t j = 0; j < k1; ++j) w[i * k1 + j] += er[i] * ec[j] / total;
}

// C0 w C1 in single precision: the annealing's products were a fifth of a default run at
// K = 200 (perf), and the entropic plans they steer are rough (Sinkhorn to 1e-3, epsilon at
// least 2^-7 of the cost's range; float's 6e-8 relative error in the cost is far below both).
class SingleCross {
 public:
  explicit SingleCross(const GwProblem &p)
      : k0_(p.k0),
        k1_(p.k1),
        n0_(p.n0.begin(), p.n0.end()),
        n1_(p.n1.begin(), p.n1.end()),
        w_(k0_ * k1_),
        y_(k0_ * k1_),
        out_(k0_ * k1_) {}
  void cross(const std::vector<double> &w, std::vector<double> &out) {
    std::copy(w.begin(), w.end(), w_.begin());
    // Row-major matrices are their transposes column-major (see GwProblem::cross).
    const int m = static_cast<int>(k1_), n = static_cast<int>(k0_);
    linalg::gemm_mnk_f(false, false, m, n, m, 1.0f, n1_.data(), m, w_.data(), m, 0.0f, y_.data(),
                       m);
    linalg::gemm_mnk_f(false, false, m, n, n, 1.0f, y_.data(), m, n0_.data(), n, 0.0f, out_.data(),
                       m);
    std::copy(out_.begin(), out_.end(), out.begin());
  }

 private:
  std::size_t k0_, k1_;
  std::vector<float> n0_, n1_, w_, y_, out_;
};

}  // namespace

std::vector<double> annealed_start(const GwProblem &p, const GwOptions &options,
                                   const Context &ctx) {
  const std::size_t n = p.k0 * p.k1;
  std::vector<double> w = p.product_coupling(), x(n), cost(n), fu, fv;
  SingleCross single(p);
  WarmSinkhorn sinkhorn(p.k0, p.k1, p.a, p.b, kSinkhornLimits);
  double eps = options.epsilon;
  for (int s = 0; s < kAnnealSteps; ++s, eps *= kAnnealRatio) {
    for (int m = 0; m < kMirrorSteps; ++m) {
      if (s == 0 && m == 0 && product_factors(p, w.data(), fu, fv)) {
        // The first iterate is the product coupling: C0 w C1 = u v^T.
        for (std::size_t i = 0; i < p.k0; ++i)
          for (std::size_t j = 0; j < p.k1; ++j) x[i * p.k1 + j] = fu[i] * fv[j];
      } else {
        single.cross(w, x);
      }
      double largest = 0;
      for (std::size_t k = 0; k < n; ++k) {
        cost[k] = p.const_cost[k] - 2 * x[k];
        largest = std::max(largest, std::fabs(cost[k]));
      }
      if (!(largest > 0)) return w;  // a constant cost: every coupling is optimal
      sinkhorn.solve(cost.data(), std::max(eps, EntropicOptions::kEpsilonBounds.min) * largest, ctx,
                     w.data());
    }
  }
  round_to_couplings(p, w);
  return w;
}

}  // namespace gmmot
