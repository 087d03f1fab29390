// SPDX-License-Identifier: MIT
// linalg/small_whitening.hpp, the barycenter step's dense kernels at small orders, against
// long-double references: the Cholesky factor, L^T L and (L^-T K)(L^-T K)^T, with their layout
// promises (upper triangle and padding zero, exact symmetry) and dpotrf's refusal of matrices
// that are not positive definite.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "linalg/small_whitening.hpp"

namespace {

using Real = long double;
using gmmot::linalg::small_rows;

// G G^T / n + shift I, G standard normal (column-major n x n, exactly symmetric).
std::vector<double> random_spd(int n, double shift, std::mt19937_64 &rng) {
  std::normal_distribution<double> normal;
  std::vector<double> g(static_cast<std::size_t>(n) * n), s(g.size());
  for (double &x : g) x = normal(rng);
  for (int j = 0; j < n; ++j)
    for (int i = j; i < n; ++i) {
      double acc = 0.0;
      for (int k = 0; k < n; ++k) acc += g[i + k * n] * g[j + k * n];
      s[i + j * n] = s[j + i * n] = acc / n + (i == j ? shift : 0.0);
    }
  return s;
}

// The plain n x n matrix a in the padded layout; the padding rows hold `pad`.
std::vector<double> padded(int n, const std::vector<double> &a, double pad = 0.0) {
  const int m = small_rows(n);
  std::vector<double> p(static_cast<std::size_t>(m) * n, pad);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) p[i + j * m] = a[i + j * n];
  return p;
}

// Lower Cholesky factor in long double (row-major-free: column-major n x n).
std::vector<Real> cholesky_ld(int n, const std::vector<double> &a) {
  std::vector<Real> l(static_cast<std::size_t>(n) * n, 0.0L);
  for (int j = 0; j < n; ++j) {
    Real d = a[j + j * n];
    for (int k = 0; k < j; ++k) d -= l[j + k * n] * l[j + k * n];
    l[j + j * n] = std::sqrt(d);
    for (int i = j + 1; i < n; ++i) {
      Real v = a[i + j * n];
      for (int k = 0; k < j; ++k) v -= l[i + k * n] * l[j + k * n];
      l[i + j * n] = v / l[j + j * n];
    }
  }
  return l;
}

double max_abs(const std::vector<double> &a) {
  double m = 0.0;
  for (double v : a) m = std::max(m, std::fabs(v));
  return m;
}

}  // namespace

TEST_CASE("small whitening kernels: Cholesky, L^T L, (L^-T K)(L^-T K)^T against long double",
          "[linalg][barycenter]") {
  std::mt19937_64 rng(20261206);
  for (int n : {1, 2, 3, 4, 5, 8, 13, 16, 27, 31, 33, 64}) {
    CAPTURE(n);
    const int m = small_rows(n);
    const std::vector<double> s = random_spd(n, 1e-2, rng);
    std::vector<double> lp = padded(n, s);
    // Garbage in the upper triangle must not matter (only the lower one is read).
    for (int j = 1; j < n; ++j)
      for (int i = 0; i < j; ++i) lp[i + j * m] = 1e300;
    REQUIRE(gmmot::linalg::small_cholesky(n, lp.data()));
    const std::vector<Real> l_ref = cholesky_ld(n, s);
    double l_err = 0.0, l_max = 0.0;
    for (int j = 0; j < n; ++j)
      for (int r = 0; r < m; ++r) {
        const double v = lp[r + j * m];
        if (r < j || r >= n) {
          REQUIRE(v == 0.0);  // upper triangle and padding zero
          continue;
        }
        l_err = std::max(l_err, static_cast<double>(std::fabs(v - l_ref[r + j * n])));
        l_max = std::max(l_max, std::fabs(v));
      }
    CHECK(l_err <= 64 * n * std::numeric_limits<double>::epsilon() * l_max);

    // G = L^T L of the factor computed, exactly symmetric.
    std::vector<double> g(static_cast<std::size_t>(n) * n);
    gmmot::linalg::small_ltl(n, lp.data(), g.data());
    double g_err = 0.0;
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        REQUIRE(g[i + j * n] == g[j + i * n]);
        Real acc = 0.0L;
        for (int r = std::max(i, j); r < n; ++r)
          acc += static_cast<Real>(lp[r + i * m]) * lp[r + j * m];
        g_err = std::max(g_err, static_cast<double>(std::fabs(g[i + j * n] - acc)));
      }
    CHECK(g_err <= 4 * n * std::numeric_limits<double>::epsilon() * max_abs(g));

    // S+ = X X^T with X = L^-T K for a symmetric K, against a long-double solve.
    const std::vector<double> k = random_spd(n, 0.5, rng);
    std::vector<double> kp = padded(n, k), zp(kp.size(), 7.0), xp(kp.size(), 7.0),
                        out(static_cast<std::size_t>(n) * n);
    gmmot::linalg::small_whiten_square(n, lp.data(), kp.data(), zp.data(), xp.data(), out.data());
    std::vector<Real> x(static_cast<std::size_t>(n) * n);  // L^T X = K, back substitution
    for (int c = 0; c < n; ++c)
      for (int i = n - 1; i >= 0; --i) {
        Real v = k[i + c * n];
        for (int r = i + 1; r < n; ++r) v -= static_cast<Real>(lp[r + i * m]) * x[r + c * n];
        x[i + c * n] = v / lp[i + i * m];
      }
    double s_err = 0.0, s_max = 0.0;
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) {
        REQUIRE(out[i + j * n] == out[j + i * n]);
        Real acc = 0.0L;
        for (int c = 0; c < n; ++c) acc += x[i + c * n] * x[j + c * n];
        s_err = std::max(s_err, static_cast<double>(std::fabs(out[i + j * n] - acc)));
        s_max = std::max(s_max, static_cast<double>(std::fabs(acc)));
      }
    // The solve's rounding grows with the condition number of L (shift 1e-2: cond(S) <~ 1e3).
    CHECK(s_err <= 1e-11 * s_max);
    for (int j = 0; j < n; ++j)
      for (int r = n; r < m; ++r) CHECK(xp[r + j * m] == 0.0);  // X keeps a zero padding
  }
}

