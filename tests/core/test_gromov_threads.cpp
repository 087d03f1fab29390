// SPDX-License-Identifier: MIT
// The Gromov-Wasserstein starts run on two threads when the context has them (gw_solver.cpp):
// the result (value, plan, gap, iterations, starts tried, best start) must be bit-identical to
// the calling thread alone, for the defaults, for random starts without annealing, and on
// rugged (non-metric) matrices where random starts keep improving, so that the speculative
// pairs of random starts are exercised too. MGW2's intra-mixture pairs are dealt to the threads
// on demand: the matrices and the result must not depend on the thread count either.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "gaussian/gaussian_ot.hpp"
#include "gromov/gw_solver.hpp"
#include "gromov/mgw2.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace gmmot;

namespace {

// Squared Euclidean distances of k random points in R^d (MGW2-like, often concave), or, when
// `rugged`, a symmetric matrix of independent uniform entries with a zero diagonal (many local
// minima).
std::vector<double> random_matrix(std::size_t k, int d, bool rugged, std::mt19937_64 &rng) {
  std::normal_distribution<double> g;
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> x(k * static_cast<std::size_t>(d)), c(k * k, 0.0);
  for (double &v : x) v = g(rng);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j) {
      double s = 0;
      if (rugged) {
        s = u(rng);
      } else {
        for (int a = 0; a < d; ++a) {
          const double diff = x[i * d + a] - x[j * d + a];
          s += diff * diff;
        }
      }
      c[i * k + j] = c[j * k + i] = s;
    }
  return c;
}

std::vector<double> random_weights(std::size_t k, std::mt19937_64 &rng) {
  std::exponential_distribution<double> e;
  std::vector<double> w(k);
  double sum = 0;
  for (double &v : w) sum += (v = e(rng) + 0.05);
  for (double &v : w) v /= sum;
  return w;
}

// A K-component mixture in R^d: weights uniform in [0.2, 1] normalised, means 3 N(0, I),
// covariances of condition up to 10.
Gmm random_mixture(std::mt19937_64 &rng, std::size_t k, int d) {
  std::uniform_real_distribution<double> u(0.2, 1.0);
  std::vector<double> w, m, s;
  for (std::size_t c = 0; c < k; ++c) {
    w.push_back(u(rng));
    const auto mean = test::random_vec(d, rng, 3.0);
    m.insert(m.end(), mean.begin(), mean.end());
    const auto cov = test::random_cov(d, 10.0, rng);
    s.insert(s.end(), cov.begin(), cov.end());
  }
  double sum = 0;
  for (double v : w) sum += v;
  for (double &v : w) v /= sum;
  return Gmm(k, static_cast<std::size_t>(d), w.data(), m.data(), s.data(), nullptr);
}

}  // namespace

TEST_CASE("GW starts: one thread and two threads give the same result bit for bit",
          "[gromov][threads]") {
  std::mt19937_64 rng(1313);
  int beyond_first_random = 0, runs = 0;
  for (int trial = 0; trial < 12; ++trial) {
    const bool rugged = trial % 2 == 1;
    const std::size_t k0 = 16 + static_cast<std::size_t>(trial) * 3, k1 = 17 + (trial % 4) * 6;
    const std::vector<double> c0 = random_matrix(k0, 3, rugged, rng),
                              c1 = random_matrix(k1, 2, rugged, rng);
    const std::vector<double> a = random_weights(k0, rng), b = random_weights(k1, rng);
    const GwProblem p(k0, a.data(), c0.data(), k1, b.data(), c1.data());
    GwOptions defaults, no_annealing, many;
    no_annealing.annealing = 0;
    many.starts = 12;
    many.seed = 7 + static_cast<std::uint64_t>(trial);
    for (const GwOptions &o : {defaults, no_annealing, many}) {
      const GwResult one = gromov_wasserstein(p, o, Context(1));
      const GwResult two = gromov_wasserstein(p, o, Context(2));
      INFO("trial " << trial << " K0 " << k0 << " K1 " << k1 << " starts " << o.starts
                    << " annealing " << o.annealing);
      CHECK(two.value == one.value);
      CHECK(two.plan == one.plan);
      CHECK(two.gap == one.gap);
      CHECK(two.iterations == one.iterations);
      CHECK(two.starts_tried == one.starts_tried);
      CHECK(two.best_start == one.best_start);
      CHECK(two.certified == one.certified);
      ++runs;
      // Starts beyond product, annealed and the first random one: the random pairs ran.
      if (one.starts_tried > 1U + (o.annealing != 0 ? 1U : 0U) + 1U) ++beyond_first_random;
    }
  }
  INFO("runs " << runs << ", with more than one random start " << beyond_first_random);
  CHECK(beyond_first_random >= 2);
}

