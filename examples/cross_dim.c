/* SPDX-License-Identifier: MIT */
/* gmmot-cross-dim: colour transfer across dimensions with MEW2 (Salmona, Delon, Desolneux 2023;
 * gmmot/mew2.h), using only the public C API. The source photograph A is described in R^m by
 * more than its colour, the target photograph B by its colour alone (R^3):
 *   - rgbxy (m = 5): the colour and the position (x, y) / max(width, height) times a weight;
 *   - patch (m = 27): the 3 x 3 patch of colours around the pixel (edges repeated).
 * 1. fit K-component mixtures by EM: mu to A's descriptions (R^m), nu to B's colours (R^3);
 * 2. MEW2(mu, nu): the isometric embedding y -> P (y - mean_nu) + mean_mu of R^3 into R^m and
 *    the MW2 plan between mu and the embedded nu that together minimise MW2;
 * 3. every pixel's description x of A goes through T_mean (or T_rand) from R^m to R^3: its
 *    posteriors over mu's components and the plan's Gaussian maps, read back through P^T;
 * 4. the colour change is regularised by the guided filter on A (gmmot_colour_regularize).
 * What the result means: MW2 could only send colours to colours; here the plan and the map may
 * use the other coordinates. With rgbxy, where P puts weight on the position rows the new colour
 * depends on where the pixel is (two pixels of the same colour at the top and at the bottom of
 * A may get different colours of B: a position-aware recolouring); with patches it depends on
 * the neighbourhood (texture and edges), not only on the pixel's own colour. MEW2 is invariant
 * to reflections too, so B's colour axes may arrive reflected: on chelsea.png -> coffee.png the
 * default rgbxy run keeps the cat's light and dark, the patch run and rgbxy with
 * --position-weight 0.25 exchange them (a negative-like result). P's rows tell which
 * coordinates the map uses: the bench line reports off_colour_share, the share of P's mass (sum
 * of squares / 3) on the rows that are not the pixel's own colour (position or neighbours).
 * Writes OUTPUT.png (A recoloured) and, with --panel, a side-by-side A | B | result; prints the
 * isometry and a line in the format of bench/.
 *
 * Usage: gmmot-cross-dim SOURCE TARGET OUTPUT.png [--features rgbxy|patch] [--position-weight W]
 *        [--k K] [--fit-points N] [--map mean|rand] [--no-regularize] [--seed S] [--shrink F]
 *        [--threads T] [--panel FILE] [--check R] */
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
  const char *source, *target, *output, *panel;
  int patch;    /* 0: rgbxy, 1: 3 x 3 patches */
  int map_rand; /* 0: T_mean, 1: T_rand */
  int regularize, check;
  double position_weight, check_ratio;
  palette_args pal;
} arguments;

static const char kUsage[] =
    "usage: gmmot-cross-dim SOURCE TARGET OUTPUT.png [--features rgbxy|patch]\n"
    "                       [--position-weight W] [--k K] [--fit-points N] [--map mean|rand]\n"
    "                       [--no-regularize] [--seed S] [--shrink F] [--threads T]\n"
    "                       [--panel FILE] [--check R]\n";

