// SPDX-License-Identifier: MIT
// The C option table against the core: every key's default and bounds, as a C user sees them
// (gmmot_options_get_*, gmmot_options_bounds), equal those the core options structs own, and the
// pinned C enum values (transport methods, progress stages) equal the core's.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "colour/colour_transfer.hpp"
#include "em/em.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "gmmot/gmmot.h"
#include "gromov/embedding.hpp"
#include "gromov/gw_solver.hpp"
#include "lp/transport.hpp"
#include "mw2/mixture_barycenter.hpp"
#include "relax/relaxed_fit.hpp"
#include "texture/texture.hpp"
#include "util/context.hpp"
#include "util/rng.hpp"

using namespace gmmot;

namespace {

struct Expected {
  int key;
  int type;
  double default_value;
  Bounds bounds;
};

std::vector<Expected> expected_table() {
  const EmOptions em;
  const BarycenterOptions bary;
  const TransportOptions tr;
  const MultimarginalOptions mm;
  const FixedPointOptions fp;
  const RelaxedOptions rx;
  const GwOptions gw;
  const EwOptions ew;
  const TextureOptions tx;
  const ColourTransferOptions ct;
  const auto u = [](std::uint64_t v) { return static_cast<double>(v); };
  return {
      {GMMOT_OPT_NUM_THREADS, GMMOT_OPTION_INT, kDefaultThreadRequest, kThreadRequestBounds},
      {GMMOT_OPT_SEED, GMMOT_OPTION_INT, u(kDefaultSeed), kSeedBounds},
      {GMMOT_OPT_BARYCENTER_TOLERANCE, GMMOT_OPTION_DOUBLE, bary.tolerance,
       BarycenterOptions::kToleranceBounds},
      {GMMOT_OPT_BARYCENTER_MAX_ITERATIONS, GMMOT_OPTION_INT, u(bary.max_iterations),
       BarycenterOptions::kMaxIterationsBounds},
      {GMMOT_OPT_TRANSPORT_METHOD, GMMOT_OPTION_INT, static_cast<double>(tr.method),
       TransportOptions::kMethodBounds},
      {GMMOT_OPT_EXACT_MAX_ITERATIONS, GMMOT_OPTION_INT, u(tr.exact.max_iterations),
       ExactOptions::kMaxIterationsBounds},
      {GMMOT_OPT_ENTROPIC_EPSILON, GMMOT_OPTION_DOUBLE, tr.entropic.epsilon,
       EntropicOptions::kEpsilonBounds},
      {GMMOT_OPT_ENTROPIC_TOLERANCE, GMMOT_OPTION_DOUBLE, tr.entropic.tolerance,
       EntropicOptions::kToleranceBounds},
      {GMMOT_OPT_ENTROPIC_MAX_ITERATIONS, GMMOT_OPTION_INT, u(tr.entropic.max_iterations),
       EntropicOptions::kMaxIterationsBounds},
      {GMMOT_OPT_EM_COMPONENTS, GMMOT_OPTION_INT, u(em.components), EmOptions::kComponentsBounds},
      {GMMOT_OPT_EM_TOLERANCE, GMMOT_OPTION_DOUBLE, em.tolerance, EmOptions::kToleranceBounds},
      {GMMOT_OPT_EM_MAX_ITERATIONS, GMMOT_OPTION_INT, u(em.max_iterations),
       EmOptions::kMaxIterationsBounds},
      {GMMOT_OPT_EM_REGULARIZATION, GMMOT_OPTION_DOUBLE, em.regularization,
       EmOptions::kRegularizationBounds},
      {GMMOT_OPT_EM_INITIALIZATIONS, GMMOT_OPTION_INT, u(em.initializations),
       EmOptions::kInitializationsBounds},
      {GMMOT_OPT_EM_SPLIT_MERGE, GMMOT_OPTION_INT, u(em.split_merge), EmOptions::kSplitMergeBounds},
      {GMMOT_OPT_EM_FAMILY, GMMOT_OPTION_INT, static_cast<double>(em.family),
       EmOptions::kFamilyBounds},
      {GMMOT_OPT_EM_DOF, GMMOT_OPTION_DOUBLE, em.dof, EmOptions::kDofBounds},
      {GMMOT_OPT_MMOT_MAX_TUPLES, GMMOT_OPTION_DOUBLE, mm.max_tuples,
       MultimarginalOptions::kMaxTuplesBounds},
      {GMMOT_OPT_MMOT_MAX_ITERATIONS, GMMOT_OPTION_INT, u(mm.max_iterations),
       MultimarginalOptions::kMaxIterationsBounds},
      {GMMOT_OPT_FIXED_POINT_METHOD, GMMOT_OPTION_INT, static_cast<double>(fp.method),
       FixedPointOptions::kMethodBounds},
      {GMMOT_OPT_FIXED_POINT_COMPONENTS, GMMOT_OPTION_INT, u(fp.components),
       FixedPointOptions::kComponentsBounds},
      {GMMOT_OPT_FIXED_POINT_TOLERANCE, GMMOT_OPTION_DOUBLE, fp.tolerance,
       FixedPointOptions::kToleranceBounds},
      {GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, GMMOT_OPTION_INT, u(fp.max_iterations),
       FixedPointOptions::kMaxIterationsBounds},
      {GMMOT_OPT_FIXED_POINT_MAX_SUPPORT, GMMOT_OPTION_INT, u(fp.max_support),
       FixedPointOptions::kMaxSupportBounds},
      {GMMOT_OPT_RELAXED_COMPONENTS, GMMOT_OPTION_INT, u(rx.components),
       RelaxedOptions::kComponentsBounds},
      {GMMOT_OPT_RELAXED_LAMBDA, GMMOT_OPTION_DOUBLE, rx.lambda, RelaxedOptions::kLambdaBounds},
      {GMMOT_OPT_RELAXED_TOLERANCE, GMMOT_OPTION_DOUBLE, rx.tolerance,
       RelaxedOptions::kToleranceBounds},
      {GMMOT_OPT_RELAXED_MAX_ITERATIONS, GMMOT_OPTION_INT, u(rx.max_iterations),
       RelaxedOptions::kMaxIterationsBounds},
      {GMMOT_OPT_RELAXED_REGULARIZATION, GMMOT_OPTION_DOUBLE, rx.regularization,
       RelaxedOptions::kRegularizationBounds},
      {GMMOT_OPT_RELAXED_INIT, GMMOT_OPTION_INT, static_cast<double>(rx.init),
       RelaxedOptions::kInitBounds},
      {GMMOT_OPT_GW_MAX_ITERATIONS, GMMOT_OPTION_INT, u(gw.max_iterations),
       GwOptions::kMaxIterationsBounds},
      {GMMOT_OPT_GW_TOLERANCE, GMMOT_OPTION_DOUBLE, gw.tolerance, GwOptions::kToleranceBounds},
      {GMMOT_OPT_GW_STARTS, GMMOT_OPTION_INT, u(gw.starts), GwOptions::kStartsBounds},
      {GMMOT_OPT_GW_ANNEALING, GMMOT_OPTION_INT, static_cast<double>(gw.annealing),
       GwOptions::kAnnealingBounds},
      {GMMOT_OPT_GW_EPSILON, GMMOT_OPTION_DOUBLE, gw.epsilon, GwOptions::kEpsilonBounds},
      {GMMOT_OPT_EW_MAX_ITERATIONS, GMMOT_OPTION_INT, u(ew.max_iterations),
       EwOptions::kMaxIterationsBounds},
      {GMMOT_OPT_EW_TOLERANCE, GMMOT_OPTION_DOUBLE, ew.tolerance, EwOptions::kToleranceBounds},
      {GMMOT_OPT_EW_STARTS, GMMOT_OPTION_INT, u(ew.starts), EwOptions::kStartsBounds},
      {GMMOT_OPT_EW_ANNEALING, GMMOT_OPTION_INT, static_cast<double>(ew.annealing),
       EwOptions::kAnnealingBounds},
      {GMMOT_OPT_EW_EPSILON, GMMOT_OPTION_DOUBLE, ew.epsilon, EwOptions::kEpsilonBounds},
      {GMMOT_OPT_EW_SIGN_FLIPS, GMMOT_OPTION_INT, u(ew.sign_flips), EwOptions::kSignFlipsBounds},
      {GMMOT_OPT_EW_INNER_ITERATIONS, GMMOT_OPTION_INT, u(ew.inner_iterations),
       EwOptions::kInnerIterationsBounds},
      {GMMOT_OPT_TEXTURE_COMPONENTS, GMMOT_OPTION_INT, u(tx.components),
       TextureOptions::kComponentsBounds},
      {GMMOT_OPT_TEXTURE_PATCH, GMMOT_OPTION_INT, u(tx.patch), TextureOptions::kPatchBounds},
      {GMMOT_OPT_TEXTURE_FIT_PATCHES, GMMOT_OPTION_INT, u(tx.fit_patches),
       TextureOptions::kFitPatchesBounds},
      {GMMOT_OPT_TEXTURE_EM_TOLERANCE, GMMOT_OPTION_DOUBLE, tx.em_tolerance,
       TextureOptions::kEmToleranceBounds},
      {GMMOT_OPT_TEXTURE_EM_MAX_ITERATIONS, GMMOT_OPTION_INT, u(tx.em_max_iterations),
       TextureOptions::kEmMaxIterationsBounds},
      {GMMOT_OPT_COLOUR_FIT_POINTS, GMMOT_OPTION_INT, u(ct.fit_points),
       ColourTransferOptions::kFitPointsBounds},
      {GMMOT_OPT_COLOUR_MAP, GMMOT_OPTION_INT, ct.map_rand ? 1.0 : 0.0,
       ColourTransferOptions::kMapBounds},
      {GMMOT_OPT_COLOUR_SPACE, GMMOT_OPTION_INT, static_cast<double>(ct.space),
       ColourTransferOptions::kSpaceBounds},
      {GMMOT_OPT_COLOUR_REGULARIZE, GMMOT_OPTION_INT, ct.regularization.enabled ? 1.0 : 0.0,
       RegularizationOptions::kEnabledBounds},
      {GMMOT_OPT_COLOUR_RADIUS, GMMOT_OPTION_INT, u(ct.regularization.radius),
       RegularizationOptions::kRadiusBounds},
      {GMMOT_OPT_COLOUR_EPSILON, GMMOT_OPTION_DOUBLE, ct.regularization.epsilon,
       RegularizationOptions::kEpsilonBounds},
      {GMMOT_OPT_COLOUR_SUBSAMPLE, GMMOT_OPTION_INT, u(ct.regularization.subsample),
       RegularizationOptions::kSubsampleBounds},
      {GMMOT_OPT_COLOUR_CLIP, GMMOT_OPTION_INT, ct.regularization.clip ? 1.0 : 0.0,
       RegularizationOptions::kClipBounds},
  };
}

}  // namespace

