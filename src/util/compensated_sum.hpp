// SPDX-License-Identifier: MIT
// Neumaier's compensated sum (Neumaier 1974, "Rundungsfehleranalyse einiger Verfahren zur
// Summation endlicher Summen"): the sum and its running rounding error, added in a fixed order.
#pragma once

#include <cmath>

namespace gmmot {

class CompensatedSum {
 public:
  void add(double x) {
    const double t = sum_ + x;
    // Once the sum (or a term) is infinite the correction is meaningless, and computing it
    // would give Inf - Inf = NaN: value() is then the infinite sum itself, so callers can
    // report an overflow instead of a NaN.
    if (std::isfinite(t))
      comp_ += std::fabs(sum_) >= std::fabs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }
  double value() const { return std::isfinite(sum_) ? sum_ + comp_ : sum_; }

 private:
  double sum_ = 0, comp_ = 0;
};

}  // namespace gmmot
