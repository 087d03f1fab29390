// SPDX-License-Identifier: MIT
// The multi-marginal North-West corner rule and the gluing of J plans that share their rows
// (lp/north_west.hpp; Tanguy-Delon-Gozlan, arXiv 2501.04016, the gluing of Alg. 2): every
// marginal is reproduced, the support bound sum_j K_j - J + 1 holds, zero entries never appear.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "lp/north_west.hpp"
#include "lp/transport.hpp"

using namespace gmmot;

namespace {

// n random weights summing to 1, a fraction of them exactly zero (but not all).
std::vector<double> random_marginal(std::size_t n, double zero_rate, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> u(0.05, 1.0), coin(0.0, 1.0);
  std::vector<double> w(n);
  for (auto &x : w) x = coin(rng) < zero_rate ? 0.0 : u(rng);
  if (std::all_of(w.begin(), w.end(), [](double x) { return x == 0.0; })) w[n / 2] = 1.0;
  double s = 0.0;
  for (double x : w) s += x;
  for (auto &x : w) x /= s;
  return w;
}

// The j-marginal of a gluing: mass per index at position `pos` of the tuples.
std::vector<double> marginal_of(const Gluing &g, std::size_t pos, std::size_t size) {
  std::vector<double> m(size, 0.0);
  for (std::size_t r = 0; r < g.count(); ++r) m[g.tuples[r * g.width + pos]] += g.mass[r];
  return m;
}

// A random n x k plan with row sums a, entries sorted by (i, j), a fraction of them zero
// (absent), at least one entry per row with a positive a_i.
std::vector<PlanEntry> random_plan(const std::vector<double> &a, std::size_t k, double zero_rate,
                                   std::mt19937_64 &rng) {
  std::vector<PlanEntry> plan;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == 0.0) continue;
    const std::vector<double> row = random_marginal(k, zero_rate, rng);
    for (std::size_t j = 0; j < k; ++j) {
      if (row[j] > 0.0) plan.push_back({i, j, a[i] * row[j]});
    }
  }
  return plan;
}

}  // namespace

TEST_CASE("north_west_corner: marginals, support bound, zero entries skipped", "[north_west]") {
  std::mt19937_64 rng(4101);
  std::uniform_int_distribution<std::size_t> uk(1, 7), uj(1, 5);
  for (int rep = 0; rep < 200; ++rep) {
    const std::size_t j = uj(rng);
    std::vector<std::vector<double>> marginals;
    std::size_t bound = 1;
    for (std::size_t q = 0; q < j; ++q) {
      marginals.push_back(random_marginal(uk(rng), rep % 2 ? 0.3 : 0.0, rng));
      bound += marginals.back().size() - 1;
    }
    const Gluing g = north_west_corner(marginals);
    INFO("rep " << rep << ", J = " << j);
    REQUIRE(g.width == j);
    REQUIRE(g.tuples.size() == g.count() * j);
    CHECK(g.count() <= bound);
    for (double m : g.mass) CHECK(m > 0.0);
    for (std::size_t q = 0; q < j; ++q) {
      const std::vector<double> m = marginal_of(g, q, marginals[q].size());
      for (std::size_t k = 0; k < m.size(); ++k) {
        // Masses are at most 1: 1e-15 is a few roundings of the subtractions of the walk.
        CHECK(std::fabs(m[k] - marginals[q][k]) <= 1e-15);
        // A zero entry is never part of a tuple (not even with zero mass).
        if (marginals[q][k] == 0.0) {
          for (std::size_t r = 0; r < g.count(); ++r) CHECK(g.tuples[r * j + q] != k);
        }
      }
    }
  }
}

TEST_CASE("north_west_corner: J = 1 returns the non-zero entries in order", "[north_west]") {
  const std::vector<double> w{0.25, 0.0, 0.5, 0.0, 0.25};
  const Gluing g = north_west_corner({w});
  CHECK(g.width == 1);
  CHECK(g.tuples == std::vector<std::size_t>{0, 2, 4});
  CHECK(g.mass == std::vector<double>{0.25, 0.5, 0.25});
}

