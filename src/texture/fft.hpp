// SPDX-License-Identifier: MIT
// Our own complex FFT for the ADSN of texture synthesis (no FFTW: it is GPL). Mixed radix
// 2, 3, 4, 5 in Stockham autosort form (natural order in and out, no bit reversal), for
// lengths 2^a 3^b 5^c only: the ADSN is a linear convolution computed on a grid padded to such
// a length (adsn.hpp), so other lengths, and Bluestein's algorithm, are never needed.
// Twiddles are cos/sin of 2 pi k / n evaluated directly (no recurrence), so the error stays
// at a few ulps times log n.
#pragma once

#include <complex>
#include <cstddef>
#include <vector>

#include "util/context.hpp"

namespace gmmot {

using Complex = std::complex<double>;

class Fft {
 public:
  // Errc::InvalidArgument unless n >= 1 has no prime factor other than 2, 3, 5.
  explicit Fft(std::size_t n);

  std::size_t size() const { return n_; }
  // The smallest 2^a 3^b 5^c >= n (n >= 1); Errc::TooLarge for n > 2^40.
  static std::size_t next_size(std::size_t n);

  // In place on x (n values), work: n values of scratch. forward: X_f = sum_i x_i e^{-2 pi i f
  // i / n}; inverse: the same with e^{+...}, NOT divided by n.
  void forward(Complex *x, Complex *work) const;
  void inverse(Complex *x, Complex *work) const;

 private:
  void transform(Complex *x, Complex *work) const;  // forward
  std::size_t n_;
  std::vector<std::size_t> radices_;
  std::vector<Complex> twiddles_;  // e^{-2 pi i k / n}, k < n
};

// 2-D transform of a rows x cols row-major array (in place), rows and columns in parallel
// over ctx's threads (fixed blocks: identical results for any thread count).
void fft_2d(std::size_t rows, std::size_t cols, Complex *a, bool inverse, const Context &ctx);

}  // namespace gmmot
