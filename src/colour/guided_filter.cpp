// SPDX-License-Identifier: MIT
#include "colour/guided_filter.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "util/parallel.hpp"

namespace gmmot {

namespace {

// The window statistics live in planes of floats: 4 bytes a value keeps the 21 planes of a
// megapixel image in cache-friendly 84 MB; every sum is accumulated in double, so a plane only
// rounds its stored means (relative 6e-8, far below any epsilon of use).
using Plane = std::vector<float>;

// Two doubles (SSE2, the baseline): the per-pixel pass two pixels at a time.
typedef double v2d __attribute__((vector_size(16)));

constexpr std::size_t kRowBlock = 16;      // rows per parallel block of the horizontal pass
constexpr std::size_t kColumnBlock = 256;  // columns per block of the vertical pass

// In-place clipped box mean of radius r over the planes [first, last) of a w x h image, through
// one scratch plane.
void box_mean(std::vector<Plane> &planes, std::size_t first, std::size_t last, std::size_t w,
              std::size_t h, std::size_t r, const Context &ctx, Plane &scratch) {
  for (std::size_t p = first; p < last; ++p) {
    float *const data = planes[p].data();
    float *const tmp = scratch.data();
    // Horizontal: prefix sums per row.
    parallel_blocks(h, kRowBlock, ctx, [&](std::size_t y0, std::size_t y1, unsigned) {
      std::vector<double> prefix(w + 1);
      for (std::size_t y = y0; y < y1; ++y) {
        const float *row = data + y * w;
        prefix[0] = 0;
        for (std::size_t x = 0; x < w; ++x) prefix[x + 1] = prefix[x] + row[x];
        float *out = tmp + y * w;
        for (std::size_t x = 0; x < w; ++x) {
          const std::size_t lo = x >= r ? x - r : 0, hi = std::min(w, x + r + 1);
          out[x] = static_cast<float>((prefix[hi] - prefix[lo]) / static_cast<double>(hi - lo));
        }
      }
    });
    // Vertical: a running window sum per column, over blocks of columns.
    parallel_blocks(w, kColumnBlock, ctx, [&](std::size_t x0, std::size_t x1, unsigned) {
      const std::size_t cols = x1 - x0;
      std::vector<double> acc(cols, 0.0);
      for (std::size_t y = 0; y < std::min(h, r + 1); ++y)
        for (std::size_t c = 0; c < cols; ++c) acc[c] += tmp[y * w + x0 + c];
      for (std::size_t y = 0; y < h; ++y) {
        const std::size_t lo = y >= r ? y - r : 0, hi = std::min(h, y + r + 1);
        const double inv = 1.0 / static_cast<double>(hi - lo);
        float *out = data + y * w + x0;
        for (std::size_t c = 0; c < cols; ++c) out[c] = static_cast<float>(acc[c] * inv);
        if (y + r + 1 < h)
          for (std::size_t c = 0; c < cols; ++c) acc[c] += tmp[(y + r + 1) * w + x0 + c];
        if (y >= r)
          for (std::size_t c = 0; c < cols; ++c) acc[c] -= tmp[(y - r) * w + x0 + c];
      }
    });
  }
}

// Plane layout: 0-2 mean I, 3-8 mean I_i I_j (i <= j), 9-11 mean p, 12-20 mean I_i p_k; then
// a_k (3 x 3, row k) into 0-8 and b into 9-11.
constexpr std::size_t kPlanes = 21;
constexpr int kPair[3][3] = {{3, 4, 5}, {4, 6, 7}, {5, 7, 8}};

}  // namespace

namespace {

struct Grid {
  std::size_t s, w, h, r;
};

Grid grid_of(std::size_t width, std::size_t height, const GuidedFilterParameters &parameters) {
  const std::size_t s = std::max<std::size_t>(1, parameters.subsample);
  const std::size_t r = std::max<std::size_t>(
      1, static_cast<std::size_t>(
             std::lround(static_cast<double>(parameters.radius) / static_cast<double>(s))));
  return {s, (width + s - 1) / s, (height + s - 1) / s, r};
}

// base: nullptr (p is the input) or the guide itself (the input is p - guide, and the guide
// is added back to the output, which is clipped to [0, 1] if clip).
void filter(std::size_t width, std::size_t height, const double *guide, const double *p,
            const double *base, bool clip, const GuidedFilterParameters &parameters,
            const Context &ctx, double *q, GuidedFilterWork *work) {
  const Grid g = grid_of(width, height, parameters);
  const std::size_t s = g.s, w = g.w, h = g.h, m = w * h, r = g.r;
  const double eps = parameters.epsilon;

  GuidedFilterWork own;
  if (work == nullptr) {
    own = guided_filter_work(width, height, parameters);
    work = &own;
  }
  std::vector<Plane> &planes = work->planes;
  Plane &scratch = work->scratch;
  // The low-resolution guide and input (s x s box averages; partial boxes at the borders), and
  // the products whose window means the regression needs.
  parallel_blocks(h, kRowBlock, ctx, [&](std::size_t y0, std::size_t y1, unsigned) {
    for (std::size_t y = y0; y < y1; ++y) {
      for (std::size_t x = 0; x < w; ++x) {
        double gi[3] = {0, 0, 0}, pi[3] = {0, 0, 0};
        const std::size_t ya = y * s, yb = std::min(height, ya + s);
        const std::size_t xa = x * s, xb = std::min(width, xa + s);
        for (std::size_t yy = ya; yy < yb; ++yy) {
          for (std::size_t xx = xa; xx < xb; ++xx) {
            const std::size_t o = 3 * (yy * width + xx);
            for (int c = 0; c < 3; ++c)
              gi[c] += guide[o + c], pi[c] += base != nullptr ? p[o + c] - base[o + c] : p[o + c];
          }
        }
        const double inv = 1.0 / static_cast<double>((yb - ya) * (xb - xa));
        const std::size_t i = y * w + x;
        for (int c = 0; c < 3; ++c) gi[c] *= inv, pi[c] *= inv;
        for (int c = 0; c < 3; ++c) {
          planes[c][i] = static_cast<float>(gi[c]);
          planes[9 + c][i] = static_cast<float>(pi[c]);
          for (int d = c; d < 3; ++d) planes[kPair[c][d]][i] = static_cast<float>(gi[c] * gi[d]);
          for (int k = 0; k < 3; ++k) planes[12 + 3 * c + k][i] = static_cast<float>(gi[c] * pi[k]);
        }
      }
    }
  });
  box_mean(planes, 0, kPlanes, w, h, r, ctx, scratch);

  // Per window: Sigma = cov(I) + eps Id, a_k = Sigma^-1 cov(I, p_k), b_k = mean p_k - a_k . mean I.
  parallel_blocks(m, kRowBlock * 256, ctx, [&](std::size_t i0, std::size_t i1, unsigned) {
    for (std::size_t i = i0; i < i1; ++i) {
      double mi[3], mp[3], sg[3][3], cv[3][3];
      for (int c = 0; c < 3; ++c) mi[c] = planes[c][i], mp[c] = planes[9 + c][i];
      for (int c = 0; c < 3; ++c) {
        for (int d = 0; d < 3; ++d) sg[c][d] = planes[kPair[c][d]][i] - mi[c] * mi[d];
        sg[c][c] += eps;
        for (int k = 0; k < 3; ++k) cv[c][k] = planes[12 + 3 * c + k][i] - mi[c] * mp[k];
      }
      // Sigma is symmetric positive definite (a covariance plus eps > 0): its inverse by
      // cofactors, exact enough at eps >= 1e-12 relative to the window variances.
      const double c00 = sg[1][1] * sg[2][2] - sg[1][2] * sg[2][1];
      const double c01 = sg[1][2] * sg[2][0] - sg[1][0] * sg[2][2];
      const double c02 = sg[1][0] * sg[2][1] - sg[1][1] * sg[2][0];
      const double det = sg[0][0] * c00 + sg[0][1] * c01 + sg[0][2] * c02;
      const double inv[3][3] = {{c00 / det, (sg[0][2] * sg[2][1] - sg[0][1] * sg[2][2]) / det,
                                 (sg[0][1] * sg[1][2] - sg[0][2] * sg[1][1]) / det},
                                {c01 / det, (sg[0][0] * sg[2][2] - sg[0][2] * sg[2][0]) / det,
                                 (sg[0][2] * sg[1][0] - sg[0][0] * sg[1][2]) / det},
                                {c02 / det, (sg[0][1] * sg[2][0] - sg[0][0] * sg[2][1]) / det,
                                 (sg[0][0] * sg[1][1] - sg[0][1] * sg[1][0]) / det}};
      for (int k = 0; k < 3; ++k) {
        double a[3];
        for (int c = 0; c < 3; ++c)
          a[c] = inv[c][0] * cv[0][k] + inv[c][1] * cv[1][k] + inv[c][2] * cv[2][k];
        const double b = mp[k] - (a[0] * mi[0] + a[1] * mi[1] + a[2] * mi[2]);
        for (int c = 0; c < 3; ++c) planes[3 * k + c][i] = static_cast<float>(a[c]);
        planes[9 + k][i] = static_cast<float>(b);
      }
    }
  });
  box_mean(planes, 0, 12, w, h, r, ctx, scratch);

  // q = mean_a I + mean_b at full resolution; coefficients interpolated bilinearly when s > 1:
  // per output row, first between the two low-resolution rows (12 w values), then per pixel
  // between two columns, whose positions and weights are the same for every row.
  std::vector<std::size_t> col0(width);
  std::vector<double> colt(width);
  for (std::size_t x = 0; x < width; ++x) {
    const double fx = std::clamp((static_cast<double>(x) + 0.5) / static_cast<double>(s) - 0.5, 0.0,
                                 static_cast<double>(w - 1));
    col0[x] = static_cast<std::size_t>(fx);
    colt[x] = fx - static_cast<double>(col0[x]);
  }
  ctx.check_interrupt();
  const Context quiet(ctx.threads);
  parallel_blocks(height, kRowBlock, quiet, [&](std::size_t y0, std::size_t y1, unsigned) {
    // Per low-resolution column x, lane j: the row-interpolated coefficient (row[j * w + x])
    // and its step to the next column (step[j * w + x]); both computed once per output row, so
    // that the per-pixel work is coef = row + tx * step, two pixels at a time (the same
    // operations in the same order as one at a time: the same bits).
    std::vector<double> row(12 * w), step(12 * w);
    for (std::size_t y = y0; y < y1; ++y) {
      const double fy = std::clamp((static_cast<double>(y) + 0.5) / static_cast<double>(s) - 0.5,
                                   0.0, static_cast<double>(h - 1));
      const std::size_t ya = static_cast<std::size_t>(fy), yb = std::min(h - 1, ya + 1);
      const double ty = fy - static_cast<double>(ya);
      for (int j = 0; j < 12; ++j) {
        const float *a = planes[j].data() + ya * w, *b = planes[j].data() + yb * w;
        double *lane = row.data() + j * w;
        for (std::size_t x = 0; x < w; ++x) lane[x] = a[x] + ty * (b[x] - a[x]);
        double *d = step.data() + j * w;
        for (std::size_t x = 0; x + 1 < w; ++x) d[x] = lane[x + 1] - lane[x];
        d[w - 1] = lane[w - 1] - lane[w - 1];  // col1 = col0 at the last column
      }
      const double *gi = guide + 3 * y * width;
      double *out = q + 3 * y * width;
      std::size_t x = 0;
      for (; x + 2 <= width; x += 2) {
        const std::size_t xa = col0[x], xb = col0[x + 1];
        const v2d tx = {colt[x], colt[x + 1]};
        v2d coef[12];
        for (int j = 0; j < 12; ++j) {
          const v2d lane = {row[j * w + xa], row[j * w + xb]};
          const v2d d = {step[j * w + xa], step[j * w + xb]};
          coef[j] = lane + tx * d;
        }
        const double *px = gi + 3 * x;
        const v2d g0 = {px[0], px[3]}, g1 = {px[1], px[4]}, g2 = {px[2], px[5]};
        const v2d gk[3] = {g0, g1, g2};
        for (int k = 0; k < 3; ++k) {
          v2d v = coef[3 * k] * g0 + coef[3 * k + 1] * g1 + coef[3 * k + 2] * g2 + coef[9 + k];
          if (base != nullptr) v += gk[k];
          if (clip) {
            const v2d zero = {0.0, 0.0}, one = {1.0, 1.0};
            v = v < zero ? zero : (one < v ? one : v);  // std::clamp's selections
          }
          out[3 * x + k] = v[0];
          out[3 * x + 3 + k] = v[1];
        }
      }
      for (; x < width; ++x) {
        double coef[12];
        const std::size_t xa = col0[x];
        const double tx = colt[x];
        for (int j = 0; j < 12; ++j) coef[j] = row[j * w + xa] + tx * step[j * w + xa];
        const double *px = gi + 3 * x;
        for (int k = 0; k < 3; ++k) {
          double v =
              coef[3 * k] * px[0] + coef[3 * k + 1] * px[1] + coef[3 * k + 2] * px[2] + coef[9 + k];
          if (base != nullptr) v += px[k];
          out[3 * x + k] = clip ? std::clamp(v, 0.0, 1.0) : v;
        }
      }
    }
  });
}

}  // namespace

GuidedFilterWork guided_filter_work(std::size_t width, std::size_t height,
                                    const GuidedFilterParameters &parameters) {
  const Grid g = grid_of(width, height, parameters);
  GuidedFilterWork work;
  work.planes.assign(kPlanes, Plane(g.w * g.h));
  work.scratch.resize(g.w * g.h);
  return work;
}

void guided_filter(std::size_t width, std::size_t height, const double *guide, const double *p,
                   const GuidedFilterParameters &parameters, const Context &ctx, double *q) {
  filter(width, height, guide, p, nullptr, false, parameters, ctx, q, nullptr);
}

void guided_filter_change(std::size_t width, std::size_t height, const double *guide,
                          const double *mapped, const GuidedFilterParameters &parameters, bool clip,
                          const Context &ctx, double *q, GuidedFilterWork *work) {
  filter(width, height, guide, mapped, guide, clip, parameters, ctx, q, work);
}

}  // namespace gmmot
