// SPDX-License-Identifier: MIT
// Student-t EM (em.cpp, em_kernel.cpp, student_t.cpp, em_joint.cpp): digamma and trigamma
// against closed forms, the nu step against a direct maximisation of its objective (lgamma),
// recovery of a known t-mixture from 1e5 samples, the reported log-likelihood against
// Gmm::log_density (vectorised and BLAS paths), a monotone ECM log-likelihood, a fixed nu kept,
// outliers (t beats Gaussian on held-out data), the joint fit with one shared nu, bit-identical
// results for 1, 2 and 3 threads, and invalid options.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "em/em.hpp"
#include "em/student_t.hpp"
#include "error_support.hpp"
#include "mixture/gmm.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

constexpr double kEuler = 0.57721566490153286061;
constexpr double kPi = 3.14159265358979323846;

// The mixture of the recovery test: d = 3, K = 3, nu = 4.
Gmm reference_t() {
  const double w[3] = {0.5, 0.3, 0.2};
  const double m[9] = {0, 0, 0, 6, 0, 0, 0, 6, 3};
  const double s[27] = {1,   0.3, 0, 0.3, 1,   0, 0, 0, 1,  //
                        2,   0,   0, 0,   2,   0, 0, 0, 2,  //
                        0.5, 0,   0, 0,   0.5, 0, 0, 0, 0.5};
  return Gmm::student_t(3, 3, 4.0, w, m, s, nullptr);
}

EmOptions t_options(std::size_t k, double dof = 0) {
  EmOptions o;
  o.components = k;
  o.seed = 5;
  o.family = 1;
  o.dof = dof;
  return o;
}

double mean_log_density(const Gmm &g, std::size_t n, const double *x) {
  std::vector<double> lp(n);
  g.log_density(n, x, Context{1}, lp.data());
  double s = 0;
  for (double v : lp) s += v;
  return s / static_cast<double>(n);
}

bool same_bits(const std::vector<double> &u, const std::vector<double> &v) {
  return u.size() == v.size() && std::memcmp(u.data(), v.data(), u.size() * sizeof(double)) == 0;
}

// Index of the fitted component nearest to mean m.
std::size_t nearest(const Gmm &g, const double *m) {
  std::size_t best = 0;
  double bd = HUGE_VAL;
  for (std::size_t c = 0; c < g.k(); ++c) {
    double s = 0;
    for (std::size_t j = 0; j < g.d(); ++j) {
      const double t = g.means()[c * g.d() + j] - m[j];
      s += t * t;
    }
    if (s < bd) {
      bd = s;
      best = c;
    }
  }
  return best;
}

// The nu part of the expected complete log-likelihood per unit weight (Peel & McLachlan 2000),
// up to terms free of nu: Q(nu) = -lgamma(nu/2) + (nu/2) log(nu/2) + (nu/2) (lu + psi(h) - log h),
// h = (nu_old + d)/2. Uses lgamma, not digamma (except for the constant psi(h)).
double q_nu(double nu, double lu, double nu_old, double d) {
  const double h = 0.5 * (nu_old + d);
  return -std::lgamma(0.5 * nu) + 0.5 * nu * std::log(0.5 * nu) +
         0.5 * nu * (lu + em::digamma(h) - std::log(h));
}

void check_error(const std::function<void()> &f, Errc code, const char *needle) {
  std::string message;
  const Errc e = error_of(f, &message);
  CAPTURE(message);
  CHECK(e == code);
  CHECK(message.find(needle) != std::string::npos);
}

}  // namespace

