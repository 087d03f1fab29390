// SPDX-License-Identifier: MIT
// The annealed start: entropic Gromov-Wasserstein with decreasing epsilon (Peyre-Cuturi-Solomon
// 2016, Prop. 2: with step 1/eps, projected mirror descent is w <- Sinkhorn(a, b, L(w), eps)
// where L(w) = const - 2 C0 w C1), rounded onto the couplings for Frank-Wolfe.
//
// The Sinkhorn solves run here in the kernel domain with absorbed duals (Schmitzer 2019,
// "Stabilized sparse scaling algorithms", Alg. 2): the potentials f, g are carried from one
// solve to the next (the cost moves little between mirror steps and epsilons), the kernel
// exp((f_i + g_j - L_ij) / eps) is built once per absorption and the iterations are then two
// matrix-vector products each. The generic log-domain solver (lp/sinkhorn.cpp) takes one exp
// per entry per iteration and starts cold: it made the annealed start cost 80% of a default
// run at K = 200 (perf), four times a whole Frank-Wolfe run.
#include <algorithm>
#include <cmath>
#include <limits>

#include "gromov/gw_solver.hpp"

namespace gmmot {

namespace {

constexpr int kAnnealSteps = 8;              // epsilon values
constexpr double kAnnealRatio = 0.5;         // epsilon_{s+1} / epsilon_s
constexpr int kMirrorSteps = 2;              // mirror-descent steps per epsilon
constexpr int kSinkhornCap = 10;             // scaling iterations per solve
constexpr int kAbsorbEvery = 20;             // iterations between absorptions at most
constexpr double kSinkhornTolerance = 1e-3;  // L1 marginal error relative to the mass
// |log u| or |log v| beyond this: absorb into f, g before the scalings lose range.
constexpr double kScalingLimit = 1e50;

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

// Entropic transport of (a, b) for the cost L at eps (absolute), warm-started from and
// updating the potentials f (K0), g (K1); the plan into w. Zero weights keep zero rows and
// columns. A row or column whose kernel underflows entirely gets its c-transform potential
// (its cheapest entry then has kernel 1).
class StabilizedSinkhorn {
 public:
  explicit StabilizedSinkhorn(const GwProblem &p)
      : p_(p),
        f_(p.k0, 0.0),
        g_(p.k1, 0.0),
        u_(p.k0),
        v_(p.k1),
        kv_(p.k0),
        ku_(p.k1),
        kernel_(p.k0 * p.k1) {
    for (double x : p.a) mass_ += x;
  }
  bool started() const { return started_; }

  void solve(const std::vector<double> &cost, double eps, const Context &ctx,
             std::vector<double> &w) {
    const std::size_t k0 = p_.k0, k1 = p_.k1;
    if (!started_) {
      // g_j = min_i L_ij: every column's kernel has an entry 1.
      for (std::size_t j = 0; j < k1; ++j) g_[j] = std::numeric_limits<double>::infinity();
      for (std::size_t i = 0; i < k0; ++i)
        for (std::size_t j = 0; j < k1; ++j) g_[j] = std::min(g_[j], cost[i * k1 + j]);
      started_ = true;
    }
    int done = 0;
    for (;;) {
      build_kernel(cost, eps);
      bool converged = false;
      kernel_times_t(u_, ku_);
      for (int it = 0; it < kAbsorbEvery && done < kSinkhornCap; ++it, ++done) {
        // v first (from K^T u), then u: the rows are exact, the columns measured.
        for (std::size_t j = 0; j < k1; ++j) v_[j] = p_.b[j] > 0 ? p_.b[j] / ku_[j] : 0.0;
        kernel_times(v_, kv_);
        for (std::size_t i = 0; i < k0; ++i) u_[i] = p_.a[i] > 0 ? p_.a[i] / kv_[i] : 0.0;
        kernel_times_t(u_, ku_);
        double err = 0;
        for (std::size_t j = 0; j < k1; ++j) err += std::fabs(v_[j] * ku_[j] - p_.b[j]);
        if (!bounded(u_) || !bounded(v_)) break;
        if (err <= kSinkhornTolerance * mass_) {
          converged = true;
          ++done;
          break;
        }
      }
      ctx.check_interrupt();
      if (converged || done >= kSinkhornCap) {
        if (bounded(u_) && bounded(v_)) break;
      }
      absorb_scalings(cost);
    }
    for (std::size_t i = 0; i < k0; ++i)
      for (std::size_t j = 0; j < k1; ++j) w[i * k1 + j] = u_[i] * kernel_[i * k1 + j] * v_[j];
    absorb_scalings(cost);
  }