TEST_CASE("MGW2: one thread and two threads give the same matrices and result bit for bit",
          "[gromov][threads]") {
  std::mt19937_64 rng(2613);
  // d = 27 with K = 40 (780 pairs: both threads take part in the intra-mixture matrix), d = 3.
  const std::size_t k0 = 40, k1 = 24;
  const int d0 = 27, d1 = 3;
  auto mixture = [&](std::size_t k, int d) { return random_mixture(rng, k, d); };
  const Gmm g0 = mixture(k0, d0), g1 = mixture(k1, d1);
  const Mgw2Result one = mgw2(g0, g1, GwOptions{}, Context(1));
  const Mgw2Result two = mgw2(g0, g1, GwOptions{}, Context(2));
  CHECK(two.d0 == one.d0);
  CHECK(two.d1 == one.d1);
  CHECK(two.gw.value == one.gw.value);
  CHECK(two.gw.plan == one.gw.plan);
  CHECK(two.gw.iterations == one.gw.iterations);
  CHECK(two.gw.starts_tried == one.gw.starts_tried);
  CHECK(two.gw.best_start == one.gw.best_start);
}

TEST_CASE("MGW2 intra matrices: both mixtures' pairs in one pool, bit for bit on 1 and 2 threads",
          "[gromov][threads]") {
  std::mt19937_64 rng(2027);
  auto mixture = [&](std::size_t k, int d) { return random_mixture(rng, k, d); };
  // K = 10 at d = 27 (45 pairs, ~0.3 ms): worth a second thread now that the pair estimate is
  // realistic; the d = 3 mixture's pairs join the same pool.
  const Gmm g0 = mixture(10, 27), g1 = mixture(10, 3), g2 = mixture(1, 5);
  CHECK(w2_pair_workers(45 * w2_pair_ns(27) + 45 * w2_pair_ns(3), 2) == 2);
  const auto one = intra_w2_matrices({&g0, &g1, &g2}, {"g0", "g1", "g2"}, Context(1));
  const auto two = intra_w2_matrices({&g0, &g1, &g2}, {"g0", "g1", "g2"}, Context(2));
  REQUIRE(one.size() == 3);
  CHECK(two == one);
  CHECK(one[2] == std::vector<double>{0.0});  // a single component: no pairs
  // Each matrix alone, and each entry against the single-pair W2^2 (a different code path).
  const Gmm *gs[2] = {&g0, &g1};
  for (int m = 0; m < 2; ++m) {
    CHECK(intra_w2_matrix(*gs[m], Context(2)) == one[m]);
    const std::size_t k = gs[m]->k(), d = gs[m]->d();
    for (std::size_t i = 0; i < k; ++i) {
      CHECK(one[m][i * k + i] == 0.0);
      for (std::size_t j = 0; j < k; ++j) {
        if (i == j) continue;
        const double ref = gaussian_w2_squared(gs[m]->means().data() + i * d, gs[m]->factors()[i],
                                               gs[m]->means().data() + j * d, gs[m]->factors()[j]);
        INFO("mixture " << m << " pair " << i << ", " << j);
        CHECK(one[m][i * k + j] == Approx(ref).epsilon(1e-10));
      }
    }
  }
}

TEST_CASE("MGW2 intra matrices: an overflow is named by its mixture and pair", "[gromov]") {
  const double w[2] = {0.5, 0.5}, cov[2] = {1.0, 1.0};
  const double small[2] = {0.0, 1.0}, huge[2] = {-1e300, 1e300};
  const Gmm ok(2, 1, w, small, cov, nullptr), bad(2, 1, w, huge, cov, nullptr);
  for (const Gmm *first : {&ok, &bad}) {
    try {
      intra_w2_matrices({first, &bad}, {"g0", "g1"}, Context(2));
      FAIL("no overflow reported");
    } catch (const Error &e) {
      CHECK(e.code() == Errc::Overflow);
      const std::string expected = first == &bad ? "of g0" : "of g1";
      CHECK(std::string(e.what()).find("components 0 and 1 " + expected) != std::string::npos);
    }
  }
}
