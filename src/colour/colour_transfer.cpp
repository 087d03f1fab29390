// SPDX-License-Identifier: MIT
#include "colour/colour_transfer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "colour/colour_map.hpp"
#include "colour/guided_filter.hpp"
#include "colour/palette_points.hpp"
#include "maps/transport_maps.hpp"
#include "mw2/mw2_plan.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace gmmot {

namespace {

constexpr std::size_t kBlock = 16384;
constexpr std::uint64_t kSteps = 5;
constexpr std::size_t kScanBlock = std::size_t{1} << 18;  // values per block of the range check

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Fit {
  std::shared_ptr<const Gmm> gmm;
  std::uint64_t iterations = 0;
  bool converged = true;
  std::size_t colours = 0;
};

PalettePoints fit_points(std::size_t n, const double *rgb, const ColourTransferOptions &o,
                         std::uint64_t stream, const Context &ctx) {
  PalettePoints pts = palette_points(n, rgb, o.fit_points, o.em.seed ^ stream, ctx);
  to_space(o.space, pts.counts.size(), pts.colours.data(), pts.colours.data(), ctx);
  return pts;
}

Fit fit_palette(const PalettePoints &pts, const ColourTransferOptions &o, const Context &ctx) {
  const std::size_t m = pts.counts.size();
  EmResult r = fit_gmm_em(m, 3, pts.colours.data(), pts.counts.data(), o.em, ctx);
  return {std::move(r.gmm), r.iterations, r.converged, m};
}

// Student-t palettes with nu estimated: MW2 needs one nu on both sides, so both palettes are
// fitted jointly with one shared nu (em.hpp, fit_em_joint).
bool needs_joint_fit(const EmOptions &em) { return em.family == 1 && em.dof == 0.0; }

}  // namespace

std::size_t RegularizationOptions::resolved_radius(std::size_t width, std::size_t height) const {
  if (radius > 0) return radius;
  const double side = static_cast<double>(std::min(width, height));
  return std::max<std::size_t>(2, static_cast<std::size_t>(std::lround(side / 100.0)));
}

std::size_t RegularizationOptions::resolved_subsample(std::size_t width, std::size_t height) const {
  if (subsample > 0) return subsample;
  // The fast guided filter's regime: the coefficients are box means of radius r, so computing
  // them on s x s averages with s <= r / 2 changes them little (He & Sun 2015 use s = r / 4 to
  // r / 2) while the regression's cost drops by s^2. Subsample until at most 2^18 pixels remain.
  const std::size_t cap = std::max<std::size_t>(1, resolved_radius(width, height) / 2);
  std::size_t s = 1;
  while (s < cap && ((width + s - 1) / s) * ((height + s - 1) / s) > (std::size_t{1} << 18)) ++s;
  return s;
}

void check_unit_pixels(std::size_t n, const double *pixels, const char *name, const Context &ctx) {
  // A branch-free pass over blocks on every thread (a 12-megapixel image holds 36 M values);
  // the first offending value is named by the serial scan, only on failure.
  std::atomic<bool> bad{false};
  parallel_blocks(3 * n, kScanBlock, Context(ctx.threads),
                  [&](std::size_t i0, std::size_t i1, unsigned) {
                    unsigned outside = 0;
                    for (std::size_t i = i0; i < i1; ++i)
                      outside |= static_cast<unsigned>(!(pixels[i] >= 0.0)) |
                                 static_cast<unsigned>(!(pixels[i] <= 1.0));
                    if (outside != 0) bad.store(true, std::memory_order_relaxed);
                  });
  if (bad.load()) check_unit_pixels(n, pixels, name);
}

void check_unit_pixels(std::size_t n, const double *pixels, const char *name) {
  for (std::size_t i = 0; i < 3 * n; ++i) {
    const double v = pixels[i];
    if (v >= 0.0 && v <= 1.0) continue;
    const std::string where = std::string(name) + "[" + std::to_string(i / 3) + "][" +
                              std::to_string(i % 3) + "] = " + fmt(v);
    if (!std::isfinite(v)) fail(Errc::NonFinite, where + " is not finite");
    fail(Errc::InvalidArgument, where + " is outside [0, 1] (RGB values are expected in [0, 1])");
  }
}

