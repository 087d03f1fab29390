// SPDX-License-Identifier: MIT
// The per-pair W2 kernel at d = 27 (lane-interleaved bidiagonalisation, eight-lane dqds) against
// an extended-precision reference by an independent route (long double Cholesky or the exact
// integer factors, their product, one-sided Jacobi singular values), through the cost-matrix
// path (full and partial batches of pairs) and the single-pair path, on random pairs with
// condition numbers 1 .. 1e12 and exactly singular ones. Tolerances are absolute, relative to
// tr S0 + tr S1 (the accuracy contract of gmmot/gaussian.h).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "gaussian/bures.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "linalg/small_svd.hpp"
#include "long_double_reference.hpp"
#include "support.hpp"
#include "util/context.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr int kD = 27;

// Small-integer factor B (d x r, row-major) and S = B B^T, both exact in double.
struct IntegerCov {
  std::vector<double> b;
  int r;
  Mat s;
};
IntegerCov integer_cov(int d, int r, std::mt19937_64 &rng) {
  std::uniform_int_distribution<int> u(-3, 3);
  IntegerCov c{std::vector<double>(static_cast<std::size_t>(d) * r), r,
               Mat(static_cast<std::size_t>(d) * d, 0.0)};
  for (auto &v : c.b) v = u(rng);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j)
      for (int k = 0; k < r; ++k) c.s[i * d + j] += c.b[i * r + k] * c.b[j * r + k];
  return c;
}

long double mean_term(const std::vector<double> &m0, const std::vector<double> &m1) {
  long double acc = 0.0L;
  for (std::size_t i = 0; i < m0.size(); ++i) {
    const long double x = static_cast<long double>(m0[i]) - m1[i];
    acc += x * x;
  }
  return acc;
}

// The K0 x K1 cost matrix of the given components by w2_cost_matrix, and every entry again by
// the single-pair path, which must agree bit for bit (a batch's lanes never mix).
std::vector<double> cost_matrix_checked(const std::vector<std::vector<double>> &m0,
                                        const std::vector<Mat> &s0,
                                        const std::vector<std::vector<double>> &m1,
                                        const std::vector<Mat> &s1) {
  std::vector<CovFactor> f0, f1;
  std::vector<double> mean0, mean1;
  for (std::size_t k = 0; k < s0.size(); ++k) {
    f0.push_back(factor(kD, s0[k]));
    mean0.insert(mean0.end(), m0[k].begin(), m0[k].end());
  }
  for (std::size_t l = 0; l < s1.size(); ++l) {
    f1.push_back(factor(kD, s1[l]));
    mean1.insert(mean1.end(), m1[l].begin(), m1[l].end());
  }
  std::vector<double> out(s0.size() * s1.size(), -1.0);
  w2_cost_matrix(kD, mean0.data(), f0, mean1.data(), f1, Context{2}, out.data());
  PairWorkspace ws(kD);
  for (std::size_t k = 0; k < s0.size(); ++k)
    for (std::size_t l = 0; l < s1.size(); ++l) {
      INFO("pair (" << k << ", " << l << ")");
      CHECK(out[k * s1.size() + l] == w2_squared(m0[k].data(), f0[k], m1[l].data(), f1[l], ws));
    }
  return out;
}

}  // namespace

