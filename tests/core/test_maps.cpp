// SPDX-License-Identifier: MIT
// Transport maps of an MW2 plan on many points (Delon-Desolneux 2020, section 6.3;
// numerics.md D.3): T_mean against a brute-force evaluation of the paper's formula, the closed
// cases (one component each side: the Gaussian Monge map; a translated copy: the translation),
// T_rand's push-forward of samples of mu0 (component weights, means and covariances of mu1
// within a few standard errors), far points, points off every degenerate support, thread-count
// independence (bitwise), zero weights, and the errors (NoMap, NonFinite, Overflow).
//
// Tolerances. Mapped points are convex combinations of affine maps A (x - m0) + m1 whose
// entries are accurate to about 1e-15 relative to ||A|| |x - m0| + |m1| (README's accuracy
// contract for moderately conditioned covariances, as here), and posteriors are accurate to a
// few ulps relative; comparisons use 1e-12 (1 + |x| + |T(x)|), a thousand times that.
// Statistical checks use 5 standard errors with fixed seeds (deterministic).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "error_support.hpp"
#include "maps/transport_maps.hpp"
#include "mixture/gmm.hpp"
#include "mw2/mw2_plan.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

Mw2Plan plan_of(const Gmm &g0, const Gmm &g1, unsigned threads = 1) {
  return Mw2Plan(shared(g0), shared(g1), {}, Context{threads});
}

// K components in dimension d: weights from `w` (or uniform), means N(0, spread^2 I),
// covariances with condition number 20 scaled by a factor in [0.2, 2].
Gmm random_gmm(std::size_t k, int d, std::mt19937_64 &rng, double spread,
               std::vector<double> w = {}) {
  std::uniform_real_distribution<double> us(0.2, 2.0);
  if (w.empty()) w.assign(k, 1.0 / static_cast<double>(k));
  std::vector<double> m, s;
  for (std::size_t c = 0; c < k; ++c) {
    const auto mc = random_vec(d, rng, spread);
    m.insert(m.end(), mc.begin(), mc.end());
    const double f = us(rng);
    for (double v : random_cov(d, 20.0, rng)) s.push_back(f * v);
  }
  return make_gmm(static_cast<std::size_t>(d), w, m, s);
}

double norm(const double *v, std::size_t d) {
  double s = 0.0;
  for (std::size_t i = 0; i < d; ++i) s += v[i] * v[i];
  return std::sqrt(s);
}

// log N(x; m, S) by eigen-decomposition of S (full rank), independent of the library's factors.
double log_normal_reference(int d, const double *x, const double *m, const double *s) {
  Mat v(s, s + static_cast<std::size_t>(d) * d);
  std::vector<double> ev(static_cast<std::size_t>(d));
  linalg::sym_eig(d, v.data(), ev.data());
  double q = 0.0, logdet = 0.0;
  for (int e = 0; e < d; ++e) {
    double c = 0.0;
    for (int i = 0; i < d; ++i) c += v[i + e * d] * (x[i] - m[i]);
    q += c * c / ev[e];
    logdet += std::log(ev[e]);
  }
  return -0.5 * (d * std::log(2.0 * M_PI) + logdet + q);
}

