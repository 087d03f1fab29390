/* SPDX-License-Identifier: MIT */
/* A table of bad (and borderline) inputs over every public function of include/gmmot/ (every
 * header) (issue 10, part 5), progress.h's interrupt flag and the options' attachments
 * included.
 *
 * Each row names a case, a function that makes exactly one library call on prepared inputs,
 * the status the header documents, the argument the message must name (a '|'-separated list of
 * words, as h_verify_error) and the index that must follow it ("[i"; -1 for none), and an
 * optional further substring of the message. Before the call every output (double and size_t
 * buffers, scalars, handle out-pointers) is canary-filled; on a negative status the whole
 * output block must be bit-for-bit unchanged. Rows documented to succeed (subnormal, +-0,
 * one-ulp asymmetry, covariances at 1e+-300, weights off by 1e-9) must return their status with
 * an empty message (a warning: a non-empty one), and every handle they create is destroyed, so
 * the table leaks nothing under AddressSanitizer. */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

void test_bad_inputs(void);

/* Products of two of these overflow size_t (and each alone is far beyond any memory). */
#define HUGE_SIZE (((size_t)1) << 62)
#define SZ_CANARY ((size_t)0xC0FFEEu)

/* Every output a call may write. */
typedef struct Outs {
  double d[256], d2[256], scalar, scalar2;
  size_t z[64], z2[64];
  uint64_t u64;
  int i;
  int64_t i64;
  gmmot_gmm_t *gmm;
  gmmot_transport_t *tr;
  gmmot_mw2_t *mw2;
  gmmot_em_t *em;
  gmmot_options_t *opts;
  gmmot_interrupt_t *flag;
  gmmot_mw2_barycenter_t *bary;
  gmmot_gw_t *gw;
  gmmot_ew_t *ew;
} Outs;

static int canary_target;
#define CANARY_PTR ((void *)&canary_target)

static void outs_fill(Outs *o) {
  size_t i;
  memset(o, 0, sizeof *o);
  h_fill(o->d, 256);
  h_fill(o->d2, 256);
  o->scalar = o->scalar2 = H_SENTINEL;
  for (i = 0; i < 64; ++i) o->z[i] = o->z2[i] = SZ_CANARY;
  o->u64 = 0xDEADBEEFu;
  o->i = -777;
  o->i64 = -777;
  o->gmm = (gmmot_gmm_t *)CANARY_PTR;
  o->tr = (gmmot_transport_t *)CANARY_PTR;
  o->mw2 = (gmmot_mw2_t *)CANARY_PTR;
  o->em = (gmmot_em_t *)CANARY_PTR;
  o->opts = (gmmot_options_t *)CANARY_PTR;
  o->flag = (gmmot_interrupt_t *)CANARY_PTR;
  o->bary = (gmmot_mw2_barycenter_t *)CANARY_PTR;
  o->gw = (gmmot_gw_t *)CANARY_PTR;
  o->ew = (gmmot_ew_t *)CANARY_PTR;
}

/* Handles created by a successful row are destroyed (no leak). */
static void outs_release(Outs *o) {
  if (o->gmm != (gmmot_gmm_t *)CANARY_PTR) gmmot_gmm_destroy(o->gmm);
  if (o->tr != (gmmot_transport_t *)CANARY_PTR) gmmot_transport_destroy(o->tr);
  if (o->mw2 != (gmmot_mw2_t *)CANARY_PTR) gmmot_mw2_destroy(o->mw2);
  if (o->em != (gmmot_em_t *)CANARY_PTR) gmmot_em_destroy(o->em);
  if (o->opts != (gmmot_options_t *)CANARY_PTR) gmmot_options_destroy(o->opts);
  if (o->flag != (gmmot_interrupt_t *)CANARY_PTR) gmmot_interrupt_destroy(o->flag);
  if (o->bary != (gmmot_mw2_barycenter_t *)CANARY_PTR) gmmot_mw2_barycenter_destroy(o->bary);
  if (o->gw != (gmmot_gw_t *)CANARY_PTR) gmmot_gw_destroy(o->gw);
  if (o->ew != (gmmot_ew_t *)CANARY_PTR) gmmot_ew_destroy(o->ew);
}

/* The prepared, valid inputs; each case copies and spoils what it needs. */
static const double W[2] = {0.5, 0.5};
static const double M[4] = {0.0, 0.0, 1.0, 2.0};
static const double C[8] = {2.0, 0.5, 0.5, 1.0, 1.0, 0.0, 0.0, 3.0};
static const double TA[2] = {0.5, 0.5}, TB[3] = {0.2, 0.3, 0.5};
static const double TC[6] = {1.0, 2.0, 3.0, 4.0, 0.5, 2.5};
static const double TU[2] = {0.0, 0.0}, TV[3] = {0.0, 0.0, 0.0};
static double X[40]; /* 20 points in d = 2 */

static gmmot_gmm_t *g_gmm;      /* K = 2, d = 2 */
static gmmot_gmm_t *g_gmm3;     /* K = 1, d = 3 */
static gmmot_transport_t *g_tr; /* 2 x 3 */
static gmmot_mw2_t *g_mw2;      /* g_gmm against itself */
static size_t g_nnz;            /* of g_mw2 */
static gmmot_em_t *g_em;        /* K = 2, no fit yet */
static gmmot_em_t *g_em_big;    /* K = 5000: K*d*d above 2^22 for d = 30 */
static gmmot_options_t *g_opts;
static gmmot_interrupt_t *g_flag;       /* a valid flag, for the rows that need one */
static gmmot_mw2_barycenter_t *g_mb;    /* exact barycenter of {g_gmm} (J = 1, 2 components) */
static gmmot_mw2_barycenter_t *g_mb_fp; /* Euclidean fixed point of {g_gmm}: no tuples, duals */
static gmmot_options_t *g_opts_tuples3; /* GMMOT_OPT_MMOT_MAX_TUPLES = 3 */
static gmmot_relaxed_t *g_relaxed;      /* K = 2 on X and X */
static gmmot_mw2_t *g_given;            /* its plan (gmmot_relaxed_plan): no duals */
static gmmot_options_t *g_opts_k2;      /* GMMOT_OPT_EM_COMPONENTS = 2 */

#define CASE(name, ...)      \
  static int name(Outs *o) { \
    (void)o;                 \
    __VA_ARGS__              \
  }
/* copies of the valid inputs, spoiled in place by the case */
#define W_COPY double w[2] = {0.5, 0.5};
#define M_COPY double m[4] = {0.0, 0.0, 1.0, 2.0};
#define C_COPY double c[8] = {2.0, 0.5, 0.5, 1.0, 1.0, 0.0, 0.0, 3.0};

/* ---- status.h, version.h: informational, never NULL; checked as success rows ---- */
CASE(c_status_unknown,
     return strcmp(gmmot_status_string(12345), "unknown status") == 0 ? GMMOT_OK : -1000;)
CASE(c_last_message, return gmmot_last_error_message() != NULL ? GMMOT_OK : -1000;)
CASE(c_version_number, return gmmot_version_number() == GMMOT_VERSION_NUMBER ? GMMOT_OK : -1000;)
CASE(c_version_string,
     return strcmp(gmmot_version_string(), GMMOT_VERSION_STRING) == 0 ? GMMOT_OK : -1000;)
CASE(c_build_info, return gmmot_build_info() != NULL ? GMMOT_OK : -1000;)

/* ---- progress.h: the interrupt flag; options.h: its attachments ---- */
static int never_cancel(void *user_data, int stage, uint64_t done, uint64_t total, double value) {
  (void)user_data, (void)stage, (void)done, (void)total, (void)value;
  return 0;
}
CASE(c_flag_create_null, return gmmot_interrupt_create(NULL);)
CASE(c_flag_create, return gmmot_interrupt_create(&o->flag);)
CASE(c_flag_destroy_null, gmmot_interrupt_destroy(NULL); return GMMOT_OK;)
CASE(c_flag_raise_null, return gmmot_interrupt_raise(NULL);)
CASE(c_flag_reset_null, return gmmot_interrupt_reset(NULL);)
CASE(c_flag_is_raised_null, return gmmot_interrupt_is_raised(NULL, &o->i);)
CASE(c_flag_is_raised_null_out, return gmmot_interrupt_is_raised(g_flag, NULL);)
CASE(c_opt_set_progress_null, return gmmot_options_set_progress(NULL, never_cancel, NULL);)
CASE(c_opt_set_interrupt_null, return gmmot_options_set_interrupt(NULL, NULL);)
CASE(c_opt_set_progress_remove, {
  gmmot_options_t *opts = NULL;
  int st = gmmot_options_create(&opts);
  if (st != GMMOT_OK) return -1000;
  st = gmmot_options_set_progress(opts, NULL, (void *)&st); /* user_data ignored with fn NULL */
  gmmot_options_destroy(opts);
  return st;
})

/* ---- options.h ---- */
CASE(c_opt_create_null, return gmmot_options_create(NULL);)
CASE(c_opt_clone_null_src, return gmmot_options_clone(NULL, &o->opts);)
CASE(c_opt_clone_null_out, return gmmot_options_clone(g_opts, NULL);)
CASE(c_opt_destroy_null, gmmot_options_destroy(NULL); return GMMOT_OK;)
CASE(c_opt_set_int_null, return gmmot_options_set_int(NULL, GMMOT_OPT_NUM_THREADS, 1);)
CASE(c_opt_set_int_key, return gmmot_options_set_int(g_opts, 99999, 1);)
CASE(c_opt_set_int_type, return gmmot_options_set_int(g_opts, GMMOT_OPT_EM_TOLERANCE, 1);)
CASE(c_opt_set_int_bounds, return gmmot_options_set_int(g_opts, GMMOT_OPT_NUM_THREADS, 1025);)
CASE(c_opt_set_int_negative, return gmmot_options_set_int(g_opts, GMMOT_OPT_EM_COMPONENTS, -1);)
CASE(c_opt_set_int_seed_negative, return gmmot_options_set_int(g_opts, GMMOT_OPT_SEED, -1);)
CASE(c_opt_set_int_seed_big,
     return gmmot_options_set_int(g_opts, GMMOT_OPT_SEED, (int64_t)9007199254740992.0 + 1);)
CASE(c_opt_set_int_old_seed, return gmmot_options_set_int(g_opts, 405, 1);)
CASE(c_opt_set_double_null, return gmmot_options_set_double(NULL, GMMOT_OPT_EM_TOLERANCE, 0.1);)
CASE(c_opt_set_double_nan, return gmmot_options_set_double(g_opts, GMMOT_OPT_EM_TOLERANCE, NAN);)
CASE(c_opt_set_double_inf,
     return gmmot_options_set_double(g_opts, GMMOT_OPT_ENTROPIC_EPSILON, INFINITY);)
CASE(c_opt_set_double_type, return gmmot_options_set_double(g_opts, GMMOT_OPT_NUM_THREADS, 1.0);)
CASE(c_opt_set_double_subnormal,
     return gmmot_options_set_double(g_opts, GMMOT_OPT_EM_TOLERANCE, 4.9e-324);)
CASE(c_opt_set_double_negzero,
     return gmmot_options_set_double(g_opts, GMMOT_OPT_EM_TOLERANCE, -0.0);)
CASE(c_opt_get_int_null_out, return gmmot_options_get_int(g_opts, GMMOT_OPT_NUM_THREADS, NULL);)
CASE(c_opt_get_int_null, return gmmot_options_get_int(NULL, GMMOT_OPT_NUM_THREADS, &o->i64);)
CASE(c_opt_get_int_key, return gmmot_options_get_int(g_opts, -5, &o->i64);)
CASE(c_opt_get_double_null_out,
     return gmmot_options_get_double(g_opts, GMMOT_OPT_EM_TOLERANCE, NULL);)
CASE(c_opt_get_double_type,
     return gmmot_options_get_double(g_opts, GMMOT_OPT_NUM_THREADS, &o->scalar);)
CASE(c_opt_bounds_key, return gmmot_options_bounds(77, &o->i, &o->scalar, &o->scalar2);)

/* ---- gmm.h ---- */
CASE(c_gmm_create_null_w, return gmmot_gmm_create(2, 2, NULL, M, C, &o->gmm);)
CASE(c_gmm_create_null_m, return gmmot_gmm_create(2, 2, W, NULL, C, &o->gmm);)
CASE(c_gmm_create_null_c, return gmmot_gmm_create(2, 2, W, M, NULL, &o->gmm);)
CASE(c_gmm_create_null_out, return gmmot_gmm_create(2, 2, W, M, C, NULL);)
CASE(c_gmm_create_k0, return gmmot_gmm_create(0, 2, W, M, C, &o->gmm);)
CASE(c_gmm_create_d0, return gmmot_gmm_create(2, 0, W, M, C, &o->gmm);)
CASE(c_gmm_create_kdd_overflow, return gmmot_gmm_create(HUGE_SIZE, 2, W, M, C, &o->gmm);)
CASE(c_gmm_create_d_huge, return gmmot_gmm_create(2, HUGE_SIZE, W, M, C, &o->gmm);)
CASE(c_gmm_create_nan_w, W_COPY w[1] = NAN; return gmmot_gmm_create(2, 2, w, M, C, &o->gmm);)
CASE(c_gmm_create_inf_m, M_COPY m[3] = -INFINITY; return gmmot_gmm_create(2, 2, W, m, C, &o->gmm);)
CASE(c_gmm_create_nan_c, C_COPY c[5] = NAN; return gmmot_gmm_create(2, 2, W, M, c, &o->gmm);)
CASE(c_gmm_create_neg_w, W_COPY w[0] = -0.25; w[1] = 1.25;
     return gmmot_gmm_create(2, 2, w, M, C, &o->gmm);)
CASE(c_gmm_create_zero_w, W_COPY w[0] = 0.0; w[1] = 0.0;
     return gmmot_gmm_create(2, 2, w, M, C, &o->gmm);)
CASE(c_gmm_create_w_off_1e7, W_COPY w[1] += 1e-7; return gmmot_gmm_create(2, 2, w, M, C, &o->gmm);)
CASE(c_gmm_create_w_off_1e9, W_COPY w[1] += 1e-9; return gmmot_gmm_create(2, 2, w, M, C, &o->gmm);)
CASE(c_gmm_create_negzero_w, W_COPY w[0] = 1.0; w[1] = -0.0;
     return gmmot_gmm_create(2, 2, w, M, C, &o->gmm);)
CASE(c_gmm_create_asym_ulp, C_COPY c[1] = nextafter(c[1], 1.0);
     return gmmot_gmm_create(2, 2, W, M, c, &o->gmm);)
CASE(c_gmm_create_asym_1e9, C_COPY c[1] *= 1.0 + 1e-9;
     return gmmot_gmm_create(2, 2, W, M, c, &o->gmm);)
CASE(c_gmm_create_asym_1e6, C_COPY c[6] = 1e-6; return gmmot_gmm_create(2, 2, W, M, c, &o->gmm);)
CASE(c_gmm_create_not_psd, C_COPY c[4] = -1.0; return gmmot_gmm_create(2, 2, W, M, c, &o->gmm);)
CASE(c_gmm_create_cov_1e300, C_COPY c[4] = 1e300; c[7] = 1e300;
     return gmmot_gmm_create(2, 2, W, M, c, &o->gmm);)
CASE(c_gmm_create_cov_1em300, C_COPY c[4] = 1e-300; c[7] = 1e-300;
     return gmmot_gmm_create(2, 2, W, M, c, &o->gmm);)
CASE(c_gmm_create_subnormal, C_COPY M_COPY c[4] = 4.9e-324; c[7] = 2.3e-310; m[1] = 4.9e-324;
     return gmmot_gmm_create(2, 2, W, m, c, &o->gmm);)
