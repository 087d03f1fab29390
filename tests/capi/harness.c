/* SPDX-License-Identifier: MIT */
/* Harness implementation. POSIX for fork/waitpid (h_run_isolated). */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <ctype.h>
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

long h_passed = 0;
long h_failed = 0;
int h_sentinel_target = 0;

void h_check(int ok, const char *file, int line, const char *fmt, ...) {
  va_list ap;
  if (ok) {
    ++h_passed;
    return;
  }
  ++h_failed;
  printf("FAIL %s:%d: ", file, line);
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  fflush(stdout);
}

static void copy_message(char *dst, size_t cap) {
  const char *m = gmmot_last_error_message(); /* the only call that does not clear it */
  if (m == NULL) {
    strncpy(dst, "<NULL message pointer>", cap - 1);
  } else {
    strncpy(dst, m, cap - 1);
  }
  dst[cap - 1] = '\0';
}

void h_check_status(int got, int expected, const char *expr, const char *file, int line) {
  char msg[1024];
  int ok;
  copy_message(msg, sizeof msg); /* before anything else touches the message */
  ok = got == expected && (expected == GMMOT_OK ? msg[0] == '\0' : msg[0] != '\0');
  h_check(ok, file, line, "%s: status %d (%s), expected %d (%s); message \"%s\"", expr, got,
          gmmot_status_string(got), expected, gmmot_status_string(expected), msg);
}

static int is_ident(int c) { return isalnum((unsigned char)c) || c == '_'; }

/* Case-insensitive search for `word` (length n) as a whole identifier in msg; if index >= 0 it must
 * be followed by "[index" and a non-digit. */
static int names_one(const char *msg, const char *word, size_t n, long index) {
  size_t len = strlen(msg), i, k;
  if (n == 0 || n > len) return 0;
  for (i = 0; i + n <= len; ++i) {
    for (k = 0; k < n; ++k) {
      if (tolower((unsigned char)msg[i + k]) != tolower((unsigned char)word[k])) break;
    }
    if (k != n) continue;
    if (i > 0 && is_ident(msg[i - 1])) continue;
    if (is_ident(msg[i + n])) continue;
    if (index < 0) return 1;
    {
      char want[32];
      size_t wl;
      sprintf(want, "[%ld", index);
      wl = strlen(want);
      if (strncmp(msg + i + n, want, wl) == 0 && !isdigit((unsigned char)msg[i + n + wl])) return 1;
    }
  }
  return 0;
}

int h_msg_contains(const char *needle) {
  const char *m = gmmot_last_error_message();
  return m != NULL && strstr(m, needle) != NULL;
}

gmmot_gmm_t *h_make_gmm(size_t k, size_t d, const double *w, const double *m, const double *c,
                        int line) {
  gmmot_gmm_t *g = NULL;
  h_check_status(gmmot_gmm_create(k, d, w, m, c, &g), GMMOT_OK, "gmmot_gmm_create", __FILE__, line);
  return g;
}

int h_msg_names(const char *msg, const char *args, long index) {
  const char *p = args;
  while (*p) {
    const char *bar = strchr(p, '|');
    size_t n = bar ? (size_t)(bar - p) : strlen(p);
    if (names_one(msg, p, n, index)) return 1;
    if (!bar) break;
    p = bar + 1;
  }
  return 0;
}

int h_verify_error(int got, int expected, const char *fn, const char *args, long index, char *why,
                   size_t why_len) {
  char msg[1024];
  int ok_status, ok_nonempty, ok_fn, ok_arg;
  copy_message(msg, sizeof msg);
  ok_status = got == expected;
  ok_nonempty = msg[0] != '\0';
  ok_fn = strstr(msg, fn) != NULL;
  ok_arg = args == NULL || h_msg_names(msg, args, index);
  if (ok_status && ok_nonempty && ok_fn && ok_arg) return 1;
  snprintf(why, why_len, "status %d (%s), expected %d (%s)%s%s%s%s; message \"%s\"", got,
           gmmot_status_string(got), expected, gmmot_status_string(expected),
           ok_nonempty ? "" : "; message empty", ok_fn ? "" : "; function name missing",
           ok_arg ? "" : "; argument/index not named: ", ok_arg ? "" : args, msg);
  if (!ok_arg && index >= 0) {
    size_t l = strlen(why);
    snprintf(why + l, why_len - l, " (wanted index [%ld])", index);
  }
  return 0;
}

