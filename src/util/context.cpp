// SPDX-License-Identifier: MIT
#include "util/context.hpp"

#include <algorithm>
#include <string>

#include "util/error.hpp"

namespace gmmot {

void Context::check_interrupt() const {
  if (interrupted()) fail(Errc::Cancelled, "cancelled by the interrupt flag");
}

void Context::report(Stage stage, std::uint64_t done, std::uint64_t total, double value) const {
  check_interrupt();
  if (progress && progress(stage, done, total, value)) {
    fail(Errc::Cancelled, "cancelled by the progress callback (stage " +
                              std::to_string(static_cast<int>(stage)) + ", " +
                              std::to_string(done) + " of " + std::to_string(total) + ")");
  }
}

Context Context::limited(unsigned max_threads) const {
  Context c = *this;
  c.threads = std::max(1u, std::min(threads, max_threads));
  return c;
}

}  // namespace gmmot
