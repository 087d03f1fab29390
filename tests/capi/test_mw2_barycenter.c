/* SPDX-License-Identifier: MIT */
/* gmmot/barycenter.h: barycenters of Gaussian mixtures for MW2, through the C API only.
 *  - exact, on small random mixtures (J = 2, 3): at most sum_j K_j - J + 1 components; each
 *    plan's row sums are the barycenter's weights and its column sums mu_j's (1e-14: the masses
 *    are sums of at most a few LP values of order 1, so a few ulps); the duals times the weights
 *    equal the cost (1e-12 relative: sum_j K_j products of potentials of the cost's scale); the
 *    certificates are small; the tuples agree with the plans (row i of plan j is the single
 *    entry (i, t_j) carrying the weight of component i) and component i is the Gaussian
 *    barycenter of its tuple (gmmot_gaussian_barycenter); V = sum_j lambda_j MW2^2(nu, mu_j)
 *    (gmmot_mw2_squared; Delon-Desolneux Prop. 8);
 *  - J = 1 returns the mixture itself with cost 0;
 *  - J = 2: the barycenter is the MW2 geodesic at t = lambda_2, so V = lambda_1 lambda_2
 *    MW2^2(mu_0, mu_1) (1e-10 relative: two LP optima on costs that agree to the Gaussian
 *    barycenter's 1e-12 tolerance);
 *  - fixed support with the exact barycenter's components as candidates reproduces its cost;
 *  - fixed point: the true method's energies never increase and stay above the exact V; the
 *    iteration cap gives GMMOT_W_NOT_CONVERGED with *out set; the heuristic methods have no
 *    tuples and no LP has duals (GMMOT_E_INVALID_ARGUMENT saying so);
 *  - the options reach the solvers (GMMOT_OPT_MMOT_MAX_TUPLES), and the result outlives the
 *    input handles. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

void test_mw2_barycenter(void);

enum { D = 2, MAXJ = 3, MAXK = 4, MAXN = MAXJ * MAXK };

typedef struct {
  size_t j, k[MAXJ], sum_k;
  double lambda[MAXJ];
  double w[MAXJ][MAXK], m[MAXJ][MAXK * D], s[MAXJ][MAXK * D * D];
  gmmot_gmm_t *g[MAXJ];
} problem;

/* A random problem: J mixtures with k[j] components in d = 2, non-uniform weights, means spread
 * over [-5, 5]^2 so that the tuple costs differ clearly, random SPD covariances. */
static int make_problem(problem *p, size_t j, const size_t *k, const double *lambda,
                        unsigned long seed) {
  unsigned long st = seed;
  size_t a, c;
  memset(p, 0, sizeof *p);
  p->j = j;
  for (a = 0; a < j; ++a) {
    double sum = 0.0;
    p->k[a] = k[a];
    p->sum_k += k[a];
    p->lambda[a] = lambda[a];
    for (c = 0; c < k[a]; ++c) {
      p->w[a][c] = 1.0 + 0.9 * h_uniform(&st);
      sum += p->w[a][c];
      p->m[a][c * D] = 5.0 * h_uniform(&st);
      p->m[a][c * D + 1] = 5.0 * h_uniform(&st);
      h_random_spd(D, &st, p->s[a] + c * D * D);
    }
    for (c = 0; c < k[a]; ++c) p->w[a][c] /= sum;
    p->g[a] = H_MAKE_GMM(k[a], D, p->w[a], p->m[a], p->s[a]);
    if (p->g[a] == NULL) return 0;
  }
  return 1;
}

static void free_problem(problem *p) {
  size_t a;
  for (a = 0; a < p->j; ++a) gmmot_gmm_destroy(p->g[a]);
  memset(p, 0, sizeof *p);
}

static const gmmot_gmm_t *const *handles(const problem *p) {
  return (const gmmot_gmm_t *const *)p->g;
}

/* The barycenter's weights, means and covariances (n <= MAXN). */
typedef struct {
  size_t n;
  double w[MAXN], m[MAXN * D], s[MAXN * D * D];
} mixture;

