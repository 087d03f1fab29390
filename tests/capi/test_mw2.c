/* SPDX-License-Identifier: MIT */
/* gmmot_mw2_*: the MW2 distance between Gaussian mixtures through the C API, the way a user
 * calls it. A hand-computed case (well-separated pairs with diagonal covariances), a 2x3 case
 * against an independent vertex enumeration of the 2-row transport polytope, the plan, duals,
 * cost matrix (= gmmot_w2_cost_matrix), coupling, geodesic (and its constant speed), pair maps,
 * the degenerate cases (K = 1, mu vs mu, Dirac components) and the error paths. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "harness.h"

/* The prototype of the group this file defines (main.c declares it too). */
void test_mw2(void);

#define H_SENTINEL_MW2 ((gmmot_mw2_t *)(void *)&h_sentinel_target)
#define D 2

static double mw2sq_of(const gmmot_gmm_t *g0, const gmmot_gmm_t *g1, const gmmot_options_t *o,
                       int line) {
  double out = H_SENTINEL;
  h_check_status(gmmot_mw2_squared(g0, g1, o, &out), GMMOT_OK, "gmmot_mw2_squared", __FILE__, line);
  return out;
}
#define MW2SQ(g0, g1) mw2sq_of((g0), (g1), NULL, __LINE__)

/* The 2x3 mixtures (d = 2, regular, non-commuting covariances). No partial sums of w0 and w1
 * coincide (with w0 = (0.4, 0.6), w0[0] = w1[2] makes the exact plan degenerate and Sinkhorn
 * then converges sublinearly: not even eps = 1e-2 converges in 100000 iterations). */
static const double w0[2] = {0.45, 0.55}, m0[2 * D] = {0, 0, 3, 1};
static const double s0[2 * D * D] = {2, 0.5, 0.5, 1, 1, -0.3, -0.3, 0.5};
static const double w1[3] = {0.3, 0.3, 0.4}, m1[3 * D] = {1, 0, 2, 2, -1, 1};
static const double s1[3 * D * D] = {1, 0.2, 0.2, 1.5, 0.5, 0, 0, 2, 3, 1, 1, 1};

/* min <C, P> over P >= 0 with rows w0 and columns w1 (2 x 3): P's first row is
 * (x, y, a0 - x - y), the second (b0 - x, b1 - y, x + y - (a0 - b2)), so the feasible set is the
 * polygon 0 <= x <= b0, 0 <= y <= b1, a0 - b2 <= x + y <= a0. Its vertices are among the
 * intersections of two of the six boundary lines; all are enumerated. Independent of the
 * library's solver. */
static double vertex_min_2x3(const double *a, const double *b, const double *c) {
  /* lines alpha x + beta y = gamma */
  const double ln[6][3] = {{1, 0, 0},    {1, 0, b[0]}, {0, 1, 0},
                           {0, 1, b[1]}, {1, 1, a[0]}, {1, 1, a[0] - b[2]}};
  double best = INFINITY;
  size_t r, s;
  for (r = 0; r < 6; ++r) {
    for (s = r + 1; s < 6; ++s) {
      const double det = ln[r][0] * ln[s][1] - ln[r][1] * ln[s][0];
      double x, y, p[6], cost = 0.0;
      size_t i;
      int ok = 1;
      if (det == 0.0) continue;
      x = (ln[r][2] * ln[s][1] - ln[r][1] * ln[s][2]) / det;
      y = (ln[r][0] * ln[s][2] - ln[r][2] * ln[s][0]) / det;
      p[0] = x;
      p[1] = y;
      p[2] = a[0] - x - y;
      p[3] = b[0] - x;
      p[4] = b[1] - y;
      p[5] = x + y - (a[0] - b[2]);
      for (i = 0; i < 6; ++i) {
        ok = ok && p[i] >= -1e-15;
        cost += p[i] * c[i];
      }
      if (ok && cost < best) best = cost;
    }
  }
  return best;
}

/* Well separated, diagonal covariances, so every number is known by hand:
 * mu0 = 1/2 N((0,0), diag(1,4)) + 1/2 N((10,0), diag(9,1)),
 * mu1 = 1/2 N((0,1), diag(4,1)) + 1/2 N((10,1), diag(4,1)).
 * W2^2 of commuting Gaussians = |dm|^2 + sum (sqrt l0 - sqrt l1)^2: pair (0,0): 1 + 1 + 1 = 3,
 * pair (1,1): 1 + 1 + 0 = 2; the cross pairs cost more than 100, so the plan is the diagonal
 * (unique) and MW2^2 = (3 + 2) / 2 = 2.5. */
