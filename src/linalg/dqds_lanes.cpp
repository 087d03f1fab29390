// SPDX-License-Identifier: MIT
#include "linalg/dqds_lanes.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

#include "linalg/vec4.hpp"
#include "util/simd.hpp"

namespace gmmot::linalg {
namespace {

using vec4::load;
using vec4::store;
using vec4::v4;
using vec4::v4i;

constexpr int L = kDqdsLanes;
constexpr double kEps = 0x1p-52;                           // LAPACK's dlamch('P')
constexpr double kTol2 = (100.0 * kEps) * (100.0 * kEps);  // LAWN 155's deflation threshold
constexpr double kSmallestEntry = 0x1p-900;                // smaller squared entries: LAPACK
constexpr double kFlushE = 0x1p-1000;                      // keeps e out of subnormals
constexpr double kInf = std::numeric_limits<double>::infinity();

// Eight lanes as two halves of four: each step has two independent division chains in flight
// (one chain alone leaves the divider idle most of its latency). The halves are explicit
// 4-double vectors: GCC lowers one 8-double vector with masks through the stack on AVX2.
constexpr int H = L / 2;
static_assert(H == vec4::kWidth, "the lane kernels use four-double vectors");

// What one lockstep sweep reports per lane.
struct SweepResult {
  double dn[L], dn1[L], dn2[L], dmin1[L], dmin2[L];
  long long bad_interior[L];
};

// The running state of one half during a sweep.
struct Half {
  v4 tau, nm1, nm2, d, dmin1, dmin2, dprev, dprev2;
  v4i bad;
};

GMMOT_INLINE void start_half(Half &h, const double *q, const double *tau, const double *nm1,
                             const double *nm2) {
  const v4 zero = {0.0, 0.0, 0.0, 0.0}, inf = {kInf, kInf, kInf, kInf};
  h.tau = load(tau);
  h.nm1 = load(nm1);
  h.nm2 = load(nm2);
  h.d = load(q) - h.tau;
  h.dmin1 = inf;
  h.dmin2 = inf;
  h.dprev = h.d;
  h.dprev2 = h.d;
  h.bad = (h.nm1 > zero) & ~(h.d >= zero);
}

// Step i of one half; q, e, qh, eh point at the half's first lane of row 0.
GMMOT_INLINE void step_half(Half &h, std::size_t i, v4 vi, const double *q, const double *e,
                            double *qh, double *eh) {
  const v4 one = {1.0, 1.0, 1.0, 1.0}, zero = {0.0, 0.0, 0.0, 0.0};
  const v4 flush = {kFlushE, kFlushE, kFlushE, kFlushE};
  const v4 ve = load(e + i * L);
  const v4 vq = load(q + (i + 1) * L);
  const v4i act = vi < h.nm1, inner = vi < h.nm2;
  const v4 qhat = h.d + ve;
  const v4 t = vq / qhat;
  v4 ehat = ve * t;
  const v4 dnext = h.d * t - h.tau;
  ehat = ehat < flush ? zero : ehat;
  store(qh + i * L, act ? qhat : one);
  store(eh + i * L, act ? ehat : one);
  h.bad |= act & (~(qhat > zero) | (inner & ~(dnext >= zero)));
  h.dmin1 = (act & (h.d < h.dmin1)) ? h.d : h.dmin1;
  h.dmin2 = (inner & (h.d < h.dmin2)) ? h.d : h.dmin2;
  h.dprev2 = act ? h.dprev : h.dprev2;
  h.dprev = act ? h.d : h.dprev;
  h.d = act ? dnext : h.d;
}

// step_half for a step that is an inner one (i < n0 - 2) in every lane of the half: the same
// arithmetic without the masks, which are most of a step's instructions.
GMMOT_INLINE void step_inner(Half &h, std::size_t i, const double *q, const double *e, double *qh,
                             double *eh) {
  const v4 zero = {0.0, 0.0, 0.0, 0.0};
  const v4 flush = {kFlushE, kFlushE, kFlushE, kFlushE};
  const v4 ve = load(e + i * L);
  const v4 vq = load(q + (i + 1) * L);
  const v4 qhat = h.d + ve;
  const v4 t = vq / qhat;
  v4 ehat = ve * t;
  const v4 dnext = h.d * t - h.tau;
  ehat = ehat < flush ? zero : ehat;
  store(qh + i * L, qhat);
  store(eh + i * L, ehat);
  h.bad |= ~(qhat > zero) | ~(dnext >= zero);
  h.dmin1 = h.d < h.dmin1 ? h.d : h.dmin1;
  h.dmin2 = h.d < h.dmin2 ? h.d : h.dmin2;
  h.dprev2 = h.dprev;
  h.dprev = h.d;
  h.d = dnext;
}

GMMOT_INLINE void finish_half(const Half &h, int off, SweepResult &res) {
  for (int l = 0; l < H; ++l) {
    res.dn[off + l] = h.d[l];
    res.dn1[off + l] = h.dprev[l];
    res.dn2[off + l] = h.dprev2[l];
    res.dmin1[off + l] = h.dmin1[l];
    res.dmin2[off + l] = h.dmin2[l];
    res.bad_interior[off + l] = h.bad[l];
  }
}

// One dqds transform with shift tau[l] in every lane (LAWN 155, Alg. dqds; the qd arrays are
// lane-interleaved: q[i * L + l]). Lane l is active for steps i < nm1[l] = n0 - 1 (inactive
// lanes have nm1 = -1); its d's are frozen after its last step and the entries it does not own
// are written as 1 so that stale lanes never produce subnormals. The chain
// d -> d + e -> q / (d + e) -> d t - tau is the latency each half carries. The first `inner`
// steps are inner ones in every live lane and go without masks; the lanes that are not live
// compute on their arrays there, which the caller resets to ones before every sweep (harmless:
// d_i = 1 / (i + 1), no subnormals).
GMMOT_CLONES void sweep(int inner, int steps, const double *q, const double *e, double *qh,
                        double *eh, const double *tau, const double *nm1, const double *nm2,
                        SweepResult &res) {
  Half a, b;
  start_half(a, q, tau, nm1, nm2);
  start_half(b, q + H, tau + H, nm1 + H, nm2 + H);
  for (int i = 0; i < inner; ++i) {
    const std::size_t row = static_cast<std::size_t>(i);
    step_inner(a, row, q, e, qh, eh);
    step_inner(b, row, q + H, e + H, qh + H, eh + H);
  }
  const v4 one = {1.0, 1.0, 1.0, 1.0};
  v4 vi = {static_cast<double>(inner), static_cast<double>(inner), static_cast<double>(inner),
           static_cast<double>(inner)};
  for (int i = inner; i < steps; ++i, vi += one) {
    const std::size_t row = static_cast<std::size_t>(i);
    step_half(a, row, vi, q, e, qh, eh);
    step_half(b, row, vi, q + H, e + H, qh + H, eh + H);
  }
  finish_half(a, 0, res);
  finish_half(b, H, res);
}

struct Lane {
  int n0 = 0;          // size of the unreduced part; 0 once solved
  double sigma = 0.0;  // accumulated shift
  double sum = 0.0;    // square roots of the eigenvalues deflated so far
  double tau = 0.0;    // shift for the next sweep
  double g = 0.25;     // LAWN 155 case 6 fraction, raised while case 6 repeats
  int fails = 0;       // consecutive failed transforms
  int sweeps = 0;
  bool last_case6 = false;
  bool hidden = false;  // the last transform converged behind a negative dn
  // Early deflation (see try_early_deflation) waiting for the next transform to confirm it.
  bool pending = false;
  double pending_root = 0.0;  // its singular value, added to sum once confirmed
  double pending_q = 0.0;     // the bottom entries it removed, restored if not
  double pending_e = 0.0;
  double pending_floor = 0.0;  // the shift that confirms it
  double tol_abs = 0.0;        // eps ||B||_F / n: the error one early deflation may add
  bool live = false;           // still iterating
  bool bad = false;            // handed back to the caller
};

// Accessors of lane l in interleaved arrays.
struct View {
  double *q, *e;
  int l;
  double &Q(int i) const { return q[static_cast<std::size_t>(i) * L + l]; }
  double &E(int i) const { return e[static_cast<std::size_t>(i) * L + l]; }
};

// Eigenvalues of the 2 x 2 qd array (q0, e0, q1): the roots of x^2 - (q0 + e0 + q1) x + q0 q1,
// the larger from a discriminant written as a sum of non-negative terms, the smaller from the
// product, both to high relative accuracy.
void two_by_two(double q0, double e0, double q1, double sigma, double &sum) {
  const double a = q0 + e0 - q1;
  const double big = 0.5 * ((q0 + e0 + q1) + std::sqrt(a * a + 4.0 * e0 * q1));
  const double small = big > 0.0 ? (q0 * q1) / big : 0.0;
  sum += std::sqrt(big + sigma) + std::sqrt(small + sigma);
}

void reverse(const View &v, int n0) {
  for (int i = 0, j = n0 - 1; i < j; ++i, --j) std::swap(v.Q(i), v.Q(j));
  for (int i = 0, j = n0 - 2; i < j; ++i, --j) std::swap(v.E(i), v.E(j));
}

// Removes converged eigenvalues from the bottom (LAWN 155 / dlasq3's tests). Returns how many.
// Inlined into the bookkeeping, which calls it once per lane and transform (the call was 2% of
// the dqds at d = 27).
GMMOT_INLINE int deflate(Lane &ln, const View &v) {
  int removed = 0;
  while (ln.n0 > 0) {
    const int m = ln.n0;
    if (m == 1) {
      ln.sum += std::sqrt(v.Q(0) + ln.sigma);
      ln.n0 = 0;
      return removed + 1;
    }
    if (m == 2) {
      two_by_two(v.Q(0), v.E(0), v.Q(1), ln.sigma, ln.sum);
      ln.n0 = 0;
      return removed + 2;
    }
    if (v.E(m - 2) <= kTol2 * (ln.sigma + v.Q(m - 1))) {
      ln.sum += std::sqrt(v.Q(m - 1) + ln.sigma);
      ln.n0 = m - 1;
      removed += 1;
      continue;
    }
    if (v.E(m - 3) <= kTol2 * ln.sigma) {
      two_by_two(v.Q(m - 2), v.E(m - 2), v.Q(m - 1), ln.sigma, ln.sum);
      ln.n0 = m - 2;
      removed += 2;
      continue;
    }
    break;
  }
  return removed;
}

// Sum of the walk of ratios e_j / q_j upwards from the bottom (the approximate squared norm of
// the tail of the eigenvector, LAWN 155 §6.3). Returns false when a ratio exceeds one (no
// estimate).
bool ratio_walk(const View &v, int start, double b, double &sum_out, bool stop_on_max) {
  double a = b, prev = b;
  for (int j = start; j >= 0; --j) {
    if (b == 0.0) break;
    if (v.E(j) > v.Q(j)) return false;
    prev = b;
    b *= v.E(j) / v.Q(j);
    a += b;
    if (100.0 * std::max(b, prev) < a || (stop_on_max && a > 0.563)) break;
  }
  sum_out = a;
  return true;
}

// The next shift from the last sweep's d's (LAWN 155 §6, dlasq4's cases 2-4, 6-9 and 11-12).
GMMOT_INLINE double next_shift(Lane &ln, const View &v, const SweepResult &r, int l, int deflated) {
  const int n = ln.n0;
  const double dn = r.dn[l], dn1 = r.dn1[l], dn2 = r.dn2[l];
  const double dmin1 = r.dmin1[l], dmin2 = r.dmin2[l], dmin = std::min(dmin1, dn);
  const bool was_case6 = ln.last_case6;
  ln.last_case6 = false;
  if (deflated == 0) {
    if (dmin == dn && dmin1 == dn1) {  // cases 2 and 3
      // dlasq4's b1 = sqrt(q_{n-1} e_{n-2}), b2 = sqrt(q_{n-2} e_{n-3}) enter the common branch
      // squared only, and gap1 = N / gap2 there: tested and used without square roots and with
      // one division (this latency chain is a large part of a lane's bookkeeping per sweep).
      // Squares that under- or overflow fail the tests and take dlasq4's own form below.
      const double b1s = v.Q(n - 1) * v.E(n - 2), b2s = v.Q(n - 2) * v.E(n - 3);
      const double a2 = v.Q(n - 2) + v.E(n - 2);
      const double gap2 = dmin2 - a2 - 0.25 * dmin2;
      if (gap2 > 0.0 && gap2 * gap2 > b2s) {
        const double num = (a2 - dn) * gap2 - b2s;  // gap1 = num / gap2
        if (num > 0.0 && num * num > b1s * (gap2 * gap2) && std::isfinite(num * num))
          return std::max(dn - b1s * gap2 / num, 0.5 * dmin);
      }
      const double b1 = std::sqrt(v.Q(n - 1)) * std::sqrt(v.E(n - 2));
      const double b2 = std::sqrt(v.Q(n - 2)) * std::sqrt(v.E(n - 3));
      const double gap1 =
          gap2 > 0.0 && gap2 > b2 ? a2 - dn - (b2 / gap2) * b2 : a2 - dn - (b1 + b2);
      if (gap1 > 0.0 && gap1 > b1) return std::max(dn - (b1 / gap1) * b1, 0.5 * dmin);
      double s = dn > b1 ? dn - b1 : 0.0;
      if (a2 > b1 + b2) s = std::min(s, a2 - (b1 + b2));
      return std::max(s, dmin / 3.0);
    }
    if (dmin == dn) {  // case 4, Rayleigh quotient residual bound
      if (v.E(n - 2) > v.Q(n - 2)) return 0.25 * dmin;
      double a2 = 0.0;
      if (!ratio_walk(v, n - 3, v.E(n - 2) / v.Q(n - 2), a2, true)) return 0.25 * dmin;
      a2 *= 1.05;
      return a2 < 0.563 ? dn * (1.0 - std::sqrt(a2)) / (1.0 + a2) : 0.25 * dmin;
    }
    // Case 6: no information; the fraction grows while this repeats.
    ln.g = was_case6 ? ln.g + (1.0 - ln.g) / 3.0 : 0.25;
    ln.last_case6 = true;
    return ln.g * dmin;
  }
  if (deflated == 1) {
    if (dmin1 == dn1 && dmin2 == dn2) {  // cases 7 and 8
      double s = dmin1 / 3.0;
      if (v.E(n - 2) > v.Q(n - 2)) return s;
      double b2 = 0.0;
      if (!ratio_walk(v, n - 3, v.E(n - 2) / v.Q(n - 2), b2, false)) return s;
      const double b2s = 1.05 * b2;  // dlasq4's b2 squared: the common branch needs no root
      const double a2 = dmin1 / (1.0 + b2s);
      const double gap2 = 0.5 * dmin2 - a2;
      if (gap2 > 0.0 && gap2 * gap2 > b2s * (a2 * a2))
        return std::max(s, a2 * (1.0 - 1.01 * a2 * (b2s / gap2)));
      return std::max(s, a2 * (1.0 - 1.01 * std::sqrt(b2s)));
    }
    return dmin1 == dn1 ? 0.5 * dmin1 : 0.25 * dmin1;  // case 9
  }
  if (deflated == 2) return 0.25 * dmin2;  // case 11
  return 0.0;                              // case 12
}

// Early deflation of the bottom eigenvalue, for the nuclear norm's absolute accuracy (the caller
// needs the SUM of the singular values to about eps ||B||_F, not each one to high relative
// accuracy as dlasq3's test e_{m-2} <= tol2 (sigma + q_{m-1}) gives). With B the bidiagonal of
// the current qd array, B^T B = [A y; y^T d] where A = B1^T B1 is the array without its last
// row (B1 its leading block), y = sqrt(q_{m-2} e_{m-2}) e_{m-2} and d = q_{m-1} + e_{m-2}.
// Dropping y leaves eig(A) and d. If eig(A) >= g > d, Cauchy interlacing and the quadratic
// residual bound (R.-C. Li, "Matrix perturbation theory", Handbook of Linear Algebra, 2007,
// 15.3) put the smallest eigenvalue in [d - y^2 / (g - d), d] and every other one above its
// counterpart in eig(A); the trace is unchanged, so the eigenvalues move by at most
// 2 y^2 / (g - d) in total, and their square roots after adding sigma by at most
// y^2 / ((g - d) sqrt(sigma)). Deflate when that is below tol_abs, with g the shift the next
// transform of the remaining array will use: its success proves eig(A) >= g (the pending
// deflation is confirmed then, and undone if that transform fails). Returns the next shift, or
// a negative value when the bottom is not deflated early.
double try_early_deflation(Lane &ln, const View &v, const SweepResult &r, int l) {
  const int m = ln.n0;
  // The next transform must run on at least three rows (smaller arrays finish without one), and
  // no flip may follow (it would take a zero shift).
  if (m < 4 || !(ln.sigma > 0.0) || 1.5 * v.Q(0) < v.Q(m - 2)) return -1.0;
  const double d = v.Q(m - 1) + v.E(m - 2), y2 = v.Q(m - 2) * v.E(m - 2);
  // Cheap screen with the sweep's estimate of the rest's smallest eigenvalue (no square root):
  // y2 <= room sqrt(sigma), squared. Homogeneous in the scale of B, as everything here (the
  // caller may pass entries a power of two away from 1 and get the same bits).
  const double room = 0.5 * ln.tol_abs * (r.dmin1[l] - d);
  if (!(room > 0.0 && y2 * y2 <= room * room * ln.sigma)) return -1.0;
  const double floor = d + y2 / (ln.tol_abs * std::sqrt(ln.sigma));
  const bool last_case6 = ln.last_case6;
  const double g = ln.g;
  ln.n0 = m - 1;
  const double tau = next_shift(ln, v, r, l, 1) * (1.0 - 8.0 * kEps);
  if (!(tau >= floor)) {
    ln.n0 = m;
    ln.last_case6 = last_case6;
    ln.g = g;
    return -1.0;
  }
  ln.pending = true;
  ln.pending_root = std::sqrt(d + ln.sigma);
  ln.pending_q = v.Q(m - 1);
  ln.pending_e = v.E(m - 2);
  ln.pending_floor = floor;
  return tau;
}

}  // namespace

void bidiagonal_singular_sums(int n, int count, const double *const *diag,
                              const double *const *super, double *work, double *out) {
  const std::size_t stride = static_cast<std::size_t>(L) * static_cast<std::size_t>(n);
  double *q = work, *e = work + stride, *qh = work + 2 * stride, *eh = work + 3 * stride;
  Lane lanes[L];
  for (int l = 0; l < L; ++l) {
    for (int i = 0; i < n; ++i) {
      q[static_cast<std::size_t>(i) * L + l] = 1.0;
      e[static_cast<std::size_t>(i) * L + l] = 1.0;
    }
    if (l >= count) continue;
    out[l] = -1.0;
    Lane &ln = lanes[l];
    ln.live = true;
    ln.n0 = n;
    const View v{q, e, l};
    for (int i = 0; i < n; ++i) {
      const double x = diag[l][i] * diag[l][i];
      const double y = i + 1 < n ? super[l][i] * super[l][i] : 1.0;
      // Tiny or zero entries need dlasq2's splitting and zero handling: LAPACK's job.
      if (!(x >= kSmallestEntry && x < kInf && y >= kSmallestEntry && y < kInf)) ln.bad = true;
      v.Q(i) = x;
      if (i + 1 < n) v.E(i) = y;
    }
    if (ln.bad) {
      ln.live = false;
      continue;
    }
    if (n <= 2) {
      deflate(ln, v);
      out[l] = ln.sum;
      ln.live = false;
      continue;
    }
    double f2 = 0.0;
    for (int i = 0; i < n; ++i) f2 += v.Q(i) + (i + 1 < n ? v.E(i) : 0.0);
    ln.tol_abs = kEps * std::sqrt(f2) / n;
    if (1.5 * v.Q(0) < v.Q(n - 1)) reverse(v, n);  // the smaller end at the bottom
  }
  const int max_sweeps = 30 * n + 100;
  double tau[L], nm1[L], nm2[L];
  SweepResult res;
  for (;;) {
    int steps = 0, inner = n;
    for (int l = 0; l < L; ++l) {
      const Lane &ln = lanes[l];
      tau[l] = ln.live ? ln.tau : 0.0;
      nm1[l] = ln.live ? ln.n0 - 1 : -1.0;
      nm2[l] = ln.live ? ln.n0 - 2 : -1.0;
      if (ln.live) {
        steps = std::max(steps, ln.n0 - 1);
        inner = std::min(inner, ln.n0 - 2);
      }
    }
    if (steps == 0) break;
    // Ones in the rows the unmasked steps of sweep read, for the lanes not live (sweep's
    // outputs there are discarded).
    for (int l = 0; l < L; ++l) {
      if (lanes[l].live) continue;
      for (int i = 0; i <= inner; ++i) {
        q[static_cast<std::size_t>(i) * L + l] = 1.0;
        e[static_cast<std::size_t>(i) * L + l] = 1.0;
      }
    }
    sweep(std::max(inner, 0), steps, q, e, qh, eh, tau, nm1, nm2, res);
    for (int l = 0; l < L; ++l) {
      Lane &ln = lanes[l];
      if (!ln.live) continue;
      const View now{qh, eh, l}, before{q, e, l};
      const int m = ln.n0;
      now.Q(m - 1) = res.dn[l];
      ++ln.sweeps;
      bool ok = res.bad_interior[l] == 0 && res.dn[l] >= 0.0;
      if (ln.pending) {
        ln.pending = false;
        if (ok && ln.tau >= ln.pending_floor) {
          ln.sum += ln.pending_root;  // confirmed: the rest's eigenvalues are >= tau
        } else {
          // Not confirmed: back to the array before the early deflation, with a zero shift.
          for (int i = 0; i < m; ++i) now.Q(i) = before.Q(i);
          for (int i = 0; i + 1 < m; ++i) now.E(i) = before.E(i);
          now.Q(m) = ln.pending_q;
          now.E(m - 1) = ln.pending_e;
          ln.n0 = m + 1;
          ln.tau = 0.0;
          continue;
        }
      }
      if (!ok && res.bad_interior[l] == 0 && res.dmin1[l] > 0.0 &&
          now.E(m - 2) < 100.0 * kEps * (ln.sigma + res.dn1[l]) &&
          std::fabs(res.dn[l]) < 100.0 * kEps * ln.sigma) {
        // Convergence hidden by a negative dn (dlasq3): the shift met the eigenvalue to
        // rounding. Accept with q = 0; the zero shift that follows deflates it.
        now.Q(m - 1) = 0.0;
        ok = true;
        ln.hidden = true;
      }
      if (!ok) {
        // Too large a shift: keep the old arrays and retry with a smaller one (dlasq3).
        for (int i = 0; i < m; ++i) now.Q(i) = before.Q(i);
        for (int i = 0; i + 1 < m; ++i) now.E(i) = before.E(i);
        ++ln.fails;
        if (ln.tau == 0.0 || ln.fails > 8 || ln.sweeps > max_sweeps) {
          ln.bad = true;
          ln.live = false;
        } else if (res.bad_interior[l] == 0 && res.dmin1[l] > 0.0 && std::isfinite(res.dn[l])) {
          ln.tau = (ln.tau + res.dn[l]) * (1.0 - 2.0 * kEps);  // late failure: a sharp shift
        } else {
          ln.tau = ln.fails >= 3 ? 0.0 : 0.25 * ln.tau;
        }
        continue;
      }
      ln.fails = 0;
      ln.sigma += ln.tau;
      const int deflated = deflate(ln, now);
      if (ln.n0 == 0) {
        out[l] = std::isfinite(ln.sum) ? ln.sum : -1.0;
        ln.live = false;
        continue;
      }
      if (ln.sweeps > max_sweeps) {
        ln.bad = true;
        ln.live = false;
        continue;
      }
      if (deflated > 0 && 1.5 * now.Q(0) < now.Q(ln.n0 - 1)) {
        reverse(now, ln.n0);  // dlasq3's flip; the d's no longer describe the array
        ln.tau = 0.0;
        continue;
      }
      if (ln.hidden) {
        ln.hidden = false;
        ln.tau = 0.0;
        continue;
      }
      if (deflated == 0) {
        const double early = try_early_deflation(ln, now, res, l);
        if (early >= 0.0) {
          ln.tau = early;
          continue;
        }
      }
      // A shift a few ulps below the estimate: one that meets the eigenvalue to rounding would
      // often fail or converge behind a negative dn, and cost a zero-shift transform.
      ln.tau = std::max(0.0, next_shift(ln, now, res, l, deflated)) * (1.0 - 8.0 * kEps);
    }
    std::swap(q, qh);
    std::swap(e, eh);
  }
}

}  // namespace gmmot::linalg
