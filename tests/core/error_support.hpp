// SPDX-License-Identifier: MIT
// Helpers shared by the core tests of the mixture-level modules: the error code (and message)
// a call raises, and a mixture from vectors.
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "mixture/gmm.hpp"
#include "util/error.hpp"

namespace gmmot::test {

// The code of the gmmot::Error that f raises (its message into *message); a test failure if
// f raises nothing.
inline Errc error_of(const std::function<void()> &f, std::string *message = nullptr) {
  try {
    f();
  } catch (const Error &e) {
    if (message != nullptr) *message = e.what();
    return e.code();
  }
  FAIL("no error was raised");
  return Errc::Internal;
}

inline Gmm make_gmm(std::size_t d, const std::vector<double> &w, const std::vector<double> &m,
                    const std::vector<double> &s) {
  return Gmm(w.size(), d, w.data(), m.data(), s.data(), nullptr);
}

}  // namespace gmmot::test
