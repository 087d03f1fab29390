// SPDX-License-Identifier: MIT
// The Gromov-Wasserstein solver's value against exact global minima on small instances with
// non-uniform weights (K0, K1 <= 4), and the default starts against POT's single start.
//
// The objective GW(w) = w^T Q w, Q_(ij),(kl) = (C0_ik - C1_jl)^2, is a quadratic, in general
// indefinite, over the transport polytope, so its minimum need not be at a vertex. Oracle 1
// (exact): the minimum is attained in the relative interior of some face F (the couplings
// supported on a set S of cells) where it is a stationary point of GW on aff(F); when the
// reduced Hessian on aff(F) is singular at a local minimum, GW is constant along a null
// direction, which leads to a minimiser on a smaller face. So enumerating every support S,
// solving the reduced stationarity system when it is non-singular and keeping the
// non-negative solutions gives a finite set of feasible points containing a global minimiser:
// their least value is the global minimum. Oracle 2 (independent, a check of oracle 1): a local
// search from many random couplings by exact line searches along the elementary cycles
// e_ij + e_kl - e_il - e_kj (they span the directions keeping the marginals), which can only
// produce feasible points: it must never go below oracle 1 and, from 40 starts, reaches it.
// The vertices (spanning-tree bases, enumerated by the same support loop) give POT's algorithm
// independently of the library: plain Frank-Wolfe from the product coupling a b^T whose linear
// step is the best enumerated vertex and whose step is the exact minimiser of the quadratic on
// [0, 1] (ot.gromov.gromov_wasserstein with the square loss does exactly this).
//
// Tolerances: values are compared relative to S = sum C0^2 a a + sum C1^2 b b (the problem's
// scale, a bound on GW over the polytope): 1e-9 S for a minimum reached at a vertex
// (Frank-Wolfe's stall rule stops at 1e-9 relative), 1e-7 S inside a face (the pairwise steps
// stop on the same rule, measured up to 3e-9 S above the minimum) and for "strictly worse" (a
// real miss, not rounding).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "gromov/gw_solver.hpp"
#include "gromov/mgw2.hpp"
#include "linalg/dense.hpp"
#include "support.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

struct Instance {
  std::size_t k0, k1;
  std::vector<double> a, b, c0, c1;
  std::vector<double> q;  // (K0 K1)^2, Q above
  double scale = 0;       // S

  double value(const std::vector<double> &w) const {
    const std::size_t n = k0 * k1;
    double s = 0;
    for (std::size_t x = 0; x < n; ++x) {
      double r = 0;
      for (std::size_t y = 0; y < n; ++y) r += q[x * n + y] * w[y];
      s += w[x] * r;
    }
    return s;
  }
};

Instance make_instance(std::size_t k0, std::size_t k1, std::vector<double> a, std::vector<double> b,
                       std::vector<double> c0, std::vector<double> c1) {
  Instance in{k0, k1, std::move(a), std::move(b), std::move(c0), std::move(c1), {}, 0};
  const std::size_t n = k0 * k1;
  in.q.resize(n * n);
  for (std::size_t i = 0; i < k0; ++i)
    for (std::size_t j = 0; j < k1; ++j)
      for (std::size_t k = 0; k < k0; ++k)
        for (std::size_t l = 0; l < k1; ++l) {
          const double d = in.c0[i * k0 + k] - in.c1[j * k1 + l];
          in.q[(i * k1 + j) * n + k * k1 + l] = d * d;
        }
  for (std::size_t i = 0; i < k0; ++i)
    for (std::size_t k = 0; k < k0; ++k)
      in.scale += in.c0[i * k0 + k] * in.c0[i * k0 + k] * in.a[i] * in.a[k];
  for (std::size_t j = 0; j < k1; ++j)
    for (std::size_t l = 0; l < k1; ++l)
      in.scale += in.c1[j * k1 + l] * in.c1[j * k1 + l] * in.b[j] * in.b[l];
  return in;
}

std::vector<double> random_weights(std::size_t k, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> u(0.1, 1.0);
  std::vector<double> w(k);
  for (double &x : w) x = u(rng);
  const double t = std::accumulate(w.begin(), w.end(), 0.0);
  for (double &x : w) x /= t;
  return w;
}

