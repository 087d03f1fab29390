// SPDX-License-Identifier: MIT
// EM for Gaussian mixtures with full covariances (numerics.md D.4). The structure follows
// scikit-learn's GaussianMixture (Cholesky parametrisation, log-determinant from the diagonal,
// max-shifted log-sum-exp), with the E and M steps fused and blocked (em_kernel.cpp), a
// k-means++ initialisation (kmeans_init.cpp) and, optionally, split-and-merge moves once the
// best initialisation has converged (em_split_merge.cpp).
//
// Everything runs on a normalised copy of the data (em_detail.hpp): centred, and scaled by
// powers of two to a mean per-dimension variance s in [1, 4). The fitted mixture is mapped back
// exactly (means 2^a (c + 2^b mu), covariances 4^(a+b) S) and the log-likelihood is shifted by the
// Jacobian, so the fit does not depend on the units of the data, and data of any magnitude
// neither overflows nor underflows.
//
// Iterations t = 0, 1, ...: a pass over the data with the parameters theta_t gives the mean
// log-likelihood l_t = sum_i w_i log p(x_i) / sum_i w_i and the sufficient statistics, and the
// M-step (below) of those statistics gives M(theta_t). The next iterate is over-relaxed,
//   theta_{t+1} = theta_t + eta (M(theta_t) - theta_t),
// the adaptive over-relaxed EM of R. Salakhutdinov and S. Roweis ("Adaptive overrelaxed bound
// optimization methods", ICML 2003): eta = 1 is the plain EM step; eta grows by a factor
// kOverRelaxGrowth = 1.3 after every accepted step, and an over-relaxed theta_{t+1} (eta > 1) is
// accepted only if l_{t+1} >= l_t. Otherwise that pass is discarded (it is not an iteration and
// is not reported), theta_{t+1} = M(theta_t) is evaluated instead and eta restarts at 1, so at
// most one pass in three is discarded. The extrapolation acts on the weights (renormalised; if
// one would not stay positive, the step is plain), the means and the Cholesky factors; a
// component whose extrapolated covariance C is not safely positive definite (pivot test below)
// or not above the regularisation (C - r s I not positive definite) keeps its M-step
// covariance, so every iterate keeps the floor r s I that the M-step guarantees; an M-step that
// re-seeds a component (below) is taken plain, and eta restarts at 1. Why: EM
// converges linearly, at a rate given by the fraction of missing information, which is close to
// 1 when components overlap; EM then creeps along the likelihood surface. Over-relaxation has
// the same fixed points and, in our measurements, reaches the same log-likelihood in 2 to 3
// times fewer passes on overlapping mixtures (tests/core/test_em.cpp) and fewer iterations on
// the image-patch benchmark (bench/run_maps_em.sh: 20 instead of 26 on average over 30 seeds at
// d = 27, 29 instead of 50 at d = 3, with higher final log-likelihoods on average).
// The run stops
//  - converged, when a plain step (eta = 1) changes l by at most tol max(1, |l_{t+1}|) (a small
//    gain of an over-relaxed step only triggers a plain step next, so tol means what it means for
//    plain EM). It then returns M(theta_{t+1}), the M-step of the statistics at hand, evaluated
//    by one more pass (an iteration): scikit-learn's GaussianMixture returns this same iterate
//    (its lower bound lags its parameters by one M-step), and it is at least as good;
//  - not converged, when t reaches max_iterations: the iterate with the highest l is returned.
// The M-step:
//  - weights pi_k = n_k / sum n, means mu_k + s1_k / n_k;
//  - covariance candidate S_k + r s I, S_k the weighted scatter around the new mean and r the
//    regularization option. If S_k + r s I is not safely positive definite (Cholesky fails or a
//    squared pivot is below 2^-44 times the largest diagonal entry), the added diagonal is raised
//    to at least 2^-40 max(s, max diag S_k) and multiplied by 100 until it is;
//  - a generalised-EM guard keeps the previous covariance when it gives the component a higher
//    expected complete log-likelihood, log det C + tr(C^-1 S_k) lower, than the candidate. With
//    r = 0 the candidate is the exact maximiser and the guard never fires; with r > 0 it makes
//    every plain step increase the objective of EM, so the log-likelihood of the accepted
//    iterates never decreases (to rounding) except at the iterations that re-seed a component
//    (below), which are reported.
//
// Degenerate data. A component is dead when its weight n_k, counted in points of average weight,
// is below c_min = min(d + 1, m / (2K)) (m the points of positive weight): it explains too few
// points to estimate a covariance. After each M-step, if a component is dead, the one with the
// smallest n_k (lowest index on ties) is re-seeded: its mean moves to the point of lowest
// log-density under theta_t (lowest index on ties), it takes the covariance of the heaviest
// component, and the two share equally the sum of their weights. At most K re-seeds happen per
// initialisation, and the convergence test skips the iteration after a re-seed. A dead component
// that is not re-seeded stays as a regularised tiny component (its M-step as above; with n_k = 0
// it keeps its parameters and gets weight 0). So:
//  - duplicate points and fewer distinct points than K give components that share a location
//    with covariance r s I (the raised diagonal above when r = 0);
//  - all points identical: the data scale s is then taken as (2^-50 max|x_j|)^2, at most 2^1000
//    (1 at the origin), and every component sits on the point with covariance r s I;
//  - a component that collapses onto a few points keeps covariance S_k + r s I, never singular.
// Nothing in the fit produces NaN: every covariance that is used has a Cholesky factor.
#include "em/em.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "em/em_detail.hpp"
#include "em/em_fit.hpp"
#include "em/em_split_merge.hpp"
#include "em/student_t.hpp"
#include "linalg/covariance_factor.hpp"
#include "linalg/dense.hpp"
#include "util/parallel.hpp"
#include "util/sizes.hpp"
#include "util/team.hpp"