namespace {

void regularize(const double *source, std::size_t width, std::size_t height, const double *mapped,
                const RegularizationOptions &options, const Context &ctx, double *out,
                GuidedFilterWork *work, std::size_t *radius_used, std::size_t *subsample_used) {
  const std::size_t n = width * height;
  std::size_t r = 0, s = 0;
  if (options.enabled) {
    r = options.resolved_radius(width, height);
    s = options.resolved_subsample(width, height);
    guided_filter_change(width, height, source, mapped, {r, options.epsilon, s}, options.clip, ctx,
                         out, work);
  } else {
    // Only the clip (or a copy); nothing here can be cancelled once it writes out.
    ctx.check_interrupt();
    const Context quiet(ctx.threads);
    parallel_blocks(n, kBlock, quiet, [&](std::size_t i0, std::size_t i1, unsigned) {
      for (std::size_t i = 3 * i0; i < 3 * i1; ++i)
        out[i] = options.clip ? std::clamp(mapped[i], 0.0, 1.0) : mapped[i];
    });
  }
  if (radius_used != nullptr) *radius_used = r;
  if (subsample_used != nullptr) *subsample_used = s;
}

// The map on every pixel, straight into out (its input: the source, or the source converted
// into a scratch image, whose result is converted back in place).
void map_pixels(std::size_t n0, const double *source, const ColourTransferOptions &options,
                const TransportMaps &maps, const Context &ctx, double *out) {
  const double *x = source;
  std::vector<double> work;
  if (options.space != ColourSpace::Rgb) {
    work.resize(3 * n0);
    to_space(options.space, n0, source, work.data(), ctx);
    x = work.data();
  }
  if (options.map_rand) {
    maps.apply_rand(n0, x, options.em.seed, ctx, out);
  } else {
    maps.apply_mean(n0, x, ctx, out);
  }
  if (!work.empty()) {
    std::vector<double>().swap(work);
    from_space(options.space, n0, out, out, ctx);
  }
}

}  // namespace

void colour_regularize(const double *source, std::size_t width, std::size_t height,
                       const double *mapped, const RegularizationOptions &options,
                       const Context &ctx, double *out, std::size_t *radius_used,
                       std::size_t *subsample_used) {
  regularize(source, width, height, mapped, options, ctx, out, nullptr, radius_used,
             subsample_used);
}