// The intra-mixture W2^2 matrix of a random k-component mixture in R^2 (MGW2's matrices).
std::vector<double> mixture_matrix(std::size_t k, std::mt19937_64 &rng) {
  std::vector<double> w(k, 1.0 / static_cast<double>(k)), m, s;
  for (std::size_t c = 0; c < k; ++c) {
    const auto mc = random_vec(2, rng, 3.0);
    m.insert(m.end(), mc.begin(), mc.end());
    const auto sc = random_cov(2, 10.0, rng);
    s.insert(s.end(), sc.begin(), sc.end());
  }
  const Gmm g(k, 2, w.data(), m.data(), s.data(), nullptr);
  return intra_w2_matrix(g, Context{});
}

// A random symmetric matrix with a zero diagonal and entries in [0, 1): not a squared
// distance in general, so Q is indefinite on the polytope and minima sit inside faces.
std::vector<double> random_matrix(std::size_t k, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> c(k * k, 0.0);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j) c[i * k + j] = c[j * k + i] = u(rng);
  return c;
}

struct Oracle {
  double global = INFINITY;                   // oracle 1
  std::vector<std::vector<double>> vertices;  // the feasible spanning-tree bases
};

// Eigen-decomposition of the symmetric n x n matrix m (row-major): values ascending, vector k
// in vecs[k * n ..].
void eig(std::size_t n, std::vector<double> m, std::vector<double> &vals,
         std::vector<double> &vecs) {
  vals.assign(n, 0.0);
  linalg::sym_eig(static_cast<int>(n), m.data(), vals.data());
  vecs = std::move(m);
}

Oracle exhaustive(const Instance &in) {
  const std::size_t k0 = in.k0, k1 = in.k1, n = k0 * k1, rows = k0 + k1;
  Oracle o;
  std::vector<double> vals, vecs, rvals, rvecs;
  for (std::uint32_t mask = 1; mask < (1U << n); ++mask) {
    std::vector<std::size_t> cells;
    std::vector<int> row_used(k0, 0), col_used(k1, 0);
    for (std::size_t c = 0; c < n; ++c)
      if (mask & (1U << c)) {
        cells.push_back(c);
        row_used[c / k1] = col_used[c % k1] = 1;
      }
    // Every weight is positive: a feasible support meets every row and every column.
    if (std::count(row_used.begin(), row_used.end(), 0) +
            std::count(col_used.begin(), col_used.end(), 0) >
        0)
      continue;
    const std::size_t m = cells.size();
    if (m < rows - 1) continue;
    // A (rows x m): the marginal constraints on the support; r = (a, b).
    std::vector<double> ata(m * m, 0.0), atr(m, 0.0);
    for (std::size_t x = 0; x < m; ++x) {
      const std::size_t ix = cells[x] / k1, jx = cells[x] % k1;
      atr[x] = in.a[ix] + in.b[jx];
      for (std::size_t y = 0; y < m; ++y) {
        const std::size_t iy = cells[y] / k1, jy = cells[y] % k1;
        ata[x * m + y] = (ix == iy ? 1.0 : 0.0) + (jx == jy ? 1.0 : 0.0);
      }
    }
    eig(m, ata, vals, vecs);
    // A^T A has eigenvalues 0 (the null space, the face's directions) or >= about 1/rows.
    std::vector<double> w0(m, 0.0);
    std::vector<std::size_t> null;
    for (std::size_t k = 0; k < m; ++k) {
      if (vals[k] < 1e-9) {
        null.push_back(k);
        continue;
      }
      double c = 0;
      for (std::size_t x = 0; x < m; ++x) c += vecs[k * m + x] * atr[x];
      for (std::size_t x = 0; x < m; ++x) w0[x] += c / vals[k] * vecs[k * m + x];
    }
    // Is the least-squares point on the constraints (a feasible support, up to sign)?
    double residual = 0;
    for (std::size_t i = 0; i < k0; ++i) {
      double s = -in.a[i];
      for (std::size_t x = 0; x < m; ++x)
        if (cells[x] / k1 == i) s += w0[x];
      residual += std::fabs(s);
    }
    for (std::size_t j = 0; j < k1; ++j) {
      double s = -in.b[j];
      for (std::size_t x = 0; x < m; ++x)
        if (cells[x] % k1 == j) s += w0[x];
      residual += std::fabs(s);
    }
    if (residual > 1e-10) continue;
    std::vector<double> w(m);
    const std::size_t z = null.size();
    if (z == 0) {
      w = w0;
    } else {
      // Reduced problem in y: w = w0 + Z y, minimise (w0 + Z y)^T Q_S (w0 + Z y).
      std::vector<double> qz(m * z, 0.0), red(z * z, 0.0), g(z, 0.0);
      for (std::size_t x = 0; x < m; ++x)
        for (std::size_t c = 0; c < z; ++c) {
          double s = 0;
          for (std::size_t y = 0; y < m; ++y)
            s += in.q[cells[x] * n + cells[y]] * vecs[null[c] * m + y];
          qz[x * z + c] = s;
        }
      for (std::size_t c = 0; c < z; ++c) {
        for (std::size_t e = 0; e < z; ++e) {
          double s = 0;
          for (std::size_t x = 0; x < m; ++x) s += vecs[null[c] * m + x] * qz[x * z + e];
          red[c * z + e] = s;
        }
        for (std::size_t x = 0; x < m; ++x) g[c] += qz[x * z + c] * w0[x];
      }
      eig(z, red, rvals, rvecs);
      double top = 0;
      for (double v : rvals) top = std::max(top, std::fabs(v));
      bool singular = false;
      for (double v : rvals) singular = singular || std::fabs(v) <= 1e-10 * top;
      if (singular || top == 0) continue;
      std::vector<double> y(z, 0.0);
      for (std::size_t k = 0; k < z; ++k) {
        double c = 0;
        for (std::size_t e = 0; e < z; ++e) c += rvecs[k * z + e] * g[e];
        for (std::size_t e = 0; e < z; ++e) y[e] -= c / rvals[k] * rvecs[k * z + e];
      }
      for (std::size_t x = 0; x < m; ++x) {
        double s = w0[x];
        for (std::size_t c = 0; c < z; ++c) s += vecs[null[c] * m + x] * y[c];
        w[x] = s;
      }
    }
    if (*std::min_element(w.begin(), w.end()) < -1e-12) continue;
    std::vector<double> full(n, 0.0);
    for (std::size_t x = 0; x < m; ++x) full[cells[x]] = std::max(0.0, w[x]);
    o.global = std::min(o.global, in.value(full));
    if (z == 0) o.vertices.push_back(full);
  }
  return o;
}

