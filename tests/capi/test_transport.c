/* SPDX-License-Identifier: MIT */
/* gmmot_transport_*: exact and entropic discrete optimal transport through the C API, the way a
 * user calls it. Hand-computed optima (2x2, 3x3: cost, dense plan, sorted triplets, unique
 * centred duals), a brute-force vertex enumeration on a random 3x4 problem, the duality
 * certificate on 30x30, warm starts, the entropic method and its cap, the pivot cap
 * (GMMOT_E_ITERATION_LIMIT, nothing written), the error paths (NULLs, K = 0, NaN cost, bad
 * weights, short buffers) and the option keys 300-304. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* The prototypes of the groups this file defines (main.c declares them too). */
void test_transport(void);
void test_transport_too_large(void);

#define SZ_SENTINEL ((size_t)0xDEADBEEFu)
#define H_SENTINEL_TRANSPORT ((gmmot_transport_t *)(void *)&h_sentinel_target)

static void fill_sz(size_t *buf, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i) buf[i] = SZ_SENTINEL;
}

static int untouched_sz(const size_t *buf, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i) {
    if (buf[i] != SZ_SENTINEL) return 0;
  }
  return 1;
}

/* Checks that hold for every exact solution: shape, nnz <= K0+K1-1, triplets sorted by (i, j)
 * with positive mass and equal to the dense plan, marginals, duals feasible to rounding, tight
 * on the support, centred (u.a = v.b) and with u.a + v.b = cost. `mass` is sum a. */
static void check_exact_solution(const gmmot_transport_t *t, size_t k0, size_t k1, const double *a,
                                 const double *b, const double *c, double mass, const char *what) {
  static double plan[64 * 64], u[64], v[64], smass[128];
  static size_t rows[128], cols[128];
  size_t nnz, n, i, j;
  double cost = H_SENTINEL, cmax = 0.0, ua = 0.0, vb = 0.0, worst_viol = 0.0, worst_tight = 0.0;
  double err = H_SENTINEL, marg = 0.0;
  uint64_t iters = 0;
  if (t == NULL || k0 > 64 || k1 > 64) {
    CHECKF(0, "%s: no result object", what);
    return;
  }
  for (i = 0; i < k0 * k1; ++i) cmax = fmax(cmax, fabs(c[i]));
  CHECKF(gmmot_transport_rows(t) == k0 && gmmot_transport_cols(t) == k1, "%s: rows/cols", what);
  nnz = gmmot_transport_nnz(t);
  CHECKF(nnz >= 1 && nnz <= k0 + k1 - 1, "%s: nnz %lu not in [1, K0+K1-1 = %lu]", what,
         (unsigned long)nnz, (unsigned long)(k0 + k1 - 1));
  if (nnz > 128) return;
  CHECK_OK(gmmot_transport_cost(t, &cost));
  CHECK_OK(gmmot_transport_copy_plan(t, plan, k0 * k1));
  CHECK_OK(gmmot_transport_copy_sparse_plan(t, rows, cols, smass, nnz));
  CHECK_OK(gmmot_transport_copy_duals(t, u, k0, v, k1));
  CHECK_OK(gmmot_transport_info(t, &iters, &err));
  CHECKF(err >= 0.0 && err <= 1e-13 * mass, "%s: marginal error %.3g", what, err);

  /* Triplets: sorted, in range, positive, equal to the dense plan, which is zero elsewhere. */
  for (n = 0; n < nnz; ++n) {
    CHECKF(rows[n] < k0 && cols[n] < k1, "%s: triplet %lu out of range", what, (unsigned long)n);
    if (rows[n] >= k0 || cols[n] >= k1) return;
    CHECKF(smass[n] > 0.0, "%s: triplet %lu has mass %.17g", what, (unsigned long)n, smass[n]);
    CHECKF(plan[rows[n] * k1 + cols[n]] == smass[n], "%s: dense != sparse at %lu", what,
           (unsigned long)n);
    if (n > 0) {
      CHECKF(rows[n - 1] < rows[n] || (rows[n - 1] == rows[n] && cols[n - 1] < cols[n]),
             "%s: triplets %lu, %lu not sorted by (row, col)", what, (unsigned long)(n - 1),
             (unsigned long)n);
    }
  }
  {
    size_t zeros = 0;
    for (i = 0; i < k0 * k1; ++i) zeros += plan[i] == 0.0;
    CHECKF(zeros == k0 * k1 - nnz, "%s: dense plan has %lu non-zeros, nnz says %lu", what,
           (unsigned long)(k0 * k1 - zeros), (unsigned long)nnz);
  }

  /* Marginals (b is rescaled to a's mass by the library, so compare against that). */
  {
    double sb = 0.0;
    for (j = 0; j < k1; ++j) sb += b[j];
    for (i = 0; i < k0; ++i) {
      double s = 0.0;
      for (j = 0; j < k1; ++j) s += plan[i * k1 + j];
      marg += fabs(s - a[i]);
    }
    for (j = 0; j < k1; ++j) {
      double s = 0.0;
      for (i = 0; i < k0; ++i) s += plan[i * k1 + j];
      marg += fabs(s - b[j] * mass / sb);
    }
    CHECKF(marg <= 1e-13 * mass, "%s: recomputed marginal error %.3g", what, marg);
  }

  /* Cost of the plan. */
  {
    double s = 0.0;
    for (i = 0; i < k0 * k1; ++i) s += c[i] * plan[i];
    CHECKF(fabs(s - cost) <= 1e-13 * cmax * mass, "%s: cost %.17g but <C,P> = %.17g", what, cost,
           s);
  }

  /* Duals. */
  for (i = 0; i < k0; ++i) ua += u[i] * a[i];
  for (j = 0; j < k1; ++j) {
    double sb = 0.0;
    size_t jj;
    for (jj = 0; jj < k1; ++jj) sb += b[jj];
    vb += v[j] * b[j] * mass / sb;
  }
  for (i = 0; i < k0; ++i) {
    for (j = 0; j < k1; ++j) {
      double slack = c[i * k1 + j] - u[i] - v[j];
      if (-slack > worst_viol) worst_viol = -slack;
      if (plan[i * k1 + j] > 0.0 && fabs(slack) > worst_tight) worst_tight = fabs(slack);
    }
  }
  CHECKF(worst_viol <= 1e-13 * cmax, "%s: dual infeasibility %.3g (max|C| %.3g)", what, worst_viol,
         cmax);
  CHECKF(worst_tight <= 1e-13 * cmax, "%s: complementary slackness %.3g on the support", what,
         worst_tight);
  CHECKF(fabs(ua - vb) <= 1e-13 * cmax * mass, "%s: u.a = %.17g but v.b = %.17g", what, ua, vb);
  CHECKF(fabs(ua + vb - cost) <= 1e-13 * cmax * mass,
         "%s: duality gap: u.a + v.b = %.17g, cost %.17g", what, ua + vb, cost);
}

