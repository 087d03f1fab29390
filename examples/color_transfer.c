/* SPDX-License-Identifier: MIT */
/* gmmot-color-transfer: colour transfer between two photographs with the MW2 transport map
 * (Delon & Desolneux 2020, section 7.1): a thin shell around gmmot_colour_transfer
 * (gmmot/colour.h), which fits both palettes, computes the MW2 plan, maps every source pixel,
 * regularises the colour change with the guided filter and clips. The program reads and writes
 * the images, parses the options, prints progress on long runs and the timing of every stage.
 * With --method relaxed the mixtures and their plan come from one KL-relaxed coupled fit of
 * both pixel clouds (section 6.2; gmmot_relaxed_create with lambda = --lambda), mapped here and
 * regularised by gmmot_colour_regularize.
 * Usage: see kUsage and kHelp below (gmmot-color-transfer --help). */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "example_cli.h"
#include "image_io.h"
#include "palette.h"

typedef struct {
  const char *source, *target, *output;
  size_t k;
  size_t fit_points; /* 0: all pixels */
  int map_rand;
  int relaxed; /* --method relaxed */
  double lambda;
  uint64_t seed;
  int threads;
  int shrink;
  int space; /* a gmmot_colour_space */
  int regularize;
  long long radius; /* 0: automatic */
  double eps;
  int quiet;
  int student_t; /* --family t */
  double nu;     /* --nu: 0 = estimated */
} arguments;

static const char kUsage[] =
    "usage: gmmot-color-transfer SOURCE TARGET OUTPUT [--k K] [--method em|relaxed]\n"
    "                            [--lambda L] [--fit-points N | --fit-all] [--map mean|rand]\n"
    "                            [--space rgb|lab|ycbcr] [--no-regularize] [--radius R]\n"
    "                            [--eps E] [--seed S] [--threads T] [--shrink F] [--quiet]\n"
    "                            [--family gaussian|t] [--nu NU]\n";

static const char kAbout[] =
    "\n"
    "Recolour SOURCE with the colour palette of TARGET and write the result to OUTPUT (PNG).\n"
    "The colours of each image are fitted with a K-component Gaussian mixture (EM), the two\n"
    "mixtures are matched by the MW2 optimal transport plan (Delon & Desolneux 2020), every\n"
    "source pixel is moved by the plan's transport map, the colour change is regularised with\n"
    "the source as guide (guided filter, He et al. 2010; as Rabin, Delon & Gousseau 2011, the\n"
    "paper's reference [24]): no bands in smooth skies, no amplified JPEG blocks; then clipped\n"
    "to [0, 1]. All of it is one libgmmot call, gmmot_colour_transfer. With --method relaxed\n"
    "one coupled mixture of both pixel clouds is fitted instead (section 6.2), and its plan,\n"
    "which pairs component k of the source side with component k of the target side, gives\n"
    "the map (in RGB), regularised by gmmot_colour_regularize.\n"
    "SOURCE and TARGET are PNG or JPEG files (RGB or RGBA; alpha is ignored).\n"
    "\n";