TEST_CASE("north_west_corner: the classical two-marginal staircase", "[north_west]") {
  // a = (0.5, 0.5), b = (0.25, 0.75): (0,0) 0.25, (0,1) 0.25, (1,1) 0.5.
  const Gluing g = north_west_corner({{0.5, 0.5}, {0.25, 0.75}});
  CHECK(g.tuples == std::vector<std::size_t>{0, 0, 0, 1, 1, 1});
  CHECK(g.mass == std::vector<double>{0.25, 0.25, 0.5});
  CHECK(north_west_corner({}).count() == 0);
}

TEST_CASE("north_west_gluing: each glued marginal is the plan it came from", "[north_west]") {
  std::mt19937_64 rng(4102);
  std::uniform_int_distribution<std::size_t> uk(1, 6), uj(1, 4);
  for (int rep = 0; rep < 100; ++rep) {
    const std::size_t n = uk(rng), j = uj(rng);
    const std::vector<double> a = random_marginal(n, rep % 3 == 0 ? 0.3 : 0.0, rng);
    std::vector<std::vector<PlanEntry>> plans;
    std::vector<std::size_t> ks;
    for (std::size_t q = 0; q < j; ++q) {
      ks.push_back(uk(rng));
      plans.push_back(random_plan(a, ks.back(), rep % 2 ? 0.4 : 0.0, rng));
    }
    const Gluing g = north_west_gluing(n, plans);
    INFO("rep " << rep << ", n = " << n << ", J = " << j);
    REQUIRE(g.width == j + 1);
    for (double m : g.mass) CHECK(m > 0.0);
    // Row i gives at most sum_j nnz_j(i) - J + 1 tuples, and rows come out in order.
    std::map<std::size_t, std::size_t> bound;
    for (const auto &p : plans)
      for (const auto &e : p) ++bound[e.i];
    std::map<std::size_t, std::size_t> count;
    for (std::size_t r = 0; r < g.count(); ++r) {
      ++count[g.tuples[r * g.width]];
      if (r > 0) CHECK(g.tuples[r * g.width] >= g.tuples[(r - 1) * g.width]);
    }
    for (const auto &c : count) CHECK(c.second + j - 1 <= bound[c.first]);
    // The (i, k_j) marginal of the gluing reproduces plan j entry by entry, and nothing else.
    for (std::size_t q = 0; q < j; ++q) {
      std::map<std::pair<std::size_t, std::size_t>, double> glued;
      for (std::size_t r = 0; r < g.count(); ++r)
        glued[{g.tuples[r * g.width], g.tuples[r * g.width + 1 + q]}] += g.mass[r];
      CHECK(glued.size() == plans[q].size());
      for (const PlanEntry &e : plans[q]) {
        const auto it = glued.find({e.i, e.j});
        REQUIRE(it != glued.end());
        CHECK(std::fabs(it->second - e.mass) <= 1e-15);
      }
    }
    // The first marginal is a.
    const std::vector<double> rows = marginal_of(g, 0, n);
    for (std::size_t i = 0; i < n; ++i) CHECK(std::fabs(rows[i] - a[i]) <= 1e-15);
  }
}

TEST_CASE("north_west_gluing: exact transport plans glue into a multi-coupling", "[north_west]") {
  std::mt19937_64 rng(4103);
  std::uniform_real_distribution<double> uc(0.0, 10.0);
  const std::size_t n = 5, j = 3;
  const std::vector<double> a = random_marginal(n, 0.0, rng);
  std::vector<std::vector<PlanEntry>> plans;
  std::vector<std::vector<double>> bs;
  for (std::size_t q = 0; q < j; ++q) {
    const std::size_t k = 3 + q;
    bs.push_back(random_marginal(k, 0.0, rng));
    std::vector<double> cost(n * k);
    for (auto &c : cost) c = uc(rng);
    plans.push_back(transport_exact(n, k, a.data(), bs.back().data(), cost.data(), {}, {}).plan);
  }
  const Gluing g = north_west_gluing(n, plans);
  // Tree plans: at most n + K_j - 1 entries each, so the gluing has at most
  // sum_j (n + K_j - 1) - n (J - 1) tuples in all.
  std::size_t bound = n;
  for (std::size_t q = 0; q < j; ++q) bound += bs[q].size() - 1;
  CHECK(g.count() <= bound);
  for (std::size_t q = 0; q < j; ++q) {
    const std::vector<double> m = marginal_of(g, q + 1, bs[q].size());
    for (std::size_t k = 0; k < m.size(); ++k) CHECK(std::fabs(m[k] - bs[q][k]) <= 1e-15);
  }
}
