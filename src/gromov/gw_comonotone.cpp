// SPDX-License-Identifier: MIT
// The first linear step from the product coupling in closed form. There C0 w C1 = u v^T
// (u = C0 a / sum(a), v = C1 b), so the gradient const_ij - 4 u_i v_j is, on the couplings, the
// cost -4 u_i v_j up to a constant: a submodular cost once rows are sorted by u and columns by
// v (both decreasing), for which the North-West corner rule on the sorted orders is an optimal
// vertex (the comonotone coupling; rearrangement inequality). This replaces a cold network
// simplex solve (about 2000 pivots at K = 200, the run's costliest linear step); its duals,
// from the rule's staircase, warm-start the next step's solve.
#include <algorithm>
#include <limits>

#include "gromov/gw_solver.hpp"

namespace gmmot {

bool product_factors(const GwProblem &p, const double *w, std::vector<double> &u,
                     std::vector<double> &v) {
  double mass = 0;
  for (double x : p.a) mass += x;
  for (std::size_t i = 0; i < p.k0; ++i)
    for (std::size_t j = 0; j < p.k1; ++j)
      if (w[i * p.k1 + j] != p.a[i] * p.b[j] / mass) return false;
  u.assign(p.k0, 0.0);
  v.assign(p.k1, 0.0);
  for (std::size_t i = 0; i < p.k0; ++i) {
    double s = 0;
    for (std::size_t k = 0; k < p.k0; ++k) s += p.n0[i * p.k0 + k] * p.a[k];
    u[i] = s / mass;
  }
  for (std::size_t j = 0; j < p.k1; ++j) {
    double s = 0;
    for (std::size_t l = 0; l < p.k1; ++l) s += p.n1[j * p.k1 + l] * p.b[l];
    v[j] = s;
  }
  return true;
}

TransportResult comonotone_vertex(const GwProblem &p, const std::vector<double> &u,
                                  const std::vector<double> &v, const double *cost) {
  std::vector<std::size_t> rows, cols;
  for (std::size_t i = 0; i < p.k0; ++i)
    if (p.a[i] > 0) rows.push_back(i);
  for (std::size_t j = 0; j < p.k1; ++j)
    if (p.b[j] > 0) cols.push_back(j);
  // Ties keep index order, so the vertex does not depend on the sort's implementation.
  std::stable_sort(rows.begin(), rows.end(),
                   [&](std::size_t x, std::size_t y) { return u[x] > u[y]; });
  std::stable_sort(cols.begin(), cols.end(),
                   [&](std::size_t x, std::size_t y) { return v[x] > v[y]; });
  double mass = 0;
  for (double x : p.a) mass += x;
  // A remainder below this is rounding: the line is closed (no dust entries).
  const double dust = 1e-13 * mass;
  TransportResult r;
  constexpr double kUnset = std::numeric_limits<double>::infinity();
  r.u.assign(p.k0, kUnset);
  r.v.assign(p.k1, kUnset);
  std::size_t ri = 0, ci = 0;
  double left_a = rows.empty() ? 0 : p.a[rows[0]], left_b = cols.empty() ? 0 : p.b[cols[0]];
  while (ri < rows.size() && ci < cols.size()) {
    const std::size_t i = rows[ri], j = cols[ci];
    const bool last_row = ri + 1 == rows.size(), last_col = ci + 1 == cols.size();
    // The last row (column) takes what its column (row) has left: the masses agree to rounding.
    double m = std::min(left_a, left_b);
    if (last_row) m = left_b;
    if (last_col) m = left_a;
    if (last_row && last_col) m = std::max(left_a, left_b);
    if (m > 0) r.plan.push_back({i, j, m});
    // Duals along the staircase: u_i + v_j = cost_ij on every entry, a new component at 0.
    const double c = cost[i * p.k1 + j];
    if (r.u[i] == kUnset && r.v[j] == kUnset) r.u[i] = 0;
    if (r.u[i] == kUnset) r.u[i] = c - r.v[j];
    if (r.v[j] == kUnset) r.v[j] = c - r.u[i];
    left_a -= m;
    left_b -= m;
    const bool close_row = !last_row && left_a <= dust, close_col = !last_col && left_b <= dust;
    if (!close_row && !close_col) break;  // the last cell
    if (close_row && ++ri < rows.size()) left_a = p.a[rows[ri]] + std::min(0.0, left_a);
    if (close_col && ++ci < cols.size()) left_b = p.b[cols[ci]] + std::min(0.0, left_b);
  }
  // Duals of lines the staircase did not reach (zero weights) only matter as a warm start.
  for (double &x : r.u)
    if (x == kUnset) x = 0;
  for (double &x : r.v)
    if (x == kUnset) x = 0;
  std::sort(r.plan.begin(), r.plan.end(), [](const PlanEntry &x, const PlanEntry &y) {
    return x.i != y.i ? x.i < y.i : x.j < y.j;
  });
  return r;
}

}  // namespace gmmot
