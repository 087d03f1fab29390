// SPDX-License-Identifier: MIT
// Error kinds raised by the core. The C layer maps each kind to a public status code; the
// core itself knows nothing about the C ABI.
#pragma once

#include <stdexcept>
#include <string>

namespace gmmot {

enum class Errc {
  InvalidArgument,
  Dimension,
  TooLarge,
  NonFinite,
  Weights,
  NotSymmetric,
  NotPsd,
  Singular,
  NoMap,
  Overflow,
  Lapack,
  IterationLimit,  // an exact solver hit its iteration cap: no result
  Cancelled,
  Format,  // saved data corrupt, truncated or of an unknown version
  Io,      // a file could not be opened, read or written
  Family,  // mixtures of different component families (Gaussian, Student-t nu) combined
  Internal
};

class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string &message) : std::runtime_error(message), code_(code) {}
  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

[[noreturn]] inline void fail(Errc code, const std::string &message) { throw Error(code, message); }

// Formats a double with enough digits to identify it in an error message.
std::string fmt(double value);

}  // namespace gmmot
