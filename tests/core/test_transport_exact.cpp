// SPDX-License-Identifier: MIT
// The exact transport LP (transport_exact, numerics.md section C): optimal cost against
// brute-force vertex enumeration on tiny problems, optimality certificates (primal and dual
// feasibility, complementary slackness, duality gap) on large random problems, degenerate
// problems, permutation invariance, costs over 24 decades and up to 1e300, errors, and the
// warm start. The comparison with GLPK is in tests/oracle/test_lp_glpk.cpp.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <utility>

#include "transport_support.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

double dbl(std::size_t n) { return static_cast<double>(n); }

std::uint64_t default_cap(std::size_t k0, std::size_t k1) {
  return std::max<std::uint64_t>(1000000, 100 * static_cast<std::uint64_t>(k0 + k1));
}

// Checks the certificate of `r` at relative tolerance `tol`: absolute dual quantities are
// measured against dual_scale (max |C| unless given) times the mass.
void expect_optimal(const LpProblem &p, const TransportResult &r, double tol = 1e-12,
                    double dual_scale = -1.0) {
  const Certificate z = certify(p, r);
  const double cs = dual_scale > 0 ? dual_scale : z.max_abs_cost;
  std::size_t zero_entries = 0;
  for (const PlanEntry &q : r.plan)
    if (q.mass == 0.0) ++zero_entries;
  char numbers[400];
  std::snprintf(numbers, sizeof numbers,
                "certificate: marginals %.3e, dual violation %.3e, slackness %.3e, gap %.3e, "
                "centring %.3e, cost recomputation %.3e, suboptimality bound %.3e (cost %.6e, "
                "sum |C|P %.3e, dual scale %.3e, mass %.3e)",
                z.marginal_error, z.dual_violation, z.slackness, z.gap, z.centring, z.cost_error,
                z.suboptimality, r.cost, z.abs_cost, cs, z.mass);
  INFO("K0 = " << p.k0 << ", K1 = " << p.k1 << ", mass = " << z.mass
               << ", max|C| = " << z.max_abs_cost << ", pivots = " << r.iterations);
  INFO(numbers);
  CHECK(z.sorted_unique);
  CHECK(z.nnz <= p.k0 + p.k1 - 1);
  CHECK(zero_entries == 0);  // entries are non-zeros
  CHECK(z.min_mass >= 0.0);
  CHECK(z.marginal_error <= tol * z.mass);
  CHECK(r.marginal_error <= 1e-10 * z.mass);
  CHECK(z.cost_error <= 1e-14 * z.abs_cost + 1e-300);
  CHECK(z.duals_finite);
  CHECK(z.dual_violation <= tol * cs);
  CHECK(z.slackness <= tol * cs);
  CHECK(z.gap <= tol * cs * z.mass);
  CHECK(z.centring <= tol * cs * z.mass);
  // Relative to the cost itself, not to max |C|: catches a plan that is off by far more than
  // tol * cost when the costs span many decades (repaired duals, see certify).
  CHECK(z.suboptimality <= tol * z.abs_cost + z.dual_rounding + 1e-300);
  CHECK(r.converged);
}

// ---------------------------------------------------------------- brute force
// Every basic solution of the transport polytope is carried by a spanning tree of the
// bipartite graph (K0 + K1 - 1 cells, no cycle); its masses follow by peeling leaves. The
// optimum is the least cost over the feasible ones.
struct Vertex {
  bool found = false;
  double cost = 0;      // optimal cost (long double sum, rounded)
  double abs_cost = 0;  // sum |C_ij| P_ij of that plan: the scale of the cost's rounding
  std::size_t trees = 0, feasible = 0;
};

Vertex brute_force(const LpProblem &p) {
  const std::size_t n = p.k0 * p.k1, m = p.k0 + p.k1 - 1, nodes = p.k0 + p.k1;
  const std::vector<double> b = rescaled_b(p);
  double mass = 0.0;
  for (double x : p.a) mass += x;
  std::vector<std::size_t> pick(m);
  std::iota(pick.begin(), pick.end(), std::size_t{0});
  Vertex best;
  long double best_cost = 0.0L;
  std::vector<std::size_t> parent(nodes), deg(nodes);
  std::vector<long double> res(nodes), flow(m);
  std::vector<char> alive(m);
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  for (;;) {
    // Acyclic with nodes - 1 edges means spanning tree.
    std::iota(parent.begin(), parent.end(), std::size_t{0});
    bool tree = true;
    for (std::size_t e = 0; e < m && tree; ++e) {
      const std::size_t r0 = find(pick[e] / p.k1), r1 = find(p.k0 + pick[e] % p.k1);
      if (r0 == r1)
        tree = false;
      else
        parent[r0] = r1;
    }
    if (tree) {
      ++best.trees;
      std::fill(deg.begin(), deg.end(), 0);
      for (std::size_t e = 0; e < m; ++e) {
        ++deg[pick[e] / p.k1];
        ++deg[p.k0 + pick[e] % p.k1];
        alive[e] = 1;
      }
      for (std::size_t i = 0; i < p.k0; ++i) res[i] = p.a[i];
      for (std::size_t j = 0; j < p.k1; ++j) res[p.k0 + j] = b[j];
      for (std::size_t step = 0; step < m; ++step) {
        for (std::size_t e = 0; e < m; ++e) {
          if (!alive[e]) continue;
          std::size_t x = pick[e] / p.k1, y = p.k0 + pick[e] % p.k1;
          if (deg[x] != 1) std::swap(x, y);
          if (deg[x] != 1) continue;
          flow[e] = res[x];
          res[y] -= res[x];
          res[x] = 0;
          --deg[x];
          --deg[y];
          alive[e] = 0;
          break;
        }
      }
      bool feasible = true;
      long double cost = 0.0L, abs_cost = 0.0L;
      for (std::size_t e = 0; e < m; ++e) {
        if (flow[e] < -1e-15L * mass) feasible = false;
        const long double c = p.c[pick[e]];
        cost += c * flow[e];
        abs_cost += std::fabs(c) * std::fabs(flow[e]);
      }
      if (feasible) {
        ++best.feasible;
        if (!best.found || cost < best_cost) {
          best.found = true;
          best_cost = cost;
          best.abs_cost = static_cast<double>(abs_cost);
        }
      }
    }
    // Next m-subset of {0, ..., n-1} in lexicographic order.
    std::size_t t = m;
    while (t > 0 && pick[t - 1] == n - m + t - 1) --t;
    if (t == 0) break;
    ++pick[t - 1];
    for (std::size_t s = t; s < m; ++s) pick[s] = pick[s - 1] + 1;
  }
  best.cost = static_cast<double>(best_cost);
  return best;
}