// Oracle 2: exact line searches along the elementary cycles until none lowers GW.
double cycle_search(const Instance &in, std::vector<double> w) {
  const std::size_t k0 = in.k0, k1 = in.k1, n = k0 * k1;
  std::vector<double> d(n), qd(n);
  for (int sweep = 0; sweep < 2000; ++sweep) {
    double gained = 0;
    for (std::size_t i = 0; i < k0; ++i)
      for (std::size_t k = i + 1; k < k0; ++k)
        for (std::size_t j = 0; j < k1; ++j)
          for (std::size_t l = 0; l < k1; ++l) {
            if (l == j) continue;
            std::fill(d.begin(), d.end(), 0.0);
            const std::size_t p1 = i * k1 + j, p2 = k * k1 + l, m1 = i * k1 + l, m2 = k * k1 + j;
            d[p1] = d[p2] = 1;
            d[m1] = d[m2] = -1;
            // t in [0, min(w_m1, w_m2)]: GW(w + t d) = GW(w) + 2 t d^T Q w + t^2 d^T Q d.
            const double hi = std::min(w[m1], w[m2]);
            if (!(hi > 0)) continue;
            double lin = 0, quad = 0;
            for (std::size_t x : {p1, p2, m1, m2}) {
              double r = 0, s = 0;
              for (std::size_t y = 0; y < n; ++y) r += in.q[x * n + y] * w[y];
              for (std::size_t y : {p1, p2, m1, m2}) s += in.q[x * n + y] * d[y];
              lin += d[x] * r;
              quad += d[x] * s;
            }
            const auto f = [&](double t) { return 2 * t * lin + t * t * quad; };
            double t = hi;
            if (quad > 0) t = std::clamp(-lin / quad, 0.0, hi);
            if (f(hi) < f(t)) t = hi;
            if (!(f(t) < 0)) continue;
            gained -= f(t);
            w[p1] += t;
            w[p2] += t;
            w[m1] = t == hi && w[m1] == hi ? 0.0 : w[m1] - t;
            w[m2] = t == hi && w[m2] == hi ? 0.0 : w[m2] - t;
            w[m1] = std::max(0.0, w[m1]);
            w[m2] = std::max(0.0, w[m2]);
          }
    if (!(gained > 1e-15 * in.scale)) break;
  }
  return in.value(w);
}