CASE(c_gmm_create_negzero, C_COPY M_COPY c[1] = c[2] = -0.0; m[0] = -0.0;
     return gmmot_gmm_create(2, 2, W, m, c, &o->gmm);)
CASE(c_gmm_destroy_null, gmmot_gmm_destroy(NULL); return GMMOT_OK;)
CASE(c_gmm_ncomp_null, return gmmot_gmm_ncomponents(NULL) == 0 ? GMMOT_OK : -1000;)
CASE(c_gmm_dim_null, return gmmot_gmm_dim(NULL) == 0 ? GMMOT_OK : -1000;)
CASE(c_gmm_weights_null, return gmmot_gmm_copy_weights(NULL, o->d, 2);)
CASE(c_gmm_weights_null_out, return gmmot_gmm_copy_weights(g_gmm, NULL, 2);)
CASE(c_gmm_weights_short, return gmmot_gmm_copy_weights(g_gmm, o->d, 1);)
CASE(c_gmm_means_short, return gmmot_gmm_copy_means(g_gmm, o->d, 3);)
CASE(c_gmm_means_null, return gmmot_gmm_copy_means(NULL, o->d, 4);)
CASE(c_gmm_covs_short, return gmmot_gmm_copy_covariances(g_gmm, o->d, 7);)
CASE(c_gmm_covs_null_out, return gmmot_gmm_copy_covariances(g_gmm, NULL, 8);)
CASE(c_dens_null, return gmmot_gmm_log_density(NULL, 2, X, NULL, o->d, 2);)
CASE(c_dens_null_points, return gmmot_gmm_log_density(g_gmm, 2, NULL, NULL, o->d, 2);)
CASE(c_dens_null_out, return gmmot_gmm_log_density(g_gmm, 2, X, NULL, NULL, 2);)
CASE(c_dens_nd_overflow, return gmmot_gmm_log_density(g_gmm, SIZE_MAX / 2, X, NULL, o->d, 2);)
CASE(c_dens_short, return gmmot_gmm_log_density(g_gmm, 3, X, NULL, o->d, 2);)
CASE(c_dens_nan, double x[6] = {0.0, 1.0, 2.0, 3.0, 4.0, NAN};
     return gmmot_gmm_log_density(g_gmm, 3, x, NULL, o->d, 3);)
CASE(c_dens_n0, return gmmot_gmm_log_density(g_gmm, 0, NULL, NULL, NULL, 0);)
CASE(c_dens_extreme, double x[6] = {1e300, -1e300, 4.9e-324, -0.0, 0.0, 1e-300};
     return gmmot_gmm_log_density(g_gmm, 3, x, NULL, o->d, 3);)
CASE(c_sample_null, return gmmot_gmm_sample(NULL, 2, NULL, o->d, 4, o->z, 2);)
CASE(c_sample_null_out, return gmmot_gmm_sample(g_gmm, 2, NULL, NULL, 4, o->z, 2);)
CASE(c_sample_nd_overflow, return gmmot_gmm_sample(g_gmm, SIZE_MAX / 2, NULL, o->d, 4, NULL, 0);)
CASE(c_sample_short, return gmmot_gmm_sample(g_gmm, 2, NULL, o->d, 3, o->z, 2);)
CASE(c_sample_labels_short, return gmmot_gmm_sample(g_gmm, 2, NULL, o->d, 4, o->z, 1);)
CASE(c_sample_n0, return gmmot_gmm_sample(g_gmm, 0, NULL, NULL, 0, NULL, 0);)

/* ---- gaussian.h ---- */
static const double S2[4] = {2.0, 0.5, 0.5, 1.0}, M2a[2] = {0.0, 1.0}, M2b[2] = {1.0, 0.0};
#define S_COPY double s[4] = {2.0, 0.5, 0.5, 1.0};
CASE(c_w2_null_m0, return gmmot_gaussian_w2_squared(2, NULL, S2, M2b, S2, &o->scalar);)
CASE(c_w2_null_s1, return gmmot_gaussian_w2_squared(2, M2a, S2, M2b, NULL, &o->scalar);)
CASE(c_w2_null_out, return gmmot_gaussian_w2_squared(2, M2a, S2, M2b, S2, NULL);)
CASE(c_w2_d0, return gmmot_gaussian_w2_squared(0, M2a, S2, M2b, S2, &o->scalar);)
CASE(c_w2_d_huge, return gmmot_gaussian_w2_squared(HUGE_SIZE, M2a, S2, M2b, S2, &o->scalar);)
CASE(c_w2_nan_m1, double m[2] = {0.0, NAN};
     return gmmot_gaussian_w2_squared(2, M2a, S2, m, S2, &o->scalar);)
CASE(c_w2_inf_s0, S_COPY s[3] = INFINITY;
     return gmmot_gaussian_w2_squared(2, M2a, s, M2b, S2, &o->scalar);)
CASE(c_w2_asym, S_COPY s[1] = 0.6;
     return gmmot_gaussian_w2_squared(2, M2a, S2, M2b, s, &o->scalar);)
CASE(c_w2_asym_ulp, S_COPY s[1] = nextafter(0.5, 0.0);
     return gmmot_gaussian_w2_squared(2, M2a, s, M2b, S2, &o->scalar);)
CASE(c_w2_not_psd, S_COPY s[0] = -2.0;
     return gmmot_gaussian_w2_squared(2, M2a, s, M2b, S2, &o->scalar);)
CASE(c_w2_overflow, double a[2] = {1e200, 0.0}, b[2] = {-1e200, 0.0};
     return gmmot_gaussian_w2_squared(2, a, S2, b, S2, &o->scalar);)
CASE(c_w2_scales, double s0[4] = {1e300, 0.0, 0.0, 1e300}, s1[4] = {1e-300, 0.0, 0.0, 1e-300};
     return gmmot_gaussian_w2_squared(2, M2a, s0, M2b, s1, &o->scalar);)
CASE(c_w2_subnormal, double s0[4] = {4.9e-324, 0.0, 0.0, 2.3e-310}, m[2] = {-0.0, 4.9e-324};
     return gmmot_gaussian_w2_squared(2, m, s0, M2b, s0, &o->scalar);)
CASE(c_mm_null_a,
     return gmmot_gaussian_monge_map(2, M2a, S2, M2b, S2, NULL, 4, o->d2, 2, &o->scalar);)
CASE(c_mm_null_b,
     return gmmot_gaussian_monge_map(2, M2a, S2, M2b, S2, o->d, 4, NULL, 2, &o->scalar);)
CASE(c_mm_a_short,
     return gmmot_gaussian_monge_map(2, M2a, S2, M2b, S2, o->d, 3, o->d2, 2, &o->scalar);)
CASE(c_mm_b_short,
     return gmmot_gaussian_monge_map(2, M2a, S2, M2b, S2, o->d, 4, o->d2, 1, &o->scalar);)
CASE(c_mm_d0, return gmmot_gaussian_monge_map(0, M2a, S2, M2b, S2, o->d, 4, o->d2, 2, &o->scalar);)
CASE(c_mm_d_huge,
     return gmmot_gaussian_monge_map(HUGE_SIZE, M2a, S2, M2b, S2, o->d, 4, o->d2, 2, &o->scalar);)
CASE(c_mm_nan_s1, S_COPY s[2] = NAN;
     return gmmot_gaussian_monge_map(2, M2a, S2, M2b, s, o->d, 4, o->d2, 2, &o->scalar);)
CASE(c_mm_no_map, double s0[4] = {1.0, 0.0, 0.0, 0.0}, s1[4] = {0.0, 0.0, 0.0, 1.0};
     return gmmot_gaussian_monge_map(2, M2a, s0, M2b, s1, o->d, 4, o->d2, 2, &o->scalar);)
CASE(c_mm_b_overflow, double m0[2] = {1e10, 0.0}, s0[4] = {1e-300, 0.0, 0.0, 1e-300},
     s1[4] = {1e300, 0.0, 0.0, 1e300};
     return gmmot_gaussian_monge_map(2, m0, s0, M2b, s1, o->d, 4, o->d2, 2, &o->scalar);)
CASE(c_mm_scales, double m0[2] = {0.0, 0.0}, s0[4] = {1e-300, 0.0, 0.0, 1e-300},
     s1[4] = {1e300, 0.0, 0.0, 1e300};
     return gmmot_gaussian_monge_map(2, m0, s0, M2b, s1, o->d, 4, o->d2, 2, &o->scalar);)
CASE(c_geo_null_mean, return gmmot_gaussian_geodesic(2, M2a, S2, M2b, S2, 0.5, NULL, 2, o->d, 4);)
CASE(c_geo_t_nan, return gmmot_gaussian_geodesic(2, M2a, S2, M2b, S2, NAN, o->d, 2, o->d2, 4);)
CASE(c_geo_t_big, return gmmot_gaussian_geodesic(2, M2a, S2, M2b, S2, 1.5, o->d, 2, o->d2, 4);)
CASE(c_geo_t_negzero, return gmmot_gaussian_geodesic(2, M2a, S2, M2b, S2, -0.0, o->d, 2, o->d2, 4);)
CASE(c_geo_mean_short, return gmmot_gaussian_geodesic(2, M2a, S2, M2b, S2, 0.5, o->d, 1, o->d2, 4);)
CASE(c_geo_cov_short, return gmmot_gaussian_geodesic(2, M2a, S2, M2b, S2, 0.5, o->d, 2, o->d2, 3);)
CASE(c_geo_d0, return gmmot_gaussian_geodesic(0, M2a, S2, M2b, S2, 0.5, o->d, 2, o->d2, 4);)
CASE(c_geo_inf_m0, double m[2] = {INFINITY, 0.0};
     return gmmot_gaussian_geodesic(2, m, S2, M2b, S2, 0.5, o->d, 2, o->d2, 4);)
CASE(c_bary_j0,
     return gmmot_gaussian_barycenter(0, 2, W, M, C, NULL, o->d, 2, o->d2, 4, &o->u64, &o->scalar);)
CASE(c_bary_null_w, return gmmot_gaussian_barycenter(2, 2, NULL, M, C, NULL, o->d, 2, o->d2, 4,
                                                     &o->u64, &o->scalar);)
CASE(c_bary_null_mean,
     return gmmot_gaussian_barycenter(2, 2, W, M, C, NULL, NULL, 2, o->d2, 4, &o->u64, &o->scalar);)
CASE(c_bary_jdd_overflow,
     return gmmot_gaussian_barycenter(HUGE_SIZE, 2 << 20, W, M, C, NULL, o->d, SIZE_MAX, o->d2,
                                      SIZE_MAX, &o->u64, &o->scalar);)
CASE(c_bary_w_off, W_COPY w[0] += 1e-7;
     return gmmot_gaussian_barycenter(2, 2, w, M, C, NULL, o->d, 2, o->d2, 4, &o->u64, &o->scalar);)
CASE(c_bary_w_off_1e9, W_COPY w[0] += 1e-9;
     return gmmot_gaussian_barycenter(2, 2, w, M, C, NULL, o->d, 2, o->d2, 4, &o->u64, &o->scalar);)
CASE(c_bary_neg_w, W_COPY w[1] = -0.5; w[0] = 1.5;
     return gmmot_gaussian_barycenter(2, 2, w, M, C, NULL, o->d, 2, o->d2, 4, &o->u64, &o->scalar);)
CASE(c_bary_nan_m, M_COPY m[2] = NAN;
     return gmmot_gaussian_barycenter(2, 2, W, m, C, NULL, o->d, 2, o->d2, 4, &o->u64, &o->scalar);)
CASE(c_bary_asym_c, C_COPY c[5] = 0.1;
     return gmmot_gaussian_barycenter(2, 2, W, M, c, NULL, o->d, 2, o->d2, 4, &o->u64, &o->scalar);)
CASE(c_bary_cov_short,
     return gmmot_gaussian_barycenter(2, 2, W, M, C, NULL, o->d, 2, o->d2, 3, &o->u64, &o->scalar);)
CASE(c_mmc_j0, return gmmot_gaussian_multimarginal_cost(0, 2, W, M, C, NULL, &o->scalar);)
CASE(c_mmc_null_out, return gmmot_gaussian_multimarginal_cost(2, 2, W, M, C, NULL, NULL);)
CASE(c_mmc_d0, return gmmot_gaussian_multimarginal_cost(2, 0, W, M, C, NULL, &o->scalar);)
CASE(c_mmc_inf_w, W_COPY w[1] = INFINITY;
     return gmmot_gaussian_multimarginal_cost(2, 2, w, M, C, NULL, &o->scalar);)
CASE(c_mmc_not_psd, C_COPY c[0] = -2.0;
     return gmmot_gaussian_multimarginal_cost(2, 2, W, M, c, NULL, &o->scalar);)
CASE(c_cm_null0, return gmmot_w2_cost_matrix(NULL, g_gmm, NULL, o->d, 4);)
CASE(c_cm_null1, return gmmot_w2_cost_matrix(g_gmm, NULL, NULL, o->d, 4);)
CASE(c_cm_null_out, return gmmot_w2_cost_matrix(g_gmm, g_gmm, NULL, NULL, 4);)
CASE(c_cm_dims, return gmmot_w2_cost_matrix(g_gmm, g_gmm3, NULL, o->d, 4);)
CASE(c_cm_short, return gmmot_w2_cost_matrix(g_gmm, g_gmm, NULL, o->d, 3);)

/* ---- transport.h ---- */
CASE(c_ts_null_a, return gmmot_transport_solve(2, 3, NULL, TB, TC, NULL, &o->tr);)
CASE(c_ts_null_b, return gmmot_transport_solve(2, 3, TA, NULL, TC, NULL, &o->tr);)
CASE(c_ts_null_cost, return gmmot_transport_solve(2, 3, TA, TB, NULL, NULL, &o->tr);)
CASE(c_ts_null_out, return gmmot_transport_solve(2, 3, TA, TB, TC, NULL, NULL);)
CASE(c_ts_k0, return gmmot_transport_solve(0, 3, TA, TB, TC, NULL, &o->tr);)
CASE(c_ts_k1, return gmmot_transport_solve(2, 0, TA, TB, TC, NULL, &o->tr);)
CASE(c_ts_overflow, return gmmot_transport_solve(HUGE_SIZE, HUGE_SIZE, TA, TB, TC, NULL, &o->tr);)
CASE(c_ts_nan_cost, double c[6] = {1.0, 2.0, 3.0, 4.0, 0.5, NAN};
     return gmmot_transport_solve(2, 3, TA, TB, c, NULL, &o->tr);)
CASE(c_ts_inf_b, double b[3] = {0.2, INFINITY, 0.5};
     return gmmot_transport_solve(2, 3, TA, b, TC, NULL, &o->tr);)
CASE(c_ts_neg_a, double a[2] = {1.5, -0.5};
     return gmmot_transport_solve(2, 3, a, TB, TC, NULL, &o->tr);)
CASE(c_ts_zero_a, double a[2] = {0.0, -0.0};
     return gmmot_transport_solve(2, 3, a, TB, TC, NULL, &o->tr);)
CASE(c_ts_mass, double a[2] = {0.5, 0.5 + 1e-7};
     return gmmot_transport_solve(2, 3, a, TB, TC, NULL, &o->tr);)
CASE(c_ts_mass_1e9, double a[2] = {0.5, 0.5 + 1e-9};
     return gmmot_transport_solve(2, 3, a, TB, TC, NULL, &o->tr);)
CASE(c_ts_extreme_costs, double c[6] = {1e300, -1e300, 4.9e-324, -0.0, 0.0, 1e-300};
     return gmmot_transport_solve(2, 3, TA, TB, c, NULL, &o->tr);)
CASE(c_ts_overflow_total, double a[1] = {2.0}, c[1] = {1e308};
     return gmmot_transport_solve(1, 1, a, a, c, NULL, &o->tr);)