namespace gmmot::em {
namespace {

constexpr double kLn2 = 0.69314718055994530942;
// Over-relaxation: the factor eta of the next step grows by this after every accepted step.
constexpr double kOverRelaxGrowth = 1.3;

void check_options(const EmOptions &o) {
  if (o.components == 0) fail(Errc::Dimension, "K is 0 (at least one component)");
  if (o.components > (std::size_t{1} << 31))
    fail(Errc::TooLarge, "K = " + std::to_string(o.components) + " is too large");
  o.validate();
}

}  // namespace

void check_family(const EmOptions &o) {
  if (o.family != 1) return;
  if (o.split_merge > 0) {
    fail(Errc::InvalidArgument,
         "split-and-merge (split_merge = " + std::to_string(o.split_merge) +
             ") is implemented for the Gaussian family only: set it to 0 for Student-t fits");
  }
}

namespace {

// Sub-block size: 256 points, fewer for large K so the K x block scratch stays near 128 KiB.
std::size_t block_size(std::size_t k) {
  if (k <= 64) return 256;
  return std::max<std::size_t>(16, (16384 / k) & ~std::size_t{7});
}

// x 2^e, exact unless the result is subnormal (two factors, so 2^e itself never overflows).
struct Pow2 {
  double a, b;
  explicit Pow2(int e) : a(std::ldexp(1.0, e / 2)), b(std::ldexp(1.0, e - e / 2)) {}
  double operator()(double x) const { return x * a * b; }
};

// f(L, S) = log det(L L^T) + tr((L L^T)^-1 S): the M-step objective of one component's covariance
// (to be minimised), S symmetric column-major.
double cov_objective(int d, const double *l, const double *s, std::vector<double> &tmp) {
  const std::size_t dd = static_cast<std::size_t>(d) * d;
  tmp.assign(s, s + dd);
  linalg::trsm_lower(true, false, d, l, tmp.data());  // L^-1 S
  linalg::trsm_lower(false, true, d, l, tmp.data());  // L^-1 S L^-T
  double f = 0;
  for (int j = 0; j < d; ++j) f += 2 * std::log(l[j * d + j]) + tmp[j * d + j];
  return f;
}

}  // namespace

Data prepare(std::size_t n, std::size_t d, const double *points, const double *weights,
             std::size_t k) {
  if (n == 0) fail(Errc::Dimension, "n is 0 (at least one point)");
  checked_dim(d);
  checked_mul(n, d, "n*d");
  checked_mul(checked_mul(k, d, "K*d"), d, "K*d*d");
  require_finite(points, n * d, "points", d);
  double wmax = 0;
  std::size_t positive = weights != nullptr ? 0 : n;
  if (weights != nullptr) {
    for (std::size_t i = 0; i < n; ++i) {
      // The entry's name is built only on failure (one string per point is slow at large n).
      if (!std::isfinite(weights[i])) {
        fail(Errc::NonFinite,
             "weights[" + std::to_string(i) + "] is " + fmt(weights[i]) + " (must be finite)");
      }
      if (weights[i] < 0) {
        fail(Errc::Weights, "weights[" + std::to_string(i) + "] is " + fmt(weights[i]) +
                                " (weights must be >= 0)");
      }
      wmax = std::max(wmax, weights[i]);
      positive += weights[i] > 0;
    }
    if (wmax == 0) fail(Errc::Weights, "weights are all zero (at least one must be positive)");
  }
  // The fit's memory grows with K d^2 whatever n (10 points with K = 1e5, d = 30 took 5.9 GiB).
  // More components than weighted points are kept for small problems (they share locations,
  // see em.h), but not beyond kMaxSpareKdd doubles per K x d x d array: refused here, before
  // anything is allocated.
  constexpr std::size_t kMaxSpareKdd = std::size_t{1} << 22;
  if (k > positive && k * d * d > kMaxSpareKdd) {
    fail(Errc::InvalidArgument, "K = " + std::to_string(k) +
                                    " exceeds n = " + std::to_string(positive) +
                                    ", the number of points with positive weight, and K*d*d = " +
                                    std::to_string(k * d * d) +
                                    " is above 2^22 (more components than points are "
                                    "only accepted for small K*d*d)");
  }
  Data data;
  data.n = n;
  data.d = d;
  data.soa = d <= em::kSmallDim;
  data.block = block_size(k);
  data.nblocks = (n + data.block - 1) / data.block;
  data.chunk_blocks = std::max<std::size_t>(1, 4096 / data.block);
  data.nchunks = (data.nblocks + data.chunk_blocks - 1) / data.chunk_blocks;
  const std::size_t np = data.padded();
  data.w.assign(np, 0.0);
  const Pow2 down_w(weights != nullptr ? -std::ilogb(wmax) : 0);
  for (std::size_t i = 0; i < n; ++i) {
    data.w[i] = weights != nullptr ? down_w(weights[i]) : 1.0;
    if (data.w[i] > 0) {
      ++data.positive;
      data.total_weight += data.w[i];
    }
  }
  // Scale by 2^-exp_a to |x| < 1, centre, then scale to mean variance in [1, 4).
  // (Points of weight 0 take no part in the fit, nor in its scaling.)
  double amax = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (data.w[i] > 0)
      for (std::size_t j = 0; j < d; ++j) amax = std::max(amax, std::fabs(points[i * d + j]));
  data.exp_a = amax > 0 ? std::ilogb(amax) + 1 : 0;
  const Pow2 down_a(-data.exp_a);
  std::vector<double> c(d, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    if (data.w[i] > 0)
      for (std::size_t j = 0; j < d; ++j) c[j] += data.w[i] * down_a(points[i * d + j]);
  for (auto &v : c) v /= data.total_weight;
  double var = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!(data.w[i] > 0)) continue;
    double s = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const double t = down_a(points[i * d + j]) - c[j];
      s += t * t;
    }
    var += data.w[i] * s;
  }
  var /= data.total_weight * static_cast<double>(d);
  double cmax = 0;
  for (double v : c) cmax = std::max(cmax, std::fabs(v));
  // A spread below 2^-50 max|c_j| is rounding noise (identical points): the scale is then
  // 2^-50 max|c_j|, at most 2^500 in the data's units so that covariances stay representable.
  double sd = std::sqrt(var);
  const double noise_sd = std::ldexp(cmax, -50);
  if (!(sd > noise_sd)) {
    // Centre on a point of the data, so identical points become exactly 0.
    for (std::size_t i = 0; i < n; ++i) {
      if (!(data.w[i] > 0)) continue;
      for (std::size_t j = 0; j < d; ++j) c[j] = down_a(points[i * d + j]);
      break;
    }
    sd = noise_sd > 0 ? noise_sd : 1.0;
    if (std::ilogb(sd) + data.exp_a > 500) sd = std::ldexp(1.0, 500 - data.exp_a);
  }
  data.exp_s = std::ilogb(sd);
  data.scale2 = std::ldexp(sd * sd, -2 * data.exp_s);
  data.centre = c;
  data.x.assign(np * d, 0.0);
  const Pow2 down_s(-data.exp_s);
  for (std::size_t i = 0; i < n; ++i) {
    if (!(data.w[i] > 0)) continue;  // stays at the origin, like the padding
    const std::size_t b = i / data.block, p = i % data.block;
    for (std::size_t j = 0; j < d; ++j) {
      const double v = down_s(down_a(points[i * d + j]) - c[j]);
      if (data.soa)
        data.x[(b * d + j) * data.block + p] = v;
      else
        data.x[(b * data.block + p) * d + j] = v;
    }
  }
  return data;
}

