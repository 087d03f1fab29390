// SPDX-License-Identifier: MIT
// The vector log of util/vexp.hpp (log4, and log4_inv with its shared reciprocal, used by the
// Student-t EM kernels) against the long double logarithm: random arguments over the whole
// normal range, around 1 (where the result is tiny and only relative accuracy counts), the t
// kernels' range 1 + delta / nu, and edge cases (DBL_MIN and its neighbours, 1 and its
// neighbours, DBL_MAX, powers of 2, both sides of the reduction's switch at sqrt(2)). Stated
// bounds (vexp.hpp): log within 6 ulp of the correctly rounded result, 1 / v within 3 ulp.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "util/vexp.hpp"

namespace {

constexpr double kLogUlp = 6.0, kInvUlp = 3.0;

// |y - log x| in units of the last place of log x (long double reference, 11 more bits).
double ulp_error(double x, double y) {
  const long double ref = std::log(static_cast<long double>(x));
  if (ref == 0) return y == 0 ? 0.0 : HUGE_VAL;
  int e = 0;
  std::frexp(static_cast<double>(ref), &e);
  const long double ulp = std::ldexp(1.0L, std::max(e - 53, -1074));
  return static_cast<double>(std::fabs(static_cast<long double>(y) - ref) / ulp);
}

// |y - 1 / v| in units of the last place of 1 / v.
double inv_ulp_error(double v, double y) {
  const long double ref = 1.0L / static_cast<long double>(v);
  int e = 0;
  std::frexp(static_cast<double>(ref), &e);
  return static_cast<double>(std::fabs(static_cast<long double>(y) - ref) /
                             std::ldexp(1.0L, std::max(e - 53, -1074)));
}

// The largest log error over xs; log4 and log4_inv (with v = 1 + x mod 7, a value unrelated to
// x, so the shared reciprocal is exercised with both factors) must agree on the log to the
// bound, and 1 / v is checked too.
double max_ulp(const std::vector<double> &xs) {
  double worst = 0, worst_inv = 0;
  for (std::size_t i = 0; i < xs.size(); i += 4) {
    double in[4], vin[4], out[4], lg[4], inv[4];
    for (int l = 0; l < 4; ++l) {
      in[l] = xs[std::min(i + l, xs.size() - 1)];
      vin[l] = 0.75 + std::fmod(in[l] * 1e-3, 7.0);
    }
    gmmot::vexp::store(out, gmmot::vexp::log4(gmmot::vexp::load(in)));
    gmmot::vexp::v4d g, r;
    gmmot::vexp::log4_inv(gmmot::vexp::load(in), gmmot::vexp::load(vin), g, r);
    gmmot::vexp::store(lg, g);
    gmmot::vexp::store(inv, r);
    for (int l = 0; l < 4; ++l) {
      const double u = ulp_error(in[l], out[l]), u2 = ulp_error(in[l], lg[l]);
      const double ui = inv_ulp_error(vin[l], inv[l]);
      INFO("x = " << in[l] << " log4 = " << out[l] << " log4_inv = " << lg[l]
                  << " std::log = " << std::log(in[l]) << " v = " << vin[l]);
      CHECK(u <= kLogUlp);
      CHECK(u2 <= kLogUlp);
      CHECK(ui <= kInvUlp);
      worst = std::max(worst, std::max(u, u2));
      worst_inv = std::max(worst_inv, ui);
    }
  }
  WARN("max error: log " << worst << " ulp, 1 / v " << worst_inv << " ulp");
  return worst;
}

double from_bits(std::uint64_t b) {
  double x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

}  // namespace

TEST_CASE("vexp::log4 within 6 ulp on random normal arguments", "[vexp]") {
  std::mt19937_64 rng(7);
  std::vector<double> xs;
  // Uniform bit patterns over the positive normal doubles: every exponent alike.
  std::uniform_int_distribution<std::uint64_t> bits(0x0010000000000000ULL, 0x7fefffffffffffffULL);
  for (int i = 0; i < 200000; ++i) xs.push_back(from_bits(bits(rng)));
  // Near 1 (log x tiny) and the t kernels' 1 + delta / nu with delta / nu up to 1e4.
  std::uniform_real_distribution<double> near(-0.02, 0.02), wide(0.0, 1.0);
  for (int i = 0; i < 200000; ++i) xs.push_back(1.0 + near(rng));
  for (int i = 0; i < 200000; ++i) xs.push_back(1.0 + 1e4 * std::pow(wide(rng), 4));
  CHECK(max_ulp(xs) <= kLogUlp);
}

TEST_CASE("vexp::log4 edge arguments: DBL_MIN, 1, DBL_MAX, sqrt(2)", "[vexp]") {
  std::vector<double> xs = {DBL_MIN,
                            std::nextafter(DBL_MIN, 1.0),
                            2 * DBL_MIN,
                            std::nextafter(2 * DBL_MIN, 0.0),
                            1.0,
                            std::nextafter(1.0, 0.0),
                            std::nextafter(1.0, 2.0),
                            1.0 + 0x1p-30,
                            1.0 - 0x1p-30,
                            M_SQRT2,
                            std::nextafter(M_SQRT2, 0.0),
                            std::nextafter(M_SQRT2, 2.0),
                            M_SQRT1_2,
                            DBL_MAX,
                            std::nextafter(DBL_MAX, 0.0),
                            1e300,
                            1e-300,
                            2.0,
                            0.5,
                            M_E};
  for (int e = -1022; e <= 1023; e += 7) xs.push_back(std::ldexp(1.0, e));
  // Mantissas across [1, 2) at a small, a unit and a huge exponent.
  for (int i = 0; i < 256; ++i) {
    const double mnt = 1.0 + i / 256.0;
    xs.push_back(mnt);
    xs.push_back(std::ldexp(mnt, 900));
    xs.push_back(std::ldexp(mnt, -1000));
  }
  max_ulp(xs);
  double one[4] = {1.0, 1.0, 1.0, 1.0}, out[4];
  gmmot::vexp::store(out, gmmot::vexp::log4(gmmot::vexp::load(one)));
  CHECK(out[0] == 0.0);
  CHECK(out[3] == 0.0);
}
