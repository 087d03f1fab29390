// SPDX-License-Identifier: MIT
// The asymptotic discrete spot noise (ADSN) of an exemplar u (Galerne, Gousseau and Morel 2011;
// Delon-Desolneux 2020, section 7.2): the stationary Gaussian field on Z^2
//   U(x) = ubar + sum_y t(y) W(x - y),   t = (u - ubar) 1_Omega / sqrt(|Omega|),
// with W one scalar standard normal white noise shared by all channels, so that U has u's mean
// and, for every lag h, the covariance sum_y t(y) t(y + h)^T (the non-periodic autocovariance
// of u, zero-padded outside Omega; it includes the cross-channel terms).
//
// We compute the window [0, W) x [0, H) of U exactly: the noise is drawn on the
// (W + M - 1) x (H + N - 1) pixels that the window sees (M x N the exemplar), and the linear
// convolution is a circular one on an FFT grid padded to lengths 2^a 3^b 5^c >= W + M - 1 and
// H + N - 1, where no term wraps around. Padding instead of a periodic W x H field is what
// the cited references do for outputs larger than the exemplar, lets any output size use the
// fast radices (no Bluestein), and gives the exact ADSN (not its periodisation) whatever the
// sizes. Two channels share one complex transform (real and imaginary parts), since W is real.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "texture/image.hpp"
#include "util/context.hpp"

namespace gmmot {

// The noise value W(z) at grid position z = (zx, zy) of the (W + M - 1) x (H + N - 1) noise
// window: row zy is the stream Xoshiro256(seed, zy), Box-Muller pairs in order. Exposed so
// tests can rebuild the field by direct summation.
std::vector<double> adsn_noise(std::size_t noise_width, std::size_t noise_height,
                               std::uint64_t seed);

// The window [0, width) x [0, height) of U, width * height * channels values, where window
// pixel x sees the noise at x + (M - 1, N - 1) - y for exemplar pixel y:
//   U(x) = ubar + sum_{y in Omega} t(y) noise[x + (M-1, N-1) - y].
// exemplar must be finite (not checked here). Cancellation through ctx's interrupt.
std::vector<double> adsn(const ImageView &exemplar, std::size_t width, std::size_t height,
                         std::uint64_t seed, const Context &ctx);

}  // namespace gmmot
