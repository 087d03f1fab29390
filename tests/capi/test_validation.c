/* SPDX-License-Identifier: MIT */
/* gmmot_gmm_create validation: the bad inputs of numerics.md F.5 that apply to a mixture
 * (#2, #3, #6, #7, #8-#12, #13, #16, #23-#26), with the rules and order of gmm.h. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <string.h>

#include "harness.h"

#define K 3
#define D 2
static const double kW[K] = {0.25, 0.5, 0.25};
static const double kM[K * D] = {0.0, 1.0, -2.0, 3.5, 10.0, -0.125};
static const double kC[K * D * D] = {2.0, 0.5, 0.5, 1.0, 1.0, 0.0, 0.0, 3.0, 4.0, -1.0, -1.0, 1.0};

static double w[K], m[K * D], c[K * D * D];

static void reset(void) {
  memcpy(w, kW, sizeof w);
  memcpy(m, kM, sizeof m);
  memcpy(c, kC, sizeof c);
}

/* Create from the current arrays and expect an error naming args (and the component index when
 * index >= 0); *out must stay untouched. */
#define EXPECT_CREATE_ERROR(expected, args, index)                                               \
  do {                                                                                           \
    gmmot_gmm_t *g_ = H_SENTINEL_GMM;                                                            \
    CHECK_ERROR_AT(gmmot_gmm_create(K, D, w, m, c, &g_), (expected), "gmmot_gmm_create", (args), \
                   (index));                                                                     \
    CHECK(g_ == H_SENTINEL_GMM);                                                                 \
  } while (0)

/* Create, expect `expected` (OK or a warning), return the handle (or NULL). */
static gmmot_gmm_t *create_expect(int expected, int line) {
  gmmot_gmm_t *g = NULL;
  h_check_status(gmmot_gmm_create(K, D, w, m, c, &g), expected, "gmmot_gmm_create(K, D, ...)",
                 __FILE__, line);
  return g;
}

static void test_dimensions(void) {
  gmmot_gmm_t *g = H_SENTINEL_GMM;
  reset();
  /* F.5 #2, #3: K = 0 and d = 0 are DIMENSION errors. */
  CHECK_ERROR(gmmot_gmm_create(0, D, w, m, c, &g), GMMOT_E_DIMENSION, "gmmot_gmm_create",
              "k|components");
  CHECK_ERROR(gmmot_gmm_create(K, 0, w, m, c, &g), GMMOT_E_DIMENSION, "gmmot_gmm_create",
              "d|dimension");
  CHECK_ERROR(gmmot_gmm_create(0, 0, w, m, c, &g), GMMOT_E_DIMENSION, "gmmot_gmm_create", NULL);
  CHECK(g == H_SENTINEL_GMM);
}

static void test_nonfinite(void) {
  /* F.5 #6, #7: NaN / Inf anywhere, named with the array and the component. Also checked before
   * the weight rules (a NaN weight is NONFINITE, not WEIGHTS). */
  reset();
  w[1] = NAN;
  EXPECT_CREATE_ERROR(GMMOT_E_NONFINITE, "weights", 1);
  reset();
  w[2] = INFINITY;
  EXPECT_CREATE_ERROR(GMMOT_E_NONFINITE, "weights", 2);
  reset();
  m[1 * D + 1] = NAN;
  EXPECT_CREATE_ERROR(GMMOT_E_NONFINITE, "means", 1);
  reset();
  m[2 * D + 0] = -INFINITY;
  EXPECT_CREATE_ERROR(GMMOT_E_NONFINITE, "means", 2);
  reset();
  c[1 * D * D + 1] = NAN; /* an off-diagonal entry of covariance 1 */
  c[1 * D * D + 2] = NAN;
  EXPECT_CREATE_ERROR(GMMOT_E_NONFINITE, "covs|covariances", 1);
  reset();
  c[2 * D * D + 3] = INFINITY; /* a diagonal entry of covariance 2 */
  EXPECT_CREATE_ERROR(GMMOT_E_NONFINITE, "covs|covariances", 2);
  reset();
  c[0] = -INFINITY;
  EXPECT_CREATE_ERROR(GMMOT_E_NONFINITE, "covs|covariances", 0);
}

