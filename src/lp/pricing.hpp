// The pricing kernel of the network simplex: the most negative reduced cost along a row
// segment of the dense bipartite graph (numerics.md C.4, block search).
#pragma once

#include <cstddef>

namespace gmmot {

struct RowMin {
  double key;
  std::size_t index;  // position in the segment; meaningful only when key < the given bound
};

// Over j in [0, n): key_j = (c[j] * scale + xd[j] - xi) + (sd[j] - si), where sd and si carry
// the symbolic big-M part of the potentials (network_simplex.cpp). The last bracket is exactly 0
// when the signs agree, so those keys are the exact reduced costs. Returns the first smallest
// key if it is below `bound`, else {bound, n}.
RowMin row_min_key(const double *c, const double *xd, const double *sd, std::size_t n, double scale,
                   double xi, double si, double bound);

// The same when every node carries the same sign (one tree component below the root):
// key_j = c[j] * scale + xd[j] - xi.
RowMin row_min_key_one_sign(const double *c, const double *xd, std::size_t n, double scale,
                            double xi, double bound);

}  // namespace gmmot
