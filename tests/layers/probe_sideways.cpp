// SPDX-License-Identifier: MIT
// Compiled in lp's include view: gaussian is beside lp, not below it (architecture.md), so this
// include must not be found. The test passes only on that compile error.
#include "gaussian/bures.hpp"

int gmmot_layer_probe_sideways() { return 0; }
