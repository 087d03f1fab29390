// SPDX-License-Identifier: MIT
// The fixed-point MW2 barycenter of Tanguy-Delon-Gozlan (arXiv 2501.04016), on the GMM viewed
// as a discrete measure sum_i a_i delta_{N(m_i, S_i)} on the Bures-Wasserstein space with the
// ground cost W2^2 and the ground barycenter B = the Gaussian W2 barycenter with weights lambda:
//  - Alg. 2, the true fixed point mu_{t+1} = G(mu_t) = B # gamma, gamma the multi-coupling
//    glued from the J optimal plans by the North-West rule (lp/north_west.hpp). V never
//    increases (Prop. 3.9: V(mu) >= V(G(mu)) + T_delta(mu, G(mu))), and a barycenter is a
//    fixed point of G;
//  - Alg. 3, the heuristic H: weights fixed, component i replaced by B of the J barycentric
//    projections of row i of each plan (Euclidean: the average of the means and covariances
//    with weights pi_j[i, :] / a_i; Bures: their Gaussian barycenter). Dividing by the row's
//    own mass a_i is what makes it right for non-uniform a (POT and ot_bar multiply by n,
//    i.e. assume a_i = 1/n; landscape.md d.2 item 1b). H has no decrease guarantee.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <utility>

#include "lp/north_west.hpp"
#include "mw2/mixture_barycenter.hpp"
#include "util/compensated_sum.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"
#include "util/rng.hpp"
#include "util/sizes.hpp"

