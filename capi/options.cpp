// SPDX-License-Identifier: MIT
#include <cmath>
#include <new>
#include <string>

#include "gmmot/options.h"
#include "gmmot/progress.h"
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

std::uint64_t seed_of(const gmmot_options_t *opts) noexcept {
  return static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_SEED));
}

BarycenterOptions barycenter_options_of(const gmmot_options_t *opts) noexcept {
  BarycenterOptions o;
  o.tolerance = value_of(opts, GMMOT_OPT_BARYCENTER_TOLERANCE);
  o.max_iterations =
      static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_BARYCENTER_MAX_ITERATIONS));
  return o;
}

TransportOptions transport_options_of(const gmmot_options_t *opts) noexcept {
  TransportOptions o;
  o.method =
      static_cast<TransportMethod>(static_cast<int>(value_of(opts, GMMOT_OPT_TRANSPORT_METHOD)));
  o.exact.max_iterations =
      static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_EXACT_MAX_ITERATIONS));
  o.entropic.epsilon = value_of(opts, GMMOT_OPT_ENTROPIC_EPSILON);
  o.entropic.tolerance = value_of(opts, GMMOT_OPT_ENTROPIC_TOLERANCE);
  o.entropic.max_iterations =
      static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_ENTROPIC_MAX_ITERATIONS));
  return o;
}

EmOptions em_options_of(const gmmot_options_t *opts) noexcept {
  EmOptions o;
  o.components = static_cast<std::size_t>(value_of(opts, GMMOT_OPT_EM_COMPONENTS));
  o.tolerance = value_of(opts, GMMOT_OPT_EM_TOLERANCE);
  o.max_iterations = static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_EM_MAX_ITERATIONS));
  o.regularization = value_of(opts, GMMOT_OPT_EM_REGULARIZATION);
  o.initializations = static_cast<unsigned>(value_of(opts, GMMOT_OPT_EM_INITIALIZATIONS));
  o.seed = seed_of(opts);
  o.split_merge = static_cast<unsigned>(value_of(opts, GMMOT_OPT_EM_SPLIT_MERGE));
  o.family = static_cast<int>(value_of(opts, GMMOT_OPT_EM_FAMILY));
  o.dof = value_of(opts, GMMOT_OPT_EM_DOF);
  return o;
}

MultimarginalOptions multimarginal_options_of(const gmmot_options_t *opts) noexcept {
  MultimarginalOptions o;
  o.max_tuples = value_of(opts, GMMOT_OPT_MMOT_MAX_TUPLES);
  o.max_iterations = static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_MMOT_MAX_ITERATIONS));
  o.gaussian = barycenter_options_of(opts);
  return o;
}

FixedPointOptions fixed_point_options_of(const gmmot_options_t *opts) noexcept {
  FixedPointOptions o;
  o.method = static_cast<FixedPointOptions::Method>(
      static_cast<int>(value_of(opts, GMMOT_OPT_FIXED_POINT_METHOD)));
  o.components = static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_FIXED_POINT_COMPONENTS));
  o.tolerance = value_of(opts, GMMOT_OPT_FIXED_POINT_TOLERANCE);
  o.max_iterations =
      static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS));
  o.max_support = static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_FIXED_POINT_MAX_SUPPORT));
  o.seed = seed_of(opts);
  o.gaussian = barycenter_options_of(opts);
  // The plans to each mu_j are exact transports: the same pivot cap as gmmot_transport_solve.
  o.exact = transport_options_of(opts).exact;
  return o;
}

RelaxedOptions relaxed_options_of(const gmmot_options_t *opts) {
  RelaxedOptions o;
  o.components = static_cast<std::size_t>(value_of(opts, GMMOT_OPT_RELAXED_COMPONENTS));
  o.lambda = value_of(opts, GMMOT_OPT_RELAXED_LAMBDA);
  o.tolerance = value_of(opts, GMMOT_OPT_RELAXED_TOLERANCE);
  o.max_iterations = static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_RELAXED_MAX_ITERATIONS));
  o.regularization = value_of(opts, GMMOT_OPT_RELAXED_REGULARIZATION);
  o.init = static_cast<RelaxedInit>(static_cast<int>(value_of(opts, GMMOT_OPT_RELAXED_INIT)));
  o.seed = seed_of(opts);
  return o;
}

GwOptions gw_options_of(const gmmot_options_t *opts) noexcept {
  GwOptions o;
  o.max_iterations = static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_GW_MAX_ITERATIONS));
  o.tolerance = value_of(opts, GMMOT_OPT_GW_TOLERANCE);
  o.starts = static_cast<unsigned>(value_of(opts, GMMOT_OPT_GW_STARTS));
  o.annealing = static_cast<int>(value_of(opts, GMMOT_OPT_GW_ANNEALING));
  o.epsilon = value_of(opts, GMMOT_OPT_GW_EPSILON);
  o.seed = seed_of(opts);
  o.exact = transport_options_of(opts).exact;
  return o;
}

EwOptions ew_options_of(const gmmot_options_t *opts) noexcept {
  EwOptions o;
  o.max_iterations = static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_EW_MAX_ITERATIONS));
  o.tolerance = value_of(opts, GMMOT_OPT_EW_TOLERANCE);
  o.starts = static_cast<unsigned>(value_of(opts, GMMOT_OPT_EW_STARTS));
  o.annealing = static_cast<int>(value_of(opts, GMMOT_OPT_EW_ANNEALING));
  o.epsilon = value_of(opts, GMMOT_OPT_EW_EPSILON);
  o.sign_flips = static_cast<unsigned>(value_of(opts, GMMOT_OPT_EW_SIGN_FLIPS));
  o.inner_iterations = static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_EW_INNER_ITERATIONS));
  o.seed = seed_of(opts);
  o.exact = transport_options_of(opts).exact;
  return o;
}

