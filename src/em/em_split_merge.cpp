// SPDX-License-Identifier: MIT
// Split-and-merge EM (Ueda, Nakano, Ghahramani and Hinton, Neural Computation 12(9), 2000, the
// "SMEM" algorithm, section 3). EM stops at a local maximum of the likelihood; on real data such
// as image patches these differ a lot (bench/run_maps_em.sh, d = 27: 80.4 to 81.0 between
// seeds) and typically put two components on one cluster while another component covers two.
// A round, from the converged fit theta*:
//  1. one pass over the data computes, with posteriors r_ic and point weights w_i,
//     the merge criterion J_merge(a, b) = sum_i w_i r_ia r_ib / sqrt(sum w r_a^2 sum w r_b^2)
//     (Ueda et al. eq. 3.2, normalised as in their section 5 so that large components do not
//     dominate: the cosine between the posterior vectors), and the split criterion, the local
//     Kullback-Leibler divergence J_split(c) = sum_i f_ic log(f_ic / p_c(x_i)) between the
//     component's local data density f_ic = w_i r_ic / sum_j w_j r_jc and its Gaussian p_c
//     (eq. 3.3; a component that is a poor model of the points it explains scores high);
//  2. candidate moves (a, b, c), c not in {a, b}, in Ueda's order: merge pairs by decreasing
//     J_merge, and for each pair the split components by decreasing J_split (ties to lower
//     indices); the first `candidates` are tried (Ueda et al. use 5);
//  3. a move: a and b become one component with their summed weight and the moments of their
//     two-component mixture (mean and covariance matched); c becomes two components of half its
//     weight at mu_c +- sqrt(lambda) v / 2 with covariance S_c - lambda v v^T / 4, (lambda, v) the
//     leading eigenpair of S_c, which keeps the first two moments of c. EM (with over-relaxation,
//     em.cpp) runs from there to convergence. Ueda et al. first run a "partial EM" on the three
//     new components only; we skip it: in our measurements on the d = 27 patches the full EM
//     reaches the same maximum from the moment-matched start;
//  4. the first move whose converged log-likelihood exceeds that of theta* by more than the
//     convergence tolerance replaces theta*, and a new round starts; if none does, the fit ends.
//     On large data (n >= 2 kScreenPoints) running EM to convergence on all the points for every
//     candidate cost most of the fit (786432 pixels, K = 10: 7.8 times plain EM's time), so the
//     candidates are screened instead, in the spirit of Ueda's partial EM (a cheap EM that only
//     has to rank the moves): every (n / kScreenPoints)-th point forms a subsample (same
//     normalised coordinates, so parameters carry over); EM runs to convergence on it from
//     theta* (the baseline: theta* is not a maximum of the subsample's likelihood) and from
//     each of the `candidates` moves; the moves that beat the baseline by more than the
//     tolerance go, best first and at most kScreenFullRuns of them, to EM on all the points,
//     started from their screened parameters (close to the maximum, so it takes few passes);
//     the first that beats theta* on all the points is accepted as above. Acceptance is decided
//     on all the points only, so the guarantee below holds as before.
// At most K rounds are made. The log-likelihood of the returned fit is never lower than that of
// the fit EM converged to first: every accepted move raised it.
#include "em/em_split_merge.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "linalg/dense.hpp"

namespace gmmot::em {
namespace {

constexpr double kPrune = 0x1p-60;  // responsibilities below this are left out of the criteria

// Per slot: [cross (K x K, upper triangle used), n (K), A (K), B (K), scratch (K)], with
// n_c = sum w r_c, A_c = sum w r_c log(w r_c), B_c = sum w r_c lp_c, lp_c = log pi_c + log p_c.
class Criteria final : public BlockObserver {
 public:
  Criteria(std::size_t k, std::size_t slots)
      : k_(k),
        size_(k * k + 4 * k),
        slot_(slots, std::vector<double>(size_, 0.0)),
        live_(slots),
        total_(size_) {}

