// SPDX-License-Identifier: MIT
#include "util/anderson.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

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
// Cholesky after a relative Tikhonov shift (a is overwritten); returns false if it still fails.
bool solve_spd(std::vector<double> &a, std::vector<double> &b, std::size_t m) {
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

Anderson::Anderson(std::size_t n, std::size_t memory)
    : n_(n),
      memory_(memory),
      df_(memory, std::vector<double>(n)),
      dg_(memory, std::vector<double>(n)),
      prev_f_(n),
      prev_g_(n),
      f_(n),
      gram_(memory * memory, 0.0),
      a_(memory * memory),
      rhs_(memory) {}

void Anderson::reset() {
  head_ = 0;
  count_ = 0;
  has_prev_ = false;
}

void Anderson::next(std::vector<double> &x, const std::vector<double> &gx) {
  for (std::size_t i = 0; i < n_; ++i) f_[i] = gx[i] - x[i];
  if (has_prev_ && memory_ > 0) {
    if (count_ == memory_) {  // drop the oldest difference; its arrays take the newest
      head_ = (head_ + 1) % memory_;
      --count_;
      for (std::size_t i = 1; i < memory_; ++i)
        for (std::size_t k = 1; k < memory_; ++k)
          gram_[(i - 1) * memory_ + (k - 1)] = gram_[i * memory_ + k];
    }
    const std::size_t last = count_++;
    double *a = df(last), *b = dg(last);
    for (std::size_t i = 0; i < n_; ++i) {
      a[i] = f_[i] - prev_f_[i];
      b[i] = gx[i] - prev_g_[i];
    }
    for (std::size_t i = 0; i <= last; ++i)
      gram_[i * memory_ + last] = gram_[last * memory_ + i] = wide_dot(df(i), a, n_);
  }
  std::swap(prev_f_, f_);  // prev_f_ = f from here on
  std::copy(gx.begin(), gx.end(), prev_g_.begin());
  has_prev_ = true;
  x = gx;
  const std::size_t m = count_;
  if (m == 0) return;
  a_.resize(m * m);
  rhs_.resize(m);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t k = 0; k < m; ++k) a_[i * m + k] = gram_[i * memory_ + k];
    rhs_[i] = wide_dot(df(i), prev_f_.data(), n_);
  }
  if (!solve_spd(a_, rhs_, m)) return;
  for (std::size_t i = 0; i < m; ++i) {
    const double *dgi = dg(i);
    for (std::size_t k = 0; k < n_; ++k) x[k] -= rhs_[i] * dgi[k];
  }
}

}  // namespace gmmot