static int read_barycenter(const gmmot_mw2_barycenter_t *b, mixture *out) {
  gmmot_gmm_t *g = NULL;
  int ok;
  CHECK_OK(gmmot_mw2_barycenter_gmm(b, &g));
  if (g == NULL) return 0;
  out->n = gmmot_gmm_ncomponents(g);
  ok = out->n >= 1 && out->n <= MAXN && gmmot_gmm_dim(g) == D;
  CHECKF(ok, "barycenter has %lu components in d = %lu", (unsigned long)out->n,
         (unsigned long)gmmot_gmm_dim(g));
  CHECK(out->n == gmmot_mw2_barycenter_components(b));
  if (ok) {
    CHECK_OK(gmmot_gmm_copy_weights(g, out->w, MAXN));
    CHECK_OK(gmmot_gmm_copy_means(g, out->m, MAXN * D));
    CHECK_OK(gmmot_gmm_copy_covariances(g, out->s, MAXN * D * D));
  }
  gmmot_gmm_destroy(g);
  return ok;
}

/* Plan j: triplets sorted by (row, column) within range, row sums = the barycenter's weights,
 * column sums = mu_j's weights. Returns the number of entries (0 on failure). */
static size_t check_plan(const gmmot_mw2_barycenter_t *b, const problem *p, const mixture *nu,
                         size_t j, size_t *rows, size_t *cols, double *mass, size_t cap) {
  double rs[MAXN] = {0}, cs[MAXK] = {0};
  size_t nnz = gmmot_mw2_barycenter_plan_nnz(b, j), e, i;
  int sorted = 1, inside = 1;
  CHECKF(nnz >= 1 && nnz <= cap, "plan %lu has %lu entries", (unsigned long)j, (unsigned long)nnz);
  if (nnz < 1 || nnz > cap) return 0;
  CHECK_OK(gmmot_mw2_barycenter_copy_plan(b, j, rows, cols, mass, nnz));
  for (e = 0; e < nnz; ++e) {
    if (rows[e] >= nu->n || cols[e] >= p->k[j]) {
      inside = 0;
      continue;
    }
    if (e > 0 && (rows[e] < rows[e - 1] || (rows[e] == rows[e - 1] && cols[e] <= cols[e - 1])))
      sorted = 0;
    CHECK(mass[e] >= 0.0);
    rs[rows[e]] += mass[e];
    cs[cols[e]] += mass[e];
  }
  CHECKF(inside, "plan %lu: indices in range", (unsigned long)j);
  CHECKF(sorted, "plan %lu: triplets sorted by (row, column)", (unsigned long)j);
  for (i = 0; i < nu->n; ++i) CHECK_NEAR(rs[i], nu->w[i], 0.0, 1e-14);
  for (i = 0; i < p->k[j]; ++i) CHECK_NEAR(cs[i], p->w[j][i], 0.0, 1e-14);
  return nnz;
}

/* sum_j lambda_j MW2^2(nu, mu_j) through gmmot_mw2_squared. */
static double energy_of(const gmmot_mw2_barycenter_t *b, const problem *p) {
  gmmot_gmm_t *g = NULL;
  double v = 0.0;
  size_t a;
  CHECK_OK(gmmot_mw2_barycenter_gmm(b, &g));
  if (g == NULL) return NAN;
  for (a = 0; a < p->j; ++a) {
    double sq = NAN;
    CHECK_OK(gmmot_mw2_squared(g, p->g[a], NULL, &sq));
    v += p->lambda[a] * sq;
  }
  gmmot_gmm_destroy(g);
  return v;
}

/* Duals: sum_j K_j entries, sum_jk u_j(k) pi_j(k) = V. */
static void check_duals(const gmmot_mw2_barycenter_t *b, const problem *p, double cost) {
  double u[MAXJ * MAXK + 1], dot = 0.0;
  size_t a, c, off = 0;
  h_fill(u, MAXJ * MAXK + 1);
  CHECK_STATUS(gmmot_mw2_barycenter_copy_duals(b, u, p->sum_k - 1), GMMOT_E_BUFFER_TOO_SMALL);
  CHECK_OK(gmmot_mw2_barycenter_copy_duals(b, u, p->sum_k));
  CHECK(u[p->sum_k] == H_SENTINEL); /* exactly sum_j K_j entries written */
  for (a = 0; a < p->j; ++a)
    for (c = 0; c < p->k[a]; ++c) dot += u[off++] * p->w[a][c];
  CHECK_NEAR(dot, cost, 1e-12, 1e-300);
}

