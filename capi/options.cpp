#include <cmath>
#include <new>
#include <string>

#include "gmmot/options.h"
#include "guard.hpp"
#include "handles.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace gmmot::capi {

int option_index(int key) noexcept {
  for (std::size_t i = 0; i < kOptionSpecs.size(); ++i)
    if (kOptionSpecs[i].key == key) return static_cast<int>(i);
  return -1;
}

namespace {

double value_of(const gmmot_options_t *opts, int key) noexcept {
  const int i = option_index(key);
  return opts != nullptr ? opts->values[i] : kOptionSpecs[i].default_value;
}

// The spec of `key`, which must have type `type`.
const OptionSpec &spec_for(int key, int type) {
  const int i = option_index(key);
  if (i < 0) reject(GMMOT_E_INVALID_ARGUMENT, "key " + std::to_string(key) + " is not an option");
  const OptionSpec &s = kOptionSpecs[i];
  if (s.type != type) {
    reject(GMMOT_E_INVALID_ARGUMENT,
           std::string("key ") + s.name + " holds " +
               (s.type == GMMOT_OPTION_INT ? "an int (use gmmot_options_set_int/get_int)"
                                           : "a double (use gmmot_options_set_double/get_double)"));
  }
  return s;
}

void check_bounds(const OptionSpec &s, double value) {
  if (!(value >= s.min && value <= s.max)) {
    reject(GMMOT_E_INVALID_ARGUMENT, std::string("value ") + fmt(value) + " for " + s.name +
                                         " is outside its bounds [" + fmt(s.min) + ", " +
                                         fmt(s.max) + "]");
  }
}

}  // namespace

unsigned threads_of(const gmmot_options_t *opts) noexcept {
  return resolve_threads(static_cast<unsigned>(value_of(opts, GMMOT_OPT_NUM_THREADS)));
}

BarycenterOptions barycenter_options_of(const gmmot_options_t *opts) noexcept {
  BarycenterOptions o;
  o.tolerance = value_of(opts, GMMOT_OPT_BARYCENTER_TOLERANCE);
  o.max_iterations =
      static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS));
  o.threads = threads_of(opts);
  return o;
}

Mw2Options transport_options_of(const gmmot_options_t *opts) noexcept {
  Mw2Options o;
  o.method = value_of(opts, GMMOT_OPT_TRANSPORT_METHOD) == GMMOT_TRANSPORT_ENTROPIC
                 ? TransportMethod::Entropic
                 : TransportMethod::Exact;
  o.exact.max_iterations =
      static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_EXACT_MAX_ITERATIONS));
  o.entropic.epsilon = value_of(opts, GMMOT_OPT_ENTROPIC_EPSILON);
  o.entropic.tolerance = value_of(opts, GMMOT_OPT_ENTROPIC_TOLERANCE);
  o.entropic.max_iterations =
      static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS));
  o.threads = threads_of(opts);
  o.entropic.threads = o.threads;
  o.exact.threads = o.threads;
  return o;
}

EmOptions em_options_of(const gmmot_options_t *opts) noexcept {
  EmOptions o;
  o.components = static_cast<std::size_t>(value_of(opts, GMMOT_OPT_EM_COMPONENTS));
  o.tolerance = value_of(opts, GMMOT_OPT_EM_TOLERANCE);
  o.max_iterations = static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_EM_MAX_ITERATIONS));
  o.regularization = value_of(opts, GMMOT_OPT_EM_REGULARIZATION);
  o.initializations = static_cast<unsigned>(value_of(opts, GMMOT_OPT_EM_INITIALIZATIONS));
  o.seed = static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_EM_SEED));
  o.split_merge = static_cast<unsigned>(value_of(opts, GMMOT_OPT_EM_SPLIT_MERGE));
  o.threads = threads_of(opts);
  return o;
}

}  // namespace gmmot::capi

using namespace gmmot::capi;

extern "C" {

GMMOT_API int gmmot_options_create(gmmot_options_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    *out = new gmmot_options();
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_options_clone(const gmmot_options_t *src,
                                  gmmot_options_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(src, "src");
    require_not_null(out, "out");
    *out = new gmmot_options(*src);
    return GMMOT_OK;
  });
}

GMMOT_API void gmmot_options_destroy(gmmot_options_t *opts) GMMOT_NOEXCEPT {
  clear_error();
  delete opts;
}

GMMOT_API int gmmot_options_set_int(gmmot_options_t *opts, int key, int64_t value) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(opts, "opts");
    const OptionSpec &s = spec_for(key, GMMOT_OPTION_INT);
    if (value < static_cast<int64_t>(s.min) || value > static_cast<int64_t>(s.max)) {
      reject(GMMOT_E_INVALID_ARGUMENT, "value " + std::to_string(value) + " for " + s.name +
                                           " is outside its bounds [" +
                                           std::to_string(static_cast<int64_t>(s.min)) + ", " +
                                           std::to_string(static_cast<int64_t>(s.max)) + "]");
    }
    opts->values[option_index(key)] = static_cast<double>(value);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_options_set_double(gmmot_options_t *opts, int key,
                                       double value) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(opts, "opts");
    const OptionSpec &s = spec_for(key, GMMOT_OPTION_DOUBLE);
    check_bounds(s, value);
    opts->values[option_index(key)] = value;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_options_get_int(const gmmot_options_t *opts, int key,
                                    int64_t *out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(opts, "opts");
    require_not_null(out, "out");
    spec_for(key, GMMOT_OPTION_INT);
    *out = static_cast<int64_t>(opts->values[option_index(key)]);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_options_get_double(const gmmot_options_t *opts, int key,
                                       double *out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(opts, "opts");
    require_not_null(out, "out");
    spec_for(key, GMMOT_OPTION_DOUBLE);
    *out = opts->values[option_index(key)];
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_option_bounds(int key, int *out_type, double *out_min,
                                  double *out_max) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    const int i = option_index(key);
    if (i < 0) reject(GMMOT_E_INVALID_ARGUMENT, "key " + std::to_string(key) + " is not an option");
    const OptionSpec &s = kOptionSpecs[i];
    if (out_type != nullptr) *out_type = s.type;
    if (out_min != nullptr) *out_min = s.min;
    if (out_max != nullptr) *out_max = s.max;
    return GMMOT_OK;
  });
}

}  // extern "C"
