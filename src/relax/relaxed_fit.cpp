// SPDX-License-Identifier: MIT
// The driver of the relaxed fit (relaxed_fit.hpp): options, the outer majorise-minimise loop of
// numerics.md E.2 and the lambda continuation.
//
// Outer iteration t (theta_t evaluated: J_t and the E-step moments at theta_t):
//  1. weights, 2. means, 3. covariances: each block of Q(. | theta_t) decreased in turn (or
//     left as is), in a few cycles (m_step), which gives theta_{t+1} with
//     Q(theta_{t+1} | theta_t) <= Q(theta_t | theta_t) = J_t, hence J_{t+1} <= J_t (Jensen,
//     numerics.md E.2);
//  2. a pass over both clouds at theta_{t+1} gives J_{t+1} and the next moments. If J_{t+1}
//     exceeds J_t (evaluated in the frame), rounding has overtaken the descent: theta_{t+1} is
//     discarded and the run stops at theta_t, converged if the rise is at most 1e-13 of the
//     terms' magnitude (rounding level), not converged otherwise (which would be a bug);
//  3. converged when J_t - J_{t+1} <= tolerance * magnitude (relaxed_fit.hpp).
// Everything except the passes is O(K d^3) serial work, so results depend on the thread count
// only through the passes, which are bit-identical for any count (em_detail.hpp).
#include "relax/relaxed_fit.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "em/em_detail.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "linalg/covariance_factor.hpp"
#include "relax/relax_detail.hpp"
#include "util/error.hpp"
#include "util/team.hpp"

namespace gmmot {

void RelaxedOptions::validate() const {
  check_bounds("components", static_cast<double>(components), kComponentsBounds);
  check_bounds("lambda", lambda, kLambdaBounds);
  check_bounds("tolerance", tolerance, kToleranceBounds);
  check_bounds("max_iterations", static_cast<double>(max_iterations), kMaxIterationsBounds);
  check_bounds("regularization", regularization, kRegularizationBounds);
  check_bounds("init", static_cast<double>(static_cast<int>(init)), kInitBounds);
  check_bounds("seed", static_cast<double>(seed), kSeedBounds);
  double prev = HUGE_VAL;
  for (std::size_t i = 0; i < lambda_path.size(); ++i) {
    const std::string name = "lambda_path[" + std::to_string(i) + "]";
    check_bounds(name.c_str(), lambda_path[i], kLambdaBounds);
    if (!(lambda_path[i] < prev) || !(lambda_path[i] > lambda)) {
      fail(Errc::InvalidArgument,
           name + " is " + fmt(lambda_path[i]) +
               " (the path must decrease strictly and stay above lambda = " + fmt(lambda) + ")");
    }
    prev = lambda_path[i];
  }
}

namespace relax {
namespace {

constexpr int kCycles = 20;
constexpr double kCycleGain = 0.1;

struct Solver {
  const Problem &pb;
  const RelaxedOptions &o;
  const Context &ctx;
  Team &team;
  em::Kernel kernel[2];
  Pair pair;
  std::vector<double> cost;
  std::vector<double> eta;  // last accepted covariance step of each component (covariances.cpp)

  Solver(const Problem &p, const RelaxedOptions &opt, const Context &c, Team &t)
      : pb(p),
        o(opt),
        ctx(c),
        team(t),
        kernel{em::Kernel(p.data[0], opt.components), em::Kernel(p.data[1], opt.components)},
        pair(static_cast<int>(p.d)) {}

  Terms evaluate(const Theta &th, double lam, Moments (&m)[2]) {
    Terms t;
    for (int c = 0; c < 2; ++c) {
      e_step(pb, c, th, kernel[c], team, ctx, m[c]);
      t.ll[c] = m[c].ll;
    }
    t.transport = transport_costs(th, pair, cost);
    t.penalty = penalty(th, lam, o.regularization, pb.v);
    return t;
  }

