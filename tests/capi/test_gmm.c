/* SPDX-License-Identifier: MIT */
/* The mixture handle: lifecycle, getters, copy-outs, NULL handling, short buffers, and the
 * size checks that must come before any array is read (run in a forked child). */
#include <gmmot/gmmot.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* K = 3, d = 2. Weights sum to exactly 1, so the normalised copy is bit-identical. */
static const double kW[3] = {0.25, 0.5, 0.25};
static const double kM[6] = {0.0, 1.0, -2.0, 3.5, 10.0, -0.125};
static const double kOne[1] = {1.0};
static const double kC[12] = {2.0, 0.5, 0.5,       1.0,  /* */ 1.0, 0.0,
                              0.0, 3.0, /* */ 4.0, -1.0, -1.0,      1.0};

static void test_copy_outs(const gmmot_gmm_t *g) {
  double buf[16];

  CHECK(gmmot_gmm_ncomponents(g) == 3);
  CHECK(gmmot_gmm_dim(g) == 2);

  h_fill(buf, 16);
  CHECK_OK(gmmot_gmm_copy_weights(g, buf, 3));
  CHECK(memcmp(buf, kW, sizeof kW) == 0);
  CHECK_OK(gmmot_gmm_copy_weights(g, buf, 16)); /* larger capacity is fine */
  CHECK_OK(gmmot_gmm_copy_means(g, buf, 6));
  CHECK(memcmp(buf, kM, sizeof kM) == 0);
  CHECK_OK(gmmot_gmm_copy_covariances(g, buf, 12));
  CHECK(memcmp(buf, kC, sizeof kC) == 0);

  /* Short buffers: BUFFER_TOO_SMALL, nothing written. */
  h_fill(buf, 16);
  CHECK_ERROR(gmmot_gmm_copy_weights(g, buf, 2), GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gmm_copy_weights",
              "out_len|out");
  CHECK_ERROR(gmmot_gmm_copy_means(g, buf, 5), GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gmm_copy_means",
              "out_len|out");
  CHECK_ERROR(gmmot_gmm_copy_covariances(g, buf, 11), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_gmm_copy_covariances", "out_len|out");
  CHECK_ERROR(gmmot_gmm_copy_weights(g, buf, 0), GMMOT_E_BUFFER_TOO_SMALL, "gmmot_gmm_copy_weights",
              "out_len|out");
  CHECK_UNTOUCHED(buf, 16);

  /* NULL handle or NULL out. */
  CHECK_ERROR(gmmot_gmm_copy_weights(NULL, buf, 16), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_copy_weights", "gmm");
  CHECK_ERROR(gmmot_gmm_copy_means(NULL, buf, 16), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_copy_means",
              "gmm");
  CHECK_ERROR(gmmot_gmm_copy_covariances(NULL, buf, 16), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_copy_covariances", "gmm");
  CHECK_ERROR(gmmot_gmm_copy_weights(g, NULL, 16), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_copy_weights", "out");
  CHECK_ERROR(gmmot_gmm_copy_means(g, NULL, 16), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_copy_means",
              "out");
  CHECK_ERROR(gmmot_gmm_copy_covariances(g, NULL, 16), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_copy_covariances", "out");
  CHECK_UNTOUCHED(buf, 16);
}

void test_gmm_lifecycle(void) {
  gmmot_gmm_t *g = H_SENTINEL_GMM, *g2 = NULL;
  double w[3], m[6], c[12], buf[12];

  gmmot_gmm_destroy(NULL); /* no-op */
  CHECK(gmmot_gmm_ncomponents(NULL) == 0);
  CHECK(gmmot_gmm_dim(NULL) == 0);

  /* NULL arguments: INVALID_ARGUMENT naming the argument, *out untouched. */
  CHECK_ERROR(gmmot_gmm_create(3, 2, NULL, kM, kC, &g), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_create", "weights");
  CHECK_ERROR(gmmot_gmm_create(3, 2, kW, NULL, kC, &g), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_create", "means");
  CHECK_ERROR(gmmot_gmm_create(3, 2, kW, kM, NULL, &g), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_create", "covs|covariances");
  CHECK_ERROR(gmmot_gmm_create(3, 2, kW, kM, kC, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_create", "out");
  CHECK(g == H_SENTINEL_GMM);

  /* The arrays are copied: changing them after creation changes nothing. */
  memcpy(w, kW, sizeof w);
  memcpy(m, kM, sizeof m);
  memcpy(c, kC, sizeof c);
  g = H_SENTINEL_GMM;
  CHECK_OK(gmmot_gmm_create(3, 2, w, m, c, &g));
  CHECK(g != NULL && g != H_SENTINEL_GMM);
  if (g == NULL || g == H_SENTINEL_GMM) return;
  w[0] = 99.0;
  m[0] = 99.0;
  c[0] = 99.0;
  test_copy_outs(g);

  /* Two live handles are independent. */
  CHECK_OK(gmmot_gmm_create(1, 2, kOne, kM + 2, kC + 4, &g2));
  CHECK(g2 != NULL && g2 != g && gmmot_gmm_ncomponents(g2) == 1);
  h_fill(buf, 12);
  CHECK_OK(gmmot_gmm_copy_means(g2, buf, 2));
  CHECK(buf[0] == kM[2] && buf[1] == kM[3]);
  gmmot_gmm_destroy(g2);
  CHECK(gmmot_gmm_ncomponents(g) == 3);
  gmmot_gmm_destroy(g);
}

/* ---- size overflow checks (F.5 #5), isolated because a library that reads the arrays before
 * checking the sizes would crash. The arrays are tiny on purpose. */

static int too_large_create(void) {
  static const double w[1] = {1.0}, m[2] = {0.0, 0.0}, c[4] = {1.0, 0.0, 0.0, 1.0};
  gmmot_gmm_t *g = H_SENTINEL_GMM;
  char why[1400];
  /* K*d*d overflows size_t. */
  int ok = h_verify_error(gmmot_gmm_create(SIZE_MAX / 4 + 1, 2, w, m, c, &g), GMMOT_E_TOO_LARGE,
                          "gmmot_gmm_create", NULL, -1, why, sizeof why);
  if (!ok) printf("  too_large_create (K*d*d overflow): %s\n", why);
  if (g != H_SENTINEL_GMM) {
    printf("  too_large_create: *out changed\n");
    ok = 0;
  }
  return ok;
}

static int too_large_create_dd(void) {
  static const double w[1] = {1.0}, m[2] = {0.0, 0.0}, c[4] = {1.0, 0.0, 0.0, 1.0};
  gmmot_gmm_t *g = H_SENTINEL_GMM;
  char why[1400];
  /* d*d alone overflows size_t (d = 2^32 on LP64). */
  int ok = h_verify_error(gmmot_gmm_create(1, (size_t)1 << (sizeof(size_t) * 4), w, m, c, &g),
                          GMMOT_E_TOO_LARGE, "gmmot_gmm_create", NULL, -1, why, sizeof why);
  if (!ok) printf("  too_large_create_dd (d*d overflow): %s\n", why);
  return ok && g == H_SENTINEL_GMM;
}

static int too_large_create_bytes(void) {
  static const double w[1] = {1.0}, m[2] = {0.0, 0.0}, c[4] = {1.0, 0.0, 0.0, 1.0};
  gmmot_gmm_t *g = H_SENTINEL_GMM;
  char why[1400];
  /* K*d*d = 2^62 elements fits in size_t but not in bytes (x8) nor in any memory. */
  int ok = h_verify_error(gmmot_gmm_create((size_t)1 << 60, 2, w, m, c, &g), GMMOT_E_TOO_LARGE,
                          "gmmot_gmm_create", NULL, -1, why, sizeof why);
  if (!ok) printf("  too_large_create_bytes (K*d*d*8 overflow): %s\n", why);
  return ok && g == H_SENTINEL_GMM;
}

static int too_large_density(void) {
  static const double w[1] = {1.0}, m[2] = {0.0, 0.0}, c[4] = {1.0, 0.0, 0.0, 1.0};
  double pts[2] = {0.0, 0.0}, out[1] = {H_SENTINEL};
  gmmot_gmm_t *g = NULL;
  char why[1400];
  int ok;
  if (gmmot_gmm_create(1, 2, w, m, c, &g) != GMMOT_OK) return 0;
  /* n*d overflows size_t; out_len claims enough room. */
  ok = h_verify_error(gmmot_gmm_log_density(g, SIZE_MAX / 2 + 1, pts, NULL, out, SIZE_MAX),
                      GMMOT_E_TOO_LARGE, "gmmot_gmm_log_density", NULL, -1, why, sizeof why);
  if (!ok) printf("  too_large_density (n*d overflow): %s\n", why);
  gmmot_gmm_destroy(g);
  return ok && out[0] == H_SENTINEL;
}

static int too_large_sample(void) {
  static const double w[1] = {1.0}, m[2] = {0.0, 0.0}, c[4] = {1.0, 0.0, 0.0, 1.0};
  double pts[2] = {H_SENTINEL, H_SENTINEL};
  gmmot_gmm_t *g = NULL;
  char why[1400];
  int ok;
  if (gmmot_gmm_create(1, 2, w, m, c, &g) != GMMOT_OK) return 0;
  /* n*d overflows size_t; points_len claims enough room. */
  ok = h_verify_error(gmmot_gmm_sample(g, SIZE_MAX / 2 + 1, NULL, pts, SIZE_MAX, NULL, 0),
                      GMMOT_E_TOO_LARGE, "gmmot_gmm_sample", NULL, -1, why, sizeof why);
  if (!ok) printf("  too_large_sample (n*d overflow): %s\n", why);
  gmmot_gmm_destroy(g);
  return ok && pts[0] == H_SENTINEL && pts[1] == H_SENTINEL;
}

void test_gmm_too_large(void) {
  h_run_isolated(too_large_create, "gmm_create: K*d*d overflows size_t -> GMMOT_E_TOO_LARGE");
  h_run_isolated(too_large_create_dd, "gmm_create: d*d overflows size_t -> GMMOT_E_TOO_LARGE");
  h_run_isolated(too_large_create_bytes, "gmm_create: K*d*d*8 bytes overflow -> TOO_LARGE");
  h_run_isolated(too_large_density, "log_density: n*d overflows size_t -> GMMOT_E_TOO_LARGE");
  h_run_isolated(too_large_sample, "sample: n*d overflows size_t -> GMMOT_E_TOO_LARGE");
}
