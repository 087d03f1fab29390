// SPDX-License-Identifier: MIT
// The fused E and M step of EM (numerics.md D.4), one sub-block of points at a time, so no
// N x K matrix is ever stored:
//  1. log-probabilities lp_k(x) = log pi_k - (d log 2pi)/2 - sum_j log L_jj - |L^-1 (x - mu_k)|^2 /
//  2
//     for every component (forward substitution with the Cholesky factor; never a density);
//  2. max-shifted log-sum-exp: m = max_k lp_k, e_k = exp(lp_k - m) (vectorised exp), s = sum e_k,
//     log p(x) = m + log s, responsibilities r_k = e_k / s;
//  3. the sufficient statistics n_k, s1_k, s2_k around the current means mu_k (em_detail.hpp).
// d <= 4 runs structure-of-arrays kernels vectorised over 4 points, specialised per d; larger d
// uses BLAS on the row-major sub-block: a triangular solve for step 1 and a rank-k update (dsyrk
// on rows scaled by sqrt(w r)) for step 3, over the points whose responsibility for the
// component is at least 2^-60 (smaller ones are below rounding in every statistic).
// Student-t (Params::nu > 0): step 1 gives the Mahalanobis distance delta = |L^-1 (x - mu)|^2
// to the scale (the Gaussian kernels with a zero constant return -delta / 2), turned into
// lp = c_t - (nu + d)/2 log(1 + delta / nu) by a vectorised log; step 3 first forms the weights
// w r and the latent scale weights u = (nu + d) / (nu + delta), then runs the Gaussian statistics
// kernels on r u (em_detail.hpp, Stats).

#include <cmath>
#include <limits>

#include "em/em_detail.hpp"
#include "linalg/dense.hpp"
#include "mixture/family.hpp"
#include "util/simd.hpp"
#include "util/vexp.hpp"