// Lower Cholesky factor of S + reg I into l (column-major), raising reg as documented above.
void regularised_cholesky(int d, const double *s, double reg, double scale2, double *l) {
  const std::size_t dd = static_cast<std::size_t>(d) * d;
  double smax = 0;
  for (int j = 0; j < d; ++j) smax = std::max(smax, s[j * d + j]);
  const double floor_reg = std::ldexp(std::max(scale2, smax), -40);
  for (int attempt = 0;; ++attempt) {
    std::copy(s, s + dd, l);
    double dmax = 0;
    for (int j = 0; j < d; ++j) {
      l[j * d + j] += reg;
      dmax = std::max(dmax, l[j * d + j]);
    }
    bool ok = linalg::cholesky_lower(d, l);
    for (int j = 0; ok && j < d; ++j) {
      const double p = l[j * d + j];
      ok = std::isfinite(p) && p * p >= std::ldexp(dmax, -44);
    }
    if (ok) return;
    if (attempt > 200) fail(Errc::Internal, "no positive definite regularised covariance");
    reg = std::max(100 * reg, floor_reg);
  }
}

Fit::Fit(const Data &data, const EmOptions &o, const Context &ctx, Team &team)
    : data_(data),
      o_(o),
      ctx_(ctx),
      team_(team),
      k_(o.components),
      d_(data.d),
      reg_(o.regularization * data.scale2),
      kernel_(data, o.components) {
  const double c_min = std::min(static_cast<double>(d_ + 1), static_cast<double>(data.positive) /
                                                                 (2.0 * static_cast<double>(k_)));
  n_min_ = c_min * data.total_weight / static_cast<double>(data.positive);
  ll_shift_ = -static_cast<double>(d_) * (data.exp_a + data.exp_s) * kLn2;
}

