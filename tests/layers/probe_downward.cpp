// SPDX-License-Identifier: MIT
// The positive control: compiled in linalg's include view, a header of linalg itself and one of
// util (below linalg) are found, so the failures of the other probes come from the layers and
// not from a broken view.
#include "linalg/dense.hpp"
#include "util/error.hpp"

int gmmot_layer_probe_downward() {
  gmmot::linalg::Workspace ws;
  return ws.n();
}
