/* SPDX-License-Identifier: MIT */
/* gmmot_gmm_sample: reproducibility (same GMMOT_OPT_SEED, any thread count, prefixes), labels,
 * supports of singular components, a loose moment check (5 standard errors), n = 0 and errors. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <string.h>

#include "harness.h"

enum { N = 20000 };
static double pa[2 * N], pb[2 * N];
static size_t la[N], lb[N];

static void test_reproducible(const gmmot_gmm_t *g) {
  gmmot_options_t *o42 = NULL, *o1 = NULL, *o2 = NULL, *o0 = NULL;
  /* The seed is the option GMMOT_OPT_SEED. */
  CHECK_OK(gmmot_options_create(&o42));
  CHECK_OK(gmmot_options_set_int(o42, GMMOT_OPT_SEED, 42));
  CHECK_OK(gmmot_gmm_sample(g, N, o42, pa, 2 * N, la, N));
  CHECK_OK(gmmot_gmm_sample(g, N, o42, pb, 2 * N, lb, N));
  CHECK(memcmp(pa, pb, sizeof pa) == 0 && memcmp(la, lb, sizeof la) == 0);
  /* NUM_THREADS 1 vs 2: identical. */
  CHECK_OK(gmmot_options_clone(o42, &o1));
  CHECK_OK(gmmot_options_clone(o42, &o2));
  CHECK_OK(gmmot_options_set_int(o1, GMMOT_OPT_NUM_THREADS, 1));
  CHECK_OK(gmmot_options_set_int(o2, GMMOT_OPT_NUM_THREADS, 2));
  CHECK_OK(gmmot_gmm_sample(g, N, o1, pb, 2 * N, lb, N));
  CHECK(memcmp(pa, pb, sizeof pa) == 0 && memcmp(la, lb, sizeof la) == 0);
  memset(pb, 0, sizeof pb);
  CHECK_OK(gmmot_gmm_sample(g, N, o2, pb, 2 * N, lb, N));
  CHECK(memcmp(pa, pb, sizeof pa) == 0 && memcmp(la, lb, sizeof la) == 0);
  /* The first m points of a draw of n equal a draw of m; labels are optional. */
  h_fill(pb, 2 * N);
  CHECK_OK(gmmot_gmm_sample(g, 337, o2, pb, 2 * N, NULL, 0));
  CHECK(memcmp(pa, pb, 2 * 337 * sizeof(double)) == 0);
  /* Another seed gives other points. */
  CHECK_OK(gmmot_options_set_int(o2, GMMOT_OPT_SEED, 43));
  CHECK_OK(gmmot_gmm_sample(g, N, o2, pb, 2 * N, lb, N));
  CHECK(memcmp(pa, pb, sizeof pa) != 0);
  /* NULL options draw with the default seed 0. */
  CHECK_OK(gmmot_options_create(&o0));
  CHECK_OK(gmmot_options_set_int(o0, GMMOT_OPT_SEED, 0));
  CHECK_OK(gmmot_gmm_sample(g, N, NULL, pa, 2 * N, la, N));
  CHECK_OK(gmmot_gmm_sample(g, N, o0, pb, 2 * N, lb, N));
  CHECK(memcmp(pa, pb, sizeof pa) == 0 && memcmp(la, lb, sizeof la) == 0);
  gmmot_options_destroy(o42);
  gmmot_options_destroy(o1);
  gmmot_options_destroy(o2);
  gmmot_options_destroy(o0);
}

