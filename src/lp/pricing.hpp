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

// The screen in single precision over a float copy c of the scaled costs (n0 x n1, row-major)
// and of the potentials x (n0 + n1: rows, then columns) and signs s (nullptr: all agree), without
// the tol term (the caller folds the rounding allowance into the copies): the key of arc (i, j)
// is (c[i n1 + j] + x[n0 + j] - x[i]) + (s[n0 + j] - s[i]). Over the `count` arcs from linear
// position pos (wrapping from the last arc to the first), returns the first smallest key below 0
// in that order, with index = its linear position, or {0, n0 n1}. Half the memory traffic of
// doubles and twice the lanes; only a screen: the caller confirms the arc with row_min_key's
// double-precision key.
RowMin<float> block_min_key_f(const float *c, const float *x, const float *s, std::size_t n0,
                              std::size_t n1, std::size_t pos, std::size_t count);

// The screen's float copy of n costs: out[j] = float(c[j] * scale + tol |c[j] * scale|), the
// rounding allowance moving each up (scale and tol powers of two: every product is exact, so
// the result is the same in every clone, fused or not). Vector lanes: at K = 50 a restart of
// the simplex spent a quarter of its fixed cost on this copy one element at a time.
void screen_costs(const double *c, std::size_t n, double scale, double tol, float *out);

}  // namespace gmmot
