// SPDX-License-Identifier: MIT
// The Monge map (eq. 2.8) and the geodesic: push-forward residuals, symmetry and PSD-ness,
// the transport cost identity, singular sources, constant speed, and the paper's formula.
#include <catch2/catch.hpp>

#include <limits>

#include "support.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

double min_eigenvalue(int d, Mat a) {
  std::vector<double> w(static_cast<std::size_t>(d));
  linalg::sym_eig(d, a.data(), w.data());
  return w[0];
}

}  // namespace

TEST_CASE("Monge map: symmetric PSD, pushes S0 to S1, costs W2^2", "[map]") {
  std::mt19937_64 rng(21);
  for (int d : {1, 2, 3, 4, 9, 27}) {
    for (double cond : {1.0, 1e4, 1e8}) {
      const Mat s0 = random_cov(d, cond, rng), s1 = random_cov(d, 30.0, rng);
      const auto m0 = random_vec(d, rng), m1 = random_vec(d, rng);
      const AffineMap t = gaussian_monge_map(m0.data(), factor(d, s0), m1.data(), factor(d, s1));
      INFO("d = " << d << " cond = " << cond);
      CHECK(frob(t.a) > 0.0);
      // Symmetric by construction.
      CHECK(t.a == transpose(d, t.a));
      // PSD up to rounding relative to ||A||.
      CHECK(min_eigenvalue(d, t.a) >= -64 * d * kEps * frob(t.a));
      // Push-forward residual ||A S0 A - S1|| / ||S1||: grows like cond(S0)^(1/2) * eps.
      const Mat pushed = matmul(d, matmul(d, t.a, s0), t.a);
      Mat r(pushed);
      for (std::size_t i = 0; i < r.size(); ++i) r[i] -= s1[i];
      CHECK(frob(r) / frob(s1) <= 1e3 * d * kEps * std::sqrt(cond));
      CHECK(t.residual == Approx(frob(r) / frob(s1)).margin(1e3 * d * kEps * std::sqrt(cond)));
      // T(m0) = m1.
      for (int i = 0; i < d; ++i) {
        double ti = t.b[i];
        for (int j = 0; j < d; ++j) ti += t.a[i * d + j] * m0[j];
        CHECK(ti == Approx(m1[i]).margin(1e-12 * (1 + std::fabs(m1[i]))));
      }
      // E|T(X) - X|^2 = |m1 - m0|^2 + tr((A - I) S0 (A - I)) = W2^2: the map is optimal.
      Mat ai(t.a);
      for (int i = 0; i < d; ++i) ai[i * d + i] -= 1.0;
      double cost = trace(d, matmul(d, matmul(d, ai, s0), ai));
      for (int i = 0; i < d; ++i) cost += (m1[i] - m0[i]) * (m1[i] - m0[i]);
      // A carries the conditioning of the map, which grows like sqrt(cond(S0)) here.
      CHECK(cost ==
            Approx(w2sq(d, m0, s0, m1, s1)).epsilon(1e-12 + 64 * d * kEps * std::sqrt(cond)));
    }
  }
}

TEST_CASE("Monge map in 1-D is sigma1/sigma0", "[map]") {
  const std::vector<double> m0{1.0}, m1{-2.0};
  const AffineMap t = gaussian_monge_map(m0.data(), factor(1, {4.0}), m1.data(), factor(1, {9.0}));
  CHECK(t.a[0] == Approx(1.5).epsilon(4 * kEps));
  CHECK(t.b[0] == Approx(-2.0 - 1.5).epsilon(4 * kEps));
}

