// SPDX-License-Identifier: MIT
// The colour module: colour spaces against published values and as exact inverses, the guided
// filter against a brute-force evaluation of its definition (He et al. 2013, eqs. 5-8 and the
// colour form, eq. 19-21), the palette points' counts, and the whole transfer's invariants.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "colour/colour_map.hpp"
#include "colour/colour_space.hpp"
#include "colour/colour_transfer.hpp"
#include "colour/guided_filter.hpp"
#include "colour/palette_points.hpp"
#include "em/em.hpp"
#include "maps/transport_maps.hpp"
#include "mw2/mw2_plan.hpp"
#include "util/error.hpp"

using namespace gmmot;

namespace {

std::vector<double> random_image(std::size_t w, std::size_t h, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<double> img(3 * w * h);
  for (double &v : img) v = u(rng);
  return img;
}

// The guided filter by its definition, each window's regression solved on its own (clipped
// windows at the borders; 3x3 solve by Cramer's rule on the explicit sums).
std::vector<double> guided_brute(std::size_t w, std::size_t h, const std::vector<double> &I,
                                 const std::vector<double> &p, long r, double eps) {
  const long W = static_cast<long>(w), H = static_cast<long>(h);
  std::vector<double> a(9 * w * h), b(3 * w * h), q(3 * w * h);
  for (long y = 0; y < H; ++y) {
    for (long x = 0; x < W; ++x) {
      double mi[3] = {0, 0, 0}, mp[3] = {0, 0, 0}, ii[3][3] = {}, ip[3][3] = {};
      double n = 0;
      for (long yy = std::max(0L, y - r); yy <= std::min(H - 1, y + r); ++yy) {
        for (long xx = std::max(0L, x - r); xx <= std::min(W - 1, x + r); ++xx) {
          const std::size_t o = 3 * static_cast<std::size_t>(yy * W + xx);
          for (int c = 0; c < 3; ++c) {
            mi[c] += I[o + c], mp[c] += p[o + c];
            for (int d = 0; d < 3; ++d)
              ii[c][d] += I[o + c] * I[o + d], ip[c][d] += I[o + c] * p[o + d];
          }
          n += 1;
        }
      }
      double s[3][3];
      for (int c = 0; c < 3; ++c) mi[c] /= n, mp[c] /= n;
      for (int c = 0; c < 3; ++c)
        for (int d = 0; d < 3; ++d) s[c][d] = ii[c][d] / n - mi[c] * mi[d] + (c == d ? eps : 0);
      const double det = s[0][0] * (s[1][1] * s[2][2] - s[1][2] * s[2][1]) -
                         s[0][1] * (s[1][0] * s[2][2] - s[1][2] * s[2][0]) +
                         s[0][2] * (s[1][0] * s[2][1] - s[1][1] * s[2][0]);
      for (int k = 0; k < 3; ++k) {
        double v[3], sol[3];
        for (int c = 0; c < 3; ++c) v[c] = ip[c][k] / n - mi[c] * mp[k];
        for (int j = 0; j < 3; ++j) {
          double m[3][3];
          for (int c = 0; c < 3; ++c)
            for (int d = 0; d < 3; ++d) m[c][d] = d == j ? v[c] : s[c][d];
          sol[j] = (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])) /
                   det;
        }
        const std::size_t i = static_cast<std::size_t>(y * W + x);
        for (int c = 0; c < 3; ++c) a[9 * i + 3 * k + c] = sol[c];
        b[3 * i + k] = mp[k] - (sol[0] * mi[0] + sol[1] * mi[1] + sol[2] * mi[2]);
      }
    }
  }
  for (long y = 0; y < H; ++y) {
    for (long x = 0; x < W; ++x) {
      double ma[9] = {}, mb[3] = {}, n = 0;
      for (long yy = std::max(0L, y - r); yy <= std::min(H - 1, y + r); ++yy) {
        for (long xx = std::max(0L, x - r); xx <= std::min(W - 1, x + r); ++xx) {
          const std::size_t j = static_cast<std::size_t>(yy * W + xx);
          for (int t = 0; t < 9; ++t) ma[t] += a[9 * j + t];
          for (int t = 0; t < 3; ++t) mb[t] += b[3 * j + t];
          n += 1;
        }
      }
      const std::size_t i = static_cast<std::size_t>(y * W + x);
      for (int k = 0; k < 3; ++k)
        q[3 * i + k] = (ma[3 * k] * I[3 * i] + ma[3 * k + 1] * I[3 * i + 1] +
                        ma[3 * k + 2] * I[3 * i + 2] + mb[k]) /
                       n;
    }
  }
  return q;
}

}  // namespace

