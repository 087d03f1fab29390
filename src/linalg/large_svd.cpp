// SPDX-License-Identifier: MIT
#include "linalg/large_svd.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

#include <lapack.h>

#include "linalg/dqds_lanes.hpp"

namespace gmmot::linalg {
namespace {

// Band width of stage 1. Wider bands make the rank-b updates of stage 1 faster and the bulge
// chasing of stage 2 (O(n^2 b)) slower; 32 was the best of 16, 32, 48, 64 at n = 512 .. 2048 on
// the development machine (AMD EPYC, OpenBLAS 0.3.21).
constexpr int kBand = 32;

std::size_t at(int i, int j, int n) {
  return static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * static_cast<std::size_t>(n);
}

}  // namespace

LargeSvd::LargeSvd(int n) : n_(n), b_(std::max(1, std::min(n, kBand))) {
  const std::size_t nu = static_cast<std::size_t>(std::max(n, 1));
  tau_.assign(static_cast<std::size_t>(b_), 0.0);
  band_.assign(static_cast<std::size_t>(b_ + 1) * nu, 0.0);
  d_.assign(nu, 0.0);
  e_.assign(nu, 0.0);
  t_.assign(static_cast<std::size_t>(b_) * static_cast<std::size_t>(b_), 0.0);
  apply_.assign(static_cast<std::size_t>(b_) * nu, 0.0);
  // Workspace: the larger optimal size of the two panel factorisations (at k = 0, where they
  // are largest), at least what dgbbrd (2n), dbdsqr (4n) and dqds need.
  int info = 0, lw = -1, m = n, nb = b_, nc = std::max(n - b_, 1);
  double q = 0.0;
  std::size_t need = std::max<std::size_t>(dqds_work_doubles(n), 4 * nu);
  std::vector<double> a(1), t(1);
  LAPACK_dgeqrf(&m, &nb, a.data(), &m, t.data(), &q, &lw, &info);
  need = std::max(need, static_cast<std::size_t>(q));
  LAPACK_dgelqf(&nb, &nc, a.data(), &m, t.data(), &q, &lw, &info);
  need = std::max(need, static_cast<std::size_t>(q));
  work_.assign(need + 64, 0.0);
}

double LargeSvd::nuclear_norm(double *w) {
  const int n = n_, b = b_;
  const std::size_t nn = static_cast<std::size_t>(n) * static_cast<std::size_t>(n);
  double mx = 0.0;
  for (std::size_t i = 0; i < nn; ++i) mx = std::fmax(mx, std::fabs(w[i]));
  if (mx == 0.0) return 0.0;
  // Scale to O(1) by a power of two (exact) so no sum of squares under- or overflows; two
  // factors, since 2^-ex alone may not be representable for extreme ex.
  int ex = 0;
  std::frexp(mx, &ex);
  const double f1 = std::ldexp(1.0, -ex / 2), f2 = std::ldexp(1.0, -ex - (-ex / 2));
  for (std::size_t i = 0; i < nn; ++i) w[i] = (w[i] * f1) * f2;

  // Stage 1: dense -> upper band (entries (i, j) with i <= j <= i + b).
  int info = 0, lwork = static_cast<int>(work_.size());
  for (int k = 0; k < n; k += b) {
    int m = n - k, nb = std::min(b, n - k), nc = n - k - nb, ld = n;
    double *panel = w + at(k, k, n);
    LAPACK_dgeqrf(&m, &nb, panel, &ld, tau_.data(), work_.data(), &lwork, &info);
    if (info != 0) return -1.0;
    if (nc == 0) break;
    // Apply the panel's block reflector explicitly (dlarft + dlarfb, i.e. dgemm): dormqr and
    // dormlq fall back to one reflector at a time when the panel is not wider than LAPACK's
    // block size, which made stage 1 ten times slower at b = 32.
    double *right = w + at(k, k + nb, n);  // rows k.., columns k+nb..
    int ldt = b;
    LAPACK_dlarft("F", "C", &m, &nb, panel, &ld, tau_.data(), t_.data(), &ldt);
    LAPACK_dlarfb("L", "T", "F", "C", &m, &nc, &nb, panel, &ld, t_.data(), &ldt, right, &ld,
                  apply_.data(), &nc);
    // Rows k .. k+nb-1 of the columns right of the panel: A = L Q, then the rows below get Q^T.
    int kk = std::min(nb, nc), below = n - k - nb;
    LAPACK_dgelqf(&nb, &nc, right, &ld, tau_.data(), work_.data(), &lwork, &info);
    if (info != 0) return -1.0;
    LAPACK_dlarft("F", "R", &nc, &kk, right, &ld, tau_.data(), t_.data(), &ldt);
    LAPACK_dlarfb("R", "N", "F", "R", &below, &nc, &kk, right, &ld, t_.data(), &ldt, right + nb,
                  &ld, apply_.data(), &below);
  }

  // Stage 2: the band in LAPACK band storage (AB(b + i - j, j) = A(i, j)), then bidiagonal.
  // Outside the band w holds the reflectors, which are not copied.
  const int ldab = b + 1;
  for (int j = 0; j < n; ++j) {
    double *col = band_.data() + static_cast<std::size_t>(j) * ldab;
    for (int r = 0; r < ldab; ++r) col[r] = 0.0;
    for (int i = std::max(0, j - b); i <= j; ++i) col[b + i - j] = w[at(i, j, n)];
  }
  int zero = 0, one = 1, mm = n, nnn = n;
  LAPACK_dgbbrd("N", &mm, &nnn, &zero, &zero, &b, band_.data(), &ldab, d_.data(), e_.data(),
                nullptr, &one, nullptr, &one, nullptr, &one, work_.data(), &info);
  if (info != 0) return -1.0;

  // Stage 3: the bidiagonal's singular values.
  const double *diag = d_.data(), *super = e_.data();
  double sum = 0.0;
  bidiagonal_singular_sums(n, 1, &diag, &super, work_.data(), &sum);
  if (sum < 0.0) {  // our dqds declined: LAPACK's, which splits (d_ and e_ are still intact)
    LAPACK_dbdsqr("U", &nnn, &zero, &zero, &zero, d_.data(), e_.data(), nullptr, &one, nullptr,
                  &one, nullptr, &one, work_.data(), &info);
    if (info != 0) return -1.0;
    sum = 0.0;
    for (int i = 0; i < n; ++i) sum += std::fabs(d_[i]);
  }
  return std::ldexp(sum, ex);
}

}  // namespace gmmot::linalg
