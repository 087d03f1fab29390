/* SPDX-License-Identifier: MIT */
/* A C99 program that uses an installed libgmmot through <gmmot/gmmot.h> only. Built by
 * tests/install/run.sh via pkg-config and via find_package(gmmot). Exit 0 on success. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdio.h>

static int fail(const char *what, int status) {
  fprintf(stderr, "consumer: %s failed: %s (%s)\n", what, gmmot_status_string(status),
          gmmot_last_error_message());
  return 1;
}

int main(void) {
  /* N((0,0), S) and N((1,2), 4 S) with S = [[2,1],[1,2]]: the Bures term is tr S = 4 and the
   * means are 5 apart in squared norm, so W2^2 = 9 exactly. */
  const double w[1] = {1.0};
  const double m0[2] = {0.0, 0.0};
  const double s0[4] = {2.0, 1.0, 1.0, 2.0};
  const double m1[2] = {1.0, 2.0};
  const double s1[4] = {8.0, 4.0, 4.0, 8.0};
  const double expected = 9.0;
  gmmot_gmm_t *g0 = NULL;
  gmmot_gmm_t *g1 = NULL;
  double w2sq = -1.0;
  double cost[1] = {-1.0};
  int rc;

  if (gmmot_version_number() != GMMOT_VERSION_NUMBER) {
    fprintf(stderr, "consumer: header version %d but library version %d\n", GMMOT_VERSION_NUMBER,
            gmmot_version_number());
    return 1;
  }
  rc = gmmot_gaussian_w2_squared(2, m0, s0, m1, s1, &w2sq);
  if (rc != GMMOT_OK) return fail("gmmot_gaussian_w2_squared", rc);
  rc = gmmot_gmm_create(1, 2, w, m0, s0, &g0);
  if (rc != GMMOT_OK) return fail("gmmot_gmm_create(g0)", rc);
  rc = gmmot_gmm_create(1, 2, w, m1, s1, &g1);
  if (rc != GMMOT_OK) {
    gmmot_gmm_destroy(g0);
    return fail("gmmot_gmm_create(g1)", rc);
  }
  rc = gmmot_w2_cost_matrix(g0, g1, NULL, cost, 1);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  if (rc != GMMOT_OK) return fail("gmmot_w2_cost_matrix", rc);

  /* Discrete transport (0.2): a = (0.6, 0.4), b = (0.3, 0.7), C = [[1, 2], [3, 1]]; the
   * optimum [[0.3, 0.3], [0, 0.4]] costs 1.3. */
  {
    const double a[2] = {0.6, 0.4}, b[2] = {0.3, 0.7}, c[4] = {1.0, 2.0, 3.0, 1.0};
    gmmot_transport_t *t = NULL;
    double ot = -1.0;
    rc = gmmot_transport_solve(2, 2, a, b, c, NULL, &t);
    if (rc != GMMOT_OK) return fail("gmmot_transport_solve", rc);
    rc = gmmot_transport_cost(t, &ot);
    gmmot_transport_destroy(t);
    if (rc != GMMOT_OK) return fail("gmmot_transport_cost", rc);
    if (fabs(ot - 1.3) > 1e-12) {
      fprintf(stderr, "consumer: expected a transport cost of 1.3, got %.17g\n", ot);
      return 1;
    }
  }

  if (fabs(w2sq - expected) > 1e-12 * expected || fabs(cost[0] - expected) > 1e-12 * expected) {
    fprintf(stderr, "consumer: expected W2^2 = %.17g, got %.17g (direct) and %.17g (matrix)\n",
            expected, w2sq, cost[0]);
    return 1;
  }
  printf("gmmot %s (%d): W2^2 = %.17g, cost matrix = [%.17g]\n", gmmot_version_string(),
         gmmot_version_number(), w2sq, cost[0]);
  return 0;
}