static void test_hand(void) {
  static const double w[2] = {0.5, 0.5};
  static const double ma[4] = {0, 0, 10, 0}, sa[8] = {1, 0, 0, 4, 9, 0, 0, 1};
  static const double mb[4] = {0, 1, 10, 1}, sb[8] = {4, 0, 0, 1, 4, 0, 0, 1};
  gmmot_gmm_t *g0 = H_MAKE_GMM(2, 2, w, ma, sa), *g1 = H_MAKE_GMM(2, 2, w, mb, sb);
  gmmot_mw2_t *p = NULL;
  double sq = H_SENTINEL, d = H_SENTINEL, plan[4], mass[4], cm[4];
  size_t rows[4], cols[4];
  if (!g0 || !g1) return;
  CHECK_OK(gmmot_mw2_create(g0, g1, NULL, &p));
  if (p == NULL) return;
  CHECK_OK(gmmot_mw2_distance(p, &sq, &d));
  CHECK_NEAR(sq, 2.5, 1e-14, 0.0);
  CHECK_NEAR(d, sqrt(2.5), 1e-14, 0.0);
  CHECK_OK(gmmot_mw2_copy_cost_matrix(p, cm, 4));
  CHECK_NEAR(cm[0], 3.0, 1e-14, 0.0);
  CHECK_NEAR(cm[3], 2.0, 1e-14, 0.0);
  CHECK(cm[1] > 100.0 && cm[2] > 100.0);
  CHECK_OK(gmmot_mw2_copy_plan(p, plan, 4));
  CHECK_NEAR(plan[0], 0.5, 1e-15, 0.0);
  CHECK_NEAR(plan[3], 0.5, 1e-15, 0.0);
  CHECK(plan[1] == 0.0 && plan[2] == 0.0);
  CHECKF(gmmot_mw2_nnz(p) == 2, "nnz of a diagonal plan is %lu (zero-mass basic arcs listed?)",
         (unsigned long)gmmot_mw2_nnz(p));
  CHECK_OK(gmmot_mw2_copy_sparse_plan(p, rows, cols, mass, 4));
  CHECK(rows[0] == 0 && cols[0] == 0 && rows[1] == 1 && cols[1] == 1);
  CHECK_NEAR(mass[0], 0.5, 1e-15, 0.0);
  CHECK_NEAR(mass[1], 0.5, 1e-15, 0.0);
  CHECK_NEAR(MW2SQ(g0, g1), 2.5, 1e-14, 0.0);
  gmmot_mw2_destroy(p);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

/* d x d helpers */
static void transpose(size_t n, const double *a, double *out) {
  size_t i, j;
  for (i = 0; i < n; ++i)
    for (j = 0; j < n; ++j) out[j * n + i] = a[i * n + j];
}

static void test_general(void) {
  gmmot_gmm_t *g0 = H_MAKE_GMM(2, D, w0, m0, s0), *g1 = H_MAKE_GMM(3, D, w1, m1, s1);
  gmmot_gmm_t *cpl = NULL, *geo = NULL;
  gmmot_mw2_t *p = NULL;
  double sq = H_SENTINEL, dist = H_SENTINEL, cm[6], ref_cm[6], plan[6], mass[4], u[2], v[3];
  double maps_a[4 * D * D], maps_b[4 * D], err = H_SENTINEL;
  size_t rows[4], cols[4], nnz, n, i, j, k, l;
  uint64_t iters = 0;
  if (!g0 || !g1) return;
  CHECK_OK(gmmot_mw2_create(g0, g1, NULL, &p));
  if (p == NULL) return;

  CHECK(gmmot_mw2_rows(p) == 2 && gmmot_mw2_cols(p) == 3 && gmmot_mw2_dim(p) == D);
  nnz = gmmot_mw2_nnz(p);
  CHECKF(nnz >= 3 && nnz <= 4, "nnz = %lu (between max(K0, K1) and K0 + K1 - 1)",
         (unsigned long)nnz);
  CHECK_MSG_EMPTY();
  if (nnz < 1 || nnz > 4) return;

  /* Distance: MW2 = sqrt(MW2^2), either output alone, equal to gmmot_mw2_squared, equal to the
   * vertex enumeration on the pairwise gmmot_gaussian_w2_squared costs. */
  CHECK_OK(gmmot_mw2_distance(p, &sq, &dist));
  CHECK_NEAR(dist, sqrt(sq), 1e-15, 0.0);
  {
    double only_sq = H_SENTINEL, only_d = H_SENTINEL;
    CHECK_OK(gmmot_mw2_distance(p, &only_sq, NULL));
    CHECK_OK(gmmot_mw2_distance(p, NULL, &only_d));
    CHECK(only_sq == sq && only_d == dist);
  }
  CHECK(MW2SQ(g0, g1) == sq);
  for (k = 0; k < 2; ++k)
    for (l = 0; l < 3; ++l)
      ref_cm[k * 3 + l] = W2SQ(D, m0 + k * D, s0 + k * D * D, m1 + l * D, s1 + l * D * D);
  CHECK_NEAR(sq, vertex_min_2x3(w0, w1, ref_cm), 1e-13, 0.0);

  /* Cost matrix: equal to gmmot_w2_cost_matrix (bit for bit) and to the pairwise W2^2. */
  CHECK_OK(gmmot_mw2_copy_cost_matrix(p, cm, 6));
  {
    double direct[6];
    CHECK_OK(gmmot_w2_cost_matrix(g0, g1, NULL, direct, 6));
    CHECK(memcmp(direct, cm, sizeof cm) == 0);
    for (i = 0; i < 6; ++i) CHECK_NEAR(cm[i], ref_cm[i], 1e-12, 1e-15);
  }

  /* Plan: marginals are the weights; sparse triplets sorted and equal to the dense plan;
   * <C, P> = MW2^2. */
  CHECK_OK(gmmot_mw2_copy_plan(p, plan, 6));
  for (k = 0; k < 2; ++k)
    CHECK_NEAR(plan[k * 3] + plan[k * 3 + 1] + plan[k * 3 + 2], w0[k], 1e-14, 0);
  for (l = 0; l < 3; ++l) CHECK_NEAR(plan[l] + plan[3 + l], w1[l], 1e-14, 0.0);
  CHECK_OK(gmmot_mw2_copy_sparse_plan(p, rows, cols, mass, nnz));
  {
    double s = 0.0, total = 0.0;
    for (n = 0; n < nnz; ++n) {
      CHECK(rows[n] < 2 && cols[n] < 3);
      if (rows[n] >= 2 || cols[n] >= 3) return;
      CHECK(mass[n] > 0.0 && plan[rows[n] * 3 + cols[n]] == mass[n]);
      if (n > 0) CHECK(rows[n - 1] < rows[n] || (rows[n - 1] == rows[n] && cols[n - 1] < cols[n]));
      s += mass[n] * cm[rows[n] * 3 + cols[n]];
      total += mass[n];
    }
    CHECK_NEAR(s, sq, 1e-14, 0.0);
    CHECK_NEAR(total, 1.0, 1e-15, 0.0);
  }

  /* Duals and info. */
  CHECK_OK(gmmot_mw2_copy_duals(p, u, 2, v, 3));
  {
    double ua = u[0] * w0[0] + u[1] * w0[1], vb = v[0] * w1[0] + v[1] * w1[1] + v[2] * w1[2];
    CHECK_NEAR(ua, vb, 1e-13, 1e-14);
    CHECK_NEAR(ua + vb, sq, 1e-13, 0.0);
    for (k = 0; k < 2; ++k)
      for (l = 0; l < 3; ++l) CHECK(u[k] + v[l] <= cm[k * 3 + l] + 1e-13 * cm[k * 3 + l] + 1e-14);
  }
  CHECK_OK(gmmot_mw2_info(p, &iters, &err));
  CHECK(err >= 0.0 && err <= 1e-14);
  CHECK_OK(gmmot_mw2_info(p, NULL, NULL));

  /* Pair maps: A_n S0_k A_n = S1_l, b_n = m1_l - A_n m0_k, A_n symmetric. */
  h_fill(maps_a, 4 * D * D);
  h_fill(maps_b, 4 * D);
  CHECK_OK(gmmot_mw2_copy_pair_maps(p, maps_a, nnz * D * D, maps_b, nnz * D));
  CHECK(h_untouched(maps_a + nnz * D * D, (4 - nnz) * D * D));
  for (n = 0; n < nnz; ++n) {
    const double *A = maps_a + n * D * D, *S0 = s0 + rows[n] * D * D, *S1 = s1 + cols[n] * D * D;
    double t1[D * D], t2[D * D], at[D * D];
    h_matmul(D, A, S0, t1);
    h_matmul(D, t1, A, t2);
    CHECKF(h_frob_diff(D, t2, S1) <= 1e-10 * h_frob(D, S1), "pair %lu: |A S0 A - S1| = %.3g",
           (unsigned long)n, h_frob_diff(D, t2, S1));
    transpose(D, A, at);
    CHECK(h_frob_diff(D, A, at) <= 1e-12 * h_frob(D, A));
    for (i = 0; i < D; ++i) {
      double am = 0.0;
      for (j = 0; j < D; ++j) am += A[i * D + j] * m0[rows[n] * D + j];
      CHECK_NEAR(maps_b[n * D + i], m1[cols[n] * D + i] - am, 1e-12, 1e-13);
    }
  }

  /* Coupling: nnz components in dimension 2d, weights = the sparse masses, means (m0_k, m1_l),
   * covariance [[S0_k, S0_k A], [A S0_k, S1_l]]. */
  CHECK_OK(gmmot_mw2_coupling(p, &cpl));
  if (cpl != NULL) {
    double cw[4], cmean[4 * 2 * D], ccov[4 * 4 * D * D];
    const size_t dd = 2 * D;
    CHECK(gmmot_gmm_ncomponents(cpl) == nnz);
    CHECK(gmmot_gmm_dim(cpl) == dd);
    CHECK_OK(gmmot_gmm_copy_weights(cpl, cw, nnz));
    CHECK_OK(gmmot_gmm_copy_means(cpl, cmean, nnz * dd));
    CHECK_OK(gmmot_gmm_copy_covariances(cpl, ccov, nnz * dd * dd));
    for (n = 0; n < nnz; ++n) {
      const double *G = ccov + n * dd * dd, *S0 = s0 + rows[n] * D * D, *S1 = s1 + cols[n] * D * D;
      double s0a[D * D];
      h_matmul(D, S0, maps_a + n * D * D, s0a);
      CHECK_NEAR(cw[n], mass[n], 1e-14, 0.0);
      for (i = 0; i < D; ++i) {
        CHECK_NEAR(cmean[n * dd + i], m0[rows[n] * D + i], 1e-15, 0.0);
        CHECK_NEAR(cmean[n * dd + D + i], m1[cols[n] * D + i], 1e-15, 0.0);
        for (j = 0; j < D; ++j) {
          CHECK_NEAR(G[i * dd + j], S0[i * D + j], 1e-12, 1e-13);
          CHECK_NEAR(G[(D + i) * dd + D + j], S1[i * D + j], 1e-12, 1e-13);
          CHECK_NEAR(G[i * dd + D + j], s0a[i * D + j], 1e-10, 1e-11);
          CHECK_NEAR(G[(D + i) * dd + j], s0a[j * D + i], 1e-10, 1e-11);
        }
      }
    }
    gmmot_gmm_destroy(cpl);
  }

  /* Geodesic at t = 0.5: nnz components, weights = masses, means halfway, covariances
   * ((I + A) / 2) S0 ((I + A) / 2); t = 0 and t = 1 give the end points split along the plan;
   * constant speed: MW2^2(mu0, mu_1/2) = MW2^2 / 4. */
  CHECK_OK(gmmot_mw2_geodesic(p, 0.5, &geo));
  if (geo != NULL) {
    double gw[4], gm[4 * D], gc[4 * D * D];
    CHECK(gmmot_gmm_ncomponents(geo) == nnz && gmmot_gmm_dim(geo) == D);
    CHECK_OK(gmmot_gmm_copy_weights(geo, gw, nnz));
    CHECK_OK(gmmot_gmm_copy_means(geo, gm, nnz * D));
    CHECK_OK(gmmot_gmm_copy_covariances(geo, gc, nnz * D * D));
    for (n = 0; n < nnz; ++n) {
      double h[D * D], t1[D * D], want[D * D];
      CHECK_NEAR(gw[n], mass[n], 1e-14, 0.0);
      for (i = 0; i < D; ++i) {
        CHECK_NEAR(gm[n * D + i], 0.5 * (m0[rows[n] * D + i] + m1[cols[n] * D + i]), 1e-14, 1e-15);
        for (j = 0; j < D; ++j) h[i * D + j] = 0.5 * ((i == j) + maps_a[n * D * D + i * D + j]);
      }
      h_matmul(D, h, s0 + rows[n] * D * D, t1);
      h_matmul(D, t1, h, want);
      CHECKF(h_frob_diff(D, gc + n * D * D, want) <= 1e-10 * h_frob(D, want),
             "geodesic component %lu covariance", (unsigned long)n);
    }
    CHECK_NEAR(MW2SQ(g0, geo), 0.25 * sq, 1e-9, 0.0);
    CHECK_NEAR(MW2SQ(geo, g1), 0.25 * sq, 1e-9, 0.0);
    gmmot_gmm_destroy(geo);
  }
  {
    static const double ends[2] = {0.0, 1.0};
    size_t e;
    for (e = 0; e < 2; ++e) {
      double gc[4 * D * D];
      geo = NULL;
      CHECK_OK(gmmot_mw2_geodesic(p, ends[e], &geo));
      if (geo == NULL) continue;
      CHECK(gmmot_gmm_ncomponents(geo) == nnz);
      CHECK_OK(gmmot_gmm_copy_covariances(geo, gc, nnz * D * D));
      for (n = 0; n < nnz; ++n) {
        const double *want = e == 0 ? s0 + rows[n] * D * D : s1 + cols[n] * D * D;
        CHECK(h_frob_diff(D, gc + n * D * D, want) <= 1e-12 * h_frob(D, want));
      }
      CHECK_NEAR(MW2SQ(e == 0 ? g0 : g1, geo), 0.0, 0.0, 1e-12 * sq);
      gmmot_gmm_destroy(geo);
    }
  }
  /* t outside [0, 1]: rejected, *out untouched. */
  {
    gmmot_gmm_t *out = H_SENTINEL_GMM;
    CHECK_ERROR(gmmot_mw2_geodesic(p, -0.1, &out), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_geodesic",
                "t");
    CHECK_ERROR(gmmot_mw2_geodesic(p, NAN, &out), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_geodesic",
                "t");
    CHECK_ERROR(gmmot_mw2_geodesic(p, 1.0000001, &out), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_mw2_geodesic", "t");
    CHECK_ERROR(gmmot_mw2_geodesic(p, INFINITY, &out), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_mw2_geodesic", "t");
    CHECK(out == H_SENTINEL_GMM);
  }

  /* Symmetry: MW2(mu1, mu0) = MW2(mu0, mu1), with the transposed cost matrix and plan. */
  {
    gmmot_mw2_t *q = NULL;
    double sq2 = H_SENTINEL, cm2[6], plan2[6];
    CHECK_OK(gmmot_mw2_create(g1, g0, NULL, &q));
    if (q != NULL) {
      CHECK(gmmot_mw2_rows(q) == 3 && gmmot_mw2_cols(q) == 2);
      CHECK_OK(gmmot_mw2_distance(q, &sq2, NULL));
      CHECK_NEAR(sq2, sq, 1e-12, 0.0);
      CHECK_OK(gmmot_mw2_copy_cost_matrix(q, cm2, 6));
      CHECK_OK(gmmot_mw2_copy_plan(q, plan2, 6));
      for (k = 0; k < 2; ++k) {
        for (l = 0; l < 3; ++l) {
          CHECK_NEAR(cm2[l * 2 + k], cm[k * 3 + l], 1e-12, 1e-15);
          CHECK_NEAR(plan2[l * 2 + k], plan[k * 3 + l], 1e-13, 1e-15);
        }
      }
      gmmot_mw2_destroy(q);
    }
  }

  /* The entropic method through the options: close to the exact value. */
  {
    gmmot_options_t *o = NULL;
    gmmot_mw2_t *q = NULL;
    double sqe = H_SENTINEL, cmax = 0.0, eps_abs;
    for (i = 0; i < 6; ++i) cmax = fmax(cmax, cm[i]);
    eps_abs = 1e-3 * cmax; /* (1e-4 needs more than the default 100000 iterations here) */
    CHECK_OK(gmmot_options_create(&o));
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_TRANSPORT_METHOD, GMMOT_TRANSPORT_ENTROPIC));
    CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_ENTROPIC_EPSILON, 1e-3));
    CHECK_OK(gmmot_mw2_create(g0, g1, o, &q));
    CHECK_OK(gmmot_mw2_distance(q, &sqe, NULL));
    CHECKF(sqe >= sq - 1e-8 * cmax && sqe <= sq + eps_abs * log(6.0) + 1e-8 * cmax,
           "entropic MW2^2 %.17g vs exact %.17g", sqe, sq);
    CHECK_OK(gmmot_mw2_info(q, NULL, &err));
    CHECK(err <= 1e-8);
    gmmot_mw2_destroy(q);
    /* Entropic cap of 1 iteration: a warning, the object and the value are still returned. */
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, 1));
    q = NULL;
    CHECK_STATUS(gmmot_mw2_create(g0, g1, o, &q), GMMOT_W_NOT_CONVERGED);
    CHECKF(h_msg_contains("gmmot_mw2_create"), "warning names the function: \"%s\"",
           gmmot_last_error_message());
    CHECK(q != NULL);
    gmmot_mw2_destroy(q);
    sqe = H_SENTINEL;
    CHECK_STATUS(gmmot_mw2_squared(g0, g1, o, &sqe), GMMOT_W_NOT_CONVERGED);
    CHECK(sqe != H_SENTINEL && isfinite(sqe));
    gmmot_options_destroy(o);
  }

  gmmot_mw2_destroy(p);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

