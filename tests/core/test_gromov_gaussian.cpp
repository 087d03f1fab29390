// SPDX-License-Identifier: MIT
// The Gaussian Gromov-Wasserstein closed form (Delon-Desolneux-Salmona 2022, Thm 4.1) against
// independent computations: the objective of the returned map by the Gaussian moment formula
// E[(Z^T M Z)^2] = (tr M S)^2 + 2 tr(M S M S) for Z ~ N(0, S), S = 2 cov0, M = I - A^T A (dense
// products, no eigen-decomposition), the push-forward A cov0 A^T = cov1, other maps pushing mu
// onto nu (never better), the 1-D value 12 (s^2 - t^2)^2, invariance, symmetry and errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "gromov/gaussian_gw.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

// A (n x m) times B (m x p).
Mat mul(std::size_t n, std::size_t m, std::size_t p, const Mat &a, const Mat &b) {
  Mat c(n * p, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < m; ++k)
      for (std::size_t j = 0; j < p; ++j) c[i * p + j] += a[i * m + k] * b[k * p + j];
  return c;
}

Mat trans(std::size_t n, std::size_t m, const Mat &a) {
  Mat t(a.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) t[j * n + i] = a[i * m + j];
  return t;
}

// E[(|X - X'|^2 - |A (X - X')|^2)^2] for X ~ N(., cov0) in R^m and A n x m.
double map_objective(std::size_t m, std::size_t n, const Mat &cov0, const Mat &a) {
  const Mat ata = mul(m, n, m, trans(n, m, a), a);
  Mat ms(m * m);
  Mat mm(m * m);
  for (std::size_t i = 0; i < m * m; ++i) mm[i] = (i % (m + 1) == 0 ? 1.0 : 0.0) - ata[i];
  Mat s(cov0);
  for (double &v : s) v *= 2;
  ms = mul(m, m, m, mm, s);
  double tr = 0, tr2 = 0;
  for (std::size_t i = 0; i < m; ++i) tr += ms[i * m + i];
  const Mat ms2 = mul(m, m, m, ms, ms);
  for (std::size_t i = 0; i < m; ++i) tr2 += ms2[i * m + i];
  return tr * tr + 2 * tr2;
}

// A map pushing N(0, cov0) onto N(0, cov1): cov1^1/2 W cov0^-1/2 with W W^T = I_n.
Mat other_map(std::size_t m, std::size_t n, const Mat &cov0, const Mat &cov1,
              std::mt19937_64 &rng) {
  const Mat q = random_orthogonal(static_cast<int>(m), rng);
  Mat w(n * m);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) w[i * m + j] = q[i * m + j];
  Mat r0 = sqrtm_psd(static_cast<int>(m), cov0);
  // cov0^-1/2 by inverting the square root (cov0 well conditioned here): Gauss-Jordan.
  Mat inv(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i) inv[i * m + i] = 1;
  for (std::size_t c = 0; c < m; ++c) {
    const double piv = r0[c * m + c];
    for (std::size_t j = 0; j < m; ++j) {
      r0[c * m + j] /= piv;
      inv[c * m + j] /= piv;
    }
    for (std::size_t r = 0; r < m; ++r) {
      if (r == c) continue;
      const double f = r0[r * m + c];
      for (std::size_t j = 0; j < m; ++j) {
        r0[r * m + j] -= f * r0[c * m + j];
        inv[r * m + j] -= f * inv[c * m + j];
      }
    }
  }
  return mul(n, n, m, sqrtm_psd(static_cast<int>(n), cov1), mul(n, m, m, w, inv));
}

}  // namespace

