// SPDX-License-Identifier: MIT
// Square roots of nearly diagonal symmetric positive semi-definite matrices, four at once in the
// interleaved layout of jacobi_lanes.hpp. With G = D^2 + E (D = diag(g_ii)^1/2, E the
// off-diagonal part), the root is X = D + Y where D Y + Y D = E - Y^2: the iteration
// Y <- S(E - Y^2), S(R)_pq = R_pq / (d_p + d_q), Y_0 = 0, starts with the Newton step from D
// (Y_1 = S(E)) and gains one order of the off-diagonal size per term. Its denominators are sums
// of roots, never eigenvalue gaps: clustered or repeated eigenvalues cost nothing, unlike
// eigenvector-based roots. Each term is one symmetric product (n^3 / 2 multiply-adds per lane).
#pragma once

namespace gmmot::linalg {

// Scratch doubles near_diagonal_sqrt_lanes needs for order n.
inline unsigned long near_diagonal_sqrt_work(int n) {
  return 3ul * static_cast<unsigned long>(n) * static_cast<unsigned long>(n) * 4ul +
         static_cast<unsigned long>(n) * 4ul;
}

// For each lane of the bit mask `lanes`: x <- the root of g (n x n, exactly symmetric), to
// within accuracy * max_i g_ii^1/2 in every entry (estimated from the last term's change, which
// must also have at least halved). A lane is given up (returned in the mask; its x unspecified)
// when its off-diagonal part is too large for the iteration to pay (a cosine
// |g_pq| / (g_pp g_qq)^1/2 above 0.05 between columns whose g_pp are not negligible) or when
// max_terms terms do not reach the accuracy. *terms receives the number of terms computed.
// work: near_diagonal_sqrt_work(n) doubles.
unsigned near_diagonal_sqrt_lanes(int n, const double *g, double accuracy, unsigned lanes,
                                  int max_terms, double *x, double *work, int *terms);

// The same in the two-lane layout of jacobi_lanes2 (rows padded to even m; lanes: bits 0, 1),
// with the same bits per lane; work: near_diagonal_sqrt_work(n) doubles too.
unsigned near_diagonal_sqrt_lanes2(int n, const double *g, double accuracy, unsigned lanes,
                                   int max_terms, double *x, double *work, int *terms);

}  // namespace gmmot::linalg
