// SPDX-License-Identifier: MIT
// Singular values of small dense matrices (d up to a few hundred) without LAPACK's per-call
// overhead: Householder bidiagonalisation in straight loops (the algorithm of LAPACK's dgebd2,
// Golub & Van Loan, "Matrix Computations", 4th ed., Alg. 5.4.2; four matrices interleaved in
// vector lanes up to d = 64, bidiag_lanes.hpp), then the bidiagonal's singular
// values by our lockstep dqds (dqds_lanes.hpp; Fernando & Parlett 1994), with LAPACK's dbdsqr
// as the fallback for the cases it declines; both are accurate to high relative precision. Backward
// stable like dgesdd: each singular value is exact for a matrix within ~n*eps*||W|| of the input.
#pragma once

#include <vector>

namespace gmmot::linalg {

class SmallSvd {
 public:
  explicit SmallSvd(int n);
  // Sum of the singular values (nuclear norm) of the n x n column-major matrix w, which is
  // destroyed. Returns a negative value if dbdsqr failed to converge.
  double nuclear_norm(double *w);
  // The same for count <= kDqdsLanes matrices at once (their singular values are found together,
  // see dqds_lanes.hpp); out[l] < 0 where LAPACK failed. Each result is the one nuclear_norm
  // gives for that matrix alone.
  void nuclear_norms(int count, double *const *w, double *out);
  // Nuclear norms of the count <= kDqdsLanes products Fb_l^T Fa_l of n x n column-major factors
  // fa[l], fb[l] (lower: all of them lower triangular), for n <= kBidiagLanesMaxN: the products
  // are formed in the lanes of the bidiagonalisation (factor_product_lanes.hpp). The same
  // results as nuclear_norms of the products but for the rounding of the products' entries.
  void product_nuclear_norms(int count, const double *const *fa, const double *const *fb,
                             bool lower, double *out);

 private:
  // The dqds and its LAPACK fallback for the `lanes` bidiagonals in d_, e_ (packed), scaled by
  // 2^-ex[solve[k]]; writes out[solve[k]].
  void finish(int lanes, const int *solve, const int *ex, double *out);

  int n_;
  std::vector<double> d_, e_, v_, s_, work_;
  std::vector<double> lanes_;     // interleaved matrices, bidiagonal and work (n <= 64)
  std::vector<double> factors_;   // two interleaved factors (product_nuclear_norms)
  std::vector<double> identity_;  // the n x n identity, for unused lanes
};

}  // namespace gmmot::linalg
