/* SPDX-License-Identifier: MIT */
/* gmmot-rotated-match: MGW2 recovers a correspondence between colour palettes that MW2 cannot
 * once one colour space is rotated (Salmona, Delon, Desolneux 2023; gmmot/gromov.h), using only
 * the public C API. For each photograph given:
 *   1. fit a K-component mixture g to its RGB pixels (EM) and another, gr, to the same pixels
 *      after a seeded random rotation R of the colour space about the grey point (0.5, 0.5, 0.5)
 *      (angle 90 to 180 degrees): what a camera with another colour basis would give;
 *   2. the reference correspondence: the MW2 plan between gr and R g (both in the rotated
 *      space, where colours are comparable);
 *   3. MW2 between gr and g directly (across the two colour spaces) and MGW2 between gr and g
 *      (which only compares each palette's internal W2^2 distances: blind to R);
 *   4. agreement of a plan P with the reference Q: sum_kl min(P_kl, Q_kl), the mass they share.
 * Writes OUTPUT_PREFIX<i>_rotated.png (the rotated photograph, clipped), _mw2.png and _mgw2.png:
 * the rotated photograph recoloured through each plan (every pixel of gr's component l gets,
 * by its posterior, the mean colour the plan sends l to in g), so the MGW2 one looks like the
 * original and the MW2 one does not. Prints one line per photograph in the format of bench/.
 *
 * Usage: gmmot-rotated-match OUTPUT_PREFIX IMAGE... [--k K] [--seed S] [--shrink F]
 *                            [--fit-points N] [--threads T] [--check MIN_MGW2,MAX_MW2] */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_cli.h"
#include "image_io.h"
#include "palette.h"

#define MAX_IMAGES 8

typedef struct {
  const char *prefix;
  const char *images[MAX_IMAGES];
  int n_images;
  palette_args pal;
  int check;
  double min_mgw2, max_mw2;
} arguments;

static const char kUsage[] =
    "usage: gmmot-rotated-match OUTPUT_PREFIX IMAGE... [--k K] [--seed S] [--shrink F]\n"
    "                           [--fit-points N] [--threads T] [--check MIN_MGW2,MAX_MW2]\n";

static const char kHelp[] =
    "\n"
    "Show that MGW2 (Gromov-Wasserstein between mixtures) recovers the correspondence between\n"
    "two colour palettes of one photograph when one colour space is rotated, where MW2 cannot.\n"
    "For each IMAGE (PNG or JPEG, up to 8): a K-component palette g of its colours (EM), a\n"
    "palette gr of its colours after a seeded random rotation R of the RGB space (90 to 180\n"
    "degrees about the grey point), the reference plan MW2(gr, R g), and the plans MW2(gr, g)\n"
    "and MGW2(gr, g). The agreement of a plan with the reference is the mass they share (1 =\n"
    "the same correspondence). Writes OUTPUT_PREFIX<i>_rotated.png, OUTPUT_PREFIX<i>_mw2.png and\n"
    "OUTPUT_PREFIX<i>_mgw2.png: the rotated photograph, and it recoloured through each plan.\n"
    "\n"
    "Options (default in brackets):\n"
    "  --k K           components of each palette [8]\n"
    "  --seed S        seed of the rotation, the pixel sample and the EM starts [0]\n"
    "  --shrink F      first average F x F pixel boxes, 1 to 64 [1]\n"
    "  --fit-points N  fit each palette on N pixels drawn at random [20000]\n"
    "  --threads T     worker threads, 0 = all cores [0]\n"
    "  --check A,B     exit with status 3 unless, for every image, MGW2's agreement is >= A and\n"
    "                  MW2's is <= B (the test's assertion)\n"
    "  -h, --help      print this help and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure (the message names the libgmmot call), 2 bad command\n"
    "line, 3 --check failed.\n";

/* --check A,B: both parts whole finite numbers in [0, 1] (agreements are fractions of mass). */
static int parse_check(const char *value, arguments *a) {
  char first[64];
  const char *comma = strchr(value, ',');
  const size_t n = comma != NULL ? (size_t)(comma - value) : 0;
  if (comma == NULL || n >= sizeof first) return -1;
  memcpy(first, value, n);
  first[n] = '\0';
  return cli_parse_number(first, 0, 1, &a->min_mgw2) &&
                 cli_parse_number(comma + 1, 0, 1, &a->max_mw2)
             ? 0
             : -1;
}

