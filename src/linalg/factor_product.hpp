// SPDX-License-Identifier: MIT
// W = Fb^T Fa for two d x d column-major factors, in axpy form (W[:, j] += Fa[k, j] * row k of
// Fb) so that it vectorises, skipping the zero triangles when both factors are lower
// triangular (Cholesky): about d^3 / 3 multiply-adds instead of dgemm's d^3 plus its setup.
#pragma once

namespace gmmot::linalg {

// fa: Fa (column-major); fb_t: Fb^T (column-major, i.e. Fb row-major); w: d x d output.
void factor_product(int d, const double *fa, const double *fb_t, bool both_lower, double *w);

}  // namespace gmmot::linalg
