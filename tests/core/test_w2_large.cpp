// SPDX-License-Identifier: MIT
// W2 between two Gaussians on the large-d path (bures_squared_large: dtrmm/dgemm product and the
// two-stage blocked SVD of linalg/large_svd.hpp), which single pairs take from
// kLargePairMinD on. References: an extended-precision (long double) computation by an
// independent route at d <= 128 (Cholesky, product, one-sided Jacobi SVD), and at d > threshold
// the per-pair kernels (a different product and bidiagonalisation) and the textbook two-pass
// formula by eigen-decompositions. Tolerances are absolute, relative to tr S0 + tr S1 (the
// accuracy contract of gmmot/gaussian.h). The d = 2048 agreement check (1e-12) is in the
// benchmark driver (bench/run_gaussian.sh, case=w2_large, impl=numpy-twopass): too slow here.
#include <catch2/catch.hpp>

#include <algorithm>
#include <limits>

#include "gaussian/bures.hpp"
#include "linalg/large_svd.hpp"
#include "long_double_reference.hpp"
#include "support.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// The per-pair kernels' Bures term (the path below kLargePairMinD).
double bures_small_path(int d, const CovFactor &a, const CovFactor &b) {
  PairWorkspace ws(d);
  return bures_squared(a, b, ws);
}

Mat diagonal_cov(int d, std::mt19937_64 &rng) {
  std::uniform_real_distribution<double> u(0.05, 3.0);
  Mat s(static_cast<std::size_t>(d) * d, 0.0);
  for (int i = 0; i < d; ++i) s[i * d + i] = u(rng);
  return s;
}

}  // namespace

TEST_CASE("large-d path agrees with a long double reference at d <= 128", "[w2][large]") {
  std::mt19937_64 rng(171);
  for (int d : {64, 128}) {
    for (double cond : {1e2, 1e6}) {
      const Mat s0 = random_cov(d, cond, rng), s1 = random_cov(d, 1e3, rng);
      const double tr = trace(d, s0) + trace(d, s1);
      const double ref = bures_reference_ld(d, s0, s1);
      const double large = bures_squared_large(factor(d, s0), factor(d, s1));
      const double small = bures_small_path(d, factor(d, s0), factor(d, s1));
      INFO("d = " << d << " cond = " << cond << " ref " << ref << " large " << large << " small "
                  << small << " tr " << tr);
      // The contract's 1e-15 (tr S0 + tr S1), with a factor 2 for d up to 128 (the errors of
      // the two factorisations, the product and the SVD are each ~ sqrt(d) eps sigma_1).
      CHECK(std::fabs(large - ref) <= 2e-15 * tr);
      CHECK(std::fabs(small - ref) <= 2e-15 * tr);
    }
  }
}

TEST_CASE("the large-SVD nuclear norm agrees with LAPACK dgesdd, also graded and singular",
          "[w2][large][kernel]") {
  std::mt19937_64 rng(172);
  std::normal_distribution<double> n;
  for (int d : {33, 100, 257}) {  // band width 32: one short last block, several, many
    linalg::LargeSvd large(d);
    linalg::Workspace ws(d);
    for (int rep = 0; rep < 3; ++rep) {
      std::vector<double> w(static_cast<std::size_t>(d) * d), copy, sv(d);
      for (auto &x : w) x = n(rng);
      if (rep == 1) {  // graded columns: singular values spanning 1e-12 .. 1
        for (int j = 0; j < d; ++j)
          for (int i = 0; i < d; ++i) w[i + j * d] *= std::pow(1e-12, double(j) / (d - 1));
      }
      if (rep == 2) {  // exactly rank-deficient: duplicate columns
        for (int j = d / 2; j < d; ++j)
          for (int i = 0; i < d; ++i) w[i + j * d] = w[i + (j - d / 2) * d];
      }
      copy = w;
      const double got = large.nuclear_norm(w.data());
      REQUIRE(linalg::svd_values(d, copy.data(), sv.data(), ws));
      double ref = 0.0;
      for (double x : sv) ref += x;
      INFO("d = " << d << " rep = " << rep << " got " << got << " ref " << ref);
      // Both backward stable: each singular value within ~d eps sigma_1 (the small-SVD test's
      // bound).
      CHECK(std::fabs(got - ref) <= 4.0 * d * d * kEps * sv[0]);
    }
  }
  linalg::LargeSvd zero(40);
  std::vector<double> z(40 * 40, 0.0);
  CHECK(zero.nuclear_norm(z.data()) == 0.0);
}

