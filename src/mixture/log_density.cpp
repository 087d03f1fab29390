// Log-density of a mixture: log-sum-exp over components of log w_k + log N(x; m_k, S_k), each
// term from the cached factor, so nothing under- or overflows (d = 500, S = 0.01 I is fine).
// Degenerate components use the density on their support (pseudo-determinant, pseudo-inverse)
// and contribute nothing off it.
#include <algorithm>
#include <cmath>
#include <limits>

#include "linalg/dense.hpp"
#include "mixture/gmm.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"

namespace gmmot {
namespace {

constexpr double kLog2Pi = 1.8378770664093454836;
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// log N(x; m, S) for the nb points of a block; y holds x - m (nb x d row-major, i.e. d x nb
// column-major) and is destroyed. x holds the points themselves (for the support test).
void component_log_density(const CovFactor &f, const double *x, const double *m, std::size_t nb,
                           double *y, std::vector<double> &coords, double *out) {
  const int d = f.d;
  const double inv_scale = std::ldexp(1.0, -f.scale_exp);
  if (f.kind == FactorKind::Cholesky) {
    linalg::trsm_lower_multi(d, static_cast<int>(nb), f.f.data(), y);
    for (std::size_t p = 0; p < nb; ++p) {
      double q = 0.0;
      for (int i = 0; i < d; ++i) {
        const double z = y[p * d + i] * inv_scale;
        q += z * z;
      }
      out[p] = -0.5 * (d * kLog2Pi + f.log_pdet + q);
    }
    return;
  }
  // Diagonal or eigen factor: coordinates in the eigenbasis (the identity for a diagonal).
  const double *c = y;
  if (f.kind == FactorKind::Eigen) {
    coords.resize(static_cast<std::size_t>(d) * nb);
    linalg::gemm_mnk(true, false, d, static_cast<int>(nb), d, 1.0, f.eigvec.data(), d, y, d, 0.0,
                     coords.data(), d);
    c = coords.data();
  }
  double mnorm = 0.0;
  for (int i = 0; i < d; ++i) mnorm += m[i] * m[i];
  mnorm = std::sqrt(mnorm);
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
    const double tol = 1e-9 * (std::sqrt(xnorm) + mnorm + f.sqrt_max_eig);
    out[p] = std::sqrt(off) <= tol ? -0.5 * (f.rank * kLog2Pi + f.log_pdet + q) : kNegInf;
  }
}

}  // namespace

void Gmm::log_density(std::size_t n, const double *points, unsigned threads, double *out) const {
  const std::size_t d = d_, k = weights_.size();
  require_finite(points, n * d, "points", d);
  constexpr std::size_t kBlock = 128;
  parallel_blocks(n, kBlock, threads, [&](std::size_t begin, std::size_t end, unsigned) {
    const std::size_t nb = end - begin;
    const double *x = points + begin * d;
    std::vector<double> y(nb * d), lp(nb * k), coords, term(nb);
    for (std::size_t c = 0; c < k; ++c) {
      if (weights_[c] == 0.0) {
        for (std::size_t p = 0; p < nb; ++p) lp[p * k + c] = kNegInf;
        continue;
      }
      const double *m = means_.data() + c * d;
      for (std::size_t p = 0; p < nb; ++p)
        for (std::size_t i = 0; i < d; ++i) y[p * d + i] = x[p * d + i] - m[i];
      component_log_density(factors_[c], x, m, nb, y.data(), coords, term.data());
      const double lw = std::log(weights_[c]);
      for (std::size_t p = 0; p < nb; ++p) lp[p * k + c] = lw + term[p];
    }
    for (std::size_t p = 0; p < nb; ++p) {
      const double *row = lp.data() + p * k;
      const double mx = *std::max_element(row, row + k);
      if (mx == kNegInf) {
        out[begin + p] = kNegInf;
        continue;
      }
      double acc = 0.0;
      for (std::size_t c = 0; c < k; ++c) acc += std::exp(row[c] - mx);
      out[begin + p] = mx + std::log(acc);
    }
  });
}

}  // namespace gmmot
