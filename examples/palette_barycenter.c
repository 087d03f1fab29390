/* SPDX-License-Identifier: MIT */
/* gmmot-palette-barycenter: move the colour palette of a photograph through the MW2
 * barycenters of the palettes of four photographs (Delon & Desolneux 2020, section 7.1,
 * Fig. 11), using only the public C API:
 *   1. fit a K-component Gaussian mixture (EM, K = 10 as in the paper) to the RGB pixels of
 *      each of the four corner photographs;
 *   2. at the node (x, y) of an N x N grid, x and y in [0, 1], compute the exact MW2
 *      barycenter of the four palettes (gmmot_mw2_barycenter_exact) for the bilinear weights
 *      lambda = ((1-x)(1-y), x(1-y), (1-x)y, xy) of Fig. 11;
 *   3. recolour the source photograph (the first corner unless --source is given) with the MW2
 *      plan from its palette to that barycenter and the map T_mean (gmmot_mw2_map_mean, as in
 *      gmmot-color-transfer), and draw it into the node's cell of one PNG mosaic.
 * The paper also applies a spatial regularisation afterwards (its ref. [24]); this program
 * shows the raw T_mean result. At the first corner the barycenter is the source's own palette,
 * so that cell is (up to the map's smoothing) the source itself.
 *
 * Usage: gmmot-palette-barycenter IMG0 IMG1 IMG2 IMG3 OUTPUT [--source FILE] [--grid N] [--k K]
 *            [--fit-points N] [--shrink F] [--seed S] [--threads T]
 * IMG0..IMG3 (top left, top right, bottom left, bottom right) and FILE are PNG or JPEG files;
 * OUTPUT is written as PNG. Prints one line per cell and a summary line in the benchmark format
 * of bench/. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example_cli.h"
#include "image_io.h"
#include "palette.h"

#define NCORNERS 4
#define GAP 6 /* white pixels between two cells of the mosaic */

typedef struct {
  const char *corner[NCORNERS], *output, *source;
  int grid;
  size_t k;
  size_t fit_points; /* 0: all pixels */
  uint64_t seed;
  int threads;
  int shrink;
} arguments;

static const char kUsage[] =
    "usage: gmmot-palette-barycenter IMG0 IMG1 IMG2 IMG3 OUTPUT [--source FILE] [--grid N]\n"
    "           [--k K] [--fit-points N | --fit-all] [--shrink F] [--seed S] [--threads T]\n";

static const char kHelp[] =
    "\n"
    "Recolour a photograph with the MW2 barycenters of the colour palettes of four photographs\n"
    "IMG0 (top left), IMG1 (top right), IMG2 (bottom left), IMG3 (bottom right), on an N x N\n"
    "grid with bilinear weights (Delon & Desolneux 2020, Fig. 11), into the PNG mosaic OUTPUT.\n"
    "Each palette is a K-component Gaussian mixture fitted to the RGB pixels by EM; each cell is\n"
    "the source moved by the T_mean map of the MW2 plan from its palette to the barycenter.\n"
    "\n"
    "Options (default in brackets):\n"
    "  --source FILE   the photograph to recolour [IMG0]\n"
    "  --grid N        grid nodes per side, 2 to 10 [5]\n"
    "  --k K           components of each palette [10]\n"
    "  --fit-points N  fit each palette on N pixels drawn at random (seeded by --seed) [20000]\n"
    "  --fit-all       fit on every pixel instead of a sample\n"
    "  --shrink F      first average F x F pixel boxes of every image, 1 to 64 [1]; the cells\n"
    "                  of OUTPUT have the reduced size of the source\n"
    "  --seed S        seed of the pixel samples and of EM's k-means++ start [0]\n"
    "  --threads T     worker threads, 0 = all cores [0]\n"
    "  -h, --help      print this help and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure (the message names the libgmmot call and the reason),\n"
    "2 bad command line.\n";

/* The whole-number options: their ranges and the message when a value is out of range. */
typedef struct {
  const char *name;
  long long lo, hi;
  const char *message;
} int_option;

static const int_option kIntOptions[] = {
    {"--grid", 2, 10, "2 to 10"},
    {"--k", 1, 1000, "1 to 1000"},
    {"--fit-points", 1, 1000000000LL, "a positive integer"},
    {"--shrink", 1, 64, "1 to 64"},
    {"--seed", 0, 9007199254740992LL, "an integer from 0 to 2^53 (9007199254740992)"},
    {"--threads", 0, 1024, "0 to 1024"}};