Params Fit::start(std::uint64_t stream) {
  std::vector<double> centres;
  Stats st;
  kmeans_init(data_, k_, o_.seed, stream, team_, ctx_, centres, st);
  Params p;
  p.k = k_;
  p.d = d_;
  p.weight.assign(k_, 0.0);
  p.mean = centres;
  p.chol.assign(k_ * d_ * d_, 0.0);
  for (std::size_t c = 0; c < k_; ++c)  // for clusters left empty: the data scale
    for (std::size_t j = 0; j < d_; ++j) p.chol[c * d_ * d_ + j * d_ + j] = std::sqrt(data_.scale2);
  if (o_.family == 1) p.nu = o_.dof > 0 ? o_.dof : kNuStart;
  m_step(st, p, false, nullptr);  // hard statistics (no u): the cluster scatter as the scale
  return p;
}

double Fit::pass(const Params &p, bool want_stats, Stats &st) {
  kernel_.pass(p, want_stats, team_, ctx_, st);
  return st.ll() / data_.total_weight;
}

Fit::Outcome Fit::iterate(Params p) {
  Outcome out;
  Stats st;
  std::size_t budget = k_;
  bool reseeded_last = true;  // no convergence test at t = 0 nor right after a re-seed
  bool have_best = false;
  double base = 0;         // l (normalised data) of the last accepted iterate
  double eta = 1;          // over-relaxation factor of the next M-step
  bool trial = false;      // p is an over-relaxed step, accepted only if l does not decrease
  bool finishing = false;  // p is the M-step of the converged iterate: evaluate it and stop
  Params p_em, p_prev;
  for (std::uint64_t t = 0;;) {
    ctx_.check_interrupt();
    const bool last = finishing || t >= o_.max_iterations;
    kernel_.pass(p, !last, team_, ctx_, st);
    ++out.passes;
    const double ll_norm = st.ll() / data_.total_weight, ll = ll_norm + ll_shift_;
    if (trial && ll_norm < base) {  // rejected: evaluate the plain EM step instead
      trial = false;
      eta = 1;
      p = p_em;
      continue;
    }
    ctx_.report(Stage::Em, t, o_.max_iterations, ll);
    if (!have_best || ll_norm >= out.ll_norm) {  // ties: the later, more settled iterate
      have_best = true;
      out.params = p;
      out.ll = ll;
      out.ll_norm = ll_norm;
    }
    out.iterations = t;
    if (finishing) {
      out.converged = true;
      break;
    }
    const bool small = t > 0 && !reseeded_last &&
                       std::fabs(ll_norm - base) <= o_.tolerance * std::max(1.0, std::fabs(ll));
    if (small && !trial) {  // converged
      if (last) {
        out.converged = true;
        break;
      }
      m_step(st, p, true, nullptr);  // one more M-step on the statistics at hand
      finishing = true;
      ++t;
      continue;
    }
    if (last) break;
    if (small) eta = 1;  // a small gain of an over-relaxed step proves nothing: plain step next
    if (o_.over_relaxation) p_prev = p;
    std::size_t reseed = 0;
    reseeded_last = m_step(st, p, true, budget > 0 ? &reseed : nullptr);
    trial = false;
    if (reseeded_last) {
      --budget;
      ++out.reseeded;
      eta = 1;
    } else if (o_.over_relaxation) {
      if (eta > 1) {
        p_em = p;
        trial = over_relax(p_prev, p_em, eta, p);
        if (!trial) eta = 1;  // a weight would not stay positive: p stays the plain step
      }
      eta *= kOverRelaxGrowth;
    }
    base = ll_norm;
    ++t;
  }
  return out;
}

