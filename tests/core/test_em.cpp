// SPDX-License-Identifier: MIT
// EM fitting (em/em.hpp): recovery of a known mixture from 1e5 of its samples (small-d
// and BLAS paths), the reported log-likelihood against Gmm::log_density, a non-decreasing
// log-likelihood, over-relaxation against plain EM on a slowly converging mixture, the iterate
// returned at convergence, bit-identical results for 1, 2 and 3 threads, exact scale invariance
// under powers of two, zero weights, degenerate data (duplicates, fewer distinct points than K,
// identical points, a collapsing component, no regularisation), cancellation, iteration cap
// and invalid input.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "em/em.hpp"
#include "error_support.hpp"
#include "mixture/gmm.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

bool all_finite(const std::vector<double> &v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

// The weighted mean of log_density over the points: what mean_log_likelihood must be.
double mean_log_density(const Gmm &g, std::size_t n, const double *x, const double *w) {
  std::vector<double> lp(n);
  g.log_density(n, x, Context{1}, lp.data());
  double s = 0, sw = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double wi = w != nullptr ? w[i] : 1.0;
    if (wi == 0) continue;
    s += wi * lp[i];
    sw += wi;
  }
  return s / sw;
}

// A well-separated reference mixture in dimension d with K = 3: weights .5, .3, .2, means 12
// apart along different axes, covariances B B^T + 0.2 I with B random (fixed seed).
Gmm reference(std::size_t d) {
  const std::size_t k = 3;
  std::mt19937_64 rng(11 + d);
  std::normal_distribution<double> nd;
  std::vector<double> w{0.5, 0.3, 0.2}, m(k * d, 0.0), s(k * d * d, 0.0);
  for (std::size_t c = 0; c < k; ++c) {
    m[c * d + c % d] = 12.0 * static_cast<double>(c);
    m[c * d + (c + 1) % d] -= 4.0 * static_cast<double>(c);
    std::vector<double> b(d * d);
    for (auto &v : b) v = 0.6 * nd(rng);
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) {
        double acc = i == j ? 0.2 : 0.0;
        for (std::size_t l = 0; l < d; ++l) acc += b[i * d + l] * b[j * d + l];
        s[c * d * d + i * d + j] = acc;
      }
  }
  return Gmm(k, d, w.data(), m.data(), s.data(), nullptr);
}

EmResult fit(const std::vector<double> &x, std::size_t d, std::size_t k, unsigned threads = 1,
             const std::vector<double> *w = nullptr,
             const std::function<void(EmOptions &)> &tweak = nullptr,
             const std::function<void(Context &)> &tweak_context = nullptr) {
  EmOptions o;
  o.components = k;
  o.seed = 5;
  if (tweak) tweak(o);
  Context ctx;
  ctx.threads = threads;
  if (tweak_context) tweak_context(ctx);
  return fit_gmm_em(x.size() / d, d, x.data(), w != nullptr ? w->data() : nullptr, o, ctx);
}

void check_valid(const EmResult &r, std::size_t k, std::size_t d) {
  REQUIRE(r.gmm != nullptr);
  const Gmm &g = *r.gmm;
  REQUIRE(g.k() == k);
  REQUIRE(g.d() == d);
  CHECK(std::isfinite(r.mean_log_likelihood));
  CHECK(all_finite(g.weights()));
  CHECK(all_finite(g.means()));
  CHECK(all_finite(g.covariances()));
  double sw = 0;
  for (double v : g.weights()) sw += v;
  CHECK(std::fabs(sw - 1) < 1e-12);
}

