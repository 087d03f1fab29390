// SPDX-License-Identifier: MIT
// The log-density of one mixture component at a block of points: the kernel behind
// Gmm::log_density and the posteriors of the transport maps (numerics.md D.3, D.4), evaluated
// from the cached factor S = 4^e F F^T so that nothing under- or overflows (d = 500 with
// S = 0.01 I is fine). A degenerate component (rank r < d, r = 0 for a Dirac) has the density
// of its support m + range(S): -(r log 2pi + log pdet S + (x-m)^T S^+ (x-m)) / 2 there, and -inf
// off it (distance to the support above 1e-9 (||x|| + ||m|| + sqrt(largest eigenvalue))).
// The result is never NaN: a quadratic form that overflows gives -inf.
//
// Two paths: d <= kSmallDim runs over the points in vectors of 4 (structure of arrays, forward
// substitution with reciprocal pivots, vectorised in each GMMOT_CLONES clone); larger d uses a
// BLAS triangular solve (Cholesky) or an eigenbasis product on the row-major block. For
// d <= kSmallDim a point's value depends only on that point; above, it may depend on the size of
// its block (BLAS kernels), so callers use blocks fixed independently of the thread count.
#pragma once

#include <cstddef>
#include <vector>

#include "linalg/covariance_factor.hpp"
#include "mixture/family.hpp"

namespace gmmot {

// Dimensions with the vectorised structure-of-arrays path.
constexpr std::size_t kSmallDim = 3;

// A block of nb points in the layouts the kernels read, plus their scratch. For d <= kSmallDim,
// soa holds coordinate i of point p at soa[i * stride + p], with stride = nb rounded up to a
// multiple of 4 and the padding lanes copied from the last point (so they stay finite).
struct PointBlock {
  std::size_t d = 0, nb = 0, stride = 0;
  const double *x = nullptr;  // the caller's row-major points (nb x d), borrowed
  std::vector<double> soa;
  std::vector<double> y, coords;  // scratch of the large-d path

  // Points x[0 .. nb) (row-major, rows of length d), nb >= 1.
  void assign(std::size_t dim, std::size_t count, const double *points);
};

class ComponentDensity {
 public:
  // Borrows mean (d doubles) and f, the factor of the COVARIANCE C, which must outlive this
  // object. For a Student-t family the density is that of t_nu(m, S) with the scale
  // S = C (nu - 2) / nu.
  ComponentDensity(const double *mean, const CovFactor &f, const Family &family = Family());

  // out[p] = shift + log N(x_p; m, S) for the points of b (the shift is added to the constant
  // term, before the quadratic form); for Student-t, shift + log t_nu(x_p; m, S) =
  //   shift + lgamma((nu + r)/2) - lgamma(nu/2) - (r/2) log(nu pi) - (1/2) log pdet S
  //         - ((nu + r)/2) log1p(delta / nu),   delta = (x - m)^T S^+ (x - m),
  // r the rank, the same density on the support as the Gaussian case. out holds b.stride
  // entries when d <= kSmallDim (the padding lanes are written too), b.nb otherwise.
  void log_density(PointBlock &b, double *out, double shift = 0.0) const;

  // Squared Euclidean distance from x (d doubles) to the support m + range(S); 0 when S is
  // nonsingular. For the rare points that are off the support of every component.
  double support_distance_sq(const double *x) const;

  bool full_rank() const { return f_->full_rank(); }

 private:
  const double *m_;
  const CovFactor *f_;
  double mnorm_ = 0;  // ||m||
  double c0_ = 0;     // -(r log 2pi + log pdet) / 2
  // Student-t: t_ is set, tc0_ its constant term, delta = -2 q_half * cov_per_scale.
  bool t_ = false;
  double nu_ = 0, half_nu_r_ = 0, tc0_ = 0, cps_ = 1;
  void gaussian_log_density(PointBlock &b, double *out, double shift) const;
  void gaussian_kernels(PointBlock &b, double *out, double shift) const;
  // The support rule on x - m scaled by a power of two (for points whose squared norm
  // overflows, where the kernels' tolerance becomes infinite); y: d doubles of scratch.
  bool off_support_scaled(const double *x, double *y) const;
  // y = (x - m) 2^-e with 2^e above every |x_i| and |m_i| (no overflow; powers of two keep the
  // quadratic forms exact up to their own rounding), e in *e and |x 2^-e|^2 in *xn; false (and
  // nothing written) when x = m = 0.
  bool scaled_offset(const double *x, double *y, double *xn, int *e) const;
  // The kernels' support tolerance in the units of scaled_offset.
  double scaled_support_tolerance(double xn, int e) const;
  // log1p(delta / nu) at x (d doubles) where delta may exceed the largest double; +inf off
  // the support. y: d doubles of scratch.
  double far_log1p_delta(const double *x, double *y) const;
  // False when a -inf at x can only mean "off the support" (no overflow possible).
  bool may_overflow(const double *x) const;
  // d <= kSmallDim: Cholesky uses l_ (the unscaled factor chol(S), row-major, strictly lower)
  // and rinv_ (1 / chol(S)_ii); the others project c = P (x - m) with the rows of p_ (the
  // eigenvectors; the identity for a diagonal), in-range coordinates weighted by w_ (1 / sqrt of
  // the unscaled eigenvalue, 0 off range) and off-range ones flagged by o_ (1, else 0).
  double l_[kSmallDim * kSmallDim] = {};
  double rinv_[kSmallDim] = {};
  double p_[kSmallDim * kSmallDim] = {};
  double w_[kSmallDim] = {};
  double o_[kSmallDim] = {};
};

}  // namespace gmmot