CASE(c_tw_null_u, return gmmot_transport_solve_warm(2, 3, TA, TB, TC, NULL, TV, NULL, &o->tr);)
CASE(c_tw_null_v, return gmmot_transport_solve_warm(2, 3, TA, TB, TC, TU, NULL, NULL, &o->tr);)
CASE(c_tw_nan_v, double v[3] = {0.0, NAN, 0.0};
     return gmmot_transport_solve_warm(2, 3, TA, TB, TC, TU, v, NULL, &o->tr);)
CASE(c_tw_k0, return gmmot_transport_solve_warm(0, 3, TA, TB, TC, TU, TV, NULL, &o->tr);)
CASE(c_tw_inf_u, double u[2] = {-INFINITY, 0.0};
     return gmmot_transport_solve_warm(2, 3, TA, TB, TC, u, TV, NULL, &o->tr);)
CASE(c_t_destroy_null, gmmot_transport_destroy(NULL); return GMMOT_OK;)
CASE(c_t_shape_null, return gmmot_transport_rows(NULL) == 0 && gmmot_transport_cols(NULL) == 0 &&
                                    gmmot_transport_nnz(NULL) == 0
                                ? GMMOT_OK
                                : -1000;)
CASE(c_t_cost_null, return gmmot_transport_cost(NULL, &o->scalar);)
CASE(c_t_cost_null_out, return gmmot_transport_cost(g_tr, NULL);)
CASE(c_t_plan_null, return gmmot_transport_copy_plan(NULL, o->d, 6);)
CASE(c_t_plan_null_out, return gmmot_transport_copy_plan(g_tr, NULL, 6);)
CASE(c_t_plan_short, return gmmot_transport_copy_plan(g_tr, o->d, 5);)
CASE(c_t_sparse_null, return gmmot_transport_copy_sparse_plan(NULL, o->z, o->z2, o->d, 6);)
CASE(c_t_sparse_short, return gmmot_transport_copy_sparse_plan(g_tr, o->z, o->z2, o->d,
                                                               gmmot_transport_nnz(g_tr) - 1);)
CASE(c_t_duals_null, return gmmot_transport_copy_duals(NULL, o->d, 2, o->d2, 3);)
CASE(c_t_duals_u_short, return gmmot_transport_copy_duals(g_tr, o->d, 1, o->d2, 3);)
CASE(c_t_duals_v_short, return gmmot_transport_copy_duals(g_tr, o->d, 2, o->d2, 2);)
CASE(c_t_info_null, return gmmot_transport_info(NULL, &o->u64, &o->scalar);)

/* ---- mw2.h ---- */
CASE(c_mw2_create_null0, return gmmot_mw2_create(NULL, g_gmm, NULL, &o->mw2);)
CASE(c_mw2_create_null1, return gmmot_mw2_create(g_gmm, NULL, NULL, &o->mw2);)
CASE(c_mw2_create_null_out, return gmmot_mw2_create(g_gmm, g_gmm, NULL, NULL);)
CASE(c_mw2_create_dims, return gmmot_mw2_create(g_gmm, g_gmm3, NULL, &o->mw2);)
CASE(c_mw2_destroy_null, gmmot_mw2_destroy(NULL); return GMMOT_OK;)
CASE(c_mw2_sq_null_out, return gmmot_mw2_squared(g_gmm, g_gmm, NULL, NULL);)
CASE(c_mw2_sq_null0, return gmmot_mw2_squared(NULL, g_gmm, NULL, &o->scalar);)
CASE(c_mw2_sq_dims, return gmmot_mw2_squared(g_gmm3, g_gmm, NULL, &o->scalar);)
CASE(c_mw2_dist_null, return gmmot_mw2_distance(NULL, &o->scalar, &o->scalar2);)
CASE(c_mw2_dist_both_null, return gmmot_mw2_distance(g_mw2, NULL, NULL);)
CASE(c_mw2_shape_null, return gmmot_mw2_rows(NULL) == 0 && gmmot_mw2_cols(NULL) == 0 &&
                                      gmmot_mw2_dim(NULL) == 0 && gmmot_mw2_nnz(NULL) == 0
                                  ? GMMOT_OK
                                  : -1000;)
CASE(c_mw2_cost_null, return gmmot_mw2_copy_cost_matrix(NULL, o->d, 4);)
CASE(c_mw2_cost_null_out, return gmmot_mw2_copy_cost_matrix(g_mw2, NULL, 4);)
CASE(c_mw2_cost_short, return gmmot_mw2_copy_cost_matrix(g_mw2, o->d, 3);)
CASE(c_mw2_plan_null, return gmmot_mw2_copy_plan(NULL, o->d, 4);)
CASE(c_mw2_plan_short, return gmmot_mw2_copy_plan(g_mw2, o->d, 3);)
CASE(c_mw2_sparse_null, return gmmot_mw2_copy_sparse_plan(NULL, o->z, o->z2, o->d, 4);)
CASE(c_mw2_sparse_short, return gmmot_mw2_copy_sparse_plan(g_mw2, o->z, o->z2, o->d, g_nnz - 1);)
CASE(c_mw2_duals_null, return gmmot_mw2_copy_duals(NULL, o->d, 2, o->d2, 2);)
CASE(c_mw2_duals_short, return gmmot_mw2_copy_duals(g_mw2, o->d, 1, o->d2, 2);)
CASE(c_mw2_info_null, return gmmot_mw2_info(NULL, &o->u64, &o->scalar);)
CASE(c_mw2_coupling_null, return gmmot_mw2_coupling(NULL, &o->gmm);)
CASE(c_mw2_coupling_null_out, return gmmot_mw2_coupling(g_mw2, NULL);)
CASE(c_mw2_geo_null, return gmmot_mw2_geodesic(NULL, 0.5, &o->gmm);)
CASE(c_mw2_geo_null_out, return gmmot_mw2_geodesic(g_mw2, 0.5, NULL);)
CASE(c_mw2_geo_t_neg, return gmmot_mw2_geodesic(g_mw2, -1e-300, &o->gmm);)
CASE(c_mw2_geo_t_nan, return gmmot_mw2_geodesic(g_mw2, NAN, &o->gmm);)
CASE(c_mw2_geo_t_negzero, return gmmot_mw2_geodesic(g_mw2, -0.0, &o->gmm);)
CASE(c_mw2_maps_null, return gmmot_mw2_copy_pair_maps(NULL, o->d, 4 * g_nnz, o->d2, 2 * g_nnz);)
CASE(c_mw2_maps_null_a, return gmmot_mw2_copy_pair_maps(g_mw2, NULL, 4 * g_nnz, o->d2, 2 * g_nnz);)
CASE(c_mw2_maps_a_short,
     return gmmot_mw2_copy_pair_maps(g_mw2, o->d, 4 * g_nnz - 1, o->d2, 2 * g_nnz);)
CASE(c_mw2_maps_b_short,
     return gmmot_mw2_copy_pair_maps(g_mw2, o->d, 4 * g_nnz, o->d2, 2 * g_nnz - 1);)
CASE(c_mw2_pts_null_out,
     return gmmot_mw2_create_from_points(X, 20, X, 20, 2, NULL, NULL, g_opts_k2, NULL);)
CASE(c_mw2_pts_null0,
     return gmmot_mw2_create_from_points(NULL, 20, X, 20, 2, NULL, NULL, g_opts_k2, &o->mw2);)
CASE(c_mw2_pts_null1,
     return gmmot_mw2_create_from_points(X, 20, NULL, 20, 2, NULL, NULL, g_opts_k2, &o->mw2);)
CASE(c_mw2_pts_n1_zero,
     return gmmot_mw2_create_from_points(X, 20, X, 0, 2, NULL, NULL, g_opts_k2, &o->mw2);)
CASE(c_mw2_pts_d0,
     return gmmot_mw2_create_from_points(X, 20, X, 20, 0, NULL, NULL, g_opts_k2, &o->mw2);)
CASE(c_mw2_pts_overflow, return gmmot_mw2_create_from_points(X, HUGE_SIZE, X, 20, HUGE_SIZE, NULL,
                                                             NULL, g_opts_k2, &o->mw2);)
CASE(c_mw2_pts_nan1, double x[40]; memcpy(x, X, sizeof x); x[27] = NAN;
     return gmmot_mw2_create_from_points(X, 20, x, 20, 2, NULL, NULL, g_opts_k2, &o->mw2);)
CASE(c_mw2_pts_neg_w0, double w[20]; size_t i; for (i = 0; i < 20; ++i) w[i] = 1.0; w[7] = -1.0;
     return gmmot_mw2_create_from_points(X, 20, X, 20, 2, w, NULL, g_opts_k2, &o->mw2);)
CASE(c_mw2_pts_inf_w1, double w[20]; size_t i; for (i = 0; i < 20; ++i) w[i] = 1.0; w[4] = INFINITY;
     return gmmot_mw2_create_from_points(X, 20, X, 20, 2, NULL, w, g_opts_k2, &o->mw2);)
CASE(c_mw2_pts_zero_w1, double w[20]; memset(w, 0, sizeof w);
     return gmmot_mw2_create_from_points(X, 20, X, 20, 2, NULL, w, g_opts_k2, &o->mw2);)
CASE(c_mw2_pts_ok,
     return gmmot_mw2_create_from_points(X, 20, X + 2, 19, 2, NULL, NULL, g_opts_k2, &o->mw2);)
CASE(c_mw2_given_duals, return gmmot_mw2_copy_duals(g_given, o->d, 2, o->d2, 2);)
CASE(c_mw2_given_info, return gmmot_mw2_info(g_given, &o->u64, &o->scalar);)

/* ---- relaxed.h: the plan of the fit ---- */
CASE(c_relaxed_plan_null, return gmmot_relaxed_plan(NULL, &o->mw2);)
CASE(c_relaxed_plan_null_out, return gmmot_relaxed_plan(g_relaxed, NULL);)
CASE(c_relaxed_plan_ok, return gmmot_relaxed_plan(g_relaxed, &o->mw2);)

/* ---- maps.h ---- */
CASE(c_mean_null, return gmmot_mw2_map_mean(NULL, 2, X, NULL, o->d, 4);)
CASE(c_mean_null_x, return gmmot_mw2_map_mean(g_mw2, 2, NULL, NULL, o->d, 4);)
CASE(c_mean_null_out, return gmmot_mw2_map_mean(g_mw2, 2, X, NULL, NULL, 4);)
CASE(c_mean_overflow, return gmmot_mw2_map_mean(g_mw2, SIZE_MAX / 2, X, NULL, o->d, 4);)
CASE(c_mean_short, return gmmot_mw2_map_mean(g_mw2, 2, X, NULL, o->d, 3);)
CASE(c_mean_nan, double x[4] = {0.0, 1.0, NAN, 0.0};
     return gmmot_mw2_map_mean(g_mw2, 2, x, NULL, o->d, 4);)
CASE(c_mean_overlap, return gmmot_mw2_map_mean(g_mw2, 2, o->d + 1, NULL, o->d, 4);)
CASE(c_mean_n0, return gmmot_mw2_map_mean(g_mw2, 0, NULL, NULL, NULL, 0);)
CASE(c_mean_extreme, double x[4] = {4.9e-324, -0.0, 1e-300, 1e30};
     return gmmot_mw2_map_mean(g_mw2, 2, x, NULL, o->d, 4);)
CASE(c_rand_null, return gmmot_mw2_map_rand(NULL, 2, X, NULL, o->d, 4);)
CASE(c_rand_null_x, return gmmot_mw2_map_rand(g_mw2, 2, NULL, NULL, o->d, 4);)
CASE(c_rand_overflow, return gmmot_mw2_map_rand(g_mw2, SIZE_MAX / 2, X, NULL, o->d, 4);)
CASE(c_rand_short, return gmmot_mw2_map_rand(g_mw2, 2, X, NULL, o->d, 3);)
CASE(c_rand_inf, double x[4] = {0.0, 1.0, 2.0, -INFINITY};
     return gmmot_mw2_map_rand(g_mw2, 2, x, NULL, o->d, 4);)
CASE(c_mean_huge_x, double x[4] = {0.0, 1.0, 4.6e307, 0.0};
     return gmmot_mw2_map_mean(g_mw2, 2, x, NULL, o->d, 4);)
CASE(c_rand_overlap, return gmmot_mw2_map_rand(g_mw2, 2, o->d, NULL, o->d + 3, 4);)

/* ---- em.h ---- */
CASE(c_em_create_null, return gmmot_em_create(NULL, NULL);)
CASE(c_em_destroy_null, gmmot_em_destroy(NULL); return GMMOT_OK;)
CASE(c_em_fit_null_em, return gmmot_em_fit(NULL, 20, 2, X, NULL, &o->gmm);)
CASE(c_em_fit_null_points, return gmmot_em_fit(g_em, 20, 2, NULL, NULL, &o->gmm);)
CASE(c_em_fit_null_out, return gmmot_em_fit(g_em, 20, 2, X, NULL, NULL);)
CASE(c_em_fit_n0, return gmmot_em_fit(g_em, 0, 2, X, NULL, &o->gmm);)
CASE(c_em_fit_d0, return gmmot_em_fit(g_em, 20, 0, X, NULL, &o->gmm);)
CASE(c_em_fit_overflow, return gmmot_em_fit(g_em, HUGE_SIZE, HUGE_SIZE, X, NULL, &o->gmm);)
CASE(c_em_fit_nan, double x[40]; memcpy(x, X, sizeof x); x[27] = NAN;
     return gmmot_em_fit(g_em, 20, 2, x, NULL, &o->gmm);)
CASE(c_em_fit_neg_w, double w[20]; size_t i; for (i = 0; i < 20; ++i) w[i] = 1.0; w[7] = -1e-300;
     return gmmot_em_fit(g_em, 20, 2, X, w, &o->gmm);)
CASE(c_em_fit_inf_w, double w[20]; size_t i; for (i = 0; i < 20; ++i) w[i] = 1.0; w[3] = INFINITY;
     return gmmot_em_fit(g_em, 20, 2, X, w, &o->gmm);)
CASE(c_em_fit_zero_w, double w[20]; size_t i; for (i = 0; i < 20; ++i) w[i] = (i % 2) ? 0.0 : -0.0;
     return gmmot_em_fit(g_em, 20, 2, X, w, &o->gmm);)
CASE(c_em_fit_k_beyond_n, static double x[20 * 30]; memset(x, 0, sizeof x); x[5] = 1.0;
     return gmmot_em_fit(g_em_big, 20, 30, x, NULL, &o->gmm);)
CASE(c_em_info_null, return gmmot_em_info(NULL, &o->scalar, &o->u64, &o->i);)
CASE(c_em_info_nofit, return gmmot_em_info(g_em, &o->scalar, &o->u64, &o->i);)
CASE(c_em_work_null, return gmmot_em_work(NULL, &o->u64, &o->u64);)
CASE(c_em_work_nofit, return gmmot_em_work(g_em, &o->u64, NULL);)

/* ---- barycenter.h ---- */
static const double L2[2] = {0.5, 0.5};
static const double L1[1] = {1.0};
#define GG                  \
  const gmmot_gmm_t *gg[2]; \
  gg[0] = g_gmm;            \
  gg[1] = g_gmm;
CASE(c_mb_exact_null_gmms, return gmmot_mw2_barycenter_exact(NULL, 2, L2, 2, NULL, &o->bary);)
CASE(c_mb_exact_null_gmms1, GG gg[1] = NULL;
     return gmmot_mw2_barycenter_exact(gg, 2, L2, 2, NULL, &o->bary);)
