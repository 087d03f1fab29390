/* SPDX-License-Identifier: MIT */
/* Tiny C99 test harness for the libgmmot C API tests: counts checks, prints failures and a final
 * "N passed, M failed" line (main.c). No assert.h, no NDEBUG games. */
#ifndef GMMOT_TESTS_CAPI_HARNESS_H
#define GMMOT_TESTS_CAPI_HARNESS_H

#include <gmmot/gmmot.h>
#include <stddef.h>

/* A value no library output can be by accident; output buffers are pre-filled with it. */
#define H_SENTINEL (-1234.5678)
#define H_PI 3.14159265358979323846

extern long h_passed;
extern long h_failed;

/* Target of the sentinel handle pointers: out-pointers are pre-set to these and must keep them on
 * error. They are never dereferenced. */
extern int h_sentinel_target;
#define H_SENTINEL_GMM ((gmmot_gmm_t *)(void *)&h_sentinel_target)
#define H_SENTINEL_OPTS ((gmmot_options_t *)(void *)&h_sentinel_target)

void h_check(int ok, const char *file, int line, const char *fmt, ...);
void h_check_status(int got, int expected, const char *expr, const char *file, int line);
void h_check_error(int got, int expected, const char *fn, const char *args, long index,
                   const char *expr, const char *file, int line);
void h_check_near(double got, double expected, double rtol, double atol, const char *expr,
                  const char *file, int line);

/* The same verification as h_check_error without counting: returns 1 if the status is `expected`
 * and the thread's message is non-empty, contains `fn` and names one of the '|'-separated
 * `args` (case-insensitive, as a whole word), followed by "[index" when index >= 0. Reads the
 * message before making any other libgmmot call. On failure writes the reason into why. */
int h_verify_error(int got, int expected, const char *fn, const char *args, long index, char *why,
                   size_t why_len);

#define CHECK(cond) h_check((cond) != 0, __FILE__, __LINE__, "%s", #cond)
#define CHECKF(cond, ...) h_check((cond) != 0, __FILE__, __LINE__, __VA_ARGS__)
/* Status must equal `expected`; for GMMOT_OK the message must then be "", for any other status
 * non-empty. */
#define CHECK_STATUS(call, expected) h_check_status((call), (expected), #call, __FILE__, __LINE__)
#define CHECK_OK(call) CHECK_STATUS(call, GMMOT_OK)
#define CHECK_ERROR(call, expected, fn, args) \
  h_check_error((call), (expected), (fn), (args), -1L, #call, __FILE__, __LINE__)
#define CHECK_ERROR_AT(call, expected, fn, args, index) \
  h_check_error((call), (expected), (fn), (args), (long)(index), #call, __FILE__, __LINE__)
/* |got - expected| <= atol + rtol * |expected|, and got not NaN. */
#define CHECK_NEAR(got, expected, rtol, atol) \
  h_check_near((got), (expected), (rtol), (atol), #got, __FILE__, __LINE__)
#define CHECK_UNTOUCHED(buf, n) \
  h_check(h_untouched((buf), (n)), __FILE__, __LINE__, "%s untouched (sentinel kept)", #buf)
#define CHECK_MSG_EMPTY() h_check(h_msg_empty(), __FILE__, __LINE__, "last error message is \"\"")

/* gmmot_gaussian_w2_squared, checked to return GMMOT_OK at the caller's file and line. */
double h_w2sq(size_t d, const double *m0, const double *s0, const double *m1, const double *s1,
              const char *file, int line);
#define W2SQ(d, m0, s0, m1, s1) h_w2sq((d), (m0), (s0), (m1), (s1), __FILE__, __LINE__)

void h_fill(double *buf, size_t n);
int h_untouched(const double *buf, size_t n);
int h_msg_empty(void);
int h_msg_names(const char *msg, const char *args, long index);
int h_msg_contains(const char *needle); /* the thread's last message contains needle */
/* A mixture that must be created without error (a failed check otherwise; NULL then). */
gmmot_gmm_t *h_make_gmm(size_t k, size_t d, const double *w, const double *m, const double *c,
                        int line);
#define H_MAKE_GMM(k, d, w, m, c) h_make_gmm((k), (d), (w), (m), (c), __LINE__)
/* Runs fn in a forked child (for calls that could crash the whole suite if the library read
 * past a buffer); counts one check: passed iff fn returned non-zero and the child exited. */
void h_run_isolated(int (*fn)(void), const char *name);

/* Small dense helpers (row-major n x n). */
void h_matmul(size_t n, const double *a, const double *b, double *out);
double h_frob(size_t n, const double *a);
double h_frob_diff(size_t n, const double *a, const double *b);
double h_trace(size_t n, const double *a);
double h_uniform(unsigned long *state);                         /* deterministic, in [-1, 1) */
void h_random_spd(size_t d, unsigned long *state, double *out); /* B B^T + 0.1 I */
void h_random_vec(size_t d, unsigned long *state, double *out);

/* Test groups. */
void test_version_status(void);
void test_messages(void);
void test_options(void);
void test_gmm_lifecycle(void);
void test_gmm_validation(void);
void test_gmm_too_large(void);
void test_gaussian_errors(void);
void test_gaussian_w2(void);
void test_gaussian_w2_hard(void);
void test_gaussian_maps(void);
void test_gaussian_barycenter(void);
void test_cost_matrix(void);
void test_log_density(void);
void test_sampling(void);
void test_threads(void);

#endif /* GMMOT_TESTS_CAPI_HARNESS_H */
