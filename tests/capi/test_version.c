/* SPDX-License-Identifier: MIT */
/* Version, status strings and the "message cleared on entry" rule. */
#include <gmmot/gmmot.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static const struct {
  int code;
  const char *name;
} kStatuses[] = {
    {GMMOT_OK, "GMMOT_OK"},
    {GMMOT_W_NOT_CONVERGED, "GMMOT_W_NOT_CONVERGED"},
    {GMMOT_W_SYMMETRIZED, "GMMOT_W_SYMMETRIZED"},
    {GMMOT_E_INVALID_ARGUMENT, "GMMOT_E_INVALID_ARGUMENT"},
    {GMMOT_E_BUFFER_TOO_SMALL, "GMMOT_E_BUFFER_TOO_SMALL"},
    {GMMOT_E_OUT_OF_MEMORY, "GMMOT_E_OUT_OF_MEMORY"},
    {GMMOT_E_DIMENSION, "GMMOT_E_DIMENSION"},
    {GMMOT_E_TOO_LARGE, "GMMOT_E_TOO_LARGE"},
    {GMMOT_E_NONFINITE, "GMMOT_E_NONFINITE"},
    {GMMOT_E_WEIGHTS, "GMMOT_E_WEIGHTS"},
    {GMMOT_E_NOT_SYMMETRIC, "GMMOT_E_NOT_SYMMETRIC"},
    {GMMOT_E_NOT_PSD, "GMMOT_E_NOT_PSD"},
    {GMMOT_E_SINGULAR, "GMMOT_E_SINGULAR"},
    {GMMOT_E_NO_MAP, "GMMOT_E_NO_MAP"},
    {GMMOT_E_OVERFLOW, "GMMOT_E_OVERFLOW"},
    {GMMOT_E_LAPACK, "GMMOT_E_LAPACK"},
    {GMMOT_E_CANCELLED, "GMMOT_E_CANCELLED"},
    {GMMOT_E_ITERATION_LIMIT, "GMMOT_E_ITERATION_LIMIT"},
    {GMMOT_E_FORMAT, "GMMOT_E_FORMAT"},
    {GMMOT_E_IO, "GMMOT_E_IO"},
    {GMMOT_E_FAMILY, "GMMOT_E_FAMILY"},
    {GMMOT_E_INTERNAL, "GMMOT_E_INTERNAL"},
};
#define N_STATUSES (sizeof kStatuses / sizeof kStatuses[0])

void test_version_status(void) {
  const char *v, *info;
  size_t i, j;

  /* The pinned values (status.h: "pinned forever"). */
  CHECK(GMMOT_OK == 0 && GMMOT_W_NOT_CONVERGED == 1 && GMMOT_W_SYMMETRIZED == 2);
  CHECK(GMMOT_E_INVALID_ARGUMENT == -1 && GMMOT_E_NO_MAP == -11 && GMMOT_E_INTERNAL == -99);

  CHECK(gmmot_version_number() == GMMOT_VERSION_NUMBER);
  CHECK(GMMOT_VERSION_NUMBER ==
        GMMOT_VERSION_MAJOR * 10000 + GMMOT_VERSION_MINOR * 100 + GMMOT_VERSION_PATCH);
  v = gmmot_version_string();
  CHECK(v != NULL && strcmp(v, GMMOT_VERSION_STRING) == 0);
  {
    char buf[64];
    sprintf(buf, "%d.%d.%d", GMMOT_VERSION_MAJOR, GMMOT_VERSION_MINOR, GMMOT_VERSION_PATCH);
    CHECK(strcmp(buf, GMMOT_VERSION_STRING) == 0);
  }
  info = gmmot_build_info();
  CHECK(info != NULL && info[0] != '\0');
  /* version.h: the build description includes the library version. */
  CHECKF(info != NULL && strstr(info, GMMOT_VERSION_STRING) != NULL, "build_info \"%s\" names %s",
         info ? info : "(null)", GMMOT_VERSION_STRING);
  CHECK(gmmot_build_info() == info); /* static text */

  /* Every code has its own static text naming it ("GMMOT_E_WEIGHTS: ..."). */
  for (i = 0; i < N_STATUSES; ++i) {
    const char *s = gmmot_status_string(kStatuses[i].code);
    CHECKF(s != NULL && strstr(s, kStatuses[i].name) != NULL, "status_string(%d) = \"%s\" names %s",
           kStatuses[i].code, s ? s : "(null)", kStatuses[i].name);
    CHECKF(s != NULL && strcmp(s, "unknown status") != 0, "status_string(%d) is known",
           kStatuses[i].code);
    CHECK(gmmot_status_string(kStatuses[i].code) == s);
    for (j = 0; j < i; ++j) {
      const char *t = gmmot_status_string(kStatuses[j].code);
      CHECKF(s != NULL && t != NULL && strcmp(s, t) != 0, "status strings %d and %d differ",
             kStatuses[i].code, kStatuses[j].code);
    }
  }
  {
    static const int unknown[] = {3, -19, -98, -100, 100, 12345, -2147483647 - 1, 2147483647};
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; ++i) {
      const char *s = gmmot_status_string(unknown[i]);
      CHECKF(s != NULL && strcmp(s, "unknown status") == 0, "status_string(%d) = \"%s\"",
             unknown[i], s ? s : "(null)");
    }
  }
}

