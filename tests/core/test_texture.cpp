// SPDX-License-Identifier: MIT
// Texture synthesis (texture/texture.hpp) on a synthetic exemplar whose patches are far from
// Gaussian (disks of one colour on another): the output's patch statistics are closer to the
// exemplar's than the ADSN's are (MW2 between K = 10 patch mixtures fitted independently of the
// library's own fits, on all patches, with another seed), the output is no copy of the exemplar
// (normalised cross-correlation of its blocks against every exemplar position), results are
// identical for any thread count, and bad inputs give errors naming the argument.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "em/em.hpp"
#include "error_support.hpp"
#include "mw2/mw2_plan.hpp"
#include "texture/patches.hpp"
#include "texture/texture.hpp"

using namespace gmmot;

namespace {

// Two-colour disks of radius 2.5 on a background, wrapped around a w x h torus.
std::vector<double> disks(std::size_t w, std::size_t h, std::uint64_t seed) {
  const double bg[3] = {0.15, 0.25, 0.55}, fg[3] = {0.95, 0.75, 0.2};
  std::vector<double> img(w * h * 3);
  for (std::size_t i = 0; i < w * h; ++i)
    for (int k = 0; k < 3; ++k) img[i * 3 + k] = bg[k];
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> ux(0, static_cast<double>(w)),
      uy(0, static_cast<double>(h));
  for (std::size_t n = 0; n < w * h / 40; ++n) {
    const double cx = ux(rng), cy = uy(rng);
    for (std::size_t y = 0; y < h; ++y)
      for (std::size_t x = 0; x < w; ++x) {
        double dx = std::abs(static_cast<double>(x) - cx),
               dy = std::abs(static_cast<double>(y) - cy);
        dx = std::min(dx, static_cast<double>(w) - dx);
        dy = std::min(dy, static_cast<double>(h) - dy);
        if (dx * dx + dy * dy <= 2.5 * 2.5)
          for (int k = 0; k < 3; ++k) img[(y * w + x) * 3 + k] = fg[k];
      }
  }
  return img;
}

// A K = 10 mixture of all 3 x 3 patches of an image (seed 99: not the library's fits).
std::shared_ptr<const Gmm> patch_mixture(const std::vector<double> &img, std::size_t w,
                                         std::size_t h) {
  const ImageView v{w, h, 3, img.data()};
  const std::vector<double> p = extract_patches(v, 3, {}, Context(2));
  EmOptions o;
  o.components = 10;
  o.seed = 99;
  o.tolerance = 1e-5;
  return fit_gmm_em(p.size() / 27, 27, p.data(), nullptr, o, Context(2)).gmm;
}

double mw2(const std::shared_ptr<const Gmm> &a, const std::shared_ptr<const Gmm> &b) {
  return std::sqrt(Mw2Plan(a, b, Mw2Options{}, Context(2)).mw2_squared());
}

// The largest normalised cross-correlation of the b x b block of `out` at (bx, by) with any
// b x b block of the exemplar (all channels together).
double max_ncc(const std::vector<double> &out, std::size_t ow, std::size_t bx, std::size_t by,
               const std::vector<double> &ex, std::size_t ew, std::size_t eh, std::size_t b) {
  auto block = [b](const std::vector<double> &img, std::size_t w, std::size_t x0, std::size_t y0) {
    std::vector<double> v;
    for (std::size_t y = y0; y < y0 + b; ++y)
      for (std::size_t x = x0; x < x0 + b; ++x)
        for (int k = 0; k < 3; ++k) v.push_back(img[(y * w + x) * 3 + k]);
    double mean = 0, ss = 0;
    for (const double t : v) mean += t / static_cast<double>(v.size());
    for (double &t : v) t -= mean, ss += t * t;
    for (double &t : v) t /= std::sqrt(ss);
    return v;
  };
  const std::vector<double> a = block(out, ow, bx, by);
  double best = -1;
  for (std::size_t y = 0; y + b <= eh; ++y)
    for (std::size_t x = 0; x + b <= ew; ++x) {
      const std::vector<double> e = block(ex, ew, x, y);
      double s = 0;
      for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * e[i];
      best = std::max(best, s);
    }
  return best;
}

}  // namespace

