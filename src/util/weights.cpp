// SPDX-License-Identifier: MIT
#include "util/weights.hpp"

#include <cmath>

#include "util/error.hpp"

namespace gmmot {

std::vector<double> normalized_weights(const double *w, std::size_t n, const std::string &what) {
  double sum = 0.0;
  // The entry's name is built only on failure (a string per entry made 2^28 zero weights take
  // 17 s to report "all zero").
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(w[i])) {
      fail(Errc::NonFinite,
           what + "[" + std::to_string(i) + "] is " + fmt(w[i]) + " (must be finite)");
    }
    if (w[i] < 0.0) {
      fail(Errc::Weights,
           what + "[" + std::to_string(i) + "] is " + fmt(w[i]) + " (weights must be >= 0)");
    }
    sum += w[i];
  }
  if (sum == 0.0) fail(Errc::Weights, what + " are all zero (they must sum to 1)");
  if (std::fabs(sum - 1.0) > 1e-8) {
    fail(Errc::Weights, what + " sum to " + fmt(sum) + " (they must sum to 1 within 1e-8)");
  }
  std::vector<double> out(w, w + n);
  for (auto &v : out) v /= sum;
  return out;
}

}  // namespace gmmot