static void test_weights(void) {
  gmmot_gmm_t *g;
  double out[K];

  /* F.5 #23: a negative weight, even -1e-300. */
  reset();
  w[0] = 0.5; /* sum stays 1: only the sign is wrong */
  w[1] = -1e-300;
  w[2] = 0.5;
  EXPECT_CREATE_ERROR(GMMOT_E_WEIGHTS, "weights", 1);
  /* -0.0 is allowed; zero-weight components are valid and kept. */
  reset();
  w[0] = -0.0;
  w[1] = 0.75;
  g = create_expect(GMMOT_OK, __LINE__);
  CHECK(gmmot_gmm_ncomponents(g) == K);
  h_fill(out, K);
  CHECK_OK(gmmot_gmm_copy_weights(g, out, K));
  CHECK(out[0] == 0.0 && out[1] == 0.75 && out[2] == 0.25);
  gmmot_gmm_destroy(g);
  /* F.5 #26: all weights zero. */
  reset();
  w[0] = w[1] = w[2] = 0.0;
  EXPECT_CREATE_ERROR(GMMOT_E_WEIGHTS, "weights", -1);
  /* F.5 #25: sums 1 + 1e-4 and 1 - 1e-4 are rejected (tolerance 1e-8). */
  reset();
  w[1] = 0.5 + 1e-4;
  EXPECT_CREATE_ERROR(GMMOT_E_WEIGHTS, "weights", -1);
  reset();
  w[1] = 0.5 - 1e-4;
  EXPECT_CREATE_ERROR(GMMOT_E_WEIGHTS, "weights", -1);
  /* F.5 #24: sum 1 + 1e-12 is accepted silently and renormalised: stored w = w / sum, summing to 1
   * to rounding (tolerance: 1e-15 relative per weight, 4 eps on the sum). */
  reset();
  w[1] = 0.5 + 1e-12;
  g = create_expect(GMMOT_OK, __LINE__);
  h_fill(out, K);
  CHECK_OK(gmmot_gmm_copy_weights(g, out, K));
  {
    double s = w[0] + w[1] + w[2];
    CHECK_NEAR(out[0], w[0] / s, 1e-15, 0.0);
    CHECK_NEAR(out[1], w[1] / s, 1e-15, 0.0);
    CHECK_NEAR(out[2], w[2] / s, 1e-15, 0.0);
    CHECK_NEAR(out[0] + out[1] + out[2], 1.0, 4.0 * 2.220446049250313e-16, 0.0);
    CHECK(out[1] != w[1]); /* actually renormalised */
  }
  gmmot_gmm_destroy(g);
}

static void test_symmetry(void) {
  gmmot_gmm_t *g;
  double out[K * D * D];

  /* F.5 #8: asymmetry 1e-15 relative (max |S_ij| = 1 here): symmetrised silently, status OK. */
  reset();
  c[1 * D * D + 0] = 1.0;
  c[1 * D * D + 1] = 0.5;
  c[1 * D * D + 2] = 0.5 + 1e-15;
  c[1 * D * D + 3] = 1.0;
  g = create_expect(GMMOT_OK, __LINE__);
  h_fill(out, K * D * D);
  CHECK_OK(gmmot_gmm_copy_covariances(g, out, K * D * D));
  CHECK(out[1 * D * D + 1] == out[1 * D * D + 2]); /* stored symmetrised */
  CHECK_NEAR(out[1 * D * D + 1], 0.5, 2e-15, 0.0);
  gmmot_gmm_destroy(g);

  /* F.5 #9: asymmetry 1e-10: GMMOT_W_SYMMETRIZED, handle created, message non-empty and naming
   * the component. */
  c[1 * D * D + 2] = 0.5 + 1e-10;
  g = NULL;
  CHECK_ERROR_AT(gmmot_gmm_create(K, D, w, m, c, &g), GMMOT_W_SYMMETRIZED, "gmmot_gmm_create",
                 "covs|covariances", 1);
  CHECK(g != NULL);
  if (g != NULL) {
    h_fill(out, K * D * D);
    CHECK_OK(gmmot_gmm_copy_covariances(g, out, K * D * D));
    CHECK(out[1 * D * D + 1] == out[1 * D * D + 2]);
    /* The symmetrised entry is the mean of the two: 0.5 + 0.5e-10 (1e-15 relative). */
    CHECK_NEAR(out[1 * D * D + 1], 0.5 + 0.5e-10, 1e-15, 0.0);
    CHECK(memcmp(out, kC, D * D * sizeof(double)) == 0); /* other components as given */
    gmmot_gmm_destroy(g);
  }

  /* F.5 #10: asymmetry 1e-3: NOT_SYMMETRIC naming covariances[1]. */
  c[1 * D * D + 2] = 0.5 + 1e-3;
  EXPECT_CREATE_ERROR(GMMOT_E_NOT_SYMMETRIC, "covs|covariances", 1);
  /* Just beyond the 1e-8 limit (1e-7) is an error as well. */
  c[1 * D * D + 2] = 0.5 + 1e-7;
  EXPECT_CREATE_ERROR(GMMOT_E_NOT_SYMMETRIC, "covs|covariances", 1);
}