/* The minimum of <C, P> over the basic feasible solutions, by enumerating every set of
 * K0 + K1 - 1 cells and solving it by leaf elimination (a spanning tree of the bipartite graph
 * solves uniquely). Independent of the library; for K0 * K1 <= 16. Returns +inf if none. */
static double brute_force_ot(size_t k0, size_t k1, const double *a, const double *b,
                             const double *c) {
  const size_t cells = k0 * k1, m = k0 + k1 - 1;
  double best = INFINITY;
  unsigned long mask;
  for (mask = 0; mask < (1ul << cells); ++mask) {
    double ra[8], rb[8], x[16];
    int used[16], left = 0, ok = 1;
    size_t n, cnt = 0, i, j;
    for (n = 0; n < cells; ++n) cnt += (mask >> n) & 1ul;
    if (cnt != m) continue;
    for (i = 0; i < k0; ++i) ra[i] = a[i];
    for (j = 0; j < k1; ++j) rb[j] = b[j];
    for (n = 0; n < cells; ++n) {
      used[n] = (int)((mask >> n) & 1ul);
      x[n] = 0.0;
      left += used[n];
    }
    while (left > 0 && ok) {
      int progress = 0;
      /* a row or column with exactly one unsolved cell fixes that cell */
      for (i = 0; i < k0 && !progress; ++i) {
        size_t only = 0, c1 = 0;
        for (j = 0; j < k1; ++j) {
          if (used[i * k1 + j]) {
            ++c1;
            only = j;
          }
        }
        if (c1 == 1) {
          x[i * k1 + only] = ra[i];
          rb[only] -= ra[i];
          ra[i] = 0.0;
          used[i * k1 + only] = 0;
          --left;
          progress = 1;
        }
      }
      for (j = 0; j < k1 && !progress; ++j) {
        size_t only = 0, c1 = 0;
        for (i = 0; i < k0; ++i) {
          if (used[i * k1 + j]) {
            ++c1;
            only = i;
          }
        }
        if (c1 == 1) {
          x[only * k1 + j] = rb[j];
          ra[only] -= rb[j];
          rb[j] = 0.0;
          used[only * k1 + j] = 0;
          --left;
          progress = 1;
        }
      }
      if (!progress) ok = 0; /* a cycle: not a tree */
    }
    if (!ok) continue;
    for (i = 0; i < k0; ++i) ok = ok && fabs(ra[i]) <= 1e-12;
    for (j = 0; j < k1; ++j) ok = ok && fabs(rb[j]) <= 1e-12;
    for (n = 0; n < cells; ++n) ok = ok && x[n] >= -1e-12;
    if (!ok) continue;
    {
      double s = 0.0;
      for (n = 0; n < cells; ++n) s += c[n] * x[n];
      if (s < best) best = s;
    }
  }
  return best;
}

/* 2x2, by hand: a = (0.6, 0.4), b = (0.3, 0.7), C = [[1, 2], [3, 1]]. Plans are
 * [[x, 0.6-x], [0.3-x, 0.1+x]], x in [0, 0.3], with cost 2.2 - 3x: x = 0.3, cost 1.3, plan
 * [[0.3, 0.3], [0, 0.4]]. Support (0,0), (0,1), (1,1) is a spanning tree, so the duals are unique
 * up to a shift: u = (s, s-1), v = (1-s, 2-s); u.a = v.b gives s = 1.05. */
static void test_hand_2x2(void) {
  static const double a[2] = {0.6, 0.4}, b[2] = {0.3, 0.7}, c[4] = {1, 2, 3, 1};
  static const double want_plan[4] = {0.3, 0.3, 0.0, 0.4};
  gmmot_transport_t *t = NULL;
  double plan[4], u[2], v[2], cost = H_SENTINEL, err = H_SENTINEL, smass[3];
  size_t rows[3], cols[3], i;
  uint64_t iters = 0;
  CHECK_OK(gmmot_transport_solve(2, 2, a, b, c, NULL, &t));
  CHECK(t != NULL);
  if (t == NULL) return;
  CHECK(gmmot_transport_rows(t) == 2 && gmmot_transport_cols(t) == 2);
  CHECK(gmmot_transport_nnz(t) == 3);
  CHECK_MSG_EMPTY(); /* the getters clear the message too */
  CHECK_OK(gmmot_transport_cost(t, &cost));
  CHECK_NEAR(cost, 1.3, 1e-15, 0.0);
  h_fill(plan, 4);
  CHECK_OK(gmmot_transport_copy_plan(t, plan, 4));
  for (i = 0; i < 4; ++i) CHECK_NEAR(plan[i], want_plan[i], 1e-15, 1e-16);
  h_fill(smass, 3);
  CHECK_OK(gmmot_transport_copy_sparse_plan(t, rows, cols, smass, 3));
  CHECK(rows[0] == 0 && cols[0] == 0 && rows[1] == 0 && cols[1] == 1 && rows[2] == 1 &&
        cols[2] == 1);
  CHECK_NEAR(smass[0], 0.3, 1e-15, 0.0);
  CHECK_NEAR(smass[1], 0.3, 1e-15, 0.0);
  CHECK_NEAR(smass[2], 0.4, 1e-15, 0.0);
  CHECK_OK(gmmot_transport_copy_duals(t, u, 2, v, 2));
  CHECK_NEAR(u[0], 1.05, 1e-14, 1e-15);
  CHECK_NEAR(u[1], 0.05, 1e-13, 1e-15);
  CHECK_NEAR(v[0], -0.05, 1e-13, 1e-15);
  CHECK_NEAR(v[1], 0.95, 1e-14, 1e-15);
  CHECK_OK(gmmot_transport_info(t, &iters, &err));
  CHECKF(iters > 0, "iterations = %lu", (unsigned long)iters);
  CHECKF(err >= 0.0 && err <= 1e-15, "marginal error %.3g", err);
  /* Every output pointer of the getters that allow it may be NULL. */
  CHECK_OK(gmmot_transport_copy_sparse_plan(t, NULL, NULL, NULL, 0));
  CHECK_OK(gmmot_transport_copy_sparse_plan(t, NULL, cols, NULL, 3));
  CHECK_OK(gmmot_transport_copy_duals(t, NULL, 0, v, 2));
  CHECK_OK(gmmot_transport_copy_duals(t, u, 2, NULL, 0));
  CHECK_OK(gmmot_transport_info(t, NULL, NULL));
  CHECK_OK(gmmot_transport_info(t, &iters, NULL));
  check_exact_solution(t, 2, 2, a, b, c, 1.0, "2x2");
  gmmot_transport_destroy(t);
}

