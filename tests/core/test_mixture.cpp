// SPDX-License-Identifier: MIT
// The mixture type: validation (statuses and messages), log-density (analytic values, d = 500,
// degenerate components, brute force), sampling (reproducibility across thread counts,
// moments), and the cost matrix (entries = pairwise W2^2, identical across thread counts).
#include <catch2/catch.hpp>

#include <limits>

#include "error_support.hpp"
#include "mixture/gmm.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kLog2Pi = 1.8378770664093454836;

Gmm make(std::size_t k, std::size_t d, const std::vector<double> &w, const std::vector<double> &m,
         const std::vector<double> &s, std::string *warning = nullptr) {
  return Gmm(k, d, w.data(), m.data(), s.data(), warning);
}

}  // namespace

TEST_CASE("mixture validation names what is wrong", "[mixture]") {
  const std::vector<double> w{0.5, 0.5}, m{0, 0, 1, 1}, s{1, 0, 0, 1, 2, 0.5, 0.5, 1};
  std::string msg;
  CHECK(error_of([&] { make(0, 2, w, m, s); }) == Errc::Dimension);
  CHECK(error_of([&] { make(2, 0, w, m, s); }) == Errc::Dimension);
  CHECK(error_of([&] { make(2, 2, {0.5, -0.5}, m, s); }, &msg) == Errc::Weights);
  CHECK_THAT(msg, Catch::Contains("weights[1]"));
  CHECK(error_of([&] { make(2, 2, {0.0, 0.0}, m, s); }) == Errc::Weights);
  CHECK(error_of([&] { make(2, 2, {0.5, 0.5 + 1e-4}, m, s); }) == Errc::Weights);
  CHECK_NOTHROW(make(2, 2, {0.5, 0.5 + 1e-12}, m, s));
  CHECK(error_of([&] { make(2, 2, {0.5, NAN}, m, s); }) == Errc::NonFinite);
  CHECK(error_of([&] { make(2, 2, w, {0, 0, 1, INFINITY}, s); }, &msg) == Errc::NonFinite);
  CHECK_THAT(msg, Catch::Contains("means[1][1]"));
  CHECK(error_of([&] { make(2, 2, w, m, {1, 0, 0, 1, 2, NAN, 0.5, 1}); }, &msg) == Errc::NonFinite);
  CHECK_THAT(msg, Catch::Contains("covs[1]") && Catch::Contains("(0,1)"));
  CHECK(error_of(
            [&] {
              make(2, 2, w, m, {1, 0, 0, 1, 2, 0.5, 0.501, 1});
            },
            &msg) == Errc::NotSymmetric);
  CHECK_THAT(msg, Catch::Contains("covs[1]"));
  CHECK(error_of([&] { make(2, 2, w, m, {1, 0, 0, 1, 1, 2, 2, 1}); }, &msg) == Errc::NotPsd);
  CHECK_THAT(msg, Catch::Contains("covs[1]") && Catch::Contains("eigenvalue"));
  std::string warning;
  make(2, 2, w, m, {1, 0, 0, 1, 2, 0.5, 0.5 * (1 + 1e-15), 1}, &warning);
  CHECK(warning.empty());  // rounding-level asymmetry is fixed silently
  const Gmm g = make(2, 2, w, m, {1, 0, 0, 1, 2, 0.5, 0.5 + 1e-10, 1}, &warning);
  CHECK_THAT(warning, Catch::Contains("covs[1]"));  // symmetrised with a warning
  CHECK(g.covariances()[5] == g.covariances()[6]);
  // A PSD matrix up to rounding (lambda_min = -1e-17 lambda_max) is accepted.
  CHECK_NOTHROW(make(1, 2, {1.0}, {0, 0}, {1.0, 1.0, 1.0, 1.0 - 1e-17}));
  // Singular and Dirac components are valid.
  CHECK_NOTHROW(make(2, 2, w, m, {1, 1, 1, 1, 0, 0, 0, 0}));
}

TEST_CASE("weights are normalised and zero weights kept", "[mixture]") {
  const Gmm g = make(3, 1, {0.25, 0.0, 0.75 + 1e-10}, {0, 1, 2}, {1, 1, 1});
  double sum = 0.0;
  for (double x : g.weights()) sum += x;
  CHECK(sum == Approx(1.0).epsilon(2 * kEps));
  CHECK(g.weights()[1] == 0.0);
}

