// SPDX-License-Identifier: MIT
#include "gromov/embedding_solver.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "gromov/embedding_start.hpp"
#include "gromov/stiefel.hpp"
#include "gromov/warm_sinkhorn.hpp"

namespace gmmot {
namespace {

// Stage::Embedding reports: done counts alternations over all starts, never beyond total.
struct Progress {
  const Context &ctx;
  std::uint64_t total;
  std::uint64_t done = 0;
  void begin() const {
    ctx.report(Stage::Embedding, done, total, std::numeric_limits<double>::quiet_NaN());
  }
  void step(double value) {
    done = std::min(done + 1, total);
    ctx.report(Stage::Embedding, done, total, value);
  }
};

struct Run {
  double value = 0;
  std::vector<PlanEntry> plan;
  std::vector<double> p;
  std::uint64_t iterations = 0;
  bool converged = false;
};

TransportResult exact_plan(const EmbeddingProblem &pb, const double *p, const EwOptions &o,
                           const Context &quiet, const TransportResult *warm,
                           std::vector<double> &cost) {
  pb.cost_matrix(p, quiet, cost.data());
  const bool use = warm != nullptr && warm->u.size() == pb.rows() && warm->v.size() == pb.cols();
  TransportResult r = transport_exact(
      pb.rows(), pb.cols(), pb.row_weights().data(), pb.col_weights().data(), cost.data(), o.exact,
      quiet, use ? warm->u.data() : nullptr, use ? warm->v.data() : nullptr);
  require_finite_result(r);
  return r;
}

// One start: annealed (entropic) alternations first when asked, then exact alternations until
// one lowers the loss by at most the tolerance, or the cap.
Run run_start(const EmbeddingProblem &pb, std::vector<double> p, bool annealed, const EwOptions &o,
              const Context &quiet, Progress &progress) {
  const double tol = o.tolerance * pb.scale();
  std::vector<double> cost(pb.rows() * pb.cols());
  Run run;
  if (annealed) {
    // Warm-started kernel Sinkhorn (gromov/warm_sinkhorn.hpp): one kernel per step and matrix-
    // vector products, where a cold log-domain solve took an exp per entry per iteration.
    WarmSinkhorn sinkhorn(pb.rows(), pb.cols(), pb.row_weights(), pb.col_weights(),
                          kAnnealingSinkhorn);
    std::vector<double> w(cost.size());
    std::vector<PlanEntry> plan;
    for (unsigned t = 0; t < kAnnealingSteps; ++t) {
      pb.cost_matrix(p.data(), quiet, cost.data());
      double largest = 0;
      for (double c : cost) largest = std::max(largest, c);
      const double eps =
          std::max(o.epsilon / static_cast<double>(1u << t), EntropicOptions::kEpsilonBounds.min);
      plan.clear();
      if (largest > 0) {
        sinkhorn.solve(cost.data(), eps * largest, quiet, w.data());
        for (std::size_t i = 0; i < pb.rows(); ++i)
          for (std::size_t j = 0; j < pb.cols(); ++j)
            if (w[i * pb.cols() + j] > 0) plan.push_back({i, j, w[i * pb.cols() + j]});
      }
      // All costs 0: every plan is optimal and P already fits exactly; nothing to steer.
      if (plan.empty()) break;
      const double l =
          pb.embed_step(p.data(), plan, pb.loss(p.data(), plan), tol, o.inner_iterations);
      ++run.iterations;
      progress.step(l);
    }
  }
  TransportResult r = exact_plan(pb, p.data(), o, quiet, nullptr, cost);
  double loss = pb.loss(p.data(), r.plan);
  for (std::uint64_t it = 0; it < o.max_iterations; ++it) {
    const double before = loss;
    pb.embed_step(p.data(), r.plan, loss, tol, o.inner_iterations);
    r = exact_plan(pb, p.data(), o, quiet, &r, cost);
    loss = pb.loss(p.data(), r.plan);
    ++run.iterations;
    progress.step(loss);
    if (!(before - loss > tol)) {
      run.converged = true;
      break;
    }
  }
  run.value = std::max(0.0, loss);
  for (const PlanEntry &e : r.plan)
    if (e.mass > 0) run.plan.push_back(e);
  run.p = std::move(p);
  return run;
}

}  // namespace

EmbeddingSolution solve_embedding(const EmbeddingProblem &pb, const EmbeddingProblem *means,
                                  const EwOptions &o, const Context &ctx) {
  o.validate();
  const std::size_t D = pb.big(), d = pb.small();
  Context quiet = ctx;
  quiet.progress = nullptr;
  const std::vector<double> ul = sorted_eigenvectors(D, pb.large_covariance().data());
  const std::vector<double> us = sorted_eigenvectors(d, pb.small_covariance().data());
  const unsigned long flips = d <= o.sign_flips ? (1UL << d) : 1UL;
  const unsigned starts = static_cast<unsigned>(flips) + (o.annealing != 0 ? 1u : 0u) + o.starts;
  const bool anneal_here = o.annealing != 0 && means == nullptr;
  Progress progress{ctx, o.max_iterations * starts + (anneal_here ? kAnnealingSteps : 0)};

  EmbeddingSolution best;
  best.value = std::numeric_limits<double>::infinity();
  std::uint64_t iterations = 0;
  const auto keep = [&](Run run, unsigned index) {
    iterations += run.iterations;
    if (run.value < best.value) {
      best.value = run.value;
      best.plan = std::move(run.plan);
      best.p = std::move(run.p);
      best.converged = run.converged;
      best.best_start = index;
    }
  };
  unsigned index = 0;
  for (unsigned long s = 0; s < flips; ++s, ++index) {
    progress.begin();
    keep(run_start(pb, covariance_start(D, d, ul, us, s), false, o, quiet, progress), index);
  }
  if (o.annealing != 0) {
    progress.begin();
    if (means == nullptr) {
      keep(run_start(pb, covariance_start(D, d, ul, us, 0), true, o, quiet, progress), index);
    } else {
      // The published annealed start: annealed EW2 between the component means (weighted here),
      // whose isometry then starts the exact alternations on the mixtures.
      Progress silent{quiet, std::numeric_limits<std::uint64_t>::max()};
      const std::vector<double> ml = sorted_eigenvectors(D, means->large_covariance().data());
      const std::vector<double> ms = sorted_eigenvectors(d, means->small_covariance().data());
      Run m = run_start(*means, covariance_start(D, d, ml, ms, 0), true, o, quiet, silent);
      keep(run_start(pb, std::move(m.p), false, o, quiet, progress), index);
    }
    ++index;
  }
  for (unsigned r = 0; r < o.starts; ++r, ++index) {
    progress.begin();
    Xoshiro256 rng(o.seed, r);
    keep(run_start(pb, stiefel::random_point(D, d, rng), false, o, quiet, progress), index);
  }
  best.iterations = iterations;
  best.starts = starts;
  std::vector<double> g(D * d), t(D * d);
  pb.gradient(best.p.data(), best.plan, false, g.data());
  stiefel::tangent(D, d, best.p.data(), g.data(), t.data());
  double norm = 0;
  for (double x : t) norm = std::hypot(norm, x);
  best.gradient_norm = pb.scale() > 0 ? norm / pb.scale() : 0.0;
  return best;
}

}  // namespace gmmot
