// SPDX-License-Identifier: MIT
#include "linalg/covariance_factor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "linalg/dense.hpp"
#include "util/error.hpp"

namespace gmmot {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

std::size_t at(int i, int j, int d) {
  return static_cast<std::size_t>(i) * static_cast<std::size_t>(d) + static_cast<std::size_t>(j);
}

// Tile edge of the transposed loops (validation, transposes): two 32 x 32 tiles of doubles
// (16 KB) stay in L1.
constexpr int kTile = 32;

// Relative tolerance below which an eigenvalue is rounding noise (numerics.md F.4: PSD test).
double noise_tolerance(int d) { return 64.0 * d * kEps; }

}  // namespace

void require_finite(const double *x, std::size_t n, const std::string &what, std::size_t row) {
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i])) {
      const std::string entry =
          row == 0 ? "[" + std::to_string(i) + "]"
                   : "[" + std::to_string(i / row) + "][" + std::to_string(i % row) + "]";
      fail(Errc::NonFinite, what + entry + " is " + fmt(x[i]) + " (every entry must be finite)");
    }
  }
}

void validate_covariance(int d, const double *cov, const std::string &what, double *sym,
                         std::string *warning) {
  // One pass over the pairs (i, j), (j, i) together, in kTile x kTile tiles so that the
  // transposed accesses stay in cache at large d (a row-by-row scan misses on every (j, i) once a
  // column no longer fits): the largest |entry|, whether all are finite, the largest asymmetry,
  // and the symmetrised copy. Only when an error or a warning must name entries are they looked
  // for again, in row-major order (three passes with a branch per entry were 13% of
  // gmmot_gmm_create at d = 27).
  double maxabs = 0.0, worst = 0.0;
  bool finite = true;
  for (int i0 = 0; i0 < d; i0 += kTile) {
    for (int j0 = i0; j0 < d; j0 += kTile) {
      const int i1 = std::min(d, i0 + kTile), j1 = std::min(d, j0 + kTile);
      for (int i = i0; i < i1; ++i) {
        if (j0 == i0) {
          const double v = cov[at(i, i, d)];
          finite &= std::isfinite(v);
          maxabs = std::max(maxabs, std::fabs(v));
          sym[at(i, i, d)] = v;
        }
        for (int j = std::max(j0, i + 1); j < j1; ++j) {
          const double a = cov[at(i, j, d)], b = cov[at(j, i, d)];
          finite &= std::isfinite(a);
          finite &= std::isfinite(b);
          maxabs = std::max(maxabs, std::max(std::fabs(a), std::fabs(b)));
          worst = std::max(worst, std::fabs(a - b));
          // The mean of the two entries without overflow: (a + b) / 2 is +-inf for a = b =
          // DBL_MAX (fuzz finding F1: an indefinite matrix then passed validation with inf
          // entries).
          const double v = a == b ? a : std::isfinite(a + b) ? 0.5 * (a + b) : 0.5 * a + 0.5 * b;
          sym[at(i, j, d)] = v;
          sym[at(j, i, d)] = v;
        }
      }
    }
  }
  if (!finite) {  // the first non-finite entry in row-major order
    for (int i = 0; i < d; ++i) {
      for (int j = 0; j < d; ++j) {
        const double v = cov[at(i, j, d)];
        if (!std::isfinite(v)) {
          fail(Errc::NonFinite, what + " entry (" + std::to_string(i) + "," + std::to_string(j) +
                                    ") is " + fmt(v) + " (every entry must be finite)");
        }
      }
    }
  }
  const double rel = maxabs > 0.0 ? worst / maxabs : 0.0;
  int wi = 0, wj = 0;  // the first pair (i < j) in row-major order with the largest asymmetry
  if (rel > 100.0 * kEps) {
    bool found = false;
    for (int i = 0; i < d && !found; ++i)
      for (int j = i + 1; j < d && !found; ++j)
        if (std::fabs(cov[at(i, j, d)] - cov[at(j, i, d)]) == worst) {
          wi = i;
          wj = j;
          found = true;
        }
  }
  if (rel > 1e-8) {
    fail(Errc::NotSymmetric, what + " is not symmetric: entries (" + std::to_string(wi) + "," +
                                 std::to_string(wj) + ")=" + fmt(cov[at(wi, wj, d)]) + " and (" +
                                 std::to_string(wj) + "," + std::to_string(wi) +
                                 ")=" + fmt(cov[at(wj, wi, d)]) + " differ by " + fmt(rel) +
                                 " relative to the largest entry (tolerance 1e-8)");
  }
  if (rel > 100.0 * kEps && warning != nullptr && warning->empty()) {
    *warning = what + " was asymmetric beyond rounding (relative asymmetry " + fmt(rel) +
               " between entries (" + std::to_string(wi) + "," + std::to_string(wj) + ") and (" +
               std::to_string(wj) + "," + std::to_string(wi) + "), above 100*eps and at most " +
               "1e-8) and was symmetrised";
  }
}

