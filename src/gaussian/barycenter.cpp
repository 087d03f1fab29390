// SPDX-License-Identifier: MIT
// The W2 barycenter of Gaussians (Delon-Desolneux eq. 2.10; Agueh-Carlier 2011). Closed forms
// for d = 1 and commuting covariances; otherwise the fixed point of Alvarez-Esteban, del Barrio,
// Cuesta-Albertos and Matran (J. Math. Anal. Appl. 2016) in Cholesky/SVD form (numerics.md
// B.2-B.3): with S = L L^T and W_j = F_j^T L = P_j Sigma_j Q_j^T,
//   K = sum_j lambda_j Q_j Sigma_j Q_j^T = sum_j lambda_j (L^T S_j L)^1/2,
//   S+ = L^-T K^2 L^-1 = X X^T with X = L^-T K,
// and the scale-free residual r = ||K - L^T L||_F / ||L^T L||_F, which is 0 at the fixed point.
// The roots come four at a time from barycenter_roots.hpp (one-sided Jacobi on W_j V_j with V_j
// kept from the previous step, then a near-diagonal Newton series), each step to the accuracy
// its residual needs: loose while the residual is large, refined when it turns out small.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <system_error>

#include "gaussian/barycenter_roots.hpp"
#include "gaussian/bures.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "linalg/dense.hpp"
#include "linalg/small_whitening.hpp"
#include "util/anderson.hpp"
#include "util/dot.hpp"
#include "util/error.hpp"
#include "util/spin_worker.hpp"
#include "util/team.hpp"

