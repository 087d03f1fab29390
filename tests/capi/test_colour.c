/* SPDX-License-Identifier: MIT */
/* gmmot/colour.h: gmmot_colour_transfer and gmmot_colour_regularize through the C ABI: the info
 * array, EM options reaching the fits, the transfer = map + gmmot_colour_regularize
 * decomposition, determinism across threads, progress and cancellation, argument errors with
 * nothing written; Student-t palettes fitted jointly (one nu). */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

void test_colour(void);

enum { W = 32, H = 24, N = W * H * 3 };

/* A smooth sky-like gradient with a darker block, 8-bit values; and a warm target. */
static void images(double *src, double *tgt) {
  size_t x, y;
  for (y = 0; y < H; ++y) {
    for (x = 0; x < W; ++x) {
      double *s = src + 3 * (y * W + x), *t = tgt + 3 * (y * W + x);
      const int dark = x > 20 && y > 12;
      s[0] = floor(255.0 * (0.1 + 0.3 * (double)y / H) * (dark ? 0.3 : 1.0)) / 255.0;
      s[1] = floor(255.0 * (0.2 + 0.3 * (double)y / H) * (dark ? 0.3 : 1.0)) / 255.0;
      s[2] = floor(255.0 * (0.5 + 0.4 * (double)x / W) * (dark ? 0.3 : 1.0)) / 255.0;
      t[0] = floor(255.0 * (0.6 + 0.35 * (double)((x * 7 + y * 3) % 11) / 11.0)) / 255.0;
      t[1] = floor(255.0 * (0.3 + 0.3 * (double)((x * 5 + y) % 7) / 7.0)) / 255.0;
      t[2] = floor(255.0 * (0.1 + 0.2 * (double)((x + y * 3) % 5) / 5.0)) / 255.0;
    }
  }
}

typedef struct {
  int calls, last_done, ordered, bad_total;
} colour_progress;

static int on_progress(void *user_data, int stage, uint64_t done, uint64_t total, double value) {
  colour_progress *p = (colour_progress *)user_data;
  (void)value;
  if (stage != GMMOT_STAGE_COLOUR) return 0;
  if ((int)done != p->last_done + 1) p->ordered = 0;
  if (total != 5) p->bad_total = 1;
  p->last_done = (int)done;
  ++p->calls;
  return 0;
}

static void transfer_and_info(const double *src, const double *tgt) {
  double out[N], out2[N], info[GMMOT_COLOUR_INFO_COUNT + 2];
  gmmot_options_t *opts = NULL;
  colour_progress prog = {0, -1, 1, 0};
  size_t i;
  int in_range = 1;
  CHECK_OK(gmmot_options_create(&opts));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_EM_COMPONENTS, 3));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, 1));
  CHECK_OK(gmmot_options_set_progress(opts, on_progress, &prog));
  h_fill(info, GMMOT_COLOUR_INFO_COUNT + 2);
  CHECK_OK(
      gmmot_colour_transfer(src, W, H, tgt, W, H, opts, out, N, info, GMMOT_COLOUR_INFO_COUNT + 2));
  /* Only the documented entries are written. */
  CHECK(info[GMMOT_COLOUR_INFO_COUNT] == H_SENTINEL &&
        info[GMMOT_COLOUR_INFO_COUNT + 1] == H_SENTINEL);
  for (i = 0; i <= GMMOT_COLOUR_INFO_REGULARIZE_SECONDS; ++i) CHECK(info[i] >= 0.0);
  CHECK(info[GMMOT_COLOUR_INFO_TOTAL_SECONDS] >=
        info[GMMOT_COLOUR_INFO_FIT_SOURCE_SECONDS] + info[GMMOT_COLOUR_INFO_FIT_TARGET_SECONDS]);
  CHECK(info[GMMOT_COLOUR_INFO_MW2_SQUARED] > 0.0);
  CHECK(info[GMMOT_COLOUR_INFO_EM_ITERATIONS_SOURCE] >= 1.0);
  /* The distinct colours: at most the pixels, and the target holds at most 11 x 7 x 5. */
  CHECK(info[GMMOT_COLOUR_INFO_COLOURS_SOURCE] >= 3.0 &&
        info[GMMOT_COLOUR_INFO_COLOURS_SOURCE] <= W * H);
  CHECK(info[GMMOT_COLOUR_INFO_COLOURS_TARGET] >= 3.0 &&
        info[GMMOT_COLOUR_INFO_COLOURS_TARGET] <= 385.0);
  /* Automatic radius: 1% of 24 rounds to 0, raised to 2; no subsampling below a megapixel. */
  CHECK(info[GMMOT_COLOUR_INFO_RADIUS] == 2.0);
  CHECK(info[GMMOT_COLOUR_INFO_SUBSAMPLE] == 1.0);
  for (i = 0; i < N; ++i) in_range &= out[i] >= 0.0 && out[i] <= 1.0;
  CHECK(in_range);
  CHECKF(prog.calls == 6 && prog.ordered && !prog.bad_total,
         "GMMOT_STAGE_COLOUR reported done = 0..5 of 5 in order (%d calls)", prog.calls);
  /* The same result on 2 threads. */
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, 2));
  CHECK_OK(gmmot_options_set_progress(opts, NULL, NULL));
  CHECK_OK(gmmot_colour_transfer(src, W, H, tgt, W, H, opts, out2, N, NULL, 0));
  CHECK(memcmp(out, out2, sizeof out) == 0);
  gmmot_options_destroy(opts);
}