// Named namespace, not anonymous: target_clones needs external linkage (see lp/sinkhorn.cpp).
namespace gmmot::em_kernels {

using vexp::exp4;
using vexp::load;
using vexp::log4;
using vexp::splat;
using vexp::store;
using vexp::v4d;

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// Per-component constants of the small-d kernels: [c, mu (D), 1 / L_jj (D), L_jl (j > l,
// row by row)], c = log pi - (D log 2pi)/2 - sum log L_jj.
constexpr std::size_t small_stride(std::size_t d) { return 1 + 2 * d + d * (d - 1) / 2; }

template <int D>
GMMOT_INLINE void small_logp(std::size_t k, std::size_t b, const double *x, const double *cst,
                             double *lp) {
  constexpr std::size_t S = small_stride(D);
  for (std::size_t c = 0; c < k; ++c) {
    const double *q = cst + c * S;
    double *out = lp + c * b;
    if (q[0] == kNegInf) {
      for (std::size_t p = 0; p < b; ++p) out[p] = kNegInf;
      continue;
    }
    v4d mu[D], ri[D], lo[D * (D - 1) / 2 + 1];
#pragma GCC unroll 8
    for (int j = 0; j < D; ++j) {
      mu[j] = splat(q[1 + j]);
      ri[j] = splat(q[1 + D + j]);
    }
#pragma GCC unroll 8
    for (int j = 0; j < D * (D - 1) / 2; ++j) lo[j] = splat(q[1 + 2 * D + j]);
    const v4d c0 = splat(q[0]);
    for (std::size_t p = 0; p < b; p += 4) {
      v4d y[D];
      v4d acc = splat(0.0);
      int o = 0;
#pragma GCC unroll 8
      for (int j = 0; j < D; ++j) {
        v4d t = load(x + j * b + p) - mu[j];
#pragma GCC unroll 8
        for (int l = 0; l < j; ++l) t -= lo[o + l] * y[l];
        o += j;
        y[j] = t * ri[j];
        acc += y[j] * y[j];
      }
      store(out + p, c0 - 0.5 * acc);
    }
  }
}

template <int D>
GMMOT_INLINE void small_stats(std::size_t k, std::size_t b, const double *x, const double *cst,
                              const double *e, const double *ws, double *n, double *s1,
                              double *s2) {
  constexpr std::size_t S = small_stride(D);
  constexpr int T = D * (D + 1) / 2;
  for (std::size_t c = 0; c < k; ++c) {
    const double *q = cst + c * S;
    if (q[0] == kNegInf) continue;  // weight 0: every responsibility is 0
    v4d mu[D];
#pragma GCC unroll 8
    for (int j = 0; j < D; ++j) mu[j] = splat(q[1 + j]);
    v4d an = splat(0.0), a1[D], a2[T];
#pragma GCC unroll 8
    for (int j = 0; j < D; ++j) a1[j] = splat(0.0);
#pragma GCC unroll 16
    for (int j = 0; j < T; ++j) a2[j] = splat(0.0);
    const double *ec = e + c * b;
    for (std::size_t p = 0; p < b; p += 4) {
      const v4d wr = load(ec + p) * load(ws + p);
      v4d dx[D];
      an += wr;
      int o = 0;
#pragma GCC unroll 8
      for (int j = 0; j < D; ++j) {
        dx[j] = load(x + j * b + p) - mu[j];
        const v4d t = wr * dx[j];
        a1[j] += t;
#pragma GCC unroll 8
        for (int l = 0; l <= j; ++l) a2[o + l] += t * dx[l];
        o += j + 1;
      }
    }
    auto sum = [](const v4d &v) { return (v[0] + v[1]) + (v[2] + v[3]); };
    n[c] += sum(an);
    int o = 0;
    for (int j = 0; j < D; ++j) {
      s1[c * D + j] += sum(a1[j]);
      for (int l = 0; l <= j; ++l) s2[c * D * D + j + l * D] += sum(a2[o + l]);
      o += j + 1;
    }
  }
}

// g = log(1 + delta / nu) and u = (nu + d) / (nu + delta), sharing one division
// (vexp::log4_inv).
GMMOT_INLINE void log_and_u(const v4d &delta, const v4d &inv_nu, const v4d &nuv, const v4d &nd,
                            v4d &g, v4d &u) {
  v4d inv;
  vexp::log4_inv(delta * inv_nu + 1.0, nuv + delta, g, inv);
  u = nd * inv;
}

// Student-t, d <= kSmallDim, step 1 with the t profile: delta = |L^-1 (x - mu)|^2 goes to the
// lp row, then u = (nu + d) / (nu + delta) and lp = ct - h log(1 + delta / nu) are stored
// (k x b each). The log itself need not be kept: log_sum_exp_t recovers sum_k r_k log(...)
// from lp.
template <int D>
GMMOT_INLINE void small_logp_t(std::size_t k, std::size_t b, const double *x, const double *cst,
                               const double *ct, double nu, double *lp, double *uu) {
  constexpr std::size_t S = small_stride(D);
  const v4d inv_nu = splat(1.0 / nu), hv = splat(0.5 * (nu + D)), nd = splat(nu + D),
            nuv = splat(nu);
  for (std::size_t c = 0; c < k; ++c) {
    const double *q = cst + c * S;
    double *out = lp + c * b;
    if (ct[c] == kNegInf) {
      for (std::size_t p = 0; p < b; ++p) out[p] = kNegInf;
      continue;
    }
    v4d mu[D], ri[D], lo[D * (D - 1) / 2 + 1];
#pragma GCC unroll 8
    for (int j = 0; j < D; ++j) {
      mu[j] = splat(q[1 + j]);
      ri[j] = splat(q[1 + D + j]);
    }
#pragma GCC unroll 8
    for (int j = 0; j < D * (D - 1) / 2; ++j) lo[j] = splat(q[1 + 2 * D + j]);
    const v4d c0 = splat(ct[c]);
    double *uc = uu + c * b;
    for (std::size_t p = 0; p < b; p += 4) {
      v4d y[D];
      v4d acc = splat(0.0);
      int o = 0;
#pragma GCC unroll 8
      for (int j = 0; j < D; ++j) {
        v4d t = load(x + j * b + p) - mu[j];
#pragma GCC unroll 8
        for (int l = 0; l < j; ++l) t -= lo[o + l] * y[l];
        o += j;
        y[j] = t * ri[j];
        acc += y[j] * y[j];
      }
      store(out + p, acc);
    }
    // The t profile in a second loop over the row, which stays in L1: fused into the loop
    // above, the Cholesky and log constants do not fit in the 16 vector registers together and
    // spill (perf at d = 3, K = 10: this kernel's time fell from 2.8 to 2.1 times the Gaussian
    // small_logp's).
    for (std::size_t p = 0; p < b; p += 4) {
      v4d g, u;
      log_and_u(load(out + p), inv_nu, nuv, nd, g, u);
      store(uc + p, u);
      store(out + p, c0 - hv * g);
    }
  }
}

// Student-t, d <= kSmallDim, step 3 fused with the latent weights: n += w r, u_k += w r u,
// lu -= sum w r u (log_sum_exp_t added the sum of w r log u), and the statistics of small_stats
// with the weights w r u.
template <int D>
GMMOT_INLINE void small_stats_t(std::size_t k, std::size_t b, const double *x, const double *cst,
                                const double *ct, const double *e, const double *ws,
                                const double *uu, double *n, double *uk, double *lu, double *s1,
                                double *s2) {
  constexpr std::size_t S = small_stride(D);
  constexpr int T = D * (D + 1) / 2;
  double lsum = 0;
  for (std::size_t c = 0; c < k; ++c) {
    const double *q = cst + c * S;
    if (ct[c] == kNegInf) continue;
    v4d mu[D];
#pragma GCC unroll 8
    for (int j = 0; j < D; ++j) mu[j] = splat(q[1 + j]);
    v4d an = splat(0.0), au = splat(0.0), a1[D], a2[T];
#pragma GCC unroll 8
    for (int j = 0; j < D; ++j) a1[j] = splat(0.0);
#pragma GCC unroll 16
    for (int j = 0; j < T; ++j) a2[j] = splat(0.0);
    const double *ec = e + c * b, *uc = uu + c * b;
    for (std::size_t p = 0; p < b; p += 4) {
      const v4d wr = load(ec + p) * load(ws + p), u = load(uc + p);
      const v4d wu = wr * u;
      an += wr;
      au += wu;
      v4d dx[D];
      int o = 0;
#pragma GCC unroll 8
      for (int j = 0; j < D; ++j) {
        dx[j] = load(x + j * b + p) - mu[j];
        const v4d t = wu * dx[j];
        a1[j] += t;
#pragma GCC unroll 8
        for (int l = 0; l <= j; ++l) a2[o + l] += t * dx[l];
        o += j + 1;
      }
    }
    auto sum = [](const v4d &v) { return (v[0] + v[1]) + (v[2] + v[3]); };
    n[c] += sum(an);
    const double su = sum(au);
    uk[c] += su;
    lsum -= su;
    int o = 0;
    for (int j = 0; j < D; ++j) {
      s1[c * D + j] += sum(a1[j]);
      for (int l = 0; l <= j; ++l) s2[c * D * D + j + l * D] += sum(a2[o + l]);
      o += j + 1;
    }
  }
  *lu += lsum;
}

#define GMMOT_EM_SMALL_T(D)                                                                      \
  GMMOT_CLONES void small_logp_t_##D(std::size_t k, std::size_t b, const double *x,              \
                                     const double *cst, const double *ct, double nu, double *lp, \
                                     double *uu) {                                               \
    small_logp_t<D>(k, b, x, cst, ct, nu, lp, uu);                                               \
  }                                                                                              \
  GMMOT_CLONES void small_stats_t_##D(std::size_t k, std::size_t b, const double *x,             \
                                      const double *cst, const double *ct, const double *e,      \
                                      const double *ws, const double *uu, double *n, double *uk, \
                                      double *lu, double *s1, double *s2) {                      \
    small_stats_t<D>(k, b, x, cst, ct, e, ws, uu, n, uk, lu, s1, s2);                            \
  }