void test_sampling(void) {
  /* Components: 0 = N((0,0), diag(1, 4)) weight .5; 1 = weight 0; 2 = rank 1 along (1,1) at
   * (5, 5), weight .3; 3 = Dirac at (-3, 7), weight .2. */
  static const double w[4] = {0.5, 0.0, 0.3, 0.2}, m[8] = {0, 0, 100, 100, 5, 5, -3, 7};
  static const double c[16] = {1, 0, 0, 4, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0};
  gmmot_gmm_t *g = NULL;
  gmmot_options_t *o7 = NULL;
  size_t i, cnt[4] = {0, 0, 0, 0}, bad_support = 0, bad_dirac = 0, bad_label = 0;
  double s0 = 0.0, s1 = 0.0, q1 = 0.0;

  CHECK_OK(gmmot_gmm_create(4, 2, w, m, c, &g));
  if (g == NULL) return;
  test_reproducible(g);

  CHECK_OK(gmmot_options_create(&o7));
  CHECK_OK(gmmot_options_set_int(o7, GMMOT_OPT_SEED, 7));
  CHECK_OK(gmmot_gmm_sample(g, N, o7, pa, 2 * N, la, N));
  gmmot_options_destroy(o7);
  for (i = 0; i < N; ++i) {
    const double *x = pa + 2 * i;
    if (la[i] >= 4) {
      ++bad_label;
      continue;
    }
    ++cnt[la[i]];
    if (la[i] == 0) {
      s0 += x[0];
      s1 += x[1];
      q1 += x[1] * x[1];
    } else if (la[i] == 2) {
      /* On the support (5,5) + span(1,1): x0 - 5 = x1 - 5 to rounding. */
      if (fabs(x[0] - x[1]) > 1e-12 * (fabs(x[0]) + fabs(x[1]) + 1.0)) ++bad_support;
    } else if (la[i] == 3) {
      if (fabs(x[0] + 3.0) > 1e-14 || fabs(x[1] - 7.0) > 1e-14) ++bad_dirac;
    }
  }
  CHECK(bad_label == 0);
  CHECKF(cnt[1] == 0, "zero-weight component drawn %lu times", (unsigned long)cnt[1]);
  CHECK(bad_support == 0 && bad_dirac == 0);
  /* Label frequencies within 5 binomial standard errors. */
  CHECKF(fabs((double)cnt[0] / N - 0.5) <= 5.0 * sqrt(0.25 / N), "freq0 %lu",
         (unsigned long)cnt[0]);
  CHECKF(fabs((double)cnt[2] / N - 0.3) <= 5.0 * sqrt(0.21 / N), "freq2 %lu",
         (unsigned long)cnt[2]);
  CHECKF(fabs((double)cnt[3] / N - 0.2) <= 5.0 * sqrt(0.16 / N), "freq3 %lu",
         (unsigned long)cnt[3]);
  /* Component 0: mean 0 (standard errors 1/sqrt n and 2/sqrt n), variance of x1 = 4. */
  if (cnt[0] > 0) {
    double n0 = (double)cnt[0];
    CHECKF(fabs(s0 / n0) <= 5.0 / sqrt(n0), "mean x0 %g", s0 / n0);
    CHECKF(fabs(s1 / n0) <= 10.0 / sqrt(n0), "mean x1 %g", s1 / n0);
    CHECKF(fabs(q1 / n0 - 4.0) <= 5.0 * 4.0 * sqrt(2.0 / n0), "var x1 %g", q1 / n0);
  }

  /* n = 0 no-ops; errors leave the buffers alone. */
  CHECK_OK(gmmot_gmm_sample(g, 0, NULL, NULL, 0, NULL, 0));
  h_fill(pb, 8);
  CHECK_OK(gmmot_gmm_sample(g, 0, NULL, pb, 8, lb, 4));
  CHECK_ERROR(gmmot_gmm_sample(NULL, 4, NULL, pb, 8, NULL, 0), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_sample", "gmm");
  CHECK_ERROR(gmmot_gmm_sample(g, 4, NULL, NULL, 8, NULL, 0), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_sample", "out_points");
  CHECK_ERROR(gmmot_gmm_sample(g, 4, NULL, pb, 7, NULL, 0), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_gmm_sample", "points_len|out_points");
  lb[0] = 12345;
  CHECK_ERROR(gmmot_gmm_sample(g, 4, NULL, pb, 8, lb, 3), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_gmm_sample", "labels_len|out_labels");
  CHECK_UNTOUCHED(pb, 8);
  CHECK(lb[0] == 12345);
  gmmot_gmm_destroy(g);
}