static const char kHelp[] =
    "Options (default in brackets):\n"
    "  --k K           components of each mixture (relaxed: of the coupled fit) [10]; more\n"
    "                  follows finer colour structure at the cost of fit time\n"
    "  --method em|relaxed  how the two mixtures and their plan are made [em]: em = an EM\n"
    "                  fit of each image, then the MW2 plan between the fits; relaxed = one\n"
    "                  KL-relaxed coupled fit of both images (Delon & Desolneux 2020, section\n"
    "                  6.2), K paired components whose plan gives the map\n"
    "  --lambda L      relaxed only: the weight of the likelihood against the transport cost,\n"
    "                  relative to the data scale, > 0 [1]; large L fits each image closely\n"
    "                  (the paired components share their weights), small L makes the paired\n"
    "                  colours closer (a gentler transfer)\n"
    "  --fit-points N  fit each mixture on N pixels drawn at random (seeded by --seed) [100000];\n"
    "                  the map is still applied to every pixel\n"
    "  --fit-all       fit on every pixel instead of a sample\n"
    "  --map mean|rand the transport map [mean]: mean = T_mean, the conditional expectation of\n"
    "                  the optimal coupling (smooth); rand = T_rand, a random draw per pixel\n"
    "  --space rgb|lab|ycbcr  the colour space of the fits and the map (em only) [rgb]: lab =\n"
    "                  CIELAB (perceptual, lightness apart from chroma), ycbcr = JPEG's luma\n"
    "                  and chroma axes\n"
    "  --no-regularize keep the map's colours as they are (only clipped): shows the banding\n"
    "                  and block artefacts that the regularisation removes\n"
    "  --radius R      the guided filter's window radius in pixels, 0 = 1% of the shorter\n"
    "                  side, at least 2 [0]\n"
    "  --eps E         the guided filter's epsilon in squared colour units (colours from 0\n"
    "                  to 1), 1e-12 to 1000 [0.001]:\n"
    "                  smaller follows the map more closely, larger smooths more\n"
    "  --seed S        seed of the pixel sample, of the EM (k-means++) starts and of T_rand [0];\n"
    "                  the same seed gives the same output whatever --threads\n"
    "  --threads T     worker threads, 0 = all cores [0]\n"
    "  --shrink F      first average F x F pixel boxes of both images, 1 to 64 [1] (for quick\n"
    "                  previews; OUTPUT then has the reduced size)\n"
    "  --quiet         no progress messages on standard error\n"
    "  --family gaussian|t  em only: the component family [gaussian]; t = Student-t mixtures,\n"
    "                  robust to outlying colours; both images are then fitted jointly so that\n"
    "                  they share one degrees-of-freedom nu (MW2 compares mixtures of one nu)\n"
    "  --nu NU         with --family t: the degrees of freedom, 0 = estimated jointly, or a\n"
    "                  fixed number > 2 [0]\n"
    "  -h, --help      print this help and exit\n"
    "\n"
    "Runs longer than a second report their progress (stage, EM iteration) on standard error.\n"
    "On success one line in the benchmark format of bench/ is printed (total seconds and the\n"
    "seconds of every stage: reading, fits, plan, map, regularisation, writing; the CPU\n"
    "seconds of the process, cpu_s; the MW2^2 between the mixtures (relaxed: the cost of the\n"
    "fit's plan), EM or relaxed-fit iterations).\n"
    "Exit status: 0 success, 1 failure (the message names the libgmmot call and the reason), 2\n"
    "bad command line.\n";

/* A positive integer option value, or 0 when it is not one. */
static unsigned long long parse_count(const char *text) {
  const long long v = cli_parse_range(text, 1, 1000000000000LL);
  return v > 0 ? (unsigned long long)v : 0;
}

/* A positive finite number, or 0 when it is not one. */
static double parse_positive(const char *text) {
  double v;
  return cli_parse_number(text, 0.0, HUGE_VAL, &v) && v > 0.0 ? v : 0.0;
}

static int parse_space(const char *value) {
  if (strcmp(value, "rgb") == 0) return GMMOT_COLOUR_RGB;
  if (strcmp(value, "lab") == 0) return GMMOT_COLOUR_LAB;
  if (strcmp(value, "ycbcr") == 0) return GMMOT_COLOUR_YCBCR;
  return -1;
}

static const char *space_name(int space) {
  return space == GMMOT_COLOUR_LAB ? "lab" : space == GMMOT_COLOUR_YCBCR ? "ycbcr" : "rgb";
}