TEST_CASE("small Cholesky refuses what dpotrf refuses: indefinite, singular, NaN",
          "[linalg][barycenter]") {
  for (int n : {1, 3, 27}) {
    CAPTURE(n);
    std::mt19937_64 rng(7 + n);
    std::vector<double> s = random_spd(n, 1e-2, rng);
    std::vector<double> neg = s;
    neg[(n - 1) + (n - 1) * n] = -1.0;  // the last pivot goes negative
    std::vector<double> p = padded(n, neg);
    CHECK_FALSE(gmmot::linalg::small_cholesky(n, p.data()));
    std::vector<double> zero(static_cast<std::size_t>(n) * n, 0.0);
    p = padded(n, zero);
    CHECK_FALSE(gmmot::linalg::small_cholesky(n, p.data()));
    std::vector<double> nan = s;
    nan[0] = std::numeric_limits<double>::quiet_NaN();
    p = padded(n, nan);
    CHECK_FALSE(gmmot::linalg::small_cholesky(n, p.data()));
  }
}

TEST_CASE("small Cholesky: padding rows are zeroed, so a buffer reused after a failure is clean",
          "[linalg][barycenter]") {
  for (int n : {3, 5, 27}) {  // orders with padding rows
    CAPTURE(n);
    const int m = small_rows(n);
    std::mt19937_64 rng(11 + n);
    const std::vector<double> s = random_spd(n, 1e-2, rng);
    const std::vector<double> clean = padded(n, s);
    REQUIRE(gmmot::linalg::small_cholesky(n, std::vector<double>(clean).data()));
    std::vector<double> want = clean;
    REQUIRE(gmmot::linalg::small_cholesky(n, want.data()));
    // A NaN below the diagonal fails the factorisation and reaches the padding rows.
    std::vector<double> bad = s;
    bad[(n - 1) + 0 * n] = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> buf = padded(n, bad);
    CHECK_FALSE(gmmot::linalg::small_cholesky(n, buf.data()));
    // The caller then copies the next matrix's n rows only, as the barycenter does.
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i) buf[i + j * m] = s[i + j * n];
    REQUIRE(gmmot::linalg::small_cholesky(n, buf.data()));
    CHECK(buf == want);  // the same factor, padding rows zero
    // Garbage in the padding rows on entry is ignored too.
    std::vector<double> junk = padded(n, s, std::numeric_limits<double>::quiet_NaN());
    REQUIRE(gmmot::linalg::small_cholesky(n, junk.data()));
    CHECK(junk == want);
  }
}
