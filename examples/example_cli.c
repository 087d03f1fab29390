/* SPDX-License-Identifier: MIT */
/* The command-line conventions shared by the example programs; see example_cli.h. */
#define _POSIX_C_SOURCE 199309L

#include "example_cli.h"

#include <ctype.h>
#include <errno.h>
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *g_program = "gmmot-example";
static const char *g_usage = "";
static const char *g_help = "";

void cli_init(const char *program, const char *usage, const char *help) {
  g_program = program;
  g_usage = usage;
  g_help = help;
}

const char *cli_program(void) { return g_program; }

int cli_usage(const char *message) {
  if (message != NULL) fprintf(stderr, "%s: %s\n", g_program, message);
  fputs(g_usage, stderr);
  fprintf(stderr, "Run %s --help for the options and their defaults.\n", g_program);
  return 2;
}

int cli_unknown_option(const char *arg) {
  fprintf(stderr, "%s: unknown option %s\n", g_program, arg);
  return cli_usage(NULL);
}

void cli_help(void) {
  fputs(g_usage, stdout);
  fputs(g_help, stdout);
  exit(0);
}

int cli_arg(int argc, char **argv, int i, const char **arg, const char **value) {
  if (i >= argc) return 0;
  *arg = argv[i];
  *value = i + 1 < argc ? argv[i + 1] : NULL;
  if (strcmp(*arg, "--help") == 0 || strcmp(*arg, "-h") == 0) cli_help();
  return 1;
}

int cli_fail(const char *what, int status) {
  fprintf(stderr, "%s: %s failed: %s: %s\n", g_program, what, gmmot_status_string(status),
          gmmot_last_error_message());
  return 1;
}

int cli_report(int status, const char *what) { return status < 0 ? cli_fail(what, status) : 0; }

int cli_output_and_int(int argc, char **argv, const char **output, const char *option, long long lo,
                       long long hi, const char *expected, long long *v) {
  const char *arg, *value;
  int i;
  for (i = 1; cli_arg(argc, argv, i, &arg, &value); ++i) {
    if (strcmp(arg, option) == 0) {
      if (value == NULL) return cli_usage("an option is missing its value");
      if (cli_option_int(option, value, lo, hi, expected, v)) return 2;
      ++i;
    } else if (arg[0] == '-') {
      return cli_unknown_option(arg);
    } else {
      *output = arg;
    }
  }
  return 0;
}

int cli_out_of_memory(void) {
  fprintf(stderr, "%s: out of memory\n", g_program);
  return 1;
}

double cli_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

long long cli_parse_range(const char *text, long long lo, long long hi) {
  char *end = NULL;
  long long v;
  /* strtoll alone would take leading space, a sign, and clamp an overflow to LLONG_MAX. */
  if (text == NULL || !isdigit((unsigned char)*text)) return -1;
  errno = 0;
  v = strtoll(text, &end, 10);
  return (*end == '\0' && errno == 0 && v >= lo && v <= hi) ? v : -1;
}

int cli_parse_number(const char *text, double lo, double hi, double *v) {
  char *end = NULL;
  double x;
  /* strtod alone would take leading space, an empty text (as 0, end == text), nan and inf. */
  if (text == NULL || *text == '\0' || isspace((unsigned char)*text)) return 0;
  x = strtod(text, &end);
  if (end == text || *end != '\0' || !isfinite(x) || x < lo || x > hi) return 0;
  *v = x;
  return 1;
}

int cli_bad_value(const char *option, const char *text, const char *expected) {
  fprintf(stderr, "%s: bad %s value '%s': expected %s\n", g_program, option, text, expected);
  return cli_usage(NULL);
}

int cli_option_int(const char *option, const char *text, long long lo, long long hi,
                   const char *expected, long long *v) {
  const long long x = cli_parse_range(text, lo, hi);
  if (x < 0) return cli_bad_value(option, text, expected);
  *v = x;
  return 0;
}

int cli_option_number(const char *option, const char *text, double lo, double hi,
                      const char *expected, double *v) {
  return cli_parse_number(text, lo, hi, v) ? 0 : cli_bad_value(option, text, expected);
}

int cli_choice(const char *value, const char *first, const char *second) {
  if (strcmp(value, first) == 0) return 0;
  if (strcmp(value, second) == 0) return 1;
  return -1;
}
