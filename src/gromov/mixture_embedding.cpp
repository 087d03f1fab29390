// SPDX-License-Identifier: MIT
// MEW2's problem: L(P, w) = sum_kl w_kl W2^2(N(a_k, A_k), N(P b_l, P B_l P^T)) between two
// centred mixtures, written for P on the manifold as
//   |(I - P P^T) a_k|^2 + tr((I - P P^T) A_k) + W2^2(N(P^T a_k, P^T A_k P), N(b_l, B_l))
// (the first two terms are the part of component k outside the range of P, which the
// published code leaves out of its loss). With M = A^(1/2) P B^(1/2), the nuclear-norm term
// ||M||_* has the (super)gradient A P B^(1/2) N^(+1/2) B^(1/2), N = M^T M =
// B^(1/2) P^T A P B^(1/2) (the pseudo-inverse square root: U V^T restricted to the non-zero
// singular values is a subgradient of the nuclear norm), so on the manifold
//   grad L = -2 sum_kl w_kl (a_k b_l^T + A_k P Q_kl),  Q_kl = B_l^(1/2) N_kl^(+1/2) B_l^(1/2).
// L(., w) is concave there (a constant minus a linear term minus nuclear norms of linear
// functions of P), so its linearisation majorises it and P <- polar(-grad L) never raises it.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "gaussian/gaussian_ot.hpp"
#include "gromov/embedding_problem.hpp"
#include "gromov/stiefel.hpp"
#include "linalg/dense.hpp"
#include "util/compensated_sum.hpp"
#include "util/error.hpp"

namespace gmmot {
namespace {

// Symmetric eigendecomposition of a d x d row-major symmetric matrix; f(lambda) applied:
// out = V f(Lambda) V^T.
template <class F>
void sym_function(std::size_t d, const double *s, F f, double *out) {
  std::vector<double> a(s, s + d * d), w(d);
  linalg::sym_eig(static_cast<int>(d), a.data(), w.data());
  const double top = std::max(0.0, w[d - 1]);
  std::fill(out, out + d * d, 0.0);
  for (std::size_t k = 0; k < d; ++k) {
    const double fk = f(w[k], top);
    if (fk == 0) continue;
    const double *v = a.data() + k * d;
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) out[i * d + j] += fk * v[i] * v[j];
  }
}

// Eigenvalues at most this fraction of the largest count as zero (rounding of a d x d product).
double null_threshold(std::size_t d) {
  return 64.0 * static_cast<double>(d) * std::numeric_limits<double>::epsilon();
}

}  // namespace

struct MixtureEmbedding::Projected {
  std::vector<double> pa;   // rows x d: P^T a_k
  std::vector<double> pap;  // rows x d x d: P^T A_k P, symmetrised
  std::vector<double> ap;   // rows x D x d: A_k P
  std::vector<CovFactor> factors;
  std::vector<double> outside;  // rows: |(I - P P^T) a_k|^2 + tr((I - P P^T) A_k)
};