/* One component each: MW2^2 = gmmot_gaussian_w2_squared; MW2(mu, mu) = 0 with the identity plan. */
static void test_degenerate(void) {
  unsigned long st = 31;
  double ma[3], sa[9], mb[3], sb[9], one[1] = {1.0}, w2 = H_SENTINEL;
  gmmot_gmm_t *ga, *gb;
  gmmot_mw2_t *p = NULL;
  h_random_vec(3, &st, ma);
  h_random_spd(3, &st, sa);
  h_random_vec(3, &st, mb);
  h_random_spd(3, &st, sb);
  ga = H_MAKE_GMM(1, 3, one, ma, sa);
  gb = H_MAKE_GMM(1, 3, one, mb, sb);
  if (ga && gb) {
    double sq, plan[1] = {H_SENTINEL};
    CHECK_OK(gmmot_gaussian_w2_squared(3, ma, sa, mb, sb, &w2));
    sq = MW2SQ(ga, gb);
    CHECK_NEAR(sq, w2, 1e-14, 0.0);
    CHECK_OK(gmmot_mw2_create(ga, gb, NULL, &p));
    CHECK(gmmot_mw2_nnz(p) == 1 && gmmot_mw2_rows(p) == 1 && gmmot_mw2_cols(p) == 1);
    CHECK(gmmot_mw2_dim(p) == 3);
    CHECK_OK(gmmot_mw2_copy_plan(p, plan, 1));
    CHECK_NEAR(plan[0], 1.0, 1e-15, 0.0);
    gmmot_mw2_destroy(p);
  }
  gmmot_gmm_destroy(ga);
  gmmot_gmm_destroy(gb);

  /* mu vs mu, K = 3, d = 3. */
  {
    static const double w[3] = {0.2, 0.3, 0.5};
    double m[9], c[27], plan[9], tr = 0.0, sq;
    size_t k, l;
    gmmot_gmm_t *g;
    for (k = 0; k < 3; ++k) {
      h_random_vec(3, &st, m + 3 * k);
      h_random_spd(3, &st, c + 9 * k);
      tr += h_trace(3, c + 9 * k);
    }
    g = H_MAKE_GMM(3, 3, w, m, c);
    if (g == NULL) return;
    sq = MW2SQ(g, g);
    CHECKF(sq >= 0.0 && sq <= 1e-14 * tr, "MW2^2(mu, mu) = %.3g", sq);
    p = NULL;
    CHECK_OK(gmmot_mw2_create(g, g, NULL, &p));
    CHECK(gmmot_mw2_nnz(p) == 3);
    CHECK_OK(gmmot_mw2_copy_plan(p, plan, 9));
    for (k = 0; k < 3; ++k)
      for (l = 0; l < 3; ++l) CHECK_NEAR(plan[k * 3 + l], k == l ? w[k] : 0.0, 1e-15, 0.0);
    gmmot_mw2_destroy(p);
    gmmot_gmm_destroy(g);
  }
}

