/* SPDX-License-Identifier: MIT */
/* Helpers shared by the C benchmarks (bench_gaussian.c, bench_lp.c, bench_barycenter.c, ...), so
 * that they time and report failures the same way. C99, header only: every function is static
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
#include <string.h>
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

/* parse_long for the value of a command-line option; when it is not one, says so on stderr
 * ("bad OPTION value 'VALUE'") and returns 0. */
static inline int parse_option_long(const char *option, const char *value, long min, long *v) {
  if (parse_long(value, min, v)) return 1;
  fprintf(stderr, BENCH_PROGRAM ": bad %s value '%s'\n", option, value);
  return 0;
}

/* The command line of the benchmarks that read a generated data directory: --data DIR
 * [--threads N], in any order. *threads holds the default on entry. Returns 0 with *dir (and
 * *threads) set, or 2 after saying why on stderr; the usage names `generator`, the peer script
 * whose `generate DIR` writes DIR. */
static inline int parse_data_args(int argc, char **argv, const char *generator, const char **dir,
                                  long *threads) {
  const long default_threads = *threads;
  int i;
  *dir = NULL;
  for (i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      if (!parse_option_long("--threads", argv[++i], 0, threads)) return 2;
    } else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
      *dir = argv[++i];
    } else {
      *dir = NULL;
      break;
    }
  }
  if (*dir != NULL) return 0;
  fprintf(stderr,
          "usage: %s --data DIR [--threads N]   (DIR from `%s generate DIR`;"
          " N = 0: all cores, default %ld)\n",
          argv[0], generator, default_threads);
  return 2;
}

/* Opens DIR/manifest.txt, whose path goes to manifest (size bytes), or fails naming the peer
 * script `generator` that writes it. */
static inline FILE *open_manifest(const char *dir, const char *generator, char *manifest,
                                  size_t size) {
  FILE *mf;
  snprintf(manifest, size, "%s/manifest.txt", dir);
  mf = fopen(manifest, "r");
  if (mf == NULL) fail("cannot open %s (run `%s generate %s` first)", manifest, generator, dir);
  return mf;
}

/* The next case of a manifest (lines "KIND N FILE"; others are skipped): its kind, its n and the
 * path DIR/FILE of its data (path_size bytes). 0 at the end of the manifest. */
static inline int next_case(FILE *mf, const char *dir, char kind[64], char n[64], char *path,
                            size_t path_size) {
  char line[1024], file[512];
  while (fgets(line, sizeof line, mf) != NULL) {
    if (sscanf(line, "%63s %63s %511s", kind, n, file) != 3) continue;
    snprintf(path, path_size, "%s/%s", dir, file);
    return 1;
  }
  return 0;
}

/* 0 when a manifest's case kind is `first`, 1 when it is `second`; fails on any other kind. */
static inline int case_kind(const char *kind, const char *first, const char *second,
                            const char *manifest) {
  if (strcmp(kind, first) == 0) return 0;
  if (strcmp(kind, second) != 0) fail("unknown case '%s' in %s", kind, manifest);
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