static const int_option *find_int_option(const char *arg) {
  size_t i;
  for (i = 0; i < sizeof kIntOptions / sizeof kIntOptions[0]; ++i)
    if (strcmp(arg, kIntOptions[i].name) == 0) return &kIntOptions[i];
  return NULL;
}

static int parse(int argc, char **argv, arguments *a) {
  static const arguments kDefaults = {.grid = 5, .k = 10, .fit_points = 20000, .shrink = 1};
  const char *arg, *value;
  int i, positional = 0;
  *a = kDefaults;
  for (i = 1; cli_arg(argc, argv, i, &arg, &value); ++i) {
    const int_option *o = find_int_option(arg);
    long long v;
    if (strcmp(arg, "--fit-all") == 0) {
      a->fit_points = 0;
    } else if (strcmp(arg, "--source") == 0) {
      if (value == NULL) return cli_usage("--source is missing its file");
      a->source = value;
      ++i;
    } else if (o != NULL) {
      if (value == NULL) return cli_usage("an option is missing its value");
      ++i;
      if (cli_option_int(o->name, value, o->lo, o->hi, o->message, &v)) return 2;
      /* in kIntOptions' order */
      if (o == &kIntOptions[0]) a->grid = (int)v;
      if (o == &kIntOptions[1]) a->k = (size_t)v;
      if (o == &kIntOptions[2]) a->fit_points = (size_t)v;
      if (o == &kIntOptions[3]) a->shrink = (int)v;
      if (o == &kIntOptions[4]) a->seed = (uint64_t)v;
      if (o == &kIntOptions[5]) a->threads = (int)v;
    } else if (arg[0] == '-' && arg[1] == '-') {
      return cli_unknown_option(arg);
    } else if (positional < NCORNERS) {
      a->corner[positional++] = arg;
    } else if (positional == NCORNERS) {
      a->output = arg;
      ++positional;
    } else {
      return cli_usage("too many file arguments");
    }
  }
  return positional == NCORNERS + 1 ? 0 : cli_usage("IMG0 IMG1 IMG2 IMG3 and OUTPUT are required");
}

/* One cell: the barycenter of the palettes for lambda, then the source recoloured by T_mean of
 * the MW2 plan from the source's palette to it, written into `cell` (source size, clipped). */
static int recolour(const gmmot_gmm_t *const *palettes, const double lambda[NCORNERS],
                    const gmmot_gmm_t *src_palette, const rgb_image *src,
                    const gmmot_options_t *opts, double *cell, size_t *components, double *cost,
                    double *mw2sq) {
  gmmot_mw2_barycenter_t *b = NULL;
  gmmot_gmm_t *bary = NULL;
  gmmot_mw2_t *plan = NULL;
  const size_t n = src->width * src->height;
  size_t i;
  int status;
  if ((status = gmmot_mw2_barycenter_exact(palettes, NCORNERS, lambda, NCORNERS, opts, &b)) < 0)
    return cli_fail("gmmot_mw2_barycenter_exact", status);
  gmmot_mw2_barycenter_cost(b, cost);
  *components = gmmot_mw2_barycenter_components(b);
  status = gmmot_mw2_barycenter_gmm(b, &bary);
  gmmot_mw2_barycenter_destroy(b);
  if (status < 0) return cli_fail("gmmot_mw2_barycenter_gmm", status);
  status = gmmot_mw2_create(src_palette, bary, opts, &plan);
  gmmot_gmm_destroy(bary);
  if (status < 0) return cli_fail("gmmot_mw2_create", status);
  gmmot_mw2_distance(plan, mw2sq, NULL);
  status = gmmot_mw2_map_mean(plan, n, src->rgb, opts, cell, n * 3);
  gmmot_mw2_destroy(plan);
  if (status < 0) return cli_fail("gmmot_mw2_map_mean", status);
  for (i = 0; i < n * 3; ++i) cell[i] = cell[i] < 0.0 ? 0.0 : cell[i] > 1.0 ? 1.0 : cell[i];
  return 0;
}

