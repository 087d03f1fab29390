/* SPDX-License-Identifier: MIT */
/* gaussian_ot_demo: a tour of libgmmot's C API, using only <gmmot/gmmot.h>.
 *
 *   1. W2^2 between two 2-D Gaussians;
 *   2. the optimal (Monge) map T(x) = A x + b between them;
 *   3. points of the W2 geodesic, which moves at constant speed;
 *   4. the W2 barycenter of three Gaussians (fixed-point iteration, with options);
 *   5. the K0 x K1 matrix of W2^2 costs between the components of two 3-component mixtures,
 *      and log-densities of a mixture;
 *   6. the error model: status codes, gmmot_status_string() and gmmot_last_error_message().
 *
 * Build and run from a checkout: scripts/demo.sh. Against an installed libgmmot:
 *   cc gaussian_ot_demo.c $(pkg-config --cflags --libs gmmot) -lm
 * Exit status 0 when every result is as expected, 1 otherwise. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define D 2 /* dimension of every example below */
#define K 3 /* components per mixture */

static int g_failures = 0;

/* Stop on an error status (< 0): print the status name and the library's message. A warning
 * (> 0) is printed and the demo goes on, since the outputs were written. */
static int check(int status, const char *call) {
  if (status < 0) {
    fprintf(stderr, "%s failed: %s\n  %s\n", call, gmmot_status_string(status),
            gmmot_last_error_message());
    exit(EXIT_FAILURE);
  }
  if (status > 0) {
    printf("  [%s returned a warning: %s: %s]\n", call, gmmot_status_string(status),
           gmmot_last_error_message());
  }
  return status;
}

/* Record a failed expectation; the demo still prints everything and exits 1 at the end. */
static void expect(int ok, const char *what) {
  if (!ok) {
    printf("  !! unexpected: %s\n", what);
    ++g_failures;
  }
}

static void print_vector(const char *name, const double *v, size_t n) {
  size_t i;
  printf("  %-4s = [", name);
  for (i = 0; i < n; ++i) printf("%s%10.6f", i ? ", " : "", v[i]);
  printf("]\n");
}

static void print_matrix(const char *name, const double *m, size_t n) {
  size_t i, j;
  for (i = 0; i < n; ++i) {
    printf("  %-4s %s [", i == 0 ? name : "", i == 0 ? "=" : " ");
    for (j = 0; j < n; ++j) printf("%s%10.6f", j ? ", " : "", m[i * n + j]);
    printf("]\n");
  }
}

static void section(const char *title) { printf("\n== %s\n", title); }

