/* SPDX-License-Identifier: MIT */
/* gmmot/texture.h through the C ABI: the argument checks (each error names its argument and
 * writes nothing), the stage timings, the progress stage and cancellation, the ADSN's mean
 * (the exemplar's, to sampling error over the window), determinism over thread counts. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

void test_texture(void);

enum { EW = 16, EH = 12, C = 3, OW = 20, OH = 18 };

/* A striped exemplar with a little structure in every channel. */
static void make_exemplar(double *u) {
  size_t x, y;
  for (y = 0; y < EH; ++y)
    for (x = 0; x < EW; ++x) {
      double *p = u + (y * EW + x) * C;
      p[0] = 0.5 + 0.4 * sin(0.9 * (double)x + 0.3 * (double)y);
      p[1] = ((x / 3 + y / 2) % 2) ? 0.8 : 0.2;
      p[2] = 0.1 * (double)(x % 5);
    }
}

typedef struct {
  int texture_reports;
  uint64_t last_done;
  int ordered;
  int cancel_at; /* cancel when GMMOT_STAGE_TEXTURE reports this done; -1 never */
} progress_state;

static int on_progress(void *user, int stage, uint64_t done, uint64_t total, double value) {
  progress_state *s = (progress_state *)user;
  (void)value;
  if (stage != GMMOT_STAGE_TEXTURE) return 0;
  if (total != GMMOT_TEXTURE_STAGE_COUNT) s->ordered = 0;
  if (s->texture_reports > 0 && done != s->last_done + 1) s->ordered = 0;
  s->last_done = done;
  s->texture_reports++;
  return s->cancel_at >= 0 && done == (uint64_t)s->cancel_at;
}

