// SPDX-License-Identifier: MIT
// Entropic transport by log-domain Sinkhorn iterations (Peyre-Cuturi, "Computational Optimal
// Transport", 2019, section 4.4). With eps the absolute regularisation and the log-scalings
// alpha_i = log a_i + f_i / eps, beta_j = log b_j + g_j / eps, the plan is
//   P_ij = exp(alpha_i + beta_j - c_ij),   c_ij = C_ij / eps,
// and one iteration is the pair of soft-min updates of section 4.4 (f = Min_eps^row(C - g) +
// eps log a, then the same for g), written here with log-sum-exp:
//   alpha_i = log a_i - LSE_j(beta_j - c_ij),   beta_j = log b_j - LSE_i(alpha_i - c_ij),
// each LSE evaluated with its maximum subtracted first (the stabilised soft-min of the same
// section), so that every exponential has a non-positive argument: no overflow, and at least
// one term equals 1.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "lp/transport.hpp"
#include "util/compensated_sum.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"
#include "util/simd.hpp"
#include "util/vexp.hpp"

// The two hot kernels, written with GCC/Clang vector extensions (4 doubles, util/vexp.hpp) so
// that they vectorise at -O2 and in each GMMOT_CLONES clone; glibc's exp is scalar. Named
// namespace, not anonymous: target_clones needs an ifunc resolver, which is simplest with
// external linkage.
namespace gmmot::sinkhorn_kernels {

using vexp::exp4;
using vexp::load;
using vexp::splat;
using vexp::store;
using vexp::v4d;

constexpr std::size_t kLanes = 8;   // two vectors per step; rows are padded to a multiple of 8
constexpr double kPadLog = -1e300;  // log-scaling of padding entries: exp gives exactly 0

// LSE_j(h_j - c_j) = m + log sum_j exp(h_j - c_j - m) with m = max_j (h_j - c_j):
// every argument is <= 0 and one is 0, so the sum lies in [1, n]. n is a multiple of kLanes.
GMMOT_CLONES double log_sum_exp(std::size_t n, const double *h, const double *c) {
  v4d m0 = splat(-HUGE_VAL), m1 = m0;
  for (std::size_t j = 0; j < n; j += kLanes) {
    const v4d x0 = load(h + j) - load(c + j), x1 = load(h + j + 4) - load(c + j + 4);
    m0 = x0 > m0 ? x0 : m0;
    m1 = x1 > m1 ? x1 : m1;
  }
  m0 = m1 > m0 ? m1 : m0;
  const double m = std::fmax(std::fmax(m0[0], m0[1]), std::fmax(m0[2], m0[3]));
  const v4d mv = splat(m);
  v4d s0 = splat(0.0), s1 = s0;
  for (std::size_t j = 0; j < n; j += kLanes) {
    s0 += exp4(load(h + j) - load(c + j) - mv);
    s1 += exp4(load(h + j + 4) - load(c + j + 4) - mv);
  }
  s0 += s1;
  return m + std::log((s0[0] + s0[1]) + (s0[2] + s0[3]));
}

// out_j = exp(alpha + beta_j - c_j), the plan row; out may be c. n is a multiple of kLanes.
GMMOT_CLONES void exp_row(std::size_t n, double alpha, const double *beta, const double *c,
                          double *out) {
  const v4d av = splat(alpha);
  for (std::size_t j = 0; j < n; j += 4) store(out + j, exp4(av + load(beta + j) - load(c + j)));
}

}  // namespace gmmot::sinkhorn_kernels

namespace gmmot {
namespace {

using sinkhorn_kernels::exp_row;
using sinkhorn_kernels::kLanes;
using sinkhorn_kernels::kPadLog;
using sinkhorn_kernels::log_sum_exp;

constexpr std::size_t kBlockRows = 8;      // fixed, so blocks never depend on the thread count
constexpr std::uint64_t kRecheck = 10;     // iterations between two measurements that failed
constexpr std::uint64_t kReportEvery = 8;  // iterations between progress reports

std::vector<std::size_t> positive_entries(const std::vector<double> &w) {
  std::vector<std::size_t> idx;
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] > 0) idx.push_back(i);
  }
  return idx;
}