TEST_CASE("Student-t EM: digamma and trigamma", "[em][student_t]") {
  CHECK(std::fabs(em::digamma(1.0) + kEuler) < 1e-15);
  CHECK(std::fabs(em::digamma(0.5) + kEuler + 2 * std::log(2.0)) < 1e-15);
  CHECK(std::fabs(em::trigamma(1.0) - kPi * kPi / 6) < 1e-15);
  CHECK(std::fabs(em::trigamma(0.5) - kPi * kPi / 2) < 1e-14);
  // psi(n + 1) = H_n - gamma, psi'(n + 1) = pi^2/6 - sum_{k<=n} 1/k^2, up to n = 200.
  double h = 0, q = 0;
  for (int n = 1; n <= 200; ++n) {
    h += 1.0 / n;
    q += 1.0 / (static_cast<double>(n) * n);
    CAPTURE(n);
    CHECK(std::fabs(em::digamma(n + 1.0) - (h - kEuler)) <= 1e-14 * std::max(1.0, h));
    CHECK(std::fabs(em::trigamma(n + 1.0) - (kPi * kPi / 6 - q)) <= 1e-15);
    // psi(n + 1/2) = -gamma - 2 ln 2 + sum_{k<=n} 2 / (2k - 1)
  }
  double s = 0;
  for (int n = 1; n <= 60; ++n) {
    s += 2.0 / (2 * n - 1);
    CHECK(std::fabs(em::digamma(n + 0.5) - (-kEuler - 2 * std::log(2.0) + s)) <= 2e-14 * s);
  }
  // log x - psi(x) without cancellation: the asymptotic 1/(2x) + 1/(12 x^2) at large x.
  for (double x : {1e3, 1e5, 1e8}) {
    const double ref = 0.5 / x + 1.0 / (12 * x * x) - 1.0 / (120 * x * x * x * x);
    CHECK(std::fabs(em::log_minus_digamma(x) - ref) <= 1e-15 * ref);
  }
  for (double x : {0.1, 0.7, 2.5, 9.9, 10.0, 33.0}) {
    CAPTURE(x);
    CHECK(std::fabs(em::log_minus_digamma(x) - (std::log(x) - em::digamma(x))) < 1e-14);
  }
}

TEST_CASE("Student-t EM: the nu step maximises its objective on [2.01, 1000]", "[em][student_t]") {
  for (double d : {1.0, 3.0, 27.0}) {
    for (double nu_old : {2.5, 4.0, 30.0}) {
      for (double lu : {-1.05, -1.2, -1.6, -2.5, -0.999}) {
        CAPTURE(d, nu_old, lu);
        const double nu = em::nu_step(lu, nu_old, d);
        REQUIRE(nu >= em::kNuMin);
        REQUIRE(nu <= em::kNuMax);
        const double qv = q_nu(nu, lu, nu_old, d);
        // No point of a fine grid of the interval does better (beyond rounding).
        for (double x = em::kNuMin; x <= em::kNuMax; x *= 1.01)
          CHECK(q_nu(x, lu, nu_old, d) <= qv + 1e-12 * std::max(1.0, std::fabs(qv)));
        if (nu > em::kNuMin && nu < em::kNuMax) {  // an interior root: a local maximum
          for (double e : {1e-6, 1e-4})
            CHECK(q_nu(nu * (1 + e), lu, nu_old, d) <= qv + 1e-13 * std::fabs(qv));
        }
      }
    }
  }
  // lu = -1 (every u = 1, no evidence of tails): nu goes up (to the bound in the limit).
  CHECK(em::nu_step(-1.0, 10.0, 3.0) > 10.0);
  CHECK(em::nu_step(-100.0, 10.0, 3.0) == em::kNuMin);
}