int main(void) {
  /* Two Gaussians N(m0, S0) and N(m1, S1) on R^2; covariances are row-major d x d. */
  const double m0[D] = {1.0, -1.0};
  const double s0[D * D] = {2.0, 0.6, 0.6, 1.0};
  const double m1[D] = {3.0, 1.0};
  const double s1[D * D] = {1.0, -0.4, -0.4, 0.5};
  double w2sq, w2;

  printf("libgmmot %s: optimal transport between Gaussians and Gaussian mixtures\n",
         gmmot_version_string());

  /* ------------------------------------------------------------------ 1. distance */
  section("1. Squared 2-Wasserstein distance between two Gaussians");
  print_vector("m0", m0, D);
  print_matrix("S0", s0, D);
  print_vector("m1", m1, D);
  print_matrix("S1", s1, D);
  check(gmmot_gaussian_w2_squared(D, m0, s0, m1, s1, &w2sq), "gmmot_gaussian_w2_squared");
  w2 = sqrt(w2sq);
  printf("  W2^2 = %.12f   (W2 = %.12f)\n", w2sq, w2);
  printf("  of which ||m0 - m1||^2 = %.12f comes from the means\n",
         (m0[0] - m1[0]) * (m0[0] - m1[0]) + (m0[1] - m1[1]) * (m0[1] - m1[1]));

  /* ------------------------------------------------------------------ 2. Monge map */
  section("2. Optimal (Monge) map T(x) = A x + b pushing N(m0,S0) onto N(m1,S1)");
  {
    double a[D * D], b[D], residual;
    check(gmmot_gaussian_monge_map(D, m0, s0, m1, s1, a, D * D, b, D, &residual),
          "gmmot_gaussian_monge_map");
    print_matrix("A", a, D);
    print_vector("b", b, D);
    printf("  A is symmetric positive definite; ||A S0 A - S1||_F / ||S1||_F = %.2e\n", residual);
    expect(residual < 1e-12, "Monge map residual above 1e-12");
  }

  /* ------------------------------------------------------------------ 3. geodesic */
  section("3. The W2 geodesic mu_t = N(m_t, S_t): constant speed");
  printf("  %4s  %-22s  %12s  %12s  %12s  %12s\n", "t", "m_t", "W2(mu0,mu_t)", "t*W2",
         "W2(mu_t,mu1)", "(1-t)*W2");
  {
    const double ts[] = {0.0, 0.25, 0.5, 0.75, 1.0};
    size_t i;
    for (i = 0; i < sizeof ts / sizeof ts[0]; ++i) {
      const double t = ts[i];
      double mt[D], st[D * D], d0, d1;
      check(gmmot_gaussian_geodesic(D, m0, s0, m1, s1, t, mt, D, st, D * D),
            "gmmot_gaussian_geodesic");
      check(gmmot_gaussian_w2_squared(D, m0, s0, mt, st, &d0), "gmmot_gaussian_w2_squared");
      check(gmmot_gaussian_w2_squared(D, mt, st, m1, s1, &d1), "gmmot_gaussian_w2_squared");
      d0 = sqrt(d0);
      d1 = sqrt(d1);
      printf("  %4.2f  [%9.6f, %9.6f]  %12.9f  %12.9f  %12.9f  %12.9f\n", t, mt[0], mt[1], d0,
             t * w2, d1, (1.0 - t) * w2);
      expect(fabs(d0 - t * w2) < 1e-7 * w2 && fabs(d1 - (1.0 - t) * w2) < 1e-7 * w2,
             "geodesic distances are not t*W2 and (1-t)*W2");
    }
    printf("  mu_t is t*W2 from mu0 and (1-t)*W2 from mu1: it moves at constant speed W2\n");
  }

  /* ------------------------------------------------------------------ 4. barycenter */
  section("4. W2 barycenter of three Gaussians (weights 0.5, 0.3, 0.2)");
  {
    const double weights[3] = {0.5, 0.3, 0.2};
    const double means[3 * D] = {0.0, 0.0, 4.0, 0.0, 0.0, 4.0};
    const double covs[3 * D * D] = {2.0, 0.5,  0.5,  1.0,  /* tilted right */
                                    1.0, -0.7, -0.7, 1.5,  /* tilted left */
                                    0.5, 0.0,  0.0,  3.0}; /* tall */
    double mean[D], cov[D * D], residual, cost;
    uint64_t iterations;
    gmmot_options_t *opts = NULL;
    int status;

    /* Options are optional (NULL means defaults); here they set the stopping rule. */
    check(gmmot_options_create(&opts), "gmmot_options_create");
    check(gmmot_options_set_double(opts, GMMOT_OPT_BARYCENTER_TOLERANCE, 1e-12),
          "gmmot_options_set_double");
    check(gmmot_options_set_int(opts, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, 100),
          "gmmot_options_set_int");
    status = check(gmmot_gaussian_barycenter(3, D, weights, means, covs, opts, mean, D, cov, D * D,
                                             &iterations, &residual),
                   "gmmot_gaussian_barycenter");
    check(gmmot_gaussian_multimarginal_cost(3, D, weights, means, covs, opts, &cost),
          "gmmot_gaussian_multimarginal_cost");
    gmmot_options_destroy(opts);

    print_vector("m*", mean, D);
    print_matrix("S*", cov, D);
    printf("  status %s after %llu fixed-point iterations, residual %.2e\n",
           gmmot_status_string(status), (unsigned long long)iterations, residual);
    printf("  sum_j lambda_j W2^2(N_j, N*) = %.12f\n", cost);
    expect(status == GMMOT_OK && residual <= 1e-12, "barycenter did not converge");
  }

  /* ------------------------------------------------------------------ 5. mixtures */
  section("5. Two 3-component mixtures: cost matrix C[k][l] = W2^2(mu0^k, mu1^l)");
  {
    const double wa[K] = {0.5, 0.3, 0.2};
    const double ma[K * D] = {0.0, 0.0, 5.0, 0.0, 0.0, 5.0};
    const double sa[K * D * D] = {1.0, 0.0, 0.0, 1.0, 0.5, 0.2, 0.2, 0.5, 2.0, 0.0, 0.0, 0.1};
    const double wb[K] = {0.2, 0.4, 0.4};
    const double mb[K * D] = {1.0, 1.0, 6.0, 1.0, -1.0, 6.0};
    const double sb[K * D * D] = {1.5, 0.3, 0.3, 0.8, 0.4, 0.0, 0.0, 0.4, 1.0, -0.5, -0.5, 1.0};
    const double points[3 * D] = {0.0, 0.0, 2.5, 0.0, 40.0, 40.0};
    double cost[K * K], logp[3];
    gmmot_gmm_t *mix0 = NULL, *mix1 = NULL;
    size_t k, l;

    check(gmmot_gmm_create(K, D, wa, ma, sa, &mix0), "gmmot_gmm_create");
    check(gmmot_gmm_create(K, D, wb, mb, sb, &mix1), "gmmot_gmm_create");
    printf("  mu0: %zu components in R^%zu, mu1: %zu components in R^%zu\n",
           gmmot_gmm_ncomponents(mix0), gmmot_gmm_dim(mix0), gmmot_gmm_ncomponents(mix1),
           gmmot_gmm_dim(mix1));
    check(gmmot_w2_cost_matrix(mix0, mix1, NULL, cost, K * K), "gmmot_w2_cost_matrix");
    printf("  %8s", "");
    for (l = 0; l < K; ++l) printf("  %10s%zu", "mu1^", l);
    printf("\n");
    for (k = 0; k < K; ++k) {
      printf("  %6s%zu", "mu0^", k);
      for (l = 0; l < K; ++l) printf("  %11.6f", cost[k * K + l]);
      printf("\n");
    }

    printf("\n  log-density of mu0 at three points:\n");
    check(gmmot_gmm_log_density(mix0, 3, points, NULL, logp, 3), "gmmot_gmm_log_density");
    for (k = 0; k < 3; ++k) {
      printf("    log mu0(%5.1f, %5.1f) = %12.6f\n", points[k * D], points[k * D + 1], logp[k]);
    }
    printf("  (computed as a log-sum-exp: finite even where the density underflows to 0)\n");
    expect(isfinite(logp[2]) && logp[2] < -700.0,
           "log-density far out is not a large finite value");

    gmmot_gmm_destroy(mix1);
    gmmot_gmm_destroy(mix0);
  }

  /* ------------------------------------------------------------------ 6. errors */
  section("6. The error model: an int status, a status string and a detailed message");
  {
    const double bad_weights[K] = {0.5, 0.3, 0.1}; /* sum 0.9, not 1 */
    const double ma[K * D] = {0.0, 0.0, 1.0, 0.0, 0.0, 1.0};
    const double sa[K * D * D] = {1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0};
    const double not_psd[D * D] = {1.0, 2.0, 2.0, 1.0}; /* eigenvalues 3 and -1 */
    gmmot_gmm_t *mix = NULL;
    double out = -1.0, small[1], cov[D * D];
    int status;

    status = gmmot_gmm_create(K, D, bad_weights, ma, sa, &mix);
    printf("  gmmot_gmm_create with weights summing to 0.9:\n");
    printf("    status  %d = %s\n", status, gmmot_status_string(status));
    printf("    message \"%s\"\n", gmmot_last_error_message());
    printf("    handle  %s (nothing is written on error)\n", mix == NULL ? "still NULL" : "SET?!");
    expect(status == GMMOT_E_WEIGHTS && mix == NULL, "bad weights were not GMMOT_E_WEIGHTS");

    status = gmmot_gaussian_w2_squared(D, m0, s0, m1, not_psd, &out);
    printf(
        "  gmmot_gaussian_w2_squared with S1 = [[1, 2], [2, 1]] (not positive semi-definite):\n");
    printf("    status  %d = %s\n", status, gmmot_status_string(status));
    printf("    message \"%s\"\n", gmmot_last_error_message());
    expect(status == GMMOT_E_NOT_PSD && out == -1.0,
           "a non-PSD covariance was not GMMOT_E_NOT_PSD");

    status = gmmot_gaussian_geodesic(D, m0, s0, m1, s1, 0.5, small, 1, cov, D * D);
    printf("  gmmot_gaussian_geodesic with a 1-element mean buffer for d = 2:\n");
    printf("    status  %d = %s\n", status, gmmot_status_string(status));
    printf("    message \"%s\"\n", gmmot_last_error_message());
    expect(status == GMMOT_E_BUFFER_TOO_SMALL, "a short output buffer was not BUFFER_TOO_SMALL");

    status = gmmot_gaussian_w2_squared(D, m0, s0, m1, s1, &out);
    printf("  after a successful call: status %d = %s, message \"%s\"\n", status,
           gmmot_status_string(status), gmmot_last_error_message());
    expect(status == GMMOT_OK && gmmot_last_error_message()[0] == '\0',
           "the message was not cleared by a successful call");
  }

  if (g_failures != 0) {
    printf("\n%d unexpected result(s)\n", g_failures);
    return EXIT_FAILURE;
  }
  printf("\nAll results as expected.\n");
  return EXIT_SUCCESS;
}