static void test_psd(void) {
  gmmot_gmm_t *g;

  /* F.5 #12: indefinite covariances: NOT_PSD naming covariances[2]. */
  reset();
  c[2 * D * D + 0] = 1.0; /* diag(1, -1e-3) */
  c[2 * D * D + 1] = 0.0;
  c[2 * D * D + 2] = 0.0;
  c[2 * D * D + 3] = -1e-3;
  EXPECT_CREATE_ERROR(GMMOT_E_NOT_PSD, "covs|covariances", 2);
  c[2 * D * D + 0] = 1.0; /* [[1, 2], [2, 1]]: eigenvalues 3, -1 */
  c[2 * D * D + 1] = 2.0;
  c[2 * D * D + 2] = 2.0;
  c[2 * D * D + 3] = 1.0;
  EXPECT_CREATE_ERROR(GMMOT_E_NOT_PSD, "covs|covariances", 2);
  /* -1e-12 * lambda_max is far beyond the rounding allowance 64*d*eps = 2.8e-14. */
  c[2 * D * D + 0] = 1.0;
  c[2 * D * D + 1] = 0.0;
  c[2 * D * D + 2] = 0.0;
  c[2 * D * D + 3] = -1e-12;
  EXPECT_CREATE_ERROR(GMMOT_E_NOT_PSD, "covs|covariances", 2);

  /* F.5 #11: lambda_min = -1e-17 * lambda_max is rounding: accepted, status OK. */
  c[2 * D * D + 3] = -1e-17;
  g = create_expect(GMMOT_OK, __LINE__);
  CHECK(g != NULL);
  gmmot_gmm_destroy(g);
  /* Same, not diagonal: [[1, 1], [1, 1 - 1e-15]] has lambda_min ~ -2.5e-16 * lambda_max. */
  c[2 * D * D + 0] = 1.0;
  c[2 * D * D + 1] = 1.0;
  c[2 * D * D + 2] = 1.0;
  c[2 * D * D + 3] = 1.0 - 1e-15;
  g = create_expect(GMMOT_OK, __LINE__);
  CHECK(g != NULL);
  gmmot_gmm_destroy(g);

  /* F.5 #13, #16: exactly singular (rank 1) and all-zero (Dirac) covariances are valid. */
  c[2 * D * D + 3] = 1.0; /* [[1, 1], [1, 1]] */
  c[1 * D * D + 0] = c[1 * D * D + 1] = c[1 * D * D + 2] = c[1 * D * D + 3] = 0.0;
  g = create_expect(GMMOT_OK, __LINE__);
  CHECK(g != NULL && gmmot_gmm_ncomponents(g) == K);
  gmmot_gmm_destroy(g);
}

void test_gmm_validation(void) {
  test_dimensions();
  test_nonfinite();
  test_weights();
  test_symmetry();
  test_psd();
}