// c = C / eps_abs with eps_abs = epsilon max|C| (or epsilon when all costs are 0). C is first
// scaled by 2^-e to max|C| in [1/2, 1) (exact; two factors so that 2^-e never overflows), then
// multiplied by 1 / (epsilon m) <= 2 / epsilon: c lies in [-2/epsilon, 2/epsilon] whatever the
// cost scale, and costs scaled by 2^k give bit-identical iterations.
struct CostScale {
  double eps_abs = 0, pow_a = 1, pow_b = 1, inv = 0;
  CostScale(double epsilon, double cmax) : eps_abs(epsilon), inv(1 / epsilon) {
    if (cmax == 0) return;
    int e = 0;
    const double m = std::frexp(cmax, &e);  // cmax = m 2^e
    eps_abs = epsilon * cmax;
    pow_a = std::ldexp(1.0, -e / 2);
    pow_b = std::ldexp(1.0, -e - (-e / 2));
    inv = 1 / (epsilon * m);
  }
  double operator()(double cost) const { return cost * pow_a * pow_b * inv; }
};

// The reduced problem on the rows and columns of positive weight (log 0 has no place in the
// iteration; those rows and columns carry no mass in any feasible plan).
class Sinkhorn {
 public:
  Sinkhorn(std::size_t k1, const TransportWeights &w, const double *cost, const CostScale &scale)
      : k1_(k1), rows_(positive_entries(w.a)), cols_(positive_entries(w.b)) {
    n0_ = rows_.size();
    n1_ = cols_.size();
    p0_ = padded_length(n0_);
    p1_ = padded_length(n1_);
    c_.assign(n0_ * p1_, 0.0);
    ct_.assign(n1_ * p0_, 0.0);
    alpha_.assign(p0_, kPadLog);
    next_.assign(p0_, kPadLog);
    beta_.assign(p1_, kPadLog);
    a_.resize(n0_);
    loga_.resize(n0_);
    err_.resize(n0_);
    b_.resize(n1_);
    logb_.resize(n1_);
    // Row-major c for the alpha update and its transpose for the beta update: both LSEs then
    // read contiguous memory.
    for (std::size_t r = 0; r < n0_; ++r) {
      const double *row = cost + rows_[r] * k1;
      for (std::size_t s = 0; s < n1_; ++s) {
        const double c = scale(row[cols_[s]]);
        c_[r * p1_ + s] = c;
        ct_[s * p0_ + r] = c;
      }
    }
    for (std::size_t r = 0; r < n0_; ++r) {
      a_[r] = w.a[rows_[r]];
      loga_[r] = std::log(a_[r]);
    }
    for (std::size_t s = 0; s < n1_; ++s) {
      b_[s] = w.b[cols_[s]];
      logb_[s] = std::log(b_[s]);
    }
  }

  // Iterates until the L1 marginal error of the plan is at most `target` or `cap` iterations
  // are done; returns the number of iterations of the returned state (alpha_, beta_), whose
  // plan is then in p_ and its error in error_.
  std::uint64_t run(double target, std::uint64_t cap, const Context &ctx) {
    // Start from f = g = 0. After each beta update the column sums are exact (to rounding), so
    // the marginal error is the row error alone, and the next alpha update estimates it for
    // free: the old row sum is a_i exp(alpha_old_i - alpha_new_i). Only when that estimate
    // meets the target is the plan formed and its error measured (one exp pass); estimate and
    // measurement differ by rounding, so near the rounding floor the estimate may pass while
    // the measurement fails, and then the next measurement waits kRecheck iterations (at most
    // 1/(2 kRecheck) extra work). Stopping and `converged` both use the measured error, and
    // the plan, the potentials and the error all belong to the same iterate.
    std::copy(loga_.begin(), loga_.end(), alpha_.begin());
    std::copy(logb_.begin(), logb_.end(), beta_.begin());
    std::uint64_t it = 0, next_measure = 1;
    while (it < cap) {
      update_rows(ctx);
      const bool check = it >= next_measure, report = it % kReportEvery == 0;
      if (check || report) {
        double estimate = 0;
        for (double e : err_) estimate += e;  // fixed order: the same for any thread count
        if (report) ctx.report(Stage::Sinkhorn, it, cap, estimate);
        if (check && estimate <= target) {
          if (measure(ctx) <= target) return it;
          next_measure = it + kRecheck;
        }
      }
      std::swap(alpha_, next_);
      update_cols(ctx);
      ++it;
    }
    measure(ctx);
    return it;
  }

