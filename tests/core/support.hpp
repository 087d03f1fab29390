// SPDX-License-Identifier: MIT
// Helpers shared by the core tests: random covariances with controlled spectra, dense
// reference computations by eigen-decomposition (an independent route from the library's
// factor/SVD route), and small matrix utilities. Matrices are row-major d x d.
#pragma once

#include <cmath>
#include <memory>
#include <random>
#include <vector>

#include "gaussian/gaussian_ot.hpp"
#include "linalg/covariance_factor.hpp"
#include "linalg/dense.hpp"
#include "mixture/gmm.hpp"

namespace gmmot::test {

using Mat = std::vector<double>;

// A shared copy of g, for the objects that hold mixtures by shared pointer (Mw2Plan).
inline std::shared_ptr<const Gmm> shared(const Gmm &g) { return std::make_shared<const Gmm>(g); }

inline Mat matmul(int d, const Mat &a, const Mat &b) {
  Mat c(static_cast<std::size_t>(d) * d, 0.0);
  for (int i = 0; i < d; ++i)
    for (int k = 0; k < d; ++k)
      for (int j = 0; j < d; ++j) c[i * d + j] += a[i * d + k] * b[k * d + j];
  return c;
}

inline Mat transpose(int d, const Mat &a) {
  Mat t(a.size());
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) t[j * d + i] = a[i * d + j];
  return t;
}

inline double trace(int d, const Mat &a) {
  double t = 0.0;
  for (int i = 0; i < d; ++i) t += a[i * d + i];
  return t;
}

inline double frob(const Mat &a) {
  double s = 0.0;
  for (double v : a) s += v * v;
  return std::sqrt(s);
}

// Random orthogonal matrix (Gram-Schmidt on a Gaussian matrix, twice for stability).
inline Mat random_orthogonal(int d, std::mt19937_64 &rng) {
  std::normal_distribution<double> n;
  Mat q(static_cast<std::size_t>(d) * d);
  for (auto &v : q) v = n(rng);
  for (int pass = 0; pass < 2; ++pass) {
    for (int j = 0; j < d; ++j) {
      for (int k = 0; k < j; ++k) {
        double dot = 0.0;
        for (int i = 0; i < d; ++i) dot += q[i * d + j] * q[i * d + k];
        for (int i = 0; i < d; ++i) q[i * d + j] -= dot * q[i * d + k];
      }
      double nrm = 0.0;
      for (int i = 0; i < d; ++i) nrm += q[i * d + j] * q[i * d + j];
      nrm = std::sqrt(nrm);
      for (int i = 0; i < d; ++i) q[i * d + j] /= nrm;
    }
  }
  return q;
}

// Q diag(eigs) Q^T, symmetrised.
inline Mat with_spectrum(int d, const std::vector<double> &eigs, const Mat &q) {
  Mat s(static_cast<std::size_t>(d) * d, 0.0);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j)
      for (int k = 0; k < d; ++k) s[i * d + j] += q[i * d + k] * eigs[k] * q[j * d + k];
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < i; ++j) s[i * d + j] = s[j * d + i];
  return s;
}

// Covariance with log-spaced eigenvalues from 1 down to 1/cond in a random basis; rank < d
// zeroes the smallest eigenvalues (exactly singular up to the rounding of Q diag Q^T).
inline Mat random_cov(int d, double cond, std::mt19937_64 &rng, int rank = -1) {
  std::vector<double> eigs(static_cast<std::size_t>(d));
  for (int i = 0; i < d; ++i) {
    eigs[i] = d == 1 ? 1.0 : std::pow(cond, -static_cast<double>(i) / (d - 1));
    if (rank >= 0 && i >= rank) eigs[i] = 0.0;
  }
  return with_spectrum(d, eigs, random_orthogonal(d, rng));
}

// Exactly singular covariance B B^T with small-integer B (d x r): every entry is exact.
inline Mat integer_low_rank(int d, int r, std::mt19937_64 &rng) {
  std::uniform_int_distribution<int> u(-3, 3);
  std::vector<double> b(static_cast<std::size_t>(d) * r);
  for (auto &v : b) v = u(rng);
  Mat s(static_cast<std::size_t>(d) * d, 0.0);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j)
      for (int k = 0; k < r; ++k) s[i * d + j] += b[i * r + k] * b[j * r + k];
  return s;
}

inline std::vector<double> random_vec(int d, std::mt19937_64 &rng, double scale = 1.0) {
  std::normal_distribution<double> n;
  std::vector<double> v(static_cast<std::size_t>(d));
  for (auto &x : v) x = scale * n(rng);
  return v;
}

// Symmetric PSD square root by eigen-decomposition (negative eigenvalues clamped).
inline Mat sqrtm_psd(int d, const Mat &s) {
  Mat v(s);
  std::vector<double> w(static_cast<std::size_t>(d));
  linalg::sym_eig(d, v.data(), w.data());  // column-major eigenvectors of a symmetric matrix
  Mat r(static_cast<std::size_t>(d) * d, 0.0);
  for (int k = 0; k < d; ++k) {
    const double sq = std::sqrt(std::max(w[k], 0.0));
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j) r[i * d + j] += v[i + k * d] * sq * v[j + k * d];
  }
  return r;
}

// Reference W2^2 by the textbook formula with eigen-decomposition square roots.
inline double w2sq_reference(int d, const std::vector<double> &m0, const Mat &s0,
                             const std::vector<double> &m1, const Mat &s1) {
  const Mat r0 = sqrtm_psd(d, s0);
  const Mat cross = sqrtm_psd(d, matmul(d, matmul(d, r0, s1), r0));
  double mean = 0.0;
  for (int i = 0; i < d; ++i) mean += (m0[i] - m1[i]) * (m0[i] - m1[i]);
  return mean + trace(d, s0) + trace(d, s1) - 2.0 * trace(d, cross);
}

inline CovFactor factor(int d, const Mat &s) { return make_factor(d, s.data(), "test", nullptr); }

inline double w2sq(int d, const std::vector<double> &m0, const Mat &s0,
                   const std::vector<double> &m1, const Mat &s1) {
  return gaussian_w2_squared(m0.data(), factor(d, s0), m1.data(), factor(d, s1));
}

}  // namespace gmmot::test