namespace gmmot {
namespace {

// An iterate: the mixture and, when its components are Gaussian barycenters of tuples (random
// start, true fixed point), those tuples (k() x J, sorted lexicographically).
struct Iterate {
  std::shared_ptr<const Gmm> gmm;
  std::vector<std::size_t> tuples;
};

// Components under construction, written in parallel (one slot per component).
struct Components {
  Components(std::size_t n, std::size_t d) : means(n * d), covs(n * d * d), factors(n) {}
  std::vector<double> means, covs;
  std::vector<CovFactor> factors;
};

// The work nested inside the fixed point runs without the progress callback, which may only
// be called from the calling thread (it sees Stage::FixedPoint once per iteration); the
// interrupt flag still reaches every LP and every parallel loop.
Context quiet(const Context &ctx) {
  Context c = ctx;
  c.progress = nullptr;
  return c;
}

std::string tuple_name(const std::size_t *t, std::size_t width) {
  std::string s = "(";
  for (std::size_t j = 0; j < width; ++j) s += (j ? ", " : "") + std::to_string(t[j]);
  return s + ")";
}

// Slot c of `out` from a Gaussian (mean, covariance): symmetrised and factored once, as the
// Gmm constructor would (so Gmm::with_factors may take it as is).
void store(int d, std::size_t c, const double *mean, const double *cov, const std::string &what,
           Components &out) {
  const std::size_t du = static_cast<std::size_t>(d), dd = du * du;
  std::copy(mean, mean + du, out.means.begin() + static_cast<std::ptrdiff_t>(c * du));
  double *sym = out.covs.data() + c * dd;
  validate_covariance(d, cov, what, sym, nullptr);
  out.factors[c] = factor_covariance(d, sym, what);
}

// Slot c of `out` copied from component k of g (no refactoring).
void copy_component(const Gmm &g, std::size_t k, std::size_t c, Components &out) {
  const std::size_t d = g.d(), dd = d * d;
  std::copy_n(g.means().begin() + static_cast<std::ptrdiff_t>(k * d), d,
              out.means.begin() + static_cast<std::ptrdiff_t>(c * d));
  std::copy_n(g.covariances().begin() + static_cast<std::ptrdiff_t>(k * dd), dd,
              out.covs.begin() + static_cast<std::ptrdiff_t>(c * dd));
  out.factors[c] = g.factors()[k];
}

// The iterate belongs to the inputs' family (the Gaussian barycenter of one elliptical
// family's members is that family's member with the barycenter covariance).
std::shared_ptr<const Gmm> assemble(std::size_t d, const std::vector<double> &weights,
                                    Components &&c, const Family &family) {
  return std::make_shared<const Gmm>(Gmm::with_factors(weights.size(), d, weights.data(),
                                                       c.means.data(), std::move(c.covs),
                                                       std::move(c.factors), family));
}

// B of J Gaussians (zero lambdas already dropped); Errc::IterationLimit naming `what` when the
// Alvarez-Esteban iteration stops short of its tolerance, and its other errors prefixed by
// `what` (the messages of the exact solver's tuple barycenters, barycenter_lp.cpp).
BarycenterResult ground_barycenter(int d, const std::vector<double> &lambda,
                                   const std::vector<double> &means,
                                   const std::vector<CovFactor> &covs, const BarycenterOptions &o,
                                   const Context &inner, const std::string &what,
                                   const double *start = nullptr) {
  BarycenterResult r;
  try {
    r = gaussian_barycenter(d, lambda, means.data(), covs, o, inner, start);
  } catch (const Error &e) {
    // Say which barycenter failed (e.g. Errc::Singular: all its covariances singular).
    if (e.code() == Errc::Cancelled) throw;
    fail(e.code(), what + ": " + e.what());
  }
  if (!r.converged) {
    fail(Errc::IterationLimit, "the Gaussian barycenter of " + what + " did not converge in " +
                                   std::to_string(r.iterations) + " iterations (residual " +
                                   fmt(r.residual) + ")");
  }
  return r;
}

// The inputs with a nonzero lambda: B drops the others anyway, so they are not even copied.
struct ActiveInputs {
  std::vector<std::size_t> index;  // j with lambda_j > 0
  std::vector<double> lambda;      // their weights
};
ActiveInputs active_inputs(const BarycenterInputs &in) {
  ActiveInputs a;
  for (std::size_t j = 0; j < in.count(); ++j) {
    if (in.lambda[j] > 0.0) {
      a.index.push_back(j);
      a.lambda.push_back(in.lambda[j]);
    }
  }
  return a;
}

// Row r of the sorted tuple list `prev` equal to t, or npos.
std::size_t find_tuple(const std::vector<std::size_t> &prev, std::size_t width,
                       const std::size_t *t) {
  std::size_t lo = 0, hi = prev.size() / width;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (std::lexicographical_compare(prev.data() + mid * width, prev.data() + (mid + 1) * width, t,
                                     t + width))
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < prev.size() / width && std::equal(t, t + width, prev.data() + lo * width)) return lo;
  return static_cast<std::size_t>(-1);
}

// The mixture sum_r w_r B(mu_0^{t_0}, ..., mu_{J-1}^{t_{J-1}}) over the sorted tuples t (m x J).
// A tuple that the previous iterate already had is copied from it (the same computation would
// give the same bits). Parallel over tuples, one tuple per block: any thread count gives the
// same mixture.
Iterate from_tuples(const BarycenterInputs &in, std::vector<std::size_t> tuples,
                    const std::vector<double> &weights, const Iterate *prev,
                    const BarycenterOptions &o, const Context &inner) {
  const std::size_t jn = in.count(), m = weights.size(), du = in.dim();
  const int d = static_cast<int>(du);
  const ActiveInputs act = active_inputs(in);
  checked_mul(checked_mul(m, du, "n*d"), du, "n*d*d");
  Components comp(m, du);
  const Context one = inner.limited(1);
  parallel_blocks(m, 1, inner, [&](std::size_t begin, std::size_t end, unsigned) {
    std::vector<double> means(act.index.size() * du);
    std::vector<CovFactor> covs(act.index.size());
    for (std::size_t r = begin; r < end; ++r) {
      const std::size_t *t = tuples.data() + r * jn;
      const std::size_t p =
          prev != nullptr ? find_tuple(prev->tuples, jn, t) : static_cast<std::size_t>(-1);
      if (p != static_cast<std::size_t>(-1)) {
        copy_component(*prev->gmm, p, r, comp);
        continue;
      }
      for (std::size_t a = 0; a < act.index.size(); ++a) {
        const Gmm &mu = *in.mixtures[act.index[a]];
        const std::size_t k = t[act.index[a]];
        std::copy_n(mu.means().begin() + static_cast<std::ptrdiff_t>(k * du), du,
                    means.begin() + static_cast<std::ptrdiff_t>(a * du));
        covs[a] = mu.factors()[k];
      }
      const std::string what = "component tuple " + tuple_name(t, jn);
      const BarycenterResult b = ground_barycenter(d, act.lambda, means, covs, o, one, what);
      store(d, r, b.gaussian.mean.data(), b.gaussian.cov.data(), what, comp);
    }
  });
  Iterate it;
  it.gmm = assemble(du, weights, std::move(comp), in.mixtures[0]->family());
  it.tuples = std::move(tuples);
  return it;
}

// Sorts the rows of `tuples` (m x width) lexicographically, carrying `mass` along; equal rows
// are merged into one (their masses summed) when `merge`. Stable, so equal rows are summed in
// the order the gluing produced them.
void sort_tuples(std::size_t width, std::vector<std::size_t> &tuples, std::vector<double> &mass,
                 bool merge) {
  const std::size_t m = mass.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  auto row = [&](std::size_t r) { return tuples.data() + r * width; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return std::lexicographical_compare(row(x), row(x) + width, row(y), row(y) + width);
  });
  std::vector<std::size_t> out_t;
  std::vector<double> out_m;
  out_t.reserve(tuples.size());
  out_m.reserve(m);
  for (std::size_t a = 0; a < m;) {
    std::size_t b = a + 1;
    CompensatedSum s;
    s.add(mass[order[a]]);
    if (merge) {
      while (b < m && std::equal(row(order[a]), row(order[a]) + width, row(order[b]))) {
        s.add(mass[order[b]]);
        ++b;
      }
    }
    out_t.insert(out_t.end(), row(order[a]), row(order[a]) + width);
    out_m.push_back(s.value());
    a = b;
  }
  tuples = std::move(out_t);
  mass = std::move(out_m);
}