static const char kHelp[] =
    "\n"
    "Recolour the photograph SOURCE (PNG or JPEG) with the colours of TARGET through MEW2, an\n"
    "optimal transport between mixtures of different dimensions. SOURCE's pixels are described\n"
    "in R^5 (colour and position) or R^27 (3 x 3 colour patches), TARGET's by their colours\n"
    "(R^3); a K-component mixture is fitted by EM to each, MEW2 finds the isometric embedding\n"
    "of R^3 into the larger space and the plan, and every pixel's description is mapped to a\n"
    "colour (R^m -> R^3). Unlike a colour-to-colour transfer the new colour may depend on where\n"
    "the pixel is (rgbxy: a position-aware recolouring) or on its neighbourhood (patch). The\n"
    "isometry's rows show which coordinates the map uses. MEW2 does not see reflections, so\n"
    "TARGET's colours may also arrive reflected (dark and light exchanged). Writes OUTPUT.png\n"
    "(SOURCE recoloured) and prints the isometry and a line in the format of bench/ (the MEW2\n"
    "value and the times).\n"
    "\n"
    "Options (default in brackets):\n"
    "  --features rgbxy|patch  SOURCE's description: colour + position, or 3x3 patches [rgbxy]\n"
    "  --position-weight W     rgbxy: position scale, x and y / max(width, height) times W [0.5]\n"
    "  --k K                   components of each mixture, 2 to 64 [8]\n"
    "  --fit-points N          fit each mixture on N pixels drawn at random [20000]\n"
    "  --map mean|rand         T_mean (smooth) or T_rand (a random draw per pixel) [mean]\n"
    "  --no-regularize         keep the map's colours (clipped) without the guided filter\n"
    "  --seed S                seed of the pixel samples, EM and MEW2 [0]\n"
    "  --shrink F              first average F x F pixel boxes of both images, 1 to 64 [1]\n"
    "  --threads T             worker threads, 0 = all cores [0]\n"
    "  --panel FILE            also write SOURCE | TARGET | result side by side to FILE (PNG)\n"
    "  --check R               re-read OUTPUT.png and exit with status 3 unless the W2 distance\n"
    "                          between the Gaussians (mean, covariance) of its colours and of\n"
    "                          TARGET's is at most R times that of SOURCE's (the test's check)\n"
    "  -h, --help              print this help and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure (the message names the libgmmot call), 2 bad command\n"
    "line, 3 --check failed.\n";

static int parse(int argc, char **argv, arguments *a) {
  const char *arg, *value;
  const char *positional[3];
  int i, n_pos = 0;
  memset(a, 0, sizeof *a);
  a->pal = palette_args_defaults();
  a->regularize = 1;
  a->position_weight = 0.5;
  for (i = 1; cli_arg(argc, argv, i, &arg, &value); ++i) {
    long long v;
    if (strcmp(arg, "--no-regularize") == 0) {
      a->regularize = 0;
      continue;
    }
    if (strncmp(arg, "--", 2) != 0) {
      if (n_pos == 3) return cli_usage("too many arguments: SOURCE TARGET OUTPUT.png");
      positional[n_pos++] = arg;
      continue;
    }
    if (value == NULL) return cli_usage("an option is missing its value");
    ++i;
    if (strcmp(arg, "--features") == 0) {
      if ((a->patch = cli_choice(value, "rgbxy", "patch")) < 0)
        return cli_bad_value("--features", value, "rgbxy or patch");
    } else if (strcmp(arg, "--map") == 0) {
      if ((a->map_rand = cli_choice(value, "mean", "rand")) < 0)
        return cli_bad_value("--map", value, "mean or rand");
    } else if (strcmp(arg, "--position-weight") == 0) {
      if (!cli_parse_number(value, 0, 100, &a->position_weight))
        return cli_bad_value("--position-weight", value, "a number from 0 to 100");
    } else if (strcmp(arg, "--check") == 0) {
      if (!cli_parse_number(value, 0, 1e6, &a->check_ratio))
        return cli_bad_value("--check", value, "a ratio from 0 to 1e6");
      a->check = 1;
    } else if (strcmp(arg, "--panel") == 0) {
      a->panel = value;
    } else if ((v = palette_arg(arg, value, &a->pal)) > 0) {
      return (int)v;
    } else if (v < 0) {
      return cli_unknown_option(arg);
    }
  }
  if (n_pos != 3) return cli_usage("SOURCE, TARGET and OUTPUT.png are required");
  a->source = positional[0];
  a->target = positional[1];
  a->output = positional[2];
  return 0;
}

/* Every pixel's description, n x m row-major: colour + weighted position, or the 3 x 3 patch
 * (rows top to bottom, pixels left to right, channels R, G, B; edge pixels repeated). */
static void describe(const rgb_image *img, int patch, double position_weight, double *out) {
  const size_t w = img->width, h = img->height, m = patch ? 27 : 5;
  const double scale = position_weight / (double)(w > h ? w : h);
  size_t x, y;
  for (y = 0; y < h; ++y)
    for (x = 0; x < w; ++x) {
      double *d = out + (y * w + x) * m;
      if (!patch) {
        memcpy(d, img->rgb + 3 * (y * w + x), 3 * sizeof(double));
        d[3] = ((double)x + 0.5) * scale;
        d[4] = ((double)y + 0.5) * scale;
      } else {
        int dx, dy;
        for (dy = -1; dy <= 1; ++dy)
          for (dx = -1; dx <= 1; ++dx) {
            const size_t yy = (y == 0 && dy < 0) ? 0 : (y + 1 == h && dy > 0) ? y : y + dy;
            const size_t xx = (x == 0 && dx < 0) ? 0 : (x + 1 == w && dx > 0) ? x : x + dx;
            memcpy(d, img->rgb + 3 * (yy * w + xx), 3 * sizeof(double));
            d += 3;
          }
      }
    }
}

