// SPDX-License-Identifier: MIT
// Sums of the singular values of up to eight upper bidiagonal matrices at once, by the dqds
// algorithm (Fernando & Parlett, Numer. Math. 67, 1994; shifts and deflation after Parlett &
// Marques, "An implementation of the dqds algorithm (positive case)", LAPACK Working Note 155).
//
// Why our own: one dqds sweep is a chain of dependent divisions, so LAPACK's dlasq1 on one small
// bidiagonal is bound by the divider's latency (~2/3 of a d = 27 Bures cost). Here eight
// independent problems advance in the lanes of two vector registers, each with its own shift,
// deflation and failure handling (lanes never mix, so a lane's result does not depend on its
// neighbours). Unusual inputs (zero or tiny entries, slow convergence) are not handled: the
// lane reports failure and the caller falls back to LAPACK.
#pragma once

#include <cstddef>

namespace gmmot::linalg {

constexpr int kDqdsLanes = 8;

// Scratch size of bidiagonal_singular_sums: two lane-interleaved qd arrays (q, e) and their
// transforms.
constexpr std::size_t dqds_work_doubles(int n) {
  return 4 * static_cast<std::size_t>(kDqdsLanes) * static_cast<std::size_t>(n);
}

// For lane l < count: diag[l] (n entries) and super[l] (n - 1 entries) are the bidiagonal B_l
// with entries scaled to about 1 (within 2^+-32 of it: no squares may under- or overflow; the
// result is exactly homogeneous in a power-of-two scale of B_l there). On return out[l] is the
// sum of the singular values of B_l, or -1 if this lane was not solved (use LAPACK instead).
// The sum, not each singular value, is what is accurate: converged bottom eigenvalues deflate
// as soon as that moves the sum by at most eps ||B_l||_F / n (dqds_lanes.cpp,
// try_early_deflation), earlier than dlasq3's test for high relative accuracy would.
// work must hold dqds_work_doubles(n) doubles.
void bidiagonal_singular_sums(int n, int count, const double *const *diag,
                              const double *const *super, double *work, double *out);

}  // namespace gmmot::linalg