// The random start: n tuples t drawn with probability prod_j pi_j(t_j) (tuple r from the
// stream (seed, r), so it does not depend on the thread count), uniform weights.
Iterate random_start(const BarycenterInputs &in, const FixedPointOptions &o, const Context &inner) {
  const std::size_t jn = in.count();
  std::size_t n = static_cast<std::size_t>(o.components);
  if (n == 0) {
    for (const auto &mu : in.mixtures) n = std::max(n, mu->k());
  }
  std::vector<std::size_t> tuples(checked_mul(n, jn, "components*J"));
  for (std::size_t r = 0; r < n; ++r) {
    Xoshiro256 rng(o.seed, r);
    for (std::size_t j = 0; j < jn; ++j) {
      const std::vector<double> &w = in.mixtures[j]->weights();
      const double u = rng.uniform();
      // Inverse CDF; a zero weight never takes a draw, and rounding in the cumulative sum falls
      // back to the last component with a positive weight.
      std::size_t pick = w.size();
      double acc = 0.0;
      for (std::size_t k = 0; k < w.size(); ++k) {
        acc += w[k];
        if (w[k] > 0.0 && u < acc) {
          pick = k;
          break;
        }
      }
      if (pick == w.size()) {
        pick = w.size() - 1;
        while (pick > 0 && !(w[pick] > 0.0)) --pick;
      }
      tuples[r * jn + j] = pick;
    }
  }
  std::vector<double> mass(n, 1.0 / static_cast<double>(n));
  sort_tuples(jn, tuples, mass, false);
  return from_tuples(in, std::move(tuples), mass, nullptr, o.gaussian, inner);
}

// Alg. 2: x_next = B # gamma, gamma glued from the plans of x (North-West rule, row by row);
// tuples that coincide after dropping the barycenter's index are one Dirac of the discrete
// measure, so they are merged (the support would otherwise grow at every iteration).
Iterate glue_step(const BarycenterInputs &in, const Iterate &x,
                  const std::vector<std::vector<PlanEntry>> &plans, const FixedPointOptions &o,
                  const Context &inner) {
  const std::size_t jn = in.count();
  const Gluing g = north_west_gluing(x.gmm->k(), plans);
  std::vector<std::size_t> tuples;
  tuples.reserve(g.count() * jn);
  for (std::size_t r = 0; r < g.count(); ++r) {
    const std::size_t *row = g.tuples.data() + r * g.width;
    tuples.insert(tuples.end(), row + 1, row + g.width);
  }
  std::vector<double> mass = g.mass;
  sort_tuples(jn, tuples, mass, true);
  if (mass.size() > o.max_support) {
    fail(Errc::TooLarge, "the fixed point's support would grow to " + std::to_string(mass.size()) +
                             " components, above max_support = " + std::to_string(o.max_support));
  }
  return from_tuples(in, std::move(tuples), mass, x.tuples.empty() ? nullptr : &x, o.gaussian,
                     inner);
}

// Where each row of each plan starts: begin[j][i] .. begin[j][i + 1] (plans sorted by (i, k)).
std::vector<std::vector<std::size_t>> row_starts(std::size_t n,
                                                 const std::vector<std::vector<PlanEntry>> &plans) {
  std::vector<std::vector<std::size_t>> begin(plans.size(), std::vector<std::size_t>(n + 1, 0));
  for (std::size_t j = 0; j < plans.size(); ++j) {
    for (const PlanEntry &e : plans[j]) ++begin[j][e.i + 1];
    for (std::size_t i = 0; i < n; ++i) begin[j][i + 1] += begin[j][i];
  }
  return begin;
}

