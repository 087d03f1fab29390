// SPDX-License-Identifier: MIT
// Householder bidiagonalisation of four small square matrices at once (the algorithm of
// LAPACK's dgebd2, Golub & Van Loan, "Matrix Computations", 4th ed., Alg. 5.4.2), the matrices
// interleaved entry by entry so that every scalar operation of the one-matrix algorithm becomes
// one vector operation on the four. One matrix alone works on rows of 27 doubles at d = 27 (odd
// lengths, shrinking, with horizontal sums); four interleaved fill every vector lane and need no
// reduction across lanes. Lanes never mix: a lane's result depends on its own matrix only.
#pragma once

namespace gmmot::linalg {

// Up to this order the interleaved matrices (4 n^2 doubles) stay in the first two cache levels
// and the lane form beats the one-matrix loops; SmallSvd uses it up to here, for any count.
constexpr int kBidiagLanesMaxN = 64;
constexpr int kBidiagLanes = 4;

// a: n x n matrices, a[(i + j n) * kBidiagLanes + l] is entry (i, j) of lane l (destroyed).
// On return diag[k * kBidiagLanes + l] (k < n) and super[k * kBidiagLanes + l] (k < n - 1) are the
// upper bidiagonal of lane l. work: 5 n kBidiagLanes doubles.
void bidiagonalize_lanes(int n, double *a, double *diag, double *super, double *work);

}  // namespace gmmot::linalg