/* The exact barycenter of a random problem, every invariant of the header. */
static void check_exact(size_t j, const size_t *k, const double *lambda, unsigned long seed) {
  problem p;
  mixture nu;
  gmmot_mw2_barycenter_t *b = NULL;
  size_t rows[MAXN * MAXK], cols[MAXN * MAXK], tuples[MAXN * MAXJ], a, i;
  double mass[MAXN * MAXK], cost = NAN, primal = NAN, dual = NAN, gap = NAN, e1 = NAN;
  uint64_t iterations = 0, tuple_costs = 0, rounds = 0;
  if (!make_problem(&p, j, k, lambda, seed)) {
    free_problem(&p);
    return;
  }
  CHECK_OK(gmmot_mw2_barycenter_exact(handles(&p), j, p.lambda, j, NULL, &b));
  if (b == NULL || !read_barycenter(b, &nu)) goto done;
  CHECK(gmmot_mw2_barycenter_count(b) == j);
  CHECKF(nu.n <= p.sum_k - j + 1, "exact: %lu components <= sum K_j - J + 1 = %lu",
         (unsigned long)nu.n, (unsigned long)(p.sum_k - j + 1));
  CHECK_OK(gmmot_mw2_barycenter_cost(b, &cost));
  CHECK(cost > 0.0);
  for (a = 0; a < j; ++a) check_plan(b, &p, &nu, a, rows, cols, mass, MAXN * MAXK);
  check_duals(b, &p, cost);
  CHECK_OK(gmmot_mw2_barycenter_certificate(b, &primal, &dual, &gap));
  /* Absolute, in cost units: a few ulps of the marginals; duals and gap rounding of sums of
   * J + sum_j K_j terms of the cost's scale. */
  CHECK(primal >= 0.0 && primal <= 1e-14);
  CHECK(dual >= 0.0 && dual <= 1e-11 * cost);
  CHECK(gap >= 0.0 && gap <= 1e-11 * cost);
  CHECK_OK(gmmot_mw2_barycenter_certificate(b, NULL, NULL, NULL));
  CHECK_OK(gmmot_mw2_barycenter_info(b, &iterations, &tuple_costs, &rounds));
  CHECK(rounds >= 1 && tuple_costs >= nu.n);
  CHECK(tuple_costs <= (uint64_t)(k[0] * (j > 1 ? k[1] : 1) * (j > 2 ? k[2] : 1)));
  CHECK(gmmot_mw2_barycenter_energies_len(b) == 1);
  CHECK_OK(gmmot_mw2_barycenter_copy_energies(b, &e1, 1));
  CHECK(e1 == cost);
  /* V(nu*) is the LP optimum (Delon-Desolneux Prop. 8): recomputed as MW2 distances. */
  CHECK_NEAR(energy_of(b, &p), cost, 1e-9, 0.0);

  /* Tuples: component i is the Gaussian barycenter of mu_0^{t_0} .. mu_{J-1}^{t_{J-1}}, and
   * row i of plan j is the single entry (i, t_j) with the weight of component i. */
  CHECK_STATUS(gmmot_mw2_barycenter_copy_tuples(b, tuples, nu.n * j - 1), GMMOT_E_BUFFER_TOO_SMALL);
  CHECK_OK(gmmot_mw2_barycenter_copy_tuples(b, tuples, nu.n * j));
  for (a = 0; a < j; ++a) {
    size_t nnz = gmmot_mw2_barycenter_plan_nnz(b, a), e;
    if (nnz > MAXN * MAXK) continue;
    CHECK_OK(gmmot_mw2_barycenter_copy_plan(b, a, rows, cols, mass, nnz));
    for (i = 0; i < nu.n; ++i) {
      size_t hits = 0;
      CHECK(tuples[i * j + a] < k[a]);
      for (e = 0; e < nnz; ++e) {
        if (rows[e] != i) continue;
        ++hits;
        CHECKF(cols[e] == tuples[i * j + a], "plan %lu row %lu goes to its tuple's component",
               (unsigned long)a, (unsigned long)i);
        CHECK_NEAR(mass[e], nu.w[i], 1e-15, 0.0);
      }
      CHECK(hits == 1 || (hits == 0 && nu.w[i] == 0.0));
    }
  }
  for (i = 0; i < nu.n; ++i) {
    double tm[MAXJ * D], ts[MAXJ * D * D], bm[D], bs[D * D];
    size_t r;
    for (a = 0; a < j; ++a) {
      const size_t t = tuples[i * j + a] < k[a] ? tuples[i * j + a] : 0;
      memcpy(tm + a * D, p.m[a] + t * D, D * sizeof(double));
      memcpy(ts + a * D * D, p.s[a] + t * D * D, D * D * sizeof(double));
    }
    CHECK_OK(gmmot_gaussian_barycenter(j, D, p.lambda, tm, ts, NULL, bm, D, bs, D * D, NULL, NULL));
    /* Both stop at the barycenter tolerance 1e-12 of the same iteration, from the same start. */
    for (r = 0; r < D; ++r) CHECK_NEAR(nu.m[i * D + r], bm[r], 1e-10, 1e-10);
    for (r = 0; r < D * D; ++r) CHECK_NEAR(nu.s[i * D * D + r], bs[r], 1e-10, 1e-10);
  }
done:
  gmmot_mw2_barycenter_destroy(b);
  free_problem(&p);
}