/* The transfer is its unregularised, unclipped map followed by gmmot_colour_regularize. */
static void decomposition(const double *src, const double *tgt) {
  double whole[N], raw[N], reg[N];
  gmmot_options_t *opts = NULL;
  size_t i, radius = 0;
  double worst = 0.0;
  CHECK_OK(gmmot_options_create(&opts));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_EM_COMPONENTS, 3));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_RADIUS, 3));
  CHECK_OK(gmmot_options_set_double(opts, GMMOT_OPT_COLOUR_EPSILON, 1e-2));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_SPACE, GMMOT_COLOUR_LAB));
  CHECK_OK(gmmot_colour_transfer(src, W, H, tgt, W, H, opts, whole, N, NULL, 0));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_REGULARIZE, 0));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_CLIP, 0));
  CHECK_OK(gmmot_colour_transfer(src, W, H, tgt, W, H, opts, raw, N, NULL, 0));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_REGULARIZE, 1));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_CLIP, 1));
  CHECK_OK(gmmot_colour_regularize(src, W, H, raw, opts, reg, N, &radius));
  CHECK(radius == 3);
  for (i = 0; i < N; ++i) worst = fmax(worst, fabs(reg[i] - whole[i]));
  CHECKF(worst == 0.0, "transfer = map + regularise (worst difference %g)", worst);
  /* In place (out = mapped) gives the same. */
  CHECK_OK(gmmot_colour_regularize(src, W, H, raw, opts, raw, N, NULL));
  CHECK(memcmp(raw, reg, sizeof raw) == 0);
  gmmot_options_destroy(opts);
}

/* EM options reach both fits: an iteration cap of 1 gives the warning and 1 iteration. */
static void em_options_pass_through(const double *src, const double *tgt) {
  double out[N], info[GMMOT_COLOUR_INFO_COUNT];
  gmmot_options_t *opts = NULL;
  CHECK_OK(gmmot_options_create(&opts));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_EM_COMPONENTS, 4));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_EM_MAX_ITERATIONS, 1));
  CHECK_OK(gmmot_options_set_double(opts, GMMOT_OPT_EM_TOLERANCE, 0.0));
  CHECK_STATUS(
      gmmot_colour_transfer(src, W, H, tgt, W, H, opts, out, N, info, GMMOT_COLOUR_INFO_COUNT),
      GMMOT_W_NOT_CONVERGED);
  CHECK(h_msg_contains("GMMOT_OPT_EM_MAX_ITERATIONS"));
  CHECK(info[GMMOT_COLOUR_INFO_EM_ITERATIONS_SOURCE] == 1.0);
  CHECK(info[GMMOT_COLOUR_INFO_EM_ITERATIONS_TARGET] == 1.0);
  gmmot_options_destroy(opts);
}

