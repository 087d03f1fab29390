// SPDX-License-Identifier: MIT
// The boundary between the C ABI and the C++ core: every exported function runs its body
// inside guarded(), which clears the thread-local message, turns every exception into a status
// code plus a message prefixed with the function name, and never lets anything escape.
#pragma once

#include <cstddef>
#include <string>

#include "gmmot/status.h"

namespace gmmot::capi {

// An argument error detected by the C layer itself (NULL pointer, short buffer, bad key).
struct ApiError {
  int status;
  std::string message;
};

void clear_error() noexcept;
const char *last_message() noexcept;
// The name of the entry point running on this thread (set by guarded), for warnings.
void set_current_function(const char *function) noexcept;
const char *current_function() noexcept;
void set_message(const char *function, const std::string &message) noexcept;
int handle_current_exception(const char *function) noexcept;

template <class Body>
int guarded(const char *function, Body &&body) noexcept {
  clear_error();
  set_current_function(function);
  try {
    return body();
  } catch (...) {
    return handle_current_exception(function);
  }
}

[[noreturn]] inline void reject(int status, std::string message) {
  throw ApiError{status, std::move(message)};
}

inline void require_not_null(const void *p, const char *name) {
  if (p == nullptr) reject(GMMOT_E_INVALID_ARGUMENT, std::string(name) + " is NULL");
}

inline void require_capacity(std::size_t have, std::size_t need, const char *name,
                             const char *need_text) {
  if (have < need) {
    reject(GMMOT_E_BUFFER_TOO_SMALL, std::string(name) + " is " + std::to_string(have) + " but " +
                                         need_text + " = " + std::to_string(need) +
                                         " elements are required");
  }
}

// Records a warning's message for the running entry point and returns the warning status.
inline int warn(int status, const std::string &message) noexcept {
  set_message(current_function(), message);
  return status;
}

}  // namespace gmmot::capi
