/* SPDX-License-Identifier: MIT */
/* Monge maps and geodesics against closed forms and their defining properties.
 * Tolerances: closed forms 1e-12 relative; push-forward A S0 A = S1 at 1e-10 relative
 * (Frobenius) for condition numbers below ~1e3; geodesic speed 1e-10 relative. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <string.h>

#include "harness.h"

static void test_monge_closed_forms(void) {
  static const double m0[3] = {1, 2, 3}, m1[3] = {0, -1, 0.5};
  static const double s0[9] = {1, 0, 0, 0, 4, 0, 0, 0, 9}, s1[9] = {4, 0, 0, 0, 1, 0, 0, 0, 16};
  static const double ea[3] = {2.0, 0.5, 4.0 / 3.0};
  double a[9], b[3], r = H_SENTINEL;
  int i, j;

  /* Commuting diagonal covariances: A = diag(sqrt(s1/s0)), b = m1 - A m0. */
  CHECK_OK(gmmot_gaussian_monge_map(3, m0, s0, m1, s1, a, 9, b, 3, &r));
  for (i = 0; i < 3; ++i) {
    for (j = 0; j < 3; ++j) CHECK_NEAR(a[i * 3 + j], i == j ? ea[i] : 0.0, 1e-12, 1e-15);
    CHECK_NEAR(b[i], m1[i] - ea[i] * m0[i], 1e-12, 1e-15);
  }
  CHECKF(r >= 0.0 && r <= 1e-14, "residual %.3g", r);
  /* out_residual may be NULL. */
  CHECK_OK(gmmot_gaussian_monge_map(3, m0, s0, m1, s1, a, 9, b, 3, NULL));

  /* F.5 #14: singular source with range(S1) in range(S0): the pseudo-inverse map, OK. */
  {
    static const double p0[4] = {4, 0, 0, 0}, p1[4] = {9, 0, 0, 0};
    static const double r1[4] = {1, 1, 1, 1}, r4[4] = {4, 4, 4, 4};
    static const double zero[4] = {0, 0, 0, 0}, s[4] = {2, 0.5, 0.5, 1};
    static const double n0[2] = {1, 1}, n1[2] = {-3, 0.5};
    double a2[4], b2[2];
    r = H_SENTINEL;
    CHECK_OK(gmmot_gaussian_monge_map(2, n0, p0, n1, p1, a2, 4, b2, 2, &r));
    CHECK_NEAR(a2[0], 1.5, 1e-12, 0.0);
    CHECK(fabs(a2[1]) <= 1e-15 && fabs(a2[2]) <= 1e-15 && fabs(a2[3]) <= 1e-15);
    CHECK_NEAR(b2[0], -3.0 - 1.5, 1e-12, 0.0);
    CHECK_NEAR(b2[1], 0.5, 1e-12, 1e-15);
    CHECKF(r >= 0.0 && r <= 1e-8, "residual %.3g", r);
    /* Rank 1 along (1,1): S0 = 2P, S1 = 8P, A = 2P = [[1,1],[1,1]]. */
    CHECK_OK(gmmot_gaussian_monge_map(2, n0, r1, n1, r4, a2, 4, b2, 2, &r));
    for (i = 0; i < 4; ++i) CHECK_NEAR(a2[i], 1.0, 1e-12, 0.0);
    CHECK_NEAR(b2[0], -3.0 - 2.0, 1e-12, 0.0);
    CHECK_NEAR(b2[1], 0.5 - 2.0, 1e-12, 0.0);
    CHECKF(r >= 0.0 && r <= 1e-8, "residual %.3g", r);
    /* Dirac -> Dirac (range {0} in range {0}): A = 0, b = m1. */
    CHECK_OK(gmmot_gaussian_monge_map(2, n0, zero, n1, zero, a2, 4, b2, 2, &r));
    CHECK(a2[0] == 0.0 && a2[1] == 0.0 && a2[2] == 0.0 && a2[3] == 0.0);
    CHECK(b2[0] == n1[0] && b2[1] == n1[1]);
    /* Non-singular -> Dirac: A = 0, b = m1. */
    CHECK_OK(gmmot_gaussian_monge_map(2, n0, s, n1, zero, a2, 4, b2, 2, &r));
    CHECK(fabs(a2[0]) + fabs(a2[1]) + fabs(a2[2]) + fabs(a2[3]) <= 1e-15);
    CHECK_NEAR(b2[0], n1[0], 1e-15, 1e-15);
    CHECK_NEAR(b2[1], n1[1], 1e-15, 1e-15);
  }
}

/* For random SPD pairs: A symmetric, A S0 A = S1, b = m1 - A m0, and
 * W2^2 = ||dm||^2 + tr S0 + tr S1 - 2 tr(A S0) (tr (S0^1/2 S1 S0^1/2)^1/2 = tr(A S0)). */
