// SPDX-License-Identifier: MIT
// The C++ definitions behind the opaque C handle types. Each wraps a core object; the C layer
// adds nothing numerical.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "colour/colour_transfer.hpp"
#include "em/em.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "gmmot/barycenter.h"
#include "gmmot/em.h"
#include "gmmot/gmm.h"
#include "gmmot/gromov.h"
#include "gmmot/mew2.h"
#include "gmmot/mw2.h"
#include "gmmot/options.h"
#include "gmmot/progress.h"
#include "gmmot/relaxed.h"
#include "gmmot/transport.h"
#include "gromov/embedding.hpp"
#include "gromov/mew2_maps.hpp"
#include "gromov/mgw2.hpp"
#include "lp/transport.hpp"
#include "maps/transport_maps.hpp"
#include "mixture/gmm.hpp"
#include "mw2/mixture_barycenter.hpp"
#include "mw2/mw2_plan.hpp"
#include "relax/relaxed_fit.hpp"
#include "texture/texture.hpp"
#include "util/context.hpp"
#include "util/lazy.hpp"
#include "util/rng.hpp"

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

  // The transport maps of impl, built on the first call under its ctx (capi/maps.cpp); errors
  // (Errc::NoMap, Errc::Cancelled) propagate and the next call retries.
  const gmmot::TransportMaps &maps(const gmmot::Context &ctx) const;

  const gmmot::Mw2Plan impl;

 private:
  gmmot::Lazy<gmmot::TransportMaps> maps_;  // borrows impl
};

// A mixture barycenter result: the core's, plus which solver made it, because the getters of
// tuples and duals must refuse (with a message saying why) for the solvers that have none rather
// than return an empty array that a caller could mistake for a result.
struct gmmot_mw2_barycenter {
  enum class Solver { Exact, FixedSupport, FixedPoint };
  gmmot_mw2_barycenter(gmmot::MixtureBarycenter r, Solver s,
                       gmmot::FixedPointOptions::Method m = gmmot::FixedPointOptions::Method{})
      : impl(std::move(r)), solver(s), fixed_point_method(m) {}
  gmmot_mw2_barycenter(const gmmot_mw2_barycenter &) = delete;
  gmmot_mw2_barycenter &operator=(const gmmot_mw2_barycenter &) = delete;

  const gmmot::MixtureBarycenter impl;
  const Solver solver;
  const gmmot::FixedPointOptions::Method fixed_point_method;  // meaningful for FixedPoint only
};

struct gmmot_interrupt {
  std::atomic<bool> raised{false};
};

// What an options object (or an EM object, which copies it) attaches to a call besides values.
struct gmmot_attachments {
  gmmot_progress_fn progress = nullptr;
  void *user_data = nullptr;
  gmmot_interrupt_t *interrupt = nullptr;  // borrowed
};

// A solved Gromov-Wasserstein problem (gmmot/gromov.h): the solver's result and its two
// matrices (for MGW2, the intra-mixture W2^2 matrices); immutable after creation.
struct gmmot_gw {
  gmmot_gw(gmmot::GwResult r, std::vector<double> m0, std::vector<double> m1, std::size_t n0,
           std::size_t n1)
      : impl(std::move(r)), c0(std::move(m0)), c1(std::move(m1)), k0(n0), k1(n1) {}
  gmmot_gw(const gmmot_gw &) = delete;
  gmmot_gw &operator=(const gmmot_gw &) = delete;

  const gmmot::GwResult impl;
  const std::vector<double> c0, c1;
  const std::size_t k0, k1;
};

// A solved EW2 or MEW2 problem (gmmot/mew2.h), immutable after creation. A MEW2 result shares
// its two mixtures (null for EW2) for the maps across dimensions, built once on first use
// (capi/mew2.cpp) because most callers only want the value.
struct gmmot_ew {
  gmmot_ew(gmmot::EwResult r, std::shared_ptr<const gmmot::Gmm> m0,
           std::shared_ptr<const gmmot::Gmm> m1)
      : impl(std::move(r)), g0(std::move(m0)), g1(std::move(m1)) {}
  gmmot_ew(const gmmot_ew &) = delete;
  gmmot_ew &operator=(const gmmot_ew &) = delete;

  // Errc::NoMap (m < n or a pair without a Monge map) and Errc::Cancelled propagate; the next
  // call retries.
  const gmmot::Mew2Maps &maps(const gmmot::Context &ctx) const;

  const gmmot::EwResult impl;
  const std::shared_ptr<const gmmot::Gmm> g0, g1;

 private:
  gmmot::Lazy<gmmot::Mew2Maps> maps_;
};