// The problem's data with 17 digits, for reproducing a failure.
std::string dump(const LpProblem &p) {
  std::string s = "a = {";
  char buf[40];
  auto put = [&](const std::vector<double> &x, const char *next) {
    for (std::size_t t = 0; t < x.size(); ++t) {
      std::snprintf(buf, sizeof buf, "%s%.17g", t ? ", " : "", x[t]);
      s += buf;
    }
    s += next;
  };
  put(p.a, "}, b = {");
  put(p.b, "}, C = {");
  put(p.c, "}");
  return s;
}

// dual_scale > 0: the magnitude of the costs that the optimal plan uses (when a few huge
// entries are avoided, the duals are measured against the others).
Vertex check_against_brute_force(const LpProblem &p, const std::string &label,
                                 double dual_scale = -1.0) {
  INFO(label << ": " << p.k0 << " x " << p.k1);
  const Vertex v = brute_force(p);
  REQUIRE(v.found);
  const TransportResult r = solve_exact(p);
  INFO(dump(p));
  INFO("brute force " << v.cost << " (" << v.feasible << " feasible of " << v.trees
                      << " trees), solver " << r.cost);
  CHECK(std::fabs(r.cost - v.cost) <= 1e-12 * v.abs_cost + 1e-300);
  expect_optimal(p, r, 1e-12, dual_scale);
  return v;
}

std::vector<double> small_counts(std::size_t k, int hi, std::mt19937_64 &rng) {
  std::uniform_int_distribution<int> u(1, hi);
  std::vector<double> w(k);
  for (auto &x : w) x = u(rng);
  return w;
}

// Counts for both sides with the same total (so that the problem stays integral).
void integral_weights(LpProblem &p, std::mt19937_64 &rng) {
  p.a = small_counts(p.k0, 3, rng);
  p.b = small_counts(p.k1, 3, rng);
  double sa = std::accumulate(p.a.begin(), p.a.end(), 0.0);
  double sb = std::accumulate(p.b.begin(), p.b.end(), 0.0);
  // Add units to the lighter side until the totals agree.
  std::size_t t = 0;
  while (sa < sb) ++p.a[t++ % p.k0], ++sa;
  while (sb < sa) ++p.b[t++ % p.k1], ++sb;
  for (auto &x : p.a) x /= sa;
  for (auto &x : p.b) x /= sb;
}

LpProblem with_costs(std::size_t k0, std::size_t k1, std::mt19937_64 &rng, int family) {
  LpProblem p;
  p.k0 = k0;
  p.k1 = k1;
  p.a = dirichlet(k0, rng);
  p.b = dirichlet(k1, rng);
  p.c.resize(k0 * k1);
  std::uniform_real_distribution<double> u01(0.0, 1.0), um(-1.0, 1.0), ue(-12.0, 12.0);
  std::uniform_int_distribution<int> small(0, 3);
  switch (family) {
    case 0:  // uniform costs
      for (auto &c : p.c) c = u01(rng);
      break;
    case 1:  // integer costs with ties and integral weights: degenerate
      for (auto &c : p.c) c = small(rng);
      integral_weights(p, rng);
      break;
    case 2:  // mixed signs
      for (auto &c : p.c) c = um(rng);
      break;
    case 3:  // 1e-12 .. 1e12 in one matrix
      for (auto &c : p.c) c = std::pow(10.0, ue(rng));
      break;
    default:  // squared Euclidean
      p.c = sqeuclid_costs(k0, k1, 3, rng);
      break;
  }
  return p;
}

}  // namespace

TEST_CASE("exact LP: optimal cost equals brute-force vertex enumeration", "[exact]") {
  const std::pair<std::size_t, std::size_t> sizes[] = {
      {1, 1}, {1, 4}, {4, 1}, {2, 2}, {2, 3}, {3, 2}, {3, 3}, {3, 4}, {4, 3}, {4, 4}, {4, 5}};
  const char *names[] = {"uniform costs", "integer costs, integral weights", "mixed signs",
                         "costs 1e-12 .. 1e12", "squared Euclidean"};
  for (const auto &[k0, k1] : sizes) {
    for (int family = 0; family < 5; ++family) {
      const int seeds = k0 * k1 >= 16 ? 2 : 4;
      for (int seed = 0; seed < seeds; ++seed) {
        std::mt19937_64 rng(1000u * k0 + 100u * k1 + 10u * unsigned(family) + unsigned(seed));
        const LpProblem p = with_costs(k0, k1, rng, family);
        check_against_brute_force(p, std::string(names[family]) + ", seed " + std::to_string(seed));
      }
    }
  }
}

TEST_CASE("exact LP: brute force with huge entries (1e32, 1e300) and extreme ranges", "[exact]") {
  for (double huge : {1e32, 1e300}) {
    for (int seed = 0; seed < 6; ++seed) {
      std::mt19937_64 rng(77 + static_cast<unsigned>(seed));
      LpProblem p = with_costs(3, 4, rng, seed % 2 == 0 ? 0 : 4);
      // Two huge cells in different rows and columns: the optimum avoids them unless the
      // weights force one (seed 4).
      p.c[0] = huge;
      p.c[1 * 4 + 2] = huge;
      // When the optimum avoids the huge cells, the normal costs set the scale of the dual
      // checks (the huge cells only need u_i + v_j <= C_ij); otherwise max |C| does.
      double normal = 0.0;
      for (std::size_t e = 0; e < p.c.size(); ++e)
        if (p.c[e] < huge) normal = std::max(normal, std::fabs(p.c[e]));
      char label[80];
      std::snprintf(label, sizeof label, "huge %g, seed %d", huge, seed);
      const bool avoidable = brute_force(p).cost < 1e-6 * huge;
      check_against_brute_force(p, label, avoidable ? normal : -1.0);
    }
  }
}

TEST_CASE("exact LP: an avoidable huge entry does not hide small improvements (2 x 3)", "[exact]") {
  // Row 0 must avoid the huge cell: sending its unit to column 1 (cost 1) leaves row 1 the
  // costs 4 + 2 * 8 + 9, total 30; sending it to column 2 (cost 6) gives 6 + 4 + 3 * 8 = 34.
  for (double huge : {1e3, 1e14, 1e15, 1e32, 1e300}) {
    const LpProblem p{2, 3, {1, 4}, {1, 3, 1}, {huge, 1, 6, 4, 8, 9}};
    const TransportResult r = solve_exact(p);
    INFO("C[0][0] = " << huge);
    CHECK(r.cost == 30.0);
    expect_optimal(p, r, 1e-12, 9.0);
  }
}

