// SPDX-License-Identifier: MIT
// The warm-started kernel Sinkhorn of the annealed starts (gromov/warm_sinkhorn.hpp) against the
// library's cold log-domain Sinkhorn (lp/sinkhorn.cpp, a separate implementation of the same
// entropic problem: min <C, P> + eps sum P (log P - 1) over the couplings of a and b).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "gromov/warm_sinkhorn.hpp"
#include "lp/transport.hpp"

using namespace gmmot;

namespace {

struct Instance {
  std::size_t k0, k1;
  std::vector<double> a, b, cost;
};

Instance random_instance(std::size_t k0, std::size_t k1, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> u(0.1, 1.0);
  Instance s{k0, k1, std::vector<double>(k0), std::vector<double>(k1),
             std::vector<double>(k0 * k1)};
  double ta = 0, tb = 0;
  for (double &x : s.a) ta += (x = u(rng));
  for (double &x : s.b) tb += (x = u(rng));
  for (double &x : s.a) x /= ta;
  for (double &x : s.b) x /= tb;
  for (double &c : s.cost) c = 4 * u(rng);
  return s;
}

double largest(const std::vector<double> &c) { return *std::max_element(c.begin(), c.end()); }

}  // namespace

TEST_CASE("warm Sinkhorn: run to convergence, it gives the log-domain solver's plan",
          "[gromov][sinkhorn]") {
  std::mt19937_64 rng(5);
  for (const auto &dims : {std::pair<std::size_t, std::size_t>{7, 5}, {1, 4}, {30, 30}}) {
    const Instance s = random_instance(dims.first, dims.second, rng);
    // At 0.0012 the first kernel's exponents reach about -(4 - 0.4) / (0.0012 * 4) = -750:
    // entries on both sides of the vector exp's range (-708, its scalar fallback to -746, 0).
    for (double rel : {0.5, 0.05, 0.005, 0.0012}) {
      EntropicOptions e;
      e.epsilon = rel;
      e.tolerance = 1e-13;
      const TransportResult ref =
          transport_entropic(s.k0, s.k1, s.a.data(), s.b.data(), s.cost.data(), e, Context(1));
      REQUIRE(ref.converged);
      std::vector<double> dense(s.k0 * s.k1, 0.0), w(s.k0 * s.k1);
      for (const PlanEntry &p : ref.plan) dense[p.i * s.k1 + p.j] = p.mass;
      WarmSinkhorn sk(s.k0, s.k1, s.a, s.b, WarmSinkhorn::Limits{100000, 20, 1e-13});
      sk.solve(s.cost.data(), rel * largest(s.cost), Context(1), w.data());
      for (std::size_t i = 0; i < w.size(); ++i) CHECK(w[i] == Approx(dense[i]).margin(1e-11));
    }
  }
}

TEST_CASE("warm Sinkhorn: rough solves keep exact rows, finite plans at tiny epsilon",
          "[gromov][sinkhorn]") {
  std::mt19937_64 rng(9);
  Instance s = random_instance(40, 25, rng);
  s.a[3] = 0;  // a zero weight keeps a zero row
  double t = 0;
  for (double x : s.a) t += x;
  for (double &x : s.a) x /= t;
  WarmSinkhorn sk(s.k0, s.k1, s.a, s.b, WarmSinkhorn::Limits{20, 20, 1e-3});
  std::vector<double> w(s.k0 * s.k1);
  // An annealing schedule down to 1e-8 of the largest cost (the bound of the EW2 epsilons),
  // with the cost moving between solves as it does between alternations.
  for (int step = 0; step < 28; ++step) {
    for (double &c : s.cost) c *= 1.0 + 1e-3 * std::sin(step + c);
    sk.solve(s.cost.data(), std::ldexp(0.1, -step) * largest(s.cost), Context(1), w.data());
    double column_error = 0;
    for (std::size_t j = 0; j < s.k1; ++j) {
      double c = 0;
      for (std::size_t i = 0; i < s.k0; ++i) c += w[i * s.k1 + j];
      column_error += std::fabs(c - s.b[j]);
    }
    for (std::size_t i = 0; i < s.k0; ++i) {
      double r = 0;
      for (std::size_t j = 0; j < s.k1; ++j) {
        REQUIRE(std::isfinite(w[i * s.k1 + j]));
        REQUIRE(w[i * s.k1 + j] >= 0);
        r += w[i * s.k1 + j];
      }
      if (s.a[i] == 0) {
        CHECK(r == 0);
      } else {
        CHECK(r == Approx(s.a[i]).epsilon(1e-9));  // the u update makes the rows exact
      }
    }
    // Rough on purpose, but a coupling up to a bounded column error.
    CHECK(column_error < 1.0);
  }
}