bool bitwise_equal(const EmResult &a, const EmResult &b) {
  auto same = [](const std::vector<double> &u, const std::vector<double> &v) {
    return u.size() == v.size() && std::memcmp(u.data(), v.data(), u.size() * sizeof(double)) == 0;
  };
  return same(a.gmm->weights(), b.gmm->weights()) && same(a.gmm->means(), b.gmm->means()) &&
         same(a.gmm->covariances(), b.gmm->covariances()) &&
         std::memcmp(&a.mean_log_likelihood, &b.mean_log_likelihood, sizeof(double)) == 0 &&
         a.iterations == b.iterations && a.converged == b.converged;
}

}  // namespace

TEST_CASE("EM recovers a known mixture from 1e5 samples", "[em]") {
  // d <= 4: vectorised kernels; d = 6, 20: the BLAS path with one and two row blocks.
  for (std::size_t d : {2u, 3u, 6u, 20u}) {
    CAPTURE(d);
    const Gmm ref = reference(d);
    const std::size_t n = 100000;
    std::vector<double> x(n * d);
    ref.sample(n, 2024 + d, Context{2}, x.data(), nullptr);
    const EmResult r = fit(x, d, 3, 2);
    check_valid(r, 3, d);
    CHECK(r.converged);
    CHECK(r.reseeded == 0);
    const Gmm &g = *r.gmm;
    // Match each reference component to the nearest fitted mean.
    for (std::size_t c = 0; c < 3; ++c) {
      CAPTURE(c);
      std::size_t best = 0;
      double bd = HUGE_VAL;
      for (std::size_t f = 0; f < 3; ++f) {
        double dist = 0;
        for (std::size_t j = 0; j < d; ++j) {
          const double t = g.means()[f * d + j] - ref.means()[c * d + j];
          dist += t * t;
        }
        if (dist < bd) {
          bd = dist;
          best = f;
        }
      }
      const double nk = static_cast<double>(n) * ref.weights()[c];
      CHECK(std::fabs(g.weights()[best] - ref.weights()[c]) < 1e-2);
      for (std::size_t j = 0; j < d; ++j) {
        const double var = ref.covariances()[c * d * d + j * d + j];
        const double se = std::sqrt(var / nk);
        CHECK(std::fabs(g.means()[best * d + j] - ref.means()[c * d + j]) < 5 * se);
        for (std::size_t l = 0; l < d; ++l) {
          // Standard error of a sample covariance entry: sqrt((S_jj S_ll + S_jl^2) / n_k).
          const double sjl = ref.covariances()[c * d * d + j * d + l];
          const double sll = ref.covariances()[c * d * d + l * d + l];
          const double se_c = std::sqrt((var * sll + sjl * sjl) / nk);
          CHECK(std::fabs(g.covariances()[best * d * d + j * d + l] - sjl) < 5 * se_c);
        }
      }
    }
    // The reported log-likelihood is that of the returned mixture.
    const double l = mean_log_density(g, n, x.data(), nullptr);
    CHECK(std::fabs(r.mean_log_likelihood - l) <= 1e-11 * std::max(1.0, std::fabs(l)));
  }
}

TEST_CASE("EM: the reported log-likelihood is that of the returned mixture, d = 1 to 60", "[em]") {
  for (std::size_t d : {1u, 4u, 5u, 15u, 16u, 47u, 48u, 60u}) {  // every kernel and row split
    CAPTURE(d);
    std::mt19937_64 rng(d);
    std::normal_distribution<double> nd;
    const std::size_t n = 3001;
    std::vector<double> x(n * d), w(n);
    for (std::size_t i = 0; i < n; ++i) {
      w[i] = 0.25 + static_cast<double>(i % 5);
      for (std::size_t j = 0; j < d; ++j)
        x[i * d + j] =
            nd(rng) * (1 + static_cast<double>(j % 3)) + 6.0 * static_cast<double>(i % 3 == j % 3);
    }
    const EmResult r = fit(x, d, 3, 2, &w, [](EmOptions &o) { o.max_iterations = 15; });
    check_valid(r, 3, d);
    const double l = mean_log_density(*r.gmm, n, x.data(), w.data());
    CHECK(std::fabs(r.mean_log_likelihood - l) <= 1e-11 * std::max(1.0, std::fabs(l)));
  }
}

