// SPDX-License-Identifier: MIT
// The barycenter's square-root kernels (four matrices at once: one-sided Jacobi, the
// near-diagonal root) and the Gaussian barycenter they serve, against long-double references
// computed by another route (two-sided Jacobi eigen-decompositions, the plain fixed point
// S <- S^-1/2 (sum_j l_j (S^1/2 S_j S^1/2)^1/2)^2 S^-1/2 iterated to 1e-16).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "gaussian/barycenter_roots.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "linalg/jacobi_lanes.hpp"
#include "linalg/lane_products.hpp"
#include "linalg/near_diagonal_sqrt.hpp"
#include "long_double_reference.hpp"
#include "support.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

constexpr int kL = linalg::kJacobiLanes;
using LMat = std::vector<Real>;  // row-major d x d, long double

LMat to_ld(const Mat &a) { return LMat(a.begin(), a.end()); }
Mat to_d(const LMat &a) { return Mat(a.begin(), a.end()); }

LMat mul_ld(int d, const LMat &a, const LMat &b) {
  LMat c(static_cast<std::size_t>(d) * d, 0.0L);
  for (int i = 0; i < d; ++i)
    for (int k = 0; k < d; ++k)
      for (int j = 0; j < d; ++j) c[i * d + j] += a[i * d + k] * b[k * d + j];
  return c;
}

// Eigen-decomposition of the symmetric a by cyclic two-sided Jacobi in long double: eigenvalues
// into w, eigenvectors into the columns of v.
void eig_ld(int d, LMat a, std::vector<Real> &w, LMat &v) {
  v.assign(static_cast<std::size_t>(d) * d, 0.0L);
  for (int i = 0; i < d; ++i) v[i * d + i] = 1.0L;
  for (int sweep = 0; sweep < 60; ++sweep) {
    Real off = 0.0L, total = 0.0L;
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j) (i == j ? total : off) += a[i * d + j] * a[i * d + j];
    if (off <= 1e-34L * (off + total)) break;  // off-diagonal 1e-17 relative
    for (int p = 0; p < d - 1; ++p) {
      for (int q = p + 1; q < d; ++q) {
        const Real apq = a[p * d + q];
        if (apq == 0.0L) continue;
        const Real zeta = (a[q * d + q] - a[p * d + p]) / (2.0L * apq);
        const Real t =
            (zeta >= 0.0L ? 1.0L : -1.0L) / (std::fabs(zeta) + std::sqrt(1.0L + zeta * zeta));
        const Real c = 1.0L / std::sqrt(1.0L + t * t), s = c * t;
        for (int k = 0; k < d; ++k) {  // columns p, q
          const Real x = a[k * d + p], y = a[k * d + q];
          a[k * d + p] = c * x - s * y;
          a[k * d + q] = s * x + c * y;
        }
        for (int k = 0; k < d; ++k) {  // rows p, q
          const Real x = a[p * d + k], y = a[q * d + k];
          a[p * d + k] = c * x - s * y;
          a[q * d + k] = s * x + c * y;
        }
        for (int k = 0; k < d; ++k) {
          const Real x = v[k * d + p], y = v[k * d + q];
          v[k * d + p] = c * x - s * y;
          v[k * d + q] = s * x + c * y;
        }
      }
    }
  }
  w.resize(static_cast<std::size_t>(d));
  for (int i = 0; i < d; ++i) w[i] = a[i * d + i];
}

// f(a) = V diag(f(w)) V^T for the symmetric PSD a (negative eigenvalues clamped).
template <class F>
LMat spectral_ld(int d, const LMat &a, F f) {
  std::vector<Real> w;
  LMat v;
  eig_ld(d, a, w, v);
  LMat r(static_cast<std::size_t>(d) * d, 0.0L);
  for (int k = 0; k < d; ++k) {
    const Real fk = f(std::max(w[k], 0.0L));
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < d; ++j) r[i * d + j] += v[i * d + k] * fk * v[j * d + k];
  }
  return r;
}

Real frob_ld(const LMat &a) {
  Real s = 0.0L;
  for (Real x : a) s += x * x;
  return std::sqrt(s);
}