TEST_CASE("d = 27 W2^2 agrees with a long double reference, condition numbers 1 .. 1e12",
          "[w2][kernel]") {
  std::mt19937_64 rng(2712);
  for (double cond : {1.0, 1e3, 1e6, 1e9, 1e12}) {
    // 3 x 5 = 15 pairs: one full batch of kPairBatch = 8 and a partial one of 7.
    std::vector<Mat> s0, s1;
    std::vector<std::vector<double>> m0, m1;
    for (int k = 0; k < 3; ++k) {
      s0.push_back(random_cov(kD, cond, rng));
      m0.push_back(random_vec(kD, rng));
    }
    for (int l = 0; l < 5; ++l) {
      // Comparably conditioned pairs (the contract's case), scaled over a few orders.
      Mat s = random_cov(kD, cond, rng);
      for (auto &x : s) x *= std::pow(10.0, l - 2);
      s1.push_back(s);
      m1.push_back(random_vec(kD, rng));
    }
    const std::vector<double> out = cost_matrix_checked(m0, s0, m1, s1);
    for (std::size_t k = 0; k < s0.size(); ++k)
      for (std::size_t l = 0; l < s1.size(); ++l) {
        const double tr = trace(kD, s0[k]) + trace(kD, s1[l]);
        const long double dm = mean_term(m0[k], m1[l]);
        const double ref = static_cast<double>(bures_reference_ld(kD, s0[k], s1[l]) + dm);
        const double got = out[k * s1.size() + l];
        INFO("cond " << cond << " pair (" << k << ", " << l << ") got " << got << " ref " << ref
                     << " tr " << tr);
        // The contract's 1e-15 (tr S0 + tr S1) with a factor 2 (as test_w2_large at d <= 128),
        // plus the rounding of the mean term (a few eps |m0 - m1|^2).
        CHECK(std::fabs(got - ref) <= 2e-15 * tr + 4 * kEps * static_cast<double>(dm));
      }
  }
}

TEST_CASE("d = 27 W2^2 agrees with a long double reference for exactly singular covariances",
          "[w2][kernel]") {
  std::mt19937_64 rng(2713);
  // Ranks 1 .. 27 (27: full rank but integer), paired singular-singular and singular-regular.
  const int ranks0[] = {1, 5, 13, 26, 27, 26};
  const int ranks1[] = {2, 13, 26, 27, 1, 26};
  std::vector<IntegerCov> c0, c1;
  std::vector<Mat> s0, s1;
  std::vector<std::vector<double>> m0, m1;
  for (int r : ranks0) {
    c0.push_back(integer_cov(kD, r, rng));
    s0.push_back(c0.back().s);
    m0.push_back(random_vec(kD, rng));
  }
  for (int r : ranks1) {
    c1.push_back(integer_cov(kD, r, rng));
    s1.push_back(c1.back().s);
    m1.push_back(random_vec(kD, rng));
  }
  const std::vector<double> out = cost_matrix_checked(m0, s0, m1, s1);
  for (std::size_t k = 0; k < s0.size(); ++k)
    for (std::size_t l = 0; l < s1.size(); ++l) {
      const double tr = trace(kD, s0[k]) + trace(kD, s1[l]);
      const long double dm = mean_term(m0[k], m1[l]);
      const double ref =
          static_cast<double>(bures_reference_factors(kD, c0[k].b, c0[k].r, c1[l].b, c1[l].r) + dm);
      const double got = out[k * s1.size() + l];
      INFO("ranks " << c0[k].r << ", " << c1[l].r << " got " << got << " ref " << ref << " tr "
                    << tr);
      CHECK(got >= 0.0);
      CHECK(std::fabs(got - ref) <= 2e-15 * tr + 4 * kEps * static_cast<double>(dm));
    }
}

TEST_CASE("the batched nuclear norms equal the one-matrix ones bit for bit, any count and mix",
          "[w2][kernel]") {
  std::mt19937_64 rng(2714);
  std::normal_distribution<double> n;
  for (int d : {4, 27, 64, 65}) {  // lane bidiagonalisation up to 64, the one-matrix form above
    const std::size_t nn = static_cast<std::size_t>(d) * d;
    linalg::SmallSvd svd(d);
    for (int count = 1; count <= linalg::kDqdsLanes; ++count) {
      std::vector<std::vector<double>> mats(static_cast<std::size_t>(count));
      for (int l = 0; l < count; ++l) {
        auto &w = mats[static_cast<std::size_t>(l)];
        w.assign(nn, 0.0);
        const int kind = (l + count) % 4;  // zero, dense, graded, rank-deficient
        if (kind == 0) continue;
        for (auto &x : w) x = n(rng);
        if (kind == 2)
          for (int j = 0; j < d; ++j)
            for (int i = 0; i < d; ++i) w[i + j * d] *= std::pow(1e-12, double(j) / (d - 1));
        if (kind == 3)
          for (int j = d / 2; j < d; ++j)
            for (int i = 0; i < d; ++i) w[i + j * d] = w[i + (j - d / 2) * d];
      }
      std::vector<std::vector<double>> copies = mats;
      std::vector<double *> ptrs;
      for (auto &w : copies) ptrs.push_back(w.data());
      std::vector<double> batched(static_cast<std::size_t>(count));
      svd.nuclear_norms(count, ptrs.data(), batched.data());
      for (int l = 0; l < count; ++l) {
        std::vector<double> alone = mats[static_cast<std::size_t>(l)];
        INFO("d " << d << " count " << count << " lane " << l);
        CHECK(batched[static_cast<std::size_t>(l)] == svd.nuclear_norm(alone.data()));
      }
    }
  }
}

