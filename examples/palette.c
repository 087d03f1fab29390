/* SPDX-License-Identifier: MIT */
/* Colour palettes of photographs for the example programs; see palette.h. */
#include "palette.h"

#include <stdlib.h>
#include <string.h>

#include "example_cli.h"

palette_args palette_args_defaults(void) {
  palette_args p = {8, 20000, 0, 1, 0};
  return p;
}

int palette_arg(const char *arg, const char *value, palette_args *p) {
  long long v;
  if (strcmp(arg, "--seed") == 0) {
    if (cli_option_int(arg, value, 0, 9007199254740992LL, "an integer from 0 to 2^53", &v))
      return 2;
    p->seed = (uint64_t)v;
  } else if (strcmp(arg, "--k") == 0) {
    if (cli_option_int(arg, value, 2, 64, "2 to 64", &v)) return 2;
    p->k = (size_t)v;
  } else if (strcmp(arg, "--shrink") == 0) {
    if (cli_option_int(arg, value, 1, 64, "1 to 64", &v)) return 2;
    p->shrink = (int)v;
  } else if (strcmp(arg, "--fit-points") == 0) {
    if (cli_option_int(arg, value, 1, 100000000, "a positive integer", &v)) return 2;
    p->fit_points = (size_t)v;
  } else if (strcmp(arg, "--threads") == 0) {
    if (cli_option_int(arg, value, 0, 1024, "0 to 1024", &v)) return 2;
    p->threads = (int)v;
  } else {
    return -1;
  }
  return 0;
}

double *palette_sample(const rgb_image *img, size_t count, uint64_t seed, size_t *n_out) {
  const size_t n = img->width * img->height;
  size_t m = count == 0 || count >= n ? n : count, i;
  double *out = (double *)malloc(m * 3 * sizeof(double));
  if (out == NULL) return NULL;
  if (m == n) {
    memcpy(out, img->rgb, n * 3 * sizeof(double));
  } else {
    /* Floyd's algorithm would avoid the index array; a partial Fisher-Yates on indices is
     * simpler and costs 8 bytes a pixel. */
    size_t *idx = (size_t *)malloc(n * sizeof(size_t));
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull;
    if (idx == NULL) {
      free(out);
      return NULL;
    }
    for (i = 0; i < n; ++i) idx[i] = i;
    for (i = 0; i < m; ++i) {
      size_t j, t;
      s ^= s << 13, s ^= s >> 7, s ^= s << 17; /* xorshift64 */
      j = i + (size_t)(s % (uint64_t)(n - i));
      t = idx[i], idx[i] = idx[j], idx[j] = t;
      memcpy(out + 3 * i, img->rgb + 3 * idx[i], 3 * sizeof(double));
    }
    free(idx);
  }
  *n_out = m;
  return out;
}

int palette_fit(const gmmot_options_t *opts, const rgb_image *img, size_t fit_points, uint64_t seed,
                gmmot_gmm_t **out, uint64_t *iterations) {
  gmmot_em_t *em = NULL;
  size_t n = 0;
  int status;
  double *points = palette_sample(img, fit_points, seed, &n);
  if (points == NULL) return cli_out_of_memory();
  if ((status = gmmot_em_create(opts, &em)) < 0) {
    free(points);
    return cli_fail("gmmot_em_create", status);
  }
  status = gmmot_em_fit(em, n, 3, points, NULL, out);
  free(points);
  if (status >= 0 && iterations != NULL) gmmot_em_info(em, NULL, iterations, NULL);
  gmmot_em_destroy(em);
  return status < 0 ? cli_fail("gmmot_em_fit", status) : 0;
}