TEST_CASE("colour spaces: published values and exact inverses", "[colour]") {
  const Context ctx(2);
  // sRGB white, red and a mid grey in CIELAB (D65): L = 100, a = b = 0; (53.2408, 80.0925,
  // 67.2032) as tabulated by Lindbloom's calculator; grey 0.5 has L = 53.3890.
  const double rgb[9] = {1, 1, 1, 1, 0, 0, 0.5, 0.5, 0.5};
  double lab[9];
  to_space(ColourSpace::Lab, 3, rgb, lab, ctx);
  CHECK(lab[0] == Approx(100.0).margin(1e-3));
  CHECK(lab[1] == Approx(0.0).margin(1e-3));
  CHECK(lab[2] == Approx(0.0).margin(1e-3));
  CHECK(lab[3] == Approx(53.2408).margin(2e-3));
  CHECK(lab[4] == Approx(80.0925).margin(2e-3));
  CHECK(lab[5] == Approx(67.2032).margin(2e-3));
  CHECK(lab[6] == Approx(53.3890).margin(2e-3));
  double ycc[9];
  to_space(ColourSpace::YCbCr, 3, rgb, ycc, ctx);
  CHECK(ycc[3] == Approx(0.299));  // JFIF: Y of pure red
  CHECK(ycc[5] == Approx(0.5));    // Cr of pure red
  CHECK(ycc[7] == Approx(0.0).margin(1e-15));
  const std::vector<double> img = random_image(50, 40, 1);
  for (ColourSpace s : {ColourSpace::Lab, ColourSpace::YCbCr, ColourSpace::Rgb}) {
    std::vector<double> t(img.size());
    to_space(s, 2000, img.data(), t.data(), ctx);
    from_space(s, 2000, t.data(), t.data(), ctx);
    double worst = 0;
    for (std::size_t i = 0; i < img.size(); ++i) worst = std::max(worst, std::fabs(t[i] - img[i]));
    CHECK(worst < 1e-12);
  }
}

TEST_CASE("guided filter equals its definition", "[colour]") {
  const std::size_t w = 23, h = 17;
  const std::vector<double> I = random_image(w, h, 2), p = random_image(w, h, 3);
  for (std::size_t r : {1u, 3u, 30u}) {
    for (double eps : {1e-4, 1e-2}) {
      const std::vector<double> ref = guided_brute(w, h, I, p, static_cast<long>(r), eps);
      for (unsigned threads : {1u, 2u}) {
        std::vector<double> q(p.size());
        guided_filter(w, h, I.data(), p.data(), {r, eps, 1}, Context(threads), q.data());
        double worst = 0;
        for (std::size_t i = 0; i < q.size(); ++i)
          worst = std::max(worst, std::fabs(q[i] - ref[i]));
        // The window means are stored as floats (relative 6e-8); through the regression with
        // eps >= 1e-4 that bounds the error well below 1e-4 on values of order 1.
        CAPTURE(r, eps, threads);
        CHECK(worst < 1e-4);
      }
    }
  }
}

TEST_CASE("guided filter keeps a change that is affine in the guide", "[colour]") {
  // p = A I + c is every window's exact regression when eps -> 0, so q = p; with the fast
  // (subsampled) form too, since then the coefficients are constant.
  const std::size_t w = 64, h = 48;
  const std::vector<double> I = random_image(w, h, 4);
  const double A[9] = {0.3, -0.1, 0.05, 0.2, 0.1, -0.2, 0.0, 0.4, -0.3}, c[3] = {0.1, -0.05, 0.2};
  std::vector<double> p(I.size());
  for (std::size_t i = 0; i < w * h; ++i)
    for (int k = 0; k < 3; ++k)
      p[3 * i + k] =
          A[3 * k] * I[3 * i] + A[3 * k + 1] * I[3 * i + 1] + A[3 * k + 2] * I[3 * i + 2] + c[k];
  for (std::size_t s : {1u, 3u}) {
    std::vector<double> q(p.size());
    guided_filter(w, h, I.data(), p.data(), {6, 1e-9, s}, Context(2), q.data());
    double worst = 0;
    for (std::size_t i = 0; i < q.size(); ++i) worst = std::max(worst, std::fabs(q[i] - p[i]));
    CAPTURE(s);
    CHECK(worst < 1e-3);
  }
}

TEST_CASE("palette points count every colour", "[colour]") {
  // 8-bit colours: many repeats.
  std::mt19937_64 rng(5);
  std::vector<double> px(3 * 5000);
  for (double &v : px) v = static_cast<double>(rng() % 4) / 3.0;
  std::map<std::tuple<double, double, double>, double> expected;
  for (std::size_t i = 0; i < 5000; ++i) expected[{px[3 * i], px[3 * i + 1], px[3 * i + 2]}] += 1;
  const PalettePoints all = palette_points(5000, px.data(), 0, 0, Context(1));
  REQUIRE(all.counts.size() == expected.size());
  double total = 0;
  for (std::size_t j = 0; j < all.counts.size(); ++j) {
    const auto key =
        std::make_tuple(all.colours[3 * j], all.colours[3 * j + 1], all.colours[3 * j + 2]);
    CHECK(expected.at(key) == all.counts[j]);
    total += all.counts[j];
  }
  CHECK(total == 5000);
  const PalettePoints some = palette_points(5000, px.data(), 700, 9, Context(1));
  double drawn = 0;
  for (double c : some.counts) drawn += c;
  CHECK(drawn == 700);
  CHECK(some.drawn == 700);
}

