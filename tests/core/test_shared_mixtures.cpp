// SPDX-License-Identifier: MIT
// Mixtures shared, not copied; factors handed over, not recomputed (issue 10, part 2):
// factor_from_cholesky against a fresh factor_covariance, EM's mixture carrying its own Cholesky
// factors (equal to a fresh factorisation of its covariances to rounding, and the same mixture
// the validating constructor builds from the same arrays), an MW2 plan sharing its mixtures,
// and its pair maps computed once (same object on every call, from several threads at once);
// util/lazy.hpp's once-only computation, whose errors are not stored.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "em/em.hpp"
#include "error_support.hpp"
#include "linalg/covariance_factor.hpp"
#include "linalg/dense.hpp"
#include "mixture/gmm.hpp"
#include "mw2/mw2_plan.hpp"
#include "support.hpp"
#include "util/error.hpp"
#include "util/lazy.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

double max_abs(const std::vector<double> &v) {
  double m = 0;
  for (const double x : v) m = std::max(m, std::fabs(x));
  return m;
}

// The two factors describe the same covariance the same way, to rounding (tol relative to the
// largest entry of the scaled factor, which is O(1)).
void check_same_factor(const CovFactor &got, const CovFactor &want, double tol) {
  REQUIRE(got.d == want.d);
  CHECK(got.kind == want.kind);
  CHECK(got.scale_exp == want.scale_exp);
  CHECK(got.scale == want.scale);
  CHECK(got.rank == want.rank);
  CHECK(got.scaled == want.scaled);  // both from the same sym: identical
  CHECK(got.trace == want.trace);
  REQUIRE(got.f.size() == want.f.size());
  REQUIRE(got.f_t.size() == want.f_t.size());
  const double s = std::max(1.0, max_abs(want.f));
  for (std::size_t i = 0; i < got.f.size(); ++i) {
    CHECK(std::fabs(got.f[i] - want.f[i]) <= tol * s);
    CHECK(std::fabs(got.f_t[i] - want.f_t[i]) <= tol * s);
  }
  CHECK(std::fabs(got.log_pdet - want.log_pdet) <= tol * (1 + std::fabs(want.log_pdet)));
  CHECK(std::fabs(got.abs_det_f - want.abs_det_f) <= tol * want.d * want.abs_det_f);
  CHECK(std::fabs(got.sqrt_max_eig - want.sqrt_max_eig) <= tol * want.sqrt_max_eig);
}

// S = 4^e L L^T written exactly symmetric (row-major), as EM writes its covariances, from a
// lower column-major L.
std::vector<double> llt(int d, const std::vector<double> &l, int e) {
  std::vector<double> s(static_cast<std::size_t>(d) * d);
  for (int j = 0; j < d; ++j)
    for (int i = j; i < d; ++i) {
      double v = 0;
      for (int m = 0; m <= j; ++m) v += l[i + m * d] * l[j + m * d];
      v = std::ldexp(v, 2 * e);
      s[i * d + j] = v;
      s[j * d + i] = v;
    }
  return s;
}

// The lower Cholesky factor (column-major) of a symmetric positive definite matrix.
std::vector<double> chol(int d, const Mat &s) {
  std::vector<double> l(s.begin(), s.end());
  REQUIRE(linalg::cholesky_lower(d, l.data()));
  return l;
}

// Samples of the well-separated reference mixture of test_em.cpp (K = 3), times 2^scale.
std::vector<double> samples(std::size_t d, std::size_t n, int scale) {
  std::mt19937_64 rng(101 + d);
  std::vector<double> w{0.5, 0.3, 0.2}, m(3 * d, 0.0), s;
  for (std::size_t c = 0; c < 3; ++c) {
    m[c * d + c % d] = 12.0 * static_cast<double>(c);
    const Mat cov = random_cov(static_cast<int>(d), 30.0, rng);
    s.insert(s.end(), cov.begin(), cov.end());
  }
  const Gmm g = make_gmm(d, w, m, s);
  std::vector<double> x(n * d);
  g.sample(n, 7, Context{1}, x.data(), nullptr);
  for (double &v : x) v = std::ldexp(v, scale);
  return x;
}

}  // namespace

