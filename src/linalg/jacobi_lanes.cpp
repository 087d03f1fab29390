// SPDX-License-Identifier: MIT
#include "linalg/jacobi_lanes.hpp"

#include <cstddef>
#include <limits>
#include <vector>

#include "linalg/vec4.hpp"
#include "util/simd.hpp"

namespace gmmot::linalg {
namespace {

using vec4::load;
using vec4::splat;
using vec4::store;
using vec4::v4;
using vec4::v4i;
using vec4::vabs;
using vec4::vsqrt;

constexpr int L = kJacobiLanes;
static_assert(L == vec4::kWidth, "the lane kernels use four-double vectors");

// x <- c x - s y, y <- s x + c y over m interleaved entries.
GMMOT_INLINE void rotate(double *__restrict x, double *__restrict y, int m, v4 c, v4 s) {
#pragma GCC unroll 4
  for (int i = 0; i < m; ++i) {
    const v4 a = load(x + i * L), b = load(y + i * L);
    store(x + i * L, c * a - s * b);
    store(y + i * L, s * a + c * b);
  }
}

// Inner products per lane, in either layout with the same bits: the four-lane one (n entries)
// sums rows i = 0, 1, 2, 3 mod 4 in four chains, in row order, and returns (s0 + s2) + (s1 + s3).
// The two-lane one (n row pairs, jacobi_lanes2) sums alternate row pairs in two chains A, B,
// whose halves are exactly those four chains: (A + B) has s0 + s2 in its low half and s1 + s3 in
// its high half, which are then added, duplicated as (l0, l1, l0, l1). A padding row adds +0.
template <bool Two>
GMMOT_INLINE v4 dot_of(int n, const double *x, const double *y) {
  if (Two) {
    v4 a = splat(0.0), b = a;
    int t = 0;
    for (; t + 2 <= n; t += 2) {
      a += load(x + t * L) * load(y + t * L);
      b += load(x + (t + 1) * L) * load(y + (t + 1) * L);
    }
    if (t < n) a += load(x + t * L) * load(y + t * L);
    const v4 v = a + b;
    return v + GMMOT_SHUFFLE4(v, v, 2, 3, 0, 1);
  }
  v4 s[4] = {splat(0.0), splat(0.0), splat(0.0), splat(0.0)};
  int i = 0;
  for (; i + 4 <= n; i += 4)
    for (int r = 0; r < 4; ++r) s[r] += load(x + (i + r) * L) * load(y + (i + r) * L);
  for (int r = 0; i < n; ++i, ++r) s[r] += load(x + i * L) * load(y + i * L);
  return (s[0] + s[2]) + (s[1] + s[3]);
}

// A pair's rotation in the lanes that need one (rot: -1 there): c, s and t = s / c (c = 1,
// s = t = 0 in the others), from the squared column norms alpha, beta and the inner product
// gamma. Kept as doubles (cst: c, s, t, four each), which std::vector aligns for sure.
GMMOT_INLINE bool rotation_of(v4 alpha, v4 beta, v4 gamma, v4 tol2, v4i active, v4i *rot_out,
                              double *cst) {
  const v4 zero = splat(0.0), one = splat(1.0);
  const v4 g2 = gamma * gamma;
  const v4 floor = splat(std::numeric_limits<double>::min());
  const v4i rot = (g2 > tol2 * alpha * beta) & (g2 > floor) & active;
  *rot_out = rot;
  bool any = false;
  for (int l = 0; l < L; ++l) any |= rot[l] != 0;
  if (!any) return false;
  // Rutishauser's rotation: t = tan(theta) is the smaller root of t^2 + 2 zeta t - 1 = 0, which
  // zeroes the pair's inner product; lanes without a rotation get c = 1, s = 0, t = 0.
  const v4 safe_gamma = rot ? gamma : one;
  const v4 zeta = (beta - alpha) / (2.0 * safe_gamma);
  const v4 za = vabs(zeta);
  // Beyond 1e150 zeta^2 would overflow: there t = 1 / (2 |zeta|) to full accuracy (2 |zeta| is
  // exact, so one division serves both cases).
  const v4i huge = za > splat(1e150);
  const v4 za_safe = huge ? one : za;
  const v4 t_abs = one / (huge ? za + za : za_safe + vsqrt(one + za_safe * za_safe));
  const v4 t_rot = zeta < zero ? -t_abs : t_abs;
  const v4 c_rot = one / vsqrt(one + t_rot * t_rot);
  store(cst, rot ? c_rot : one);
  store(cst + L, rot ? c_rot * t_rot : zero);
  store(cst + 2 * L, rot ? t_rot : zero);
  return true;
}

// Applies pair (p, q)'s rotation to its columns of b and v, and updates their squared norms
// *np, *nq. Only the inner product is summed per pair; the norms follow from the rotation
// (alpha - t gamma, beta + t gamma, exact in exact arithmetic) and are summed afresh when one of
// them drops below half, where that update would cancel.
template <bool Two>
GMMOT_INLINE void apply(int n, double *cp, double *cq, double *vp, double *vq, double *np,
                        double *nq, v4 gamma, const double *cst) {
  const v4 c = load(cst), s = load(cst + L), t = load(cst + 2 * L);
  rotate(cp, cq, n, c, s);
  rotate(vp, vq, n, c, s);
  const v4 alpha = load(np), beta = load(nq);
  const v4 na = alpha - t * gamma, nb = beta + t * gamma;
  // Per lane, so that a lane's result never depends on the others.
  const v4i cancel = (na >= 0.5 * alpha) == 0 || (nb >= 0.5 * beta) == 0;
  bool any_cancel = false;
  for (int l = 0; l < L; ++l) any_cancel |= cancel[l] != 0;
  store(np, any_cancel ? (cancel ? dot_of<Two>(n, cp, cp) : na) : na);
  store(nq, any_cancel ? (cancel ? dot_of<Two>(n, cq, cq) : nb) : nb);
}

// One sweep over the n columns of b, v, each of `len` vectors (n in the four-lane layout, the
// padded rows / 2 in the two-lane one); `active` holds -1 in the vector positions of the lanes
// to rotate. Returns the positions that had a rotation.
template <bool Two>
GMMOT_INLINE v4i sweep(int n, int len, double *b, double *v, double tol, v4i active) {
  const std::size_t col = static_cast<std::size_t>(len) * L;
  const v4 tol2 = splat(tol * tol);
  // Round-robin tournament on m = n rounded up to even players: in round r, player m - 1 meets
  // r and, for k = 1 .. m/2 - 1, (r + k) mod (m - 1) meets (r - k) mod (m - 1); a player >= n
  // sits out. The m/2 pairs of a round are disjoint, so a round goes in three passes, each a
  // set of independent chains the pipeline overlaps: the pairs' inner products, their
  // rotations (a chain of divisions and roots), then the rotations applied. Each pair's
  // arithmetic is that of a pass over the pairs one by one: the same bits.
  const int m = n + (n & 1), half = m / 2;
  std::vector<double> norms(static_cast<std::size_t>(n) * L);  // squared column norms
  std::vector<double> gammas(static_cast<std::size_t>(half) * L);
  std::vector<int> ps(static_cast<std::size_t>(half)), qs(static_cast<std::size_t>(half));
  std::vector<double> csts(static_cast<std::size_t>(half) * 3 * L);
  std::vector<char> rotating(static_cast<std::size_t>(half));
  for (int c = 0; c < n; ++c)
    store(norms.data() + c * L, dot_of<Two>(len, b + c * col, b + c * col));
  v4i rotated = v4i{0, 0, 0, 0};
  for (int r = 0; r + 1 < m; ++r) {
    int count = 0;
    for (int k = 0; k < half; ++k) {
      // (r + k) mod (m - 1) and (r - k) mod (m - 1) without a division (0 <= r, k < m - 1).
      int p = r + k, q = r - k;
      if (p >= m - 1) p -= m - 1;
      if (q < 0) q += m - 1;
      if (k == 0) q = m - 1;
      if (p > q) {
        const int x = p;
        p = q;
        q = x;
      }
      if (q >= n) continue;
      ps[count] = p;
      qs[count] = q;
      ++count;
    }
    for (int i = 0; i < count; ++i)
      store(gammas.data() + i * L, dot_of<Two>(len, b + ps[i] * col, b + qs[i] * col));
    for (int i = 0; i < count; ++i) {
      v4i rot;
      rotating[i] =
          rotation_of(load(norms.data() + ps[i] * L), load(norms.data() + qs[i] * L),
                      load(gammas.data() + i * L), tol2, active, &rot, csts.data() + i * 3 * L);
      rotated |= rot;
    }
    for (int i = 0; i < count; ++i) {
      if (!rotating[i]) continue;
      const int p = ps[i], q = qs[i];
      apply<Two>(len, b + p * col, b + q * col, v + p * col, v + q * col, norms.data() + p * L,
                 norms.data() + q * L, load(gammas.data() + i * L), csts.data() + i * 3 * L);
    }
  }
  return rotated;
}

}  // namespace

GMMOT_CLONES unsigned jacobi_sweep_lanes(int n, double *b, double *v, double tol, unsigned lanes) {
  v4i active;
  for (int l = 0; l < L; ++l) active[l] = ((lanes >> l) & 1u) ? -1 : 0;
  const v4i rot = sweep<false>(n, n, b, v, tol, active);
  unsigned rotated = 0;
  for (int l = 0; l < L; ++l)
    if (rot[l]) rotated |= 1u << l;
  return rotated;
}

GMMOT_CLONES unsigned jacobi_sweep_lanes2(int n, double *b, double *v, double tol, unsigned lanes) {
  v4i active;
  for (int l = 0; l < L; ++l) active[l] = ((lanes >> (l & 1)) & 1u) ? -1 : 0;
  const v4i rot = sweep<true>(n, (n + 1) / 2, b, v, tol, active);
  unsigned rotated = 0;
  for (int l = 0; l < L; ++l)
    if (rot[l]) rotated |= 1u << (l & 1);
  return rotated;
}

unsigned jacobi_lanes(int n, double *b, double *v, double tol, int max_sweeps, int *sweeps) {
  const unsigned all = (1u << L) - 1u;
  unsigned converged = 0;
  int done = 0;
  while (converged != all && done < max_sweeps) {
    ++done;
    converged |= all & ~jacobi_sweep_lanes(n, b, v, tol, all & ~converged);
  }
  if (sweeps != nullptr) *sweeps = done;
  return converged;
}

}  // namespace gmmot::linalg