static int parse(int argc, char **argv, arguments *a) {
  const char *arg, *value;
  int i;
  memset(a, 0, sizeof *a);
  a->pal = palette_args_defaults();
  for (i = 1; cli_arg(argc, argv, i, &arg, &value); ++i) {
    if (strncmp(arg, "--", 2) == 0) {
      int st;
      if (value == NULL) return cli_usage("an option is missing its value");
      ++i;
      if (strcmp(arg, "--check") == 0) {
        if (parse_check(value, a) != 0)
          return cli_bad_value("--check", value, "A,B: two fractions from 0 to 1");
        a->check = 1;
        continue;
      }
      if ((st = palette_arg(arg, value, &a->pal)) < 0) return cli_unknown_option(arg);
      if (st != 0) return st;
    } else if (a->prefix == NULL) {
      a->prefix = arg;
    } else if (a->n_images < MAX_IMAGES) {
      a->images[a->n_images++] = arg;
    } else {
      return cli_usage("at most 8 images");
    }
  }
  return a->n_images > 0 ? 0 : cli_usage("OUTPUT_PREFIX and at least one IMAGE are required");
}

/* A rotation of R^3 from the seed (splitmix64 draws): a uniform axis, an angle in
 * [pi/2, pi], Rodrigues' formula. */
static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
static double unit(uint64_t *s) { return (double)(splitmix(s) >> 11) * 0x1p-53; }

static void random_rotation(uint64_t seed, double r[9]) {
  const double pi = 3.14159265358979323846;
  uint64_t s = seed ^ 0x5DEECE66DULL;
  const double z = 2 * unit(&s) - 1, phi = 2 * pi * unit(&s), t = sqrt(1 - z * z);
  const double u[3] = {t * cos(phi), t * sin(phi), z};
  const double angle = pi / 2 + unit(&s) * pi / 2, c = cos(angle), sn = sin(angle);
  int i, j;
  for (i = 0; i < 3; ++i)
    for (j = 0; j < 3; ++j) r[3 * i + j] = (i == j ? c : 0.0) + (1 - c) * u[i] * u[j];
  r[1] -= sn * u[2], r[2] += sn * u[1];
  r[3] += sn * u[2], r[5] -= sn * u[0];
  r[6] -= sn * u[1], r[7] += sn * u[0];
}

/* y = R (x - 0.5) + 0.5 for n points. */
static void rotate_points(const double r[9], size_t n, const double *x, double *y) {
  size_t p;
  int i, j;
  for (p = 0; p < n; ++p)
    for (i = 0; i < 3; ++i) {
      double v = 0.5;
      for (j = 0; j < 3; ++j) v += r[3 * i + j] * (x[3 * p + j] - 0.5);
      y[3 * p + i] = v;
    }
}

/* R g: means rotated about the grey point, covariances R S R^T. */
static int rotated_mixture(const gmmot_gmm_t *g, const double r[9], gmmot_gmm_t **out) {
  const size_t k = gmmot_gmm_ncomponents(g);
  double *w = malloc(k * sizeof *w), *m = malloc(k * 3 * sizeof *m), *s = malloc(k * 9 * sizeof *s),
         *mr = malloc(k * 3 * sizeof *mr), *sr = malloc(k * 9 * sizeof *sr);
  size_t c;
  int status = -1, i, j, p, q;
  if (w == NULL || m == NULL || s == NULL || mr == NULL || sr == NULL) goto done;
  gmmot_gmm_copy_weights(g, w, k);
  gmmot_gmm_copy_means(g, m, k * 3);
  gmmot_gmm_copy_covariances(g, s, k * 9);
  rotate_points(r, k, m, mr);
  for (c = 0; c < k; ++c)
    for (i = 0; i < 3; ++i)
      for (j = 0; j < 3; ++j) {
        double v = 0;
        for (p = 0; p < 3; ++p)
          for (q = 0; q < 3; ++q) v += r[3 * i + p] * s[9 * c + 3 * p + q] * r[3 * j + q];
        sr[9 * c + 3 * i + j] = v;
      }
  for (c = 0; c < k; ++c) /* exact symmetry */
    for (i = 0; i < 3; ++i)
      for (j = 0; j < i; ++j) sr[9 * c + 3 * i + j] = sr[9 * c + 3 * j + i];
  status = gmmot_gmm_create(k, 3, w, mr, sr, out);
  if (status < 0) cli_fail("gmmot_gmm_create", status);
done:
  free(w);
  free(m);
  free(s);
  free(mr);
  free(sr);
  return status < 0 ? 1 : 0;
}

/* The mass two K x K plans share. */
static double agreement(size_t k, const double *p, const double *q) {
  double s = 0;
  size_t n;
  for (n = 0; n < k * k; ++n) s += p[n] < q[n] ? p[n] : q[n];
  return s;
}

