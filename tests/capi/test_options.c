/* SPDX-License-Identifier: MIT */
/* The options object: lifecycle, defaults, bounds, typed setters/getters, rejection rules. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>

#include "harness.h"

static int64_t get_i(const gmmot_options_t *o, int key) {
  int64_t v = -77;
  if (gmmot_options_get_int(o, key, &v) != GMMOT_OK) return -77;
  return v;
}

static double get_d(const gmmot_options_t *o, int key) {
  double v = H_SENTINEL;
  if (gmmot_options_get_double(o, key, &v) != GMMOT_OK) return H_SENTINEL;
  return v;
}

static void test_bounds(void) {
  int type = -1;
  double lo = H_SENTINEL, hi = H_SENTINEL;

  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_NUM_THREADS, &type, &lo, &hi));
  CHECK(type == GMMOT_OPTION_INT && lo == 0.0 && hi == 1024.0);
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_BARYCENTER_TOLERANCE, &type, &lo, &hi));
  CHECK(type == GMMOT_OPTION_DOUBLE && lo == 0.0 && hi == 1.0);
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, &type, &lo, &hi));
  CHECK(type == GMMOT_OPTION_INT && lo == 1.0 && hi == 1000000.0);
  /* Any output may be NULL. */
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_NUM_THREADS, NULL, NULL, NULL));
  CHECK_OK(gmmot_options_bounds(GMMOT_OPT_NUM_THREADS, &type, NULL, NULL));
  /* Unknown keys: error, outputs untouched. */
  type = -5;
  lo = hi = H_SENTINEL;
  CHECK_ERROR(gmmot_options_bounds(0, &type, &lo, &hi), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_bounds", "key");
  /* 405 was GMMOT_OPT_EM_SEED before 0.2 and stays unused. */
  CHECK_ERROR(gmmot_options_bounds(405, &type, &lo, &hi), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_bounds", "key");
  CHECK_ERROR(gmmot_options_bounds(199, &type, &lo, &hi), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_bounds", "key");
  CHECK(type == -5 && lo == H_SENTINEL && hi == H_SENTINEL);
}

static void test_set_get(gmmot_options_t *o) {
  int64_t iv = -77;
  double dv = H_SENTINEL;

  /* Defaults (options.h). */
  CHECK(get_i(o, GMMOT_OPT_NUM_THREADS) == 0);
  CHECK(get_i(o, GMMOT_OPT_SEED) == 0);
  CHECK(get_d(o, GMMOT_OPT_BARYCENTER_TOLERANCE) == 1e-12);
  CHECK(get_i(o, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS) == 1000);

  /* In-bounds values, inclusive bounds. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 4));
  CHECK(get_i(o, GMMOT_OPT_NUM_THREADS) == 4);
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 1024));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 0));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 3));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, 1));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, 1000000));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, 77));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_BARYCENTER_TOLERANCE, 0.0));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_BARYCENTER_TOLERANCE, 1.0));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_BARYCENTER_TOLERANCE, 1e-9));
  CHECK(get_d(o, GMMOT_OPT_BARYCENTER_TOLERANCE) == 1e-9);

  /* Out of bounds: rejected, the message gives the bounds, the object is unchanged. */
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 1025), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_int", "value|num_threads|GMMOT_OPT_NUM_THREADS");
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, 1025), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_int", "1024");
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, -1), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_int", "1024");
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, INT64_MIN), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_int", NULL);
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_NUM_THREADS, INT64_MAX), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_int", NULL);
  CHECK(get_i(o, GMMOT_OPT_NUM_THREADS) == 3);
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, 0),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_options_set_int", "1000000");
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, 1000001),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_options_set_int", NULL);
  CHECK(get_i(o, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS) == 77);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_BARYCENTER_TOLERANCE, NAN),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_options_set_double", NULL);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_BARYCENTER_TOLERANCE, -1e-300),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_options_set_double", NULL);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_BARYCENTER_TOLERANCE, 1.5),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_options_set_double", NULL);
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_BARYCENTER_TOLERANCE, INFINITY),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_options_set_double", NULL);
  CHECK(get_d(o, GMMOT_OPT_BARYCENTER_TOLERANCE) == 1e-9);

  /* Wrong type: rejected both ways, object and out-values unchanged. */
  CHECK_ERROR(gmmot_options_set_int(o, GMMOT_OPT_BARYCENTER_TOLERANCE, 0), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_int", "key");
  CHECK_ERROR(gmmot_options_set_double(o, GMMOT_OPT_NUM_THREADS, 2.0), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_double", "key");
  CHECK(get_i(o, GMMOT_OPT_NUM_THREADS) == 3);
  CHECK(get_d(o, GMMOT_OPT_BARYCENTER_TOLERANCE) == 1e-9);
  CHECK_ERROR(gmmot_options_get_int(o, GMMOT_OPT_BARYCENTER_TOLERANCE, &iv),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_options_get_int", "key");
  CHECK(iv == -77);
  CHECK_ERROR(gmmot_options_get_double(o, GMMOT_OPT_NUM_THREADS, &dv), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_get_double", "key");
  CHECK(dv == H_SENTINEL);

  /* Unknown keys. */
  CHECK_ERROR(gmmot_options_set_int(o, 999, 1), GMMOT_E_INVALID_ARGUMENT, "gmmot_options_set_int",
              "key");
  CHECK_ERROR(gmmot_options_set_double(o, -1, 1.0), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_double", "key");
  CHECK_ERROR(gmmot_options_get_int(o, 999, &iv), GMMOT_E_INVALID_ARGUMENT, "gmmot_options_get_int",
              "key");
  CHECK_ERROR(gmmot_options_get_double(o, 202, &dv), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_get_double", "key");
  CHECK(iv == -77 && dv == H_SENTINEL);

  /* NULL arguments. */
  CHECK_ERROR(gmmot_options_set_int(NULL, GMMOT_OPT_NUM_THREADS, 1), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_set_int", "opts");
  CHECK_ERROR(gmmot_options_set_double(NULL, GMMOT_OPT_BARYCENTER_TOLERANCE, 0.5),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_options_set_double", "opts");
  CHECK_ERROR(gmmot_options_get_int(NULL, GMMOT_OPT_NUM_THREADS, &iv), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_get_int", "opts");
  CHECK_ERROR(gmmot_options_get_int(o, GMMOT_OPT_NUM_THREADS, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_options_get_int", "out_value");
  CHECK_ERROR(gmmot_options_get_double(NULL, GMMOT_OPT_BARYCENTER_TOLERANCE, &dv),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_options_get_double", "opts");
  CHECK_ERROR(gmmot_options_get_double(o, GMMOT_OPT_BARYCENTER_TOLERANCE, NULL),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_options_get_double", "out_value");
  CHECK(iv == -77 && dv == H_SENTINEL);
}

void test_options(void) {
  gmmot_options_t *o = NULL, *c = H_SENTINEL_OPTS;

  gmmot_options_destroy(NULL); /* no-op */
  CHECK_ERROR(gmmot_options_create(NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_options_create", "out");
  CHECK_OK(gmmot_options_create(&o));
  CHECK(o != NULL);
  if (o == NULL) return;

  test_bounds();
  test_set_get(o);

  /* Clone: same values, independent afterwards. */
  CHECK_ERROR(gmmot_options_clone(NULL, &c), GMMOT_E_INVALID_ARGUMENT, "gmmot_options_clone",
              "src");
  CHECK(c == H_SENTINEL_OPTS);
  CHECK_ERROR(gmmot_options_clone(o, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_options_clone", "out");
  CHECK_OK(gmmot_options_clone(o, &c));
  CHECK(c != NULL && c != o && c != H_SENTINEL_OPTS);
  if (c != NULL && c != H_SENTINEL_OPTS) {
    CHECK(get_i(c, GMMOT_OPT_NUM_THREADS) == 3);
    CHECK(get_i(c, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS) == 77);
    CHECK(get_d(c, GMMOT_OPT_BARYCENTER_TOLERANCE) == 1e-9);
    CHECK_OK(gmmot_options_set_int(c, GMMOT_OPT_NUM_THREADS, 9));
    CHECK(get_i(c, GMMOT_OPT_NUM_THREADS) == 9);
    CHECK(get_i(o, GMMOT_OPT_NUM_THREADS) == 3);
    gmmot_options_destroy(c);
  }
  gmmot_options_destroy(o);
}
