// SPDX-License-Identifier: MIT
#include "gaussian/barycenter_roots.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "linalg/jacobi_lanes.hpp"
#include "linalg/lane_products.hpp"
#include "linalg/near_diagonal_sqrt.hpp"

namespace gmmot {
namespace {

constexpr int L = linalg::kJacobiLanes;
// Terms of the near-diagonal root before rotations are tried instead (each costs about a tenth
// of a Jacobi sweep).
constexpr int kMaxTerms = 10;
// A Jacobi sweep rotates the pairs whose cosine exceeds this (the near-diagonal root handles the
// rest in a few terms); should the root still fail after kSweepsBeforeLowering sweeps of a call
// (a cold start takes about five), each further sweep lowers it tenfold, down to full sweeps.
constexpr double kRotationCosine = 1e-2;
constexpr int kSweepsBeforeLowering = 6;
constexpr double kMinRotationCosine = 1e-10;

}  // namespace

double WhitenedRoots::accuracy_floor(int d) {
  return 4.0 * std::max(d, 4) * std::numeric_limits<double>::epsilon();
}

void whitened_root_lapack(int d, const double *f, const double *l, PairWorkspace &ws,
                          double *root) {
  // When W is well conditioned (lambda_min(W^T W) >= 1e-8 lambda_max), from the eigenvectors
  // v_i of W^T W with sigma_i = ||W v_i|| (accurate to about eps sigma_1, unlike
  // sqrt(lambda_i), whose error grows like eps lambda_max / sigma_i); otherwise from the SVD
  // W = P Sigma Q^T (right vectors only).
  linalg::gemm(true, false, d, 1.0, f, l, 0.0, ws.w.data());
  linalg::ata(d, ws.w.data(), ws.qt.data());  // W^T W
  if (linalg::sym_eig_ws(d, ws.qt.data(), ws.sv.data(), ws.lapack) &&
      ws.sv[0] >= 1e-8 * ws.sv[d - 1] && ws.sv[d - 1] > 0.0) {
    // tmp = W V; column i's norm is sigma_i. Then root = B B^T with B = V diag(sqrt(sigma)).
    linalg::gemm(false, false, d, 1.0, ws.w.data(), ws.qt.data(), 0.0, ws.tmp.data());
    for (int i = 0; i < d; ++i) {
      double n2 = 0.0;
      for (int r = 0; r < d; ++r) n2 += ws.tmp[r + i * d] * ws.tmp[r + i * d];
      const double s = std::sqrt(std::sqrt(n2));
      for (int r = 0; r < d; ++r) ws.qt[r + i * d] *= s;
    }
    linalg::aat(d, ws.qt.data(), root);
    return;
  }
  linalg::svd_right(d, ws.w.data(), ws.sv.data(), ws.qt.data(), ws.lapack);
  // Q Sigma Q^T = B^T B with B = Sigma^1/2 Q^T (rows of Q^T scaled).
  for (int j = 0; j < d; ++j)
    for (int r = 0; r < d; ++r) ws.qt[r + j * d] *= std::sqrt(ws.sv[r]);
  linalg::ata(d, ws.qt.data(), root);
}

// Index of entry (i, j) of lane `lane` in a group's arrays: the four-lane layout
// [(i + j d) * 4 + lane] or the two-lane one [(i + j m) * 2 + lane], m = d + d % 2.
std::size_t WhitenedRoots::at(std::size_t i, std::size_t j, int lane) const {
  return two_ ? (i + j * rows_) * 2 + static_cast<std::size_t>(lane)
              : (i + j * rows_) * L + static_cast<std::size_t>(lane);
}

void WhitenedRoots::set_identity_lane(int lane, double *v) const {
  const std::size_t d = static_cast<std::size_t>(d_);
  for (std::size_t c = 0; c < d; ++c)
    for (std::size_t i = 0; i < d; ++i) v[at(i, c, lane)] = i == c ? 1.0 : 0.0;
}

WhitenedRoots::WhitenedRoots(int d, const std::vector<const double *> &f, int max_sweeps,
                             bool two_lanes)
    : d_(d),
      max_sweeps_(max_sweeps),
      width_(two_lanes ? 2 : L),
      two_(two_lanes),
      rows_(static_cast<std::size_t>(two_lanes ? d + (d & 1) : d)),
      count_(f.size()),
      groups_((f.size() + width_ - 1) / width_),
      f_(f) {
  const std::size_t size = rows_ * static_cast<std::size_t>(d) * (two_ ? 2 : L);
  const std::size_t left = count_ - (groups_ > 0 ? (groups_ - 1) * width_ : 0);
  used_lanes_last_ = (1u << left) - 1u;
  state_.resize(groups_);
  for (std::size_t g = 0; g < groups_; ++g) {
    Group &s = state_[g];
    s.ft.assign(size, 0.0);  // lanes past the last input stay zero: B = 0, a zero root
    for (auto *x : {&s.v, &s.t, &s.b, &s.gram, &s.x, &s.y, &s.root}) x->assign(size, 0.0);
    s.work.assign(linalg::near_diagonal_sqrt_work(d), 0.0);
    if (two_) s.l_pad.assign(rows_ * rows_, 0.0);
    for (int lane = 0; lane < width_ && g * width_ + lane < count_; ++lane) {
      const double *fj = f_[g * width_ + lane];
      // ft holds F^T column-major: entry (i, m) is F(m, i).
      for (std::size_t m = 0; m < static_cast<std::size_t>(d); ++m)
        for (std::size_t i = 0; i < static_cast<std::size_t>(d); ++i)
          s.ft[at(i, m, lane)] = fj[m + i * d];
    }
  }
}

void WhitenedRoots::compute(std::size_t g, const double *l, double accuracy, double *roots,
                            PairWorkspace &ws) {
  Group &s = state_[g];
  const std::size_t d = static_cast<std::size_t>(d_);
  if (!s.warm) {
    for (int lane = 0; lane < width_; ++lane) set_identity_lane(lane, s.v.data());
    for (std::size_t j = 0; j < d; ++j)  // T = L V = L in every lane
      for (std::size_t i = 0; i < d; ++i)
        for (int lane = 0; lane < width_; ++lane) s.t[at(i, j, lane)] = l[i + j * d];
    s.warm = true;
  } else if (two_) {
    for (std::size_t j = 0; j < d; ++j)  // L padded to even rows and columns (zeros)
      for (std::size_t i = 0; i < d; ++i) s.l_pad[i + j * rows_] = l[i + j * d];
    linalg::lanes2_mul_shared_lower(d_, s.l_pad.data(), s.v.data(), s.t.data());
  } else {
    linalg::lanes_mul_shared_lower(d_, l, s.v.data(), s.t.data());
  }
  if (two_)
    linalg::lanes2_mul(d_, s.ft.data(), s.t.data(), s.b.data());  // B = F^T L V = W V
  else
    linalg::lanes_mul(d_, s.ft.data(), s.t.data(), s.b.data());
  s.sweeps = 0;
  s.lapack_lanes = 0;
  finish(g, l, accuracy, roots, ws);
}

void WhitenedRoots::refine(std::size_t g, const double *l, double accuracy, double *roots,
                           PairWorkspace &ws) {
  finish(g, l, accuracy, roots, ws);
}

void WhitenedRoots::finish(std::size_t g, const double *l, double accuracy, double *roots,
                           PairWorkspace &ws) {
  Group &s = state_[g];
  const std::size_t d = static_cast<std::size_t>(d_), dd = d * d;
  const unsigned used = g + 1 == groups_ ? used_lanes_last_ : (1u << width_) - 1u;
  const unsigned lanes = used & ~s.lapack_lanes;
  unsigned need = lanes;
  double cosine = kRotationCosine;
  int sweeps_here = 0;
  for (;;) {
    int terms = 0;
    if (two_) {
      linalg::lanes2_gram(d_, s.b.data(), s.t.data(), s.gram.data());
      need = linalg::near_diagonal_sqrt_lanes2(d_, s.gram.data(), accuracy, lanes, kMaxTerms,
                                               s.x.data(), s.work.data(), &terms);
    } else {
      linalg::lanes_gram(d_, s.b.data(), s.gram.data());
      need = linalg::near_diagonal_sqrt_lanes(d_, s.gram.data(), accuracy, lanes, kMaxTerms,
                                              s.x.data(), s.work.data(), &terms);
    }
    if (need == 0 || s.sweeps >= max_sweeps_) break;
    if (two_)
      linalg::jacobi_sweep_lanes2(d_, s.b.data(), s.v.data(), cosine, need);
    else
      linalg::jacobi_sweep_lanes(d_, s.b.data(), s.v.data(), cosine, need);
    if (++sweeps_here >= kSweepsBeforeLowering) cosine = std::max(kMinRotationCosine, cosine * 0.1);
    ++s.sweeps;
  }
  if (two_) {
    linalg::lanes2_mul(d_, s.v.data(), s.x.data(), s.y.data());            // Y = V X
    linalg::lanes2_mul_bt_sym(d_, s.y.data(), s.v.data(), s.root.data());  // Y V^T
  } else {
    linalg::lanes_mul(d_, s.v.data(), s.x.data(), s.y.data());
    linalg::lanes_mul_bt_sym(d_, s.y.data(), s.v.data(), s.root.data());
  }
  for (int lane = 0; lane < width_; ++lane) {
    if (!((used >> lane) & 1u)) break;
    double *out = roots + (g * width_ + lane) * dd;
    if ((s.lapack_lanes >> lane) & 1u) continue;  // done by an earlier call of this step
    if ((need >> lane) & 1u) {
      whitened_root_lapack(d_, f_[g * width_ + lane], l, ws, out);
      set_identity_lane(lane, s.v.data());
      s.lapack_lanes |= 1u << lane;
      continue;
    }
    // at(i, j, lane) = (i + j rows_) w + lane, with the layout's test out of the loop.
    const std::size_t w = two_ ? 2 : L;
    const double *src = s.root.data() + lane;
    for (std::size_t j = 0; j < d; ++j)
      for (std::size_t i = 0; i < d; ++i) out[i + j * d] = src[(i + j * rows_) * w];
  }
}

}  // namespace gmmot