// The barycenter by the plain fixed point in long double (positive definite iterates) until the
// relative change is below 1e-16, from `start` (the fixed point is unique: a start near it only
// saves iterations; the distance left is the last change over one minus the rate).
Mat barycenter_ld(int d, const std::vector<double> &lambda, const std::vector<Mat> &covs,
                  const Mat &start) {
  LMat s = to_ld(start);
  for (int it = 0; it < 100; ++it) {
    const LMat r = spectral_ld(d, s, [](Real x) { return std::sqrt(x); });
    const LMat ri = spectral_ld(d, s, [](Real x) { return 1.0L / std::sqrt(x); });
    LMat k(s.size(), 0.0L);
    for (std::size_t j = 0; j < covs.size(); ++j) {
      const LMat t = spectral_ld(d, mul_ld(d, mul_ld(d, r, to_ld(covs[j])), r),
                                 [](Real x) { return std::sqrt(x); });
      for (std::size_t i = 0; i < k.size(); ++i) k[i] += static_cast<Real>(lambda[j]) * t[i];
    }
    LMat next = mul_ld(d, mul_ld(d, ri, mul_ld(d, k, k)), ri);
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < i; ++j)
        next[i * d + j] = next[j * d + i] = 0.5L * (next[i * d + j] + next[j * d + i]);
    LMat diff(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) diff[i] = next[i] - s[i];
    s = next;
    if (frob_ld(diff) <= 1e-16L * frob_ld(s)) break;
  }
  return to_d(s);
}

double rel_diff(const Mat &a, const Mat &b) {
  Mat diff(a);
  for (std::size_t i = 0; i < diff.size(); ++i) diff[i] -= b[i];
  return frob(diff) / frob(b);
}

BarycenterResult bary(int d, const std::vector<double> &lambda, const std::vector<Mat> &covs,
                      unsigned threads = 1, double tol = 1e-12) {
  std::vector<CovFactor> f;
  for (const auto &s : covs) f.push_back(factor(d, s));
  const std::vector<double> means(covs.size() * static_cast<std::size_t>(d), 0.0);
  BarycenterOptions o;
  o.tolerance = tol;
  return gaussian_barycenter(d, lambda, means.data(), f, o, Context(threads));
}

// Interleaves four row-major matrices (lane l = mats[l]) into the column-major lane layout.
std::vector<double> interleave(int n, const std::vector<Mat> &mats) {
  std::vector<double> out(static_cast<std::size_t>(n) * n * kL, 0.0);
  for (int l = 0; l < kL; ++l)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) out[(i + j * n) * kL + l] = mats[l][i * n + j];
  return out;
}
Mat lane(int n, const std::vector<double> &x, int l) {
  Mat m(static_cast<std::size_t>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) m[i * n + j] = x[(i + j * n) * kL + l];
  return m;
}

// Singular values (descending) of the row-major n x n a in long double (one-sided Jacobi).
std::vector<double> singular_values_ld(int n, const Mat &a) {
  std::vector<Real> cols(static_cast<std::size_t>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) cols[j * n + i] = a[i * n + j];
  LMat ata(static_cast<std::size_t>(n) * n, 0.0L);
  for (int p = 0; p < n; ++p)
    for (int q = 0; q < n; ++q)
      for (int i = 0; i < n; ++i) ata[p * n + q] += cols[p * n + i] * cols[q * n + i];
  std::vector<Real> w;
  LMat v;
  eig_ld(n, ata, w, v);
  std::vector<double> s;
  for (int k = 0; k < n; ++k) {  // sigma_k = ||A v_k||, accurate for small ones too
    Real acc = 0.0L;
    for (int i = 0; i < n; ++i) {
      Real x = 0.0L;
      for (int j = 0; j < n; ++j) x += cols[j * n + i] * v[j * n + k];
      acc += x * x;
    }
    s.push_back(static_cast<double>(std::sqrt(acc)));
  }
  std::sort(s.rbegin(), s.rend());
  return s;
}

Mat random_matrix(int n, std::mt19937_64 &rng) {
  std::normal_distribution<double> g;
  Mat a(static_cast<std::size_t>(n) * n);
  for (auto &x : a) x = g(rng);
  return a;
}