void test_texture(void) {
  static double u[EW * EH * C], out[OW * OH * C], out2[OW * OH * C], adsn[OW * OH * C];
  double seconds[GMMOT_TEXTURE_STAGE_COUNT], mean[C] = {0, 0, 0}, amean[C] = {0, 0, 0};
  gmmot_options_t *opts = NULL;
  progress_state ps;
  size_t i;
  int k;
  const size_t n = OW * OH * C;
  make_exemplar(u);
  CHECK_OK(gmmot_options_create(&opts));
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_TEXTURE_COMPONENTS, 4));

  /* Bad input: each names its argument, nothing is written. */
  h_fill(out, n);
  CHECK_ERROR(gmmot_texture_synthesize(NULL, EW, EH, C, OW, OH, opts, out, n, NULL, 0),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_texture_synthesize", "exemplar");
  CHECK_ERROR(gmmot_texture_synthesize(u, EW, EH, C, OW, OH, opts, NULL, n, NULL, 0),
              GMMOT_E_INVALID_ARGUMENT, "gmmot_texture_synthesize", "out");
  CHECK_ERROR(gmmot_texture_synthesize(u, 0, EH, C, OW, OH, opts, out, n, NULL, 0),
              GMMOT_E_DIMENSION, "gmmot_texture_synthesize", "width");
  CHECK_ERROR(gmmot_texture_synthesize(u, EW, 0, C, OW, OH, opts, out, n, NULL, 0),
              GMMOT_E_DIMENSION, "gmmot_texture_synthesize", "height");
  CHECK_ERROR(gmmot_texture_synthesize(u, EW, EH, 0, OW, OH, opts, out, n, NULL, 0),
              GMMOT_E_DIMENSION, "gmmot_texture_synthesize", "channels");
  CHECK_ERROR(gmmot_texture_synthesize(u, EW, EH, C, 0, OH, opts, out, n, NULL, 0),
              GMMOT_E_DIMENSION, "gmmot_texture_synthesize", "out_width");
  CHECK_ERROR(gmmot_texture_synthesize(u, EW, EH, C, OW, 0, opts, out, n, NULL, 0),
              GMMOT_E_DIMENSION, "gmmot_texture_synthesize", "out_height");
  CHECK_ERROR(gmmot_texture_synthesize(u, 2, EH, C, OW, OH, opts, out, n, NULL, 0),
              GMMOT_E_DIMENSION, "gmmot_texture_synthesize", "patch");
  CHECK_ERROR(gmmot_texture_synthesize(u, EW, EH, C, OW, OH, opts, out, n - 1, NULL, 0),
              GMMOT_E_BUFFER_TOO_SMALL, "gmmot_texture_synthesize", "out_len");
  CHECK_ERROR(gmmot_texture_synthesize(u, EW, EH, C, OW, OH, opts, out, n, seconds, 6),
              GMMOT_E_BUFFER_TOO_SMALL, "gmmot_texture_synthesize", "seconds_len");
  u[(2 * EW + 3) * C + 1] = NAN;
  CHECK_ERROR_AT(gmmot_texture_synthesize(u, EW, EH, C, OW, OH, opts, out, n, NULL, 0),
                 GMMOT_E_NONFINITE, "gmmot_texture_synthesize", "exemplar", (2 * EW + 3) * C + 1);
  CHECK_ERROR_AT(gmmot_texture_adsn(u, EW, EH, C, OW, OH, opts, out, n), GMMOT_E_NONFINITE,
                 "gmmot_texture_adsn", "exemplar", (2 * EW + 3) * C + 1);
  make_exemplar(u);
  CHECK_ERROR(gmmot_texture_adsn(u, EW, EH, C, OW, OH, opts, out, n - 1), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_texture_adsn", "out_len");
  /* An output needing hundreds of GiB of working memory is refused before anything is
   * allocated (the capacity passed is the size asked for: the call must not write). */
  CHECK_ERROR(gmmot_texture_synthesize(u, EW, EH, C, (size_t)1 << 20, (size_t)1 << 12, opts, out,
                                       ((size_t)1 << 32) * C, NULL, 0),
              GMMOT_E_TOO_LARGE, "gmmot_texture_synthesize", "out_width x out_height");
  CHECK_ERROR(gmmot_texture_adsn(u, EW, EH, C, (size_t)1 << 20, (size_t)1 << 12, opts, out,
                                 ((size_t)1 << 32) * C),
              GMMOT_E_TOO_LARGE, "gmmot_texture_adsn", "GiB");
  CHECK_UNTOUCHED(out, n);

  /* A run with timings; every value finite, every stage timed. */
  CHECK_OK(gmmot_texture_synthesize(u, EW, EH, C, OW, OH, opts, out, n, seconds,
                                    GMMOT_TEXTURE_STAGE_COUNT));
  for (i = 0; i < n; ++i)
    if (!isfinite(out[i])) break;
  CHECK(i == n);
  for (k = 0; k < GMMOT_TEXTURE_STAGE_COUNT; ++k) CHECK(seconds[k] >= 0 && seconds[k] < 60);

  /* Same seed, other thread count, timings not asked: the same bits. */
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, 1));
  CHECK_OK(gmmot_texture_synthesize(u, EW, EH, C, OW, OH, opts, out2, n, NULL, 0));
  CHECK(memcmp(out, out2, sizeof out) == 0);
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, 2));

  /* The ADSN keeps the exemplar's mean: over the 20 x 18 window of a field whose correlations
   * reach 16 x 12 pixels, the window mean is within 0.25 of it per channel (its standard
   * deviation is at most the exemplar's, below 0.4 here, and the window averages a few
   * independent regions); the synthesis's too (T_mean moves patches to the exemplar's). */
  CHECK_OK(gmmot_texture_adsn(u, EW, EH, C, OW, OH, opts, adsn, n));
  for (i = 0; i < (size_t)(EW * EH); ++i)
    for (k = 0; k < C; ++k) mean[k] += u[i * C + (size_t)k] / (EW * EH);
  for (i = 0; i < (size_t)(OW * OH); ++i)
    for (k = 0; k < C; ++k) amean[k] += adsn[i * C + (size_t)k] / (OW * OH);
  for (k = 0; k < C; ++k) CHECK_NEAR(amean[k], mean[k], 0, 0.25);

  /* Progress: GMMOT_STAGE_TEXTURE 0, 1, ..., 7; cancellation at stage 3 writes nothing. */
  memset(&ps, 0, sizeof ps);
  ps.ordered = 1;
  ps.cancel_at = -1;
  CHECK_OK(gmmot_options_set_progress(opts, on_progress, &ps));
  CHECK_OK(gmmot_texture_synthesize(u, EW, EH, C, OW, OH, opts, out2, n, NULL, 0));
  CHECK(ps.texture_reports == GMMOT_TEXTURE_STAGE_COUNT + 1 && ps.ordered);
  CHECK(memcmp(out, out2, sizeof out) == 0);
  memset(&ps, 0, sizeof ps);
  ps.ordered = 1;
  ps.cancel_at = 3;
  h_fill(out2, n);
  h_fill(seconds, GMMOT_TEXTURE_STAGE_COUNT);
  CHECK_ERROR(gmmot_texture_synthesize(u, EW, EH, C, OW, OH, opts, out2, n, seconds,
                                       GMMOT_TEXTURE_STAGE_COUNT),
              GMMOT_E_CANCELLED, "gmmot_texture_synthesize", NULL);
  CHECK_UNTOUCHED(out2, n);
  CHECK_UNTOUCHED(seconds, GMMOT_TEXTURE_STAGE_COUNT);
  CHECK_OK(gmmot_options_set_progress(opts, NULL, NULL));

  /* An EM cap of one iteration: a warning, the output written. */
  CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS, 1));
  h_fill(out2, n);
  CHECK_STATUS(gmmot_texture_synthesize(u, EW, EH, C, OW, OH, opts, out2, n, NULL, 0),
               GMMOT_W_NOT_CONVERGED);
  CHECK(!h_untouched(out2, 1));
  gmmot_options_destroy(opts);
}