namespace gmmot {
namespace {

struct Input {
  double lambda;
  const CovFactor *f;
  std::vector<double> s;         // covariance scaled by the common 4^-E (column-major = row-major)
  std::vector<double> f_common;  // factor scaled by the common 2^-E
};

double frobenius(const std::vector<double> &x) {
  double acc = 0.0;
  for (double v : x) acc += v * v;
  return std::sqrt(acc);
}

// x <- x 2^k, as std::ldexp entry by entry: a product with 2^k rounds the exact x 2^k once,
// as ldexp does, whenever 2^k is a normal double.
void scale_by_power_of_two(std::vector<double> &x, int k) {
  if (k == 0) return;
  if (k >= std::numeric_limits<double>::min_exponent - 1 &&
      k < std::numeric_limits<double>::max_exponent) {
    const double f = std::ldexp(1.0, k);
    for (double &v : x) v *= f;
  } else {
    for (double &v : x) v = std::ldexp(v, k);
  }
}

// ||x - y||^2 with four partial sums (the adder's latency would bind one chain).
double squared_distance(const double *x, const double *y, std::size_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const double e0 = x[i] - y[i], e1 = x[i + 1] - y[i + 1], e2 = x[i + 2] - y[i + 2],
                 e3 = x[i + 3] - y[i + 3];
    s0 += e0 * e0;
    s1 += e1 * e1;
    s2 += e2 * e2;
    s3 += e3 * e3;
  }
  for (; i < n; ++i) s0 += (x[i] - y[i]) * (x[i] - y[i]);
  return (s0 + s1) + (s2 + s3);
}

// y = a x for a d x d matrix a.
void matvec(int d, const double *a, const double *x, double *y) {
  for (int i = 0; i < d; ++i) y[i] = 0.0;
  for (int c = 0; c < d; ++c)
    for (int i = 0; i < d; ++i) y[i] += a[i + c * d] * x[c];
}

// True when every pair commutes to ||S_i S_j - S_j S_i||_F <= 1e-12 ||S_i||_F ||S_j||_F. A
// probe first: when ||(S_i S_j - S_j S_i) x|| exceeds twice that bound times ||x|| (far above
// the rounding of the two products, about d eps), the full test could only fail too, and the
// two d^3 products are skipped, as they are for most inputs.
bool all_commute(const std::vector<Input> &in, int d) {
  const std::size_t nn = static_cast<std::size_t>(d) * d, du = static_cast<std::size_t>(d);
  std::vector<double> ab(nn), ba(nn), x(du), u(du), v(du), w(du);
  double x_norm = 0.0;
  for (std::size_t k = 0; k < du; ++k) {
    x[k] = 1.0 / static_cast<double>(k + 1);  // any fixed vector with no special structure
    x_norm += x[k] * x[k];
  }
  x_norm = std::sqrt(x_norm);
  for (std::size_t i = 0; i < in.size(); ++i) {
    for (std::size_t j = i + 1; j < in.size(); ++j) {
      matvec(d, in[j].s.data(), x.data(), u.data());
      matvec(d, in[i].s.data(), u.data(), v.data());  // S_i S_j x
      matvec(d, in[i].s.data(), x.data(), u.data());
      matvec(d, in[j].s.data(), u.data(), w.data());  // S_j S_i x
      double probe = 0.0;
      for (std::size_t k = 0; k < du; ++k) probe += (v[k] - w[k]) * (v[k] - w[k]);
      if (std::sqrt(probe) > 2e-12 * frobenius(in[i].s) * frobenius(in[j].s) * x_norm) return false;
      linalg::gemm(false, false, d, 1.0, in[i].s.data(), in[j].s.data(), 0.0, ab.data());
      linalg::gemm(false, false, d, 1.0, in[j].s.data(), in[i].s.data(), 0.0, ba.data());
      double diff = 0.0;
      for (std::size_t k = 0; k < nn; ++k) diff += (ab[k] - ba[k]) * (ab[k] - ba[k]);
      if (std::sqrt(diff) > 1e-12 * frobenius(in[i].s) * frobenius(in[j].s)) return false;
    }
  }
  return true;
}

// (sum_j lambda_j S_j^1/2)^2, exact for commuting covariances (and for d = 1).
std::vector<double> commuting_barycenter(const std::vector<Input> &in, int d) {
  const std::size_t nn = static_cast<std::size_t>(d) * d;
  std::vector<double> root_sum(nn, 0.0), v(nn), w(static_cast<std::size_t>(d)), out(nn);
  for (const auto &x : in) {
    v = x.s;
    linalg::sym_eig(d, v.data(), w.data());
    for (int c = 0; c < d; ++c) {
      const double r = std::sqrt(std::max(w[c], 0.0));
      for (int j = 0; j < d; ++j)
        for (int i = 0; i < d; ++i)
          root_sum[i + j * d] += x.lambda * r * v[i + c * d] * v[j + c * d];
    }
  }
  linalg::gemm(false, false, d, 1.0, root_sum.data(), root_sum.data(), 0.0, out.data());
  for (int j = 0; j < d; ++j)
    for (int i = 0; i < j; ++i)
      out[i + j * d] = out[j + i * d] = 0.5 * (out[i + j * d] + out[j + i * d]);
  return out;
}

// One fixed-point step from S (destroyed: replaced by S+). Returns the residual of S, or a
// negative value if S has no Cholesky factor. The J square roots run on the team's threads and
// are summed in input order, so the result does not depend on the number of threads.
// The roots are computed to `accuracy` (WhitenedRoots), which moves the residual by at most
// d * accuracy: the caller predicts it from the previous residual, and when this residual comes
// out below 10 d * accuracy the roots are refined to 0.05 residual / d (down to the rounding
// floor), so that the residual, and the step, are exact to 10% of the residual by that bound
// (measured at d = 27: the actual change of K is 1e-3 .. 1e-5 of the bound).
// The second of two lane groups runs on a spinning worker. A worker that had not started it
// by the time the caller's own group was done (the caller then ran it), or that finished well
// after (by more than kLagging: it lost its core to another process, which costs
// milliseconds), is stopped, and the remaining steps run both groups on the caller: on a loaded
// machine a spinning thread would only take time from the caller. Which thread runs a group
// never changes the results.
constexpr std::chrono::microseconds kLagging{100};
struct GroupPair {
  std::unique_ptr<SpinWorker> worker;
};

// The step's arrays, kept from step to step (no allocation per step).
struct StepSpace {
  StepSpace(int d, std::size_t j)
      : l(nn_of(d)),
        k(nn_of(d)),
        g(nn_of(d)),
        roots(j * nn_of(d)),
        lp(padded(d)),
        kp(padded(d)),
        zp(padded(d)),
        xp(padded(d)) {}
  std::vector<double> l, k, g, roots;
  // Padded copies for linalg/small_whitening.hpp (d <= kSmallWhiteningMax): L, K and scratch.
  std::vector<double> lp, kp, zp, xp;

