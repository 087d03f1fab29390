// SPDX-License-Identifier: MIT
#include <cmath>

#include "gaussian/bures.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "util/error.hpp"

namespace gmmot {

double gaussian_w2_squared(const double *m0, const CovFactor &f0, const double *m1,
                           const CovFactor &f1) {
  const double v = w2_squared_pair(m0, f0, m1, f1);
  if (!std::isfinite(v)) fail(Errc::Overflow, "W2^2 exceeds the largest double");
  return v;
}

}  // namespace gmmot
