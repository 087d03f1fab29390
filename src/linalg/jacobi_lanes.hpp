// SPDX-License-Identifier: MIT
// One-sided (Hestenes) Jacobi on four small square matrices at once, interleaved entry by entry
// as in bidiag_lanes.hpp: every scalar operation of the one-matrix algorithm is one vector
// operation on the four, and lanes never mix (a lane's result depends on its own matrix only).
// Rotations from the right orthogonalise the columns of B; accumulated into V they keep
// B = A V for the matrix A the caller started from (B = A V0). Starting from the right singular
// vectors of a nearby matrix (V0 close to them), a sweep or two suffice: Jacobi converges
// quadratically, whereas a full eigen-decomposition starts from scratch every time. The
// singular values are the final column norms, to high relative accuracy (Demmel-Veselic 1992).
#pragma once

namespace gmmot::linalg {

constexpr int kJacobiLanes = 4;

// b, v: n x n matrices, entry (i, j) of lane l at [(i + j n) * kJacobiLanes + l], updated in
// place: b <- b G, v <- v G with G the product of the rotations. Entries of b should be of order
// one (scaled): a pair of columns whose inner product squares below the smallest normal double is
// treated as orthogonal. Sweeps visit the n (n - 1) / 2 pairs in a round-robin order until, in
// every lane, each pair satisfies |b_p . b_q| <= tol ||b_p|| ||b_q|| before its rotation (a
// sweep without rotation), or max_sweeps sweeps are done. Returns the converged lanes as a bit
// mask (bit l for lane l); *sweeps receives the number of sweeps run.
unsigned jacobi_lanes(int n, double *b, double *v, double tol, int max_sweeps, int *sweeps);

// One sweep of jacobi_lanes on the lanes of the bit mask `lanes` (the others are left as they
// are): every pair with |b_p . b_q| > tol ||b_p|| ||b_q|| is rotated. Returns the lanes that had
// a rotation.
unsigned jacobi_sweep_lanes(int n, double *b, double *v, double tol, unsigned lanes);

// The two-lane layout: two matrices (lanes 0, 1) with rows padded to even m = n + n % 2, entry
// (i, j) of lane l at [(i + j m) * 2 + l], so that one four-double vector holds rows i, i + 1 of
// both (i even). Two inputs take half the vector work of four, so two groups of two on two
// threads finish in about half the time of one group of four. Padding rows must be zero (they
// stay so). jacobi_sweep_lanes2 is jacobi_sweep_lanes in that layout (lanes: bits 0, 1), with
// the same bits per lane: the inner products sum the same four chains of rows (i mod 4) in the
// same order in both layouts, and everything else is entry by entry. The two-lane kernels of
// lane_products.hpp and near_diagonal_sqrt.hpp keep the same promise, so a caller may choose
// the layout by the threads it has without changing its results.
unsigned jacobi_sweep_lanes2(int n, double *b, double *v, double tol, unsigned lanes);

}  // namespace gmmot::linalg