TEST_CASE("colour transfer: checks, determinism across threads, spaces", "[colour]") {
  const std::size_t w = 40, h = 30;
  std::vector<double> src = random_image(w, h, 6), tgt = random_image(w, h, 7);
  for (double &v : tgt) v = 0.2 + 0.5 * v * v;  // another palette
  ColourTransferOptions o;
  o.em.components = 3;
  for (ColourSpace s : {ColourSpace::Rgb, ColourSpace::Lab, ColourSpace::YCbCr}) {
    o.space = s;
    std::vector<double> a(src.size()), b(src.size());
    colour_transfer(src.data(), w, h, tgt.data(), w, h, o, Context(1), a.data());
    const ColourTransferInfo info =
        colour_transfer(src.data(), w, h, tgt.data(), w, h, o, Context(2), b.data());
    CHECK(a == b);
    CHECK(info.colours_source == w * h);  // random doubles: all distinct
    for (double v : a) CHECK((v >= 0.0 && v <= 1.0));
  }
  std::vector<double> out(src.size());
  src[17] = 1.5;
  CHECK_THROWS_AS(colour_transfer(src.data(), w, h, tgt.data(), w, h, o, Context(1), out.data()),
                  Error);
  src[17] = std::nan("");
  try {
    colour_transfer(src.data(), w, h, tgt.data(), w, h, o, Context(1), out.data());
    FAIL("no error");
  } catch (const Error &e) {
    CHECK(e.code() == Errc::NonFinite);
    CHECK(std::string(e.what()).find("source[5][2]") != std::string::npos);
  }
}

namespace {

// An 8-bit image (values i / 255) with few distinct colours: a quantised gradient plus noise
// on a coarse grid, as a photograph's repeats.
std::vector<double> quantised_image(std::size_t w, std::size_t h, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> noise(0, 1);
  std::vector<double> img(3 * w * h);
  for (std::size_t y = 0; y < h; ++y)
    for (std::size_t x = 0; x < w; ++x) {
      const int e = noise(rng);
      for (std::size_t c = 0; c < 3; ++c) {
        const int v = static_cast<int>((40 * c + 3 * x + 2 * y) % 200) + (c == 1 ? e : 2 * e);
        img[3 * (y * w + x) + c] = static_cast<double>(v) / 255.0;
      }
    }
  return img;
}

std::array<std::uint64_t, 3> bits3(const double *c) {
  std::array<std::uint64_t, 3> b;
  std::memcpy(b.data(), c, sizeof(double) * 3);
  return b;
}

}  // namespace

TEST_CASE("block colours: the set of 8-bit colours, and the spread", "[colour]") {
  const std::size_t w = 300, h = 200, n = w * h;
  const std::vector<double> img = quantised_image(w, h, 3);
  std::set<std::array<std::uint64_t, 3>> expected;
  for (std::size_t i = 0; i < n; ++i) expected.insert(bits3(img.data() + 3 * i));
  REQUIRE(expected.size() <= n / 8);
  BlockColours d(n);
  REQUIRE(d.collect(n, img.data(), n / 8));
  REQUIRE(d.size() == expected.size());
  std::set<std::array<std::uint64_t, 3>> got;
  for (std::size_t j = 0; j < d.size(); ++j) got.insert(bits3(d.colours() + 3 * j));
  CHECK(got == expected);
  // Values = the colours themselves: the spread rebuilds the image bit for bit; values = the
  // colours' indices: every pixel gets its own colour's index.
  std::vector<double> back(3 * n), index(3 * d.size()), idx(3 * n);
  d.spread(n, d.colours(), back.data());
  CHECK(std::memcmp(back.data(), img.data(), back.size() * sizeof(double)) == 0);
  for (std::size_t j = 0; j < d.size(); ++j) index[3 * j] = static_cast<double>(j);
  d.spread(n, index.data(), idx.data());
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double *c = d.colours() + 3 * static_cast<std::size_t>(idx[3 * i]);
    wrong += bits3(c) != bits3(img.data() + 3 * i);
  }
  CHECK(wrong == 0);
  // With rows (a pixel equal to the one above takes its tag): the same colours, the same image.
  REQUIRE(d.collect(n, img.data(), n / 8, w));
  CHECK(d.size() == expected.size());
  std::fill(back.begin(), back.end(), -1.0);
  d.spread(n, d.colours(), back.data());
  CHECK(std::memcmp(back.data(), img.data(), back.size() * sizeof(double)) == 0);
  // Too many colours: refused, and empty; then a block of a few pixels is collected again.
  CHECK_FALSE(d.collect(n, img.data(), expected.size() - 1));
  CHECK(d.size() == 0);
  REQUIRE(d.collect(1, img.data(), 1));
  CHECK(d.size() == 1);
  // Not 8-bit (a value that is not i / 255, or -0.0, whose bits differ from 0 / 255): refused.
  for (double odd : {0.5, -0.0, 100.0 / 255.0 + 1e-16}) {
    std::vector<double> other = img;
    other[3 * (n - 7) + 1] = odd;
    CHECK_FALSE(d.collect(n, other.data(), n / 8));
    CHECK(d.size() == 0);
  }
}