// The paper's formula term by term: sum_kl w_kl N_k(x) (A_kl x + b_kl) / sum_k r_k N_k(x), with
// the pair maps in their uncentred form and the weights normalised in long double.
std::vector<double> t_mean_reference(const Mw2Plan &plan, std::size_t n, const double *x) {
  const Gmm &g0 = plan.source();
  const std::size_t d = g0.d(), k0 = g0.k();
  const auto &entries = plan.transport().plan;
  const auto maps = plan.pair_maps();
  std::vector<double> out(n * d);
  for (std::size_t p = 0; p < n; ++p) {
    const double *xp = x + p * d;
    std::vector<double> lp(k0, -std::numeric_limits<double>::infinity());
    for (std::size_t k = 0; k < k0; ++k) {
      lp[k] = log_normal_reference(static_cast<int>(d), xp, g0.means().data() + k * d,
                                   g0.covariances().data() + k * d * d);
    }
    double mx = -std::numeric_limits<double>::infinity();
    for (const auto &e : entries) mx = std::max(mx, lp[e.i]);
    long double den = 0.0L;
    std::vector<long double> num(d, 0.0L);
    for (std::size_t n_e = 0; n_e < entries.size(); ++n_e) {
      const auto &e = entries[n_e];
      const long double wgt = static_cast<long double>(e.mass) * std::exp(lp[e.i] - mx);
      den += wgt;
      const auto &a = maps[n_e].map.a;
      const auto &b = maps[n_e].map.b;
      for (std::size_t i = 0; i < d; ++i) {
        long double t = b[i];
        for (std::size_t j = 0; j < d; ++j) t += static_cast<long double>(a[i * d + j]) * xp[j];
        num[i] += wgt * t;
      }
    }
    for (std::size_t i = 0; i < d; ++i) out[p * d + i] = static_cast<double>(num[i] / den);
  }
  return out;
}

void check_close(std::size_t n, std::size_t d, const double *x, const double *got,
                 const double *want, double rel) {
  for (std::size_t p = 0; p < n; ++p) {
    const double scale = 1.0 + norm(x + p * d, d) + norm(want + p * d, d);
    for (std::size_t i = 0; i < d; ++i) {
      INFO("point " << p << " coordinate " << i);
      CHECK(std::fabs(got[p * d + i] - want[p * d + i]) <= rel * scale);
    }
  }
}

std::vector<double> t_mean(const Mw2Plan &plan, const std::vector<double> &x, unsigned threads) {
  const std::size_t d = plan.dim(), n = x.size() / d;
  std::vector<double> out(n * d, std::nan(""));
  TransportMaps(plan).apply_mean(n, x.data(), Context{threads}, out.data());
  return out;
}

std::vector<double> t_rand(const Mw2Plan &plan, const std::vector<double> &x, std::uint64_t seed,
                           unsigned threads) {
  const std::size_t d = plan.dim(), n = x.size() / d;
  std::vector<double> out(n * d, std::nan(""));
  TransportMaps(plan).apply_rand(n, x.data(), seed, Context{threads}, out.data());
  return out;
}

std::vector<double> sample(const Gmm &g, std::size_t n, std::uint64_t seed,
                           std::vector<std::size_t> *labels = nullptr) {
  std::vector<double> x(n * g.d());
  if (labels != nullptr) labels->resize(n);
  g.sample(n, seed, Context{2}, x.data(), labels != nullptr ? labels->data() : nullptr);
  return x;
}

}  // namespace

TEST_CASE("T_mean matches the paper's formula evaluated term by term", "[maps]") {
  std::mt19937_64 rng(5);
  for (int d : {1, 2, 3, 4, 7}) {
    INFO("d = " << d);
    const Gmm g0 = random_gmm(4, d, rng, 1.5, {0.1, 0.2, 0.3, 0.4});
    const Gmm g1 = random_gmm(5, d, rng, 1.5);
    const Mw2Plan plan = plan_of(g0, g1);
    const std::size_t n = 700;  // several blocks, and a partial last block
    const std::vector<double> x = random_vec(static_cast<int>(n) * d, rng, 2.0);
    const std::vector<double> got = t_mean(plan, x, 2);
    const std::vector<double> want = t_mean_reference(plan, n, x.data());
    check_close(n, static_cast<std::size_t>(d), x.data(), got.data(), want.data(), 1e-12);
  }
}