TEST_CASE("every C option default and bound is the core's", "[options]") {
  gmmot_options_t *o = nullptr;
  REQUIRE(gmmot_options_create(&o) == GMMOT_OK);
  const std::vector<Expected> table = expected_table();
  for (const Expected &e : table) {
    INFO("key " << e.key);
    int type = 0;
    double lo = -1, hi = -1;
    REQUIRE(gmmot_options_bounds(e.key, &type, &lo, &hi) == GMMOT_OK);
    CHECK(type == e.type);
    CHECK(lo == e.bounds.min);
    CHECK(hi == e.bounds.max);
    CHECK(e.bounds.contains(e.default_value));
    if (type == GMMOT_OPTION_INT) {
      std::int64_t v = -7;
      REQUIRE(gmmot_options_get_int(o, e.key, &v) == GMMOT_OK);
      CHECK(static_cast<double>(v) == e.default_value);
    } else {
      double v = -7;
      REQUIRE(gmmot_options_get_double(o, e.key, &v) == GMMOT_OK);
      CHECK(v == e.default_value);
    }
  }
  // No C key without a core home: every key the C layer knows is in the table above.
  std::size_t known = 0;
  for (int key = 0; key < 10000; ++key)
    if (gmmot_options_bounds(key, nullptr, nullptr, nullptr) == GMMOT_OK) ++known;
  CHECK(known == table.size());
  gmmot_options_destroy(o);
}

