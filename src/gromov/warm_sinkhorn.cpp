// SPDX-License-Identifier: MIT
#include "gromov/warm_sinkhorn.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/dot.hpp"
#include "util/sizes.hpp"

namespace gmmot {

namespace {
// |log u| or |log v| beyond this: absorb into f, g before the scalings lose range.
constexpr double kScalingLimit = 1e50;
}  // namespace

WarmSinkhorn::WarmSinkhorn(std::size_t k0, std::size_t k1, std::vector<double> a,
                           std::vector<double> b, Limits limits)
    : k0_(k0),
      k1_(k1),
      a_(std::move(a)),
      b_(std::move(b)),
      limits_(limits),
      f_(k0, 0.0),
      g_(k1, 0.0),
      u_(k0),
      v_(k1),
      kv_(k0),
      ku_(k1),
      kernel_(checked_mul(k0, k1, "k0*k1")) {
  for (double x : a_) mass_ += x;
}

void WarmSinkhorn::solve(const double *cost, double eps, const Context &ctx, double *w) {
  if (!started_) {
    // g_j = min_i C_ij: every column's kernel has an entry 1.
    for (std::size_t j = 0; j < k1_; ++j) g_[j] = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < k0_; ++i)
      for (std::size_t j = 0; j < k1_; ++j) g_[j] = std::min(g_[j], cost[i * k1_ + j]);
    started_ = true;
  }
  int done = 0;
  for (;;) {
    build_kernel(cost, eps);
    bool converged = false;
    kernel_times_t(u_, ku_);
    for (int it = 0; it < limits_.absorb_every && done < limits_.cap; ++it, ++done) {
      // v first (from K^T u), then u: the rows are exact, the columns measured.
      for (std::size_t j = 0; j < k1_; ++j) v_[j] = b_[j] > 0 ? b_[j] / ku_[j] : 0.0;
      kernel_times(v_, kv_);
      for (std::size_t i = 0; i < k0_; ++i) u_[i] = a_[i] > 0 ? a_[i] / kv_[i] : 0.0;
      kernel_times_t(u_, ku_);
      double err = 0;
      for (std::size_t j = 0; j < k1_; ++j) err += std::fabs(v_[j] * ku_[j] - b_[j]);
      if (!bounded(u_) || !bounded(v_)) {
        ++done;  // counted, so that a kernel that keeps losing range cannot loop forever
        break;
      }
      if (err <= limits_.tolerance * mass_) {
        converged = true;
        ++done;
        break;
      }
    }
    ctx.check_interrupt();
    if (converged || done >= limits_.cap) {
      if (bounded(u_) && bounded(v_)) break;
    }
    absorb_scalings(cost);
  }
  for (std::size_t i = 0; i < k0_; ++i)
    for (std::size_t j = 0; j < k1_; ++j) w[i * k1_ + j] = u_[i] * kernel_[i * k1_ + j] * v_[j];
  absorb_scalings(cost);
}

bool WarmSinkhorn::bounded(const std::vector<double> &s) {
  for (double x : s)
    if (!(x <= kScalingLimit && (x == 0 || x >= 1 / kScalingLimit))) return false;
  return true;
}

void WarmSinkhorn::build_kernel(const double *cost, double eps) {
  eps_ = eps;
  for (std::size_t i = 0; i < k0_; ++i)
    for (std::size_t j = 0; j < k1_; ++j)
      kernel_[i * k1_ + j] = std::exp((f_[i] + g_[j] - cost[i * k1_ + j]) / eps);
  std::fill(u_.begin(), u_.end(), 1.0);
  std::fill(v_.begin(), v_.end(), 1.0);
}

void WarmSinkhorn::kernel_times(const std::vector<double> &v, std::vector<double> &out) const {
  // Four partial sums (dot4): one chain of dependent additions per row was the annealing's
  // bottleneck; the sum's order only moves the last bits of a rough plan.
  for (std::size_t i = 0; i < k0_; ++i) out[i] = dot4(&kernel_[i * k1_], v.data(), k1_);
}

void WarmSinkhorn::kernel_times_t(const std::vector<double> &u, std::vector<double> &out) const {
  std::fill(out.begin(), out.end(), 0.0);
  for (std::size_t i = 0; i < k0_; ++i) {
    const double *row = &kernel_[i * k1_];
    const double ui = u[i];
    for (std::size_t j = 0; j < k1_; ++j) out[j] += row[j] * ui;
  }
}

// f += eps log u, g += eps log v; rows or columns whose scaling is 0 or not finite (an
// underflowed kernel) get their c-transform instead.
void WarmSinkhorn::absorb_scalings(const double *cost) {
  for (std::size_t j = 0; j < k1_; ++j) {
    if (b_[j] > 0 && v_[j] > 0 && std::isfinite(v_[j])) g_[j] += eps_ * std::log(v_[j]);
  }
  for (std::size_t i = 0; i < k0_; ++i) {
    if (a_[i] > 0 && u_[i] > 0 && std::isfinite(u_[i])) {
      f_[i] += eps_ * std::log(u_[i]);
    } else if (a_[i] > 0) {
      double m = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < k1_; ++j) m = std::min(m, cost[i * k1_ + j] - g_[j]);
      f_[i] = m;
    }
  }
  for (std::size_t j = 0; j < k1_; ++j) {
    if (b_[j] > 0 && !(v_[j] > 0 && std::isfinite(v_[j]))) {
      double m = std::numeric_limits<double>::infinity();
      for (std::size_t i = 0; i < k0_; ++i) m = std::min(m, cost[i * k1_ + j] - f_[i]);
      g_[j] = m;
    }
  }
  std::fill(u_.begin(), u_.end(), 1.0);
  std::fill(v_.begin(), v_.end(), 1.0);
}

}  // namespace gmmot