  void block(std::size_t slot, std::size_t b, const double *e, const double *m, const double *inv_s,
             const double *w) override {
    const std::size_t k = k_;
    double *cross = slot_[slot].data(), *n = cross + k * k, *a = n + k, *bb = a + k;
    double *r = bb + k;
    std::vector<std::size_t> &live = live_[slot];
    for (std::size_t i = 0; i < b; ++i) {
      if (!(w[i] > 0)) continue;
      const double log_w = std::log(w[i]), log_s = -std::log(inv_s[i]);
      live.clear();
      for (std::size_t c = 0; c < k; ++c) {
        const double ec = e[c * b + i];
        r[c] = ec * inv_s[i];
        if (!(r[c] >= kPrune)) continue;
        live.push_back(c);
        const double wr = w[i] * r[c], log_e = std::log(ec);
        n[c] += wr;
        a[c] += wr * (log_w + log_e - log_s);
        bb[c] += wr * (log_e + m[i]);
      }
      for (std::size_t p = 0; p < live.size(); ++p) {
        const std::size_t c = live[p];
        const double wr = w[i] * r[c];
        for (std::size_t q = p; q < live.size(); ++q) cross[c * k + live[q]] += wr * r[live[q]];
      }
    }
  }

  void reduce(std::size_t slot) override {
    std::vector<double> &s = slot_[slot];
    for (std::size_t i = 0; i < size_; ++i) total_[i] += s[i];
    std::fill(s.begin(), s.end(), 0.0);
  }

  double cross(std::size_t a, std::size_t b) const { return total_[a * k_ + b]; }
  double n(std::size_t c) const { return total_[k_ * k_ + c]; }
  double a(std::size_t c) const { return total_[k_ * k_ + k_ + c]; }
  double b(std::size_t c) const { return total_[k_ * k_ + 2 * k_ + c]; }

 private:
  std::size_t k_, size_;
  std::vector<std::vector<double>> slot_;
  std::vector<std::vector<std::size_t>> live_;  // per slot: the components with r >= kPrune
  std::vector<double> total_;
};

// The first `count` moves in Ueda's order (header comment, step 2).
std::vector<Move> rank_moves(const Params &p, const Criteria &cr, std::size_t count) {
  const std::size_t k = p.k;
  const double ninf = -std::numeric_limits<double>::infinity();
  std::vector<double> split(k, ninf);
  for (std::size_t c = 0; c < k; ++c) {
    const double nc = cr.n(c);
    if (!(nc > 0) || !(p.weight[c] > 0)) continue;  // nothing to split
    const double v = (cr.a(c) / nc - std::log(nc)) - (cr.b(c) / nc - std::log(p.weight[c]));
    if (std::isfinite(v)) split[c] = v;
  }
  struct Pair {
    double score;
    std::size_t a, b;
  };
  std::vector<Pair> pairs;
  for (std::size_t a = 0; a < k; ++a)
    for (std::size_t b = a + 1; b < k; ++b) {
      const double den = std::sqrt(cr.cross(a, a) * cr.cross(b, b));
      const double v = den > 0 ? cr.cross(a, b) / den : 0.0;
      pairs.push_back({std::isfinite(v) ? v : 0.0, a, b});
    }
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const Pair &x, const Pair &y) { return x.score > y.score; });
  std::vector<std::size_t> order(k);
  for (std::size_t c = 0; c < k; ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return split[x] > split[y]; });
  std::vector<Move> moves;
  for (const Pair &pr : pairs) {
    for (std::size_t c : order) {
      if (moves.size() == count) return moves;
      if (c == pr.a || c == pr.b || split[c] == ninf) continue;
      moves.push_back({pr.a, pr.b, c});
    }
  }
  return moves;
}

// s = L L^T (full, column-major) for component c.
void covariance(const Params &p, std::size_t c, double *s) {
  linalg::aat(static_cast<int>(p.d), p.chol.data() + c * p.d * p.d, s);
}

}  // namespace

