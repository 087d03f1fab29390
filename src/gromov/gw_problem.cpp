// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <string>

#include "gromov/gw_solver.hpp"
#include "linalg/dense.hpp"
#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {

namespace {

// Four independent running maxima: one is a chain of dependent maxima (the maximum does not
// depend on the order).
double largest_abs(const double *c, std::size_t n) {
  double m[4] = {0.0, 0.0, 0.0, 0.0};
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4)
    for (int l = 0; l < 4; ++l) m[l] = std::max(m[l], std::fabs(c[k + l]));
  for (; k < n; ++k) m[0] = std::max(m[0], std::fabs(c[k]));
  return std::max(std::max(m[0], m[1]), std::max(m[2], m[3]));
}

double largest_abs(const std::vector<double> &c) { return largest_abs(c.data(), c.size()); }

// Checks c (k x k) finite and symmetric to 1e-12 of its largest entry, returns it symmetrised
// (the objective and its gradient below assume exact symmetry).
std::vector<double> symmetric_matrix(std::size_t k, const double *c, const char *name) {
  if (c == nullptr) fail(Errc::InvalidArgument, std::string(name) + " is NULL");
  const std::size_t n = checked_mul(k, k, name);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j) {
      const double v = c[i * k + j];
      if (!std::isfinite(v)) {
        fail(Errc::NonFinite, std::string(name) + "[" + std::to_string(i) + "][" +
                                  std::to_string(j) + "] is not finite: " + fmt(v));
      }
    }
  }
  const double largest = largest_abs(c, n);
  std::vector<double> s(n);
  // Each pair once (i <= j): 0.5 (u + v) is the same either way round.
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = i; j < k; ++j) {
      const double u = c[i * k + j], v = c[j * k + i];
      if (std::fabs(u - v) > 1e-12 * largest) {
        fail(Errc::NotSymmetric, std::string(name) + " is not symmetric: " + name + "[" +
                                     std::to_string(i) + "][" + std::to_string(j) +
                                     "] = " + fmt(u) + " but " + name + "[" + std::to_string(j) +
                                     "][" + std::to_string(i) + "] = " + fmt(v));
      }
      s[i * k + j] = s[j * k + i] = 0.5 * (u + v);
    }
  }
  return s;
}

// out_i = sum_k C_ik^2 w_k.
std::vector<double> squared_times(std::size_t k, const std::vector<double> &c,
                                  const std::vector<double> &w) {
  std::vector<double> out(k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    double s = 0;
    for (std::size_t j = 0; j < k; ++j) s += c[i * k + j] * c[i * k + j] * w[j];
    out[i] = s;
  }
  return out;
}

// x 2^e for every entry: one multiplication by the power of two when it is a normal double (the
// same correctly rounded result as ldexp, which a library call per entry made a fifth of a
// single start at K = 50), ldexp otherwise.
void scale_by_power_of_two(std::vector<double> &c, int e) {
  if (e >= -1000 && e <= 1000) {
    const double f = std::ldexp(1.0, e);
    for (double &x : c) x *= f;
  } else {
    for (double &x : c) x = std::ldexp(x, e);
  }
}

// e with x = f 2^e, f in [1/2, 1); 0 for x = 0 (nothing to scale).
int exponent_of(double x) {
  if (x == 0) return 0;
  int e = 0;
  std::frexp(x, &e);
  return e;
}

}  // namespace

