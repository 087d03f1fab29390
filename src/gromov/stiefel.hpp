// SPDX-License-Identifier: MIT
// The Stiefel manifold V_d(R^D) of D x d matrices with orthonormal columns (D >= d), as used by
// EW2 and MEW2 (embedding.hpp). Matrices are row-major D x d.
#pragma once

#include <cstddef>
#include <vector>

#include "util/rng.hpp"

namespace gmmot::stiefel {

// The projection of g onto the manifold in the Frobenius norm: its orthonormal polar factor
// U V^T (g = U S V^T, thin SVD), which is also the maximiser of <g, P> over the manifold
// (Procrustes). Computed as Householder QR g = Q R, then the SVD of the small d x d R
// (linalg), so that a rank-deficient g still gives orthonormal columns (any completion of the
// maximiser). out: D x d; may not alias g.
void polar(std::size_t big, std::size_t small, const double *g, double *out);

// The tangent component of g at p: g - p sym(p^T g) (the Riemannian gradient of a function
// whose Euclidean gradient is g, for the embedded metric). out: D x d.
void tangent(std::size_t big, std::size_t small, const double *p, const double *g, double *out);

// A point uniform on the manifold (Haar): the polar factor of a standard Gaussian matrix.
std::vector<double> random_point(std::size_t big, std::size_t small, Xoshiro256 &rng);

// max |P^T P - I|, for tests and assertions.
double orthonormality_error(std::size_t big, std::size_t small, const double *p);

}  // namespace gmmot::stiefel