bool split_merge_move(const Params &p, const Move &mv, double scale2, Params &q) {
  const std::size_t d = p.d, dd = d * d;
  const int di = static_cast<int>(d);
  std::vector<double> s(dd), t(dd), lambda(d);
  // Split c.
  covariance(p, mv.c, s.data());
  t = s;
  linalg::sym_eig(di, t.data(), lambda.data());
  const double top = lambda[d - 1];
  if (!(top > 0) || !std::isfinite(top)) return false;
  const double *v = t.data() + (d - 1) * d;  // eigenvalues ascending: the last column
  q = p;
  const double half = 0.5 * std::sqrt(top);
  for (std::size_t j = 0; j < d; ++j)
    for (std::size_t i = 0; i < d; ++i) s[i + j * d] -= 0.25 * top * v[i] * v[j];
  std::vector<double> l(dd);
  regularised_cholesky(di, s.data(), 0.0, scale2, l.data());
  for (std::size_t side = 0; side < 2; ++side) {
    const std::size_t slot = side == 0 ? mv.b : mv.c;
    const double sign = side == 0 ? 1.0 : -1.0;
    q.weight[slot] = 0.5 * p.weight[mv.c];
    for (std::size_t j = 0; j < d; ++j)
      q.mean[slot * d + j] = p.mean[mv.c * d + j] + sign * half * v[j];
    std::copy(l.begin(), l.end(), q.chol.begin() + slot * dd);
  }
  // Merge a and b into a.
  const double wa = p.weight[mv.a], wb = p.weight[mv.b], w = wa + wb;
  q.weight[mv.a] = w;
  if (!(wa > 0) || !(wb > 0)) {  // one side is empty: the merge is the other component
    const std::size_t keep = wa > 0 ? mv.a : mv.b;
    std::copy(p.mean.begin() + keep * d, p.mean.begin() + (keep + 1) * d,
              q.mean.begin() + mv.a * d);
    std::copy(p.chol.begin() + keep * dd, p.chol.begin() + (keep + 1) * dd,
              q.chol.begin() + mv.a * dd);
    return true;
  }
  std::vector<double> mu(d), sa(dd), sb(dd);
  for (std::size_t j = 0; j < d; ++j)
    mu[j] = (wa * p.mean[mv.a * d + j] + wb * p.mean[mv.b * d + j]) / w;
  covariance(p, mv.a, sa.data());
  covariance(p, mv.b, sb.data());
  for (std::size_t j = 0; j < d; ++j)
    for (std::size_t i = 0; i < d; ++i) {
      const double da_i = p.mean[mv.a * d + i] - mu[i], da_j = p.mean[mv.a * d + j] - mu[j];
      const double db_i = p.mean[mv.b * d + i] - mu[i], db_j = p.mean[mv.b * d + j] - mu[j];
      s[i + j * d] = (wa * (sa[i + j * d] + da_i * da_j) + wb * (sb[i + j * d] + db_i * db_j)) / w;
    }
  regularised_cholesky(di, s.data(), 0.0, scale2, l.data());
  std::copy(mu.begin(), mu.end(), q.mean.begin() + mv.a * d);
  std::copy(l.begin(), l.end(), q.chol.begin() + mv.a * dd);
  return true;
}

std::vector<Move> split_merge_candidates(Fit &fit, const Params &p, std::size_t count) {
  Criteria cr(p.k, fit.slots());
  fit.observe(p, cr);
  return rank_moves(p, cr, count);
}

Data subsample(const Data &data, std::size_t stride) {
  Data s;
  s.n = (data.n + stride - 1) / stride;
  s.d = data.d;
  s.block = data.block;
  s.nblocks = (s.n + s.block - 1) / s.block;
  s.chunk_blocks = data.chunk_blocks;
  s.nchunks = (s.nblocks + s.chunk_blocks - 1) / s.chunk_blocks;
  s.soa = data.soa;
  s.scale2 = data.scale2;
  s.centre = data.centre;
  s.exp_a = data.exp_a;
  s.exp_s = data.exp_s;
  const std::size_t d = s.d, np = s.padded();
  s.w.assign(np, 0.0);
  s.x.assign(np * d, 0.0);
  for (std::size_t i = 0; i < s.n; ++i) {
    const std::size_t src = i * stride;
    const double w = data.w[src];
    if (!(w > 0)) continue;  // stays at the origin with weight 0, like the padding
    s.w[i] = w;
    ++s.positive;
    s.total_weight += w;
    const std::size_t b = i / s.block, p = i % s.block;
    for (std::size_t j = 0; j < d; ++j) {
      const double v = data.coord(src, j);
      if (s.soa)
        s.x[(b * d + j) * s.block + p] = v;
      else
        s.x[(b * s.block + p) * d + j] = v;
    }
  }
  return s;
}