TEST_CASE("factor_from_cholesky: the handed-over factor is a fresh factorisation's, to rounding",
          "[factor][shared]") {
  std::mt19937_64 rng(2026);
  for (const int d : {2, 3, 5, 12, 30}) {
    for (const int e : {0, 7, -300, 250}) {
      const Mat s0 = random_cov(d, 1e4, rng);  // well conditioned: the Cholesky kind
      const std::vector<double> l = chol(d, s0);
      const std::vector<double> s = llt(d, l, e);
      const CovFactor fresh = factor_covariance(d, s.data(), "s");
      REQUIRE(fresh.kind == FactorKind::Cholesky);
      const CovFactor got = factor_from_cholesky(d, s.data(), l.data(), e, "s");
      check_same_factor(got, fresh, 1e-13 * d);
    }
  }
  SECTION("where factor_covariance would not give a Cholesky factor, the same result") {
    // Exactly diagonal, including d = 1: the Diagonal kind, bit for bit.
    for (const int d : {1, 4}) {
      Mat s(static_cast<std::size_t>(d) * d, 0.0);
      for (int i = 0; i < d; ++i) s[i * d + i] = 0.5 + i;
      const std::vector<double> l = chol(d, s);
      const CovFactor got = factor_from_cholesky(d, s.data(), l.data(), 0, "s");
      const CovFactor fresh = factor_covariance(d, s.data(), "s");
      CHECK(got.kind == FactorKind::Diagonal);
      check_same_factor(got, fresh, 0.0);
      CHECK(got.sd == fresh.sd);
      CHECK(got.eigval == fresh.eigval);
    }
    // Ill conditioned (condition ~1e18 > 1 / (d eps)): the eigen-factor of sym, as fresh.
    const int d = 4;
    std::vector<double> l(static_cast<std::size_t>(d) * d, 0.0);
    std::normal_distribution<double> nd;
    for (int j = 0; j < d; ++j)
      for (int i = j + 1; i < d; ++i) l[i + j * d] = 0.3 * nd(rng);
    for (int i = 0; i < d; ++i) l[i * (d + 1)] = i == 2 ? 1e-9 : 1.0;
    const std::vector<double> s = llt(d, l, 0);
    const CovFactor fresh = factor_covariance(d, s.data(), "s");
    REQUIRE(fresh.kind == FactorKind::Eigen);
    const CovFactor got = factor_from_cholesky(d, s.data(), l.data(), 0, "s");
    CHECK(got.kind == FactorKind::Eigen);
    check_same_factor(got, fresh, 0.0);
    // Tiny covariances (subnormal entries possible): factored afresh, bit for bit.
    const Mat t0 = random_cov(d, 10.0, rng);
    const std::vector<double> lt = chol(d, t0);
    const std::vector<double> st = llt(d, lt, -520);
    const CovFactor fresh_t = factor_covariance(d, st.data(), "s");
    check_same_factor(factor_from_cholesky(d, st.data(), lt.data(), -520, "s"), fresh_t, 0.0);
  }
}

