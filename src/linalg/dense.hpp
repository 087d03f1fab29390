// SPDX-License-Identifier: MIT
// Thin wrappers over LAPACK (Fortran interface, no hidden allocation) and CBLAS. Every matrix
// here is column-major and square n x n with leading dimension n. Callers validate inputs
// (finite values) before calling: LAPACK's own checks miss Inf.
#pragma once

#include <vector>

namespace gmmot::linalg {

// Reusable LAPACK workspace for one thread and one size n (grows on demand).
class Workspace {
 public:
  explicit Workspace(int n = 0) { reserve(n); }
  void reserve(int n);
  int n() const { return n_; }

  std::vector<double> a, c, s, u, vt, work;
  std::vector<int> iwork;

 private:
  int n_ = -1;
  friend bool svd_values(int, double *, double *, Workspace &);
  friend void svd_full(int, double *, double *, double *, double *, Workspace &);
  friend void svd_right(int, double *, double *, double *, Workspace &);
  friend bool sym_eig_ws(int, double *, double *, Workspace &);
  int lwork_values_ = 0;
  int lwork_full_ = 0;
};

// Singular values (descending) of the n x n matrix a, which is destroyed. Returns false if
// LAPACK failed to converge with both dgesdd and dgesvd.
bool svd_values(int n, double *a, double *s, Workspace &ws);

// Full SVD a = u diag(s) vt of the n x n matrix a (destroyed). Throws Errc::Lapack on failure.
void svd_full(int n, double *a, double *s, double *u, double *vt, Workspace &ws);

// Singular values and right singular vectors only (a = u diag(s) vt, u not formed), by QR
// iteration (dgesvd), which is cheaper than a full SVD when u is not needed; a is destroyed.
void svd_right(int n, double *a, double *s, double *vt, Workspace &ws);

// In-place lower Cholesky factor of the symmetric matrix a (upper triangle zeroed).
// Returns false if a is not numerically positive definite.
bool cholesky_lower(int n, double *a);

// Reciprocal condition number in the 1-norm from a Cholesky factor of a matrix whose 1-norm is
// anorm: exact up to order 80, dpocon's estimate above; never above dpocon's estimate beyond
// rounding (cholesky_rcond.cpp).
double cholesky_rcond(int n, const double *l, double anorm);

// 1-norm of a symmetric matrix.
double sym_norm1(int n, const double *a);

// sym_eig with the workspace's buffers (no allocation): eigenvalues ascending into w,
// eigenvectors (columns) overwrite a. Returns false if dsyevd failed.
bool sym_eig_ws(int n, double *a, double *w, Workspace &ws);

// Eigen-decomposition of the symmetric matrix a: eigenvalues ascending into w, eigenvectors
// (columns) overwrite a. Throws Errc::Lapack on failure.
void sym_eig(int n, double *a, double *w);

// c = alpha * op(a) * op(b) + beta * c.
void gemm(bool trans_a, bool trans_b, int n, double alpha, const double *a, const double *b,
          double beta, double *c);

// b <- op(L)^-1 b (left) or b op(L)^-1 (right) for lower-triangular L.
void trsm_lower(bool left, bool trans, int n, const double *l, double *b);

// b <- L^T b for lower-triangular L (n x n) and b n x n (dtrmm: blocked, on the BLAS's threads).
void trmm_lower_trans(int n, const double *l, double *b);

// General column-major c (m x n) = alpha * op(a) * op(b) + beta * c with inner dimension k.
void gemm_mnk(bool trans_a, bool trans_b, int m, int n, int k, double alpha, const double *a,
              int lda, const double *b, int ldb, double beta, double *c, int ldc);

// The same in single precision (sgemm), for products that only steer a heuristic.
void gemm_mnk_f(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a,
                int lda, const float *b, int ldb, float beta, float *c, int ldc);

// Lower triangle of the column-major c (n x n) += a a^T for a column-major n x k (the upper
// triangle is not referenced).
void syrk_lower_add(int n, int k, const double *a, int lda, double *c, int ldc);

// b (n x nrhs, leading dimension n) <- L^-1 b for lower-triangular L (n x n).
void trsm_lower_multi(int n, int nrhs, const double *l, double *b);

// c = a^T a (full symmetric result).
void ata(int n, const double *a, double *c);

// c = a a^T (full symmetric result).
void aat(int n, const double *a, double *c);

}  // namespace gmmot::linalg
