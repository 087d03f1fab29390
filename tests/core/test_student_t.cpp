// SPDX-License-Identifier: MIT
// Student-t in the core: the Family (validation, equality, messages), the log normaliser against
// closed forms (exact for even r, the asymptotic series for odd r at large nu), the gamma
// sampler's moments, Gmm::student_t (scales kept, covariances nu / (nu - 2) S, messages naming
// scales[c]), with_family's scales (c * scale == covariance, so saved scales load back to the
// same covariances) and the log-density's far and singular cases.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "error_support.hpp"
#include "mixture/family.hpp"
#include "mixture/gmm.hpp"
#include "util/context.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

constexpr double kLog2Pi = 1.8378770664093454836;

}  // namespace

TEST_CASE("Family: nu validated, equality bit for bit, messages name both", "[student_t]") {
  std::string msg;
  for (const double nu : {2.0, 1.0, -1.0, std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    CHECK(error_of([&] { Family::student_t(nu, "nu"); }, &msg) == Errc::InvalidArgument);
    CHECK_THAT(msg, Catch::Contains("nu is"));
  }
  const Family g, t3 = Family::student_t(3.0), t3b = Family::student_t(3.0);
  const Family t3n = Family::student_t(std::nextafter(3.0, 4.0));
  CHECK(g == Family::gaussian());
  CHECK(t3 == t3b);
  CHECK(t3 != t3n);
  CHECK(t3 != g);
  CHECK(t3.cov_per_scale() == 3.0);
  CHECK(g.cov_per_scale() == 1.0);
  CHECK(std::isinf(g.nu()));
  CHECK(error_of([&] { require_same_family(g, "g0", t3, "g1"); }, &msg) == Errc::Family);
  CHECK_THAT(msg, Catch::Contains("g0 is Gaussian") && Catch::Contains("g1 is Student-t (nu = 3)"));
  CHECK_NOTHROW(require_same_family(t3, "a", t3b, "b"));
}

TEST_CASE("log_t_normaliser against closed forms", "[student_t]") {
  for (const double nu : {2.5, 3.0, 31.999, 32.0, 32.001, 1e3, 1e6, 1e8, 1e12}) {
    const double a = 0.5 * nu;
    // r = 0: 0. r = 2: lgamma(a + 1) - lgamma(a) = log a, so the normaliser is -log(2 pi)
    // exactly for every nu. r = 4: log(a (a + 1)) - 2 log(2 a pi) = log1p(1/a) - 2 log(2 pi).
    CHECK(log_t_normaliser(nu, 0) == Approx(0.0).margin(1e-15));
    CHECK(log_t_normaliser(nu, 2) == Approx(-kLog2Pi).epsilon(4e-15));
    CHECK(log_t_normaliser(nu, 4) == Approx(std::log1p(1.0 / a) - 2 * kLog2Pi).epsilon(4e-15));
    // r = 1 at large a: lgamma(a + 1/2) - lgamma(a) = log(a)/2 - 1/(8a) + 1/(192 a^3) + ...
    if (a >= 500) {
      CHECK(log_t_normaliser(nu, 1) ==
            Approx(-0.5 * kLog2Pi - 1.0 / (8 * a) + 1.0 / (192 * a * a * a)).epsilon(1e-15));
    } else {
      CHECK(
          log_t_normaliser(nu, 1) ==
          Approx(std::lgamma(a + 0.5) - std::lgamma(a) - 0.5 * std::log(nu * M_PI)).epsilon(1e-14));
    }
    // r = 2j + 1: the r = 1 value plus sum_{i < j} log(a + 1/2 + i) - j log(nu pi).
    double odd = log_t_normaliser(nu, 1);
    for (int i = 0; i < 4; ++i) odd += std::log(a + 0.5 + i) - std::log(nu * M_PI);
    CHECK(log_t_normaliser(nu, 9) == Approx(odd).epsilon(1e-14));
  }
}

TEST_CASE("gamma sampler: mean and variance equal the shape", "[student_t]") {
  constexpr int n = 200000;
  for (const double shape : {1.0 + 1e-9, 1.5, 3.0, 50.0, 5e7}) {
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      Xoshiro256 rng(17, static_cast<std::uint64_t>(i));
      const double g = rng.gamma(shape);
      REQUIRE(g > 0);
      sum += g;
      sum2 += g * g;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    // z-scores within 5: Var(mean) = shape / n; Var of the sample variance = (mu4 - s^2) / n
    // with mu4 = 3 s^2 + 6 s for Gamma(s).
    CHECK(std::fabs(mean - shape) / std::sqrt(shape / n) < 5.0);
    const double mu4 = 3 * shape * shape + 6 * shape;
    CHECK(std::fabs(var - shape) / std::sqrt((mu4 - shape * shape) / n) < 5.0);
  }
}

TEST_CASE("Gmm::student_t keeps the scales, covariances nu/(nu-2) S, names scales[c]",
          "[student_t]") {
  const std::vector<double> w{0.5, 0.5}, m{0, 0, 1, 1}, s{1, 0.2, 0.2, 1, 2, 0.5, 0.5, 1};
  const Gmm g = Gmm::student_t(2, 2, 3.5, w.data(), m.data(), s.data(), nullptr);
  CHECK(g.family() == Family::student_t(3.5));
  CHECK(g.scales() == s);
  for (std::size_t e = 0; e < s.size(); ++e) CHECK(g.covariances()[e] == (3.5 / 1.5) * s[e]);
  std::string msg;
  std::vector<double> bad = s;
  bad[5] = 0.7;
  CHECK(error_of([&] { Gmm::student_t(2, 2, 3.5, w.data(), m.data(), bad.data(), nullptr); },
                 &msg) == Errc::NotSymmetric);
  CHECK_THAT(msg, Catch::Contains("scales[1]"));
  bad = s;
  bad[0] = -1;
  CHECK(error_of([&] { Gmm::student_t(2, 2, 3.5, w.data(), m.data(), bad.data(), nullptr); },
                 &msg) == Errc::NotPsd);
  CHECK_THAT(msg, Catch::Contains("scales[0]"));
  CHECK(error_of([&] { Gmm::student_t(2, 2, 2.0, w.data(), m.data(), s.data(), nullptr); }, &msg) ==
        Errc::InvalidArgument);
  CHECK_THAT(msg, Catch::Contains("nu"));
}

TEST_CASE("with_family: scale * nu/(nu-2) == covariance, so the scales reload exactly",
          "[student_t]") {
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  const std::size_t k = 8, d = 3;
  std::vector<double> w(k, 1.0 / k), m(k * d), c(k * d * d);
  for (double &x : m) x = u(gen);
  for (std::size_t i = 0; i < k; ++i) {
    double b[9];
    for (double &x : b) x = u(gen);
    for (std::size_t r = 0; r < d; ++r)
      for (std::size_t q = 0; q < d; ++q) {
        double v = r == q ? 0.1 : 0.0;
        for (std::size_t j = 0; j < d; ++j) v += b[r * d + j] * b[q * d + j];
        c[i * d * d + r * d + q] = v;
      }
  }
  for (const double nu : {2.1, 2.5, 3.0, 3.7, 7.0, 11.3, 1e6}) {
    const Family f = Family::student_t(nu);
    const Gmm g = Gmm::with_family(Gmm(k, d, w.data(), m.data(), c.data(), nullptr), f);
    const double cps = f.cov_per_scale();
    std::size_t moved = 0;
    for (std::size_t e = 0; e < c.size(); ++e) {
      CHECK(cps * g.scales()[e] == g.covariances()[e]);
      // The covariance moves only when no scale maps onto it, and then by one rounding.
      if (g.covariances()[e] != c[e]) ++moved;
      CHECK(std::fabs(g.covariances()[e] - c[e]) <= 2.3e-16 * std::fabs(c[e]));
    }
    CHECK(moved <= c.size() / 4);
    const Gmm r = Gmm::student_t(k, d, nu, w.data(), m.data(), g.scales().data(), nullptr);
    CHECK(r.covariances() == g.covariances());
    CHECK(r.scales() == g.scales());
  }
}

TEST_CASE("t log-density: far points finite, also where delta overflows", "[student_t]") {
  const std::vector<double> w{1.0}, m{0.0, 0.0}, s{1.0, 0.0, 0.0, 1.0};
  const double nu = 3.0;
  const Gmm g = Gmm::student_t(1, 2, nu, w.data(), m.data(), s.data(), nullptr);
  const std::vector<double> x{0.0,   0.0, 1e3,   0.0,    1e100, -1e100,
                              1e150, 0.0, 1e160, -1e160, 1e308, -1e308};
  std::vector<double> out(6);
  g.log_density(6, x.data(), Context(), out.data());
  // log t_3(x; 0, I) in 2-D = log(Gamma(5/2) / (Gamma(3/2) 3 pi)) - (5/2) log1p(|x|^2 / 3).
  const double c0 = std::log(1.5 / (3 * M_PI));
  CHECK(out[0] == Approx(c0).epsilon(1e-15));
  CHECK(out[1] == Approx(c0 - 2.5 * std::log1p(1e6 / 3)).epsilon(1e-15));
  CHECK(out[2] == Approx(c0 - 2.5 * (std::log(2e200 / 3))).epsilon(1e-15));
  CHECK(out[3] == Approx(c0 - 2.5 * (std::log(1e300 / 3))).epsilon(1e-15));
  // |x|^2 = 2e320 and 2e616 overflow; their logarithms do not.
  const double ln10 = std::log(10.0), ln2 = std::log(2.0), ln3 = std::log(3.0);
  CHECK(out[4] == Approx(c0 - 2.5 * (320 * ln10 + ln2 - ln3)).epsilon(1e-15));
  CHECK(out[5] == Approx(c0 - 2.5 * (616 * ln10 + ln2 - ln3)).epsilon(1e-15));
}

TEST_CASE("t log-density: far points on and off a degenerate support, any d", "[student_t]") {
  // Rank-1 scale along (0.6, 0.8) (Eigen factor), in d = 2 (vectorised kernel) and, padded
  // with zero coordinates, d = 5 (generic kernel): the 1-D t density of the coordinate on the
  // line, -inf off it, also at 1e200.
  for (const std::size_t d : {std::size_t{2}, std::size_t{5}}) {
    std::vector<double> w{1.0}, m(d, 0.0), s(d * d, 0.0);
    const double u[2] = {0.6, 0.8};
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) s[i * d + j] = 2.0 * u[i] * u[j];
    const double nu = 4.0;
    const Gmm g = Gmm::student_t(1, d, nu, w.data(), m.data(), s.data(), nullptr);
    std::vector<double> x(4 * d, 0.0), out(4);
    const double c[3] = {1.5, 1e200, -1e300};
    for (int p = 0; p < 3; ++p) {
      x[p * d] = c[p] * u[0];
      x[p * d + 1] = c[p] * u[1];
    }
    x[3 * d] = 1e200 * 0.8;  // orthogonal to the line
    x[3 * d + 1] = -1e200 * 0.6;
    g.log_density(4, x.data(), Context(), out.data());
    // log t_4(c; 0, 2) = log(Gamma(5/2) / (Gamma(2) sqrt(4 pi 2))) - (5/2) log1p(c^2 / 8).
    const double c0 = std::lgamma(2.5) - std::lgamma(2.0) - 0.5 * std::log(8 * M_PI);
    CHECK(out[0] == Approx(c0 - 2.5 * std::log1p(1.5 * 1.5 / 8)).epsilon(1e-14));
    CHECK(out[1] == Approx(c0 - 2.5 * (400 * std::log(10.0) - std::log(8.0))).epsilon(1e-14));
    CHECK(out[2] == Approx(c0 - 2.5 * (600 * std::log(10.0) - std::log(8.0))).epsilon(1e-14));
    CHECK(out[3] == -HUGE_VAL);
  }
}