TEST_CASE("T_mean by distinct colours equals T_mean on every pixel, bit for bit", "[colour]") {
  // Blocks of three kinds: few 8-bit colours (mapped by colour), many (random 8-bit levels:
  // pixel by pixel) and a block with a value that is not 8-bit (pixel by pixel).
  const std::size_t w = 200, h = 120, n = w * h;
  std::vector<double> img = quantised_image(w, h, 5);
  std::mt19937_64 rng(9);
  std::uniform_int_distribution<int> level(0, 255);
  for (std::size_t i = 3 * 9000; i < 3 * 12000; ++i) img[i] = level(rng) / 255.0;
  img[3 * 20000 + 2] = 0.3;
  const std::vector<double> tgt = random_image(50, 40, 21);
  ColourTransferOptions o;
  o.em.components = 3;
  const Context ctx(2);
  const PalettePoints p0 = palette_points(n, img.data(), 0, 1, ctx);
  const PalettePoints p1 = palette_points(2000, tgt.data(), 0, 1, ctx);
  const EmResult f0 =
      fit_gmm_em(p0.counts.size(), 3, p0.colours.data(), p0.counts.data(), o.em, ctx);
  const EmResult f1 =
      fit_gmm_em(p1.counts.size(), 3, p1.colours.data(), p1.counts.data(), o.em, ctx);
  const Mw2Plan plan(f0.gmm, f1.gmm, o.transport, ctx);
  const TransportMaps maps(plan, ctx);
  std::vector<double> direct(3 * n), by_colour(3 * n);
  maps.apply_mean(n, img.data(), ctx, direct.data());
  for (std::size_t block : {std::size_t{0}, std::size_t{4096}, std::size_t{6000}}) {
    for (unsigned threads : {1u, 3u}) {
      std::fill(by_colour.begin(), by_colour.end(), -1.0);
      // Rows of w pixels (a pixel equal to the one above shares its tag), or none.
      const std::size_t row = threads == 1 ? w : 0;
      const std::size_t points = map_mean_by_colours(
          maps, ColourSpace::Rgb, n, img.data(), Context(threads), by_colour.data(), row, block);
      CHECK(std::memcmp(direct.data(), by_colour.data(), direct.size() * sizeof(double)) == 0);
      // Block 0 (automatic) is the whole image here, mapped pixel by pixel for its odd value;
      // otherwise some blocks go by colour, the random and the odd ones pixel by pixel.
      if (block == 0) CHECK(points == n);
      INFO("block " << block << " threads " << threads << " points " << points);
      if (block != 0) CHECK((points < n && points > 2 * block));
    }
  }
}

TEST_CASE("colour transfer: T_mean on the distinct colours equals T_mean on every pixel",
          "[colour]") {
  const std::size_t w = 160, h = 120;
  const std::vector<double> src = quantised_image(w, h, 11);
  std::vector<double> tgt = random_image(64, 48, 12);
  for (double &v : tgt) v = 0.1 + 0.6 * v * v;
  ColourTransferOptions o;
  o.em.components = 4;
  for (ColourSpace s : {ColourSpace::Rgb, ColourSpace::Lab, ColourSpace::YCbCr}) {
    for (bool regularize : {false, true}) {
      o.space = s;
      o.regularization.enabled = regularize;
      std::vector<double> direct(src.size()), distinct(src.size());
      o.map_distinct = false;
      CHECK(colour_transfer(src.data(), w, h, tgt.data(), 64, 48, o, Context(2), direct.data())
                .mapped_points == w * h);
      o.map_distinct = true;
      for (unsigned threads : {1u, 2u}) {
        const ColourTransferInfo info = colour_transfer(src.data(), w, h, tgt.data(), 64, 48, o,
                                                        Context(threads), distinct.data());
        CHECK(info.mapped_points <= w * h / 8);  // the distinct path ran
        CHECK(std::memcmp(direct.data(), distinct.data(), direct.size() * sizeof(double)) == 0);
      }
    }
  }
}
