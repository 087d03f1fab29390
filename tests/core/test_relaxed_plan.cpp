// SPDX-License-Identifier: MIT
// Plans built without an LP and from point clouds: Mw2Plan::from_plan (a given component
// plan), the KL-relaxed fit's plan (relax/plans.hpp, relaxed_plan: the diagonal w_kk = pi_k of
// Delon-Desolneux section 6.2) with its T_mean on a translated copy, and MW_{K,2} between point
// clouds (section 6.1, mw2_between_clouds) against the EM fits and the plan made separately.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "em/em.hpp"
#include "error_support.hpp"
#include "maps/transport_maps.hpp"
#include "mixture/gmm.hpp"
#include "mw2/mw2_plan.hpp"
#include "relax/plans.hpp"
#include "relax/relaxed_fit.hpp"
#include "relaxed_support.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

std::shared_ptr<const Gmm> two_component(double shift) {
  return std::make_shared<const Gmm>(
      make_gmm(2, {0.25, 0.75}, {0, 0, 3 + shift, 1}, {1, 0.2, 0.2, 2, 0.5, 0, 0, 0.5}));
}

}  // namespace

TEST_CASE("from_plan: the optimal plan given back reproduces the solved plan", "[relaxplan]") {
  const auto g0 = two_component(0), g1 = std::make_shared<const Gmm>(
                                        make_gmm(2, {0.5, 0.3, 0.2}, {1, 1, -2, 0, 4, 4},
                                                 {1, 0, 0, 1, 2, 0.5, 0.5, 1, 0.3, 0, 0, 0.3}));
  const Mw2Plan solved(g0, g1, Mw2Options{}, Context{});
  const Mw2Plan given = Mw2Plan::from_plan(g0, g1, solved.transport().plan, Context{});
  CHECK(solved.solved());
  CHECK_FALSE(given.solved());
  CHECK(given.transport().u.empty());
  CHECK(given.transport().v.empty());
  CHECK(given.transport().iterations == 0);
  CHECK(given.transport().converged);
  CHECK(given.transport().marginal_error <= 1e-15);
  CHECK(given.cost_matrix() == solved.cost_matrix());
  CHECK(given.mw2_squared() == Approx(solved.mw2_squared()).epsilon(1e-14));
  REQUIRE(given.transport().plan.size() == solved.transport().plan.size());
  CHECK(same(given.coupling(), solved.coupling()));
  CHECK(same(given.geodesic(0.3), solved.geodesic(0.3)));
  // The maps read only the plan: T_mean is the same function.
  const TransportMaps ms(solved), mg(given);
  const std::vector<double> x = {0.5, -1, 3, 2, -4, 7};
  std::vector<double> ys(6), yg(6);
  ms.apply_mean(3, x.data(), Context{}, ys.data());
  mg.apply_mean(3, x.data(), Context{}, yg.data());
  CHECK(ys == yg);
}

TEST_CASE("from_plan: a sub-optimal plan costs more, and its entries are sorted", "[relaxplan]") {
  const auto g0 = two_component(0), g1 = two_component(5);
  // The anti-diagonal coupling of equal-weight... here (0.25, 0.75) -> (0.25, 0.75) crossed
  // needs mass moved both ways: 0.25 from row 0 to column 1, 0.25 from row 1 to column 0.
  const std::vector<PlanEntry> crossed = {{1, 1, 0.5}, {0, 1, 0.25}, {1, 0, 0.25}};
  const Mw2Plan p = Mw2Plan::from_plan(g0, g1, crossed, Context{});
  const Mw2Plan opt(g0, g1, Mw2Options{}, Context{});
  REQUIRE(p.transport().plan.size() == 3);
  CHECK(p.transport().plan[0].i == 0);
  CHECK(p.transport().plan[1].i == 1);
  CHECK(p.transport().plan[1].j == 0);
  const std::vector<double> &c = p.cost_matrix();
  CHECK(p.mw2_squared() == Approx(0.5 * c[3] + 0.25 * c[1] + 0.25 * c[2]).epsilon(1e-15));
  CHECK(p.mw2_squared() >= opt.mw2_squared());
  CHECK(p.coupling().k() == 3);
}