GwProblem::GwProblem(std::size_t k0_, const double *a_, const double *c0_, std::size_t k1_,
                     const double *b_, const double *c1_)
    : k0(k0_), k1(k1_) {
  if (k0 == 0 || k1 == 0) {
    fail(Errc::InvalidArgument,
         "a Gromov-Wasserstein problem needs K0 >= 1 and K1 >= 1 (got K0 = " + std::to_string(k0) +
             ", K1 = " + std::to_string(k1) + ")");
  }
  if (k0 > 46340 || k1 > 46340) fail(Errc::TooLarge, "K0 and K1 must be at most 46340");
  TransportWeights w = validated_transport_weights(k0, k1, a_, b_);
  a = std::move(w.a);
  b = std::move(w.b);
  c0 = symmetric_matrix(k0, c0_, "c0");
  c1 = symmetric_matrix(k1, c1_, "c1");
  // Normalise: an exact power of two first (no overflow in the sums below), then the common
  // centring constant c* = (sum C0 alpha alpha + sum C1 beta beta) / 2 (alpha, beta the
  // normalised weights: the zero of dS/dc), then another power of two bringing max |C'| to
  // [1/2, 1). GW is unchanged by the shift and scaled exactly by the powers of two.
  double mass = 0;
  for (double x : a) mass += x;
  const int e1 = -exponent_of(std::max(largest_abs(c0), largest_abs(c1)));
  n0 = c0;
  n1 = c1;
  scale_by_power_of_two(n0, e1);
  scale_by_power_of_two(n1, e1);
  // The normalised weights once (a division per matrix entry was most of this setup).
  std::vector<double> alpha(k0), beta(k1);
  for (std::size_t i = 0; i < k0; ++i) alpha[i] = a[i] / mass;
  for (std::size_t j = 0; j < k1; ++j) beta[j] = b[j] / mass;
  double mean = 0;
  for (std::size_t i = 0; i < k0; ++i) {
    double r = 0;
    for (std::size_t k = 0; k < k0; ++k) r += n0[i * k0 + k] * alpha[k];
    mean += r * alpha[i];
  }
  for (std::size_t j = 0; j < k1; ++j) {
    double r = 0;
    for (std::size_t l = 0; l < k1; ++l) r += n1[j * k1 + l] * beta[l];
    mean += r * beta[j];
  }
  const double centre = 0.5 * mean;
  for (double &x : n0) x -= centre;
  for (double &x : n1) x -= centre;
  const int e2 = -exponent_of(std::max(largest_abs(n0), largest_abs(n1)));
  scale_by_power_of_two(n0, e2);
  scale_by_power_of_two(n1, e2);
  exponent = e1 + e2;
  const std::vector<double> r0 = squared_times(k0, n0, a), r1 = squared_times(k1, n1, b);
  const_cost.resize(checked_mul(k0, k1, "K0*K1"));
  for (std::size_t i = 0; i < k0; ++i)
    for (std::size_t j = 0; j < k1; ++j) const_cost[i * k1 + j] = r0[i] + r1[j];
  double s = 0;
  for (std::size_t i = 0; i < k0; ++i) s += a[i] * r0[i];
  for (std::size_t j = 0; j < k1; ++j) s += b[j] * r1[j];
  scale = s;
}

std::vector<double> GwProblem::product_coupling() const {
  // a b^T has mass sum(a)^2 while the couplings have mass sum(a) (b is rescaled to it).
  double mass = 0;
  for (double x : a) mass += x;
  std::vector<double> w(k0 * k1);
  for (std::size_t i = 0; i < k0; ++i)
    for (std::size_t j = 0; j < k1; ++j) w[i * k1 + j] = a[i] * b[j] / mass;
  return w;
}

void GwProblem::cross(const double *w, double *out) const {
  std::vector<double> y(k0 * k1);
  cross(w, out, y.data());
}

void GwProblem::cross(const double *w, double *out, double *y) const {
  // Row-major matrices are their transposes in the column-major BLAS: W C1 first (as
  // (C1 W^T) read column-major, C1 symmetric), then C0 (W C1).
  const int m = static_cast<int>(k1), n = static_cast<int>(k0);
  linalg::gemm_mnk(false, false, m, n, m, 1.0, n1.data(), m, w, m, 0.0, y, m);
  linalg::gemm_mnk(false, false, m, n, n, 1.0, y, m, n0.data(), n, 0.0, out, m);
}

void GwProblem::cross_sparse(const std::vector<PlanEntry> &w, double *out, double *y) const {
  std::fill(y, y + k0 * k1, 0.0);
  for (const PlanEntry &e : w) {
    const double *row = &n1[e.j * k1];
    double *target = &y[e.i * k1];
    for (std::size_t l = 0; l < k1; ++l) target[l] += e.mass * row[l];
  }
  const int m = static_cast<int>(k1), n = static_cast<int>(k0);
  linalg::gemm_mnk(false, false, m, n, n, 1.0, y, m, n0.data(), n, 0.0, out, m);
}

