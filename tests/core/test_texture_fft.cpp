// SPDX-License-Identifier: MIT
// The texture module's FFT and ADSN against direct O(n^2) sums: 1-D and 2-D transforms on
// lengths with factors 2, 3, 4 and 5 (non-powers of two included) against a long-double DFT,
// and the ADSN field against its defining convolution ubar + sum_y t(y) W(x - y) evaluated
// directly on the same noise. Since W is white with unit variance, the last check is what makes
// U's mean ubar and its covariance at lag h sum_y t(y) t(y + h)^T (exactly, not only in
// expectation over many draws, which the Monte Carlo test below checks too).
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "error_support.hpp"
#include "texture/adsn.hpp"
#include "texture/fft.hpp"

using namespace gmmot;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

std::vector<Complex> direct_dft(const std::vector<Complex> &x, bool inverse) {
  const std::size_t n = x.size();
  std::vector<Complex> out(n);
  const long double two_pi = 6.283185307179586476925286766559L;
  for (std::size_t f = 0; f < n; ++f) {
    long double re = 0, im = 0;
    for (std::size_t i = 0; i < n; ++i) {
      // The exponent reduced modulo n before the long-double cos/sin: an accurate reference.
      const long double a = (inverse ? 1 : -1) * two_pi * static_cast<long double>((f * i) % n) /
                            static_cast<long double>(n);
      const long double c = std::cos(a), s = std::sin(a);
      re += c * x[i].real() - s * x[i].imag();
      im += s * x[i].real() + c * x[i].imag();
    }
    out[f] = Complex(static_cast<double>(re), static_cast<double>(im));
  }
  return out;
}

double norm2(const std::vector<Complex> &x) {
  double s = 0;
  for (const Complex &v : x) s += std::norm(v);
  return std::sqrt(s);
}

}  // namespace

TEST_CASE("FFT equals the direct DFT on 2^a 3^b 5^c lengths", "[texture][fft]") {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal;
  for (const std::size_t n : {1,  2,  3,  4,  5,  6,  8,  9,   10,  12,  15,  16,  18,  20, 25,
                              27, 30, 45, 60, 64, 75, 81, 100, 120, 125, 128, 243, 250, 384}) {
    std::vector<Complex> x(n);
    for (Complex &v : x) v = Complex(normal(rng), normal(rng));
    const Fft fft(n);
    std::vector<Complex> work(n);
    for (const bool inverse : {false, true}) {
      std::vector<Complex> y = x;
      if (inverse)
        fft.inverse(y.data(), work.data());
      else
        fft.forward(y.data(), work.data());
      const std::vector<Complex> ref = direct_dft(x, inverse);
      double err = 0;
      for (std::size_t i = 0; i < n; ++i) err = std::max(err, std::abs(y[i] - ref[i]));
      // Every output is a sum of n terms through log2 n butterfly levels: an error of a few eps
      // per level times the input's norm (the transform's rows have norm sqrt n, and an entry's
      // error is bounded by eps log2(n) times ||x||_2 times a small constant).
      const double bound = 8 * kEps * (1 + std::log2(static_cast<double>(n))) * norm2(x);
      INFO("n = " << n << ", inverse = " << inverse << ", error " << err << ", bound " << bound);
      CHECK(err <= bound);
    }
  }
}

TEST_CASE("FFT lengths: next_size and refused factors", "[texture][fft]") {
  CHECK(Fft::next_size(1) == 1);
  CHECK(Fft::next_size(7) == 8);
  CHECK(Fft::next_size(11) == 12);
  CHECK(Fft::next_size(383) == 384);
  CHECK(Fft::next_size(385) == 400);
  CHECK(Fft::next_size(1001) == 1024);
  for (std::size_t n = 1; n < 2000; ++n) {
    const std::size_t m = Fft::next_size(n);
    std::size_t r = m;
    for (const std::size_t p : {2, 3, 5})
      while (r % p == 0) r /= p;
    REQUIRE(r == 1);
    REQUIRE(m >= n);
    if (m > n) {  // nothing smooth in between
      for (std::size_t k = n; k < m; ++k) {
        std::size_t q = k;
        for (const std::size_t p : {2, 3, 5})
          while (q % p == 0) q /= p;
        REQUIRE(q != 1);
      }
    }
  }
  // Lengths whose candidates would wrap around (next_size returned 0 for these) are refused.
  CHECK(Fft::next_size(std::size_t{1} << 40) == std::size_t{1} << 40);
  CHECK(test::error_of([] { Fft::next_size((std::size_t{1} << 40) + 1); }) == Errc::TooLarge);
  CHECK(test::error_of([] { Fft::next_size(std::numeric_limits<std::size_t>::max() / 2 + 1); }) ==
        Errc::TooLarge);
  CHECK(test::error_of([] { Fft f(7); }) == Errc::InvalidArgument);
  CHECK(test::error_of([] { Fft f(0); }) == Errc::InvalidArgument);
  CHECK(test::error_of([] { Fft f(2 * 3 * 5 * 11); }) == Errc::InvalidArgument);
}