TEST_CASE("exact LP: forced huge entries (1 x 3 and 2 x 2 with 1e300)", "[exact]") {
  const LpProblem p{1, 3, {1.0}, {0.25, 0.5, 0.25}, {1.0, 1e300, 2.0}};
  const TransportResult r = solve_exact(p);
  CHECK(r.cost == Approx(0.25 + 0.5e300 + 0.5).epsilon(1e-15));
  expect_optimal(p, r);
  // 2 x 2 with a = (0.7, 0.3), b = (0.5, 0.5): cell (0, 1) must carry 0.2.
  const LpProblem q{2, 2, {0.7, 0.3}, {0.5, 0.5}, {1.0, 1e300, 3.0, 2.0}};
  const TransportResult s = solve_exact(q);
  CHECK(s.cost == Approx(0.5 + 0.2e300 + 0.3 * 2.0).epsilon(1e-15));
  expect_optimal(q, s);
}

TEST_CASE("exact LP: optimality certificates on 1000 x 1000 and rectangular problems", "[exact]") {
  const std::pair<std::size_t, std::size_t> sizes[] = {
      {1000, 1000}, {1000, 1000}, {1000, 300}, {300, 1000}, {1500, 700}};
  unsigned seed = 11;
  for (const auto &[k0, k1] : sizes) {
    std::mt19937_64 rng(seed);
    const LpProblem p = random_problem(k0, k1, 10, rng);
    INFO("seed " << seed);
    const auto t0 = std::chrono::steady_clock::now();
    const TransportResult r = solve_exact(p);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("[exact] %zu x %zu seed %u: %llu pivots, %.3f s, %zu entries\n", k0, k1, seed,
                static_cast<unsigned long long>(r.iterations), secs, r.plan.size());
    expect_optimal(p, r);
    CHECK(r.iterations < default_cap(k0, k1));
    // Random continuous data: the optimal basis is non-degenerate, K0 + K1 - 1 non-zeros.
    CHECK(r.plan.size() == k0 + k1 - 1);
    if (seed == 11) {  // deterministic: the same bits again, and with a second pricing thread
      const TransportResult again = solve_exact(p, {}, Context{2});
      CHECK(again.cost == r.cost);
      CHECK(again.iterations == r.iterations);
      CHECK(again.u == r.u);
      CHECK(again.v == r.v);
      REQUIRE(again.plan.size() == r.plan.size());
      bool same = true;
      for (std::size_t e = 0; e < r.plan.size(); ++e)
        same = same && again.plan[e].i == r.plan[e].i && again.plan[e].j == r.plan[e].j &&
               again.plan[e].mass == r.plan[e].mass;
      CHECK(same);
    }
    ++seed;
  }
}

TEST_CASE("exact LP: optimality certificate at K0 = K1 = 5000", "[exact]") {
  std::mt19937_64 rng(5000);
  const LpProblem p = random_problem(5000, 5000, 10, rng);
  const auto t0 = std::chrono::steady_clock::now();
  const TransportResult r = solve_exact(p);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[exact] 5000 x 5000 seed 5000: %llu pivots, %.3f s, %zu entries\n",
              static_cast<unsigned long long>(r.iterations), secs, r.plan.size());
  expect_optimal(p, r);
  CHECK(r.iterations < default_cap(5000, 5000));
}

TEST_CASE("exact LP: assignment problems (uniform weights)", "[exact]") {
  for (std::size_t k : {50u, 500u}) {
    for (int family : {0, 4}) {
      std::mt19937_64 rng(k + static_cast<unsigned>(family));
      LpProblem p = with_costs(k, k, rng, family);
      p.a = uniform_weights(k);
      p.b = uniform_weights(k);
      INFO("K = " << k << ", family " << family);
      const TransportResult r = solve_exact(p);
      expect_optimal(p, r);
      // A vertex of the Birkhoff polytope: a permutation, each entry 1/K.
      std::vector<int> row_used(k, 0), col_used(k, 0);
      std::size_t big = 0;
      for (const PlanEntry &q : r.plan) {
        if (q.mass > 1e-14) {
          ++big;
          CHECK(q.mass == Approx(1.0 / dbl(k)).epsilon(1e-13));
          ++row_used[q.i];
          ++col_used[q.j];
        }
      }
      CHECK(big == k);
      CHECK(*std::max_element(row_used.begin(), row_used.end()) == 1);
      CHECK(*std::max_element(col_used.begin(), col_used.end()) == 1);
    }
  }
  SECTION("counts: a = b = 1 per point") {
    std::mt19937_64 rng(8);
    LpProblem p = with_costs(40, 40, rng, 4);
    p.a.assign(40, 1.0);
    p.b.assign(40, 1.0);
    const TransportResult r = solve_exact(p);
    expect_optimal(p, r);
    for (const PlanEntry &q : r.plan) CHECK(q.mass == Approx(1.0).epsilon(1e-13));
  }
}

