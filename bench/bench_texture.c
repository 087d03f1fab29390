/* SPDX-License-Identifier: MIT */
/* Texture synthesis (gmmot_texture_synthesize) on a shipped exemplar:
 *   bench_texture EXEMPLAR [--size WxH] [--threads T]
 * prints one line
 *   case=texture_synthesis impl=libgmmot n=exemplar:MxN;out:WxH;k:10;patch:3 seconds=<median of 5>
 *   extra=threads:T;cpu_seconds:<process CPU time of the median run>;<stage>:<seconds>;...
 * with the stage split (gmmot_texture_stage) of the median run. A warm-up run first. */
#define _POSIX_C_SOURCE 200809L
#define BENCH_PROGRAM "bench_texture"
#include <gmmot/gmmot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_common.h"
#include "image_io.h"

static const char *const kStages[GMMOT_TEXTURE_STAGE_COUNT] = {
    "adsn", "patches", "fit_exemplar", "fit_adsn", "plan", "map", "aggregate"};

static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
  rgb_image ex = {0, 0, NULL};
  unsigned long ow = 256, oh = 256;
  long threads = 2;
  int i, r, order[NRUNS];
  double wall[NRUNS], cpu[NRUNS], stages[NRUNS][GMMOT_TEXTURE_STAGE_COUNT], sorted[NRUNS];
  gmmot_options_t *opts = NULL;
  double *out;
  if (argc < 2) fail("usage: bench_texture EXEMPLAR [--size WxH] [--threads T]\n");
  for (i = 2; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--size") == 0) {
      if (sscanf(argv[i + 1], "%lux%lu", &ow, &oh) != 2 || ow == 0 || oh == 0)
        fail("bad --size %s\n", argv[i + 1]);
    } else if (strcmp(argv[i], "--threads") == 0) {
      threads = atol(argv[i + 1]);
    } else {
      fail("unknown option %s\n", argv[i]);
    }
  }
  image_io_program = BENCH_PROGRAM;
  if (load_rgb(argv[1], 1, &ex) != 0) return 1;
  out = (double *)malloc(ow * oh * 3 * sizeof *out);
  if (out == NULL) fail("out of memory\n");
  gmmot_options_create(&opts);
  gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, threads);
  for (r = -1; r < NRUNS; ++r) {
    double t0 = now_seconds(), c0 = cpu_seconds(), s[GMMOT_TEXTURE_STAGE_COUNT];
    const int st = gmmot_texture_synthesize(ex.rgb, ex.width, ex.height, 3, ow, oh, opts, out,
                                            ow * oh * 3, s, GMMOT_TEXTURE_STAGE_COUNT);
    if (st < 0) fail("gmmot_texture_synthesize: %s\n", gmmot_last_error_message());
    if (r < 0) continue; /* warm-up */
    wall[r] = now_seconds() - t0;
    cpu[r] = cpu_seconds() - c0;
    memcpy(stages[r], s, sizeof s);
  }
  memcpy(sorted, wall, sizeof wall);
  median(sorted, NRUNS);
  for (r = 0; r < NRUNS; ++r) order[r] = wall[r] == sorted[NRUNS / 2];
  for (r = 0; r < NRUNS && !order[r]; ++r) {
  }
  printf(
      "case=texture_synthesis impl=libgmmot n=exemplar:%lux%lu;out:%lux%lu;k:10;patch:3 "
      "seconds=%.4f extra=threads:%ld;cpu_seconds:%.4f",
      (unsigned long)ex.width, (unsigned long)ex.height, ow, oh, wall[r], threads, cpu[r]);
  for (i = 0; i < GMMOT_TEXTURE_STAGE_COUNT; ++i) printf(";%s:%.4f", kStages[i], stages[r][i]);
  printf("\n");
  gmmot_options_destroy(opts);
  free(out);
  free_rgb(&ex);
  return 0;
}
