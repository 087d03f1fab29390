// SPDX-License-Identifier: MIT
#include "gaussian/bures.hpp"

#include "gaussian/small_nuclear_norm.hpp"
#include "linalg/bidiag_lanes.hpp"
#include "linalg/factor_product.hpp"
#include "linalg/large_svd.hpp"

#include <algorithm>
#include <cmath>

namespace gmmot {
namespace {

// W = Fb^T Fa, d x d column-major.
void factor_product(const CovFactor &a, const CovFactor &b, double *w) {
  linalg::factor_product(a.d, a.f.data(), b.f_t.data(),
                         a.kind == FactorKind::Cholesky && b.kind == FactorKind::Cholesky, w);
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

// Bures terms of `count` <= kLanes pairs in dimension d <= 3 (unused lanes are padded with the
// first pair and discarded).
void bures_small(const CovFactor *const *a, const CovFactor *const *b, int count, PairWorkspace &ws,
                 double *out) {
  const int d = a[0]->d;
  const double *fa[kLanes], *fb[kLanes];
  double dets[kLanes], w[9 * kLanes], nuc[kLanes];
  for (int l = 0; l < kLanes; ++l) {
    const int src = l < count ? l : 0;
    fa[l] = a[src]->f.data();
    fb[l] = b[src]->f.data();
    dets[l] = a[src]->abs_det_f * b[src]->abs_det_f;
  }
  small_factor_products(d, fa, fb, w);
  small_nuclear_norms(d, w, dets, nuc);
  for (int l = 0; l < count; ++l) {
    if (a[l]->kind == FactorKind::Diagonal && b[l]->kind == FactorKind::Diagonal) {
      out[l] = bures_diagonal(*a[l], *b[l]);
      continue;
    }
    const double tr = a[l]->trace + b[l]->trace;
    const double bsq = tr - 2.0 * (nuc[l] * a[l]->scale) * b[l]->scale;
    out[l] = bsq < 1e-6 * tr ? bures_procrustes(*a[l], *b[l], ws) : bsq;
  }
}

}  // namespace

double nuclear_norm_small(int d, const double *w, double abs_det) {
  double lanes[9 * kLanes], dets[kLanes], out[kLanes];
  for (int e = 0; e < d * d; ++e)
    for (int l = 0; l < kLanes; ++l) lanes[e * kLanes + l] = w[e];
  for (int l = 0; l < kLanes; ++l) dets[l] = abs_det;
  small_nuclear_norms(d, lanes, dets, out);
  return out[0];
}

// The LAPACK workspace is sized on first use (every linalg call taking it reserves its order):
// only the fallbacks need it, and sizing it up front (LAPACK workspace queries, ~8 d^2 doubles)
// was 40% of making a workspace at d = 27 (4.1 us -> 2.5), 70% at d = 3, per worker and call.
PairWorkspace::PairWorkspace(int dim) : d(dim), lapack(0), small_svd(dim) {
  const std::size_t nn = static_cast<std::size_t>(dim) * static_cast<std::size_t>(dim);
  w.assign(nn, 0.0);
  p.assign(nn, 0.0);
  qt.assign(nn, 0.0);
  u.assign(nn, 0.0);
  tmp.assign(nn, 0.0);
  sv.assign(static_cast<std::size_t>(dim), 0.0);
  if (dim > linalg::kBidiagLanesMaxN) w_lanes.assign(nn * kPairBatch, 0.0);
}

namespace {

// Bures terms of `count` <= kPairBatch pairs in dimension d > 3: the factor products' singular
// values are found together (linalg::SmallSvd::product_nuclear_norms up to d = 64, where the
// products are formed in the lanes too; nuclear_norms above), each lane exactly as alone.
void bures_svd_batch(const CovFactor *const *a, const CovFactor *const *b, int count,
                     PairWorkspace &ws, double *out) {
  const std::size_t nn = ws.w.size();
  double *mats[kPairBatch];
  const double *fa[kPairBatch], *fb[kPairBatch];
  double nuc[kPairBatch];
  int lane_of[kPairBatch], k = 0;
  bool lower = true;  // every factor lower triangular (Diagonal or Cholesky)
  for (int l = 0; l < count; ++l) {
    if (a[l]->kind == FactorKind::Diagonal && b[l]->kind == FactorKind::Diagonal) {
      out[l] = bures_diagonal(*a[l], *b[l]);
      continue;
    }
    fa[k] = a[l]->f.data();
    fb[k] = b[l]->f.data();
    lower = lower && a[l]->kind != FactorKind::Eigen && b[l]->kind != FactorKind::Eigen;
    lane_of[k++] = l;
  }
  if (k == 0) return;
  if (a[0]->d <= linalg::kBidiagLanesMaxN) {
    // The products formed in the bidiagonalisation's lanes (linalg/factor_product_lanes.hpp).
    ws.small_svd.product_nuclear_norms(k, fa, fb, lower, nuc);
  } else {
    for (int j = 0; j < k; ++j) {
      mats[j] = ws.w_lanes.data() + static_cast<std::size_t>(j) * nn;
      factor_product(*a[lane_of[j]], *b[lane_of[j]], mats[j]);
    }
    ws.small_svd.nuclear_norms(k, mats, nuc);
  }
  for (int j = 0; j < k; ++j) {
    const int l = lane_of[j];
    // A failed LAPACK fallback goes to the full SVD, which throws if it fails too.
    if (nuc[j] < 0.0) {
      out[l] = bures_procrustes(*a[l], *b[l], ws);
      continue;
    }
    const double tr = a[l]->trace + b[l]->trace;
    const double bsq = tr - 2.0 * (nuc[j] * a[l]->scale) * b[l]->scale;
    out[l] = bsq < 1e-6 * tr ? bures_procrustes(*a[l], *b[l], ws) : bsq;
  }
}

void bures_batch(const CovFactor *const *a, const CovFactor *const *b, int count, PairWorkspace &ws,
                 double *out) {
  if (a[0]->d <= 3) {
    for (int p = 0; p < count; p += kLanes)
      bures_small(a + p, b + p, std::min(kLanes, count - p), ws, out + p);
    return;
  }
  bures_svd_batch(a, b, count, ws, out);
}

}  // namespace

double bures_squared(const CovFactor &a, const CovFactor &b, PairWorkspace &ws) {
  const CovFactor *pa = &a, *pb = &b;
  double out = 0.0;
  bures_batch(&pa, &pb, 1, ws, &out);
  return out;
}

double w2_squared(const double *m0, const CovFactor &a, const double *m1, const CovFactor &b,
                  PairWorkspace &ws) {
  const CovFactor *pa = &a, *pb = &b;
  double out = 0.0;
  w2_squared_batch(&m0, &pa, &m1, &pb, 1, ws, &out);
  return out;
}

void w2_squared_batch(const double *const *m0, const CovFactor *const *a, const double *const *m1,
                      const CovFactor *const *b, int count, PairWorkspace &ws, double *out) {
  bures_batch(a, b, count, ws, out);
  for (int l = 0; l < count; ++l) {
    double mean_term = 0.0;
    for (int i = 0; i < a[l]->d; ++i) {
      const double x = m0[l][i] - m1[l][i];
      mean_term += x * x;
    }
    out[l] += mean_term;
  }
}

namespace {

double mean_distance_sq(int d, const double *m0, const double *m1) {
  double acc = 0.0;
  for (int i = 0; i < d; ++i) {
    const double x = m0[i] - m1[i];
    acc += x * x;
  }
  return acc;
}

}  // namespace

double bures_squared_large(const CovFactor &a, const CovFactor &b) {
  if (a.kind == FactorKind::Diagonal && b.kind == FactorKind::Diagonal) return bures_diagonal(a, b);
  const int d = a.d;
  std::vector<double> w(a.f.size());
  // W = Fb^T Fa. Diagonal factors are lower triangular too.
  if (a.kind != FactorKind::Eigen && b.kind != FactorKind::Eigen) {
    std::copy(a.f.begin(), a.f.end(), w.begin());
    linalg::trmm_lower_trans(d, b.f.data(), w.data());
  } else {
    linalg::gemm(true, false, d, 1.0, b.f.data(), a.f.data(), 0.0, w.data());
  }
  const double nuc = linalg::LargeSvd(d).nuclear_norm(w.data());
  if (nuc >= 0.0) {
    const double tr = a.trace + b.trace;
    const double bsq = tr - 2.0 * (nuc * a.scale) * b.scale;
    if (!(bsq < 1e-6 * tr)) return bsq;
  }
  // Cancellation (or a failed LAPACK call): the Procrustes form, which throws if its SVD fails.
  PairWorkspace ws(d);
  return bures_procrustes(a, b, ws);
}

double w2_squared_pair(const double *m0, const CovFactor &a, const double *m1, const CovFactor &b) {
  if (a.d >= kLargePairMinD) return bures_squared_large(a, b) + mean_distance_sq(a.d, m0, m1);
  PairWorkspace ws(a.d);
  return w2_squared(m0, a, m1, b, ws);
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