/* Up to `count` rows of the n x m array, chosen by a seeded partial Fisher-Yates shuffle (all
 * rows when count >= n); the caller frees the result. */
static double *sample_rows(const double *rows, size_t n, size_t m, size_t count, uint64_t seed,
                           size_t *n_out) {
  const size_t c = count >= n ? n : count;
  double *out = malloc(c * m * sizeof *out);
  size_t *idx = malloc(n * sizeof *idx), i;
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;
  if (out == NULL || idx == NULL) {
    free(out);
    free(idx);
    return NULL;
  }
  for (i = 0; i < n; ++i) idx[i] = i;
  for (i = 0; i < c; ++i) {
    size_t j, t;
    s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64 */
    j = i + (size_t)(s % (uint64_t)(n - i));
    t = idx[i], idx[i] = idx[j], idx[j] = t;
    memcpy(out + i * m, rows + idx[i] * m, m * sizeof(double));
  }
  free(idx);
  *n_out = c;
  return out;
}

/* Mean and covariance of n colours. */
static void colour_moments(size_t n, const double *rgb, double mean[3], double cov[9]) {
  size_t p;
  int i, j;
  for (i = 0; i < 3; ++i) mean[i] = 0;
  for (i = 0; i < 9; ++i) cov[i] = 0;
  for (p = 0; p < n; ++p)
    for (i = 0; i < 3; ++i) mean[i] += rgb[3 * p + i] / (double)n;
  for (p = 0; p < n; ++p)
    for (i = 0; i < 3; ++i)
      for (j = 0; j < 3; ++j)
        cov[3 * i + j] += (rgb[3 * p + i] - mean[i]) * (rgb[3 * p + j] - mean[j]) / (double)n;
}

/* W2 between the Gaussians of two images' colours. */
static int colour_w2(size_t n0, const double *rgb0, size_t n1, const double *rgb1, double *out) {
  double m0[3], s0[9], m1[3], s1[9], w2sq;
  int status;
  colour_moments(n0, rgb0, m0, s0);
  colour_moments(n1, rgb1, m1, s1);
  if ((status = gmmot_gaussian_w2_squared(3, m0, s0, m1, s1, &w2sq)) < 0)
    return cli_fail("gmmot_gaussian_w2_squared", status);
  *out = sqrt(w2sq > 0 ? w2sq : 0);
  return 0;
}

/* SOURCE | TARGET | result on white, TARGET resized (nearest pixel) to SOURCE's height. */
static int write_panel(const char *path, const rgb_image *a, const rgb_image *b,
                       const double *result) {
  const size_t gap = 8, h = a->height;
  const size_t wb = (size_t)((double)b->width * (double)h / (double)b->height + 0.5);
  const size_t width = 2 * a->width + (wb ? wb : 1) + 2 * gap;
  double *rgb = malloc(width * h * 3 * sizeof *rgb);
  size_t x, y;
  int rc;
  if (rgb == NULL) return cli_out_of_memory();
  for (x = 0; x < width * h * 3; ++x) rgb[x] = 1.0;
  for (y = 0; y < h; ++y) {
    memcpy(rgb + 3 * y * width, a->rgb + 3 * y * a->width, 3 * a->width * sizeof(double));
    for (x = 0; x < wb; ++x) {
      size_t sx = (size_t)(((double)x + 0.5) * (double)b->width / (double)wb);
      size_t sy = (size_t)(((double)y + 0.5) * (double)b->height / (double)h);
      sx = sx < b->width ? sx : b->width - 1;
      sy = sy < b->height ? sy : b->height - 1;
      memcpy(rgb + 3 * (y * width + a->width + gap + x), b->rgb + 3 * (sy * b->width + sx),
             3 * sizeof(double));
    }
    memcpy(rgb + 3 * (y * width + a->width + 2 * gap + wb), result + 3 * y * a->width,
           3 * a->width * sizeof(double));
  }
  rc = save_rgb_png(path, width, h, rgb);
  free(rgb);
  return rc;
}