TEST_CASE("EM: the log-likelihood never decreases", "[em]") {
  bool discarded = false;
  for (std::size_t d : {2u, 5u}) {
    CAPTURE(d);
    // Overlapping components and more fitted components than true ones: many iterations.
    std::mt19937_64 rng(3);
    std::normal_distribution<double> nd;
    const std::size_t n = 20000;
    std::vector<double> x(n * d), w(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double shift = (i % 3 == 0) ? 1.5 : (i % 3 == 1 ? -1.0 : 0.0);
      for (std::size_t j = 0; j < d; ++j)
        x[i * d + j] = nd(rng) * (1.0 + 0.5 * static_cast<double>(j)) + shift;
      w[i] = 0.5 + static_cast<double>(i % 7);
    }
    const std::vector<double> *const choices[] = {nullptr, &w};
    for (const std::vector<double> *weights : choices) {
      for (double reg : {1e-6, 0.0, 1e-2}) {
        CAPTURE(reg, weights != nullptr);
        std::vector<double> ll;
        const EmResult r = fit(
            x, d, 6, 2, weights,
            [&](EmOptions &o) {
              o.regularization = reg;
              o.tolerance = 1e-10;
              o.max_iterations = 150;
            },
            [&](Context &c) {
              c.progress = [&](Stage stage, std::uint64_t it, std::uint64_t total, double v) {
                CHECK(stage == Stage::Em);
                CHECK(total == 150);
                CHECK(it == ll.size());
                ll.push_back(v);
                return false;
              };
            });
        check_valid(r, 6, d);
        REQUIRE(r.reseeded == 0);
        REQUIRE(ll.size() > 10);
        for (std::size_t t = 1; t < ll.size(); ++t) {
          CAPTURE(t, ll[t - 1], ll[t]);
          CHECK(ll[t] >= ll[t - 1] - 1e-12 * std::max(1.0, std::fabs(ll[t])));
        }
        CHECK(r.mean_log_likelihood == *std::max_element(ll.begin(), ll.end()));
        // Every iteration is reported once; the passes that evaluated a discarded over-relaxed
        // step are not, and are at most one in three.
        CHECK(r.iterations + 1 == ll.size());
        CHECK(2 * r.passes <= 3 * ll.size() + 2);
        if (r.passes > ll.size()) discarded = true;
      }
    }
  }
  CHECK(discarded);  // the discarded steps above were exercised
}

namespace {

// Two overlapping Gaussians in d = 2 (means 1 apart, unit scale): EM converges slowly there
// (the rate of EM is the fraction of missing information, close to 1).
std::vector<double> overlapping(std::size_t n) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> nd;
  std::vector<double> x(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool second = i % 10 >= 6;
    x[2 * i] = nd(rng) + (second ? 1.0 : 0.0);
    x[2 * i + 1] = nd(rng) * (second ? 0.7 : 1.0) + 0.3 * x[2 * i];
  }
  return x;
}

}  // namespace

TEST_CASE("EM: over-relaxation reaches plain EM's log-likelihood in far fewer passes", "[em]") {
  const std::size_t n = 20000, d = 2;
  const std::vector<double> x = overlapping(n);
  for (std::uint64_t seed : {0u, 1u, 2u}) {
    CAPTURE(seed);
    auto run = [&](bool over_relaxation, double tol, std::uint64_t max_iterations) {
      return fit(x, d, 2, 1, nullptr, [&](EmOptions &o) {
        o.seed = seed;
        o.over_relaxation = over_relaxation;
        o.tolerance = tol;
        o.max_iterations = max_iterations;
      });
    };
    // The local maximum, run to a standstill (plain EM needs several thousand iterations).
    const EmResult opt = run(true, 0.0, 5000);
    const EmResult plain = run(false, 1e-6, 10000), fast = run(true, 1e-6, 10000);
    CHECK(opt.converged);
    CHECK(plain.converged);
    CHECK(fast.converged);
    CAPTURE(opt.mean_log_likelihood, plain.mean_log_likelihood, fast.mean_log_likelihood,
            plain.passes, fast.passes);
    CHECK(opt.iterations < 2000);
    // At the same tolerance: at least as close to the maximum, in at most half the passes.
    CHECK(fast.mean_log_likelihood >= plain.mean_log_likelihood);
    CHECK(fast.mean_log_likelihood <= opt.mean_log_likelihood);
    CHECK(2 * fast.passes <= plain.passes);
    CHECK(2 * fast.passes <= 3 * (fast.iterations + 1) + 2);
  }
}

