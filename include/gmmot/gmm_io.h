/* SPDX-License-Identifier: MIT */
/** @file gmm_io.h
 *  @brief Saving and loading mixtures: one documented, versioned binary format, to a buffer or
 *  a file.
 *
 * Fits of large images take seconds; these functions let users cache and exchange the fitted
 * mixtures (and let the bindings pickle them). Saving then loading gives a handle whose
 * weights, means and covariances are bit-for-bit those of the saved one, on any platform. Its
 * covariances are factored afresh, as gmmot_gmm_create factors them, so every result computed
 * from it (densities, distances, plans, maps) is bit-for-bit the saved handle's whenever that
 * one factored its covariances the same way: handles from gmmot_gmm_create, gmmot_gmm_load
 * and the other producers of mixtures. The exception is a mixture returned by EM
 * (gmmot/em.h), which keeps the Cholesky factors EM computed: its loaded copy's results agree
 * with its own only to rounding (relative differences of about 1e-15 in densities and up to
 * about 1e-13 in transport maps have been seen).
 *
 * Format, version 1. Every integer is unsigned little-endian; every real is an IEEE-754
 * binary64 stored little-endian (its 64-bit pattern as an unsigned little-endian integer), so
 * the bytes are the same whatever the host's byte order:
 *
 *     offset  size       field
 *     0       8          magic: the bytes 0x89 'G' 'M' 'M' 0x0D 0x0A 0x1A 0x0A
 *     8       4          format version: 1
 *     12      4          flags: 0 for a Gaussian mixture, 1 (bit 0) for a Student-t mixture
 *                        (@since 0.5); other bits are reserved and rejected
 *     16      8          K, the number of components (>= 1)
 *     24      8          d, the dimension (>= 1)
 *     32      8          Student-t only: nu, the degrees of freedom (finite, > 2)
 *     ...     8 K        the weights, as gmmot_gmm_copy_weights gives them
 *     ...     8 K d      the means, row-major
 *     ...     8 K d d    the covariances (Student-t: the scales, as gmmot_gmm_copy_scales
 *                        gives them), row-major, each d x d block contiguous
 *     end-8   8          CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones)
 *                        of every preceding byte
 *
 * so a saved mixture takes 40 + 8 (K + K d + K d d) bytes, 8 more for Student-t
 * (gmmot_gmm_saved_size). Version 0.4 readers refuse Student-t files (non-zero flags). A reader
 * rejects, with GMMOT_E_FORMAT and a message saying which check failed: a wrong magic, a
 * version it does not know, reserved flag bits, a saved nu that is not finite and > 2, K = 0 or
 * d = 0, sizes that overflow, a size that is not exactly the one K and d imply (truncated input
 * or trailing bytes), a checksum mismatch, and covariances (scales) that are not symmetric bit
 * for bit (+0.0 facing -0.0 included). The content is
 * then validated as gmmot_gmm_create validates it (finite entries, weights, positive semi-definite
 * covariances) with the same status codes. Weights that sum to 1 to rounding are kept bit for bit
 * (they are not divided by their sum again).
 *
 * Thread rule: as for every function taking a gmmot_gmm_t (gmmot/gmm.h). Saving to the same
 * file from two threads at once is safe (each save replaces the file whole; the last rename
 * wins). */
#ifndef GMMOT_GMM_IO_H
#define GMMOT_GMM_IO_H

#include <stddef.h>

#include "gmmot/export.h"
#include "gmmot/gmm.h"

GMMOT_BEGIN_DECLS

/** The current format version written by gmmot_gmm_save and gmmot_gmm_save_file. */
#define GMMOT_GMM_FORMAT_VERSION 1

/** *out_size = the number of bytes gmmot_gmm_save writes for this mixture,
 *  40 + 8 (K + K d + K d d).
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL), GMMOT_E_TOO_LARGE (the size does not fit
 *  in a size_t). @since 0.4 */
GMMOT_API int gmmot_gmm_saved_size(const gmmot_gmm_t *gmm, size_t *out_size) GMMOT_NOEXCEPT;

/** Write the mixture in the format above into out (capacity out_len bytes, at least
 *  gmmot_gmm_saved_size). *out_written (may be NULL) receives the number of bytes written.
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL gmm or out), GMMOT_E_BUFFER_TOO_SMALL
 *  (nothing written), GMMOT_E_TOO_LARGE. @since 0.4 */
GMMOT_API int gmmot_gmm_save(const gmmot_gmm_t *gmm, unsigned char *out, size_t out_len,
                             size_t *out_written) GMMOT_NOEXCEPT;

/** Read a mixture saved by gmmot_gmm_save from the len bytes at data (exactly one saved
 *  mixture: trailing bytes are an error). data is only read during the call, never kept.
 *  *out receives a new handle (gmmot_gmm_destroy).
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL data or out), GMMOT_E_FORMAT (wrong magic,
 *  unknown version or flags, K or d zero or overflowing, truncated or oversized input, checksum
 *  mismatch, asymmetric covariance), and the content errors of
 *  gmmot_gmm_create (GMMOT_E_NONFINITE, GMMOT_E_WEIGHTS, GMMOT_E_NOT_PSD) for data whose
 *  checksum is right but which no gmmot_gmm_save wrote; GMMOT_E_OUT_OF_MEMORY. On error *out is
 *  untouched. @since 0.4 */
GMMOT_API int gmmot_gmm_load(const unsigned char *data, size_t len,
                             gmmot_gmm_t **out) GMMOT_NOEXCEPT;

/** Save the mixture to the file at path (the platform's encoding), replacing any file there.
 *  The bytes are written to a temporary file in the same folder (".gmmot-tmp-<random>"),
 *  flushed and renamed over the file, and the folder is flushed, so a failure (disk full, no
 *  permission) leaves any previous file as it was, and the temporary is removed. Only a crash
 *  of the process during the save can leave a temporary behind. A symbolic link at path is
 *  followed: its target is replaced and the link kept. A replaced file keeps its permission
 *  bits (not its owner, nor its other hard links, which keep the old content); a new file gets
 *  0666 less the umask. A folder, a device or another non-regular file at path is not replaced
 *  (GMMOT_E_IO).
 *  Status: GMMOT_OK, GMMOT_E_INVALID_ARGUMENT (NULL, or path empty), GMMOT_E_IO (the message
 *  names the path and the system's reason), GMMOT_E_TOO_LARGE, GMMOT_E_OUT_OF_MEMORY.
 *  @since 0.4 */
GMMOT_API int gmmot_gmm_save_file(const gmmot_gmm_t *gmm, const char *path) GMMOT_NOEXCEPT;

/** Load a mixture from a file written by gmmot_gmm_save_file (or any file holding exactly the
 *  bytes of gmmot_gmm_save). The header is read first and nothing beyond the size it announces
 *  (plus one byte, to detect trailing data), so an endless or huge input (a device, a FIFO, a
 *  sparse file) is refused after its first bytes; a FIFO with no writer blocks in the open, as
 *  any read of it would. Status: as gmmot_gmm_load (the messages name the file), plus
 *  GMMOT_E_INVALID_ARGUMENT (path empty) and GMMOT_E_IO (cannot open or read the file, or path
 *  is a folder; the message names the path and the reason). On error *out is untouched.
 *  @since 0.4 */
GMMOT_API int gmmot_gmm_load_file(const char *path, gmmot_gmm_t **out) GMMOT_NOEXCEPT;

GMMOT_END_DECLS

#endif /* GMMOT_GMM_IO_H */