static void test_exact_random(void) {
  const size_t k2[2] = {3, 4}, k3[3] = {2, 3, 2}, k3b[3] = {3, 3, 3};
  const double l2[2] = {0.3, 0.7}, l3[3] = {0.2, 0.5, 0.3}, l3u[3] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
  check_exact(2, k2, l2, 11);
  check_exact(3, k3, l3, 12);
  check_exact(3, k3b, l3u, 13);
  check_exact(3, k3b, l3, 14);
}

/* J = 1: the mixture itself, cost 0. */
static void test_exact_single(void) {
  const size_t k[1] = {3};
  const double lambda[1] = {1.0};
  problem p;
  mixture nu;
  gmmot_mw2_barycenter_t *b = NULL;
  double cost = H_SENTINEL;
  size_t i;
  if (make_problem(&p, 1, k, lambda, 21)) {
    CHECK_OK(gmmot_mw2_barycenter_exact(handles(&p), 1, lambda, 1, NULL, &b));
    if (b != NULL && read_barycenter(b, &nu)) {
      CHECK_OK(gmmot_mw2_barycenter_cost(b, &cost));
      CHECK(cost == 0.0);
      CHECK(nu.n == 3);
      for (i = 0; i < 3 && nu.n == 3; ++i) CHECK_NEAR(nu.w[i], p.w[0][i], 0.0, 1e-15);
      for (i = 0; i < 3 * D && nu.n == 3; ++i) CHECK_NEAR(nu.m[i], p.m[0][i], 1e-14, 1e-14);
      for (i = 0; i < 3 * D * D && nu.n == 3; ++i) CHECK_NEAR(nu.s[i], p.s[0][i], 1e-12, 1e-12);
    }
    gmmot_mw2_barycenter_destroy(b);
  }
  free_problem(&p);
}

/* J = 2: the barycenter of (mu_0, mu_1) with weights (1 - t, t) is the MW2 geodesic at t, so
 * V = (1 - t) t MW2^2(mu_0, mu_1). */
static void test_exact_geodesic(void) {
  const size_t k[2] = {3, 2};
  const double ts[3] = {0.5, 0.25, 0.9};
  size_t c;
  for (c = 0; c < 3; ++c) {
    const double lambda[2] = {1.0 - ts[c], ts[c]};
    problem p;
    gmmot_mw2_barycenter_t *b = NULL;
    double cost = NAN, sq = NAN;
    if (make_problem(&p, 2, k, lambda, 31 + c)) {
      CHECK_OK(gmmot_mw2_squared(p.g[0], p.g[1], NULL, &sq));
      CHECK_OK(gmmot_mw2_barycenter_exact(handles(&p), 2, lambda, 2, NULL, &b));
      if (b != NULL) {
        CHECK_OK(gmmot_mw2_barycenter_cost(b, &cost));
        CHECK_NEAR(cost, lambda[0] * lambda[1] * sq, 1e-10, 0.0);
        CHECK(gmmot_mw2_barycenter_components(b) <= 4);
      }
      gmmot_mw2_barycenter_destroy(b);
    }
    free_problem(&p);
  }
}