TEST_CASE("EM: a converged fit returns the EM update of its last iterate", "[em]") {
  // As scikit-learn's GaussianMixture: convergence is judged on l_t - l_{t-1}, theta_t having
  // been obtained by a plain EM step, and the fit returns theta_{t+1} = M(theta_t).
  const std::size_t n = 20000, d = 2;
  const std::vector<double> x = overlapping(n);
  std::vector<double> ll;
  const EmResult r = fit(
      x, d, 3, 2, nullptr,
      [&](EmOptions &o) {
        o.tolerance = 1;  // |l_1 - l_0| <= max(1, |l_1|): converged at t = 1
      },
      [&](Context &c) {
        c.progress = [&](Stage, std::uint64_t, std::uint64_t, double v) {
          ll.push_back(v);
          return false;
        };
      });
  check_valid(r, 3, d);
  CHECK(r.converged);
  CHECK(r.iterations == 2);
  REQUIRE(ll.size() == 3);
  CHECK(ll[1] >= ll[0]);
  CHECK(ll[2] >= ll[1] - 1e-12 * std::fabs(ll[1]));
  CHECK(r.mean_log_likelihood == *std::max_element(ll.begin(), ll.end()));
  // The same mixture as two plain EM steps from the same start.
  const EmResult two = fit(x, d, 3, 2, nullptr, [&](EmOptions &o) {
    o.tolerance = 0;
    o.max_iterations = 2;
    o.over_relaxation = false;
  });
  CHECK_FALSE(two.converged);
  CHECK(two.iterations == 2);
  if (ll[2] >= ll[1]) {
    CHECK(two.gmm->weights() == r.gmm->weights());
    CHECK(two.gmm->means() == r.gmm->means());
    CHECK(two.gmm->covariances() == r.gmm->covariances());
    CHECK(two.mean_log_likelihood == r.mean_log_likelihood);
  }
}

TEST_CASE("EM: same seed gives bit-identical results for 1, 2 and 3 threads", "[em]") {
  for (std::size_t d : {3u, 7u, 20u}) {
    CAPTURE(d);
    const Gmm ref = reference(d);
    const std::size_t n = 30011;  // several chunks, and a partial last block
    std::vector<double> x(n * d), w(n);
    ref.sample(n, 99, Context{1}, x.data(), nullptr);
    for (std::size_t i = 0; i < n; ++i) w[i] = 1.0 + std::sin(static_cast<double>(i));
    auto tweak = [](EmOptions &o) {
      o.initializations = 2;
      o.max_iterations = 40;
    };
    const EmResult a = fit(x, d, 5, 1, &w, tweak);
    const EmResult b = fit(x, d, 5, 2, &w, tweak);
    const EmResult c = fit(x, d, 5, 3, &w, tweak);
    check_valid(a, 5, d);
    CHECK(bitwise_equal(a, b));
    CHECK(bitwise_equal(a, c));
    // Another seed starts elsewhere.
    const EmResult e = fit(x, d, 5, 2, &w, [&](EmOptions &o) {
      tweak(o);
      o.seed = 6;
    });
    CHECK(e.gmm->means() != a.gmm->means());
  }
}

