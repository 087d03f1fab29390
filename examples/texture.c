/* SPDX-License-Identifier: MIT */
/* gmmot-texture: texture synthesis from an exemplar photograph with the MW2 transport of patch
 * mixtures (Delon & Desolneux 2020, section 7.2, Fig. 12), using only the public C API
 * (gmmot_texture_synthesize, gmmot_texture_adsn):
 *   the ADSN (the Gaussian texture with the exemplar's mean and covariance), K-component
 *   mixtures of the P x P patches of the exemplar and of the ADSN, the MW2 plan between them,
 *   T_mean on every patch of the ADSN, output pixels as the mean of the overlapping patches.
 * Prints progress on stderr (one line per stage) and, on success, one line in the benchmark
 * format of bench/ with the seconds of each stage. */
#include <gmmot/gmmot.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_cli.h"
#include "image_io.h"

typedef struct {
  const char *exemplar, *output, *adsn_output;
  size_t width, height; /* 0: twice the exemplar's */
  long long k, patch, fit_patches, seed, threads;
  int quiet;
} arguments;

static const char kUsage[] =
    "usage: gmmot-texture EXEMPLAR OUTPUT.png [--size WxH] [--k K] [--patch P]\n"
    "                     [--fit-patches N] [--seed S] [--threads T] [--adsn FILE.png]\n"
    "                     [--quiet]\n";

static const char kHelp[] =
    "\n"
    "Synthesise a texture like EXEMPLAR (a PNG or JPEG photograph of a texture) and write it\n"
    "to OUTPUT.png. The exemplar's Gaussian texture (ADSN: its mean and covariance, random\n"
    "phases) is drawn, then each of its P x P colour patches is moved by the MW2 transport map\n"
    "between two K-component Gaussian mixtures, one of the ADSN's patches and one of the\n"
    "exemplar's, and each output pixel is the mean of the moved patches that cover it\n"
    "(Delon & Desolneux 2020, section 7.2).\n"
    "\n"
    "Options (default in brackets):\n"
    "  --size WxH       output size in pixels [twice the exemplar's]\n"
    "  --k K            components of both patch mixtures, 1 to 1000 [10]\n"
    "  --patch P        patch side in pixels, 1 to 16 [3]\n"
    "  --fit-patches N  patches drawn at random for each mixture fit, 0 = all [5000]\n"
    "  --seed S         seed of the noise, the patch samples and the EM starts [0]; the same\n"
    "                   seed gives the same output whatever --threads\n"
    "  --threads T      worker threads, 0 = all cores [0]\n"
    "  --adsn FILE.png  also write the ADSN that was transported (the \"before\" image)\n"
    "  --quiet          no progress lines on standard error\n"
    "  -h, --help       print this help and exit\n"
    "\n"
    "On success one line in the benchmark format of bench/ is printed, with the seconds of\n"
    "each stage. Exit status: 0 success, 1 failure (the message names the libgmmot call and\n"
    "the reason), 2 bad command line.\n";

static const char *const kStageNames[GMMOT_TEXTURE_STAGE_COUNT] = {
    "adsn", "patches", "fit_exemplar", "fit_adsn", "plan", "map", "aggregate"};

static int on_progress(void *user, int stage, uint64_t done, uint64_t total, double value) {
  const double *start = (const double *)user;
  (void)value;
  if (stage == GMMOT_STAGE_TEXTURE && done > 0) {
    fprintf(stderr, "%s: [%llu/%llu] %s done (%.2f s)\n", cli_program(), (unsigned long long)done,
            (unsigned long long)total, kStageNames[done - 1], cli_now() - *start);
  }
  return 0;
}

static int parse_size(const char *text, size_t *w, size_t *h) {
  char *end = NULL;
  unsigned long a, b;
  if (text == NULL || *text < '1' || *text > '9') return -1;
  a = strtoul(text, &end, 10);
  if (*end != 'x' || end[1] < '1' || end[1] > '9') return -1;
  b = strtoul(end + 1, &end, 10);
  if (*end != '\0' || a > 16384 || b > 16384) return -1;
  *w = (size_t)a;
  *h = (size_t)b;
  return 0;
}