CASE(c_mb_exact_j0, GG return gmmot_mw2_barycenter_exact(gg, 0, L2, 2, NULL, &o->bary);)
CASE(c_mb_exact_null_lambda, GG return gmmot_mw2_barycenter_exact(gg, 2, NULL, 2, NULL, &o->bary);)
CASE(c_mb_exact_null_out, GG return gmmot_mw2_barycenter_exact(gg, 2, L2, 2, NULL, NULL);)
CASE(c_mb_exact_lambda_len, GG return gmmot_mw2_barycenter_exact(gg, 2, L2, 1, NULL, &o->bary);)
CASE(c_mb_exact_lambda_neg, GG double l[2] = {1.5, -0.5};
     return gmmot_mw2_barycenter_exact(gg, 2, l, 2, NULL, &o->bary);)
CASE(c_mb_exact_lambda_sum, GG double l[2] = {0.5, 0.5 + 1e-7};
     return gmmot_mw2_barycenter_exact(gg, 2, l, 2, NULL, &o->bary);)
CASE(c_mb_exact_lambda_off_1e9, GG double l[2] = {0.5, 0.5 + 1e-9};
     return gmmot_mw2_barycenter_exact(gg, 2, l, 2, NULL, &o->bary);)
CASE(c_mb_exact_lambda_nan, GG double l[2] = {0.5, NAN};
     return gmmot_mw2_barycenter_exact(gg, 2, l, 2, NULL, &o->bary);)
CASE(c_mb_exact_lambda_zero, GG double l[2] = {0.0, -0.0};
     return gmmot_mw2_barycenter_exact(gg, 2, l, 2, NULL, &o->bary);)
CASE(c_mb_exact_dims, GG gg[1] = g_gmm3;
     return gmmot_mw2_barycenter_exact(gg, 2, L2, 2, NULL, &o->bary);)
CASE(c_mb_exact_too_large,
     GG return gmmot_mw2_barycenter_exact(gg, 2, L2, 2, g_opts_tuples3, &o->bary);)
CASE(c_mb_fs_null_means,
     GG return gmmot_mw2_barycenter_fixed_support(gg, 2, L2, 2, 2, NULL, 4, C, 8, NULL, &o->bary);)
CASE(c_mb_fs_null_covs,
     GG return gmmot_mw2_barycenter_fixed_support(gg, 2, L2, 2, 2, M, 4, NULL, 8, NULL, &o->bary);)
CASE(c_mb_fs_null_gmms1, GG gg[1] = NULL;
     return gmmot_mw2_barycenter_fixed_support(gg, 2, L2, 2, 2, M, 4, C, 8, NULL, &o->bary);)
CASE(c_mb_fs_n0,
     GG return gmmot_mw2_barycenter_fixed_support(gg, 2, L2, 2, 0, M, 4, C, 8, NULL, &o->bary);)
CASE(c_mb_fs_means_short,
     GG return gmmot_mw2_barycenter_fixed_support(gg, 2, L2, 2, 2, M, 3, C, 8, NULL, &o->bary);)
CASE(c_mb_fs_covs_short,
     GG return gmmot_mw2_barycenter_fixed_support(gg, 2, L2, 2, 2, M, 4, C, 7, NULL, &o->bary);)
CASE(c_mb_fs_nd_overflow,
     GG return gmmot_mw2_barycenter_fixed_support(gg, 2, L2, 2, HUGE_SIZE, M, SIZE_MAX, C, SIZE_MAX,
                                                  NULL, &o->bary);)
CASE(c_mb_fs_dims, GG gg[0] = g_gmm3;
     return gmmot_mw2_barycenter_fixed_support(gg, 2, L2, 2, 2, M, 4, C, 8, NULL, &o->bary);)
CASE(c_mb_fs_lambda_neg, GG double l[2] = {-0.25, 1.25};
     return gmmot_mw2_barycenter_fixed_support(gg, 2, l, 2, 2, M, 4, C, 8, NULL, &o->bary);)
CASE(c_mb_fs_nan_mean, GG M_COPY m[2] = NAN;
     return gmmot_mw2_barycenter_fixed_support(gg, 2, L2, 2, 2, m, 4, C, 8, NULL, &o->bary);)
CASE(c_mb_fs_not_psd, GG C_COPY c[4] = -1.0;
     return gmmot_mw2_barycenter_fixed_support(gg, 2, L2, 2, 2, M, 4, c, 8, NULL, &o->bary);)
CASE(c_mb_fp_null_gmms,
     return gmmot_mw2_barycenter_fixed_point(NULL, 2, L2, 2, NULL, NULL, &o->bary);)
CASE(c_mb_fp_null_gmms0, GG gg[0] = NULL;
     return gmmot_mw2_barycenter_fixed_point(gg, 2, L2, 2, NULL, NULL, &o->bary);)
CASE(c_mb_fp_j0, GG return gmmot_mw2_barycenter_fixed_point(gg, 0, L2, 2, NULL, NULL, &o->bary);)
CASE(c_mb_fp_null_out, GG return gmmot_mw2_barycenter_fixed_point(gg, 2, L2, 2, NULL, NULL, NULL);)
CASE(c_mb_fp_lambda_len,
     GG return gmmot_mw2_barycenter_fixed_point(gg, 2, L1, 1, NULL, NULL, &o->bary);)
CASE(c_mb_fp_lambda_inf, GG double l[2] = {INFINITY, 0.5};
     return gmmot_mw2_barycenter_fixed_point(gg, 2, l, 2, NULL, NULL, &o->bary);)
CASE(c_mb_fp_dims, GG gg[1] = g_gmm3;
     return gmmot_mw2_barycenter_fixed_point(gg, 2, L2, 2, NULL, NULL, &o->bary);)
CASE(c_mb_fp_init_dims,
     GG return gmmot_mw2_barycenter_fixed_point(gg, 2, L2, 2, g_gmm3, NULL, &o->bary);)
CASE(c_mb_opt_max_tuples, return gmmot_options_set_double(g_opts, GMMOT_OPT_MMOT_MAX_TUPLES, 0.5);)
CASE(c_mb_opt_max_tuples_type, return gmmot_options_set_int(g_opts, GMMOT_OPT_MMOT_MAX_TUPLES, 5);)
CASE(c_mb_opt_mmot_iter, return gmmot_options_set_int(g_opts, GMMOT_OPT_MMOT_MAX_ITERATIONS, -1);)
CASE(c_mb_opt_method, return gmmot_options_set_int(g_opts, GMMOT_OPT_FIXED_POINT_METHOD, 3);)
CASE(c_mb_opt_components,
     return gmmot_options_set_double(g_opts, GMMOT_OPT_FIXED_POINT_COMPONENTS, 2.0);)
CASE(c_mb_opt_tol, return gmmot_options_set_double(g_opts, GMMOT_OPT_FIXED_POINT_TOLERANCE, 1.5);)
CASE(c_mb_opt_tol_nan,
     return gmmot_options_set_double(g_opts, GMMOT_OPT_FIXED_POINT_TOLERANCE, NAN);)
CASE(c_mb_opt_fp_iter,
     return gmmot_options_set_int(g_opts, GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, 0);)
CASE(c_mb_opt_support, return gmmot_options_set_int(g_opts, GMMOT_OPT_FIXED_POINT_MAX_SUPPORT, 0);)
CASE(c_mb_destroy_null, gmmot_mw2_barycenter_destroy(NULL); return GMMOT_OK;)
CASE(c_mb_gmm_null, return gmmot_mw2_barycenter_gmm(NULL, &o->gmm);)
CASE(c_mb_gmm_null_out, return gmmot_mw2_barycenter_gmm(g_mb, NULL);)
CASE(c_mb_cost_null, return gmmot_mw2_barycenter_cost(NULL, &o->scalar);)
CASE(c_mb_cost_null_out, return gmmot_mw2_barycenter_cost(g_mb, NULL);)
CASE(c_mb_shape_null, return gmmot_mw2_barycenter_count(NULL) == 0 &&
                                     gmmot_mw2_barycenter_components(NULL) == 0 &&
                                     gmmot_mw2_barycenter_plan_nnz(NULL, 0) == 0 &&
                                     gmmot_mw2_barycenter_plan_nnz(g_mb, 1) == 0 &&
                                     gmmot_mw2_barycenter_energies_len(NULL) == 0
                                 ? GMMOT_OK
                                 : -1000;)
CASE(c_mb_plan_null, return gmmot_mw2_barycenter_copy_plan(NULL, 0, o->z, o->z2, o->d, 64);)
CASE(c_mb_plan_j, return gmmot_mw2_barycenter_copy_plan(g_mb, 1, o->z, o->z2, o->d, 64);)
CASE(c_mb_plan_j_huge,
     return gmmot_mw2_barycenter_copy_plan(g_mb, SIZE_MAX, o->z, o->z2, o->d, 64);)
CASE(c_mb_plan_short,
     return gmmot_mw2_barycenter_copy_plan(g_mb, 0, o->z, o->z2, o->d,
                                           gmmot_mw2_barycenter_plan_nnz(g_mb, 0) - 1);)
CASE(c_mb_plan_all_null, return gmmot_mw2_barycenter_copy_plan(g_mb, 0, NULL, NULL, NULL, 0);)
CASE(c_mb_tuples_null, return gmmot_mw2_barycenter_copy_tuples(NULL, o->z, 64);)
CASE(c_mb_tuples_null_out, return gmmot_mw2_barycenter_copy_tuples(g_mb, NULL, 64);)
CASE(c_mb_tuples_short,
     return gmmot_mw2_barycenter_copy_tuples(g_mb, o->z,
                                             gmmot_mw2_barycenter_components(g_mb) - 1);)
CASE(c_mb_tuples_heuristic, return gmmot_mw2_barycenter_copy_tuples(g_mb_fp, o->z, 64);)
CASE(c_mb_duals_null, return gmmot_mw2_barycenter_copy_duals(NULL, o->d, 256);)
CASE(c_mb_duals_null_out, return gmmot_mw2_barycenter_copy_duals(g_mb, NULL, 256);)
CASE(c_mb_duals_short, return gmmot_mw2_barycenter_copy_duals(g_mb, o->d, 1);)
CASE(c_mb_duals_fixed_point, return gmmot_mw2_barycenter_copy_duals(g_mb_fp, o->d, 256);)
CASE(c_mb_cert_null,
     return gmmot_mw2_barycenter_certificate(NULL, &o->scalar, &o->scalar2, &o->d[0]);)
CASE(c_mb_cert_fixed_point,
     return gmmot_mw2_barycenter_certificate(g_mb_fp, &o->scalar, &o->scalar2, &o->d[0]);)
CASE(c_mb_info_null, return gmmot_mw2_barycenter_info(NULL, &o->u64, NULL, NULL);)
CASE(c_mb_energies_null, return gmmot_mw2_barycenter_copy_energies(NULL, o->d, 256);)
CASE(c_mb_energies_null_out, return gmmot_mw2_barycenter_copy_energies(g_mb, NULL, 256);)
CASE(c_mb_energies_short, return gmmot_mw2_barycenter_copy_energies(g_mb_fp, o->d, 0);)

/* gromov.h: MGW2, Gromov-Wasserstein on matrices, the Gaussian closed form. */
static const double GD[4] = {0.0, 1.0, 1.0, 0.0};
static const double GI[4] = {1.0, 0.0, 0.0, 1.0};
static gmmot_gw_t *g_gw; /* GD against itself */
CASE(c_mgw2_null0, return gmmot_mgw2_create(NULL, g_gmm, NULL, &o->gw);)
CASE(c_mgw2_null_out, return gmmot_mgw2_create(g_gmm, g_gmm, NULL, NULL);)
CASE(c_mgw2_dims, return gmmot_mgw2_create(g_gmm, g_gmm3, NULL, &o->gw);)
CASE(c_gw_k0, return gmmot_gw_create(0, W, GD, 2, W, GD, NULL, &o->gw);)
CASE(c_gw_null_c1, return gmmot_gw_create(2, W, GD, 2, W, NULL, NULL, &o->gw);)
CASE(c_gw_nan, double c[4] = {0.0, 1.0, 1.0, 0.0}; c[2] = NAN;
     return gmmot_gw_create(2, W, c, 2, W, GD, NULL, &o->gw);)
CASE(c_gw_asym, double c[4] = {0.0, 1.0, 1.5, 0.0};
     return gmmot_gw_create(2, W, GD, 2, W, c, NULL, &o->gw);)
CASE(c_gw_weight, W_COPY w[1] = -0.5; return gmmot_gw_create(2, w, GD, 2, W, GD, NULL, &o->gw);)
CASE(c_gw_value_null, return gmmot_gw_value(NULL, &o->scalar, NULL);)
CASE(c_gw_plan_short, return gmmot_gw_copy_plan(g_gw, o->d, 3);)
CASE(c_ggw_not_psd, const double c[4] = {1.0, 0.0, 0.0, -1.0};
     return gmmot_gaussian_gw(2, NULL, c, 1, NULL, W, &o->scalar, NULL, 0, NULL, 0);)
CASE(c_ggw_no_map,
     return gmmot_gaussian_gw(1, NULL, W, 2, NULL, GI, &o->scalar, o->d, 256, o->d2, 256);)
CASE(c_ggw_nan_mean, const double m[1] = {NAN};
     return gmmot_gaussian_gw(1, m, W, 1, NULL, W, &o->scalar, o->d, 256, o->d2, 256);)

/* mew2.h: EW2 between point clouds, MEW2 between mixtures, the maps across dimensions. */
static gmmot_ew_t *g_ew;     /* MEW2 of g_gmm (d = 2) and g_gmm3 (d = 3): m < n, no maps */
static gmmot_ew_t *g_ew_pts; /* EW2 of X (10 points in R^2) and X (20 points in R^1) */
CASE(c_ew2_n0, return gmmot_ew2_create(X, 0, 2, NULL, X, 20, 1, NULL, NULL, &o->ew);)
CASE(c_ew2_nan, double x[6] = {0.0, 1.0, 2.0, 3.0, 4.0, 5.0}; x[3] = NAN;
     return gmmot_ew2_create(X, 10, 2, NULL, x, 3, 2, NULL, NULL, &o->ew);)
CASE(c_ew2_weight, const double w[3] = {1.0, -1.0, 1.0};
     return gmmot_ew2_create(X, 10, 2, NULL, X, 3, 1, w, NULL, &o->ew);)
CASE(c_ew2_null_out, return gmmot_ew2_create(X, 10, 2, NULL, X, 20, 1, NULL, NULL, NULL);)
CASE(c_mew2_null1, return gmmot_mew2_create(g_gmm, NULL, NULL, &o->ew);)
CASE(c_mew2_dims, return gmmot_mew2_create(g_gmm, g_gmm3, NULL, &o->ew);)
CASE(c_ew_value_null, return gmmot_ew_value(NULL, &o->scalar, NULL);)
CASE(c_ew_plan_short, return gmmot_ew_copy_plan(g_ew_pts, o->d, 199);)
CASE(c_ew_sparse_null, return gmmot_ew_copy_sparse_plan(g_ew, NULL, NULL, NULL, 64);)
CASE(c_ew_iso_short, return gmmot_ew_copy_isometry(g_ew, o->d, 5);)
CASE(c_ew_means_null, return gmmot_ew_copy_means(g_ew, NULL, 2, NULL, 3);)
CASE(c_ew_info_null, return gmmot_ew_info(NULL, &o->u64, &o->i, &o->scalar, NULL, NULL);)
CASE(c_mew2_map_points, return gmmot_mew2_map_mean(g_ew_pts, 1, X, NULL, o->d, 256);)
CASE(c_mew2_map_no_map, return gmmot_mew2_map_rand(g_ew, 2, X, NULL, o->d, 256);)
CASE(c_mew2_map_null_x, return gmmot_mew2_map_mean(g_ew, 2, NULL, NULL, o->d, 256);)