GMMOT_EM_SMALL_T(1)
GMMOT_EM_SMALL_T(2)
GMMOT_EM_SMALL_T(3)
GMMOT_EM_SMALL_T(4)
#undef GMMOT_EM_SMALL_T

#define GMMOT_EM_SMALL(D)                                                                 \
  GMMOT_CLONES void small_logp_##D(std::size_t k, std::size_t b, const double *x,         \
                                   const double *cst, double *lp) {                       \
    small_logp<D>(k, b, x, cst, lp);                                                      \
  }                                                                                       \
  GMMOT_CLONES void small_stats_##D(std::size_t k, std::size_t b, const double *x,        \
                                    const double *cst, const double *e, const double *ws, \
                                    double *n, double *s1, double *s2) {                  \
    small_stats<D>(k, b, x, cst, e, ws, n, s1, s2);                                       \
  }
GMMOT_EM_SMALL(1)
GMMOT_EM_SMALL(2)
GMMOT_EM_SMALL(3)
GMMOT_EM_SMALL(4)
#undef GMMOT_EM_SMALL

// Step 2 for b points (a multiple of 4): lp (k x b) is replaced by e = exp(lp - m); m and s
// receive the shift and the sum per point, inv_s = 1 / s and ws = w / s. A point whose every
// lp is -inf gets m = -inf and s = 0 (the caller reports it).
GMMOT_CLONES void log_sum_exp(std::size_t k, std::size_t b, double *lp, const double *w, double *m,
                              double *s, double *inv_s, double *ws) {
  const v4d ninf = splat(kNegInf), zero = splat(0.0), one = splat(1.0);
  for (std::size_t p = 0; p < b; p += 4) {
    v4d mx = ninf;
    for (std::size_t c = 0; c < k; ++c) {
      const v4d v = load(lp + c * b + p);
      mx = v > mx ? v : mx;
    }
    const v4d shift = mx > ninf ? mx : zero;  // all -inf: exp(-inf - 0) = 0, no NaN
    v4d sum = zero;
    for (std::size_t c = 0; c < k; ++c) {
      const v4d e = exp4(load(lp + c * b + p) - shift);
      store(lp + c * b + p, e);
      sum += e;
    }
    const v4d inv = one / sum;
    store(m + p, mx);
    store(s + p, sum);
    store(inv_s + p, inv);
    store(ws + p, load(w + p) * inv);
  }
}

