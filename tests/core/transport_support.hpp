// SPDX-License-Identifier: MIT
// Helpers shared by the exact-transport tests (tests/core/test_transport_exact.cpp and the GLPK
// oracle in tests/oracle/): random problems, and an optimality certificate computed
// independently of the solver (primal feasibility, dual feasibility, complementary slackness,
// duality gap, centring of the duals).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <vector>

#include "lp/transport.hpp"
#include "util/error.hpp"

namespace gmmot::test {

// min <C, P> s.t. P 1 = a, P^T 1 = b, P >= 0 with C row-major k0 x k1.
struct LpProblem {
  std::size_t k0 = 0, k1 = 0;
  std::vector<double> a, b, c;
  double cost(std::size_t i, std::size_t j) const { return c[i * k1 + j]; }
};

inline TransportResult solve_exact(const LpProblem &p, const ExactOptions &o = {},
                                   const Context &ctx = {}, const double *warm_u = nullptr,
                                   const double *warm_v = nullptr) {
  return transport_exact(p.k0, p.k1, p.a.data(), p.b.data(), p.c.data(), o, ctx, warm_u, warm_v);
}

// The 6 x 6 problem on which the network simplex once cycled (fuzz finding N4: tied tiny costs,
// weights from 1/6 and ratios), its costs times cost_scale.
inline LpProblem n4_problem(double cost_scale) {
  LpProblem p;
  p.k0 = p.k1 = 6;
  p.a = {0.16666666666666666, 0.16666666666666666, 0.16666666666666666,
         0.16666666666666666, 0.16666666666666666, 0.16666665};
  p.b = {0.17633674630261661, 0.15699658703071673, 0.15699658703071673,
         0.15699658703071673, 0.17633674630261661, 0.17633672866894198};
  const double s = -1.2500000000000001e-31, m = -1.2625e-29;
  p.c = {s,
         s,
         s,
         s,
         s,
         s,  //
         s,
         s,
         s,
         m,
         m,
         m,  //
         -1.1750000000000001e-29,
         -1.4375000000000002e-29,
         m,
         m,
         m,
         m,
         m,
         m,
         7.2500000000000006e-30,
         6.0000000000000005e-30,
         0,
         0,  //
         0,
         0,
         0,
         0,
         m,
         m,  //
         m,
         m,
         m,
         s,
         1.2500000000000001e-31,
         m};
  for (auto &c : p.c) c *= cost_scale;
  return p;
}

// Small, highly degenerate problems: k0, k1 in 1..8, weights from counts 1..6 normalised, and
// costs from a few values: when seed % 4 == 3 the integers 0..3 (exact potentials), otherwise
// four decimal values of different sizes (-1.2625, -0.0125, 0.725, 0) times 10^U(lo, hi),
// whose potentials round and whose many tied cycles have reduced cost exactly 0 (the pattern
// of fuzz finding N4, on which the network simplex once cycled). rng_seed seeds the draws.
inline LpProblem degenerate_problem(unsigned seed, unsigned rng_seed, int lo, int hi) {
  std::mt19937_64 rng(rng_seed);
  std::uniform_int_distribution<int> k(1, 8), count(1, 6), pick(0, 3), decade(lo, hi);
  LpProblem p;
  p.k0 = static_cast<std::size_t>(k(rng));
  p.k1 = static_cast<std::size_t>(k(rng));
  p.a.resize(p.k0);
  p.b.resize(p.k1);
  double sa = 0.0, sb = 0.0;
  for (auto &x : p.a) sa += (x = count(rng));
  for (auto &x : p.b) sb += (x = count(rng));
  for (auto &x : p.a) x /= sa;
  for (auto &x : p.b) x /= sb;
  p.c.resize(p.k0 * p.k1);
  if (seed % 4 == 3) {
    for (auto &c : p.c) c = pick(rng);
  } else {
    const double values[4] = {0.0, -1.2625, -0.0125, 0.725};
    const double scale = std::pow(10.0, decade(rng));
    for (auto &c : p.c) c = values[pick(rng)] * scale;
  }
  return p;
}

// Gamma(alpha) draws normalised to sum 1 (a Dirichlet(alpha, ..., alpha) sample).
inline std::vector<double> dirichlet(std::size_t k, std::mt19937_64 &rng, double alpha = 1.0) {
  std::gamma_distribution<double> g(alpha, 1.0);
  std::vector<double> w(k);
  double s = 0.0;
  for (auto &x : w) {
    do x = g(rng);
    while (x <= 0.0);
    s += x;
  }
  for (auto &x : w) x /= s;
  return w;
}

inline std::vector<double> uniform_weights(std::size_t k) {
  return std::vector<double>(k, 1.0 / static_cast<double>(k));
}

// Squared Euclidean distances between k0 and k1 standard normal points in R^d.
inline std::vector<double> sqeuclid_costs(std::size_t k0, std::size_t k1, int d,
                                          std::mt19937_64 &rng) {
  std::normal_distribution<double> n;
  const std::size_t du = static_cast<std::size_t>(d);
  std::vector<double> x(k0 * du), y(k1 * du), c(k0 * k1);
  for (auto &v : x) v = n(rng);
  for (auto &v : y) v = n(rng);
  for (std::size_t i = 0; i < k0; ++i)
    for (std::size_t j = 0; j < k1; ++j) {
      double s = 0.0;
      for (std::size_t t = 0; t < du; ++t) {
        const double e = x[i * du + t] - y[j * du + t];
        s += e * e;
      }
      c[i * k1 + j] = s;
    }
  return c;
}

// Dirichlet weights and squared-Euclidean costs of random points in R^d.
inline LpProblem random_problem(std::size_t k0, std::size_t k1, int d, std::mt19937_64 &rng) {
  LpProblem p;
  p.k0 = k0;
  p.k1 = k1;
  p.a = dirichlet(k0, rng);
  p.b = dirichlet(k1, rng);
  p.c = sqeuclid_costs(k0, k1, d, rng);
  return p;
}

// b rescaled to a's mass, as the solver does (validated_transport_weights).
inline std::vector<double> rescaled_b(const LpProblem &p) {
  double sa = 0.0, sb = 0.0;
  for (double x : p.a) sa += x;
  for (double x : p.b) sb += x;
  std::vector<double> b(p.b);
  for (auto &x : b) x *= sa / sb;
  return b;
}

// Everything measured in absolute terms; the tests divide by max_abs_cost and mass.
struct Certificate {
  double mass = 0;            // sum of a
  double max_abs_cost = 0;    // max |C_ij|
  std::size_t nnz = 0;        // plan entries
  bool sorted_unique = true;  // entries strictly increasing in (i, j), indices in range
  double min_mass = 0;        // smallest plan mass (>= 0 required)
  double marginal_error = 0;  // max_i |P1 - a|_i, max_j |P^T 1 - b|_j
  double cost_error = 0;      // |result.cost - sum C_ij P_ij|
  double dual_violation = 0;  // max_ij (u_i + v_j - C_ij), over all cells (0 if <= 0)
  double slackness = 0;       // max over plan entries |u_i + v_j - C_ij|
  double gap = 0;             // |cost - (u.a + v.b)|
  double centring = 0;        // |u.a - v.b|
  bool duals_finite = true;
  // A scale-aware certificate: v'_j = min_i (C_ij - u_i) and u'_i = min_j (C_ij - v_j) make
  // feasible duals whatever the violations, so u.a + v'.b and u'.a + v.b bound the optimum
  // from below; suboptimality = cost - the better bound >= cost - optimum (up to rounding,
  // which dual_rounding bounds). abs_cost = sum |C_ij| P_ij is the scale of the cost itself.
  double suboptimality = 0;
  double dual_rounding = 0;
  double abs_cost = 0;
};

inline Certificate certify(const LpProblem &p, const TransportResult &r) {
  Certificate z;
  const std::vector<double> b = rescaled_b(p);
  for (double x : p.a) z.mass += x;
  for (double x : p.c) z.max_abs_cost = std::max(z.max_abs_cost, std::fabs(x));
  z.nnz = r.plan.size();
  std::vector<long double> row(p.k0, 0.0L), col(p.k1, 0.0L);
  long double cost = 0.0L;
  z.min_mass = r.plan.empty() ? 0.0 : r.plan[0].mass;
  for (std::size_t e = 0; e < r.plan.size(); ++e) {
    const PlanEntry &q = r.plan[e];
    if (q.i >= p.k0 || q.j >= p.k1) {
      z.sorted_unique = false;
      continue;
    }
    if (e > 0) {
      const PlanEntry &prev = r.plan[e - 1];
      if (prev.i > q.i || (prev.i == q.i && prev.j >= q.j)) z.sorted_unique = false;
    }
    z.min_mass = std::min(z.min_mass, q.mass);
    row[q.i] += q.mass;
    col[q.j] += q.mass;
    cost += static_cast<long double>(p.cost(q.i, q.j)) * q.mass;
    z.abs_cost += std::fabs(p.cost(q.i, q.j)) * q.mass;
  }
  for (std::size_t i = 0; i < p.k0; ++i)
    z.marginal_error = std::max(z.marginal_error, static_cast<double>(std::fabs(row[i] - p.a[i])));
  for (std::size_t j = 0; j < p.k1; ++j)
    z.marginal_error = std::max(z.marginal_error, static_cast<double>(std::fabs(col[j] - b[j])));
  z.cost_error = static_cast<double>(std::fabs(cost - r.cost));

  if (r.u.size() != p.k0 || r.v.size() != p.k1) {
    z.duals_finite = false;
    return z;
  }
  for (double x : r.u) z.duals_finite = z.duals_finite && std::isfinite(x);
  for (double x : r.v) z.duals_finite = z.duals_finite && std::isfinite(x);
  for (std::size_t i = 0; i < p.k0; ++i) {
    const double ui = r.u[i];
    const double *ci = p.c.data() + i * p.k1;
    double worst = 0.0;
    for (std::size_t j = 0; j < p.k1; ++j) worst = std::max(worst, ui + r.v[j] - ci[j]);
    z.dual_violation = std::max(z.dual_violation, worst);
  }
  for (const PlanEntry &q : r.plan) {
    if (q.i >= p.k0 || q.j >= p.k1) continue;
    z.slackness = std::max(z.slackness, std::fabs(r.u[q.i] + r.v[q.j] - p.cost(q.i, q.j)));
  }
  long double ua = 0.0L, vb = 0.0L;
  for (std::size_t i = 0; i < p.k0; ++i) ua += static_cast<long double>(r.u[i]) * p.a[i];
  for (std::size_t j = 0; j < p.k1; ++j) vb += static_cast<long double>(r.v[j]) * b[j];
  z.gap = static_cast<double>(std::fabs(static_cast<long double>(r.cost) - (ua + vb)));
  z.centring = static_cast<double>(std::fabs(ua - vb));

  std::vector<double> u2(p.k0, HUGE_VAL), v2(p.k1, HUGE_VAL);
  for (std::size_t i = 0; i < p.k0; ++i) {
    const double *ci = p.c.data() + i * p.k1;
    for (std::size_t j = 0; j < p.k1; ++j) {
      u2[i] = std::min(u2[i], ci[j] - r.v[j]);
      v2[j] = std::min(v2[j], ci[j] - r.u[i]);
    }
  }
  long double u2a = 0.0L, v2b = 0.0L, mag = 0.0L;
  for (std::size_t i = 0; i < p.k0; ++i) {
    u2a += static_cast<long double>(u2[i]) * p.a[i];
    mag += (std::fabs(static_cast<long double>(r.u[i])) + std::fabs(u2[i])) * p.a[i];
  }
  for (std::size_t j = 0; j < p.k1; ++j) {
    v2b += static_cast<long double>(v2[j]) * b[j];
    mag += (std::fabs(static_cast<long double>(r.v[j])) + std::fabs(v2[j])) * b[j];
  }
  const long double bound = std::max(ua + v2b, u2a + vb);
  z.suboptimality = static_cast<double>(static_cast<long double>(r.cost) - bound);
  z.dual_rounding = static_cast<double>(4 * std::numeric_limits<double>::epsilon() * mag);
  return z;
}

// Potentials recomputed from the plan's support alone (u_i + v_j = C_ij on every entry, one
// root at 0 per connected component, sums in long double), independent of the solver's duals.
// certify() on a copy of r with these duals then gives a suboptimality bound for the plan.
inline TransportResult with_support_potentials(const LpProblem &p, TransportResult r) {
  const std::size_t n = p.k0 + p.k1;
  std::vector<std::vector<std::size_t>> adj(n);
  for (std::size_t e = 0; e < r.plan.size(); ++e) {
    adj[r.plan[e].i].push_back(e);
    adj[p.k0 + r.plan[e].j].push_back(e);
  }
  std::vector<long double> pot(n, 0.0L);
  std::vector<char> seen(n, 0);
  std::vector<std::size_t> stack;
  for (std::size_t root = 0; root < n; ++root) {
    if (seen[root]) continue;
    seen[root] = 1;
    stack.assign(1, root);
    while (!stack.empty()) {
      const std::size_t x = stack.back();
      stack.pop_back();
      for (std::size_t e : adj[x]) {
        const std::size_t y = x < p.k0 ? p.k0 + r.plan[e].j : r.plan[e].i;
        if (seen[y]) continue;
        seen[y] = 1;
        pot[y] = p.cost(r.plan[e].i, r.plan[e].j) - pot[x];
        stack.push_back(y);
      }
    }
  }
  for (std::size_t i = 0; i < p.k0; ++i) r.u[i] = static_cast<double>(pot[i]);
  for (std::size_t j = 0; j < p.k1; ++j) r.v[j] = static_cast<double>(pot[p.k0 + j]);
  return r;
}

// The code of the gmmot::Error thrown by f, -1 when nothing is thrown, -2 for anything else.
template <class F>
int thrown_code(F &&f) {
  try {
    f();
  } catch (const Error &e) {
    return static_cast<int>(e.code());
  } catch (...) {
    return -2;
  }
  return -1;
}
inline int code(Errc c) { return static_cast<int>(c); }

}  // namespace gmmot::test
