// SPDX-License-Identifier: MIT
// Entropic transport (log-domain Sinkhorn): marginals at convergence, the approach to the exact
// optimum as eps -> 0 (against an independent brute force over the vertices of the transport
// polytope, the north-west corner rule for 1-D convex costs, and the network simplex), the
// large-eps limit a b^T, closed forms for K0 = 1 and K1 = 1, zero weights, the identity between
// the plan and the returned duals, thread-count and cost-scale invariance, extreme cost scales,
// bad input, and the iteration cap.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "lp/transport.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

using namespace gmmot;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

struct Problem {
  std::size_t k0 = 0, k1 = 0;
  std::vector<double> a, b, cost;
  double cmax() const {
    double m = 0;
    for (double c : cost) m = std::max(m, std::fabs(c));
    return m;
  }
};

// Squared Euclidean costs between random points (d-dimensional), Gamma(1) weights summing to 1.
Problem random_problem(std::size_t k0, std::size_t k1, int d, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> n;
  std::gamma_distribution<double> g(1.0);
  Problem p;
  p.k0 = k0;
  p.k1 = k1;
  std::vector<double> x(k0 * d), y(k1 * d);
  for (auto &v : x) v = n(rng);
  for (auto &v : y) v = n(rng) + 0.3;
  for (auto *w : {&p.a, &p.b}) {
    w->resize(w == &p.a ? k0 : k1);
    double s = 0;
    for (auto &v : *w) s += v = g(rng) + 1e-3;
    for (auto &v : *w) v /= s;
  }
  p.cost.resize(k0 * k1);
  for (std::size_t i = 0; i < k0; ++i) {
    for (std::size_t j = 0; j < k1; ++j) {
      double s = 0;
      for (int t = 0; t < d; ++t)
        s += (x[i * d + t] - y[j * d + t]) * (x[i * d + t] - y[j * d + t]);
      p.cost[i * k1 + j] = s;
    }
  }
  return p;
}

TransportResult solve(const Problem &p, double epsilon, double tolerance = 1e-9,
                      std::uint64_t max_iterations = 100000, unsigned threads = 1) {
  EntropicOptions o;
  o.epsilon = epsilon;
  o.tolerance = tolerance;
  o.max_iterations = max_iterations;
  return transport_entropic(p.k0, p.k1, p.a.data(), p.b.data(), p.cost.data(), o,
                            Context{resolve_threads(threads)});
}

std::vector<double> dense(const TransportResult &r, std::size_t k0, std::size_t k1) {
  std::vector<double> P(k0 * k1, 0.0);
  for (const PlanEntry &e : r.plan) P[e.i * k1 + e.j] = e.mass;
  return P;
}

// sum_i |P 1 - a|_i + sum_j |P^T 1 - b|_j, in long double (an independent evaluation).
double marginal_error(const Problem &p, const std::vector<double> &P) {
  long double err = 0;
  for (std::size_t i = 0; i < p.k0; ++i) {
    long double s = 0;
    for (std::size_t j = 0; j < p.k1; ++j) s += P[i * p.k1 + j];
    err += std::fabs(static_cast<double>(s - p.a[i]));
  }
  for (std::size_t j = 0; j < p.k1; ++j) {
    long double s = 0;
    for (std::size_t i = 0; i < p.k0; ++i) s += P[i * p.k1 + j];
    err += std::fabs(static_cast<double>(s - p.b[j]));
  }
  return static_cast<double>(err);
}

double entropy(const std::vector<double> &w) {
  double h = 0;
  for (double x : w) h -= x > 0 ? x * std::log(x) : 0.0;
  return h;
}