// Student-t, d <= kSmallDim: log_sum_exp, and the block's sum over points of
// w sum_k r_k log u_k, with log u_k = lr - log(1 + delta_k / nu) = lr - (ct_k - lp_k) / h
// (lr = log((nu + d) / nu), h = (nu + d) / 2): sum_k r_k = 1, so that is w (lr - sum_k e_k
// (ct_k - lp_k) / (h s)), one multiply-add per point-component here instead of a stored log
// and its reload in the statistics pass. Points of weight 0 (padding) add nothing. lpx receives
// the log-density m + log s with the vector log (the scalar std::log per point cost as much
// as a tenth of a t pass).
GMMOT_CLONES double log_sum_exp_t(std::size_t k, std::size_t b, double *lp, const double *w,
                                  const double *ct, double lr, double h, double *m, double *s,
                                  double *inv_s, double *ws, double *lpx) {
  const v4d ninf = splat(kNegInf), zero = splat(0.0), one = splat(1.0), lrv = splat(lr),
            inv_h = splat(1.0 / h);
  v4d acc = zero;
  for (std::size_t p = 0; p < b; p += 4) {
    v4d mx = ninf;
    for (std::size_t c = 0; c < k; ++c) {
      const v4d v = load(lp + c * b + p);
      mx = v > mx ? v : mx;
    }
    const v4d shift = mx > ninf ? mx : zero;  // all -inf: exp(-inf - 0) = 0, no NaN
    v4d sum = zero, gs = zero;
    for (std::size_t c = 0; c < k; ++c) {
      if (ct[c] == kNegInf) {  // e = 0 (as log_sum_exp gives), and (ct - lp) would be NaN
        store(lp + c * b + p, zero);
        continue;
      }
      const v4d l = load(lp + c * b + p);
      const v4d e = exp4(l - shift);
      store(lp + c * b + p, e);
      sum += e;
      gs += e * (splat(ct[c]) - l);
    }
    const v4d inv = one / sum, wv = load(w + p);
    store(m + p, mx);
    store(s + p, sum);
    store(inv_s + p, inv);
    store(ws + p, wv * inv);
    // s >= 1 where mx is finite; elsewhere mx itself (-inf, or NaN), as m + log s would give.
    store(lpx + p, mx > ninf ? mx + log4(sum) : mx);
    const v4d q = wv * (lrv - gs * inv * inv_h);
    acc += wv > zero ? q : zero;
  }
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

// Sum of (y_j - v_j)^2 over n entries.
GMMOT_INLINE double sq_dist(std::size_t n, const double *y, const double *v) {
  v4d acc = splat(0.0);
  std::size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const v4d t = load(y + j) - load(v + j);
    acc += t * t;
  }
  double q = (acc[0] + acc[1]) + (acc[2] + acc[3]);
  for (; j < n; ++j) {
    const double t = y[j] - v[j];
    q += t * t;
  }
  return q;
}

