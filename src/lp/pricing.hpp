// SPDX-License-Identifier: MIT
// The pricing kernels of the network simplex: the most negative reduced cost along a row
// segment of the dense bipartite graph (numerics.md C.4, block search).
#pragma once

#include <cstddef>

namespace gmmot {

template <class T>
struct RowMin {
  T key;
  std::size_t index;  // position in the segment; n when nothing beat the bound
};

// Over j in [0, n), the key of arc j is
//   k_j = (c[j] * scale + xd[j] - xi) + (sd[j] - si) + tol (|c[j] * scale| + |xd[j]| + |xi|):
// the reduced cost, plus the symbolic big-M part carried by sd and si (network_simplex.cpp),
// plus a rounding allowance relative to the terms of this very arc, so that a tiny cost next
// to huge ones is still priced to its own precision. The sign bracket is exactly 0 when the
// signs agree. Returns the first smallest key below `bound`, or {bound, n}.
// sd == nullptr means all signs agree (one tree component below the root).
RowMin<double> row_min_key(const double *c, const double *xd, const double *sd, std::size_t n,
                           double scale, double xi, double si, double tol, double bound);

// The same in single precision over a float copy of the scaled costs (scale 1) and potentials,
// without the tol term: the caller folds the rounding allowance into the copies. Half the memory
// traffic and twice the lanes. Only a screen: the caller confirms the chosen arc with the
// double-precision key.
RowMin<float> row_min_key_f(const float *c, const float *xd, const float *sd, std::size_t n,
                            float xi, float si, float bound);

}  // namespace gmmot
