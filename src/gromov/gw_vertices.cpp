// SPDX-License-Identifier: MIT
// The exhaustive vertex start for small problems with any weights: every vertex of the
// transport polytope is the flow of a spanning tree of the complete bipartite graph K_{K0,K1}
// (a basis: K0 + K1 - 1 cells without a cycle) that happens to be non-negative. When the
// objective is concave on the polytope (MGW2's matrices often make it so) the global minimum is
// a vertex, so the best one is the answer and Frank-Wolfe from it only certifies it.
#include <algorithm>
#include <cstdint>
#include <numeric>

#include "gromov/gw_solver.hpp"

namespace gmmot {

namespace {

// C(n, k), saturating above `cap`.
std::uint64_t binomial(std::uint64_t n, std::uint64_t k, std::uint64_t cap) {
  if (k > n) return 0;
  k = std::min(k, n - k);
  std::uint64_t c = 1;
  for (std::uint64_t i = 1; i <= k; ++i) {
    c = c * (n - k + i) / i;  // exact: C(n - k + i, i) is an integer at every step
    if (c > cap) return cap + 1;
  }
  return c;
}

int find(std::vector<int> &parent, int x) {
  while (parent[static_cast<std::size_t>(x)] != x)
    x = parent[static_cast<std::size_t>(x)] =
        parent[static_cast<std::size_t>(parent[static_cast<std::size_t>(x)])];
  return x;
}

}  // namespace

bool small_vertex_enumeration(const GwProblem &p) {
  const std::uint64_t cells = std::uint64_t(p.k0) * p.k1, basis = p.k0 + p.k1 - 1;
  return p.k0 >= 2 && p.k1 >= 2 && binomial(cells, basis, kMaxVertexBases) <= kMaxVertexBases;
}

std::vector<double> best_enumerated_vertex(const GwProblem &p) {
  if (!small_vertex_enumeration(p)) return {};
  const std::size_t k0 = p.k0, k1 = p.k1, n = k0 * k1, m = k0 + k1 - 1, nodes = k0 + k1;
  // The combinations of m cells out of n in lexicographic order.
  std::vector<std::size_t> pick(m);
  std::iota(pick.begin(), pick.end(), std::size_t{0});
  std::vector<int> parent(nodes), degree(nodes);
  std::vector<double> rest(nodes), flow(m), best;
  std::vector<char> done(m);
  double best_value = 0, mass = 0;
  for (double x : p.a) mass += x;
  for (;;) {
    // A spanning tree: m = nodes - 1 edges without a cycle.
    std::iota(parent.begin(), parent.end(), 0);
    bool tree = true;
    for (std::size_t e = 0; e < m && tree; ++e) {
      const int r = find(parent, static_cast<int>(pick[e] / k1)),
                c = find(parent, static_cast<int>(k0 + pick[e] % k1));
      if (r == c) tree = false;
      parent[static_cast<std::size_t>(r)] = c;
    }
    bool feasible = tree;
    if (tree) {
      // Its flow, by peeling leaves: a leaf's edge carries the leaf's remaining weight.
      for (std::size_t i = 0; i < k0; ++i) rest[i] = p.a[i];
      for (std::size_t j = 0; j < k1; ++j) rest[k0 + j] = p.b[j];
      std::fill(degree.begin(), degree.end(), 0);
      for (std::size_t e = 0; e < m; ++e) {
        ++degree[pick[e] / k1];
        ++degree[k0 + pick[e] % k1];
      }
      std::fill(done.begin(), done.end(), 0);
      for (std::size_t left = m; left > 0 && feasible; --left) {
        std::size_t e = 0;
        std::size_t leaf = 0, other = 0;
        for (; e < m; ++e) {
          if (done[e]) continue;
          const std::size_t r = pick[e] / k1, c = k0 + pick[e] % k1;
          if (degree[r] == 1) {
            leaf = r;
            other = c;
            break;
          }
          if (degree[c] == 1) {
            leaf = c;
            other = r;
            break;
          }
        }
        flow[e] = rest[leaf];
        // Rounding may leave -1e-17 on a degenerate edge; a real negative flow is infeasible.
        if (flow[e] < -1e-12 * mass) feasible = false;
        flow[e] = std::max(0.0, flow[e]);
        rest[other] -= flow[e];
        done[e] = 1;
        --degree[leaf];
        --degree[other];
      }
    }
    if (feasible) {
      // GW of the vertex: the direct sum over its m entries (squares: no cancellation).
      double v = 0;
      for (std::size_t e = 0; e < m; ++e) {
        const std::size_t i = pick[e] / k1, j = pick[e] % k1;
        double row = 0;
        for (std::size_t f = 0; f < m; ++f) {
          const double d = p.n0[i * k0 + pick[f] / k1] - p.n1[j * k1 + pick[f] % k1];
          row += d * d * flow[f];
        }
        v += row * flow[e];
      }
      if (best.empty() || v < best_value) {
        best_value = v;
        best.assign(n, 0.0);
        for (std::size_t e = 0; e < m; ++e) best[pick[e]] += flow[e];
      }
    }
    // Next combination.
    std::size_t e = m;
    while (e > 0 && pick[e - 1] == n - m + (e - 1)) --e;
    if (e == 0) break;
    ++pick[e - 1];
    for (std::size_t f = e; f < m; ++f) pick[f] = pick[f - 1] + 1;
  }
  return best;
}

}  // namespace gmmot