static int parse(int argc, char **argv, arguments *a) {
  static const arguments kDefaults = {.k = 10,
                                      .fit_points = 100000,
                                      .threads = 0,
                                      .shrink = 1,
                                      .lambda = 1.0,
                                      .space = GMMOT_COLOUR_RGB,
                                      .regularize = 1,
                                      .eps = 1e-3};
  const char *arg, *value;
  int i, positional = 0;
  *a = kDefaults;
  for (i = 1; cli_arg(argc, argv, i, &arg, &value); ++i) {
    if (strcmp(arg, "--fit-all") == 0) {
      a->fit_points = 0;
    } else if (strcmp(arg, "--no-regularize") == 0) {
      a->regularize = 0;
    } else if (strcmp(arg, "--quiet") == 0) {
      a->quiet = 1;
    } else if (strcmp(arg, "--k") == 0 || strcmp(arg, "--fit-points") == 0 ||
               strcmp(arg, "--seed") == 0 || strcmp(arg, "--threads") == 0 ||
               strcmp(arg, "--shrink") == 0 || strcmp(arg, "--map") == 0 ||
               strcmp(arg, "--method") == 0 || strcmp(arg, "--lambda") == 0 ||
               strcmp(arg, "--space") == 0 || strcmp(arg, "--radius") == 0 ||
               strcmp(arg, "--eps") == 0 || strcmp(arg, "--family") == 0 ||
               strcmp(arg, "--nu") == 0) {
      unsigned long long v;
      if (value == NULL) return cli_usage("an option is missing its value");
      ++i;
      if (strcmp(arg, "--method") == 0) {
        if ((a->relaxed = cli_choice(value, "em", "relaxed")) < 0)
          return cli_bad_value("--method", value, "em or relaxed");
        continue;
      }
      if (strcmp(arg, "--family") == 0) {
        if ((a->student_t = cli_choice(value, "gaussian", "t")) < 0)
          return cli_bad_value("--family", value, "gaussian or t");
        continue;
      }
      if (strcmp(arg, "--nu") == 0) {
        double v2;
        if (!cli_parse_number(value, 0.0, 1e300, &v2) || (v2 != 0.0 && v2 <= 2.0))
          return cli_bad_value("--nu", value, "0 (estimate) or a number > 2");
        a->nu = v2;
        continue;
      }
      if (strcmp(arg, "--space") == 0) {
        if ((a->space = parse_space(value)) < 0)
          return cli_bad_value("--space", value, "rgb, lab or ycbcr");
        continue;
      }
      if (strcmp(arg, "--lambda") == 0) {
        if ((a->lambda = parse_positive(value)) == 0.0)
          return cli_bad_value("--lambda", value, "a positive number");
        continue;
      }
      if (strcmp(arg, "--eps") == 0) {
        if ((a->eps = parse_positive(value)) == 0.0 || a->eps < 1e-12 || a->eps > 1e3)
          return cli_bad_value("--eps", value, "a number from 1e-12 to 1000");
        continue;
      }
      if (strcmp(arg, "--radius") == 0) {
        if ((a->radius = cli_parse_range(value, 0, 100000)) < 0)
          return cli_bad_value("--radius", value, "an integer from 0 to 100000");
        continue;
      }
      if (strcmp(arg, "--map") == 0) {
        if ((a->map_rand = cli_choice(value, "mean", "rand")) < 0)
          return cli_bad_value("--map", value, "mean or rand");
        continue;
      }
      v = parse_count(value);
      if (strcmp(arg, "--seed") == 0) {
        /* GMMOT_OPT_SEED's range: every seed below 2^53 is exact in a double. */
        const long long s = cli_parse_range(value, 0, 9007199254740992LL);
        if (s < 0)
          return cli_bad_value("--seed", value, "an integer from 0 to 2^53 (9007199254740992)");
        a->seed = (uint64_t)s;
      } else if (strcmp(arg, "--threads") == 0) {
        if (v == 0 && strcmp(value, "0") != 0)
          return cli_bad_value("--threads", value, "an integer >= 0");
        if (v > 1024) return cli_bad_value("--threads", value, "at most 1024");
        a->threads = (int)v;
      } else if (v == 0) {
        return cli_bad_value(arg, value, "a positive integer");
      } else if (strcmp(arg, "--k") == 0) {
        a->k = (size_t)v;
      } else if (strcmp(arg, "--fit-points") == 0) {
        a->fit_points = (size_t)v;
      } else {
        if (v > 64) return cli_bad_value("--shrink", value, "at most 64");
        a->shrink = (int)v;
      }
    } else if (arg[0] == '-' && arg[1] == '-') {
      return cli_unknown_option(arg);
    } else if (positional == 0) {
      a->source = arg, ++positional;
    } else if (positional == 1) {
      a->target = arg, ++positional;
    } else if (positional == 2) {
      a->output = arg, ++positional;
    } else {
      return cli_usage("too many file arguments");
    }
  }
  if (positional != 3) return cli_usage("SOURCE, TARGET and OUTPUT are required");
  if (a->student_t && a->relaxed) return cli_usage("--family t needs --method em");
  if (a->nu != 0.0 && !a->student_t) return cli_usage("--nu needs --family t");
  return 0;
}

