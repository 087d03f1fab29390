/* SPDX-License-Identifier: MIT */
/* Saved mixtures (gmm_io.h): the byte layout against golden bytes built by an independent
 * writer (Python struct + a bitwise CRC-64/XZ), bit-exact round trips, every truncation and
 * every single-bit flip refused, content errors behind a valid checksum, and files. */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

void test_gmm_io(void);

/* K = 2, d = 1: weights (0.25, 0.75), means (-1.5, 2), covariances (0.5, 0) (a Dirac). */
static const unsigned char kGolden[88] = {
    0x89, 0x47, 0x4d, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0xe8, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf8, 0xbf, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x3f, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x94, 0x23, 0x11, 0xb3, 0xa1, 0x54, 0xbe, 0x71};

/* K = 2, d = 2 (the row-major layout of means and covariances): weights (0.25, 0.75), means
 * (1, -2) and (0.5, 3), covariances [[2, 0.5], [0.5, 1]] and [[1, -0.25], [-0.25, 4]]; written
 * by the same independent writer. */
static const unsigned char kGolden2[152] = {
    0x89, 0x47, 0x4d, 0x4d, 0x0d, 0x0a, 0x1a, 0x0a, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8, 0x3f,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x40,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x3f,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd0, 0xbf,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd0, 0xbf, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x40,
    0x0a, 0xbc, 0x2f, 0xcf, 0x7a, 0xd0, 0xc1, 0x27};

/* Bitwise CRC-64/XZ, independent of the library's table-driven one. */
static uint64_t crc64(const unsigned char *p, size_t n) {
  uint64_t c = ~(uint64_t)0;
  for (size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int b = 0; b < 8; ++b) c = (c & 1u) ? (c >> 1) ^ 0xC96C5795D7870F42ull : c >> 1;
  }
  return ~c;
}

static void put_u64(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = (unsigned char)(v >> (8 * i));
}

static void put_real(unsigned char *p, double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  put_u64(p, bits);
}

/* Re-seal a modified buffer with a valid checksum, to reach the content checks. */
static void reseal(unsigned char *p, size_t n) { put_u64(p + n - 8, crc64(p, n - 8)); }

static int same_bits(const double *a, const double *b, size_t n) {
  return memcmp(a, b, n * sizeof(double)) == 0;
}

/* Save g, load it back, and compare every array bit for bit and the bytes of a second save. */
static void check_round_trip(const gmmot_gmm_t *g, const char *what) {
  size_t n = 0, written = 0, k = gmmot_gmm_ncomponents(g), d = gmmot_gmm_dim(g);
  CHECK_OK(gmmot_gmm_saved_size(g, &n));
  CHECKF(n == 40 + 8 * (k + k * d + k * d * d), "%s: saved size %zu", what, n);
  unsigned char *a = malloc(n), *b = malloc(n);
  double *x = malloc(sizeof(double) * k * d * d), *y = malloc(sizeof(double) * k * d * d);
  gmmot_gmm_t *h = NULL;
  if (a == NULL || b == NULL || x == NULL || y == NULL) goto done;
  CHECK_OK(gmmot_gmm_save(g, a, n, &written));
  CHECK(written == n);
  CHECK_OK(gmmot_gmm_load(a, n, &h));
  if (h == NULL) goto done;
  CHECK(gmmot_gmm_ncomponents(h) == k && gmmot_gmm_dim(h) == d);
  CHECK_OK(gmmot_gmm_copy_weights(g, x, k));
  CHECK_OK(gmmot_gmm_copy_weights(h, y, k));
  CHECKF(same_bits(x, y, k), "%s: weights bit-exact", what);
  CHECK_OK(gmmot_gmm_copy_means(g, x, k * d));
  CHECK_OK(gmmot_gmm_copy_means(h, y, k * d));
  CHECKF(same_bits(x, y, k * d), "%s: means bit-exact", what);
  CHECK_OK(gmmot_gmm_copy_covariances(g, x, k * d * d));
  CHECK_OK(gmmot_gmm_copy_covariances(h, y, k * d * d));
  CHECKF(same_bits(x, y, k * d * d), "%s: covariances bit-exact", what);
  CHECK_OK(gmmot_gmm_save(h, b, n, NULL));
  CHECKF(memcmp(a, b, n) == 0, "%s: saving the loaded mixture gives the same bytes", what);
  /* Derived results too (gmm_io.h): the log-density at the means, bit for bit. */
  CHECK_OK(gmmot_gmm_copy_means(g, x, k * d));
  {
    double lg[32], lh[32];
    const size_t m = k < 32 ? k : 32;
    CHECK_OK(gmmot_gmm_log_density(g, m, x, NULL, lg, m));
    CHECK_OK(gmmot_gmm_log_density(h, m, x, NULL, lh, m));
    CHECKF(same_bits(lg, lh, m), "%s: log-densities bit-identical", what);
  }
done:
  gmmot_gmm_destroy(h);
  free(a);
  free(b);
  free(x);
  free(y);
}