TEST_CASE("T_mean with diagonal and singular source components", "[maps]") {
  SECTION("diagonal covariances (the projected kernel without a support test)") {
    std::mt19937_64 rng(6);
    for (int d : {2, 3, 5}) {
      INFO("d = " << d);
      const std::size_t dd = static_cast<std::size_t>(d);
      std::vector<double> m, s(3 * dd * dd, 0.0);
      for (std::size_t k = 0; k < 3; ++k) {
        const auto mk = random_vec(d, rng, 1.5);
        m.insert(m.end(), mk.begin(), mk.end());
        for (std::size_t i = 0; i < dd; ++i)
          s[k * dd * dd + i * dd + i] =
              0.3 + 0.4 * static_cast<double>(i) + 0.1 * static_cast<double>(k);
      }
      const Gmm g0 = make_gmm(dd, {0.3, 0.3, 0.4}, m, s);
      const Gmm g1 = random_gmm(3, d, rng, 1.5);
      const Mw2Plan plan = plan_of(g0, g1);
      const std::size_t n = 300;
      const std::vector<double> x = random_vec(static_cast<int>(n) * d, rng, 2.0);
      const auto got = t_mean(plan, x, 2);
      const auto want = t_mean_reference(plan, n, x.data());
      check_close(n, dd, x.data(), got.data(), want.data(), 1e-12);
    }
  }
  SECTION("a rank-1 source component: its density on its line, nothing off it") {
    // Component 1 of mu0 lives on the line (3, 3) + R (1, 1) with variance 2 along it, and is
    // paired with a rank-1 target on a parallel line (the pseudo-inverse map A = [[1,1],[1,1]]).
    const double kLog2Pi = std::log(2.0 * M_PI);
    const Gmm g0 = make_gmm(2, {0.5, 0.5}, {-3, 0, 3, 3}, {1, 0, 0, 1, 1, 1, 1, 1});
    const Gmm g1 = make_gmm(2, {0.5, 0.5}, {-3, 1, 4, 4}, {2, 0, 0, 2, 4, 4, 4, 4});
    const Mw2Plan plan = plan_of(g0, g1);
    REQUIRE(plan.transport().plan.size() == 2);
    const auto maps = plan.pair_maps();
    REQUIRE(maps[1].exists);
    const double r = 1.0 / std::sqrt(2.0);
    std::vector<double> x, t_on;
    for (double t : {0.0, 1.0, -2.0, 3.5}) {
      x.push_back(3 + t * r);
      x.push_back(3 + t * r);
      t_on.push_back(t);
    }
    for (double v : {3.5, 0.0, -1.0}) {  // off the line: component 0 only
      x.push_back(3);
      x.push_back(v);
    }
    const std::size_t n = x.size() / 2;
    const auto got = t_mean(plan, x, 1);
    for (std::size_t p = 0; p < n; ++p) {
      INFO("point " << p);
      const double *xp = x.data() + 2 * p;
      const double q0 = (xp[0] + 3) * (xp[0] + 3) + xp[1] * xp[1];
      const double lp0 = -kLog2Pi - 0.5 * q0;
      const double lp1 = p < t_on.size()
                             ? -0.5 * (kLog2Pi + std::log(2.0) + t_on[p] * t_on[p] / 2.0)
                             : -std::numeric_limits<double>::infinity();
      const double mx = std::max(lp0, lp1), e0 = std::exp(lp0 - mx), e1 = std::exp(lp1 - mx);
      for (std::size_t i = 0; i < 2; ++i) {
        double t0 = maps[0].map.b[i], t1 = maps[1].map.b[i];
        for (std::size_t j = 0; j < 2; ++j) {
          t0 += maps[0].map.a[i * 2 + j] * xp[j];
          t1 += maps[1].map.a[i * 2 + j] * xp[j];
        }
        const double want = (e0 * t0 + e1 * t1) / (e0 + e1);
        CHECK(std::fabs(got[2 * p + i] - want) <= 1e-12 * (1 + std::fabs(want)));
      }
    }
  }
}

