// SPDX-License-Identifier: MIT
// Factor products W = Fb^T Fa of four pairs at once, straight into the lane-interleaved layout
// of bidiag_lanes.hpp: every vector operation does the same step of the four products, so the
// kernel needs no horizontal sums and no tails at odd orders (d = 27), and the products never go
// through a one-matrix layout that would have to be scaled and interleaved afterwards.
#pragma once

#include <cstddef>

#include "linalg/bidiag_lanes.hpp"

namespace gmmot::linalg {

// x[(i + j n) * kBidiagLanes + l] = f[l][i + j n] for the kBidiagLanes n x n column-major
// matrices f[l] (a caller with fewer pads with any finite matrix: lanes never mix). lower: the
// f[l] are lower triangular and x is only for factor_products_lanes(..., lower = true): only
// the entries that reads are written (on and below the diagonal, and the zeros just above it).
void interleave_lanes(int n, const double *const *f, bool lower, double *x);

// w = xb^T xa lane by lane (n x n, all three interleaved as above), i.e. Fb^T Fa for every lane,
// and max_abs[l] (l < kBidiagLanes) the largest |entry| of lane l of w. lower: every lane's
// factors are lower triangular, so the sum for entry (i, j) starts at max(i, j); about n^3 / 3
// vector multiply-adds instead of n^3.
void factor_products_lanes(int n, const double *xa, const double *xb, bool lower, double *w,
                           double *max_abs);

// x = (x f1[l]) f2[l] in every lane l (two factors: the powers of two that scale a lane may not be
// representable as one double).
void lane_scale(std::size_t m, double *x, const double *f1, const double *f2);

}  // namespace gmmot::linalg