static void test_golden(void) {
  static const double w[2] = {0.25, 0.75}, m[2] = {-1.5, 2.0}, c[2] = {0.5, 0.0};
  unsigned char buf[100];
  size_t written = 0;
  gmmot_gmm_t *g = H_MAKE_GMM(2, 1, w, m, c), *h = H_SENTINEL_GMM;
  if (g == NULL) return;
  CHECK(crc64((const unsigned char *)"123456789", 9) == 0x995DC9BBDF1939FAull);
  memset(buf, 0xAB, sizeof buf);
  CHECK_OK(gmmot_gmm_save(g, buf, sizeof buf, &written));
  CHECK(written == sizeof kGolden);
  CHECK(memcmp(buf, kGolden, sizeof kGolden) == 0);
  CHECK(buf[sizeof kGolden] == 0xAB); /* nothing past the saved size */
  /* The golden bytes load as the mixture above. */
  CHECK_OK(gmmot_gmm_load(kGolden, sizeof kGolden, &h));
  if (h != H_SENTINEL_GMM && h != NULL) {
    double x[2];
    CHECK_OK(gmmot_gmm_copy_means(h, x, 2));
    CHECK(x[0] == -1.5 && x[1] == 2.0);
    CHECK_OK(gmmot_gmm_copy_covariances(h, x, 2));
    CHECK(x[0] == 0.5 && x[1] == 0.0);
    gmmot_gmm_destroy(h);
  }
  /* A K = 2, d = 2 mixture: the row-major layout, both ways. */
  {
    static const double w2[2] = {0.25, 0.75}, m2[4] = {1, -2, 0.5, 3},
                        c2[8] = {2, 0.5, 0.5, 1, 1, -0.25, -0.25, 4};
    unsigned char b2[200];
    gmmot_gmm_t *g2 = H_MAKE_GMM(2, 2, w2, m2, c2), *h2 = NULL;
    if (g2 != NULL) {
      CHECK_OK(gmmot_gmm_save(g2, b2, sizeof b2, &written));
      CHECK(written == sizeof kGolden2 && memcmp(b2, kGolden2, sizeof kGolden2) == 0);
      gmmot_gmm_destroy(g2);
    }
    CHECK_OK(gmmot_gmm_load(kGolden2, sizeof kGolden2, &h2));
    if (h2 != NULL) {
      double x[8];
      CHECK_OK(gmmot_gmm_copy_means(h2, x, 4));
      CHECK(memcmp(x, m2, sizeof m2) == 0);
      CHECK_OK(gmmot_gmm_copy_covariances(h2, x, 8));
      CHECK(memcmp(x, c2, sizeof c2) == 0);
      gmmot_gmm_destroy(h2);
    }
  }
  /* Short buffer: nothing written, *written untouched. */
  memset(buf, 0xAB, sizeof buf);
  written = 12345;
  CHECK_ERROR(gmmot_gmm_save(g, buf, sizeof kGolden - 1, &written), GMMOT_E_BUFFER_TOO_SMALL,
              "gmmot_gmm_save", "out_len");
  CHECK(written == 12345 && buf[0] == 0xAB && buf[sizeof kGolden - 2] == 0xAB);
  CHECK_ERROR(gmmot_gmm_save(NULL, buf, sizeof buf, NULL), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_save", "gmm");
  CHECK_ERROR(gmmot_gmm_save(g, NULL, sizeof buf, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_save",
              "out");
  CHECK_ERROR(gmmot_gmm_saved_size(g, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_saved_size",
              "out_size");
  CHECK_ERROR(gmmot_gmm_saved_size(NULL, &written), GMMOT_E_INVALID_ARGUMENT,
              "gmmot_gmm_saved_size", "gmm");
  h = H_SENTINEL_GMM;
  CHECK_ERROR(gmmot_gmm_load(NULL, 88, &h), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_load", "data");
  CHECK_ERROR(gmmot_gmm_load(kGolden, 88, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_load", "out");
  CHECK(h == H_SENTINEL_GMM);
  gmmot_gmm_destroy(g);
}

static void test_round_trips(void) {
  /* Weights that do not sum to 1 exactly in binary: the normalised ones must survive unchanged;
   * a negative zero and a subnormal in the means; a singular covariance. */
  static const double w3[3] = {0.1, 0.2, 0.7};
  static const double m3[6] = {-0.0, 4.9e-324, 1e300, -1e-300, 3.0, 1.0 / 3.0};
  static const double c3[12] = {2.0, 0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0};
  gmmot_gmm_t *g = H_MAKE_GMM(3, 2, w3, m3, c3);
  if (g != NULL) {
    check_round_trip(g, "K=3 d=2");
    gmmot_gmm_destroy(g);
  }
  /* Random larger mixtures. */
  unsigned long state = 12345;
  for (size_t trial = 0; trial < 4; ++trial) {
    const size_t k = 1 + trial * 5, d = 1 + trial * 2; /* h_random_spd: d <= 8 */
    double *w = malloc(sizeof(double) * k), *m = malloc(sizeof(double) * k * d),
           *c = malloc(sizeof(double) * k * d * d);
    if (w == NULL || m == NULL || c == NULL) return;
    double sum = 0.0;
    for (size_t i = 0; i < k; ++i) sum += (w[i] = 1.5 + h_uniform(&state));
    for (size_t i = 0; i < k; ++i) w[i] /= sum;
    for (size_t i = 0; i < k; ++i) {
      h_random_vec(d, &state, m + i * d);
      h_random_spd(d, &state, c + i * d * d);
    }
    g = NULL;
    /* The random weights are only normalised to rounding: the library renormalises them once. */
    if (gmmot_gmm_create(k, d, w, m, c, &g) >= 0) {
      char what[64];
      snprintf(what, sizeof what, "random K=%zu d=%zu", k, d);
      check_round_trip(g, what);
    } else {
      CHECK(!"random mixture created");
    }
    gmmot_gmm_destroy(g);
    free(w);
    free(m);
    free(c);
  }
}

static void expect_format_error(const unsigned char *p, size_t n, const char *needle,
                                const char *what) {
  gmmot_gmm_t *h = H_SENTINEL_GMM;
  const int st = gmmot_gmm_load(p, n, &h);
  CHECKF(st == GMMOT_E_FORMAT, "%s: status %d, expected GMMOT_E_FORMAT", what, st);
  CHECKF(h == H_SENTINEL_GMM, "%s: *out untouched", what);
  if (needle != NULL)
    CHECKF(h_msg_contains(needle), "%s: message \"%s\" mentions \"%s\"", what,
           gmmot_last_error_message(), needle);
  if (st >= 0 && h != H_SENTINEL_GMM) gmmot_gmm_destroy(h);
}

static void test_corrupt(void) {
  unsigned char buf[sizeof kGolden + 1];
  char what[64];
  /* Every truncation, and one byte too many. */
  for (size_t n = 0; n < sizeof kGolden; ++n) {
    snprintf(what, sizeof what, "truncated to %zu bytes", n);
    expect_format_error(kGolden, n, n < 40 ? "shorter" : "truncated", what);
  }
  memcpy(buf, kGolden, sizeof kGolden);
  buf[sizeof kGolden] = 0;
  expect_format_error(buf, sizeof kGolden + 1, "trailing", "one trailing byte");
  /* Every single-bit flip anywhere. */
  long refused = 0;
  for (size_t bit = 0; bit < 8 * sizeof kGolden; ++bit) {
    gmmot_gmm_t *h = H_SENTINEL_GMM;
    memcpy(buf, kGolden, sizeof kGolden);
    buf[bit / 8] ^= (unsigned char)(1u << (bit % 8));
    const int st = gmmot_gmm_load(buf, sizeof kGolden, &h);
    if (st == GMMOT_E_FORMAT && h == H_SENTINEL_GMM)
      ++refused;
    else if (st >= 0)
      gmmot_gmm_destroy(h);
  }
  CHECKF(refused == (long)(8 * sizeof kGolden), "all %zu single-bit flips refused (%ld were)",
         8 * sizeof kGolden, refused);
  /* Header fields, each with a valid checksum so that the field check itself is reached. */
  memcpy(buf, kGolden, sizeof kGolden);
  buf[8] = 2;
  reseal(buf, sizeof kGolden);
  expect_format_error(buf, sizeof kGolden, "version 2", "format version 2");
  memcpy(buf, kGolden, sizeof kGolden);
  buf[12] = 2; /* bit 1: reserved */
  reseal(buf, sizeof kGolden);
  expect_format_error(buf, sizeof kGolden, "flags", "reserved flag bit");
  memcpy(buf, kGolden, sizeof kGolden);
  buf[12] = 1; /* Student-t: a nu would follow the header, so 8 bytes are missing */
  reseal(buf, sizeof kGolden);
  expect_format_error(buf, sizeof kGolden, "truncated", "Student-t flag on a Gaussian file");
  memcpy(buf, kGolden, sizeof kGolden);
  put_u64(buf + 16, 0);
  reseal(buf, sizeof kGolden);
  expect_format_error(buf, sizeof kGolden, "K = 0", "K = 0");
  memcpy(buf, kGolden, sizeof kGolden);
  put_u64(buf + 16, UINT64_MAX / 2);
  reseal(buf, sizeof kGolden);
  expect_format_error(buf, sizeof kGolden, NULL, "huge K");
  memcpy(buf, kGolden, sizeof kGolden);
  put_u64(buf + 24, 3); /* d = 3 with K = 2 needs 40 + 8 * 26 bytes */
  reseal(buf, sizeof kGolden);
  expect_format_error(buf, sizeof kGolden, "truncated", "d inconsistent with the size");
  memcpy(buf, kGolden, sizeof kGolden);
  buf[0] = 'G';
  expect_format_error(buf, sizeof kGolden, "magic", "wrong magic");
}

/* Content that no gmmot_gmm_save writes, behind a valid checksum: the create-time checks. */
static void test_bad_content(void) {
  static const double w[1] = {1.0}, m[2] = {0.0, 0.0}, c[4] = {2.0, 0.5, 0.5, 1.0};
  unsigned char good[40 + 8 * 7], buf[40 + 8 * 7];
  gmmot_gmm_t *g = H_MAKE_GMM(1, 2, w, m, c), *h = H_SENTINEL_GMM;
  if (g == NULL) return;
  CHECK_OK(gmmot_gmm_save(g, good, sizeof good, NULL));
  gmmot_gmm_destroy(g);
  /* Layout: weights at 32, means at 40, covariances at 56 (entries 0..3). */
  memcpy(buf, good, sizeof buf);
  put_real(buf + 40, NAN);
  reseal(buf, sizeof buf);
  CHECK_ERROR(gmmot_gmm_load(buf, sizeof buf, &h), GMMOT_E_NONFINITE, "gmmot_gmm_load", "means");
  memcpy(buf, good, sizeof buf);
  put_real(buf + 32, 0.5);
  reseal(buf, sizeof buf);
  CHECK_ERROR(gmmot_gmm_load(buf, sizeof buf, &h), GMMOT_E_WEIGHTS, "gmmot_gmm_load", "weights");
  memcpy(buf, good, sizeof buf);
  put_real(buf + 64, 0.25); /* S[0][1] != S[1][0] */
  reseal(buf, sizeof buf);
  expect_format_error(buf, sizeof buf, "symmetric", "asymmetric covariance");
  /* Symmetric by value, not by bits: +0.0 facing -0.0 (validation would silently rewrite it). */
  memcpy(buf, good, sizeof buf);
  put_real(buf + 64, 0.0);
  put_real(buf + 72, -0.0);
  reseal(buf, sizeof buf);
  expect_format_error(buf, sizeof buf, "symmetric", "+0.0 facing -0.0");
  memcpy(buf, good, sizeof buf);
  put_real(buf + 64, 5.0);
  put_real(buf + 72, 5.0); /* [[2, 5], [5, 1]] is indefinite */
  reseal(buf, sizeof buf);
  CHECK_ERROR(gmmot_gmm_load(buf, sizeof buf, &h), GMMOT_E_NOT_PSD, "gmmot_gmm_load", "covs");
  CHECK(h == H_SENTINEL_GMM);
}

static void test_files(void) {
  static const double w[2] = {0.25, 0.75}, m[2] = {-1.5, 2.0}, c[2] = {0.5, 0.0};
  char dir[] = "/tmp/gmmot-io-XXXXXX", path[128], bad[160], cmd[256];
  unsigned char bytes[200];
  gmmot_gmm_t *g = H_MAKE_GMM(2, 1, w, m, c), *h = H_SENTINEL_GMM;
  if (g == NULL) return;
  if (mkdtemp(dir) == NULL) {
    CHECK(!"mkdtemp");
    gmmot_gmm_destroy(g);
    return;
  }
  snprintf(path, sizeof path, "%s/mix.gmm", dir);
  CHECK_OK(gmmot_gmm_save_file(g, path));
  FILE *f = fopen(path, "rb");
  size_t n = f != NULL ? fread(bytes, 1, sizeof bytes, f) : 0;
  if (f != NULL) fclose(f);
  CHECK(n == sizeof kGolden && memcmp(bytes, kGolden, n) == 0);
  CHECK_OK(gmmot_gmm_load_file(path, &h));
  if (h != H_SENTINEL_GMM) {
    check_round_trip(h, "loaded from a file");
    gmmot_gmm_destroy(h);
  }
  /* Saving again replaces the file. */
  CHECK_OK(gmmot_gmm_save_file(g, path));
  /* A missing file, a directory, a missing folder: GMMOT_E_IO naming the path; nothing left. */
  h = H_SENTINEL_GMM;
  snprintf(bad, sizeof bad, "%s/missing.gmm", dir);
  CHECK_ERROR(gmmot_gmm_load_file(bad, &h), GMMOT_E_IO, "gmmot_gmm_load_file", NULL);
  CHECK(h_msg_contains("missing.gmm"));
  CHECK_ERROR(gmmot_gmm_load_file(dir, &h), GMMOT_E_IO, "gmmot_gmm_load_file", NULL);
  snprintf(bad, sizeof bad, "%s/no/such/folder.gmm", dir);
  CHECK_ERROR(gmmot_gmm_save_file(g, bad), GMMOT_E_IO, "gmmot_gmm_save_file", NULL);
  CHECK(h_msg_contains("folder.gmm"));
  CHECK_ERROR(gmmot_gmm_save_file(NULL, path), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_save_file",
              "gmm");
  CHECK_ERROR(gmmot_gmm_save_file(g, NULL), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_save_file",
              "path");
  CHECK_ERROR(gmmot_gmm_load_file(NULL, &h), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_load_file",
              "path");
  CHECK(h == H_SENTINEL_GMM);
  /* A corrupt file: the format error names the file. */
  f = fopen(path, "r+b");
  if (f != NULL) {
    fseek(f, 50, SEEK_SET);
    fputc(0x55, f);
    fclose(f);
  }
  CHECK_ERROR(gmmot_gmm_load_file(path, &h), GMMOT_E_FORMAT, "gmmot_gmm_load_file", NULL);
  CHECK(h_msg_contains("mix.gmm") && h_msg_contains("checksum"));
  /* A folder at the path, a trailing slash, an empty path: refused, nothing created. */
  char sub[64];
  snprintf(sub, sizeof sub, "%s/sub", dir);
  CHECK(mkdir(sub, 0755) == 0);
  CHECK_ERROR(gmmot_gmm_save_file(g, sub), GMMOT_E_IO, "gmmot_gmm_save_file", NULL);
  snprintf(bad, sizeof bad, "%s/", sub);
  CHECK_ERROR(gmmot_gmm_save_file(g, bad), GMMOT_E_IO, "gmmot_gmm_save_file", NULL);
  snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", sub);
  CHECK(system(cmd) == 0);
  CHECK(rmdir(sub) == 0);
  CHECK_ERROR(gmmot_gmm_save_file(g, ""), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_save_file", "path");
  CHECK_ERROR(gmmot_gmm_load_file("", &h), GMMOT_E_INVALID_ARGUMENT, "gmmot_gmm_load_file", "path");
  /* An endless input is refused after its first bytes (the header), never read to its end. */
  CHECK_ERROR(gmmot_gmm_load_file("/dev/zero", &h), GMMOT_E_FORMAT, "gmmot_gmm_load_file", NULL);
  CHECK(h_msg_contains("magic"));
  CHECK(h == H_SENTINEL_GMM);
  /* Only mix.gmm is in the folder: no temporary file was left behind. */
  snprintf(cmd, sizeof cmd, "test \"$(ls -A %s)\" = mix.gmm", dir);
  CHECK(system(cmd) == 0);
  remove(path);
  rmdir(dir);
  gmmot_gmm_destroy(g);
}

/* Links, permission bits, long names, wrong file sizes. */
static void test_file_details(void) {
  static const double w[2] = {0.25, 0.75}, m[2] = {-1.5, 2.0}, c[2] = {0.5, 0.0};
  char dir[] = "/tmp/gmmot-io2-XXXXXX", target[128], link[128], name[400], cmd[600];
  unsigned char bytes[200];
  gmmot_gmm_t *g = H_MAKE_GMM(2, 1, w, m, c), *h = NULL;
  struct stat st;
  if (g == NULL) return;
  if (mkdtemp(dir) == NULL) {
    CHECK(!"mkdtemp");
    gmmot_gmm_destroy(g);
    return;
  }
  /* Through a symbolic link: the target is replaced, the link kept. */
  snprintf(target, sizeof target, "%s/target.gmm", dir);
  snprintf(link, sizeof link, "%s/link.gmm", dir);
  FILE *f = fopen(target, "wb");
  if (f != NULL) {
    fputs("old", f);
    fclose(f);
  }
  CHECK(symlink("target.gmm", link) == 0);
  CHECK_OK(gmmot_gmm_save_file(g, link));
  CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
  f = fopen(target, "rb");
  size_t n = f != NULL ? fread(bytes, 1, sizeof bytes, f) : 0;
  if (f != NULL) fclose(f);
  CHECK(n == sizeof kGolden && memcmp(bytes, kGolden, n) == 0);
  /* A replaced file keeps its permission bits. */
  CHECK(chmod(target, 0600) == 0);
  CHECK_OK(gmmot_gmm_save_file(g, target));
  CHECK(stat(target, &st) == 0 && (st.st_mode & 07777) == 0600);
  /* A name as long as the file system allows (the temporary's name does not grow with it). */
  memset(name, 0, sizeof name);
  snprintf(name, sizeof name, "%s/", dir);
  for (size_t i = strlen(name), end = i + 250; i < end; ++i) name[i] = 'n';
  CHECK_OK(gmmot_gmm_save_file(g, name));
  CHECK_OK(gmmot_gmm_load_file(name, &h));
  gmmot_gmm_destroy(h);
  h = H_SENTINEL_GMM;
  /* A truncated file and one with a trailing byte: the message gives both sizes. */
  f = fopen(target, "ab");
  if (f != NULL) {
    fputc(0, f);
    fclose(f);
  }
  CHECK_ERROR(gmmot_gmm_load_file(target, &h), GMMOT_E_FORMAT, "gmmot_gmm_load_file", NULL);
  CHECK(h_msg_contains("89") && h_msg_contains("88") && h_msg_contains("trailing"));
  CHECK(truncate(target, 60) == 0);
  CHECK_ERROR(gmmot_gmm_load_file(target, &h), GMMOT_E_FORMAT, "gmmot_gmm_load_file", NULL);
  CHECK(h_msg_contains("truncated"));
  CHECK(h == H_SENTINEL_GMM);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  CHECK(system(cmd) == 0);
  gmmot_gmm_destroy(g);
}

void test_gmm_io(void) {
  test_golden();
  test_round_trips();
  test_corrupt();
  test_bad_content();
  test_files();
  test_file_details();
}