void h_check_error(int got, int expected, const char *fn, const char *args, long index,
                   const char *expr, const char *file, int line) {
  char why[1400];
  int ok = h_verify_error(got, expected, fn, args, index, why, sizeof why);
  h_check(ok, file, line, "%s: %s", expr, ok ? "" : why);
}

void h_check_near(double got, double expected, double rtol, double atol, const char *expr,
                  const char *file, int line) {
  double err = fabs(got - expected);
  int ok = !isnan(got) && (got == expected || err <= atol + rtol * fabs(expected));
  h_check(ok, file, line, "%s = %.17g, expected %.17g (abs err %.3g, rtol %.1g, atol %.1g)", expr,
          got, expected, err, rtol, atol);
}

void h_fill(double *buf, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i) buf[i] = H_SENTINEL;
}

int h_untouched(const double *buf, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i) {
    if (buf[i] != H_SENTINEL) return 0;
  }
  return 1;
}

int h_msg_empty(void) {
  const char *m = gmmot_last_error_message();
  return m != NULL && m[0] == '\0';
}

void h_run_isolated(int (*fn)(void), const char *name) {
  pid_t pid;
  int wstatus = 0;
  fflush(stdout);
  fflush(stderr);
  pid = fork();
  if (pid < 0) {
    h_check(0, __FILE__, __LINE__, "%s: fork failed", name);
    return;
  }
  if (pid == 0) {
    int ok = fn();
    fflush(stdout);
    _exit(ok ? 0 : 1);
  }
  if (waitpid(pid, &wstatus, 0) != pid) {
    h_check(0, __FILE__, __LINE__, "%s: waitpid failed", name);
    return;
  }
  if (WIFSIGNALED(wstatus)) {
    h_check(0, __FILE__, __LINE__, "%s: child crashed with signal %d", name, WTERMSIG(wstatus));
  } else {
    h_check(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0, __FILE__, __LINE__, "%s", name);
  }
}

void h_matmul(size_t n, const double *a, const double *b, double *out) {
  size_t i, j, k;
  for (i = 0; i < n; ++i) {
    for (j = 0; j < n; ++j) {
      double s = 0.0;
      for (k = 0; k < n; ++k) s += a[i * n + k] * b[k * n + j];
      out[i * n + j] = s;
    }
  }
}

double h_frob(size_t n, const double *a) {
  double s = 0.0;
  size_t i;
  for (i = 0; i < n * n; ++i) s += a[i] * a[i];
  return sqrt(s);
}

double h_frob_diff(size_t n, const double *a, const double *b) {
  double s = 0.0;
  size_t i;
  for (i = 0; i < n * n; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return sqrt(s);
}

double h_trace(size_t n, const double *a) {
  double s = 0.0;
  size_t i;
  for (i = 0; i < n; ++i) s += a[i * n + i];
  return s;
}

double h_uniform(unsigned long *state) {
  /* 64-bit LCG (Knuth MMIX constants) reduced to 32 bits; enough for test data. */
  unsigned long long s = (unsigned long long)*state;
  s = s * 6364136223846793005ULL + 1442695040888963407ULL;
  *state = (unsigned long)s;
  return (double)(unsigned long)((s >> 32) & 0xffffffffUL) / 2147483648.0 - 1.0;
}

void h_random_vec(size_t d, unsigned long *state, double *out) {
  size_t i;
  for (i = 0; i < d; ++i) out[i] = 2.0 * h_uniform(state);
}

void h_random_spd(size_t d, unsigned long *state, double *out) {
  double b[64];
  size_t i, j, k;
  for (i = 0; i < d * d && i < 64; ++i) b[i] = h_uniform(state);
  for (i = 0; i < d; ++i) {
    for (j = 0; j <= i; ++j) {
      double s = 0.0;
      for (k = 0; k < d; ++k) s += b[i * d + k] * b[j * d + k];
      if (i == j) s += 0.1;
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
}

double h_w2sq(size_t d, const double *m0, const double *s0, const double *m1, const double *s1,
              const char *file, int line) {
  double out = H_SENTINEL;
  h_check_status(gmmot_gaussian_w2_squared(d, m0, s0, m1, s1, &out), GMMOT_OK,
                 "gmmot_gaussian_w2_squared", file, line);
  return out;
}
