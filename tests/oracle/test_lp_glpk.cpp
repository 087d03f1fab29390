// SPDX-License-Identifier: MIT
// The exact transport LP (transport_exact) against an independent solver: GLPK's primal simplex
// (glp_simplex, tightened tolerances), used here as a test-only oracle. The library never links
// GLPK (tests/CMakeLists.txt builds this executable only when GLPK is found).
//
// glp_exact (GLPK's rational simplex started from glp_simplex's basis) is not used: on the
// 200 x 200 squared-Euclidean problem below its solution misses the row sums by 1e-11 and its
// cost differs by 1.4e-11 relative from both glp_simplex and transport_exact (which agree to
// 1e-17), and with costs over 12 decades it took 40 s and was off by 4e-6 relative.
#include <catch2/catch.hpp>

#include <glpk.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "transport_support.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

struct GlpkSolution {
  int simplex_rc = -1, status = 0;
  double marginal_error = 0;  // max violation of the row and column sums by GLPK's solution
  double cost = 0;            // sum C_ij x_ij from GLPK's column values
  double abs_cost = 0;        // sum |C_ij| x_ij: the scale of the cost's rounding
  double seconds = 0;
};

// min sum C_ij x_ij s.t. sum_j x_ij = a_i, sum_i x_ij = b_j (j < K1 - 1), x >= 0. The last
// column constraint is implied (b is rescaled to a's total as the library does) and is left
// out, so that the system is consistent whatever the rounding of the sums.
GlpkSolution glpk_solve(const LpProblem &p) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<double> b = rescaled_b(p);
  const int k0 = static_cast<int>(p.k0), k1 = static_cast<int>(p.k1);
  const int rows = k0 + k1 - 1, cols = k0 * k1;
  glp_prob *lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MIN);
  glp_add_rows(lp, rows);
  for (int i = 0; i < k0; ++i) glp_set_row_bnds(lp, i + 1, GLP_FX, p.a[i], p.a[i]);
  for (int j = 0; j + 1 < k1; ++j) glp_set_row_bnds(lp, k0 + j + 1, GLP_FX, b[j], b[j]);
  glp_add_cols(lp, cols);
  std::vector<int> ia(1), ja(1);
  std::vector<double> ar(1);
  ia.reserve(2 * static_cast<std::size_t>(cols) + 1);
  ja.reserve(ia.capacity());
  ar.reserve(ia.capacity());
  for (int i = 0; i < k0; ++i) {
    for (int j = 0; j < k1; ++j) {
      const int col = i * k1 + j + 1;
      glp_set_col_bnds(lp, col, GLP_LO, 0.0, 0.0);
      glp_set_obj_coef(lp, col, p.cost(static_cast<std::size_t>(i), static_cast<std::size_t>(j)));
      ia.push_back(i + 1), ja.push_back(col), ar.push_back(1.0);
      if (j + 1 < k1) ia.push_back(k0 + j + 1), ja.push_back(col), ar.push_back(1.0);
    }
  }
  glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.presolve = GLP_OFF;
  // Tolerances (defaults 1e-7) tightened so that GLPK stops at the optimal vertex: with costs
  // 10^U(-6, 6) and tol_dj = 1e-10 it stopped 2e-5 relative above the optimum.
  parm.tol_bnd = 1e-10;
  parm.tol_dj = 1e-12;
  GlpkSolution s;
  s.simplex_rc = glp_simplex(lp, &parm);
  s.status = glp_get_status(lp);
  long double cost = 0.0L, abs_cost = 0.0L;
  std::vector<long double> row(p.k0, 0.0L), col_sum(p.k1, 0.0L);
  for (int col = 1; col <= cols; ++col) {
    const double x = glp_get_col_prim(lp, col);
    const std::size_t e = static_cast<std::size_t>(col - 1);
    const double c = p.c[e];
    cost += static_cast<long double>(c) * x;
    abs_cost += std::fabs(static_cast<long double>(c) * x);
    row[e / p.k1] += x;
    col_sum[e % p.k1] += x;
  }
  for (std::size_t i = 0; i < p.k0; ++i)
    s.marginal_error = std::max(s.marginal_error, static_cast<double>(std::fabs(row[i] - p.a[i])));
  for (std::size_t j = 0; j < p.k1; ++j)
    s.marginal_error =
        std::max(s.marginal_error, static_cast<double>(std::fabs(col_sum[j] - b[j])));
  s.cost = static_cast<double>(cost);
  s.abs_cost = static_cast<double>(abs_cost);
  glp_delete_prob(lp);
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