/* Recolours the n points x (in gr's space) through plan P (gr's components -> g's): the
 * posterior over gr's components, then each component's plan-weighted mean colour in g. */
static int recolour(const gmmot_gmm_t *gr, const gmmot_gmm_t *g, const double *plan, size_t n,
                    const double *x, double *out) {
  const size_t k = gmmot_gmm_ncomponents(gr);
  double *post = malloc(n * k * sizeof *post), *wr = malloc(k * sizeof *wr),
         *m = malloc(k * 3 * sizeof *m), *target = malloc(k * 3 * sizeof *target);
  size_t l, c, p;
  int status = 0;
  if (post == NULL || wr == NULL || m == NULL || target == NULL) {
    status = cli_out_of_memory();
    goto done;
  }
  gmmot_gmm_copy_weights(gr, wr, k);
  gmmot_gmm_copy_means(g, m, k * 3);
  for (l = 0; l < k; ++l)
    for (c = 0; c < 3; ++c) {
      double v = 0;
      for (p = 0; p < k; ++p) v += plan[l * k + p] * m[p * 3 + c];
      target[l * 3 + c] = v / wr[l];
    }
  /* log w_l + log N_l(x) from one-component mixtures, then normalised (max-shifted). */
  {
    double *s = malloc(k * 9 * sizeof *s), *col = malloc(n * sizeof *col), one = 1.0;
    if (s == NULL || col == NULL) {
      free(s);
      free(col);
      status = cli_out_of_memory();
      goto done;
    }
    gmmot_gmm_copy_means(gr, m, k * 3);
    gmmot_gmm_copy_covariances(gr, s, k * 9);
    for (l = 0; l < k && status == 0; ++l) {
      gmmot_gmm_t *comp = NULL;
      if ((status = gmmot_gmm_create(1, 3, &one, m + 3 * l, s + 9 * l, &comp)) < 0 ||
          (status = gmmot_gmm_log_density(comp, n, x, NULL, col, n)) < 0) {
        status = cli_fail("gmmot_gmm_log_density", status);
      } else {
        status = 0;
        for (p = 0; p < n; ++p) post[p * k + l] = log(wr[l]) + col[p];
      }
      gmmot_gmm_destroy(comp);
    }
    free(s);
    free(col);
    if (status != 0) goto done;
  }
  for (p = 0; p < n; ++p) {
    double top = -INFINITY, total = 0;
    for (l = 0; l < k; ++l) top = post[p * k + l] > top ? post[p * k + l] : top;
    for (l = 0; l < k; ++l) total += post[p * k + l] = exp(post[p * k + l] - top);
    for (c = 0; c < 3; ++c) {
      double v = 0;
      for (l = 0; l < k; ++l) v += post[p * k + l] / total * target[l * 3 + c];
      out[p * 3 + c] = v;
    }
  }
done:
  free(post);
  free(wr);
  free(m);
  free(target);
  return status;
}

static int write_png(const char *prefix, int index, const char *name, const rgb_image *img,
                     double *rgb) {
  char path[4096];
  size_t n;
  for (n = 0; n < img->width * img->height * 3; ++n)
    rgb[n] = rgb[n] < 0 ? 0 : rgb[n] > 1 ? 1 : rgb[n];
  snprintf(path, sizeof path, "%s%d_%s.png", prefix, index, name);
  return save_rgb_png(path, img->width, img->height, rgb);
}

