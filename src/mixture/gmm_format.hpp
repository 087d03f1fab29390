// SPDX-License-Identifier: MIT
// The saved-mixture format of gmmot/gmm_io.h (version 1): an endian-defined byte layout with a
// CRC-64 so that corrupt or truncated data is refused instead of loaded as a wrong mixture.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "mixture/gmm.hpp"

namespace gmmot {

inline constexpr std::uint32_t kGmmFormatVersion = 1;

// Header flag bit 0: a Student-t mixture; nu (binary64) follows the 32-byte header and the
// matrices are the scales. Other bits are reserved (refused).
inline constexpr std::uint32_t kGmmFlagStudentT = 1;

// 40 + 8 (K + K d + K d d), 8 more for a Student-t mixture; Errc::TooLarge if it does not fit
// in a size_t.
std::size_t saved_size(std::size_t k, std::size_t d, bool student_t);
inline std::size_t saved_size(const Gmm &g) {
  return saved_size(g.k(), g.d(), g.family().is_student_t());
}

// Writes exactly saved_size(g) bytes at out.
void save_gmm(const Gmm &g, unsigned char *out);

// The total size a saved mixture's header announces, from its first bytes (at least the 40 of
// the header and checksum): the magic, version, flags, K and d checked (Errc::Format).
std::size_t saved_size_from_header(const unsigned char *data, std::size_t len);

// Reads exactly one saved mixture from len bytes (Errc::Format names the failed check).
Gmm load_gmm(const unsigned char *data, std::size_t len);

// The same through a file: written to a temporary beside `path` and renamed over it, so a
// failure leaves `path` as it was (Errc::Io names the path and the system's reason).
void save_gmm_file(const Gmm &g, const std::string &path);
Gmm load_gmm_file(const std::string &path);

// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones) of n bytes.
std::uint64_t crc64_xz(const unsigned char *p, std::size_t n);

}  // namespace gmmot