// A random coupling: a random positive matrix scaled to the marginals (Sinkhorn's matrix
// scaling, exact to 1e-15).
std::vector<double> random_coupling(const Instance &in, std::mt19937_64 &rng) {
  std::exponential_distribution<double> e(1.0);
  std::vector<double> w(in.k0 * in.k1);
  for (double &x : w) x = e(rng);
  for (int it = 0; it < 2000; ++it) {
    for (std::size_t i = 0; i < in.k0; ++i) {
      double s = 0;
      for (std::size_t j = 0; j < in.k1; ++j) s += w[i * in.k1 + j];
      for (std::size_t j = 0; j < in.k1; ++j) w[i * in.k1 + j] *= in.a[i] / s;
    }
    double err = 0;
    for (std::size_t j = 0; j < in.k1; ++j) {
      double s = 0;
      for (std::size_t i = 0; i < in.k0; ++i) s += w[i * in.k1 + j];
      err += std::fabs(s - in.b[j]);
      for (std::size_t i = 0; i < in.k0; ++i) w[i * in.k1 + j] *= in.b[j] / s;
    }
    if (err < 1e-15) break;
  }
  return w;
}

// POT's algorithm (ot.gromov.gromov_wasserstein, square loss) from a b^T, written here
// independently of the library: the linear step is the best enumerated vertex, the step the
// exact minimiser on [0, 1], the stop POT's (relative decrease below 1e-9).
double plain_frank_wolfe(const Instance &in, const std::vector<std::vector<double>> &vertices) {
  const std::size_t n = in.k0 * in.k1;
  std::vector<double> w(n), grad(n);
  for (std::size_t i = 0; i < in.k0; ++i)
    for (std::size_t j = 0; j < in.k1; ++j) w[i * in.k1 + j] = in.a[i] * in.b[j];
  double value = in.value(w);
  for (int it = 0; it < 10000; ++it) {
    for (std::size_t x = 0; x < n; ++x) {
      double r = 0;
      for (std::size_t y = 0; y < n; ++y) r += in.q[x * n + y] * w[y];
      grad[x] = 2 * r;
    }
    const std::vector<double> *best = nullptr;
    double best_lin = INFINITY;
    for (const auto &v : vertices) {
      double s = 0;
      for (std::size_t x = 0; x < n; ++x) s += grad[x] * v[x];
      if (s < best_lin) {
        best_lin = s;
        best = &v;
      }
    }
    std::vector<double> d(n);
    double lin = 0, quad = 0;
    for (std::size_t x = 0; x < n; ++x) {
      d[x] = (*best)[x] - w[x];
      lin += grad[x] * d[x];
    }
    for (std::size_t x = 0; x < n; ++x)
      for (std::size_t y = 0; y < n; ++y) quad += d[x] * in.q[x * n + y] * d[y];
    // GW(w + t d) = GW(w) + t lin + t^2 quad.
    if (!(lin < 0)) break;
    const double t = quad > 0 ? std::min(1.0, -lin / (2 * quad)) : 1.0;
    for (std::size_t x = 0; x < n; ++x) w[x] += t * d[x];
    const double next = in.value(w);
    const bool stop = !(value - next > 1e-9 * std::max(next, 1e-300));
    value = next;
    if (stop) break;
  }
  return value;
}

}  // namespace

