// SPDX-License-Identifier: MIT
// Fuzz harness: loading saved mixtures (gmmot/gmm_io.h). The first input byte picks the mode:
// odd = the rest is sealed with a correct CRC-64 first (so the fuzzer reaches the header and
// content checks behind the checksum), even = the rest is loaded as it is. Invariants: never a
// crash or GMMOT_E_INTERNAL; on error *out untouched; on success saving the loaded mixture
// gives a valid file that loads back to the same bytes (idempotent), of the same length as the
// input, and equal to the input whenever the input's weights were kept. See README.md.
#include <algorithm>
#include <vector>

#include "fuzz_support.hpp"

using namespace fz;

namespace {

std::uint64_t crc64(const std::uint8_t *p, std::size_t n) {
  std::uint64_t c = ~0ULL;
  for (std::size_t i = 0; i < n; ++i) {
    c ^= p[i];
    for (int b = 0; b < 8; ++b) c = (c & 1U) != 0 ? (c >> 1) ^ 0xC96C5795D7870F42ULL : c >> 1;
  }
  return ~c;
}

std::vector<unsigned char> save(const gmmot_gmm_t *g) {
  std::size_t n = 0;
  FZ_CHECK(FZ_CALL(gmmot_gmm_saved_size(g, &n)) == GMMOT_OK);
  std::vector<unsigned char> out(n);
  std::size_t written = 0;
  FZ_CHECK(FZ_CALL(gmmot_gmm_save(g, out.data(), out.size(), &written)) == GMMOT_OK);
  FZ_CHECK(written == n);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  if (size == 0) return 0;
  std::vector<unsigned char> in(data + 1, data + size);
  if ((data[0] & 1U) != 0 && in.size() >= 8) {
    const std::uint64_t c = crc64(in.data(), in.size() - 8);
    for (int i = 0; i < 8; ++i) in[in.size() - 8 + i] = static_cast<unsigned char>(c >> (8 * i));
  }
  int sentinel = 0;
  auto *const marker = reinterpret_cast<gmmot_gmm_t *>(&sentinel);
  gmmot_gmm_t *g = marker;
  const int st = FZ_CALL(gmmot_gmm_load(in.empty() ? data : in.data(), in.size(), &g));
  if (st < 0) {
    FZ_CHECK(g == marker);
    return 0;
  }
  FZ_CHECK(st == GMMOT_OK && g != marker && g != nullptr);
  const std::vector<unsigned char> a = save(g);
  FZ_CHECK(a.size() == in.size());
  // The header and the means and covariances are kept bit for bit; the weights too unless
  // they had to be renormalised (a sum off 1 by more than the rounding of K additions, the
  // rule of gmm_io.h).
  // A Student-t file (flag bit 0) has nu between the 32-byte header and the weights.
  const std::size_t k = gmmot_gmm_ncomponents(g);
  int family = -1;
  FZ_CHECK(FZ_CALL(gmmot_gmm_get_family(g, &family, nullptr)) == GMMOT_OK);
  FZ_CHECK(family == ((in[12] & 1U) != 0 ? GMMOT_FAMILY_STUDENT_T : GMMOT_FAMILY_GAUSSIAN));
  const std::size_t w0 = family == GMMOT_FAMILY_STUDENT_T ? 40 : 32;
  FZ_CHECK(std::equal(a.begin(), a.begin() + w0, in.begin()));
  FZ_CHECK(std::equal(a.begin() + w0 + 8 * k, a.end() - 8, in.begin() + w0 + 8 * k));
  double sum = 0.0;
  for (std::size_t c = 0; c < k; ++c) {
    std::uint64_t bits = 0;
    for (int b = 7; b >= 0; --b) bits = (bits << 8) | in[w0 + 8 * c + static_cast<std::size_t>(b)];
    double w = 0.0;
    std::memcpy(&w, &bits, sizeof w);
    sum += w;
  }
  if (std::fabs(sum - 1.0) <= 4.0 * (static_cast<double>(k) + 1.0) * DBL_EPSILON)
    FZ_CHECK(std::equal(a.begin() + w0, a.begin() + w0 + 8 * k, in.begin() + w0));
  gmmot_gmm_t *h = marker;
  FZ_CHECK(FZ_CALL(gmmot_gmm_load(a.data(), a.size(), &h)) == GMMOT_OK);
  FZ_CHECK(save(h) == a);
  gmmot_gmm_destroy(h);
  gmmot_gmm_destroy(g);
  return 0;
}