namespace {

// With out.f a lower Cholesky factor of out.scaled: if it is well conditioned (reciprocal
// condition estimate >= d eps, numerics.md A.7.1), completes out as a FactorKind::Cholesky
// factor and returns true; otherwise returns false, out.kind and the derived fields untouched.
bool accept_cholesky(CovFactor &out) {
  const int d = out.d;
  const double anorm = linalg::sym_norm1(d, out.scaled.data());
  if (!(linalg::cholesky_rcond(d, out.f.data(), anorm) >= d * kEps)) return false;
  out.kind = FactorKind::Cholesky;
  out.rank = d;
  out.log_pdet = 0.0;
  out.abs_det_f = 1.0;
  double maxdiag = 0.0;
  const double ln4 = 2.0 * std::log(2.0);
  for (int i = 0; i < d; ++i) {
    const double lii = out.f[static_cast<std::size_t>(i) * (d + 1)];
    out.log_pdet += 2.0 * std::log(lii) + ln4 * out.scale_exp;
    out.abs_det_f *= lii;
    maxdiag = std::max(maxdiag, out.scaled[at(i, i, d)]);
  }
  // Only a length scale (used for support tests), so the largest diagonal entry will do.
  out.sqrt_max_eig = std::ldexp(std::sqrt(maxdiag), out.scale_exp);
  return true;
}

// out.f_t from out.f (both column-major: f_t(j, i) = f(i, j)).
void set_transpose(CovFactor &out) {
  const int d = out.d;
  out.f_t.resize(out.f.size());
  for (int j0 = 0; j0 < d; j0 += kTile)
    for (int i0 = 0; i0 < d; i0 += kTile)
      for (int j = j0; j < std::min(d, j0 + kTile); ++j)
        for (int i = i0; i < std::min(d, i0 + kTile); ++i)
          out.f_t[j + static_cast<std::size_t>(i) * d] = out.f[i + static_cast<std::size_t>(j) * d];
}

// The fields every kind shares: d, scaled = 4^-scale_exp sym with scale_exp from the largest
// entry (maxabs * 4^-scale_exp in [1/4, 2); 0 for the zero matrix), scale, trace, and f zeroed.
// Returns the largest |entry|; *diagonal says whether every off-diagonal entry is exactly zero.
double set_scale(int d, const double *sym, CovFactor &out, bool *diagonal) {
  out.d = d;
  const std::size_t nn = static_cast<std::size_t>(d) * static_cast<std::size_t>(d);
  out.f.assign(nn, 0.0);
  out.scaled.assign(sym, sym + nn);
  // The largest |entry| and whether an off-diagonal entry is nonzero, without a branch per entry.
  double maxabs = 0.0;
  bool off_diagonal = false;
  for (int i = 0; i < d; ++i) {
    out.trace += sym[at(i, i, d)];
    for (int j = 0; j < d; ++j) {
      const double v = sym[at(i, j, d)];
      maxabs = std::max(maxabs, std::fabs(v));
      off_diagonal |= (i != j) & (v != 0.0);
    }
  }
  *diagonal = !off_diagonal;
  if (maxabs == 0.0) return maxabs;
  int ex = 0;
  std::frexp(maxabs, &ex);
  out.scale_exp = ex / 2;  // maxabs * 4^-scale_exp lies in [1/4, 2)
  out.scale = std::ldexp(1.0, out.scale_exp);
  // A product with the exact power of two rounds like ldexp (also into subnormals), and is
  // much cheaper; ldexp only where 4^-scale_exp itself is not a normal double.
  if (std::abs(2 * out.scale_exp) <= 1022) {
    const double f = std::ldexp(1.0, -2 * out.scale_exp);
    for (auto &v : out.scaled) v *= f;
  } else {
    for (auto &v : out.scaled) v = std::ldexp(v, -2 * out.scale_exp);
  }
  return maxabs;
}

CovFactor factor_without_transpose(int d, const double *sym, const std::string &what) {
  CovFactor out;
  bool diagonal = true;
  if (set_scale(d, sym, out, &diagonal) == 0.0) {  // a Dirac component
    out.kind = FactorKind::Diagonal;
    out.eigval.assign(static_cast<std::size_t>(d), 0.0);
    out.sd.assign(static_cast<std::size_t>(d), 0.0);
    out.rank = 0;
    return out;
  }
  const double ln4 = 2.0 * std::log(2.0);
  const double tol = noise_tolerance(d);

  // `computed`: the eigenvalues come from an eigensolver, so values within the noise band
  // (|lambda| <= 64 d eps lambda_max) are rounding errors of a zero eigenvalue and are set to 0.
  // Keeping them would put sqrt(noise) ~ 1e-8 into the factor and into every cross term
  // (numerics.md A.1.5). Diagonal entries are exact inputs and are kept as given.
  auto finish_eigen = [&](std::vector<double> &lambda, bool computed) {
    const double lmax = *std::max_element(lambda.begin(), lambda.end());
    const double lmin = *std::min_element(lambda.begin(), lambda.end());
    if (lmin < 0.0 && (lmax <= 0.0 || lmin < -tol * lmax)) {
      fail(Errc::NotPsd, what + " is not positive semi-definite: smallest eigenvalue " +
                             fmt(std::ldexp(lmin, 2 * out.scale_exp)) + ", largest " +
                             fmt(std::ldexp(lmax, 2 * out.scale_exp)) +
                             " (eigenvalues below -64*d*eps times the largest are rejected)");
    }
    out.rank_threshold = tol * lmax;
    out.rank = 0;
    out.log_pdet = 0.0;
    for (auto &l : lambda) {
      l = std::max(l, 0.0);
      if (computed && l <= out.rank_threshold) l = 0.0;
      if (l > out.rank_threshold) {
        ++out.rank;
        out.log_pdet += std::log(l) + ln4 * out.scale_exp;
      }
    }
    out.sqrt_max_eig = std::ldexp(std::sqrt(lmax), out.scale_exp);
    out.abs_det_f = 1.0;
    for (const double l : lambda) out.abs_det_f *= std::sqrt(l);
  };

  if (diagonal) {
    out.kind = FactorKind::Diagonal;
    out.eigval.resize(static_cast<std::size_t>(d));
    for (int i = 0; i < d; ++i) out.eigval[i] = out.scaled[at(i, i, d)];
    finish_eigen(out.eigval, false);
    out.sd.resize(static_cast<std::size_t>(d));
    for (int i = 0; i < d; ++i) {
      out.f[at(i, i, d)] = std::sqrt(out.eigval[i]);
      out.sd[i] = std::sqrt(std::max(sym[at(i, i, d)], 0.0));
    }
    return out;
  }

  // Cholesky when it exists and is well conditioned (numerics.md A.7.1).
  std::copy(out.scaled.begin(), out.scaled.end(), out.f.begin());
  if (linalg::cholesky_lower(d, out.f.data()) && accept_cholesky(out)) return out;
  // Singular or nearly so: clamped eigen-factor, rank-revealing.
  out.kind = FactorKind::Eigen;
  out.eigvec = out.scaled;
  out.eigval.assign(static_cast<std::size_t>(d), 0.0);
  linalg::sym_eig(d, out.eigvec.data(), out.eigval.data());
  finish_eigen(out.eigval, true);
  for (int j = 0; j < d; ++j) {
    const double r = std::sqrt(out.eigval[j]);
    for (int i = 0; i < d; ++i)
      out.f[i + static_cast<std::size_t>(j) * d] =
          out.eigvec[i + static_cast<std::size_t>(j) * d] * r;
  }
  return out;
}

}  // namespace