TEST_CASE("GW exhaustive: non-uniform weights, the global minimum by face enumeration",
          "[gromov][exhaustive]") {
  std::mt19937_64 rng(2026);
  struct Size {
    std::size_t k0, k1;
    int trials;
  };
  int instances = 0, interior = 0, pot_missed = 0, defaults_reached = 0;
  for (const Size sz : {Size{2, 3, 10}, Size{3, 3, 16}, Size{3, 4, 12}, Size{4, 4, 4}}) {
    for (int trial = 0; trial < sz.trials; ++trial) {
      // MGW2 matrices (squared distances: the objective is typically concave along the
      // polytope), arbitrary symmetric matrices (indefinite), and -D0 against D1 (convex:
      // -2 <(-D0) d D1, d> >= 0 when D0, D1 are conditionally negative definite), whose
      // minima lie inside faces.
      const int kind = trial % 3;
      std::vector<double> c0 = kind == 1 ? random_matrix(sz.k0, rng) : mixture_matrix(sz.k0, rng);
      std::vector<double> c1 = kind == 1 ? random_matrix(sz.k1, rng) : mixture_matrix(sz.k1, rng);
      if (kind == 2)
        for (double &x : c0) x = -x;
      const Instance in = make_instance(sz.k0, sz.k1, random_weights(sz.k0, rng),
                                        random_weights(sz.k1, rng), std::move(c0), std::move(c1));
      const Oracle o = exhaustive(in);
      REQUIRE(std::isfinite(o.global));
      REQUIRE(!o.vertices.empty());
      double vertex_min = INFINITY;
      for (const auto &v : o.vertices) vertex_min = std::min(vertex_min, in.value(v));
      INFO(sz.k0 << "x" << sz.k1 << " trial " << trial
                 << (kind == 0   ? " (MGW2)"
                     : kind == 1 ? " (random)"
                                 : " (convex)")
                 << " global " << o.global << " best vertex " << vertex_min);
      // The vertices are feasible points: never below the minimum.
      CHECK(vertex_min >= o.global - 1e-12 * in.scale);
      if (vertex_min > o.global + 1e-7 * in.scale) ++interior;
      // Oracle 2 never goes below oracle 1, and reaches it from one of 40 random couplings.
      double search = INFINITY;
      for (int s = 0; s < 40; ++s) {
        const double v = cycle_search(in, random_coupling(in, rng));
        CHECK(v >= o.global - 1e-12 * in.scale);
        search = std::min(search, v);
      }
      CHECK(search <= o.global + 1e-9 * in.scale);

      const GwProblem p(in.k0, in.a.data(), in.c0.data(), in.k1, in.b.data(), in.c1.data());
      const GwResult def = gromov_wasserstein(p, GwOptions{}, Context{});
      GwOptions single;
      single.starts = 0;
      single.annealing = 0;
      const GwResult one = gromov_wasserstein(p, single, Context{});
      const double pot = plain_frank_wolfe(in, o.vertices);
      INFO("defaults " << def.value << ", one product start " << one.value << ", POT's algorithm "
                       << pot);
      // Nothing below the global minimum; the single product start follows POT's algorithm.
      CHECK(def.value >= o.global - 1e-12 * in.scale);
      CHECK(one.value >= o.global - 1e-12 * in.scale);
      // Our product start is POT's algorithm, then pairwise steps once plain Frank-Wolfe
      // stalls: never worse, and the same end point where plain Frank-Wolfe ends certified
      // (the vertex minima of the non-convex kinds).
      CHECK(one.value <= pot + 1e-9 * in.scale);
      if (kind != 2) CHECK(std::fabs(one.value - pot) <= 1e-7 * in.scale);
      // The defaults include POT's start: never worse than it.
      CHECK(def.value <= pot + 1e-9 * in.scale);
      // Reached: within the stall rule's 1e-9 per step at a vertex; inside a face (convex kind)
      // the pairwise steps stop on the same rule a few 1e-9 above the minimum.
      const double reach = (kind == 2 ? 1e-7 : 1e-9) * in.scale;
      if (def.value <= o.global + reach) ++defaults_reached;
      if (pot > o.global + 1e-7 * in.scale) {
        ++pot_missed;
        // Where POT's single start misses the global minimum, the defaults reach it.
        CHECK(def.value <= o.global + reach);
      }
      ++instances;
    }
  }
  INFO(instances << " instances, " << interior << " with the minimum inside a face, POT's start "
                 << "missed " << pot_missed << ", defaults reached " << defaults_reached);
  CHECK(interior >= 3);    // the face enumeration matters: vertices alone would be wrong
  CHECK(pot_missed >= 3);  // the instances can tell a single start from the defaults
  CHECK(defaults_reached == instances);
}