TEST_CASE("2-D FFT equals the direct 2-D DFT, for any thread count", "[texture][fft]") {
  std::mt19937_64 rng(12);
  std::normal_distribution<double> normal;
  for (const auto &[rows, cols] :
       std::vector<std::pair<std::size_t, std::size_t>>{{6, 10}, {9, 5}, {1, 12}, {16, 15}}) {
    std::vector<Complex> a(rows * cols);
    for (Complex &v : a) v = Complex(normal(rng), normal(rng));
    // Reference: 1-D direct DFTs along rows, then along columns.
    std::vector<Complex> ref = a;
    for (std::size_t r = 0; r < rows; ++r) {
      const std::vector<Complex> row(ref.begin() + r * cols, ref.begin() + (r + 1) * cols);
      const std::vector<Complex> t = direct_dft(row, false);
      std::copy(t.begin(), t.end(), ref.begin() + r * cols);
    }
    for (std::size_t c = 0; c < cols; ++c) {
      std::vector<Complex> col(rows);
      for (std::size_t r = 0; r < rows; ++r) col[r] = ref[r * cols + c];
      const std::vector<Complex> t = direct_dft(col, false);
      for (std::size_t r = 0; r < rows; ++r) ref[r * cols + c] = t[r];
    }
    std::vector<Complex> one = a, two = a;
    fft_2d(rows, cols, one.data(), false, Context(1));
    fft_2d(rows, cols, two.data(), false, Context(2));
    double err = 0;
    for (std::size_t i = 0; i < a.size(); ++i) err = std::max(err, std::abs(one[i] - ref[i]));
    const double n = static_cast<double>(rows * cols);
    CHECK(err <= 8 * kEps * (1 + std::log2(n)) * norm2(a));
    CHECK(one == two);
    // The inverse brings it back, times rows * cols.
    fft_2d(rows, cols, one.data(), true, Context(2));
    double back = 0;
    for (std::size_t i = 0; i < a.size(); ++i) back = std::max(back, std::abs(one[i] / n - a[i]));
    CHECK(back <= 16 * kEps * (1 + std::log2(n)) * norm2(a));
  }
}

TEST_CASE("ADSN equals its defining convolution on the same noise", "[texture][adsn]") {
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> unif(0, 1);
  // Exemplars of 1, 2, 3 channels (one complex transform per pair of channels), output sizes
  // whose padded grids are not powers of two.
  for (const auto &[m, n, c, w, h] : std::vector<std::array<std::size_t, 5>>{
           {5, 4, 3, 7, 6}, {3, 7, 1, 10, 3}, {6, 6, 2, 6, 6}, {9, 2, 3, 4, 13}}) {
    std::vector<double> u(m * n * c);
    for (double &v : u) v = unif(rng);
    const ImageView view{m, n, c, u.data()};
    const std::uint64_t seed = 5;
    const std::vector<double> got = adsn(view, w, h, seed, Context(2));
    REQUIRE(got.size() == w * h * c);
    const std::size_t nw = w + m - 1, nh = h + n - 1;
    const std::vector<double> noise = adsn_noise(nw, nh, seed);
    std::vector<double> mean(c, 0.0);
    for (std::size_t i = 0; i < m * n; ++i)
      for (std::size_t k = 0; k < c; ++k) mean[k] += u[i * c + k] / static_cast<double>(m * n);
    const double scale = 1 / std::sqrt(static_cast<double>(m * n));
    double err = 0, size = 0;
    for (std::size_t y = 0; y < h; ++y)
      for (std::size_t x = 0; x < w; ++x)
        for (std::size_t k = 0; k < c; ++k) {
          long double s = mean[k];
          for (std::size_t yy = 0; yy < n; ++yy)
            for (std::size_t xx = 0; xx < m; ++xx)
              s += (u[(yy * m + xx) * c + k] - mean[k]) * scale *
                   noise[(y + n - 1 - yy) * nw + (x + m - 1 - xx)];
          err = std::max(err, std::abs(got[(y * w + x) * c + k] - static_cast<double>(s)));
          size = std::max(size, std::abs(static_cast<double>(s)));
        }
    // Rounding of two forward and one inverse 2-D transform of a grid of <= 16 x 20 values.
    INFO("exemplar " << m << " x " << n << " x " << c << ", output " << w << " x " << h);
    CHECK(err <= 1e-13 * std::max(1.0, size));
    // Thread count does not change a bit.
    CHECK(adsn(view, w, h, seed, Context(1)) == got);
  }
}