TEST_CASE(
    "the lane nuclear norms agree with a long double reference at d = 4 .. 64, rank-deficient,"
    " graded and extreme-scale matrices, partial batches",
    "[w2][kernel]") {
  // The bit-for-bit test above compares the lane path with itself (one matrix goes through the
  // lanes too up to d = 64); this one checks its accuracy: backward stable, so each singular
  // value is off by at most ~d eps ||W||_2 and the sum by d of those.
  std::mt19937_64 rng(2715);
  std::normal_distribution<double> n;
  const double eps = std::numeric_limits<double>::epsilon();
  for (int d : {4, 5, 7, 8, 16, 33, 64}) {
    const std::size_t nn = static_cast<std::size_t>(d) * d;
    linalg::SmallSvd svd(d);
    for (int count = 1; count <= linalg::kDqdsLanes; count += 3) {
      std::vector<std::vector<double>> mats(static_cast<std::size_t>(count));
      for (int l = 0; l < count; ++l) {
        auto &w = mats[static_cast<std::size_t>(l)];
        w.assign(nn, 0.0);
        for (auto &x : w) x = n(rng);
        const int kind = (l + d) % 6;
        if (kind == 1)  // rank d / 2 (repeated columns)
          for (int j = d / 2; j < d; ++j)
            for (int i = 0; i < d; ++i) w[i + j * d] = w[i + (j - d / 2) * d];
        if (kind == 2)  // rank 1
          for (int j = 1; j < d; ++j)
            for (int i = 0; i < d; ++i) w[i + j * d] = (j + 1) * w[i];
        if (kind == 3)  // graded columns down to 1e-12
          for (int j = 0; j < d; ++j)
            for (int i = 0; i < d; ++i) w[i + j * d] *= std::pow(1e-12, double(j) / (d - 1));
        if (kind == 4)  // squares overflow without the scaling
          for (auto &x : w) x *= 1e160;
        if (kind == 5)  // squares underflow without the scaling
          for (auto &x : w) x *= 1e-160;
      }
      std::vector<std::vector<double>> copies = mats;
      std::vector<double *> ptrs;
      for (auto &w : copies) ptrs.push_back(w.data());
      std::vector<double> got(static_cast<std::size_t>(count));
      svd.nuclear_norms(count, ptrs.data(), got.data());
      for (int l = 0; l < count; ++l) {
        const auto &w = mats[static_cast<std::size_t>(l)];
        // w is column-major (entry (i, j) at i + j d): its columns are contiguous. The reference
        // works on w scaled by a power of two to entries <= 1 (exact), so that its squares stay
        // in range even where long double is only double (valgrind).
        double top = 0;
        for (double x : w) top = std::max(top, std::fabs(x));
        int ex = 0;
        std::frexp(top, &ex);
        std::vector<Real> cols(w.size());
        Real frob = 0;
        for (std::size_t i = 0; i < w.size(); ++i) {
          cols[i] = std::ldexp(static_cast<Real>(w[i]), -ex);
          frob += cols[i] * cols[i];
        }
        const double ref = std::ldexp(static_cast<double>(nuclear_norm_jacobi(d, cols)), ex);
        const double bound =
            std::ldexp(4.0 * d * d * eps * static_cast<double>(std::sqrt(frob)), ex);
        INFO("d " << d << " count " << count << " lane " << l << " got " << got[l] << " ref " << ref
                  << " bound " << bound);
        CHECK(std::fabs(got[static_cast<std::size_t>(l)] - ref) <= bound);
      }
    }
  }
}