TEST_CASE("one component on each side: both maps are the Gaussian Monge map", "[maps]") {
  std::mt19937_64 rng(11);
  for (int d : {1, 2, 3, 6}) {
    INFO("d = " << d);
    const Gmm g0 = random_gmm(1, d, rng, 3.0), g1 = random_gmm(1, d, rng, 3.0);
    const Mw2Plan plan = plan_of(g0, g1);
    const AffineMap ref =
        gaussian_monge_map(g0.means().data(), g0.factors()[0], g1.means().data(), g1.factors()[0]);
    const std::size_t n = 300, dd = static_cast<std::size_t>(d);
    const std::vector<double> x = random_vec(static_cast<int>(n) * d, rng, 5.0);
    std::vector<double> want(n * dd);
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t i = 0; i < dd; ++i) {
        double t = ref.b[i];
        for (std::size_t j = 0; j < dd; ++j) t += ref.a[i * dd + j] * x[p * dd + j];
        want[p * dd + i] = t;
      }
    const auto mean = t_mean(plan, x, 1), rnd = t_rand(plan, x, 3, 1);
    check_close(n, dd, x.data(), mean.data(), want.data(), 1e-13);
    check_close(n, dd, x.data(), rnd.data(), want.data(), 1e-13);
  }
}

TEST_CASE("onto a translated copy both maps are the translation", "[maps]") {
  std::mt19937_64 rng(12);
  for (int d : {2, 3, 5}) {
    INFO("d = " << d);
    const std::size_t dd = static_cast<std::size_t>(d);
    const Gmm g0 = random_gmm(4, d, rng, 2.0, {0.4, 0.3, 0.2, 0.1});
    const std::vector<double> shift = random_vec(d, rng, 3.0);
    std::vector<double> m1 = g0.means();
    for (std::size_t k = 0; k < 4; ++k)
      for (std::size_t i = 0; i < dd; ++i) m1[k * dd + i] += shift[i];
    const Gmm g1 = make_gmm(dd, g0.weights(), m1, g0.covariances());
    const Mw2Plan plan = plan_of(g0, g1);
    // The identity pairing is the unique optimum; the exact solver's arithmetic may leave
    // rounding-level masses (~1e-17) off the diagonal, which the maps must tolerate.
    for (const auto &e : plan.transport().plan) CHECK((e.i == e.j || e.mass <= 1e-15));
    const std::size_t n = 600;
    const std::vector<double> x = sample(g0, n, 17);
    std::vector<double> want(x);
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t i = 0; i < dd; ++i) want[p * dd + i] += shift[i];
    check_close(n, dd, x.data(), t_mean(plan, x, 2).data(), want.data(), 1e-12);
    check_close(n, dd, x.data(), t_rand(plan, x, 9, 2).data(), want.data(), 1e-12);
  }
}