TEST_CASE("above the threshold W2 agrees with the per-pair kernels and the two-pass formula",
          "[w2][large]") {
  std::mt19937_64 rng(173);
  const int d = kLargePairMinD + 8;                     // not a multiple of the band width 32
  const Mat chol = random_cov(d, 1e3, rng);             // Cholesky kind
  const Mat singular = random_cov(d, 1e2, rng, d / 2);  // Eigen kind (rank d/2)
  const Mat diag0 = diagonal_cov(d, rng), diag1 = diagonal_cov(d, rng);  // Diagonal kind
  const Mat chol2 = random_cov(d, 10.0, rng);
  REQUIRE(factor(d, chol).kind == FactorKind::Cholesky);  // every branch of the product is hit
  REQUIRE(factor(d, singular).kind == FactorKind::Eigen);
  REQUIRE(factor(d, diag0).kind == FactorKind::Diagonal);
  struct Pair {
    const char *what;
    const Mat &s0, &s1;
  };
  const Pair pairs[] = {{"Cholesky-Cholesky", chol, chol2},
                        {"Eigen-Cholesky", singular, chol},
                        {"Cholesky-Eigen", chol2, singular},
                        {"Diagonal-Cholesky", diag0, chol},
                        {"Diagonal-Diagonal", diag0, diag1}};
  const auto m0 = random_vec(d, rng), m1 = random_vec(d, rng);
  for (const Pair &p : pairs) {
    const CovFactor f0 = factor(d, p.s0), f1 = factor(d, p.s1);
    const double tr = trace(d, p.s0) + trace(d, p.s1);
    const double got = w2sq(d, m0, p.s0, m1, p.s1);  // takes the large path at this d
    double mean = 0.0;
    for (int i = 0; i < d; ++i) mean += (m0[i] - m1[i]) * (m0[i] - m1[i]);
    const double small = bures_small_path(d, f0, f1) + mean;
    const double textbook = w2sq_reference(d, m0, p.s0, m1, p.s1);
    INFO(p.what << ": large " << got << " small " << small << " two-pass " << textbook << " tr "
                << tr);
    CHECK(got == bures_squared_large(f0, f1) + mean);
    CHECK(std::fabs(got - small) <= 1e-14 * tr);
    // The two-pass formula squares: an eigenvalue lambda of R S1 R is off by ~eps ||S||^2,
    // its square root by ~eps ||S||^2 / sqrt(lambda), so it is the looser reference (a
    // singular S0 or S1 puts rounding-level eigenvalues under the square root: ~1e-8 relative).
    const bool singular_pair = &p.s0 == &singular || &p.s1 == &singular;
    CHECK(std::fabs(got - textbook) <= (singular_pair ? 1e-7 : 1e-12) * tr);
  }
}

TEST_CASE("large-d path: identical and near-identical covariances (Procrustes form)",
          "[w2][large]") {
  std::mt19937_64 rng(174);
  const int d = kLargePairMinD;
  const Mat s0 = random_cov(d, 100.0, rng);
  const std::vector<double> m(d, 0.0);
  const double tr = trace(d, s0);
  CHECK(w2sq(d, m, s0, m, s0) >= 0.0);
  CHECK(w2sq(d, m, s0, m, s0) <= 1e-28 * tr);
  // S1 = (I + h E) S0 (I + h E)^T: B^2 = O(h^2), far below eps * tr S at h = 1e-7.
  const double h = 1e-7;
  Mat e(static_cast<std::size_t>(d) * d, 0.0);
  std::normal_distribution<double> n;
  for (auto &x : e) x = h * n(rng) / std::sqrt(static_cast<double>(d));
  for (int i = 0; i < d; ++i) e[i * d + i] += 1.0;
  const Mat s1 = matmul(d, matmul(d, e, s0), transpose(d, e));
  const double v = w2sq(d, m, s0, m, s1);
  INFO("v = " << v << " tr = " << tr);
  CHECK(v > 0.0);
  CHECK(v < 100 * h * h * tr);
  CHECK(w2sq(d, m, s1, m, s0) == Approx(v).epsilon(1e-6));
  CHECK(bures_small_path(d, factor(d, s0), factor(d, s1)) == Approx(v).epsilon(1e-6));
}