TEST_CASE("GMMOT_OPT_SEED is the seed the core options hold", "[options]") {
  // The one C seed feeds EmOptions::seed (and the seed arguments of sampling and T_rand): its
  // default is the core's, and every value the C bounds admit passes EmOptions::validate.
  CHECK(EmOptions{}.seed == kDefaultSeed);
  EmOptions em;
  em.seed = static_cast<std::uint64_t>(kSeedBounds.max);
  CHECK_NOTHROW(em.validate());
  em.seed = 2 * static_cast<std::uint64_t>(kSeedBounds.max);  // + 1 would round to the bound
  CHECK_THROWS_WITH(em.validate(), Catch::Contains("seed"));
  // 405 was GMMOT_OPT_EM_SEED: no longer a key.
  CHECK(gmmot_options_bounds(405, nullptr, nullptr, nullptr) == GMMOT_E_INVALID_ARGUMENT);
}

TEST_CASE("the core options structs validate their own bounds", "[options]") {
  CHECK_NOTHROW(EmOptions{}.validate());
  CHECK_NOTHROW(BarycenterOptions{}.validate());
  CHECK_NOTHROW(TransportOptions{}.validate());
  CHECK_NOTHROW(MultimarginalOptions{}.validate());
  CHECK_NOTHROW(FixedPointOptions{}.validate());
  CHECK_NOTHROW(RelaxedOptions{}.validate());
  EmOptions em;
  em.tolerance = 2;
  CHECK_THROWS_WITH(em.validate(), Catch::Contains("tolerance"));
  BarycenterOptions bary;
  bary.max_iterations = 0;
  CHECK_THROWS_WITH(bary.validate(), Catch::Contains("max_iterations"));
  TransportOptions tr;
  tr.entropic.epsilon = 1e-9;
  CHECK_THROWS_WITH(tr.validate(), Catch::Contains("epsilon"));
  MultimarginalOptions mm;
  mm.max_tuples = 0.5;
  CHECK_THROWS_WITH(mm.validate(), Catch::Contains("max_tuples"));
  FixedPointOptions fp;
  fp.max_iterations = 0;
  CHECK_THROWS_WITH(fp.validate(), Catch::Contains("max_iterations"));
}