TEST_CASE("Gaussian GW: closed form, its map, and no better map", "[gromov]") {
  std::mt19937_64 rng(71);
  const std::size_t dims[][2] = {{1, 1}, {2, 2}, {3, 2}, {5, 3}, {4, 1}, {6, 6}};
  for (const auto &dm : dims) {
    const std::size_t m = dm[0], n = dm[1];
    const Mat c0 = random_cov(static_cast<int>(m), 20.0, rng);
    Mat c1 = random_cov(static_cast<int>(n), 5.0, rng);
    for (double &v : c1) v *= 2.5;  // spectra different from c0's, also for m = n = 1
    const auto m0 = random_vec(static_cast<int>(m), rng), m1 = random_vec(static_cast<int>(n), rng);
    const GaussianGw r = gaussian_gromov_wasserstein(m, m0.data(), c0.data(), n, m1.data(),
                                                     c1.data(), true, nullptr);
    INFO("m " << m << " n " << n);
    REQUIRE(r.has_map);
    // The map's objective equals the closed form.
    const double obj = map_objective(m, n, c0, r.a);
    CHECK(std::fabs(obj - r.ggw2) <= 1e-10 * (r.ggw2 + frob(c0) * frob(c0)));
    // It pushes mu onto nu: A cov0 A^T = cov1, b = m1 - A m0.
    const Mat push = mul(n, m, n, mul(n, m, m, r.a, c0), trans(n, m, r.a));
    for (std::size_t i = 0; i < n * n; ++i) CHECK(std::fabs(push[i] - c1[i]) <= 1e-10 * frob(c1));
    for (std::size_t i = 0; i < n; ++i) {
      double v = m1[i];
      for (std::size_t j = 0; j < m; ++j) v -= r.a[i * m + j] * m0[j];
      CHECK(std::fabs(r.b[i] - v) <= 1e-12 * (1 + std::fabs(v)));
    }
    // Other maps pushing mu onto nu are never better.
    for (int t = 0; t < 20; ++t) {
      const double other = map_objective(m, n, c0, other_map(m, n, c0, c1, rng));
      CHECK(other >= r.ggw2 * (1 - 1e-10) - 1e-10);
    }
    // Symmetric, and invariant to rotating either Gaussian.
    const GaussianGw back =
        gaussian_gromov_wasserstein(n, nullptr, c1.data(), m, nullptr, c0.data(), false, nullptr);
    // Scale of GGW^2: |cov0|^2 + |cov1|^2 (equal spectra give 0 up to rounding).
    const double scale = frob(c0) * frob(c0) + frob(c1) * frob(c1);
    CHECK(std::fabs(back.ggw2 - r.ggw2) <= 1e-12 * scale);
    const Mat q = random_orthogonal(static_cast<int>(m), rng);
    const Mat rc0 = mul(m, m, m, mul(m, m, m, q, c0), trans(m, m, q));
    Mat sym(rc0);
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < i; ++j) sym[i * m + j] = sym[j * m + i];
    const GaussianGw rot =
        gaussian_gromov_wasserstein(m, nullptr, sym.data(), n, nullptr, c1.data(), false, nullptr);
    CHECK(std::fabs(rot.ggw2 - r.ggw2) <= 1e-10 * scale);
  }
}

TEST_CASE("Gaussian GW: 1-D value and errors", "[gromov]") {
  const double s = 2.0, t = 0.5;
  const double c0 = s * s, c1 = t * t;
  const GaussianGw r = gaussian_gromov_wasserstein(1, nullptr, &c0, 1, nullptr, &c1, true, nullptr);
  CHECK(r.ggw2 == Approx(12 * (c0 - c1) * (c0 - c1)).epsilon(1e-14));
  CHECK(std::fabs(r.a[0]) == Approx(t / s).epsilon(1e-14));
  const double big[4] = {1, 0, 0, 2};
  CHECK_THROWS_WITH(gaussian_gromov_wasserstein(1, nullptr, &c0, 2, nullptr, big, true, nullptr),
                    Catch::Contains("no map"));
  CHECK_NOTHROW(gaussian_gromov_wasserstein(1, nullptr, &c0, 2, nullptr, big, false, nullptr));
  const double bad[4] = {1, 0, 0, -1};
  CHECK_THROWS_WITH(gaussian_gromov_wasserstein(2, nullptr, bad, 1, nullptr, &c0, false, nullptr),
                    Catch::Contains("cov0 is not positive semi-definite"));
  const double nan_m = NAN;
  CHECK_THROWS_WITH(gaussian_gromov_wasserstein(1, &nan_m, &c0, 1, nullptr, &c1, true, nullptr),
                    Catch::Contains("mean0[0]"));
  CHECK_THROWS_AS(gaussian_gromov_wasserstein(0, nullptr, &c0, 1, nullptr, &c1, false, nullptr),
                  Error);
  // A singular source facing a non-degenerate target direction: no map, the value exists.
  const double flat[4] = {1, 0, 0, 0};
  CHECK_THROWS_WITH(gaussian_gromov_wasserstein(2, nullptr, flat, 2, nullptr, big, true, nullptr),
                    Catch::Contains("no map"));
}