TEST_CASE("EM: exact scale invariance under powers of two", "[em]") {
  const std::size_t d = 3, n = 5000;
  const Gmm ref = reference(d);
  std::vector<double> x(n * d), y(n * d);
  ref.sample(n, 1, Context{1}, x.data(), nullptr);
  for (int e : {-400, 400}) {
    CAPTURE(e);
    for (std::size_t i = 0; i < x.size(); ++i) y[i] = std::ldexp(x[i], e);
    // (A fixed number of iterations: the stopping test tol max(1, |l|) depends on the units.)
    auto fixed = [](EmOptions &o) {
      o.tolerance = 0;
      o.max_iterations = 25;
    };
    const EmResult a = fit(x, d, 3, 1, nullptr, fixed), b = fit(y, d, 3, 2, nullptr, fixed);
    check_valid(b, 3, d);
    CHECK(a.gmm->weights() == b.gmm->weights());
    for (std::size_t i = 0; i < a.gmm->means().size(); ++i)
      CHECK(std::ldexp(a.gmm->means()[i], e) == b.gmm->means()[i]);
    for (std::size_t i = 0; i < a.gmm->covariances().size(); ++i)
      CHECK(std::ldexp(a.gmm->covariances()[i], 2 * e) == b.gmm->covariances()[i]);
    const double shift = -static_cast<double>(d) * e * std::log(2.0);
    CHECK(std::fabs(b.mean_log_likelihood - (a.mean_log_likelihood + shift)) <
          1e-12 * std::fabs(shift));
    CHECK(a.iterations == b.iterations);
  }
  // Any other unit: the same fit up to rounding.
  for (std::size_t i = 0; i < x.size(); ++i) y[i] = x[i] * 1e-7 + 3e-5;
  const EmResult a = fit(x, d, 3), b = fit(y, d, 3);
  for (std::size_t i = 0; i < a.gmm->means().size(); ++i)
    CHECK(std::fabs((b.gmm->means()[i] - 3e-5) * 1e7 - a.gmm->means()[i]) < 1e-6);
}

TEST_CASE("EM: points of weight zero change nothing", "[em]") {
  const std::size_t d = 2, n = 6000, extra = 1500;
  const Gmm ref = reference(d);
  std::vector<double> x(n * d);
  ref.sample(n, 8, Context{1}, x.data(), nullptr);
  std::vector<double> w(n, 1.0);
  // Appended zero-weight points far away (huge, even): bit-identical fit.
  std::vector<double> x2 = x, w2 = w;
  for (std::size_t i = 0; i < extra; ++i) {
    x2.push_back(1e300);
    x2.push_back(-5e299 * static_cast<double>(i % 3));
    w2.push_back(0.0);
  }
  const EmResult a = fit(x, d, 3, 1, &w), b = fit(x2, d, 3, 2, &w2);
  check_valid(b, 3, d);
  CHECK(bitwise_equal(a, b));
  // Interleaved zero-weight points: the same fit up to rounding.
  std::vector<double> x3, w3;
  for (std::size_t i = 0; i < n; ++i) {
    x3.insert(x3.end(), {x[i * d], x[i * d + 1]});
    w3.push_back(1.0);
    if (i % 4 == 0) {
      x3.insert(x3.end(), {40.0, -40.0});
      w3.push_back(0.0);
    }
  }
  const EmResult c = fit(x3, d, 3, 2, &w3);
  for (std::size_t i = 0; i < a.gmm->means().size(); ++i)
    CHECK(std::fabs(c.gmm->means()[i] - a.gmm->means()[i]) < 1e-8);
  CHECK(std::fabs(c.mean_log_likelihood - a.mean_log_likelihood) < 1e-10);
  // Integer weights act as repetitions (same fit up to rounding and the initial draw, which
  // uses the weights; compare log-likelihoods only).
  std::vector<double> w4(n);
  for (std::size_t i = 0; i < n; ++i) w4[i] = static_cast<double>(1 + i % 2);
  const EmResult e = fit(x, d, 3, 1, &w4);
  check_valid(e, 3, d);
  CHECK(std::fabs(e.mean_log_likelihood - mean_log_density(*e.gmm, n, x.data(), w4.data())) <
        1e-11);
}

