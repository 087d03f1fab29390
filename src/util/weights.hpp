// SPDX-License-Identifier: MIT
// Validation of probability weights (mixture weights, barycenter weights).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gmmot {

// Checks n weights (finite, >= 0, not all zero, |sum - 1| <= 1e-8) and returns them divided by
// their sum. `what` names the array in errors, e.g. "weights".
std::vector<double> normalized_weights(const double *w, std::size_t n, const std::string &what);

}  // namespace gmmot
