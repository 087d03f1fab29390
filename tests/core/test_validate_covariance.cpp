// SPDX-License-Identifier: MIT
// validate_covariance (linalg/covariance_factor.hpp) takes one tiled pass over the pairs and
// names entries by a second scan only for an error or a warning: the entries named must be the
// first in row-major order, as a row-by-row scan finds them, also across tiles (d = 40 > 32), and
// the symmetrised copy must be the mean of each pair.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "linalg/covariance_factor.hpp"
#include "util/error.hpp"

using namespace gmmot;

namespace {

constexpr int kD = 40;

std::vector<double> random_symmetric(std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> c(kD * kD);
  for (int i = 0; i < kD; ++i)
    for (int j = 0; j <= i; ++j) c[i * kD + j] = c[j * kD + i] = u(rng);
  return c;
}

std::string error_of(const std::vector<double> &c, Errc *code) {
  std::vector<double> sym(c.size());
  try {
    validate_covariance(kD, c.data(), "covs[3]", sym.data(), nullptr);
  } catch (const Error &e) {
    *code = e.code();
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("validate_covariance: the symmetrised copy is the mean of each pair", "[linalg]") {
  std::mt19937_64 rng(11);
  std::vector<double> c = random_symmetric(rng);
  std::normal_distribution<double> g;
  for (double &v : c) v += 1e-12 * g(rng);  // asymmetric beyond rounding, within 1e-8
  std::vector<double> sym(c.size());
  std::string warning;
  validate_covariance(kD, c.data(), "covs[3]", sym.data(), &warning);
  for (int i = 0; i < kD; ++i)
    for (int j = 0; j < kD; ++j) {
      const double expected = i == j ? c[i * kD + i] : 0.5 * (c[i * kD + j] + c[j * kD + i]);
      REQUIRE(sym[i * kD + j] == expected);
    }
  // The warning names the pair with the largest asymmetry (the first in row-major order).
  double worst = -1;
  int wi = 0, wj = 0;
  for (int i = 0; i < kD; ++i)
    for (int j = i + 1; j < kD; ++j) {
      const double diff = std::fabs(c[i * kD + j] - c[j * kD + i]);
      if (diff > worst) {
        worst = diff;
        wi = i;
        wj = j;
      }
    }
  const std::string pair = "(" + std::to_string(wi) + "," + std::to_string(wj) + ")";
  INFO(warning);
  CHECK(warning.find("covs[3] was asymmetric") != std::string::npos);
  CHECK(warning.find(pair) != std::string::npos);
}

TEST_CASE("validate_covariance: errors name the first entries in row-major order", "[linalg]") {
  std::mt19937_64 rng(12);
  const std::vector<double> base = random_symmetric(rng);
  Errc code = Errc::Internal;
  // Two equal asymmetries, in different tiles; the later one placed first in the tile order
  // (row 5, column 35 lies in the tile right of the diagonal one; row 20, column 25 in it).
  std::vector<double> c = base;
  c[5 * kD + 35] = c[20 * kD + 25] = 0.75;  // exactly equal differences
  c[35 * kD + 5] = c[25 * kD + 20] = 0.25;
  std::string msg = error_of(c, &code);
  CHECK(code == Errc::NotSymmetric);
  CHECK(msg.find("entries (5,35)") != std::string::npos);
  c = base;
  c[33 * kD + 2] = -0.5;  // below the diagonal: the pair (2, 33)
  c[2 * kD + 33] = -0.25;
  c[1 * kD + 39] = 0.5;
  c[39 * kD + 1] = 0.25;
  msg = error_of(c, &code);
  CHECK(code == Errc::NotSymmetric);
  CHECK(msg.find("entries (1,39)") != std::string::npos);
  // Non-finite entries: the first in row-major order, before any asymmetry.
  c = base;
  c[30 * kD + 1] = std::numeric_limits<double>::quiet_NaN();
  c[7 * kD + 38] = std::numeric_limits<double>::infinity();
  c[0 * kD + 1] += 0.5;
  msg = error_of(c, &code);
  CHECK(code == Errc::NonFinite);
  CHECK(msg.find("covs[3] entry (7,38) is") != std::string::npos);
}
