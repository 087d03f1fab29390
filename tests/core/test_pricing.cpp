// SPDX-License-Identifier: MIT
// The network simplex's pricing kernels (src/lp/pricing.*) against a plain scalar loop: the
// first smallest key below the bound, position included, on rows of every length around the
// vector widths, blocks that start mid-row and wrap from the last arc to the first, with and
// without the sign part, and with many exact ties (small integer keys). The keys here are sums
// only (scale 1, tol 0), so the reference computes them to the same bits.
#include <catch2/catch.hpp>

#include <cstddef>
#include <limits>
#include <random>
#include <vector>

#include "lp/pricing.hpp"

using namespace gmmot;

namespace {

// Integers keep ties frequent; the odd non-integer breaks some of them.
template <class T>
std::vector<T> values(std::mt19937_64 &rng, std::size_t n, bool ties) {
  std::uniform_int_distribution<int> small(-6, 6);
  std::uniform_real_distribution<double> real(-1.0, 1.0);
  std::vector<T> v(n);
  for (T &x : v) x = static_cast<T>(ties ? small(rng) : real(rng));
  return v;
}

}  // namespace

TEST_CASE("pricing: block_min_key_f is the first smallest screened key of the block",
          "[exact][pricing]") {
  std::mt19937_64 rng(20261206);
  std::size_t found = 0, none = 0;
  for (int trial = 0; trial < 4000; ++trial) {
    const std::size_t n0 = 1 + rng() % 12;
    const std::size_t n1 = 1 + rng() % 40;  // below, at and above 8 and 16 lanes
    const std::size_t total = n0 * n1;
    const bool ties = trial % 2 == 0, signs = trial % 3 == 0;
    const std::vector<float> c = values<float>(rng, total, ties);
    std::vector<float> x = values<float>(rng, n0 + n1, ties);
    for (float &v : x) v *= 0.5f;  // keys mostly near 0: some blocks have none below it
    std::vector<float> s(n0 + n1);
    for (float &v : s) v = (rng() % 2 == 0) ? 16.0f : -16.0f;
    const std::size_t pos = rng() % total, count = 1 + rng() % total;

    float ref_key = 0.0f;
    std::size_t ref_at = total;
    for (std::size_t t = 0; t < count; ++t) {
      const std::size_t p = (pos + t) % total, i = p / n1, j = p % n1;
      float k = c[p] + x[n0 + j] - x[i];
      if (signs) k += s[n0 + j] - s[i];
      if (k < ref_key) {
        ref_key = k;
        ref_at = p;
      }
    }
    const RowMin<float> r =
        block_min_key_f(c.data(), x.data(), signs ? s.data() : nullptr, n0, n1, pos, count);
    INFO("trial " << trial << ": n0 = " << n0 << ", n1 = " << n1 << ", pos = " << pos
                  << ", count = " << count << ", signs " << signs);
    REQUIRE(r.index == ref_at);
    if (ref_at < total) {
      REQUIRE(r.key == ref_key);
      ++found;
    } else {
      ++none;
    }
  }
  CHECK(found > 1000);  // both outcomes well exercised
  CHECK(none > 100);
}

TEST_CASE("pricing: row_min_key is the first smallest key below the bound", "[exact][pricing]") {
  std::mt19937_64 rng(61202026);
  for (int trial = 0; trial < 4000; ++trial) {
    const std::size_t n = 1 + rng() % 40;
    const bool ties = trial % 2 == 0, signs = trial % 3 == 0;
    const std::vector<double> c = values<double>(rng, n, ties), xd = values<double>(rng, n, ties);
    std::vector<double> sd(n);
    for (double &v : sd) v = (rng() % 2 == 0) ? 64.0 : -64.0;
    const double xi = static_cast<double>(rng() % 5) - 2.0, si = signs ? 64.0 : 0.0;
    const double bound = trial % 4 == 0 ? std::numeric_limits<double>::infinity()
                                        : static_cast<double>(rng() % 7) - 5.0;
    double ref_key = bound;
    std::size_t ref_at = n;
    for (std::size_t j = 0; j < n; ++j) {
      double k = c[j] + xd[j] - xi;
      if (signs) k += sd[j] - si;
      if (k < ref_key) {
        ref_key = k;
        ref_at = j;
      }
    }
    const RowMin<double> r =
        row_min_key(c.data(), xd.data(), signs ? sd.data() : nullptr, n, 1.0, xi, si, 0.0, bound);
    INFO("trial " << trial << ": n = " << n << ", bound " << bound << ", signs " << signs);
    REQUIRE(r.index == ref_at);
    REQUIRE(r.key == ref_key);
  }
}