MixtureEmbedding::MixtureEmbedding(const Gmm &large, const Gmm &small) {
  const std::size_t kl = large.k(), ks = small.k(), D = large.d(), d = small.d();
  big_ = D;
  small_ = d;
  wl_ = large.weights();
  ws_ = small.weights();
  const auto centred = [](const Gmm &g, std::vector<double> &means) {
    const std::size_t k = g.k(), dim = g.d();
    std::vector<double> mean(dim, 0.0);
    for (std::size_t c = 0; c < k; ++c)
      for (std::size_t r = 0; r < dim; ++r) mean[r] += g.weights()[c] * g.means()[c * dim + r];
    means = g.means();
    for (std::size_t c = 0; c < k; ++c)
      for (std::size_t r = 0; r < dim; ++r) means[c * dim + r] -= mean[r];
  };
  centred(large, a_);
  centred(small, b_);
  acov_ = large.covariances();
  bcov_ = small.covariances();
  bf_ = small.factors();
  bsqrt_.assign(ks * d * d, 0.0);
  for (std::size_t l = 0; l < ks; ++l)
    sym_function(
        d, bcov_.data() + l * d * d, [](double w, double) { return w > 0 ? std::sqrt(w) : 0.0; },
        bsqrt_.data() + l * d * d);
  // Global covariances sum_k w_k (A_k + a_k a_k^T) and the scale S = their traces' sum.
  const auto global = [](std::size_t k, std::size_t dim, const std::vector<double> &w,
                         const std::vector<double> &m, const std::vector<double> &cov) {
    std::vector<double> g(dim * dim, 0.0);
    for (std::size_t c = 0; c < k; ++c)
      for (std::size_t r = 0; r < dim; ++r)
        for (std::size_t s = 0; s < dim; ++s)
          g[r * dim + s] +=
              w[c] * (cov[c * dim * dim + r * dim + s] + m[c * dim + r] * m[c * dim + s]);
    return g;
  };
  cov_l_ = global(kl, D, wl_, a_, acov_);
  cov_s_ = global(ks, d, ws_, b_, bcov_);
  double s = 0;
  for (std::size_t r = 0; r < D; ++r) s += cov_l_[r * D + r];
  for (std::size_t r = 0; r < d; ++r) s += cov_s_[r * d + r];
  scale_ = s;
}

MixtureEmbedding::Projected MixtureEmbedding::project(const double *p,
                                                      const std::vector<char> &need,
                                                      bool factor) const {
  const std::size_t kl = rows(), D = big_, d = small_;
  Projected pr;
  pr.pa.assign(kl * d, 0.0);
  pr.pap.assign(kl * d * d, 0.0);
  pr.ap.assign(kl * D * d, 0.0);
  pr.factors.resize(kl);
  pr.outside.assign(kl, 0.0);
  // All A_k P at once: acov_ is (K D) x D row-major, so one product (K D) x D times D x d; in
  // column-major terms (ap)^T = P^T acov^T.
  linalg::gemm_mnk(false, false, static_cast<int>(d), static_cast<int>(kl * D), static_cast<int>(D),
                   1.0, p, static_cast<int>(d), acov_.data(), static_cast<int>(D), 0.0,
                   pr.ap.data(), static_cast<int>(d));
  for (std::size_t k = 0; k < kl; ++k) {
    if (!need[k]) continue;
    const double *a = a_.data() + k * D, *A = acov_.data() + k * D * D;
    double *pa = pr.pa.data() + k * d, *pap = pr.pap.data() + k * d * d;
    double *ap = pr.ap.data() + k * D * d;
    for (std::size_t r = 0; r < D; ++r)
      for (std::size_t c = 0; c < d; ++c) pa[c] += p[r * d + c] * a[r];
    for (std::size_t r = 0; r < D; ++r)
      for (std::size_t i = 0; i < d; ++i) {
        const double pri = p[r * d + i];
        for (std::size_t j = 0; j < d; ++j) pap[i * d + j] += pri * ap[r * d + j];
      }
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = i + 1; j < d; ++j) {
        const double s = 0.5 * (pap[i * d + j] + pap[j * d + i]);
        pap[i * d + j] = pap[j * d + i] = s;
      }
    if (D > d) {
      // Component k outside the range of P; exactly 0 when P is square (m = n).
      double out = 0, tr = 0, ptr = 0;
      for (std::size_t r = 0; r < D; ++r) {
        double t = a[r];
        for (std::size_t c = 0; c < d; ++c) t -= p[r * d + c] * pa[c];
        out += t * t;
        tr += A[r * D + r];
      }
      for (std::size_t c = 0; c < d; ++c) ptr += pap[c * d + c];
      pr.outside[k] = out + std::max(0.0, tr - ptr);
    }
    if (factor)
      pr.factors[k] = factor_covariance(
          static_cast<int>(d), pap, "the projected covariance of component " + std::to_string(k));
  }
  return pr;
}