void Fit::observe(const Params &p, BlockObserver &observer) {
  Stats st;
  kernel_.pass(p, false, team_, ctx_, st, &observer);
}

double Fit::tolerance_at(double ll_norm) const {
  return o_.tolerance * std::max(1.0, std::fabs(ll_norm + ll_shift_));
}

// out = base + eta (em - base) for the weights (renormalised), the means and the Cholesky
// factors; a component whose extrapolated covariance fails covariance_ok keeps its EM value.
// Returns false, out untouched, if a weight would not stay positive.
bool Fit::over_relax(const Params &base, const Params &em, double eta, Params &out) {
  const std::size_t k = k_, d = d_, dd = d * d;
  const int di = static_cast<int>(d);
  double total = 0;
  for (std::size_t c = 0; c < k; ++c) {
    if (!(em.weight[c] > 0)) continue;
    const double w = base.weight[c] + eta * (em.weight[c] - base.weight[c]);
    if (!(w > 0)) return false;
    total += w;
  }
  out = em;
  for (std::size_t c = 0; c < k; ++c)
    if (em.weight[c] > 0)
      out.weight[c] = (base.weight[c] + eta * (em.weight[c] - base.weight[c])) / total;
  for (std::size_t c = 0; c < k; ++c) {
    if (!(em.weight[c] > 0)) continue;
    for (std::size_t j = 0; j < d; ++j)
      out.mean[c * d + j] =
          base.mean[c * d + j] + eta * (em.mean[c * d + j] - base.mean[c * d + j]);
    double *l = out.chol.data() + c * dd;
    const double *lb = base.chol.data() + c * dd, *le = em.chol.data() + c * dd;
    for (std::size_t j = 0; j < d; ++j)
      for (std::size_t i = j; i < d; ++i)
        l[i + j * d] = lb[i + j * d] + eta * (le[i + j * d] - lb[i + j * d]);
    if (!covariance_ok(di, l)) std::copy(le, le + dd, l);
  }
  return true;
}

// Whether L L^T (L lower, column-major) is safely positive definite (squared pivots at least
// 2^-44 times the largest diagonal entry, as in regularised_cholesky) and L L^T - reg I is
// positive definite, i.e. the covariance is no smaller than an M-step can make it.
bool Fit::covariance_ok(int d, const double *l) {
  double dmax = 0;
  for (int j = 0; j < d; ++j) {
    double v = 0;
    for (int m = 0; m <= j; ++m) v += l[j + m * d] * l[j + m * d];
    dmax = std::max(dmax, v);
  }
  for (int j = 0; j < d; ++j) {
    const double p = l[j * d + j];
    if (!(p > 0) || !std::isfinite(p) || p * p < std::ldexp(dmax, -44)) return false;
  }
  if (reg_ == 0) return true;
  const std::size_t dd = static_cast<std::size_t>(d) * d;
  work_.assign(dd, 0.0);
  for (int j = 0; j < d; ++j)
    for (int i = j; i < d; ++i) {
      double v = 0;
      for (int m = 0; m <= j; ++m) v += l[i + m * d] * l[j + m * d];
      work_[i + j * d] = v - (i == j ? reg_ : 0.0);
    }
  return linalg::cholesky_lower(d, work_.data());
}