/* A Dirac source component paired with a non-Dirac target: no Monge map for that pair
 * (GMMOT_E_NO_MAP naming it, nothing written); the coupling and the geodesic still exist. */
static void test_dirac(void) {
  static const double w[2] = {0.5, 0.5};
  static const double ma[4] = {0, 0, 10, 0}, sa[8] = {1, 0, 0, 1, 0, 0, 0, 0};
  static const double mb[4] = {0, 1, 10, 1}, sb[8] = {2, 0, 0, 2, 1, 0, 0, 1};
  gmmot_gmm_t *g0 = H_MAKE_GMM(2, 2, w, ma, sa), *g1 = H_MAKE_GMM(2, 2, w, mb, sb), *out = NULL;
  gmmot_mw2_t *p = NULL;
  double A[8], b[4], sq = H_SENTINEL;
  if (!g0 || !g1) return;
  CHECK_OK(gmmot_mw2_create(g0, g1, NULL, &p));
  if (p == NULL) return;
  CHECK(gmmot_mw2_nnz(p) == 2);
  /* pair (0,0): 1 + (1 - sqrt 2)^2 * 2; pair (1,1): 1 + tr S1 = 3 */
  CHECK_OK(gmmot_mw2_distance(p, &sq, NULL));
  CHECK_NEAR(sq, 0.5 * (1.0 + 2.0 * (sqrt(2.0) - 1.0) * (sqrt(2.0) - 1.0)) + 0.5 * 3.0, 1e-14, 0.0);
  h_fill(A, 8);
  h_fill(b, 4);
  CHECK_ERROR(gmmot_mw2_copy_pair_maps(p, A, 8, b, 4), GMMOT_E_NO_MAP, "gmmot_mw2_copy_pair_maps",
              NULL);
  CHECKF(h_msg_contains("(1, 1)"), "NO_MAP names the pair (1, 1): \"%s\"",
         gmmot_last_error_message());
  CHECK_UNTOUCHED(A, 8);
  CHECK_UNTOUCHED(b, 4);
  CHECK_OK(gmmot_mw2_coupling(p, &out));
  CHECK(gmmot_gmm_ncomponents(out) == 2 && gmmot_gmm_dim(out) == 4);
  gmmot_gmm_destroy(out);
  out = NULL;
  CHECK_OK(gmmot_mw2_geodesic(p, 0.5, &out));
  CHECK(gmmot_gmm_ncomponents(out) == 2);
  gmmot_gmm_destroy(out);
  gmmot_mw2_destroy(p);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}