  // The M-step: cycles of the three block updates of Q(. | theta_t) (each a descent step, so any
  // number of cycles keeps the descent), until a cycle gains less than kCycleGain of the first
  // one or nothing at rounding level. The blocks are strongly coupled when lambda is small
  // (the means pull together and the covariances absorb the displacement), and a single cycle
  // then makes the outer iteration crawl; extra cycles cost O(K d^3) each, no pass over the data.
  void m_step(const Moments (&m)[2], double lam, double mag, Theta &th) {
    double first = 0;
    for (int cycle = 0; cycle < kCycles; ++cycle) {
      transport_costs(th, pair, cost);
      double gain = update_weights(cost, m, lam, th.pi);
      gain += update_means(m, lam, th);
      gain += update_covariances(m, lam, o.regularization, pb.v, th, eta);
      if (cycle == 0) first = gain;
      // Also enough once a cycle gains far less than the stopping test could notice.
      const double floor = std::max(1e-15, 1e-2 * o.tolerance) * mag;
      if (!(gain > kCycleGain * first) || !(gain > floor)) break;
    }
  }

  // One solve at `lambda` (relative) from th; returns the final terms and moments in m.
  Terms solve(double lambda, Theta &th, Moments (&m)[2], RelaxedResult &r) {
    const double lam = lambda * static_cast<double>(pb.d) * pb.v;
    const double rho = o.regularization;
    Terms t = evaluate(th, lam, m);
    r.energies.assign(1, data_terms(pb, t, lambda, rho, th.k).energy);
    r.iterations = 0;
    r.converged = false;
    ctx.report(Stage::Relaxed, 0, o.max_iterations, r.energies.back());
    Theta next;
    Moments mn[2];
    for (std::uint64_t it = 1; it <= o.max_iterations; ++it) {
      ctx.check_interrupt();
      next = th;
      m_step(m, lam, t.magnitude(lam), next);
      const Terms tn = evaluate(next, lam, mn);
      const double j0 = t.energy(lam), j1 = tn.energy(lam), mag = tn.magnitude(lam);
      if (!(j1 <= j0)) {  // rounding (or worse) overtook the descent: keep theta_t and stop,
        // converged if the rise is at rounding level (1e-13 of the terms' magnitude)
        r.converged = j1 - j0 <= 1e-13 * mag;
        break;
      }
      th = std::move(next);
      for (int c = 0; c < 2; ++c) m[c] = std::move(mn[c]);
      t = tn;
      r.iterations = it;
      r.energies.push_back(data_terms(pb, t, lambda, rho, th.k).energy);
      ctx.report(Stage::Relaxed, it, o.max_iterations, r.energies.back());
      if (j0 - j1 <= o.tolerance * mag) {
        r.converged = true;
        break;
      }
    }
    return t;
  }
};

}  // namespace
}  // namespace relax

RelaxedResult fit_relaxed(const PointCloud &cloud0, const PointCloud &cloud1,
                          const RelaxedOptions &options, const Context &ctx) {
  options.validate();
  const relax::Problem pb = relax::make_problem(cloud0, cloud1, options.components);
  relax::Theta th = relax::initial_theta(cloud0, cloud1, pb, options, ctx);
  // No more workers than chunks of points (the parallel unit of the EM kernel).
  const std::size_t chunks = std::max(pb.data[0].nchunks, pb.data[1].nchunks);
  Team team(
      static_cast<unsigned>(std::min<std::size_t>(ctx.threads, std::max<std::size_t>(1, chunks))));
  relax::Solver solver(pb, options, ctx, team);
  RelaxedResult r;
  std::vector<double> lambdas = options.lambda_path;
  lambdas.push_back(options.lambda);
  relax::Moments m[2];
  relax::Terms t;
  for (double lambda : lambdas) {
    t = solver.solve(lambda, th, m, r);
    RelaxedStageSummary s = relax::data_terms(pb, t, lambda, options.regularization, th.k);
    s.iterations = r.iterations;
    s.converged = r.converged;
    r.path.push_back(s);
  }
  relax::fill_result(pb, th, m, t, options.lambda, options.regularization, r);
  return r;
}

RelaxedStageSummary relaxed_energy(const PointCloud &cloud0, const PointCloud &cloud1,
                                   const RelaxedOptions &options, const double *weights,
                                   const double *means0, const double *covs0, const double *means1,
                                   const double *covs1) {
  options.validate();
  const std::size_t k = options.components, d = cloud0.d, dd = d * d;
  if (cloud1.d != d) fail(Errc::Dimension, "points0 and points1 have different dimensions");
  const PointCloud *cl[2] = {&cloud0, &cloud1};
  const double *means[2] = {means0, means1}, *covs[2] = {covs0, covs1};
  // s^2 = (tr Cov nu0 + tr Cov nu1) / 2, weighted.
  double s2 = 0, ll[2] = {0, 0};
  for (int c = 0; c < 2; ++c) {
    const PointCloud &p = *cl[c];
    double sw = 0;
    std::vector<double> mu(d, 0.0);
    for (std::size_t i = 0; i < p.n; ++i) {
      const double w = p.weights != nullptr ? p.weights[i] : 1.0;
      sw += w;
      for (std::size_t j = 0; j < d; ++j) mu[j] += w * p.points[i * d + j];
    }
    for (auto &x : mu) x /= sw;
    double var = 0;
    for (std::size_t i = 0; i < p.n; ++i) {
      const double w = p.weights != nullptr ? p.weights[i] : 1.0;
      for (std::size_t j = 0; j < d; ++j) {
        const double t = p.points[i * d + j] - mu[j];
        var += w * t * t;
      }
    }
    s2 += 0.5 * var / sw;
    const Gmm g(k, d, weights, means[c], covs[c], nullptr);
    std::vector<double> lp(p.n);
    g.log_density(p.n, p.points, Context{1}, lp.data());
    double acc = 0;
    for (std::size_t i = 0; i < p.n; ++i)
      acc += (p.weights != nullptr ? p.weights[i] : 1.0) * lp[i];
    ll[c] = acc / sw;
  }
  const double lam_abs = options.lambda * s2, v = s2 / static_cast<double>(d);
  double wsum = 0;
  for (std::size_t q = 0; q < k; ++q) wsum += weights[q];
  RelaxedStageSummary s;
  s.lambda = options.lambda;
  s.ll0 = ll[0];
  s.ll1 = ll[1];
  double pen = 0;
  std::vector<double> l(dd), inv(dd);
  for (std::size_t q = 0; q < k; ++q) {
    const CovFactor f0 = make_factor(static_cast<int>(d), covs0 + q * dd, "covs0", nullptr);
    const CovFactor f1 = make_factor(static_cast<int>(d), covs1 + q * dd, "covs1", nullptr);
    s.transport += weights[q] / wsum * gaussian_w2_squared(means0 + q * d, f0, means1 + q * d, f1);
    for (int c = 0; c < 2; ++c) {
      std::copy(covs[c] + q * dd, covs[c] + (q + 1) * dd, l.begin());
      if (!linalg::cholesky_lower(static_cast<int>(d), l.data()))
        fail(Errc::NotPsd, "a covariance is not positive definite");
      std::fill(inv.begin(), inv.end(), 0.0);
      for (std::size_t j = 0; j < d; ++j) inv[j * d + j] = 1.0;
      linalg::trsm_lower(true, false, static_cast<int>(d), l.data(), inv.data());
      double tr = 0, logdet = 0;
      for (double x : inv) tr += x * x;
      for (std::size_t j = 0; j < d; ++j) logdet += 2 * std::log(l[j * d + j]);
      pen += v * tr + logdet;
    }
  }
  s.penalty = 0.5 * lam_abs * options.regularization * pen;
  s.energy = s.transport - lam_abs * (s.ll0 + s.ll1) + s.penalty;
  return s;
}

}  // namespace gmmot
