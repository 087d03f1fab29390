// The C++ definitions behind the opaque C handle types. Each wraps a core object; the C layer
// adds nothing numerical.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>

#include "em/em.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "gmmot/em.h"
#include "gmmot/gmm.h"
#include "gmmot/mw2.h"
#include "gmmot/options.h"
#include "gmmot/transport.h"
#include "lp/transport.hpp"
#include "maps/transport_maps.hpp"
#include "mixture/gmm.hpp"
#include "mw2/mw2_plan.hpp"
#include "util/lazy.hpp"

// A mixture handle holds one immutable mixture shared with the plans made from it (and with any
// other holder): gmmot_mw2_create copies nothing, and a plan may outlive the handles it came from.
struct gmmot_gmm {
  explicit gmmot_gmm(std::shared_ptr<const gmmot::Gmm> g) : shared(std::move(g)), impl(*shared) {}
  gmmot_gmm(const gmmot_gmm &) = delete;
  gmmot_gmm &operator=(const gmmot_gmm &) = delete;

  const std::shared_ptr<const gmmot::Gmm> shared;  // never null
  const gmmot::Gmm &impl;                          // *shared
};

struct gmmot_transport {
  std::size_t k0, k1;
  gmmot::TransportResult impl;
};

// The plan is shared read-only across threads (gmmot/mw2.h), so what it computes lazily is built
// once, thread-safely (util/lazy.hpp): its pair maps (Mw2Plan::pair_maps) and, here, the
// T_mean / T_rand precomputation, which lives in the handle rather than in the plan because
// maps/ sits above mw2/.
struct gmmot_mw2 {
  explicit gmmot_mw2(gmmot::Mw2Plan plan) : impl(std::move(plan)) {}
  gmmot_mw2(const gmmot_mw2 &) = delete;
  gmmot_mw2 &operator=(const gmmot_mw2 &) = delete;

  // The transport maps of impl, built on the first call (capi/maps.cpp); errors (Errc::NoMap)
  // propagate and the next call retries.
  const gmmot::TransportMaps &maps() const;

  const gmmot::Mw2Plan impl;

 private:
  gmmot::Lazy<gmmot::TransportMaps> maps_;  // borrows impl
};

struct gmmot_em {
  gmmot::EmOptions options;  // copied at creation; progress and interrupt are set per fit
  gmmot_progress_fn progress = nullptr;
  void *user_data = nullptr;
  std::atomic<bool> interrupt{false};
  std::atomic<bool> busy{false};  // a fit is running
  bool has_fit = false;           // the last successful fit's summary:
  double mean_log_likelihood = 0;
  std::uint64_t iterations = 0;
  bool converged = false;
  std::uint64_t passes = 0, moves = 0;
};

namespace gmmot::capi {

// The option table: key, type, bounds and default of every option (gmmot/options.h).
struct OptionSpec {
  int key;
  int type;
  double min, max, default_value;
  const char *name;
};
constexpr std::array<OptionSpec, 15> kOptionSpecs = {{
    {GMMOT_OPT_NUM_THREADS, GMMOT_OPTION_INT, 0, 1024, 0, "GMMOT_OPT_NUM_THREADS"},
    {GMMOT_OPT_BARYCENTER_TOLERANCE, GMMOT_OPTION_DOUBLE, 0, 1, 1e-12,
     "GMMOT_OPT_BARYCENTER_TOLERANCE"},
    {GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, GMMOT_OPTION_INT, 1, 1000000, 1000,
     "GMMOT_OPT_BARYCENTER_MAX_ITERATIONS"},
    {GMMOT_OPT_TRANSPORT_METHOD, GMMOT_OPTION_INT, 0, 1, GMMOT_TRANSPORT_EXACT,
     "GMMOT_OPT_TRANSPORT_METHOD"},
    {GMMOT_OPT_EXACT_MAX_ITERATIONS, GMMOT_OPTION_INT, 0, 1e15, 0,
     "GMMOT_OPT_EXACT_MAX_ITERATIONS"},
    {GMMOT_OPT_ENTROPIC_EPSILON, GMMOT_OPTION_DOUBLE, 1e-8, 1e8, 1e-3,
     "GMMOT_OPT_ENTROPIC_EPSILON"},
    {GMMOT_OPT_ENTROPIC_TOLERANCE, GMMOT_OPTION_DOUBLE, 0, 1, 1e-9, "GMMOT_OPT_ENTROPIC_TOLERANCE"},
    {GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, GMMOT_OPTION_INT, 1, 1e12, 100000,
     "GMMOT_OPT_ENTROPIC_MAX_ITERATIONS"},
    {GMMOT_OPT_EM_COMPONENTS, GMMOT_OPTION_INT, 1, 1000000, 10, "GMMOT_OPT_EM_COMPONENTS"},
    {GMMOT_OPT_EM_TOLERANCE, GMMOT_OPTION_DOUBLE, 0, 1, 1e-6, "GMMOT_OPT_EM_TOLERANCE"},
    {GMMOT_OPT_EM_MAX_ITERATIONS, GMMOT_OPTION_INT, 1, 1e9, 300, "GMMOT_OPT_EM_MAX_ITERATIONS"},
    {GMMOT_OPT_EM_REGULARIZATION, GMMOT_OPTION_DOUBLE, 0, 1, 1e-6, "GMMOT_OPT_EM_REGULARIZATION"},
    {GMMOT_OPT_EM_INITIALIZATIONS, GMMOT_OPTION_INT, 1, 1000, 1, "GMMOT_OPT_EM_INITIALIZATIONS"},
    {GMMOT_OPT_EM_SEED, GMMOT_OPTION_INT, 0, 9007199254740992.0, 0, "GMMOT_OPT_EM_SEED"},
    {GMMOT_OPT_EM_SPLIT_MERGE, GMMOT_OPTION_INT, 0, 1000, 0, "GMMOT_OPT_EM_SPLIT_MERGE"},
}};

// Index of `key` in kOptionSpecs, or -1.
int option_index(int key) noexcept;

}  // namespace gmmot::capi

struct gmmot_options {
  gmmot_options() {
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = gmmot::capi::kOptionSpecs[i].default_value;
  }
  // Every value fits a double exactly (integer options are bounded far below 2^53).
  std::array<double, gmmot::capi::kOptionSpecs.size()> values;
};

namespace gmmot::capi {

// Typed reads for the core, NULL meaning defaults.
unsigned threads_of(const gmmot_options_t *opts) noexcept;
BarycenterOptions barycenter_options_of(const gmmot_options_t *opts) noexcept;
Mw2Options transport_options_of(const gmmot_options_t *opts) noexcept;
// EM options (without progress callback or interrupt flag).
EmOptions em_options_of(const gmmot_options_t *opts) noexcept;

}  // namespace gmmot::capi