/* Progress on standard error once a run has taken a second, at most twice a second. */
typedef struct {
  double start, last;
  int quiet;
  const char *step;
  int joint; /* --family t with nu estimated: one joint fit of both palettes (steps 0 and 1) */
} progress_state;

static const char *const kSteps[] = {"fitting the source palette",     "fitting the target palette",
                                     "computing the MW2 plan",         "mapping the pixels",
                                     "regularising the colour change", "done"};

static int on_progress(void *user_data, int stage, uint64_t done, uint64_t total, double value) {
  progress_state *p = (progress_state *)user_data;
  const double now = cli_now();
  if (stage == GMMOT_STAGE_COLOUR && done < 6)
    p->step = done == 0 && p->joint ? "fitting both palettes (one shared nu)" : kSteps[done];
  if (p->quiet || now - p->start < 1.0 || now - p->last < 0.5) return 0;
  p->last = now;
  if (stage == GMMOT_STAGE_EM || stage == GMMOT_STAGE_RELAXED) {
    fprintf(stderr, "%s: %.1f s: %s, iteration %llu of at most %llu (%.6g)\n", cli_program(),
            now - p->start, p->step != NULL ? p->step : "fitting", (unsigned long long)done,
            (unsigned long long)total, value);
  } else if (p->step != NULL && stage != GMMOT_STAGE_COLOUR) {
    fprintf(stderr, "%s: %.1f s: %s\n", cli_program(), now - p->start, p->step);
  }
  return 0;
}

/* The relaxed path: one coupled fit of both pixel samples, then its plan (the MW2 handle the
 * maps take). */
static int fit_relaxed(const arguments *a, const gmmot_options_t *opts, const rgb_image *src,
                       const rgb_image *tgt, gmmot_mw2_t **plan, uint64_t *iterations) {
  gmmot_relaxed_t *r = NULL;
  size_t n0 = 0, n1 = 0;
  int status;
  double *p0 = palette_sample(src, a->fit_points, a->seed, &n0);
  double *p1 = p0 != NULL ? palette_sample(tgt, a->fit_points, a->seed, &n1) : NULL;
  if (p1 == NULL) {
    free(p0);
    return cli_out_of_memory();
  }
  status = gmmot_relaxed_create(p0, n0, p1, n1, 3, NULL, NULL, opts, &r);
  free(p0);
  free(p1);
  if (status < 0) return cli_fail("gmmot_relaxed_create", status);
  gmmot_relaxed_info(r, iterations, NULL, NULL, NULL);
  status = gmmot_relaxed_plan(r, plan);
  gmmot_relaxed_destroy(r); /* the plan shares the fit's marginals */
  return status < 0 ? cli_fail("gmmot_relaxed_plan", status) : 0;
}

/* --method relaxed: the coupled fit, its map on every pixel, then the library's
 * regularisation. Fills info like gmmot_colour_transfer. */
