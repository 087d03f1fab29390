/* SPDX-License-Identifier: MIT */
/* Compiled without the project's strict warnings: it includes the stb single-file libraries
 * (Debian's libstb-dev), whose code is not ours.
 * Fast paths where Debian's codecs are available (GMMOT_HAVE_FAST_IO): JPEG decoded by
 * libjpeg-turbo and PNG by libpng straight into 8-bit rows, and PNG written by our own encoder
 * over zlib at level 1 with the image split into one band per core, each band filtered and
 * deflated on its own thread (the bands' raw deflate streams end on a byte boundary with
 * Z_FULL_FLUSH, so their concatenation is one valid stream; adler32_combine joins the
 * checksums). A 12-megapixel PNG is written in a fraction of a second instead of seconds. */
#include "image_io.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *image_io_program = "gmmot-color-transfer";

#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#ifdef GMMOT_HAVE_FAST_IO
#include <jerror.h>
#include <jpeglib.h>
#include <png.h>
#include <pthread.h>
#include <setjmp.h>
#include <unistd.h>
#include <zlib.h>
#endif

/* 8-bit pixels as decoded: w x h x channels. free_fn frees data. */
typedef struct {
  unsigned char *data;
  int w, h, channels;
  int from_stb;
} decoded;

#ifdef GMMOT_HAVE_FAST_IO
struct jpeg_fail {
  struct jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  const char *path; /* for the warnings */
};

static void jpeg_fail_exit(j_common_ptr cinfo) {
  struct jpeg_fail *f = (struct jpeg_fail *)cinfo->err;
  (*cinfo->err->format_message)(cinfo, f->message);
  longjmp(f->jump, 1);
}

/* libjpeg only warns about data it cannot decode (msg_level < 0) and goes on filling the lost
 * rows with grey: the program would then recolour an image that is not the file's, and a header
 * whose size is far beyond its data would make it fill gigabytes. Lost data is an error here,
 * as stb_image treats it; the other warnings (extraneous bytes before a marker, a bogus ICC
 * profile and the like, common in camera files that decode fine) are printed with the file's
 * name; trace messages (msg_level >= 0) are dropped. */
static void jpeg_warning(j_common_ptr cinfo, int msg_level) {
  struct jpeg_fail *f = (struct jpeg_fail *)cinfo->err;
  const int code = cinfo->err->msg_code;
  if (msg_level >= 0) return;
  if (code == JWRN_JPEG_EOF || code == JWRN_HIT_MARKER || code == JWRN_HUFF_BAD_CODE ||
      code == JWRN_MUST_RESYNC)
    (*cinfo->err->error_exit)(cinfo);
  (*cinfo->err->format_message)(cinfo, f->message);
  fprintf(stderr, "%s: warning: %s: %s\n", image_io_program, f->path, f->message);
}

/* A JPEG source converted to doubles while it decodes (load_rgb_pair): the decoder publishes
 * how many rows are decoded, and the calling thread and a helper convert finished chunks of
 * rows, so the conversion (and the first touch of the 8-bytes-a-value image, whose page faults
 * cost as much as the conversion) runs beside the single-threaded decoder. */
typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t more; /* rows were decoded, or the decode ended */
  const unsigned char *bytes;
  double *rgb; /* NULL until the header is read */
  size_t width, rows;
  size_t decoded; /* rows decoded so far */
  size_t next;    /* the next chunk to convert */
  int ended;      /* the decode ended (all rows, or failed) */
  int failed;
} stream_job;

enum { kStreamChunk = 32 }; /* rows converted at a time */

static double stream_scale[256]; /* i / 255, as load_rgb: set before the helper starts */

/* Converts chunks whose rows are decoded; returns when none is left. The decoder (wait = 0)
 * returns as soon as the next chunk is not decoded yet (back to decoding; so neither thread
 * idles); the helper (wait = 1) waits for it. */