// One lane of converged one-sided Jacobi on a: v orthogonal, b = a v, and b's column norms the
// singular values of a (long double reference).
void check_jacobi_result(int n, const Mat &a, const Mat &vl, const Mat &bl) {
  Mat vtv = matmul(n, transpose(n, vl), vl);
  for (int i = 0; i < n; ++i) vtv[i * n + i] -= 1.0;
  CHECK(frob(vtv) <= 1e-14 * n);
  Mat av = matmul(n, a, vl);
  for (std::size_t i = 0; i < av.size(); ++i) av[i] -= bl[i];
  CHECK(frob(av) <= 1e-14 * n * std::max(frob(a), 1e-300));
  std::vector<double> s;
  for (int c = 0; c < n; ++c) {
    double acc = 0.0;
    for (int i = 0; i < n; ++i) acc += bl[i * n + c] * bl[i * n + c];
    s.push_back(std::sqrt(acc));
  }
  std::sort(s.rbegin(), s.rend());
  const std::vector<double> ref = singular_values_ld(n, a);
  for (int k = 0; k < n; ++k) CHECK(std::abs(s[k] - ref[k]) <= 1e-14 * n * (ref[0] + 1e-300));
}

// The lane roots of `inputs` random covariances (input `singular` rank-deficient) against
// LAPACK's for every lane (no sweep allowed), in the four-lane or the two-lane layout.
void check_lanes_against_lapack(int d, int inputs, int singular, bool two_lanes,
                                std::mt19937_64 &rng) {
  std::vector<Mat> covs;
  std::vector<CovFactor> f;
  std::vector<const double *> fp;
  for (int q = 0; q < inputs; ++q) {
    covs.push_back(random_cov(d, 1e3, rng, q == singular ? d - 1 : -1));
    f.push_back(factor(d, covs.back()));
  }
  for (const auto &x : f) fp.push_back(x.f.data());
  Mat l = random_cov(d, 10.0, rng);  // a Cholesky factor (column-major lower)
  REQUIRE(linalg::cholesky_lower(d, l.data()));
  const std::size_t dd = static_cast<std::size_t>(d) * d;
  std::vector<double> lanes(inputs * dd), lapack(inputs * dd);
  PairWorkspace ws(d);
  WhitenedRoots fast(d, fp, 40, two_lanes), fallback(d, fp, 0, two_lanes);
  if (two_lanes) {
    REQUIRE(fast.width() == 2);
    REQUIRE(fast.groups() == static_cast<std::size_t>((inputs + 1) / 2));
  }
  for (std::size_t g = 0; g < fast.groups(); ++g) {
    fast.compute(g, l.data(), WhitenedRoots::accuracy_floor(d), lanes.data(), ws);
    fallback.compute(g, l.data(), WhitenedRoots::accuracy_floor(d), lapack.data(), ws);
    CHECK_FALSE(fast.fell_back(g));
    CHECK(fallback.fell_back(g));
  }
  for (int q = 0; q < inputs; ++q) {
    const Mat a(lanes.begin() + q * dd, lanes.begin() + (q + 1) * dd);
    const Mat b(lapack.begin() + q * dd, lapack.begin() + (q + 1) * dd);
    INFO("d = " << d << " input " << q << " difference " << rel_diff(a, b));
    // The singular input's root has rounding-level entries on its null space in both.
    CHECK(rel_diff(a, b) <= (q == singular ? 2e-12 : 1e-13));
    CHECK(a == transpose(d, a));
  }
}

}  // namespace