// theta <- M-step(st) (guard: the generalised-EM covariance guard; reseed: allowed to re-seed
// one dead component). Returns whether it re-seeded.
bool Fit::m_step(const Stats &st, Params &p, bool guard, std::size_t *reseed) {
  const std::size_t k = k_, d = d_, dd = d * d;
  const int di = static_cast<int>(d);
  double total = 0;
  for (std::size_t c = 0; c < k; ++c) total += st.n[c];
  std::vector<double> s(dd), cand(dd), tmp;
  // Student-t statistics (not the hard k-means ones, which have no u): CM-step 1 with the
  // u-weighted sums, mean = sum w r u x / sum w r u, scale = sum w r u (x - m)(x - m)^T /
  // sum w r (Peel & McLachlan 2000).
  const bool t = p.nu > 0 && !st.u.empty();
  for (std::size_t c = 0; c < k; ++c) {
    const double nk = st.n[c];
    double *mu = p.mean.data() + c * d, *l = p.chol.data() + c * dd;
    if (!(nk > 0) || !(total > 0) || (t && !(st.u[c] > 0))) {
      p.weight[c] = 0;
      continue;
    }
    const double uk = t ? st.u[c] : nk;
    std::vector<double> delta(d);
    bool finite = true;
    for (std::size_t j = 0; j < d; ++j) {
      delta[j] = st.s1[c * d + j] / uk;
      finite = finite && std::isfinite(delta[j]);
    }
    for (std::size_t j = 0; j < d; ++j)
      for (std::size_t i = j; i < d; ++i) {
        double v = st.s2[c * dd + i + j * d] / uk - delta[i] * delta[j];
        if (t) v *= uk / nk;
        s[i + j * d] = v;
        s[j + i * d] = v;
        finite = finite && std::isfinite(v);
      }
    p.weight[c] = nk / total;
    if (!finite) continue;  // cannot happen with finite data; keep the old mean and factor
    for (std::size_t j = 0; j < d; ++j) mu[j] += delta[j];
    regularised_cholesky(di, s.data(), reg_, data_.scale2, cand.data());
    if (guard &&
        cov_objective(di, l, s.data(), tmp) < cov_objective(di, cand.data(), s.data(), tmp))
      continue;  // the previous covariance is better for this component: keep it
    std::copy(cand.begin(), cand.end(), l);
  }
  // CM-step 2: nu given the E-step's u (its own, unless the joint fit pools the data sets).
  if (t && o_.dof == 0 && !pooled_nu_ && total > 0)
    p.nu = nu_step(st.lu / total, p.nu, static_cast<double>(d));
  if (reseed == nullptr || st.worst_index == SIZE_MAX) return false;
  std::size_t dead = SIZE_MAX, heavy = 0;
  for (std::size_t c = 0; c < k; ++c) {
    if (st.n[c] < n_min_ && (dead == SIZE_MAX || st.n[c] < st.n[dead])) dead = c;
    if (p.weight[c] > p.weight[heavy]) heavy = c;
  }
  if (dead == SIZE_MAX || dead == heavy) return false;
  for (std::size_t j = 0; j < d; ++j) p.mean[dead * d + j] = data_.coord(st.worst_index, j);
  std::copy(p.chol.begin() + heavy * dd, p.chol.begin() + (heavy + 1) * dd,
            p.chol.begin() + dead * dd);
  const double share = 0.5 * (p.weight[heavy] + p.weight[dead]);
  p.weight[heavy] = share;
  p.weight[dead] = share;
  *reseed = dead;
  return true;
}

}  // namespace gmmot::em