CovFactor factor_covariance(int d, const double *sym, const std::string &what) {
  CovFactor out = factor_without_transpose(d, sym, what);
  set_transpose(out);
  return out;
}

CovFactor factor_from_cholesky(int d, const double *sym, const double *l, int l_exp,
                               const std::string &what) {
  CovFactor out;
  bool diagonal = true;
  const double maxabs = set_scale(d, sym, out, &diagonal);
  // Exactly diagonal (factor_covariance's Diagonal kind costs no factorisation) or zero: as
  // factor_covariance. Tiny diagonal entries (below 2^-970): the entries of sym may be subnormal
  // and no longer match L L^T to rounding, so sym is factored as it is.
  double mindiag = maxabs;
  for (int i = 0; i < d; ++i) mindiag = std::min(mindiag, sym[at(i, i, d)]);
  if (diagonal || !(mindiag >= std::ldexp(1.0, -970))) return factor_covariance(d, sym, what);
  // f = 2^(l_exp - scale_exp) L (|f| < sqrt(2): scaled's largest entry is below 2), lower
  // triangle only; exact but for entries below 2^-1022, negligible against the diagonal.
  const int shift = l_exp - out.scale_exp;
  for (int j = 0; j < d; ++j)
    for (int i = j; i < d; ++i) {
      const std::size_t ij = static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * d;
      out.f[ij] = std::ldexp(l[ij], shift);
    }
  for (int i = 0; i < d; ++i) {
    if (!(out.f[static_cast<std::size_t>(i) * (d + 1)] > 0.0))
      fail(Errc::Internal, what + ": the handed-over Cholesky factor has a non-positive pivot");
  }
  // Ill conditioned: factor_covariance would go on to the eigen-factor; so do we.
  if (!accept_cholesky(out)) return factor_covariance(d, sym, what);
  set_transpose(out);
  return out;
}

CovFactor make_factor(int d, const double *cov, const std::string &what, std::string *warning) {
  std::vector<double> sym(static_cast<std::size_t>(d) * static_cast<std::size_t>(d));
  validate_covariance(d, cov, what, sym.data(), warning);
  return factor_covariance(d, sym.data(), what);
}

}  // namespace gmmot
