// SPDX-License-Identifier: MIT
// The exact LP restarted from an earlier solve's final tree (transport_exact's `basis`, what
// Frank-Wolfe's linear steps use): the same optimal value as a cold solve of the new costs,
// with an optimality certificate computed independently of the solver, on random and on
// highly degenerate problems; fewer pivots after a small cost change; a basis of other
// weights or sizes is ignored.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <numeric>
#include <random>

#include "transport_support.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

TransportResult solve_with(const LpProblem &p, ExactBasis &basis) {
  return transport_exact(p.k0, p.k1, p.a.data(), p.b.data(), p.c.data(), {}, {}, nullptr, nullptr,
                         &basis);
}

// Primal feasibility, dual feasibility and a zero duality gap, relative to max |C| and the
// mass, and the value of the cold solve.
void expect_same_optimum(const LpProblem &p, const TransportResult &restarted,
                         const TransportResult &cold, double tol = 1e-11) {
  const Certificate z = certify(p, restarted);
  const double scale = z.max_abs_cost * z.mass + 1e-300;
  INFO("K0 = " << p.k0 << ", K1 = " << p.k1 << ", restarted cost " << restarted.cost
               << ", cold cost " << cold.cost << ", pivots " << restarted.iterations << " / "
               << cold.iterations);
  CHECK(z.sorted_unique);
  CHECK(z.nnz <= p.k0 + p.k1 - 1);
  CHECK(z.min_mass >= 0.0);
  CHECK(z.marginal_error <= tol * z.mass);
  CHECK(z.duals_finite);
  CHECK(z.dual_violation <= tol * z.max_abs_cost);
  CHECK(z.gap <= tol * scale);
  CHECK(std::fabs(restarted.cost - cold.cost) <= tol * scale);
}

std::vector<double> random_costs(std::size_t n, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> c(n);
  for (double &x : c) x = u(rng);
  return c;
}

}  // namespace

TEST_CASE("exact LP restart: the optimum of new costs from the previous tree", "[exact]") {
  std::uint64_t restarted_pivots = 0, cold_pivots = 0;
  for (std::size_t k : {7u, 50u, 200u}) {
    std::mt19937_64 rng(91 + k);
    LpProblem p = random_problem(k, k + 3, 3, rng);
    ExactBasis basis;
    (void)solve_with(p, basis);
    REQUIRE(!basis.empty());
    // A chain of changes, each restarted from the previous tree: small perturbations (what
    // Frank-Wolfe sees late), then unrelated costs.
    std::uniform_real_distribution<double> small(-1e-3, 1e-3);
    for (int step = 0; step < 6; ++step) {
      if (step < 4) {
        for (double &c : p.c) c *= 1.0 + small(rng);
      } else {
        p.c = random_costs(p.c.size(), rng);
      }
      const TransportResult cold = solve_exact(p);
      const TransportResult again = solve_with(p, basis);
      expect_same_optimum(p, again, cold);
      if (step < 4) {
        restarted_pivots += again.iterations;
        cold_pivots += cold.iterations;
      }
    }
  }
  std::printf("[exact] restart after 1e-3 cost changes: %llu pivots, cold %llu\n",
              static_cast<unsigned long long>(restarted_pivots),
              static_cast<unsigned long long>(cold_pivots));
  CHECK(4 * restarted_pivots < cold_pivots);
}

TEST_CASE("exact LP restart: degenerate problems (tied costs, exact potentials)", "[exact]") {
  for (unsigned seed = 0; seed < 400; ++seed) {
    LpProblem p = degenerate_problem(seed, 5000 + seed, -3, 3);
    ExactBasis basis;
    const TransportResult first = solve_with(p, basis);
    const TransportResult first_cold = solve_exact(p);
    INFO("seed " << seed);
    expect_same_optimum(p, first, first_cold);
    // New costs from the same few values (another draw), restarted twice in a row.
    for (unsigned round = 0; round < 2; ++round) {
      const LpProblem other = degenerate_problem(seed, 9000 + 7 * seed + round, -3, 3);
      std::mt19937_64 rng(seed * 31 + round);
      std::uniform_int_distribution<std::size_t> pick(0, other.c.size() - 1);
      for (double &c : p.c) c = other.c[pick(rng)];
      const TransportResult cold = solve_exact(p);
      const TransportResult again = solve_with(p, basis);
      INFO("round " << round);
      expect_same_optimum(p, again, cold);
    }
  }
}

TEST_CASE("exact LP restart: the same costs need no pivot", "[exact]") {
  std::mt19937_64 rng(3);
  const LpProblem p = random_problem(80, 60, 3, rng);
  ExactBasis basis;
  const TransportResult first = solve_with(p, basis);
  const TransportResult again = solve_with(p, basis);
  CHECK(again.iterations == 0);
  CHECK(again.cost == Approx(first.cost).epsilon(1e-14));
}

TEST_CASE("exact LP restart: a basis of other weights or sizes is ignored", "[exact]") {
  std::mt19937_64 rng(4);
  LpProblem p = random_problem(40, 30, 3, rng);
  ExactBasis basis;
  (void)solve_with(p, basis);
  SECTION("other weights") {
    p.a = dirichlet(p.k0, rng);
    const TransportResult cold = solve_exact(p), again = solve_with(p, basis);
    expect_same_optimum(p, again, cold);
  }
  SECTION("zero-weight rows and columns") {
    p.a[5] = 0.0;
    p.b[7] = 0.0;
    const double sa = std::accumulate(p.a.begin(), p.a.end(), 0.0);
    const double sb = std::accumulate(p.b.begin(), p.b.end(), 0.0);
    for (double &x : p.a) x /= sa;
    for (double &x : p.b) x /= sb;
    const TransportResult cold = solve_exact(p), again = solve_with(p, basis);
    expect_same_optimum(p, again, cold);
    // And the compacted problem's own tree restarts it.
    p.c = random_costs(p.c.size(), rng);
    const TransportResult cold2 = solve_exact(p), again2 = solve_with(p, basis);
    expect_same_optimum(p, again2, cold2);
  }
  SECTION("other sizes") {
    const LpProblem q = random_problem(30, 40, 3, rng);
    const TransportResult cold = solve_exact(q), again = solve_with(q, basis);
    expect_same_optimum(q, again, cold);
  }
  SECTION("a corrupted tree") {
    basis.parent[0] = 0;  // a self-loop: not a tree
    const TransportResult cold = solve_exact(p), again = solve_with(p, basis);
    expect_same_optimum(p, again, cold);
  }
}
