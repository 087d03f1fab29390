// SPDX-License-Identifier: MIT
// The exact MW2 barycenter (Delon-Desolneux 2020, section 5, Prop. 7-8): the multi-marginal LP
// over the prod_j K_j component tuples, by column generation (lp/column_simplex.hpp).
//
// Pricing needs min_t C_t - sum_j u_j(t_j) over all tuples, but C_t costs a Gaussian barycenter.
// For any multi-coupling of the tuple's Gaussians, with sum_j lambda_j = 1,
//   E sum_j lambda_j |X_j - sum_i lambda_i X_i|^2 = sum_{i<j} lambda_i lambda_j E|X_i - X_j|^2,
// and the left side at its minimum is C_t (Agueh-Carlier 2011, Prop. 4.2), while each
// E|X_i - X_j|^2 >= W2^2(mu_i^{t_i}, mu_j^{t_j}). So
//   C_t >= L_t = sum_{i<j} lambda_i lambda_j W2^2(mu_i^{t_i}, mu_j^{t_j}),
// with equality when the covariances commute (d = 1 included). L_t is a sum of pairwise
// table lookups: the scan over all tuples uses it, and only tuples with L_t - sum u < 0 (the
// only ones that can price out) get their barycenter, computed once and cached.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "lp/north_west.hpp"
#include "mw2/barycenter_lp.hpp"
#include "mw2/mixture_barycenter.hpp"
#include "util/compensated_sum.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace gmmot {

namespace {

using detail::MarginalRows;

struct Candidate {
  std::uint64_t key;
  double reduced;  // bound (unevaluated) or exact reduced cost
  bool operator<(const Candidate &o) const {
    return reduced < o.reduced || (reduced == o.reduced && key < o.key);
  }
};

// max_k |m_k|^2 + tr S_k: the scale of the rounding of any W2^2 involving g's components.
double second_moment(const Gmm &g) {
  double big = 0;
  for (std::size_t k = 0; k < g.k(); ++k) {
    double m2 = g.factors()[k].trace;
    for (std::size_t i = 0; i < g.d(); ++i)
      m2 += g.means()[k * g.d() + i] * g.means()[k * g.d() + i];
    big = std::max(big, m2);
  }
  return big;
}

class TupleOracle final : public ColumnOracle {
 public:
  TupleOracle(const BarycenterInputs &in, const MarginalRows &rows,
              const MultimarginalOptions &options, const Context &ctx)
      : in_(in), rows_(rows), options_(options), ctx_(ctx), j_(in.count()) {
    radix_.assign(j_, 1);
    for (std::size_t q = j_; q-- > 1;) radix_[q - 1] = radix_[q] * rows_.k[q];
    // lambda_i lambda_j W2^2 tables of every pair i < j (the pairwise lower bound).
    pair_.resize(j_ * j_);
    for (std::size_t a = 0; a < j_; ++a) {
      for (std::size_t c = a + 1; c < j_; ++c) {
        const Gmm &ga = *in_.mixtures[a];
        const Gmm &gc = *in_.mixtures[c];
        auto &t = pair_[a * j_ + c];
        t.resize(ga.k() * gc.k());
        w2_cost_matrix(static_cast<int>(in_.dim()), ga.means().data(), ga.factors(),
                       gc.means().data(), gc.factors(), ctx_, t.data());
        const double w = in_.lambda[a] * in_.lambda[c];
        double big = 0;
        for (double &v : t) {
          v *= w;
          big = std::max(big, v);
        }
        bound_scale_ += big;
        // An entry's rounding error scales with |m|^2 + tr S of its two Gaussians, not with the
        // entry (numerics.md A.3): close components with large traces have tiny, inexact W2^2.
        magnitude_ += w * (second_moment(ga) + second_moment(gc));
      }
    }
  }

  double bound_scale() const { return bound_scale_; }
  std::uint64_t evaluated() const { return cache_.size(); }
  const std::vector<double> &pair_table(std::size_t a, std::size_t c) const {
    return pair_[a * j_ + c];
  }

