// SPDX-License-Identifier: MIT
// The colour guided filter (He, Sun & Tang, "Guided image filtering", ECCV 2010 and IEEE TPAMI
// 35(6), 2013), used to regularise a colour change as Rabin, Delon & Gousseau do ("Removing
// artefacts from color and contrast modifications", IEEE TIP 20(11), 2011; reference [24] of
// Delon & Desolneux 2020, section 7.1): the output is, in every window of (2r+1)^2 pixels, an
// affine function a I + b of the 3-channel guide I fitted by ridge regression (the 3x3 covariance
// of I in the window plus epsilon times the identity), each pixel averaging the fits of the
// windows that hold it. Window means come from running sums, O(1) per pixel whatever the
// radius; windows are clipped at the borders.
// With subsample s > 1 it is the fast guided filter (He & Sun, arXiv:1505.00996, 2015): I and p
// are box-averaged by s x s, the coefficients computed at that resolution with radius r / s and
// interpolated bilinearly back to full resolution, where q = a I + b uses the full guide (so
// edges stay sharp); the cost of the regression drops by s^2.
#pragma once

#include <cstddef>
#include <vector>

#include "util/context.hpp"

namespace gmmot {

struct GuidedFilterParameters {
  std::size_t radius = 1;     // window radius r in full-resolution pixels, >= 1
  double epsilon = 1e-3;      // ridge term, in squared guide units (> 0)
  std::size_t subsample = 1;  // s >= 1; radius / s is rounded and raised to at least 1
};

// The filter's window statistics: 22 float planes of the subsampled image (88 bytes per pixel
// of it; 1 GB for 12 megapixels filtered at s = 1). Allocated apart from the filtering so that a
// caller writing its output in place can fail for memory before anything is written.
struct GuidedFilterWork {
  std::vector<std::vector<float>> planes;
  std::vector<float> scratch;
};
GuidedFilterWork guided_filter_work(std::size_t width, std::size_t height,
                                    const GuidedFilterParameters &parameters);

// Interleaved row-major images of width x height pixels, 3 values each: the guide I, the input
// p and the output q (q may alias p, not I). Throws Errc::Cancelled under ctx's interrupt
// (checked before the last pass, which writes q and cannot be cancelled).
void guided_filter(std::size_t width, std::size_t height, const double *guide, const double *p,
                   const GuidedFilterParameters &parameters, const Context &ctx, double *q);

// The regularisation of a colour change in one sweep over the full-resolution images:
// q = clip?(I + GF_I(mapped - I)), the input p = mapped - I formed on the fly (no image-sized
// scratch). q may alias mapped, not I. work: from guided_filter_work with the same sizes and
// parameters, or nullptr (then allocated here).
void guided_filter_change(std::size_t width, std::size_t height, const double *guide,
                          const double *mapped, const GuidedFilterParameters &parameters, bool clip,
                          const Context &ctx, double *q, GuidedFilterWork *work = nullptr);

}  // namespace gmmot