void MixtureEmbedding::cost_matrix(const double *p, const Context &ctx, double *cost) const {
  const std::size_t kl = rows(), ks = cols();
  const Projected pr = project(p, std::vector<char>(kl, 1), true);
  w2_cost_matrix(static_cast<int>(small_), pr.pa.data(), pr.factors, b_.data(), bf_, ctx, cost);
  for (std::size_t k = 0; k < kl; ++k)
    for (std::size_t l = 0; l < ks; ++l) {
      double &c = cost[k * ks + l];
      c += pr.outside[k];
      if (!std::isfinite(c)) {
        fail(Errc::Overflow, "W2^2 between components " + std::to_string(k) + " and " +
                                 std::to_string(l) + " exceeds the largest double");
      }
    }
}

double MixtureEmbedding::loss(const double *p, const std::vector<PlanEntry> &plan) const {
  std::vector<char> need(rows(), 0);
  for (const PlanEntry &e : plan) need[e.i] = 1;
  const Projected pr = project(p, need, true);
  const std::size_t d = small_;
  CompensatedSum sum;
  for (const PlanEntry &e : plan) {
    const double w2 =
        gaussian_w2_squared(pr.pa.data() + e.i * d, pr.factors[e.i], b_.data() + e.j * d, bf_[e.j]);
    sum.add(e.mass * (w2 + pr.outside[e.i]));
  }
  return sum.value();
}