/* 3x3, by hand: points x = (0, 1, 2), y = (0.5, 1.5, 3), C_ij = (x_i - y_j)^2 (strictly convex
 * in 1-D, so the monotone north-west-corner coupling is the unique optimum).
 * a = (0.2, 0.5, 0.3), b = (0.4, 0.4, 0.2): P00 = 0.2, P10 = 0.2, P11 = 0.3, P21 = 0.1,
 * P22 = 0.2; cost = 0.8 * 0.25 + 0.2 * 1 = 0.4. Duals on the tree: u = (s, s, s),
 * v = (0.25-s, 0.25-s, 1-s); u.a = v.b gives s = 0.2. */
static const double k3a[3] = {0.2, 0.5, 0.3}, k3b[3] = {0.4, 0.4, 0.2};
static const double k3c[9] = {0.25, 2.25, 9.0, 0.25, 0.25, 4.0, 2.25, 0.25, 1.0};

static void test_hand_3x3(void) {
  static const double want_plan[9] = {0.2, 0, 0, 0.2, 0.3, 0, 0, 0.1, 0.2};
  static const size_t want_rows[5] = {0, 1, 1, 2, 2}, want_cols[5] = {0, 0, 1, 1, 2};
  static const double want_u[3] = {0.2, 0.2, 0.2}, want_v[3] = {0.05, 0.05, 0.8};
  gmmot_transport_t *t = NULL;
  double plan[9], u[3], v[3], cost = H_SENTINEL, smass[5];
  size_t rows[5], cols[5], i;
  CHECK_OK(gmmot_transport_solve(3, 3, k3a, k3b, k3c, NULL, &t));
  if (t == NULL) return;
  CHECK(gmmot_transport_nnz(t) == 5);
  CHECK_OK(gmmot_transport_cost(t, &cost));
  CHECK_NEAR(cost, 0.4, 1e-15, 0.0);
  CHECK_OK(gmmot_transport_copy_plan(t, plan, 9));
  for (i = 0; i < 9; ++i) CHECK_NEAR(plan[i], want_plan[i], 1e-15, 1e-16);
  CHECK_OK(gmmot_transport_copy_sparse_plan(t, rows, cols, smass, 5));
  for (i = 0; i < 5; ++i) {
    CHECKF(rows[i] == want_rows[i] && cols[i] == want_cols[i], "triplet %lu = (%lu, %lu)",
           (unsigned long)i, (unsigned long)rows[i], (unsigned long)cols[i]);
    CHECK_NEAR(smass[i], want_plan[want_rows[i] * 3 + want_cols[i]], 1e-15, 0.0);
  }
  CHECK_OK(gmmot_transport_copy_duals(t, u, 3, v, 3));
  for (i = 0; i < 3; ++i) {
    CHECK_NEAR(u[i], want_u[i], 1e-14, 1e-15);
    CHECK_NEAR(v[i], want_v[i], 1e-14, 1e-15);
  }
  check_exact_solution(t, 3, 3, k3a, k3b, k3c, 1.0, "3x3");
  gmmot_transport_destroy(t);

  /* Invariances a user relies on: C + 7 (negative costs too: C - 7) shifts the cost by 7 * mass
   * and keeps the plan; counts instead of probabilities (b is rescaled to a's mass). */
  {
    double cs[9], plan2[9], cost2 = H_SENTINEL;
    static const double ac[3] = {2, 5, 3}, bc[3] = {4, 4, 2};
    for (i = 0; i < 9; ++i) cs[i] = k3c[i] - 7.0;
    t = NULL;
    CHECK_OK(gmmot_transport_solve(3, 3, k3a, k3b, cs, NULL, &t));
    CHECK_OK(gmmot_transport_cost(t, &cost2));
    CHECK_NEAR(cost2, 0.4 - 7.0, 1e-15, 0.0);
    CHECK_OK(gmmot_transport_copy_plan(t, plan2, 9));
    for (i = 0; i < 9; ++i) CHECK_NEAR(plan2[i], want_plan[i], 1e-15, 1e-16);
    check_exact_solution(t, 3, 3, k3a, k3b, cs, 1.0, "3x3 shifted");
    gmmot_transport_destroy(t);
    t = NULL;
    CHECK_OK(gmmot_transport_solve(3, 3, ac, bc, k3c, NULL, &t));
    CHECK_OK(gmmot_transport_cost(t, &cost2));
    CHECK_NEAR(cost2, 4.0, 1e-15, 0.0);
    CHECK_OK(gmmot_transport_copy_plan(t, plan2, 9));
    for (i = 0; i < 9; ++i) CHECK_NEAR(plan2[i], 10.0 * want_plan[i], 1e-15, 1e-15);
    check_exact_solution(t, 3, 3, ac, bc, k3c, 10.0, "3x3 counts");
    gmmot_transport_destroy(t);
  }

  /* A zero-weight row and column: valid, no mass there, the row's dual is the largest feasible
   * value min_j (C_ij - v_j) (transport.h). */
  {
    static const double az[3] = {0.5, 0.0, 0.5}, bz[3] = {0.5, 0.5, 0.0};
    double pz[9], uz[3], vz[3], cz = H_SENTINEL, tight;
    size_t j;
    t = NULL;
    CHECK_OK(gmmot_transport_solve(3, 3, az, bz, k3c, NULL, &t));
    if (t == NULL) return;
    CHECK_OK(gmmot_transport_copy_plan(t, pz, 9));
    CHECK_OK(gmmot_transport_copy_duals(t, uz, 3, vz, 3));
    CHECK_OK(gmmot_transport_cost(t, &cz));
    /* rows {0, 2} to columns {0, 1}: 0 -> 0 and 2 -> 1, cost 0.5 * 0.25 + 0.5 * 0.25 */
    CHECK_NEAR(cz, 0.25, 1e-15, 0.0);
    for (j = 0; j < 3; ++j) CHECK(pz[3 + j] == 0.0 && pz[3 * j + 2] == 0.0);
    tight = INFINITY;
    for (j = 0; j < 3; ++j) tight = fmin(tight, k3c[3 + j] - vz[j]);
    CHECK_NEAR(uz[1], tight, 1e-14, 1e-15);
    check_exact_solution(t, 3, 3, az, bz, k3c, 1.0, "3x3 zero weights");
    gmmot_transport_destroy(t);
  }
}