ColourTransferInfo colour_transfer(const double *source, std::size_t sw, std::size_t sh,
                                   const double *target, std::size_t tw, std::size_t th,
                                   const ColourTransferOptions &options, const Context &ctx,
                                   double *out) {
  const auto t_start = std::chrono::steady_clock::now();
  if (sw == 0 || sh == 0)
    fail(Errc::Dimension, "the source image is empty (" + std::to_string(sw) + " x " +
                              std::to_string(sh) + " pixels)");
  if (tw == 0 || th == 0)
    fail(Errc::Dimension, "the target image is empty (" + std::to_string(tw) + " x " +
                              std::to_string(th) + " pixels)");
  options.em.validate();
  options.transport.validate();
  const std::size_t n0 = sw * sh, n1 = tw * th;
  check_unit_pixels(n0, source, "source", ctx);
  check_unit_pixels(n1, target, "target", ctx);
  ColourTransferInfo info;
  ctx.report(Stage::Colour, 0, kSteps, std::nan(""));

  // Streams 1 and 2 of the seed: the two images' pixel draws differ even for equal sizes.
  auto t = std::chrono::steady_clock::now();
  const PalettePoints p0 = fit_points(n0, source, options, 1, ctx);
  Fit f0, f1;
  if (needs_joint_fit(options.em)) {
    const PalettePoints p1 = fit_points(n1, target, options, 2, ctx);
    const std::size_t n[2] = {p0.counts.size(), p1.counts.size()};
    const double *pts[2] = {p0.colours.data(), p1.colours.data()};
    const double *w[2] = {p0.counts.data(), p1.counts.data()};
    EmJointResult r = fit_em_joint(2, 3, n, pts, w, options.em, ctx);
    f0 = {std::move(r.fits[0].gmm), r.iterations, r.converged, n[0]};
    f1 = {std::move(r.fits[1].gmm), r.iterations, r.converged, n[1]};
    // One joint run: its time is split evenly between the two fits' entries.
    info.fit_source_seconds = info.fit_target_seconds = 0.5 * seconds_since(t);
    ctx.report(Stage::Colour, 1, kSteps, std::nan(""));
    ctx.report(Stage::Colour, 2, kSteps, std::nan(""));
  } else {
    f0 = fit_palette(p0, options, ctx);
    info.fit_source_seconds = seconds_since(t);
    ctx.report(Stage::Colour, 1, kSteps, std::nan(""));
    t = std::chrono::steady_clock::now();
    f1 = fit_palette(fit_points(n1, target, options, 2, ctx), options, ctx);
    info.fit_target_seconds = seconds_since(t);
    ctx.report(Stage::Colour, 2, kSteps, std::nan(""));
  }

  t = std::chrono::steady_clock::now();
  const Mw2Plan plan(f0.gmm, f1.gmm, options.transport, ctx);
  const TransportMaps maps(plan, ctx);
  info.plan_seconds = seconds_since(t);
  ctx.report(Stage::Colour, 3, kSteps, std::nan(""));

  t = std::chrono::steady_clock::now();
  // The filter's planes (88 bytes per pixel of its subsampled grid) are allocated before out is
  // first written, so that running out of memory leaves out untouched as the C contract says.
  GuidedFilterWork filter_work;
  if (options.regularization.enabled) {
    const RegularizationOptions &ro = options.regularization;
    filter_work = guided_filter_work(
        sw, sh, {ro.resolved_radius(sw, sh), ro.epsilon, ro.resolved_subsample(sw, sh)});
  }
  // T_mean on the distinct colours of each block of pixels (colour_map.hpp): the same bits as
  // on every pixel. T_rand draws per pixel index.
  // Blocks write out as they go, so the map's overflow check, which the per-pixel path makes
  // before writing anything, is made here for the largest coordinates the working space can
  // hold (sources in [0, 1]: RGB and YCbCr within 1 + rounding, CIELAB within 500); should it
  // fail (only for absurd maps), the per-pixel path raises the exact error.
  const double largest = options.space == ColourSpace::Lab ? 1000.0 : 2.0;
  if (!options.map_rand && options.map_distinct && maps.mean_representable(largest)) {
    info.mapped_points = map_mean_by_colours(maps, options.space, n0, source, ctx, out, sw);
  } else {
    map_pixels(n0, source, options, maps, ctx, out);
    info.mapped_points = n0;
  }
  info.map_seconds = seconds_since(t);
  ctx.report(Stage::Colour, 4, kSteps, std::nan(""));

  t = std::chrono::steady_clock::now();
  regularize(source, sw, sh, out, options.regularization, ctx, out, &filter_work, &info.radius,
             &info.subsample);
  info.regularize_seconds = seconds_since(t);

  info.mw2_squared = plan.mw2_squared();
  info.em_iterations_source = f0.iterations;
  info.em_iterations_target = f1.iterations;
  info.em_converged = f0.converged && f1.converged;
  info.colours_source = f0.colours;
  info.colours_target = f1.colours;
  info.total_seconds = seconds_since(t_start);
  // The last report cannot cancel any more: out is written.
  if (ctx.progress) ctx.progress(Stage::Colour, kSteps, kSteps, std::nan(""));
  return info;
}

}  // namespace gmmot