// Count weights (1..9) with equal totals, normalised.
void count_weights(LpProblem &p, std::mt19937_64 &rng) {
  std::uniform_int_distribution<int> u(1, 9);
  double sa = 0.0, sb = 0.0;
  p.a.resize(p.k0);
  p.b.resize(p.k1);
  for (auto &x : p.a) sa += (x = u(rng));
  for (auto &x : p.b) sb += (x = u(rng));
  for (std::size_t t = 0; sa < sb; ++t) ++p.a[t % p.k0], ++sa;
  for (std::size_t t = 0; sb < sa; ++t) ++p.b[t % p.k1], ++sb;
  for (auto &x : p.a) x /= sa;
  for (auto &x : p.b) x /= sb;
}

LpProblem family_problem(std::size_t k0, std::size_t k1, int family, std::mt19937_64 &rng) {
  LpProblem p = random_problem(k0, k1, 10, rng);  // Dirichlet weights, squared Euclidean
  std::uniform_real_distribution<double> u01(0.0, 1.0), um(-1.0, 1.0), ue(-6.0, 6.0);
  std::uniform_int_distribution<int> small(0, 9);
  switch (family) {
    case 1:  // assignment: uniform weights, uniform costs
      p.a = uniform_weights(k0);
      p.b = uniform_weights(k1);
      for (auto &c : p.c) c = u01(rng);
      break;
    case 2:  // integer costs and count weights: many ties
      for (auto &c : p.c) c = small(rng);
      count_weights(p, rng);
      break;
    case 3:  // mixed signs
      for (auto &c : p.c) c = um(rng);
      break;
    case 4:  // costs over 12 decades
      for (auto &c : p.c) c = std::pow(10.0, ue(rng));
      break;
    default:
      break;
  }
  return p;
}

const char *family_name(int family) {
  static const char *names[] = {"Dirichlet, squared Euclidean in R^10",
                                "uniform weights, uniform costs", "integer costs, counts",
                                "mixed-sign costs", "costs 10^U(-6, 6)"};
  return names[family];
}

void compare_with_glpk(std::size_t k0, std::size_t k1, int family, unsigned seed) {
  std::mt19937_64 rng(seed * 1000003u + 31u * k0 + k1 + 7u * unsigned(family));
  const LpProblem p = family_problem(k0, k1, family, rng);
  const auto t0 = std::chrono::steady_clock::now();
  const TransportResult r = solve_exact(p);
  const double ours = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const GlpkSolution g = glpk_solve(p);
  std::printf(
      "[oracle] %zu x %zu, %s, seed %u: gmmot %.17g (%llu pivots, %.3f s), GLPK %.17g "
      "(%.3f s, row/column sums off by %.1e), rel diff %.2e\n",
      k0, k1, family_name(family), seed, r.cost, static_cast<unsigned long long>(r.iterations),
      ours, g.cost, g.seconds, g.marginal_error,
      g.abs_cost > 0 ? std::fabs(r.cost - g.cost) / g.abs_cost : std::fabs(r.cost));
  INFO(k0 << " x " << k1 << ", " << family_name(family) << ", seed " << seed << ": gmmot " << r.cost
          << ", GLPK " << g.cost);
  REQUIRE(g.simplex_rc == 0);
  REQUIRE(g.status == GLP_OPT);
  REQUIRE(g.marginal_error <= 1e-12);  // the oracle's own solution is feasible
  CHECK(std::fabs(r.cost - g.cost) <= 1e-9 * g.abs_cost);
  // The plan is feasible and basic.
  const Certificate z = certify(p, r);
  CHECK(z.nnz <= k0 + k1 - 1);
  CHECK(z.min_mass >= 0.0);
  CHECK(z.marginal_error <= 1e-12 * z.mass);
  CHECK(z.dual_violation <= 1e-12 * z.max_abs_cost);
  CHECK(z.suboptimality <= 1e-12 * z.abs_cost + z.dual_rounding + 1e-300);
}

}  // namespace

