// SPDX-License-Identifier: MIT
// Joint fits of J data sets with one shared Student-t nu (em.hpp, fit_em_joint). MW2 compares
// mixtures of one family, so two data sets fitted with their own nu could not be compared.
//
// With nu estimated, the J ECM runs advance in lockstep from their k-means++ starts (start
// number s for every data set): each iteration is one E-step pass per data set, the CM-step 1 of
// each (weights, means, scales, re-seeding as in em.cpp), then ONE nu step on the pooled
// equation: the expected complete log-likelihood of the joint objective L = sum_j l_j
// (l_j = the mean log-likelihood of data set j, so every data set weighs the same whatever its
// size or the scale of its weights) has the nu term sum_j Q_j(nu), whose derivative is
// J (log(nu/2) - psi(nu/2) + 1) + sum_j (lu_j + psi((nu_old + d)/2) - log((nu_old + d)/2)):
// the single-data-set equation with lu replaced by the mean of the lu_j (nu_step). This is an
// ECM algorithm for L, so L never decreases (except at re-seeding iterations, as in em.cpp).
// No over-relaxation (plain ECM steps); convergence and the final extra step as in em.cpp, with
// L in place of l: the run has converged when a step changes L by at most
// tol * max(1, |L|). Several initialisations: the start with the highest final L wins.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "em/em.hpp"
#include "em/em_detail.hpp"
#include "em/em_fit.hpp"
#include "em/student_t.hpp"
#include "util/error.hpp"
#include "util/team.hpp"

namespace gmmot {
namespace {

// Runs f(), re-raising its error with the data set named first.
template <class F>
auto for_set(std::size_t i, F &&f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error &e) {
    if (e.code() == Errc::Cancelled) throw;
    fail(e.code(), "data set " + std::to_string(i) + ": " + e.what());
  }
}

struct JointOutcome {
  std::vector<em::Params> params;
  std::vector<double> ll, ll_norm;
  double objective_norm = 0, objective = 0;
  std::uint64_t iterations = 0, passes = 0;
  bool converged = false;
};

JointOutcome run_joint(std::vector<std::unique_ptr<em::Fit>> &fits, std::uint64_t stream,
                       const EmOptions &o, const Context &ctx) {
  const std::size_t j = fits.size();
  std::vector<em::Params> p(j);
  for (std::size_t i = 0; i < j; ++i) p[i] = fits[i]->start(stream);
  std::vector<em::Stats> st(j);
  std::vector<std::size_t> budget(j, o.components);
  std::vector<double> ll_norm(j);
  JointOutcome out;
  bool reseeded_last = true, finishing = false, have_best = false;
  double base = 0;
  for (std::uint64_t t = 0;;) {
    ctx.check_interrupt();
    const bool last = finishing || t >= o.max_iterations;
    double total_norm = 0, total = 0;
    for (std::size_t i = 0; i < j; ++i) {
      ll_norm[i] = fits[i]->pass(p[i], !last, st[i]);
      ++out.passes;
      total_norm += ll_norm[i];
      total += ll_norm[i] + fits[i]->ll_shift();
    }
    ctx.report(Stage::Em, t, o.max_iterations, total);
    if (!have_best || total_norm >= out.objective_norm) {
      have_best = true;
      out.params = p;
      out.ll_norm = ll_norm;
      out.ll.resize(j);
      for (std::size_t i = 0; i < j; ++i) out.ll[i] = ll_norm[i] + fits[i]->ll_shift();
      out.objective_norm = total_norm;
      out.objective = total;
    }
    out.iterations = t;
    if (finishing) {
      out.converged = true;
      break;
    }
    const bool small =
        t > 0 && !reseeded_last &&
        std::fabs(total_norm - base) <= o.tolerance * std::max(1.0, std::fabs(total));
    if (small && last) {
      out.converged = true;
      break;
    }
    if (last) break;
    // CM-step 1 on every data set, then the pooled nu step.
    reseeded_last = false;
    double lu = 0;
    const double nu_old = p[0].nu;
    for (std::size_t i = 0; i < j; ++i) {
      double w = 0;
      for (double v : st[i].n) w += v;
      lu += st[i].lu / w;
      std::size_t r = 0;
      if (fits[i]->cm_step(st[i], p[i], !small && budget[i] > 0 ? &r : nullptr)) {
        --budget[i];
        reseeded_last = true;
      }
    }
    if (o.dof == 0) {
      const double nu =
          em::nu_step(lu / static_cast<double>(j), nu_old, static_cast<double>(p[0].d));
      for (auto &q : p) q.nu = nu;
    }
    if (small) finishing = true;
    base = total_norm;
    ++t;
  }
  return out;
}

}  // namespace

EmJointResult fit_em_joint(std::size_t j, std::size_t d, const std::size_t *n,
                           const double *const *points, const double *const *weights,
                           const EmOptions &options, const Context &ctx) {
  if (j == 0) fail(Errc::Dimension, "J is 0 (at least one data set)");
  options.validate();
  EmJointResult r;
  const bool pooled = options.family == 1 && options.dof == 0 && j > 1;
  if (!pooled) {  // independent fits: Gaussian, a fixed nu, or a single data set
    r.converged = true;
    for (std::size_t i = 0; i < j; ++i) {
      const double *w = weights != nullptr ? weights[i] : nullptr;
      r.fits.push_back(for_set(i, [&] { return fit_gmm_em(n[i], d, points[i], w, options, ctx); }));
      const EmResult &f = r.fits.back();
      r.objective += f.mean_log_likelihood;
      r.iterations = std::max(r.iterations, f.iterations);
      r.passes += f.passes;
      r.converged = r.converged && f.converged;
    }
    return r;
  }
  if (options.components == 0) fail(Errc::Dimension, "K is 0 (at least one component)");
  std::vector<em::Data> data;
  data.reserve(j);
  std::size_t chunks = 1;
  for (std::size_t i = 0; i < j; ++i) {
    const double *w = weights != nullptr ? weights[i] : nullptr;
    data.push_back(
        for_set(i, [&] { return em::prepare(n[i], d, points[i], w, options.components); }));
    chunks = std::max(chunks, data.back().nchunks);
  }
  Team team(static_cast<unsigned>(std::min<std::size_t>(ctx.threads, chunks)));
  std::vector<std::unique_ptr<em::Fit>> fits;
  for (std::size_t i = 0; i < j; ++i) {
    fits.push_back(std::make_unique<em::Fit>(data[i], options, ctx, team));
    fits.back()->set_pooled_nu(true);
  }
  JointOutcome best;
  bool have = false;
  for (unsigned init = 0; init < options.initializations; ++init) {
    JointOutcome o = run_joint(fits, init, options, ctx);
    r.passes += o.passes;
    if (!have || o.objective_norm > best.objective_norm) {
      best = std::move(o);
      have = true;
    }
  }
  for (std::size_t i = 0; i < j; ++i) {
    EmResult f;
    f.gmm = for_set(i, [&] { return em::to_mixture(data[i], best.params[i]); });
    f.mean_log_likelihood = best.ll[i];
    f.iterations = best.iterations;
    f.passes = best.passes / j;
    f.converged = best.converged;
    r.fits.push_back(std::move(f));
  }
  r.objective = best.objective;
  r.iterations = best.iterations;
  r.converged = best.converged;
  return r;
}

}  // namespace gmmot
