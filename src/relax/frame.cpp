// SPDX-License-Identifier: MIT
// The problem of the relaxed fit: both clouds validated, blocked by the EM machinery
// (em::prepare) and moved into one common frame u = 2^-e (x - centre).
//
// em::prepare stores each cloud as x' = (2^-a x - c) 2^-s (its own centre c and powers of two).
// The transport term compares the two marginals, so both must live in the same coordinates:
// each point is mapped once, u = 2^(a + s - e) x' + 2^-e (2^a c - centre), the power of two
// exactly and the offset with one rounding. The centre is the mean of the two cloud centres and
// e makes the mean per-dimension variance v = s^2 / (d 4^e) lie in [1, 4), so the frame is as
// well scaled as EM's own; statistics are accumulated around the current component means
// (em_detail.hpp), so two clouds far apart in the frame lose no accuracy.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "em/em_fit.hpp"
#include "linalg/covariance_factor.hpp"
#include "relax/relax_detail.hpp"
#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot::relax {
namespace {

// Distinct points of positive weight, counted up to limit + 1.
std::size_t distinct_points(const PointCloud &c, std::size_t limit) {
  std::vector<std::size_t> idx;
  idx.reserve(c.n);
  for (std::size_t i = 0; i < c.n; ++i)
    if (c.weights == nullptr || c.weights[i] > 0) idx.push_back(i);
  const std::size_t d = c.d;
  auto row_less = [&](std::size_t a, std::size_t b) {
    return std::lexicographical_compare(c.points + a * d, c.points + (a + 1) * d, c.points + b * d,
                                        c.points + (b + 1) * d);
  };
  std::sort(idx.begin(), idx.end(), row_less);
  std::size_t count = idx.empty() ? 0 : 1;
  for (std::size_t i = 1; i < idx.size() && count <= limit; ++i)
    if (row_less(idx[i - 1], idx[i])) ++count;
  return count;
}

}  // namespace

void check_cloud(const PointCloud &c, const char *name, const char *wname) {
  if (c.n == 0) fail(Errc::Dimension, std::string(name) + " is empty (n = 0)");
  if (c.d == 0) fail(Errc::Dimension, std::string(name) + " has dimension d = 0");
  checked_dim(c.d);
  checked_mul(c.n, c.d, "n*d");
  if (c.points == nullptr) fail(Errc::InvalidArgument, std::string(name) + " is null");
  require_finite(c.points, c.n * c.d, name, c.d);
  if (c.weights != nullptr) {
    bool any = false;
    for (std::size_t i = 0; i < c.n; ++i) {
      const double w = c.weights[i];
      if (!std::isfinite(w)) {
        fail(Errc::NonFinite,
             std::string(wname) + "[" + std::to_string(i) + "] is " + fmt(w) + " (must be finite)");
      }
      if (w < 0) {
        fail(Errc::Weights, std::string(wname) + "[" + std::to_string(i) + "] is " + fmt(w) +
                                " (weights must be >= 0)");
      }
      any = any || w > 0;
    }
    if (!any) fail(Errc::Weights, std::string(wname) + " are all zero");
  }
}

Problem make_problem(const PointCloud &c0, const PointCloud &c1, std::size_t k) {
  check_cloud(c0, "points0", "weights0");
  check_cloud(c1, "points1", "weights1");
  if (c0.d != c1.d) {
    fail(Errc::Dimension, "points0 has dimension " + std::to_string(c0.d) + " but points1 has " +
                              std::to_string(c1.d) + " (the clouds must share d)");
  }
  const PointCloud *cl[2] = {&c0, &c1};
  for (int c = 0; c < 2; ++c) {
    const std::size_t m = distinct_points(*cl[c], k);
    if (m < k) {
      fail(Errc::InvalidArgument,
           "K = " + std::to_string(k) + " is larger than the " + std::to_string(m) +
               " distinct points of positive weight of points" + std::to_string(c));
    }
  }
  Problem pb;
  pb.d = c0.d;
  const std::size_t d = pb.d;
  for (int c = 0; c < 2; ++c) {
    pb.data[c] = em::prepare(cl[c]->n, d, cl[c]->points, cl[c]->weights, k);
    pb.positive[c] = pb.data[c].positive;
  }
  // Mean per-dimension variance of each cloud in units 4^(a + s): scale2 (em::prepare, with its
  // floor for identical points). v = their average, in units 4^emax, then 4^e.
  const int ex[2] = {pb.data[0].exp_a + pb.data[0].exp_s, pb.data[1].exp_a + pb.data[1].exp_s};
  const int emax = std::max(ex[0], ex[1]);
  const double m = 0.5 * (std::ldexp(pb.data[0].scale2, 2 * (ex[0] - emax)) +
                          std::ldexp(pb.data[1].scale2, 2 * (ex[1] - emax)));
  const int eh = std::ilogb(std::sqrt(m));
  pb.e = emax + eh;
  pb.v = std::ldexp(m, -2 * eh);
  pb.s2 = std::ldexp(pb.v * static_cast<double>(d), 2 * pb.e);
  if (!std::isfinite(pb.s2)) {
    fail(Errc::Overflow, "the data scale s^2 of the two clouds exceeds the largest double");
  }
  // centre = (2^a0 c0 + 2^a1 c1) / 2 and the per-cloud offsets 2^-e (2^a c - centre).
  pb.centre.assign(d, 0.0);
  std::vector<double> off[2];
  for (int c = 0; c < 2; ++c) off[c].assign(d, 0.0);
  for (std::size_t j = 0; j < d; ++j) {
    const double h0 = std::ldexp(pb.data[0].centre[j], pb.data[0].exp_a - 1);
    const double h1 = std::ldexp(pb.data[1].centre[j], pb.data[1].exp_a - 1);
    pb.centre[j] = h0 + h1;
    const double o = std::ldexp(pb.data[0].centre[j], pb.data[0].exp_a - 1 - pb.e) -
                     std::ldexp(pb.data[1].centre[j], pb.data[1].exp_a - 1 - pb.e);
    off[0][j] = o;
    off[1][j] = -o;
  }
  for (int c = 0; c < 2; ++c) {
    em::Data &dt = pb.data[c];
    const int shift = ex[c] - pb.e;
    for (std::size_t i = 0; i < dt.padded(); ++i) {
      if (!(dt.w[i] > 0)) continue;  // padding and zero weights stay at the origin
      const std::size_t b = i / dt.block, p = i % dt.block;
      for (std::size_t j = 0; j < d; ++j) {
        double &x = dt.soa ? dt.x[(b * d + j) * dt.block + p] : dt.x[(b * dt.block + p) * d + j];
        x = std::ldexp(x, shift) + off[c][j];
      }
    }
    dt.scale2 = pb.v;  // the frame's data scale (only read by EM's regularisation, unused here)
  }
  return pb;
}

}  // namespace gmmot::relax
