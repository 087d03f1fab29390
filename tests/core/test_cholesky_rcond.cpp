// SPDX-License-Identifier: MIT
// linalg::cholesky_rcond and sym_norm1 up to order 80 (computed exactly, without dpocon, in
// four-column vector blocks: orders around the block and chunk edges are checked) against a
// long-double inverse, and never above LAPACK's estimate: so a covariance factor accepted as
// well-conditioned would also have been accepted by dpocon. Above order 80, dpocon itself.
#include <catch2/catch.hpp>

#include <lapack.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "linalg/dense.hpp"

namespace {

using Real = long double;

// 1 / (||A||_1 ||A^-1||_1) by Gauss-Jordan with partial pivoting in long double.
// 1 / (anorm ||L^-T L^-1||_1) in long double from the computed factor L (column-major, lower):
// what cholesky_rcond computes, without its rounding in forming L^-1 (relative error about
// n eps cond(L), cond(L) = sqrt(cond(A))).
double reference_rcond_from_factor(int n, const std::vector<double> &l, double anorm) {
  std::vector<Real> x(static_cast<std::size_t>(n) * n, 0.0L);  // X = L^-1, column-major
  const auto at = [n](int i, int j) {
    return static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * n;
  };
  for (int j = 0; j < n; ++j) {
    x[at(j, j)] = 1.0L / l[at(j, j)];
    for (int i = j + 1; i < n; ++i) {
      Real acc = 0.0L;
      for (int k = j; k < i; ++k) acc += static_cast<Real>(l[at(i, k)]) * x[at(k, j)];
      x[at(i, j)] = -acc / l[at(i, i)];
    }
  }
  Real inv = 0.0L;
  for (int j = 0; j < n; ++j) {
    Real col = 0.0L;
    for (int i = 0; i < n; ++i) {
      Real b = 0.0L;
      for (int k = std::max(i, j); k < n; ++k) b += x[at(k, i)] * x[at(k, j)];
      col += std::fabs(b);
    }
    inv = std::max(inv, col);
  }
  return static_cast<double>(1.0L / (static_cast<Real>(anorm) * inv));
}

double reference_rcond(int n, const std::vector<double> &a) {
  std::vector<Real> m(static_cast<std::size_t>(n) * 2 * n, 0.0L);
  const auto at = [n](int i, int j) { return static_cast<std::size_t>(i) * 2 * n + j; };
  Real anorm = 0.0L;
  for (int j = 0; j < n; ++j) {
    Real col = 0.0L;
    for (int i = 0; i < n; ++i)
      col += std::fabs(static_cast<Real>(a[i + static_cast<std::size_t>(j) * n]));
    anorm = std::max(anorm, col);
  }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) m[at(i, j)] = a[i + static_cast<std::size_t>(j) * n];
    m[at(i, n + i)] = 1.0L;
  }
  for (int c = 0; c < n; ++c) {
    int p = c;
    for (int r = c + 1; r < n; ++r)
      if (std::fabs(m[at(r, c)]) > std::fabs(m[at(p, c)])) p = r;
    for (int j = 0; j < 2 * n; ++j) std::swap(m[at(c, j)], m[at(p, j)]);
    const Real piv = m[at(c, c)];
    for (int j = 0; j < 2 * n; ++j) m[at(c, j)] /= piv;
    for (int r = 0; r < n; ++r) {
      if (r == c) continue;
      const Real f = m[at(r, c)];
      for (int j = 0; j < 2 * n; ++j) m[at(r, j)] -= f * m[at(c, j)];
    }
  }
  Real inv = 0.0L;
  for (int j = 0; j < n; ++j) {
    Real col = 0.0L;
    for (int i = 0; i < n; ++i) col += std::fabs(m[at(i, n + j)]);
    inv = std::max(inv, col);
  }
  return static_cast<double>(1.0L / (anorm * inv));
}

// A random SPD matrix (column-major) with eigenvalues 10^(-decades t), t in [0, 1].
std::vector<double> random_spd(int n, double decades, std::mt19937_64 &rng) {
  std::normal_distribution<double> g;
  std::vector<double> q(static_cast<std::size_t>(n) * n), a(q.size(), 0.0);
  for (double &v : q) v = g(rng);
  // Gram-Schmidt: orthonormal columns.
  for (int j = 0; j < n; ++j) {
    for (int k = 0; k < j; ++k) {
      double d = 0.0;
      for (int i = 0; i < n; ++i) d += q[i + k * n] * q[i + j * n];
      for (int i = 0; i < n; ++i) q[i + j * n] -= d * q[i + k * n];
    }
    double s = 0.0;
    for (int i = 0; i < n; ++i) s += q[i + j * n] * q[i + j * n];
    for (int i = 0; i < n; ++i) q[i + j * n] /= std::sqrt(s);
  }
  for (int k = 0; k < n; ++k) {
    const double lam = std::pow(10.0, -decades * (n == 1 ? 0.0 : double(k) / (n - 1)));
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) a[i + j * n] += lam * q[i + k * n] * q[j + k * n];
  }
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < j; ++i) a[i + j * n] = a[j + i * n] = 0.5 * (a[i + j * n] + a[j + i * n]);
  return a;
}

}  // namespace