TEST_CASE("one-sided Jacobi on four lanes: B = A V, V orthogonal, singular values",
          "[barycenter][jacobi_lanes]") {
  std::mt19937_64 rng(71);
  for (int n : {1, 2, 5, 27}) {
    // A random square, an ill-conditioned one (cond 1e8), a rank-deficient one, and zero.
    std::vector<Mat> a{random_matrix(n, rng), random_cov(n, 1e8, rng),
                       random_cov(n, 10.0, rng, std::max(n / 2, 1)), Mat(n * n, 0.0)};
    std::vector<double> b = interleave(n, a), v(b.size(), 0.0);
    for (int l = 0; l < kL; ++l)  // V0 = I in every lane
      for (int i = 0; i < n; ++i) v[(i + i * n) * kL + l] = 1.0;
    int sweeps = 0;
    const unsigned ok = linalg::jacobi_lanes(n, b.data(), v.data(), 1e-15, 40, &sweeps);
    INFO("n = " << n << " sweeps " << sweeps);
    CHECK(ok == 15u);
    CHECK(sweeps <= 20);
    for (int l = 0; l < kL; ++l) {
      INFO("lane " << l);
      check_jacobi_result(n, a[l], lane(n, v, l), lane(n, b, l));
    }
    // A lane's result does not depend on the other lanes: lane 1 alone, the others zero.
    std::vector<Mat> alone{Mat(n * n, 0.0), a[1], Mat(n * n, 0.0), Mat(n * n, 0.0)};
    std::vector<double> b1 = interleave(n, alone), v1(b1.size(), 0.0);
    for (int l = 0; l < kL; ++l)
      for (int i = 0; i < n; ++i) v1[(i + i * n) * kL + l] = 1.0;
    linalg::jacobi_lanes(n, b1.data(), v1.data(), 1e-15, 40, nullptr);
    CHECK(lane(n, b1, 1) == lane(n, b, 1));
    CHECK(lane(n, v1, 1) == lane(n, v, 1));
  }
}

TEST_CASE("near-diagonal square root: accuracy, clusters, giving up",
          "[barycenter][jacobi_lanes]") {
  std::mt19937_64 rng(72);
  const int n = 12;
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  // Lane 0: well-separated diagonal; lane 1: a cluster of equal diagonal entries (no gaps);
  // lane 2: a zero row and column (singular); lane 3: too far from diagonal (cosines 0.3).
  const std::vector<double> cosine{1e-3, 1e-3, 1e-3, 0.3};
  std::vector<Mat> g(kL, Mat(n * n, 0.0));
  for (int l = 0; l < kL; ++l) {
    std::vector<double> diag(n);
    for (int i = 0; i < n; ++i)
      diag[i] = l == 1 ? 1.0 : std::pow(10.0, -6.0 * i / (n - 1));  // down to 1e-6
    if (l == 2) diag[n - 1] = 0.0;
    for (int i = 0; i < n; ++i) {
      g[l][i * n + i] = diag[i];
      for (int j = 0; j < i; ++j)
        g[l][i * n + j] = g[l][j * n + i] = cosine[l] * u(rng) * std::sqrt(diag[i] * diag[j]);
    }
  }
  const std::vector<double> gl = interleave(n, g);
  std::vector<double> x(gl.size()), work(linalg::near_diagonal_sqrt_work(n));
  int terms = 0;
  const double accuracy = 1e-14;
  const unsigned failed = linalg::near_diagonal_sqrt_lanes(n, gl.data(), accuracy, 15u, 20,
                                                           x.data(), work.data(), &terms);
  CHECK(failed == 8u);
  for (int l = 0; l < 3; ++l) {
    INFO("lane " << l << " terms " << terms);
    const Mat ref = to_d(spectral_ld(n, to_ld(g[l]), [](Real v) { return std::sqrt(v); }));
    const Mat xl = lane(n, x, l);
    double err = 0.0;
    for (std::size_t i = 0; i < xl.size(); ++i) err = std::max(err, std::abs(xl[i] - ref[i]));
    CHECK(err <= 10 * accuracy);
    CHECK(xl == transpose(n, xl));
  }
}

TEST_CASE("barycenter against a long-double fixed point: d = 2 .. 27, non-uniform weights",
          "[barycenter]") {
  std::mt19937_64 rng(73);
  for (int d : {2, 3, 8, 27}) {
    for (double cond : {10.0, 1e4}) {
      const int j = d == 27 ? 3 : 5;  // 5 inputs: two lane groups, the second part-filled
      std::vector<Mat> covs;
      std::vector<double> lambda;
      for (int q = 0; q < j; ++q) {
        covs.push_back(random_cov(d, cond, rng));
        lambda.push_back(1.0 + q);
      }
      double sum = 0.0;
      for (double w : lambda) sum += w;
      for (double &w : lambda) w /= sum;
      const BarycenterResult r = bary(d, lambda, covs);
      const Mat ref = barycenter_ld(d, lambda, covs, r.gaussian.cov);
      INFO("d = " << d << " cond = " << cond << " iterations " << r.iterations);
      CHECK(r.converged);
      CHECK(r.residual <= 1e-12);
      CHECK(rel_diff(r.gaussian.cov, ref) <= 1e-10);
    }
  }
}

