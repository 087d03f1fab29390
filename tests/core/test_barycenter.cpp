// SPDX-License-Identifier: MIT
// The Gaussian barycenter (eq. 2.10): closed forms, the fixed-point residual checked
// independently by eigen-decomposition, permutation invariance, the J = 2 case (the
// barycenter with weights (1 - t, t) is the geodesic point at t), and the multi-marginal cost.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

#include "gaussian/gaussian_set.hpp"
#include "support.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

BarycenterResult bary(int d, const std::vector<double> &lambda, const std::vector<Mat> &covs,
                      const std::vector<double> &means, BarycenterOptions o = {}) {
  std::vector<CovFactor> f;
  for (const auto &s : covs) f.push_back(factor(d, s));
  return gaussian_barycenter(d, lambda, means.data(), f, o, {});
}

// ||sum_j l_j (S^1/2 S_j S^1/2)^1/2 - S||_F / ||S||_F by eigen-decompositions (not the
// library's factor route).
double fixed_point_residual(int d, const Mat &s, const std::vector<double> &lambda,
                            const std::vector<Mat> &covs) {
  const Mat r = sqrtm_psd(d, s);
  Mat sum(s.size(), 0.0);
  for (std::size_t j = 0; j < covs.size(); ++j) {
    const Mat t = sqrtm_psd(d, matmul(d, matmul(d, r, covs[j]), r));
    for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += lambda[j] * t[i];
  }
  for (std::size_t i = 0; i < sum.size(); ++i) sum[i] -= s[i];
  return frob(sum) / frob(s);
}

}  // namespace

TEST_CASE("barycenter in 1-D: sigma = sum l_j sigma_j", "[barycenter]") {
  const std::vector<double> lambda{0.2, 0.5, 0.3}, means{1.0, -2.0, 4.0};
  const BarycenterResult r = bary(1, lambda, {{4.0}, {1.0}, {0.25}}, means);
  const double sigma = 0.2 * 2.0 + 0.5 * 1.0 + 0.3 * 0.5;
  CHECK(r.converged);
  CHECK(r.iterations == 0);
  CHECK(r.gaussian.cov[0] == Approx(sigma * sigma).epsilon(4 * kEps));
  CHECK(r.gaussian.mean[0] == Approx(0.2 - 1.0 + 1.2).epsilon(4 * kEps));
}

TEST_CASE("barycenter of commuting covariances: (sum l_j S_j^1/2)^2", "[barycenter]") {
  std::mt19937_64 rng(31);
  for (int d : {2, 3, 8}) {
    const Mat q = random_orthogonal(d, rng);
    std::vector<Mat> covs;
    std::vector<double> lambda{0.1, 0.6, 0.3}, root(d, 0.0);
    std::uniform_real_distribution<double> u(1e-3, 5.0);
    for (int j = 0; j < 3; ++j) {
      std::vector<double> e(d);
      for (int i = 0; i < d; ++i) {
        e[i] = u(rng);
        root[i] += lambda[j] * std::sqrt(e[i]);
      }
      covs.push_back(with_spectrum(d, e, q));
    }
    for (auto &x : root) x *= x;
    const Mat expect = with_spectrum(d, root, q);
    const BarycenterResult r = bary(d, lambda, covs, std::vector<double>(3 * d, 0.0));
    Mat diff(r.gaussian.cov);
    for (std::size_t i = 0; i < diff.size(); ++i) diff[i] -= expect[i];
    INFO("d = " << d);
    CHECK(r.converged);
    CHECK(frob(diff) <= 1e-13 * frob(expect));
  }
}

TEST_CASE("barycenter fixed point: residual, permutation invariance, weights", "[barycenter]") {
  std::mt19937_64 rng(32);
  for (int d : {2, 3, 5, 10, 27}) {
    for (double cond : {10.0, 1e6}) {
      std::vector<Mat> covs;
      std::vector<double> means;
      for (int j = 0; j < 4; ++j) {
        covs.push_back(random_cov(d, cond, rng));
        const auto m = random_vec(d, rng);
        means.insert(means.end(), m.begin(), m.end());
      }
      const std::vector<double> lambda{0.1, 0.2, 0.3, 0.4};
      const BarycenterResult r = bary(d, lambda, covs, means);
      INFO("d = " << d << " cond = " << cond << " iterations = " << r.iterations);
      CHECK(r.converged);
      CHECK(r.residual <= 1e-12);
      // Independent residual: eigen-based square roots carry ~sqrt(cond) eps error.
      CHECK(fixed_point_residual(d, r.gaussian.cov, lambda, covs) <= 1e-12 * std::sqrt(cond));
      // Permuting the inputs permutes nothing in the result.
      const std::vector<int> perm{2, 0, 3, 1};
      std::vector<Mat> pc;
      std::vector<double> pl, pm;
      for (int p : perm) {
        pc.push_back(covs[p]);
        pl.push_back(lambda[p]);
        pm.insert(pm.end(), means.begin() + p * d, means.begin() + (p + 1) * d);
      }
      const BarycenterResult rp = bary(d, pl, pc, pm);
      Mat diff(r.gaussian.cov);
      for (std::size_t i = 0; i < diff.size(); ++i) diff[i] -= rp.gaussian.cov[i];
      CHECK(frob(diff) <= 1e-11 * frob(r.gaussian.cov));
      // lambda = e_j returns S_j.
      const BarycenterResult one = bary(d, {0.0, 0.0, 1.0, 0.0}, covs, means);
      Mat d2(one.gaussian.cov);
      for (std::size_t i = 0; i < d2.size(); ++i) d2[i] -= covs[2][i];
      CHECK(frob(d2) <= 1e-12 * frob(covs[2]));
    }
  }
}