static void stream_convert(stream_job *j, int wait) {
  const double *scale = stream_scale;
  for (;;) {
    size_t r0, r1, k, n;
    const unsigned char *src;
    double *dst;
    pthread_mutex_lock(&j->lock);
    for (;;) {
      r0 = j->next * kStreamChunk;
      r1 = r0 + kStreamChunk < j->rows ? r0 + kStreamChunk : j->rows;
      if (j->failed || (j->rgb != NULL && r0 >= j->rows)) break;
      if (j->rgb != NULL && j->decoded >= r1) break;
      if (!wait || j->ended) break;
      pthread_cond_wait(&j->more, &j->lock);
    }
    if (j->failed || j->rgb == NULL || r0 >= j->rows || j->decoded < r1) {
      pthread_mutex_unlock(&j->lock);
      return;
    }
    ++j->next;
    pthread_mutex_unlock(&j->lock);
    n = (r1 - r0) * j->width * 3;
    src = j->bytes + r0 * j->width * 3;
    dst = j->rgb + r0 * j->width * 3;
    for (k = 0; k < n; ++k) dst[k] = scale[src[k]];
  }
}

static void stream_publish(stream_job *j, size_t decoded, int ended, int failed) {
  pthread_mutex_lock(&j->lock);
  j->decoded = decoded;
  j->ended |= ended;
  j->failed |= failed;
  pthread_cond_broadcast(&j->more);
  pthread_mutex_unlock(&j->lock);
}

/* job: NULL, or the stream whose doubles are allocated and converted as rows come in (then
 * the 8-bit rows are kept in out->data even on failure, for the caller to free once the
 * helper has stopped reading them). */
static int decode_jpeg(const char *path, decoded *out, const char **why, stream_job *job) {
  static char reason[JMSG_LENGTH_MAX];
  struct jpeg_decompress_struct cinfo;
  struct jpeg_fail err;
  FILE *f = fopen(path, "rb");
  unsigned char *volatile data = NULL;
  if (f == NULL) {
    *why = "cannot open the file";
    return 1;
  }
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_fail_exit;
  err.mgr.emit_message = jpeg_warning;
  err.path = path;
  if (setjmp(err.jump)) {
    strcpy(reason, err.message);
    *why = reason;
    jpeg_destroy_decompress(&cinfo);
    fclose(f);
    if (job != NULL) {
      stream_publish(job, 0, 1, 1);
      out->data = data;
    } else {
      free(data);
    }
    return 1;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_stdio_src(&cinfo, f);
  jpeg_read_header(&cinfo, TRUE);
  cinfo.out_color_space = JCS_RGB; /* grey and YCbCr JPEGs alike come out as RGB */
  cinfo.dct_method = JDCT_ISLOW;
  jpeg_start_decompress(&cinfo);
  data = (unsigned char *)malloc((size_t)cinfo.output_width * cinfo.output_height * 3);
  if (job != NULL && data != NULL) {
    double *rgb =
        (double *)malloc((size_t)cinfo.output_width * cinfo.output_height * 3 * sizeof(double));
    pthread_mutex_lock(&job->lock);
    job->bytes = data, job->rgb = rgb;
    job->width = cinfo.output_width, job->rows = cinfo.output_height;
    pthread_mutex_unlock(&job->lock);
    if (rgb == NULL) free(data), data = NULL, job->bytes = NULL;
  }
  if (data == NULL) {
    *why = "out of memory";
    jpeg_destroy_decompress(&cinfo);
    fclose(f);
    if (job != NULL) stream_publish(job, 0, 1, 1);
    return 1;
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW rows[16];
    const size_t y = cinfo.output_scanline;
    int k;
    for (k = 0; k < 16; ++k)
      rows[k] =
          data + (y + (size_t)k < cinfo.output_height ? y + (size_t)k : y) * cinfo.output_width * 3;
    jpeg_read_scanlines(&cinfo, rows, 16);
    if (job != NULL && cinfo.output_scanline / kStreamChunk != y / kStreamChunk) {
      stream_publish(job, cinfo.output_scanline, 0, 0);
      stream_convert(job, 0);
    }
  }
  out->data = data;
  out->w = (int)cinfo.output_width;
  out->h = (int)cinfo.output_height;
  out->channels = 3;
  out->from_stb = 0;
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  fclose(f);
  if (job != NULL) stream_publish(job, job->rows, 1, 0);
  return 0;
}

static int decode_png(const char *path, decoded *out, const char **why) {
  static char reason[64];
  png_image image;
  memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path)) {
    snprintf(reason, sizeof reason, "%s", image.message);
    *why = reason;
    return 1;
  }
  if ((image.format & PNG_FORMAT_FLAG_COLOR) == 0) {
    png_image_free(&image);
    out->channels = 1; /* reported as grey levels by the caller */
    out->data = NULL;
    return 2;
  }
  image.format = PNG_FORMAT_RGB; /* alpha dropped, 16-bit reduced to 8 */
  out->data = (unsigned char *)malloc(PNG_IMAGE_SIZE(image));
  if (out->data == NULL) {
    png_image_free(&image);
    *why = "out of memory";
    return 1;
  }
  if (!png_image_finish_read(&image, NULL, out->data, 0, NULL)) {
    snprintf(reason, sizeof reason, "%s", image.message);
    *why = reason;
    free(out->data);
    return 1;
  }
  out->w = (int)image.width;
  out->h = (int)image.height;
  out->channels = 3;
  out->from_stb = 0;
  return 0;
}
#endif