TEST_CASE("ADSN: the noise is standard normal, U has u's mean and autocovariance",
          "[texture][adsn]") {
  // The noise: mean 0 and variance 1 within 5 standard errors over 90000 values.
  const std::vector<double> z = adsn_noise(300, 300, 3);
  double s1 = 0, s2 = 0;
  for (const double v : z) s1 += v, s2 += v * v;
  const double nz = static_cast<double>(z.size());
  CHECK(std::abs(s1 / nz) < 5 / std::sqrt(nz));
  CHECK(std::abs(s2 / nz - 1) < 5 * std::sqrt(2 / nz));
  // Monte Carlo over seeds at one pixel: E[U] = ubar, E[(U(x) - ubar)(U(x + h) - ubar)] = sum_y
  // t(y) t(y + h), for the lags h = (0, 0) and (1, 0), channel pairs (0, 0) and (0, 1).
  const std::size_t m = 4, n = 3, c = 2;
  const std::vector<double> u = {0.1, 0.9, 0.4, 0.2, 0.8, 0.7, 0.3, 0.3, 0.6, 0.1, 0.2, 0.5,
                                 0.9, 0.0, 0.5, 0.4, 0.7, 0.6, 0.2, 0.8, 0.0, 0.3, 0.4, 0.9};
  const ImageView view{m, n, c, u.data()};
  double ubar[2] = {0, 0};
  for (std::size_t i = 0; i < m * n; ++i) ubar[0] += u[i * c] / 12, ubar[1] += u[i * c + 1] / 12;
  auto t = [&](long x, long y, std::size_t k) {
    if (x < 0 || y < 0 || x >= static_cast<long>(m) || y >= static_cast<long>(n)) return 0.0;
    return (u[(static_cast<std::size_t>(y) * m + static_cast<std::size_t>(x)) * c + k] - ubar[k]) /
           std::sqrt(12.0);
  };
  double c00 = 0, c01 = 0, c10 = 0;  // lag 0 channels (0,0), (0,1); lag (1,0) channel (0,0)
  for (long y = 0; y < static_cast<long>(n); ++y)
    for (long x = 0; x < static_cast<long>(m); ++x) {
      c00 += t(x, y, 0) * t(x, y, 0);
      c01 += t(x, y, 0) * t(x, y, 1);
      c10 += t(x, y, 0) * t(x + 1, y, 0);
    }
  const int draws = 4000;
  double mu = 0, e00 = 0, e01 = 0, e10 = 0;
  for (int s = 0; s < draws; ++s) {
    const std::vector<double> f = adsn(view, 2, 1, static_cast<std::uint64_t>(s), Context(1));
    const double a0 = f[0] - ubar[0], a1 = f[1] - ubar[1], b0 = f[2] - ubar[0];
    mu += a0 / draws;
    e00 += a0 * a0 / draws;
    e01 += a0 * a1 / draws;
    e10 += a0 * b0 / draws;
  }
  // Standard errors: sqrt(c00 / draws) for the mean, about sqrt(2) c00 / sqrt(draws) for the
  // second moments; 5 of them.
  const double se = std::sqrt(c00 / draws), se2 = std::sqrt(2.0) * c00 / std::sqrt(draws * 1.0);
  CHECK(std::abs(mu) < 5 * se);
  CHECK(std::abs(e00 - c00) < 5 * se2);
  CHECK(std::abs(e01 - c01) < 5 * se2);
  CHECK(std::abs(e10 - c10) < 5 * se2);
}
