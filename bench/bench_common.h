/* SPDX-License-Identifier: MIT */
/* Helpers shared by the C benchmarks (bench_gaussian.c, bench_lp.c, bench_em_maps.c), so that
 * they time and report failures the same way. C99, header only: every function is static
 * inline, so each program gets its own copy and unused ones cost nothing.
 *
 * Define BENCH_PROGRAM (the program name, a string literal) before including this header: every
 * message on stderr starts with it. Define _POSIX_C_SOURCE 200809L before any include, for
 * clock_gettime. */
#ifndef GMMOT_BENCH_COMMON_H
#define GMMOT_BENCH_COMMON_H

#ifndef BENCH_PROGRAM
#error "define BENCH_PROGRAM before including bench_common.h"
#endif

#include <gmmot/gmmot.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The line contract: seconds= is the median of NRUNS runs, and a run that repeats a short call
 * lasts at least MIN_RUN_SECONDS (the Python peers use the same two numbers). */
#define NRUNS 5
#define MIN_RUN_SECONDS 0.02

#if defined(__GNUC__)
#define BENCH_PRINTF_NORETURN __attribute__((format(printf, 1, 2), noreturn))
#else
#define BENCH_PRINTF_NORETURN
#endif

/* Monotonic: immune to wall-clock adjustments during a run. */
static inline double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static inline int bench_cmp_double(const void *a, const void *b) {
  const double x = *(const double *)a;
  const double y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorts v in place: callers pass arrays they no longer need in run order. */
static inline double median(double *v, size_t n) {
  qsort(v, n, sizeof *v, bench_cmp_double);
  return (n % 2) ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* A benchmark that cannot run its case has nothing to report: say why and stop with status 1. */
static inline void fail(const char *fmt, ...) BENCH_PRINTF_NORETURN;
static inline void fail(const char *fmt, ...) {
  va_list ap;
  fputs(BENCH_PROGRAM ": ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

/* For a libgmmot call that returned status: its name, the status and the library's message. */
static inline void die(const char *what, int status) {
  fail("%s failed: %d (%s): %s", what, status, gmmot_status_string(status),
       gmmot_last_error_message());
}

/* Status GMMOT_OK or die: warnings (status > 0) fail too, the benchmarks expect clean calls. */
static inline void check(int status, const char *what) {
  if (status != GMMOT_OK) die(what, status);
}

static inline void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL) fail("out of memory");
  return p;
}

/* Options whose GMMOT_OPT_NUM_THREADS is threads; *shown (unless NULL) gets the number of
 * threads that stands for, for the extra=threads:<n> field (0 means all cores). */
static inline gmmot_options_t *threads_options(long threads, long *shown) {
  gmmot_options_t *opts = NULL;
  check(gmmot_options_create(&opts), "gmmot_options_create");
  check(gmmot_options_set_int(opts, GMMOT_OPT_NUM_THREADS, threads),
        "gmmot_options_set_int(GMMOT_OPT_NUM_THREADS)");
  if (shown != NULL) *shown = threads != 0 ? threads : sysconf(_SC_NPROCESSORS_ONLN);
  return opts;
}

/* Parses a whole decimal argument of at least min into *v; 0 when it is not one. */
static inline int parse_long(const char *s, long min, long *v) {
  char *end = NULL;
  const long x = strtol(s, &end, 10);
  if (end == s || *end != '\0' || x < min) return 0;
  *v = x;
  return 1;
}

typedef void (*bench_call_fn)(void *ctx);

/* Median over NRUNS runs of the time per call of fn(ctx). A first call (warm-up: thread pool,
 * page faults) also sets how often a run repeats the call to last MIN_RUN_SECONDS; a first call
 * taking no_warmup_seconds or more counts as the first run instead, so that slow cases do not
 * pay for a separate warm-up (HUGE_VAL: always a separate warm-up). */
static inline double time_median(bench_call_fn fn, void *ctx, double no_warmup_seconds) {
  double times[NRUNS], t0, t;
  size_t reps = 1, i, run = 0;
  t0 = now_seconds();
  fn(ctx);
  t = now_seconds() - t0;
  if (t >= no_warmup_seconds) times[run++] = t;
  if (t < MIN_RUN_SECONDS) reps = (size_t)(MIN_RUN_SECONDS / (t > 1e-7 ? t : 1e-7)) + 1;
  for (; run < NRUNS; ++run) {
    t0 = now_seconds();
    for (i = 0; i < reps; ++i) fn(ctx);
    times[run] = (now_seconds() - t0) / (double)reps;
  }
  return median(times, NRUNS);
}

#endif