TEST_CASE("T_rand pushes samples of mu0 onto mu1; T_mean preserves the mean", "[maps]") {
  // mu0 overlapping (posteriors far from one-hot), mu1 well separated so that every mapped point
  // can be assigned to its target component by its nearest mean.
  std::mt19937_64 rng(21);
  for (int d : {2, 5}) {
    INFO("d = " << d);
    const std::size_t dd = static_cast<std::size_t>(d), k1 = 4;
    const Gmm g0 = random_gmm(3, d, rng, 1.0, {0.5, 0.3, 0.2});
    std::vector<double> m1, s1;
    for (std::size_t l = 0; l < k1; ++l) {
      for (std::size_t i = 0; i < dd; ++i)
        m1.push_back(i == l % dd ? 40.0 * (static_cast<double>(l) + 1.0) : 0.0);
      for (double v : random_cov(d, 5.0, rng)) s1.push_back(v);
    }
    const std::vector<double> w1{0.1, 0.25, 0.3, 0.35};
    const Gmm g1 = make_gmm(dd, w1, m1, s1);
    const Mw2Plan plan = plan_of(g0, g1);
    const std::size_t n = 100000;
    const std::vector<double> x = sample(g0, n, 5);
    const std::vector<double> y = t_rand(plan, x, 77, 2);
    std::vector<double> count(k1, 0.0), sum(k1 * dd, 0.0), sq(k1 * dd * dd, 0.0);
    std::vector<std::size_t> label(n);
    for (std::size_t p = 0; p < n; ++p) {
      std::size_t best = 0;
      double bd = std::numeric_limits<double>::infinity();
      for (std::size_t l = 0; l < k1; ++l) {
        double dist = 0.0;
        for (std::size_t i = 0; i < dd; ++i) {
          const double t = y[p * dd + i] - m1[l * dd + i];
          dist += t * t;
        }
        if (dist < bd) {
          bd = dist;
          best = l;
        }
      }
      label[p] = best;
      count[best] += 1.0;
      for (std::size_t i = 0; i < dd; ++i) sum[best * dd + i] += y[p * dd + i];
    }
    for (std::size_t p = 0; p < n; ++p) {
      const std::size_t l = label[p];
      for (std::size_t i = 0; i < dd; ++i)
        for (std::size_t j = 0; j < dd; ++j)
          sq[(l * dd + i) * dd + j] += (y[p * dd + i] - sum[l * dd + i] / count[l]) *
                                       (y[p * dd + j] - sum[l * dd + j] / count[l]);
    }
    for (std::size_t l = 0; l < k1; ++l) {
      INFO("target component " << l);
      const double w = count[l] / n, se_w = std::sqrt(w1[l] * (1 - w1[l]) / n);
      CHECK(std::fabs(w - w1[l]) <= 5 * se_w);
      for (std::size_t i = 0; i < dd; ++i) {
        const double var = s1[(l * dd + i) * dd + i];
        CHECK(std::fabs(sum[l * dd + i] / count[l] - m1[l * dd + i]) <=
              5 * std::sqrt(var / count[l]));
        for (std::size_t j = 0; j < dd; ++j) {
          // Sample covariance: standard error sqrt((S_ii S_jj + S_ij^2) / n_l).
          const double sij = s1[(l * dd + i) * dd + j];
          const double se = std::sqrt((var * s1[(l * dd + j) * dd + j] + sij * sij) / count[l]);
          CHECK(std::fabs(sq[(l * dd + i) * dd + j] / (count[l] - 1) - sij) <= 5 * se);
        }
      }
    }
    // E[T_mean(X)] = E[E[Y | X]] = E[Y], the mean of mu1; Var T_mean(X) <= Var Y per
    // coordinate, so the mean of Y's coordinates bounds the standard error.
    const std::vector<double> z = t_mean(plan, x, 2);
    for (std::size_t i = 0; i < dd; ++i) {
      double mean1 = 0.0, second1 = 0.0, got = 0.0;
      for (std::size_t l = 0; l < k1; ++l) {
        mean1 += w1[l] * m1[l * dd + i];
        second1 += w1[l] * (s1[(l * dd + i) * dd + i] + m1[l * dd + i] * m1[l * dd + i]);
      }
      for (std::size_t p = 0; p < n; ++p) got += z[p * dd + i];
      got /= n;
      const double se = std::sqrt((second1 - mean1 * mean1) / n);
      CHECK(std::fabs(got - mean1) <= 5 * se);
    }
  }
}

