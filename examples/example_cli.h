/* SPDX-License-Identifier: MIT */
/* The command-line conventions shared by the example programs (gmmot-color-transfer,
 * gmmot-barycenter-grid, gmmot-palette-barycenter and the others): every message on stderr starts
 * with the program's name, a bad command line prints the usage and exits with status 2, --help
 * prints the usage and the help on stdout and exits with status 0, a failed libgmmot call is
 * reported with its status and the library's message and gives status 1. C99, public API only. */
#ifndef GMMOT_EXAMPLES_EXAMPLE_CLI_H
#define GMMOT_EXAMPLES_EXAMPLE_CLI_H

/* Sets the program name and its usage and help texts (static strings); call first in main. */
void cli_init(const char *program, const char *usage, const char *help);

/* The program name given to cli_init. */
const char *cli_program(void);

/* Prints "PROGRAM: message" (unless message is NULL), the usage and a pointer to --help on
 * stderr; returns 2, the exit status of a bad command line. */
int cli_usage(const char *message);

/* Prints "PROGRAM: unknown option ARG" and the usage on stderr; returns 2. */
int cli_unknown_option(const char *arg);

/* The command-line loop's step: 0 when i >= argc; otherwise *arg = argv[i] and *value = the
 * argument after it (NULL when there is none), and 1. Prints the help and exits with status 0
 * when argv[i] is -h or --help. */
int cli_arg(int argc, char **argv, int i, const char **arg, const char **value);

/* Prints the usage and the help on stdout and exits with status 0. */
void cli_help(void);

/* Reports a failed libgmmot call (its name, status and the library's last error message);
 * returns 1. */
int cli_fail(const char *what, int status);

/* cli_fail(what, status) when status is an error (< 0); 0 for success and warnings. */
int cli_report(int status, const char *what);

/* The command line [OUTPUT] [OPTION N] of the one-picture programs (gmmot-relaxed-fig6,
 * gmmot-t-geodesic): *output and *v keep their defaults when absent; N must be an integer in
 * [lo, hi] (cli_option_int). Returns 0, or 2 after a message. */
int cli_output_and_int(int argc, char **argv, const char **output, const char *option, long long lo,
                       long long hi, const char *expected, long long *v);

/* Prints "PROGRAM: out of memory" on stderr; returns 1. */
int cli_out_of_memory(void);

/* Seconds on a monotonic clock. */
double cli_now(void);

/* A whole decimal number (digits only: no sign, no space) in [lo, hi], or -1. lo must be
 * >= 0. */
long long cli_parse_range(const char *text, long long lo, long long hi);

/* 1 when the whole of text is a finite number (strtod: no leading space, nothing after it, not
 * nan or inf) in [lo, hi], with *v set; 0 otherwise. */
int cli_parse_number(const char *text, double lo, double hi, double *v);

/* Prints "PROGRAM: bad OPTION value 'TEXT': expected EXPECTED" and the usage on stderr;
 * returns 2. */
int cli_bad_value(const char *option, const char *text, const char *expected);

/* The value text of option as an integer (cli_parse_range) or a number (cli_parse_number) in
 * [lo, hi] into *v: 0, or 2 after cli_bad_value(option, text, expected). */
int cli_option_int(const char *option, const char *text, long long lo, long long hi,
                   const char *expected, long long *v);
int cli_option_number(const char *option, const char *text, double lo, double hi,
                      const char *expected, double *v);

/* 0 when value is `first`, 1 when it is `second`, -1 otherwise. */
int cli_choice(const char *value, const char *first, const char *second);

#endif