TEST_CASE("Student-t EM recovers a known t-mixture from 1e5 samples", "[em][student_t]") {
  const Gmm ref = reference_t();
  const std::size_t n = 100000, d = 3, k = 3;
  std::vector<double> x(n * d);
  ref.sample(n, 77, Context{2}, x.data(), nullptr);
  const EmResult r = fit_gmm_em(n, d, x.data(), nullptr, t_options(k), Context{2});
  const Gmm &g = *r.gmm;
  REQUIRE(g.family().is_student_t());
  CHECK(r.converged);
  // Standard errors measured over 8 independent samples of 1e5 points (gmmot_gmm_sample seeds
  // 1..8, the same fit): nu 0.040, means 0.011 (largest coordinate), scale entries 0.0095,
  // 0.041, 0.0084 for the three components, weights 0.0016. Tolerances: 5 standard errors.
  CHECK(std::fabs(g.family().nu() - 4.0) < 5 * 0.040);
  const double se_scale[3] = {0.0095, 0.041, 0.0084};
  for (std::size_t c = 0; c < k; ++c) {
    CAPTURE(c);
    const std::size_t f = nearest(g, ref.means().data() + c * d);
    CHECK(std::fabs(g.weights()[f] - ref.weights()[c]) < 5 * 0.0016);
    for (std::size_t j = 0; j < d; ++j)
      CHECK(std::fabs(g.means()[f * d + j] - ref.means()[c * d + j]) < 5 * 0.011);
    for (std::size_t e = 0; e < d * d; ++e) {
      CAPTURE(e);
      CHECK(std::fabs(g.scales()[f * d * d + e] - ref.scales()[c * d * d + e]) < 5 * se_scale[c]);
      // The covariances are nu / (nu - 2) times the scales.
      const double nu = g.family().nu();
      CHECK(std::fabs(g.covariances()[f * d * d + e] - nu / (nu - 2) * g.scales()[f * d * d + e]) <=
            1e-14 * (1 + std::fabs(g.covariances()[f * d * d + e])));
    }
  }
  // The reported l is the mean log-density of the returned mixture.
  CHECK(std::fabs(r.mean_log_likelihood - mean_log_density(g, n, x.data())) < 1e-12);
}

TEST_CASE("Student-t EM: the ECM log-likelihood never decreases (small-d and BLAS paths)",
          "[em][student_t]") {
  for (std::size_t d : {2u, 6u}) {
    for (bool relax : {false, true}) {
      CAPTURE(d, relax);
      // Three overlapping t_5 components (means 3 apart, unit scales plus a shared tilt).
      const std::size_t n = 20000;
      std::vector<double> w{0.4, 0.35, 0.25}, m(3 * d, 0.0), sc(3 * d * d, 0.0);
      for (std::size_t c = 0; c < 3; ++c) {
        m[c * d + c % d] = 3.0;
        for (std::size_t i = 0; i < d; ++i)
          for (std::size_t j = 0; j < d; ++j)
            sc[c * d * d + i * d + j] = (i == j ? 1.0 + 0.5 * static_cast<double>(c) : 0.2);
      }
      const Gmm ref = Gmm::student_t(3, d, 5.0, w.data(), m.data(), sc.data(), nullptr);
      std::vector<double> x(n * d);
      ref.sample(n, 9 + d, Context{1}, x.data(), nullptr);
      EmOptions o = t_options(3);
      o.tolerance = 1e-10;
      o.max_iterations = 120;
      o.over_relaxation = relax;
      std::vector<double> ll;
      Context ctx{2};
      ctx.progress = [&](Stage, std::uint64_t, std::uint64_t, double v) {
        ll.push_back(v);
        return false;
      };
      const EmResult r = fit_gmm_em(n, d, x.data(), nullptr, o, ctx);
      REQUIRE(r.reseeded == 0);
      REQUIRE(ll.size() > 10);
      for (std::size_t t = 1; t < ll.size(); ++t) {
        CAPTURE(t, ll[t - 1], ll[t]);
        CHECK(ll[t] >= ll[t - 1] - 1e-12 * std::max(1.0, std::fabs(ll[t])));
      }
      CHECK(r.gmm->family().nu() < 6.0);  // heavy tails found
      CHECK(std::fabs(r.mean_log_likelihood - mean_log_density(*r.gmm, n, x.data())) < 1e-11);
    }
  }
}

TEST_CASE("Student-t EM: a fixed nu is kept, and threads are bit-identical", "[em][student_t]") {
  const Gmm ref = reference_t();
  const std::size_t n = 30000, d = 3;
  std::vector<double> x(n * d);
  ref.sample(n, 5, Context{1}, x.data(), nullptr);
  const EmResult fixed = fit_gmm_em(n, d, x.data(), nullptr, t_options(3, 7.5), Context{1});
  CHECK(fixed.gmm->family().nu() == 7.5);
  std::vector<EmResult> runs;
  for (unsigned th : {1u, 2u, 3u})
    runs.push_back(fit_gmm_em(n, d, x.data(), nullptr, t_options(4), Context{th}));
  for (std::size_t i = 1; i < runs.size(); ++i) {
    CHECK(same_bits(runs[i].gmm->means(), runs[0].gmm->means()));
    CHECK(same_bits(runs[i].gmm->covariances(), runs[0].gmm->covariances()));
    CHECK(same_bits(runs[i].gmm->weights(), runs[0].gmm->weights()));
    CHECK(runs[i].gmm->family() == runs[0].gmm->family());
    CHECK(runs[i].mean_log_likelihood == runs[0].mean_log_likelihood);
  }
}

