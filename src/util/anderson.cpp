// SPDX-License-Identifier: MIT
#include "util/anderson.hpp"

#include <cmath>

#include "util/simd.hpp"

namespace gmmot {
namespace {

typedef double dv4 __attribute__((vector_size(4 * sizeof(double))));

// The inner product of two long arrays (the fixed point's d^2 entries) with sixteen partial
// sums in four vectors: one chain, or four, would be bound by the adder's latency. The order
// is fixed, so results do not depend on the caller or the thread count.
GMMOT_CLONES double wide_dot(const double *x, const double *y, std::size_t n) {
  dv4 acc[4] = {};
  std::size_t k = 0;
  for (; k + 16 <= n; k += 16)
    for (int v = 0; v < 4; ++v) {
      dv4 a, b;
      __builtin_memcpy(&a, x + k + 4 * v, sizeof a);
      __builtin_memcpy(&b, y + k + 4 * v, sizeof b);
      acc[v] += a * b;
    }
  double tail = 0.0;
  for (; k < n; ++k) tail += x[k] * y[k];
  const dv4 s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  return ((s[0] + s[1]) + (s[2] + s[3])) + tail;
}

// Solves the small symmetric positive semi-definite system a x = b (m x m, row-major) by
// Cholesky after a relative Tikhonov shift; returns false if it still fails.
bool solve_spd(std::vector<double> a, std::vector<double> &b, std::size_t m) {
  double maxdiag = 0.0;
  for (std::size_t i = 0; i < m; ++i) maxdiag = std::fmax(maxdiag, a[i * m + i]);
  if (!(maxdiag > 0.0)) return false;
  for (std::size_t i = 0; i < m; ++i) a[i * m + i] += 1e-13 * maxdiag;
  for (std::size_t j = 0; j < m; ++j) {
    double djj = a[j * m + j];
    for (std::size_t k = 0; k < j; ++k) djj -= a[j * m + k] * a[j * m + k];
    if (!(djj > 0.0)) return false;
    const double ljj = std::sqrt(djj);
    a[j * m + j] = ljj;
    for (std::size_t i = j + 1; i < m; ++i) {
      double v = a[i * m + j];
      for (std::size_t k = 0; k < j; ++k) v -= a[i * m + k] * a[j * m + k];
      a[i * m + j] = v / ljj;
    }
  }
  for (std::size_t i = 0; i < m; ++i) {  // L y = b
    for (std::size_t k = 0; k < i; ++k) b[i] -= a[i * m + k] * b[k];
    b[i] /= a[i * m + i];
  }
  for (std::size_t i = m; i-- > 0;) {  // L^T x = y
    for (std::size_t k = i + 1; k < m; ++k) b[i] -= a[k * m + i] * b[k];
    b[i] /= a[i * m + i];
  }
  return true;
}

}  // namespace

void Anderson::reset() {
  df_.clear();
  dg_.clear();
  prev_f_.clear();
  prev_g_.clear();
}

std::vector<double> Anderson::next(const std::vector<double> &x, const std::vector<double> &gx) {
  f_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) f_[i] = gx[i] - x[i];
  if (gram_.size() != memory_ * memory_) gram_.assign(memory_ * memory_, 0.0);
  if (!prev_f_.empty()) {
    std::vector<double> a, b;
    if (df_.size() == memory_) {  // reuse the oldest difference's storage
      a = std::move(df_.front());
      b = std::move(dg_.front());
      df_.pop_front();
      dg_.pop_front();
      for (std::size_t i = 1; i < memory_; ++i)
        for (std::size_t k = 1; k < memory_; ++k)
          gram_[(i - 1) * memory_ + (k - 1)] = gram_[i * memory_ + k];
    }
    a.resize(n_);
    b.resize(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      a[i] = f_[i] - prev_f_[i];
      b[i] = gx[i] - prev_g_[i];
    }
    df_.push_back(std::move(a));
    dg_.push_back(std::move(b));
    const std::size_t last = df_.size() - 1;
    for (std::size_t i = 0; i <= last; ++i)
      gram_[i * memory_ + last] = gram_[last * memory_ + i] =
          wide_dot(df_[i].data(), df_[last].data(), n_);
  }
  prev_f_ = f_;
  prev_g_ = gx;
  const std::size_t m = df_.size();
  std::vector<double> out(gx);
  if (m == 0) return out;
  std::vector<double> gram(m * m), rhs(m);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t k = 0; k < m; ++k) gram[i * m + k] = gram_[i * memory_ + k];
    rhs[i] = wide_dot(df_[i].data(), f_.data(), n_);
  }
  if (!solve_spd(gram, rhs, m)) return out;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t k = 0; k < n_; ++k) out[k] -= rhs[i] * dg_[i][k];
  return out;
}

}  // namespace gmmot