TEST_CASE("barycenter: J = 2 is the geodesic point, near-singular and singular inputs",
          "[barycenter]") {
  std::mt19937_64 rng(74);
  for (int d : {2, 5, 27}) {
    const Mat s0 = random_cov(d, 1e3, rng), s1 = random_cov(d, 10.0, rng);
    const std::vector<double> m(static_cast<std::size_t>(d), 0.0);
    const BarycenterResult r = bary(d, {0.7, 0.3}, {s0, s1});
    const GaussianParams g =
        gaussian_geodesic(m.data(), factor(d, s0), m.data(), factor(d, s1), 0.3);
    INFO("d = " << d);
    CHECK(r.converged);
    CHECK(rel_diff(r.gaussian.cov, g.cov) <= 1e-10);
    CHECK(rel_diff(r.gaussian.cov, barycenter_ld(d, {0.7, 0.3}, {s0, s1}, r.gaussian.cov)) <=
          1e-10);
    // One input near-singular (cond 1e12), one exactly singular (half rank, PSD with zero
    // eigenvalues), one regular: the barycenter is positive definite.
    const std::vector<Mat> covs{random_cov(d, 1e12, rng), random_cov(d, 10.0, rng, (d + 1) / 2),
                                random_cov(d, 10.0, rng)};
    const std::vector<double> lambda{0.5, 0.3, 0.2};
    const BarycenterResult rs = bary(d, lambda, covs);
    CHECK(rs.converged);
    CHECK(rs.residual <= 1e-12);
    // The factors of a cond-1e12 input carry eps ||S|| errors (relative 1e-4 on its smallest
    // eigenvalues), which move the barycenter by about 1e-9 (LAPACK roots alike).
    CHECK(rel_diff(rs.gaussian.cov, barycenter_ld(d, lambda, covs, rs.gaussian.cov)) <= 1e-8);
  }
}

TEST_CASE("barycenter: bit-identical for any thread count and across calls", "[barycenter]") {
  std::mt19937_64 rng(75);
  const int d = 12;
  std::vector<Mat> covs;
  std::vector<double> lambda;
  for (int q = 0; q < 9; ++q) {  // three lane groups
    covs.push_back(random_cov(d, 1e3, rng));
    lambda.push_back(1.0 / 9.0);
  }
  const BarycenterResult one = bary(d, lambda, covs, 1);
  const BarycenterResult two = bary(d, lambda, covs, 2);
  const BarycenterResult three = bary(d, lambda, covs, 3);
  const BarycenterResult again = bary(d, lambda, covs, 1);
  CHECK(one.converged);
  CHECK(one.gaussian.cov == two.gaussian.cov);
  CHECK(one.gaussian.cov == three.gaussian.cov);
  CHECK(one.gaussian.cov == again.gaussian.cov);
  CHECK(one.iterations == two.iterations);
  CHECK(one.residual == two.residual);
  // A looser tolerance stops earlier, still within it of the same fixed point.
  const BarycenterResult loose = bary(d, lambda, covs, 1, 1e-6);
  CHECK(loose.residual <= 1e-6);
  CHECK(loose.iterations < one.iterations);
  CHECK(rel_diff(loose.gaussian.cov, one.gaussian.cov) <= 1e-5);
}

TEST_CASE("barycenter roots: the LAPACK fallback and the lane path agree", "[barycenter]") {
  std::mt19937_64 rng(76);
  // Five inputs (two groups, the second with one lane), one of them rank-deficient.
  for (int d : {3, 10}) check_lanes_against_lapack(d, 5, 2, false, rng);
}