typedef struct Case {
  const char *name;
  int (*run)(Outs *o);
  int expected;     /* the documented status */
  const char *fn;   /* the function the message must name (errors) */
  const char *args; /* '|'-separated words, one of which the message must name; NULL: any */
  long index;       /* "[index" must follow the word; -1: no index */
  const char *also; /* a further substring of the message, or NULL */
} Case;

#define OK_ROW(name, run, fn) \
  { name, run, GMMOT_OK, fn, NULL, -1, NULL }
#define E_INV GMMOT_E_INVALID_ARGUMENT
#define E_BUF GMMOT_E_BUFFER_TOO_SMALL

static const Case kCases[] = {
    /* status.h, version.h */
    OK_ROW("status_string(unknown)", c_status_unknown, "gmmot_status_string"),
    OK_ROW("last_error_message never NULL", c_last_message, "gmmot_last_error_message"),
    OK_ROW("version_number", c_version_number, "gmmot_version_number"),
    OK_ROW("version_string", c_version_string, "gmmot_version_string"),
    OK_ROW("build_info never NULL", c_build_info, "gmmot_build_info"),
    /* progress.h, and the options' attachments */
    {"interrupt_create(NULL)", c_flag_create_null, E_INV, "gmmot_interrupt_create", "out", -1,
     NULL},
    OK_ROW("interrupt_create", c_flag_create, "gmmot_interrupt_create"),
    OK_ROW("interrupt_destroy(NULL)", c_flag_destroy_null, "gmmot_interrupt_destroy"),
    {"interrupt_raise(NULL)", c_flag_raise_null, E_INV, "gmmot_interrupt_raise", "flag", -1, NULL},
    {"interrupt_reset(NULL)", c_flag_reset_null, E_INV, "gmmot_interrupt_reset", "flag", -1, NULL},
    {"interrupt_is_raised(NULL)", c_flag_is_raised_null, E_INV, "gmmot_interrupt_is_raised", "flag",
     -1, NULL},
    {"interrupt_is_raised(NULL out)", c_flag_is_raised_null_out, E_INV, "gmmot_interrupt_is_raised",
     "out_raised", -1, NULL},
    {"options_set_progress(NULL)", c_opt_set_progress_null, E_INV, "gmmot_options_set_progress",
     "opts", -1, NULL},
    {"options_set_interrupt(NULL)", c_opt_set_interrupt_null, E_INV, "gmmot_options_set_interrupt",
     "opts", -1, NULL},
    OK_ROW("options_set_progress(fn NULL removes)", c_opt_set_progress_remove,
           "gmmot_options_set_progress"),
    /* options.h */
    {"options_create(NULL)", c_opt_create_null, E_INV, "gmmot_options_create", "out", -1, NULL},
    {"options_clone(NULL src)", c_opt_clone_null_src, E_INV, "gmmot_options_clone", "src", -1,
     NULL},
    {"options_clone(NULL out)", c_opt_clone_null_out, E_INV, "gmmot_options_clone", "out", -1,
     NULL},
    OK_ROW("options_destroy(NULL)", c_opt_destroy_null, "gmmot_options_destroy"),
    {"set_int(NULL)", c_opt_set_int_null, E_INV, "gmmot_options_set_int", "opts", -1, NULL},
    {"set_int(unknown key)", c_opt_set_int_key, E_INV, "gmmot_options_set_int", "key", -1, "99999"},
    {"set_int(double key)", c_opt_set_int_type, E_INV, "gmmot_options_set_int",
     "GMMOT_OPT_EM_TOLERANCE", -1, NULL},
    {"set_int(threads 1025)", c_opt_set_int_bounds, E_INV, "gmmot_options_set_int",
     "GMMOT_OPT_NUM_THREADS", -1, "1024"},
    {"set_int(K -1)", c_opt_set_int_negative, E_INV, "gmmot_options_set_int",
     "GMMOT_OPT_EM_COMPONENTS", -1, NULL},
    {"set_int(seed -1)", c_opt_set_int_seed_negative, E_INV, "gmmot_options_set_int",
     "GMMOT_OPT_SEED", -1, NULL},
    {"set_int(seed 2^53 + 1)", c_opt_set_int_seed_big, E_INV, "gmmot_options_set_int",
     "GMMOT_OPT_SEED", -1, NULL},
    {"set_int(405, GMMOT_OPT_EM_SEED before 0.2)", c_opt_set_int_old_seed, E_INV,
     "gmmot_options_set_int", "key", -1, "405"},
    {"set_double(NULL)", c_opt_set_double_null, E_INV, "gmmot_options_set_double", "opts", -1,
     NULL},
    {"set_double(NaN)", c_opt_set_double_nan, E_INV, "gmmot_options_set_double",
     "GMMOT_OPT_EM_TOLERANCE", -1, NULL},
    {"set_double(Inf)", c_opt_set_double_inf, E_INV, "gmmot_options_set_double",
     "GMMOT_OPT_ENTROPIC_EPSILON", -1, NULL},
    {"set_double(int key)", c_opt_set_double_type, E_INV, "gmmot_options_set_double",
     "GMMOT_OPT_NUM_THREADS", -1, NULL},
    OK_ROW("set_double(subnormal tolerance)", c_opt_set_double_subnormal,
           "gmmot_options_set_double"),
    OK_ROW("set_double(-0 tolerance)", c_opt_set_double_negzero, "gmmot_options_set_double"),
    {"get_int(NULL out_value)", c_opt_get_int_null_out, E_INV, "gmmot_options_get_int", "out_value",
     -1, NULL},
    {"get_int(NULL opts)", c_opt_get_int_null, E_INV, "gmmot_options_get_int", "opts", -1, NULL},
    {"get_int(unknown key)", c_opt_get_int_key, E_INV, "gmmot_options_get_int", "key", -1, "-5"},
    {"get_double(NULL out_value)", c_opt_get_double_null_out, E_INV, "gmmot_options_get_double",
     "out_value", -1, NULL},
    {"get_double(int key)", c_opt_get_double_type, E_INV, "gmmot_options_get_double",
     "GMMOT_OPT_NUM_THREADS", -1, NULL},
    {"option_bounds(unknown key)", c_opt_bounds_key, E_INV, "gmmot_options_bounds", "key", -1,
     "77"},
    /* gmm.h */
    {"gmm_create(NULL weights)", c_gmm_create_null_w, E_INV, "gmmot_gmm_create", "weights", -1,
     NULL},
    {"gmm_create(NULL means)", c_gmm_create_null_m, E_INV, "gmmot_gmm_create", "means", -1, NULL},
    {"gmm_create(NULL covs)", c_gmm_create_null_c, E_INV, "gmmot_gmm_create", "covs", -1, NULL},
    {"gmm_create(NULL out)", c_gmm_create_null_out, E_INV, "gmmot_gmm_create", "out", -1, NULL},
    {"gmm_create(K = 0)", c_gmm_create_k0, GMMOT_E_DIMENSION, "gmmot_gmm_create", "k", -1, NULL},
    {"gmm_create(d = 0)", c_gmm_create_d0, GMMOT_E_DIMENSION, "gmmot_gmm_create", "d", -1, NULL},
    {"gmm_create(K*d*d overflows)", c_gmm_create_kdd_overflow, GMMOT_E_TOO_LARGE,
     "gmmot_gmm_create", "K", -1, NULL},
    {"gmm_create(d huge)", c_gmm_create_d_huge, GMMOT_E_TOO_LARGE, "gmmot_gmm_create", "d", -1,
     NULL},
    {"gmm_create(NaN weight)", c_gmm_create_nan_w, GMMOT_E_NONFINITE, "gmmot_gmm_create", "weights",
     1, NULL},
    {"gmm_create(-Inf mean)", c_gmm_create_inf_m, GMMOT_E_NONFINITE, "gmmot_gmm_create", "means", 1,
     "[1][1]"},
    {"gmm_create(NaN cov)", c_gmm_create_nan_c, GMMOT_E_NONFINITE, "gmmot_gmm_create", "covs", 1,
     NULL},
    {"gmm_create(negative weight)", c_gmm_create_neg_w, GMMOT_E_WEIGHTS, "gmmot_gmm_create",
     "weights", 0, NULL},
    {"gmm_create(zero weights)", c_gmm_create_zero_w, GMMOT_E_WEIGHTS, "gmmot_gmm_create",
     "weights", -1, "zero"},
    {"gmm_create(weights off by 1e-7)", c_gmm_create_w_off_1e7, GMMOT_E_WEIGHTS, "gmmot_gmm_create",
     "weights", -1, "sum"},
    OK_ROW("gmm_create(weights off by 1e-9)", c_gmm_create_w_off_1e9, "gmmot_gmm_create"),
    OK_ROW("gmm_create(weight -0.0)", c_gmm_create_negzero_w, "gmmot_gmm_create"),
    OK_ROW("gmm_create(asymmetric by one ulp)", c_gmm_create_asym_ulp, "gmmot_gmm_create"),
    {"gmm_create(asymmetric by 1e-9)", c_gmm_create_asym_1e9, GMMOT_W_SYMMETRIZED,
     "gmmot_gmm_create", "covs", 0, NULL},
    {"gmm_create(asymmetric by 1e-6)", c_gmm_create_asym_1e6, GMMOT_E_NOT_SYMMETRIC,
     "gmmot_gmm_create", "covs", 1, NULL},
    {"gmm_create(not PSD)", c_gmm_create_not_psd, GMMOT_E_NOT_PSD, "gmmot_gmm_create", "covs", 1,
     NULL},
    OK_ROW("gmm_create(cov 1e300 I)", c_gmm_create_cov_1e300, "gmmot_gmm_create"),
    OK_ROW("gmm_create(cov 1e-300 I)", c_gmm_create_cov_1em300, "gmmot_gmm_create"),
    OK_ROW("gmm_create(subnormal entries)", c_gmm_create_subnormal, "gmmot_gmm_create"),
    OK_ROW("gmm_create(-0.0 entries)", c_gmm_create_negzero, "gmmot_gmm_create"),
    OK_ROW("gmm_destroy(NULL)", c_gmm_destroy_null, "gmmot_gmm_destroy"),
    OK_ROW("gmm_ncomponents(NULL) = 0", c_gmm_ncomp_null, "gmmot_gmm_ncomponents"),
    OK_ROW("gmm_dim(NULL) = 0", c_gmm_dim_null, "gmmot_gmm_dim"),
    {"copy_weights(NULL gmm)", c_gmm_weights_null, E_INV, "gmmot_gmm_copy_weights", "gmm", -1,
     NULL},
    {"copy_weights(NULL out)", c_gmm_weights_null_out, E_INV, "gmmot_gmm_copy_weights", "out", -1,
     NULL},
    {"copy_weights(K - 1)", c_gmm_weights_short, E_BUF, "gmmot_gmm_copy_weights", "out_len", -1,
     NULL},
    {"copy_means(K*d - 1)", c_gmm_means_short, E_BUF, "gmmot_gmm_copy_means", "out_len", -1, NULL},
    {"copy_means(NULL gmm)", c_gmm_means_null, E_INV, "gmmot_gmm_copy_means", "gmm", -1, NULL},
    {"copy_covariances(K*d*d - 1)", c_gmm_covs_short, E_BUF, "gmmot_gmm_copy_covariances",
     "out_len", -1, NULL},
    {"copy_covariances(NULL out)", c_gmm_covs_null_out, E_INV, "gmmot_gmm_copy_covariances", "out",
     -1, NULL},
    {"log_density(NULL gmm)", c_dens_null, E_INV, "gmmot_gmm_log_density", "gmm", -1, NULL},
    {"log_density(NULL points)", c_dens_null_points, E_INV, "gmmot_gmm_log_density", "points", -1,
     NULL},
    {"log_density(NULL out)", c_dens_null_out, E_INV, "gmmot_gmm_log_density", "out", -1, NULL},
    {"log_density(n*d overflows)", c_dens_nd_overflow, GMMOT_E_TOO_LARGE, "gmmot_gmm_log_density",
     "n", -1, NULL},
    {"log_density(n - 1)", c_dens_short, E_BUF, "gmmot_gmm_log_density", "out_len", -1, NULL},
    {"log_density(NaN point)", c_dens_nan, GMMOT_E_NONFINITE, "gmmot_gmm_log_density", "points", 2,
     "[2][1]"},
    OK_ROW("log_density(n = 0, NULL)", c_dens_n0, "gmmot_gmm_log_density"),
    OK_ROW("log_density(1e+-300, subnormal, -0)", c_dens_extreme, "gmmot_gmm_log_density"),
    {"sample(NULL gmm)", c_sample_null, E_INV, "gmmot_gmm_sample", "gmm", -1, NULL},
    {"sample(NULL out_points)", c_sample_null_out, E_INV, "gmmot_gmm_sample", "out_points", -1,
     NULL},
    {"sample(n*d overflows)", c_sample_nd_overflow, GMMOT_E_TOO_LARGE, "gmmot_gmm_sample", "n", -1,
     NULL},
    {"sample(n*d - 1)", c_sample_short, E_BUF, "gmmot_gmm_sample", "points_len", -1, NULL},
    {"sample(labels n - 1)", c_sample_labels_short, E_BUF, "gmmot_gmm_sample", "labels_len", -1,
     NULL},
    OK_ROW("sample(n = 0, NULL)", c_sample_n0, "gmmot_gmm_sample"),
    /* gaussian.h */
    {"w2sq(NULL m0)", c_w2_null_m0, E_INV, "gmmot_gaussian_w2_squared", "m0", -1, NULL},
    {"w2sq(NULL s1)", c_w2_null_s1, E_INV, "gmmot_gaussian_w2_squared", "s1", -1, NULL},
    {"w2sq(NULL out)", c_w2_null_out, E_INV, "gmmot_gaussian_w2_squared", "out_w2sq", -1, NULL},
    {"w2sq(d = 0)", c_w2_d0, GMMOT_E_DIMENSION, "gmmot_gaussian_w2_squared", "d", -1, NULL},
    {"w2sq(d huge)", c_w2_d_huge, GMMOT_E_TOO_LARGE, "gmmot_gaussian_w2_squared", "d", -1, NULL},
    {"w2sq(NaN m1)", c_w2_nan_m1, GMMOT_E_NONFINITE, "gmmot_gaussian_w2_squared", "m1", 1, NULL},
    {"w2sq(Inf s0)", c_w2_inf_s0, GMMOT_E_NONFINITE, "gmmot_gaussian_w2_squared", "s0", -1,
     "(1,1)"},
    {"w2sq(asymmetric s1)", c_w2_asym, GMMOT_E_NOT_SYMMETRIC, "gmmot_gaussian_w2_squared", "s1", -1,
     NULL},
    OK_ROW("w2sq(asymmetric by one ulp)", c_w2_asym_ulp, "gmmot_gaussian_w2_squared"),
    {"w2sq(not PSD)", c_w2_not_psd, GMMOT_E_NOT_PSD, "gmmot_gaussian_w2_squared", "s0", -1, NULL},
    {"w2sq(overflow)", c_w2_overflow, GMMOT_E_OVERFLOW, "gmmot_gaussian_w2_squared", NULL, -1,
     NULL},
    OK_ROW("w2sq(1e300 I vs 1e-300 I)", c_w2_scales, "gmmot_gaussian_w2_squared"),
    OK_ROW("w2sq(subnormal, -0)", c_w2_subnormal, "gmmot_gaussian_w2_squared"),
    {"monge_map(NULL out_a)", c_mm_null_a, E_INV, "gmmot_gaussian_monge_map", "out_a", -1, NULL},
    {"monge_map(NULL out_b)", c_mm_null_b, E_INV, "gmmot_gaussian_monge_map", "out_b", -1, NULL},
    {"monge_map(a_len d*d - 1)", c_mm_a_short, E_BUF, "gmmot_gaussian_monge_map", "a_len", -1,
     NULL},
    {"monge_map(b_len d - 1)", c_mm_b_short, E_BUF, "gmmot_gaussian_monge_map", "b_len", -1, NULL},
    {"monge_map(d = 0)", c_mm_d0, GMMOT_E_DIMENSION, "gmmot_gaussian_monge_map", "d", -1, NULL},
    {"monge_map(d huge)", c_mm_d_huge, GMMOT_E_TOO_LARGE, "gmmot_gaussian_monge_map", "d", -1,
     NULL},
    {"monge_map(NaN s1)", c_mm_nan_s1, GMMOT_E_NONFINITE, "gmmot_gaussian_monge_map", "s1", -1,
     "(1,0)"},
    {"monge_map(no map)", c_mm_no_map, GMMOT_E_NO_MAP, "gmmot_gaussian_monge_map", NULL, -1, NULL},
    {"monge_map(b overflows)", c_mm_b_overflow, GMMOT_E_OVERFLOW, "gmmot_gaussian_monge_map", "b",
     0, NULL},
    OK_ROW("monge_map(1e-300 I to 1e300 I)", c_mm_scales, "gmmot_gaussian_monge_map"),
    {"geodesic(NULL out_mean)", c_geo_null_mean, E_INV, "gmmot_gaussian_geodesic", "out_mean", -1,
     NULL},
    {"geodesic(t NaN)", c_geo_t_nan, E_INV, "gmmot_gaussian_geodesic", "t", -1, NULL},
    {"geodesic(t 1.5)", c_geo_t_big, E_INV, "gmmot_gaussian_geodesic", "t", -1, NULL},
    OK_ROW("geodesic(t -0.0)", c_geo_t_negzero, "gmmot_gaussian_geodesic"),
    {"geodesic(mean_len d - 1)", c_geo_mean_short, E_BUF, "gmmot_gaussian_geodesic", "mean_len", -1,
     NULL},
    {"geodesic(cov_len d*d - 1)", c_geo_cov_short, E_BUF, "gmmot_gaussian_geodesic", "cov_len", -1,
     NULL},
    {"geodesic(d = 0)", c_geo_d0, GMMOT_E_DIMENSION, "gmmot_gaussian_geodesic", "d", -1, NULL},
    {"geodesic(Inf m0)", c_geo_inf_m0, GMMOT_E_NONFINITE, "gmmot_gaussian_geodesic", "m0", 0, NULL},
    {"barycenter(J = 0)", c_bary_j0, GMMOT_E_DIMENSION, "gmmot_gaussian_barycenter", "j", -1, NULL},
    {"barycenter(NULL weights)", c_bary_null_w, E_INV, "gmmot_gaussian_barycenter", "weights", -1,
     NULL},
    {"barycenter(NULL out_mean)", c_bary_null_mean, E_INV, "gmmot_gaussian_barycenter", "out_mean",
     -1, NULL},
    {"barycenter(J*d*d overflows)", c_bary_jdd_overflow, GMMOT_E_TOO_LARGE,
     "gmmot_gaussian_barycenter", "J", -1, NULL},
    {"barycenter(weights off by 1e-7)", c_bary_w_off, GMMOT_E_WEIGHTS, "gmmot_gaussian_barycenter",
     "weights", -1, NULL},
    OK_ROW("barycenter(weights off by 1e-9)", c_bary_w_off_1e9, "gmmot_gaussian_barycenter"),
    {"barycenter(negative weight)", c_bary_neg_w, GMMOT_E_WEIGHTS, "gmmot_gaussian_barycenter",
     "weights", 1, NULL},
    {"barycenter(NaN mean)", c_bary_nan_m, GMMOT_E_NONFINITE, "gmmot_gaussian_barycenter", "means",
     1, "[1][0]"},
    {"barycenter(asymmetric cov)", c_bary_asym_c, GMMOT_E_NOT_SYMMETRIC,
     "gmmot_gaussian_barycenter", "covs", 1, NULL},
    {"barycenter(cov_len d*d - 1)", c_bary_cov_short, E_BUF, "gmmot_gaussian_barycenter", "cov_len",
     -1, NULL},
    {"multimarginal(J = 0)", c_mmc_j0, GMMOT_E_DIMENSION, "gmmot_gaussian_multimarginal_cost", "j",
     -1, NULL},
    {"multimarginal(NULL out)", c_mmc_null_out, E_INV, "gmmot_gaussian_multimarginal_cost",
     "out_cost", -1, NULL},
    {"multimarginal(d = 0)", c_mmc_d0, GMMOT_E_DIMENSION, "gmmot_gaussian_multimarginal_cost", "d",
     -1, NULL},
    {"multimarginal(Inf weight)", c_mmc_inf_w, GMMOT_E_NONFINITE,
     "gmmot_gaussian_multimarginal_cost", "weights", 1, NULL},
    {"multimarginal(not PSD)", c_mmc_not_psd, GMMOT_E_NOT_PSD, "gmmot_gaussian_multimarginal_cost",
     "covs", 0, NULL},
    {"cost_matrix(NULL g0)", c_cm_null0, E_INV, "gmmot_w2_cost_matrix", "g0", -1, NULL},
    {"cost_matrix(NULL g1)", c_cm_null1, E_INV, "gmmot_w2_cost_matrix", "g1", -1, NULL},
    {"cost_matrix(NULL out)", c_cm_null_out, E_INV, "gmmot_w2_cost_matrix", "out", -1, NULL},
    {"cost_matrix(dimensions differ)", c_cm_dims, GMMOT_E_DIMENSION, "gmmot_w2_cost_matrix", "g1",
     -1, NULL},
    {"cost_matrix(K0*K1 - 1)", c_cm_short, E_BUF, "gmmot_w2_cost_matrix", "out_len", -1, NULL},
    /* transport.h */
    {"solve(NULL a)", c_ts_null_a, E_INV, "gmmot_transport_solve", "a", -1, NULL},
    {"solve(NULL b)", c_ts_null_b, E_INV, "gmmot_transport_solve", "b", -1, NULL},
    {"solve(NULL cost)", c_ts_null_cost, E_INV, "gmmot_transport_solve", "cost", -1, NULL},
    {"solve(NULL out)", c_ts_null_out, E_INV, "gmmot_transport_solve", "out", -1, NULL},
    {"solve(k0 = 0)", c_ts_k0, GMMOT_E_DIMENSION, "gmmot_transport_solve", "a", -1, NULL},
    {"solve(k1 = 0)", c_ts_k1, GMMOT_E_DIMENSION, "gmmot_transport_solve", "b", -1, NULL},
    {"solve(k0*k1 overflows)", c_ts_overflow, GMMOT_E_TOO_LARGE, "gmmot_transport_solve", "K0", -1,
     NULL},
    {"solve(NaN cost)", c_ts_nan_cost, GMMOT_E_NONFINITE, "gmmot_transport_solve", "cost", 1,
     "[1][2]"},
    {"solve(Inf b)", c_ts_inf_b, GMMOT_E_NONFINITE, "gmmot_transport_solve", "b", 1, NULL},
    {"solve(negative a)", c_ts_neg_a, GMMOT_E_WEIGHTS, "gmmot_transport_solve", "a", 1, NULL},
    {"solve(a all zero, -0.0)", c_ts_zero_a, GMMOT_E_WEIGHTS, "gmmot_transport_solve", "a", -1,
     "zero"},
    {"solve(masses differ by 1e-7)", c_ts_mass, GMMOT_E_WEIGHTS, "gmmot_transport_solve", "a|b", -1,
     NULL},
    OK_ROW("solve(masses differ by 1e-9)", c_ts_mass_1e9, "gmmot_transport_solve"),
    OK_ROW("solve(costs 1e+-300, subnormal, -0)", c_ts_extreme_costs, "gmmot_transport_solve"),
    {"solve(total overflows)", c_ts_overflow_total, GMMOT_E_OVERFLOW, "gmmot_transport_solve",
     "cost", -1, NULL},
    {"solve_warm(NULL u0)", c_tw_null_u, E_INV, "gmmot_transport_solve_warm", "u0", -1, NULL},
    {"solve_warm(NULL v0)", c_tw_null_v, E_INV, "gmmot_transport_solve_warm", "v0", -1, NULL},
    {"solve_warm(NaN v0)", c_tw_nan_v, GMMOT_E_NONFINITE, "gmmot_transport_solve_warm", "v0", 1,
     NULL},
    {"solve_warm(k0 = 0)", c_tw_k0, GMMOT_E_DIMENSION, "gmmot_transport_solve_warm", "a", -1, NULL},
    {"solve_warm(-Inf u0)", c_tw_inf_u, GMMOT_E_NONFINITE, "gmmot_transport_solve_warm", "u0", 0,
     NULL},
    OK_ROW("transport_destroy(NULL)", c_t_destroy_null, "gmmot_transport_destroy"),
    OK_ROW("transport_rows/cols/nnz(NULL) = 0", c_t_shape_null, "gmmot_transport_rows"),
    {"transport_cost(NULL t)", c_t_cost_null, E_INV, "gmmot_transport_cost", "t", -1, NULL},
    {"transport_cost(NULL out)", c_t_cost_null_out, E_INV, "gmmot_transport_cost", "out_cost", -1,
     NULL},
    {"copy_plan(NULL t)", c_t_plan_null, E_INV, "gmmot_transport_copy_plan", "t", -1, NULL},
    {"copy_plan(NULL out)", c_t_plan_null_out, E_INV, "gmmot_transport_copy_plan", "out", -1, NULL},
    {"copy_plan(K0*K1 - 1)", c_t_plan_short, E_BUF, "gmmot_transport_copy_plan", "out_len", -1,
     NULL},
    {"copy_sparse_plan(NULL t)", c_t_sparse_null, E_INV, "gmmot_transport_copy_sparse_plan", "t",
     -1, NULL},
    {"copy_sparse_plan(nnz - 1)", c_t_sparse_short, E_BUF, "gmmot_transport_copy_sparse_plan",
     "triplets_len", -1, NULL},
    {"copy_duals(NULL t)", c_t_duals_null, E_INV, "gmmot_transport_copy_duals", "t", -1, NULL},
    {"copy_duals(u_len K0 - 1)", c_t_duals_u_short, E_BUF, "gmmot_transport_copy_duals", "u_len",
     -1, NULL},
    {"copy_duals(v_len K1 - 1)", c_t_duals_v_short, E_BUF, "gmmot_transport_copy_duals", "v_len",
     -1, NULL},
    {"transport_info(NULL t)", c_t_info_null, E_INV, "gmmot_transport_info", "t", -1, NULL},
    /* mw2.h */
    {"mw2_create(NULL g0)", c_mw2_create_null0, E_INV, "gmmot_mw2_create", "g0", -1, NULL},
    {"mw2_create(NULL g1)", c_mw2_create_null1, E_INV, "gmmot_mw2_create", "g1", -1, NULL},
    {"mw2_create(NULL out)", c_mw2_create_null_out, E_INV, "gmmot_mw2_create", "out", -1, NULL},
    {"mw2_create(dimensions differ)", c_mw2_create_dims, GMMOT_E_DIMENSION, "gmmot_mw2_create",
     "g1", -1, NULL},
    OK_ROW("mw2_destroy(NULL)", c_mw2_destroy_null, "gmmot_mw2_destroy"),
    {"mw2_squared(NULL out)", c_mw2_sq_null_out, E_INV, "gmmot_mw2_squared", "out_mw2sq", -1, NULL},
    {"mw2_squared(NULL g0)", c_mw2_sq_null0, E_INV, "gmmot_mw2_squared", "g0", -1, NULL},
    {"mw2_squared(dimensions differ)", c_mw2_sq_dims, GMMOT_E_DIMENSION, "gmmot_mw2_squared", "g0",
     -1, NULL},
    {"mw2_distance(NULL p)", c_mw2_dist_null, E_INV, "gmmot_mw2_distance", "p", -1, NULL},
    {"mw2_distance(both outputs NULL)", c_mw2_dist_both_null, E_INV, "gmmot_mw2_distance",
     "out_mw2sq", -1, NULL},
    OK_ROW("mw2_rows/cols/dim/nnz(NULL) = 0", c_mw2_shape_null, "gmmot_mw2_rows"),
    {"mw2_copy_cost_matrix(NULL p)", c_mw2_cost_null, E_INV, "gmmot_mw2_copy_cost_matrix", "p", -1,
     NULL},
    {"mw2_copy_cost_matrix(NULL out)", c_mw2_cost_null_out, E_INV, "gmmot_mw2_copy_cost_matrix",
     "out", -1, NULL},
    {"mw2_copy_cost_matrix(K0*K1 - 1)", c_mw2_cost_short, E_BUF, "gmmot_mw2_copy_cost_matrix",
     "out_len", -1, NULL},
    {"mw2_copy_plan(NULL p)", c_mw2_plan_null, E_INV, "gmmot_mw2_copy_plan", "p", -1, NULL},
    {"mw2_copy_plan(K0*K1 - 1)", c_mw2_plan_short, E_BUF, "gmmot_mw2_copy_plan", "out_len", -1,
     NULL},
    {"mw2_copy_sparse_plan(NULL p)", c_mw2_sparse_null, E_INV, "gmmot_mw2_copy_sparse_plan", "p",
     -1, NULL},
    {"mw2_copy_sparse_plan(nnz - 1)", c_mw2_sparse_short, E_BUF, "gmmot_mw2_copy_sparse_plan",
     "triplets_len", -1, NULL},
    {"mw2_copy_duals(NULL p)", c_mw2_duals_null, E_INV, "gmmot_mw2_copy_duals", "p", -1, NULL},
    {"mw2_copy_duals(u_len K0 - 1)", c_mw2_duals_short, E_BUF, "gmmot_mw2_copy_duals", "u_len", -1,
     NULL},
    {"mw2_info(NULL p)", c_mw2_info_null, E_INV, "gmmot_mw2_info", "p", -1, NULL},
    {"mw2_copy_duals(given plan)", c_mw2_given_duals, E_INV, "gmmot_mw2_copy_duals", "p", -1,
     "no dual potentials"},
    OK_ROW("mw2_info(given plan)", c_mw2_given_info, "gmmot_mw2_info"),
    {"mw2_create_from_points(NULL out)", c_mw2_pts_null_out, E_INV, "gmmot_mw2_create_from_points",
     "out", -1, NULL},
    {"mw2_create_from_points(NULL points0)", c_mw2_pts_null0, E_INV, "gmmot_mw2_create_from_points",
     "points0", -1, NULL},
    {"mw2_create_from_points(NULL points1)", c_mw2_pts_null1, E_INV, "gmmot_mw2_create_from_points",
     "points1", -1, NULL},
    {"mw2_create_from_points(n1 = 0)", c_mw2_pts_n1_zero, GMMOT_E_DIMENSION,
     "gmmot_mw2_create_from_points", "points1", -1, NULL},
    {"mw2_create_from_points(d = 0)", c_mw2_pts_d0, GMMOT_E_DIMENSION,
     "gmmot_mw2_create_from_points", "points0", -1, NULL},
    {"mw2_create_from_points(n*d overflows)", c_mw2_pts_overflow, GMMOT_E_TOO_LARGE,
     "gmmot_mw2_create_from_points", NULL, -1, NULL},
    {"mw2_create_from_points(NaN in points1)", c_mw2_pts_nan1, GMMOT_E_NONFINITE,
     "gmmot_mw2_create_from_points", "points1", 13, "[13][1]"},
    {"mw2_create_from_points(negative weights0)", c_mw2_pts_neg_w0, GMMOT_E_WEIGHTS,
     "gmmot_mw2_create_from_points", "weights0", 7, NULL},
    {"mw2_create_from_points(infinite weights1)", c_mw2_pts_inf_w1, GMMOT_E_NONFINITE,
     "gmmot_mw2_create_from_points", "weights1", 4, NULL},
    {"mw2_create_from_points(weights1 all 0)", c_mw2_pts_zero_w1, GMMOT_E_WEIGHTS,
     "gmmot_mw2_create_from_points", "weights1", -1, NULL},
    OK_ROW("mw2_create_from_points(valid)", c_mw2_pts_ok, "gmmot_mw2_create_from_points"),
    {"relaxed_plan(NULL r)", c_relaxed_plan_null, E_INV, "gmmot_relaxed_plan", "r", -1, NULL},
    {"relaxed_plan(NULL out)", c_relaxed_plan_null_out, E_INV, "gmmot_relaxed_plan", "out", -1,
     NULL},
    OK_ROW("relaxed_plan(valid)", c_relaxed_plan_ok, "gmmot_relaxed_plan"),
    {"mw2_coupling(NULL p)", c_mw2_coupling_null, E_INV, "gmmot_mw2_coupling", "p", -1, NULL},
    {"mw2_coupling(NULL out)", c_mw2_coupling_null_out, E_INV, "gmmot_mw2_coupling", "out", -1,
     NULL},
    {"mw2_geodesic(NULL p)", c_mw2_geo_null, E_INV, "gmmot_mw2_geodesic", "p", -1, NULL},
    {"mw2_geodesic(NULL out)", c_mw2_geo_null_out, E_INV, "gmmot_mw2_geodesic", "out", -1, NULL},
    {"mw2_geodesic(t -1e-300)", c_mw2_geo_t_neg, E_INV, "gmmot_mw2_geodesic", "t", -1, NULL},
    {"mw2_geodesic(t NaN)", c_mw2_geo_t_nan, E_INV, "gmmot_mw2_geodesic", "t", -1, NULL},
    OK_ROW("mw2_geodesic(t -0.0)", c_mw2_geo_t_negzero, "gmmot_mw2_geodesic"),
    {"mw2_copy_pair_maps(NULL p)", c_mw2_maps_null, E_INV, "gmmot_mw2_copy_pair_maps", "p", -1,
     NULL},
    {"mw2_copy_pair_maps(NULL out_a)", c_mw2_maps_null_a, E_INV, "gmmot_mw2_copy_pair_maps",
     "out_a", -1, NULL},
    {"mw2_copy_pair_maps(a_len - 1)", c_mw2_maps_a_short, E_BUF, "gmmot_mw2_copy_pair_maps",
     "a_len", -1, NULL},
    {"mw2_copy_pair_maps(b_len - 1)", c_mw2_maps_b_short, E_BUF, "gmmot_mw2_copy_pair_maps",
     "b_len", -1, NULL},
    /* maps.h */
    {"map_mean(NULL p)", c_mean_null, E_INV, "gmmot_mw2_map_mean", "p", -1, NULL},
    {"map_mean(NULL x)", c_mean_null_x, E_INV, "gmmot_mw2_map_mean", "x", -1, NULL},
    {"map_mean(NULL out)", c_mean_null_out, E_INV, "gmmot_mw2_map_mean", "out", -1, NULL},
    {"map_mean(n*d overflows)", c_mean_overflow, GMMOT_E_TOO_LARGE, "gmmot_mw2_map_mean", "n", -1,
     NULL},
    {"map_mean(n*d - 1)", c_mean_short, E_BUF, "gmmot_mw2_map_mean", "out_len", -1, NULL},
    {"map_mean(NaN x)", c_mean_nan, GMMOT_E_NONFINITE, "gmmot_mw2_map_mean", "x", 1, "[1][0]"},
    {"map_mean(x and out overlap)", c_mean_overlap, E_INV, "gmmot_mw2_map_mean", "x", -1,
     "overlap"},
    OK_ROW("map_mean(n = 0, NULL)", c_mean_n0, "gmmot_mw2_map_mean"),
    OK_ROW("map_mean(subnormal, -0, 1e-300, 1e30)", c_mean_extreme, "gmmot_mw2_map_mean"),
    {"map_mean(|x| beyond DBL_MAX / 4)", c_mean_huge_x, GMMOT_E_OVERFLOW, "gmmot_mw2_map_mean", "x",
     -1, NULL},
    {"map_rand(NULL p)", c_rand_null, E_INV, "gmmot_mw2_map_rand", "p", -1, NULL},
    {"map_rand(NULL x)", c_rand_null_x, E_INV, "gmmot_mw2_map_rand", "x", -1, NULL},
    {"map_rand(n*d overflows)", c_rand_overflow, GMMOT_E_TOO_LARGE, "gmmot_mw2_map_rand", "n", -1,
     NULL},
    {"map_rand(n*d - 1)", c_rand_short, E_BUF, "gmmot_mw2_map_rand", "out_len", -1, NULL},
    {"map_rand(-Inf x)", c_rand_inf, GMMOT_E_NONFINITE, "gmmot_mw2_map_rand", "x", 1, "[1][1]"},
    {"map_rand(x and out overlap)", c_rand_overlap, E_INV, "gmmot_mw2_map_rand", "x", -1,
     "overlap"},
    /* em.h */
    {"em_create(NULL out)", c_em_create_null, E_INV, "gmmot_em_create", "out", -1, NULL},
    OK_ROW("em_destroy(NULL)", c_em_destroy_null, "gmmot_em_destroy"),
    {"em_fit(NULL em)", c_em_fit_null_em, E_INV, "gmmot_em_fit", "em", -1, NULL},
    {"em_fit(NULL points)", c_em_fit_null_points, E_INV, "gmmot_em_fit", "points", -1, NULL},
    {"em_fit(NULL out)", c_em_fit_null_out, E_INV, "gmmot_em_fit", "out", -1, NULL},
    {"em_fit(n = 0)", c_em_fit_n0, GMMOT_E_DIMENSION, "gmmot_em_fit", "n", -1, NULL},
    {"em_fit(d = 0)", c_em_fit_d0, GMMOT_E_DIMENSION, "gmmot_em_fit", "d", -1, NULL},
    {"em_fit(n*d overflows)", c_em_fit_overflow, GMMOT_E_TOO_LARGE, "gmmot_em_fit", "d|n", -1,
     NULL},
    {"em_fit(NaN point)", c_em_fit_nan, GMMOT_E_NONFINITE, "gmmot_em_fit", "points", 13, "[13][1]"},
    {"em_fit(negative weight)", c_em_fit_neg_w, GMMOT_E_WEIGHTS, "gmmot_em_fit", "weights", 7,
     NULL},
    {"em_fit(Inf weight)", c_em_fit_inf_w, GMMOT_E_NONFINITE, "gmmot_em_fit", "weights", 3, NULL},
    {"em_fit(weights all +-0)", c_em_fit_zero_w, GMMOT_E_WEIGHTS, "gmmot_em_fit", "weights", -1,
     "zero"},
    {"em_fit(K > n, K*d*d > 2^22)", c_em_fit_k_beyond_n, E_INV, "gmmot_em_fit", "K", -1, "n = 20"},
    {"em_info(NULL em)", c_em_info_null, E_INV, "gmmot_em_info", "em", -1, NULL},
    {"em_info(no fit yet)", c_em_info_nofit, E_INV, "gmmot_em_info", "em", -1, "no fit"},
    {"em_work(NULL em)", c_em_work_null, E_INV, "gmmot_em_work", "em", -1, NULL},
    {"em_work(no fit yet)", c_em_work_nofit, E_INV, "gmmot_em_work", "em", -1, "no fit"},
    /* barycenter.h */
    {"mw2_barycenter_exact(NULL gmms)", c_mb_exact_null_gmms, E_INV, "gmmot_mw2_barycenter_exact",
     "gmms", -1, NULL},
    {"mw2_barycenter_exact(NULL gmms[1])", c_mb_exact_null_gmms1, E_INV,
     "gmmot_mw2_barycenter_exact", "gmms", 1, NULL},
    {"mw2_barycenter_exact(j = 0)", c_mb_exact_j0, GMMOT_E_DIMENSION, "gmmot_mw2_barycenter_exact",
     "j", -1, NULL},
    {"mw2_barycenter_exact(NULL lambda)", c_mb_exact_null_lambda, E_INV,
     "gmmot_mw2_barycenter_exact", "lambda", -1, NULL},
    {"mw2_barycenter_exact(NULL out)", c_mb_exact_null_out, E_INV, "gmmot_mw2_barycenter_exact",
     "out", -1, NULL},
    {"mw2_barycenter_exact(lambda_len < j)", c_mb_exact_lambda_len, E_INV,
     "gmmot_mw2_barycenter_exact", "lambda_len", -1, NULL},
    {"mw2_barycenter_exact(negative lambda)", c_mb_exact_lambda_neg, GMMOT_E_WEIGHTS,
     "gmmot_mw2_barycenter_exact", "lambda", 1, NULL},
    {"mw2_barycenter_exact(lambda sums to 1 + 1e-7)", c_mb_exact_lambda_sum, GMMOT_E_WEIGHTS,
     "gmmot_mw2_barycenter_exact", "lambda", -1, NULL},
    OK_ROW("mw2_barycenter_exact(lambda sums to 1 + 1e-9)", c_mb_exact_lambda_off_1e9,
           "gmmot_mw2_barycenter_exact"),
    {"mw2_barycenter_exact(NaN lambda)", c_mb_exact_lambda_nan, GMMOT_E_NONFINITE,
     "gmmot_mw2_barycenter_exact", "lambda", 1, NULL},
    {"mw2_barycenter_exact(lambda all +-0)", c_mb_exact_lambda_zero, GMMOT_E_WEIGHTS,
     "gmmot_mw2_barycenter_exact", "lambda", -1, "zero"},
    {"mw2_barycenter_exact(dimensions differ)", c_mb_exact_dims, GMMOT_E_DIMENSION,
     "gmmot_mw2_barycenter_exact", "gmms", 1, NULL},
    {"mw2_barycenter_exact(prod K_j > GMMOT_OPT_MMOT_MAX_TUPLES)", c_mb_exact_too_large,
     GMMOT_E_TOO_LARGE, "gmmot_mw2_barycenter_exact", NULL, -1, NULL},
    {"mw2_barycenter_fixed_support(NULL means)", c_mb_fs_null_means, E_INV,
     "gmmot_mw2_barycenter_fixed_support", "means", -1, NULL},
    {"mw2_barycenter_fixed_support(NULL covs)", c_mb_fs_null_covs, E_INV,
     "gmmot_mw2_barycenter_fixed_support", "covs", -1, NULL},
    {"mw2_barycenter_fixed_support(NULL gmms[1])", c_mb_fs_null_gmms1, E_INV,
     "gmmot_mw2_barycenter_fixed_support", "gmms", 1, NULL},
    {"mw2_barycenter_fixed_support(n = 0)", c_mb_fs_n0, GMMOT_E_DIMENSION,
     "gmmot_mw2_barycenter_fixed_support", "n", -1, NULL},
    {"mw2_barycenter_fixed_support(means_len n*d - 1)", c_mb_fs_means_short, E_INV,
     "gmmot_mw2_barycenter_fixed_support", "means_len", -1, "n*d"},
    {"mw2_barycenter_fixed_support(covs_len n*d*d - 1)", c_mb_fs_covs_short, E_INV,
     "gmmot_mw2_barycenter_fixed_support", "covs_len", -1, "n*d*d"},
    {"mw2_barycenter_fixed_support(n*d overflows)", c_mb_fs_nd_overflow, GMMOT_E_TOO_LARGE,
     "gmmot_mw2_barycenter_fixed_support", "n", -1, NULL},
    {"mw2_barycenter_fixed_support(dimensions differ)", c_mb_fs_dims, GMMOT_E_DIMENSION,
     "gmmot_mw2_barycenter_fixed_support", "gmms", 1, NULL},
    {"mw2_barycenter_fixed_support(negative lambda)", c_mb_fs_lambda_neg, GMMOT_E_WEIGHTS,
     "gmmot_mw2_barycenter_fixed_support", "lambda", 0, NULL},
    {"mw2_barycenter_fixed_support(NaN mean)", c_mb_fs_nan_mean, GMMOT_E_NONFINITE,
     "gmmot_mw2_barycenter_fixed_support", "means", 1, NULL},
    {"mw2_barycenter_fixed_support(covs[1] not PSD)", c_mb_fs_not_psd, GMMOT_E_NOT_PSD,
     "gmmot_mw2_barycenter_fixed_support", "covs", 1, NULL},
    {"mw2_barycenter_fixed_point(NULL gmms)", c_mb_fp_null_gmms, E_INV,
     "gmmot_mw2_barycenter_fixed_point", "gmms", -1, NULL},
    {"mw2_barycenter_fixed_point(NULL gmms[0])", c_mb_fp_null_gmms0, E_INV,
     "gmmot_mw2_barycenter_fixed_point", "gmms", 0, NULL},
    {"mw2_barycenter_fixed_point(j = 0)", c_mb_fp_j0, GMMOT_E_DIMENSION,
     "gmmot_mw2_barycenter_fixed_point", "j", -1, NULL},
    {"mw2_barycenter_fixed_point(NULL out)", c_mb_fp_null_out, E_INV,
     "gmmot_mw2_barycenter_fixed_point", "out", -1, NULL},
    {"mw2_barycenter_fixed_point(lambda_len < j)", c_mb_fp_lambda_len, E_INV,
     "gmmot_mw2_barycenter_fixed_point", "lambda_len", -1, NULL},
    {"mw2_barycenter_fixed_point(Inf lambda)", c_mb_fp_lambda_inf, GMMOT_E_NONFINITE,
     "gmmot_mw2_barycenter_fixed_point", "lambda", 0, NULL},
    {"mw2_barycenter_fixed_point(dimensions differ)", c_mb_fp_dims, GMMOT_E_DIMENSION,
     "gmmot_mw2_barycenter_fixed_point", "gmms", 1, NULL},
    {"mw2_barycenter_fixed_point(init dimension differs)", c_mb_fp_init_dims, GMMOT_E_DIMENSION,
     "gmmot_mw2_barycenter_fixed_point", "init", -1, NULL},
    {"set_double(MMOT_MAX_TUPLES 0.5)", c_mb_opt_max_tuples, E_INV, "gmmot_options_set_double",
     "GMMOT_OPT_MMOT_MAX_TUPLES", -1, NULL},
    {"set_int(MMOT_MAX_TUPLES, a double key)", c_mb_opt_max_tuples_type, E_INV,
     "gmmot_options_set_int", "GMMOT_OPT_MMOT_MAX_TUPLES", -1, NULL},
    {"set_int(MMOT_MAX_ITERATIONS -1)", c_mb_opt_mmot_iter, E_INV, "gmmot_options_set_int",
     "GMMOT_OPT_MMOT_MAX_ITERATIONS", -1, NULL},
    {"set_int(FIXED_POINT_METHOD 3)", c_mb_opt_method, E_INV, "gmmot_options_set_int",
     "GMMOT_OPT_FIXED_POINT_METHOD", -1, NULL},
    {"set_double(FIXED_POINT_COMPONENTS, an int key)", c_mb_opt_components, E_INV,
     "gmmot_options_set_double", "GMMOT_OPT_FIXED_POINT_COMPONENTS", -1, NULL},
    {"set_double(FIXED_POINT_TOLERANCE 1.5)", c_mb_opt_tol, E_INV, "gmmot_options_set_double",
     "GMMOT_OPT_FIXED_POINT_TOLERANCE", -1, NULL},
    {"set_double(FIXED_POINT_TOLERANCE NaN)", c_mb_opt_tol_nan, E_INV, "gmmot_options_set_double",
     "GMMOT_OPT_FIXED_POINT_TOLERANCE", -1, NULL},
    {"set_int(FIXED_POINT_MAX_ITERATIONS 0)", c_mb_opt_fp_iter, E_INV, "gmmot_options_set_int",
     "GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS", -1, NULL},
    {"set_int(FIXED_POINT_MAX_SUPPORT 0)", c_mb_opt_support, E_INV, "gmmot_options_set_int",
     "GMMOT_OPT_FIXED_POINT_MAX_SUPPORT", -1, NULL},
    OK_ROW("mw2_barycenter_destroy(NULL)", c_mb_destroy_null, "gmmot_mw2_barycenter_destroy"),
    {"mw2_barycenter_gmm(NULL b)", c_mb_gmm_null, E_INV, "gmmot_mw2_barycenter_gmm", "b", -1, NULL},
    {"mw2_barycenter_gmm(NULL out)", c_mb_gmm_null_out, E_INV, "gmmot_mw2_barycenter_gmm", "out",
     -1, NULL},
    {"mw2_barycenter_cost(NULL b)", c_mb_cost_null, E_INV, "gmmot_mw2_barycenter_cost", "b", -1,
     NULL},
    {"mw2_barycenter_cost(NULL out)", c_mb_cost_null_out, E_INV, "gmmot_mw2_barycenter_cost",
     "out_cost", -1, NULL},
    OK_ROW("mw2_barycenter_count/components/plan_nnz/energies_len(NULL or j >= J) = 0",
           c_mb_shape_null, "gmmot_mw2_barycenter_count"),
    {"mw2_barycenter_copy_plan(NULL b)", c_mb_plan_null, E_INV, "gmmot_mw2_barycenter_copy_plan",
     "b", -1, NULL},
    {"mw2_barycenter_copy_plan(j = J)", c_mb_plan_j, E_INV, "gmmot_mw2_barycenter_copy_plan", "j",
     -1, NULL},
    {"mw2_barycenter_copy_plan(j = SIZE_MAX)", c_mb_plan_j_huge, E_INV,
     "gmmot_mw2_barycenter_copy_plan", "j", -1, NULL},
    {"mw2_barycenter_copy_plan(nnz - 1)", c_mb_plan_short, E_BUF, "gmmot_mw2_barycenter_copy_plan",
     "triplets_len", -1, NULL},
    OK_ROW("mw2_barycenter_copy_plan(all outputs NULL)", c_mb_plan_all_null,
           "gmmot_mw2_barycenter_copy_plan"),
    {"mw2_barycenter_copy_tuples(NULL b)", c_mb_tuples_null, E_INV,
     "gmmot_mw2_barycenter_copy_tuples", "b", -1, NULL},
    {"mw2_barycenter_copy_tuples(NULL out)", c_mb_tuples_null_out, E_INV,
     "gmmot_mw2_barycenter_copy_tuples", "out_tuples", -1, NULL},
    {"mw2_barycenter_copy_tuples(n*J - 1)", c_mb_tuples_short, E_BUF,
     "gmmot_mw2_barycenter_copy_tuples", "tuples_len", -1, "n*J"},
    {"mw2_barycenter_copy_tuples(heuristic fixed point)", c_mb_tuples_heuristic, E_INV,
     "gmmot_mw2_barycenter_copy_tuples", "b", -1, "no tuples"},
    {"mw2_barycenter_copy_duals(NULL b)", c_mb_duals_null, E_INV, "gmmot_mw2_barycenter_copy_duals",
     "b", -1, NULL},
    {"mw2_barycenter_copy_duals(NULL out)", c_mb_duals_null_out, E_INV,
     "gmmot_mw2_barycenter_copy_duals", "out", -1, NULL},
    {"mw2_barycenter_copy_duals(sum K_j - 1)", c_mb_duals_short, E_BUF,
     "gmmot_mw2_barycenter_copy_duals", "out_len", -1, NULL},
    {"mw2_barycenter_copy_duals(fixed point)", c_mb_duals_fixed_point, E_INV,
     "gmmot_mw2_barycenter_copy_duals", "b", -1, "no duals"},
    {"mw2_barycenter_certificate(NULL b)", c_mb_cert_null, E_INV,
     "gmmot_mw2_barycenter_certificate", "b", -1, NULL},
    {"mw2_barycenter_certificate(fixed point)", c_mb_cert_fixed_point, E_INV,
     "gmmot_mw2_barycenter_certificate", "b", -1, NULL},
    {"mw2_barycenter_info(NULL b)", c_mb_info_null, E_INV, "gmmot_mw2_barycenter_info", "b", -1,
     NULL},
    {"mw2_barycenter_copy_energies(NULL b)", c_mb_energies_null, E_INV,
     "gmmot_mw2_barycenter_copy_energies", "b", -1, NULL},
    {"mw2_barycenter_copy_energies(NULL out)", c_mb_energies_null_out, E_INV,
     "gmmot_mw2_barycenter_copy_energies", "out", -1, NULL},
    {"mw2_barycenter_copy_energies(out_len 0)", c_mb_energies_short, E_BUF,
     "gmmot_mw2_barycenter_copy_energies", "out_len", -1, NULL},
    /* mew2.h */
    {"ew2_create(n0 = 0)", c_ew2_n0, GMMOT_E_DIMENSION, "gmmot_ew2_create", "points0", -1, NULL},
    {"ew2_create(NaN points1)", c_ew2_nan, GMMOT_E_NONFINITE, "gmmot_ew2_create", "points1", 1,
     NULL},
    {"ew2_create(negative weight)", c_ew2_weight, GMMOT_E_WEIGHTS, "gmmot_ew2_create", "weights1",
     1, NULL},
    {"ew2_create(NULL out)", c_ew2_null_out, E_INV, "gmmot_ew2_create", "out", -1, NULL},
    {"mew2_create(NULL g1)", c_mew2_null1, E_INV, "gmmot_mew2_create", "g1", -1, NULL},
    OK_ROW("mew2_create(dimensions 2 and 3)", c_mew2_dims, "gmmot_mew2_create"),
    {"ew_value(NULL ew)", c_ew_value_null, E_INV, "gmmot_ew_value", "ew", -1, NULL},
    {"ew_copy_plan(out_len 199)", c_ew_plan_short, E_BUF, "gmmot_ew_copy_plan", "out_len", -1,
     NULL},
    {"ew_copy_sparse_plan(all NULL)", c_ew_sparse_null, E_INV, "gmmot_ew_copy_sparse_plan",
     "out_rows", -1, NULL},
    {"ew_copy_isometry(out_len 5)", c_ew_iso_short, E_BUF, "gmmot_ew_copy_isometry", "out_len", -1,
     NULL},
    {"ew_copy_means(both NULL)", c_ew_means_null, E_INV, "gmmot_ew_copy_means", "out_mean0", -1,
     NULL},
    {"ew_info(NULL ew)", c_ew_info_null, E_INV, "gmmot_ew_info", "ew", -1, NULL},
    {"mew2_map_mean(EW2 result)", c_mew2_map_points, E_INV, "gmmot_mew2_map_mean", "ew", -1, NULL},
    {"mew2_map_rand(m < n)", c_mew2_map_no_map, GMMOT_E_NO_MAP, "gmmot_mew2_map_rand", "m", -1,
     NULL},
    {"mew2_map_mean(NULL x)", c_mew2_map_null_x, E_INV, "gmmot_mew2_map_mean", "x", -1, NULL},
    /* gromov.h */
    {"mgw2_create(NULL g0)", c_mgw2_null0, E_INV, "gmmot_mgw2_create", "g0", -1, NULL},
    {"mgw2_create(NULL out)", c_mgw2_null_out, E_INV, "gmmot_mgw2_create", "out", -1, NULL},
    OK_ROW("mgw2_create(dimensions 2 and 3)", c_mgw2_dims, "gmmot_mgw2_create"),
    {"gw_create(k0 = 0)", c_gw_k0, E_INV, "gmmot_gw_create", "K0", -1, NULL},
    {"gw_create(NULL c1)", c_gw_null_c1, E_INV, "gmmot_gw_create", "c1", -1, NULL},
    {"gw_create(NaN c0)", c_gw_nan, GMMOT_E_NONFINITE, "gmmot_gw_create", "c0", 1, NULL},
    {"gw_create(c1 asymmetric)", c_gw_asym, GMMOT_E_NOT_SYMMETRIC, "gmmot_gw_create", "c1", 0,
     NULL},
    {"gw_create(negative weight)", c_gw_weight, GMMOT_E_WEIGHTS, "gmmot_gw_create", "a", 1, NULL},
    {"gw_value(NULL gw)", c_gw_value_null, E_INV, "gmmot_gw_value", "gw", -1, NULL},
    {"gw_copy_plan(out_len 3)", c_gw_plan_short, E_BUF, "gmmot_gw_copy_plan", "out_len", -1, NULL},
    {"gaussian_gw(cov0 not PSD)", c_ggw_not_psd, GMMOT_E_NOT_PSD, "gmmot_gaussian_gw", "cov0", -1,
     NULL},
    {"gaussian_gw(map, m < n)", c_ggw_no_map, GMMOT_E_NO_MAP, "gmmot_gaussian_gw", NULL, -1,
     "no map"},
    {"gaussian_gw(NaN mean0)", c_ggw_nan_mean, GMMOT_E_NONFINITE, "gmmot_gaussian_gw", "mean0", 0,
     NULL},
};