int main(int argc, char **argv) {
  arguments a;
  rgb_image img[NCORNERS], src_own = {0, 0, NULL};
  const rgb_image *src;
  gmmot_gmm_t *palette[NCORNERS] = {NULL, NULL, NULL, NULL}, *src_palette_own = NULL;
  const gmmot_gmm_t *src_palette;
  gmmot_options_t *opts = NULL;
  double *mosaic = NULL, *cell = NULL;
  double t0, t_fit, t_cells = 0.0;
  size_t width, height, i, r;
  int status, rc = 1, row, col;

  cli_init("gmmot-palette-barycenter", kUsage, kHelp);
  image_io_program = "gmmot-palette-barycenter";
  if (parse(argc, argv, &a) != 0) return 2;
  t0 = cli_now();
  memset(img, 0, sizeof img);
  for (i = 0; i < NCORNERS; ++i)
    if (load_rgb(a.corner[i], a.shrink, &img[i]) != 0) goto done;
  if (a.source != NULL && load_rgb(a.source, a.shrink, &src_own) != 0) goto done;
  src = a.source != NULL ? &src_own : &img[0];

  if ((status = gmmot_options_create(&opts)) < 0) {
    rc = cli_fail("gmmot_options_create", status);
    goto done;
  }
  if ((status = gmmot_options_set_int(opts, GMMOT_OPT_EM_COMPONENTS, (int64_t)a.k)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_SEED, (int64_t)a.seed)) < 0 ||
      (status = gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, a.threads)) < 0) {
    rc = cli_fail("gmmot_options_set_int", status);
    goto done;
  }
  for (i = 0; i < NCORNERS; ++i)
    if (palette_fit(opts, &img[i], a.fit_points, a.seed, &palette[i], NULL) != 0) goto done;
  if (a.source != NULL &&
      palette_fit(opts, &src_own, a.fit_points, a.seed, &src_palette_own, NULL) != 0)
    goto done;
  src_palette = a.source != NULL ? src_palette_own : palette[0];
  t_fit = cli_now() - t0;

  width = (size_t)a.grid * src->width + (size_t)(a.grid + 1) * GAP;
  height = (size_t)a.grid * src->height + (size_t)(a.grid + 1) * GAP;
  mosaic = (double *)malloc(width * height * 3 * sizeof(double));
  cell = (double *)malloc(src->width * src->height * 3 * sizeof(double));
  if (mosaic == NULL || cell == NULL) {
    cli_out_of_memory();
    goto done;
  }
  for (i = 0; i < width * height * 3; ++i) mosaic[i] = 1.0;

  printf(
      "# corners: %s (top left), %s (top right), %s (bottom left), %s (bottom right); "
      "source %s; K=%lu\n",
      a.corner[0], a.corner[1], a.corner[2], a.corner[3], a.source != NULL ? a.source : a.corner[0],
      (unsigned long)a.k);
  for (row = 0; row < a.grid; ++row) {
    for (col = 0; col < a.grid; ++col) {
      const double x = (double)col / (double)(a.grid - 1), y = (double)row / (double)(a.grid - 1);
      /* Bilinear weights (Fig. 11): 1 at the cell's own corner, 0 at the other three. */
      const double lambda[NCORNERS] = {(1.0 - x) * (1.0 - y), x * (1.0 - y), (1.0 - x) * y, x * y};
      const size_t x0 = GAP + (size_t)col * (src->width + GAP);
      const size_t y0 = GAP + (size_t)row * (src->height + GAP);
      size_t components = 0;
      double cost = 0.0, mw2sq = 0.0, tc = cli_now();
      if (recolour((const gmmot_gmm_t *const *)palette, lambda, src_palette, src, opts, cell,
                   &components, &cost, &mw2sq) != 0)
        goto done;
      t_cells += cli_now() - tc;
      for (r = 0; r < src->height; ++r)
        memcpy(mosaic + 3 * ((y0 + r) * width + x0), cell + 3 * r * src->width,
               3 * src->width * sizeof(double));
      printf(
          "cell row=%d col=%d lambda=(%.4f,%.4f,%.4f,%.4f) components=%lu cost=%.10g "
          "mw2sq_source_to_barycenter=%.10g\n",
          row, col, lambda[0], lambda[1], lambda[2], lambda[3], (unsigned long)components, cost,
          mw2sq);
    }
  }
  if (save_rgb_png(a.output, width, height, mosaic) != 0) goto done;
  printf(
      "case=palette_barycenter impl=libgmmot n=grid%d_src%lux%lu_d3_K%lu seconds=%.6e "
      "extra=fit_s:%.4g;cells_s:%.4g;image:%lux%lu;output:%s\n",
      a.grid, (unsigned long)src->width, (unsigned long)src->height, (unsigned long)a.k,
      cli_now() - t0, t_fit, t_cells, (unsigned long)width, (unsigned long)height, a.output);
  rc = 0;

done:
  free(mosaic);
  free(cell);
  for (i = 0; i < NCORNERS; ++i) {
    gmmot_gmm_destroy(palette[i]);
    free_rgb(&img[i]);
  }
  gmmot_gmm_destroy(src_palette_own);
  free_rgb(&src_own);
  gmmot_options_destroy(opts);
  return rc;
}