namespace {

// Ueda's procedure on all the data (header comment, step 4): the first move that raises l wins.
void rounds_full(Fit &fit, unsigned candidates, Fit::Outcome &best) {
  const std::size_t k = best.params.k;
  for (std::size_t round = 0; round < k; ++round) {
    const std::vector<Move> moves = split_merge_candidates(fit, best.params, candidates);
    ++best.passes;
    bool accepted = false;
    for (const Move &mv : moves) {
      Params q;
      if (!split_merge_move(best.params, mv, fit.data().scale2, q)) continue;
      Fit::Outcome o = fit.iterate(std::move(q));
      best.passes += o.passes;
      if (o.ll_norm > best.ll_norm + fit.tolerance_at(best.ll_norm)) {
        o.passes = best.passes;
        o.moves = best.moves + 1;
        o.reseeded += best.reseeded;
        best = std::move(o);
        accepted = true;
        break;
      }
    }
    if (!accepted) return;
  }
}

// Screened rounds (header comment, step 4 for large n): every candidate, and the unmoved fit
// as the baseline, is run to convergence on the subsample `screen`; the candidates that beat
// the baseline there are run on all the data, best first, from their screened parameters, and
// the first that raises l on all the data is kept. screen_points counts the subsample's work.
void rounds_screened(Fit &fit, Fit &screen, unsigned candidates, Fit::Outcome &best,
                     double &screen_points) {
  const std::size_t k = best.params.k;
  const double m = static_cast<double>(screen.data().n);
  for (std::size_t round = 0; round < k; ++round) {
    const std::vector<Move> moves = split_merge_candidates(fit, best.params, candidates);
    ++best.passes;
    const Fit::Outcome base = screen.iterate(best.params);
    screen_points += static_cast<double>(base.passes) * m;
    const double bar = base.ll_norm + screen.tolerance_at(base.ll_norm);
    std::vector<Fit::Outcome> winners;
    for (const Move &mv : moves) {
      Params q;
      if (!split_merge_move(best.params, mv, fit.data().scale2, q)) continue;
      Fit::Outcome o = screen.iterate(std::move(q));
      screen_points += static_cast<double>(o.passes) * m;
      if (o.ll_norm > bar) winners.push_back(std::move(o));
    }
    std::stable_sort(
        winners.begin(), winners.end(),
        [](const Fit::Outcome &x, const Fit::Outcome &y) { return x.ll_norm > y.ll_norm; });
    if (winners.size() > kScreenFullRuns) winners.resize(kScreenFullRuns);
    bool accepted = false;
    for (Fit::Outcome &w : winners) {
      Fit::Outcome o = fit.iterate(std::move(w.params));
      best.passes += o.passes;
      if (o.ll_norm > best.ll_norm + fit.tolerance_at(best.ll_norm)) {
        o.passes = best.passes;
        o.moves = best.moves + 1;
        o.reseeded += best.reseeded;
        best = std::move(o);
        accepted = true;
        break;
      }
    }
    if (!accepted) return;
  }
}

}  // namespace

void split_merge(Fit &fit, unsigned candidates, Fit::Outcome &best) {
  const std::size_t k = best.params.k;
  if (candidates == 0 || k < 3 || k > kSplitMergeMaxComponents) return;
  const std::size_t stride = fit.data().n / kScreenPoints;
  if (stride < 2) {
    rounds_full(fit, candidates, best);
    return;
  }
  const Data sub = subsample(fit.data(), stride);
  if (sub.positive < std::min<std::size_t>(kScreenPoints, fit.data().positive) / 2) {
    rounds_full(fit, candidates, best);  // the weight sits on points the subsample misses
    return;
  }
  Fit screen(sub, fit.options(), fit.context(), fit.team());
  double screen_points = 0;
  rounds_screened(fit, screen, candidates, best, screen_points);
  best.passes +=
      static_cast<std::uint64_t>(std::ceil(screen_points / static_cast<double>(fit.data().n)));
}

}  // namespace gmmot::em