/* One photograph: returns 0, 1 on failure, 3 when --check fails. */
static int run_image(const arguments *a, const gmmot_options_t *opts, int index) {
  rgb_image img = {0, 0, NULL}, rot = {0, 0, NULL};
  gmmot_gmm_t *g = NULL, *gr = NULL, *rg = NULL;
  gmmot_mw2_t *ref = NULL, *mw2 = NULL;
  gmmot_gw_t *gw = NULL;
  double r[9], *q = NULL, *pm = NULL, *pg = NULL, *buf = NULL, t0, t_mw2, t_mgw2, a_mw2, a_mgw2;
  size_t n, k;
  int status, rc = 1;
  if (load_rgb(a->images[index], a->pal.shrink, &img) != 0) return 1;
  n = img.width * img.height;
  rot.width = img.width;
  rot.height = img.height;
  rot.rgb = malloc(n * 3 * sizeof(double));
  buf = malloc(n * 3 * sizeof(double));
  if (rot.rgb == NULL || buf == NULL) {
    rc = cli_out_of_memory();
    goto done;
  }
  random_rotation(a->pal.seed + (uint64_t)index, r);
  rotate_points(r, n, img.rgb, rot.rgb);
  if (palette_fit(opts, &img, a->pal.fit_points, a->pal.seed, &g, NULL) != 0 ||
      palette_fit(opts, &rot, a->pal.fit_points, a->pal.seed, &gr, NULL) != 0 ||
      rotated_mixture(g, r, &rg) != 0)
    goto done;
  k = gmmot_gmm_ncomponents(g);
  q = malloc(k * k * sizeof *q);
  pm = malloc(k * k * sizeof *pm);
  pg = malloc(k * k * sizeof *pg);
  if (q == NULL || pm == NULL || pg == NULL) {
    rc = cli_out_of_memory();
    goto done;
  }
  if ((status = gmmot_mw2_create(gr, rg, opts, &ref)) < 0) {
    rc = cli_fail("gmmot_mw2_create", status);
    goto done;
  }
  t0 = cli_now();
  if ((status = gmmot_mw2_create(gr, g, opts, &mw2)) < 0) {
    rc = cli_fail("gmmot_mw2_create", status);
    goto done;
  }
  t_mw2 = cli_now();
  if ((status = gmmot_mgw2_create(gr, g, opts, &gw)) < 0) {
    rc = cli_fail("gmmot_mgw2_create", status);
    goto done;
  }
  t_mgw2 = cli_now();
  gmmot_mw2_copy_plan(ref, q, k * k);
  gmmot_mw2_copy_plan(mw2, pm, k * k);
  gmmot_gw_copy_plan(gw, pg, k * k);
  a_mw2 = agreement(k, pm, q);
  a_mgw2 = agreement(k, pg, q);
  memcpy(buf, rot.rgb, n * 3 * sizeof(double));
  if (write_png(a->prefix, index, "rotated", &img, buf) != 0) goto done;
  if (recolour(gr, g, pm, n, rot.rgb, buf) != 0 || write_png(a->prefix, index, "mw2", &img, buf))
    goto done;
  if (recolour(gr, g, pg, n, rot.rgb, buf) != 0 || write_png(a->prefix, index, "mgw2", &img, buf))
    goto done;
  printf(
      "case=rotated_match impl=libgmmot n=%s_%lux%lu_K%lu seconds=%.6e "
      "extra=agreement_mw2:%.4f;agreement_mgw2:%.4f;mw2_s:%.4g;mgw2_s:%.4g;output:%s%d_*.png\n",
      a->images[index], (unsigned long)img.width, (unsigned long)img.height, (unsigned long)k,
      t_mgw2 - t0, a_mw2, a_mgw2, t_mw2 - t0, t_mgw2 - t_mw2, a->prefix, index);
  rc = 0;
  if (a->check && !(a_mgw2 >= a->min_mgw2 && a_mw2 <= a->max_mw2)) {
    fprintf(stderr,
            "%s: --check failed on %s: MGW2 agreement %.4f (wanted >= %g), MW2 %.4f "
            "(wanted <= %g)\n",
            cli_program(), a->images[index], a_mgw2, a->min_mgw2, a_mw2, a->max_mw2);
    rc = 3;
  }
done:
  gmmot_gw_destroy(gw);
  gmmot_mw2_destroy(mw2);
  gmmot_mw2_destroy(ref);
  gmmot_gmm_destroy(g);
  gmmot_gmm_destroy(gr);
  gmmot_gmm_destroy(rg);
  free(q);
  free(pm);
  free(pg);
  free(buf);
  free_rgb(&img);
  free(rot.rgb);
  return rc;
}

int main(int argc, char **argv) {
  arguments a;
  gmmot_options_t *opts = NULL;
  int status, i, rc = 0;
  cli_init("gmmot-rotated-match", kUsage, kHelp);
  image_io_program = "gmmot-rotated-match";
  if (parse(argc, argv, &a) != 0) return 2;
  if ((status = gmmot_options_create(&opts)) < 0) return cli_fail("gmmot_options_create", status);
  if ((status = gmmot_options_set_int(opts, GMMOT_OPT_EM_COMPONENTS, (int64_t)a.pal.k)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_SEED, (int64_t)a.pal.seed)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, a.pal.threads)) < 0) {
    rc = cli_fail("gmmot_options_set_int", status);
    gmmot_options_destroy(opts);
    return rc;
  }
  for (i = 0; i < a.n_images; ++i) {
    const int r = run_image(&a, opts, i);
    if (r == 1) {
      rc = 1;
      break;
    }
    if (r == 3) rc = 3;
  }
  gmmot_options_destroy(opts);
  return rc;
}