TEST_CASE("exact LP: duplicate rows and columns give the merged problem's cost", "[exact]") {
  std::mt19937_64 rng(21);
  const LpProblem base = random_problem(30, 40, 4, rng);
  const double opt = solve_exact(base).cost;
  // Split rows 3 and 7 (and columns 5, 6 and 39) into two copies sharing the weight.
  LpProblem rows = base;
  for (std::size_t i : {3u, 7u}) {
    const double w = rows.a[i];
    rows.a[i] = 0.3 * w;
    rows.a.push_back(0.7 * w);
    rows.c.insert(rows.c.end(), base.c.begin() + static_cast<long>(i * base.k1),
                  base.c.begin() + static_cast<long>((i + 1) * base.k1));
    ++rows.k0;
  }
  const TransportResult rr = solve_exact(rows);
  CHECK(rr.cost == Approx(opt).epsilon(1e-12));
  expect_optimal(rows, rr);
  // Both copies of a row carry mass and have the same costs, so complementary slackness fixes
  // both duals at min_j (C_ij - v_j): they agree in every optimal dual solution.
  const double cmax = certify(rows, rr).max_abs_cost;
  CHECK(std::fabs(rr.u[3] - rr.u[base.k0]) <= 1e-12 * cmax);
  CHECK(std::fabs(rr.u[7] - rr.u[base.k0 + 1]) <= 1e-12 * cmax);
  LpProblem cols = base;
  const std::size_t dup[] = {5, 6, 39};
  cols.k1 = base.k1 + 3;
  cols.c.assign(cols.k0 * cols.k1, 0.0);
  for (std::size_t i = 0; i < base.k0; ++i) {
    for (std::size_t j = 0; j < base.k1; ++j) cols.c[i * cols.k1 + j] = base.cost(i, j);
    for (std::size_t t = 0; t < 3; ++t) cols.c[i * cols.k1 + base.k1 + t] = base.cost(i, dup[t]);
  }
  for (std::size_t t = 0; t < 3; ++t) {
    const double w = cols.b[dup[t]];
    cols.b[dup[t]] = 0.5 * w;
    cols.b.push_back(0.5 * w);
  }
  const TransportResult rc = solve_exact(cols);
  CHECK(rc.cost == Approx(opt).epsilon(1e-12));
  expect_optimal(cols, rc);
  SECTION("every row and every column doubled") {
    LpProblem all;
    all.k0 = 2 * base.k0;
    all.k1 = 2 * base.k1;
    for (int rep = 0; rep < 2; ++rep) {
      for (double w : base.a) all.a.push_back(0.5 * w);
      for (double w : base.b) all.b.push_back(0.5 * w);
    }
    all.c.resize(all.k0 * all.k1);
    for (std::size_t i = 0; i < all.k0; ++i)
      for (std::size_t j = 0; j < all.k1; ++j)
        all.c[i * all.k1 + j] = base.cost(i % base.k0, j % base.k1);
    const TransportResult r = solve_exact(all);
    CHECK(r.cost == Approx(opt).epsilon(1e-12));
    expect_optimal(all, r);
  }
}

TEST_CASE("exact LP: all-equal and all-zero costs", "[exact]") {
  std::mt19937_64 rng(5);
  for (double value : {2.5, 0.0, -3.0}) {
    LpProblem p;
    p.k0 = 20;
    p.k1 = 30;
    p.a = dirichlet(20, rng);
    p.b = dirichlet(30, rng);
    p.c.assign(600, value);
    INFO("C = " << value);
    const TransportResult r = solve_exact(p);
    CHECK(std::fabs(r.cost - value) <= 1e-15 * std::fabs(value) + 1e-300);
    expect_optimal(p, r, 1e-12, value == 0.0 ? 1.0 : -1.0);
  }
}

TEST_CASE("exact LP: 1 x 1, 1 x K and K x 1 problems", "[exact]") {
  SECTION("1 x 1") {
    const LpProblem p{1, 1, {2.0}, {2.0}, {-1.5}};
    const TransportResult r = solve_exact(p);
    REQUIRE(r.plan.size() == 1);
    CHECK(r.plan[0].i == 0);
    CHECK(r.plan[0].j == 0);
    CHECK(r.plan[0].mass == 2.0);
    CHECK(r.cost == -3.0);
    REQUIRE(r.u.size() == 1);
    REQUIRE(r.v.size() == 1);
    CHECK(r.u[0] + r.v[0] == Approx(-1.5).epsilon(1e-15));
    CHECK(r.u[0] == Approx(r.v[0]).epsilon(1e-15));  // centred: u a = v b
    expect_optimal(p, r);
  }
  SECTION("1 x K and K x 1: the plan is forced") {
    std::mt19937_64 rng(3);
    for (std::size_t k : {1u, 2u, 17u, 300u}) {
      LpProblem row{1, k, {1.0}, dirichlet(k, rng), {}};
      row.c = sqeuclid_costs(1, k, 2, rng);
      const TransportResult r = solve_exact(row);
      long double expect = 0.0L;
      for (std::size_t j = 0; j < k; ++j) expect += static_cast<long double>(row.c[j]) * row.b[j];
      INFO("K = " << k);
      CHECK(r.cost == Approx(static_cast<double>(expect)).epsilon(1e-14));
      REQUIRE(r.plan.size() == k);
      for (std::size_t j = 0; j < k; ++j) {
        CHECK(r.plan[j].j == j);
        CHECK(r.plan[j].mass == Approx(row.b[j]).margin(1e-15));
      }
      expect_optimal(row, r);
      LpProblem col{k, 1, row.b, {1.0}, row.c};  // the transpose
      const TransportResult s = solve_exact(col);
      CHECK(s.cost == Approx(static_cast<double>(expect)).epsilon(1e-14));
      REQUIRE(s.plan.size() == k);
      for (std::size_t i = 0; i < k; ++i) CHECK(s.plan[i].i == i);
      expect_optimal(col, s);
    }
  }
}

TEST_CASE("exact LP: zero-weight rows and columns", "[exact]") {
  std::mt19937_64 rng(41);
  LpProblem p = random_problem(40, 50, 5, rng);
  std::vector<std::size_t> zero_rows{0, 3, 4, 17, 39}, zero_cols{1, 2, 25, 48, 49, 30};
  for (std::size_t i : zero_rows) p.a[i] = 0.0;
  for (std::size_t j : zero_cols) p.b[j] = 0.0;
  const double sa = std::accumulate(p.a.begin(), p.a.end(), 0.0);
  const double sb = std::accumulate(p.b.begin(), p.b.end(), 0.0);
  for (auto &x : p.a) x /= sa;
  for (auto &x : p.b) x /= sb;
  const TransportResult r = solve_exact(p);
  // Dual feasibility over every cell, zero-weight rows and columns included.
  expect_optimal(p, r);
  for (const PlanEntry &q : r.plan) {
    CHECK(p.a[q.i] > 0.0);
    CHECK(p.b[q.j] > 0.0);
  }
  // Same cost as the problem without those rows and columns.
  LpProblem red;
  std::vector<std::size_t> ri, cj;
  for (std::size_t i = 0; i < p.k0; ++i)
    if (p.a[i] > 0) ri.push_back(i), red.a.push_back(p.a[i]);
  for (std::size_t j = 0; j < p.k1; ++j)
    if (p.b[j] > 0) cj.push_back(j), red.b.push_back(p.b[j]);
  red.k0 = ri.size();
  red.k1 = cj.size();
  for (std::size_t i : ri)
    for (std::size_t j : cj) red.c.push_back(p.cost(i, j));
  const TransportResult s = solve_exact(red);
  CHECK(r.cost == Approx(s.cost).epsilon(1e-12));

  SECTION("a single non-zero row and a single non-zero column") {
    LpProblem q{4, 5, {0, 0, 1, 0}, {0, 0, 0, 1, 0}, {}};
    std::mt19937_64 g(2);
    q.c = sqeuclid_costs(4, 5, 2, g);
    const TransportResult t = solve_exact(q);
    REQUIRE(t.plan.size() == 1);
    CHECK(t.plan[0].i == 2);
    CHECK(t.plan[0].j == 3);
    CHECK(t.plan[0].mass == 1.0);
    CHECK(t.cost == q.cost(2, 3));
    expect_optimal(q, t);
  }
  SECTION("zero rows whose costs are the cheapest everywhere") {
    // A zero row with very negative costs must still get u_i <= C_ij - v_j (tight dual).
    LpProblem q = random_problem(10, 12, 3, rng);
    q.a[4] = 0.0;
    q.b[7] = 0.0;
    for (std::size_t j = 0; j < q.k1; ++j) q.c[4 * q.k1 + j] = -100.0 - double(j);
    for (std::size_t i = 0; i < q.k0; ++i) q.c[i * q.k1 + 7] = -50.0;
    const double s0 = std::accumulate(q.a.begin(), q.a.end(), 0.0);
    const double s1 = std::accumulate(q.b.begin(), q.b.end(), 0.0);
    for (auto &x : q.a) x /= s0;
    for (auto &x : q.b) x /= s1;
    const TransportResult t = solve_exact(q);
    expect_optimal(q, t);
  }
}

