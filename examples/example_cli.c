/* SPDX-License-Identifier: MIT */
/* The command-line conventions shared by the example programs; see example_cli.h. */
#define _POSIX_C_SOURCE 199309L

#include "example_cli.h"

#include <gmmot/gmmot.h>
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
  if (text == NULL || *text == '\0' || *text == '-') return -1;
  v = strtoll(text, &end, 10);
  return (*end == '\0' && v >= lo && v <= hi) ? v : -1;
}

int cli_choice(const char *value, const char *first, const char *second) {
  if (strcmp(value, first) == 0) return 0;
  if (strcmp(value, second) == 0) return 1;
  return -1;
}