/* Fixed support on the exact barycenter's own components reproduces its cost; it has duals but
 * no tuples. */
static void test_fixed_support(void) {
  const size_t k[3] = {2, 3, 2};
  const double lambda[3] = {0.2, 0.5, 0.3};
  problem p;
  mixture nu, fs;
  gmmot_mw2_barycenter_t *b = NULL, *f = NULL;
  size_t rows[MAXN * MAXK], cols[MAXN * MAXK], tuples[MAXN * MAXJ], a;
  double mass[MAXN * MAXK], exact = NAN, cost = NAN, primal = NAN, dual = NAN, gap = NAN;
  if (!make_problem(&p, 3, k, lambda, 41)) goto done;
  CHECK_OK(gmmot_mw2_barycenter_exact(handles(&p), 3, lambda, 3, NULL, &b));
  if (b == NULL || !read_barycenter(b, &nu)) goto done;
  CHECK_OK(gmmot_mw2_barycenter_cost(b, &exact));
  CHECK_OK(gmmot_mw2_barycenter_fixed_support(handles(&p), 3, lambda, 3, nu.n, nu.m, nu.n * D, nu.s,
                                              nu.n * D * D, NULL, &f));
  if (f == NULL || !read_barycenter(f, &fs)) goto done;
  CHECK(fs.n == nu.n); /* all candidates kept, in order */
  CHECK(gmmot_mw2_barycenter_count(f) == 3);
  CHECK_OK(gmmot_mw2_barycenter_cost(f, &cost));
  CHECK_NEAR(cost, exact, 1e-10, 0.0);
  for (a = 0; a < fs.n * D; ++a) CHECK(fs.m[a] == nu.m[a]);
  for (a = 0; a < 3; ++a) check_plan(f, &p, &fs, a, rows, cols, mass, MAXN * MAXK);
  check_duals(f, &p, cost);
  CHECK_OK(gmmot_mw2_barycenter_certificate(f, &primal, &dual, &gap));
  CHECK(primal >= 0.0 && primal <= 1e-14);
  CHECK(dual >= 0.0 && dual <= 1e-11 * cost);
  CHECK(gap >= 0.0 && gap <= 1e-11 * cost);
  CHECK_ERROR(gmmot_mw2_barycenter_copy_tuples(f, tuples, MAXN * MAXJ), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_mw2_barycenter_copy_tuples", "b");
  CHECK(h_msg_contains("tuples"));
done:
  gmmot_mw2_barycenter_destroy(f);
  gmmot_mw2_barycenter_destroy(b);
  free_problem(&p);
}

/* The fixed point: the true method never increases V and stays above the exact V; the cap
 * gives a warning with a result; the heuristics have no tuples; no fixed point has duals. */
static void test_fixed_point(void) {
  const size_t k[3] = {2, 3, 2};
  const double lambda[3] = {0.2, 0.5, 0.3};
  problem p;
  gmmot_mw2_barycenter_t *b = NULL, *f = NULL;
  gmmot_options_t *o = NULL;
  double exact = NAN, cost = NAN, e[201], u[16];
  size_t tuples[4096], n, len, t;
  uint64_t iterations = 0;
  int method;
  if (!make_problem(&p, 3, k, lambda, 51)) goto done;
  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) goto done;
  CHECK_OK(gmmot_mw2_barycenter_exact(handles(&p), 3, lambda, 3, NULL, &b));
  if (b == NULL) goto done;
  CHECK_OK(gmmot_mw2_barycenter_cost(b, &exact));

  /* True fixed point from a random start (GMMOT_OPT_SEED), to convergence. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_SEED, 5));
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, 200));
  CHECK_OK(gmmot_mw2_barycenter_fixed_point(handles(&p), 3, lambda, 3, NULL, o, &f));
  if (f != NULL) {
    CHECK_OK(gmmot_mw2_barycenter_info(f, &iterations, NULL, NULL));
    len = gmmot_mw2_barycenter_energies_len(f);
    CHECK(len == iterations + 1 && len >= 2 && len <= 201);
    if (len >= 1 && len <= 201) {
      CHECK_OK(gmmot_mw2_barycenter_copy_energies(f, e, len));
      CHECK_OK(gmmot_mw2_barycenter_cost(f, &cost));
      CHECK(cost == e[len - 1]);
      /* Prop. 3.9: V never increases (up to the rounding of its evaluation). */
      for (t = 1; t < len; ++t)
        CHECKF(e[t] <= e[t - 1] * (1.0 + 1e-12), "energy %lu: %.17g after %.17g", (unsigned long)t,
               e[t], e[t - 1]);
      CHECK(cost >= exact * (1.0 - 1e-10));
      CHECK_NEAR(energy_of(f, &p), cost, 1e-9, 0.0);
    }
    n = gmmot_mw2_barycenter_components(f);
    CHECK(n >= 1 && n * 3 <= 4096);
    if (n >= 1 && n * 3 <= 4096) CHECK_OK(gmmot_mw2_barycenter_copy_tuples(f, tuples, n * 3));
    CHECK_ERROR(gmmot_mw2_barycenter_copy_duals(f, u, 16), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_mw2_barycenter_copy_duals", "b");
    CHECK_ERROR(gmmot_mw2_barycenter_certificate(f, NULL, NULL, NULL), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_mw2_barycenter_certificate", "b");
  }
  gmmot_mw2_barycenter_destroy(f);
  f = NULL;

  /* One iteration from mu_0 itself, which is not a barycenter: the cap comes first. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, 1));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_FIXED_POINT_TOLERANCE, 0.0));
  CHECK_STATUS(gmmot_mw2_barycenter_fixed_point(handles(&p), 3, lambda, 3, p.g[0], o, &f),
               GMMOT_W_NOT_CONVERGED);
  CHECK(h_msg_contains("gmmot_mw2_barycenter_fixed_point"));
  CHECK(f != NULL);
  if (f != NULL) {
    CHECK(gmmot_mw2_barycenter_energies_len(f) == 2);
    CHECK_OK(gmmot_mw2_barycenter_copy_energies(f, e, 2));
    CHECK(e[1] <= e[0]);
  }
  gmmot_mw2_barycenter_destroy(f);
  f = NULL;

  /* Started from the exact barycenter, a fixed point of the true iteration (Prop. 3.9): V stays
   * at the exact V. The result is init itself (no tuples: GMMOT_E_INVALID_ARGUMENT naming init)
   * or an iterate built from tuples, depending on rounding. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, 5));
  {
    gmmot_gmm_t *start = NULL;
    int st;
    CHECK_OK(gmmot_mw2_barycenter_gmm(b, &start));
    st = start != NULL ? gmmot_mw2_barycenter_fixed_point(handles(&p), 3, lambda, 3, start, o, &f)
                       : GMMOT_E_INVALID_ARGUMENT;
    CHECKF(st == GMMOT_OK || st == GMMOT_W_NOT_CONVERGED, "from the exact barycenter: %d (%s)", st,
           gmmot_last_error_message());
    gmmot_gmm_destroy(start);
    if (f != NULL) {
      CHECK_OK(gmmot_mw2_barycenter_cost(f, &cost));
      CHECK_NEAR(cost, exact, 1e-10, 0.0);
      n = gmmot_mw2_barycenter_components(f);
      if (n >= 1 && n * 3 <= 4096) {
        st = gmmot_mw2_barycenter_copy_tuples(f, tuples, n * 3);
        CHECKF(st == GMMOT_OK || (st == GMMOT_E_INVALID_ARGUMENT && h_msg_contains("init")),
               "tuples of a fixed point started from init: %d (%s)", st,
               gmmot_last_error_message());
      }
    }
    gmmot_mw2_barycenter_destroy(f);
    f = NULL;
  }

  /* The heuristics: results, but no tuples. */
  CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, 50));
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_FIXED_POINT_TOLERANCE, 1e-9));
  for (method = GMMOT_FIXED_POINT_EUCLIDEAN; method <= GMMOT_FIXED_POINT_BURES; ++method) {
    int st;
    CHECK_OK(gmmot_options_set_int(o, GMMOT_OPT_FIXED_POINT_METHOD, method));
    st = gmmot_mw2_barycenter_fixed_point(handles(&p), 3, lambda, 3, NULL, o, &f);
    CHECKF(st == GMMOT_OK || st == GMMOT_W_NOT_CONVERGED, "heuristic %d: status %d (%s)", method,
           st, gmmot_last_error_message());
    if (f == NULL) continue;
    CHECK_OK(gmmot_mw2_barycenter_cost(f, &cost));
    CHECK(cost >= exact * (1.0 - 1e-10));
    tuples[0] = 4242;
    CHECK_ERROR(gmmot_mw2_barycenter_copy_tuples(f, tuples, 4096), GMMOT_E_INVALID_ARGUMENT,
                "gmmot_mw2_barycenter_copy_tuples", "b");
    CHECK(h_msg_contains("tuples"));
    CHECK(tuples[0] == 4242);
    gmmot_mw2_barycenter_destroy(f);
    f = NULL;
  }