 private:
  static std::size_t nn_of(int d) { return static_cast<std::size_t>(d) * d; }
  static std::size_t padded(int d) {
    return d <= linalg::kSmallWhiteningMax
               ? static_cast<std::size_t>(linalg::small_rows(d)) * static_cast<std::size_t>(d)
               : 0;
  }
};

double fixed_point_step(std::vector<double> &s, const std::vector<Input> &in, int d, StepSpace &sp,
                        WhitenedRoots &state, std::vector<PairWorkspace> &spaces, Team &team,
                        GroupPair *pair, const Context &ctx, double accuracy) {
  const std::size_t nn = static_cast<std::size_t>(d) * d;
  std::vector<double> &l = sp.l, &k = sp.k, &g = sp.g, &roots = sp.roots;
  const bool small = d <= linalg::kSmallWhiteningMax;
  const std::size_t du = static_cast<std::size_t>(d),
                    m = static_cast<std::size_t>(linalg::small_rows(d));
  if (small) {  // small_cholesky zeroes lp's padding rows; kp's stay zero (only read)
    for (std::size_t j = 0; j < du; ++j) std::copy_n(s.data() + j * du, du, sp.lp.data() + j * m);
    if (!linalg::small_cholesky(d, sp.lp.data())) return -1.0;
    for (std::size_t j = 0; j < du; ++j) std::copy_n(sp.lp.data() + j * m, du, l.data() + j * du);
    linalg::small_ltl(d, sp.lp.data(), g.data());
  } else {
    l = s;
    if (!linalg::cholesky_lower(d, l.data())) return -1.0;
    linalg::gemm(true, false, d, 1.0, l.data(), l.data(), 0.0, g.data());  // L^T L
  }
  const double g_norm =
      std::max(std::sqrt(dot4(g.data(), g.data(), nn)), std::numeric_limits<double>::min());
  const double floor = WhitenedRoots::accuracy_floor(d);
  accuracy = std::max(accuracy, floor);
  double residual = 0.0;
  for (bool first = true;; first = false) {
    auto group_roots = [&](std::size_t group, PairWorkspace &ws) {
      if (first)
        state.compute(group, l.data(), accuracy, roots.data(), ws);
      else
        state.refine(group, l.data(), accuracy, roots.data(), ws);
    };
    if (pair != nullptr && pair->worker != nullptr) {
      // Two groups: the second on the spinning worker (or here, if it has not started it by
      // the time the first is done), which costs far less than waking a team thread per step.
      ctx.check_interrupt();
      struct Job {
        const decltype(group_roots) *run;
        PairWorkspace *ws;
        std::exception_ptr error;
      } job{&group_roots, &spaces[1], nullptr};
      const auto start = std::chrono::steady_clock::now();
      pair->worker->post(
          [](void *p) {
            Job &j = *static_cast<Job *>(p);
            try {
              (*j.run)(1, *j.ws);
            } catch (...) {
              j.error = std::current_exception();
            }
          },
          &job);
      std::exception_ptr mine;
      try {
        group_roots(0, spaces[0]);
      } catch (...) {
        mine = std::current_exception();
      }
      const auto mid = std::chrono::steady_clock::now();
      const std::uint64_t stolen = pair->worker->stolen();
      pair->worker->wait();
      if (pair->worker->stolen() != stolen ||
          std::chrono::steady_clock::now() - mid > (mid - start) + kLagging)
        pair->worker.reset();
      if (mine) std::rethrow_exception(mine);
      if (job.error) std::rethrow_exception(job.error);
    } else {
      team.run(state.groups(), [&](std::size_t group, unsigned w) {
        ctx.check_interrupt();
        group_roots(group, spaces[w]);
      });
    }
    std::fill(k.begin(), k.end(), 0.0);
    for (std::size_t j = 0; j < in.size(); ++j)
      for (std::size_t i = 0; i < nn; ++i) k[i] += in[j].lambda * roots[j * nn + i];
    residual = std::sqrt(squared_distance(k.data(), g.data(), nn)) / g_norm;
    if (accuracy <= floor || d * accuracy <= 0.1 * residual) break;
    // Half of what the test asks: the next pass meets it even if the residual drops a little.
    accuracy = std::max(floor, std::min(0.5 * accuracy, 0.05 * residual / d));
  }
  if (small) {
    for (std::size_t j = 0; j < du; ++j) std::copy_n(k.data() + j * du, du, sp.kp.data() + j * m);
    linalg::small_whiten_square(d, sp.lp.data(), sp.kp.data(), sp.zp.data(), sp.xp.data(),
                                s.data());
  } else {
    linalg::trsm_lower(true, true, d, l.data(), k.data());  // X = L^-T K
    linalg::aat(d, k.data(), s.data());                     // S+ = X X^T
  }
  return residual;
}

}  // namespace