// A relaxed fit's result; immutable after creation (gmmot/relaxed.h).
struct gmmot_relaxed {
  explicit gmmot_relaxed(gmmot::RelaxedResult r) : impl(std::move(r)) {}
  gmmot_relaxed(const gmmot_relaxed &) = delete;
  gmmot_relaxed &operator=(const gmmot_relaxed &) = delete;

  const gmmot::RelaxedResult impl;
};

struct gmmot_em {
  gmmot::EmOptions options;  // copied at creation
  unsigned threads = 1;      // resolved at creation
  gmmot_attachments attached;
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
// Defaults and bounds come from the core options structs (one home for each; a test in
// tests/capi_cxx checks this table against them).
constexpr OptionSpec spec(int key, int type, Bounds b, double default_value, const char *name) {
  return {key, type, b.min, b.max, default_value, name};
}
constexpr EmOptions kEm{};
constexpr BarycenterOptions kBarycenter{};
constexpr TransportOptions kTransport{};
constexpr MultimarginalOptions kMultimarginal{};
constexpr FixedPointOptions kFixedPoint{};
using Relaxed = RelaxedOptions;
using Texture = TextureOptions;
constexpr TextureOptions kTexture{};
constexpr ColourTransferOptions kColour{};
constexpr std::array<OptionSpec, 55> kOptionSpecs = {{
    spec(GMMOT_OPT_NUM_THREADS, GMMOT_OPTION_INT, kThreadRequestBounds, kDefaultThreadRequest,
         "GMMOT_OPT_NUM_THREADS"),
    spec(GMMOT_OPT_SEED, GMMOT_OPTION_INT, kSeedBounds, static_cast<double>(kDefaultSeed),
         "GMMOT_OPT_SEED"),
    spec(GMMOT_OPT_BARYCENTER_TOLERANCE, GMMOT_OPTION_DOUBLE, BarycenterOptions::kToleranceBounds,
         kBarycenter.tolerance, "GMMOT_OPT_BARYCENTER_TOLERANCE"),
    spec(GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, GMMOT_OPTION_INT,
         BarycenterOptions::kMaxIterationsBounds, static_cast<double>(kBarycenter.max_iterations),
         "GMMOT_OPT_BARYCENTER_MAX_ITERATIONS"),
    spec(GMMOT_OPT_TRANSPORT_METHOD, GMMOT_OPTION_INT, TransportOptions::kMethodBounds,
         static_cast<double>(kTransport.method), "GMMOT_OPT_TRANSPORT_METHOD"),
    spec(GMMOT_OPT_EXACT_MAX_ITERATIONS, GMMOT_OPTION_INT, ExactOptions::kMaxIterationsBounds,
         static_cast<double>(kTransport.exact.max_iterations), "GMMOT_OPT_EXACT_MAX_ITERATIONS"),
    spec(GMMOT_OPT_ENTROPIC_EPSILON, GMMOT_OPTION_DOUBLE, EntropicOptions::kEpsilonBounds,
         kTransport.entropic.epsilon, "GMMOT_OPT_ENTROPIC_EPSILON"),
    spec(GMMOT_OPT_ENTROPIC_TOLERANCE, GMMOT_OPTION_DOUBLE, EntropicOptions::kToleranceBounds,
         kTransport.entropic.tolerance, "GMMOT_OPT_ENTROPIC_TOLERANCE"),
    spec(GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, GMMOT_OPTION_INT, EntropicOptions::kMaxIterationsBounds,
         static_cast<double>(kTransport.entropic.max_iterations),
         "GMMOT_OPT_ENTROPIC_MAX_ITERATIONS"),
    spec(GMMOT_OPT_EM_COMPONENTS, GMMOT_OPTION_INT, EmOptions::kComponentsBounds,
         static_cast<double>(kEm.components), "GMMOT_OPT_EM_COMPONENTS"),
    spec(GMMOT_OPT_EM_TOLERANCE, GMMOT_OPTION_DOUBLE, EmOptions::kToleranceBounds, kEm.tolerance,
         "GMMOT_OPT_EM_TOLERANCE"),
    spec(GMMOT_OPT_EM_MAX_ITERATIONS, GMMOT_OPTION_INT, EmOptions::kMaxIterationsBounds,
         static_cast<double>(kEm.max_iterations), "GMMOT_OPT_EM_MAX_ITERATIONS"),
    spec(GMMOT_OPT_EM_REGULARIZATION, GMMOT_OPTION_DOUBLE, EmOptions::kRegularizationBounds,
         kEm.regularization, "GMMOT_OPT_EM_REGULARIZATION"),
    spec(GMMOT_OPT_EM_INITIALIZATIONS, GMMOT_OPTION_INT, EmOptions::kInitializationsBounds,
         kEm.initializations, "GMMOT_OPT_EM_INITIALIZATIONS"),
    spec(GMMOT_OPT_EM_SPLIT_MERGE, GMMOT_OPTION_INT, EmOptions::kSplitMergeBounds, kEm.split_merge,
         "GMMOT_OPT_EM_SPLIT_MERGE"),
    spec(GMMOT_OPT_EM_FAMILY, GMMOT_OPTION_INT, EmOptions::kFamilyBounds, kEm.family,
         "GMMOT_OPT_EM_FAMILY"),
    spec(GMMOT_OPT_EM_DOF, GMMOT_OPTION_DOUBLE, EmOptions::kDofBounds, kEm.dof, "GMMOT_OPT_EM_DOF"),
    spec(GMMOT_OPT_MMOT_MAX_TUPLES, GMMOT_OPTION_DOUBLE, MultimarginalOptions::kMaxTuplesBounds,
         kMultimarginal.max_tuples, "GMMOT_OPT_MMOT_MAX_TUPLES"),
    spec(GMMOT_OPT_MMOT_MAX_ITERATIONS, GMMOT_OPTION_INT,
         MultimarginalOptions::kMaxIterationsBounds,
         static_cast<double>(kMultimarginal.max_iterations), "GMMOT_OPT_MMOT_MAX_ITERATIONS"),
    spec(GMMOT_OPT_FIXED_POINT_METHOD, GMMOT_OPTION_INT, FixedPointOptions::kMethodBounds,
         static_cast<double>(kFixedPoint.method), "GMMOT_OPT_FIXED_POINT_METHOD"),
    spec(GMMOT_OPT_FIXED_POINT_COMPONENTS, GMMOT_OPTION_INT, FixedPointOptions::kComponentsBounds,
         static_cast<double>(kFixedPoint.components), "GMMOT_OPT_FIXED_POINT_COMPONENTS"),
    spec(GMMOT_OPT_FIXED_POINT_TOLERANCE, GMMOT_OPTION_DOUBLE, FixedPointOptions::kToleranceBounds,
         kFixedPoint.tolerance, "GMMOT_OPT_FIXED_POINT_TOLERANCE"),
    spec(GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, GMMOT_OPTION_INT,
         FixedPointOptions::kMaxIterationsBounds, static_cast<double>(kFixedPoint.max_iterations),
         "GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS"),
    spec(GMMOT_OPT_FIXED_POINT_MAX_SUPPORT, GMMOT_OPTION_INT, FixedPointOptions::kMaxSupportBounds,
         static_cast<double>(kFixedPoint.max_support), "GMMOT_OPT_FIXED_POINT_MAX_SUPPORT"),
    spec(GMMOT_OPT_RELAXED_COMPONENTS, GMMOT_OPTION_INT, Relaxed::kComponentsBounds,
         static_cast<double>(Relaxed::kDefaultComponents), "GMMOT_OPT_RELAXED_COMPONENTS"),
    spec(GMMOT_OPT_RELAXED_LAMBDA, GMMOT_OPTION_DOUBLE, Relaxed::kLambdaBounds,
         Relaxed::kDefaultLambda, "GMMOT_OPT_RELAXED_LAMBDA"),
    spec(GMMOT_OPT_RELAXED_TOLERANCE, GMMOT_OPTION_DOUBLE, Relaxed::kToleranceBounds,
         Relaxed::kDefaultTolerance, "GMMOT_OPT_RELAXED_TOLERANCE"),
    spec(GMMOT_OPT_RELAXED_MAX_ITERATIONS, GMMOT_OPTION_INT, Relaxed::kMaxIterationsBounds,
         static_cast<double>(Relaxed::kDefaultMaxIterations), "GMMOT_OPT_RELAXED_MAX_ITERATIONS"),
    spec(GMMOT_OPT_RELAXED_REGULARIZATION, GMMOT_OPTION_DOUBLE, Relaxed::kRegularizationBounds,
         Relaxed::kDefaultRegularization, "GMMOT_OPT_RELAXED_REGULARIZATION"),
    spec(GMMOT_OPT_RELAXED_INIT, GMMOT_OPTION_INT, Relaxed::kInitBounds,
         static_cast<double>(Relaxed::kDefaultInit), "GMMOT_OPT_RELAXED_INIT"),
    spec(GMMOT_OPT_GW_MAX_ITERATIONS, GMMOT_OPTION_INT, GwOptions::kMaxIterationsBounds,
         static_cast<double>(GwOptions::kDefaultMaxIterations), "GMMOT_OPT_GW_MAX_ITERATIONS"),
    spec(GMMOT_OPT_GW_TOLERANCE, GMMOT_OPTION_DOUBLE, GwOptions::kToleranceBounds,
         GwOptions::kDefaultTolerance, "GMMOT_OPT_GW_TOLERANCE"),
    spec(GMMOT_OPT_GW_STARTS, GMMOT_OPTION_INT, GwOptions::kStartsBounds,
         static_cast<double>(GwOptions::kDefaultStarts), "GMMOT_OPT_GW_STARTS"),
    spec(GMMOT_OPT_GW_ANNEALING, GMMOT_OPTION_INT, GwOptions::kAnnealingBounds,
         static_cast<double>(GwOptions::kDefaultAnnealing), "GMMOT_OPT_GW_ANNEALING"),
    spec(GMMOT_OPT_GW_EPSILON, GMMOT_OPTION_DOUBLE, GwOptions::kEpsilonBounds,
         GwOptions::kDefaultEpsilon, "GMMOT_OPT_GW_EPSILON"),
    spec(GMMOT_OPT_EW_MAX_ITERATIONS, GMMOT_OPTION_INT, EwOptions::kMaxIterationsBounds,
         static_cast<double>(EwOptions::kDefaultMaxIterations), "GMMOT_OPT_EW_MAX_ITERATIONS"),
    spec(GMMOT_OPT_EW_TOLERANCE, GMMOT_OPTION_DOUBLE, EwOptions::kToleranceBounds,
         EwOptions::kDefaultTolerance, "GMMOT_OPT_EW_TOLERANCE"),
    spec(GMMOT_OPT_EW_STARTS, GMMOT_OPTION_INT, EwOptions::kStartsBounds,
         static_cast<double>(EwOptions::kDefaultStarts), "GMMOT_OPT_EW_STARTS"),
    spec(GMMOT_OPT_EW_ANNEALING, GMMOT_OPTION_INT, EwOptions::kAnnealingBounds,
         static_cast<double>(EwOptions::kDefaultAnnealing), "GMMOT_OPT_EW_ANNEALING"),
    spec(GMMOT_OPT_EW_EPSILON, GMMOT_OPTION_DOUBLE, EwOptions::kEpsilonBounds,
         EwOptions::kDefaultEpsilon, "GMMOT_OPT_EW_EPSILON"),
    spec(GMMOT_OPT_EW_SIGN_FLIPS, GMMOT_OPTION_INT, EwOptions::kSignFlipsBounds,
         static_cast<double>(EwOptions::kDefaultSignFlips), "GMMOT_OPT_EW_SIGN_FLIPS"),
    spec(GMMOT_OPT_EW_INNER_ITERATIONS, GMMOT_OPTION_INT, EwOptions::kInnerIterationsBounds,
         static_cast<double>(EwOptions::kDefaultInnerIterations), "GMMOT_OPT_EW_INNER_ITERATIONS"),
    spec(GMMOT_OPT_TEXTURE_COMPONENTS, GMMOT_OPTION_INT, Texture::kComponentsBounds,
         static_cast<double>(kTexture.components), "GMMOT_OPT_TEXTURE_COMPONENTS"),
    spec(GMMOT_OPT_TEXTURE_PATCH, GMMOT_OPTION_INT, Texture::kPatchBounds,
         static_cast<double>(kTexture.patch), "GMMOT_OPT_TEXTURE_PATCH"),
    spec(GMMOT_OPT_TEXTURE_FIT_PATCHES, GMMOT_OPTION_INT, Texture::kFitPatchesBounds,
         static_cast<double>(kTexture.fit_patches), "GMMOT_OPT_TEXTURE_FIT_PATCHES"),
    spec(GMMOT_OPT_TEXTURE_EM_TOLERANCE, GMMOT_OPTION_DOUBLE, Texture::kEmToleranceBounds,
         kTexture.em_tolerance, "GMMOT_OPT_TEXTURE_EM_TOLERANCE"),
    spec(GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS, GMMOT_OPTION_INT, Texture::kEmMaxIterationsBounds,
         static_cast<double>(kTexture.em_max_iterations), "GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS"),
    spec(GMMOT_OPT_COLOUR_FIT_POINTS, GMMOT_OPTION_INT, ColourTransferOptions::kFitPointsBounds,
         static_cast<double>(kColour.fit_points), "GMMOT_OPT_COLOUR_FIT_POINTS"),
    spec(GMMOT_OPT_COLOUR_MAP, GMMOT_OPTION_INT, ColourTransferOptions::kMapBounds,
         kColour.map_rand ? 1 : 0, "GMMOT_OPT_COLOUR_MAP"),
    spec(GMMOT_OPT_COLOUR_SPACE, GMMOT_OPTION_INT, ColourTransferOptions::kSpaceBounds,
         static_cast<double>(kColour.space), "GMMOT_OPT_COLOUR_SPACE"),
    spec(GMMOT_OPT_COLOUR_REGULARIZE, GMMOT_OPTION_INT, RegularizationOptions::kEnabledBounds,
         kColour.regularization.enabled ? 1 : 0, "GMMOT_OPT_COLOUR_REGULARIZE"),
    spec(GMMOT_OPT_COLOUR_RADIUS, GMMOT_OPTION_INT, RegularizationOptions::kRadiusBounds,
         static_cast<double>(kColour.regularization.radius), "GMMOT_OPT_COLOUR_RADIUS"),
    spec(GMMOT_OPT_COLOUR_EPSILON, GMMOT_OPTION_DOUBLE, RegularizationOptions::kEpsilonBounds,
         kColour.regularization.epsilon, "GMMOT_OPT_COLOUR_EPSILON"),
    spec(GMMOT_OPT_COLOUR_SUBSAMPLE, GMMOT_OPTION_INT, RegularizationOptions::kSubsampleBounds,
         static_cast<double>(kColour.regularization.subsample), "GMMOT_OPT_COLOUR_SUBSAMPLE"),
    spec(GMMOT_OPT_COLOUR_CLIP, GMMOT_OPTION_INT, RegularizationOptions::kClipBounds,
         kColour.regularization.clip ? 1 : 0, "GMMOT_OPT_COLOUR_CLIP"),
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
  gmmot_attachments attached;  // progress callback and interrupt flag; copied by clone
};

namespace gmmot::capi {

// Typed reads for the core, NULL meaning defaults.
unsigned threads_of(const gmmot_options_t *opts) noexcept;
std::uint64_t seed_of(const gmmot_options_t *opts) noexcept;  // GMMOT_OPT_SEED
BarycenterOptions barycenter_options_of(const gmmot_options_t *opts) noexcept;
TransportOptions transport_options_of(const gmmot_options_t *opts) noexcept;
EmOptions em_options_of(const gmmot_options_t *opts) noexcept;
// The mixture barycenter solvers (gmmot/barycenter.h): their own keys (500-514) plus the Gaussian
// barycenter's, the exact LP's pivot cap (fixed point) and GMMOT_OPT_SEED (fixed point).
MultimarginalOptions multimarginal_options_of(const gmmot_options_t *opts) noexcept;
FixedPointOptions fixed_point_options_of(const gmmot_options_t *opts) noexcept;
RelaxedOptions relaxed_options_of(const gmmot_options_t *opts);  // allocates (lambda_path)
// Gromov-Wasserstein (gmmot/gromov.h): keys 700-704, GMMOT_OPT_SEED, the exact LP's pivot cap.
GwOptions gw_options_of(const gmmot_options_t *opts) noexcept;
// EW2 and MEW2 (gmmot/mew2.h): keys 800-806, GMMOT_OPT_SEED, the exact LP's pivot cap.
EwOptions ew_options_of(const gmmot_options_t *opts) noexcept;
// Texture synthesis (gmmot/texture.h): keys 900-904, GMMOT_OPT_SEED, the transport keys.
TextureOptions texture_options_of(const gmmot_options_t *opts) noexcept;
// Colour transfer (gmmot/colour.h): keys 950-957, every EM key, the transport keys, the seed.
ColourTransferOptions colour_options_of(const gmmot_options_t *opts) noexcept;
// The progress callback and interrupt flag of opts (none for NULL).
gmmot_attachments attachments_of(const gmmot_options_t *opts) noexcept;

// The execution context of one call: threads resolved once, the C progress callback wrapped
// (it keeps the running function's name and message state intact), the interrupt flag.
Context context_of(unsigned threads, const gmmot_attachments &attached);
Context context_of(const gmmot_options_t *opts);

// The caller's n points in R^d (row-major) with their weights (NULL: uniform) as a core
// PointCloud; nothing is copied.
inline PointCloud point_cloud(const double *points, std::size_t n, std::size_t d,
                              const double *weights) noexcept {
  PointCloud c;
  c.n = n;
  c.d = d;
  c.points = points;
  c.weights = weights;
  return c;
}

}  // namespace gmmot::capi