TEST_CASE("texture: the synthesis has the exemplar's patch statistics, the ADSN has not",
          "[texture]") {
  const std::size_t ew = 64, eh = 64, ow = 96, oh = 96;
  const std::vector<double> ex = disks(ew, eh, 1);
  const ImageView view{ew, eh, 3, ex.data()};
  TextureOptions o;
  o.seed = 7;
  const TextureResult r = synthesize_texture(view, ow, oh, o, Context(2), true);
  REQUIRE(r.image.size() == ow * oh * 3);
  REQUIRE(r.adsn.size() == ow * oh * 3);
  // texture_adsn gives the same window of U.
  CHECK(texture_adsn(view, ow, oh, o, Context(1)) == r.adsn);
  const auto g_ex = patch_mixture(ex, ew, eh);
  const double to_out = mw2(g_ex, patch_mixture(r.image, ow, oh));
  const double to_adsn = mw2(g_ex, patch_mixture(r.adsn, ow, oh));
  INFO("MW2(exemplar, output) = " << to_out << ", MW2(exemplar, ADSN) = " << to_adsn);
  // Measured: 0.84 of the ADSN's distance; asked: below 0.9 of it.
  CHECK(to_out < 0.9 * to_adsn);
  // Not a copy: no 12 x 12 block of the output (9 blocks spread over it) correlates with any
  // exemplar block above 0.9 (disks are placed at random, so a copied region would give 1).
  for (std::size_t by = 4; by < oh - 12; by += 20)
    for (std::size_t bx = 4; bx < ow - 12; bx += 20) {
      const double ncc = max_ncc(r.image, ow, bx, by, ex, ew, eh, 12);
      INFO("block at " << bx << ", " << by << ": NCC " << ncc);
      CHECK(ncc < 0.9);
    }
  // Time of every stage recorded.
  for (const double s : r.seconds) CHECK(s >= 0);
}