TEST_CASE("EM: degenerate data never crash nor give NaN", "[em]") {
  SECTION("duplicate points") {
    const std::size_t d = 3;
    const Gmm ref = reference(d);
    std::vector<double> base(200 * d), x;
    ref.sample(200, 4, Context{1}, base.data(), nullptr);
    for (int rep = 0; rep < 5; ++rep) x.insert(x.end(), base.begin(), base.end());
    const EmResult r = fit(x, d, 4);
    check_valid(r, 4, d);
    CHECK(std::fabs(r.mean_log_likelihood - mean_log_density(*r.gmm, 1000, x.data(), nullptr)) <
          1e-10 * std::max(1.0, std::fabs(r.mean_log_likelihood)));
  }
  SECTION("fewer distinct points than K") {
    for (std::size_t d : {2u, 6u}) {
      CAPTURE(d);
      std::vector<double> pts(3 * d), x;
      for (std::size_t i = 0; i < pts.size(); ++i)
        pts[i] = std::cos(1.0 + static_cast<double>(i)) * 10;
      for (int rep = 0; rep < 50; ++rep) x.insert(x.end(), pts.begin(), pts.end());
      for (std::size_t k : {5u, 8u}) {
        const EmResult r = fit(x, d, k);
        check_valid(r, k, d);
        // Every component of positive weight sits on one of the three points.
        for (std::size_t c = 0; c < k; ++c) {
          if (r.gmm->weights()[c] == 0) continue;
          double best = HUGE_VAL;
          for (std::size_t p = 0; p < 3; ++p) {
            double dist = 0;
            for (std::size_t j = 0; j < d; ++j)
              dist = std::max(dist, std::fabs(r.gmm->means()[c * d + j] - pts[p * d + j]));
            best = std::min(best, dist);
          }
          CHECK(best < 1e-9);
        }
      }
    }
  }
  SECTION("all points identical") {
    for (double v : {0.0, 1.5, -3e200}) {
      CAPTURE(v);
      const std::size_t d = 3, n = 100;
      std::vector<double> x(n * d);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j) x[i * d + j] = v * (1.0 + static_cast<double>(j));
      for (double reg : {1e-6, 0.0}) {
        const EmResult r = fit(x, d, 3, 1, nullptr, [&](EmOptions &o) { o.regularization = reg; });
        check_valid(r, 3, d);
        CHECK(r.converged);
        for (std::size_t c = 0; c < 3; ++c)
          for (std::size_t j = 0; j < d; ++j)
            CHECK(r.gmm->means()[c * d + j] == Approx(x[j]).margin(1e-300));
      }
    }
  }
  SECTION("a collapsing component") {
    // A Gaussian cloud plus 60 copies of one far point: one component collapses onto that point
    // and keeps the regularised covariance r s I, s the mean per-dimension variance.
    const std::size_t d = 2, n = 3000;
    std::mt19937_64 rng(1);
    std::normal_distribution<double> nd;
    std::vector<double> x;
    for (std::size_t i = 0; i < n; ++i) x.insert(x.end(), {nd(rng), 2 * nd(rng)});
    for (int i = 0; i < 60; ++i) x.insert(x.end(), {30.0, 30.0});
    const std::size_t m = x.size() / d;
    double s = 0;
    for (std::size_t j = 0; j < d; ++j) {
      double mean = 0, sq = 0;
      for (std::size_t i = 0; i < m; ++i) mean += x[i * d + j];
      mean /= static_cast<double>(m);
      for (std::size_t i = 0; i < m; ++i) sq += (x[i * d + j] - mean) * (x[i * d + j] - mean);
      s += sq / static_cast<double>(m);
    }
    s /= d;
    for (double reg : {1e-6, 1e-3, 0.0}) {
      CAPTURE(reg);
      const EmResult r = fit(x, d, 2, 1, nullptr, [&](EmOptions &o) { o.regularization = reg; });
      check_valid(r, 2, d);
      const Gmm &g = *r.gmm;
      const std::size_t c = g.means()[0] > 15 ? 0 : 1;
      CHECK(g.weights()[c] == Approx(60.0 / static_cast<double>(m)).epsilon(1e-9));
      CHECK(g.means()[c * d] == Approx(30.0).epsilon(1e-12));
      const double *cov = g.covariances().data() + c * d * d;
      if (reg > 0) {
        CHECK(cov[0] == Approx(reg * s).epsilon(1e-6));
        CHECK(cov[3] == Approx(reg * s).epsilon(1e-6));
        CHECK(std::fabs(cov[1]) < 1e-9 * reg * s);
      } else {
        // No regularisation: the floor 2^-40 s keeps it positive definite.
        CHECK(cov[0] > 0);
        CHECK(cov[0] < 1e-10 * s);
        CHECK(cov[0] * cov[3] - cov[1] * cov[2] > 0);
      }
      CHECK(std::isfinite(mean_log_density(g, m, x.data(), nullptr)));
    }
  }
  SECTION("an isolated outlier and more components than clusters: re-seeding") {
    const std::size_t d = 3;
    std::mt19937_64 rng(2);
    std::normal_distribution<double> nd;
    std::vector<double> x;
    for (int i = 0; i < 400; ++i) x.insert(x.end(), {nd(rng), nd(rng), nd(rng)});
    for (int i = 0; i < 400; ++i) x.insert(x.end(), {nd(rng) + 20, nd(rng), nd(rng)});
    x.insert(x.end(), {1e4, -1e4, 5e3});
    for (std::size_t k : {3u, 12u}) {
      const EmResult r = fit(x, d, k, 2, nullptr, [](EmOptions &o) { o.max_iterations = 100; });
      check_valid(r, k, d);
      CHECK(r.reseeded <= k);
    }
  }
  SECTION("a single point, K > n") {
    const std::vector<double> x{1.0, 2.0};
    const EmResult r = fit(x, 2, 4);
    check_valid(r, 4, 2);
  }
}