static int transfer_relaxed(const arguments *a, const gmmot_options_t *opts, const rgb_image *src,
                            const rgb_image *tgt, double *out, double info[]) {
  gmmot_mw2_t *plan = NULL;
  const size_t n = src->width * src->height;
  double *mapped = NULL, t = cli_now(), mw2sq = 0.0;
  uint64_t iterations = 0;
  size_t radius = 0;
  int status, rc = 1;
  if (fit_relaxed(a, opts, src, tgt, &plan, &iterations) != 0) return 1;
  gmmot_mw2_distance(plan, &mw2sq, NULL);
  /* one fit for both images: its time is reported as fit_src_s, fit_tgt_s and mw2_s are 0 */
  info[GMMOT_COLOUR_INFO_FIT_SOURCE_SECONDS] = cli_now() - t;
  info[GMMOT_COLOUR_INFO_MW2_SQUARED] = mw2sq;
  info[GMMOT_COLOUR_INFO_EM_ITERATIONS_SOURCE] = (double)iterations;
  t = cli_now();
  if ((mapped = (double *)malloc(n * 3 * sizeof(double))) == NULL) {
    cli_out_of_memory();
    goto done;
  }
  status = a->map_rand ? gmmot_mw2_map_rand(plan, n, src->rgb, opts, mapped, n * 3)
                       : gmmot_mw2_map_mean(plan, n, src->rgb, opts, mapped, n * 3);
  if (status < 0) {
    cli_fail(a->map_rand ? "gmmot_mw2_map_rand" : "gmmot_mw2_map_mean", status);
    goto done;
  }
  info[GMMOT_COLOUR_INFO_MAP_SECONDS] = cli_now() - t;
  t = cli_now();
  status =
      gmmot_colour_regularize(src->rgb, src->width, src->height, mapped, opts, out, n * 3, &radius);
  if (status < 0) {
    cli_fail("gmmot_colour_regularize", status);
    goto done;
  }
  info[GMMOT_COLOUR_INFO_REGULARIZE_SECONDS] = cli_now() - t;
  info[GMMOT_COLOUR_INFO_RADIUS] = (double)radius;
  rc = 0;
done:
  free(mapped);
  gmmot_mw2_destroy(plan);
  return rc;
}

static int set_options(const arguments *a, gmmot_options_t *opts, progress_state *progress) {
  int status;
  if ((status = gmmot_options_set_int(opts, GMMOT_OPT_EM_COMPONENTS, (int64_t)a->k)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_SEED, (int64_t)a->seed)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_RELAXED_COMPONENTS, (int64_t)a->k)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, a->threads)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_FIT_POINTS, (int64_t)a->fit_points)) <
          0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_MAP, a->map_rand)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_SPACE, a->space)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_REGULARIZE, a->regularize)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_RADIUS, a->radius)) < 0 ||
      (status = gmmot_options_set_int(
           opts, GMMOT_OPT_EM_FAMILY,
           a->student_t ? GMMOT_FAMILY_STUDENT_T : GMMOT_FAMILY_GAUSSIAN)) < 0) {
    return cli_fail("gmmot_options_set_int", status);
  }
  if ((status = gmmot_options_set_double(opts, GMMOT_OPT_RELAXED_LAMBDA, a->lambda)) < 0 ||
      (status = gmmot_options_set_double(opts, GMMOT_OPT_COLOUR_EPSILON, a->eps)) < 0 ||
      (status = gmmot_options_set_double(opts, GMMOT_OPT_EM_DOF, a->nu)) < 0) {
    return cli_fail("gmmot_options_set_double", status);
  }
  /* Without progress messages no callback: the library then maps and regularises straight in
   * the output buffer (a cancellable call works in a copy). */
  if (!a->quiet && (status = gmmot_options_set_progress(opts, on_progress, progress)) < 0)
    return cli_fail("gmmot_options_set_progress", status);
  return 0;
}

