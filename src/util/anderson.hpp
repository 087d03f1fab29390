// SPDX-License-Identifier: MIT
// Anderson acceleration of a fixed-point iteration x <- g(x) (D. G. Anderson, J. ACM 1965;
// H. F. Walker and P. Ni, "Anderson acceleration for fixed-point iterations", SIAM J. Numer.
// Anal. 49(4), 2011, eq. (1.2) with mixing parameter 1): from the last m residual differences,
//   gamma = argmin ||f_k - dF gamma||,  x_{k+1} = g(x_k) - dG gamma,  f = g(x) - x.
// The caller owns the safeguards (an extrapolated point it cannot use leads to reset()).
#pragma once

#include <cstddef>
#include <vector>

namespace gmmot {

class Anderson {
 public:
  Anderson(std::size_t n, std::size_t memory);

  // x <- the next iterate from x and g(x); g(x) itself on the first call after construction or
  // reset(). No allocation: the differences live in a ring of `memory` preallocated arrays.
  void next(std::vector<double> &x, const std::vector<double> &gx);
  void reset();

 private:
  // Difference i (0: oldest) of the last count_ ones.
  double *df(std::size_t i) { return df_[(head_ + i) % memory_].data(); }
  double *dg(std::size_t i) { return dg_[(head_ + i) % memory_].data(); }

  std::size_t n_, memory_;
  std::vector<std::vector<double>> df_, dg_;
  std::size_t head_ = 0, count_ = 0;
  bool has_prev_ = false;
  std::vector<double> prev_f_, prev_g_, f_;
  // gram_[i * memory_ + k] = df(i) . df(k), kept as differences come and go: each call adds
  // one row instead of recomputing all m (m + 1) / 2 inner products.
  std::vector<double> gram_, a_, rhs_;
};

}  // namespace gmmot
