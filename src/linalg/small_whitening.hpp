// SPDX-License-Identifier: MIT
// The dense steps of the barycenter's fixed point (gaussian/barycenter.cpp) at small orders:
// S = L L^T, G = L^T L and S+ = (L^-T K)(L^-T K)^T. At d = 27 LAPACK's and the BLAS's per-call
// costs (argument checks, dispatch, dpotrf's unblocked path calling level-2 routines column by
// column, packing) are several times the arithmetic, and these steps run on the critical path,
// between the steps' parallel square roots. Columns are padded to a multiple of four rows (the
// padding zero) so that every column is a whole number of four-double vectors; sums run in a
// fixed order, so results depend on n and the CPU only.
#pragma once

namespace gmmot::linalg {

// Orders up to which the barycenter uses these kernels (LAPACK's blocked code beyond).
constexpr int kSmallWhiteningMax = 64;

// Rows of a padded column: n rounded up to a multiple of four.
constexpr int small_rows(int n) { return (n + 3) & ~3; }

// a (n columns of small_rows(n) rows; lower triangle read, padding rows set to zero) <- its
// lower Cholesky factor L, upper triangle zeroed. Returns false when a is not numerically
// positive definite (a pivot not above zero, or NaN), as dpotrf does; a is then unspecified.
bool small_cholesky(int n, double *a);

// g (plain n x n column-major, exactly symmetric) <- L^T L, l as small_cholesky leaves it.
void small_ltl(int n, const double *l, double *g);

// For K symmetric (padded, as l): z (padded) <- Z = K L^-1, x (padded) <- X = Z^T = L^-T K,
// and s (plain n x n, exactly symmetric) <- X X^T = (L^-T K)(L^-T K)^T.
void small_whiten_square(int n, const double *l, const double *k, double *z, double *x, double *s);

}  // namespace gmmot::linalg
