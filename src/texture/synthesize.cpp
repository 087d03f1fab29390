// SPDX-License-Identifier: MIT
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "em/em.hpp"
#include "maps/transport_maps.hpp"
#include "mw2/mw2_plan.hpp"
#include "texture/adsn.hpp"
#include "texture/fft.hpp"
#include "texture/patches.hpp"
#include "texture/texture.hpp"
#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {

namespace {

// Streams of the subsamples, far from the noise rows (Xoshiro256(seed, row)).
constexpr std::uint64_t kExemplarStream = std::uint64_t{1} << 60;
constexpr std::uint64_t kAdsnStream = kExemplarStream + 1;

// The largest buffers of a synthesis, refused before anything is allocated: the two complex FFT
// grids of the ADSN (about (out + exemplar) per side, so a thin output from a large exemplar
// still needs a large grid) and all patches of the grown output with their transports. The
// products are formed in double so that they cannot wrap around.
void require_work_fits(const ImageView &u, std::size_t width, std::size_t height,
                       std::size_t patch) {
  const std::size_t grow = 2 * (patch - 1);
  const double gw = static_cast<double>(Fft::next_size(
      checked_add(checked_add(width, grow, "out_width"), u.width - 1, "out_width + width")));
  const double gh = static_cast<double>(Fft::next_size(
      checked_add(checked_add(height, grow, "out_height"), u.height - 1, "out_height + height")));
  const double patches = static_cast<double>(width + grow - patch + 1) *
                         static_cast<double>(height + grow - patch + 1);
  const double d = static_cast<double>(patch * patch) * static_cast<double>(u.channels);
  const double bytes = 2 * sizeof(Complex) * gw * gh + 2 * sizeof(double) * patches * d;
  if (bytes > kTextureMaxWorkBytes) {
    fail(Errc::TooLarge,
         "out_width x out_height = " + std::to_string(width) + " x " + std::to_string(height) +
             " from a " + std::to_string(u.width) + " x " + std::to_string(u.height) +
             " exemplar needs about " + fmt(bytes / (1024.0 * 1024 * 1024)) +
             " GiB of working memory (the FFT grids of the ADSN and the transported patches), "
             "more than the limit of " +
             std::to_string(kTextureMaxWorkBytes / (std::uint64_t{1} << 30)) + " GiB");
  }
}

void check_inputs(const ImageView &u, std::size_t width, std::size_t height,
                  const TextureOptions &o) {
  o.validate();
  if (u.width == 0) fail(Errc::Dimension, "width (of the exemplar) is 0");
  if (u.height == 0) fail(Errc::Dimension, "height (of the exemplar) is 0");
  if (u.channels == 0) fail(Errc::Dimension, "channels is 0");
  if (width == 0) fail(Errc::Dimension, "out_width is 0");
  if (height == 0) fail(Errc::Dimension, "out_height is 0");
  if (u.width < o.patch || u.height < o.patch) {
    fail(Errc::Dimension, "the exemplar (width x height = " + std::to_string(u.width) + " x " +
                              std::to_string(u.height) + ") is smaller than the patch (" +
                              std::to_string(o.patch) + " x " + std::to_string(o.patch) + ")");
  }
  const std::size_t n =
      checked_mul(checked_mul(u.width, u.height, "exemplar pixels"), u.channels, "exemplar");
  checked_mul(checked_mul(width, height, "output pixels"), u.channels, "output");
  checked_mul(o.patch * o.patch, u.channels, "patch dimension");
  require_work_fits(u, width, height, o.patch);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(u.pixels[i])) {
      const std::size_t pixel = i / u.channels;
      fail(Errc::NonFinite, "exemplar[" + std::to_string(i) +
                                "] (pixel x = " + std::to_string(pixel % u.width) +
                                ", y = " + std::to_string(pixel / u.width) + ", channel " +
                                std::to_string(i % u.channels) + ") is " + fmt(u.pixels[i]));
    }
  }
}

class StageClock {
 public:
  StageClock(const Context &ctx, std::array<double, kTextureStages> &seconds)
      : ctx_(ctx), seconds_(seconds), start_(std::chrono::steady_clock::now()) {
    report(0);
  }
  void done(TextureStage s) {
    const auto now = std::chrono::steady_clock::now();
    const auto i = static_cast<std::size_t>(s);
    seconds_[i] = std::chrono::duration<double>(now - start_).count();
    start_ = now;
    report(i + 1);
  }

 private:
  void report(std::size_t finished) const {
    ctx_.report(Stage::Texture, finished, kTextureStages, std::numeric_limits<double>::quiet_NaN());
  }
  const Context &ctx_;
  std::array<double, kTextureStages> &seconds_;
  std::chrono::steady_clock::time_point start_;
};