TEST_CASE("pinned C enum values equal the core's", "[options]") {
  CHECK(GMMOT_TRANSPORT_EXACT == static_cast<int>(TransportMethod::Exact));
  CHECK(GMMOT_TRANSPORT_ENTROPIC == static_cast<int>(TransportMethod::Entropic));
  CHECK(GMMOT_STAGE_EM == static_cast<int>(Stage::Em));
  CHECK(GMMOT_STAGE_EXACT_LP == static_cast<int>(Stage::ExactLp));
  CHECK(GMMOT_STAGE_SINKHORN == static_cast<int>(Stage::Sinkhorn));
  CHECK(GMMOT_STAGE_BARYCENTER == static_cast<int>(Stage::Barycenter));
  CHECK(GMMOT_STAGE_COST_MATRIX == static_cast<int>(Stage::CostMatrix));
  CHECK(GMMOT_STAGE_MAPS == static_cast<int>(Stage::Maps));
  CHECK(GMMOT_STAGE_DENSITY == static_cast<int>(Stage::Density));
  CHECK(GMMOT_STAGE_MULTIMARGINAL == static_cast<int>(Stage::Multimarginal));
  CHECK(GMMOT_STAGE_FIXED_POINT == static_cast<int>(Stage::FixedPoint));
  CHECK(GMMOT_FIXED_POINT_TRUE == static_cast<int>(FixedPointOptions::Method::TrueFixedPoint));
  CHECK(GMMOT_FIXED_POINT_EUCLIDEAN ==
        static_cast<int>(FixedPointOptions::Method::EuclideanProjection));
  CHECK(GMMOT_FIXED_POINT_BURES == static_cast<int>(FixedPointOptions::Method::BuresProjection));
  CHECK(GMMOT_STAGE_RELAXED == static_cast<int>(Stage::Relaxed));
  CHECK(GMMOT_STAGE_GROMOV == static_cast<int>(Stage::Gromov));
  CHECK(GMMOT_STAGE_EMBEDDING == static_cast<int>(Stage::Embedding));
  CHECK(GMMOT_STAGE_TEXTURE == static_cast<int>(Stage::Texture));
  CHECK(GMMOT_TEXTURE_STAGE_AGGREGATE == static_cast<int>(TextureStage::Aggregate));
  CHECK(GMMOT_STAGE_COLOUR == static_cast<int>(Stage::Colour));
  CHECK(GMMOT_COLOUR_RGB == static_cast<int>(ColourSpace::Rgb));
  CHECK(GMMOT_COLOUR_LAB == static_cast<int>(ColourSpace::Lab));
  CHECK(GMMOT_COLOUR_YCBCR == static_cast<int>(ColourSpace::YCbCr));
  CHECK(GMMOT_RELAXED_INIT_POOLED == static_cast<int>(RelaxedInit::Pooled));
  CHECK(GMMOT_RELAXED_INIT_SEPARATE == static_cast<int>(RelaxedInit::Separate));
  CHECK(GMMOT_RELAXED_INIT_USER == static_cast<int>(RelaxedInit::User));
}