  void decode(std::uint64_t key, std::size_t *t) const {
    for (std::size_t q = 0; q < j_; ++q) {
      t[q] = static_cast<std::size_t>(key / radix_[q]);
      key %= radix_[q];
    }
  }
  std::uint64_t encode(const std::size_t *t) const {
    std::uint64_t key = 0;
    for (std::size_t q = 0; q < j_; ++q) key += t[q] * radix_[q];
    return key;
  }

  LpColumn column(std::uint64_t key, double cost) const {
    LpColumn c;
    std::vector<std::size_t> t(j_);
    decode(key, t.data());
    for (std::size_t q = 0; q < j_; ++q) {
      const std::ptrdiff_t r = rows_.row_of[rows_.offset[q] + t[q]];
      if (r >= 0) {
        c.rows.push_back(static_cast<std::uint32_t>(r));
        c.values.push_back(1.0);
      }
    }
    c.cost = cost;
    c.key = key;
    return c;
  }

  // Exact costs of the keys not yet cached, in parallel (one tuple per block: the order of
  // evaluation does not change any value).
  void evaluate(const std::vector<std::uint64_t> &keys) {
    std::vector<std::uint64_t> todo;
    for (std::uint64_t k : keys) {
      if (cache_.find(k) == cache_.end()) todo.push_back(k);
    }
    std::vector<double> cost(todo.size());
    Context inner(1);
    inner.interrupt = ctx_.interrupt;
    parallel_blocks(todo.size(), 1, ctx_, [&](std::size_t b, std::size_t e, unsigned) {
      std::vector<std::size_t> t(j_);
      for (std::size_t i = b; i < e; ++i) {
        decode(todo[i], t.data());
        cost[i] = detail::tuple_barycenter(in_, t.data(), options_.gaussian, inner).cost;
      }
    });
    for (std::size_t i = 0; i < todo.size(); ++i) cache_.emplace(todo[i], cost[i]);
  }
  double cost(std::uint64_t key) const { return cache_.at(key); }

  double price(const std::vector<double> &y, double tolerance, std::size_t limit,
               const std::unordered_set<std::uint64_t> &pooled,
               std::vector<LpColumn> &out) override {
    pooled_ = &pooled;
    u_.assign(rows_.total(), 0.0);
    for (std::size_t e = 0; e < rows_.total(); ++e) {
      if (rows_.row_of[e] >= 0) u_[e] = y[static_cast<std::size_t>(rows_.row_of[e])];
    }
    // The bound's own rounding, with room: each W2^2 entry is accurate to about 1e-15 of its
    // Gaussians' second moments, and the sums subtract duals of their own magnitude.
    double duals = 0;
    for (std::size_t q = 0; q < j_; ++q) {
      double big = 0;
      for (std::size_t k = 0; k < rows_.k[q]; ++k)
        big = std::max(big, std::abs(u_[rows_.offset[q] + k]));
      duals += big;
    }
    margin_ = 1e-13 * (magnitude_ + duals);
    for (;;) {
      std::vector<Candidate> fresh, known;
      double floor = scan(tolerance, fresh, known);
      std::sort(known.begin(), known.end());
      std::sort(fresh.begin(), fresh.end());
      // Evaluate the most promising unevaluated tuples in growing batches until enough
      // columns price out or none is left.
      // A fixed first batch (not one per thread): which tuples are evaluated, and so the columns
      // returned and the pivot path, must not depend on the thread count.
      std::size_t next = 0, batch = 32;
      while (known.size() < limit && next < fresh.size()) {
        const std::size_t end = std::min(fresh.size(), next + batch);
        std::vector<std::uint64_t> keys;
        for (std::size_t i = next; i < end; ++i) keys.push_back(fresh[i].key);
        evaluate(keys);
        for (std::size_t i = next; i < end; ++i) {
          const double red = reduced(fresh[i].key, cache_.at(fresh[i].key));
          floor = std::min(floor, red);
          if (red < -tolerance && pooled.count(fresh[i].key) == 0)
            known.push_back({fresh[i].key, red});
        }
        next = end;
        batch *= 2;
      }
      for (std::size_t i = next; i < fresh.size(); ++i) floor = std::min(floor, fresh[i].reduced);
      if (!known.empty() || !truncated_) {
        std::sort(known.begin(), known.end());
        if (known.size() > limit) known.resize(limit);
        for (const auto &c : known) out.push_back(column(c.key, cache_.at(c.key)));
        return floor;
      }
      // The scan kept only the best candidates and all of them were evaluated without a
      // negative one: scan again (the evaluated ones are exact now), keeping four times as many
      // candidates, so that the number of full scans grows only logarithmically.
      cap_ *= 4;
    }
  }

