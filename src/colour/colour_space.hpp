// SPDX-License-Identifier: MIT
// The colour spaces a colour transfer can work in. The transport map is computed and applied in
// the chosen space and its result converted back to RGB, so the space decides what "close
// colours" means for the mixtures and their map: RGB as the input, CIELAB (perceptual distances,
// lightness decorrelated from chroma) or YCbCr (luma and two chroma axes, a linear change of RGB).
#pragma once

#include <cstddef>

#include "util/context.hpp"

namespace gmmot {

enum class ColourSpace { Rgb = 0, Lab = 1, YCbCr = 2 };

// n pixels, 3 values each, row-major. RGB is gamma-encoded sRGB in [0, 1] (what image files
// hold). Lab: sRGB (IEC 61966-2-1) to linear, D65 XYZ, CIE 1976 L*a*b* with L in [0, 100].
// YCbCr: ITU-R BT.601 full range (JPEG's), Y in [0, 1], Cb and Cr centred on 0. from_space is
// the exact inverse of to_space up to rounding; colours outside the RGB gamut come back outside
// [0, 1] (the caller clips). `in` and `out` may be the same array. Parallel over blocks of ctx.
void to_space(ColourSpace space, std::size_t n, const double *in, double *out, const Context &ctx);
void from_space(ColourSpace space, std::size_t n, const double *in, double *out,
                const Context &ctx);

}  // namespace gmmot