TEST_CASE("exact LP: weights given as counts are handled by scaling", "[exact]") {
  std::mt19937_64 rng(9);
  LpProblem p;
  p.k0 = 6;
  p.k1 = 8;
  p.a = {30, 10, 20, 5, 15, 20};         // sums to 100
  p.b = {10, 10, 10, 20, 5, 5, 25, 15};  // sums to 100
  p.c = sqeuclid_costs(6, 8, 2, rng);
  const TransportResult r = solve_exact(p);
  expect_optimal(p, r);
  LpProblem unit = p;
  for (auto &x : unit.a) x /= 100.0;
  for (auto &x : unit.b) x /= 100.0;
  const TransportResult s = solve_exact(unit);
  CHECK(r.cost == Approx(100.0 * s.cost).epsilon(1e-13));
  check_against_brute_force(
      LpProblem{3, 4, {3, 5, 2}, {1, 4, 2, 3}, {4, 1, 3, 2, 2, 0, 5, 2, 3, 2, 2, 1}},
      "counts 3 x 4");
  SECTION("b's total off by 5e-9 relative: accepted, b rescaled to a's mass") {
    LpProblem q = p;
    for (auto &x : q.b) x *= 1.0 + 5e-9;
    const TransportResult t = solve_exact(q);
    expect_optimal(q, t);  // certify compares columns with the rescaled b
    double total = 0.0;
    for (const PlanEntry &e : t.plan) total += e.mass;
    CHECK(total == Approx(100.0).epsilon(1e-14));
    CHECK(t.cost == Approx(r.cost).epsilon(1e-8));
  }
}

TEST_CASE("exact LP: permutation invariance", "[exact]") {
  for (unsigned seed : {1u, 2u, 3u}) {
    std::mt19937_64 rng(300 + seed);
    const std::size_t k0 = 60 + 7 * seed, k1 = 45 + 11 * seed;
    const LpProblem p = random_problem(k0, k1, 4, rng);
    std::vector<std::size_t> pr(k0), pc(k1);
    std::iota(pr.begin(), pr.end(), std::size_t{0});
    std::iota(pc.begin(), pc.end(), std::size_t{0});
    std::shuffle(pr.begin(), pr.end(), rng);
    std::shuffle(pc.begin(), pc.end(), rng);
    LpProblem q{k0, k1, std::vector<double>(k0), std::vector<double>(k1),
                std::vector<double>(k0 * k1)};
    for (std::size_t i = 0; i < k0; ++i) q.a[i] = p.a[pr[i]];
    for (std::size_t j = 0; j < k1; ++j) q.b[j] = p.b[pc[j]];
    for (std::size_t i = 0; i < k0; ++i)
      for (std::size_t j = 0; j < k1; ++j) q.c[i * k1 + j] = p.cost(pr[i], pc[j]);
    const TransportResult r = solve_exact(p), s = solve_exact(q);
    INFO("seed " << seed << ", " << k0 << " x " << k1);
    CHECK(s.cost == Approx(r.cost).epsilon(1e-13));
    expect_optimal(q, s);
    // Continuous random data: a unique optimum, so the plans agree entry for entry.
    std::map<std::pair<std::size_t, std::size_t>, double> orig, back;
    for (const PlanEntry &e : r.plan) orig[{e.i, e.j}] = e.mass;
    for (const PlanEntry &e : s.plan) back[{pr[e.i], pc[e.j]}] = e.mass;
    REQUIRE(orig.size() == back.size());
    double worst = 0.0;
    bool same_support = true;
    for (const auto &[ij, m] : orig) {
      auto it = back.find(ij);
      if (it == back.end())
        same_support = false;
      else
        worst = std::max(worst, std::fabs(it->second - m));
    }
    CHECK(same_support);
    CHECK(worst <= 1e-14);
    // The centred duals are unique too (non-degenerate basis).
    double du = 0.0;
    for (std::size_t i = 0; i < k0; ++i) du = std::max(du, std::fabs(s.u[i] - r.u[pr[i]]));
    for (std::size_t j = 0; j < k1; ++j) du = std::max(du, std::fabs(s.v[j] - r.v[pc[j]]));
    CHECK(du <= 1e-12 * certify(p, r).max_abs_cost);
  }
}

TEST_CASE("exact LP: costs scaled by 1e-12 and 1e12 (and 2^-900, 2^900)", "[exact]") {
  std::mt19937_64 rng(12);
  const LpProblem p = random_problem(80, 70, 5, rng);
  const TransportResult r = solve_exact(p);
  expect_optimal(p, r);
  for (double s : {1e-12, 1e12, 0x1p-900, 0x1p+900}) {
    LpProblem q = p;
    for (auto &c : q.c) c *= s;
    const TransportResult t = solve_exact(q);
    INFO("scale " << s);
    CHECK(t.cost == Approx(s * r.cost).epsilon(1e-12));
    expect_optimal(q, t);
    // Same unique optimum: same support and masses; duals scale.
    REQUIRE(t.plan.size() == r.plan.size());
    bool same = true;
    double dm = 0.0;
    for (std::size_t e = 0; e < r.plan.size(); ++e) {
      same = same && t.plan[e].i == r.plan[e].i && t.plan[e].j == r.plan[e].j;
      dm = std::max(dm, std::fabs(t.plan[e].mass - r.plan[e].mass));
    }
    CHECK(same);
    CHECK(dm <= 1e-14);
    double du = 0.0, cmax = certify(p, r).max_abs_cost;
    for (std::size_t i = 0; i < p.k0; ++i) du = std::max(du, std::fabs(t.u[i] / s - r.u[i]));
    for (std::size_t j = 0; j < p.k1; ++j) du = std::max(du, std::fabs(t.v[j] / s - r.v[j]));
    CHECK(du <= 1e-12 * cmax);
  }
}

