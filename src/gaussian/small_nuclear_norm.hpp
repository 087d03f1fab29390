// SPDX-License-Identifier: MIT
// Nuclear norms ||Fb^T Fa||_* of small factor products (d <= 3) by closed forms, four pairs at
// a time in structure-of-arrays layout so that the compiler keeps the four pairs in one vector
// register. Every path of the library (single pair, cost matrices) goes through these
// functions, so a pair's value does not depend on how it was reached.
//   d = 1: |w|;  d = 2: sqrt(||W||_F^2 + 2 |det W|);
//   d = 3: the largest root of Q(s) = (s^2 - a)^2 - 4b - 8cs with a = ||W||_F^2, b the sum of
//   the squared 2x2 minors and c = |det W| (s = s1 + s2 + s3 and p = s1 s2 + s1 s3 + s2 s3
//   satisfy s^2 = a + 2p and p^2 = b + 2cs). Q is convex and increasing right of that root, so
//   Newton from an upper bound decreases monotonically to it with no square root per step.
#pragma once

namespace gmmot {

constexpr int kLanes = 4;

// w: kLanes matrices, entry-major: w[e * kLanes + l] is entry e (column-major index) of lane l.
// abs_det: |det W| per lane, computed accurately by the caller (from the factors' diagonals).
void small_nuclear_norms(int d, const double *w, const double *abs_det, double *out);

// w (entry-major, as above) = Fb^T Fa for each lane's pair of d x d column-major factors.
void small_factor_products(int d, const double *const *fa, const double *const *fb, double *w);

}  // namespace gmmot