static void run_case(const Case *c) {
  static Outs o, ref;
  char why[1600];
  int status;
  outs_fill(&o);
  memcpy(&ref, &o, sizeof o);
  status = c->run(&o);
  if (c->expected < 0) {
    int ok = h_verify_error(status, c->expected, c->fn, c->args, c->index, why, sizeof why);
    if (ok && c->also != NULL && !h_msg_contains(c->also)) {
      ok = 0;
      snprintf(why, sizeof why, "message \"%s\" lacks \"%s\"", gmmot_last_error_message(), c->also);
    }
    h_check(ok, __FILE__, __LINE__, "bad input \"%s\": %s", c->name, ok ? "" : why);
    h_check(memcmp(&o, &ref, sizeof o) == 0, __FILE__, __LINE__,
            "bad input \"%s\": an output or out-handle was written on error", c->name);
  } else {
    const char *msg = gmmot_last_error_message();
    int ok = status == c->expected &&
             (c->expected == GMMOT_OK ? msg[0] == '\0' : strstr(msg, c->fn) != NULL);
    if (ok && c->args != NULL) ok = h_msg_names(msg, c->args, c->index);
    h_check(ok, __FILE__, __LINE__, "input \"%s\": status %d (%s), expected %d; message \"%s\"",
            c->name, status, gmmot_status_string(status), c->expected, msg);
  }
  outs_release(&o);
}