TEST_CASE("cholesky_rcond: exact up to order 80, never above dpocon's estimate", "[linalg]") {
  std::mt19937_64 rng(2026);
  int checked = 0;
  const std::vector<int> orders = {1,  2,  3,  4,  5,  8,  13, 16, 17, 19, 20, 21,
                                   24, 27, 31, 32, 33, 40, 48, 64, 79, 80, 81, 96};
  for (int n : orders) {
    for (double decades : {0.0, 2.0, 6.0, 10.0}) {
      const int trials = n <= 16 ? 8 : 3;
      for (int trial = 0; trial < trials; ++trial) {
        const std::vector<double> a = random_spd(n, decades, rng);
        std::vector<double> l = a;
        REQUIRE(gmmot::linalg::cholesky_lower(n, l.data()));
        const double anorm = gmmot::linalg::sym_norm1(n, a.data());
        std::vector<double> work(n);
        const double lapack_norm = LAPACK_dlansy("1", "L", &n, a.data(), &n, work.data());
        CHECK(anorm == Approx(lapack_norm).epsilon(1e-15));
        const double r = gmmot::linalg::cholesky_rcond(n, l.data(), anorm);
        const double ref = reference_rcond(n, a);
        INFO("n " << n << " decades " << decades << " trial " << trial);
        // Against A's own inverse: the factor's rounding moves rcond by about cond * eps
        // relative (a loose check at large condition numbers) ...
        if (n <= 80) CHECK(r == Approx(ref).epsilon(std::max(1e-12, 1e2 * n * 2.2e-16 / ref)));
        // ... and against the same factor's inverse in long double, within n eps cond(L).
        if (n <= 80) {
          const double ref_l = reference_rcond_from_factor(n, l, anorm);
          CHECK(r == Approx(ref_l).epsilon(std::max(1e-13, 1e2 * n * 2.2e-16 / std::sqrt(ref_l))));
        }
        double est = 0.0;
        int info = 0;
        std::vector<double> w3(3 * n);
        std::vector<int> iw(n);
        LAPACK_dpocon("L", &n, l.data(), &n, &anorm, &est, w3.data(), iw.data(), &info);
        REQUIRE(info == 0);
        CHECK(r <= est * (1.0 + 1e-12));
        if (n > 80) CHECK(r == est);  // dpocon's own estimate above the exact range
        ++checked;
      }
    }
  }
  CHECK(checked == 8 * 4 * 8 + 16 * 4 * 3);
}

TEST_CASE("cholesky_rcond: singular and degenerate factors give 0", "[linalg]") {
  const double l2[4] = {1.0, 0.5, 0.0, 0.0};  // L = [1 0; 0.5 0]: singular
  CHECK(gmmot::linalg::cholesky_rcond(2, l2, 1.0) == 0.0);
  const double l1[1] = {2.0};
  CHECK(gmmot::linalg::cholesky_rcond(1, l1, 0.0) == 0.0);  // a zero matrix's norm
  CHECK(gmmot::linalg::cholesky_rcond(1, l1, 4.0) == Approx(1.0));
  const double tiny[1] = {1e-200};  // L^-1 overflows in the product: no infinite rcond
  const double r = gmmot::linalg::cholesky_rcond(1, tiny, 1e-300);
  CHECK(std::isfinite(r));
  CHECK(r >= 0.0);
  CHECK(gmmot::linalg::cholesky_rcond(0, l1, 1.0) == 1.0);
  // The same at orders beyond the stack scratch (n > 16) and across vector blocks.
  for (int n : {17, 27, 64}) {
    std::vector<double> l(static_cast<std::size_t>(n) * n, 0.0);
    for (int i = 0; i < n; ++i) l[i * (n + 1)] = 1.0;
    CHECK(gmmot::linalg::cholesky_rcond(n, l.data(), 1.0) == Approx(1.0));  // the identity
    l[(n - 2) * (n + 1)] = 0.0;                                             // a zero pivot
    CHECK(gmmot::linalg::cholesky_rcond(n, l.data(), 1.0) == 0.0);
    l[(n - 2) * (n + 1)] = 1e-200;  // L^-1 finite, its square overflows
    CHECK(gmmot::linalg::cholesky_rcond(n, l.data(), 1.0) == 0.0);
    l[(n - 2) * (n + 1)] = 1.0;
    l[n - 1] = std::nan("");  // a NaN below the diagonal
    CHECK(gmmot::linalg::cholesky_rcond(n, l.data(), 1.0) == 0.0);
  }
}