TEST_CASE("log-density: analytic values, d = 500, far points, brute force", "[mixture][density]") {
  SECTION("standard normal") {
    const Gmm g = make(1, 1, {1.0}, {0.0}, {1.0});
    const std::vector<double> x{0.0, 1.0, -3.0, 40.0};
    std::vector<double> out(4);
    g.log_density(4, x.data(), Context{1}, out.data());
    for (int i = 0; i < 4; ++i)
      CHECK(out[i] == Approx(-0.5 * kLog2Pi - 0.5 * x[i] * x[i]).epsilon(1e-15));
  }
  SECTION("d = 500 with covariances 0.01 I, where the density itself underflows") {
    const std::size_t d = 500;
    std::vector<double> s(d * d, 0.0), m(2 * d, 0.0);
    for (std::size_t i = 0; i < d; ++i) s[i * d + i] = 0.01;
    std::vector<double> covs(s);
    covs.insert(covs.end(), s.begin(), s.end());
    for (std::size_t i = 0; i < d; ++i) m[d + i] = 1.0;
    const Gmm g = make(2, d, {0.5, 0.5}, m, covs);
    std::vector<double> x(2 * d, 0.0), out(2);
    for (std::size_t i = 0; i < d; ++i) x[d + i] = 50.0;  // far from everything
    g.log_density(2, x.data(), Context{1}, out.data());
    // At m_0: the other component is exp(-25000) smaller, so log(0.5) + log N(0; 0, 0.01 I).
    const double at_mean = std::log(0.5) - 0.5 * (d * kLog2Pi + d * std::log(0.01));
    CHECK(out[0] == Approx(at_mean).epsilon(1e-14));
    // Far point: dominated by component 1 at squared distance d * 49^2 / 0.01.
    const double far =
        std::log(0.5) - 0.5 * (d * kLog2Pi + d * std::log(0.01) + d * 49.0 * 49.0 / 0.01);
    CHECK(out[1] == Approx(far).epsilon(1e-14));
  }
  SECTION("degenerate components: density on the support, -inf off it, never NaN") {
    // Component 0: line through (1, 1) along (1, 1) with variance 2 along it (S = [[1,1],[1,1]]).
    // Component 1: a Dirac at (5, -5), off the line.
    const Gmm g = make(2, 2, {0.5, 0.5}, {1, 1, 5, -5}, {1, 1, 1, 1, 0, 0, 0, 0});
    const std::vector<double> x{1, 1, 2, 2, 1, 2, 5, -5, 5, -5.001};
    std::vector<double> out(5);
    g.log_density(5, x.data(), Context{1}, out.data());
    // On the line at distance t along the unit direction: rank 1, eigenvalue 2.
    auto line = [](double t) {
      return std::log(0.5) - 0.5 * (kLog2Pi + std::log(2.0) + t * t / 2.0);
    };
    CHECK(out[0] == Approx(line(0.0)).epsilon(1e-14));
    CHECK(out[1] == Approx(line(std::sqrt(2.0))).epsilon(1e-14));
    CHECK(out[2] == -std::numeric_limits<double>::infinity());
    CHECK(out[3] == Approx(std::log(0.5)).epsilon(1e-15));  // the Dirac's point: log w + 0
    CHECK(out[4] == -std::numeric_limits<double>::infinity());
  }
  SECTION("random mixture against a brute-force evaluation") {
    std::mt19937_64 rng(41);
    const int d = 4, k = 3;
    std::vector<double> w{0.2, 0.3, 0.5}, m, s;
    std::vector<Mat> covs;
    for (int c = 0; c < k; ++c) {
      const auto mc = random_vec(d, rng);
      m.insert(m.end(), mc.begin(), mc.end());
      covs.push_back(random_cov(d, c == 0 ? 1e6 : 20.0, rng));
      s.insert(s.end(), covs.back().begin(), covs.back().end());
    }
    const Gmm g = make(k, d, w, m, s);
    const int n = 300;
    const auto x = random_vec(n * d, rng, 2.0);
    std::vector<double> out(n);
    g.log_density(n, x.data(), Context{2}, out.data());
    for (int p = 0; p < n; ++p) {
      double dens = 0.0;
      for (int c = 0; c < k; ++c) {
        // Brute force: inverse and determinant by eigen-decomposition.
        Mat v(covs[c]);
        std::vector<double> ev(d);
        linalg::sym_eig(d, v.data(), ev.data());
        double q = 0.0, logdet = 0.0;
        for (int e = 0; e < d; ++e) {
          double proj = 0.0;
          for (int i = 0; i < d; ++i) proj += v[i + e * d] * (x[p * d + i] - m[c * d + i]);
          q += proj * proj / ev[e];
          logdet += std::log(ev[e]);
        }
        dens += w[c] * std::exp(-0.5 * (d * kLog2Pi + logdet + q));
      }
      if (dens > 1e-250) CHECK(out[p] == Approx(std::log(dens)).epsilon(1e-9));
    }
  }
}