namespace gmmot {

void EmOptions::validate() const {
  check_bounds("components", static_cast<double>(components), kComponentsBounds);
  check_bounds("tolerance", tolerance, kToleranceBounds);
  check_bounds("max_iterations", static_cast<double>(max_iterations), kMaxIterationsBounds);
  check_bounds("regularization", regularization, kRegularizationBounds);
  check_bounds("initializations", initializations, kInitializationsBounds);
  check_bounds("split_merge", split_merge, kSplitMergeBounds);
  check_bounds("seed", static_cast<double>(seed), kSeedBounds);
  check_bounds("family", family, kFamilyBounds);
  check_bounds("dof", dof, kDofBounds);
  if (dof != 0 && !(dof > 2)) {
    fail(Errc::InvalidArgument, "dof = " + fmt(dof) +
                                    ": a fixed Student-t nu must be > 2 (the covariance is "
                                    "infinite for nu <= 2), or 0 to estimate it");
  }
  em::check_family(*this);
}

EmResult fit_gmm_em(std::size_t n, std::size_t d, const double *points, const double *weights,
                    const EmOptions &options, const Context &ctx) {
  em::check_options(options);
  const em::Data data = em::prepare(n, d, points, weights, options.components);
  // No more workers than chunks of points (the parallel unit): a tiny data set never starts
  // idle threads.
  Team team(static_cast<unsigned>(
      std::min<std::size_t>(ctx.threads, std::max<std::size_t>(1, data.nchunks))));
  em::Fit fit(data, options, ctx, team);
  em::Fit::Outcome best;
  bool have = false;
  std::uint64_t passes = 0;
  for (unsigned init = 0; init < options.initializations; ++init) {
    em::Fit::Outcome o = fit.run(init);
    passes += o.passes;
    if (!have || o.ll_norm > best.ll_norm) {
      best = std::move(o);
      have = true;
    }
  }
  // Split-and-merge improves the winner only: a start's k-means++ draw matters less once
  // split-and-merge moves have moved components between clusters.
  const std::uint64_t before = best.passes;
  em::split_merge(fit, options.split_merge, best);
  passes += best.passes - before;
  EmResult r;
  r.gmm = em::to_mixture(data, best.params);
  r.mean_log_likelihood = best.ll;
  r.iterations = best.iterations;
  r.passes = passes;
  r.converged = best.converged;
  r.reseeded = best.reseeded;
  r.moves = best.moves;
  return r;
}

}  // namespace gmmot

namespace gmmot::em {

std::shared_ptr<const Gmm> to_mixture(const Data &data, const Params &params) {
  const Params &p = params;
  // Back to the units of the data.
  const std::size_t k = p.k, d = data.d, dd = d * d;
  const int e = data.exp_a + data.exp_s;
  const Family family = p.nu > 0 ? Family::student_t(p.nu) : Family();
  const double cps = family.cov_per_scale(), root_cps = std::sqrt(cps);
  std::vector<double> means(k * d), covs(k * dd), chol;
  if (p.nu > 0) {  // the factor of the covariance (to rounding, as factor_from_cholesky allows)
    chol = p.chol;
    for (double &v : chol) v *= root_cps;
  }
  const std::vector<double> &lc = p.nu > 0 ? chol : p.chol;
  for (std::size_t c = 0; c < k; ++c) {
    const double *l = p.chol.data() + c * dd;
    for (std::size_t j = 0; j < d; ++j) {
      means[c * d + j] =
          std::ldexp(data.centre[j] + std::ldexp(p.mean[c * d + j], data.exp_s), data.exp_a);
      for (std::size_t i = j; i < d; ++i) {
        double v = 0;
        for (std::size_t m = 0; m <= j; ++m) v += l[i + m * d] * l[j + m * d];
        v = std::ldexp(v, 2 * e) * cps;  // Student-t: the covariance of the scale
        covs[c * dd + i * d + j] = v;
        covs[c * dd + j * d + i] = v;
      }
    }
  }
  for (std::size_t i = 0; i < covs.size(); ++i) {
    if (!std::isfinite(covs[i]) || (i < means.size() && !std::isfinite(means[i]))) {
      fail(Errc::Overflow,
           "the fitted covariances are not representable in double precision "
           "(the data spread over more than about 1e154)");
    }
  }
  // The mixture takes EM's Cholesky factors (times 2^e, the data's units) instead of factoring
  // the covariances L L^T again: they are exactly symmetric and finite (just built and checked
  // above), which is what Gmm::with_factors and factor_from_cholesky require.
  std::vector<CovFactor> factors;
  factors.reserve(k);
  for (std::size_t c = 0; c < k; ++c) {
    factors.push_back(factor_from_cholesky(static_cast<int>(d), covs.data() + c * dd,
                                           lc.data() + c * dd, e,
                                           "covs[" + std::to_string(c) + "]"));
  }
  return std::make_shared<const Gmm>(Gmm::with_factors(
      k, d, p.weight.data(), means.data(), std::move(covs), std::move(factors), family));
}

}  // namespace gmmot::em
