// SPDX-License-Identifier: MIT
// Anderson acceleration of a fixed-point iteration x <- g(x) (D. G. Anderson, J. ACM 1965;
// H. F. Walker and P. Ni, "Anderson acceleration for fixed-point iterations", SIAM J. Numer.
// Anal. 49(4), 2011, eq. (1.2) with mixing parameter 1): from the last m residual differences,
//   gamma = argmin ||f_k - dF gamma||,  x_{k+1} = g(x_k) - dG gamma,  f = g(x) - x.
// The caller owns the safeguards (an extrapolated point it cannot use leads to reset()).
#pragma once

#include <cstddef>
#include <deque>
#include <vector>

namespace gmmot {

class Anderson {
 public:
  Anderson(std::size_t n, std::size_t memory) : n_(n), memory_(memory) {}

  // Next iterate from x and g(x); equals g(x) on the first call after construction or reset().
  std::vector<double> next(const std::vector<double> &x, const std::vector<double> &gx);
  void reset();

 private:
  std::size_t n_, memory_;
  std::deque<std::vector<double>> df_, dg_;
  std::vector<double> prev_f_, prev_g_, f_;
  // gram_[i * memory_ + k] = df_[i] . df_[k], kept as differences come and go: each call adds
  // one row instead of recomputing all m (m + 1) / 2 inner products.
  std::vector<double> gram_;
};

}  // namespace gmmot
