// SPDX-License-Identifier: MIT
// No exception crosses the C ABI: the boundary guard turns every exception type into a status
// and a message naming the function (c-abi-models.md 13.1.4, XGBoost's TestExceptionCatching).
// The guard is compiled into this test from capi/guard.cpp, since libgmmot.so hides it.
#include <catch2/catch.hpp>

#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "gmmot/gmmot.h"
#include "guard.hpp"
#include "util/error.hpp"

using gmmot::capi::guarded;

namespace {

int call_throwing(int which) {
  return guarded("gmmot_test_entry", [&]() -> int {
    switch (which) {
      case 0:
        throw std::runtime_error("boom");
      case 1:
        throw std::bad_alloc();
      case 2:
        throw 42;
      case 3:
        throw gmmot::Error(gmmot::Errc::NotPsd, "covs[1] is not positive semi-definite");
      case 4:
        gmmot::capi::reject(GMMOT_E_BUFFER_TOO_SMALL, "out_len is 1 but 4 are required");
      case 5:
        return gmmot::capi::warn(GMMOT_W_NOT_CONVERGED, "stopped early");
      default:
        return GMMOT_OK;
    }
  });
}

std::string message() { return gmmot::capi::last_message(); }

}  // namespace

TEST_CASE("the guard maps every exception to a status and a message", "[guard]") {
  CHECK(call_throwing(0) == GMMOT_E_INTERNAL);
  CHECK(message() == "gmmot_test_entry: internal error: boom");
  CHECK(call_throwing(1) == GMMOT_E_OUT_OF_MEMORY);
  CHECK(message() == "gmmot_test_entry: out of memory");
  CHECK(call_throwing(2) == GMMOT_E_INTERNAL);
  CHECK(message() == "gmmot_test_entry: internal error: unknown exception");
  CHECK(call_throwing(3) == GMMOT_E_NOT_PSD);
  CHECK(message() == "gmmot_test_entry: covs[1] is not positive semi-definite");
  CHECK(call_throwing(4) == GMMOT_E_BUFFER_TOO_SMALL);
  CHECK(message() == "gmmot_test_entry: out_len is 1 but 4 are required");
  CHECK(call_throwing(5) == GMMOT_W_NOT_CONVERGED);
  CHECK(message() == "gmmot_test_entry: stopped early");
  CHECK(call_throwing(6) == GMMOT_OK);
  CHECK(message().empty());
}

TEST_CASE("every core error kind has its own public status", "[guard]") {
  using gmmot::Errc;
  const std::pair<Errc, int> pairs[] = {{Errc::InvalidArgument, GMMOT_E_INVALID_ARGUMENT},
                                        {Errc::Dimension, GMMOT_E_DIMENSION},
                                        {Errc::TooLarge, GMMOT_E_TOO_LARGE},
                                        {Errc::NonFinite, GMMOT_E_NONFINITE},
                                        {Errc::Weights, GMMOT_E_WEIGHTS},
                                        {Errc::NotSymmetric, GMMOT_E_NOT_SYMMETRIC},
                                        {Errc::NotPsd, GMMOT_E_NOT_PSD},
                                        {Errc::Singular, GMMOT_E_SINGULAR},
                                        {Errc::NoMap, GMMOT_E_NO_MAP},
                                        {Errc::Overflow, GMMOT_E_OVERFLOW},
                                        {Errc::Lapack, GMMOT_E_LAPACK},
                                        {Errc::Internal, GMMOT_E_INTERNAL}};
  for (const auto &p : pairs) {
    const int rc = guarded("f", [&]() -> int { throw gmmot::Error(p.first, "x"); });
    CHECK(rc == p.second);
    CHECK(std::strncmp(gmmot_status_string(rc), "GMMOT_E_", 8) == 0);
  }
}

TEST_CASE("public entry points return statuses, never throw, from C++", "[guard]") {
  // Declared GMMOT_NOEXCEPT: a C++ caller sees the guarantee at compile time.
  static_assert(noexcept(gmmot_gmm_create(0, 0, nullptr, nullptr, nullptr, nullptr)), "");
  static_assert(noexcept(gmmot_w2_cost_matrix(nullptr, nullptr, nullptr, nullptr, 0)), "");
  gmmot_gmm_t *g = nullptr;
  const double w = 1.0, m = 0.0, s = -1.0;
  CHECK(gmmot_gmm_create(1, 1, &w, &m, &s, &g) == GMMOT_E_NOT_PSD);
  CHECK(g == nullptr);
  CHECK(std::string(gmmot_last_error_message()).rfind("gmmot_gmm_create: covs[0]", 0) == 0);
}
