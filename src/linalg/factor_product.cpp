// SPDX-License-Identifier: MIT
#include "linalg/factor_product.hpp"

#include <cstddef>

#include "util/simd.hpp"

namespace gmmot::linalg {

// Column j of W is sum_k Fa[k, j] (row k of Fb): axpys into a column that stays in L1. Four
// rows at a time load and store that column a quarter as often; with two lower
// triangular factors row k of Fb ends at column k, so the four rows share the shortest length
// and the few extra entries of the longer ones are added after.
GMMOT_CLONES void factor_product(int d, const double *fa, const double *fb_t, bool both_lower,
                                 double *w) {
  const std::size_t n = static_cast<std::size_t>(d);
  for (std::size_t j = 0; j < n; ++j) {
    double *__restrict wj = w + j * n;
    for (std::size_t i = 0; i < n; ++i) wj[i] = 0.0;
    // Fa[k, j] = 0 for k < j when both are lower.
    std::size_t k = both_lower ? j : 0;
    for (; k + 4 <= n; k += 4) {
      const double a0 = fa[k + j * n], a1 = fa[k + 1 + j * n], a2 = fa[k + 2 + j * n],
                   a3 = fa[k + 3 + j * n];
      const double *__restrict r0 = fb_t + k * n;
      const double *__restrict r1 = r0 + n;
      const double *__restrict r2 = r1 + n;
      const double *__restrict r3 = r2 + n;
      const std::size_t len = both_lower ? k + 1 : n;
      for (std::size_t i = 0; i < len; ++i)
        wj[i] += (a0 * r0[i] + a1 * r1[i]) + (a2 * r2[i] + a3 * r3[i]);
      if (both_lower) {  // rows k+1 .. k+3 reach one, two, three entries further
        wj[k + 1] += a1 * r1[k + 1] + a2 * r2[k + 1] + a3 * r3[k + 1];
        wj[k + 2] += a2 * r2[k + 2] + a3 * r3[k + 2];
        wj[k + 3] += a3 * r3[k + 3];
      }
    }
    for (; k < n; ++k) {
      const double a = fa[k + j * n];
      const double *row = fb_t + k * n;
      const std::size_t len = both_lower ? k + 1 : n;
      for (std::size_t i = 0; i < len; ++i) wj[i] += a * row[i];
    }
  }
}

}  // namespace gmmot::linalg
