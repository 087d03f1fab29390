// SPDX-License-Identifier: MIT
// Frank-Wolfe for the square-loss Gromov-Wasserstein problem, and the multi-start driver.
#include "gromov/gw_solver.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <string>

#include "util/dynamic_tasks.hpp"
#include "util/error.hpp"

namespace gmmot {

namespace {

std::vector<double> dense_plan(std::size_t k0, std::size_t k1, const TransportResult &r) {
  std::vector<double> s(k0 * k1, 0.0);
  for (const PlanEntry &e : r.plan) s[e.i * k1 + e.j] += e.mass;
  return s;
}

// Sets the entries of `previous` (the last vertex written into s) back to 0, then writes r's:
// O(K0 + K1) per step instead of clearing K0 K1 entries.
void write_vertex(std::size_t k1, const std::vector<PlanEntry> &previous, const TransportResult &r,
                  std::vector<double> &s) {
  for (const PlanEntry &e : previous) s[e.i * k1 + e.j] = 0.0;
  for (const PlanEntry &e : r.plan) s[e.i * k1 + e.j] += e.mass;
}

double dot(const std::vector<double> &x, const std::vector<double> &y) {
  double s = 0;
  for (std::size_t n = 0; n < x.size(); ++n) s += x[n] * y[n];
  return s;
}

// A random vertex of the transport polytope: the exact plan for a uniformly random cost, with
// the simplex's final tree, from which the start's first linear step restarts (a feasible tree
// for the same weights: fewer pivots than the cold solve it replaces).
struct RandomStart {
  std::vector<double> plan;
  ExactBasis basis;
};
RandomStart random_vertex(const GwProblem &p, const GwOptions &options, unsigned index,
                          const Context &ctx) {
  Xoshiro256 rng(options.seed, index);
  std::vector<double> cost(p.k0 * p.k1);
  for (double &c : cost) c = rng.uniform();
  RandomStart s;
  const TransportResult r =
      transport_exact(p.k0, p.k1, p.a.data(), p.b.data(), cost.data(), options.exact,
                      without_progress(ctx), nullptr, nullptr, &s.basis);
  s.plan = dense_plan(p.k0, p.k1, r);
  return s;
}

// Frank-Wolfe from the random vertex `index`.
FwOutcome random_start(const GwProblem &p, const GwOptions &options, unsigned index,
                       const Context &ctx, std::uint64_t iterations_before) {
  RandomStart s = random_vertex(p, options, index, ctx);
  return frank_wolfe(p, std::move(s.plan), options, ctx, iterations_before, &s.basis);
}

}  // namespace

// K0 = K1 in [2, 6], a uniform and b uniform: the vertices are the permutation plans.
bool permutation_vertices(const GwProblem &p) {
  if (p.k1 != p.k0 || p.k0 < 2 || p.k0 > 6) return false;
  for (std::size_t i = 1; i < p.k0; ++i)
    if (p.a[i] != p.a[0] || p.b[i] != p.b[0]) return false;
  return true;
}

unsigned planned_starts(const GwProblem &p, const GwOptions &options) {
  const bool permutations =
      options.starts > 0 && (permutation_vertices(p) || small_vertex_enumeration(p));
  return 1U + (options.annealing != 0 ? 1U : 0U) + options.starts + (permutations ? 1U : 0U);
}

std::vector<double> best_permutation_vertex(const GwProblem &p) {
  if (!permutation_vertices(p)) return {};
  const std::size_t k = p.k0;
  std::vector<std::size_t> perm(k), best;
  for (std::size_t i = 0; i < k; ++i) perm[i] = i;
  double best_value = 0;
  do {
    // GW of the plan w_{i perm(i)} = a_i: sum (N0_ik - N1_perm(i)perm(k))^2 a_i a_k.
    double v = 0;
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t m = 0; m < k; ++m) {
        const double d = p.n0[i * k + m] - p.n1[perm[i] * k + perm[m]];
        v += d * d * p.a[i] * p.a[m];
      }
    if (best.empty() || v < best_value) {
      best = perm;
      best_value = v;
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  std::vector<double> w(k * k, 0.0);
  for (std::size_t i = 0; i < k; ++i) w[i * k + best[i]] = p.a[i];
  return w;
}

namespace {

// w as a convex combination of atoms (the start, then the vertices Frank-Wolfe visited), for
// the pairwise steps: an atom's weight is how much of w can be moved off it.
struct Atom {
  std::vector<PlanEntry> entries;
  double weight;
};

bool same_entries(const std::vector<PlanEntry> &x, const std::vector<PlanEntry> &y) {
  if (x.size() != y.size()) return false;
  for (std::size_t k = 0; k < x.size(); ++k)
    if (x[k].i != y[k].i || x[k].j != y[k].j || x[k].mass != y[k].mass) return false;
  return true;
}

// Adds weight t to the atom equal to `entries` (vertices recur), or appends it.
void add_atom(std::vector<Atom> &atoms, const std::vector<PlanEntry> &entries, double t) {
  for (Atom &a : atoms)
    if (same_entries(a.entries, entries)) {
      a.weight += t;
      return;
    }
  atoms.push_back({entries, t});
}

// sum_e g[e] mass_e over a vertex's entries.
double entry_dot(const std::vector<PlanEntry> &entries, const std::vector<double> &g,
                 std::size_t k1) {
  double s = 0;
  for (const PlanEntry &e : entries) s += g[e.i * k1 + e.j] * e.mass;
  return s;
}

// sum_e (g - h)[e] mass_e.
double entry_dot_difference(const std::vector<PlanEntry> &entries, const std::vector<double> &g,
                            const std::vector<double> &h, std::size_t k1) {
  double s = 0;
  for (const PlanEntry &e : entries) s += (g[e.i * k1 + e.j] - h[e.i * k1 + e.j]) * e.mass;
  return s;
}

double atom_dot(const Atom &a, const std::vector<double> &g, std::size_t k1) {
  double s = 0;
  for (const PlanEntry &e : a.entries) s += g[e.i * k1 + e.j] * e.mass;
  return s;
}

}  // namespace

FwOutcome frank_wolfe(const GwProblem &p, std::vector<double> start, const GwOptions &options,
                      const Context &ctx, std::uint64_t iterations_before,
                      ExactBasis *shared_basis) {
  const std::size_t n = p.k0 * p.k1;
  const std::uint64_t total = options.max_iterations * planned_starts(p, options);
  FwOutcome out;
  // Every buffer is allocated once per start: a step allocates only inside the linear solver.
  std::vector<double> w = std::move(start), x(n), grad(n), d(n), y(n), s(n, 0.0), scratch(n);
  // C0 s C1 for the current vertex s, updated from the rows where consecutive vertices differ
  // and recomputed in full every kFullCross steps (the updates' rounding accumulates).
  std::vector<double> sx(n), update_z, update_g;
  constexpr unsigned kFullCross = 32;
  unsigned since_full = kFullCross;
  std::vector<PlanEntry> vertex, direction;  // the entries of s; those of s - (away atom)
  std::vector<Atom> atoms(1, Atom{{}, 1.0});
  // Row by row, the fields written in place: a division per entry (m / K1, m % K1) and a pushed
  // temporary (a store-forwarding stall per entry) were a third of Frank-Wolfe's own time on the
  // dense product start.
  std::vector<PlanEntry> &first = atoms[0].entries;
  first.resize(n - static_cast<std::size_t>(std::count(w.begin(), w.end(), 0.0)));
  for (std::size_t i = 0, e = 0; i < p.k0; ++i)
    for (std::size_t j = 0; j < p.k1; ++j) {
      const double m = w[i * p.k1 + j];
      if (m == 0) continue;
      first[e].i = i;
      first[e].j = j;
      first[e].mass = m;
      ++e;
    }
  // From the product coupling C0 w C1 = u v^T, and the first linear step has a closed form.
  std::vector<double> pu, pv;
  const bool product_start = product_factors(p, w.data(), pu, pv);
  if (product_start) {
    for (std::size_t i = 0; i < p.k0; ++i)
      for (std::size_t j = 0; j < p.k1; ++j) x[i * p.k1 + j] = pu[i] * pv[j];
  } else {
    p.cross(w.data(), x.data(), scratch.data());
  }
  std::vector<double> warm_u, warm_v;  // that step's duals: the next step's warm start
  // The previous linear step's final tree: the next one restarts from it.
  ExactBasis own_basis;
  ExactBasis &basis = shared_basis != nullptr ? *shared_basis : own_basis;
  const Context inner = without_progress(ctx);
  // The tracked value (internal units), for progress and the stall test.
  double value = std::max(0.0, p.scale - 2 * dot(x, w));
  ctx.report(Stage::Gromov, std::min(total, iterations_before), total, p.to_input_units(value));
  // Plain Frank-Wolfe first (POT's algorithm from the same start: the same end point), then,
  // once it stalls with the gap above the tolerance (a minimum inside a face, where plain
  // Frank-Wolfe zigzags at rate 1/k), pairwise steps (Lacoste-Julien & Jaggi 2015): mass moves
  // from the worst atom of w straight to the new vertex, which converges linearly there. Both
  // only lower the objective, so the end point is never worse than plain Frank-Wolfe's.
  bool stalled = false, pairwise = false;
  constexpr std::uint64_t kPlainSteps = 200;
  for (;;) {
    // The gradient of GW at w is 2 const - 4 C0 w C1 - const, i.e. const - 4 C0 w C1 up to a
    // term constant on the couplings (const_ij = r0_i + r1_j integrates to S against any).
    for (std::size_t m = 0; m < n; ++m) grad[m] = p.const_cost[m] - 4 * x[m];
    TransportResult r;
    if (out.iterations == 0 && product_start) {
      r = comonotone_vertex(p, pu, pv, grad.data());
      warm_u = r.u;
      warm_v = r.v;
    } else {
      // Without a tree yet (after the closed-form step), from that step's duals.
      const bool duals = basis.empty() && !warm_u.empty();
      r = transport_exact(p.k0, p.k1, p.a.data(), p.b.data(), grad.data(), options.exact, inner,
                          duals ? warm_u.data() : nullptr, duals ? warm_v.data() : nullptr, &basis);
    }
    write_vertex(p.k1, vertex, r, s);
    if (since_full >= kFullCross ||
        !p.cross_sparse_update(vertex, r.plan, sx.data(), update_z, update_g)) {
      p.cross_sparse(r.plan, sx.data(), scratch.data());
      since_full = 0;
    }
    ++since_full;
    vertex = r.plan;
    // While w is one vertex (after full steps, the concave case's every step) the step's
    // inner products run over its entries and s's only, and d is formed only if needed.
    const bool sparse_w = !pairwise && atoms.size() == 1 && atoms[0].weight == 1.0 &&
                          atoms[0].entries.size() <= p.k0 + p.k1;
    double gap = 0;
    if (sparse_w) {
      gap = entry_dot(atoms[0].entries, grad, p.k1) - entry_dot(r.plan, grad, p.k1);
    } else {
      for (std::size_t m = 0; m < n; ++m) {
        d[m] = s[m] - w[m];
        gap -= grad[m] * d[m];
      }
    }
    out.gap = p.scale > 0 ? std::max(0.0, gap) / p.scale : 0.0;
    if (out.gap <= options.tolerance) {
      out.stop = FwStop::Certified;
      break;
    }
    if (stalled && pairwise) {
      out.stop = FwStop::Stalled;
      break;
    }
    // POT's cg stops at 200 steps (numItermax): from there, or from a stall, pairwise steps.
    if (stalled || out.iterations >= kPlainSteps) pairwise = true;
    if (out.iterations >= options.max_iterations) {
      out.stop = FwStop::StepCap;
      break;
    }
    double t = 0, q = 0, step_gap = gap;
    std::size_t away = 0;
    if (!pairwise) {
      // GW(w + t d) = GW(w) - t gap + t^2 q with q = -2 <C0 d C1, d>: minimised on [0, 1] in
      // closed form (at 1 when q <= 0, the concave case). C0 d C1 = C0 s C1 - C0 w C1, the
      // first from s's few entries.
      if (sparse_w) {
        // <C0 d C1, d> = <sx - x, s> - <sx - x, w>.
        q = -2 * (entry_dot_difference(r.plan, sx, x, p.k1) -
                  entry_dot_difference(atoms[0].entries, sx, x, p.k1));
      } else {
        for (std::size_t m = 0; m < n; ++m) y[m] = sx[m] - x[m];
        q = -2 * dot(y, d);
      }
      t = q > 0 ? std::min(1.0, gap / (2 * q)) : 1.0;
    } else {
      // d = s - (the atom with the largest <grad, atom>), t in [0, its weight].
      double worst = -INFINITY;
      for (std::size_t k = 0; k < atoms.size(); ++k) {
        const double g = atom_dot(atoms[k], grad, p.k1);
        if (g > worst) {
          worst = g;
          away = k;
        }
      }
      direction = r.plan;
      for (const PlanEntry &e : atoms[away].entries) direction.push_back({e.i, e.j, -e.mass});
      std::fill(d.begin(), d.end(), 0.0);
      for (const PlanEntry &e : direction) d[e.i * p.k1 + e.j] += e.mass;
      step_gap = 0;
      for (std::size_t m = 0; m < n; ++m) step_gap -= grad[m] * d[m];
      p.cross_sparse(direction, y.data(), scratch.data());
      q = -2 * dot(y, d);
      const double cap = atoms[away].weight;
      t = q > 0 ? std::min(cap, step_gap / (2 * q)) : cap;
    }
    if (!(t > 0) || !(step_gap > 0)) {
      // No descent along d although the gap is above the tolerance (rounding): a stall.
      out.stop = FwStop::Stalled;
      break;
    }
    if (!pairwise && t >= 1) {
      // A full step lands on the vertex s: take it exactly (w + (s - w) leaves rounding
      // residues of w's entries, which would cost |C|^2 each in the objective).
      w = s;
      x = sx;  // C0 s C1 itself
      atoms.assign(1, Atom{r.plan, 1.0});
    } else if (!pairwise) {
      if (sparse_w) {
        for (std::size_t m = 0; m < n; ++m) {
          d[m] = s[m] - w[m];
          y[m] = sx[m] - x[m];
        }
      }
      for (std::size_t m = 0; m < n; ++m) {
        w[m] += t * d[m];
        x[m] += t * y[m];
      }
      for (Atom &a : atoms) a.weight *= 1 - t;
      add_atom(atoms, r.plan, t);
    } else {
      if (t >= atoms[away].weight) {
        atoms.erase(atoms.begin() + static_cast<std::ptrdiff_t>(away));
      } else {
        atoms[away].weight -= t;
      }
      add_atom(atoms, r.plan, t);
      // w from its atoms: a dropped atom leaves no rounding residue behind.
      std::fill(w.begin(), w.end(), 0.0);
      for (const Atom &a : atoms)
        for (const PlanEntry &e : a.entries) w[e.i * p.k1 + e.j] += a.weight * e.mass;
      for (std::size_t m = 0; m < n; ++m) x[m] += t * y[m];
    }
    ++out.iterations;
    // The decrease from the quadratic model, t gap - t^2 q: no cancellation against S_c. The
    // gap is recomputed at the new iterate before stopping on a stall.
    const double decrease = t * step_gap - t * t * q;
    const bool vertex_now =
        atoms.size() == 1 && atoms[0].weight == 1.0 && atoms[0].entries.size() <= p.k0 + p.k1;
    value = std::max(0.0,
                     p.scale - 2 * (vertex_now ? entry_dot(atoms[0].entries, x, p.k1) : dot(x, w)));
    stalled = !(decrease > options.tolerance * std::max(value, p.scale));
    ctx.report(Stage::Gromov, std::min(total, iterations_before + out.iterations), total,
               p.to_input_units(value));
  }
  // The iterate may leave [0, inf) by a rounding step of the size of the previous entries.
  for (double &m : w) m = std::max(0.0, m);
  out.inner_value = p.inner_objective(w.data());
  out.value = p.to_input_units(out.inner_value);
  out.plan = std::move(w);
  return out;
}

namespace {

// Below this many plan entries the starts run on the calling thread alone: a whole default run
// at K = 10 takes about as long as starting a thread.
constexpr std::size_t kParallelStartsEntries = 256;

}  // namespace

GwResult gromov_wasserstein(const GwProblem &p, const GwOptions &options, const Context &ctx) {
  options.validate();
  GwResult best;
  double best_inner = 0;
  bool have = false;
  // Returns whether the start lowered the incumbent by more than the stall tolerance. The starts
  // are considered in index order whatever thread ran them: the same best (by value, the lower
  // index on ties), the same iteration count, and the same decision to stop.
  const auto consider = [&](FwOutcome &o, unsigned index) {
    best.iterations += o.iterations;
    ++best.starts_tried;
    const bool improved =
        have && o.inner_value < best_inner - options.tolerance * std::max(best_inner, p.scale);
    if (!have || o.inner_value < best_inner) {
      have = true;
      best_inner = o.inner_value;
      best.plan = std::move(o.plan);
      best.gap = o.gap;
      best.stop = o.stop;
      best.best_start = index;
    }
    return improved;
  };
  // The vertex start (small problems), empty when it does not apply.
  const auto vertex_start = [&] {
    std::vector<double> perm = best_permutation_vertex(p);
    if (perm.empty()) perm = best_enumerated_vertex(p);
    return perm;
  };
  // With a progress callback every start runs on the calling thread (progress.h: the callback
  // is called there, in order); otherwise independent starts share two threads. The results
  // are the same either way.
  const bool parallel =
      ctx.threads >= 2 && ctx.progress == nullptr && p.k0 * p.k1 >= kParallelStartsEntries;
  if (!parallel) {
    const auto run = [&](std::vector<double> start, unsigned index) {
      FwOutcome o = frank_wolfe(p, std::move(start), options, ctx, best.iterations);
      return consider(o, index);
    };
    const auto run_outcome = [&](FwOutcome o, unsigned index) { return consider(o, index); };
    run(p.product_coupling(), 0);
    unsigned index = 1;
    if (options.annealing != 0) run(annealed_start(p, options, ctx), index++);
    if (options.starts > 0) {
      std::vector<double> perm = vertex_start();
      if (!perm.empty()) run(std::move(perm), index++);
    }
    // Random vertices while they pay: the first one that does not lower the incumbent ends
    // them (measured on the bench's K = 10..200 cases, later ones rarely did; each costs a
    // whole Frank-Wolfe run).
    for (unsigned r = 0; r < options.starts; ++r)
      if (!run_outcome(random_start(p, options, r, ctx, best.iterations), index++)) break;
  } else {
    // Inner solvers on one thread each: the two threads are the starts'.
    const Context inner = without_progress(ctx).limited(1);
    // First round: the product, annealed and vertex starts and the first random start (which
    // always runs), heaviest first. Then random starts two at a time while they improve: the
    // second of a pair is used only if the first improved (speculative, never changes the
    // result).
    FwOutcome product, annealed, vertex, first_random;
    bool have_vertex = false;
    std::vector<std::function<void()>> tasks;
    constexpr std::size_t kNoTask = ~std::size_t{0};
    std::size_t product_task = kNoTask, annealed_task = kNoTask, vertex_task = kNoTask,
                random_task = kNoTask;
    if (options.annealing != 0) {
      annealed_task = tasks.size();
      tasks.emplace_back(
          [&] { annealed = frank_wolfe(p, annealed_start(p, options, inner), options, inner, 0); });
    }
    product_task = tasks.size();
    tasks.emplace_back([&] { product = frank_wolfe(p, p.product_coupling(), options, inner, 0); });
    if (options.starts > 0) {
      random_task = tasks.size();
      tasks.emplace_back([&] { first_random = random_start(p, options, 0, inner, 0); });
      vertex_task = tasks.size();
      tasks.emplace_back([&] {
        std::vector<double> perm = vertex_start();
        if (perm.empty()) return;
        vertex = frank_wolfe(p, std::move(perm), options, inner, 0);
        have_vertex = true;
      });
    }
    const auto run_tasks = [&] {
      return run_dynamic(tasks.size(), ctx.threads, [&](std::size_t k, unsigned) { tasks[k](); });
    };
    std::vector<std::exception_ptr> errors = run_tasks();
    // The first failure in start order, as the serial order would have met it.
    for (const std::size_t t : {product_task, annealed_task, vertex_task, random_task})
      if (t != kNoTask && errors[t]) std::rethrow_exception(errors[t]);
    consider(product, 0);
    unsigned index = 1;
    if (options.annealing != 0) consider(annealed, index++);
    if (have_vertex) consider(vertex, index++);
    if (options.starts > 0 && consider(first_random, index++)) {
      for (unsigned r = 1; r < options.starts; r += 2) {
        const unsigned count = std::min(2U, options.starts - r);
        std::vector<FwOutcome> outcome(count);
        tasks.clear();
        for (unsigned k = 0; k < count; ++k)
          tasks.emplace_back([&, k] { outcome[k] = random_start(p, options, r + k, inner, 0); });
        errors = run_tasks();
        if (errors[0]) std::rethrow_exception(errors[0]);
        if (!consider(outcome[0], index++)) break;
        if (count < 2) break;
        if (errors[1]) std::rethrow_exception(errors[1]);
        if (!consider(outcome[1], index++)) break;
      }
    }
  }
  best.certified = best.gap <= options.tolerance;
  best.value = p.to_input_units(best_inner);
  if (!std::isfinite(best.value)) {
    fail(Errc::Overflow, "the Gromov-Wasserstein value exceeds the largest double (about " +
                             fmt(best_inner) + " * 2^" + std::to_string(-2 * p.exponent) +
                             "): the matrices' entries are too far apart");
  }
  return best;
}

}  // namespace gmmot