EmOptions em_options(const TextureOptions &o) {
  EmOptions e;
  e.components = o.components;
  e.tolerance = o.em_tolerance;
  e.max_iterations = o.em_max_iterations;
  e.seed = o.seed;
  return e;
}

}  // namespace

void TextureOptions::validate() const {
  check_bounds("components", static_cast<double>(components), kComponentsBounds);
  check_bounds("patch", static_cast<double>(patch), kPatchBounds);
  check_bounds("fit_patches", static_cast<double>(fit_patches), kFitPatchesBounds);
  check_bounds("em_tolerance", em_tolerance, kEmToleranceBounds);
  check_bounds("em_max_iterations", static_cast<double>(em_max_iterations), kEmMaxIterationsBounds);
  check_bounds("seed", static_cast<double>(seed), kSeedBounds);
}

std::vector<double> texture_adsn(const ImageView &u, std::size_t width, std::size_t height,
                                 const TextureOptions &o, const Context &ctx) {
  check_inputs(u, width, height, o);
  const std::size_t grow = 2 * (o.patch - 1), c = u.channels;
  const std::size_t gw = width + grow, gh = height + grow;
  const std::vector<double> field = adsn(u, gw, gh, o.seed, ctx);
  std::vector<double> out(width * height * c);
  for (std::size_t y = 0; y < height; ++y) {
    const double *src = field.data() + ((y + o.patch - 1) * gw + (o.patch - 1)) * c;
    std::copy(src, src + width * c, out.data() + y * width * c);
  }
  return out;
}

TextureResult synthesize_texture(const ImageView &u, std::size_t width, std::size_t height,
                                 const TextureOptions &o, const Context &ctx, bool keep_adsn) {
  check_inputs(u, width, height, o);
  TextureResult r;
  StageClock clock(ctx, r.seconds);
  const std::size_t p = o.patch, c = u.channels, d = p * p * c;
  const std::size_t gw = width + 2 * (p - 1), gh = height + 2 * (p - 1);

  // 1. The grown ADSN field.
  const std::vector<double> field = adsn(u, gw, gh, o.seed, ctx);
  const ImageView fv{gw, gh, c, field.data()};
  if (keep_adsn) {
    r.adsn.resize(width * height * c);
    for (std::size_t y = 0; y < height; ++y) {
      const double *src = field.data() + ((y + p - 1) * gw + (p - 1)) * c;
      std::copy(src, src + width * c, r.adsn.data() + y * width * c);
    }
  }
  clock.done(TextureStage::Adsn);

  // 2. Patches: a subsample of u's for its fit; all of U's (they are all mapped) and a
  // subsample of them for U's fit.
  const std::size_t nu = (u.width - p + 1) * (u.height - p + 1);
  const std::size_t nf = (gw - p + 1) * (gh - p + 1);
  const std::vector<double> u_fit =
      extract_patches(u, p, subsample(nu, o.fit_patches, o.seed, kExemplarStream), ctx);
  const std::vector<double> f_all = extract_patches(fv, p, {}, ctx);
  const std::vector<std::size_t> f_idx = subsample(nf, o.fit_patches, o.seed, kAdsnStream);
  std::vector<double> f_fit(checked_mul(f_idx.size(), d, "fit patches"));
  for (std::size_t i = 0; i < f_idx.size(); ++i)
    std::copy(f_all.data() + f_idx[i] * d, f_all.data() + (f_idx[i] + 1) * d, f_fit.data() + i * d);
  clock.done(TextureStage::Patches);

  // 3. The two mixtures.
  const EmOptions em = em_options(o);
  EmResult gu = fit_gmm_em(u_fit.size() / d, d, u_fit.data(), nullptr, em, ctx);
  clock.done(TextureStage::FitExemplar);
  EmResult gf = fit_gmm_em(f_fit.size() / d, d, f_fit.data(), nullptr, em, ctx);
  clock.done(TextureStage::FitAdsn);
  r.em_converged = gu.converged && gf.converged;

  // 4. The plan from U's patches to u's, and T_mean on every patch of U.
  const Mw2Plan plan(gf.gmm, gu.gmm, o.transport, ctx);
  r.mw2_squared = plan.mw2_squared();
  const TransportMaps maps(plan, ctx);
  clock.done(TextureStage::Plan);
  std::vector<double> mapped(f_all.size());
  maps.apply_mean(nf, f_all.data(), ctx, mapped.data());
  clock.done(TextureStage::Map);

  // 5. Every output pixel from the P^2 transported patches covering it.
  r.image.resize(width * height * c);
  aggregate_patches(gw, gh, c, p, mapped.data(), ctx, r.image.data());
  clock.done(TextureStage::Aggregate);
  return r;
}

}  // namespace gmmot
