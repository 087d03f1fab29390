// SPDX-License-Identifier: MIT
// transport_exact: the problem as the caller gave it, around the network simplex on the
// strictly positive part (numerics.md C.4): zero-weight rows and columns removed first (they
// carry no mass, and a zero supply would make the start tree degenerate), costs scaled by a
// power of two (exact), duals of the removed rows and columns set afterwards, duals centred.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "lp/network_simplex.hpp"
#include "lp/transport.hpp"
#include "util/compensated_sum.hpp"
#include "util/error.hpp"

namespace gmmot {
namespace {

void require_finite_vector(std::size_t n, const double *x, const char *name) {
  for (std::size_t k = 0; k < n; ++k) {
    if (!std::isfinite(x[k])) {
      fail(Errc::NonFinite, std::string(name) + "[" + std::to_string(k) + "] is " + fmt(x[k]) +
                                " (warm-start potentials must be finite)");
    }
  }
}

}  // namespace

TransportResult transport_exact(std::size_t k0, std::size_t k1, const double *a, const double *b,
                                const double *cost, const ExactOptions &options, const Context &ctx,
                                const double *warm_u, const double *warm_v, ExactBasis *basis) {
  options.validate();
  const TransportWeights w = validated_transport_weights(k0, k1, a, b);
  const double all_max_abs = finite_costs_max_abs(k0, k1, cost);
  const bool warm = warm_u != nullptr && warm_v != nullptr;
  if (warm) {
    require_finite_vector(k0, warm_u, "u0");
    require_finite_vector(k1, warm_v, "v0");
  }

  std::vector<std::size_t> rows, cols;
  rows.reserve(k0);
  cols.reserve(k1);
  for (std::size_t i = 0; i < k0; ++i)
    if (w.a[i] > 0) rows.push_back(i);
  for (std::size_t j = 0; j < k1; ++j)
    if (w.b[j] > 0) cols.push_back(j);

  // The scale comes from the rows and columns that stay (an entry of a removed row or column,
  // however large, plays no part).
  double max_abs = all_max_abs;
  if (rows.size() != k0 || cols.size() != k1) {
    max_abs = 0.0;
    for (std::size_t i : rows)
      for (std::size_t j : cols) max_abs = std::max(max_abs, std::fabs(cost[i * k1 + j]));
  }
  // A power of two 2^exp2 puts max |c| in [1/2, 1): multiplying by it is exact (barring underflow
  // of entries below 2^-1000 max |C|, irrelevant at any tolerance relative to max |C|). When
  // max |C| is subnormal, 2^exp2 itself overflows (exp2 > 1023): the costs are then scaled into a
  // copy by ldexp (exact: a subnormal times a power of two that keeps it below 1 is a normal
  // double) and the simplex gets scale 1.
  const int exp2 = max_abs > 0 ? -std::ilogb(max_abs) - 1 : 0;
  const bool prescale = exp2 > std::numeric_limits<double>::max_exponent - 1;

  SimplexInput in;
  in.n0 = rows.size();
  in.n1 = cols.size();
  in.scale = prescale ? 1.0 : std::ldexp(1.0, exp2);
  std::vector<double> compact;
  in.rows.reserve(rows.size());
  if (cols.size() == k1 && !prescale) {
    for (std::size_t i : rows) in.rows.push_back(cost + i * k1);
  } else {
    compact.resize(rows.size() * cols.size());
    for (std::size_t r = 0; r < rows.size(); ++r)
      for (std::size_t c = 0; c < cols.size(); ++c) {
        const double v = cost[rows[r] * k1 + cols[c]];
        compact[r * cols.size() + c] = prescale ? std::ldexp(v, exp2) : v;
      }
    for (std::size_t r = 0; r < rows.size(); ++r) in.rows.push_back(&compact[r * cols.size()]);
  }
  in.supply.reserve(rows.size());
  in.demand.reserve(cols.size());
  for (std::size_t i : rows) in.supply.push_back(w.a[i]);
  for (std::size_t j : cols) in.demand.push_back(w.b[j]);
  const bool restart = basis != nullptr && !basis->empty() && basis->k0 == k0 && basis->k1 == k1 &&
                       basis->rows == rows && basis->cols == cols;
  if (restart) in.warm_basis = basis;
  in.want_basis = basis != nullptr;
  if (basis != nullptr) {
    if (!basis->scratch.p) basis->scratch.p = make_simplex_scratch();
    in.basis_out = basis;  // written in place: its vectors keep their capacity
  }
  if (warm && !restart) {
    in.warm_x.reserve(rows.size() + cols.size());
    double largest = 0;
    for (std::size_t i : rows) in.warm_x.push_back(std::ldexp(warm_u[i], exp2));
    for (std::size_t j : cols) in.warm_x.push_back(-std::ldexp(warm_v[j], exp2));
    for (double x : in.warm_x) largest = std::max(largest, std::fabs(x));
    // Potentials far beyond the costs carry no information and would cost precision.
    if (!(largest <= 1e6 * static_cast<double>(k0 + k1))) in.warm_x.clear();
  }
  in.ctx = ctx;
  in.max_iterations = options.max_iterations != 0
                          ? options.max_iterations
                          : std::max<std::uint64_t>(1000000, 100 * (std::uint64_t(k0) + k1));

  SimplexOutput out = network_simplex(in);
  if (basis != nullptr) {
    // The weights as the simplex saw them travel with the tree: a restart checks them.
    basis->k0 = k0;
    basis->k1 = k1;
    basis->rows = rows;
    basis->cols = cols;
  }

  TransportResult res;
  res.iterations = out.iterations;
  res.plan.resize(out.plan.size());
  for (std::size_t k = 0; k < out.plan.size(); ++k) {
    res.plan[k].i = rows[out.plan[k].i];  // in place: no temporary through the stack
    res.plan[k].j = cols[out.plan[k].j];
    res.plan[k].mass = out.plan[k].mass;
  }

  // Duals: centred so that u.a = v.b (both sides then carry half of the dual objective) while
  // still in the simplex's scaled units, where they are at most about 2 in size, and only then
  // brought back to the caller's units: centring after unscaling overflowed when max |C| is
  // near DBL_MAX although the centred duals are representable (fuzz finding N2). The weights
  // enter as a_i / mass, which cannot overflow whatever the total mass.
  CompensatedSum ua, vb;
  for (std::size_t r = 0; r < rows.size(); ++r) ua.add(out.u[r] * (w.a[rows[r]] / w.mass));
  for (std::size_t c = 0; c < cols.size(); ++c) vb.add(out.v[c] * (w.b[cols[c]] / w.mass));
  const double shift = 0.5 * (ua.value() - vb.value());
  // Removed rows and columns then get the largest value that keeps u_i + v_j <= C_ij (the rule
  // of POT's estimate_dual_null_weights), rows first; the constraint does not see the shift.
  constexpr double kInf = std::numeric_limits<double>::infinity();
  // x 2^-exp2: one multiplication by the power of two when it is a normal double (the same
  // correctly rounded result as ldexp, a library call per dual otherwise).
  const bool normal_unscale = exp2 >= -1000 && exp2 <= 1000;
  const double unscale_factor = normal_unscale ? std::ldexp(1.0, -exp2) : 1.0;
  const auto unscale = [&](double x) {
    return normal_unscale ? x * unscale_factor : std::ldexp(x, -exp2);
  };
  res.u.assign(k0, kInf);
  res.v.assign(k1, kInf);
  for (std::size_t r = 0; r < rows.size(); ++r) res.u[rows[r]] = unscale(out.u[r] - shift);
  for (std::size_t c = 0; c < cols.size(); ++c) res.v[cols[c]] = unscale(out.v[c] + shift);
  for (std::size_t i = 0; i < k0; ++i) {
    if (w.a[i] > 0) continue;
    double m = kInf;
    for (std::size_t j : cols) m = std::min(m, cost[i * k1 + j] - res.v[j]);
    res.u[i] = m;
  }
  for (std::size_t j = 0; j < k1; ++j) {
    if (w.b[j] > 0) continue;
    double m = kInf;
    for (std::size_t i = 0; i < k0; ++i) m = std::min(m, cost[i * k1 + j] - res.u[i]);
    res.v[j] = m;
  }

  CompensatedSum total;
  std::vector<double> row_sum(k0, 0.0), col_sum(k1, 0.0);
  for (const PlanEntry &e : res.plan) {
    total.add(cost[e.i * k1 + e.j] * e.mass);
    row_sum[e.i] += e.mass;
    col_sum[e.j] += e.mass;
  }
  res.cost = total.value();
  double err = 0.0;
  for (std::size_t i = 0; i < k0; ++i) err += std::fabs(row_sum[i] - w.a[i]);
  for (std::size_t j = 0; j < k1; ++j) err += std::fabs(col_sum[j] - w.b[j]);
  res.marginal_error = err;
  res.converged = true;
  require_finite_result(res);
  return res;
}

}  // namespace gmmot