void BarycenterOptions::validate() const {
  check_bounds("tolerance", tolerance, kToleranceBounds);
  check_bounds("max_iterations", static_cast<double>(max_iterations), kMaxIterationsBounds);
}

BarycenterResult gaussian_barycenter(int d, const std::vector<double> &lambda, const double *means,
                                     const std::vector<CovFactor> &covs,
                                     const BarycenterOptions &options, const Context &ctx,
                                     const double *start) {
  options.validate();
  const std::size_t nn = static_cast<std::size_t>(d) * d;
  BarycenterResult out;
  out.gaussian.mean.assign(static_cast<std::size_t>(d), 0.0);
  int e = std::numeric_limits<int>::min();
  for (std::size_t j = 0; j < covs.size(); ++j) {
    if (lambda[j] == 0.0) continue;
    for (int i = 0; i < d; ++i) out.gaussian.mean[i] += lambda[j] * means[j * d + i];
    if (covs[j].rank > 0) e = std::max(e, covs[j].scale_exp);
  }
  if (e == std::numeric_limits<int>::min()) {  // every input is a Dirac: so is the barycenter
    out.gaussian.cov.assign(nn, 0.0);
    out.converged = true;
    return out;
  }
  std::vector<Input> in;
  for (std::size_t j = 0; j < covs.size(); ++j) {
    if (lambda[j] == 0.0 || covs[j].rank == 0) {
      if (lambda[j] != 0.0)
        in.push_back(
            {lambda[j], &covs[j], std::vector<double>(nn, 0.0), std::vector<double>(nn, 0.0)});
      continue;
    }
    Input x{lambda[j], &covs[j], covs[j].scaled, covs[j].f};
    const int shift = covs[j].scale_exp - e;
    scale_by_power_of_two(x.s, 2 * shift);
    scale_by_power_of_two(x.f_common, shift);
    in.push_back(std::move(x));
  }

  std::vector<double> s(nn, 0.0);
  std::vector<const double *> factors;
  for (const auto &x : in) factors.push_back(x.f_common.data());
  // Two to four inputs would fill one group of four lanes, one thread's work: from d = 16 on,
  // with two threads, they go in groups of two (the two-lane layout), one per thread; two inputs
  // alone take half the vector work of a group of four on one thread too. Both layouts give the
  // same bits (linalg/jacobi_lanes.hpp), so the results do not depend on the thread count.
  const bool two_lanes =
      in.size() >= 2 && in.size() <= 4 && d >= 16 && (ctx.threads >= 2 || in.size() == 2);
  WhitenedRoots state(d, factors, 40, two_lanes);
  // Below d = 8 a group of square roots takes a few microseconds, less than handing it to
  // another thread.
  const unsigned threads = static_cast<unsigned>(
      std::min<std::size_t>(d >= 8 ? ctx.threads : 1, std::max<std::size_t>(state.groups(), 1)));
  // Two groups on two threads (the two-lane layout of J = 3, 4): a spinning worker, not a team.
  const bool spin = threads == 2 && state.groups() == 2;
  Team team(spin ? 1 : threads);
  GroupPair pair;
  if (spin) {
    try {
      pair.worker = std::make_unique<SpinWorker>();
    } catch (const std::system_error &) {
      // No thread to be had (a process or system limit): both groups run here, with the same
      // results, as the team does when it cannot start its workers.
    }
  }
  StepSpace step_space(d, in.size());
  std::vector<PairWorkspace> spaces;
  for (unsigned t = 0; t < std::max(team.size(), spin ? 2u : 1u); ++t) spaces.emplace_back(d);
  if (d == 1 || all_commute(in, d)) {
    s = commuting_barycenter(in, d);
    out.converged = true;
    std::vector<double> probe(s);
    const double r =
        fixed_point_step(probe, in, d, step_space, state, spaces, team, &pair, ctx, 0.0);
    out.residual = r < 0.0 ? 0.0 : r;
  } else {
    for (const auto &x : in)
      for (std::size_t i = 0; i < nn; ++i) s[i] += x.lambda * x.s[i];
    // The plain iteration converges linearly (rate about 1/2 on typical inputs); Anderson
    // acceleration over the last 5 steps needs several times fewer steps. Safeguards: an
    // extrapolated point without a Cholesky factor, or one whose residual is more than twice the
    // previous one, is replaced by the plain step from the previous point, and the history is
    // reset, so the iteration never does worse than the plain fixed point.
    Anderson accel(nn, 5);
    std::vector<double> x = s, gx, plain;  // plain = g(previous x), always positive semi-definite
    bool warm = false;
    if (start != nullptr) {
      std::copy(start, start + nn, x.begin());
      scale_by_power_of_two(x, -2 * e);
      warm = true;
    }
    std::vector<double> best;
    double best_r = std::numeric_limits<double>::infinity(), prev_r = best_r;
    std::uint64_t since_best = 0;
    bool extrapolated = false;
    // The roots' accuracy for the next step (fixed_point_step): 1e-2 of the residual expected,
    // the last one; the first step, whose residual is unknown, asks for 1e-4 and refines.
    double accuracy = 1e-4 / d;
    for (std::uint64_t it = 1; it <= options.max_iterations; ++it) {
      gx = x;
      const double r =
          fixed_point_step(gx, in, d, step_space, state, spaces, team, &pair, ctx, accuracy);
      out.iterations = it;
      if (r < 0.0 && warm) {
        x = s;  // the warm start has no Cholesky factor: the default start instead
        warm = false;
        --it;  // that step does not count
        continue;
      }
      warm = false;
      if (r < 0.0 || (extrapolated && r > 2.0 * prev_r)) {
        if (!extrapolated) {
          fail(Errc::Singular,
               "the barycenter iterate " + std::to_string(it - 1) +
                   " is singular (no Cholesky factor): the inputs' covariances are all singular "
                   "and the barycenter is not unique or not positive definite");
        }
        x = plain;  // back to the plain iteration from the last good point
        accel.reset();
        extrapolated = false;
        continue;
      }
      prev_r = r;
      accuracy = 1e-2 * r / d;
      ctx.report(Stage::Barycenter, it, options.max_iterations, r);
      if (r < best_r) {
        best_r = r;
        best = gx;  // g(x) of the best x: at least as good as the point r certifies
        since_best = 0;
      } else if (++since_best >= 20) {
        break;  // rounding floor reached
      }
      if (r <= options.tolerance) break;
      plain = gx;
      accel.next(x, gx);
      extrapolated = true;
    }
    s = best;
    out.residual = best_r;
    out.converged = best_r <= options.tolerance;
  }
  scale_by_power_of_two(s, 2 * e);
  for (std::size_t i = 0; i < nn; ++i)
    if (!std::isfinite(s[i]))
      fail(Errc::Overflow, "the barycenter covariance exceeds the largest double");
  out.gaussian.cov = std::move(s);
  return out;
}

}  // namespace gmmot