/* A random 3x4 problem against the brute-force vertex enumeration. */
static void test_brute_force(void) {
  unsigned long st = 2024;
  double a[3], b[4], c[12], sa = 0, sb = 0, cost = H_SENTINEL, ref;
  gmmot_transport_t *t = NULL;
  size_t i;
  for (i = 0; i < 3; ++i) sa += a[i] = 1.5 + h_uniform(&st);
  for (i = 0; i < 4; ++i) sb += b[i] = 1.5 + h_uniform(&st);
  for (i = 0; i < 3; ++i) a[i] /= sa;
  for (i = 0; i < 4; ++i) b[i] /= sb;
  for (i = 0; i < 12; ++i) c[i] = 10.0 * h_uniform(&st);
  ref = brute_force_ot(3, 4, a, b, c);
  CHECK(isfinite(ref));
  CHECK_NEAR(brute_force_ot(3, 3, k3a, k3b, k3c), 0.4, 1e-14, 0.0); /* the oracle itself */
  CHECK_OK(gmmot_transport_solve(3, 4, a, b, c, NULL, &t));
  CHECK_OK(gmmot_transport_cost(t, &cost));
  CHECK_NEAR(cost, ref, 1e-13, 1e-14);
  check_exact_solution(t, 3, 4, a, b, c, 1.0, "random 3x4");
  gmmot_transport_destroy(t);
}

#define N30 30
static void random_problem(unsigned long seed, double *a, double *b, double *c) {
  unsigned long st = seed;
  double sa = 0, sb = 0;
  size_t i;
  for (i = 0; i < N30; ++i) sa += a[i] = 1.2 + h_uniform(&st);
  for (i = 0; i < N30; ++i) sb += b[i] = 1.2 + h_uniform(&st);
  for (i = 0; i < N30; ++i) {
    a[i] /= sa;
    b[i] /= sb;
  }
  for (i = 0; i < N30 * N30; ++i) c[i] = 5.0 + 5.0 * h_uniform(&st);
}

/* 30x30: certificate of optimality; warm starts (from the own duals, from a nearby problem's
 * duals) give the same cost; the pivot cap gives GMMOT_E_ITERATION_LIMIT with nothing written. */
static void test_random_warm_and_cap(void) {
  static double a[N30], b[N30], c[N30 * N30], c2[N30 * N30], u[N30], v[N30];
  gmmot_transport_t *t = NULL, *tw = NULL, *out = H_SENTINEL_TRANSPORT;
  gmmot_options_t *o = NULL;
  double cost = H_SENTINEL, cost_w = H_SENTINEL;
  uint64_t it_cold = 0, it_warm = 0;
  size_t i;
  unsigned long st = 99;
  random_problem(7, a, b, c);
  CHECK_OK(gmmot_transport_solve(N30, N30, a, b, c, NULL, &t));
  if (t == NULL) return;
  check_exact_solution(t, N30, N30, a, b, c, 1.0, "random 30x30");
  CHECK_OK(gmmot_transport_cost(t, &cost));
  CHECK_OK(gmmot_transport_copy_duals(t, u, N30, v, N30));
  CHECK_OK(gmmot_transport_info(t, &it_cold, NULL));
  CHECK(it_cold > 2);

  /* Warm from its own duals: same optimum. */
  CHECK_OK(gmmot_transport_solve_warm(N30, N30, a, b, c, u, v, NULL, &tw));
  CHECK_OK(gmmot_transport_cost(tw, &cost_w));
  CHECK_NEAR(cost_w, cost, 1e-13, 0.0);
  CHECK_OK(gmmot_transport_info(tw, &it_warm, NULL));
  check_exact_solution(tw, N30, N30, a, b, c, 1.0, "warm (own duals)");
  gmmot_transport_destroy(tw);

  /* Warm from the duals of a perturbed problem: the optimum of this one, not of the other. */
  for (i = 0; i < N30 * N30; ++i) c2[i] = c[i] + 0.05 * h_uniform(&st);
  {
    gmmot_transport_t *t2 = NULL;
    double cost2 = H_SENTINEL;
    CHECK_OK(gmmot_transport_solve(N30, N30, a, b, c2, NULL, &t2));
    CHECK_OK(gmmot_transport_cost(t2, &cost2));
    tw = NULL;
    CHECK_OK(gmmot_transport_solve_warm(N30, N30, a, b, c2, u, v, NULL, &tw));
    CHECK_OK(gmmot_transport_cost(tw, &cost_w));
    CHECK_NEAR(cost_w, cost2, 1e-13, 0.0);
    check_exact_solution(tw, N30, N30, a, b, c2, 1.0, "warm (perturbed problem)");
    gmmot_transport_destroy(tw);
    gmmot_transport_destroy(t2);
  }
  /* solve_warm uses the exact method even when the options ask for the entropic one. */
  CHECK_OK(gmmot_options_create(&o));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_TRANSPORT_METHOD, GMMOT_TRANSPORT_ENTROPIC));
  tw = NULL;
  CHECK_OK(gmmot_transport_solve_warm(N30, N30, a, b, c, u, v, o, &tw));
  CHECK_OK(gmmot_transport_cost(tw, &cost_w));
  CHECK_NEAR(cost_w, cost, 1e-13, 0.0);
  CHECK(gmmot_transport_nnz(tw) <= 2 * N30 - 1);
  gmmot_transport_destroy(tw);
  gmmot_options_destroy(o);

  /* The pivot cap: an error, *out untouched, the message names the cap. */
  o = NULL;
  CHECK_OK(gmmot_options_create(&o));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EXACT_MAX_ITERATIONS, 2));
  CHECK_ERROR(gmmot_transport_solve(N30, N30, a, b, c, o, &out), GMMOT_E_ITERATION_LIMIT,
              "gmmot_transport_solve", "cap|GMMOT_OPT_EXACT_MAX_ITERATIONS");
  CHECKF(h_msg_contains(" 2 ") || h_msg_contains(" 2)") || h_msg_contains("= 2"),
         "the ITERATION_LIMIT message gives the cap 2: \"%s\"", gmmot_last_error_message());
  CHECK(out == H_SENTINEL_TRANSPORT);
  {
    static double zu[N30], zv[N30]; /* all zero: a warm start that is no better than cold */
    CHECK_ERROR(gmmot_transport_solve_warm(N30, N30, a, b, c2, zu, zv, o, &out),
                GMMOT_E_ITERATION_LIMIT, "gmmot_transport_solve_warm",
                "cap|GMMOT_OPT_EXACT_MAX_ITERATIONS");
  }
  CHECK(out == H_SENTINEL_TRANSPORT);
  /* A cap that is not reached changes nothing. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EXACT_MAX_ITERATIONS, (int64_t)it_cold));
  tw = NULL;
  CHECK_OK(gmmot_transport_solve(N30, N30, a, b, c, o, &tw));
  CHECK_OK(gmmot_transport_cost(tw, &cost_w));
  CHECK(cost_w == cost);
  gmmot_transport_destroy(tw);
  gmmot_options_destroy(o);
  gmmot_transport_destroy(t);
}

/* The entropic method: close to the exact cost, a small marginal error, a dense plan; with an
 * iteration cap of 1: GMMOT_W_NOT_CONVERGED, object created, message non-empty. */
