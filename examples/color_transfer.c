/* SPDX-License-Identifier: MIT */
/* gmmot-color-transfer: colour transfer between two photographs with the MW2 transport map
 * (Delon & Desolneux 2020, sections 6.1, 6.3 and 7.1), using only the public C API:
 *   1. fit a K-component Gaussian mixture to the RGB pixels of each image (EM; with --family t
 *      Student-t mixtures with one shared nu, by one joint fit of both images,
 *      gmmot_em_fit_joint),
 *   2. compute the MW2 plan between the two mixtures,
 *   3. move every source pixel with T_mean (or T_rand), clip to [0, 1] and write a PNG.
 * With --method relaxed, steps 1 and 2 are replaced by one KL-relaxed coupled fit gamma of
 * both pixel clouds (section 6.2, eq. 6.1; gmmot_relaxed_create with lambda = --lambda), whose
 * plan (gmmot_relaxed_plan: component k of the source marginal paired with component k of the
 * target marginal) gives T_mean and T_rand in step 3.
 *
 * Usage: gmmot-color-transfer SOURCE TARGET OUTPUT [--k K] [--method em|relaxed] [--lambda L]
 *                             [--fit-points N | --fit-all] [--map mean|rand] [--seed S]
 *                             [--threads T] [--shrink F] [--family gaussian|t] [--nu NU]
 * SOURCE and TARGET are PNG or JPEG files with RGB(A) pixels; OUTPUT is written as PNG.
 * --shrink F first averages F x F pixel boxes (for quick runs). The program prints one summary
 * line in the benchmark format of bench/. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  int student_t; /* --family t */
  double nu;     /* --nu: 0 = estimated */
} arguments;

static const char kUsage[] =
    "usage: gmmot-color-transfer SOURCE TARGET OUTPUT [--k K] [--method em|relaxed]\n"
    "                            [--lambda L] [--fit-points N | --fit-all] [--map mean|rand]\n"
    "                            [--seed S] [--threads T] [--shrink F]\n"
    "                            [--family gaussian|t] [--nu NU]\n";

static const char kHelp[] =
    "\n"
    "Recolour SOURCE with the colour palette of TARGET and write the result to OUTPUT (PNG).\n"
    "The RGB pixels of each image are fitted with a K-component Gaussian mixture (EM), the two\n"
    "mixtures are matched by the MW2 optimal transport plan (Delon & Desolneux 2020), and every\n"
    "source pixel is moved by the plan's transport map, then clipped to [0, 1]. With --method\n"
    "relaxed one coupled mixture of both pixel clouds is fitted instead (section 6.2), and its\n"
    "plan, which pairs component k of the source side with component k of the target side,\n"
    "gives the map.\n"
    "SOURCE and TARGET are PNG or JPEG files (RGB or RGBA; alpha is ignored).\n"
    "\n"
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
    "  --family gaussian|t  em only: the component family [gaussian]; t = Student-t mixtures,\n"
    "                  robust to outlying colours, fitted jointly to both images so that they\n"
    "                  share one degrees-of-freedom nu (MW2 compares mixtures of one nu)\n"
    "  --nu NU         with --family t: the degrees of freedom, 0 = estimated jointly, or a\n"
    "                  fixed number > 2 [0]\n"
    "  --fit-points N  fit each mixture on N pixels drawn at random (seeded by --seed) [100000];\n"
    "                  the map is still applied to every pixel\n"
    "  --fit-all       fit on every pixel instead of a sample\n"
    "  --map mean|rand the transport map [mean]: mean = T_mean, the conditional expectation of\n"
    "                  the optimal coupling (smooth); rand = T_rand, a random draw per pixel\n"
    "  --seed S        seed of the pixel sample, of the EM (k-means++) starts and of T_rand [0];\n"
    "                  the same seed gives the same output whatever --threads\n"
    "  --threads T     worker threads, 0 = all cores [0]\n"
    "  --shrink F      first average F x F pixel boxes of both images, 1 to 64 [1] (for quick\n"
    "                  previews; OUTPUT then has the reduced size)\n"
    "  -h, --help      print this help and exit\n"
    "\n"
    "On success one line in the benchmark format of bench/ is printed (timings per stage, the\n"
    "MW2^2 between the mixtures (relaxed: the cost of the fit's plan), EM or relaxed-fit\n"
    "iterations). Exit status: 0 success, 1 failure (the message names the libgmmot call and the\n"
    "reason), 2 bad command line.\n";

