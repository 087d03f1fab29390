// SPDX-License-Identifier: MIT
#include "texture/fft.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "util/error.hpp"
#include "util/parallel.hpp"

namespace gmmot {

namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;

// One Stockham pass of radix r: n is the current sub-length, s the stride (n s = N), w the
// N twiddles. Input a, output b.
template <std::size_t R>
void pass(std::size_t n, std::size_t s, std::size_t big_n, const Complex *w, const Complex *a,
          Complex *b) {
  const std::size_t m = n / R;
  // The radix-R DFT matrix entries e^{-2 pi i jk / R}, from the table.
  Complex wr[R];
  for (std::size_t t = 0; t < R; ++t) wr[t] = w[t * (big_n / R)];
  for (std::size_t p = 0; p < m; ++p) {
    Complex tw[R];
    for (std::size_t j = 0; j < R; ++j) tw[j] = w[j * p * s];
    for (std::size_t q = 0; q < s; ++q) {
      Complex x[R];
      for (std::size_t k = 0; k < R; ++k) x[k] = a[q + s * (p + k * m)];
      Complex y[R];
      if constexpr (R == 2) {
        y[0] = x[0] + x[1];
        y[1] = x[0] - x[1];
      } else if constexpr (R == 4) {
        const Complex s02 = x[0] + x[2], d02 = x[0] - x[2];
        const Complex s13 = x[1] + x[3], d13 = x[1] - x[3];
        const Complex d13i(d13.imag(), -d13.real());  // -i (x1 - x3)
        y[0] = s02 + s13;
        y[1] = d02 + d13i;
        y[2] = s02 - s13;
        y[3] = d02 - d13i;
      } else {
        for (std::size_t j = 0; j < R; ++j) {
          Complex acc = x[0];
          for (std::size_t k = 1; k < R; ++k) acc += x[k] * wr[(j * k) % R];
          y[j] = acc;
        }
      }
      b[q + s * (R * p)] = y[0];
      for (std::size_t j = 1; j < R; ++j) b[q + s * (R * p + j)] = y[j] * tw[j];
    }
  }
}

}  // namespace

std::size_t Fft::next_size(std::size_t n) {
  // The candidates below run up to 2 n + 1 and are multiplied by 5 once more: keep them, and
  // the grids they make, far from wrapping around.
  if (n > (std::size_t{1} << 40)) {
    fail(Errc::TooLarge, "FFT length " + std::to_string(n) + " is too large");
  }
  std::size_t best = 0;
  for (std::size_t a = 1; a < 2 * n + 2; a *= 2)
    for (std::size_t b = a; b < 2 * n + 2; b *= 3)
      for (std::size_t c = b; c < 2 * n + 2; c *= 5)
        if (c >= n && (best == 0 || c < best)) best = c;
  return best;
}

Fft::Fft(std::size_t n) : n_(n) {
  if (n == 0) fail(Errc::InvalidArgument, "FFT length 0");
  std::size_t rest = n;
  while (rest % 4 == 0) radices_.push_back(4), rest /= 4;
  while (rest % 2 == 0) radices_.push_back(2), rest /= 2;
  while (rest % 3 == 0) radices_.push_back(3), rest /= 3;
  while (rest % 5 == 0) radices_.push_back(5), rest /= 5;
  if (rest != 1) {
    fail(Errc::InvalidArgument,
         "FFT length " + std::to_string(n) + " has a prime factor other than 2, 3 and 5");
  }
  twiddles_.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double angle = -kTwoPi * static_cast<double>(k) / static_cast<double>(n);
    twiddles_[k] = Complex(std::cos(angle), std::sin(angle));
  }
  // Exact values where they are known, so that the radix-4 identity and symmetric entries agree.
  if (n % 4 == 0) {
    twiddles_[n / 4] = Complex(0, -1);
    twiddles_[3 * n / 4] = Complex(0, 1);
  }
  if (n % 2 == 0) twiddles_[n / 2] = Complex(-1, 0);
}

void Fft::transform(Complex *x, Complex *work) const {
  std::size_t n = n_, s = 1;
  Complex *a = x, *b = work;
  for (const std::size_t r : radices_) {
    switch (r) {
      case 2:
        pass<2>(n, s, n_, twiddles_.data(), a, b);
        break;
      case 3:
        pass<3>(n, s, n_, twiddles_.data(), a, b);
        break;
      case 4:
        pass<4>(n, s, n_, twiddles_.data(), a, b);
        break;
      default:
        pass<5>(n, s, n_, twiddles_.data(), a, b);
        break;
    }
    std::swap(a, b);
    n /= r;
    s *= r;
  }
  if (a != x) std::copy(a, a + n_, x);
}

void Fft::forward(Complex *x, Complex *work) const { transform(x, work); }

void Fft::inverse(Complex *x, Complex *work) const {
  for (std::size_t i = 0; i < n_; ++i) x[i] = std::conj(x[i]);
  transform(x, work);
  for (std::size_t i = 0; i < n_; ++i) x[i] = std::conj(x[i]);
}

void fft_2d(std::size_t rows, std::size_t cols, Complex *a, bool inverse, const Context &ctx) {
  const Fft row_fft(cols), col_fft(rows);
  constexpr std::size_t kRowsPerBlock = 8;
  parallel_blocks(rows, kRowsPerBlock, ctx, [&](std::size_t r0, std::size_t r1, unsigned) {
    std::vector<Complex> work(cols);
    for (std::size_t r = r0; r < r1; ++r) {
      if (inverse)
        row_fft.inverse(a + r * cols, work.data());
      else
        row_fft.forward(a + r * cols, work.data());
    }
  });
  // Columns are gathered into a contiguous buffer, a few at a time for cache reuse.
  constexpr std::size_t kColsPerBlock = 8;
  parallel_blocks(cols, kColsPerBlock, ctx, [&](std::size_t c0, std::size_t c1, unsigned) {
    const std::size_t nc = c1 - c0;
    std::vector<Complex> buf(nc * rows), work(rows);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < nc; ++c) buf[c * rows + r] = a[r * cols + c0 + c];
    for (std::size_t c = 0; c < nc; ++c) {
      if (inverse)
        col_fft.inverse(buf.data() + c * rows, work.data());
      else
        col_fft.forward(buf.data() + c * rows, work.data());
    }
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < nc; ++c) a[r * cols + c0 + c] = buf[c * rows + r];
  });
}

}  // namespace gmmot
