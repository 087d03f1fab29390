// SPDX-License-Identifier: MIT
// SmallSvd::product_nuclear_norms (factor products formed in the bidiagonalisation's lanes,
// linalg/factor_product_lanes.hpp, then the fused lane bidiagonalisation and the lockstep dqds)
// against a long double reference (the product of the factors in long double, one-sided Jacobi
// singular values) at d = 4 .. 64: lower triangular and general factors, rank-deficient, graded
// and extreme-scale ones, zero factors, partial batches; and each lane's result independent of
// its position and neighbours.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "linalg/dqds_lanes.hpp"
#include "linalg/small_svd.hpp"
#include "long_double_reference.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

// A d x d column-major factor of the given kind; lower: zero above the diagonal.
std::vector<double> random_factor(int d, int kind, bool lower, std::mt19937_64 &rng) {
  std::normal_distribution<double> n;
  std::vector<double> f(static_cast<std::size_t>(d) * d, 0.0);
  for (int j = 0; j < d; ++j)
    for (int i = lower ? j : 0; i < d; ++i) f[i + static_cast<std::size_t>(j) * d] = n(rng);
  for (int j = 0; j < d; ++j) {
    double *c = f.data() + static_cast<std::size_t>(j) * d;
    switch (kind) {
      case 1:  // graded columns down to 1e-12 (condition numbers of S up to 1e24)
        for (int i = 0; i < d; ++i) c[i] *= std::pow(1e-12, double(j) / (d - 1));
        break;
      case 2:  // singular: every third column zero
        if (j % 3 == 1)
          for (int i = 0; i < d; ++i) c[i] = 0.0;
        break;
      case 3:  // squares overflow without the scaling
        for (int i = 0; i < d; ++i) c[i] *= 1e150;
        break;
      case 4:  // squares underflow without the scaling
        for (int i = 0; i < d; ++i) c[i] *= 1e-150;
        break;
      case 5:  // the zero factor (a Dirac component)
        for (int i = 0; i < d; ++i) c[i] = 0.0;
        break;
      default:
        break;
    }
  }
  return f;
}

// ||Fb^T Fa||_* in long double: the product's columns, then one-sided Jacobi. The factors are
// scaled by powers of two to entries <= 1 first (exact) so that the squares stay in range.
double reference(int d, const std::vector<double> &fa, const std::vector<double> &fb,
                 double *frob_out) {
  auto top_exp = [](const std::vector<double> &f) {
    double top = 0;
    for (double x : f) top = std::max(top, std::fabs(x));
    int ex = 0;
    if (top > 0) std::frexp(top, &ex);
    return ex;
  };
  const int ea = top_exp(fa), eb = top_exp(fb);
  std::vector<Real> cols(static_cast<std::size_t>(d) * d, 0.0L);
  Real frob = 0;
  for (int j = 0; j < d; ++j)
    for (int i = 0; i < d; ++i) {
      Real acc = 0;
      for (int k = 0; k < d; ++k)
        acc += std::ldexp(static_cast<Real>(fb[k + static_cast<std::size_t>(i) * d]), -eb) *
               std::ldexp(static_cast<Real>(fa[k + static_cast<std::size_t>(j) * d]), -ea);
      cols[i + static_cast<std::size_t>(j) * d] = acc;
      frob += acc * acc;
    }
  *frob_out = std::ldexp(static_cast<double>(std::sqrt(frob)), ea + eb);
  if (frob == 0) return 0.0;
  return std::ldexp(static_cast<double>(nuclear_norm_jacobi(d, cols)), ea + eb);
}

}  // namespace