/* A positive integer option value, or 0 when it is not one. */
static unsigned long long parse_count(const char *text) {
  char *end = NULL;
  unsigned long long v;
  if (text == NULL || *text == '\0' || *text == '-') return 0;
  v = strtoull(text, &end, 10);
  return *end == '\0' ? v : 0;
}

static int parse(int argc, char **argv, arguments *a) {
  static const arguments kDefaults = {
      .k = 10, .fit_points = 100000, .threads = 0, .shrink = 1, .lambda = 1.0};
  const char *arg, *value;
  int i, positional = 0;
  *a = kDefaults;
  for (i = 1; cli_arg(argc, argv, i, &arg, &value); ++i) {
    if (strcmp(arg, "--fit-all") == 0) {
      a->fit_points = 0;
    } else if (strcmp(arg, "--k") == 0 || strcmp(arg, "--fit-points") == 0 ||
               strcmp(arg, "--seed") == 0 || strcmp(arg, "--threads") == 0 ||
               strcmp(arg, "--shrink") == 0 || strcmp(arg, "--map") == 0 ||
               strcmp(arg, "--method") == 0 || strcmp(arg, "--lambda") == 0 ||
               strcmp(arg, "--family") == 0 || strcmp(arg, "--nu") == 0) {
      unsigned long long v;
      if (value == NULL) return cli_usage("an option is missing its value");
      ++i;
      if (strcmp(arg, "--method") == 0) {
        if ((a->relaxed = cli_choice(value, "em", "relaxed")) < 0)
          return cli_usage("--method must be em or relaxed");
        continue;
      }
      if (strcmp(arg, "--family") == 0) {
        if ((a->student_t = cli_choice(value, "gaussian", "t")) < 0)
          return cli_usage("--family must be gaussian or t");
        continue;
      }
      if (strcmp(arg, "--nu") == 0) {
        char *end = NULL;
        const double v = strtod(value, &end);
        if (*value == '\0' || *end != '\0' || !isfinite(v) || !(v == 0.0 || v > 2.0))
          return cli_usage("--nu needs 0 (estimate) or a number > 2");
        a->nu = v;
        continue;
      }
      if (strcmp(arg, "--lambda") == 0) {
        char *end = NULL;
        const double l = strtod(value, &end);
        if (*value == '\0' || *end != '\0' || !(l > 0.0) || !isfinite(l))
          return cli_usage("--lambda needs a positive number");
        a->lambda = l;
        continue;
      }
      if (strcmp(arg, "--map") == 0) {
        if ((a->map_rand = cli_choice(value, "mean", "rand")) < 0)
          return cli_usage("--map must be mean or rand");
        continue;
      }
      v = parse_count(value);
      if (strcmp(arg, "--seed") == 0) {
        /* GMMOT_OPT_SEED's range: every seed below 2^53 is exact in a double. */
        const long long s = cli_parse_range(value, 0, 9007199254740992LL);
        if (s < 0) return cli_usage("--seed needs an integer from 0 to 2^53 (9007199254740992)");
        a->seed = (uint64_t)s;
      } else if (strcmp(arg, "--threads") == 0) {
        if (v == 0 && strcmp(value, "0") != 0) return cli_usage("--threads needs an integer >= 0");
        if (v > 1024) return cli_usage("--threads must be at most 1024");
        a->threads = (int)v;
      } else if (v == 0) {
        return cli_usage("--k, --fit-points and --shrink need a positive integer");
      } else if (strcmp(arg, "--k") == 0) {
        a->k = (size_t)v;
      } else if (strcmp(arg, "--fit-points") == 0) {
        a->fit_points = (size_t)v;
      } else {
        if (v > 64) return cli_usage("--shrink must be at most 64");
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

/* --family t: one joint fit of both pixel samples with a shared nu (gmmot_em_fit_joint). */
static int fit_joint_t(const arguments *a, const gmmot_options_t *opts, const rgb_image *src,
                       const rgb_image *tgt, gmmot_gmm_t **g0, gmmot_gmm_t **g1,
                       uint64_t *iterations) {
  gmmot_em_t *em = NULL;
  gmmot_gmm_t *out[2] = {NULL, NULL};
  size_t n[2] = {0, 0};
  const double *pts[2];
  int status;
  double *p0 = palette_sample(src, a->fit_points, a->seed, &n[0]);
  double *p1 = p0 != NULL ? palette_sample(tgt, a->fit_points, a->seed, &n[1]) : NULL;
  if (p1 == NULL) {
    free(p0);
    return cli_out_of_memory();
  }
  pts[0] = p0;
  pts[1] = p1;
  if ((status = gmmot_em_create(opts, &em)) < 0) {
    free(p0);
    free(p1);
    return cli_fail("gmmot_em_create", status);
  }
  status = gmmot_em_fit_joint(em, 2, 3, n, pts, NULL, out);
  free(p0);
  free(p1);
  if (status < 0) {
    gmmot_em_destroy(em);
    return cli_fail("gmmot_em_fit_joint", status);
  }
  gmmot_em_info(em, NULL, iterations, NULL);
  gmmot_em_destroy(em);
  *g0 = out[0];
  *g1 = out[1];
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

int main(int argc, char **argv) {
  arguments a;
  rgb_image src = {0, 0, NULL}, tgt = {0, 0, NULL};
  gmmot_options_t *opts = NULL;
  gmmot_gmm_t *g0 = NULL, *g1 = NULL;
  gmmot_mw2_t *plan = NULL;
  double *mapped = NULL;
  double t0, t_fit0, t_fit1, t_mw2, t_map, mw2sq = 0.0;
  uint64_t it0 = 0, it1 = 0;
  size_t n, i;
  int status, rc = 1;
  char fit_text[32], iter_text[64], family_text[48];

  cli_init("gmmot-color-transfer", kUsage, kHelp);
  if (parse(argc, argv, &a) != 0) return 2;
  t0 = cli_now();
  if (load_rgb(a.source, a.shrink, &src) != 0 || load_rgb(a.target, a.shrink, &tgt) != 0) goto done;

  if ((status = gmmot_options_create(&opts)) < 0) {
    rc = cli_fail("gmmot_options_create", status);
    goto done;
  }
  if ((status = gmmot_options_set_int(opts, GMMOT_OPT_EM_COMPONENTS, (int64_t)a.k)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_SEED, (int64_t)a.seed)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_RELAXED_COMPONENTS, (int64_t)a.k)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, a.threads)) < 0) {
    rc = cli_fail("gmmot_options_set_int", status);
    goto done;
  }
  if ((status = gmmot_options_set_int(
           opts, GMMOT_OPT_EM_FAMILY,
           a.student_t ? GMMOT_FAMILY_STUDENT_T : GMMOT_FAMILY_GAUSSIAN)) < 0) {
    rc = cli_fail("gmmot_options_set_int", status);
    goto done;
  }
  if ((status = gmmot_options_set_double(opts, GMMOT_OPT_RELAXED_LAMBDA, a.lambda)) < 0 ||
      (status = gmmot_options_set_double(opts, GMMOT_OPT_EM_DOF, a.nu)) < 0) {
    rc = cli_fail("gmmot_options_set_double", status);
    goto done;
  }

  t_fit0 = cli_now();
  if (a.relaxed) {
    /* one fit for both images: its time is reported as fit_src_s, fit_tgt_s and mw2_s are 0 */
    if (fit_relaxed(&a, opts, &src, &tgt, &plan, &it0) != 0) goto done;
    t_fit1 = t_mw2 = cli_now();
  } else if (a.student_t) {
    /* one joint fit: its time is reported as fit_src_s, fit_tgt_s is 0 */
    if (fit_joint_t(&a, opts, &src, &tgt, &g0, &g1, &it0) != 0) goto done;
    it1 = it0;
    t_fit1 = t_mw2 = cli_now();
    if ((status = gmmot_mw2_create(g0, g1, opts, &plan)) < 0) {
      rc = cli_fail("gmmot_mw2_create", status);
      goto done;
    }
  } else {
    if (palette_fit(opts, &src, a.fit_points, a.seed, &g0, &it0) != 0) goto done;
    t_fit1 = cli_now();
    if (palette_fit(opts, &tgt, a.fit_points, a.seed, &g1, &it1) != 0) goto done;
    t_mw2 = cli_now();
    if ((status = gmmot_mw2_create(g0, g1, opts, &plan)) < 0) {
      rc = cli_fail("gmmot_mw2_create", status);
      goto done;
    }
  }
  gmmot_mw2_distance(plan, &mw2sq, NULL);
  t_map = cli_now();

  n = src.width * src.height;
  mapped = (double *)malloc(n * 3 * sizeof(double));
  if (mapped == NULL) {
    cli_out_of_memory();
    goto done;
  }
  status = a.map_rand ? gmmot_mw2_map_rand(plan, n, src.rgb, opts, mapped, n * 3)
                      : gmmot_mw2_map_mean(plan, n, src.rgb, opts, mapped, n * 3);
  if (status < 0) {
    rc = cli_fail(a.map_rand ? "gmmot_mw2_map_rand" : "gmmot_mw2_map_mean", status);
    goto done;
  }
  for (i = 0; i < n * 3; ++i) mapped[i] = mapped[i] < 0.0 ? 0.0 : mapped[i] > 1.0 ? 1.0 : mapped[i];
  {
    const double t_write = cli_now();
    if (save_rgb_png(a.output, src.width, src.height, mapped) != 0) goto done;
    if (a.fit_points == 0) {
      strcpy(fit_text, "all");
    } else {
      snprintf(fit_text, sizeof fit_text, "%lu", (unsigned long)a.fit_points);
    }
    if (a.student_t) {
      double nu = 0.0;
      gmmot_gmm_get_family(g0, NULL, &nu);
      snprintf(family_text, sizeof family_text, "t;nu:%.6g", nu);
    } else {
      strcpy(family_text, "gaussian");
    }
    if (a.relaxed) {
      snprintf(iter_text, sizeof iter_text, "relaxed_iters:%llu;lambda:%.6g",
               (unsigned long long)it0, a.lambda);
    } else {
      snprintf(iter_text, sizeof iter_text, "em_iters:%llu+%llu", (unsigned long long)it0,
               (unsigned long long)it1);
    }
    printf(
        "case=colour_transfer impl=libgmmot n=src%lux%lu_tgt%lux%lu_d3_K%lu_fit-%s "
        "seconds=%.6e extra=fit_src_s:%.4g;fit_tgt_s:%.4g;mw2_s:%.4g;map_s:%.4g;"
        "mw2sq:%.17g;method:%s;%s;family:%s;map:%s;output:%s\n",
        (unsigned long)src.width, (unsigned long)src.height, (unsigned long)tgt.width,
        (unsigned long)tgt.height, (unsigned long)a.k, fit_text, cli_now() - t0, t_fit1 - t_fit0,
        t_mw2 - t_fit1, t_map - t_mw2, t_write - t_map, mw2sq, a.relaxed ? "relaxed" : "em",
        iter_text, family_text, a.map_rand ? "rand" : "mean", a.output);
  }
  rc = 0;

done:
  free(mapped);
  gmmot_mw2_destroy(plan);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  gmmot_options_destroy(opts);
  free_rgb(&src);
  free_rgb(&tgt);
  return rc;
}