TEST_CASE("EM: iteration cap, several initialisations", "[em]") {
  const std::size_t d = 2, n = 20000;
  const Gmm ref = reference(d);
  std::vector<double> x(n * d);
  ref.sample(n, 31, Context{1}, x.data(), nullptr);
  const EmResult r = fit(x, d, 7, 1, nullptr, [](EmOptions &o) {
    o.max_iterations = 3;
    o.tolerance = 0;
  });
  check_valid(r, 7, d);
  CHECK_FALSE(r.converged);
  CHECK(r.iterations == 3);
  const EmResult one = fit(x, d, 7, 1, nullptr, [](EmOptions &o) { o.initializations = 1; });
  const EmResult four = fit(x, d, 7, 1, nullptr, [](EmOptions &o) { o.initializations = 4; });
  CHECK(four.mean_log_likelihood >= one.mean_log_likelihood);
}

TEST_CASE("EM: cancellation by the progress callback and the interrupt flag", "[em]") {
  const std::size_t d = 3, n = 20000;
  const Gmm ref = reference(d);
  std::vector<double> x(n * d);
  ref.sample(n, 12, Context{1}, x.data(), nullptr);
  std::string msg;
  // The callback returns true.
  CHECK(error_of(
            [&] {
              fit(x, d, 4, 2, nullptr, nullptr, [](Context &c) {
                c.progress = [](Stage, std::uint64_t it, std::uint64_t, double) { return it == 2; };
              });
            },
            &msg) == Errc::Cancelled);
  CHECK(msg.find("progress") != std::string::npos);
  // The flag set before the call.
  std::atomic<bool> flag{true};
  CHECK(
      error_of([&] { fit(x, d, 4, 2, nullptr, nullptr, [&](Context &c) { c.interrupt = &flag; }); },
               &msg) == Errc::Cancelled);
  CHECK(msg.find("interrupt") != std::string::npos);
  // The flag set during the fit (from the callback, then from another thread).
  flag = false;
  CHECK(error_of([&] {
          fit(x, d, 4, 2, nullptr, nullptr, [&](Context &c) {
            c.interrupt = &flag;
            c.progress = [&](Stage, std::uint64_t it, std::uint64_t, double) {
              if (it == 1) flag = true;
              return false;
            };
          });
        }) == Errc::Cancelled);
  flag = false;
  std::vector<double> big(400000 * d);
  ref.sample(400000, 13, Context{2}, big.data(), nullptr);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    flag = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(error_of([&] {
          fit(
              big, d, 10, 2, nullptr,
              [&](EmOptions &o) {
                o.tolerance = 0;
                o.max_iterations = 100000;
              },
              [&](Context &c) { c.interrupt = &flag; });
        }) == Errc::Cancelled);
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(20));
}