static void test_monge_random(void) {
  unsigned long st = 4242;
  size_t d;
  for (d = 1; d <= 8; ++d) {
    double s0[64], s1[64], m0[8], m1[8], a[64], b[8], t[64], asa[64], r = H_SENTINEL;
    double asym = 0.0, tras = 0.0, dm = 0.0, rel;
    size_t i, j;
    h_random_spd(d, &st, s0);
    h_random_spd(d, &st, s1);
    h_random_vec(d, &st, m0);
    h_random_vec(d, &st, m1);
    CHECK_OK(gmmot_gaussian_monge_map(d, m0, s0, m1, s1, a, 64, b, 8, &r));
    h_matmul(d, a, s0, t);
    h_matmul(d, t, a, asa);
    rel = h_frob_diff(d, asa, s1) / h_frob(d, s1);
    CHECKF(rel <= 1e-10, "d=%lu: ||A S0 A - S1|| / ||S1|| = %.3g", (unsigned long)d, rel);
    CHECKF(r >= 0.0 && r <= 1e-10, "d=%lu: reported residual %.3g", (unsigned long)d, r);
    for (i = 0; i < d; ++i) {
      double am = 0.0;
      for (j = 0; j < d; ++j) {
        double x = fabs(a[i * d + j] - a[j * d + i]);
        if (x > asym) asym = x;
        am += a[i * d + j] * m0[j];
      }
      CHECK_NEAR(b[i], m1[i] - am, 1e-12, 1e-13);
      tras += t[i * d + i];
      dm += (m0[i] - m1[i]) * (m0[i] - m1[i]);
    }
    CHECKF(asym <= 1e-12 * h_frob(d, a), "d=%lu: A symmetric (%.3g)", (unsigned long)d, asym);
    CHECK_NEAR(W2SQ(d, m0, s0, m1, s1), dm + h_trace(d, s0) + h_trace(d, s1) - 2.0 * tras, 1e-10,
               0.0);
  }
}

static void geodesic(size_t d, const double *m0, const double *s0, const double *m1,
                     const double *s1, double t, double *om, double *oc) {
  h_check_status(gmmot_gaussian_geodesic(d, m0, s0, m1, s1, t, om, d, oc, d * d), GMMOT_OK,
                 "gmmot_gaussian_geodesic", __FILE__, __LINE__);
}

static void test_geodesic(void) {
  unsigned long st = 99;
  size_t d;
  /* 1-D: sigma_t = (1-t) sigma0 + t sigma1. */
  {
    double m0 = 1.0, v0 = 4.0, m1 = -3.0, v1 = 25.0, om, oc;
    geodesic(1, &m0, &v0, &m1, &v1, 0.25, &om, &oc);
    CHECK_NEAR(om, 0.0, 0.0, 1e-15);
    CHECK_NEAR(oc, 2.75 * 2.75, 1e-12, 0.0);
  }
  for (d = 1; d <= 6; ++d) {
    double s0[36], s1[36], m0[6], m1[6], om[6], oc[36], a[36], b[6], e[36], t1[36], t2[36], w;
    double t = 0.3;
    size_t i;
    h_random_spd(d, &st, s0);
    h_random_spd(d, &st, s1);
    h_random_vec(d, &st, m0);
    h_random_vec(d, &st, m1);
    /* Endpoints. */
    geodesic(d, m0, s0, m1, s1, 0.0, om, oc);
    CHECK(h_frob_diff(d, oc, s0) <= 1e-12 * h_frob(d, s0));
    for (i = 0; i < d; ++i) CHECK_NEAR(om[i], m0[i], 1e-15, 1e-15);
    geodesic(d, m0, s0, m1, s1, 1.0, om, oc);
    CHECK(h_frob_diff(d, oc, s1) <= 1e-12 * h_frob(d, s1));
    for (i = 0; i < d; ++i) CHECK_NEAR(om[i], m1[i], 1e-15, 1e-15);
    /* Interior: m_t, constant speed, and S_t = ((1-t)I + tA) S0 ((1-t)I + tA). */
    geodesic(d, m0, s0, m1, s1, t, om, oc);
    for (i = 0; i < d; ++i) CHECK_NEAR(om[i], (1 - t) * m0[i] + t * m1[i], 1e-14, 1e-15);
    w = W2SQ(d, m0, s0, m1, s1);
    CHECK_NEAR(W2SQ(d, m0, s0, om, oc), t * t * w, 1e-10, 0.0);
    CHECK_NEAR(W2SQ(d, om, oc, m1, s1), (1 - t) * (1 - t) * w, 1e-10, 0.0);
    CHECK_OK(gmmot_gaussian_monge_map(d, m0, s0, m1, s1, a, 36, b, 6, NULL));
    for (i = 0; i < d * d; ++i) e[i] = t * a[i] + ((i % (d + 1)) == 0 ? 1 - t : 0.0);
    h_matmul(d, e, s0, t1);
    h_matmul(d, t1, e, t2);
    CHECK(h_frob_diff(d, oc, t2) <= 1e-10 * h_frob(d, t2));
  }
  /* Singular ends (F.5 #15/#16: the geodesic still exists). diag(1,0) -> diag(0,1): any U is
   * optimal; constant speed with W2^2 = 2. Dirac -> N(0, S): S_t = t^2 S. */
  {
    static const double z[2] = {0, 0}, d10[4] = {1, 0, 0, 0}, d01[4] = {0, 0, 0, 1};
    static const double zero[4] = {0, 0, 0, 0}, s[4] = {2, 0.5, 0.5, 1};
    double om[2], oc[4];
    int i;
    geodesic(2, z, d10, z, d01, 0.25, om, oc);
    CHECK_NEAR(W2SQ(2, z, d10, om, oc), 0.0625 * 2.0, 1e-12, 1e-15);
    CHECK_NEAR(W2SQ(2, om, oc, z, d01), 0.5625 * 2.0, 1e-12, 1e-15);
    geodesic(2, z, zero, z, s, 0.5, om, oc);
    for (i = 0; i < 4; ++i) CHECK_NEAR(oc[i], 0.25 * s[i], 1e-14, 1e-16);
  }
}

void test_gaussian_maps(void) {
  test_monge_closed_forms();
  test_monge_random();
  test_geodesic();
}