TEST_CASE("exact LP agrees with GLPK on random problems up to 200 x 200", "[exact][glpk]") {
  glp_term_out(GLP_OFF);
  const std::size_t square[] = {5, 17, 50, 100};
  for (int family = 0; family < 5; ++family)
    for (std::size_t k : square)
      for (unsigned seed = 1; seed <= 3; ++seed) compare_with_glpk(k, k, family, seed);
}

TEST_CASE("exact LP agrees with GLPK at K = 200 and on rectangular problems", "[exact][glpk]") {
  glp_term_out(GLP_OFF);
  for (int family = 0; family < 5; ++family) compare_with_glpk(200, 200, family, 1);
  compare_with_glpk(200, 200, 0, 2);
  for (int family : {0, 2, 3}) {
    compare_with_glpk(30, 200, family, 1);
    compare_with_glpk(200, 30, family, 1);
    compare_with_glpk(150, 120, family, 1);
    compare_with_glpk(1, 200, family, 1);
    compare_with_glpk(200, 1, family, 1);
  }
}

// Fuzz finding N4: the 6 x 6 problem with tied costs on which the network simplex cycled
// (tests/core/test_transport_exact.cpp has the certificate). GLPK's tolerances are absolute, so
// both solve the costs times 2^95 (in [-0.57, 0.29]); the solver scales by powers of two, so
// the unscaled problem's cost is the same times 2^-95.
TEST_CASE("exact LP agrees with GLPK on the 6 x 6 problem that cycled (fuzz N4)", "[exact][glpk]") {
  glp_term_out(GLP_OFF);
  LpProblem p = n4_problem(1.0);
  const TransportResult tiny = solve_exact(p);
  for (auto &c : p.c) c = std::ldexp(c, 95);
  const TransportResult r = solve_exact(p);
  const GlpkSolution g = glpk_solve(p);
  REQUIRE(g.simplex_rc == 0);
  REQUIRE(g.status == GLP_OPT);
  REQUIRE(g.marginal_error <= 1e-12);
  INFO("gmmot " << r.cost << " (" << r.iterations << " pivots), GLPK " << g.cost);
  CHECK(std::fabs(r.cost - g.cost) <= 1e-12 * g.abs_cost);
  CHECK(std::ldexp(tiny.cost, 95) == r.cost);
}

// Small highly degenerate problems (k0, k1 in 1..8, count weights, costs from four decimal
// values of different sizes times 10^U(-2, 2), or integers 0..3): before the N4 fix some of the
// decimal ones cycled (the first at seed 48). Each optimal cost must match GLPK's.
TEST_CASE("exact LP agrees with GLPK on 2000 small degenerate problems", "[exact][glpk]") {
  glp_term_out(GLP_OFF);
  for (unsigned seed = 0; seed < 2000; ++seed) {
    const LpProblem p = degenerate_problem(seed, seed + 77u, -2, 2);
    INFO("seed " << seed << ": " << p.k0 << " x " << p.k1);
    TransportResult r;
    REQUIRE_NOTHROW(r = solve_exact(p));
    const GlpkSolution g = glpk_solve(p);
    REQUIRE(g.simplex_rc == 0);
    REQUIRE(g.status == GLP_OPT);
    REQUIRE(g.marginal_error <= 1e-12);
    INFO("gmmot " << r.cost << " (" << r.iterations << " pivots), GLPK " << g.cost);
    CHECK(std::fabs(r.cost - g.cost) <= 1e-12 * g.abs_cost + 1e-300);
    const Certificate z = certify(p, r);
    CHECK(z.marginal_error <= 1e-12 * z.mass);
    CHECK(z.dual_violation <= 1e-12 * z.max_abs_cost);
  }
}
