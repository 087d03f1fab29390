// SPDX-License-Identifier: MIT
#include "mixture/gmm_format.hpp"

#include <array>
#include <cmath>
#include <cstring>

#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {
namespace {

constexpr unsigned char kMagic[8] = {0x89, 'G', 'M', 'M', 0x0D, 0x0A, 0x1A, 0x0A};
constexpr std::size_t kHeader = 32, kTrailer = 8;

std::array<std::uint64_t, 256> make_crc_table() {
  std::array<std::uint64_t, 256> t{};
  for (std::uint64_t i = 0; i < 256; ++i) {
    std::uint64_t c = i;
    for (int b = 0; b < 8; ++b) c = (c & 1U) != 0 ? (c >> 1) ^ 0xC96C5795D7870F42ULL : c >> 1;
    t[i] = c;
  }
  return t;
}

void put_u64(unsigned char *p, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
void put_u32(unsigned char *p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
std::uint64_t get_u64(const unsigned char *p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint32_t get_u32(const unsigned char *p) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// Reals travel as their bit patterns, so every value (signed zeros, subnormals) round-trips.
unsigned char *put_reals(unsigned char *p, const std::vector<double> &v) {
  for (double x : v) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &x, sizeof bits);
    put_u64(p, bits);
    p += 8;
  }
  return p;
}
const unsigned char *get_reals(const unsigned char *p, std::size_t n, std::vector<double> &v) {
  v.resize(n);
  for (std::size_t i = 0; i < n; ++i, p += 8) {
    const std::uint64_t bits = get_u64(p);
    std::memcpy(&v[i], &bits, sizeof bits);
  }
  return p;
}

[[noreturn]] void bad(const std::string &why) { fail(Errc::Format, why); }

}  // namespace

std::uint64_t crc64_xz(const unsigned char *p, std::size_t n) {
  static const std::array<std::uint64_t, 256> table = make_crc_table();
  std::uint64_t c = ~0ULL;
  for (std::size_t i = 0; i < n; ++i) c = table[(c ^ p[i]) & 0xFFU] ^ (c >> 8);
  return ~c;
}

std::size_t saved_size(std::size_t k, std::size_t d, bool student_t) {
  const std::size_t kd = checked_mul(k, d, "K*d");
  const std::size_t kdd = checked_mul(kd, d, "K*d*d");
  const std::size_t reals = checked_add(checked_add(k, kd, "K+K*d"), kdd, "K+K*d+K*d*d");
  return checked_add(checked_mul(reals, 8, "8*(K+K*d+K*d*d)"),
                     kHeader + kTrailer + (student_t ? 8 : 0), "the saved size");
}

void save_gmm(const Gmm &g, unsigned char *out) {
  const std::size_t size = saved_size(g);
  const bool t = g.family().is_student_t();
  std::memcpy(out, kMagic, sizeof kMagic);
  put_u32(out + 8, kGmmFormatVersion);
  put_u32(out + 12, t ? kGmmFlagStudentT : 0);
  put_u64(out + 16, g.k());
  put_u64(out + 24, g.d());
  unsigned char *p = out + kHeader;
  if (t) p = put_reals(p, std::vector<double>{g.family().nu()});
  p = put_reals(p, g.weights());
  p = put_reals(p, g.means());
  p = put_reals(p, g.scales());
  put_u64(p, crc64_xz(out, size - kTrailer));
}

std::size_t saved_size_from_header(const unsigned char *data, std::size_t len) {
  if (len < kHeader + kTrailer) {
    bad("the data is " + std::to_string(len) + " bytes, shorter than the " +
        std::to_string(kHeader + kTrailer) + "-byte header and checksum (truncated?)");
  }
  if (std::memcmp(data, kMagic, sizeof kMagic) != 0)
    bad("the data does not start with the saved-mixture magic bytes (not a libgmmot mixture)");
  const std::uint32_t version = get_u32(data + 8), flags = get_u32(data + 12);
  if (version != kGmmFormatVersion) {
    bad("format version " + std::to_string(version) + " is not one this library reads (" +
        std::to_string(kGmmFormatVersion) + "): written by a newer libgmmot, or corrupt");
  }
  if ((flags & ~kGmmFlagStudentT) != 0) {
    bad("the flags field is " + std::to_string(flags) +
        " (this library knows only bit 0, Student-t: written by a newer libgmmot, or corrupt)");
  }
  const std::uint64_t k64 = get_u64(data + 16), d64 = get_u64(data + 24);
  if (k64 == 0 || d64 == 0)
    bad("the header says K = " + std::to_string(k64) + ", d = " + std::to_string(d64));
  if (k64 > SIZE_MAX || d64 > SIZE_MAX) bad("K or d does not fit in a size_t");
  const auto k = static_cast<std::size_t>(k64), d = static_cast<std::size_t>(d64);
  try {
    return saved_size(k, d, (flags & kGmmFlagStudentT) != 0);
  } catch (const Error &) {
    bad("the header's K = " + std::to_string(k) + ", d = " + std::to_string(d) +
        " imply more data than any array can hold (corrupt header?)");
  }
}

Gmm load_gmm(const unsigned char *data, std::size_t len) {
  const std::size_t expected = saved_size_from_header(data, len);
  const auto k = static_cast<std::size_t>(get_u64(data + 16));
  const auto d = static_cast<std::size_t>(get_u64(data + 24));
  if (len != expected) {
    bad("the data is " + std::to_string(len) + " bytes but K = " + std::to_string(k) +
        ", d = " + std::to_string(d) + " need exactly " + std::to_string(expected) +
        (len < expected ? " (truncated)" : " (trailing bytes)"));
  }
  const std::uint64_t stored = get_u64(data + len - kTrailer);
  const std::uint64_t actual = crc64_xz(data, len - kTrailer);
  if (stored != actual) bad("checksum mismatch: the data is corrupt");
  const bool t = (get_u32(data + 12) & kGmmFlagStudentT) != 0;
  std::vector<double> nu, w, m, s;
  const unsigned char *p = data + kHeader;
  if (t) p = get_reals(p, 1, nu);
  p = get_reals(p, k, w);
  p = get_reals(p, k * d, m);
  get_reals(p, k * d * d, s);
  // gmmot_gmm_save writes the stored covariances, symmetric bit for bit: anything else (also
  // +0.0 facing -0.0, which validation would silently overwrite) comes from another writer.
  // Two NaNs pass here and are refused as non-finite by the content checks.
  for (std::size_t c = 0; c < k; ++c) {
    const double *a = s.data() + c * d * d;
    for (std::size_t i = 0; i < d; ++i) {
      for (std::size_t j = i + 1; j < d; ++j) {
        const double x = a[i * d + j], y = a[j * d + i];
        if (std::memcmp(&x, &y, sizeof x) != 0 && !(std::isnan(x) && std::isnan(y))) {
          bad(std::string(t ? "scales[" : "covs[") + std::to_string(c) +
              "] is not exactly symmetric at entry (" + std::to_string(i) + ", " +
              std::to_string(j) + ")");
        }
      }
    }
  }
  Family family;
  if (t) {
    try {
      family = Family::student_t(nu[0], "the saved nu");
    } catch (const Error &e) {
      bad(e.what());
    }
  }
  return Gmm::restored(k, d, w.data(), m.data(), s.data(), family);
}

}  // namespace gmmot
