// SPDX-License-Identifier: MIT
#include "texture/adsn.hpp"

#include <cmath>

#include "texture/fft.hpp"
#include "util/parallel.hpp"
#include "util/rng.hpp"
#include "util/sizes.hpp"

namespace gmmot {

std::vector<double> adsn_noise(std::size_t noise_width, std::size_t noise_height,
                               std::uint64_t seed) {
  std::vector<double> w(checked_mul(noise_width, noise_height, "noise pixels"));
  for (std::size_t y = 0; y < noise_height; ++y) {
    Xoshiro256 rng(seed, y);
    double *row = w.data() + y * noise_width;
    for (std::size_t x = 0; x < noise_width; x += 2) {
      double z0, z1;
      rng.normal_pair(z0, z1);
      row[x] = z0;
      if (x + 1 < noise_width) row[x + 1] = z1;
    }
  }
  return w;
}

std::vector<double> adsn(const ImageView &u, std::size_t width, std::size_t height,
                         std::uint64_t seed, const Context &ctx) {
  const std::size_t m = u.width, n = u.height, c = u.channels;
  const std::size_t pixels = checked_mul(m, n, "exemplar pixels");
  const std::size_t nw = checked_add(width, m - 1, "noise width");
  const std::size_t nh = checked_add(height, n - 1, "noise height");
  const std::size_t gw = Fft::next_size(nw), gh = Fft::next_size(nh);
  const std::size_t grid = checked_mul(gw, gh, "FFT grid");

  // Mean per channel, then t = (u - ubar) / sqrt(|Omega|).
  std::vector<double> mean(c, 0.0);
  for (std::size_t i = 0; i < pixels; ++i)
    for (std::size_t k = 0; k < c; ++k) mean[k] += u.pixels[i * c + k];
  for (double &v : mean) v /= static_cast<double>(pixels);
  const double scale = 1.0 / std::sqrt(static_cast<double>(pixels));

  // The noise transform, computed once for all channels.
  std::vector<Complex> noise_hat(grid, Complex(0, 0));
  {
    const std::vector<double> w = adsn_noise(nw, nh, seed);
    for (std::size_t y = 0; y < nh; ++y)
      for (std::size_t x = 0; x < nw; ++x) noise_hat[y * gw + x] = Complex(w[y * nw + x], 0);
  }
  ctx.check_interrupt();
  fft_2d(gh, gw, noise_hat.data(), false, ctx);

  std::vector<double> out(checked_mul(checked_mul(width, height, "output pixels"), c, "output"));
  std::vector<Complex> a(grid);
  const double inv_grid = 1.0 / static_cast<double>(grid);
  for (std::size_t k0 = 0; k0 < c; k0 += 2) {
    const bool pair = k0 + 1 < c;
    std::fill(a.begin(), a.end(), Complex(0, 0));
    for (std::size_t y = 0; y < n; ++y)
      for (std::size_t x = 0; x < m; ++x) {
        const double *p = u.pixels + (y * m + x) * c;
        a[y * gw + x] =
            Complex((p[k0] - mean[k0]) * scale, pair ? (p[k0 + 1] - mean[k0 + 1]) * scale : 0.0);
      }
    ctx.check_interrupt();
    fft_2d(gh, gw, a.data(), false, ctx);
    for (std::size_t i = 0; i < grid; ++i) a[i] *= noise_hat[i];
    fft_2d(gh, gw, a.data(), true, ctx);
    // Window pixel x is grid position x + (M - 1, N - 1) (no wrap-around: see adsn.hpp).
    for (std::size_t y = 0; y < height; ++y)
      for (std::size_t x = 0; x < width; ++x) {
        const Complex v = a[(y + n - 1) * gw + (x + m - 1)] * inv_grid;
        double *o = out.data() + (y * width + x) * c;
        o[k0] = mean[k0] + v.real();
        if (pair) o[k0 + 1] = mean[k0 + 1] + v.imag();
      }
  }
  return out;
}

}  // namespace gmmot
