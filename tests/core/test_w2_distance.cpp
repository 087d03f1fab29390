// SPDX-License-Identifier: MIT
// W2 between Gaussians: analytic cases, invariants on random instances, and agreement of the
// closed forms and the small-SVD kernel with LAPACK's SVD. Tolerances are absolute, relative to
// tr S0 + tr S1 (the accuracy contract), with the constants stated at each check.
#include <catch2/catch.hpp>

#include <limits>

#include "gaussian/bures.hpp"
#include "linalg/small_svd.hpp"
#include "support.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {
constexpr double kEps = std::numeric_limits<double>::epsilon();
}

TEST_CASE("1-D W2^2 is (m0 - m1)^2 + (sigma0 - sigma1)^2", "[w2]") {
  const double cases[][4] = {{0.0, 1.0, 0.0, 1.0},
                             {1.5, 4.0, -2.0, 9.0},
                             {3.0, 1e-12, 3.0, 1e12},
                             {0.0, 0.0, 1.0, 2.25},
                             {-1e3, 7.0, 1e3, 7.0}};
  for (const auto &c : cases) {
    const std::vector<double> m0{c[0]}, m1{c[2]};
    const Mat s0{c[1]}, s1{c[3]};
    const double expect = (c[0] - c[2]) * (c[0] - c[2]) +
                          (std::sqrt(c[1]) - std::sqrt(c[3])) * (std::sqrt(c[1]) - std::sqrt(c[3]));
    // The 1-D path is the diagonal closed form: a few roundings of the result.
    CHECK(w2sq(1, m0, s0, m1, s1) == Approx(expect).epsilon(4 * kEps).margin(0));
  }
}

TEST_CASE("commuting covariances: W2^2 = |dm|^2 + ||S0^1/2 - S1^1/2||_F^2", "[w2]") {
  std::mt19937_64 rng(11);
  for (int d : {2, 3, 4, 7, 16}) {
    const Mat q = random_orthogonal(d, rng);
    std::vector<double> e0(d), e1(d), diff(d);
    std::uniform_real_distribution<double> u(0.01, 4.0);
    double expect = 0.0, tr = 0.0;
    for (int i = 0; i < d; ++i) {
      e0[i] = u(rng);
      e1[i] = u(rng);
      expect += (std::sqrt(e0[i]) - std::sqrt(e1[i])) * (std::sqrt(e0[i]) - std::sqrt(e1[i]));
      tr += e0[i] + e1[i];
    }
    const auto m = random_vec(d, rng);
    const double got = w2sq(d, m, with_spectrum(d, e0, q), m, with_spectrum(d, e1, q));
    INFO("d = " << d);
    CHECK(std::fabs(got - expect) <= 50 * d * kEps * tr);
  }
}

TEST_CASE("W2(mu, mu) = 0, never negative, for regular, ill-conditioned, singular, Dirac", "[w2]") {
  std::mt19937_64 rng(12);
  for (int d : {1, 2, 3, 4, 10, 27}) {
    for (double cond : {1.0, 1e6, 1e12}) {
      const Mat s = random_cov(d, cond, rng);
      const auto m = random_vec(d, rng);
      const double v = w2sq(d, m, s, m, s);
      INFO("d = " << d << " cond = " << cond);
      CHECK(v >= 0.0);
      CHECK(v <= 1e-28 * trace(d, s));  // Procrustes form: no cancellation
    }
    const Mat low = integer_low_rank(d, std::max(1, d / 2), rng);
    const auto m = random_vec(d, rng);
    INFO("low-rank trace " << trace(d, low) << " w2sq " << w2sq(d, m, low, m, low));
    CHECK(w2sq(d, m, low, m, low) <= 1e-26 * trace(d, low));
    const Mat zero(static_cast<std::size_t>(d) * d, 0.0);
    CHECK(w2sq(d, m, zero, m, zero) == 0.0);
  }
}