TEST_CASE("from_plan: invalid plans are refused with the entry named", "[relaxplan]") {
  const auto g0 = two_component(0), g1 = two_component(1);
  const auto g3 = std::make_shared<const Gmm>(make_gmm(1, {1}, {0}, {1}));
  std::string msg;
  auto given = [&](std::vector<PlanEntry> e) {
    return [&, e] { Mw2Plan::from_plan(g0, g1, e, Context{}); };
  };
  CHECK(error_of([&] { Mw2Plan::from_plan(nullptr, g1, {}, Context{}); }, &msg) ==
        Errc::InvalidArgument);
  CHECK(error_of(
            [&] {
              Mw2Plan::from_plan(g0, g3, {{0, 0, 1}}, Context{});
            },
            &msg) == Errc::Dimension);
  CHECK(error_of(given({{0, 0, 0.25}, {1, 2, 0.75}}), &msg) == Errc::InvalidArgument);
  CHECK(msg.find("entries[1]") != std::string::npos);
  CHECK(error_of(given({{0, 0, 0.25}, {1, 1, NAN}}), &msg) == Errc::NonFinite);
  CHECK(msg.find("entries[1].mass") != std::string::npos);
  CHECK(error_of(given({{0, 0, 0.5}, {1, 1, 1.0}, {1, 0, -0.25}}), &msg) == Errc::Weights);
  CHECK(msg.find("entries[2].mass") != std::string::npos);
  CHECK(error_of(given({{1, 1, 0.5}, {0, 0, 0.25}, {1, 1, 0.25}}), &msg) == Errc::InvalidArgument);
  CHECK(msg.find("entries[2] repeats the pair (1, 1) of entries[0]") != std::string::npos);
  CHECK(error_of(given({{0, 0, 0.25}, {1, 1, 0.7}}), &msg) == Errc::Weights);
  CHECK(msg.find("row 1") != std::string::npos);
  CHECK(error_of(given({{0, 0, 0.25}, {1, 0, 0.05}, {1, 1, 0.7}}), &msg) == Errc::Weights);
  CHECK(msg.find("column 0") != std::string::npos);
  CHECK(error_of(given({}), &msg) == Errc::Weights);
  // within the tolerance: accepted
  CHECK(Mw2Plan::from_plan(g0, g1, {{0, 0, 0.25 + 1e-10}, {1, 1, 0.75}}, Context{})
            .transport()
            .marginal_error > 0);
}

TEST_CASE("relaxed plan: its coupling is gamma and its cost the transport term", "[relaxplan]") {
  const std::size_t d = 2;
  const std::vector<double> x0 = cloud(600, d, 3, 4.0, 7), x1 = cloud(500, d, 4, 5.0, 8);
  RelaxedOptions o;
  o.components = 3;
  o.lambda = 0.5;
  const RelaxedResult r = fit_relaxed(view(x0, d), view(x1, d), o, Context{1});
  const Mw2Plan p = relaxed_plan(r);
  CHECK_FALSE(p.solved());
  CHECK(&p.source() == r.marginal0.get());  // shared, not copied
  CHECK(&p.target() == r.marginal1.get());
  REQUIRE(p.transport().plan.size() == o.components);
  for (std::size_t k = 0; k < o.components; ++k) {
    CHECK(p.transport().plan[k].i == k);
    CHECK(p.transport().plan[k].j == k);
    CHECK(p.transport().plan[k].mass == r.marginal0->weights()[k]);
  }
  // The same coupling component for component: means copied, covariances from the same polar
  // factor by two routes (mw2/coupling.cpp, relax/result.cpp), so equal to rounding relative to
  // the covariance scale.
  const Gmm c = p.coupling();
  const Gmm &g = *r.coupling;
  REQUIRE(c.k() == g.k());
  REQUIRE(c.d() == g.d());
  double scale = 0;
  for (double v : g.covariances()) scale = std::max(scale, std::fabs(v));
  for (std::size_t k = 0; k < c.k(); ++k) CHECK(c.weights()[k] == Approx(g.weights()[k]));
  for (std::size_t i = 0; i < c.means().size(); ++i) CHECK(c.means()[i] == g.means()[i]);
  for (std::size_t i = 0; i < c.covariances().size(); ++i)
    CHECK(std::fabs(c.covariances()[i] - g.covariances()[i]) <= 1e-11 * scale);
  // sum_k pi_k W2^2(pair k) is the transport term of J (to rounding)
  CHECK(p.mw2_squared() == Approx(r.transport).epsilon(1e-10));
  // and at least MW2^2 between the marginals
  CHECK(p.mw2_squared() >=
        Mw2Plan(r.marginal0, r.marginal1, Mw2Options{}, Context{}).mw2_squared() * (1 - 1e-12));
}