/* Decodes a PNG or JPEG file; 0 on success, otherwise prints the reason and returns 1. */
static int decode(const char *path, decoded *out) {
  const char *why = NULL;
#ifdef GMMOT_HAVE_FAST_IO
  unsigned char magic[4] = {0, 0, 0, 0};
  FILE *f = fopen(path, "rb");
  if (f != NULL) {
    size_t got = fread(magic, 1, 4, f);
    fclose(f);
    if (got == 4 && magic[0] == 0xFF && magic[1] == 0xD8) {
      if (decode_jpeg(path, out, &why, NULL) == 0) return 0;
      fprintf(stderr, "%s: cannot read %s: %s\n", image_io_program, path, why);
      return 1;
    }
    if (got == 4 && magic[0] == 0x89 && magic[1] == 'P' && magic[2] == 'N' && magic[3] == 'G') {
      const int st = decode_png(path, out, &why);
      if (st == 0) return 0;
      if (st == 2) {
        fprintf(stderr, "%s: %s has 1 channel (grey levels); an RGB or RGBA image is needed\n",
                image_io_program, path);
        return 1;
      }
      fprintf(stderr, "%s: cannot read %s: %s\n", image_io_program, path, why);
      return 1;
    }
  }
#endif
  out->data = stbi_load(path, &out->w, &out->h, &out->channels, 0);
  out->from_stb = 1;
  if (out->data == NULL) {
    fprintf(stderr, "%s: cannot read %s: %s\n", image_io_program, path, stbi_failure_reason());
    return 1;
  }
  if (out->channels != 3 && out->channels != 4) {
    fprintf(stderr, "%s: %s has %d channel%s (%s); an RGB or RGBA image is needed\n",
            image_io_program, path, out->channels, out->channels == 1 ? "" : "s",
            out->channels <= 2 ? "grey levels" : "unknown");
    stbi_image_free(out->data);
    return 1;
  }
  (void)why;
  return 0;
}

static void release(decoded *d) {
  if (d->from_stb) {
    stbi_image_free(d->data);
  } else {
    free(d->data);
  }
}

int load_rgb(const char *path, int shrink, rgb_image *out) {
  decoded img;
  size_t W, H, x, y, i;
  double scale[256];
  if (decode(path, &img) != 0) return 1;
  if (shrink < 1) shrink = 1;
  W = (size_t)img.w / (size_t)shrink;
  H = (size_t)img.h / (size_t)shrink;
  if (W == 0 || H == 0) {
    fprintf(stderr, "%s: %s (%dx%d) is smaller than the shrink factor %d\n", image_io_program, path,
            img.w, img.h, shrink);
    release(&img);
    return 1;
  }
  out->rgb = (double *)malloc(W * H * 3 * sizeof(double));
  if (out->rgb == NULL) {
    fprintf(stderr, "%s: out of memory reading %s\n", image_io_program, path);
    release(&img);
    return 1;
  }
  out->width = W;
  out->height = H;
  for (i = 0; i < 256; ++i) scale[i] = (double)i / 255.0;
  if (shrink == 1 && img.channels == 3) {
    const size_t n = W * H * 3;
    for (i = 0; i < n; ++i) out->rgb[i] = scale[img.data[i]];
    release(&img);
    return 0;
  }
  for (y = 0; y < H; ++y) {
    for (x = 0; x < W; ++x) {
      double sum[3] = {0.0, 0.0, 0.0};
      size_t dy, dx, c;
      for (dy = 0; dy < (size_t)shrink; ++dy) {
        for (dx = 0; dx < (size_t)shrink; ++dx) {
          const unsigned char *p =
              img.data +
              (((y * shrink + dy) * (size_t)img.w) + x * shrink + dx) * (size_t)img.channels;
          for (c = 0; c < 3; ++c) sum[c] += p[c];
        }
      }
      for (c = 0; c < 3; ++c)
        out->rgb[(y * W + x) * 3 + c] = sum[c] / (255.0 * (double)(shrink * shrink));
    }
  }
  release(&img);
  return 0;
}