/* The distinct colours of an image in order of first appearance, weighted by their counts: the
 * points the colour job fits when GMMOT_OPT_COLOUR_FIT_POINTS is 0. Returns their number. */
static size_t distinct_colours(const double *img, double *colours, double *counts) {
  size_t m = 0, i, j;
  for (i = 0; i < W * H; ++i) {
    const double *c = img + 3 * i;
    for (j = 0; j < m; ++j)
      if (colours[3 * j] == c[0] && colours[3 * j + 1] == c[1] && colours[3 * j + 2] == c[2]) break;
    if (j == m) {
      memcpy(colours + 3 * m, c, 3 * sizeof(double));
      counts[m++] = 0.0;
    }
    counts[j] += 1.0;
  }
  return m;
}

/* Student-t palettes with nu estimated: MW2 needs one nu on both sides, so the job must fit both
 * palettes jointly (gmmot_em_fit_joint); separate fits would give two nu and GMMOT_E_FAMILY.
 * The job's MW2^2 must be the one between the joint fits of the same weighted colours. */
static void student_t_joint(const double *src, const double *tgt) {
  static double c0[N], c1[N], w0[W * H], w1[W * H];
  double out[N], out2[N], info[GMMOT_COLOUR_INFO_COUNT], mw2sq = -1.0, nu0 = 0.0, nu1 = 1.0;
  gmmot_options_t *opts = NULL;
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *fits[2] = {NULL, NULL};
  size_t n[2];
  const double *pts[2] = {c0, c1}, *wts[2] = {w0, w1};
  int family0 = -1, family1 = -1, st;
  n[0] = distinct_colours(src, c0, w0);
  n[1] = distinct_colours(tgt, c1, w1);
  CHECK_OK(gmmot_options_create(&opts));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_EM_COMPONENTS, 3));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_EM_FAMILY, GMMOT_FAMILY_STUDENT_T));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_FIT_POINTS, 0));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, 1));
  st = gmmot_colour_transfer(src, W, H, tgt, W, H, opts, out, N, info, GMMOT_COLOUR_INFO_COUNT);
  CHECK(st == GMMOT_OK || st == GMMOT_W_NOT_CONVERGED);
  if (st < 0) h_check(0, __FILE__, __LINE__, "%s", gmmot_last_error_message());
  CHECK(info[GMMOT_COLOUR_INFO_COLOURS_SOURCE] == (double)n[0]);
  CHECK(info[GMMOT_COLOUR_INFO_COLOURS_TARGET] == (double)n[1]);
  CHECK_OK(gmmot_em_create(opts, &em));
  st = gmmot_em_fit_joint(em, 2, 3, n, pts, wts, fits);
  CHECK(st == GMMOT_OK || st == GMMOT_W_NOT_CONVERGED);
  if (fits[0] != NULL && fits[1] != NULL) {
    CHECK_OK(gmmot_gmm_get_family(fits[0], &family0, &nu0));
    CHECK_OK(gmmot_gmm_get_family(fits[1], &family1, &nu1));
    CHECK(family0 == GMMOT_FAMILY_STUDENT_T && family1 == GMMOT_FAMILY_STUDENT_T && nu0 == nu1);
    CHECK_OK(gmmot_mw2_squared(fits[0], fits[1], opts, &mw2sq));
    CHECK(fabs(info[GMMOT_COLOUR_INFO_MW2_SQUARED] - mw2sq) <= 1e-12 * mw2sq);
  }
  /* Two threads: the same output bit for bit. */
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, 2));
  st = gmmot_colour_transfer(src, W, H, tgt, W, H, opts, out2, N, NULL, 0);
  CHECK(st == GMMOT_OK || st == GMMOT_W_NOT_CONVERGED);
  CHECK(memcmp(out, out2, sizeof out) == 0);
  gmmot_gmm_destroy(fits[0]);
  gmmot_gmm_destroy(fits[1]);
  gmmot_em_destroy(em);
  gmmot_options_destroy(opts);
}