TEST_CASE("points far from every component map to finite values", "[maps]") {
  for (int d : {2, 200}) {
    INFO("d = " << d);
    const std::size_t dd = static_cast<std::size_t>(d);
    std::mt19937_64 rng(31 + d);
    // Three components with covariances 0.01 * (condition-20 matrices): far points have
    // log-densities around -1e16 (d = 200) and every density underflows.
    std::vector<double> m0, s0;
    for (int k = 0; k < 3; ++k) {
      const auto mk = random_vec(d, rng, 1.0);
      m0.insert(m0.end(), mk.begin(), mk.end());
      for (double v : random_cov(d, 20.0, rng)) s0.push_back(0.01 * v);
    }
    const Gmm g0 = make_gmm(dd, {0.2, 0.3, 0.5}, m0, s0);
    const Gmm g1 = random_gmm(2, d, rng, 2.0);
    const Mw2Plan plan = plan_of(g0, g1);
    std::vector<double> x;
    for (double r : {1e3, 1e6, 1e12, 1e100, 1e200}) {
      const auto u = random_vec(d, rng, 1.0);
      const double un = norm(u.data(), dd);
      for (std::size_t i = 0; i < dd; ++i) x.push_back(r * u[i] / un);
    }
    const std::size_t n = x.size() / dd;
    const auto mean = t_mean(plan, x, 1), rnd = t_rand(plan, x, 4, 1);
    for (std::size_t i = 0; i < n * dd; ++i) {
      INFO("entry " << i);
      REQUIRE(std::isfinite(mean[i]));
      REQUIRE(std::isfinite(rnd[i]));
    }
    // Where the posteriors are computed (|x| up to 1e12 here: the quadratic forms stay finite)
    // one component dominates, and T_mean is that component's averaged map, which the reference
    // reproduces for the points whose reference weights are finite.
    const auto want = t_mean_reference(plan, 3, x.data());
    check_close(3, dd, x.data(), mean.data(), want.data(), 1e-12);
  }
}

TEST_CASE("same results for any number of threads, bit for bit", "[maps]") {
  std::mt19937_64 rng(41);
  for (int d : {1, 3, 9}) {
    INFO("d = " << d);
    const Gmm g0 = random_gmm(5, d, rng, 1.0), g1 = random_gmm(6, d, rng, 1.0);
    const Mw2Plan plan = plan_of(g0, g1);
    const std::size_t n = 2000 + 37;
    const std::vector<double> x = random_vec(static_cast<int>(n) * d, rng, 1.5);
    const auto mean1 = t_mean(plan, x, 1), rand1 = t_rand(plan, x, 1234, 1);
    for (unsigned threads : {2u, 3u, 8u}) {
      INFO("threads = " << threads);
      const auto mean_t = t_mean(plan, x, threads), rand_t = t_rand(plan, x, 1234, threads);
      CHECK(std::memcmp(mean1.data(), mean_t.data(), mean1.size() * sizeof(double)) == 0);
      CHECK(std::memcmp(rand1.data(), rand_t.data(), rand1.size() * sizeof(double)) == 0);
    }
    // A point's draw depends on (seed, index) only: the first m of n are a draw of m alone
    // (for d > 3 with m a whole number of blocks, as BLAS may round a partial block's columns
    // differently), and another seed gives other draws.
    const std::size_t m = d <= 3 ? 301 : 256;
    const std::vector<double> head(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(m * d));
    const auto rand_head = t_rand(plan, head, 1234, 1);
    CHECK(std::memcmp(rand1.data(), rand_head.data(), rand_head.size() * sizeof(double)) == 0);
    const auto mean_head = t_mean(plan, head, 1);
    CHECK(std::memcmp(mean1.data(), mean_head.data(), mean_head.size() * sizeof(double)) == 0);
    CHECK(t_rand(plan, x, 1235, 1) != rand1);
  }
}