TEST_CASE("texture: deterministic for a seed, whatever the threads", "[texture]") {
  const std::vector<double> ex = disks(24, 20, 2);
  const ImageView view{24, 20, 3, ex.data()};
  TextureOptions o;
  o.components = 4;
  o.seed = 3;
  const TextureResult a = synthesize_texture(view, 30, 17, o, Context(1));
  const TextureResult b = synthesize_texture(view, 30, 17, o, Context(2));
  CHECK(a.image == b.image);
  o.seed = 4;
  const TextureResult c = synthesize_texture(view, 30, 17, o, Context(2));
  CHECK(c.image != a.image);
  // Progress: Stage::Texture 0..7 in order, every step's stage reported in between.
  std::vector<std::uint64_t> done;
  bool em = false, maps = false;
  Context ctx(2);
  ctx.progress = [&](Stage s, std::uint64_t d, std::uint64_t total, double) {
    if (s == Stage::Texture) {
      CHECK(total == kTextureStages);
      done.push_back(d);
    }
    em = em || s == Stage::Em;
    maps = maps || s == Stage::Maps;
    return false;
  };
  CHECK(synthesize_texture(view, 30, 17, o, ctx).image == c.image);
  CHECK(done == std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK((em && maps));
  // Cancellation at the plan stage.
  ctx.progress = [](Stage s, std::uint64_t d, std::uint64_t, double) {
    return s == Stage::Texture && d == 4;
  };
  CHECK(test::error_of([&] { synthesize_texture(view, 30, 17, o, ctx); }) == Errc::Cancelled);
}

TEST_CASE("texture: patch sizes 1 and 5, one channel, an output smaller than the exemplar",
          "[texture]") {
  std::vector<double> ex = disks(20, 20, 4);
  std::vector<double> grey(400);
  for (std::size_t i = 0; i < 400; ++i) grey[i] = ex[i * 3];
  const ImageView view{20, 20, 1, grey.data()};
  for (const std::size_t p : {1, 5}) {
    TextureOptions o;
    o.patch = p;
    o.components = 3;
    const TextureResult r = synthesize_texture(view, 9, 7, o, Context(2), true);
    REQUIRE(r.image.size() == 63);
    for (const double v : r.image) CHECK(std::isfinite(v));
  }
  // P = 1: each pixel is its own patch, the output is T_mean of the ADSN pixel-wise, so it
  // keeps the ADSN's ordering of pixel values within each source component; at least its range
  // is pulled to the exemplar's two grey levels' range (0.15, 0.95) from the ADSN's wider one.
  TextureOptions o;
  o.patch = 1;
  o.components = 2;
  const TextureResult r = synthesize_texture(view, 40, 40, o, Context(2), true);
  double lo = 1e9, hi = -1e9, alo = 1e9, ahi = -1e9;
  for (std::size_t i = 0; i < r.image.size(); ++i) {
    lo = std::min(lo, r.image[i]), hi = std::max(hi, r.image[i]);
    alo = std::min(alo, r.adsn[i]), ahi = std::max(ahi, r.adsn[i]);
  }
  CHECK(hi - lo < ahi - alo);
}

TEST_CASE("texture: bad inputs name the argument", "[texture]") {
  const std::vector<double> ex = disks(8, 8, 5);
  const TextureOptions o;
  std::string msg;
  auto code = [&](const ImageView &v, std::size_t w, std::size_t h, const TextureOptions &opt) {
    return test::error_of([&] { synthesize_texture(v, w, h, opt, Context(1)); }, &msg);
  };
  CHECK(code({0, 8, 3, ex.data()}, 4, 4, o) == Errc::Dimension);
  CHECK(msg.find("width") != std::string::npos);
  CHECK(code({8, 0, 3, ex.data()}, 4, 4, o) == Errc::Dimension);
  CHECK(msg.find("height") != std::string::npos);
  CHECK(code({8, 8, 0, ex.data()}, 4, 4, o) == Errc::Dimension);
  CHECK(msg.find("channels") != std::string::npos);
  CHECK(code({8, 8, 3, ex.data()}, 0, 4, o) == Errc::Dimension);
  CHECK(msg.find("out_width") != std::string::npos);
  CHECK(code({8, 8, 3, ex.data()}, 4, 0, o) == Errc::Dimension);
  CHECK(msg.find("out_height") != std::string::npos);
  CHECK(code({2, 8, 3, ex.data()}, 4, 4, o) == Errc::Dimension);
  CHECK(msg.find("smaller than the patch") != std::string::npos);
  std::vector<double> bad = ex;
  bad[(3 * 8 + 5) * 3 + 1] = std::numeric_limits<double>::quiet_NaN();
  CHECK(code({8, 8, 3, bad.data()}, 4, 4, o) == Errc::NonFinite);
  CHECK(msg.find("exemplar[" + std::to_string((3 * 8 + 5) * 3 + 1) + "]") != std::string::npos);
  CHECK(msg.find("x = 5, y = 3, channel 1") != std::string::npos);
  TextureOptions big = o;
  big.patch = 17;
  CHECK(code({8, 8, 3, ex.data()}, 4, 4, big) == Errc::InvalidArgument);
  CHECK(msg.find("patch") != std::string::npos);
  CHECK(test::error_of([&] {
          texture_adsn({8, 8, 3, bad.data()}, 4, 4, o, Context(1));
        }) == Errc::NonFinite);
}

TEST_CASE("texture: outputs beyond the working-memory limit are refused before allocating",
          "[texture]") {
  // Both requests would need hundreds of GiB; before the limit the first one was attempted.
  const std::vector<double> ex = disks(8, 8, 5);
  const TextureOptions o;
  std::string msg;
  CHECK(test::error_of(
            [&] {
              synthesize_texture({8, 8, 3, ex.data()}, 1u << 20, 1u << 12, o, Context(1));
            },
            &msg) == Errc::TooLarge);
  CHECK(msg.find("out_width x out_height = 1048576 x 4096") != std::string::npos);
  CHECK(msg.find("16 GiB") != std::string::npos);
  CHECK(test::error_of([&] {
          texture_adsn({8, 8, 3, ex.data()}, 1u << 20, 1u << 12, o, Context(1));
        }) == Errc::TooLarge);
  // A thin output from a large exemplar: the output is small, the ADSN's FFT grid is not
  // (about 540 x 2^24 complex entries).
  const std::vector<double> wide(512 * 512, 0.5);
  CHECK(test::error_of(
            [&] {
              texture_adsn({512, 512, 1, wide.data()}, 1, 1u << 24, o, Context(1));
            },
            &msg) == Errc::TooLarge);
  CHECK(msg.find("512 x 512 exemplar") != std::string::npos);
  // An ordinary request is still accepted.
  CHECK(texture_adsn({8, 8, 3, ex.data()}, 64, 48, o, Context(1)).size() == 64 * 48 * 3);
}