// The plan, cost, marginal error and centring are what the result claims, and every entry is
// a_i b_j exp((u_i + v_j - C_ij) / eps). The exponent is rounded to a few ulps of the size of its
// terms, |u_i| + |v_j| + |C_ij| over eps, which sets the relative tolerance of each entry.
void check_consistent(const Problem &p, const TransportResult &r, double eps_abs) {
  REQUIRE(r.u.size() == p.k0);
  REQUIRE(r.v.size() == p.k1);
  for (std::size_t n = 1; n < r.plan.size(); ++n) {
    const PlanEntry &x = r.plan[n - 1], &y = r.plan[n];
    REQUIRE((x.i < y.i || (x.i == y.i && x.j < y.j)));
  }
  const std::vector<double> P = dense(r, p.k0, p.k1);
  long double cost = 0, ua = 0, vb = 0, mass = 0;
  double worst = 0;
  for (std::size_t i = 0; i < p.k0; ++i) {
    REQUIRE(std::isfinite(r.u[i]));
    ua += static_cast<long double>(r.u[i]) * p.a[i];
    mass += p.a[i];
    for (std::size_t j = 0; j < p.k1; ++j) {
      const double c = p.cost[i * p.k1 + j], x = P[i * p.k1 + j];
      cost += static_cast<long double>(c) * x;
      const double e = (r.u[i] + r.v[j] - c) / eps_abs;
      const double predicted = p.a[i] * p.b[j] * std::exp(e);
      const double size = (std::fabs(r.u[i]) + std::fabs(r.v[j]) + std::fabs(c)) / eps_abs;
      if (x == 0) {
        REQUIRE(predicted <= 2e-300);
      } else {
        worst = std::max(worst, std::fabs(x - predicted) / (predicted * (8 + size) * kEps));
      }
    }
  }
  for (std::size_t j = 0; j < p.k1; ++j) {
    REQUIRE(std::isfinite(r.v[j]));
    vb += static_cast<long double>(r.v[j]) * p.b[j];
  }
  CHECK(worst <= 16);  // in units of (8 + size) eps: the exponent's rounding, and exp's
  CHECK(r.cost == Approx(static_cast<double>(cost)).epsilon(1e-13).margin(1e-300));
  const double scale = std::fabs(static_cast<double>(ua)) + std::fabs(static_cast<double>(vb));
  CHECK(std::fabs(static_cast<double>(ua - vb)) <= 1e-13 * scale + 1e-300);
  const double err = marginal_error(p, P);
  CHECK(r.marginal_error == Approx(err).epsilon(1e-6).margin(1e-14 * static_cast<double>(mass)));
}

Errc error_of(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.code();
  }
  FAIL("no error was raised");
  return Errc::Internal;
}

// Exact optimum of a tiny problem: the minimum cost over all basic feasible solutions, found by
// solving the K0 + K1 - 1 independent marginal equations for every set of that many cells.
double brute_force_optimum(const Problem &p) {
  const std::size_t n = p.k0 * p.k1, m = p.k0 + p.k1 - 1;
  double best = std::numeric_limits<double>::infinity();
  std::vector<int> pick(n, 0);
  std::fill(pick.end() - static_cast<std::ptrdiff_t>(m), pick.end(), 1);
  do {
    std::vector<std::size_t> cells;
    for (std::size_t c = 0; c < n; ++c) {
      if (pick[c]) cells.push_back(c);
    }
    // Rows: the K0 row sums and the first K1 - 1 column sums (the last one is implied).
    std::vector<double> A(m * (m + 1), 0.0);
    for (std::size_t q = 0; q < m; ++q) {
      const std::size_t i = cells[q] / p.k1, j = cells[q] % p.k1;
      A[i * (m + 1) + q] = 1;
      if (j + 1 < p.k1) A[(p.k0 + j) * (m + 1) + q] = 1;
    }
    for (std::size_t i = 0; i < p.k0; ++i) A[i * (m + 1) + m] = p.a[i];
    for (std::size_t j = 0; j + 1 < p.k1; ++j) A[(p.k0 + j) * (m + 1) + m] = p.b[j];
    bool singular = false;
    for (std::size_t col = 0; col < m && !singular; ++col) {
      std::size_t piv = col;
      for (std::size_t r = col; r < m; ++r) {
        if (std::fabs(A[r * (m + 1) + col]) > std::fabs(A[piv * (m + 1) + col])) piv = r;
      }
      if (std::fabs(A[piv * (m + 1) + col]) < 1e-9) {
        singular = true;
        break;
      }
      for (std::size_t k = 0; k <= m; ++k) std::swap(A[col * (m + 1) + k], A[piv * (m + 1) + k]);
      for (std::size_t r = 0; r < m; ++r) {
        if (r == col) continue;
        const double f = A[r * (m + 1) + col] / A[col * (m + 1) + col];
        for (std::size_t k = 0; k <= m; ++k) A[r * (m + 1) + k] -= f * A[col * (m + 1) + k];
      }
    }
    if (singular) continue;
    double cost = 0;
    bool feasible = true;
    for (std::size_t q = 0; q < m; ++q) {
      const double x = A[q * (m + 1) + m] / A[q * (m + 1) + q];
      if (x < -1e-14) feasible = false;
      cost += x * p.cost[cells[q]];
    }
    if (feasible) best = std::min(best, cost);
  } while (std::next_permutation(pick.begin(), pick.end()));
  return best;
}