TEST_CASE("exact LP: costs spanning 1e-12 .. 1e12 in one 150 x 120 matrix", "[exact]") {
  for (unsigned seed : {1u, 2u}) {
    std::mt19937_64 g(seed);
    const LpProblem q = with_costs(150, 120, g, 3);
    // Reference: the same problem with the costs capped at 1 (12 decades fewer). When its
    // optimum avoids the capped cells and potentials recomputed from its support (long
    // double) certify it on the original costs, it is the original problem's optimum.
    LpProblem capped = q;
    for (auto &c : capped.c) c = std::min(c, 1.0);
    const TransportResult ref = solve_exact(capped);
    for (const PlanEntry &e : ref.plan) REQUIRE(q.cost(e.i, e.j) < 1.0);
    const Certificate zr = certify(q, with_support_potentials(q, ref));
    INFO("seed " << seed << ": reference (capped, certified) " << ref.cost
                 << ", reference suboptimality bound " << zr.suboptimality);
    REQUIRE(zr.suboptimality <= 1e-12 * zr.abs_cost + zr.dual_rounding);
    const TransportResult t = solve_exact(q);
    INFO("solver on the full range: " << t.cost << " (" << t.iterations << " pivots)");
    CHECK(std::fabs(t.cost - ref.cost) <= 1e-12 * ref.cost);
    expect_optimal(q, t);
  }
}

TEST_CASE("exact LP: entries of 1e300 (and 1e32) next to normal costs (POT #229)", "[exact]") {
  for (double huge : {1e32, 1e300, 1e307}) {
    std::mt19937_64 rng(229);
    LpProblem p = random_problem(100, 90, 5, rng);
    double normal = 0.0;
    for (double c : p.c) normal = std::max(normal, c);
    // A sparse scatter of huge cells; with them set to 1e3 * max normal instead the optimum
    // avoids them, hence it avoids them at any larger value and the cost is the same.
    std::vector<std::size_t> huge_cells;
    std::uniform_int_distribution<std::size_t> cell(0, p.c.size() - 1);
    for (int t = 0; t < 200; ++t) huge_cells.push_back(cell(rng));
    LpProblem moderate = p;
    for (std::size_t e : huge_cells) moderate.c[e] = 1e3 * normal;
    for (std::size_t e : huge_cells) p.c[e] = huge;
    const TransportResult m = solve_exact(moderate);
    for (const PlanEntry &q : m.plan) REQUIRE(moderate.cost(q.i, q.j) < 1e3 * normal);
    // The reference is certified independently: potentials from its support, original costs.
    const Certificate zm = certify(p, with_support_potentials(p, m));
    REQUIRE(zm.suboptimality <= 1e-12 * zm.abs_cost + zm.dual_rounding);
    const TransportResult r = solve_exact(p);
    INFO("huge = " << huge << ": moderate problem " << m.cost << ", huge problem " << r.cost);
    CHECK(std::fabs(r.cost - m.cost) <= 1e-12 * m.cost);
    for (const PlanEntry &q : r.plan) CHECK(p.cost(q.i, q.j) < huge);
    // Certificate with the dual scale of the normal cells.
    expect_optimal(p, r, 1e-12, normal);
  }
}

TEST_CASE("exact LP: negative costs and constant shifts", "[exact]") {
  std::mt19937_64 rng(66);
  const LpProblem p = random_problem(70, 60, 4, rng);
  const TransportResult r = solve_exact(p);
  for (double shift : {-7.0, -1e6, 123.0}) {
    LpProblem q = p;
    for (auto &c : q.c) c += shift;
    const TransportResult t = solve_exact(q);
    INFO("shift " << shift);
    // Every feasible plan moves mass 1: the cost shifts by exactly `shift`.
    CHECK(std::fabs(t.cost - (r.cost + shift)) <= 1e-12 * std::fabs(shift) + 1e-12 * r.cost);
    expect_optimal(q, t);
  }
  SECTION("maximisation: min of -C") {
    LpProblem q = p;
    for (auto &c : q.c) c = -c;
    const TransportResult t = solve_exact(q);
    CHECK(t.cost < -r.cost);
    expect_optimal(q, t);
  }
}

TEST_CASE("exact LP: invalid inputs throw with the right code", "[exact]") {
  std::mt19937_64 rng(13);
  const LpProblem p = random_problem(5, 6, 2, rng);
  auto run = [](LpProblem q, ExactOptions o = {}) {
    return thrown_code([&] { solve_exact(q, o); });
  };
  CHECK(run(p) == -1);
  for (double bad : {kNaN, kInf, -kInf}) {
    INFO("cost entry " << bad);
    LpProblem q = p;
    q.c[13] = bad;
    CHECK(run(q) == code(Errc::NonFinite));
    LpProblem w = p;
    w.a[2] = bad;
    CHECK(run(w) == code(Errc::NonFinite));
    LpProblem v = p;
    v.b[5] = bad;
    CHECK(run(v) == code(Errc::NonFinite));
  }
  LpProblem neg = p;
  neg.a[1] = -1e-3;
  neg.a[0] += 2e-3;
  CHECK(run(neg) == code(Errc::Weights));
  LpProblem negb = p;
  negb.b[0] = -0.0 - 1e-300;
  CHECK(run(negb) == code(Errc::Weights));
  LpProblem mis = p;
  for (auto &x : mis.b) x *= 1.0 + 1e-7;
  CHECK(run(mis) == code(Errc::Weights));
  LpProblem ok = p;
  for (auto &x : ok.b) x *= 1.0 + 1e-9;
  CHECK(run(ok) == -1);
  LpProblem zeros = p;
  std::fill(zeros.a.begin(), zeros.a.end(), 0.0);
  CHECK(run(zeros) == code(Errc::Weights));
  const double one = 1.0, c = 0.0;
  CHECK(thrown_code([&] { transport_exact(0, 1, nullptr, &one, &c, {}, {}); }) ==
        code(Errc::Dimension));
  CHECK(thrown_code([&] { transport_exact(1, 0, &one, nullptr, &c, {}, {}); }) ==
        code(Errc::Dimension));
  CHECK(thrown_code([&] { transport_exact(0, 0, nullptr, nullptr, nullptr, {}, {}); }) ==
        code(Errc::Dimension));
}

