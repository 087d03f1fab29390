// SPDX-License-Identifier: MIT
// The entry points of EW2 and MEW2: input checks, centring, the choice of the large side, and
// the solution turned back into side 0 x side 1 orientation.
#include "gromov/embedding.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "gromov/embedding_problem.hpp"
#include "gromov/embedding_solver.hpp"
#include "linalg/covariance_factor.hpp"
#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {
namespace {

// Checks a cloud and returns its weights normalised to sum 1.
std::vector<double> checked_cloud(const CloudView &c, const char *points, const char *n_name,
                                  const char *d_name, const char *weights) {
  if (c.points == nullptr) fail(Errc::InvalidArgument, std::string(points) + " is NULL");
  if (c.n == 0) fail(Errc::Dimension, std::string(points) + " has no points (" + n_name + " = 0)");
  if (c.d == 0) {
    fail(Errc::Dimension, std::string(points) + " has dimension 0 (" + d_name + " = 0)");
  }
  checked_mul(c.n, c.d, (std::string(n_name) + "*" + d_name).c_str());
  require_finite(c.points, c.n * c.d, points, c.d);
  std::vector<double> w(c.n, 1.0);
  if (c.weights != nullptr) {
    double sum = 0;
    for (std::size_t i = 0; i < c.n; ++i) {
      const double x = c.weights[i];
      const std::string name = std::string(weights) + "[" + std::to_string(i) + "]";
      if (!std::isfinite(x)) fail(Errc::NonFinite, name + " is not finite: " + fmt(x));
      if (x < 0) fail(Errc::Weights, name + " is negative: " + fmt(x));
      w[i] = x;
      sum += x;
    }
    if (!(sum > 0)) fail(Errc::Weights, std::string(weights) + " are all zero");
  }
  double sum = 0;
  for (double x : w) sum += x;
  for (double &x : w) x /= sum;
  return w;
}

// The weighted mean, and the cloud centred on it.
std::vector<double> centre(const CloudView &c, const std::vector<double> &w,
                           std::vector<double> &centred) {
  std::vector<double> mean(c.d, 0.0);
  for (std::size_t i = 0; i < c.n; ++i)
    for (std::size_t r = 0; r < c.d; ++r) mean[r] += w[i] * c.points[i * c.d + r];
  centred.assign(c.points, c.points + c.n * c.d);
  for (std::size_t i = 0; i < c.n; ++i)
    for (std::size_t r = 0; r < c.d; ++r) centred[i * c.d + r] -= mean[r];
  return mean;
}

std::vector<double> mixture_mean(const Gmm &g) {
  std::vector<double> mean(g.d(), 0.0);
  for (std::size_t c = 0; c < g.k(); ++c)
    for (std::size_t r = 0; r < g.d(); ++r) mean[r] += g.weights()[c] * g.means()[c * g.d() + r];
  return mean;
}

// Fills the result from the large x small solution; swapped: side 0 is the small side.
EwResult result_of(EmbeddingSolution s, bool swapped, std::size_t rows, std::size_t cols,
                   std::size_t m, std::size_t n) {
  EwResult r;
  r.value = s.value;
  r.rows = rows;
  r.cols = cols;
  r.m = m;
  r.n = n;
  r.plan = std::move(s.plan);
  if (swapped) {
    for (PlanEntry &e : r.plan) std::swap(e.i, e.j);
    std::sort(r.plan.begin(), r.plan.end(), [](const PlanEntry &a, const PlanEntry &b) {
      return a.i != b.i ? a.i < b.i : a.j < b.j;
    });
  }
  r.isometry = std::move(s.p);
  r.iterations = s.iterations;
  r.converged = s.converged;
  r.gradient_norm = s.gradient_norm;
  r.starts = s.starts;
  r.best_start = s.best_start;
  return r;
}

}  // namespace

void EwOptions::validate() const {
  check_bounds("max_iterations", static_cast<double>(max_iterations), kMaxIterationsBounds);
  check_bounds("tolerance", tolerance, kToleranceBounds);
  check_bounds("starts", static_cast<double>(starts), kStartsBounds);
  check_bounds("annealing", static_cast<double>(annealing), kAnnealingBounds);
  check_bounds("epsilon", epsilon, kEpsilonBounds);
  check_bounds("sign_flips", static_cast<double>(sign_flips), kSignFlipsBounds);
  check_bounds("inner_iterations", static_cast<double>(inner_iterations), kInnerIterationsBounds);
  check_bounds("seed", static_cast<double>(seed), kSeedBounds);
  exact.validate();
}

EwResult ew2(const CloudView &x0, const CloudView &x1, const EwOptions &options,
             const Context &ctx) {
  options.validate();
  const std::vector<double> w0 = checked_cloud(x0, "points0", "n0", "m", "weights0");
  const std::vector<double> w1 = checked_cloud(x1, "points1", "n1", "n", "weights1");
  checked_mul(x0.n, x1.n, "n0*n1");
  std::vector<double> c0, c1;
  std::vector<double> mean0 = centre(x0, w0, c0), mean1 = centre(x1, w1, c1);
  const bool swapped = x0.d < x1.d;
  const CloudView &l = swapped ? x1 : x0, &s = swapped ? x0 : x1;
  const PointEmbedding pb(l.n, l.d, swapped ? c1 : c0, swapped ? w1 : w0, s.n, s.d,
                          swapped ? c0 : c1, swapped ? w0 : w1);
  EwResult r =
      result_of(solve_embedding(pb, nullptr, options, ctx), swapped, x0.n, x1.n, x0.d, x1.d);
  r.mean0 = std::move(mean0);
  r.mean1 = std::move(mean1);
  return r;
}

EwResult mew2(const Gmm &g0, const Gmm &g1, const EwOptions &options, const Context &ctx) {
  options.validate();
  const bool swapped = g0.d() < g1.d();
  const Gmm &l = swapped ? g1 : g0, &s = swapped ? g0 : g1;
  const MixtureEmbedding pb(l, s);
  const PointEmbedding means(l.k(), l.d(), pb.large_means(), l.weights(), s.k(), s.d(),
                             pb.small_means(), s.weights());
  EwResult r =
      result_of(solve_embedding(pb, &means, options, ctx), swapped, g0.k(), g1.k(), g0.d(), g1.d());
  r.mean0 = mixture_mean(g0);
  r.mean1 = mixture_mean(g1);
  return r;
}

}  // namespace gmmot
