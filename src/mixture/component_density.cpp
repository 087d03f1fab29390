// SPDX-License-Identifier: MIT
#include "mixture/component_density.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "linalg/dense.hpp"
#include "util/simd.hpp"
#include "util/vexp.hpp"

namespace gmmot {
namespace {

constexpr double kLog2Pi = 1.8378770664093454836;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

}  // namespace

// The vectorised d <= 3 kernel. Named namespace, not anonymous: target_clones needs an ifunc
// resolver, which is simplest with external linkage.
namespace density_kernels {

using vexp::load;
using vexp::splat;
using vexp::store;
using vexp::v4d;

struct SmallParams {
  const double *m, *l, *rinv, *p, *w, *o;
  double c0, mnorm, len;  // len: sqrt of the largest eigenvalue (support tolerance)
  int d;
  bool cholesky, has_off;
};

// -inf where the quadratic form overflowed or is NaN (q <= DBL_MAX fails for both).
GMMOT_INLINE v4d finish(const v4d &q, const v4d &c0) {
  return q <= splat(DBL_MAX) ? c0 - 0.5 * q : splat(kNegInf);
}

template <int D>
GMMOT_INLINE void small_cholesky(const SmallParams &s, std::size_t stride, const double *soa,
                                 double *out) {
  const v4d c0 = splat(s.c0);
  for (std::size_t p = 0; p < stride; p += 4) {
    v4d z[D];
    v4d q = splat(0.0);
#pragma GCC unroll 4
    for (int i = 0; i < D; ++i) {
      v4d t = load(soa + i * stride + p) - s.m[i];
#pragma GCC unroll 4
      for (int j = 0; j < i; ++j) t -= s.l[i * D + j] * z[j];
      z[i] = t * s.rinv[i];
      q += z[i] * z[i];
    }
    store(out + p, finish(q, c0));
  }
}

template <int D>
GMMOT_INLINE void small_projected(const SmallParams &s, std::size_t stride, const double *soa,
                                  double *out) {
  const v4d c0 = splat(s.c0);
  for (std::size_t p = 0; p < stride; p += 4) {
    v4d y[D];
    v4d xn = splat(0.0);
#pragma GCC unroll 4
    for (int i = 0; i < D; ++i) {
      const v4d x = load(soa + i * stride + p);
      y[i] = x - s.m[i];
      xn += x * x;
    }
    v4d q = splat(0.0), off = splat(0.0);
#pragma GCC unroll 4
    for (int i = 0; i < D; ++i) {
      v4d c = splat(0.0);
#pragma GCC unroll 4
      for (int j = 0; j < D; ++j) c += s.p[i * D + j] * y[j];
      const v4d z = c * s.w[i], e = c * s.o[i];
      q += z * z;
      off += e * e;
    }
    v4d r = finish(q, c0);
    if (s.has_off) {
      for (int j = 0; j < 4; ++j) {
        const double tol = 1e-9 * (std::sqrt(xn[j]) + s.mnorm + s.len);
        if (!(std::sqrt(off[j]) <= tol)) r[j] = kNegInf;
      }
    }
    store(out + p, r);
  }
}

GMMOT_CLONES void small_log_density(const SmallParams &s, std::size_t stride, const double *soa,
                                    double *out) {
  switch (s.d * 2 + (s.cholesky ? 1 : 0)) {
    case 3:
      small_cholesky<1>(s, stride, soa, out);
      break;
    case 5:
      small_cholesky<2>(s, stride, soa, out);
      break;
    case 7:
      small_cholesky<3>(s, stride, soa, out);
      break;
    case 2:
      small_projected<1>(s, stride, soa, out);
      break;
    case 4:
      small_projected<2>(s, stride, soa, out);
      break;
    default:
      small_projected<3>(s, stride, soa, out);
      break;
  }
}

}  // namespace density_kernels

void PointBlock::assign(std::size_t dim, std::size_t count, const double *points) {
  d = dim;
  nb = count;
  x = points;
  if (d > kSmallDim) return;
  stride = (nb + 3) / 4 * 4;
  soa.resize(d * stride);
  for (std::size_t i = 0; i < d; ++i) {
    double *row = soa.data() + i * stride;
    for (std::size_t p = 0; p < nb; ++p) row[p] = x[p * d + i];
    for (std::size_t p = nb; p < stride; ++p) row[p] = row[nb - 1];
  }
}

ComponentDensity::ComponentDensity(const double *mean, const CovFactor &f, const Family &family)
    : m_(mean), f_(&f) {
  const int d = f.d;
  for (int i = 0; i < d; ++i) mnorm_ += mean[i] * mean[i];
  mnorm_ = std::sqrt(mnorm_);
  const int r = f.kind == FactorKind::Cholesky ? d : f.rank;
  c0_ = -0.5 * (r * kLog2Pi + f.log_pdet);
  if (family.is_student_t()) {
    // log pdet S = log pdet C - r log(nu / (nu - 2)); the Gaussian kernel then gives the
    // quadratic form of C, and delta (of S) = q_C nu / (nu - 2).
    t_ = true;
    nu_ = family.nu();
    cps_ = family.cov_per_scale();
    half_nu_r_ = 0.5 * (nu_ + r);
    const double log_pdet_s = f.log_pdet - r * std::log1p(2.0 / (nu_ - 2.0));
    tc0_ = log_t_normaliser(nu_, r) - 0.5 * log_pdet_s;
  }
  if (static_cast<std::size_t>(d) > kSmallDim) return;
  const double scale = f.scale, inv_scale = std::ldexp(1.0, -f.scale_exp);
  if (f.kind == FactorKind::Cholesky) {
    for (int i = 0; i < d; ++i) {
      for (int j = 0; j < i; ++j) l_[i * d + j] = f.f[i + j * d] * scale;
      rinv_[i] = (1.0 / f.f[i * (d + 1)]) * inv_scale;
    }
    return;
  }
  for (int i = 0; i < d; ++i) {
    for (int j = 0; j < d; ++j) {
      // Row i of P is eigenvector i (column i of eigvec), or e_i for a diagonal.
      p_[i * d + j] = f.kind == FactorKind::Eigen ? f.eigvec[j + i * d] : (i == j ? 1.0 : 0.0);
    }
    if (f.eigval[i] > f.rank_threshold) {
      w_[i] = inv_scale / std::sqrt(f.eigval[i]);
    } else {
      o_[i] = 1.0;
    }
  }
}

void ComponentDensity::log_density(PointBlock &b, double *out, double shift) const {
  if (!t_) {
    gaussian_log_density(b, out, shift);
    return;
  }
  // -q_C / 2 from the Gaussian kernel (its constant cancelled exactly), then the t profile.
  gaussian_log_density(b, out, -c0_);
  const std::size_t n = b.d <= kSmallDim ? b.stride : b.nb;
  const double c = tc0_ + shift, s = -2.0 * cps_ / nu_;
  // Scratch for the far points without allocating (nothing may fail once out is written): the
  // large-d kernel left b.y with at least d entries.
  double local[kSmallDim];
  double *scratch = b.d <= kSmallDim ? local : b.y.data();
  for (std::size_t p = 0; p < n; ++p) {
    out[p] = c - half_nu_r_ * std::log1p(s * out[p]);
    // -inf: off the support, or delta beyond the largest double although its logarithm, all
    // the t density needs, is finite (|x - m| above ~1e154 scale lengths): recomputed scaled.
    if (out[p] == kNegInf && p < b.nb && may_overflow(b.x + p * b.d))
      out[p] = c - half_nu_r_ * far_log1p_delta(b.x + p * b.d, scratch);
  }
}

bool ComponentDensity::may_overflow(const double *x) const {
  const CovFactor &f = *f_;
  if (f.kind == FactorKind::Cholesky || f.full_rank()) return true;
  // Degenerate: -inf is usually a point off the support. delta / nu <= |x - m|^2 / (lambda_min
  // (nu - 2)) with lambda_min >= the rank threshold (4^scale_exp in the scaled units), so
  // delta / nu stays far below the largest double, and the point is off the support, when
  // |x - m|^2 is below that bound (1e-4 of it: rounding of the kernel's own sums).
  double ysq = 0.0;
  for (int i = 0; i < f.d; ++i) {
    const double yi = std::fabs(x[i]) + std::fabs(m_[i]);
    ysq += yi * yi;
  }
  const double bound = 1e-4 * DBL_MAX * (nu_ - 2.0) * std::ldexp(f.rank_threshold, 2 * f.scale_exp);
  return !(ysq < bound);
}

double ComponentDensity::far_log1p_delta(const double *x, double *y) const {
  const CovFactor &f = *f_;
  const int d = f.d;
  double xn = 0.0;
  int e = 0;
  if (!scaled_offset(x, y, &xn, &e)) return 0.0;
  double q = 0.0;  // the quadratic form of the scaled covariance F F^T on y
  if (f.kind == FactorKind::Cholesky) {
    for (int i = 0; i < d; ++i) {
      double t = y[i];
      for (int j = 0; j < i; ++j) t -= f.f[i + j * d] * y[j];
      y[i] = t / f.f[i + i * d];
      q += y[i] * y[i];
    }
  } else {
    double off = 0.0;
    for (int i = 0; i < d; ++i) {
      double ci = y[i];
      if (f.kind == FactorKind::Eigen) {
        ci = 0.0;
        for (int j = 0; j < d; ++j) ci += f.eigvec[j + i * d] * y[j];
      }
      if (f.eigval[i] > f.rank_threshold) {
        q += ci * ci / f.eigval[i];
      } else {
        off += ci * ci;
      }
    }
    // The support rule of the Gaussian kernel, in the scaled units.
    if (!(std::sqrt(off) <= scaled_support_tolerance(xn, e))) return HUGE_VAL;
  }
  if (!(q > 0.0) || !std::isfinite(q)) return HUGE_VAL;
  // delta = q_C cps = q 4^(e - scale_exp) cps; log1p(delta / nu) = log(delta / nu) +
  // log1p(nu / delta), the last term below 1e-290 here.
  const double log_delta_nu =
      std::log(q) + 2.0 * (e - f.scale_exp) * 0.69314718055994530942 + std::log(cps_ / nu_);
  return log_delta_nu + std::log1p(std::exp(-log_delta_nu));
}

void ComponentDensity::gaussian_log_density(PointBlock &b, double *out, double shift) const {
  gaussian_kernels(b, out, shift);
  const CovFactor &f = *f_;
  if (f.kind == FactorKind::Cholesky || f.full_rank()) return;
  // A degenerate component: the kernels' support tolerance 1e-9 (|x| + |m| + ...) is computed
  // from |x|^2, which overflows to +inf beyond ~1e154, and then admits every point. Such far
  // points are checked again in scaled units (rare: a few comparisons per point otherwise).
  double local[kSmallDim];
  double *scratch = b.d <= kSmallDim ? local : b.y.data();
  const int d = f.d;
  for (std::size_t p = 0; p < b.nb; ++p) {
    if (out[p] == kNegInf) continue;
    const double *x = b.x + p * b.d;
    double big = 0.0;
    for (int i = 0; i < d; ++i) big = std::max({big, std::fabs(x[i]), std::fabs(m_[i])});
    if (big >= 0x1p+480 && off_support_scaled(x, scratch)) out[p] = kNegInf;
  }
}

bool ComponentDensity::scaled_offset(const double *x, double *y, double *xn, int *e) const {
  const int d = f_->d;
  double big = 0.0;
  for (int i = 0; i < d; ++i) big = std::max({big, std::fabs(x[i]), std::fabs(m_[i])});
  if (big == 0.0) return false;
  *e = std::ilogb(big) + 1;
  *xn = 0.0;
  for (int i = 0; i < d; ++i) {
    const double xs = std::ldexp(x[i], -*e);
    y[i] = xs - std::ldexp(m_[i], -*e);
    *xn += xs * xs;
  }
  return true;
}

double ComponentDensity::scaled_support_tolerance(double xn, int e) const {
  return 1e-9 * (std::sqrt(xn) + std::ldexp(mnorm_, -e) + std::ldexp(f_->sqrt_max_eig, -e));
}

bool ComponentDensity::off_support_scaled(const double *x, double *y) const {
  const CovFactor &f = *f_;
  const int d = f.d;
  double xn = 0.0;
  int e = 0;
  if (!scaled_offset(x, y, &xn, &e)) return false;
  double off = 0.0;
  for (int i = 0; i < d; ++i) {
    if (f.eigval[i] > f.rank_threshold) continue;
    double ci = y[i];
    if (f.kind == FactorKind::Eigen) {
      ci = 0.0;
      for (int j = 0; j < d; ++j) ci += f.eigvec[j + i * d] * y[j];
    }
    off += ci * ci;
  }
  return !(std::sqrt(off) <= scaled_support_tolerance(xn, e));
}

void ComponentDensity::gaussian_kernels(PointBlock &b, double *out, double shift) const {
  const CovFactor &f = *f_;
  const int d = f.d;
  const double c0 = c0_ + shift;
  if (b.d <= kSmallDim) {
    const density_kernels::SmallParams s{m_,
                                         l_,
                                         rinv_,
                                         p_,
                                         w_,
                                         o_,
                                         c0,
                                         mnorm_,
                                         f.sqrt_max_eig,
                                         d,
                                         f.kind == FactorKind::Cholesky,
                                         !f.full_rank()};
    density_kernels::small_log_density(s, b.stride, b.soa.data(), out);
    return;
  }
  const std::size_t nb = b.nb;
  const double *x = b.x;
  b.y.resize(static_cast<std::size_t>(d) * nb);
  double *y = b.y.data();
  for (std::size_t p = 0; p < nb; ++p)
    for (int i = 0; i < d; ++i) y[p * d + i] = x[p * d + i] - m_[i];
  const double inv_scale = std::ldexp(1.0, -f.scale_exp);
  if (f.kind == FactorKind::Cholesky) {
    linalg::trsm_lower_multi(d, static_cast<int>(nb), f.f.data(), y);
    for (std::size_t p = 0; p < nb; ++p) {
      double q = 0.0;
      for (int i = 0; i < d; ++i) {
        const double z = y[p * d + i] * inv_scale;
        q += z * z;
      }
      out[p] = q <= DBL_MAX ? c0 - 0.5 * q : kNegInf;
    }
    return;
  }
  // Diagonal or eigen factor: coordinates in the eigenbasis (the identity for a diagonal).
  const double *c = y;
  if (f.kind == FactorKind::Eigen) {
    b.coords.resize(static_cast<std::size_t>(d) * nb);
    linalg::gemm_mnk(true, false, d, static_cast<int>(nb), d, 1.0, f.eigvec.data(), d, y, d, 0.0,
                     b.coords.data(), d);
    c = b.coords.data();
  }
  for (std::size_t p = 0; p < nb; ++p) {
    double q = 0.0, off = 0.0, xnorm = 0.0;
    for (int i = 0; i < d; ++i) {
      const double ci = c[p * d + i];
      if (f.eigval[i] > f.rank_threshold) {
        const double z = ci * inv_scale / std::sqrt(f.eigval[i]);
        q += z * z;
      } else {
        off += ci * ci;
      }
      xnorm += x[p * d + i] * x[p * d + i];
    }
    const double tol = 1e-9 * (std::sqrt(xnorm) + mnorm_ + f.sqrt_max_eig);
    out[p] = std::sqrt(off) <= tol && q <= DBL_MAX ? c0 - 0.5 * q : kNegInf;
  }
}

double ComponentDensity::support_distance_sq(const double *x) const {
  const CovFactor &f = *f_;
  if (f.kind == FactorKind::Cholesky || f.full_rank()) return 0.0;
  const std::size_t d = static_cast<std::size_t>(f.d);
  double off = 0.0;
  for (std::size_t i = 0; i < d; ++i) {
    if (f.eigval[i] > f.rank_threshold) continue;
    double c = x[i] - m_[i];
    if (f.kind == FactorKind::Eigen) {
      c = 0.0;
      for (std::size_t j = 0; j < d; ++j) c += f.eigvec[j + i * d] * (x[j] - m_[j]);
    }
    off += c * c;
  }
  return off;
}

}  // namespace gmmot