// Exact optimum for sorted 1-D points and the convex cost |x - y|^2: the monotone
// (north-west corner) coupling.
double north_west_optimum(const Problem &p) {
  std::vector<double> a(p.a), b(p.b);
  double cost = 0;
  std::size_t i = 0, j = 0;
  while (i < p.k0 && j < p.k1) {
    const double m = std::min(a[i], b[j]);
    cost += m * p.cost[i * p.k1 + j];
    a[i] -= m;
    b[j] -= m;
    if (a[i] <= b[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return cost;
}

}  // namespace

TEST_CASE("entropic: marginals at convergence, cost, duals and plan agree", "[entropic]") {
  for (auto dims : {std::vector<std::size_t>{50, 70}, {1, 9}, {13, 8}, {64, 64}}) {
    const Problem p = random_problem(dims[0], dims[1], 3, 100 + dims[0]);
    for (double eps : {1e-1, 1e-2, 1e-3}) {
      INFO("K0 = " << p.k0 << ", K1 = " << p.k1 << ", eps = " << eps);
      const TransportResult r = solve(p, eps);
      CHECK(r.converged);
      CHECK(r.iterations >= 1);
      CHECK(r.marginal_error <= 1e-9);
      CHECK(marginal_error(p, dense(r, p.k0, p.k1)) <= 1e-9 * (1 + 1e-6));
      check_consistent(p, r, eps * p.cmax());
      // A tighter tolerance needs at least as many iterations.
      const TransportResult tight = solve(p, eps, 1e-12);
      CHECK(tight.marginal_error <= 1e-12);
      CHECK(tight.iterations >= r.iterations);
    }
  }
}

TEST_CASE("entropic: weights of any total mass; b is rescaled to a's mass", "[entropic]") {
  Problem p = random_problem(20, 30, 2, 7);
  for (auto &x : p.a) x *= 1000;
  for (auto &x : p.b) x *= 1000 * (1 + 3e-9);
  const TransportResult r = solve(p, 1e-2);
  CHECK(r.converged);
  CHECK(r.marginal_error <= 1e-9 * 1000);
  Problem q = p;  // the problem the solver sees: b at a's mass
  double sa = 0, sb = 0;
  for (double x : p.a) sa += x;
  for (double x : p.b) sb += x;
  for (auto &x : q.b) x *= sa / sb;
  check_consistent(q, r, 1e-2 * p.cmax());
}

TEST_CASE("entropic: the cost approaches the exact optimum as eps -> 0", "[entropic]") {
  // The entropic plan P_eps minimises <C,P> + eps KL(P | a b^T), so
  // 0 <= <C,P_eps> - OT <= eps KL(P* | a b^T) <= eps min(H(a), H(b)) (the mutual information of
  // an optimal plan), up to the marginal error times max|C|, and <C,P_eps> grows with eps.
  std::vector<Problem> problems;
  for (std::uint64_t seed : {1, 2, 3}) problems.push_back(random_problem(3, 3, 2, seed));
  problems.push_back(random_problem(3, 4, 1, 4));
  problems.push_back(random_problem(4, 4, 5, 5));
  Problem line = random_problem(30, 40, 1, 6);  // sorted 1-D points: north-west corner is exact
  {
    std::mt19937_64 rng(61);
    std::normal_distribution<double> n;
    std::vector<double> x(30), y(40);
    for (auto &v : x) v = n(rng);
    for (auto &v : y) v = 0.5 * n(rng) + 1;
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    for (std::size_t i = 0; i < 30; ++i)
      for (std::size_t j = 0; j < 40; ++j) line.cost[i * 40 + j] = (x[i] - y[j]) * (x[i] - y[j]);
  }
  problems.push_back(line);
  for (std::size_t t = 0; t < problems.size(); ++t) {
    const Problem &p = problems[t];
    const double ot = p.k0 == 30 ? north_west_optimum(p) : brute_force_optimum(p);
    const double bound = std::min(entropy(p.a), entropy(p.b)), cmax = p.cmax();
    double previous = std::numeric_limits<double>::infinity();
    for (double eps : {1e-1, 1e-2, 1e-3, 1e-4}) {
      INFO("problem " << t << ", eps = " << eps << ", OT = " << ot);
      const TransportResult r = solve(p, eps, 1e-12);
      REQUIRE(r.converged);
      const double slack = cmax * r.marginal_error + 1e-13 * cmax;
      CHECK(r.cost - ot >= -slack);
      CHECK(r.cost - ot <= eps * cmax * bound + slack);
      CHECK(r.cost <= previous + slack);
      previous = r.cost;
    }
  }
}

TEST_CASE("entropic: large eps gives the independent coupling a b^T", "[entropic]") {
  // With c = C / eps in [-1/epsilon, 1/epsilon], f_i + g_j - C_ij stays within a few 1/epsilon
  // of 0, so P_ij / (a_i b_j) - 1 = O(1/epsilon).
  const Problem p = random_problem(17, 23, 3, 9);
  for (double eps : {1e3, 1e6}) {
    const TransportResult r = solve(p, eps);
    CHECK(r.converged);
    const std::vector<double> P = dense(r, p.k0, p.k1);
    double worst = 0;
    for (std::size_t i = 0; i < p.k0; ++i)
      for (std::size_t j = 0; j < p.k1; ++j)
        worst = std::max(worst, std::fabs(P[i * p.k1 + j] / (p.a[i] * p.b[j]) - 1));
    CHECK(worst <= 4 / eps);
    CHECK(r.plan.size() == p.k0 * p.k1);
  }
}

TEST_CASE("entropic: K0 = 1 and K1 = 1 have the one feasible plan", "[entropic]") {
  for (auto dims : {std::vector<std::size_t>{1, 6}, {6, 1}, {1, 1}}) {
    Problem p = random_problem(dims[0], dims[1], 2, 11);
    for (auto &x : p.a) x *= 3;  // mass 3
    for (auto &x : p.b) x *= 3;
    for (double eps : {1e-4, 1.0}) {
      INFO("K0 = " << p.k0 << ", K1 = " << p.k1 << ", eps = " << eps);
      const TransportResult r = solve(p, eps);
      CHECK(r.converged);
      CHECK(r.iterations == 1);
      REQUIRE(r.plan.size() == p.k0 * p.k1);
      // Exponents of size up to 2/eps are rounded to a few ulps: the relative accuracy of each
      // entry (exact in exact arithmetic) is about (8 + 2/eps) eps_machine.
      const double tol = (16 + 4 / eps) * kEps;
      double cost = 0;
      for (const PlanEntry &e : r.plan) {
        const double expect = p.k0 == 1 ? p.b[e.j] : p.a[e.i];
        CHECK(e.mass == Approx(expect).epsilon(tol));
        cost += expect * p.cost[e.i * p.k1 + e.j];
      }
      CHECK(r.cost == Approx(cost).epsilon(tol));
      CHECK(r.marginal_error <= 2 * tol * 3);
      check_consistent(p, r, eps * p.cmax());
    }
  }
}

TEST_CASE("entropic: all-zero costs give a b^T / mass with an absolute eps", "[entropic]") {
  Problem p = random_problem(5, 7, 2, 12);
  for (auto &x : p.a) x *= 7;
  for (auto &x : p.b) x *= 7;
  std::fill(p.cost.begin(), p.cost.end(), 0.0);
  const TransportResult r = solve(p, 0.25);
  CHECK(r.converged);
  CHECK(r.iterations == 1);
  CHECK(r.cost == 0);
  const std::vector<double> P = dense(r, p.k0, p.k1);
  for (std::size_t i = 0; i < p.k0; ++i)
    for (std::size_t j = 0; j < p.k1; ++j)
      CHECK(P[i * p.k1 + j] == Approx(p.a[i] * p.b[j] / 7).epsilon(32 * kEps));
  // P = a b^T exp((u + v) / eps) with eps = 0.25 (absolute): u_i + v_j = -eps log(mass).
  for (double u : r.u) CHECK(u == Approx(-0.125 * std::log(7.0)).epsilon(1e-14));
  for (double v : r.v) CHECK(v == Approx(-0.125 * std::log(7.0)).epsilon(1e-14));
  check_consistent(p, r, 0.25);
}

TEST_CASE("entropic: zero weights are removed and get soft-min potentials", "[entropic]") {
  Problem p = random_problem(7, 6, 2, 13);
  const std::vector<std::size_t> zero_rows{1, 4}, zero_cols{0, 5};
  for (std::size_t i : zero_rows) p.a[i] = 0;
  for (std::size_t j : zero_cols) p.b[j] = 0;
  double sa = 0, sb = 0;
  for (double x : p.a) sa += x;
  for (double x : p.b) sb += x;
  for (auto &x : p.b) x *= sa / sb;
  p.cost[2 * 6 + 3] = 100;  // the largest cost sits in the kept block, so eps is the same
  // The reduced problem without those rows and columns.
  Problem q;
  for (std::size_t i = 0; i < p.k0; ++i) {
    if (p.a[i] == 0) continue;
    q.a.push_back(p.a[i]);
    for (std::size_t j = 0; j < p.k1; ++j)
      if (p.b[j] > 0) q.cost.push_back(p.cost[i * p.k1 + j]);
  }
  for (double x : p.b)
    if (x > 0) q.b.push_back(x);
  q.k0 = q.a.size();
  q.k1 = q.b.size();
  REQUIRE(p.cmax() == q.cmax());

  const double eps = 1e-2, eps_abs = eps * p.cmax();
  const TransportResult r = solve(p, eps), s = solve(q, eps);
  CHECK(r.converged);
  check_consistent(p, r, eps_abs);
  // Same arithmetic on the kept block: identical results.
  CHECK(r.iterations == s.iterations);
  CHECK(r.cost == s.cost);
  CHECK(r.marginal_error == s.marginal_error);
  REQUIRE(r.plan.size() == s.plan.size());
  std::vector<std::size_t> rows, cols;
  for (std::size_t i = 0; i < p.k0; ++i)
    if (p.a[i] > 0) rows.push_back(i);
  for (std::size_t j = 0; j < p.k1; ++j)
    if (p.b[j] > 0) cols.push_back(j);
  for (std::size_t n = 0; n < r.plan.size(); ++n) {
    CHECK(r.plan[n].i == rows[s.plan[n].i]);
    CHECK(r.plan[n].j == cols[s.plan[n].j]);
    CHECK(r.plan[n].mass == s.plan[n].mass);
  }
  for (std::size_t n = 0; n < rows.size(); ++n) CHECK(r.u[rows[n]] == s.u[n]);
  for (std::size_t n = 0; n < cols.size(); ++n) CHECK(r.v[cols[n]] == s.v[n]);
  // Removed rows: u_i = -eps log sum_j b_j exp((v_j - C_ij) / eps), the soft c-transform.
  for (std::size_t i : zero_rows) {
    long double m = -INFINITY, sum = 0;
    for (std::size_t j : cols)
      m = std::max(m, (r.v[j] - static_cast<long double>(p.cost[i * 6 + j])) / eps_abs);
    for (std::size_t j : cols) sum += p.b[j] * std::exp((r.v[j] - p.cost[i * 6 + j]) / eps_abs - m);
    const double expect = static_cast<double>(-eps_abs * (m + std::log(sum)));
    CHECK(r.u[i] == Approx(expect).epsilon(1e-12).margin(1e-12 * p.cmax()));
  }
  for (std::size_t j : zero_cols) {
    long double m = -INFINITY, sum = 0;
    for (std::size_t i : rows)
      m = std::max(m, (r.u[i] - static_cast<long double>(p.cost[i * 6 + j])) / eps_abs);
    for (std::size_t i : rows) sum += p.a[i] * std::exp((r.u[i] - p.cost[i * 6 + j]) / eps_abs - m);
    const double expect = static_cast<double>(-eps_abs * (m + std::log(sum)));
    CHECK(r.v[j] == Approx(expect).epsilon(1e-12).margin(1e-12 * p.cmax()));
  }
}

TEST_CASE("entropic: results are bit-identical for any thread count", "[entropic]") {
  for (auto dims : {std::vector<std::size_t>{45, 67}, {150, 131}}) {
    const Problem p = random_problem(dims[0], dims[1], 4, 14);
    const TransportResult r1 = solve(p, 1e-2, 1e-9, 100000, 1);
    for (unsigned threads : {2u, 3u, 0u}) {
      INFO("threads = " << threads << ", K0 = " << p.k0);
      const TransportResult r = solve(p, 1e-2, 1e-9, 100000, threads);
      CHECK(r.iterations == r1.iterations);
      CHECK(r.cost == r1.cost);
      CHECK(r.marginal_error == r1.marginal_error);
      CHECK(r.converged == r1.converged);
      CHECK(r.u == r1.u);
      CHECK(r.v == r1.v);
      REQUIRE(r.plan.size() == r1.plan.size());
      bool same = true;
      for (std::size_t n = 0; n < r.plan.size(); ++n) {
        same = same && r.plan[n].i == r1.plan[n].i && r.plan[n].j == r1.plan[n].j &&
               r.plan[n].mass == r1.plan[n].mass;
      }
      CHECK(same);
    }
  }
}

TEST_CASE("entropic: costs scaled by 2^k give exactly scaled results", "[entropic]") {
  // eps is relative and the costs are normalised by a power of two, so the iteration is the same
  // bit for bit; cost and duals scale exactly.
  const Problem p = random_problem(19, 24, 3, 15);
  const TransportResult r = solve(p, 1e-3);
  for (int k : {40, -40}) {
    Problem q = p;
    for (auto &c : q.cost) c = std::ldexp(c, k);
    const TransportResult s = solve(q, 1e-3);
    INFO("k = " << k);
    CHECK(s.iterations == r.iterations);
    CHECK(s.cost == std::ldexp(r.cost, k));
    CHECK(s.marginal_error == r.marginal_error);
    REQUIRE(s.plan.size() == r.plan.size());
    for (std::size_t n = 0; n < r.plan.size(); ++n) CHECK(s.plan[n].mass == r.plan[n].mass);
    for (std::size_t i = 0; i < p.k0; ++i) CHECK(s.u[i] == std::ldexp(r.u[i], k));
    for (std::size_t j = 0; j < p.k1; ++j) CHECK(s.v[j] == std::ldexp(r.v[j], k));
  }
}

TEST_CASE("entropic: no overflow or NaN at extreme cost scales and small eps", "[entropic]") {
  const Problem base = random_problem(20, 25, 2, 16);
  const TransportResult ref = solve(base, 1e-4);
  REQUIRE(ref.converged);
  for (double scale : {1e-12, 1e12, -1e12, 1e-300, 1e300}) {
    Problem p = base;
    for (auto &c : p.cost) c *= scale;
    const TransportResult r = solve(p, 1e-4);
    INFO("scale = " << scale);
    CHECK(r.converged);
    CHECK(r.marginal_error <= 1e-9);
    CHECK(std::isfinite(r.cost));
    check_consistent(p, r, 1e-4 * p.cmax());
    if (scale > 0) CHECK(r.cost / scale == Approx(ref.cost).epsilon(1e-7));
  }
  // Costs spanning 24 orders of magnitude in one matrix, negative ones included.
  Problem wide = base;
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> e(-12, 12);
  for (auto &c : wide.cost) c = (rng() % 3 == 0 ? -1 : 1) * std::pow(10.0, e(rng));
  for (double eps : {1e-4, 1e-2}) {
    const TransportResult r = solve(wide, eps);
    INFO("wide range, eps = " << eps);
    CHECK(r.converged);
    CHECK(std::isfinite(r.cost));
    check_consistent(wide, r, eps * wide.cmax());
  }
}

TEST_CASE("entropic: invalid input raises the right error", "[entropic]") {
  const Problem p = random_problem(3, 4, 2, 18);
  auto run = [&](Problem q, EntropicOptions o = {}) {
    transport_entropic(q.k0, q.k1, q.a.data(), q.b.data(), q.cost.data(), o, {});
  };
  Problem q = p;
  q.cost[5] = NAN;
  CHECK(error_of([&] { run(q); }) == Errc::NonFinite);
  q.cost[5] = -INFINITY;
  CHECK(error_of([&] { run(q); }) == Errc::NonFinite);
  q = p;
  q.a[1] = -q.a[1];
  CHECK(error_of([&] { run(q); }) == Errc::Weights);
  q = p;
  q.b[2] = NAN;
  CHECK(error_of([&] { run(q); }) == Errc::NonFinite);
  q = p;
  q.b[0] += 1e-6;  // masses differ by more than 1e-8 relative
  CHECK(error_of([&] { run(q); }) == Errc::Weights);
  q = p;
  std::fill(q.a.begin(), q.a.end(), 0.0);
  CHECK(error_of([&] { run(q); }) == Errc::Weights);
  CHECK(error_of([&] {
          transport_entropic(0, 4, p.a.data(), p.b.data(), p.cost.data(), EntropicOptions{}, {});
        }) == Errc::Dimension);
  for (double eps : {0.0, -1.0, double(NAN), double(INFINITY), 1e-320}) {
    EntropicOptions o;
    o.epsilon = eps;
    CHECK(error_of([&] { run(p, o); }) == Errc::InvalidArgument);
  }
  for (double tol : {-1e-9, double(NAN), double(INFINITY)}) {
    EntropicOptions o;
    o.tolerance = tol;
    CHECK(error_of([&] { run(p, o); }) == Errc::InvalidArgument);
  }
  EntropicOptions o;
  o.max_iterations = 0;
  CHECK(error_of([&] { run(p, o); }) == Errc::InvalidArgument);
}

TEST_CASE("entropic: the iteration cap returns the last iterate, not an error", "[entropic]") {
  const Problem p = random_problem(30, 40, 3, 19);
  for (std::uint64_t cap : {1, 5}) {
    const TransportResult r = solve(p, 1e-3, 1e-9, cap);
    INFO("cap = " << cap);
    CHECK_FALSE(r.converged);
    CHECK(r.iterations == cap);
    CHECK(r.marginal_error > 1e-9);
    check_consistent(p, r, 1e-3 * p.cmax());
    // The iterate ends with a column update: columns are exact, the error is in the rows.
    const std::vector<double> P = dense(r, p.k0, p.k1);
    for (std::size_t j = 0; j < p.k1; ++j) {
      double s = 0;
      for (std::size_t i = 0; i < p.k0; ++i) s += P[i * p.k1 + j];
      CHECK(s == Approx(p.b[j]).epsilon(1e-13));
    }
  }
  // tolerance 0 cannot be met: the cap is reached.
  const TransportResult r = solve(p, 1e-1, 0.0, 50);
  CHECK(r.iterations == 50);
  CHECK_FALSE(r.converged);
}

TEST_CASE("entropic: within the entropic bound of the exact solver", "[entropic]") {
  // The same bound as above, 0 <= <C,P_eps> - OT <= eps min(H(a), H(b)), on problems too large
  // for brute force, with OT from the network simplex (an independent method).
  for (auto dims : {std::vector<std::size_t>{40, 50}, {90, 70}}) {
    const Problem p = random_problem(dims[0], dims[1], 4, 20 + dims[0]);
    const TransportResult exact =
        transport_exact(p.k0, p.k1, p.a.data(), p.b.data(), p.cost.data(), ExactOptions{}, {});
    const double bound = std::min(entropy(p.a), entropy(p.b)), cmax = p.cmax();
    for (double eps : {1e-2, 1e-3}) {
      INFO("K0 = " << p.k0 << ", eps = " << eps << ", OT = " << exact.cost);
      const TransportResult r = solve(p, eps, 1e-11);
      REQUIRE(r.converged);
      const double slack = cmax * r.marginal_error + 1e-13 * cmax;
      CHECK(r.cost - exact.cost >= -slack);
      CHECK(r.cost - exact.cost <= eps * cmax * bound + slack);
    }
  }
}

// Fuzz findings N1 and N3 (issue 10): the total mass is arbitrary ("histograms of counts work"),
// so a mass near DBL_MIN must not lose the plan and a mass near DBL_MAX must not give NaN duals.
// The solver normalises the mass by a power of two, so both must equal the unit-mass solution
// scaled by m (plan, cost), with duals moved by -eps log(m) / 2 each (P = a b^T exp((u + v -
// C) / eps) scales by m), up to rounding.
TEST_CASE("entropic: tiny and huge total masses scale the unit-mass solution", "[entropic]") {
  SECTION("1 x 1 with mass 2.484e-308: the whole mass in the plan") {
    const double a = 2.484e-308, c = 15.25;
    const TransportResult r = transport_entropic(1, 1, &a, &a, &c, {}, {});
    REQUIRE(r.plan.size() == 1);
    CHECK(std::fabs(r.plan[0].mass - a) <= 1e-12 * a);  // exp of ~1/eps-sized arguments
    CHECK(std::fabs(r.cost - c * a) <= 1e-12 * c * a);
    CHECK(r.converged);
  }
  SECTION("3 x 3 at masses 1, 1e-305 and 9e301") {
    const std::vector<double> a1{0, 0.619, 0.281}, b1{0, 0.45, 0.45},
        cost{0.25, -0.125, 5.5, -5.125, 9.75, -14.375, 11.125, 11.125, 15.125};
    EntropicOptions o;
    o.epsilon = 1e-2;
    const TransportResult ref = transport_entropic(3, 3, a1.data(), b1.data(), cost.data(), o, {});
    for (double m : {1e-305, 1e301}) {
      std::vector<double> a = a1, b = b1;
      for (double &x : a) x *= m;
      for (double &x : b) x *= m;
      const TransportResult r = transport_entropic(3, 3, a.data(), b.data(), cost.data(), o, {});
      REQUIRE(r.plan.size() == ref.plan.size());
      for (std::size_t n = 0; n < r.plan.size(); ++n) {
        CHECK(r.plan[n].i == ref.plan[n].i);
        CHECK(r.plan[n].j == ref.plan[n].j);
        CHECK(std::fabs(r.plan[n].mass / m - ref.plan[n].mass) <= 1e-12);
      }
      CHECK(std::fabs(r.cost / m - ref.cost) <= 1e-12 * std::fabs(ref.cost) + 1e-300);
      const double eps_abs = o.epsilon * 15.125, move = -0.5 * eps_abs * std::log(m);
      for (std::size_t i = 0; i < 3; ++i) {
        CHECK(std::isfinite(r.u[i]));
        CHECK(std::isfinite(r.v[i]));
        CHECK(std::fabs(r.u[i] - (ref.u[i] + move)) <= 1e-9 * (1 + std::fabs(ref.u[i] + move)));
        CHECK(std::fabs(r.v[i] - (ref.v[i] + move)) <= 1e-9 * (1 + std::fabs(ref.v[i] + move)));
      }
    }
  }
}
