// SPDX-License-Identifier: MIT
// The Gaussian Gromov-Wasserstein distance (Delon-Desolneux-Salmona, "Gromov-Wasserstein
// distances between Gaussian distributions", J. Appl. Probab. 2022, Thm 4.1): between
// mu = N(m0, S0) on R^m and nu = N(m1, S1) on R^n, the square-loss Gromov-Wasserstein problem
// with squared Euclidean distances, over the Gaussian couplings,
//   GGW^2 = min E[(|X - X'|^2 - |Y - Y'|^2)^2]  ((X, Y), (X', Y') independent, Gaussian),
// has the closed form, with d0 (m) and d1 (n) the eigenvalues of S0 and S1 sorted decreasingly
// and the shorter list padded with zeros,
//   GGW^2 = 4 (sum d0 - sum d1)^2 + 8 sum_i (d0_i - d1_i)^2,
// attained for m >= n by the linear map T(x) = m1 + A (x - m0), A = U1 D P U0^T (U the
// eigenvectors in the same order, P = [I_n 0], D = diag(sqrt(d1_i / d0_i))), which pushes mu
// onto nu. Eigenvectors have arbitrary signs: every sign choice gives an optimal map.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gmmot {

struct GaussianGw {
  double ggw2 = 0;
  bool has_map = false;   // computed and existing (m >= n, and d0_i > 0 wherever d1_i > 0)
  std::vector<double> a;  // n x m row-major, when has_map
  std::vector<double> b;  // n
};

// cov0 (m x m), cov1 (n x n): finite, symmetric (validate_covariance rules; *warning names a
// symmetrised one), positive semi-definite (Errc::NotPsd naming cov0 / cov1). mean0, mean1 may
// be null (zero). With want_map, Errc::NoMap when no map exists (m < n: the optimal coupling is
// then a map from nu to mu; or a needed source variance is zero), naming why.
// Errc::Dimension when m or n is 0.
GaussianGw gaussian_gromov_wasserstein(std::size_t m, const double *mean0, const double *cov0,
                                       std::size_t n, const double *mean1, const double *cov1,
                                       bool want_map, std::string *warning);

}  // namespace gmmot