// Large d, step 1 after the stacked products: lp_c(x_i) = logc_c - |U_c x_i - U_c mu_c|^2 / 2,
// with the rows of every U_c x_i in `groups` row blocks: block g holds n[g] rows per component,
// y[g] (k n[g] x b, column-major) and v[g] (k n[g]) the matching rows of U_c mu_c.
GMMOT_CLONES void quad_forms(std::size_t k, std::size_t groups, const std::size_t *n, std::size_t b,
                             const double *const *y, const double *const *v, const double *logc,
                             double *lp) {
  for (std::size_t i = 0; i < b; ++i) {
    for (std::size_t c = 0; c < k; ++c) {
      double q = 0;
      for (std::size_t g = 0; g < groups; ++g)
        q += sq_dist(n[g], y[g] + (i * k + c) * n[g], v[g] + c * n[g]);
      lp[c * b + i] = logc[c] - 0.5 * q;
    }
  }
}

// Large d, step 3 for one component: the rows sqrt(w r) (x_i - mu) of the points whose
// responsibility r = e_i / s_i is at least `prune` go to z (cnt x d, row-major); a1 (d) and
// *nsum receive sum w r (x_i - mu) and sum w r over them. Returns cnt.
GMMOT_CLONES std::size_t gather_scaled(std::size_t d, std::size_t b, const double *x,
                                       const double *mu, const double *e, const double *inv_s,
                                       const double *w, double prune, double *z, double *a1,
                                       double *nsum) {
  std::size_t cnt = 0;
  double ns = 0;
  for (std::size_t j = 0; j < d; ++j) a1[j] = 0;
  for (std::size_t i = 0; i < b; ++i) {
    const double r = e[i] * inv_s[i];
    if (!(r >= prune)) continue;
    const double wr = r * w[i];
    if (!(wr > 0)) continue;
    const double sq = std::sqrt(wr);
    const double *xi = x + i * d;
    double *zi = z + cnt * d;
    const v4d wv = splat(wr), sv = splat(sq);
    std::size_t j = 0;
    for (; j + 4 <= d; j += 4) {
      const v4d dx = load(xi + j) - load(mu + j);
      store(a1 + j, load(a1 + j) + wv * dx);
      store(zi + j, sv * dx);
    }
    for (; j < d; ++j) {
      const double dx = xi[j] - mu[j];
      a1[j] += wr * dx;
      zi[j] = sq * dx;
    }
    ns += wr;
    ++cnt;
  }
  *nsum = ns;
  return cnt;
}

// Student-t, after step 1 with zero constants (lp = -delta / 2): delta and L = log(1 + delta /
// nu) to dl and lg (k x b), lp = ct_c - h L, h = (nu + d) / 2. Components with ct_c = -inf
// (weight 0) keep lp = -inf.
GMMOT_CLONES void t_profile(std::size_t k, std::size_t b, double *lp, double *dl, double *lg,
                            const double *ct, double nu, double h) {
  const v4d one = splat(1.0), inv_nu = splat(1.0 / nu), hv = splat(h);
  for (std::size_t c = 0; c < k; ++c) {
    if (ct[c] == kNegInf) continue;
    const v4d cv = splat(ct[c]);
    double *l = lp + c * b, *dd = dl + c * b, *gg = lg + c * b;
    for (std::size_t p = 0; p < b; p += 4) {
      const v4d delta = load(l + p) * -2.0;
      const v4d g = log4(delta * inv_nu + one);
      store(dd + p, delta);
      store(gg + p, g);
      store(l + p, cv - hv * g);
    }
  }
}

// Student-t, after step 2: n_c += sum_p w r, *lu += sum w r (log u - u) with u = (nu + d) /
// (nu + delta) and log u = log((nu + d) / nu) - L, and e <- e u, so that the Gaussian
// statistics kernels then accumulate the u-weighted sums.
GMMOT_CLONES void t_weights(std::size_t k, std::size_t b, double *e, const double *ws,
                            const double *dl, const double *lg, const double *ct, double nu,
                            double d, double *n, double *lu) {
  const v4d nd = splat(nu + d), nuv = splat(nu), lr = splat(std::log((nu + d) / nu));
  double lsum = 0;
  for (std::size_t c = 0; c < k; ++c) {
    if (ct[c] == kNegInf) continue;
    double *ec = e + c * b;
    const double *dd = dl + c * b, *gg = lg + c * b;
    v4d an = splat(0.0), al = splat(0.0);
    for (std::size_t p = 0; p < b; p += 4) {
      const v4d ev = load(ec + p), wr = ev * load(ws + p);
      const v4d u = nd / (nuv + load(dd + p));
      an += wr;
      al += wr * ((lr - load(gg + p)) - u);
      store(ec + p, ev * u);
    }
    n[c] += (an[0] + an[1]) + (an[2] + an[3]);
    lsum += (al[0] + al[1]) + (al[2] + al[3]);
  }
  *lu += lsum;
}

}  // namespace gmmot::em_kernels