TEST_CASE("W2 to a Dirac is |dm|^2 + tr S", "[w2]") {
  std::mt19937_64 rng(13);
  for (int d : {1, 2, 3, 5, 12}) {
    const Mat s = random_cov(d, 1e3, rng);
    const Mat zero(static_cast<std::size_t>(d) * d, 0.0);
    const auto m0 = random_vec(d, rng), m1 = random_vec(d, rng);
    double dm = 0.0;
    for (int i = 0; i < d; ++i) dm += (m0[i] - m1[i]) * (m0[i] - m1[i]);
    const double expect = dm + trace(d, s);
    CHECK(w2sq(d, m0, zero, m1, s) == Approx(expect).epsilon(20 * d * kEps));
    CHECK(w2sq(d, m1, s, m0, zero) == Approx(expect).epsilon(20 * d * kEps));
  }
}

TEST_CASE("W2 agrees with the eigen-decomposition formula, is symmetric, and invariant", "[w2]") {
  std::mt19937_64 rng(14);
  for (int d : {1, 2, 3, 4, 5, 8, 27, 64}) {
    for (int rep = 0; rep < 6; ++rep) {
      const Mat s0 = random_cov(d, 1e4, rng), s1 = random_cov(d, 1e2, rng);
      const auto m0 = random_vec(d, rng), m1 = random_vec(d, rng);
      const double tr = trace(d, s0) + trace(d, s1);
      const double v = w2sq(d, m0, s0, m1, s1);
      INFO("d = " << d << " rep = " << rep);
      // The eigen-based reference has its own error of ~1e-15 tr at these conditionings.
      CHECK(std::fabs(v - w2sq_reference(d, m0, s0, m1, s1)) <= 1e-13 * tr);
      CHECK(std::fabs(v - w2sq(d, m1, s1, m0, s0)) <= 100 * d * kEps * tr);
      // Rotation and translation: W2(Q mu0 + t, Q mu1 + t) = W2(mu0, mu1).
      const Mat q = random_orthogonal(d, rng);
      const auto t = random_vec(d, rng);
      auto move = [&](const std::vector<double> &m) {
        std::vector<double> r(d, 0.0);
        for (int i = 0; i < d; ++i) {
          for (int j = 0; j < d; ++j) r[i] += q[i * d + j] * m[j];
          r[i] += t[i];
        }
        return r;
      };
      const Mat qs0 = matmul(d, matmul(d, q, s0), transpose(d, q));
      const Mat qs1 = matmul(d, matmul(d, q, s1), transpose(d, q));
      CHECK(std::fabs(w2sq(d, move(m0), qs0, move(m1), qs1) - v) <= 1e-13 * (tr + v));
      // Scaling by 2^k is exact in floating point: W2^2 scales by 4^k.
      Mat big0(s0), big1(s1);
      for (auto &x : big0) x = std::ldexp(x, 400);
      for (auto &x : big1) x = std::ldexp(x, 400);
      std::vector<double> bm0(m0), bm1(m1);
      for (auto &x : bm0) x = std::ldexp(x, 200);
      for (auto &x : bm1) x = std::ldexp(x, 200);
      CHECK(w2sq(d, bm0, big0, bm1, big1) == Approx(std::ldexp(v, 400)).epsilon(1e-14));
      for (auto &x : big0) x = std::ldexp(x, -900);
      for (auto &x : big1) x = std::ldexp(x, -900);
      for (auto &x : bm0) x = std::ldexp(x, -450);
      for (auto &x : bm1) x = std::ldexp(x, -450);
      CHECK(w2sq(d, bm0, big0, bm1, big1) == Approx(std::ldexp(v, -500)).epsilon(1e-14));
    }
  }
}

TEST_CASE("W2 satisfies the triangle inequality on random triples", "[w2]") {
  std::mt19937_64 rng(15);
  for (int d : {1, 2, 3, 6, 20}) {
    for (int rep = 0; rep < 30; ++rep) {
      Mat s[3];
      std::vector<double> m[3];
      for (int i = 0; i < 3; ++i) {
        s[i] = random_cov(d, rep % 3 == 0 ? 1e8 : 10.0, rng, rep % 5 == 0 ? d / 2 : -1);
        m[i] = random_vec(d, rng, 0.3);
      }
      const double ab = std::sqrt(w2sq(d, m[0], s[0], m[1], s[1]));
      const double bc = std::sqrt(w2sq(d, m[1], s[1], m[2], s[2]));
      const double ac = std::sqrt(w2sq(d, m[0], s[0], m[2], s[2]));
      INFO("d = " << d << " rep = " << rep);
      CHECK(ac <= ab + bc + 1e-12);
    }
  }
}

