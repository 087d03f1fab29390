// SPDX-License-Identifier: MIT
#include "guard.hpp"

#include <new>

#include "util/error.hpp"

namespace gmmot::capi {
namespace {

thread_local std::string t_message;
thread_local const char *t_function = "libgmmot";

int status_of(Errc code) noexcept {
  switch (code) {
    case Errc::InvalidArgument:
      return GMMOT_E_INVALID_ARGUMENT;
    case Errc::Dimension:
      return GMMOT_E_DIMENSION;
    case Errc::TooLarge:
      return GMMOT_E_TOO_LARGE;
    case Errc::NonFinite:
      return GMMOT_E_NONFINITE;
    case Errc::Weights:
      return GMMOT_E_WEIGHTS;
    case Errc::NotSymmetric:
      return GMMOT_E_NOT_SYMMETRIC;
    case Errc::NotPsd:
      return GMMOT_E_NOT_PSD;
    case Errc::Singular:
      return GMMOT_E_SINGULAR;
    case Errc::NoMap:
      return GMMOT_E_NO_MAP;
    case Errc::Overflow:
      return GMMOT_E_OVERFLOW;
    case Errc::Lapack:
      return GMMOT_E_LAPACK;
    case Errc::IterationLimit:
      return GMMOT_E_ITERATION_LIMIT;
    case Errc::Cancelled:
      return GMMOT_E_CANCELLED;
    case Errc::Format:
      return GMMOT_E_FORMAT;
    case Errc::Io:
      return GMMOT_E_IO;
    case Errc::Family:
      return GMMOT_E_FAMILY;
    case Errc::Internal:
      return GMMOT_E_INTERNAL;
  }
  return GMMOT_E_INTERNAL;
}

}  // namespace

void clear_error() noexcept { t_message.clear(); }

void set_current_function(const char *function) noexcept { t_function = function; }

const char *current_function() noexcept { return t_function; }

const char *last_message() noexcept { return t_message.c_str(); }

void set_message(const char *function, const std::string &message) noexcept {
  try {
    t_message.assign(function).append(": ").append(message);
  } catch (...) {
    t_message.clear();  // no memory for the text: the status code still says what happened
  }
}

int handle_current_exception(const char *function) noexcept {
  try {
    throw;
  } catch (const ApiError &e) {
    set_message(function, e.message);
    return e.status;
  } catch (const Error &e) {
    set_message(function, e.what());
    return status_of(e.code());
  } catch (const std::bad_alloc &) {
    set_message(function, "out of memory");
    return GMMOT_E_OUT_OF_MEMORY;
  } catch (const std::exception &e) {
    set_message(function, std::string("internal error: ") + e.what());
    return GMMOT_E_INTERNAL;
  } catch (...) {
    set_message(function, "internal error: unknown exception");
    return GMMOT_E_INTERNAL;
  }
}

}  // namespace gmmot::capi