#ifndef GMMOT_HAVE_FAST_IO
static unsigned char *to_bytes(const char *path, size_t n, const double *rgb) {
  size_t i;
  unsigned char *bytes = (unsigned char *)malloc(n);
  if (bytes == NULL) {
    fprintf(stderr, "%s: out of memory writing %s\n", image_io_program, path);
    return NULL;
  }
  for (i = 0; i < n; ++i) {
    const double v = rgb[i] < 0.0 ? 0.0 : rgb[i] > 1.0 ? 1.0 : rgb[i];
    bytes[i] = (unsigned char)(v * 255.0 + 0.5);
  }
  return bytes;
}
#endif

#ifdef GMMOT_HAVE_FAST_IO
/* One band of rows: filtered ("Up", PNG filter type 2: photographs compress well with it and it
 * is one subtraction a byte) and deflated at level 1 as a raw stream. */
typedef struct {
  const double *rgb;
  size_t width, row0, row1, last_row;
  unsigned char *z; /* compressed bytes */
  size_t z_len;
  uLong adler; /* of the band's filtered bytes */
  uLong crc;   /* of its IDAT chunk (type and data), computed on the band's thread */
  uLong raw_len;
  int failed;
} band;

/* Rows filtered and deflated at a time: the strip stays in L2 between the conversion, the
 * checksum and deflate (zlib's output does not depend on how its input is cut). */
enum { kStripRows = 16 };

static uLong chunk_crc(const char *type, const unsigned char *data, size_t len);