static void test_errors(void) {
  static const double w3[1] = {1.0}, m3[3] = {0, 0, 0}, s3[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  gmmot_gmm_t *g0 = H_MAKE_GMM(2, D, w0, m0, s0), *g1 = H_MAKE_GMM(3, D, w1, m1, s1);
  gmmot_gmm_t *g3 = H_MAKE_GMM(1, 3, w3, m3, s3), *gout = H_SENTINEL_GMM;
  gmmot_mw2_t *p = NULL, *out = H_SENTINEL_MW2;
  double buf[64], sq = H_SENTINEL;
  size_t rows[8], cols[8];
  const char *fc = "gmmot_mw2_create", *fs = "gmmot_mw2_squared";
  if (!g0 || !g1 || !g3) return;

  /* NULLs and the dimension mismatch: nothing written. */
  CHECK_ERROR(gmmot_mw2_create(NULL, g1, NULL, &out), GMMOT_E_INVALID_ARGUMENT, fc, "g0");
  CHECK_ERROR(gmmot_mw2_create(g0, NULL, NULL, &out), GMMOT_E_INVALID_ARGUMENT, fc, "g1");
  CHECK_ERROR(gmmot_mw2_create(g0, g1, NULL, NULL), GMMOT_E_INVALID_ARGUMENT, fc, "out");
  CHECK_ERROR(gmmot_mw2_create(g0, g3, NULL, &out), GMMOT_E_DIMENSION, fc, "g0|g1");
  CHECK_ERROR(gmmot_mw2_create(g3, g1, NULL, &out), GMMOT_E_DIMENSION, fc, "g0|g1");
  CHECK(out == H_SENTINEL_MW2);
  CHECK_ERROR(gmmot_mw2_squared(NULL, g1, NULL, &sq), GMMOT_E_INVALID_ARGUMENT, fs, "g0");
  CHECK_ERROR(gmmot_mw2_squared(g0, NULL, NULL, &sq), GMMOT_E_INVALID_ARGUMENT, fs, "g1");
  CHECK_ERROR(gmmot_mw2_squared(g0, g1, NULL, NULL), GMMOT_E_INVALID_ARGUMENT, fs, "out_mw2sq");
  CHECK_ERROR(gmmot_mw2_squared(g0, g3, NULL, &sq), GMMOT_E_DIMENSION, fs, "g0|g1");
  CHECK(sq == H_SENTINEL);

  /* The exact pivot cap passes through as GMMOT_E_ITERATION_LIMIT, nothing written. */
  {
    enum { KB = 12 };
    double wb[KB], mbig[KB * D], cbig[KB * D * D];
    unsigned long st = 5;
    gmmot_gmm_t *ga, *gb;
    gmmot_options_t *o = NULL;
    size_t k;
    for (k = 0; k < KB; ++k) {
      wb[k] = 1.0 / KB;
      h_random_vec(D, &st, mbig + k * D);
      h_random_spd(D, &st, cbig + k * D * D);
    }
    ga = H_MAKE_GMM(KB, D, wb, mbig, cbig);
    for (k = 0; k < KB; ++k) {
      h_random_vec(D, &st, mbig + k * D);
      h_random_spd(D, &st, cbig + k * D * D);
    }
    gb = H_MAKE_GMM(KB, D, wb, mbig, cbig);
    CHECK_OK(gmmot_options_create(&o));
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_EXACT_MAX_ITERATIONS, 2));
    CHECK_ERROR(gmmot_mw2_create(ga, gb, o, &out), GMMOT_E_ITERATION_LIMIT, fc,
                "cap|GMMOT_OPT_EXACT_MAX_ITERATIONS");
    CHECK(out == H_SENTINEL_MW2);
    CHECK_ERROR(gmmot_mw2_squared(ga, gb, o, &sq), GMMOT_E_ITERATION_LIMIT, fs,
                "cap|GMMOT_OPT_EXACT_MAX_ITERATIONS");
    CHECK(sq == H_SENTINEL);
    gmmot_options_destroy(o);
    gmmot_gmm_destroy(ga);
    gmmot_gmm_destroy(gb);
  }

  /* NULL handle: getters give 0 and clear the message; destroy(NULL) does nothing; every
   * status-returning function names p. */
  CHECK_ERROR(gmmot_mw2_distance(NULL, &sq, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_distance",
              "p");
  CHECK(gmmot_mw2_rows(NULL) == 0);
  CHECK_MSG_EMPTY();
  CHECK(gmmot_mw2_cols(NULL) == 0 && gmmot_mw2_dim(NULL) == 0 && gmmot_mw2_nnz(NULL) == 0);
  CHECK_ERROR(gmmot_mw2_distance(NULL, &sq, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_distance",
              "p");
  gmmot_mw2_destroy(NULL);
  CHECK_MSG_EMPTY();
  h_fill(buf, 64);
  CHECK_ERROR(gmmot_mw2_copy_cost_matrix(NULL, buf, 6), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_mw2_copy_cost_matrix", "p");
  CHECK_ERROR(gmmot_mw2_copy_plan(NULL, buf, 6), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_copy_plan",
              "p");
  CHECK_ERROR(gmmot_mw2_copy_sparse_plan(NULL, rows, cols, buf, 8), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_mw2_copy_sparse_plan", "p");
  CHECK_ERROR(gmmot_mw2_copy_duals(NULL, buf, 2, buf + 2, 3), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_mw2_copy_duals", "p");
  CHECK_ERROR(gmmot_mw2_info(NULL, NULL, buf), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_info", "p");
  CHECK_ERROR(gmmot_mw2_coupling(NULL, &gout), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_coupling", "p");
  CHECK_ERROR(gmmot_mw2_geodesic(NULL, 0.5, &gout), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_geodesic",
              "p");
  CHECK_ERROR(gmmot_mw2_copy_pair_maps(NULL, buf, 32, buf + 32, 16), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_mw2_copy_pair_maps", "p");
  CHECK_UNTOUCHED(buf, 64);
  CHECK(gout == H_SENTINEL_GMM);

  /* NULL outputs and short buffers on a valid handle: nothing written. */
  CHECK_OK(gmmot_mw2_create(g0, g1, NULL, &p));
  if (p == NULL) return;
  {
    const size_t nnz = gmmot_mw2_nnz(p);
    size_t i;
    for (i = 0; i < 8; ++i) rows[i] = cols[i] = (size_t)0xDEADBEEFu;
    CHECK_ERROR(gmmot_mw2_distance(p, NULL, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_distance",
                "out_mw2sq|out_mw2");
    CHECK_ERROR(gmmot_mw2_copy_cost_matrix(p, NULL, 6), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_mw2_copy_cost_matrix", "out");
    CHECK_ERROR(gmmot_mw2_copy_cost_matrix(p, buf, 5), GMMOT_E_BUFFER_TOO_SMALL,
                "gmmot_mw2_copy_cost_matrix", "out_len");
    CHECK_ERROR(gmmot_mw2_copy_plan(p, NULL, 6), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_copy_plan",
                "out");
    CHECK_ERROR(gmmot_mw2_copy_plan(p, buf, 5), GMMOT_E_BUFFER_TOO_SMALL, "gmmot_mw2_copy_plan",
                "out_len");
    CHECK_ERROR(gmmot_mw2_copy_sparse_plan(p, rows, cols, buf, nnz - 1), GMMOT_E_BUFFER_TOO_SMALL,
                "gmmot_mw2_copy_sparse_plan", "triplets_len");
    CHECK(rows[0] == (size_t)0xDEADBEEFu && cols[0] == (size_t)0xDEADBEEFu);
    CHECK_OK(gmmot_mw2_copy_sparse_plan(p, NULL, NULL, NULL, 0));
    CHECK_ERROR(gmmot_mw2_copy_duals(p, buf, 1, buf + 2, 3), GMMOT_E_BUFFER_TOO_SMALL,
                "gmmot_mw2_copy_duals", "u_len");
    CHECK_ERROR(gmmot_mw2_copy_duals(p, buf, 2, buf + 2, 2), GMMOT_E_BUFFER_TOO_SMALL,
                "gmmot_mw2_copy_duals", "v_len");
    CHECK_ERROR(gmmot_mw2_coupling(p, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_coupling", "out");
    CHECK_ERROR(gmmot_mw2_geodesic(p, 0.5, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_mw2_geodesic",
                "out");
    CHECK_ERROR(gmmot_mw2_copy_pair_maps(p, NULL, 32, buf + 32, 16), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_mw2_copy_pair_maps", "out_a");
    CHECK_ERROR(gmmot_mw2_copy_pair_maps(p, buf, 32, NULL, 16), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_mw2_copy_pair_maps", "out_b");
    CHECK_ERROR(gmmot_mw2_copy_pair_maps(p, buf, nnz * D * D - 1, buf + 32, 16),
                GMMOT_E_BUFFER_TOO_SMALL, "gmmot_mw2_copy_pair_maps", "a_len");
    CHECK_ERROR(gmmot_mw2_copy_pair_maps(p, buf, 32, buf + 32, nnz * D - 1),
                GMMOT_E_BUFFER_TOO_SMALL, "gmmot_mw2_copy_pair_maps", "b_len");
    CHECK_UNTOUCHED(buf, 64);
  }
  gmmot_mw2_destroy(p);

  /* The object keeps its own copies: usable after the mixtures are destroyed. */
  p = NULL;
  CHECK_OK(gmmot_mw2_create(g0, g1, NULL, &p));
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  gmmot_gmm_destroy(g3);
  if (p != NULL) {
    gmmot_gmm_t *geo = NULL;
    CHECK_OK(gmmot_mw2_distance(p, &sq, NULL));
    CHECK(sq > 0.0 && isfinite(sq));
    CHECK_OK(gmmot_mw2_geodesic(p, 0.25, &geo));
    CHECK(gmmot_gmm_ncomponents(geo) == gmmot_mw2_nnz(p));
    gmmot_gmm_destroy(geo);
    gmmot_mw2_destroy(p);
  }
}

void test_mw2(void) {
  test_hand();
  test_general();
  test_degenerate();
  test_dirac();
  test_errors();
}