TEST_CASE("barycenter of two Gaussians is the geodesic point; multi-marginal cost",
          "[barycenter]") {
  std::mt19937_64 rng(33);
  for (int d : {2, 3, 6}) {
    const Mat s0 = random_cov(d, 1e3, rng), s1 = random_cov(d, 10.0, rng);
    const auto m0 = random_vec(d, rng), m1 = random_vec(d, rng);
    const double t = 0.3;
    std::vector<double> means(m0);
    means.insert(means.end(), m1.begin(), m1.end());
    const BarycenterResult r = bary(d, {1.0 - t, t}, {s0, s1}, means);
    const GaussianParams g =
        gaussian_geodesic(m0.data(), factor(d, s0), m1.data(), factor(d, s1), t);
    Mat diff(r.gaussian.cov);
    for (std::size_t i = 0; i < diff.size(); ++i) diff[i] -= g.cov[i];
    INFO("d = " << d);
    CHECK(frob(diff) <= 1e-10 * frob(g.cov));
    // Sum_j l_j W2^2(mu_j, bary) = l0 l1 W2^2(mu0, mu1) for J = 2.
    const double cost = (1.0 - t) * w2sq(d, m0, s0, r.gaussian.mean, r.gaussian.cov) +
                        t * w2sq(d, m1, s1, r.gaussian.mean, r.gaussian.cov);
    CHECK(cost == Approx((1.0 - t) * t * w2sq(d, m0, s0, m1, s1)).epsilon(1e-9));
    // The same through the core's validated set and multi-marginal cost (the C call's route).
    const std::vector<double> w = {1.0 - t, t};
    std::vector<double> covs(s0);
    covs.insert(covs.end(), s1.begin(), s1.end());
    const GaussianSet set = make_gaussian_set(2, d, w.data(), means.data(), covs.data());
    const MultimarginalCost mm = gaussian_multimarginal_cost(d, set, means.data(), {}, {});
    CHECK(mm.barycenter.converged);
    CHECK(mm.cost == Approx((1.0 - t) * t * w2sq(d, m0, s0, m1, s1)).epsilon(1e-9));
  }
}

TEST_CASE("barycenter reports non-convergence and keeps the best iterate", "[barycenter]") {
  std::mt19937_64 rng(34);
  const int d = 6;
  std::vector<Mat> covs{random_cov(d, 1e5, rng), random_cov(d, 1e5, rng), random_cov(d, 10, rng)};
  BarycenterOptions o;
  o.max_iterations = 2;
  const BarycenterResult r = bary(d, {0.3, 0.3, 0.4}, covs, std::vector<double>(3 * d, 0.0), o);
  CHECK_FALSE(r.converged);
  CHECK(r.iterations == 2);
  CHECK(r.residual > 1e-12);
  CHECK(std::all_of(r.gaussian.cov.begin(), r.gaussian.cov.end(),
                    [](double x) { return std::isfinite(x); }));
}

TEST_CASE("a warm start reaches the same barycenter; one without a Cholesky factor falls back",
          "[barycenter]") {
  std::mt19937_64 rng(33);
  for (int d : {5, 27}) {
    std::vector<Mat> covs;
    std::vector<CovFactor> f;
    std::vector<double> means;
    for (int j = 0; j < 4; ++j) {
      covs.push_back(random_cov(d, 1e4, rng));
      f.push_back(factor(d, covs.back()));
      const auto m = random_vec(d, rng);
      means.insert(means.end(), m.begin(), m.end());
    }
    const std::vector<double> lambda{0.1, 0.2, 0.3, 0.4};
    const BarycenterResult cold = gaussian_barycenter(d, lambda, means.data(), f, {}, {});
    REQUIRE(cold.converged);
    auto distance = [&](const BarycenterResult &r) {
      Mat diff(r.gaussian.cov);
      for (std::size_t i = 0; i < diff.size(); ++i) diff[i] -= cold.gaussian.cov[i];
      return frob(diff) / frob(cold.gaussian.cov);
    };
    const Mat far = random_cov(d, 10.0, rng);  // a regular start far from the barycenter
    const Mat zero(static_cast<std::size_t>(d) * d, 0.0);
    Mat indefinite = far;  // symmetric with a negative eigenvalue
    for (int i = 0; i < d; ++i) indefinite[i * d + i] -= 2.0;
    const Mat &converged = cold.gaussian.cov;
    for (const Mat *start : {&converged, &far, &zero, &static_cast<const Mat &>(indefinite)}) {
      const BarycenterResult warm =
          gaussian_barycenter(d, lambda, means.data(), f, {}, {}, start->data());
      INFO("d = " << d << " start "
                  << (start == &converged ? "converged"
                      : start == &far     ? "far"
                      : start == &zero    ? "zero"
                                          : "indefinite")
                  << " iterations " << warm.iterations << " (cold " << cold.iterations << ")");
      CHECK(warm.converged);
      CHECK(warm.residual <= 1e-12);
      CHECK(fixed_point_residual(d, warm.gaussian.cov, lambda, covs) <= 1e-12 * std::sqrt(1e4));
      // Both within the tolerance of the same fixed point (its contraction rate is about 1/2).
      CHECK(distance(warm) <= 1e-10);
      if (start == &converged) CHECK(warm.iterations <= 2);
      if (start == &zero) CHECK(warm.iterations == cold.iterations);  // the default start
    }
  }
}