// ---------------------------------------------------------------- the two-lane layout
namespace {

// Two row-major matrices into the two-lane layout (rows padded to even m, padding zero).
std::vector<double> interleave2(int n, const std::vector<Mat> &mats) {
  const int m = n + (n & 1);
  std::vector<double> out(static_cast<std::size_t>(n) * m * 2, 0.0);
  for (int l = 0; l < 2; ++l)
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) out[(i + j * m) * 2 + l] = mats[l][i * n + j];
  return out;
}
Mat lane2(int n, const std::vector<double> &x, int l) {
  const int m = n + (n & 1);
  Mat out(static_cast<std::size_t>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) out[i * n + j] = x[(i + j * m) * 2 + l];
  return out;
}
// The padding rows (row n of every column when n is odd) of a two-lane array.
bool padding_zero(int n, const std::vector<double> &x) {
  if ((n & 1) == 0) return true;
  for (int j = 0; j < n; ++j)
    for (int l = 0; l < 2; ++l)
      if (x[(n + j * (n + 1)) * 2 + l] != 0.0) return false;
  return true;
}
double max_abs_diff(const Mat &a, const Mat &b) {
  double e = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, std::abs(a[i] - b[i]));
  return e;
}

}  // namespace

TEST_CASE("two-lane layout: products against plain ones, exactly symmetric, zero padding",
          "[barycenter][jacobi_lanes]") {
  std::mt19937_64 rng(79);
  for (int n : {1, 2, 5, 8, 13, 27}) {
    INFO("n = " << n);
    const int m = n + (n & 1);
    const std::vector<Mat> a{random_matrix(n, rng), random_matrix(n, rng)};
    const std::vector<Mat> b{random_cov(n, 100.0, rng), random_cov(n, 10.0, rng)};
    const std::vector<double> al = interleave2(n, a), bl = interleave2(n, b);
    std::vector<double> c(al.size(), -1.0), scratch(al.size(), 0.0);
    // A lower-triangular shared factor, padded to m x m.
    Mat low = random_matrix(n, rng);
    std::vector<double> s_pad(static_cast<std::size_t>(m) * m, 0.0);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j <= i; ++j) s_pad[i + j * m] = low[i * n + j];
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j) low[i * n + j] = 0.0;
    const double tol = 1e-13 * n;
    for (int l = 0; l < 2; ++l) {
      INFO("lane " << l);
      linalg::lanes2_mul(n, al.data(), bl.data(), c.data());
      CHECK(max_abs_diff(lane2(n, c, l), matmul(n, a[l], b[l])) <= tol * frob(a[l]) * frob(b[l]));
      CHECK(padding_zero(n, c));
      linalg::lanes2_mul_shared_lower(n, s_pad.data(), bl.data(), c.data());
      CHECK(max_abs_diff(lane2(n, c, l), matmul(n, low, b[l])) <= tol * frob(low) * frob(b[l]));
      CHECK(padding_zero(n, c));
      linalg::lanes2_gram(n, al.data(), scratch.data(), c.data());
      const Mat g = lane2(n, c, l);
      CHECK(max_abs_diff(g, matmul(n, transpose(n, a[l]), a[l])) <= tol * frob(a[l]) * frob(a[l]));
      CHECK(g == transpose(n, g));
      CHECK(padding_zero(n, c));
      // a b^T with b symmetric and a = b: symmetric, as the kernel requires.
      linalg::lanes2_mul_bt_sym(n, bl.data(), bl.data(), c.data());
      const Mat bb = lane2(n, c, l);
      CHECK(max_abs_diff(bb, matmul(n, b[l], b[l])) <= tol * frob(b[l]) * frob(b[l]));
      CHECK(bb == transpose(n, bb));
      CHECK(padding_zero(n, c));
    }
  }
}

