#include "gaussian/bures.hpp"

#include <algorithm>
#include <cmath>

namespace gmmot {
namespace {

// W = Fb^T Fa, d x d column-major.
void factor_product(const CovFactor &a, const CovFactor &b, double *w) {
  const int d = a.d;
  if (d > 3) {
    linalg::gemm(true, false, d, 1.0, b.f.data(), a.f.data(), 0.0, w);
    return;
  }
  for (int j = 0; j < d; ++j) {
    for (int i = 0; i < d; ++i) {
      double acc = 0.0;
      for (int k = 0; k < d; ++k) acc += b.f[k + i * d] * a.f[k + j * d];
      w[i + j * d] = acc;
    }
  }
}

double sum_of_squares(const double *x, std::size_t n) {
  double acc = 0.0;
  for (std::size_t i = 0; i < n; ++i) acc += x[i] * x[i];
  return acc;
}

// Bures term of two diagonal covariances: sum_i (sqrt(a_i) - sqrt(b_i))^2, no cancellation.
double bures_diagonal(const CovFactor &a, const CovFactor &b) {
  double acc = 0.0;
  for (int i = 0; i < a.d; ++i) {
    const double x = a.sd[i] - b.sd[i];
    acc += x * x;
  }
  return acc;
}

// min_U ||Fa 2^ea - Fb 2^eb U||_F^2 (Procrustes form, numerics.md A.1.2).
double bures_procrustes(const CovFactor &a, const CovFactor &b, PairWorkspace &ws) {
  const int d = a.d;
  product_polar(a, b, ws, ws.u.data(), ws.tmp.data());
  // tmp = Fb U
  linalg::gemm(false, false, d, 1.0, b.f.data(), ws.u.data(), 0.0, ws.tmp.data());
  const int e = std::max(a.scale_exp, b.scale_exp);
  double acc = 0.0;
  for (std::size_t i = 0; i < a.f.size(); ++i) {
    const double x = std::ldexp(a.f[i], a.scale_exp - e) - std::ldexp(ws.tmp[i], b.scale_exp - e);
    acc += x * x;
  }
  return std::ldexp(acc, 2 * e);
}

// d = 3. With a = sum s_i^2, b = sum_{i<j} s_i^2 s_j^2 (squared 2x2 minors), c = s1 s2 s3, the
// nuclear norm s = s1 + s2 + s3 and p = s1 s2 + s1 s3 + s2 s3 satisfy s^2 = a + 2p and
// p^2 = b + 2cs, so s is the largest root of Q(s) = (s^2 - a)^2 - 4b - 8cs. Q is convex and
// increasing right of it, so Newton from an upper bound decreases monotonically to the root and
// needs no square root per step. Rounding in Q costs about eps*s (Q' = 8(sp - c) there).
struct Quartic {
  double a, b, c, s;  // coefficients and the current iterate
  bool done;
};

Quartic quartic_start(const double *w, double abs_det) {
  // Column-major 3 x 3: w[i + 3 j]. The nine 2x2 minors, written out. Plain products suffice:
  // W's own rounding (eps ||W|| per entry) already bounds their error by eps ||W||^2, which
  // moves s by about eps ||W||.
  const double w00 = w[0], w10 = w[1], w20 = w[2], w01 = w[3], w11 = w[4], w21 = w[5], w02 = w[6],
               w12 = w[7], w22 = w[8];
  const double m[9] = {w11 * w22 - w12 * w21, w10 * w22 - w12 * w20, w10 * w21 - w11 * w20,
                       w01 * w22 - w02 * w21, w00 * w22 - w02 * w20, w00 * w21 - w01 * w20,
                       w01 * w12 - w02 * w11, w00 * w12 - w02 * w10, w00 * w11 - w01 * w10};
  Quartic q{sum_of_squares(w, 9), sum_of_squares(m, 9), abs_det, 0.0, false};
  if (q.a == 0.0) {
    q.done = true;
    return q;
  }
  // g(s) = sqrt(a + 2 sqrt(b + 2cs)) is increasing with g(s*) = s*, so g(sqrt(3a)) is still an
  // upper bound (sqrt(3a) >= s* by Cauchy-Schwarz), and a much closer one.
  q.s = std::sqrt(q.a + 2.0 * std::sqrt(q.b + 2.0 * q.c * std::sqrt(3.0 * q.a)));
  return q;
}

// One Newton step; returns false once converged to rounding (q.s is then final).
bool quartic_step(Quartic &q) {
  const double u = q.s * q.s - q.a;
  const double val = u * u - 4.0 * q.b - 8.0 * q.c * q.s;
  if (val <= 0.0) return false;  // at the root to rounding
  const double step = val / (4.0 * q.s * u - 8.0 * q.c);
  if (!(step > 0x1p-53 * q.s)) return false;  // converged (quadratically) to rounding
  q.s -= step;
  return true;
}

constexpr int kMaxNewton = 60;

template <int D>
double nuclear_norm_fixed(const double *w, double abs_det) {
  static_assert(D >= 1 && D <= 3, "closed forms exist for d <= 3 only");
  if constexpr (D == 1) {
    return std::fabs(w[0]);
  } else if constexpr (D == 2) {
    const double a = sum_of_squares(w, 4);
    return a == 0.0 ? 0.0 : std::sqrt(a + 2.0 * abs_det);  // (s1 + s2)^2 = s1^2 + s2^2 + 2 s1 s2
  } else {
    Quartic q = quartic_start(w, abs_det);
    for (int it = 0; it < kMaxNewton && !q.done; ++it) q.done = !quartic_step(q);
    return q.s;
  }
}

}  // namespace

double nuclear_norm_small(int d, const double *w, double abs_det) {
  return d == 3   ? nuclear_norm_fixed<3>(w, abs_det)
         : d == 2 ? nuclear_norm_fixed<2>(w, abs_det)
                  : nuclear_norm_fixed<1>(w, abs_det);
}

PairWorkspace::PairWorkspace(int dim) : d(dim), lapack(dim), small_svd(dim) {
  const std::size_t nn = static_cast<std::size_t>(dim) * static_cast<std::size_t>(dim);
  w.assign(nn, 0.0);
  p.assign(nn, 0.0);
  qt.assign(nn, 0.0);
  u.assign(nn, 0.0);
  tmp.assign(nn, 0.0);
  sv.assign(static_cast<std::size_t>(dim), 0.0);
}

// The nuclear norm of Fb^T Fa for a compile-time dimension D <= 3 (fixed-size loops).
template <int D>
double small_product_nuclear_norm(const CovFactor &a, const CovFactor &b) {
  double w[D * D];
  const double *fa = a.f.data(), *fb = b.f.data();
  for (int j = 0; j < D; ++j) {
    for (int i = 0; i < D; ++i) {
      double acc = 0.0;
      for (int k = 0; k < D; ++k) acc += fb[k + i * D] * fa[k + j * D];
      w[i + j * D] = acc;
    }
  }
  return nuclear_norm_fixed<D>(w, a.abs_det_f * b.abs_det_f);
}

double bures_squared(const CovFactor &a, const CovFactor &b, PairWorkspace &ws) {
  if (a.kind == FactorKind::Diagonal && b.kind == FactorKind::Diagonal) {
    return bures_diagonal(a, b);
  }
  const int d = a.d;
  double nuc = 0.0;
  if (d <= 3) {
    nuc = d == 3   ? small_product_nuclear_norm<3>(a, b)
          : d == 2 ? small_product_nuclear_norm<2>(a, b)
                   : small_product_nuclear_norm<1>(a, b);
  } else {
    factor_product(a, b, ws.w.data());
    nuc = ws.small_svd.nuclear_norm(ws.w.data());
    if (nuc < 0.0) return bures_procrustes(a, b, ws);  // LAPACK's SVD, which throws if it fails
  }
  const double tr = a.trace + b.trace;
  const double bsq = tr - 2.0 * (nuc * a.scale) * b.scale;
  if (bsq < 1e-6 * tr) return bures_procrustes(a, b, ws);
  return bsq;
}

double w2_squared(const double *m0, const CovFactor &a, const double *m1, const CovFactor &b,
                  PairWorkspace &ws) {
  double mean_term = 0.0;
  for (int i = 0; i < a.d; ++i) {
    const double x = m0[i] - m1[i];
    mean_term += x * x;
  }
  return mean_term + bures_squared(a, b, ws);
}

namespace {

template <int D>
void small_batch_fixed(const double *const *m0, const CovFactor *const *a, const double *const *m1,
                       const CovFactor *const *b, int count, PairWorkspace &ws, double *out) {
  constexpr int d = D;
  double nuc[kSmallBatch] = {};
  Quartic q[kSmallBatch];
  for (int l = 0; l < count; ++l) {
    q[l].done = true;
    if (a[l]->kind == FactorKind::Diagonal && b[l]->kind == FactorKind::Diagonal) continue;
    double w[D * D];
    const double *fa = a[l]->f.data(), *fb = b[l]->f.data();
    for (int j = 0; j < d; ++j)
      for (int i = 0; i < d; ++i) {
        double acc = 0.0;
        for (int r = 0; r < d; ++r) acc += fb[r + i * d] * fa[r + j * d];
        w[i + j * d] = acc;
      }
    const double abs_det = a[l]->abs_det_f * b[l]->abs_det_f;
    if constexpr (D == 3) {
      q[l] = quartic_start(w, abs_det);
    } else {
      nuc[l] = nuclear_norm_fixed<D>(w, abs_det);
    }
  }
  // The lanes' Newton iterations are independent chains of divisions: interleaved, they overlap
  // in the CPU; each lane performs exactly the operations of nuclear_norm_fixed<3>.
  for (int it = 0; it < kMaxNewton; ++it) {
    bool any = false;
    for (int l = 0; l < count; ++l) {
      if (!q[l].done) {
        q[l].done = !quartic_step(q[l]);
        any = any || !q[l].done;
      }
    }
    if (!any) break;
  }
  for (int l = 0; l < count; ++l) {
    double mean_term = 0.0;
    for (int i = 0; i < d; ++i) {
      const double x = m0[l][i] - m1[l][i];
      mean_term += x * x;
    }
    double bsq;
    if (a[l]->kind == FactorKind::Diagonal && b[l]->kind == FactorKind::Diagonal) {
      bsq = bures_diagonal(*a[l], *b[l]);
    } else {
      const double n = D == 3 ? q[l].s : nuc[l];
      const double tr = a[l]->trace + b[l]->trace;
      bsq = tr - 2.0 * (n * a[l]->scale) * b[l]->scale;
      if (bsq < 1e-6 * tr) bsq = bures_procrustes(*a[l], *b[l], ws);
    }
    out[l] = mean_term + bsq;
  }
}

}  // namespace

void w2_squared_small_batch(const double *const *m0, const CovFactor *const *a,
                            const double *const *m1, const CovFactor *const *b, int count,
                            PairWorkspace &ws, double *out) {
  switch (a[0]->d) {
    case 1:
      return small_batch_fixed<1>(m0, a, m1, b, count, ws, out);
    case 2:
      return small_batch_fixed<2>(m0, a, m1, b, count, ws, out);
    default:
      return small_batch_fixed<3>(m0, a, m1, b, count, ws, out);
  }
}

void product_polar(const CovFactor &a, const CovFactor &b, PairWorkspace &ws, double *u,
                   double *k) {
  const int d = a.d;
  factor_product(a, b, ws.w.data());
  linalg::svd_full(d, ws.w.data(), ws.sv.data(), ws.p.data(), ws.qt.data(), ws.lapack);
  // u = P Q^T
  linalg::gemm(false, false, d, 1.0, ws.p.data(), ws.qt.data(), 0.0, u);
  // k = Q Sigma Q^T = (Q^T)^T Sigma Q^T
  for (int j = 0; j < d; ++j) {
    for (int i = 0; i <= j; ++i) {
      double acc = 0.0;
      for (int r = 0; r < d; ++r) acc += ws.qt[r + i * d] * ws.sv[r] * ws.qt[r + j * d];
      k[i + j * d] = acc;
      k[j + i * d] = acc;
    }
  }
}

}  // namespace gmmot