TEST_CASE("sampling: reproducible across thread counts, prefix-stable, right moments",
          "[mixture][sampling]") {
  std::mt19937_64 rng(42);
  const int d = 3;
  const std::vector<double> w{0.3, 0.0, 0.7}, m{0, 0, 0, 100, 100, 100, 5, -5, 2};
  std::vector<double> s;
  std::vector<Mat> covs{random_cov(d, 10, rng), random_cov(d, 10, rng), random_cov(d, 1e4, rng)};
  for (const auto &c : covs) s.insert(s.end(), c.begin(), c.end());
  const Gmm g = make(3, d, w, m, s);
  const std::size_t n = 200000;
  std::vector<double> x1(n * d), x2(n * d), x3(1000 * d);
  std::vector<std::size_t> l1(n), l2(n);
  g.sample(n, 1234, Context{1}, x1.data(), l1.data());
  g.sample(n, 1234, Context{2}, x2.data(), l2.data());
  CHECK(x1 == x2);
  CHECK(l1 == l2);
  g.sample(1000, 1234, Context{2}, x3.data(), nullptr);
  CHECK(std::equal(x3.begin(), x3.end(), x1.begin()));
  std::vector<double> x4(n * d);
  g.sample(n, 1235, Context{2}, x4.data(), nullptr);
  CHECK(x4 != x1);
  // Component frequencies and the mixture mean within 5 standard errors.
  std::size_t count[3] = {0, 0, 0};
  for (auto l : l1) ++count[l];
  CHECK(count[1] == 0);
  const double p0 = double(count[0]) / n;
  CHECK(std::fabs(p0 - 0.3) <= 5 * std::sqrt(0.3 * 0.7 / n));
  for (int i = 0; i < d; ++i) {
    double mean = 0.0;
    for (std::size_t p = 0; p < n; ++p) mean += x1[p * d + i];
    mean /= double(n);
    const double expect = 0.3 * m[i] + 0.7 * m[6 + i];
    // Variance of one coordinate: within-component variance plus between-component spread.
    const double var = 0.3 * covs[0][i * d + i] + 0.7 * covs[2][i * d + i] +
                       0.3 * 0.7 * (m[i] - m[6 + i]) * (m[i] - m[6 + i]);
    CHECK(std::fabs(mean - expect) <= 5 * std::sqrt(var / n));
  }
}

TEST_CASE("cost matrix: entries are pairwise W2^2 and identical for 1 and 2 threads",
          "[mixture][cost]") {
  std::mt19937_64 rng(43);
  for (int d : {1, 2, 3, 5, 12}) {
    const std::size_t k0 = 23, k1 = 17;
    std::vector<double> w0(k0, 1.0 / k0), w1(k1, 1.0 / k1), m0, m1, s0, s1;
    for (std::size_t c = 0; c < k0; ++c) {
      const auto mc = random_vec(d, rng);
      m0.insert(m0.end(), mc.begin(), mc.end());
      const Mat cv =
          c % 5 == 0 ? integer_low_rank(d, std::max(1, d / 2), rng) : random_cov(d, 1e3, rng);
      s0.insert(s0.end(), cv.begin(), cv.end());
    }
    for (std::size_t c = 0; c < k1; ++c) {
      const auto mc = random_vec(d, rng);
      m1.insert(m1.end(), mc.begin(), mc.end());
      const Mat cv = random_cov(d, 50.0, rng);
      s1.insert(s1.end(), cv.begin(), cv.end());
    }
    const Gmm a = make(k0, d, w0, m0, s0), b = make(k1, d, w1, m1, s1);
    std::vector<double> c1(k0 * k1), c2(k0 * k1);
    w2_cost_matrix(d, a.means().data(), a.factors(), b.means().data(), b.factors(), Context{1},
                   c1.data());
    w2_cost_matrix(d, a.means().data(), a.factors(), b.means().data(), b.factors(), Context{2},
                   c2.data());
    INFO("d = " << d);
    CHECK(c1 == c2);
    for (std::size_t k = 0; k < k0; k += 4) {
      for (std::size_t l = 0; l < k1; l += 3) {
        const double single = gaussian_w2_squared(m0.data() + k * d, a.factors()[k],
                                                  m1.data() + l * d, b.factors()[l]);
        CHECK(c1[k * k1 + l] == single);
      }
    }
  }
}