  // Soft-min potentials in units of eps (phi = f / eps, psi = g / eps) for all k0, k1 entries.
  // A zero-weight row gets phi_i = -LSE_j(beta_j - c_ij), the value the alpha update would give
  // it (P_ij = 0 there whatever phi_i is); likewise for zero-weight columns.
  void potentials(std::size_t k0, const double *cost, const CostScale &scale,
                  std::vector<double> &phi, std::vector<double> &psi) const {
    phi.assign(k0, 0.0);
    psi.assign(k1_, 0.0);
    for (std::size_t r = 0; r < n0_; ++r) phi[rows_[r]] = alpha_[r] - loga_[r];
    for (std::size_t s = 0; s < n1_; ++s) psi[cols_[s]] = beta_[s] - logb_[s];
    std::vector<double> tmp(std::max(p0_, p1_), 0.0);
    for (std::size_t i = 0, r = 0; i < k0; ++i) {
      if (r < n0_ && rows_[r] == i) {
        ++r;
        continue;
      }
      for (std::size_t s = 0; s < n1_; ++s) tmp[s] = scale(cost[i * k1_ + cols_[s]]);
      phi[i] = -log_sum_exp(p1_, beta_.data(), tmp.data());
    }
    std::fill(tmp.begin(), tmp.end(), 0.0);
    for (std::size_t j = 0, s = 0; j < k1_; ++j) {
      if (s < n1_ && cols_[s] == j) {
        ++s;
        continue;
      }
      for (std::size_t r = 0; r < n0_; ++r) tmp[r] = scale(cost[rows_[r] * k1_ + j]);
      psi[j] = -log_sum_exp(p0_, alpha_.data(), tmp.data());
    }
  }

  // The sparse plan from p_ and its cost sum C_ij P_ij (compensated, in the caller's units).
  void finish(const double *cost, const Context &ctx, TransportResult &out) const {
    std::vector<CompensatedSum> row_cost(n0_);
    parallel_blocks(n0_, kBlockRows, ctx, [&](std::size_t r0, std::size_t r1, unsigned) {
      for (std::size_t r = r0; r < r1; ++r) {
        const double *p = p_.data() + r * p1_, *crow = cost + rows_[r] * k1_;
        for (std::size_t s = 0; s < n1_; ++s) row_cost[r].add(crow[cols_[s]] * p[s]);
      }
    });
    CompensatedSum total;
    out.plan.reserve(n0_ * n1_);
    for (std::size_t r = 0; r < n0_; ++r) {
      total.add(row_cost[r].value());
      const double *p = p_.data() + r * p1_;
      for (std::size_t s = 0; s < n1_; ++s) {
        if (p[s] >= 1e-300) out.plan.push_back({rows_[r], cols_[s], p[s]});
      }
    }
    out.cost = total.value();
    out.marginal_error = error_;
  }

 private:
  static std::size_t padded_length(std::size_t n) { return (n + kLanes - 1) / kLanes * kLanes; }

  // The plan of the current state, P_ij = exp(alpha_i + beta_j - c_ij), into p_, and its L1
  // marginal error into error_ (also returned).
  double measure(const Context &ctx) {
    p_.resize(n0_ * p1_);
    parallel_blocks(n0_, kBlockRows, ctx, [&](std::size_t r0, std::size_t r1, unsigned) {
      for (std::size_t r = r0; r < r1; ++r) {
        double *p = p_.data() + r * p1_;
        exp_row(p1_, alpha_[r], beta_.data(), c_.data() + r * p1_, p);
        double sum = 0;
        for (std::size_t s = 0; s < n1_; ++s) sum += p[s];
        err_[r] = std::fabs(sum - a_[r]);
      }
    });
    CompensatedSum error;
    std::vector<double> col_sum(n1_, 0.0);
    for (std::size_t r = 0; r < n0_; ++r) {
      error.add(err_[r]);
      const double *p = p_.data() + r * p1_;
      for (std::size_t s = 0; s < n1_; ++s) col_sum[s] += p[s];
    }
    for (std::size_t s = 0; s < n1_; ++s) error.add(std::fabs(col_sum[s] - b_[s]));
    error_ = error.value();
    return error_;
  }

  // alpha_i = log a_i - LSE_j(beta_j - c_ij) into next_, and the row error of the current
  // state a_i |exp(alpha_i - next_i) - 1| into err_.
  void update_rows(const Context &ctx) {
    parallel_blocks(n0_, kBlockRows, ctx, [&](std::size_t r0, std::size_t r1, unsigned) {
      for (std::size_t r = r0; r < r1; ++r) {
        next_[r] = loga_[r] - log_sum_exp(p1_, beta_.data(), c_.data() + r * p1_);
        err_[r] = a_[r] * std::fabs(std::expm1(alpha_[r] - next_[r]));
      }
    });
  }