void test_bad_inputs(void) {
  const double w1[1] = {1.0}, m3[3] = {0.0, 0.0, 0.0};
  const double c3[9] = {1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0};
  gmmot_options_t *em_opts = NULL;
  size_t i;
  for (i = 0; i < 40; ++i) X[i] = sin(1.0 + 0.7 * (double)i);
  g_gmm = H_MAKE_GMM(2, 2, W, M, C);
  g_gmm3 = H_MAKE_GMM(1, 3, w1, m3, c3);
  CHECK_OK(gmmot_transport_solve(2, 3, TA, TB, TC, NULL, &g_tr));
  CHECK_OK(gmmot_mw2_create(g_gmm, g_gmm, NULL, &g_mw2));
  CHECK_OK(gmmot_options_create(&g_opts));
  CHECK_OK(gmmot_interrupt_create(&g_flag));
  CHECK_OK(gmmot_options_create(&em_opts));
  CHECK_OK(gmmot_options_set_int(em_opts, GMMOT_OPT_EM_COMPONENTS, 2));
  CHECK_OK(gmmot_em_create(em_opts, &g_em));
  CHECK_OK(gmmot_options_set_int(em_opts, GMMOT_OPT_EM_COMPONENTS, 5000));
  CHECK_OK(gmmot_em_create(em_opts, &g_em_big));
  gmmot_options_destroy(em_opts);
  {
    /* The prepared barycenter results: J = 1 keeps them independent of the solvers' numerics. */
    const gmmot_gmm_t *one[1];
    gmmot_options_t *fp_opts = NULL;
    one[0] = g_gmm;
    CHECK_OK(gmmot_mw2_barycenter_exact(one, 1, L1, 1, NULL, &g_mb));
    CHECK_OK(gmmot_options_create(&fp_opts));
    CHECK_OK(
        gmmot_options_set_int(fp_opts, GMMOT_OPT_FIXED_POINT_METHOD, GMMOT_FIXED_POINT_EUCLIDEAN));
    CHECK_OK(gmmot_mw2_barycenter_fixed_point(one, 1, L1, 1, NULL, fp_opts, &g_mb_fp));
    gmmot_options_destroy(fp_opts);
    CHECK_OK(gmmot_options_create(&g_opts_tuples3));
    CHECK_OK(gmmot_options_set_double(g_opts_tuples3, GMMOT_OPT_MMOT_MAX_TUPLES, 3.0));
  }
  {
    /* A relaxed fit on X against itself and its (given) plan; EM options with K = 2. */
    gmmot_options_t *r_opts = NULL;
    CHECK_OK(gmmot_options_create(&r_opts));
    CHECK_OK(gmmot_options_set_int(r_opts, GMMOT_OPT_RELAXED_COMPONENTS, 2));
    CHECK(gmmot_relaxed_create(X, 20, X, 20, 2, NULL, NULL, r_opts, &g_relaxed) >= 0);
    gmmot_options_destroy(r_opts);
    if (g_relaxed != NULL) CHECK_OK(gmmot_relaxed_plan(g_relaxed, &g_given));
    CHECK_OK(gmmot_options_create(&g_opts_k2));
    CHECK_OK(gmmot_options_set_int(g_opts_k2, GMMOT_OPT_EM_COMPONENTS, 2));
  }
  if (g_gmm == NULL || g_gmm3 == NULL || g_tr == NULL || g_mw2 == NULL || g_em == NULL ||
      g_em_big == NULL || g_mb == NULL || g_mb_fp == NULL || g_opts_tuples3 == NULL ||
      g_relaxed == NULL || g_given == NULL || g_opts_k2 == NULL)
    return;
  CHECK_OK(gmmot_gw_create(2, W, GD, 2, W, GD, NULL, &g_gw));
  if (g_gw == NULL) return;
  CHECK_OK(gmmot_mew2_create(g_gmm, g_gmm3, NULL, &g_ew));
  CHECK_OK(gmmot_ew2_create(X, 10, 2, NULL, X, 20, 1, NULL, NULL, &g_ew_pts));
  if (g_ew == NULL || g_ew_pts == NULL) return;
  g_nnz = gmmot_mw2_nnz(g_mw2);
  CHECK(g_nnz >= 1 && g_nnz <= 3 && gmmot_transport_nnz(g_tr) >= 1);
  for (i = 0; i < sizeof kCases / sizeof kCases[0]; ++i) run_case(&kCases[i]);
  gmmot_ew_destroy(g_ew);
  gmmot_ew_destroy(g_ew_pts);
  gmmot_gw_destroy(g_gw);
  gmmot_mw2_destroy(g_given);
  gmmot_relaxed_destroy(g_relaxed);
  gmmot_options_destroy(g_opts_k2);
  gmmot_mw2_barycenter_destroy(g_mb);
  gmmot_mw2_barycenter_destroy(g_mb_fp);
  gmmot_options_destroy(g_opts_tuples3);
  gmmot_em_destroy(g_em);
  gmmot_em_destroy(g_em_big);
  gmmot_options_destroy(g_opts);
  gmmot_interrupt_destroy(g_flag);
  gmmot_mw2_destroy(g_mw2);
  gmmot_transport_destroy(g_tr);
  gmmot_gmm_destroy(g_gmm3);
  gmmot_gmm_destroy(g_gmm);
}
