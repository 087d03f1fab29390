// SPDX-License-Identifier: MIT
// A validated covariance and its factor, computed once and reused by every pairwise quantity.
// S = 4^scale_exp * F F^T with F square (d x d, column-major): the power-of-two scaling keeps
// the factor's entries O(1), so covariances from 1e-300 to 1e300 lose no accuracy
// (numerics.md A.3, A.7.5).
#pragma once

#include <string>
#include <vector>

namespace gmmot {

enum class FactorKind {
  Diagonal,  // off-diagonal entries exactly zero: F = diag(sqrt(s_ii))
  Cholesky,  // well-conditioned positive definite: F = L, lower triangular
  Eigen      // singular or nearly so: F = V diag(sqrt(max(lambda, 0)))
};

struct CovFactor {
  int d = 0;
  FactorKind kind = FactorKind::Diagonal;
  int scale_exp = 0;
  double scale = 1;            // 2^scale_exp, exact (|scale_exp| <= 540)
  std::vector<double> f;       // d x d factor of the scaled covariance
  std::vector<double> f_t;     // its transpose (column-major), for vectorised factor products
  std::vector<double> scaled;  // the scaled symmetric covariance 4^-scale_exp S
  std::vector<double> eigvec;  // Eigen: eigenvectors (columns); empty otherwise
  std::vector<double> eigval;  // Eigen/Diagonal: clamped eigenvalues of the scaled covariance
                               // (Diagonal: in coordinate order); empty for Cholesky
  int rank = 0;                // eigenvalues above the rank threshold (d for Cholesky)
  double rank_threshold = 0;   // scaled eigenvalues at or below this count as zero
  std::vector<double> sd;      // Diagonal: square roots of the unscaled variances (clamped at 0)
  double trace = 0;            // trace of the unscaled covariance
  double log_pdet = 0;         // log of the product of the nonzero eigenvalues (unscaled)
  double sqrt_max_eig = 0;     // sqrt of the largest eigenvalue (unscaled), a length scale
  double abs_det_f = 0;        // |det F| (scaled units), accurate to rounding: product of the
                               // diagonal (Cholesky) or of sqrt(eigenvalues)

  bool full_rank() const { return rank == d; }
};

// Checks that the d x d row-major matrix `cov` is finite and symmetric (rules in gmmot/gmm.h)
// and writes its symmetrised copy to `sym` (d*d). `what` names it in errors, e.g.
// "covs[2]". If the asymmetry was above rounding level (the call then ends with a
// warning) and *warning is empty, *warning receives a text naming `what` and the asymmetry.
void validate_covariance(int d, const double *cov, const std::string &what, double *sym,
                         std::string *warning);

// Factors a symmetric matrix already passed through validate_covariance; Errc::NotPsd names
// `what` if it has a clearly negative eigenvalue.
CovFactor factor_covariance(int d, const double *sym, const std::string &what);

// Both of the above.
CovFactor make_factor(int d, const double *cov, const std::string &what, std::string *warning);

// factor_covariance for a matrix whose Cholesky factor the caller already has (EM keeps one per
// component, em.cpp): sym = 4^l_exp L L^T up to rounding, L lower triangular (d x d,
// column-major, upper triangle ignored) with a positive diagonal. The factorisation is skipped:
// the result is what factor_covariance(d, sym, what) returns, except that a Cholesky factor is
// L times a power of two, which differs from a recomputed one by rounding only (both are
// backward-stable factors of sym).
// Invariants the caller guarantees, because they are not checked: sym is finite and exactly
// symmetric (what validate_covariance would produce; L L^T written symmetrically is), and it is
// L L^T (scaled) to rounding, not some other matrix. Still checked, as in factor_covariance:
// the conditioning (an ill-conditioned L gives the eigen-factor of sym, computed afresh);
// exactly diagonal matrices get the Diagonal kind, and those with a diagonal entry below 2^-970
// (where entries of sym may have lost bits to subnormals: at and above it, a subnormal
// off-diagonal entry's error is below rounding relative to sqrt(s_ii s_jj)) are factored afresh.
CovFactor factor_from_cholesky(int d, const double *sym, const double *l, int l_exp,
                               const std::string &what);

// Checks that n doubles are finite. The message names `what` and the entry as `what`[i], or,
// for a row-major array with rows of length `row` > 0, as `what`[i / row][i % row].
void require_finite(const double *x, std::size_t n, const std::string &what, std::size_t row = 0);

}  // namespace gmmot