int main(int argc, char **argv) {
  arguments a;
  rgb_image src = {0, 0, NULL}, tgt = {0, 0, NULL};
  gmmot_options_t *opts = NULL;
  double *out = NULL;
  double info[GMMOT_COLOUR_INFO_COUNT] = {0};
  double t0, t_read, t_write;
  progress_state progress = {0.0, 0.0, 0, NULL, 0};
  size_t n;
  int status, rc = 1;
  char fit_text[32], iter_text[64];

  /* Two literals joined at run time: C99 compilers need support only 4095-byte strings. */
  static char help[sizeof kAbout + sizeof kHelp];
  snprintf(help, sizeof help, "%s%s", kAbout, kHelp);
  cli_init("gmmot-color-transfer", kUsage, help);
  if (parse(argc, argv, &a) != 0) return 2;
  t0 = progress.start = cli_now();
  progress.quiet = a.quiet;
  progress.joint = a.student_t && a.nu == 0.0;
  if (load_rgb_pair(a.source, a.target, a.shrink, &src, &tgt) != 0) goto done;
  t_read = cli_now() - t0;

  if ((status = gmmot_options_create(&opts)) < 0) {
    rc = cli_fail("gmmot_options_create", status);
    goto done;
  }
  if (set_options(&a, opts, &progress) != 0) goto done;
  n = src.width * src.height;
  if ((out = (double *)malloc(n * 3 * sizeof(double))) == NULL) {
    cli_out_of_memory();
    goto done;
  }
  if (a.relaxed) {
    if (transfer_relaxed(&a, opts, &src, &tgt, out, info) != 0) goto done;
  } else {
    status = gmmot_colour_transfer(src.rgb, src.width, src.height, tgt.rgb, tgt.width, tgt.height,
                                   opts, out, n * 3, info, GMMOT_COLOUR_INFO_COUNT);
    if (status < 0) {
      rc = cli_fail("gmmot_colour_transfer", status);
      goto done;
    }
    if (status > 0) fprintf(stderr, "%s: warning: %s\n", cli_program(), gmmot_last_error_message());
  }
  t_write = cli_now();
  if (save_rgb_png(a.output, src.width, src.height, out) != 0) goto done;
  t_write = cli_now() - t_write;
  if (a.fit_points == 0) {
    strcpy(fit_text, "all");
  } else {
    snprintf(fit_text, sizeof fit_text, "%lu", (unsigned long)a.fit_points);
  }
  if (a.relaxed) {
    snprintf(iter_text, sizeof iter_text, "relaxed_iters:%.0f;lambda:%.6g",
             info[GMMOT_COLOUR_INFO_EM_ITERATIONS_SOURCE], a.lambda);
  } else {
    snprintf(iter_text, sizeof iter_text, "em_iters:%.0f+%.0f",
             info[GMMOT_COLOUR_INFO_EM_ITERATIONS_SOURCE],
             info[GMMOT_COLOUR_INFO_EM_ITERATIONS_TARGET]);
  }
  printf(
      "case=colour_transfer impl=libgmmot n=src%lux%lu_tgt%lux%lu_d3_K%lu_fit-%s "
      "seconds=%.6e extra=read_s:%.4g;fit_src_s:%.4g;fit_tgt_s:%.4g;mw2_s:%.4g;map_s:%.4g;"
      "reg_s:%.4g;write_s:%.4g;cpu_s:%.4g;mw2sq:%.17g;method:%s;%s;map:%s;space:%s;regularize:%s;"
      "radius:%.0f;eps:%.3g;output:%s\n",
      (unsigned long)src.width, (unsigned long)src.height, (unsigned long)tgt.width,
      (unsigned long)tgt.height, (unsigned long)a.k, fit_text, cli_now() - t0, t_read,
      info[GMMOT_COLOUR_INFO_FIT_SOURCE_SECONDS], info[GMMOT_COLOUR_INFO_FIT_TARGET_SECONDS],
      info[GMMOT_COLOUR_INFO_PLAN_SECONDS], info[GMMOT_COLOUR_INFO_MAP_SECONDS],
      info[GMMOT_COLOUR_INFO_REGULARIZE_SECONDS], t_write, (double)clock() / CLOCKS_PER_SEC,
      info[GMMOT_COLOUR_INFO_MW2_SQUARED], a.relaxed ? "relaxed" : "em", iter_text,
      a.map_rand ? "rand" : "mean", space_name(a.relaxed ? GMMOT_COLOUR_RGB : a.space),
      a.regularize ? "on" : "off", info[GMMOT_COLOUR_INFO_RADIUS], a.eps, a.output);
  rc = 0;

done:
  free(out);
  gmmot_options_destroy(opts);
  free_rgb(&src);
  free_rgb(&tgt);
  return rc;
}