TEST_CASE("relaxed plan: T_mean of a translated copy moves points by the translation",
          "[relaxplan]") {
  // nu1 = nu0 + tau, fitted at large lambda. At the optimum m1_k = m0_k + tau + delta_k and
  // S1_k = S0_k + E_k, where the transport term's pull gives |delta_k| = O(|tau| |S| / lambda_abs)
  // and E_k alike (test_relaxed_fit.cpp, "a translated copy": both below 1e-5 |tau| and
  // 1e-4 s^2 at lambda = 1e5). T_mean(x) = sum_k p_k(x) T_k(x) / sum_k p_k(x) with the Monge map
  // T_k(x) = m1_k + A_k (x - m0_k), A_k = I + O(|E_k| / |S0_k|); so T_mean(x) - x - tau is a
  // convex combination of delta_k + (A_k - I)(x - m0_k), below 1e-3 |tau| for the points of the
  // cloud (|x - m0_k| a few standard deviations, the clusters' covariances O(1)).
  const std::size_t d = 2;
  const std::vector<double> x0 = cloud(900, d, 3, 4.0, 51);
  const double tau[2] = {25.0, -7.5};
  const double tnorm = std::hypot(tau[0], tau[1]);
  std::vector<double> x1 = x0;
  for (std::size_t i = 0; i < x1.size(); ++i) x1[i] += tau[i % d];
  RelaxedOptions o;
  o.components = 3;
  o.lambda = 1e5;
  o.seed = 4;
  o.tolerance = 1e-12;
  o.max_iterations = 1000;
  const RelaxedResult r = fit_relaxed(view(x0, d), view(x1, d), o, Context{1});
  const Mw2Plan p = relaxed_plan(r);
  const TransportMaps maps(p);
  std::vector<double> y(x0.size());
  maps.apply_mean(x0.size() / d, x0.data(), Context{1}, y.data());
  double worst = 0;
  for (std::size_t i = 0; i < y.size(); ++i) worst = std::max(worst, std::fabs(y[i] - x1[i]));
  CHECK(worst <= 1e-3 * tnorm);
  // T_rand draws within the same paired component maps: the same translation here, since each
  // x's posterior mass sits on components whose maps all move it by about tau.
  maps.apply_rand(x0.size() / d, x0.data(), 9, Context{1}, y.data());
  double worst_rand = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    worst_rand = std::max(worst_rand, std::fabs(y[i] - x1[i]));
  CHECK(worst_rand <= 1e-3 * tnorm);
}