bool GwProblem::cross_sparse_update(const std::vector<PlanEntry> &from,
                                    const std::vector<PlanEntry> &to, double *out,
                                    std::vector<double> &z, std::vector<double> &g) const {
  // The differences, row by row (both lists sorted by (i, j)): z holds (w' - w)[r, :] C1 for
  // the r-th differing row, g row r of C0 (its column: C0 is symmetric).
  std::size_t rows = 0, at = 0, bt = 0, last_row = k0;
  const std::size_t max_rows = k0 / 2;
  z.resize(max_rows * k1);
  g.resize(max_rows * k0);
  auto add = [&](std::size_t i, std::size_t j, double m) {
    if (i != last_row) {
      if (rows == max_rows) return false;
      last_row = i;
      std::fill(z.begin() + static_cast<std::ptrdiff_t>(rows * k1),
                z.begin() + static_cast<std::ptrdiff_t>((rows + 1) * k1), 0.0);
      std::copy(n0.begin() + static_cast<std::ptrdiff_t>(i * k0),
                n0.begin() + static_cast<std::ptrdiff_t>((i + 1) * k0),
                g.begin() + static_cast<std::ptrdiff_t>(rows * k0));
      ++rows;
    }
    double *target = &z[(rows - 1) * k1];
    const double *row = &n1[j * k1];
    for (std::size_t l = 0; l < k1; ++l) target[l] += m * row[l];
    return true;
  };
  const auto before = [](const PlanEntry &x, const PlanEntry &y) {
    return x.i != y.i ? x.i < y.i : x.j < y.j;
  };
  while (at < from.size() || bt < to.size()) {
    bool ok = true;
    if (bt == to.size() || (at < from.size() && before(from[at], to[bt]))) {
      ok = add(from[at].i, from[at].j, -from[at].mass);
      ++at;
    } else if (at == from.size() || before(to[bt], from[at])) {
      ok = add(to[bt].i, to[bt].j, to[bt].mass);
      ++bt;
    } else {
      if (to[bt].mass != from[at].mass) ok = add(to[bt].i, to[bt].j, to[bt].mass - from[at].mass);
      ++at;
      ++bt;
    }
    if (!ok) return false;
  }
  if (rows == 0) return true;
  // Column-major: out^T (K1 x K0) += Z^T (K1 x R) G (R x K0), G stored row-major R x K0.
  const int m = static_cast<int>(k1), n = static_cast<int>(k0), r = static_cast<int>(rows);
  linalg::gemm_mnk(false, true, m, n, r, 1.0, z.data(), m, g.data(), n, 1.0, out, m);
  return true;
}

double GwProblem::inner_objective(const double *w) const {
  struct Nz {
    std::size_t i, j;
    double mass;
  };
  std::vector<Nz> nz;
  // nnz^2 terms: about 2e7 at the limit, a few milliseconds, once per start.
  constexpr std::size_t kDirectLimit = 4500;
  for (std::size_t i = 0; i < k0 && nz.size() <= kDirectLimit; ++i)
    for (std::size_t j = 0; j < k1; ++j)
      if (w[i * k1 + j] != 0) nz.push_back({i, j, w[i * k1 + j]});
  if (nz.size() <= kDirectLimit) {
    // Every term is a square times non-negative masses: no cancellation, and exactly 0 for a
    // plan that matches the two matrices.
    double total = 0;
    for (const Nz &p : nz) {
      double row = 0;
      for (const Nz &q : nz) {
        const double diff = n0[p.i * k0 + q.i] - n1[p.j * k1 + q.j];
        row += diff * diff * q.mass;
      }
      total += row * p.mass;
    }
    return total;
  }
  std::vector<double> x(k0 * k1);
  cross(w, x.data());
  double t = 0;
  for (std::size_t n = 0; n < x.size(); ++n) t += x[n] * w[n];
  return std::max(0.0, scale - 2 * t);
}

void GwOptions::validate() const {
  check_bounds("max_iterations", static_cast<double>(max_iterations), kMaxIterationsBounds);
  check_bounds("tolerance", tolerance, kToleranceBounds);
  check_bounds("starts", static_cast<double>(starts), kStartsBounds);
  check_bounds("annealing", static_cast<double>(annealing), kAnnealingBounds);
  check_bounds("epsilon", epsilon, kEpsilonBounds);
  check_bounds("seed", static_cast<double>(seed), kSeedBounds);
  exact.validate();
}

}  // namespace gmmot