// Alg. 3: component i <- B of the J barycentric projections of row i; weights unchanged.
Iterate projection_step(const BarycenterInputs &in, const Iterate &x,
                        const std::vector<std::vector<PlanEntry>> &plans,
                        const FixedPointOptions &o, const Context &inner) {
  const Gmm &g = *x.gmm;
  const std::size_t n = g.k(), du = in.dim();
  const int d = static_cast<int>(du);
  const bool bures = o.method == FixedPointOptions::Method::BuresProjection;
  const ActiveInputs act = active_inputs(in);
  const auto begin = row_starts(n, plans);
  Components comp(n, du);
  const Context one = inner.limited(1);
  parallel_blocks(n, 1, inner, [&](std::size_t b0, std::size_t b1, unsigned) {
    std::vector<double> pm(act.index.size() * du), w, rm, sum(du * du), sym(du * du), mean(du);
    std::vector<CovFactor> pf(act.index.size()), rf;
    for (std::size_t i = b0; i < b1; ++i) {
      // No mass, or a mass at rounding level that the exact LP left out of some plan (fuzz
      // finding B2: a weight of 1e-17 gets no plan entry): no plan row, nothing moves it.
      bool empty_row = !(g.weights()[i] > 0.0);
      for (std::size_t a = 0; a < act.index.size() && !empty_row; ++a) {
        const std::size_t j = act.index[a];
        empty_row = begin[j][i] == begin[j][i + 1];
      }
      if (empty_row) {
        copy_component(g, i, i, comp);
        continue;
      }
      for (std::size_t a = 0; a < act.index.size(); ++a) {
        const std::size_t j = act.index[a];
        const Gmm &mu = *in.mixtures[j];
        const std::size_t e0 = begin[j][i], e1 = begin[j][i + 1];
        const std::string what = "the projection of component " + std::to_string(i) + " on gmms[" +
                                 std::to_string(j) + "]";
        // Row weights pi_j[i, l] / a_i; a_i is the row's own sum (equal to the weight up to
        // the LP's rounding), so they sum to 1.
        double row = 0.0;
        for (std::size_t e = e0; e < e1; ++e) row += plans[j][e].mass;
        if (!(row > 0.0)) fail(Errc::Internal, what + ": the plan row has no mass");
        if (e1 - e0 == 1) {  // one target: both projections are that component, exactly
          const std::size_t l = plans[j][e0].j;
          std::copy_n(mu.means().begin() + static_cast<std::ptrdiff_t>(l * du), du,
                      pm.begin() + static_cast<std::ptrdiff_t>(a * du));
          pf[a] = mu.factors()[l];
          continue;
        }
        w.clear();
        rm.clear();
        rf.clear();
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(mean.begin(), mean.end(), 0.0);
        for (std::size_t e = e0; e < e1; ++e) {
          const std::size_t l = plans[j][e].j;
          const double wl = plans[j][e].mass / row;
          w.push_back(wl);
          for (std::size_t c = 0; c < du; ++c) mean[c] += wl * mu.means()[l * du + c];
          if (bures) {
            rm.insert(rm.end(), mu.means().begin() + static_cast<std::ptrdiff_t>(l * du),
                      mu.means().begin() + static_cast<std::ptrdiff_t>((l + 1) * du));
            rf.push_back(mu.factors()[l]);
          } else {
            for (std::size_t c = 0; c < du * du; ++c)
              sum[c] += wl * mu.covariances()[l * du * du + c];
          }
        }
        if (bures) {
          const BarycenterResult r = ground_barycenter(d, w, rm, rf, o.gaussian, one, what);
          mean = r.gaussian.mean;
          sum = r.gaussian.cov;
        }
        std::copy(mean.begin(), mean.end(), pm.begin() + static_cast<std::ptrdiff_t>(a * du));
        validate_covariance(d, sum.data(), what, sym.data(), nullptr);
        pf[a] = factor_covariance(d, sym.data(), what);
      }
      const std::string what = "component " + std::to_string(i);
      // Warm start from the component it replaces, which later iterations move little: the
      // inner fixed point then takes fewer steps (5.4 instead of 8.5 on average in the d = 27,
      // K = 10 benchmark case).
      const BarycenterResult r = ground_barycenter(d, act.lambda, pm, pf, o.gaussian, one, what,
                                                   g.covariances().data() + i * du * du);
      store(d, i, r.gaussian.mean.data(), r.gaussian.cov.data(), what, comp);
    }
  });
  Iterate it;
  it.gmm = assemble(du, g.weights(), std::move(comp), in.mixtures[0]->family());
  return it;
}

