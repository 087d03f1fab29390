// The C++ definitions behind the opaque C handle types. Each wraps a core object; the C layer
// adds nothing numerical.
#pragma once

#include <array>
#include <cstdint>

#include "gaussian/gaussian_ot.hpp"
#include "gmmot/gmm.h"
#include "gmmot/mw2.h"
#include "gmmot/options.h"
#include "gmmot/transport.h"
#include "lp/transport.hpp"
#include "mixture/gmm.hpp"
#include "mw2/mw2_plan.hpp"

struct gmmot_gmm {
  gmmot::Gmm impl;
};

struct gmmot_transport {
  std::size_t k0, k1;
  gmmot::TransportResult impl;
};

struct gmmot_mw2 {
  gmmot::Mw2Plan impl;
};

namespace gmmot::capi {

// The option table: key, type, bounds and default of every option (gmmot/options.h).
struct OptionSpec {
  int key;
  int type;
  double min, max, default_value;
  const char *name;
};
constexpr std::array<OptionSpec, 8> kOptionSpecs = {{
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

}  // namespace gmmot::capi