  // beta_j = log b_j - LSE_i(alpha_i - c_ij).
  void update_cols(const Context &ctx) {
    parallel_blocks(n1_, kBlockRows, ctx, [&](std::size_t s0, std::size_t s1, unsigned) {
      for (std::size_t s = s0; s < s1; ++s) {
        beta_[s] = logb_[s] - log_sum_exp(p0_, alpha_.data(), ct_.data() + s * p0_);
      }
    });
  }

  std::size_t k1_;
  std::vector<std::size_t> rows_, cols_;           // original indices of the positive weights
  std::size_t n0_ = 0, n1_ = 0, p0_ = 0, p1_ = 0;  // active counts, padded lengths
  std::vector<double> c_, ct_;               // scaled costs, n0_ x p1_ and n1_ x p0_, zero-padded
  std::vector<double> alpha_, beta_, next_;  // padded with kPadLog (exp gives exactly 0)
  std::vector<double> a_, b_, loga_, logb_, err_;
  std::vector<double> p_;  // the plan of the last measured state, n0_ x p1_
  double error_ = 0;       // and its L1 marginal error
};

}  // namespace

TransportResult transport_entropic(std::size_t k0, std::size_t k1, const double *a, const double *b,
                                   const double *cost, const EntropicOptions &options,
                                   const Context &ctx) {
  TransportWeights w = validated_transport_weights(k0, k1, a, b);
  require_finite_costs(k0, k1, cost);
  options.validate();

  // Sinkhorn runs on the weights scaled by a power of two (exact) to a total mass in [1, 2), so
  // that no total mass, however tiny or huge, under- or overflows the scalings or the plan
  // entries (fuzz findings N1: all the mass lost at mass 1e-308; N3: NaN duals at mass 1e301).
  // The plan, its cost and its marginal error are scaled back at the end. The duals see the
  // mass through P_ij = a_i b_j exp((u_i + v_j - C_ij) / eps): scaling a and b by s scales P
  // by s only if u + v moves by -eps log s, so the centred duals of the scaled problem are
  // moved back by half of that each.
  const int mass_exp = -std::ilogb(w.mass);
  for (double &x : w.a) x = std::ldexp(x, mass_exp);
  for (double &x : w.b) x = std::ldexp(x, mass_exp);
  w.mass = std::ldexp(w.mass, mass_exp);

  // All-zero costs keep eps = epsilon (absolute): the plan is then a b^T / mass.
  double cmax = 0;
  for (std::size_t n = 0; n < k0 * k1; ++n) cmax = std::fmax(cmax, std::fabs(cost[n]));
  const CostScale scale(options.epsilon, cmax);

  Sinkhorn sk(k1, w, cost, scale);
  TransportResult out;
  out.iterations = sk.run(options.tolerance * w.mass, options.max_iterations, ctx);
  std::vector<double> phi, psi;
  sk.potentials(k0, cost, scale, phi, psi);
  sk.finish(cost, ctx, out);
  out.converged = out.marginal_error <= options.tolerance * w.mass;
  for (PlanEntry &e : out.plan) e.mass = std::ldexp(e.mass, -mass_exp);
  out.cost = std::ldexp(out.cost, -mass_exp);
  out.marginal_error = std::ldexp(out.marginal_error, -mass_exp);

  // Centre so that u.a = v.b: f_i + g_j is all the plan depends on, so shifting f down and g
  // up by the same amount changes nothing else.
  CompensatedSum fa, gb;
  for (std::size_t i = 0; i < k0; ++i) fa.add(w.a[i] * phi[i]);
  for (std::size_t j = 0; j < k1; ++j) gb.add(w.b[j] * psi[j]);
  const double shift = (fa.value() - gb.value()) / (2 * w.mass);
  out.u.resize(k0);
  out.v.resize(k1);
  const double mass_shift = 0.5 * mass_exp * std::log(2.0);
  for (std::size_t i = 0; i < k0; ++i) out.u[i] = scale.eps_abs * (phi[i] - shift + mass_shift);
  for (std::size_t j = 0; j < k1; ++j) out.v[j] = scale.eps_abs * (psi[j] + shift + mass_shift);
  require_finite_result(out);
  return out;
}

}  // namespace gmmot