TEST_CASE("closed forms for d <= 3 agree with LAPACK's SVD, also ill-conditioned", "[w2][kernel]") {
  std::mt19937_64 rng(16);
  linalg::Workspace ws(3);
  for (int d : {1, 2, 3}) {
    for (int rep = 0; rep < 2000; ++rep) {
      const double cond = std::pow(10.0, rep % 13);
      const Mat a = random_cov(d, cond, rng), b = random_cov(d, 1.0 + rep % 7, rng);
      const CovFactor fa = factor(d, a), fb = factor(d, b);
      std::vector<double> w(static_cast<std::size_t>(d) * d), sv(d);
      for (int j = 0; j < d; ++j)
        for (int i = 0; i < d; ++i) {
          double acc = 0.0;
          for (int k = 0; k < d; ++k) acc += fb.f[k + i * d] * fa.f[k + j * d];
          w[i + j * d] = acc;
        }
      const double closed = nuclear_norm_small(d, w.data(), fa.abs_det_f * fb.abs_det_f);
      REQUIRE(linalg::svd_values(d, w.data(), sv.data(), ws));
      double ref = 0.0;
      for (double x : sv) ref += x;
      INFO("d = " << d << " cond = " << cond);
      CHECK(std::fabs(closed - ref) <= 16 * kEps * sv[0] * d);
    }
  }
}

TEST_CASE("the small-SVD kernel's nuclear norm agrees with LAPACK dgesdd", "[w2][kernel]") {
  std::mt19937_64 rng(17);
  std::normal_distribution<double> n;
  for (int d : {4, 5, 8, 27, 64, 100}) {
    linalg::SmallSvd small(d);
    linalg::Workspace ws(d);
    for (int rep = 0; rep < 20; ++rep) {
      std::vector<double> w(static_cast<std::size_t>(d) * d), copy, sv(d);
      for (auto &x : w) x = n(rng);
      if (rep % 4 == 1) {  // graded columns: singular values spanning 1e-12 .. 1
        for (int j = 0; j < d; ++j)
          for (int i = 0; i < d; ++i) w[i + j * d] *= std::pow(1e-12, double(j) / (d - 1));
      }
      if (rep % 4 == 2) {  // exactly rank-deficient: duplicate columns
        for (int j = d / 2; j < d; ++j)
          for (int i = 0; i < d; ++i) w[i + j * d] = w[i + (j - d / 2) * d];
      }
      copy = w;
      const double got = small.nuclear_norm(w.data());
      REQUIRE(linalg::svd_values(d, copy.data(), sv.data(), ws));
      double ref = 0.0;
      for (double x : sv) ref += x;
      INFO("d = " << d << " rep = " << rep);
      // Both are backward stable: each singular value within ~d eps sigma_1.
      CHECK(std::fabs(got - ref) <= 4.0 * d * d * kEps * sv[0]);
    }
  }
}

TEST_CASE("near-identical covariances keep relative accuracy (Procrustes form)", "[w2]") {
  std::mt19937_64 rng(18);
  for (int d : {2, 3, 5, 10}) {
    const Mat s0 = random_cov(d, 100.0, rng);
    // S1 = (I + h E) S0 (I + h E)^T: B(S0, S1) = O(h), B^2 = O(h^2), far below eps * tr S.
    for (double h : {1e-5, 1e-7}) {
      Mat e(static_cast<std::size_t>(d) * d, 0.0);
      std::normal_distribution<double> n;
      for (auto &x : e) x = h * n(rng);
      for (int i = 0; i < d; ++i) e[i * d + i] += 1.0;
      const Mat s1 = matmul(d, matmul(d, e, s0), transpose(d, e));
      const std::vector<double> m(d, 0.0);
      const double v = w2sq(d, m, s0, m, s1);
      // Independent value: the polar decomposition of E S0^1/2 gives a factor of S1 whose
      // Procrustes distance to S0^1/2 is exactly B; here we only check the scale and that
      // swapping the arguments agrees to relative 1e-6 (the trace formula would give noise).
      INFO("d = " << d << " h = " << h);
      CHECK(v > 0.0);
      CHECK(v < 100 * h * h * trace(d, s0));
      CHECK(w2sq(d, m, s1, m, s0) == Approx(v).epsilon(1e-6));
    }
  }
}
