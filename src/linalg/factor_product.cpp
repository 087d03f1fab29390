#include "linalg/factor_product.hpp"

#include <cstddef>

#include "util/simd.hpp"

namespace gmmot::linalg {

GMMOT_CLONES void factor_product(int d, const double *fa, const double *fb_t, bool both_lower,
                                 double *w) {
  const std::size_t n = static_cast<std::size_t>(d);
  for (std::size_t j = 0; j < n; ++j) {
    double *wj = w + j * n;
    for (std::size_t i = 0; i < n; ++i) wj[i] = 0.0;
    // Fa[k, j] = 0 for k < j and row k of Fb is zero beyond column k when both are lower.
    for (std::size_t k = both_lower ? j : 0; k < n; ++k) {
      const double a = fa[k + j * n];
      const double *row = fb_t + k * n;
      const std::size_t len = both_lower ? k + 1 : n;
      for (std::size_t i = 0; i < len; ++i) wj[i] += a * row[i];
    }
  }
}

}  // namespace gmmot::linalg