TEST_CASE("Monge map from a singular source", "[map]") {
  std::mt19937_64 rng(22);
  SECTION("range(S1) inside range(S0): the pseudo-inverse map pushes S0 onto S1") {
    for (int d : {2, 3, 6}) {
      const Mat q = random_orthogonal(d, rng);
      std::vector<double> e0(d, 0.0), e1(d, 0.0);
      for (int i = 0; i < d - 1; ++i) {
        e0[i] = 1.0 + i;
        e1[i] = 0.5 + 2 * i;
      }
      e1[d - 2] = 0.0;  // S1 has even smaller range, still inside range(S0)
      const Mat s0 = with_spectrum(d, e0, q);
      const Mat s1 = with_spectrum(d, e1, q);
      const std::vector<double> m(d, 0.0);
      const AffineMap t = gaussian_monge_map(m.data(), factor(d, s0), m.data(), factor(d, s1));
      const Mat pushed = matmul(d, matmul(d, t.a, s0), t.a);
      Mat r(pushed);
      for (std::size_t i = 0; i < r.size(); ++i) r[i] -= s1[i];
      INFO("d = " << d);
      CHECK(frob(r) <= 1e-12 * frob(s1));
      CHECK(t.residual <= 1e-12);
    }
  }
  SECTION("diag(1,0) -> diag(0,1) has no map") {
    const std::vector<double> m{0.0, 0.0};
    CHECK_THROWS_MATCHES(
        gaussian_monge_map(m.data(), factor(2, {1, 0, 0, 0}), m.data(), factor(2, {0, 0, 0, 1})),
        Error, Catch::Predicate<Error>([](const Error &e) { return e.code() == Errc::NoMap; }));
  }
  SECTION("a Dirac maps only to a Dirac") {
    const std::vector<double> m0{1.0, 2.0}, m1{-1.0, 0.5};
    const Mat zero(4, 0.0);
    CHECK_THROWS_AS(
        gaussian_monge_map(m0.data(), factor(2, zero), m1.data(), factor(2, {2, 1, 1, 2})), Error);
    const AffineMap t = gaussian_monge_map(m0.data(), factor(2, zero), m1.data(), factor(2, zero));
    CHECK(frob(t.a) == 0.0);
    CHECK(t.b == m1);
  }
}

TEST_CASE("geodesic: exact endpoints, constant speed, the paper's formula", "[geodesic]") {
  std::mt19937_64 rng(23);
  for (int d : {1, 2, 3, 5, 16}) {
    for (int kind = 0; kind < 3; ++kind) {
      const Mat s0 = kind == 2 ? integer_low_rank(d, std::max(1, d / 2), rng)
                               : random_cov(d, kind == 0 ? 10.0 : 1e8, rng);
      const Mat s1 =
          kind == 2 ? integer_low_rank(d, std::max(1, d - 1), rng) : random_cov(d, 100.0, rng);
      const auto m0 = random_vec(d, rng), m1 = random_vec(d, rng);
      const CovFactor f0 = factor(d, s0), f1 = factor(d, s1);
      INFO("d = " << d << " kind = " << kind);
      const GaussianParams g0 = gaussian_geodesic(m0.data(), f0, m1.data(), f1, 0.0);
      const GaussianParams g1 = gaussian_geodesic(m0.data(), f0, m1.data(), f1, 1.0);
      CHECK(g0.mean == m0);
      CHECK(g0.cov == s0);
      CHECK(g1.mean == m1);
      CHECK(g1.cov == s1);
      const double w = std::sqrt(w2sq(d, m0, s0, m1, s1));
      const double ts[] = {0.0, 0.1, 0.35, 0.5, 0.8, 1.0};
      std::vector<GaussianParams> pts;
      for (double t : ts) pts.push_back(gaussian_geodesic(m0.data(), f0, m1.data(), f1, t));
      const double scale = std::sqrt(trace(d, s0) + trace(d, s1));
      for (std::size_t i = 0; i < pts.size(); ++i) {
        for (std::size_t j = i + 1; j < pts.size(); ++j) {
          const double wij = std::sqrt(w2sq(d, pts[i].mean, pts[i].cov, pts[j].mean, pts[j].cov));
          // sqrt of the W2^2 accuracy (1e-14 tr) for the distance itself near zero.
          CHECK(wij == Approx((ts[j] - ts[i]) * w).margin(1e-7 * scale));
        }
      }
      if (kind == 0) {  // S_t = ((1-t) I + t A) S0 ((1-t) I + t A), Delon-Desolneux 2.4.1
        const AffineMap map = gaussian_monge_map(m0.data(), f0, m1.data(), f1);
        const double t = 0.35;
        Mat c(map.a);
        for (auto &x : c) x *= t;
        for (int i = 0; i < d; ++i) c[i * d + i] += 1.0 - t;
        const Mat st = matmul(d, matmul(d, c, s0), c);
        Mat r(st);
        for (std::size_t i = 0; i < r.size(); ++i) r[i] -= pts[2].cov[i];
        CHECK(frob(r) <= 1e-12 * frob(st));
      }
    }
  }
}
