// SPDX-License-Identifier: MIT
#include "linalg/dense.hpp"

#include <algorithm>
#include <cmath>

#include <cblas.h>
#include <lapack.h>

#include "util/error.hpp"

namespace gmmot::linalg {

void Workspace::reserve(int n) {
  if (n <= n_) return;
  n_ = n;
  const std::size_t nn = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
  a.assign(nn, 0.0);
  c.assign(nn, 0.0);
  u.assign(nn, 0.0);
  vt.assign(nn, 0.0);
  s.assign(static_cast<std::size_t>(n), 0.0);
  iwork.assign(8 * static_cast<std::size_t>(std::max(n, 1)), 0);
  // Workspace queries, once per size.
  double q = 0.0;
  int info = 0, lw = -1, one = 1, nn_i = std::max(n, 1);
  LAPACK_dgesdd("N", &n, &n, a.data(), &nn_i, s.data(), u.data(), &one, vt.data(), &one, &q, &lw,
                iwork.data(), &info);
  lwork_values_ = static_cast<int>(q) + 1;
  LAPACK_dgesdd("A", &n, &n, a.data(), &nn_i, s.data(), u.data(), &nn_i, vt.data(), &nn_i, &q, &lw,
                iwork.data(), &info);
  lwork_full_ = static_cast<int>(q) + 1;
  LAPACK_dgesvd("N", "A", &n, &n, a.data(), &nn_i, s.data(), u.data(), &one, vt.data(), &nn_i, &q,
                &lw, &info);
  lwork_full_ = std::max(lwork_full_, static_cast<int>(q) + 1);
  // dgesvd fallback needs at most max(3n + n, 5n); dsyevd with vectors 1 + 6n + 2n^2.
  const int lwork = std::max({lwork_values_, lwork_full_, 5 * n + 8, 1 + 6 * n + 2 * n * n});
  work.assign(static_cast<std::size_t>(lwork), 0.0);
  iwork.assign(std::max<std::size_t>(8 * static_cast<std::size_t>(std::max(n, 1)), 3 + 5 * n), 0);
}

bool svd_values(int n, double *a, double *s, Workspace &ws) {
  ws.reserve(n);
  int info = 0, one = 1;
  int lwork = static_cast<int>(ws.work.size());
  // dgesdd destroys a even on failure; keep a copy for the fallback.
  std::copy(a, a + static_cast<std::size_t>(n) * n, ws.c.begin());
  LAPACK_dgesdd("N", &n, &n, a, &n, s, nullptr, &one, nullptr, &one, ws.work.data(), &lwork,
                ws.iwork.data(), &info);
  if (info == 0) return true;
  LAPACK_dgesvd("N", "N", &n, &n, ws.c.data(), &n, s, nullptr, &one, nullptr, &one, ws.work.data(),
                &lwork, &info);
  return info == 0;
}

void svd_full(int n, double *a, double *s, double *u, double *vt, Workspace &ws) {
  ws.reserve(n);
  int info = 0;
  int lwork = static_cast<int>(ws.work.size());
  std::copy(a, a + static_cast<std::size_t>(n) * n, ws.c.begin());
  LAPACK_dgesdd("A", &n, &n, a, &n, s, u, &n, vt, &n, ws.work.data(), &lwork, ws.iwork.data(),
                &info);
  if (info == 0) return;
  LAPACK_dgesvd("A", "A", &n, &n, ws.c.data(), &n, s, u, &n, vt, &n, ws.work.data(), &lwork, &info);
  if (info != 0)
    fail(Errc::Lapack,
         "SVD did not converge (dgesdd and dgesvd info " + std::to_string(info) + ")");
}

void svd_right(int n, double *a, double *s, double *vt, Workspace &ws) {
  ws.reserve(n);
  int info = 0, one = 1;
  int lwork = static_cast<int>(ws.work.size());
  std::copy(a, a + static_cast<std::size_t>(n) * n, ws.c.begin());
  LAPACK_dgesvd("N", "A", &n, &n, a, &n, s, nullptr, &one, vt, &n, ws.work.data(), &lwork, &info);
  if (info == 0) return;
  std::copy(ws.c.begin(), ws.c.begin() + static_cast<std::ptrdiff_t>(n) * n, a);
  svd_full(n, a, s, ws.u.data(), vt, ws);
}

bool sym_eig_ws(int n, double *a, double *w, Workspace &ws) {
  ws.reserve(n);
  int info = 0;
  int lwork = static_cast<int>(ws.work.size()), liwork = static_cast<int>(ws.iwork.size());
  LAPACK_dsyevd("V", "L", &n, a, &n, w, ws.work.data(), &lwork, ws.iwork.data(), &liwork, &info);
  return info == 0;
}

bool cholesky_lower(int n, double *a) {
  int info = 0;
  LAPACK_dpotrf("L", &n, a, &n, &info);
  if (info != 0) return false;
  for (int j = 1; j < n; ++j)
    for (int i = 0; i < j; ++i) a[i + static_cast<std::size_t>(j) * n] = 0.0;
  return true;
}

void sym_eig(int n, double *a, double *w) {
  int info = 0, lwork = -1, liwork = -1, iq = 0;
  double q = 0.0;
  LAPACK_dsyevd("V", "L", &n, a, &n, w, &q, &lwork, &iq, &liwork, &info);
  lwork = static_cast<int>(q) + 1;
  liwork = iq + 1;
  std::vector<double> work(static_cast<std::size_t>(lwork));
  std::vector<int> iwork(static_cast<std::size_t>(liwork));
  LAPACK_dsyevd("V", "L", &n, a, &n, w, work.data(), &lwork, iwork.data(), &liwork, &info);
  if (info != 0)
    fail(Errc::Lapack,
         "symmetric eigensolver did not converge (dsyevd info " + std::to_string(info) + ")");
}

void gemm(bool trans_a, bool trans_b, int n, double alpha, const double *a, const double *b,
          double beta, double *c) {
  cblas_dgemm(CblasColMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, n, n, n, alpha, a, n, b, n, beta, c, n);
}

void trsm_lower(bool left, bool trans, int n, const double *l, double *b) {
  cblas_dtrsm(CblasColMajor, left ? CblasLeft : CblasRight, CblasLower,
              trans ? CblasTrans : CblasNoTrans, CblasNonUnit, n, n, 1.0, l, n, b, n);
}

void trmm_lower_trans(int n, const double *l, double *b) {
  cblas_dtrmm(CblasColMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, n, n, 1.0, l, n, b,
              n);
}

void gemm_mnk(bool trans_a, bool trans_b, int m, int n, int k, double alpha, const double *a,
              int lda, const double *b, int ldb, double beta, double *c, int ldc) {
  cblas_dgemm(CblasColMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gemm_mnk_f(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float *a,
                int lda, const float *b, int ldb, float beta, float *c, int ldc) {
  cblas_sgemm(CblasColMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void syrk_lower_add(int n, int k, const double *a, int lda, double *c, int ldc) {
  cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, n, k, 1.0, a, lda, 1.0, c, ldc);
}

void trsm_lower_multi(int n, int nrhs, const double *l, double *b) {
  cblas_dtrsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, n, nrhs, 1.0, l, n,
              b, n);
}

void ata(int n, const double *a, double *c) {
  cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, n, n, 1.0, a, n, 0.0, c, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < j; ++i)
      c[i + static_cast<std::size_t>(j) * n] = c[j + static_cast<std::size_t>(i) * n];
}

void aat(int n, const double *a, double *c) {
  cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, n, n, 1.0, a, n, 0.0, c, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < j; ++i)
      c[i + static_cast<std::size_t>(j) * n] = c[j + static_cast<std::size_t>(i) * n];
}

}  // namespace gmmot::linalg