TEST_CASE("lane factor products: nuclear norms agree with a long double reference, d = 4 .. 64",
          "[linalg][kernel]") {
  std::mt19937_64 rng(1707);
  const double eps = std::numeric_limits<double>::epsilon();
  for (int d : {4, 5, 7, 8, 13, 27, 33, 64}) {
    linalg::SmallSvd svd(d);
    for (bool lower : {true, false}) {
      for (int count : {1, 3, 4, 5, 8}) {
        std::vector<std::vector<double>> fa, fb;
        for (int l = 0; l < count; ++l) {
          fa.push_back(random_factor(d, (l + d) % 6, lower, rng));
          fb.push_back(random_factor(d, (2 * l + count) % 5, lower, rng));
        }
        std::vector<const double *> pa, pb;
        for (int l = 0; l < count; ++l) {
          pa.push_back(fa[static_cast<std::size_t>(l)].data());
          pb.push_back(fb[static_cast<std::size_t>(l)].data());
        }
        std::vector<double> got(static_cast<std::size_t>(count), -7.0);
        svd.product_nuclear_norms(count, pa.data(), pb.data(), lower, got.data());
        for (int l = 0; l < count; ++l) {
          const std::size_t sl = static_cast<std::size_t>(l);
          double frob = 0;
          const double ref = reference(d, fa[sl], fb[sl], &frob);
          // Backward stable: each singular value within ~d eps ||W|| (the product's rounding
          // included: |Fb|^T |Fa| <= ||Fa||_F ||Fb||_F entrywise bounds it by d eps too).
          double na = 0, nb = 0;
          for (double x : fa[sl]) na += x * x;
          for (double x : fb[sl]) nb += x * x;
          const double bound = 4.0 * d * d * eps * std::max(frob, std::sqrt(na) * std::sqrt(nb));
          INFO("d " << d << " lower " << lower << " count " << count << " lane " << l << " got "
                    << got[sl] << " ref " << ref << " bound " << bound);
          CHECK(std::fabs(got[sl] - ref) <= bound);
          if (ref == 0.0) CHECK(got[sl] == 0.0);
          // Alone, the same pair gives the same bits (lanes never mix).
          double alone = -7.0;
          svd.product_nuclear_norms(1, &pa[sl], &pb[sl], lower, &alone);
          CHECK(alone == got[sl]);
        }
      }
    }
  }
}

TEST_CASE("lane factor products agree with nuclear_norms of the double products",
          "[linalg][kernel]") {
  // Two routes to the same nuclear norm that differ only in the rounding of the products'
  // entries (d eps relative to |Fb|^T |Fa|).
  std::mt19937_64 rng(1708);
  const double eps = std::numeric_limits<double>::epsilon();
  for (int d : {6, 27, 64}) {
    linalg::SmallSvd svd(d);
    const int count = linalg::kDqdsLanes;
    std::vector<std::vector<double>> fa, fb, w;
    std::vector<const double *> pa, pb;
    std::vector<double *> pw;
    for (int l = 0; l < count; ++l) {
      fa.push_back(random_factor(d, l % 3, true, rng));
      fb.push_back(random_factor(d, (l + 1) % 3, true, rng));
    }
    for (int l = 0; l < count; ++l) {
      const auto &a = fa[static_cast<std::size_t>(l)], &b = fb[static_cast<std::size_t>(l)];
      std::vector<double> m(static_cast<std::size_t>(d) * d, 0.0);
      for (int j = 0; j < d; ++j)
        for (int i = 0; i < d; ++i)
          for (int k = 0; k < d; ++k)
            m[i + static_cast<std::size_t>(j) * d] +=
                b[k + static_cast<std::size_t>(i) * d] * a[k + static_cast<std::size_t>(j) * d];
      w.push_back(m);
      pa.push_back(a.data());
      pb.push_back(b.data());
    }
    for (auto &m : w) pw.push_back(m.data());
    std::vector<double> lanes(count), plain(count);
    svd.product_nuclear_norms(count, pa.data(), pb.data(), true, lanes.data());
    svd.nuclear_norms(count, pw.data(), plain.data());
    for (int l = 0; l < count; ++l) {
      INFO("d " << d << " lane " << l);
      CHECK(std::fabs(lanes[l] - plain[l]) <= 8.0 * d * d * eps * plain[l]);
    }
  }
}
