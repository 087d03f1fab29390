// SPDX-License-Identifier: MIT
// The deterministic start of EW2 and MEW2 (gmmot/mew2.h): P = U_L [I_d; 0] diag(s) U_S^T, the
// eigenvectors of the two global covariances matched in decreasing order of eigenvalue, with
// the sign pattern s (bit j of `flips` set: column j of U_S negated).
#pragma once

#include <cstddef>
#include <vector>

namespace gmmot {

// Eigenvectors of a symmetric n x n row-major matrix, in decreasing order of eigenvalue, as the
// columns of an n x n row-major matrix; each one's sign makes its largest-magnitude entry
// positive (the first such entry in case of a tie), so the result does not depend on LAPACK's
// choice of signs.
std::vector<double> sorted_eigenvectors(std::size_t n, const double *sym);

// The start for sign pattern `flips` from the eigenvectors (as sorted_eigenvectors gives them)
// of the large side's covariance (D x D) and the small side's (d x d): D x d row-major.
std::vector<double> covariance_start(std::size_t big, std::size_t small,
                                     const std::vector<double> &u_large,
                                     const std::vector<double> &u_small, unsigned long flips);

}  // namespace gmmot
