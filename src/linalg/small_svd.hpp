// Singular values of small dense matrices (d up to a few hundred) without LAPACK's per-call
// overhead: Householder bidiagonalisation in straight loops (the algorithm of LAPACK's dgebd2,
// Golub & Van Loan, "Matrix Computations", 4th ed., Alg. 5.4.2), then the bidiagonal's singular
// values by LAPACK's dbdsqr, which uses the dqds algorithm (Fernando & Parlett 1994) and is
// accurate to high relative precision. Backward stable like dgesdd: each singular value is
// exact for a matrix within ~n*eps*||W|| of the input.
#pragma once

#include <vector>

namespace gmmot::linalg {

class SmallSvd {
 public:
  explicit SmallSvd(int n);
  // Sum of the singular values (nuclear norm) of the n x n column-major matrix w, which is
  // destroyed. Returns a negative value if dbdsqr failed to converge.
  double nuclear_norm(double *w);

 private:
  int n_;
  std::vector<double> d_, e_, v_, s_, work_;
};

}  // namespace gmmot::linalg