TEST_CASE("symmetric squares: the same bits as a a^T, in both layouts, exactly symmetric",
          "[barycenter][jacobi_lanes]") {
  std::mt19937_64 rng(83);
  for (int n : {1, 2, 3, 5, 8, 13, 27, 30}) {
    INFO("n = " << n);
    std::vector<Mat> y;
    for (int l = 0; l < kL; ++l) y.push_back(random_cov(n, 1.0 + l, rng));
    const std::vector<double> y4 = interleave(n, y);
    std::vector<double> c4(y4.size(), -1.0), s4(y4.size(), -2.0);
    linalg::lanes_mul_bt_sym(n, y4.data(), y4.data(), c4.data());
    linalg::lanes_sym_square(n, y4.data(), s4.data());
    CHECK(s4 == c4);
    const double tol = 1e-13 * n;
    for (int l = 0; l < kL; ++l) {
      const Mat sq = lane(n, s4, l);
      CHECK(sq == transpose(n, sq));
      CHECK(max_abs_diff(sq, matmul(n, y[l], y[l])) <= tol * frob(y[l]) * frob(y[l]));
    }
    const std::vector<Mat> y2{y[0], y[1]};
    const std::vector<double> yl = interleave2(n, y2);
    std::vector<double> c2(yl.size(), -1.0), s2(yl.size(), -2.0);
    linalg::lanes2_mul_bt_sym(n, yl.data(), yl.data(), c2.data());
    linalg::lanes2_sym_square(n, yl.data(), s2.data());
    CHECK(s2 == c2);
    CHECK(padding_zero(n, s2));
    for (int l = 0; l < 2; ++l) CHECK(lane2(n, s2, l) == lane(n, s4, l));  // layouts agree
  }
}

TEST_CASE("two-lane layout: one-sided Jacobi and the near-diagonal root",
          "[barycenter][jacobi_lanes]") {
  std::mt19937_64 rng(80);
  for (int n : {1, 2, 5, 27}) {
    INFO("n = " << n);
    const int m = n + (n & 1);
    // An ill-conditioned square (cond 1e8) and a rank-deficient one.
    const std::vector<Mat> a{random_cov(n, 1e8, rng), random_cov(n, 10.0, rng, std::max(n / 2, 1))};
    std::vector<double> b = interleave2(n, a), v(b.size(), 0.0);
    for (int l = 0; l < 2; ++l)
      for (int i = 0; i < n; ++i) v[(i + i * m) * 2 + l] = 1.0;
    unsigned converged = 0;
    int sweeps = 0;
    while (converged != 3u && sweeps < 40) {
      ++sweeps;
      converged |= 3u & ~linalg::jacobi_sweep_lanes2(n, b.data(), v.data(), 1e-15, 3u & ~converged);
    }
    CHECK(converged == 3u);
    CHECK(sweeps <= 25);
    CHECK(padding_zero(n, b));
    CHECK(padding_zero(n, v));
    for (int l = 0; l < 2; ++l) {
      INFO("lane " << l);
      check_jacobi_result(n, a[l], lane2(n, v, l), lane2(n, b, l));
    }
    // A lane's result does not depend on the other lane: lane 1 alone, lane 0 zero.
    std::vector<double> b1 = interleave2(n, {Mat(static_cast<std::size_t>(n) * n, 0.0), a[1]});
    std::vector<double> v1(b1.size(), 0.0);
    for (int l = 0; l < 2; ++l)
      for (int i = 0; i < n; ++i) v1[(i + i * m) * 2 + l] = 1.0;
    for (int k = 0; k < sweeps; ++k)
      linalg::jacobi_sweep_lanes2(n, b1.data(), v1.data(), 1e-15, 3u);
    CHECK(lane2(n, b1, 1) == lane2(n, b, 1));
    CHECK(lane2(n, v1, 1) == lane2(n, v, 1));
  }
  // The near-diagonal root: lane 0 a cluster of equal diagonal entries with a zero row and
  // column (odd n: a padding row too), lane 1 too far from diagonal (given up).
  for (int n : {7, 12}) {
    INFO("n = " << n);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<Mat> g(2, Mat(static_cast<std::size_t>(n) * n, 0.0));
    for (int l = 0; l < 2; ++l)
      for (int i = 0; i < n; ++i) {
        g[l][i * n + i] = l == 0 ? (i == n - 1 ? 0.0 : 1.0) : std::pow(10.0, -3.0 * i / (n - 1));
        for (int k = 0; k < i; ++k)
          g[l][i * n + k] = g[l][k * n + i] =
              (l == 0 ? 1e-3 : 0.3) * u(rng) * std::sqrt(g[l][i * n + i] * g[l][k * n + k]);
      }
    const std::vector<double> gl = interleave2(n, g);
    std::vector<double> x(gl.size()), work(linalg::near_diagonal_sqrt_work(n));
    int terms = 0;
    const unsigned failed = linalg::near_diagonal_sqrt_lanes2(n, gl.data(), 1e-14, 3u, 20, x.data(),
                                                              work.data(), &terms);
    CHECK(failed == 2u);
    const Mat ref = to_d(spectral_ld(n, to_ld(g[0]), [](Real v) { return std::sqrt(v); }));
    const Mat x0 = lane2(n, x, 0);
    CHECK(max_abs_diff(x0, ref) <= 10 * 1e-14);
    CHECK(x0 == transpose(n, x0));
  }
}