TEST_CASE("log-density: a far point off a degenerate support is -inf, whatever the build",
          "[student_t][density]") {
  // |x|^2 = 1e400 overflows, so the kernels' support tolerance, 1e-9 |x|, became +inf and
  // admitted the point (seen at -O1: the density at the mean); the rule is now applied in
  // scaled units for such points. Gaussian and t, vectorised (d = 2) and generic (d = 5).
  for (const std::size_t d : {std::size_t{2}, std::size_t{5}}) {
    std::vector<double> w{1.0}, m(d, 0.0), s(d * d, 0.0);
    const double u[2] = {0.6, 0.8};
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 2; ++j) s[i * d + j] = 2.0 * u[i] * u[j];
    const Gmm gt = Gmm::student_t(1, d, 4.0, w.data(), m.data(), s.data(), nullptr);
    const Gmm gg(1, d, w.data(), m.data(), s.data(), nullptr);
    std::vector<double> x(3 * d, 0.0), out(3);
    x[0] = 1e200 * 0.8, x[1] = -1e200 * 0.6;                    // off the line, far
    x[d] = 1e160 * 0.8, x[d + 1] = -1e160 * 0.6;                // off, |x|^2 finite
    x[2 * d] = 1e200 * 0.8 + 1.0, x[2 * d + 1] = -1e200 * 0.6;  // off, not exactly orthogonal
    for (const Gmm *g : {&gt, &gg}) {
      g->log_density(3, x.data(), Context(), out.data());
      CHECK(out[0] == -HUGE_VAL);
      CHECK(out[1] == -HUGE_VAL);
      CHECK(out[2] == -HUGE_VAL);
    }
  }
}
