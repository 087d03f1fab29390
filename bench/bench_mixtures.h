/* SPDX-License-Identifier: MIT */
/* Mixture pairs for the C benchmarks that compare two mixtures of any dimensions
 * (bench_mew2.c, bench_gromov.c): reading the peers' binary files and making the two
 * gmmot_gmm_t of a pair. Header only, like bench_common.h, which must come first. */
#ifndef GMMOT_BENCH_MIXTURES_H
#define GMMOT_BENCH_MIXTURES_H

#ifndef GMMOT_BENCH_COMMON_H
#error "include bench_common.h before bench_mixtures.h"
#endif

#include <stdint.h>

/* Native little-endian: an 8-byte magic, uint64 K0, d0, K1, d1, then float64 weights, means
 * and covariances of mixture 0, then of mixture 1 (bench/peer_common.py writes it). */
typedef struct {
  uint64_t k[2], d[2];
  double *w[2], *m[2], *c[2];
} Pair;

static inline double *read_doubles(FILE *f, const char *path, size_t n) {
  double *v = xmalloc(n * sizeof *v);
  if (fread(v, sizeof *v, n, f) != n) fail("%s is truncated", path);
  return v;
}

/* The pair in path, whose file must start with magic (8 characters, e.g. "GMMOTEW1"). */
static inline Pair read_pair(const char *path, const char *magic) {
  Pair p;
  char head[8];
  uint64_t sizes[4];
  int s;
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail("cannot open %s", path);
  if (fread(head, 1, 8, f) != 8 || memcmp(head, magic, 8) != 0)
    fail("%s is not a %.8s file", path, magic);
  if (fread(sizes, sizeof sizes[0], 4, f) != 4) fail("%s is truncated", path);
  for (s = 0; s < 2; ++s) {
    p.k[s] = sizes[2 * s];
    p.d[s] = sizes[2 * s + 1];
  }
  for (s = 0; s < 2; ++s) {
    p.w[s] = read_doubles(f, path, p.k[s]);
    p.m[s] = read_doubles(f, path, p.k[s] * p.d[s]);
    p.c[s] = read_doubles(f, path, p.k[s] * p.d[s] * p.d[s]);
  }
  fclose(f);
  return p;
}

static inline void free_pair(Pair *p) {
  int s;
  for (s = 0; s < 2; ++s) {
    free(p->w[s]);
    free(p->m[s]);
    free(p->c[s]);
  }
}

/* The two mixtures of p (warnings such as GMMOT_W_SYMMETRIZED are accepted, errors fail). */
static inline void pair_gmms(const Pair *p, gmmot_gmm_t *g[2]) {
  int s;
  for (s = 0; s < 2; ++s) {
    const int st = gmmot_gmm_create(p->k[s], p->d[s], p->w[s], p->m[s], p->c[s], &g[s]);
    if (st < 0) die("gmmot_gmm_create", st);
  }
}

#endif