/* status.h: "" after GMMOT_OK; every call except gmmot_last_error_message clears it on entry. */
void test_messages(void) {
  static const double w[1] = {1.0}, m[1] = {0.0}, c[1] = {1.0};
  gmmot_gmm_t *g = NULL;
  gmmot_options_t *o = NULL;
  double x = 0.0, out = H_SENTINEL;
  const char *p1, *p2;

  CHECK(gmmot_last_error_message() != NULL);
  CHECK_OK(gmmot_gmm_create(1, 1, w, m, c, &g));

  /* Fail, then succeed: the success clears the message. */
  CHECK_ERROR(gmmot_gaussian_w2_squared(0, m, c, m, c, &out), GMMOT_E_DIMENSION,
              "gmmot_gaussian_w2_squared", "d|dimension");
  CHECK(gmmot_last_error_message()[0] != '\0');
  /* Reading it does not clear it, and the pointer is stable until the next call. */
  p1 = gmmot_last_error_message();
  p2 = gmmot_last_error_message();
  CHECK(p1 == p2 && p1[0] != '\0');
  CHECK_OK(gmmot_gaussian_w2_squared(1, m, c, m, c, &out));
  CHECK_MSG_EMPTY();

  /* Cleared by other successful fallible calls. */
  CHECK_STATUS(gmmot_gmm_create(0, 1, w, m, c, &g), GMMOT_E_DIMENSION);
  CHECK_OK(gmmot_gmm_log_density(g, 1, &x, NULL, &out, 1));
  CHECK_STATUS(gmmot_options_create(NULL), GMMOT_E_INVALID_ARGUMENT);
  CHECK_OK(gmmot_options_create(&o));
  CHECK_STATUS(gmmot_options_set_int(o, 424242, 1), GMMOT_E_INVALID_ARGUMENT);
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_NUM_THREADS, NULL, NULL, NULL));

  /* ... and by the handle functions (destroy, getters). */
  CHECK_STATUS(gmmot_options_create(NULL), GMMOT_E_INVALID_ARGUMENT);
  gmmot_gmm_destroy(NULL);
  CHECKF(h_msg_empty(), "gmmot_gmm_destroy(NULL) clears the message");
  CHECK_STATUS(gmmot_options_create(NULL), GMMOT_E_INVALID_ARGUMENT);
  gmmot_options_destroy(NULL);
  CHECKF(h_msg_empty(), "gmmot_options_destroy(NULL) clears the message");
  CHECK_STATUS(gmmot_options_create(NULL), GMMOT_E_INVALID_ARGUMENT);
  CHECK(gmmot_gmm_ncomponents(g) == 1);
  CHECKF(h_msg_empty(), "gmmot_gmm_ncomponents clears the message");
  CHECK_STATUS(gmmot_options_create(NULL), GMMOT_E_INVALID_ARGUMENT);
  CHECK(gmmot_gmm_dim(g) == 1);
  CHECKF(h_msg_empty(), "gmmot_gmm_dim clears the message");
  /* The pure informational functions leave the message alone (status.h), so that a caller
   * can print gmmot_status_string(rc) and gmmot_last_error_message() in any order. */
  CHECK_STATUS(gmmot_options_create(NULL), GMMOT_E_INVALID_ARGUMENT);
  CHECK(gmmot_version_number() == GMMOT_VERSION_NUMBER);
  CHECK(gmmot_version_string() != NULL);
  CHECK(gmmot_build_info() != NULL);
  CHECK(gmmot_status_string(GMMOT_E_INVALID_ARGUMENT) != NULL);
  CHECKF(!h_msg_empty(), "the informational functions keep the last error message");
  CHECKF(strstr(gmmot_last_error_message(), "gmmot_options_create") != NULL,
         "the kept message is still the failed call's");

  gmmot_options_destroy(o);
  gmmot_gmm_destroy(g);
}
