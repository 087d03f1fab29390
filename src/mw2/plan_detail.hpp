// SPDX-License-Identifier: MIT
// Internal helpers shared by the MW2 plan's derived mixtures (coupling, geodesic): not part of
// the module's interface.
#pragma once

#include <vector>

#include "lp/transport.hpp"

namespace gmmot::detail {

// The plan's masses in plan-entry order, divided by their sum so that they are valid mixture
// weights (sum 1 to rounding) even for an entropic plan whose marginals are off by the
// solver's tolerance; an exact plan's masses already sum to 1 and change only by rounding.
std::vector<double> plan_weights(const TransportResult &transport);

}  // namespace gmmot::detail