TEST_CASE("MW_K,2 between clouds: the EM fits and the plan made separately, bit for bit",
          "[relaxplan]") {
  const std::size_t d = 3;
  const std::vector<double> x0 = cloud(700, d, 4, 3.0, 21), x1 = cloud(800, d, 3, 3.0, 22);
  std::vector<double> w1(x1.size() / d);
  for (std::size_t i = 0; i < w1.size(); ++i) w1[i] = 1.0 + static_cast<double>(i % 5);
  EmOptions em;
  em.components = 4;
  em.seed = 11;
  Mw2Options tr;
  for (unsigned threads : {1u, 2u}) {
    PointCloud c1 = view(x1, d);
    c1.weights = w1.data();
    const CloudsMw2 r = mw2_between_clouds(view(x0, d), c1, em, tr, Context{threads});
    const EmResult f0 = fit_gmm_em(x0.size() / d, d, x0.data(), nullptr, em, Context{threads});
    const EmResult f1 = fit_gmm_em(x1.size() / d, d, x1.data(), w1.data(), em, Context{threads});
    const Mw2Plan p(f0.gmm, f1.gmm, tr, Context{threads});
    CHECK(same(*r.fit0.gmm, *f0.gmm));
    CHECK(same(*r.fit1.gmm, *f1.gmm));
    CHECK(&r.plan.source() == r.fit0.gmm.get());
    CHECK(r.plan.solved());
    CHECK(r.plan.mw2_squared() == p.mw2_squared());
    CHECK(r.plan.cost_matrix() == p.cost_matrix());
    REQUIRE(r.plan.transport().plan.size() == p.transport().plan.size());
    for (std::size_t n = 0; n < p.transport().plan.size(); ++n) {
      CHECK(r.plan.transport().plan[n].i == p.transport().plan[n].i);
      CHECK(r.plan.transport().plan[n].j == p.transport().plan[n].j);
      CHECK(r.plan.transport().plan[n].mass == p.transport().plan[n].mass);
    }
    CHECK(r.plan.transport().u == p.transport().u);
  }
}

TEST_CASE("MW_K,2 between clouds: errors name the cloud", "[relaxplan]") {
  const std::size_t d = 2;
  std::vector<double> x0 = cloud(50, d, 2, 3.0, 1), x1 = cloud(60, d, 2, 3.0, 2);
  EmOptions em;
  em.components = 2;
  std::string msg;
  auto run = [&](PointCloud a, PointCloud b) {
    return [&, a, b] { mw2_between_clouds(a, b, em, Mw2Options{}, Context{}); };
  };
  PointCloud c0 = view(x0, d), c1 = view(x1, d);
  x1[2 * d + 1] = NAN;
  CHECK(error_of(run(c0, c1), &msg) == Errc::NonFinite);
  CHECK(msg.find("points1[2][1]") != std::string::npos);
  x1[2 * d + 1] = 0;
  PointCloud e = c0;
  e.n = 0;
  CHECK(error_of(run(e, c1), &msg) == Errc::Dimension);
  CHECK(msg.find("points0") != std::string::npos);
  PointCloud dd = c1;
  dd.d = 1;
  dd.n = x1.size();
  CHECK(error_of(run(c0, dd), &msg) == Errc::Dimension);
  std::vector<double> w(c0.n, 1.0);
  w[3] = -1;
  PointCloud wc = c0;
  wc.weights = w.data();
  CHECK(error_of(run(wc, c1), &msg) == Errc::Weights);
  CHECK(msg.find("weights0[3]") != std::string::npos);
  em.components = 0;
  CHECK(error_of(run(c0, c1), &msg) == Errc::InvalidArgument);
  em.components = 2;
  em.max_iterations = 1;  // not an error: fit0 reports it
  const CloudsMw2 r = mw2_between_clouds(c0, c1, em, Mw2Options{}, Context{});
  CHECK_FALSE(r.fit0.converged);
  // an error inside a fit is prefixed with the cloud: cancellation in the second fit
  em.max_iterations = 300;
  // (each EM run reports its start with done = 0: the second such report is fit1's)
  int starts = 0;
  Context ctx;
  ctx.progress = [&](Stage s, std::uint64_t done, std::uint64_t, double) {
    if (s == Stage::Em && done == 0) ++starts;
    return starts == 2;
  };
  CHECK(error_of([&] { mw2_between_clouds(c0, c1, em, Mw2Options{}, ctx); }, &msg) ==
        Errc::Cancelled);
  CHECK(msg.find("fitting points1: ") == 0);
}
