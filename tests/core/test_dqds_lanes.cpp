// SPDX-License-Identifier: MIT
// The lockstep dqds (src/linalg/dqds_lanes.cpp) against LAPACK's implicit-shift QR on the
// bidiagonal (dbdsqr with singular vectors requested, which runs QR sweeps, not dqds: an
// independent algorithm), on random, graded, clustered and nearly singular bidiagonals; and the
// sums, whose bottom eigenvalues may deflate early (to the sum's absolute accuracy), against a
// long double one-sided Jacobi reference.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <lapack.h>

#include "linalg/dqds_lanes.hpp"
#include "linalg/small_svd.hpp"
#include "long_double_reference.hpp"

using gmmot::linalg::bidiagonal_singular_sums;
using gmmot::linalg::kDqdsLanes;

namespace {

struct Bidiagonal {
  std::vector<double> d, e;
};

// Sum of singular values by QR iteration (dbdsqr with vectors, which does not use dqds).
double qr_singular_sum(const Bidiagonal &b) {
  const int n = static_cast<int>(b.d.size());
  std::vector<double> d = b.d, e = b.e, vt(static_cast<std::size_t>(n) * n, 0.0),
                      work(4 * static_cast<std::size_t>(n) + 4);
  e.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) vt[static_cast<std::size_t>(i) * n + i] = 1.0;
  int info = 0, zero = 0, one = 1;
  LAPACK_dbdsqr("U", &n, &n, &zero, &zero, d.data(), e.data(), vt.data(), &n, nullptr, &one,
                nullptr, &one, work.data(), &info);
  REQUIRE(info == 0);
  double s = 0.0;
  for (double x : d) s += std::fabs(x);
  return s;
}

// Runs `count` problems in one call; returns the per-lane sums.
std::vector<double> run(const std::vector<Bidiagonal> &bs) {
  const int n = static_cast<int>(bs[0].d.size());
  const int count = static_cast<int>(bs.size());
  const double *diag[kDqdsLanes], *super[kDqdsLanes];
  for (int l = 0; l < count; ++l) {
    diag[l] = bs[static_cast<std::size_t>(l)].d.data();
    super[l] = bs[static_cast<std::size_t>(l)].e.data();
  }
  std::vector<double> work(gmmot::linalg::dqds_work_doubles(n)), out(kDqdsLanes, -7.0);
  bidiagonal_singular_sums(n, count, diag, super, work.data(), out.data());
  out.resize(static_cast<std::size_t>(count));
  return out;
}

Bidiagonal random_bidiagonal(std::mt19937_64 &rng, int n, double lo, double hi) {
  std::uniform_real_distribution<double> u(lo, hi);
  std::bernoulli_distribution sign(0.5);
  Bidiagonal b;
  for (int i = 0; i < n; ++i) b.d.push_back(sign(rng) ? u(rng) : -u(rng));
  for (int i = 0; i + 1 < n; ++i) b.e.push_back(sign(rng) ? u(rng) : -u(rng));
  return b;
}

void check_against_qr(const std::vector<Bidiagonal> &bs) {
  const std::vector<double> got = run(bs);
  for (std::size_t l = 0; l < bs.size(); ++l) {
    const double want = qr_singular_sum(bs[l]);
    INFO("lane " << l << " n " << bs[l].d.size());
    REQUIRE(got[l] >= 0.0);  // solved by dqds itself, not handed back
    CHECK(std::fabs(got[l] - want) <= 1e-13 * want);
  }
}

}  // namespace

TEST_CASE("dqds lanes: random bidiagonals match QR iteration for every lane count",
          "[linalg][dqds]") {
  std::mt19937_64 rng(20261123);
  for (int n : {3, 4, 5, 8, 27, 64, 130}) {
    for (int count = 1; count <= kDqdsLanes; ++count) {
      std::vector<Bidiagonal> bs;
      for (int l = 0; l < count; ++l) bs.push_back(random_bidiagonal(rng, n, 0.05, 1.0));
      check_against_qr(bs);
    }
  }
}

TEST_CASE("dqds lanes: graded, clustered and ill-conditioned bidiagonals", "[linalg][dqds]") {
  const int n = 40;
  std::vector<Bidiagonal> bs(4);
  for (int i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / (n - 1);
    bs[0].d.push_back(std::pow(10.0, -12.0 * t));          // graded downwards, condition 1e12
    bs[1].d.push_back(std::pow(10.0, -12.0 * (1.0 - t)));  // graded upwards
    bs[2].d.push_back(1.0);                                // a tight cluster around 1
    bs[3].d.push_back(i == n / 2 ? 1e-9 : 0.5 + t);        // one tiny singular value
    if (i + 1 < n) {
      bs[0].e.push_back(0.5 * std::pow(10.0, -12.0 * t));
      bs[1].e.push_back(0.5 * std::pow(10.0, -12.0 * (1.0 - t)));
      bs[2].e.push_back(1e-7 * (1.0 + t));
      bs[3].e.push_back(0.3);
    }
  }
  check_against_qr(bs);
}

TEST_CASE("dqds lanes: a lane's result does not depend on its position or its neighbours",
          "[linalg][dqds]") {
  std::mt19937_64 rng(11);
  const int n = 27;
  const Bidiagonal target = random_bidiagonal(rng, n, 0.1, 1.0);
  const double alone = run({target})[0];
  REQUIRE(alone >= 0.0);
  for (int pos = 0; pos < kDqdsLanes; ++pos) {
    std::vector<Bidiagonal> bs;
    for (int l = 0; l < kDqdsLanes; ++l) {
      // Neighbours converge at very different speeds (graded or nearly diagonal).
      bs.push_back(l == pos ? target : random_bidiagonal(rng, n, 1e-3 * (l + 1), 1.0));
    }
    CHECK(run(bs)[static_cast<std::size_t>(pos)] == alone);
  }
}