 private:
  double reduced(const std::size_t *t, double c) const {
    CompensatedSum s;
    s.add(c);
    for (std::size_t q = 0; q < j_; ++q) s.add(-u_[rows_.offset[q] + t[q]]);
    return s.value();
  }
  double reduced(std::uint64_t key, double c) const {
    std::vector<std::size_t> t(j_);
    decode(key, t.data());
    return reduced(t.data(), c);
  }

  // One pass over every tuple: `known` gets the cached tuples that price out, `fresh` the best
  // cap_ uncached tuples whose bound may price out; returns a lower bound of the reduced
  // cost of every other tuple.
  double scan(double tolerance, std::vector<Candidate> &fresh, std::vector<Candidate> &known) {
    const std::size_t k0 = rows_.k[0];
    const std::size_t last = j_ - 1;
    const std::size_t kl = rows_.k[last];
    std::vector<std::vector<Candidate>> fresh_of(k0), known_of(k0);
    std::vector<double> floor_of(k0, 0.0);
    std::vector<char> cut_of(k0, 0);
    const std::size_t cap = cap_;
    parallel_blocks(k0, 1, ctx_, [&](std::size_t b, std::size_t e, unsigned) {
      std::vector<std::size_t> t(j_, 0);
      std::vector<double> partial(j_, 0.0), row(kl);
      for (std::size_t t0 = b; t0 < e; ++t0) {
        auto &fr = fresh_of[t0];
        auto &kn = known_of[t0];
        double floor = 0;
        bool cut = false;
        std::fill(t.begin(), t.end(), 0);
        t[0] = t0;
        // partial[q] = bound terms among t_0..t_q minus their duals.
        auto refresh = [&](std::size_t from) {
          for (std::size_t q = from; q < last; ++q) {
            double s = (q == 0 ? 0.0 : partial[q - 1]) - u_[rows_.offset[q] + t[q]];
            for (std::size_t a = 0; a < q; ++a) {
              s += pair_[a * j_ + q][t[a] * rows_.k[q] + t[q]];
            }
            partial[q] = s;
          }
        };
        refresh(0);
        for (;;) {
          // The last index in one vector pass.
          const double base = last == 0 ? 0.0 : partial[last - 1];
          for (std::size_t c = 0; c < kl; ++c) row[c] = base - u_[rows_.offset[last] + c];
          for (std::size_t a = 0; a < last; ++a) {
            const double *p = &pair_[a * j_ + last][t[a] * kl];
            for (std::size_t c = 0; c < kl; ++c) row[c] += p[c];
          }
          for (std::size_t c = 0; c < kl; ++c) {
            const double lb = row[c] - margin_;
            if (!(lb < -tolerance)) {
              floor = std::min(floor, lb);
              continue;
            }
            t[last] = c;
            const std::uint64_t key = encode(t.data());
            const auto hit = cache_.find(key);
            if (hit != cache_.end()) {
              const double red = reduced(t.data(), hit->second);
              floor = std::min(floor, red);
              if (red < -tolerance && pooled_->count(key) == 0) kn.push_back({key, red});
              continue;
            }
            fr.push_back({key, lb});
            if (fr.size() >= 2 * cap) {
              std::nth_element(fr.begin(), fr.begin() + static_cast<std::ptrdiff_t>(cap), fr.end());
              for (std::size_t i = cap; i < fr.size(); ++i) floor = std::min(floor, fr[i].reduced);
              fr.resize(cap);
              cut = true;
            }
          }
          // Odometer over the middle indices t_1 .. t_{J-2} (t_0 is the block's, t_{J-1} the
          // vector pass's).
          if (last <= 1) break;
          std::size_t q = last - 1;
          bool done = false;
          while (++t[q] == rows_.k[q]) {
            t[q] = 0;
            if (q == 1) {
              done = true;
              break;
            }
            --q;
          }
          if (done) break;
          ctx_.check_interrupt();  // a t_0 block can hold prod_{q >= 1} K_q tuples
          refresh(q);
        }
        floor_of[t0] = floor;
        cut_of[t0] = cut;
      }
    });
    double floor = 0;
    truncated_ = false;
    for (std::size_t t0 = 0; t0 < k0; ++t0) {
      floor = std::min(floor, floor_of[t0]);
      truncated_ = truncated_ || cut_of[t0];
      fresh.insert(fresh.end(), fresh_of[t0].begin(), fresh_of[t0].end());
      known.insert(known.end(), known_of[t0].begin(), known_of[t0].end());
    }
    if (fresh.size() > cap) {
      std::nth_element(fresh.begin(), fresh.begin() + static_cast<std::ptrdiff_t>(cap),
                       fresh.end());
      for (std::size_t i = cap; i < fresh.size(); ++i) floor = std::min(floor, fresh[i].reduced);
      fresh.resize(cap);
      truncated_ = true;
    }
    return floor;
  }

