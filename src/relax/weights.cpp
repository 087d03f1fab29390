// SPDX-License-Identifier: MIT
// The weight block of the majoriser (numerics.md E.2, step 1): minimise
//   f(pi) = sum_k pi_k c_k - lam sum_k n_k log pi_k   over the simplex,
// c_k >= 0 the transport cost of component k and n_k = n0_k + n1_k its responsibility mass in
// both clouds. f is strictly convex on the components with n_k > 0; the KKT conditions give
// pi_k = lam n_k / (c_k + mu) with mu > -min c_k the root of g(mu) = sum_k pi_k(mu) = 1, g
// decreasing. With t = mu + cmin (cmin over n_k > 0) the root is bracketed by
// [lam n_j, lam sum n] (j = argmin c: g >= 1 at the left end, g <= 1 at the right end), and
// bisection runs until the bracket stops shrinking (full double precision).
// A component with n_k = 0 gets pi_k = 0 unless its cost is below -mu: it then takes the mass
// left over at mu = -c_k (where its derivative c_k + mu vanishes), which is the KKT point.
#include <cmath>
#include <limits>
#include <vector>

#include "relax/relax_detail.hpp"

namespace gmmot::relax {
namespace {

double objective(const std::vector<double> &c, const std::vector<double> &n, double lam,
                 const std::vector<double> &pi) {
  double f = 0;
  for (std::size_t q = 0; q < c.size(); ++q) {
    f += pi[q] * c[q];
    if (n[q] > 0) f -= lam * n[q] * std::log(pi[q]);  // pi = 0 with n > 0 gives +inf
  }
  return f;
}

}  // namespace

double update_weights(const std::vector<double> &c, const Moments (&m)[2], double lam,
                      std::vector<double> &pi) {
  const std::size_t k = c.size();
  std::vector<double> n(k);
  double nsum = 0, cmin = HUGE_VAL;
  std::size_t jmin = 0;
  for (std::size_t q = 0; q < k; ++q) {
    n[q] = m[0].n[q] + m[1].n[q];
    nsum += n[q];
    if (n[q] > 0 && c[q] < cmin) {
      cmin = c[q];
      jmin = q;
    }
  }
  if (!(nsum > 0)) return 0;
  auto g = [&](double t) {
    double s = 0;
    for (std::size_t q = 0; q < k; ++q)
      if (n[q] > 0) s += lam * n[q] / (c[q] - cmin + t);
    return s;
  };
  double lo = lam * n[jmin], hi = lam * nsum;
  for (int it = 0; it < 2200; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (!(mid > lo && mid < hi)) break;
    (g(mid) > 1 ? lo : hi) = mid;
  }
  // Stay in the shifted variable t = mu + cmin (g(hi) <= 1: no weight above its KKT value):
  // forming mu = hi - cmin and then c + mu would cancel catastrophically when the costs dwarf
  // lam (far-apart clouds, tiny lambda), down to c + mu = 0 and NaN weights.
  const double t = hi;
  // A component without responsibilities but cheaper than -mu takes the slack (see above).
  std::size_t z = k;
  for (std::size_t q = 0; q < k; ++q)
    if (!(n[q] > 0) && (c[q] - cmin) + t < 0 && (z == k || c[q] < c[z])) z = q;
  std::vector<double> next(k, 0.0);
  double sum = 0;
  for (std::size_t q = 0; q < k; ++q) {
    // With a slack component z, mu = -c[z]: the denominator c[q] + mu is c[q] - c[z].
    if (n[q] > 0) next[q] = lam * n[q] / (z < k ? c[q] - c[z] : (c[q] - cmin) + t);
    sum += next[q];
  }
  if (z < k) {
    next[z] = std::max(0.0, 1 - sum);
    sum += next[z];
  }
  for (auto &x : next) x /= sum;  // exactly a probability vector, to rounding
  const double before = objective(c, n, lam, pi), after = objective(c, n, lam, next);
  if (!(after <= before)) return 0;  // rounding: keep the current weights
  pi = next;
  return std::isfinite(before) ? before - after : 0.0;
}

}  // namespace gmmot::relax