static int set_options(const arguments *a, gmmot_options_t *opts) {
  int status;
  if ((status = gmmot_options_set_int(opts, GMMOT_OPT_EM_COMPONENTS, (int64_t)a->pal.k)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_SEED, (int64_t)a->pal.seed)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, a->pal.threads)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_COLOUR_REGULARIZE, a->regularize)) < 0)
    return cli_fail("gmmot_options_set_int", status);
  return 0;
}

static void print_isometry(const double *p, size_t m, int patch) {
  static const char *const kRgbxy[5] = {"r", "g", "b", "x", "y"};
  static const char *const kChannel[3] = {"r", "g", "b"};
  size_t i;
  printf("isometry P (%lu x 3, columns: TARGET's r g b; rows: SOURCE's description):\n",
         (unsigned long)m);
  for (i = 0; i < m; ++i) {
    char name[32];
    if (patch)
      snprintf(name, sizeof name, "%s(%+d,%+d)", kChannel[i % 3], (int)(i / 3 % 3) - 1,
               (int)(i / 9) - 1);
    else
      snprintf(name, sizeof name, "%s", kRgbxy[i]);
    printf("  %-10s %+.4f %+.4f %+.4f\n", name, p[3 * i], p[3 * i + 1], p[3 * i + 2]);
  }
}