TEST_CASE("exact LP: the pivot cap raises IterationLimit, never a partial plan", "[exact]") {
  std::mt19937_64 rng(100);
  const LpProblem p = random_problem(100, 100, 10, rng);
  ExactOptions o;
  o.max_iterations = 3;
  CHECK(thrown_code([&] { solve_exact(p, o); }) == code(Errc::IterationLimit));
  const TransportResult full = solve_exact(p);
  INFO("pivots needed: " << full.iterations);
  REQUIRE(full.iterations > 10);
  o.max_iterations = full.iterations / 2;
  CHECK(thrown_code([&] { solve_exact(p, o); }) == code(Errc::IterationLimit));
  o.max_iterations = full.iterations + 1;  // deterministic: the same pivots fit under the cap
  const TransportResult again = solve_exact(p, o);
  CHECK(again.cost == full.cost);
  CHECK(again.iterations == full.iterations);
}

TEST_CASE("exact LP: warm start from the duals of a perturbed problem", "[exact]") {
  for (std::size_t k : {300u, 1000u}) {
    std::mt19937_64 rng(4242 + k);
    const LpProblem p = random_problem(k, k, 10, rng);
    const TransportResult base = solve_exact(p);
    // Perturb costs by 1e-3 relative and the weights by 1e-3 relative (renormalised).
    LpProblem q = p;
    std::uniform_real_distribution<double> u(-1e-3, 1e-3);
    for (auto &c : q.c) c *= 1.0 + u(rng);
    for (auto &x : q.a) x *= 1.0 + u(rng);
    for (auto &x : q.b) x *= 1.0 + u(rng);
    const double sa = std::accumulate(q.a.begin(), q.a.end(), 0.0);
    const double sb = std::accumulate(q.b.begin(), q.b.end(), 0.0);
    for (auto &x : q.a) x /= sa;
    for (auto &x : q.b) x /= sb;
    const TransportResult cold = solve_exact(q);
    const TransportResult warm = solve_exact(q, {}, {}, base.u.data(), base.v.data());
    // The same problem warm-started from its own duals.
    const TransportResult self = solve_exact(q, {}, {}, cold.u.data(), cold.v.data());
    std::printf(
        "[exact] warm start %zu x %zu: cold %llu pivots, warm (perturbed duals) %llu, "
        "warm (own duals) %llu\n",
        k, k, static_cast<unsigned long long>(cold.iterations),
        static_cast<unsigned long long>(warm.iterations),
        static_cast<unsigned long long>(self.iterations));
    INFO("K = " << k << ": cold " << cold.iterations << " pivots, warm " << warm.iterations
                << ", own duals " << self.iterations);
    CHECK(warm.cost == Approx(cold.cost).epsilon(1e-12));
    CHECK(self.cost == Approx(cold.cost).epsilon(1e-12));
    expect_optimal(q, warm);
    expect_optimal(q, self);
  }
}

TEST_CASE("exact LP: arbitrary warm duals still give the optimum", "[exact]") {
  std::mt19937_64 rng(7);
  const LpProblem p = random_problem(120, 90, 3, rng);
  const TransportResult cold = solve_exact(p);
  std::normal_distribution<double> n;
  for (double scale : {1e-6, 1.0, 1e6}) {
    std::vector<double> wu(p.k0), wv(p.k1);
    for (auto &x : wu) x = scale * n(rng);
    for (auto &x : wv) x = scale * n(rng);
    const TransportResult warm = solve_exact(p, {}, {}, wu.data(), wv.data());
    INFO("random warm duals of scale " << scale);
    CHECK(warm.cost == Approx(cold.cost).epsilon(1e-12));
    expect_optimal(p, warm);
  }
}

TEST_CASE("exact LP: warm start with zero-weight rows and columns", "[exact]") {
  std::mt19937_64 rng(8);
  LpProblem p = random_problem(60, 50, 3, rng);
  const TransportResult base = solve_exact(p);
  p.a[3] = 0.0;
  p.b[10] = 0.0;
  const double sa = std::accumulate(p.a.begin(), p.a.end(), 0.0);
  const double sb = std::accumulate(p.b.begin(), p.b.end(), 0.0);
  for (auto &x : p.a) x /= sa;
  for (auto &x : p.b) x /= sb;
  const TransportResult cold = solve_exact(p),
                        warm = solve_exact(p, {}, {}, base.u.data(), base.v.data());
  CHECK(warm.cost == Approx(cold.cost).epsilon(1e-12));
  expect_optimal(p, warm);
}

// Fuzz finding N2 (issue 10): with max |C| near DBL_MAX the duals were unscaled before they were
// centred and overflowed to +-inf although the centred duals are representable. They must be
// finite, satisfy u_i + v_j <= C_ij (relative to the cost scale) with equality on the plan, and
// be centred (u.a = v.b).
TEST_CASE("exact LP: finite centred duals when max |C| is near DBL_MAX", "[exact]") {
  const double a[4] = {0.619, 0.220, 0.097, 0.064}, b[1] = {1.0};
  const double cost[4] = {1, 2, 3, 1e308};
  const TransportResult r = transport_exact(4, 1, a, b, cost, {}, {});
  double ua = 0, vb = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    REQUIRE(std::isfinite(r.u[i]));
    CHECK(r.u[i] + r.v[0] <= cost[i] + 1e-15 * 1e308);
    CHECK(std::fabs(r.u[i] + r.v[0] - cost[i]) <= 1e-15 * 1e308);  // every entry is in the plan
    ua += r.u[i] * a[i];
  }
  REQUIRE(std::isfinite(r.v[0]));
  vb = r.v[0] * b[0];
  CHECK(std::fabs(ua - vb) <= 1e-15 * 1e308);
  CHECK(std::fabs(r.cost - 0.064 * 1e308) <= 1e-15 * 1e308);
}

// Fuzz finding N4 (tests/fuzz/corpus/transport/regress-N4-exact-cycles-6x6): many tied costs
// near 1e-29; the network simplex cycled (GMMOT_E_ITERATION_LIMIT after 1e6 pivots), the same
// with the costs times 2^95, so not an underflow. Two arcs of reduced cost exactly 0 (the cycle
// through them has equal costs on both sides) were priced at -1e-17: the potentials, path sums
// of costs 100 times larger than the arcs' own, carry more rounding than an allowance relative
// to the arc's terms, and the two non-degenerate but zero-cost pivots alternated forever. The
// solve must succeed, with a feasible plan and an optimality certificate; the optimal cost is
// compared with GLPK in tests/oracle/test_lp_glpk.cpp.