static void test_entropic(void) {
  static double a[N30], b[N30], c[N30 * N30], plan[N30 * N30], u[N30], v[N30];
  gmmot_options_t *o = NULL;
  gmmot_transport_t *t = NULL;
  double cost = H_SENTINEL, exact = 0.4, err = H_SENTINEL, eps, cmax = 9.0;
  uint64_t iters = 0;
  size_t i, j;
  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) return;
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_TRANSPORT_METHOD, GMMOT_TRANSPORT_ENTROPIC));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, 1e-4));
  CHECK_OK(gmmot_transport_solve(3, 3, k3a, k3b, k3c, o, &t));
  if (t == NULL) return;
  CHECK_OK(gmmot_transport_cost(t, &cost));
  /* <C, P_eps> - OPT is at most eps_abs * (entropy gap) <= eps_abs * log(K0 K1) */
  eps = 1e-4 * cmax;
  /* (the lower end allows for the 1e-9 marginal tolerance) */
  CHECKF(cost >= exact - 1e-8 * cmax && cost <= exact + eps * log(9.0) + 1e-8 * cmax,
         "entropic cost %.17g vs exact %.17g (eps_abs %.3g)", cost, exact, eps);
  CHECK_OK(gmmot_transport_info(t, &iters, &err));
  CHECK(iters > 0);
  CHECKF(err >= 0.0 && err <= 1e-8, "entropic marginal error %.3g", err);
  CHECK(gmmot_transport_rows(t) == 3 && gmmot_transport_cols(t) == 3);
  CHECK(gmmot_transport_nnz(t) >= 5 && gmmot_transport_nnz(t) <= 9);
  CHECK_OK(gmmot_transport_copy_plan(t, plan, 9));
  for (i = 0; i < 9; ++i) CHECK(plan[i] >= 0.0);
  gmmot_transport_destroy(t);

  /* 30x30 entropic vs exact, default epsilon 1e-3; the Sinkhorn potentials reproduce the plan:
   * P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps_abs). */
  random_problem(7, a, b, c);
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, 1e-3));
  {
    gmmot_transport_t *te = NULL, *tx = NULL;
    double ce = H_SENTINEL, cx = H_SENTINEL, worst = 0.0;
    cmax = 0.0;
    for (i = 0; i < N30 * N30; ++i) cmax = fmax(cmax, fabs(c[i]));
    eps = 1e-3 * cmax;
    CHECK_OK(gmmot_transport_solve(N30, N30, a, b, c, o, &te));
    CHECK_OK(gmmot_transport_solve(N30, N30, a, b, c, NULL, &tx));
    CHECK_OK(gmmot_transport_cost(te, &ce));
    CHECK_OK(gmmot_transport_cost(tx, &cx));
    CHECKF(ce >= cx - 1e-8 * cmax && ce <= cx + eps * log(900.0) + 1e-8 * cmax,
           "30x30 entropic cost %.17g vs exact %.17g (eps_abs %.3g)", ce, cx, eps);
    CHECK_OK(gmmot_transport_info(te, NULL, &err));
    CHECKF(err <= 1e-8, "30x30 entropic marginal error %.3g", err);
    CHECK_OK(gmmot_transport_copy_plan(te, plan, N30 * N30));
    CHECK_OK(gmmot_transport_copy_duals(te, u, N30, v, N30));
    for (i = 0; i < N30; ++i) {
      for (j = 0; j < N30; ++j) {
        double p = a[i] * b[j] * exp((u[i] + v[j] - c[i * N30 + j]) / eps);
        double rel = fabs(p - plan[i * N30 + j]) / fmax(p, 1e-300);
        if (p > 1e-200 && rel > worst) worst = rel;
      }
    }
    CHECKF(worst <= 1e-9, "P != a b exp((f + g - C) / eps): worst relative difference %.3g", worst);
    gmmot_transport_destroy(te);
    gmmot_transport_destroy(tx);
  }

  /* Zero weights with the entropic method: no mass there, finite potentials, cost near the exact
   * 0.25 (see test_hand_3x3). */
  {
    static const double az[3] = {0.5, 0.0, 0.5}, bz[3] = {0.5, 0.5, 0.0};
    double pz[9], uz[3], vz[3], cz = H_SENTINEL;
    gmmot_transport_t *tz = NULL;
    CHECK_OK(gmmot_transport_solve(3, 3, az, bz, k3c, o, &tz));
    if (tz != NULL) {
      CHECK_OK(gmmot_transport_copy_plan(tz, pz, 9));
      CHECK_OK(gmmot_transport_copy_duals(tz, uz, 3, vz, 3));
      CHECK_OK(gmmot_transport_cost(tz, &cz));
      CHECK_NEAR(cz, 0.25, 0.0, 1e-3 * 9.0 * log(9.0));
      for (j = 0; j < 3; ++j) {
        CHECK(pz[3 + j] == 0.0 && pz[3 * j + 2] == 0.0);
        CHECKF(isfinite(uz[j]) && isfinite(vz[j]),
               "entropic duals with zero weights: u[%lu] = %g, "
               "v[%lu] = %g",
               (unsigned long)j, uz[j], (unsigned long)j, vz[j]);
      }
      gmmot_transport_destroy(tz);
    }
  }

  /* Iteration cap 1: a warning, the object is still created, the message says why. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, 1));
  t = NULL;
  CHECK_STATUS(gmmot_transport_solve(N30, N30, a, b, c, o, &t), GMMOT_W_NOT_CONVERGED);
  CHECKF(h_msg_contains("gmmot_transport_solve"), "warning message names the function: \"%s\"",
         gmmot_last_error_message());
  CHECK(t != NULL);
  if (t != NULL) {
    CHECK_OK(gmmot_transport_info(t, &iters, &err));
    CHECK(iters == 1);
    CHECKF(err > 1e-8, "after 1 iteration the marginal error is %.3g", err);
    CHECK(gmmot_transport_rows(t) == N30);
    gmmot_transport_destroy(t);
  }
  gmmot_options_destroy(o);
}

static void test_errors(void) {
  static const double a[2] = {0.6, 0.4}, b[2] = {0.3, 0.7}, c[4] = {1, 2, 3, 1};
  gmmot_transport_t *out = H_SENTINEL_TRANSPORT, *t = NULL;
  const char *fn = "gmmot_transport_solve", *fw = "gmmot_transport_solve_warm";
  double buf[16], u0[3] = {0, 0, 0}, v0[3] = {0, 0, 0};
  size_t rows[8], cols[8];

  /* NULL arguments, each named; opts NULL is the defaults, not an error. */
  CHECK_ERROR(gmmot_transport_solve(2, 2, NULL, b, c, NULL, &out), GMMOT_E_INVALID_ARGUMENT, fn,
              "a");
  CHECK_ERROR(gmmot_transport_solve(2, 2, a, NULL, c, NULL, &out), GMMOT_E_INVALID_ARGUMENT, fn,
              "b");
  CHECK_ERROR(gmmot_transport_solve(2, 2, a, b, NULL, NULL, &out), GMMOT_E_INVALID_ARGUMENT, fn,
              "cost");
  CHECK_ERROR(gmmot_transport_solve(2, 2, a, b, c, NULL, NULL), GMMOT_E_INVALID_ARGUMENT, fn,
              "out");
  CHECK_ERROR(gmmot_transport_solve_warm(2, 2, a, b, c, NULL, v0, NULL, &out),
              GMMOT_E_INVALID_ARGUMENT, fw, "u0");
  CHECK_ERROR(gmmot_transport_solve_warm(2, 2, a, b, c, u0, NULL, NULL, &out),
              GMMOT_E_INVALID_ARGUMENT, fw, "v0");
  CHECK_ERROR(gmmot_transport_solve_warm(2, 2, NULL, b, c, u0, v0, NULL, &out),
              GMMOT_E_INVALID_ARGUMENT, fw, "a");
  CHECK_ERROR(gmmot_transport_solve_warm(2, 2, a, b, c, u0, v0, NULL, NULL),
              GMMOT_E_INVALID_ARGUMENT, fw, "out");
  CHECK(out == H_SENTINEL_TRANSPORT);

  /* Sizes. */
  CHECK_ERROR(gmmot_transport_solve(0, 2, a, b, c, NULL, &out), GMMOT_E_DIMENSION, fn, "k0|a");
  CHECK_ERROR(gmmot_transport_solve(2, 0, a, b, c, NULL, &out), GMMOT_E_DIMENSION, fn, "k1|b");
  CHECK_ERROR(gmmot_transport_solve_warm(0, 2, a, b, c, u0, v0, NULL, &out), GMMOT_E_DIMENSION, fw,
              "k0|a");
  CHECK(out == H_SENTINEL_TRANSPORT);

  /* Non-finite entries, named with their index. */
  {
    double cn[4] = {1, 2, 3, 1}, an[2] = {0.6, 0.4}, bn[2] = {0.3, 0.7};
    cn[1] = NAN;
    CHECK_ERROR(gmmot_transport_solve(2, 2, a, b, cn, NULL, &out), GMMOT_E_NONFINITE, fn, "cost");
    CHECKF(h_msg_contains("cost[0][1]"), "NaN cost named cost[0][1]: \"%s\"",
           gmmot_last_error_message());
    cn[1] = 2;
    cn[2] = -INFINITY;
    CHECK_ERROR(gmmot_transport_solve(2, 2, a, b, cn, NULL, &out), GMMOT_E_NONFINITE, fn, "cost");
    CHECKF(h_msg_contains("cost[1][0]"), "-inf cost named cost[1][0]: \"%s\"",
           gmmot_last_error_message());
    an[1] = NAN;
    CHECK_ERROR_AT(gmmot_transport_solve(2, 2, an, b, c, NULL, &out), GMMOT_E_NONFINITE, fn, "a",
                   1);
    bn[0] = INFINITY;
    CHECK_ERROR_AT(gmmot_transport_solve(2, 2, a, bn, c, NULL, &out), GMMOT_E_NONFINITE, fn, "b",
                   0);
    u0[1] = NAN;
    CHECK_ERROR_AT(gmmot_transport_solve_warm(2, 2, a, b, c, u0, v0, NULL, &out), GMMOT_E_NONFINITE,
                   fw, "u0", 1);
    u0[1] = 0;
    v0[0] = INFINITY;
    CHECK_ERROR_AT(gmmot_transport_solve_warm(2, 2, a, b, c, u0, v0, NULL, &out), GMMOT_E_NONFINITE,
                   fw, "v0", 0);
    v0[0] = 0;
    /* The entropic method validates the same way. */
    {
      gmmot_options_t *o = NULL;
      CHECK_OK(gmmot_options_create(&o));
      CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_TRANSPORT_METHOD, GMMOT_TRANSPORT_ENTROPIC));
      cn[2] = NAN;
      CHECK_ERROR(gmmot_transport_solve(2, 2, a, b, cn, o, &out), GMMOT_E_NONFINITE, fn, "cost");
      CHECKF(h_msg_contains("cost[1][0]"), "entropic: NaN cost named cost[1][0]: \"%s\"",
             gmmot_last_error_message());
      CHECK_ERROR(gmmot_transport_solve(0, 2, a, b, c, o, &out), GMMOT_E_DIMENSION, fn, "k0|a");
      {
        double neg[2] = {0.7, -0.1};
        CHECK_ERROR_AT(gmmot_transport_solve(2, 2, a, neg, c, o, &out), GMMOT_E_WEIGHTS, fn, "b",
                       1);
      }
      gmmot_options_destroy(o);
    }
  }
  CHECK(out == H_SENTINEL_TRANSPORT);

  /* Weights: negative entry named a[i]; mass mismatch; all zero. */
  {
    static const double neg[3] = {0.5, -0.1, 0.6}, b3[3] = {0.2, 0.3, 0.5};
    static const double c9[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    static const double more[2] = {0.6, 0.5}, zero[2] = {0, 0};
    CHECK_ERROR_AT(gmmot_transport_solve(3, 3, neg, b3, c9, NULL, &out), GMMOT_E_WEIGHTS, fn, "a",
                   1);
    CHECK_ERROR_AT(gmmot_transport_solve(3, 3, b3, neg, c9, NULL, &out), GMMOT_E_WEIGHTS, fn, "b",
                   1);
    CHECK_ERROR(gmmot_transport_solve(2, 2, a, more, c, NULL, &out), GMMOT_E_WEIGHTS, fn, "a|b");
    CHECK_ERROR(gmmot_transport_solve(2, 2, zero, zero, c, NULL, &out), GMMOT_E_WEIGHTS, fn, "a|b");
    /* 1e-9 relative is within the 1e-8 tolerance: accepted. */
    {
      double near1[2] = {0.3, 0.7 + 1e-9};
      t = NULL;
      CHECK_OK(gmmot_transport_solve(2, 2, a, near1, c, NULL, &t));
      gmmot_transport_destroy(t);
    }
  }
  CHECK(out == H_SENTINEL_TRANSPORT);

  /* Getters: NULL handle, short buffers (outputs untouched). */
  t = NULL;
  CHECK_OK(gmmot_transport_solve(2, 2, a, b, c, NULL, &t));
  if (t == NULL) return;
  {
    double cost = H_SENTINEL, err = H_SENTINEL;
    uint64_t it = 77;
    CHECK_ERROR(gmmot_transport_cost(NULL, &cost), GMMOT_E_INVALID_ARGUMENT, "gmmot_transport_cost",
                "t");
    CHECK_ERROR(gmmot_transport_cost(t, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_transport_cost",
                "out_cost");
    CHECK_ERROR(gmmot_transport_info(NULL, &it, &err), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_transport_info", "t");
    CHECK(cost == H_SENTINEL && err == H_SENTINEL && it == 77);
  }
  h_fill(buf, 16);
  CHECK_ERROR(gmmot_transport_copy_plan(NULL, buf, 4), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_transport_copy_plan", "t");
  CHECK_ERROR(gmmot_transport_copy_plan(t, NULL, 4), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_transport_copy_plan", "out");
  CHECK_ERROR(gmmot_transport_copy_plan(t, buf, 3), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_transport_copy_plan", "out_len");
  CHECK_UNTOUCHED(buf, 16);
  fill_sz(rows, 8);
  fill_sz(cols, 8);
  CHECK_ERROR(gmmot_transport_copy_sparse_plan(NULL, rows, cols, buf, 3), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_transport_copy_sparse_plan", "t");
  CHECK_ERROR(gmmot_transport_copy_sparse_plan(t, rows, cols, buf, 2), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_transport_copy_sparse_plan", "triplets_len");
  CHECK_ERROR(gmmot_transport_copy_sparse_plan(t, NULL, NULL, buf, 2), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_transport_copy_sparse_plan", "triplets_len");
  CHECK_ERROR(gmmot_transport_copy_sparse_plan(t, rows, NULL, NULL, 0), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_transport_copy_sparse_plan", "triplets_len");
  CHECK_UNTOUCHED(buf, 16);
  CHECK(untouched_sz(rows, 8) && untouched_sz(cols, 8));
  CHECK_ERROR(gmmot_transport_copy_duals(NULL, buf, 2, buf + 2, 2), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_transport_copy_duals", "t");
  CHECK_ERROR(gmmot_transport_copy_duals(t, buf, 1, buf + 2, 2), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_transport_copy_duals", "u_len");
  CHECK_ERROR(gmmot_transport_copy_duals(t, buf, 2, buf + 2, 1), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_transport_copy_duals", "v_len");
  CHECK_UNTOUCHED(buf, 16);
  gmmot_transport_destroy(t);

  /* NULL handles: getters give 0 and clear the message, destroy(NULL) does nothing. */
  CHECK_ERROR(gmmot_transport_cost(NULL, buf), GMMOT_E_INVALID_ARGUMENT, "gmmot_transport_cost",
              "t");
  CHECK(gmmot_transport_rows(NULL) == 0);
  CHECK_MSG_EMPTY();
  CHECK(gmmot_transport_cols(NULL) == 0);
  CHECK(gmmot_transport_nnz(NULL) == 0);
  CHECK_ERROR(gmmot_transport_cost(NULL, buf), GMMOT_E_INVALID_ARGUMENT, "gmmot_transport_cost",
              "t");
  gmmot_transport_destroy(NULL);
  CHECK_MSG_EMPTY();
}

/* The new option keys 300-304: type, bounds, defaults, inclusive bounds accepted, values out of
 * range (and NaN, and the wrong type) rejected with the object unchanged. */
static void test_transport_options(void) {
  gmmot_options_t *o = NULL;
  int type = -1;
  double lo = H_SENTINEL, hi = H_SENTINEL, dv = H_SENTINEL;
  int64_t iv = -77;
  const char *si = "gmmot_options_set_int", *sd = "gmmot_options_set_double";

  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_TRANSPORT_METHOD, &type, &lo, &hi));
  CHECK(type == GMMOT_OPTION_INT && lo == 0.0 && hi == 1.0);
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_EXACT_MAX_ITERATIONS, &type, &lo, &hi));
  CHECK(type == GMMOT_OPTION_INT && lo == 0.0 && hi == 1e15);
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_ENTROPIC_EPSILON, &type, &lo, &hi));
  CHECK(type == GMMOT_OPTION_DOUBLE && lo == 1e-8 && hi == 1e8);
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_ENTROPIC_TOLERANCE, &type, &lo, &hi));
  CHECK(type == GMMOT_OPTION_DOUBLE && lo == 0.0 && hi == 1.0);
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, &type, &lo, &hi));
  CHECK(type == GMMOT_OPTION_INT && lo == 1.0 && hi == 1e12);
  CHECK_ERROR(gmmot_options_bounds(305, &type, &lo, &hi), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_bounds", "key");

  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) return;
  /* Defaults. */
  CHECK_OK(gmmot_options_get_int(o, GMMOT_OPT_TRANSPORT_METHOD, &iv));
  CHECK(iv == GMMOT_TRANSPORT_EXACT);
  CHECK_OK(gmmot_options_get_int(o, GMMOT_OPT_EXACT_MAX_ITERATIONS, &iv));
  CHECK(iv == 0);
  CHECK_OK(gmmot_options_get_double(o, GMMOT_OPT_ENTROPIC_EPSILON, &dv));
  CHECK(dv == 1e-3);
  CHECK_OK(gmmot_options_get_double(o, GMMOT_OPT_ENTROPIC_TOLERANCE, &dv));
  CHECK(dv == 1e-9);
  CHECK_OK(gmmot_options_get_int(o, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, &iv));
  CHECK(iv == 100000);

  /* Inclusive bounds. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_TRANSPORT_METHOD, 1));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_TRANSPORT_METHOD, 0));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EXACT_MAX_ITERATIONS, INT64_C(1000000000000000)));
  CHECK_OK(gmmot_options_get_int(o, GMMOT_OPT_EXACT_MAX_ITERATIONS, &iv));
  CHECK(iv == INT64_C(1000000000000000));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EXACT_MAX_ITERATIONS, 0));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, 1e-8));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, 1e8));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, 0.01));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_TOLERANCE, 0.0));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_TOLERANCE, 1.0));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_TOLERANCE, 1e-6));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, 1));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, INT64_C(1000000000000)));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, 500));

  /* Out of range: rejected, object unchanged. */
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_TRANSPORT_METHOD, 2), GMMOT_E_INVALID_ARGUMENT, si,
              NULL);
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_TRANSPORT_METHOD, -1), GMMOT_E_INVALID_ARGUMENT,
              si, NULL);
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_EXACT_MAX_ITERATIONS, -1),
              GMMOT_E_INVALID_ARGUMENT, si, NULL);
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_EXACT_MAX_ITERATIONS, INT64_C(1000000000000001)),
              GMMOT_E_INVALID_ARGUMENT, si, NULL);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, 0.0),
              GMMOT_E_INVALID_ARGUMENT, sd, NULL);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, 9.9e-9),
              GMMOT_E_INVALID_ARGUMENT, sd, NULL);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, 1.01e8),
              GMMOT_E_INVALID_ARGUMENT, sd, NULL);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, NAN),
              GMMOT_E_INVALID_ARGUMENT, sd, NULL);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, INFINITY),
              GMMOT_E_INVALID_ARGUMENT, sd, NULL);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_TOLERANCE, -1e-300),
              GMMOT_E_INVALID_ARGUMENT, sd, NULL);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_TOLERANCE, 1.5),
              GMMOT_E_INVALID_ARGUMENT, sd, NULL);
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, 0),
              GMMOT_E_INVALID_ARGUMENT, si, NULL);
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, INT64_C(1000000000001)),
              GMMOT_E_INVALID_ARGUMENT, si, NULL);
  /* Wrong types. */
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_TRANSPORT_METHOD, 1.0),
              GMMOT_E_INVALID_ARGUMENT, sd, "key");
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_ENTROPIC_EPSILON, 1), GMMOT_E_INVALID_ARGUMENT, si,
              "key");
  CHECK_OK(gmmot_options_get_int(o, GMMOT_OPT_TRANSPORT_METHOD, &iv));
  CHECK(iv == 0);
  CHECK_OK(gmmot_options_get_int(o, GMMOT_OPT_EXACT_MAX_ITERATIONS, &iv));
  CHECK(iv == 0);
  CHECK_OK(gmmot_options_get_double(o, GMMOT_OPT_ENTROPIC_EPSILON, &dv));
  CHECK(dv == 0.01);
  CHECK_OK(gmmot_options_get_double(o, GMMOT_OPT_ENTROPIC_TOLERANCE, &dv));
  CHECK(dv == 1e-6);
  CHECK_OK(gmmot_options_get_int(o, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, &iv));
  CHECK(iv == 500);
  gmmot_options_destroy(o);
}