int main(int argc, char **argv) {
  arguments a;
  gmmot_options_t *opts = NULL;
  rgb_image img_a = {0, 0, NULL}, img_b = {0, 0, NULL}, written = {0, 0, NULL};
  gmmot_gmm_t *mu = NULL, *nu = NULL;
  gmmot_em_t *em = NULL;
  gmmot_ew_t *ew = NULL;
  double *desc = NULL, *sample = NULL, *mapped = NULL, *result = NULL, p[27 * 3];
  double t0, t_fit_a, t_fit_b, t_mew2, t_map, t_reg, value = 0, sqrt_value = 0, share = 0;
  double w2_before = 0, w2_after = 0, grad = 0;
  size_t n, m, n_sample = 0, radius = 0, i;
  uint64_t iterations = 0;
  int status, converged = 0, rc = 1;

  cli_init("gmmot-cross-dim", kUsage, kHelp);
  image_io_program = "gmmot-cross-dim";
  if (parse(argc, argv, &a) != 0) return 2;
  if ((status = gmmot_options_create(&opts)) < 0) return cli_fail("gmmot_options_create", status);
  if (set_options(&a, opts) != 0) goto done;
  if (load_rgb(a.source, a.pal.shrink, &img_a) != 0 ||
      load_rgb(a.target, a.pal.shrink, &img_b) != 0)
    goto done;
  n = img_a.width * img_a.height;
  m = a.patch ? 27 : 5;
  desc = malloc(n * m * sizeof *desc);
  mapped = malloc(n * 3 * sizeof *mapped);
  result = malloc(n * 3 * sizeof *result);
  if (desc == NULL || mapped == NULL || result == NULL) {
    rc = cli_out_of_memory();
    goto done;
  }
  t0 = cli_now();
  describe(&img_a, a.patch, a.position_weight, desc);
  if ((sample = sample_rows(desc, n, m, a.pal.fit_points, a.pal.seed, &n_sample)) == NULL) {
    rc = cli_out_of_memory();
    goto done;
  }
  if ((status = gmmot_em_create(opts, &em)) < 0) {
    rc = cli_fail("gmmot_em_create", status);
    goto done;
  }
  if ((status = gmmot_em_fit(em, n_sample, m, sample, NULL, &mu)) < 0) {
    rc = cli_fail("gmmot_em_fit (SOURCE)", status);
    goto done;
  }
  t_fit_a = cli_now();
  if (palette_fit(opts, &img_b, a.pal.fit_points, a.pal.seed, &nu, NULL) != 0) goto done;
  t_fit_b = cli_now();
  if ((status = gmmot_mew2_create(mu, nu, opts, &ew)) < 0) {
    rc = cli_fail("gmmot_mew2_create", status);
    goto done;
  }
  t_mew2 = cli_now();
  status = a.map_rand ? gmmot_mew2_map_rand(ew, n, desc, opts, mapped, n * 3)
                      : gmmot_mew2_map_mean(ew, n, desc, opts, mapped, n * 3);
  if (status < 0) {
    rc = cli_fail(a.map_rand ? "gmmot_mew2_map_rand" : "gmmot_mew2_map_mean", status);
    goto done;
  }
  t_map = cli_now();
  if ((status = gmmot_colour_regularize(img_a.rgb, img_a.width, img_a.height, mapped, opts, result,
                                        n * 3, &radius)) < 0) {
    rc = cli_fail("gmmot_colour_regularize", status);
    goto done;
  }
  t_reg = cli_now();
  if (save_rgb_png(a.output, img_a.width, img_a.height, result) != 0) goto done;
  if (a.panel != NULL && write_panel(a.panel, &img_a, &img_b, result) != 0) goto done;

  gmmot_ew_value(ew, &value, &sqrt_value);
  gmmot_ew_copy_isometry(ew, p, m * 3);
  gmmot_ew_info(ew, &iterations, &converged, &grad, NULL, NULL);
  /* The share of P's unit columns on the rows that are not SOURCE's own colour: the position
   * rows (rgbxy) or the 8 neighbours (patch). 0 = a colour-to-colour map. */
  for (i = 0; i < m; ++i)
    if (a.patch ? (i < 12 || i >= 15) : i >= 3)
      share +=
          (p[3 * i] * p[3 * i] + p[3 * i + 1] * p[3 * i + 1] + p[3 * i + 2] * p[3 * i + 2]) / 3.0;
  print_isometry(p, m, a.patch);

  /* The check reads the file back, so it also verifies that a valid image was written. */
  if (load_rgb(a.output, 1, &written) != 0) goto done;
  if (written.width != img_a.width || written.height != img_a.height) {
    fprintf(stderr, "%s: %s is %lux%lu, expected %lux%lu\n", cli_program(), a.output,
            (unsigned long)written.width, (unsigned long)written.height, (unsigned long)img_a.width,
            (unsigned long)img_a.height);
    goto done;
  }
  if (colour_w2(n, img_a.rgb, img_b.width * img_b.height, img_b.rgb, &w2_before) != 0 ||
      colour_w2(n, written.rgb, img_b.width * img_b.height, img_b.rgb, &w2_after) != 0)
    goto done;

  printf(
      "case=cross_dim impl=libgmmot n=%s_%lux%lu_%s_m%lu_K%lu seconds=%.6e "
      "extra=mew2:%.6g;mew2_sq:%.6g;converged:%d;iterations:%lu;gradient_norm:%.3g;"
      "off_colour_share:%.4f;fit_source_s:%.4g;fit_target_s:%.4g;mew2_s:%.4g;map_s:%.4g;"
      "regularize_s:%.4g;radius:%lu;w2_source_target:%.4f;w2_result_target:%.4f;output:%s\n",
      a.source, (unsigned long)img_a.width, (unsigned long)img_a.height,
      a.patch ? "patch" : "rgbxy", (unsigned long)m, (unsigned long)a.pal.k, t_reg - t0, sqrt_value,
      value, converged, (unsigned long)iterations, grad, share, t_fit_a - t0, t_fit_b - t_fit_a,
      t_mew2 - t_fit_b, t_map - t_mew2, t_reg - t_map, (unsigned long)radius, w2_before, w2_after,
      a.output);
  rc = 0;
  if (a.check && !(w2_after <= a.check_ratio * w2_before)) {
    fprintf(stderr,
            "%s: --check failed: W2(result, TARGET) = %.4f, wanted <= %g x W2(SOURCE, TARGET) = "
            "%.4f\n",
            cli_program(), w2_after, a.check_ratio, a.check_ratio * w2_before);
    rc = 3;
  }
done:
  gmmot_ew_destroy(ew);
  gmmot_em_destroy(em);
  gmmot_gmm_destroy(mu);
  gmmot_gmm_destroy(nu);
  gmmot_options_destroy(opts);
  free(desc);
  free(sample);
  free(mapped);
  free(result);
  free_rgb(&img_a);
  free_rgb(&img_b);
  free_rgb(&written);
  return rc;
}