TEST_CASE("EM hands its Cholesky factors to the mixture it returns", "[em][shared]") {
  // d = 1 (the Diagonal kind), small d and the BLAS path; data in its own units and scaled far
  // up and down (the factor's power-of-two bookkeeping).
  for (const std::size_t d : {std::size_t{1}, std::size_t{3}, std::size_t{20}}) {
    for (const int scale : {0, -400, 400}) {
      CAPTURE(d, scale);
      const std::vector<double> x = samples(d, 3000, scale);
      EmOptions o;
      o.components = 3;
      o.seed = 3;
      const EmResult r = fit_gmm_em(x.size() / d, d, x.data(), nullptr, o, {});
      REQUIRE(r.gmm != nullptr);
      const Gmm &g = *r.gmm;
      // The validating constructor on the same arrays: the same weights, means and covariances,
      // bit for bit, and factors equal to rounding.
      const Gmm fresh(g.k(), d, g.weights().data(), g.means().data(), g.covariances().data(),
                      nullptr);
      CHECK(fresh.weights() == g.weights());
      CHECK(fresh.means() == g.means());
      CHECK(fresh.covariances() == g.covariances());
      REQUIRE(g.factors().size() == g.k());
      for (std::size_t c = 0; c < g.k(); ++c) {
        CAPTURE(c);
        check_same_factor(g.factors()[c], fresh.factors()[c], 1e-12);
        if (d > 1) CHECK(g.factors()[c].kind == FactorKind::Cholesky);
      }
      // And the mixture computes what the freshly factored one does, to rounding.
      const std::size_t n = 50;
      std::vector<double> a(n), b(n);
      g.log_density(n, x.data(), Context{1}, a.data());
      fresh.log_density(n, x.data(), Context{1}, b.data());
      for (std::size_t i = 0; i < n; ++i)
        CHECK(std::fabs(a[i] - b[i]) <= 1e-10 * (1 + std::fabs(b[i])));
    }
  }
}

TEST_CASE("Gmm::with_factors checks the shapes it is handed", "[shared]") {
  const double w[2] = {0.5, 0.5}, m[2] = {0, 1}, s[2] = {1, 2};
  std::vector<CovFactor> f{factor_covariance(1, s, "s"), factor_covariance(1, s + 1, "s")};
  const Gmm g = Gmm::with_factors(2, 1, w, m, {s[0], s[1]}, f);
  CHECK(g.weights() == std::vector<double>{0.5, 0.5});
  CHECK(g.covariances() == std::vector<double>{1, 2});
  CHECK(error_of([&] { Gmm::with_factors(2, 1, w, m, {s[0]}, f); }) == Errc::Internal);
  CHECK(error_of([&] { Gmm::with_factors(2, 1, w, m, {s[0], s[1]}, {f[0]}); }) == Errc::Internal);
  const double bad_w[2] = {-0.5, 1.5};
  CHECK(error_of([&] { Gmm::with_factors(2, 1, bad_w, m, {s[0], s[1]}, f); }) != Errc::Internal);
}

TEST_CASE("an MW2 plan shares its mixtures instead of copying them", "[mw2][shared]") {
  std::mt19937_64 rng(5);
  const int d = 3;
  std::vector<double> m0, s0, m1, s1;
  for (int c = 0; c < 2; ++c) {
    for (double v : random_vec(d, rng, 2.0)) m0.push_back(v);
    for (double v : random_cov(d, 10.0, rng)) s0.push_back(v);
  }
  for (int c = 0; c < 3; ++c) {
    for (double v : random_vec(d, rng, 2.0)) m1.push_back(v);
    for (double v : random_cov(d, 10.0, rng)) s1.push_back(v);
  }
  auto g0 = shared(make_gmm(d, {0.4, 0.6}, m0, s0));
  auto g1 = shared(make_gmm(d, {0.2, 0.3, 0.5}, m1, s1));
  const Gmm *p0 = g0.get(), *p1 = g1.get();
  auto plan = std::make_unique<Mw2Plan>(g0, g1, Mw2Options{}, Context{});
  CHECK(&plan->source() == p0);
  CHECK(&plan->target() == p1);
  CHECK(plan->shared_source() == g0);
  CHECK(g0.use_count() == 2);
  CHECK(g1.use_count() == 2);
  // The plan keeps the mixtures alive on its own.
  const double mw2 = plan->mw2_squared();
  g0.reset();
  g1.reset();
  CHECK(plan->shared_source().use_count() == 1);
  CHECK(plan->source().k() == 2);
  CHECK(Mw2Plan(plan->shared_source(), plan->shared_target(), {}, {}).mw2_squared() == mw2);
  // Derived mixtures are new ones.
  const Gmm mid = plan->geodesic(0.5);
  CHECK(mid.k() == plan->transport().plan.size());
  // A null mixture is refused.
  CHECK(error_of([&] { Mw2Plan(nullptr, plan->shared_target(), {}, {}); }) ==
        Errc::InvalidArgument);
}

