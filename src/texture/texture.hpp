// SPDX-License-Identifier: MIT
// Texture synthesis by the MW2 transport of patch mixtures (Delon-Desolneux 2020, section 7.2,
// after the semi-discrete method of Galerne, Leclaire and Rabin 2018):
//   1. U, the ADSN of the exemplar u (adsn.hpp), on the output window grown by P - 1 pixels on
//      every side, so that every output pixel is covered by P^2 patches;
//   2. K-component Gaussian mixtures (EM) of the P x P patches (d = P^2 C) of u and of U, each
//      fitted on at most `fit_patches` patches drawn uniformly (the full sets are ~10^4-10^5
//      points; EM cost is linear in them, and a few thousand points pin 10 components in d = 27
//      for the map's purpose: measured in gmmot/options.h, GMMOT_OPT_TEXTURE_FIT_PATCHES);
//   3. the MW2 plan from U's mixture to u's, and its T_mean applied to every patch of U;
//   4. each output pixel = the mean of the P^2 transported patches that cover it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lp/transport.hpp"
#include "texture/image.hpp"
#include "util/bounds.hpp"
#include "util/context.hpp"
#include "util/rng.hpp"

namespace gmmot {

struct TextureOptions {
  std::size_t components = 10;  // K of both mixtures
  static constexpr Bounds kComponentsBounds{1, 1000};
  std::size_t patch = 3;  // P
  static constexpr Bounds kPatchBounds{1, 16};
  std::size_t fit_patches = 5000;  // patches each EM fit sees; 0 = all
  static constexpr Bounds kFitPatchesBounds{0, 1e12};
  double em_tolerance = 1e-4;  // EM's relative log-likelihood tolerance (em/em.hpp)
  static constexpr Bounds kEmToleranceBounds{0, 1};
  std::uint64_t em_max_iterations = 100;  // per fit; reaching it is a warning
  static constexpr Bounds kEmMaxIterationsBounds{1, 1e9};
  std::uint64_t seed = kDefaultSeed;  // the noise, the subsamples and the k-means++ starts
  TransportOptions transport;         // the MW2 plan's discrete transport

  // Errc::InvalidArgument naming the first field outside its bounds.
  void validate() const;
};

// Stages of one synthesis, in order (the values of gmmot_texture_stage).
enum class TextureStage : std::size_t {
  Adsn,         // the noise and the FFT convolution
  Patches,      // extraction of both patch sets and the subsamples
  FitExemplar,  // EM on u's patches
  FitAdsn,      // EM on U's patches
  Plan,         // MW2 plan
  Map,          // T_mean on every patch of U
  Aggregate,    // averaging the overlapping patches
  Count
};
constexpr std::size_t kTextureStages = static_cast<std::size_t>(TextureStage::Count);

struct TextureResult {
  std::vector<double> image;  // width * height * C
  std::vector<double> adsn;   // the window of U that `image` replaces (same size), if asked
  std::array<double, kTextureStages> seconds{};  // wall-clock time per stage
  bool em_converged = true;                      // both fits met their tolerance
  double mw2_squared = 0;                        // MW2^2 between U's and u's patch mixtures
};

// The most working memory a synthesis may need (texture.h: GMMOT_E_TOO_LARGE beyond it).
constexpr std::uint64_t kTextureMaxWorkBytes = std::uint64_t{16} << 30;

// Errors (nothing returned): Errc::Dimension naming width, height, channels, out_width or
// out_height (the C argument names) when 0, or the exemplar smaller than the patch;
// Errc::NonFinite naming exemplar[i] with its pixel and channel; Errc::InvalidArgument for bad
// options; Errc::TooLarge (sizes that overflow, or above kTextureMaxWorkBytes of working
// memory); errors of EM and of the MW2 plan (Errc::Cancelled under ctx).
// Progress: Stage::Texture (done = stages finished of kTextureStages, value = NaN) at the start
// and after every stage, besides the Stage::Em, CostMatrix, ExactLp and Maps reports of the
// steps. Deterministic for a seed, whatever ctx.threads.
TextureResult synthesize_texture(const ImageView &exemplar, std::size_t width, std::size_t height,
                                 const TextureOptions &options, const Context &ctx,
                                 bool keep_adsn = false);

// Only the ADSN window that synthesize_texture with the same arguments maps (the central
// width x height of its grown field), with the same checks.
std::vector<double> texture_adsn(const ImageView &exemplar, std::size_t width, std::size_t height,
                                 const TextureOptions &options, const Context &ctx);

}  // namespace gmmot
