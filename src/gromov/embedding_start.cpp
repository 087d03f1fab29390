// SPDX-License-Identifier: MIT
#include "gromov/embedding_start.hpp"

#include <cmath>

#include "linalg/dense.hpp"

namespace gmmot {

std::vector<double> sorted_eigenvectors(std::size_t n, const double *sym) {
  // sym_eig works column-major; a symmetric matrix is its own transpose.
  std::vector<double> a(sym, sym + n * n), w(n), out(n * n);
  linalg::sym_eig(static_cast<int>(n), a.data(), w.data());
  for (std::size_t c = 0; c < n; ++c) {
    const double *vec = a.data() + (n - 1 - c) * n;  // eigenvalues ascend: take from the end
    std::size_t arg = 0;
    for (std::size_t i = 1; i < n; ++i)
      if (std::abs(vec[i]) > std::abs(vec[arg])) arg = i;
    const double sign = vec[arg] < 0 ? -1.0 : 1.0;
    for (std::size_t i = 0; i < n; ++i) out[i * n + c] = sign * vec[i];
  }
  return out;
}

std::vector<double> covariance_start(std::size_t big, std::size_t small,
                                     const std::vector<double> &u_large,
                                     const std::vector<double> &u_small, unsigned long flips) {
  std::vector<double> p(big * small, 0.0);
  for (std::size_t c = 0; c < small; ++c) {
    const double s = (flips >> c) & 1UL ? -1.0 : 1.0;
    for (std::size_t i = 0; i < big; ++i) {
      const double l = s * u_large[i * big + c];
      for (std::size_t j = 0; j < small; ++j) p[i * small + j] += l * u_small[j * small + c];
    }
  }
  return p;
}

}  // namespace gmmot