TEST_CASE("an MW2 plan computes its pair maps once", "[mw2][shared]") {
  std::mt19937_64 rng(9);
  const int d = 4;
  std::vector<double> m0, s0, m1, s1;
  for (int c = 0; c < 4; ++c) {
    for (double v : random_vec(d, rng, 3.0)) m0.push_back(v);
    for (double v : random_cov(d, 10.0, rng)) s0.push_back(v);
    for (double v : random_vec(d, rng, 3.0)) m1.push_back(v);
    for (double v : random_cov(d, 10.0, rng)) s1.push_back(v);
  }
  const auto g0 = shared(make_gmm(d, {0.1, 0.2, 0.3, 0.4}, m0, s0));
  const auto g1 = shared(make_gmm(d, {0.25, 0.25, 0.25, 0.25}, m1, s1));
  const Mw2Plan reference(g0, g1, {}, {});
  const std::vector<PairMap> want = reference.pair_maps();  // a copy
  REQUIRE(want.size() == reference.transport().plan.size());
  // The same vector on every call, and the same values.
  CHECK(&reference.pair_maps() == &reference.pair_maps());
  CHECK(reference.pair_maps().data() == reference.pair_maps().data());
  // First calls from several threads at once on fresh plans: one computation, seen by all.
  const unsigned nthreads = 4;
  for (int round = 0; round < 10; ++round) {
    const Mw2Plan plan(g0, g1, {}, {});
    std::atomic<unsigned> ready{0};
    std::vector<const std::vector<PairMap> *> seen(nthreads, nullptr);
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < nthreads; ++t) {
      threads.emplace_back([&, t] {
        ready.fetch_add(1);
        while (ready.load() < nthreads) std::this_thread::yield();
        seen[t] = &plan.pair_maps();
      });
    }
    for (auto &th : threads) th.join();
    for (unsigned t = 0; t < nthreads; ++t) CHECK(seen[t] == &plan.pair_maps());
    const std::vector<PairMap> &got = plan.pair_maps();
    REQUIRE(got.size() == want.size());
    for (std::size_t n = 0; n < got.size(); ++n) {
      CHECK(got[n].exists == want[n].exists);
      CHECK(got[n].map.a == want[n].map.a);
      CHECK(got[n].map.b == want[n].map.b);
    }
  }
}

TEST_CASE("Lazy: computed once, errors not stored", "[shared]") {
  Lazy<std::vector<int>> lazy;
  CHECK(lazy.peek() == nullptr);
  int calls = 0;
  // A throwing computation stores nothing and leaves the object usable (no stuck flag).
  for (int i = 0; i < 2; ++i) {
    CHECK(error_of([&] {
            lazy.get([&]() -> std::vector<int> {
              ++calls;
              fail(Errc::NoMap, "no map");
            });
          }) == Errc::NoMap);
  }
  CHECK(calls == 2);
  CHECK(lazy.peek() == nullptr);
  // Then several threads at once: one computation, one object.
  std::atomic<int> computed{0};
  std::atomic<unsigned> ready{0};
  const unsigned nthreads = 4;
  std::vector<const std::vector<int> *> seen(nthreads, nullptr);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < nthreads; ++t) {
    threads.emplace_back([&, t] {
      ready.fetch_add(1);
      while (ready.load() < nthreads) std::this_thread::yield();
      seen[t] = &lazy.get([&] {
        computed.fetch_add(1);
        return std::vector<int>{1, 2, 3};
      });
    });
  }
  for (auto &th : threads) th.join();
  CHECK(computed.load() == 1);
  for (unsigned t = 0; t < nthreads; ++t) CHECK(seen[t] == lazy.peek());
  CHECK(*lazy.peek() == std::vector<int>{1, 2, 3});
  CHECK(&lazy.get([]() -> std::vector<int> { throw std::logic_error("not called"); }) ==
        lazy.peek());
}