TEST_CASE("zero-weight components get posterior 0 and are never drawn", "[maps]") {
  std::mt19937_64 rng(51);
  for (int d : {2, 5}) {
    INFO("d = " << d);
    const std::size_t dd = static_cast<std::size_t>(d);
    // Source component 1 has weight 0 and sits where the points are; target component 2 has
    // weight 0. Without them (g0r, g1r) the maps must agree.
    const Gmm g0 = random_gmm(3, d, rng, 2.0, {0.6, 0.0, 0.4});
    const Gmm g1 = random_gmm(3, d, rng, 2.0, {0.5, 0.5, 0.0});
    auto drop = [&](const Gmm &g, std::size_t c) {
      std::vector<double> w, m, s;
      for (std::size_t k = 0; k < g.k(); ++k) {
        if (k == c) continue;
        w.push_back(g.weights()[k]);
        m.insert(m.end(), g.means().begin() + k * dd, g.means().begin() + (k + 1) * dd);
        s.insert(s.end(), g.covariances().begin() + k * dd * dd,
                 g.covariances().begin() + (k + 1) * dd * dd);
      }
      return make_gmm(dd, w, m, s);
    };
    const Gmm g0r = drop(g0, 1), g1r = drop(g1, 2);
    const Mw2Plan plan = plan_of(g0, g1), reduced = plan_of(g0r, g1r);
    const std::size_t n = 500;
    std::vector<double> x = random_vec(static_cast<int>(n) * d, rng, 0.5);
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t i = 0; i < dd; ++i) x[p * dd + i] += g0.means()[dd + i];
    const auto got = t_mean(plan, x, 2), want = t_mean(reduced, x, 2);
    check_close(n, dd, x.data(), got.data(), want.data(), 1e-12);
    // T_rand: identical draws (same streams, same active components in the same order).
    const auto r_got = t_rand(plan, x, 8, 2), r_want = t_rand(reduced, x, 8, 2);
    check_close(n, dd, x.data(), r_got.data(), r_want.data(), 1e-12);
  }
  SECTION("a singular zero-weight source component whose maps do not exist is ignored") {
    const Gmm g0 = make_gmm(2, {1.0, 0.0}, {0, 0, 5, 5}, {1, 0.2, 0.2, 1, 1, 0, 0, 0});
    const Gmm g1 = make_gmm(2, {0.5, 0.5}, {1, 1, 2, 2}, {1, 0, 0, 1, 2, 0, 0, 2});
    const Mw2Plan plan = plan_of(g0, g1);
    const std::vector<double> x{0.5, -0.5, 5, 5};
    const auto got = t_mean(plan, x, 1);
    CHECK(std::isfinite(got[0]));
    CHECK(std::isfinite(got[3]));
  }
}

TEST_CASE("points off the support of every degenerate source component", "[maps]") {
  // Two Diracs mapped onto two Diracs (maps A = 0, b = m1): a point at or near a source Dirac
  // goes to its partner; a point equidistant from both to the mass-weighted average.
  const Gmm g0 = make_gmm(2, {0.25, 0.75}, {0, 0, 10, 0}, std::vector<double>(8, 0.0));
  const Gmm g1 = make_gmm(2, {0.25, 0.75}, {-1, 3, 20, 7}, std::vector<double>(8, 0.0));
  const Mw2Plan plan = plan_of(g0, g1);
  const std::vector<double> x{0, 0, 0.001, 0, 10, 1e-3, 5, 0, 5, 3};
  const auto got = t_mean(plan, x, 1);
  const std::vector<double> want{-1, 3, -1, 3, 20, 7, 14.75, 6.0, 14.75, 6.0};
  for (std::size_t i = 0; i < want.size(); ++i) {
    INFO("entry " << i);
    CHECK(got[i] == Approx(want[i]).epsilon(1e-14).margin(1e-14));
  }
  const auto rnd = t_rand(plan, x, 2, 1);
  for (std::size_t p = 0; p < 3; ++p) {
    INFO("point " << p);
    CHECK(rnd[2 * p] == want[2 * p]);
    CHECK(rnd[2 * p + 1] == want[2 * p + 1]);
  }
  for (std::size_t p = 3; p < 5; ++p) CHECK((rnd[2 * p] == -1.0 || rnd[2 * p] == 20.0));
}