double MixtureEmbedding::value_and_gradient(const double *p, const std::vector<PlanEntry> &plan,
                                            bool full, double *g) const {
  const std::size_t kl = rows(), D = big_, d = small_;
  std::vector<char> need(kl, 0);
  for (const PlanEntry &e : plan) need[e.i] = 1;
  const Projected pr = project(p, need, false);
  // Per row k: sum_l w_kl b_l and sum_l w_kl Q_kl; for full, sum_n w_n (b b^T + B).
  std::vector<double> bsum(kl * d, 0.0), qsum(kl * d * d, 0.0), extra(d * d, 0.0);
  std::vector<double> t(d * d), n(d * d), vec(d * d), lam(d);
  const double thr = null_threshold(d);
  CompensatedSum value;
  for (const PlanEntry &e : plan) {
    const double *b = b_.data() + e.j * d, *h = bsqrt_.data() + e.j * d * d;
    const double *pap = pr.pap.data() + e.i * d * d, *pa = pr.pa.data() + e.i * d;
    for (std::size_t c = 0; c < d; ++c) bsum[e.i * d + c] += e.mass * b[c];
    // N = H (P^T A P) H, H = B^(1/2).
    std::fill(t.begin(), t.end(), 0.0);
    std::fill(n.begin(), n.end(), 0.0);
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t k = 0; k < d; ++k)
        for (std::size_t j = 0; j < d; ++j) t[i * d + j] += h[i * d + k] * pap[k * d + j];
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t k = 0; k < d; ++k)
        for (std::size_t j = 0; j < d; ++j) n[i * d + j] += t[i * d + k] * h[k * d + j];
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = i + 1; j < d; ++j) {
        const double s = 0.5 * (n[i * d + j] + n[j * d + i]);
        n[i * d + j] = n[j * d + i] = s;
      }
    vec = n;
    linalg::sym_eig(static_cast<int>(d), vec.data(), lam.data());
    const double top = std::max(0.0, lam[d - 1]);
    // W2^2 of the projected pair: |P^T a - b|^2 + tr(P^T A P) + tr B - 2 tr N^(1/2).
    double w2 = pr.outside[e.i], nuclear = 0;
    for (std::size_t c = 0; c < d; ++c) {
      const double diff = pa[c] - b[c];
      w2 += diff * diff + pap[c * d + c] + bcov_[e.j * d * d + c * d + c];
      if (lam[c] > 0) nuclear += std::sqrt(lam[c]);
    }
    value.add(e.mass * std::max(0.0, w2 - 2 * nuclear));
    // Q = H N^(+1/2) H, N^(+1/2) = sum over the non-null eigenvalues of v v^T / sqrt(lambda).
    std::fill(n.begin(), n.end(), 0.0);
    for (std::size_t c = 0; c < d; ++c) {
      if (!(lam[c] > thr * top && lam[c] > 0)) continue;
      const double f = 1 / std::sqrt(lam[c]);
      const double *v = vec.data() + c * d;
      for (std::size_t i = 0; i < d; ++i)
        for (std::size_t j = 0; j < d; ++j) n[i * d + j] += f * v[i] * v[j];
    }
    std::fill(t.begin(), t.end(), 0.0);
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t k = 0; k < d; ++k)
        for (std::size_t j = 0; j < d; ++j) t[i * d + j] += h[i * d + k] * n[k * d + j];
    double *qs = qsum.data() + e.i * d * d;
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t k = 0; k < d; ++k)
        for (std::size_t j = 0; j < d; ++j) qs[i * d + j] += e.mass * t[i * d + k] * h[k * d + j];
    if (full) {
      const double *bc = bcov_.data() + e.j * d * d;
      for (std::size_t i = 0; i < d; ++i)
        for (std::size_t j = 0; j < d; ++j)
          extra[i * d + j] += 2 * e.mass * (b[i] * b[j] + bc[i * d + j]);
    }
  }
  std::fill(g, g + D * d, 0.0);
  for (std::size_t k = 0; k < kl; ++k) {
    if (!need[k]) continue;
    const double *a = a_.data() + k * D, *ap = pr.ap.data() + k * D * d;
    const double *bs = bsum.data() + k * d, *qs = qsum.data() + k * d * d;
    for (std::size_t r = 0; r < D; ++r)
      for (std::size_t c = 0; c < d; ++c) {
        double s = a[r] * bs[c];
        for (std::size_t j = 0; j < d; ++j) s += ap[r * d + j] * qs[j * d + c];
        g[r * d + c] -= 2 * s;
      }
  }
  if (full) {
    for (std::size_t r = 0; r < D; ++r)
      for (std::size_t c = 0; c < d; ++c) {
        double s = 0;
        for (std::size_t j = 0; j < d; ++j) s += p[r * d + j] * extra[j * d + c];
        g[r * d + c] += s;
      }
  }
  return value.value();
}

void MixtureEmbedding::gradient(const double *p, const std::vector<PlanEntry> &plan, bool full,
                                double *g) const {
  value_and_gradient(p, plan, full, g);
}

double MixtureEmbedding::embed_step(double *p, const std::vector<PlanEntry> &plan, double loss_now,
                                    double tolerance_abs, std::uint64_t max_steps) const {
  const std::size_t D = big_, d = small_;
  // The steps compare the value computed with the gradient (same pass, same closed form); the
  // value returned is loss()'s, the one the plan steps and the result use.
  std::vector<double> g(D * d), next(D * d), g_next(D * d), start(p, p + D * d);
  double v = value_and_gradient(p, plan, false, g.data());
  for (std::uint64_t s = 0; s < max_steps; ++s) {
    for (double &x : g) x = -x;
    stiefel::polar(D, d, g.data(), next.data());
    const double v_next = value_and_gradient(next.data(), plan, false, g_next.data());
    if (!(v_next <= v)) break;  // the majorisation holds up to rounding only
    const double decrease = v - v_next;
    std::copy(next.begin(), next.end(), p);
    std::swap(g, g_next);
    v = v_next;
    if (decrease <= tolerance_abs) break;
  }
  const double l = loss(p, plan);
  if (l <= loss_now) return l;
  std::copy(start.begin(), start.end(), p);
  return loss_now;
}

}  // namespace gmmot