  std::size_t cap_ = std::size_t{1} << 16;  // candidates kept per scan

  const BarycenterInputs &in_;
  const MarginalRows &rows_;
  const MultimarginalOptions &options_;
  const Context &ctx_;
  std::size_t j_;
  std::vector<std::uint64_t> radix_;
  std::vector<std::vector<double>> pair_;
  double bound_scale_ = 0;
  double margin_ = 0;
  double magnitude_ = 0;  // sum_{i<j} lambda_i lambda_j (max second moment of mu_i + of mu_j)
  bool truncated_ = false;
  std::vector<double> u_;
  const std::unordered_set<std::uint64_t> *pooled_ = nullptr;  // the caller's columns
  std::unordered_map<std::uint64_t, double> cache_;
};

// A feasible start close to the optimum: exact plans between mu_0 and each mu_j on the
// pairwise costs, glued by the North-West rule (a multi-coupling with the right marginals).
std::vector<std::uint64_t> start_tuples(const BarycenterInputs &in, const TupleOracle &oracle,
                                        const Context &ctx) {
  const std::size_t j = in.count();
  std::vector<std::vector<PlanEntry>> plans;
  for (std::size_t q = 1; q < j; ++q) {
    const Gmm &a = *in.mixtures[0];
    const Gmm &c = *in.mixtures[q];
    plans.push_back(transport_exact(a.k(), c.k(), a.weights().data(), c.weights().data(),
                                    oracle.pair_table(0, q).data(), ExactOptions{}, ctx)
                        .plan);
  }
  const Gluing g = north_west_gluing(in.mixtures[0]->k(), plans);
  std::vector<std::uint64_t> keys;
  for (std::size_t n = 0; n < g.count(); ++n) keys.push_back(oracle.encode(&g.tuples[n * j]));
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

MixtureBarycenter single_mixture(const BarycenterInputs &in) {
  MixtureBarycenter out;
  const Gmm &g = *in.mixtures[0];
  out.barycenter = in.mixtures[0];
  out.plans.resize(1);
  for (std::size_t k = 0; k < g.k(); ++k) {
    out.tuples.push_back(k);
    out.plans[0].push_back({k, k, g.weights()[k]});
  }
  out.duals.assign(g.k(), 0.0);
  out.energies = {0.0};
  return out;
}

}  // namespace

MixtureBarycenter mixture_barycenter_exact(const BarycenterInputs &in,
                                           const MultimarginalOptions &options,
                                           const Context &ctx) {
  options.validate();
  const std::size_t j = in.count();
  double tuples = 1;
  for (const auto &g : in.mixtures) tuples *= static_cast<double>(g->k());
  if (tuples > options.max_tuples) {
    fail(Errc::TooLarge,
         "the exact barycenter has " + fmt(tuples) +
             " component tuples (prod_j K_j), more than max_tuples = " + fmt(options.max_tuples));
  }
  if (j == 1) return single_mixture(in);

  const MarginalRows rows = detail::marginal_rows(in);
  TupleOracle oracle(in, rows, options, ctx);
  std::vector<double> b(rows.rows);
  for (std::size_t q = 0; q < j; ++q) {
    const auto &w = in.mixtures[q]->weights();
    for (std::size_t k = 0; k < w.size(); ++k) {
      const std::ptrdiff_t r = rows.row_of[rows.offset[q] + k];
      if (r >= 0) b[static_cast<std::size_t>(r)] = w[k];
    }
  }
  const std::vector<std::uint64_t> start = start_tuples(in, oracle, ctx);
  oracle.evaluate(start);
  std::vector<LpColumn> initial;
  double scale = oracle.bound_scale();
  for (std::uint64_t key : start) {
    initial.push_back(oracle.column(key, oracle.cost(key)));
    scale = std::max(scale, oracle.cost(key));
  }
  ColumnSimplexOptions so;
  so.max_iterations = detail::pivot_cap(options, rows.total());
  so.cost_scale = scale > 0 ? scale : 1.0;
  ColumnSimplexResult lp = column_simplex(b, std::move(initial), oracle, so, ctx);

  // Components in tuple order, so that the result does not depend on the pivoting history.
  std::vector<std::size_t> order(lp.columns.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t c) { return lp.columns[a].key < lp.columns[c].key; });
  const std::size_t n = order.size();
  const std::size_t d = in.dim();
  MixtureBarycenter out;
  out.tuples.resize(n * j);
  std::vector<double> weights(n), means(n * d), covs(n * d * d);
  for (std::size_t i = 0; i < n; ++i) {
    oracle.decode(lp.columns[order[i]].key, &out.tuples[i * j]);
    weights[i] = lp.x[order[i]];
  }
  Context inner(1);
  inner.interrupt = ctx.interrupt;
  parallel_blocks(n, 1, ctx, [&](std::size_t b0, std::size_t e0, unsigned) {
    for (std::size_t i = b0; i < e0; ++i) {
      const auto tb = detail::tuple_barycenter(in, &out.tuples[i * j], options.gaussian, inner);
      std::copy(tb.gaussian.mean.begin(), tb.gaussian.mean.end(), means.begin() + i * d);
      std::copy(tb.gaussian.cov.begin(), tb.gaussian.cov.end(), covs.begin() + i * d * d);
    }
  });
  out.barycenter = std::make_shared<const Gmm>(Gmm::with_family(
      Gmm(n, d, weights.data(), means.data(), covs.data(), nullptr), in.mixtures[0]->family()));
  out.plans.resize(j);
  std::vector<std::vector<CompensatedSum>> marginal(j);
  for (std::size_t q = 0; q < j; ++q) marginal[q].resize(rows.k[q]);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t q = 0; q < j; ++q) {
      const std::size_t k = out.tuples[i * j + q];
      out.plans[q].push_back({i, k, weights[i]});
      marginal[q][k].add(weights[i]);
    }
  }
  for (std::size_t q = 0; q < j; ++q) {
    const auto &w = in.mixtures[q]->weights();
    for (std::size_t k = 0; k < w.size(); ++k) {
      out.certificate.primal_infeasibility =
          std::max(out.certificate.primal_infeasibility, std::abs(marginal[q][k].value() - w[k]));
    }
  }
  detail::take_lp_solution(rows, lp, out);
  out.tuple_costs = oracle.evaluated();
  return out;
}

}  // namespace gmmot