TEST_CASE("Student-t EM: the log-likelihood is the mixture's for any fixed nu", "[em][student_t]") {
  // The reported l is the mean log-density of the returned mixture (its accurate t normaliser):
  // at nu = 1e6 the difference lgamma((nu + d)/2) - lgamma(nu/2) of two values near 6e6 would
  // lose 1e-9; both sides here agree to rounding of the sums (1e-12).
  const Gmm ref = reference_t();
  const std::size_t n = 5000, d = 3;
  std::vector<double> x(n * d);
  ref.sample(n, 9, Context{1}, x.data(), nullptr);
  for (double nu : {2.5, 30.0, 1e4, 1e6}) {
    const EmResult r = fit_gmm_em(n, d, x.data(), nullptr, t_options(3, nu), Context{1});
    CAPTURE(nu, r.mean_log_likelihood);
    CHECK(std::fabs(r.mean_log_likelihood - mean_log_density(*r.gmm, n, x.data())) < 1e-12);
  }
}

TEST_CASE("Student-t EM beats Gaussian EM on held-out data with outliers", "[em][student_t]") {
  // A Gaussian mixture plus 2% uniform outliers over a box 40 times wider than the clusters.
  std::mt19937_64 rng(31);
  std::normal_distribution<double> nd;
  std::uniform_real_distribution<double> box(-40, 40);
  const std::size_t d = 2, n = 40000;
  auto draw = [&](std::vector<double> &x) {
    x.resize(n * d);
    for (std::size_t i = 0; i < n; ++i) {
      if (i % 50 == 0) {
        for (std::size_t j = 0; j < d; ++j) x[i * d + j] = box(rng);
        continue;
      }
      const double c = static_cast<double>(i % 3) * 5.0;
      x[i * d] = c + nd(rng);
      x[i * d + 1] = (i % 3 == 1 ? 4.0 : 0.0) + 0.5 * nd(rng);
    }
  };
  std::vector<double> train, test;
  draw(train);
  draw(test);
  // Both with the best of 3 starts (by training log-likelihood): one start may end at a
  // local optimum, for either family.
  EmOptions ot = t_options(3), og = ot;
  ot.initializations = og.initializations = 3;
  og.family = 0;
  const EmResult g = fit_gmm_em(n, d, train.data(), nullptr, og, Context{2});
  const EmResult t = fit_gmm_em(n, d, train.data(), nullptr, ot, Context{2});
  const double lg = mean_log_density(*g.gmm, n, test.data());
  const double lt = mean_log_density(*t.gmm, n, test.data());
  CAPTURE(lg, lt, t.gmm->family().nu());
  CHECK(lt > lg + 0.05);
  CHECK(t.gmm->family().nu() < 10);  // the outliers are the t's tails
}

