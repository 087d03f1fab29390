#include "lp/pricing.hpp"

#include <cstring>

#include "util/simd.hpp"

namespace gmmot {
namespace {

typedef double v4 __attribute__((vector_size(4 * sizeof(double))));

GMMOT_INLINE double key_at(const double *c, const double *xd, const double *sd, std::size_t j,
                           double scale, double xi, double si) {
  return (c[j] * scale + xd[j] - xi) + (sd[j] - si);
}

}  // namespace

// Two passes: a branch-free vector minimum (the common case finds nothing better), then a scalar
// search for the index only when the segment improves on the bound.
GMMOT_CLONES RowMin row_min_key(const double *c, const double *xd, const double *sd, std::size_t n,
                                double scale, double xi, double si, double bound) {
  double m = bound;
  std::size_t j = 0;
  if (n >= 8) {
    const v4 vscale = {scale, scale, scale, scale}, vxi = {xi, xi, xi, xi}, vsi = {si, si, si, si};
    v4 m0 = {bound, bound, bound, bound}, m1 = m0;
    for (; j + 8 <= n; j += 8) {
      v4 c0, c1, x0, x1, s0, s1;  // unaligned loads
      std::memcpy(&c0, c + j, sizeof c0);
      std::memcpy(&c1, c + j + 4, sizeof c1);
      std::memcpy(&x0, xd + j, sizeof x0);
      std::memcpy(&x1, xd + j + 4, sizeof x1);
      std::memcpy(&s0, sd + j, sizeof s0);
      std::memcpy(&s1, sd + j + 4, sizeof s1);
      const v4 k0 = (c0 * vscale + x0 - vxi) + (s0 - vsi);
      const v4 k1 = (c1 * vscale + x1 - vxi) + (s1 - vsi);
      m0 = k0 < m0 ? k0 : m0;
      m1 = k1 < m1 ? k1 : m1;
    }
    m0 = m1 < m0 ? m1 : m0;
    for (int l = 0; l < 4; ++l) m = m0[l] < m ? m0[l] : m;
  }
  for (; j < n; ++j) {
    const double k = key_at(c, xd, sd, j, scale, xi, si);
    if (k < m) m = k;
  }
  if (!(m < bound)) return {bound, n};
  // Rare: locate the minimum with the scalar form (c * scale is exact, so both forms agree).
  RowMin best{bound, n};
  for (std::size_t i = 0; i < n; ++i) {
    const double k = key_at(c, xd, sd, i, scale, xi, si);
    if (k < best.key) best = {k, i};
  }
  return best;
}

GMMOT_CLONES RowMin row_min_key_one_sign(const double *c, const double *xd, std::size_t n,
                                         double scale, double xi, double bound) {
  double m = bound;
  std::size_t j = 0;
  if (n >= 8) {
    const v4 vscale = {scale, scale, scale, scale}, vxi = {xi, xi, xi, xi};
    v4 m0 = {bound, bound, bound, bound}, m1 = m0;
    for (; j + 8 <= n; j += 8) {
      v4 c0, c1, x0, x1;  // unaligned loads
      std::memcpy(&c0, c + j, sizeof c0);
      std::memcpy(&c1, c + j + 4, sizeof c1);
      std::memcpy(&x0, xd + j, sizeof x0);
      std::memcpy(&x1, xd + j + 4, sizeof x1);
      const v4 k0 = c0 * vscale + x0 - vxi;
      const v4 k1 = c1 * vscale + x1 - vxi;
      m0 = k0 < m0 ? k0 : m0;
      m1 = k1 < m1 ? k1 : m1;
    }
    m0 = m1 < m0 ? m1 : m0;
    for (int l = 0; l < 4; ++l) m = m0[l] < m ? m0[l] : m;
  }
  for (; j < n; ++j) {
    const double k = c[j] * scale + xd[j] - xi;
    if (k < m) m = k;
  }
  if (!(m < bound)) return {bound, n};
  RowMin best{bound, n};
  for (std::size_t i = 0; i < n; ++i) {
    const double k = c[i] * scale + xd[i] - xi;
    if (k < best.key) best = {k, i};
  }
  return best;
}

}  // namespace gmmot