TEST_CASE("maps: errors", "[maps]") {
  SECTION("NoMap names the pair (k, l)") {
    // Source component 1 is singular (a line); the target component it is paired with is not
    // supported on that line.
    const Gmm g0 = make_gmm(2, {0.5, 0.5}, {0, 0, 10, 10}, {1, 0, 0, 1, 1, 0, 0, 0});
    const Gmm g1 = make_gmm(2, {0.5, 0.5}, {0, 1, 10, 11}, {1, 0, 0, 1, 1, 0, 0, 1});
    const Mw2Plan plan = plan_of(g0, g1);
    std::string msg;
    CHECK(error_of([&] { TransportMaps maps(plan); }, &msg) == Errc::NoMap);
    CHECK(msg.find("(k, l) = (1, 1)") != std::string::npos);
  }
  std::mt19937_64 rng(61);
  const Gmm g0 = random_gmm(2, 2, rng, 1.0), g1 = random_gmm(2, 2, rng, 1.0);
  const Mw2Plan plan = plan_of(g0, g1);
  const TransportMaps maps(plan);
  std::vector<double> out(6, 7.0);
  SECTION("NonFinite names x[i][j]; nothing written") {
    const std::vector<double> x{0, 0, 1, std::nan(""), 2, 2};
    std::string msg;
    CHECK(error_of([&] { maps.apply_mean(3, x.data(), Context{2}, out.data()); }, &msg) ==
          Errc::NonFinite);
    CHECK(msg.find("x[1][1]") != std::string::npos);
    CHECK(error_of([&] { maps.apply_rand(3, x.data(), 1, Context{2}, out.data()); }) ==
          Errc::NonFinite);
    CHECK(out == std::vector<double>(6, 7.0));
  }
  SECTION("Overflow when a mapped point might not be representable; nothing written") {
    const std::vector<double> x{0, 0, 1e308, -1e308, 2, 2};
    CHECK(error_of([&] { maps.apply_mean(3, x.data(), Context{1}, out.data()); }) ==
          Errc::Overflow);
    CHECK(error_of([&] { maps.apply_rand(3, x.data(), 1, Context{1}, out.data()); }) ==
          Errc::Overflow);
    CHECK(out == std::vector<double>(6, 7.0));
    // mean_representable agrees with the check: these coordinates fail it, small ones pass,
    // and so does apply_mean on points within them.
    CHECK_FALSE(maps.mean_representable(1e308));
    CHECK(maps.mean_representable(2.0));
    const std::vector<double> small{0, 0, 2, -2, 1.5, 1};
    CHECK_NOTHROW(maps.apply_mean(3, small.data(), Context{1}, out.data()));
  }
  SECTION("n = 0 is a no-op") {
    maps.apply_mean(0, nullptr, Context{1}, nullptr);
    maps.apply_rand(0, nullptr, 1, Context{1}, nullptr);
  }
}

TEST_CASE("maps of an entropic plan", "[maps]") {
  // The plan is dense; T_mean still matches the formula term by term (with the plan's own row
  // sums), and T_rand stays finite and reproducible.
  std::mt19937_64 rng(71);
  const Gmm g0 = random_gmm(4, 3, rng, 1.0), g1 = random_gmm(5, 3, rng, 1.0);
  Mw2Options o;
  o.method = TransportMethod::Entropic;
  o.entropic.epsilon = 0.05;
  const Mw2Plan plan(shared(g0), shared(g1), o, {});
  REQUIRE(plan.transport().plan.size() == 20);
  const std::size_t n = 300;
  const std::vector<double> x = random_vec(static_cast<int>(n) * 3, rng, 1.5);
  const auto got = t_mean(plan, x, 2);
  const auto want = t_mean_reference(plan, n, x.data());
  check_close(n, 3, x.data(), got.data(), want.data(), 1e-12);
  const auto r1 = t_rand(plan, x, 5, 1), r2 = t_rand(plan, x, 5, 3);
  CHECK(r1 == r2);
  for (double v : r1) CHECK(std::isfinite(v));
}
