// SPDX-License-Identifier: MIT
#include "gromov/warm_sinkhorn.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/dot.hpp"
#include "util/simd.hpp"
#include "util/sizes.hpp"
#include "util/vexp.hpp"

namespace gmmot {

namespace {
// |log u| or |log v| beyond this: absorb into f, g before the scalings lose range.
constexpr double kScalingLimit = 1e50;

// out_j = exp((f + g_j - c_j) / eps) for j < n: four at a time by vexp::exp4 (within 2 ulp,
// glibc's exp within 1: the kernel's entries move by a few 1e-16 relative, against the 1e-3
// marginal tolerance of these rough plans); glibc's scalar exp took 13% of an annealed run at
// d = 3, K = 50 (perf). Arguments outside exp4's range [-708, 709] (overflow, subnormal results,
// NaN) go to std::exp, so those entries are exactly as before; below -746 both give 0.
GMMOT_CLONES void kernel_row(std::size_t n, double f, const double *g, const double *c, double eps,
                             double *out) {
  using vexp::v4d;
  const v4d fv = vexp::splat(f), ev = vexp::splat(eps);
  std::size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const v4d x = (fv + vexp::load(g + j) - vexp::load(c + j)) / ev;
    v4d e = vexp::exp4(x);
    const auto odd = (x > 709.0) | ((x < -708.0) & (x >= -746.0)) | (x != x);
    if (odd[0] | odd[1] | odd[2] | odd[3]) {
      for (int l = 0; l < 4; ++l)
        if (odd[l]) e[l] = std::exp(x[l]);
    }
    vexp::store(out + j, e);
  }
  for (; j < n; ++j) out[j] = std::exp((f + g[j] - c[j]) / eps);
}

// out_i = sum_j K_ij v_j. Four partial sums per row (dot4): one chain of dependent additions
// per row was the annealing's bottleneck; the sum's order only moves the last bits of a rough
// plan.
GMMOT_CLONES void kernel_rows_times(std::size_t k0, std::size_t k1, const double *kernel,
                                    const double *v, double *out) {
  for (std::size_t i = 0; i < k0; ++i) out[i] = dot4(kernel + i * k1, v, k1);
}

// out_j = sum_i K_ij u_i, four rows per pass over out (out was loaded and stored once per row,
// in the portable code's two-double vectors: half of the solves' own time at d = 3, K = 50).
GMMOT_CLONES void kernel_columns_times(std::size_t k0, std::size_t k1, const double *kernel,
                                       const double *u, double *out) {
  std::fill(out, out + k1, 0.0);
  std::size_t i = 0;
  for (; i + 4 <= k0; i += 4) {
    const double *r0 = kernel + i * k1, *r1 = r0 + k1, *r2 = r1 + k1, *r3 = r2 + k1;
    const double u0 = u[i], u1 = u[i + 1], u2 = u[i + 2], u3 = u[i + 3];
    for (std::size_t j = 0; j < k1; ++j)
      out[j] += (r0[j] * u0 + r1[j] * u1) + (r2[j] * u2 + r3[j] * u3);
  }
  for (; i < k0; ++i) {
    const double *row = kernel + i * k1;
    for (std::size_t j = 0; j < k1; ++j) out[j] += row[j] * u[i];
  }
}

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
    kernel_row(k1_, f_[i], g_.data(), cost + i * k1_, eps, kernel_.data() + i * k1_);
  std::fill(u_.begin(), u_.end(), 1.0);
  std::fill(v_.begin(), v_.end(), 1.0);
}

void WarmSinkhorn::kernel_times(const std::vector<double> &v, std::vector<double> &out) const {
  kernel_rows_times(k0_, k1_, kernel_.data(), v.data(), out.data());
}

void WarmSinkhorn::kernel_times_t(const std::vector<double> &u, std::vector<double> &out) const {
  kernel_columns_times(k0_, k1_, kernel_.data(), u.data(), out.data());
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
