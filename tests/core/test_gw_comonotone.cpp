// SPDX-License-Identifier: MIT
// Frank-Wolfe's first linear step from the product coupling in closed form (comonotone_vertex):
// its plan is a vertex with the problem's marginals, and its cost on the gradient there equals
// the exact LP optimum (transport_exact) on random problems, on problems with many ties
// (uniform weights, matrices of a few values, where rows and columns tie), rectangular and
// with zero weights; its duals are finite (they warm-start the next step).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <vector>

#include "gromov/gw_solver.hpp"

using namespace gmmot;

namespace {

std::vector<double> symmetric(std::size_t k, std::mt19937_64 &rng, bool few_values) {
  std::uniform_real_distribution<double> u(0.0, 3.0);
  std::uniform_int_distribution<int> pick(0, 2);
  std::vector<double> c(k * k, 0.0);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j)
      c[i * k + j] = c[j * k + i] = few_values ? static_cast<double>(pick(rng)) : u(rng);
  return c;
}

std::vector<double> weights(std::size_t k, std::mt19937_64 &rng, bool uniform, bool zeros) {
  std::uniform_real_distribution<double> u(0.1, 1.0);
  std::vector<double> w(k, 1.0);
  if (!uniform)
    for (double &x : w) x = u(rng);
  if (zeros && k > 2) w[k / 2] = 0.0;
  double total = 0;
  for (double x : w) total += x;
  for (double &x : w) x /= total;
  return w;
}

}  // namespace

TEST_CASE("GW first step: the comonotone vertex is an exact LP optimum", "[gromov]") {
  int checked = 0;
  for (unsigned seed = 0; seed < 300; ++seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> size(1, 40);
    const std::size_t k0 = size(rng), k1 = seed % 3 == 0 ? k0 : size(rng);
    const bool few = seed % 2 == 0, uniform = seed % 4 < 2, zeros = seed % 5 == 0;
    const std::vector<double> a = weights(k0, rng, uniform, zeros),
                              b = weights(k1, rng, uniform, zeros);
    const std::vector<double> c0 = symmetric(k0, rng, few), c1 = symmetric(k1, rng, few);
    const GwProblem p(k0, a.data(), c0.data(), k1, b.data(), c1.data());
    const std::vector<double> w = p.product_coupling();
    std::vector<double> u, v;
    REQUIRE(product_factors(p, w.data(), u, v));
    // The gradient Frank-Wolfe prices there, from the dense product (independent of u, v).
    std::vector<double> x(k0 * k1), grad(k0 * k1);
    p.cross(w.data(), x.data());
    for (std::size_t m = 0; m < grad.size(); ++m) grad[m] = p.const_cost[m] - 4 * x[m];
    const TransportResult r = comonotone_vertex(p, u, v, grad.data());
    const TransportResult lp =
        transport_exact(k0, k1, p.a.data(), p.b.data(), grad.data(), {}, Context{});
    double cost = 0, scale = 0, mass = 0;
    std::vector<double> rows(k0, 0.0), cols(k1, 0.0);
    for (const PlanEntry &e : r.plan) {
      REQUIRE(e.i < k0);
      REQUIRE(e.j < k1);
      CHECK(e.mass > 0);
      cost += grad[e.i * k1 + e.j] * e.mass;
      rows[e.i] += e.mass;
      cols[e.j] += e.mass;
    }
    for (double g : grad) scale = std::max(scale, std::fabs(g));
    for (double m : p.a) mass += m;
    INFO("seed " << seed << ", K0 = " << k0 << ", K1 = " << k1 << ", cost " << cost
                 << ", LP optimum " << lp.cost);
    CHECK(r.plan.size() <= k0 + k1 - 1);
    for (std::size_t i = 0; i < k0; ++i) CHECK(std::fabs(rows[i] - p.a[i]) <= 1e-12 * mass);
    for (std::size_t j = 0; j < k1; ++j) CHECK(std::fabs(cols[j] - p.b[j]) <= 1e-12 * mass);
    CHECK(std::fabs(cost - lp.cost) <= 1e-12 * scale * mass);
    for (double d : r.u) CHECK(std::isfinite(d));
    for (double d : r.v) CHECK(std::isfinite(d));
    ++checked;
  }
  CHECK(checked == 300);
}

TEST_CASE("GW first step: only the exact product coupling is recognised", "[gromov]") {
  const double a[3] = {0.2, 0.3, 0.5}, b[2] = {0.4, 0.6};
  const double c0[9] = {0, 1, 2, 1, 0, 1.5, 2, 1.5, 0}, c1[4] = {0, 1, 1, 0};
  const GwProblem p(3, a, c0, 2, b, c1);
  std::vector<double> w = p.product_coupling(), u, v;
  CHECK(product_factors(p, w.data(), u, v));
  w[0] += 1e-3;
  w[1] -= 1e-3;
  CHECK_FALSE(product_factors(p, w.data(), u, v));
}
