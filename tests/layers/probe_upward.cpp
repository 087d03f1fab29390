// SPDX-License-Identifier: MIT
// Compiled in linalg's include view (tests/layers/CMakeLists.txt): mixture sits above linalg,
// so this include must not be found. The test passes only on that compile error.
#include "mixture/gmm.hpp"

int gmmot_layer_probe_upward() { return 0; }