TEST_CASE("barycenter of J = 2 .. 4 in groups of two: any thread count, long-double reference",
          "[barycenter]") {
  // From d = 16 on, two to four inputs go in groups of two (the two-lane layout), one per
  // thread on two threads: the bits must not depend on the thread count.
  std::mt19937_64 rng(81);
  for (int d : {16, 27, 33}) {
    for (int j : {2, 3, 4}) {
      std::vector<Mat> covs;
      std::vector<double> lambda;
      for (int q = 0; q < j; ++q) {
        covs.push_back(random_cov(d, q == 0 ? 1e4 : 10.0, rng));
        lambda.push_back(1.0 + 0.5 * q);
      }
      double sum = 0.0;
      for (double w : lambda) sum += w;
      for (double &w : lambda) w /= sum;
      const BarycenterResult one = bary(d, lambda, covs, 1);
      const BarycenterResult two = bary(d, lambda, covs, 2);
      const BarycenterResult three = bary(d, lambda, covs, 3);
      INFO("d = " << d << " J = " << j << " iterations " << one.iterations);
      CHECK(one.converged);
      CHECK(one.gaussian.cov == two.gaussian.cov);
      CHECK(one.gaussian.cov == three.gaussian.cov);
      CHECK(one.iterations == two.iterations);
      CHECK(one.residual == two.residual);
      CHECK(rel_diff(two.gaussian.cov, barycenter_ld(d, lambda, covs, two.gaussian.cov)) <= 1e-10);
    }
  }
  // The LAPACK fallback in the two-lane layout agrees with the lane path (odd d: padding).
  for (int d : {17, 20}) check_lanes_against_lapack(d, 3, 1, true, rng);
}

TEST_CASE("barycenter roots: the four-lane and two-lane layouts give the same bits",
          "[barycenter][jacobi_lanes]") {
  // The layout follows the thread count (two-lane groups on two threads), so the two must agree
  // to the last bit: over successive warm-started steps, with a rank-deficient input, at odd
  // and even d, and for 3 and 4 inputs.
  std::mt19937_64 rng(82);
  for (int d : {5, 16, 27}) {
    for (int j : {3, 4}) {
      INFO("d = " << d << " J = " << j);
      std::vector<CovFactor> f;
      std::vector<const double *> fp;
      for (int q = 0; q < j; ++q)
        f.push_back(factor(d, random_cov(d, 1e3, rng, q == 1 ? d - 2 : -1)));
      for (const auto &x : f) fp.push_back(x.f.data());
      WhitenedRoots four(d, fp), two(d, fp, 40, true);
      REQUIRE(four.width() == 4);
      REQUIRE(two.width() == 2);
      const std::size_t dd = static_cast<std::size_t>(d) * d;
      std::vector<double> r4(j * dd), r2(j * dd);
      PairWorkspace ws(d);
      Mat s = random_cov(d, 10.0, rng), drift = random_cov(d, 10.0, rng);
      for (int step = 0; step < 4; ++step) {
        Mat l = s;
        REQUIRE(linalg::cholesky_lower(d, l.data()));
        const double accuracy = step < 2 ? 1e-6 : WhitenedRoots::accuracy_floor(d);
        for (std::size_t g = 0; g < four.groups(); ++g)
          four.compute(g, l.data(), accuracy, r4.data(), ws);
        for (std::size_t g = 0; g < two.groups(); ++g)
          two.compute(g, l.data(), accuracy, r2.data(), ws);
        CHECK(r4 == r2);
        for (std::size_t i = 0; i < dd; ++i) s[i] += std::pow(0.1, step + 1) * drift[i];
      }
    }
  }
}