static void errors_and_cancel(double *src, const double *tgt) {
  double out[N];
  gmmot_options_t *opts = NULL;
  gmmot_interrupt_t *flag = NULL;
  const char *fn = "gmmot_colour_transfer";
  h_fill(out, N);
  CHECK_ERROR(gmmot_colour_transfer(NULL, W, H, tgt, W, H, NULL, out, N, NULL, 0),
              GMMOT_E_INVALID_ARGUMENT, fn, "source");
  CHECK_ERROR(gmmot_colour_transfer(src, W, H, NULL, W, H, NULL, out, N, NULL, 0),
              GMMOT_E_INVALID_ARGUMENT, fn, "target");
  CHECK_ERROR(gmmot_colour_transfer(src, 0, H, tgt, W, H, NULL, out, N, NULL, 0), GMMOT_E_DIMENSION,
              fn, "source");
  CHECK_ERROR(gmmot_colour_transfer(src, W, H, tgt, W, 0, NULL, out, N, NULL, 0), GMMOT_E_DIMENSION,
              fn, "target");
  CHECK_ERROR(gmmot_colour_transfer(src, W, H, tgt, W, H, NULL, out, N - 1, NULL, 0),
              GMMOT_E_BUFFER_TOO_SMALL, fn, "out_len");
  CHECK_ERROR(gmmot_colour_transfer(src, W, H, tgt, W, H, NULL, src, N, NULL, 0),
              GMMOT_E_INVALID_ARGUMENT, fn, "source");
  CHECK_ERROR(
      gmmot_colour_transfer(src, (size_t)1 << 32, 1, tgt, W, H, NULL, out, SIZE_MAX, NULL, 0),
      GMMOT_E_TOO_LARGE, fn, "source");
  /* width * height overflowing size_t: the message names the image. */
  CHECK_ERROR(gmmot_colour_transfer(src, W, H, tgt, SIZE_MAX / 2, 3, NULL, out, N, NULL, 0),
              GMMOT_E_TOO_LARGE, fn, "target");
  src[3 * 5 + 1] = 1.5;
  CHECK_ERROR_AT(gmmot_colour_transfer(src, W, H, tgt, W, H, NULL, out, N, NULL, 0),
                 GMMOT_E_INVALID_ARGUMENT, fn, "source", 5);
  src[3 * 5 + 1] = NAN;
  CHECK_ERROR_AT(gmmot_colour_transfer(src, W, H, tgt, W, H, NULL, out, N, NULL, 0),
                 GMMOT_E_NONFINITE, fn, "source", 5);
  CHECK_ERROR(gmmot_colour_regularize(src, W, H, tgt, NULL, out, N, NULL), GMMOT_E_NONFINITE,
              "gmmot_colour_regularize", "source");
  src[3 * 5 + 1] = 0.5;
  CHECK_ERROR(gmmot_colour_regularize(src, W, H, tgt, NULL, out, N - 3, NULL),
              GMMOT_E_BUFFER_TOO_SMALL, "gmmot_colour_regularize", "out_len");
  CHECK_ERROR(gmmot_colour_regularize(src, W, H, tgt, NULL, src, N, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_colour_regularize", "source");
  CHECK_UNTOUCHED(out, N);
  /* A raised interrupt: cancelled, nothing written. */
  CHECK_OK(gmmot_options_create(&opts));
  CHECK_OK(gmmot_interrupt_create(&flag));
  CHECK_OK(gmmot_options_set_interrupt(opts, flag));
  CHECK_OK(gmmot_interrupt_raise(flag));
  CHECK_ERROR(gmmot_colour_transfer(src, W, H, tgt, W, H, opts, out, N, NULL, 0), GMMOT_E_CANCELLED,
              fn, NULL);
  CHECK_ERROR(gmmot_colour_regularize(src, W, H, tgt, opts, out, N, NULL), GMMOT_E_CANCELLED,
              "gmmot_colour_regularize", NULL);
  CHECK_UNTOUCHED(out, N);
  CHECK_OK(gmmot_options_set_interrupt(opts, NULL));
  gmmot_interrupt_destroy(flag);
  gmmot_options_destroy(opts);
}

void test_colour(void) {
  static double src[N], tgt[N];
  images(src, tgt);
  transfer_and_info(src, tgt);
  decomposition(src, tgt);
  em_options_pass_through(src, tgt);
  student_t_joint(src, tgt);
  errors_and_cancel(src, tgt);
}