// sum_j lambda_j sum_k pi_j(k) tr S_j^k: the scale of the rounding of the Bures terms of V
// (translation-invariant, unlike the means' second moment).
double trace_scale(const BarycenterInputs &in) {
  CompensatedSum s;
  for (std::size_t j = 0; j < in.count(); ++j) {
    const Gmm &mu = *in.mixtures[j];
    for (std::size_t k = 0; k < mu.k(); ++k)
      s.add(in.lambda[j] * mu.weights()[k] * mu.factors()[k].trace);
  }
  return s.value();
}

// Decreases of V below this fraction of (V_0 + trace_scale) are rounding (W2^2 entries are
// accurate to about 1e-15 of the traces and squared mean differences involved).
constexpr double kRoundingFloor = 1e-14;

}  // namespace

MixtureBarycenter mixture_barycenter_fixed_point(const BarycenterInputs &in,
                                                 std::shared_ptr<const Gmm> init,
                                                 const FixedPointOptions &options,
                                                 const Context &ctx) {
  options.validate();
  if (in.count() == 0 || in.lambda.size() != in.count())
    fail(Errc::InvalidArgument, "the barycenter inputs were not made by make_barycenter_inputs");
  if (init != nullptr && init->d() != in.dim()) {
    fail(Errc::Dimension, "init has dimension " + std::to_string(init->d()) +
                              " but the mixtures have dimension " + std::to_string(in.dim()));
  }
  if (init != nullptr)
    require_same_family(init->family(), "init", in.mixtures[0]->family(), "gmms[0]");
  ctx.check_interrupt();
  const Context inner = quiet(ctx);
  const bool glue = options.method == FixedPointOptions::Method::TrueFixedPoint;

  Iterate x = init != nullptr ? Iterate{std::move(init), {}} : random_start(in, options, inner);
  std::vector<std::vector<PlanEntry>> plans;
  double v = barycenter_energy(in, *x.gmm, options.exact, inner, &plans);

  MixtureBarycenter out;
  out.energies.push_back(v);
  const double floor = kRoundingFloor * (v + trace_scale(in));
  // The returned iterate: the last one with the lowest V. For Alg. 2 that is the last iterate
  // (V never increases beyond rounding, and ties go to the later one); Alg. 3 may increase V,
  // and then its previous iterate is the better answer.
  Iterate best = x;
  double best_v = v;
  std::vector<std::vector<PlanEntry>> best_plans = plans;
  out.converged = false;
  for (std::uint64_t t = 1; t <= options.max_iterations; ++t) {
    Iterate next = glue ? glue_step(in, x, plans, options, inner)
                        : projection_step(in, x, plans, options, inner);
    std::vector<std::vector<PlanEntry>> next_plans;
    const double vn = barycenter_energy(in, *next.gmm, options.exact, inner, &next_plans);
    out.energies.push_back(vn);
    out.iterations = t;
    if (vn <= best_v) {
      best = next;
      best_v = vn;
      best_plans = next_plans;
    }
    ctx.report(Stage::FixedPoint, t, options.max_iterations, vn);
    // V_t - V_{t+1} <= tol V_t: converged, or (Alg. 3 only, beyond rounding) V went up. With
    // V_t = 0 this stops after the first iteration. The floor stops a V that has reached the
    // rounding level of its own terms (e.g. one-hot lambda: V -> 0 up to the Bures terms'
    // rounding, about 1e-16 of the traces), where relative decreases are noise.
    const bool stop = v - vn <= options.tolerance * v + floor;
    x = std::move(next);
    plans = std::move(next_plans);
    v = vn;
    if (stop) {
      out.converged = true;
      break;
    }
  }
  // As in take_lp_solution: an overflowing energy is GMMOT_E_OVERFLOW, not an infinite cost.
  if (!std::isfinite(best_v))
    throw Error(Errc::Overflow,
                "barycenter: the energy sum_j lambda_j MW2^2(barycenter, mu_j) exceeds the largest "
                "double (scale the inputs down)");
  out.barycenter = std::move(best.gmm);
  out.cost = best_v;
  out.plans = std::move(best_plans);
  // Empty when the returned iterate is the given init (its components come from no tuple).
  if (glue) out.tuples = std::move(best.tuples);
  return out;
}

}  // namespace gmmot