static void *encode_band(void *arg) {
  band *b = (band *)arg;
  const size_t stride = b->width * 3, rows = b->row1 - b->row0;
  const size_t strip_rows = rows < kStripRows ? rows : kStripRows;
  unsigned char *raw = (unsigned char *)malloc(strip_rows * (stride + 1));
  unsigned char *prev = (unsigned char *)calloc(stride, 1), *cur = (unsigned char *)malloc(stride);
  z_stream zs;
  size_t y, x, cap;
  int ok = 1;
  uLong adler = adler32(0L, Z_NULL, 0);
  b->failed = 1;
  if (raw == NULL || prev == NULL || cur == NULL) goto out;
  if (b->row0 > 0) {
    const double *p = b->rgb + (b->row0 - 1) * stride;
    for (x = 0; x < stride; ++x) {
      const double v = p[x] < 0.0 ? 0.0 : p[x] > 1.0 ? 1.0 : p[x];
      prev[x] = (unsigned char)(v * 255.0 + 0.5);
    }
  }
  memset(&zs, 0, sizeof zs);
  if (deflateInit2(&zs, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) goto out;
  b->raw_len = (uLong)(rows * (stride + 1));
  cap = deflateBound(&zs, b->raw_len) + 16;
  b->z = (unsigned char *)malloc(cap);
  if (b->z == NULL) {
    deflateEnd(&zs);
    goto out;
  }
  zs.next_out = b->z;
  zs.avail_out = (uInt)cap;
  for (y = b->row0; ok && y < b->row1; y += strip_rows) {
    const size_t y1 = y + strip_rows < b->row1 ? y + strip_rows : b->row1;
    const int last = y1 == b->row1;
    size_t r;
    for (r = y; r < y1; ++r) {
      const double *p = b->rgb + r * stride;
      unsigned char *line = raw + (r - y) * (stride + 1), *t;
      for (x = 0; x < stride; ++x) {
        const double v = p[x] < 0.0 ? 0.0 : p[x] > 1.0 ? 1.0 : p[x];
        cur[x] = (unsigned char)(v * 255.0 + 0.5);
      }
      line[0] = 2;
      for (x = 0; x < stride; ++x) line[1 + x] = (unsigned char)(cur[x] - prev[x]);
      t = prev, prev = cur, cur = t;
    }
    adler = adler32(adler, raw, (uInt)((y1 - y) * (stride + 1)));
    zs.next_in = raw;
    zs.avail_in = (uInt)((y1 - y) * (stride + 1));
    if (!last) {
      ok = deflate(&zs, Z_NO_FLUSH) == Z_OK && zs.avail_in == 0;
    } else if (b->row1 == b->last_row) {
      ok = deflate(&zs, Z_FINISH) == Z_STREAM_END;
    } else {
      ok = deflate(&zs, Z_FULL_FLUSH) == Z_OK && zs.avail_in == 0;
    }
  }
  if (rows == 0) { /* no rows: only the end of the stream (or nothing) */
    zs.avail_in = 0;
    ok = b->row1 == b->last_row ? deflate(&zs, Z_FINISH) == Z_STREAM_END
                                : deflate(&zs, Z_FULL_FLUSH) == Z_OK;
  }
  if (ok) {
    b->crc = chunk_crc("IDAT", b->z, cap - zs.avail_out);
    b->adler = adler;
    b->z_len = cap - zs.avail_out;
    b->failed = 0;
  }
  deflateEnd(&zs);
out:
  free(raw);
  free(prev);
  free(cur);
  return NULL;
}

static void put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

static uLong chunk_crc(const char *type, const unsigned char *data, size_t len) {
  uLong crc = crc32(crc32(0L, Z_NULL, 0), (const Bytef *)type, 4);
  return len > 0 ? crc32(crc, data, (uInt)len) : crc;
}

/* crc: the chunk's CRC when known (a band's), else computed here (pass chunk_unknown). */
#define chunk_unknown ((uLong)-1)
static int write_chunk_crc(FILE *f, const char *type, const unsigned char *data, size_t len,
                           uLong crc) {
  unsigned char head[8];
  if (crc == chunk_unknown) crc = chunk_crc(type, data, len);
  put32(head, (uint32_t)len);
  memcpy(head + 4, type, 4);
  if (fwrite(head, 1, 8, f) != 8) return 1;
  if (len > 0 && fwrite(data, 1, len, f) != len) return 1;
  put32(head, (uint32_t)crc);
  return fwrite(head, 1, 4, f) != 4;
}

static int write_chunk(FILE *f, const char *type, const unsigned char *data, size_t len) {
  return write_chunk_crc(f, type, data, len, chunk_unknown);
}

static int save_fast(const char *path, size_t width, size_t height, const double *rgb) {
  static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  size_t nb = cores < 1 ? 1 : cores > 16 ? 16 : (size_t)cores, i;
  band bands[16];
  pthread_t threads[16];
  unsigned char ihdr[13], zhead[2] = {0x78, 0x01}, tail[4];
  uLong adler = adler32(0L, Z_NULL, 0);
  FILE *f;
  int bad = 0;
  if (height < 64) nb = 1;
  for (i = 0; i < nb; ++i) {
    bands[i].rgb = rgb, bands[i].width = width;
    bands[i].row0 = height * i / nb, bands[i].row1 = height * (i + 1) / nb;
    bands[i].last_row = height, bands[i].z = NULL, bands[i].failed = 1;
  }
  for (i = 1; i < nb; ++i)
    if (pthread_create(&threads[i], NULL, encode_band, &bands[i]) != 0)
      encode_band(&bands[i]), threads[i] = 0;
  encode_band(&bands[0]);
  for (i = 1; i < nb; ++i)
    if (threads[i] != 0) pthread_join(threads[i], NULL);
  for (i = 0; i < nb; ++i) bad |= bands[i].failed;
  f = bad ? NULL : fopen(path, "wb");
  if (f != NULL) {
    put32(ihdr, (uint32_t)width), put32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8, ihdr[9] = 2, ihdr[10] = ihdr[11] = ihdr[12] = 0; /* 8-bit RGB */
    bad |= fwrite(signature, 1, 8, f) != 8;
    bad |= write_chunk(f, "IHDR", ihdr, 13);
    bad |= write_chunk(f, "IDAT", zhead, 2);
    for (i = 0; i < nb; ++i) {
      bad |= write_chunk_crc(f, "IDAT", bands[i].z, bands[i].z_len, bands[i].crc);
      adler = adler32_combine(adler, bands[i].adler, (z_off_t)bands[i].raw_len);
    }
    put32(tail, (uint32_t)adler);
    bad |= write_chunk(f, "IDAT", tail, 4);
    bad |= write_chunk(f, "IEND", NULL, 0);
    bad |= fclose(f) != 0;
  }
  for (i = 0; i < nb; ++i) free(bands[i].z);
  if (f == NULL || bad) {
    fprintf(stderr, "%s: cannot write %s\n", image_io_program, path);
    return 1;
  }
  return 0;
}
#endif

int save_rgb_png(const char *path, size_t width, size_t height, const double *rgb) {
#ifdef GMMOT_HAVE_FAST_IO
  return save_fast(path, width, height, rgb);
#else
  size_t n = width * height * 3;
  unsigned char *bytes = to_bytes(path, n, rgb);
  int ok;
  if (bytes == NULL) return 1;
  ok = stbi_write_png(path, (int)width, (int)height, 3, bytes, (int)(width * 3));
  free(bytes);
  if (!ok) {
    fprintf(stderr, "%s: cannot write %s\n", image_io_program, path);
    return 1;
  }
  return 0;
#endif
}

/* One after the other; on failure both are left empty. */
static int load_both(const char *first, const char *second, int shrink, rgb_image *a,
                     rgb_image *b) {
  a->rgb = b->rgb = NULL;
  if (load_rgb(first, shrink, a) == 0 && load_rgb(second, shrink, b) == 0) return 0;
  free_rgb(a);
  free_rgb(b);
  return 1;
}

#ifdef GMMOT_HAVE_FAST_IO
typedef struct {
  const char *path;
  int shrink, status;
  rgb_image *out;
  stream_job *job; /* the first image's conversion to help with, or NULL */
} second_load;

static void *load_second(void *arg) {
  second_load *s = (second_load *)arg;
  s->status = load_rgb(s->path, s->shrink, s->out);
  if (s->job != NULL) stream_convert(s->job, 1);
  return NULL;
}

static int is_jpeg(const char *path) {
  unsigned char magic[2] = {0, 0};
  FILE *f = fopen(path, "rb");
  size_t got = 0;
  if (f != NULL) got = fread(magic, 1, 2, f), fclose(f);
  return got == 2 && magic[0] == 0xFF && magic[1] == 0xD8;
}

/* The first image, a JPEG at full size, decoded on this thread while the helper converts its
 * rows; 0 on success (out filled), otherwise prints the reason and returns 1. */
static int load_streamed(const char *path, stream_job *job, rgb_image *out) {
  decoded img = {NULL, 0, 0, 0, 0};
  const char *why = NULL;
  const int bad = decode_jpeg(path, &img, &why, job);
  if (!bad) stream_convert(job, 1); /* the chunks the helper has not taken */
  if (bad) fprintf(stderr, "%s: cannot read %s: %s\n", image_io_program, path, why);
  out->rgb = bad ? NULL : job->rgb;
  out->width = bad ? 0 : job->width;
  out->height = bad ? 0 : job->rows;
  return bad;
}
#endif

int load_rgb_pair(const char *first, const char *second, int shrink, rgb_image *a, rgb_image *b) {
#ifdef GMMOT_HAVE_FAST_IO
  stream_job job;
  second_load s = {second, shrink, 1, b, NULL};
  pthread_t helper;
  int bad, streamed = shrink <= 1 && is_jpeg(first), i;
  a->rgb = b->rgb = NULL;
  if (streamed) {
    memset(&job, 0, sizeof job);
    if (pthread_mutex_init(&job.lock, NULL) != 0) return load_both(first, second, shrink, a, b);
    pthread_cond_init(&job.more, NULL);
    for (i = 0; i < 256; ++i) stream_scale[i] = (double)i / 255.0;
    s.job = &job;
  }
  if (pthread_create(&helper, NULL, load_second, &s) != 0) {
    if (streamed) pthread_cond_destroy(&job.more), pthread_mutex_destroy(&job.lock);
    return load_both(first, second, shrink, a, b);
  }
  bad = streamed ? load_streamed(first, &job, a) : load_rgb(first, shrink, a);
  if (streamed && bad) stream_publish(&job, 0, 1, 1); /* the helper stops converting */
  pthread_join(helper, NULL);
  if (streamed) {
    free((void *)job.bytes);
    if (bad) free(job.rgb);
    pthread_cond_destroy(&job.more);
    pthread_mutex_destroy(&job.lock);
  }
  if (bad || s.status != 0) {
    free_rgb(a);
    free_rgb(b);
    return 1;
  }
  return 0;
#else
  return load_both(first, second, shrink, a, b);
#endif
}

void free_rgb(rgb_image *img) {
  free(img->rgb);
  img->rgb = NULL;
}