namespace gmmot::em {
namespace {

using namespace gmmot::em_kernels;

constexpr double kLog2Pi = 1.8378770664093454836;
constexpr double kPrune = 0x1p-60;  // responsibilities below this are skipped (large d)

// Scratch of one worker: lp (k x b), then m, s, inv_s, ws (b each), y (k x b x d), z (b x d),
// and for Student-t dl, lg (k x b each).
struct Scratch {
  double *lp, *m, *s, *inv_s, *ws, *y, *z, *dl, *lg;
  Scratch(std::vector<double> &buf, std::size_t k, std::size_t b, std::size_t d, bool t) {
    buf.resize(k * b + 4 * b + (k + 1) * b * d + (t ? 2 * k * b : 0));
    lp = buf.data();
    m = lp + k * b;
    s = m + b;
    inv_s = s + b;
    ws = inv_s + b;
    y = ws + b;
    z = y + k * b * d;
    dl = z + b * d;
    lg = dl + k * b;
  }
};

}  // namespace

Kernel::Kernel(const Data &data, std::size_t k) : data_(data), k_(k) {
  const std::size_t d = data.d;
  slots_ = std::min(wave_slots(k * (1 + d + d * d)), std::max<std::size_t>(1, data.nchunks));
  slot_stats_.resize(slots_);
  for (auto &s : slot_stats_) s.reset(k, d);
  logc_.resize(k);
  logc_t_.resize(k);
  if (data.soa)
    small_.resize(k * small_stride(d));
  else {
    // Row blocks of the triangular U_c: each block multiplies only the coordinates its rows
    // use, so two blocks save a quarter of the flops of one full product and three a third.
    // Measured at d = 27, K = 10: two blocks 22% faster per iteration than one, three no faster
    // than two (more, smaller BLAS calls); three from d = 48 on.
    const std::size_t groups = d >= 48 ? 3 : (d >= 16 ? 2 : 1);
    for (std::size_t g = 0; g <= groups; ++g) rows_.push_back((d * g + groups - 1) / groups);
    rows_.back() = d;
    for (std::size_t g = 0; g < groups; ++g) {
      const std::size_t ng = rows_[g + 1] - rows_[g];
      ustack_[g].resize(k * ng * rows_[g + 1]);
      umean_[g].resize(k * ng);
    }
  }
}

void Kernel::pass(const Params &p, bool want_stats, Team &team, const Context &ctx, Stats &total,
                  BlockObserver *observer) {
  const std::size_t k = k_, d = data_.d, b = data_.block;
  const bool t = p.nu > 0;
  const double dd_ = static_cast<double>(d);
  // lgamma((nu + d)/2) - lgamma(nu/2) - (d/2) log(nu pi) without subtracting two lgamma values
  // (at a fixed nu of 1e6 they are near 6e6 and their difference would lose 1e-9): the same
  // normaliser as the mixture's log-density, so l is the returned mixture's.
  const double t_const = t ? log_t_normaliser(p.nu, static_cast<int>(d)) : 0.0;
  for (std::size_t c = 0; c < k; ++c) {
    const double *l = p.chol.data() + c * d * d;
    double logdet = 0;
    for (std::size_t j = 0; j < d; ++j) logdet += std::log(l[j * d + j]);
    logc_[c] = p.weight[c] > 0
                   ? std::log(p.weight[c]) - 0.5 * static_cast<double>(d) * kLog2Pi - logdet
                   : kNegInf;
    if (t) {
      // log pi + lgamma((nu + d)/2) - lgamma(nu/2) - (d/2) log(nu pi) - log det L; the
      // Gaussian kernels then run with a zero constant and return -delta / 2.
      logc_t_[c] = p.weight[c] > 0 ? std::log(p.weight[c]) + t_const - logdet : kNegInf;
      logc_[c] = p.weight[c] > 0 ? 0.0 : kNegInf;
    }
    if (data_.soa) {
      double *q = small_.data() + c * small_stride(d);
      q[0] = logc_[c];
      for (std::size_t j = 0; j < d; ++j) {
        q[1 + j] = p.mean[c * d + j];
        q[1 + d + j] = 1.0 / l[j * d + j];
      }
      std::size_t o = 1 + 2 * d;
      for (std::size_t j = 1; j < d; ++j)
        for (std::size_t i = 0; i < j; ++i) q[o++] = l[j + i * d];
    } else {
      // U = L^-1 by row blocks: block g (rows r_g .. r_{g+1} - 1, which only use the columns
      // j < r_{g+1}) of every component goes to ustack_[g] (k n_g x r_{g+1}, column-major);
      // U mu likewise to umean_[g].
      std::vector<double> u(d * d, 0.0);
      for (std::size_t j = 0; j < d; ++j) u[j * d + j] = 1.0;
      linalg::trsm_lower(true, false, static_cast<int>(d), l, u.data());
      for (std::size_t g = 0; g + 1 < rows_.size(); ++g) {
        const std::size_t r0 = rows_[g], r1 = rows_[g + 1], ng = r1 - r0;
        for (std::size_t i = r0; i < r1; ++i) {
          double v = 0;
          for (std::size_t j = 0; j <= i; ++j) v += u[i + j * d] * p.mean[c * d + j];
          umean_[g][c * ng + (i - r0)] = v;
          for (std::size_t j = 0; j < r1; ++j)
            ustack_[g][(c * ng + (i - r0)) + j * k * ng] = j <= i ? u[i + j * d] : 0.0;
        }
      }
    }
  }
  if (scratch_.size() < team.size()) scratch_.resize(team.size());
  total.reset(k, d, t);

  auto body = [&](std::size_t chunk, std::size_t slot, unsigned worker) {
    Stats &st = slot_stats_[slot];
    st.reset(k, d, t);
    Scratch sc(scratch_[worker], k, b, d, t);
    // Student-t: the statistics kernels accumulate sum w r u into Stats::u (t_weights gives n).
    double *nk = t ? st.u.data() : st.n.data();
    for (std::size_t blk = data_.chunk_begin(chunk); blk < data_.chunk_end(chunk); ++blk) {
      ctx.check_interrupt();
      const double *x = data_.block_x(blk);
      const double *w = data_.w.data() + blk * b;
      // Step 1.
      if (t && data_.soa) {
        // Fused with the t profile: sc.dl receives u.
        const double *cs = small_.data(), *ct = logc_t_.data();
        switch (d) {
          case 1:
            small_logp_t_1(k, b, x, cs, ct, p.nu, sc.lp, sc.dl);
            break;
          case 2:
            small_logp_t_2(k, b, x, cs, ct, p.nu, sc.lp, sc.dl);
            break;
          case 3:
            small_logp_t_3(k, b, x, cs, ct, p.nu, sc.lp, sc.dl);
            break;
          default:
            small_logp_t_4(k, b, x, cs, ct, p.nu, sc.lp, sc.dl);
            break;
        }
      } else if (data_.soa) {
        switch (d) {
          case 1:
            small_logp_1(k, b, x, small_.data(), sc.lp);
            break;
          case 2:
            small_logp_2(k, b, x, small_.data(), sc.lp);
            break;
          case 3:
            small_logp_3(k, b, x, small_.data(), sc.lp);
            break;
          default:
            small_logp_4(k, b, x, small_.data(), sc.lp);
            break;
        }
      } else {
        // U_c x for all components, one product per row block of the U_c (em_detail.hpp).
        const std::size_t groups = rows_.size() - 1;
        const double *yg[kMaxRowBlocks], *vg[kMaxRowBlocks];
        std::size_t ng[kMaxRowBlocks];
        for (std::size_t g = 0; g < groups; ++g) {
          const std::size_t r1 = rows_[g + 1];
          ng[g] = r1 - rows_[g];
          const int m = static_cast<int>(k * ng[g]);
          double *out = sc.y + k * rows_[g] * b;
          linalg::gemm_mnk(false, false, m, static_cast<int>(b), static_cast<int>(r1), 1.0,
                           ustack_[g].data(), m, x, static_cast<int>(d), 0.0, out, m);
          yg[g] = out;
          vg[g] = umean_[g].data();
        }
        quad_forms(k, groups, ng, b, yg, vg, logc_.data(), sc.lp);
      }
      if (t && !data_.soa)
        t_profile(k, b, sc.lp, sc.dl, sc.lg, logc_t_.data(), p.nu, 0.5 * (p.nu + dd_));
      // Step 2.
      if (t && data_.soa) {
        const double lu_block =
            log_sum_exp_t(k, b, sc.lp, w, logc_t_.data(), std::log((p.nu + dd_) / p.nu),
                          0.5 * (p.nu + dd_), sc.m, sc.s, sc.inv_s, sc.ws, sc.lg);
        if (want_stats) st.lu += lu_block;
      } else {
        log_sum_exp(k, b, sc.lp, w, sc.m, sc.s, sc.inv_s, sc.ws);
      }
      double ll = 0;
      for (std::size_t i = 0; i < b; ++i) {
        if (!(w[i] > 0)) continue;
        const double lpi = t && data_.soa ? sc.lg[i] : sc.m[i] + std::log(sc.s[i]);
        if (!std::isfinite(lpi)) {
          fail(Errc::Overflow, "the log-density of point " + std::to_string(blk * b + i) +
                                   " under the current mixture is " + fmt(lpi) +
                                   " (the data are too spread out for double precision)");
        }
        ll += w[i] * lpi;
        st.note_point(lpi, blk * b + i);
      }
      st.add_ll(ll);
      if (observer != nullptr) observer->block(slot, b, sc.lp, sc.m, sc.inv_s, w);
      if (!want_stats) continue;
      if (t && data_.soa) {
        const double *cs = small_.data(), *ct = logc_t_.data();
        double *n = st.n.data(), *uk = st.u.data(), *s1 = st.s1.data(), *s2 = st.s2.data();
        switch (d) {
          case 1:
            small_stats_t_1(k, b, x, cs, ct, sc.lp, sc.ws, sc.dl, n, uk, &st.lu, s1, s2);
            break;
          case 2:
            small_stats_t_2(k, b, x, cs, ct, sc.lp, sc.ws, sc.dl, n, uk, &st.lu, s1, s2);
            break;
          case 3:
            small_stats_t_3(k, b, x, cs, ct, sc.lp, sc.ws, sc.dl, n, uk, &st.lu, s1, s2);
            break;
          default:
            small_stats_t_4(k, b, x, cs, ct, sc.lp, sc.ws, sc.dl, n, uk, &st.lu, s1, s2);
            break;
        }
        continue;
      }
      if (t) {
        t_weights(k, b, sc.lp, sc.ws, sc.dl, sc.lg, logc_t_.data(), p.nu, dd_, st.n.data(), &st.lu);
      }
      // Step 3.
      if (data_.soa) {
        switch (d) {
          case 1:
            small_stats_1(k, b, x, small_.data(), sc.lp, sc.ws, nk, st.s1.data(), st.s2.data());
            break;
          case 2:
            small_stats_2(k, b, x, small_.data(), sc.lp, sc.ws, nk, st.s1.data(), st.s2.data());
            break;
          case 3:
            small_stats_3(k, b, x, small_.data(), sc.lp, sc.ws, nk, st.s1.data(), st.s2.data());
            break;
          default:
            small_stats_4(k, b, x, small_.data(), sc.lp, sc.ws, nk, st.s1.data(), st.s2.data());
            break;
        }
        continue;
      }
      const int di = static_cast<int>(d);
      for (std::size_t c = 0; c < k; ++c) {
        if (logc_[c] == kNegInf) continue;
        const double *e = sc.lp + c * b;
        const double *mu = p.mean.data() + c * d;
        double *s1 = st.s1.data() + c * d;
        double nsum = 0;
        double *a1 = sc.y;  // the block's partial s1
        const std::size_t cnt = gather_scaled(d, b, x, mu, e, sc.inv_s, w, kPrune, sc.z, a1, &nsum);
        if (cnt == 0) continue;
        nk[c] += nsum;
        for (std::size_t j = 0; j < d; ++j) s1[j] += a1[j];
        linalg::syrk_lower_add(di, static_cast<int>(cnt), sc.z, di, st.s2.data() + c * d * d, di);
      }
    }
  };
  auto reduce = [&](std::size_t, std::size_t slot) {
    total.add(slot_stats_[slot]);
    if (observer != nullptr) observer->reduce(slot);
  };
  for_chunks(team, data_.nchunks, slots_, body, reduce);
}

}  // namespace gmmot::em