/* K0 * K1 overflowing size_t: GMMOT_E_TOO_LARGE before any array is read (forked, so a library
 * that read past the 2-element arrays could not take the suite down). */
static int too_large_solve(void) {
  static const double a[2] = {0.5, 0.5}, b[2] = {0.5, 0.5}, c[4] = {0, 1, 1, 0};
  gmmot_transport_t *out = H_SENTINEL_TRANSPORT;
  char why[1400];
  size_t huge = ((size_t)-1) / 2 + 1;
  int ok = h_verify_error(gmmot_transport_solve(huge, 2, a, b, c, NULL, &out), GMMOT_E_TOO_LARGE,
                          "gmmot_transport_solve", NULL, -1, why, sizeof why);
  if (!ok) printf("too_large_solve: %s\n", why);
  if (out != H_SENTINEL_TRANSPORT) {
    printf("too_large_solve: *out was written\n");
    ok = 0;
  }
  return ok;
}

void test_transport_too_large(void) {
  h_run_isolated(too_large_solve, "transport_solve: K0*K1 overflows size_t -> GMMOT_E_TOO_LARGE");
}

void test_transport(void) {
  test_hand_2x2();
  test_hand_3x3();
  test_brute_force();
  test_random_warm_and_cap();
  test_entropic();
  test_errors();
  test_transport_options();
}