TEST_CASE("Student-t EM: the joint fit shares one nu", "[em][student_t]") {
  // Two data sets of one shape, t_3 and t_12 tails.
  const std::size_t d = 2, n0 = 30000, n1 = 20000;
  auto make = [&](double nu, std::size_t n, std::uint64_t seed) {
    const double w[2] = {0.6, 0.4}, m[4] = {0, 0, 5, 1}, s[8] = {1, 0.2, 0.2, 1, 0.5, 0, 0, 2};
    const Gmm g = Gmm::student_t(2, d, nu, w, m, s, nullptr);
    std::vector<double> x(n * d);
    g.sample(n, seed, Context{1}, x.data(), nullptr);
    return x;
  };
  const std::vector<double> x0 = make(3.0, n0, 1), x1 = make(12.0, n1, 2);
  const EmOptions o = t_options(2);
  const EmResult s0 = fit_gmm_em(n0, d, x0.data(), nullptr, o, Context{1});
  const EmResult s1 = fit_gmm_em(n1, d, x1.data(), nullptr, o, Context{1});
  const double nu0 = s0.gmm->family().nu(), nu1 = s1.gmm->family().nu();
  CAPTURE(nu0, nu1);
  REQUIRE(nu0 < nu1);
  const std::size_t n[2] = {n0, n1};
  const double *const pts[2] = {x0.data(), x1.data()};
  std::vector<double> ll;
  Context ctx{2};
  ctx.progress = [&](Stage, std::uint64_t, std::uint64_t, double v) {
    ll.push_back(v);
    return false;
  };
  const EmJointResult j = fit_em_joint(2, d, n, pts, nullptr, o, ctx);
  REQUIRE(j.fits.size() == 2);
  CHECK(j.converged);
  const double nu = j.fits[0].gmm->family().nu();
  CAPTURE(nu);
  CHECK(j.fits[1].gmm->family().nu() == nu);  // bit for bit
  CHECK(nu > nu0);
  CHECK(nu < nu1);
  for (std::size_t t = 1; t < ll.size(); ++t) CHECK(ll[t] >= ll[t - 1] - 1e-12 * std::fabs(ll[t]));
  CHECK(j.objective == j.fits[0].mean_log_likelihood + j.fits[1].mean_log_likelihood);
  CHECK(std::fabs(j.fits[0].mean_log_likelihood - mean_log_density(*j.fits[0].gmm, n0, x0.data())) <
        1e-12);
  // The joint objective is at least that of either separate nu imposed on both data sets.
  for (double fixed : {nu0, nu1}) {
    const EmJointResult f = fit_em_joint(2, d, n, pts, nullptr, t_options(2, fixed), Context{1});
    CAPTURE(fixed, f.objective, j.objective);
    CHECK(j.objective >= f.objective - 1e-9);
  }
  // Threads: bit-identical.
  const EmJointResult j1 = fit_em_joint(2, d, n, pts, nullptr, o, Context{1});
  CHECK(j1.fits[0].gmm->family() == j.fits[0].gmm->family());
  CHECK(same_bits(j1.fits[1].gmm->covariances(), j.fits[1].gmm->covariances()));
  CHECK(j1.objective == j.objective);
  // Gaussian: independent fits, bit-identical to fit_gmm_em.
  EmOptions og = o;
  og.family = 0;
  const EmJointResult jg = fit_em_joint(2, d, n, pts, nullptr, og, Context{1});
  const EmResult g1 = fit_gmm_em(n1, d, x1.data(), nullptr, og, Context{1});
  CHECK(same_bits(jg.fits[1].gmm->covariances(), g1.gmm->covariances()));
  CHECK(!jg.fits[1].gmm->family().is_student_t());
}

TEST_CASE("Student-t EM: invalid options", "[em][student_t]") {
  std::vector<double> x(200);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<double>(i));
  auto run = [&](const EmOptions &o) { fit_gmm_em(100, 2, x.data(), nullptr, o, Context{1}); };
  EmOptions o = t_options(2, 1.5);
  check_error([&] { run(o); }, Errc::InvalidArgument, "must be > 2");
  o = t_options(2, 2.0);
  check_error([&] { run(o); }, Errc::InvalidArgument, "dof = 2");
  o = t_options(2);
  o.family = 2;
  check_error([&] { run(o); }, Errc::InvalidArgument, "family");
  o = t_options(3);
  o.split_merge = 5;
  check_error([&] { run(o); }, Errc::InvalidArgument, "Gaussian family only");
  const std::size_t n[2] = {100, 100};
  const double *const pts[2] = {x.data(), nullptr};
  std::vector<double> bad = x;
  bad[7] = NAN;
  const double *const pts2[2] = {x.data(), bad.data()};
  check_error([&] { fit_em_joint(2, 2, n, pts2, nullptr, t_options(2), Context{1}); },
              Errc::NonFinite, "data set 1");
  check_error([&] { fit_em_joint(0, 2, n, pts, nullptr, t_options(2), Context{1}); },
              Errc::Dimension, "J is 0");
}