TEST_CASE("exact LP: tied tiny costs do not make the simplex cycle (fuzz N4, 6 x 6)", "[exact]") {
  for (const double scale : {1.0, 0x1p95}) {
    INFO("costs times " << scale);
    const LpProblem p = n4_problem(scale);
    TransportResult r;
    REQUIRE_NOTHROW(r = solve_exact(p));
    INFO("pivots " << r.iterations);
    CHECK(r.iterations < 1000);
    const Certificate z = certify(p, r);
    CHECK(z.marginal_error <= 1e-15 * z.mass);  // feasible to rounding
    // Optimal: u_i + v_j <= C_ij (to rounding) everywhere, with equality on the plan.
    expect_optimal(p, r, 1e-12);
    for (const PlanEntry &e : r.plan)
      CHECK(std::fabs(r.u[e.i] + r.v[e.j] - p.cost(e.i, e.j)) <= 1e-12 * z.max_abs_cost);
  }
  // Rows and columns permuted: the same optimal cost.
  const LpProblem p = n4_problem(1.0);
  const TransportResult base = solve_exact(p);
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    std::vector<std::size_t> pi(6), pj(6);
    std::iota(pi.begin(), pi.end(), std::size_t{0});
    std::iota(pj.begin(), pj.end(), std::size_t{0});
    std::shuffle(pi.begin(), pi.end(), rng);
    std::shuffle(pj.begin(), pj.end(), rng);
    LpProblem q = p;
    for (std::size_t i = 0; i < 6; ++i) {
      q.a[i] = p.a[pi[i]];
      q.b[i] = p.b[pj[i]];
      for (std::size_t j = 0; j < 6; ++j) q.c[i * 6 + j] = p.cost(pi[i], pj[j]);
    }
    INFO("permutation seed " << seed);
    TransportResult r;
    REQUIRE_NOTHROW(r = solve_exact(q));
    CHECK(std::fabs(r.cost - base.cost) <= 1e-12 * std::fabs(base.cost));
    expect_optimal(q, r, 1e-12);
  }
}

namespace {

double binomial(std::size_t n, std::size_t m) {
  double r = 1.0;
  for (std::size_t t = 1; t <= m; ++t)
    r = r * static_cast<double>(n - m + t) / static_cast<double>(t);
  return r;
}

}  // namespace

TEST_CASE(
    "exact LP: 2000 small degenerate problems solve to an optimality certificate (cold "
    "and warm)",
    "[exact]") {
  std::size_t brute = 0;
  std::uint64_t most = 0;
  for (unsigned seed = 0; seed < 2000; ++seed) {
    const LpProblem p = degenerate_problem(seed, seed, -40, 40);
    INFO("seed " << seed << ": " << p.k0 << " x " << p.k1 << ", " << dump(p));
    TransportResult r;
    REQUIRE_NOTHROW(r = solve_exact(p));
    most = std::max(most, r.iterations);
    CHECK(r.iterations < 1000);
    expect_optimal(p, r, 1e-12);
    // Warm starts (a forest of zero-flow artificial arcs): from zero duals (a least-cost
    // start) and from the optimal duals.
    const std::vector<double> zu(p.k0, 0.0), zv(p.k1, 0.0);
    TransportResult w0, w1;
    REQUIRE_NOTHROW(w0 = solve_exact(p, {}, {}, zu.data(), zv.data()));
    REQUIRE_NOTHROW(w1 = solve_exact(p, {}, {}, r.u.data(), r.v.data()));
    CHECK(w0.iterations < 1000);
    CHECK(w1.iterations < 1000);
    expect_optimal(p, w0, 1e-12);
    expect_optimal(p, w1, 1e-12);
    // Brute force where the vertices are few enough to enumerate.
    if (binomial(p.k0 * p.k1, p.k0 + p.k1 - 1) <= 12000) {
      const Vertex v = brute_force(p);
      REQUIRE(v.found);
      CHECK(std::fabs(r.cost - v.cost) <= 1e-12 * v.abs_cost + 1e-300);
      CHECK(std::fabs(w0.cost - v.cost) <= 1e-12 * v.abs_cost + 1e-300);
      ++brute;
    }
  }
  std::printf("[exact] 2000 degenerate problems: %zu against brute force, at most %llu pivots\n",
              brute, static_cast<unsigned long long>(most));
}

TEST_CASE("exact LP: costs that differ below single precision (the float screen sees ties)",
          "[exact]") {
  // Every problem is priced in single precision first (network_simplex.cpp, the screen); with
  // costs 1 + 1e-9 r all entries round to the same float, so the exact double-precision phase
  // alone must reach the optimum. Small problems against brute force (tolerance 1e-12 of the
  // cost, a thousandth of the spread of the costs), larger ones by their optimality certificate
  // and against the same problem without the offset (a constant shift of all costs moves the
  // optimum by exactly the mass).
  for (int seed = 0; seed < 6; ++seed) {
    std::mt19937_64 rng(4200u + static_cast<unsigned>(seed));
    LpProblem p = with_costs(seed % 2 == 0 ? 4 : 3, 5, rng, seed % 3 == 0 ? 1 : 4);
    for (double &c : p.c) c = 1.0 + 1e-9 * c;
    check_against_brute_force(p, "offset 1, spread 1e-9, seed " + std::to_string(seed));
  }
  for (const std::size_t k : {60, 100, 250}) {
    std::mt19937_64 rng(4300u + static_cast<unsigned>(k));
    const LpProblem tiny = random_problem(k, k, 5, rng);
    LpProblem shifted = tiny;
    double spread = 0.0;
    for (double c : tiny.c) spread = std::max(spread, 1e-9 * c);
    for (std::size_t e = 0; e < tiny.c.size(); ++e) shifted.c[e] = 1.0 + 1e-9 * tiny.c[e];
    LpProblem scaled = tiny;
    for (double &c : scaled.c) c *= 1e-9;
    const TransportResult r = solve_exact(shifted), s = solve_exact(scaled);
    INFO("K = " << k << ", spread of the costs " << spread);
    expect_optimal(shifted, r, 1e-12);
    expect_optimal(scaled, s, 1e-12);
    const double mass = std::accumulate(tiny.a.begin(), tiny.a.end(), 0.0);
    // C rounds to 1 ulp (1.1e-16) when the offset is added: the optima differ by at most
    // 2.2e-16 mass, plus the rounding of the two sums.
    CHECK(std::fabs((r.cost - mass) - s.cost) <= 1e-14 * mass);
  }
}