TextureOptions texture_options_of(const gmmot_options_t *opts) noexcept {
  TextureOptions o;
  o.components = static_cast<std::size_t>(value_of(opts, GMMOT_OPT_TEXTURE_COMPONENTS));
  o.patch = static_cast<std::size_t>(value_of(opts, GMMOT_OPT_TEXTURE_PATCH));
  o.fit_patches = static_cast<std::size_t>(value_of(opts, GMMOT_OPT_TEXTURE_FIT_PATCHES));
  o.em_tolerance = value_of(opts, GMMOT_OPT_TEXTURE_EM_TOLERANCE);
  o.em_max_iterations =
      static_cast<std::uint64_t>(value_of(opts, GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS));
  o.seed = seed_of(opts);
  o.transport = transport_options_of(opts);
  return o;
}

ColourTransferOptions colour_options_of(const gmmot_options_t *opts) noexcept {
  ColourTransferOptions o;
  o.fit_points = static_cast<std::size_t>(value_of(opts, GMMOT_OPT_COLOUR_FIT_POINTS));
  o.map_rand = value_of(opts, GMMOT_OPT_COLOUR_MAP) != 0;
  o.space = static_cast<ColourSpace>(static_cast<int>(value_of(opts, GMMOT_OPT_COLOUR_SPACE)));
  RegularizationOptions &r = o.regularization;
  r.enabled = value_of(opts, GMMOT_OPT_COLOUR_REGULARIZE) != 0;
  r.radius = static_cast<std::size_t>(value_of(opts, GMMOT_OPT_COLOUR_RADIUS));
  r.epsilon = value_of(opts, GMMOT_OPT_COLOUR_EPSILON);
  r.subsample = static_cast<std::size_t>(value_of(opts, GMMOT_OPT_COLOUR_SUBSAMPLE));
  r.clip = value_of(opts, GMMOT_OPT_COLOUR_CLIP) != 0;
  // The fits read the EM keys exactly as gmmot_em_create does, so EM options added later apply.
  o.em = em_options_of(opts);
  o.transport = transport_options_of(opts);
  return o;
}

gmmot_attachments attachments_of(const gmmot_options_t *opts) noexcept {
  return opts != nullptr ? opts->attached : gmmot_attachments{};
}

Context context_of(unsigned threads, const gmmot_attachments &attached) {
  Context ctx;
  ctx.threads = threads;
  if (attached.interrupt != nullptr) ctx.interrupt = &attached.interrupt->raised;
  if (attached.progress != nullptr) {
    const gmmot_progress_fn fn = attached.progress;
    void *const user_data = attached.user_data;
    ctx.progress = [fn, user_data](Stage stage, std::uint64_t done, std::uint64_t total,
                                   double value) {
      // The callback may call other libgmmot functions on this thread, which set the running
      // function's name and clear or set the message: restore both for the running call.
      const char *const function = current_function();
      const bool stop = fn(user_data, static_cast<int>(stage), done, total, value) != 0;
      set_current_function(function);
      clear_error();
      return stop;
    };
  }
  return ctx;
}

Context context_of(const gmmot_options_t *opts) {
  return context_of(threads_of(opts), attachments_of(opts));
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
                                    int64_t *out_value) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(opts, "opts");
    require_not_null(out_value, "out_value");
    spec_for(key, GMMOT_OPTION_INT);
    *out_value = static_cast<int64_t>(opts->values[option_index(key)]);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_options_get_double(const gmmot_options_t *opts, int key,
                                       double *out_value) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(opts, "opts");
    require_not_null(out_value, "out_value");
    spec_for(key, GMMOT_OPTION_DOUBLE);
    *out_value = opts->values[option_index(key)];
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_options_set_progress(gmmot_options_t *opts, gmmot_progress_fn fn,
                                         void *user_data) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(opts, "opts");
    opts->attached.progress = fn;
    opts->attached.user_data = fn != nullptr ? user_data : nullptr;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_options_set_interrupt(gmmot_options_t *opts,
                                          gmmot_interrupt_t *flag) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(opts, "opts");
    opts->attached.interrupt = flag;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_interrupt_create(gmmot_interrupt_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    *out = new gmmot_interrupt();
    return GMMOT_OK;
  });
}

GMMOT_API void gmmot_interrupt_destroy(gmmot_interrupt_t *flag) GMMOT_NOEXCEPT {
  clear_error();
  delete flag;
}

GMMOT_API int gmmot_interrupt_raise(gmmot_interrupt_t *flag) GMMOT_NOEXCEPT {
  // No guarded() on the normal path: one lock-free store, usable from a signal handler.
  static_assert(std::atomic<bool>::is_always_lock_free, "raise must be a lock-free store");
  if (flag != nullptr) {
    flag->raised.store(true);
    return GMMOT_OK;
  }
  return guarded(__func__, [&] {
    require_not_null(flag, "flag");
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_interrupt_reset(gmmot_interrupt_t *flag) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(flag, "flag");
    flag->raised.store(false);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_interrupt_is_raised(const gmmot_interrupt_t *flag,
                                        int *out_raised) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(flag, "flag");
    require_not_null(out_raised, "out_raised");
    *out_raised = flag->raised.load() ? 1 : 0;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_options_bounds(int key, int *out_type, double *out_min,
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
