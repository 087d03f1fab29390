// SPDX-License-Identifier: MIT
// The inner product of two short arrays with four partial sums: four independent chains of
// additions the processor keeps in flight together, where one chain is bound by the adder's
// latency (Anderson mixing's Gram matrix, the annealing's Sinkhorn row sums). The order is
// fixed, so results do not depend on the caller or the thread count.
#pragma once

#include <cstddef>

namespace gmmot {

inline double dot4(const double *x, const double *y, std::size_t n) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    s0 += x[k] * y[k];
    s1 += x[k + 1] * y[k + 1];
    s2 += x[k + 2] * y[k + 2];
    s3 += x[k + 3] * y[k + 3];
  }
  for (; k < n; ++k) s0 += x[k] * y[k];
  return (s0 + s1) + (s2 + s3);
}

}  // namespace gmmot