done:
  gmmot_mw2_barycenter_destroy(f);
  gmmot_mw2_barycenter_destroy(b);
  gmmot_options_destroy(o);
  free_problem(&p);
}

/* GMMOT_OPT_MMOT_MAX_TUPLES reaches the exact solver; the result outlives its inputs. */
static void test_options_and_lifetime(void) {
  const size_t k[2] = {3, 4};
  const double lambda[2] = {0.5, 0.5};
  problem p;
  gmmot_options_t *o = NULL;
  gmmot_mw2_barycenter_t *b = (gmmot_mw2_barycenter_t *)(void *)&h_sentinel_target;
  gmmot_gmm_t *g = NULL;
  double cost = NAN, again = NAN;
  if (!make_problem(&p, 2, k, lambda, 61)) goto done;
  CHECK_OK(gmmot_options_create(&o));
  if (o == NULL) goto done;
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_MMOT_MAX_TUPLES, 11.0));
  CHECK_ERROR(gmmot_mw2_barycenter_exact(handles(&p), 2, lambda, 2, o, &b), GMMOT_E_TOO_LARGE,
              "gmmot_mw2_barycenter_exact", NULL);
  CHECK(b == (gmmot_mw2_barycenter_t *)(void *)&h_sentinel_target);
  CHECK_OK(gmmot_options_set_double(o, GMMOT_OPT_MMOT_MAX_TUPLES, 12.0));
  b = NULL;
  CHECK_OK(gmmot_mw2_barycenter_exact(handles(&p), 2, lambda, 2, o, &b));
  if (b == NULL) goto done;
  CHECK_OK(gmmot_mw2_barycenter_cost(b, &cost));
  free_problem(&p); /* the inputs go; the result keeps what it needs */
  CHECK_OK(gmmot_mw2_barycenter_gmm(b, &g));
  CHECK(g != NULL && gmmot_gmm_ncomponents(g) == gmmot_mw2_barycenter_components(b));
  CHECK_OK(gmmot_mw2_barycenter_cost(b, &again));
  CHECK(again == cost);
  gmmot_mw2_barycenter_destroy(b);
  b = NULL;
  /* The mixture handle shares the result's mixture and outlives it too. */
  CHECK(gmmot_gmm_dim(g) == D);
  gmmot_gmm_destroy(g);
done:
  if (b != (gmmot_mw2_barycenter_t *)(void *)&h_sentinel_target) gmmot_mw2_barycenter_destroy(b);
  gmmot_options_destroy(o);
  free_problem(&p);
  /* Getters on NULL: zero counts, no message. */
  CHECK(gmmot_mw2_barycenter_count(NULL) == 0 && gmmot_mw2_barycenter_components(NULL) == 0 &&
        gmmot_mw2_barycenter_plan_nnz(NULL, 0) == 0 &&
        gmmot_mw2_barycenter_energies_len(NULL) == 0);
  gmmot_mw2_barycenter_destroy(NULL);
  CHECK_MSG_EMPTY();
}

void test_mw2_barycenter(void) {
  test_exact_single();
  test_options_and_lifetime();
  test_exact_random();
  test_exact_geodesic();
  test_fixed_support();
  test_fixed_point();
}