TEST_CASE("dqds lanes: sizes 1 and 2 use the closed forms", "[linalg][dqds]") {
  Bidiagonal one{{-3.0}, {}};
  CHECK(run({one})[0] == 3.0);
  // [[3, 4], [0, 5]]: B^T B = [[9, 12], [12, 41]], eigenvalues 25 +- sqrt(16^2 + 12^2) = 45, 5.
  Bidiagonal two{{3.0, 5.0}, {4.0}};
  CHECK(run({two})[0] == Approx(std::sqrt(45.0) + std::sqrt(5.0)).epsilon(1e-15));
}

TEST_CASE("dqds lanes: zero or tiny entries are handed back; SmallSvd then uses LAPACK",
          "[linalg][dqds]") {
  std::mt19937_64 rng(5);
  Bidiagonal zero_d = random_bidiagonal(rng, 6, 0.1, 1.0);
  zero_d.d[2] = 0.0;
  Bidiagonal zero_e = random_bidiagonal(rng, 6, 0.1, 1.0);
  zero_e.e[3] = 0.0;
  Bidiagonal tiny = random_bidiagonal(rng, 6, 0.1, 1.0);
  tiny.d[4] = 1e-200;
  const Bidiagonal fine = random_bidiagonal(rng, 6, 0.1, 1.0);
  const std::vector<double> got = run({zero_d, zero_e, tiny, fine});
  CHECK(got[0] == -1.0);
  CHECK(got[1] == -1.0);
  CHECK(got[2] == -1.0);
  CHECK(got[3] == Approx(qr_singular_sum(fine)).epsilon(1e-13));

  // Through SmallSvd: a rank-deficient matrix (zero singular values) next to full-rank ones.
  const int n = 5;
  gmmot::linalg::SmallSvd svd(n);
  std::vector<std::vector<double>> mats(3, std::vector<double>(n * n));
  std::normal_distribution<double> g;
  for (auto &m : mats)
    for (double &x : m) x = g(rng);
  for (int i = 0; i < n; ++i) mats[1][static_cast<std::size_t>(i) * n + 3] = 0.0;  // a zero row
  std::vector<std::vector<double>> copies = mats;
  double *ptrs[3] = {mats[0].data(), mats[1].data(), mats[2].data()};
  double out[3];
  svd.nuclear_norms(3, ptrs, out);
  for (int k = 0; k < 3; ++k) {
    // Oracle: LAPACK's dgesvd on the untouched copy.
    std::vector<double> a = copies[static_cast<std::size_t>(k)], sv(n), work(64 * n);
    int m = n, lwork = 64 * n, info = 0, one = 1;
    LAPACK_dgesvd("N", "N", &m, &m, a.data(), &m, sv.data(), nullptr, &one, nullptr, &one,
                  work.data(), &lwork, &info);
    REQUIRE(info == 0);
    double want = 0.0;
    for (double x : sv) want += x;
    CHECK(out[k] == Approx(want).epsilon(1e-13));
  }
}

TEST_CASE(
    "dqds lanes: sums within 4 eps of a long double reference, singular values spread "
    "over many orders (early deflation)",
    "[linalg][dqds]") {
  // Entries of magnitude 10^-u, u uniform in [0, spread]: the bottom singular values converge
  // at very different speeds, so the early deflation and its confirmation (or undoing) by the
  // next transform all occur. The early deflations add at most eps ||B||_F <= eps * sum in all
  // (eps ||B||_F / n each), below the dqds's own rounding (about 3 eps * sum on these, with or
  // without them): every lane must stay within 4 eps * sum of the reference.
  std::mt19937_64 rng(20261206);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::bernoulli_distribution sign(0.5);
  double worst = 0.0;
  for (int n : {4, 5, 9, 27, 64}) {
    for (double spread : {1.0, 3.0, 6.0}) {
      for (int batch = 0; batch < (n <= 27 ? 12 : 4); ++batch) {
        std::vector<Bidiagonal> bs(kDqdsLanes);
        for (Bidiagonal &b : bs) {
          for (int i = 0; i < n; ++i) {
            const double x = std::pow(10.0, -spread * u(rng));
            b.d.push_back(sign(rng) ? x : -x);
            if (i + 1 < n) b.e.push_back(std::pow(10.0, -spread * u(rng)));
          }
        }
        const std::vector<double> got = run(bs);
        for (int l = 0; l < kDqdsLanes; ++l) {
          const Bidiagonal &b = bs[static_cast<std::size_t>(l)];
          std::vector<gmmot::test::Real> cols(static_cast<std::size_t>(n) * n, 0.0L);
          for (int j = 0; j < n; ++j) {
            cols[static_cast<std::size_t>(j) * n + j] = b.d[static_cast<std::size_t>(j)];
            if (j > 0) cols[static_cast<std::size_t>(j) * n + j - 1] = b.e[j - 1];
          }
          const double want = static_cast<double>(gmmot::test::nuclear_norm_jacobi(n, cols));
          INFO("n " << n << " spread " << spread << " lane " << l);
          REQUIRE(got[static_cast<std::size_t>(l)] >= 0.0);
          const double err = std::fabs(got[static_cast<std::size_t>(l)] - want) / (0x1p-52 * want);
          worst = std::max(worst, err);
          CHECK(err <= 4.0);
        }
      }
    }
  }
  INFO("largest error " << worst << " eps * sum");
  CHECK(worst <= 4.0);
}