 private:
  static bool bounded(const std::vector<double> &s) {
    for (double x : s)
      if (!(x <= kScalingLimit && (x == 0 || x >= 1 / kScalingLimit))) return false;
    return true;
  }
  void build_kernel(const std::vector<double> &cost, double eps) {
    const std::size_t k0 = p_.k0, k1 = p_.k1;
    eps_ = eps;
    for (std::size_t i = 0; i < k0; ++i)
      for (std::size_t j = 0; j < k1; ++j)
        kernel_[i * k1 + j] = std::exp((f_[i] + g_[j] - cost[i * k1 + j]) / eps);
    std::fill(u_.begin(), u_.end(), 1.0);
    std::fill(v_.begin(), v_.end(), 1.0);
  }
  void kernel_times(const std::vector<double> &v, std::vector<double> &out) const {
    const std::size_t k1 = p_.k1;
    for (std::size_t i = 0; i < p_.k0; ++i) {
      const double *row = &kernel_[i * k1];
      double s = 0;
      for (std::size_t j = 0; j < k1; ++j) s += row[j] * v[j];
      out[i] = s;
    }
  }
  void kernel_times_t(const std::vector<double> &u, std::vector<double> &out) const {
    const std::size_t k1 = p_.k1;
    std::fill(out.begin(), out.end(), 0.0);
    for (std::size_t i = 0; i < p_.k0; ++i) {
      const double *row = &kernel_[i * k1];
      const double ui = u[i];
      for (std::size_t j = 0; j < k1; ++j) out[j] += row[j] * ui;
    }
  }
  // f += eps log u, g += eps log v; rows or columns whose scaling is 0 or not finite (an
  // underflowed kernel) get their c-transform instead.
  void absorb_scalings(const std::vector<double> &cost) {
    const std::size_t k0 = p_.k0, k1 = p_.k1;
    for (std::size_t j = 0; j < k1; ++j) {
      if (p_.b[j] > 0 && v_[j] > 0 && std::isfinite(v_[j])) g_[j] += eps_ * std::log(v_[j]);
    }
    for (std::size_t i = 0; i < k0; ++i) {
      if (p_.a[i] > 0 && u_[i] > 0 && std::isfinite(u_[i])) {
        f_[i] += eps_ * std::log(u_[i]);
      } else if (p_.a[i] > 0) {
        double m = std::numeric_limits<double>::infinity();
        for (std::size_t j = 0; j < k1; ++j) m = std::min(m, cost[i * k1 + j] - g_[j]);
        f_[i] = m;
      }
    }
    for (std::size_t j = 0; j < k1; ++j) {
      if (p_.b[j] > 0 && !(v_[j] > 0 && std::isfinite(v_[j]))) {
        double m = std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < k0; ++i) m = std::min(m, cost[i * k1 + j] - f_[i]);
        g_[j] = m;
      }
    }
    std::fill(u_.begin(), u_.end(), 1.0);
    std::fill(v_.begin(), v_.end(), 1.0);
  }

  const GwProblem &p_;
  double mass_ = 0, eps_ = 1;
  bool started_ = false;
  std::vector<double> f_, g_, u_, v_, kv_, ku_, kernel_;
};

}  // namespace

std::vector<double> annealed_start(const GwProblem &p, const GwOptions &options,
                                   const Context &ctx) {
  const std::size_t n = p.k0 * p.k1;
  double mass = 0;
  for (double x : p.a) mass += x;
  std::vector<double> w(n), x(n), cost(n), scratch(n);
  for (std::size_t i = 0; i < p.k0; ++i)
    for (std::size_t j = 0; j < p.k1; ++j) w[i * p.k1 + j] = p.a[i] * p.b[j] / mass;
  StabilizedSinkhorn sinkhorn(p);
  double eps = options.epsilon;
  for (int s = 0; s < kAnnealSteps; ++s, eps *= kAnnealRatio) {
    for (int m = 0; m < kMirrorSteps; ++m) {
      p.cross(w.data(), x.data(), scratch.data());
      double largest = 0;
      for (std::size_t k = 0; k < n; ++k) {
        cost[k] = p.const_cost[k] - 2 * x[k];
        largest = std::max(largest, std::fabs(cost[k]));
      }
      if (!(largest > 0)) return w;  // a constant cost: every coupling is optimal
      sinkhorn.solve(cost, std::max(eps, EntropicOptions::kEpsilonBounds.min) * largest, ctx, w);
    }
  }
  round_to_couplings(p, w);
  return w;
}

}  // namespace gmmot
