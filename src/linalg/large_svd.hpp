// SPDX-License-Identifier: MIT
// The nuclear norm (sum of the singular values) of one large square matrix, by blocked
// orthogonal reductions that run at BLAS-3 speed and on the BLAS library's threads.
//
// Why not dgesdd: its one-stage bidiagonalisation (dgebrd) does half of its 8/3 n^3 flops as
// matrix-vector products that sweep the whole trailing matrix once per column, so at n = 2048
// it is bound by memory bandwidth (about 3 s on one core here, and no faster on two). Here the
// reduction has two stages, as in the two-stage tridiagonalisation of LAPACK's dsytrd_2stage
// (Haidar, Ltaief, Dongarra 2011; Grosser & Lang 1999 for the SVD):
//   1. dense -> upper band of width b by alternating QR (dgeqrf) of a column panel and LQ
//      (dgelqf) of a row panel, each applied to the rest as one block reflector (dlarft +
//      dlarfb): all but the panels is rank-b updates, i.e. dgemm;
//   2. band -> bidiagonal by Givens bulge chasing (dgbbrd), O(n^2 b) flops in a band that stays
//      in cache;
// then the bidiagonal's singular values by our dqds (dqds_lanes.hpp), LAPACK's dbdsqr as the
// fallback. Every step is an orthogonal transformation, so, like dgesdd, each singular value is
// exact for a matrix within a small multiple of n eps ||W|| of the input (backward stable);
// the sum agrees with dgesdd's to rounding.
// Cost: 8/3 n^3 flops in stage 1 plus about 8 n^2 b in stage 2; memory 1 n x n matrix (the
// input, overwritten) plus O(n b).
#pragma once

#include <vector>

namespace gmmot::linalg {

class LargeSvd {
 public:
  explicit LargeSvd(int n);
  // Sum of the singular values of the n x n column-major matrix w, which is destroyed. Returns
  // a negative value if LAPACK failed.
  double nuclear_norm(double *w);

 private:
  int n_, b_;
  std::vector<double> tau_, t_, apply_, work_, band_, d_, e_;
};

}  // namespace gmmot::linalg