TEST_CASE("EM: invalid input is refused with a message naming it", "[em]") {
  const std::vector<double> x{0, 1, 2, 3, 4, 5, 6, 7};  // 4 points in d = 2
  EmOptions o;
  o.components = 2;
  std::string msg;
  auto run = [&](std::size_t n, std::size_t d, const double *p, const double *w,
                 const EmOptions &opt) {
    return error_of([&] { fit_gmm_em(n, d, p, w, opt, {}); }, &msg);
  };
  CHECK(run(0, 2, x.data(), nullptr, o) == Errc::Dimension);
  CHECK(run(4, 0, x.data(), nullptr, o) == Errc::Dimension);
  EmOptions k0 = o;
  k0.components = 0;
  CHECK(run(4, 2, x.data(), nullptr, k0) == Errc::Dimension);
  std::vector<double> bad = x;
  bad[7] = std::numeric_limits<double>::quiet_NaN();
  CHECK(run(4, 2, bad.data(), nullptr, o) == Errc::NonFinite);
  CHECK(msg.find("points[3][1]") != std::string::npos);
  std::vector<double> w{1, 1, 1, 1};
  w[2] = HUGE_VAL;
  CHECK(run(4, 2, x.data(), w.data(), o) == Errc::NonFinite);
  CHECK(msg.find("weights[2]") != std::string::npos);
  w[2] = -0.5;
  CHECK(run(4, 2, x.data(), w.data(), o) == Errc::Weights);
  CHECK(msg.find("weights[2]") != std::string::npos);
  std::vector<double> zeros(4, 0.0);
  CHECK(run(4, 2, x.data(), zeros.data(), o) == Errc::Weights);
  EmOptions t = o;
  t.tolerance = std::numeric_limits<double>::quiet_NaN();
  CHECK(run(4, 2, x.data(), nullptr, t) == Errc::InvalidArgument);
  t = o;
  t.max_iterations = 0;
  CHECK(run(4, 2, x.data(), nullptr, t) == Errc::InvalidArgument);
  t = o;
  t.initializations = 0;
  CHECK(run(4, 2, x.data(), nullptr, t) == Errc::InvalidArgument);
  t = o;
  t.regularization = -1;
  CHECK(run(4, 2, x.data(), nullptr, t) == Errc::InvalidArgument);
  // Data spread beyond what a covariance can hold.
  const std::vector<double> wide{-1e300, 0, 1e300, 0, 0, 1e300, 5, 5};
  CHECK(run(4, 2, wide.data(), nullptr, o) == Errc::Overflow);
}
