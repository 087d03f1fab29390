// SPDX-License-Identifier: MIT
#include "colour/colour_space.hpp"

#include <algorithm>
#include <cmath>

#include "util/parallel.hpp"

namespace gmmot {

namespace {

constexpr std::size_t kBlock = 16384;

// sRGB transfer function and its inverse (IEC 61966-2-1). Negative values (out of gamut after a
// map) are mirrored so that the inverse stays defined and monotone.
double srgb_to_linear(double c) {
  const double a = std::fabs(c);
  const double v = a <= 0.04045 ? a / 12.92 : std::pow((a + 0.055) / 1.055, 2.4);
  return std::copysign(v, c);
}
double linear_to_srgb(double c) {
  const double a = std::fabs(c);
  const double v = a <= 0.0031308 ? 12.92 * a : 1.055 * std::pow(a, 1.0 / 2.4) - 0.055;
  return std::copysign(v, c);
}

// D65 white point and the sRGB primaries' XYZ matrix (IEC 61966-2-1), rows X, Y, Z.
constexpr double kWhite[3] = {0.95047, 1.0, 1.08883};
constexpr double kRgbToXyz[9] = {0.4124564, 0.3575761, 0.1804375, 0.2126729, 0.7151522,
                                 0.0721750, 0.0193339, 0.1191920, 0.9503041};
// Its inverse, to double precision (computed once rather than trusting rounded published
// digits, so that from_space inverts to_space to rounding).
struct Inverse3 {
  double m[9];
  Inverse3() {
    const double *a = kRgbToXyz;
    const double c00 = a[4] * a[8] - a[5] * a[7], c01 = a[5] * a[6] - a[3] * a[8],
                 c02 = a[3] * a[7] - a[4] * a[6];
    const double det = a[0] * c00 + a[1] * c01 + a[2] * c02;
    m[0] = c00 / det;
    m[1] = (a[2] * a[7] - a[1] * a[8]) / det;
    m[2] = (a[1] * a[5] - a[2] * a[4]) / det;
    m[3] = c01 / det;
    m[4] = (a[0] * a[8] - a[2] * a[6]) / det;
    m[5] = (a[2] * a[3] - a[0] * a[5]) / det;
    m[6] = c02 / det;
    m[7] = (a[1] * a[6] - a[0] * a[7]) / det;
    m[8] = (a[0] * a[4] - a[1] * a[3]) / det;
  }
};
const Inverse3 kXyzToRgb;

constexpr double kDelta = 6.0 / 29.0;
double lab_f(double t) {
  return t > kDelta * kDelta * kDelta ? std::cbrt(t) : t / (3 * kDelta * kDelta) + 4.0 / 29.0;
}
double lab_f_inverse(double t) {
  return t > kDelta ? t * t * t : 3 * kDelta * kDelta * (t - 4.0 / 29.0);
}

void rgb_to_lab(const double *in, double *out) {
  const double r = srgb_to_linear(in[0]), g = srgb_to_linear(in[1]), b = srgb_to_linear(in[2]);
  double f[3];
  for (int i = 0; i < 3; ++i) {
    const double *row = kRgbToXyz + 3 * i;
    f[i] = lab_f((row[0] * r + row[1] * g + row[2] * b) / kWhite[i]);
  }
  out[0] = 116.0 * f[1] - 16.0;
  out[1] = 500.0 * (f[0] - f[1]);
  out[2] = 200.0 * (f[1] - f[2]);
}

void lab_to_rgb(const double *in, double *out) {
  const double fy = (in[0] + 16.0) / 116.0;
  const double xyz[3] = {kWhite[0] * lab_f_inverse(fy + in[1] / 500.0),
                         kWhite[1] * lab_f_inverse(fy),
                         kWhite[2] * lab_f_inverse(fy - in[2] / 200.0)};
  for (int i = 0; i < 3; ++i) {
    const double *row = kXyzToRgb.m + 3 * i;
    out[i] = linear_to_srgb(row[0] * xyz[0] + row[1] * xyz[1] + row[2] * xyz[2]);
  }
}

// BT.601 full range, as JFIF.
void rgb_to_ycbcr(const double *in, double *out) {
  const double r = in[0], g = in[1], b = in[2];
  const double y = 0.299 * r + 0.587 * g + 0.114 * b;
  out[0] = y;
  out[1] = (b - y) / 1.772;
  out[2] = (r - y) / 1.402;
}
void ycbcr_to_rgb(const double *in, double *out) {
  const double y = in[0], cb = in[1], cr = in[2];
  const double r = y + 1.402 * cr, b = y + 1.772 * cb;
  out[0] = r;
  out[1] = (y - 0.299 * r - 0.114 * b) / 0.587;
  out[2] = b;
}

template <class Convert>
void convert_all(std::size_t n, const double *in, double *out, const Context &ctx,
                 Convert convert) {
  parallel_blocks(n, kBlock, ctx, [&](std::size_t begin, std::size_t end, unsigned) {
    for (std::size_t i = begin; i < end; ++i) {
      double c[3];
      convert(in + 3 * i, c);
      out[3 * i] = c[0], out[3 * i + 1] = c[1], out[3 * i + 2] = c[2];
    }
  });
}

}  // namespace

void to_space(ColourSpace space, std::size_t n, const double *in, double *out, const Context &ctx) {
  switch (space) {
    case ColourSpace::Rgb:
      if (in != out) std::copy(in, in + 3 * n, out);
      return;
    case ColourSpace::Lab:
      return convert_all(n, in, out, ctx, rgb_to_lab);
    case ColourSpace::YCbCr:
      return convert_all(n, in, out, ctx, rgb_to_ycbcr);
  }
}

void from_space(ColourSpace space, std::size_t n, const double *in, double *out,
                const Context &ctx) {
  switch (space) {
    case ColourSpace::Rgb:
      if (in != out) std::copy(in, in + 3 * n, out);
      return;
    case ColourSpace::Lab:
      return convert_all(n, in, out, ctx, lab_to_rgb);
    case ColourSpace::YCbCr:
      return convert_all(n, in, out, ctx, ycbcr_to_rgb);
  }
}

}  // namespace gmmot