static int parse(int argc, char **argv, arguments *a) {
  const char *arg, *value;
  int i, positional = 0;
  memset(a, 0, sizeof *a);
  a->k = 10;
  a->patch = 3;
  a->fit_patches = 5000;
  for (i = 1; cli_arg(argc, argv, i, &arg, &value); ++i) {
    if (strcmp(arg, "--quiet") == 0) {
      a->quiet = 1;
      continue;
    }
    if (strcmp(arg, "--size") == 0 || strcmp(arg, "--k") == 0 || strcmp(arg, "--patch") == 0 ||
        strcmp(arg, "--fit-patches") == 0 || strcmp(arg, "--seed") == 0 ||
        strcmp(arg, "--threads") == 0 || strcmp(arg, "--adsn") == 0) {
      if (value == NULL) return cli_usage("an option is missing its value");
      ++i;
      if (strcmp(arg, "--size") == 0) {
        if (parse_size(value, &a->width, &a->height) != 0)
          return cli_bad_value("--size", value, "WxH, two integers from 1 to 16384 (e.g. 256x256)");
      } else if (strcmp(arg, "--adsn") == 0) {
        a->adsn_output = value;
      } else if (strcmp(arg, "--k") == 0) {
        if ((a->k = cli_parse_range(value, 1, 1000)) < 0)
          return cli_bad_value("--k", value, "an integer from 1 to 1000");
      } else if (strcmp(arg, "--patch") == 0) {
        if ((a->patch = cli_parse_range(value, 1, 16)) < 0)
          return cli_bad_value("--patch", value, "an integer from 1 to 16");
      } else if (strcmp(arg, "--fit-patches") == 0) {
        if ((a->fit_patches = cli_parse_range(value, 0, 1000000000000LL)) < 0)
          return cli_bad_value("--fit-patches", value, "an integer >= 0");
      } else if (strcmp(arg, "--seed") == 0) {
        if ((a->seed = cli_parse_range(value, 0, 9007199254740992LL)) < 0)
          return cli_bad_value("--seed", value, "an integer from 0 to 2^53 (9007199254740992)");
      } else if ((a->threads = cli_parse_range(value, 0, 1024)) < 0) {
        return cli_bad_value("--threads", value, "an integer from 0 to 1024");
      }
    } else if (arg[0] == '-' && arg[1] == '-') {
      return cli_unknown_option(arg);
    } else if (positional == 0) {
      a->exemplar = arg, ++positional;
    } else if (positional == 1) {
      a->output = arg, ++positional;
    } else {
      return cli_usage("too many file arguments");
    }
  }
  return positional == 2 ? 0 : cli_usage("EXEMPLAR and OUTPUT.png are required");
}

int main(int argc, char **argv) {
  arguments a;
  rgb_image ex = {0, 0, NULL};
  gmmot_options_t *opts = NULL;
  double *out = NULL, seconds[GMMOT_TEXTURE_STAGE_COUNT], start, total;
  size_t n;
  int status, rc = 1, s;

  cli_init("gmmot-texture", kUsage, kHelp);
  image_io_program = "gmmot-texture";
  if (parse(argc, argv, &a) != 0) return 2;
  if (load_rgb(a.exemplar, 1, &ex) != 0) return 1;
  if (a.width == 0) a.width = 2 * ex.width, a.height = 2 * ex.height;
  n = a.width * a.height * 3;
  out = (double *)malloc(n * sizeof *out);
  if (out == NULL) {
    free_rgb(&ex);
    return cli_out_of_memory();
  }
  start = cli_now();
  if ((status = gmmot_options_create(&opts)) != 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_TEXTURE_COMPONENTS, a.k)) != 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_TEXTURE_PATCH, a.patch)) != 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_TEXTURE_FIT_PATCHES, a.fit_patches)) != 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_SEED, a.seed)) != 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, a.threads)) != 0 ||
      (!a.quiet && (status = gmmot_options_set_progress(opts, on_progress, &start)) != 0)) {
    rc = cli_fail("gmmot_options", status);
    goto done;
  }
  status = gmmot_texture_synthesize(ex.rgb, ex.width, ex.height, 3, a.width, a.height, opts, out, n,
                                    seconds, GMMOT_TEXTURE_STAGE_COUNT);
  total = cli_now() - start;
  if (status < 0) {
    rc = cli_fail("gmmot_texture_synthesize", status);
    goto done;
  }
  if (status > 0) fprintf(stderr, "%s: warning: %s\n", cli_program(), gmmot_last_error_message());
  if (save_rgb_png(a.output, a.width, a.height, out) != 0) goto done;
  if (a.adsn_output != NULL) {
    status = gmmot_texture_adsn(ex.rgb, ex.width, ex.height, 3, a.width, a.height, opts, out, n);
    if (status < 0) {
      rc = cli_fail("gmmot_texture_adsn", status);
      goto done;
    }
    if (save_rgb_png(a.adsn_output, a.width, a.height, out) != 0) goto done;
  }
  printf(
      "case=texture_synthesis impl=libgmmot n=exemplar:%lux%lu;out:%lux%lu;k:%lld;patch:%lld "
      "seconds=%.4f extra=",
      (unsigned long)ex.width, (unsigned long)ex.height, (unsigned long)a.width,
      (unsigned long)a.height, a.k, a.patch, total);
  for (s = 0; s < GMMOT_TEXTURE_STAGE_COUNT; ++s)
    printf("%s%s:%.4f", s > 0 ? ";" : "", kStageNames[s], seconds[s]);
  printf("\n");
  rc = 0;
done:
  gmmot_options_destroy(opts);
  free(out);
  free_rgb(&ex);
  return rc;
}
