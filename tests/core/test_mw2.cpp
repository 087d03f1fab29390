// SPDX-License-Identifier: MIT
// MW2 between Gaussian mixtures (Delon-Desolneux 2020, section 4; Chen-Georgiou-Tannenbaum
// 2019, section III): metric properties on random instances with fixed seeds, the closed cases
// (one component each, Dirac mixtures, Lemma 4.1, affine images), Prop. 6's bounds, the
// translation identity, the plan's optimality certificate, the coupling's marginals and cost,
// the geodesic's endpoints and constant speed, the pair maps, the paper's 1-D example of
// section 4.3, degenerate inputs (zero weights, Diracs, singular covariances) and errors.
//
// Tolerances. Every cost entry W2^2(mu0^k, mu1^l) is accurate to about 1e-15 (|m0|^2 + |m1|^2
// + tr S0 + tr S1) (README's accuracy contract, for the moderately conditioned covariances used
// here), and MW2^2 is a convex combination of entries, so comparisons of MW2^2 use
// 1e-13 (M0 + M1) with M = sum_k pi_k (|m_k|^2 + tr S_k) the mixture's second moment: a hundred
// times the per-entry contract. A bound on a squared value turns into one on the distance
// through |sqrt(x + e) - sqrt(x)| <= sqrt(|e|).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <string>
#include <utility>

#include "error_support.hpp"
#include "mixture/gmm.hpp"
#include "mw2/mw2_plan.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

enum class CovKind { Full, Singular, Dirac, Mixed };

// K components in dimension d: weights uniform in [0.2, 1] then normalised, means N(0, 2^2 I),
// covariances with condition number 20 scaled by a factor in [0.2, 2]; Singular gives rank in
// [1, d - 1] (a Dirac for d = 1), Mixed cycles through full, singular and Dirac components.
Gmm random_gmm(std::size_t k, int d, std::mt19937_64 &rng, CovKind kind = CovKind::Full) {
  std::uniform_real_distribution<double> uw(0.2, 1.0), us(0.2, 2.0);
  std::vector<double> w(k), m, s;
  for (auto &x : w) x = uw(rng);
  const double sum = std::accumulate(w.begin(), w.end(), 0.0);
  for (auto &x : w) x /= sum;
  for (std::size_t c = 0; c < k; ++c) {
    const auto mean = random_vec(d, rng, 2.0);
    m.insert(m.end(), mean.begin(), mean.end());
    CovKind kc = kind;
    if (kind == CovKind::Mixed) {
      const CovKind cycle[] = {CovKind::Full, CovKind::Singular, CovKind::Dirac};
      kc = cycle[c % 3];
    }
    Mat cov(static_cast<std::size_t>(d) * d, 0.0);
    if (kc == CovKind::Full) {
      cov = random_cov(d, 20.0, rng);
    } else if (kc == CovKind::Singular && d > 1) {
      cov = random_cov(d, 20.0, rng, 1 + static_cast<int>(c % static_cast<std::size_t>(d - 1)));
    }
    const double f = us(rng);
    for (auto &x : cov) x *= f;
    s.insert(s.end(), cov.begin(), cov.end());
  }
  return make_gmm(static_cast<std::size_t>(d), w, m, s);
}

// The same mixture with every mean moved by delta.
Gmm translated(const Gmm &g, const std::vector<double> &delta) {
  std::vector<double> m(g.means());
  for (std::size_t i = 0; i < m.size(); ++i) m[i] += delta[i % g.d()];
  return make_gmm(g.d(), g.weights(), m, g.covariances());
}

// sum_k pi_k (|m_k|^2 + tr S_k): the scale of every W2^2 involving the mixture.
double second_moment(const Gmm &g) {
  const std::size_t d = g.d();
  double acc = 0.0;
  for (std::size_t k = 0; k < g.k(); ++k) {
    double c = 0.0;
    for (std::size_t i = 0; i < d; ++i) {
      c += g.means()[k * d + i] * g.means()[k * d + i];
      c += g.covariances()[k * d * d + i * d + i];
    }
    acc += g.weights()[k] * c;
  }
  return acc;
}

std::vector<double> mixture_mean(const Gmm &g) {
  std::vector<double> m(g.d(), 0.0);
  for (std::size_t k = 0; k < g.k(); ++k)
    for (std::size_t i = 0; i < g.d(); ++i) m[i] += g.weights()[k] * g.means()[k * g.d() + i];
  return m;
}

double mw2sq(const Gmm &g0, const Gmm &g1, const Mw2Options &o = {}) {
  return Mw2Plan(shared(g0), shared(g1), o, {}).mw2_squared();
}

double tol_sq(const Gmm &g0, const Gmm &g1) {
  return 1e-13 * (second_moment(g0) + second_moment(g1));
}

// Block (r0, c0) of size d x d of component n of a mixture in dimension 2d (row-major).
Mat block(const Gmm &g, std::size_t n, std::size_t r0, std::size_t c0) {
  const std::size_t d2 = g.d(), d = d2 / 2;
  Mat b(d * d);
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t j = 0; j < d; ++j)
      b[i * d + j] = g.covariances()[n * d2 * d2 + (r0 + i) * d2 + c0 + j];
  return b;
}

// The marginal of a coupling on R^{2d}: first (side 0) or last (side 1) d coordinates.
Gmm marginal(const Gmm &coupling, int side) {
  const std::size_t d = coupling.d() / 2, off = side == 0 ? 0 : d;
  std::vector<double> m, s;
  for (std::size_t n = 0; n < coupling.k(); ++n) {
    for (std::size_t i = 0; i < d; ++i) m.push_back(coupling.means()[n * 2 * d + off + i]);
    const Mat b = block(coupling, n, off, off);
    s.insert(s.end(), b.begin(), b.end());
  }
  return make_gmm(d, coupling.weights(), m, s);
}

// max |log mu(x) - log nu(x)| over n points drawn from mu (both mixtures in dimension d).
double max_log_density_gap(const Gmm &mu, const Gmm &nu, std::size_t n, std::uint64_t seed) {
  std::vector<double> pts(n * mu.d()), a(n), b(n);
  mu.sample(n, seed, Context{1}, pts.data(), nullptr);
  mu.log_density(n, pts.data(), Context{1}, a.data());
  nu.log_density(n, pts.data(), Context{1}, b.data());
  double gap = 0.0;
  for (std::size_t i = 0; i < n; ++i) gap = std::max(gap, std::fabs(a[i] - b[i]));
  return gap;
}

// Exact 1-D W2^2 between two discrete measures by the monotone (quantile) coupling: an oracle
// independent of any LP solver.
double w2sq_1d_discrete(std::vector<std::pair<double, double>> p0,
                        std::vector<std::pair<double, double>> p1) {  // (position, mass)
  std::sort(p0.begin(), p0.end());
  std::sort(p1.begin(), p1.end());
  std::size_t i = 0, j = 0;
  double r0 = p0[0].second, r1 = p1[0].second, acc = 0.0;
  while (i < p0.size() && j < p1.size()) {
    const double m = std::min(r0, r1);
    acc += m * (p0[i].first - p1[j].first) * (p0[i].first - p1[j].first);
    r0 -= m;
    r1 -= m;
    if (r0 <= 1e-15 && ++i < p0.size()) r0 += p0[i].second;
    if (r1 <= 1e-15 && ++j < p1.size()) r1 += p1[j].second;
  }
  return acc;
}

// CDF and quantile of a 1-D Gaussian mixture (bisection to the last bit).
double cdf_1d(const Gmm &g, double x) {
  double c = 0.0;
  for (std::size_t k = 0; k < g.k(); ++k) {
    const double s = std::sqrt(g.covariances()[k]);
    c += g.weights()[k] * 0.5 * std::erfc(-(x - g.means()[k]) / (s * std::sqrt(2.0)));
  }
  return c;
}
double quantile_1d(const Gmm &g, double u) {
  double lo = -1e3, hi = 1e3;
  for (int it = 0; it < 200 && hi - lo > 0.0; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (mid == lo || mid == hi) break;
    (cdf_1d(g, mid) < u ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}
// W2^2 in 1-D = int_0^1 (Q0(u) - Q1(u))^2 du by the midpoint rule in s after the substitution
// u = (1 - cos(pi s)) / 2: the integrand grows like log(1/u) at the ends, and the factor
// du/ds = (pi/2) sin(pi s) turns it into a function vanishing there, so the rule converges like
// O(h^2) (measured: errors 7.6e-10 at n = 10000 and 1.9e-10 at n = 20000 for section 4.3).
double w2sq_1d_quantiles(const Gmm &g0, const Gmm &g1, int n) {
  const double pi = 3.14159265358979323846;
  double acc = 0.0;
  for (int i = 0; i < n; ++i) {
    const double s = (i + 0.5) / n;
    const double u = 0.5 * (1.0 - std::cos(pi * s));
    const double diff = quantile_1d(g0, u) - quantile_1d(g1, u);
    acc += diff * diff * 0.5 * pi * std::sin(pi * s);
  }
  return acc / n;
}

double min_eigenvalue(int d, Mat a) {
  std::vector<double> w(static_cast<std::size_t>(d));
  linalg::sym_eig(d, a.data(), w.data());
  return w[0];
}

}  // namespace

TEST_CASE("MW2: the paper's 1-D example (section 4.3)", "[mw2]") {
  // mu0 = 0.3 N(0.2, 0.03^2) + 0.7 N(0.4, 0.04^2), mu1 = 0.6 N(0.6, 0.06^2) + 0.4 N(0.8, 0.07^2).
  // In 1-D, W2^2(N(a, s^2), N(b, r^2)) = (a - b)^2 + (s - r)^2:
  //   C = [[0.16 + 0.0009, 0.36 + 0.0016], [0.04 + 0.0004, 0.16 + 0.0009]]
  //     = [[0.1609, 0.3616], [0.0404, 0.1609]].
  // Plans with marginals (0.3, 0.7), (0.6, 0.4): w = [[x, 0.3 - x], [0.6 - x, 0.1 + x]],
  // x in [0, 0.3], cost = 0.3*0.3616 + 0.6*0.0404 + 0.1*0.1609 + x (0.1609 - 0.3616 - 0.0404
  // + 0.1609) = 0.14881 - 0.0802 x, minimal at x = 0.3: w* = [[0.3, 0], [0.3, 0.4]], three
  // components as in the paper's Figure 1, and
  //   MW2^2 = 0.3*0.1609 + 0.3*0.0404 + 0.4*0.1609 = 0.04827 + 0.01212 + 0.06436 = 0.12475.
  const Gmm g0 = make_gmm(1, {0.3, 0.7}, {0.2, 0.4}, {0.03 * 0.03, 0.04 * 0.04});
  const Gmm g1 = make_gmm(1, {0.6, 0.4}, {0.6, 0.8}, {0.06 * 0.06, 0.07 * 0.07});
  const Mw2Plan p(shared(g0), shared(g1), {}, {});
  CHECK(p.mw2_squared() == Approx(0.12475).epsilon(1e-14));
  const std::vector<double> c{0.1609, 0.3616, 0.0404, 0.1609};
  for (int i = 0; i < 4; ++i) CHECK(p.cost_matrix()[i] == Approx(c[i]).epsilon(1e-14));
  const auto &plan = p.transport().plan;
  REQUIRE(plan.size() == 3);
  CHECK((plan[0].i == 0 && plan[0].j == 0));
  CHECK((plan[1].i == 1 && plan[1].j == 0));
  CHECK((plan[2].i == 1 && plan[2].j == 1));
  CHECK(plan[0].mass == Approx(0.3).epsilon(1e-15));
  CHECK(plan[1].mass == Approx(0.3).epsilon(1e-15));
  CHECK(plan[2].mass == Approx(0.4).epsilon(1e-15));
  // Geodesic at t = 1/2: in 1-D the components move to N((a + b)/2, ((s + r)/2)^2).
  const Gmm mid = p.geodesic(0.5);
  REQUIRE(mid.k() == 3);
  const double means[] = {0.4, 0.5, 0.6}, sds[] = {0.045, 0.05, 0.055};
  for (int n = 0; n < 3; ++n) {
    CHECK(mid.means()[n] == Approx(means[n]).epsilon(1e-15));
    CHECK(mid.covariances()[n] == Approx(sds[n] * sds[n]).epsilon(1e-14));
  }
  // Prop. 6 with W2 by quantile functions. Reference W2^2 = 0.11795579199 (computed offline:
  // mpmath's tanh-sinh quadrature at 25 digits on quantiles bisected to 1e-30, and
  // scipy.integrate.quad, which agrees to 4e-11). MW2 is strictly larger than W2 here
  // (0.12475 against 0.11796), as the paper's Figure 1 shows.
  const double w2sq_n = w2sq_1d_quantiles(g0, g1, 10000);
  const double w2sq_2n = w2sq_1d_quantiles(g0, g1, 20000);
  CHECK(std::fabs(w2sq_n - w2sq_2n) <= 2e-9);  // O(h^2): halving h quarters the error
  CHECK(w2sq_2n == Approx(0.11795579199).margin(1e-9));
  const double w2 = std::sqrt(w2sq_2n), mw2 = std::sqrt(p.mw2_squared());
  const double tr0 = 0.3 * 0.03 * 0.03 + 0.7 * 0.04 * 0.04;
  const double tr1 = 0.6 * 0.06 * 0.06 + 0.4 * 0.07 * 0.07;
  CHECK(w2 + 1e-3 < mw2);  // gap 0.0098 in distance, far above the quadrature error
  CHECK(mw2 <= w2 + std::sqrt(2 * tr0) + std::sqrt(2 * tr1));
}

TEST_CASE("MW2: distance to itself is zero, with the diagonal plan", "[mw2]") {
  std::mt19937_64 rng(301);
  for (int d : {1, 2, 3, 5, 8}) {
    for (std::size_t k : {1u, 3u, 6u}) {
      for (CovKind kind : {CovKind::Full, CovKind::Mixed}) {
        const Gmm g = random_gmm(k, d, rng, kind);
        INFO("d = " << d << " K = " << k << " kind = " << static_cast<int>(kind));
        const Mw2Plan p(shared(g), shared(g), {}, {});
        double tr = 0.0;
        for (const auto &f : g.factors()) tr += f.trace;
        CHECK(std::fabs(p.mw2_squared()) <= 1e-13 * tr + 1e-300);
        REQUIRE(p.transport().plan.size() == k);
        for (std::size_t n = 0; n < k; ++n) {
          CHECK(p.transport().plan[n].i == n);
          CHECK(p.transport().plan[n].j == n);
          CHECK(p.transport().plan[n].mass == Approx(g.weights()[n]).epsilon(1e-14));
        }
      }
    }
  }
}

TEST_CASE("MW2: symmetric, with the transposed plan", "[mw2]") {
  std::mt19937_64 rng(302);
  for (int d : {1, 2, 3, 5, 8}) {
    for (int rep = 0; rep < 4; ++rep) {
      const CovKind kind = rep == 3 ? CovKind::Mixed : CovKind::Full;
      const Gmm g0 = random_gmm(2 + rep, d, rng, kind), g1 = random_gmm(5 - rep, d, rng, kind);
      INFO("d = " << d << " rep = " << rep);
      const Mw2Plan a(shared(g0), shared(g1), {}, {}), b(shared(g1), shared(g0), {}, {});
      CHECK(a.mw2_squared() == Approx(b.mw2_squared()).margin(tol_sq(g0, g1)));
      // The optimum is unique for generic data: the same entries, transposed.
      std::map<std::pair<std::size_t, std::size_t>, double> pa, pb;
      for (const auto &e : a.transport().plan) pa[{e.i, e.j}] = e.mass;
      for (const auto &e : b.transport().plan) pb[{e.j, e.i}] = e.mass;
      REQUIRE(pa.size() == pb.size());
      for (const auto &kv : pa) {
        REQUIRE(pb.count(kv.first) == 1);
        CHECK(pb[kv.first] == Approx(kv.second).margin(1e-14));
      }
    }
  }
}

TEST_CASE("MW2: triangle inequality on random triples", "[mw2]") {
  std::mt19937_64 rng(303);
  std::uniform_int_distribution<int> uk(1, 5);
  for (int d : {1, 2, 3, 5}) {
    for (int rep = 0; rep < 25; ++rep) {
      const CovKind kind = rep % 5 == 4 ? CovKind::Mixed : CovKind::Full;
      const Gmm a = random_gmm(uk(rng), d, rng, kind), b = random_gmm(uk(rng), d, rng, kind),
                c = random_gmm(uk(rng), d, rng, kind);
      // Triples where b lies near the segment between a and c make the inequality tight:
      // b = the geodesic midpoint between a and c, which is what rep % 5 == 3 uses.
      const Gmm mid = Mw2Plan(shared(a), shared(c), {}, {}).geodesic(0.5);
      const Gmm &bb = rep % 5 == 3 ? mid : b;
      INFO("d = " << d << " rep = " << rep);
      const double ac = std::sqrt(mw2sq(a, c)), ab = std::sqrt(mw2sq(a, bb)),
                   bc = std::sqrt(mw2sq(bb, c));
      const double slack =
          std::sqrt(1e-13 * (second_moment(a) + second_moment(bb) + second_moment(c)));
      CHECK(ac <= ab + bc + slack);
      CHECK(ab <= ac + bc + slack);
      CHECK(bc <= ab + ac + slack);
    }
  }
}

TEST_CASE("MW2: one component each is the Gaussian W2^2", "[mw2]") {
  std::mt19937_64 rng(304);
  for (int d : {1, 2, 3, 4, 9}) {
    for (CovKind kind : {CovKind::Full, CovKind::Singular, CovKind::Dirac}) {
      const Gmm g0 = random_gmm(1, d, rng, kind), g1 = random_gmm(1, d, rng, CovKind::Full);
      INFO("d = " << d << " kind = " << static_cast<int>(kind));
      const Mw2Plan p(shared(g0), shared(g1), {}, {});
      // A plan of one entry of mass 1: exactly the cost entry, which is gaussian_w2_squared.
      const double w2 = gaussian_w2_squared(g0.means().data(), g0.factors()[0], g1.means().data(),
                                            g1.factors()[0]);
      CHECK(p.mw2_squared() == w2);
      REQUIRE(p.transport().plan.size() == 1);
      CHECK(p.transport().plan[0].mass == 1.0);
      // And the textbook formula by eigen-decompositions (an independent route).
      const double ref =
          w2sq_reference(d, g0.means(), g0.covariances(), g1.means(), g1.covariances());
      CHECK(p.mw2_squared() == Approx(ref).margin(1e-12 * (second_moment(g0) + second_moment(g1))));
    }
  }
}

TEST_CASE("MW2: Dirac mixtures give the discrete W2", "[mw2]") {
  std::mt19937_64 rng(305);
  std::uniform_int_distribution<int> uk(1, 7);
  for (int d : {1, 2, 3, 5}) {
    for (int rep = 0; rep < 6; ++rep) {
      const Gmm g0 = random_gmm(uk(rng), d, rng, CovKind::Dirac),
                g1 = random_gmm(uk(rng), d, rng, CovKind::Dirac);
      const std::size_t k0 = g0.k(), k1 = g1.k(), du = d;
      INFO("d = " << d << " rep = " << rep << " K0 = " << k0 << " K1 = " << k1);
      const Mw2Plan p(shared(g0), shared(g1), {}, {});
      // Squared Euclidean costs computed here, solved by the exact LP directly.
      std::vector<double> c(k0 * k1);
      for (std::size_t k = 0; k < k0; ++k) {
        for (std::size_t l = 0; l < k1; ++l) {
          double s = 0.0;
          for (std::size_t i = 0; i < du; ++i) {
            const double x = g0.means()[k * du + i] - g1.means()[l * du + i];
            s += x * x;
          }
          c[k * k1 + l] = s;
          CHECK(p.cost_matrix()[k * k1 + l] == Approx(s).epsilon(4 * kEps));
        }
      }
      const TransportResult direct =
          transport_exact(k0, k1, g0.weights().data(), g1.weights().data(), c.data(), {}, {});
      const double tol = tol_sq(g0, g1);
      CHECK(p.mw2_squared() == Approx(direct.cost).margin(tol));
      if (d == 1) {  // and the monotone rearrangement, independent of the LP
        std::vector<std::pair<double, double>> a, b;
        for (std::size_t k = 0; k < k0; ++k) a.emplace_back(g0.means()[k], g0.weights()[k]);
        for (std::size_t l = 0; l < k1; ++l) b.emplace_back(g1.means()[l], g1.weights()[l]);
        CHECK(p.mw2_squared() == Approx(w2sq_1d_discrete(a, b)).margin(tol));
      }
      // The geodesic of Dirac mixtures is a Dirac mixture at the interpolated points, and the
      // coupling's components are Diracs at (m0_k, m1_l).
      const Gmm mid = p.geodesic(0.25);
      for (std::size_t n = 0; n < mid.k(); ++n) {
        const auto &e = p.transport().plan[n];
        CHECK(mid.factors()[n].rank == 0);
        for (std::size_t i = 0; i < du; ++i) {
          CHECK(mid.means()[n * du + i] ==
                Approx(0.75 * g0.means()[e.i * du + i] + 0.25 * g1.means()[e.j * du + i])
                    .margin(1e-15));
        }
      }
      const Gmm cpl = p.coupling();
      for (std::size_t n = 0; n < cpl.k(); ++n) CHECK(cpl.factors()[n].rank == 0);
      // Dirac to Dirac: the map exists (A = 0, b = m1).
      for (const PairMap &m : p.pair_maps()) {
        CHECK(m.exists);
        CHECK(frob(m.map.a) == 0.0);
      }
    }
  }
}

TEST_CASE("MW2: Lemma 4.1, a Gaussian mixture against a Dirac mixture", "[mw2]") {
  // MW2^2(mu0, sum_l pi1_l delta_{m1_l}) = W2^2(sum_k pi0_k delta_{m0_k}, mu1)
  //                                       + sum_k pi0_k tr S0_k.
  std::mt19937_64 rng(306);
  for (int d : {1, 2, 3, 6}) {
    for (int rep = 0; rep < 4; ++rep) {
      const Gmm g0 = random_gmm(2 + rep, d, rng, rep == 3 ? CovKind::Mixed : CovKind::Full);
      const Gmm g1 = random_gmm(4 - rep / 2, d, rng, CovKind::Dirac);
      const Gmm means_only =
          make_gmm(d, g0.weights(), g0.means(), std::vector<double>(g0.k() * d * d, 0.0));
      double tr = 0.0;
      for (std::size_t k = 0; k < g0.k(); ++k) tr += g0.weights()[k] * g0.factors()[k].trace;
      INFO("d = " << d << " rep = " << rep);
      CHECK(mw2sq(g0, g1) == Approx(mw2sq(means_only, g1) + tr).margin(tol_sq(g0, g1)));
    }
  }
}

TEST_CASE("MW2: the plan is optimal (dual certificate) and feasible", "[mw2]") {
  // Weak duality: for duals with u_k + v_l <= C_kl, sum u_k pi0_k + sum v_l pi1_l is a lower
  // bound; equality with the plan's cost certifies optimality independently of the solver.
  std::mt19937_64 rng(307);
  std::uniform_int_distribution<int> uk(1, 12);
  for (int d : {1, 2, 3, 5}) {
    for (int rep = 0; rep < 10; ++rep) {
      const Gmm g0 = random_gmm(uk(rng), d, rng, rep % 3 == 2 ? CovKind::Mixed : CovKind::Full);
      const Gmm g1 = random_gmm(uk(rng), d, rng, rep % 3 == 1 ? CovKind::Mixed : CovKind::Full);
      const std::size_t k0 = g0.k(), k1 = g1.k();
      INFO("d = " << d << " rep = " << rep << " K0 = " << k0 << " K1 = " << k1);
      const Mw2Plan p(shared(g0), shared(g1), {}, {});
      const TransportResult &t = p.transport();
      const double tol = tol_sq(g0, g1);
      CHECK(t.plan.size() <= k0 + k1 - 1);
      // The cost matrix is the pairwise Gaussian W2^2.
      for (std::size_t k = 0; k < k0; ++k) {
        for (std::size_t l = 0; l < k1; ++l) {
          CHECK(p.cost_matrix()[k * k1 + l] ==
                gaussian_w2_squared(g0.means().data() + k * d, g0.factors()[k],
                                    g1.means().data() + l * d, g1.factors()[l]));
        }
      }
      // Feasibility and the reported cost.
      std::vector<double> rows(k0, 0.0), cols(k1, 0.0);
      double cost = 0.0;
      for (const auto &e : t.plan) {
        CHECK(e.mass >= 0.0);
        rows[e.i] += e.mass;
        cols[e.j] += e.mass;
        cost += e.mass * p.cost_matrix()[e.i * k1 + e.j];
      }
      for (std::size_t k = 0; k < k0; ++k) CHECK(rows[k] == Approx(g0.weights()[k]).margin(1e-14));
      for (std::size_t l = 0; l < k1; ++l) CHECK(cols[l] == Approx(g1.weights()[l]).margin(1e-14));
      CHECK(p.mw2_squared() == Approx(cost).margin(tol));
      // Dual feasibility, complementary slackness, zero gap.
      REQUIRE(t.u.size() == k0);
      REQUIRE(t.v.size() == k1);
      double dual = 0.0;
      for (std::size_t k = 0; k < k0; ++k) dual += t.u[k] * g0.weights()[k];
      for (std::size_t l = 0; l < k1; ++l) dual += t.v[l] * g1.weights()[l];
      CHECK(dual == Approx(p.mw2_squared()).margin(tol));
      double scale = 0.0;
      for (double c : p.cost_matrix()) scale = std::max(scale, c);
      for (std::size_t k = 0; k < k0; ++k)
        for (std::size_t l = 0; l < k1; ++l)
          CHECK(t.u[k] + t.v[l] <= p.cost_matrix()[k * k1 + l] + 1e-13 * scale);
      for (const auto &e : t.plan)
        CHECK(t.u[e.i] + t.v[e.j] == Approx(p.cost_matrix()[e.i * k1 + e.j]).margin(1e-13 * scale));
    }
  }
}

TEST_CASE("MW2: Prop. 6 for affine images, where W2 = MW2 is known", "[mw2]") {
  // mu1 = T#mu0 with T(x) = A x + b, A symmetric positive definite: T is the gradient of a
  // convex function, so it is the W2-optimal map (Brenier) and
  //   W2^2(mu0, mu1) = E|X - T X|^2 = sum_k pi_k (|(I - A) m_k - b|^2 + tr((I - A) S_k (I - A))).
  // T also maps component k onto component k optimally, so the plan pairing k with k attains
  // this value, and W2 <= MW2 (Prop. 6, left) forces MW2 = W2; the right-hand bound then holds.
  std::mt19937_64 rng(308);
  for (int d : {1, 2, 3, 5}) {
    for (int rep = 0; rep < 3; ++rep) {
      const Gmm g0 = random_gmm(3 + rep, d, rng, rep == 2 ? CovKind::Mixed : CovKind::Full);
      const Mat a = random_cov(d, 5.0, rng);  // SPD, eigenvalues in [0.2, 1]
      const auto b = random_vec(d, rng);
      std::vector<double> m1, s1;
      double w2sq_exact = 0.0;
      Mat ia(a);
      for (auto &x : ia) x = -x;
      for (int i = 0; i < d; ++i) ia[i * d + i] += 1.0;  // I - A
      for (std::size_t k = 0; k < g0.k(); ++k) {
        const double *m = g0.means().data() + k * d;
        const Mat s(g0.covariances().begin() + k * d * d,
                    g0.covariances().begin() + (k + 1) * d * d);
        double dev = 0.0;
        for (int i = 0; i < d; ++i) {
          double am = b[i], im = -b[i];
          for (int j = 0; j < d; ++j) {
            am += a[i * d + j] * m[j];
            im += ia[i * d + j] * m[j];
          }
          m1.push_back(am);
          dev += im * im;
        }
        const Mat as = matmul(d, matmul(d, a, s), a);
        s1.insert(s1.end(), as.begin(), as.end());
        w2sq_exact += g0.weights()[k] * (dev + trace(d, matmul(d, matmul(d, ia, s), ia)));
      }
      const Gmm g1 = make_gmm(d, g0.weights(), m1, s1);
      INFO("d = " << d << " rep = " << rep);
      const double mw2 = mw2sq(g0, g1);
      CHECK(mw2 == Approx(w2sq_exact).margin(tol_sq(g0, g1)));
      double tr0 = 0.0, tr1 = 0.0;
      for (std::size_t k = 0; k < g0.k(); ++k) {
        tr0 += g0.weights()[k] * g0.factors()[k].trace;
        tr1 += g1.weights()[k] * g1.factors()[k].trace;
      }
      CHECK(std::sqrt(mw2) <= std::sqrt(w2sq_exact) + std::sqrt(2 * tr0) + std::sqrt(2 * tr1));
    }
  }
}

TEST_CASE("MW2: translating one mixture", "[mw2]") {
  // C_kl(Delta) = |m0_k - m1_l - Delta|^2 + B^2 = C_kl + |Delta|^2 - 2 <Delta, m0_k - m1_l>,
  // and sum_kl w_kl (m0_k - m1_l) = mean(mu0) - mean(mu1) for every feasible w, so every plan's
  // cost moves by the same |Delta|^2 + 2 <Delta, mean(mu1) - mean(mu0)>: the optimal plan is
  // unchanged and MW2^2(mu0, mu1 + Delta) = MW2^2(mu0, mu1) + |Delta|^2
  // + 2 <Delta, mean(mu1) - mean(mu0)>; translating both mixtures changes nothing.
  std::mt19937_64 rng(309);
  for (int d : {1, 2, 3, 5}) {
    for (int rep = 0; rep < 4; ++rep) {
      const Gmm g0 = random_gmm(2 + rep, d, rng, rep == 3 ? CovKind::Mixed : CovKind::Full);
      const Gmm g1 = random_gmm(4, d, rng, rep == 2 ? CovKind::Mixed : CovKind::Full);
      const auto delta = random_vec(d, rng, 3.0);
      const Gmm g1t = translated(g1, delta);
      const Mw2Plan p(shared(g0), shared(g1), {}, {}), q(shared(g0), shared(g1t), {}, {});
      const auto mean0 = mixture_mean(g0), mean1 = mixture_mean(g1);
      double shift = 0.0;
      for (int i = 0; i < d; ++i)
        shift += delta[i] * delta[i] + 2 * delta[i] * (mean1[i] - mean0[i]);
      INFO("d = " << d << " rep = " << rep);
      const double tol = tol_sq(g0, g1t);
      CHECK(q.mw2_squared() == Approx(p.mw2_squared() + shift).margin(tol));
      REQUIRE(q.transport().plan.size() == p.transport().plan.size());
      for (std::size_t n = 0; n < p.transport().plan.size(); ++n) {
        CHECK(q.transport().plan[n].i == p.transport().plan[n].i);
        CHECK(q.transport().plan[n].j == p.transport().plan[n].j);
        CHECK(q.transport().plan[n].mass == Approx(p.transport().plan[n].mass).margin(1e-14));
      }
      CHECK(mw2sq(translated(g0, delta), g1t) == Approx(p.mw2_squared()).margin(tol));
      // Centred mixtures: the cross term vanishes and the translation adds exactly |Delta|^2.
      std::vector<double> minus0(mean0), minus1(mean1);
      for (auto &x : minus0) x = -x;
      for (auto &x : minus1) x = -x;
      const Gmm c0 = translated(g0, minus0), c1 = translated(g1, minus1);
      double dd = 0.0;
      for (double x : delta) dd += x * x;
      CHECK(mw2sq(c0, translated(c1, delta)) == Approx(mw2sq(c0, c1) + dd).margin(tol));
    }
  }
}

TEST_CASE("MW2: the coupling has marginals mu0 and mu1 and costs MW2^2", "[mw2]") {
  std::mt19937_64 rng(310);
  std::uniform_int_distribution<int> uk(1, 6);
  for (int d : {1, 2, 3, 5}) {
    for (int rep = 0; rep < 6; ++rep) {
      const CovKind kind = rep % 3 == 2 ? CovKind::Mixed : CovKind::Full;
      const Gmm g0 = random_gmm(uk(rng), d, rng, kind), g1 = random_gmm(uk(rng), d, rng, kind);
      const std::size_t du = d;
      INFO("d = " << d << " rep = " << rep << " K0 = " << g0.k() << " K1 = " << g1.k());
      const Mw2Plan p(shared(g0), shared(g1), {}, {});
      const Gmm cpl = p.coupling();
      const auto &plan = p.transport().plan;
      REQUIRE(cpl.k() == plan.size());
      REQUIRE(cpl.d() == 2 * du);
      CHECK(cpl.k() <= g0.k() + g1.k() - 1);
      std::vector<double> rows(g0.k(), 0.0), cols(g1.k(), 0.0);
      double cost = 0.0;
      for (std::size_t n = 0; n < cpl.k(); ++n) {
        const std::size_t k = plan[n].i, l = plan[n].j;
        rows[k] += cpl.weights()[n];
        cols[l] += cpl.weights()[n];
        // Means are copied; covariance blocks are F F^T of the cached factors: rounding, plus
        // at most 64 d eps lambda_max per eigenvalue clamped by the eigen-factor.
        for (std::size_t i = 0; i < du; ++i) {
          CHECK(cpl.means()[n * 2 * du + i] == g0.means()[k * du + i]);
          CHECK(cpl.means()[n * 2 * du + du + i] == g1.means()[l * du + i]);
        }
        const Mat s0(g0.covariances().begin() + k * du * du,
                     g0.covariances().begin() + (k + 1) * du * du);
        const Mat s1(g1.covariances().begin() + l * du * du,
                     g1.covariances().begin() + (l + 1) * du * du);
        Mat r0 = block(cpl, n, 0, 0), r1 = block(cpl, n, du, du);
        for (std::size_t i = 0; i < r0.size(); ++i) {
          r0[i] -= s0[i];
          r1[i] -= s1[i];
        }
        const double tol_block = 128.0 * d * std::sqrt(d) * kEps;
        CHECK(frob(r0) <= tol_block * frob(s0));
        CHECK(frob(r1) <= tol_block * frob(s1));
        // Degenerate: rank <= d; the Gmm constructor has already checked symmetry and PSD.
        CHECK(cpl.factors()[n].rank <= d);
        // E|X - Y|^2 = |m0 - m1|^2 + tr S0 + tr S1 - 2 tr Cov(X, Y) = W2^2(pair).
        const Mat cross = block(cpl, n, 0, du);
        double e =
            trace(d, block(cpl, n, 0, 0)) + trace(d, block(cpl, n, du, du)) - 2.0 * trace(d, cross);
        for (std::size_t i = 0; i < du; ++i) {
          const double x = g0.means()[k * du + i] - g1.means()[l * du + i];
          e += x * x;
        }
        CHECK(e == Approx(p.cost_matrix()[k * g1.k() + l])
                       .margin(1e-13 * (second_moment(g0) + second_moment(g1))));
        cost += cpl.weights()[n] * e;
      }
      for (std::size_t k = 0; k < g0.k(); ++k)
        CHECK(rows[k] == Approx(g0.weights()[k]).margin(1e-14));
      for (std::size_t l = 0; l < g1.k(); ++l)
        CHECK(cols[l] == Approx(g1.weights()[l]).margin(1e-14));
      CHECK(cost == Approx(p.mw2_squared()).margin(tol_sq(g0, g1)));
      // The projected mixtures, as densities (full-rank components only: a singular one is
      // supported on an affine subspace that rounding would move).
      if (kind == CovKind::Full) {
        CHECK(max_log_density_gap(g0, marginal(cpl, 0), 200, 11) <= 1e-12);
        CHECK(max_log_density_gap(g1, marginal(cpl, 1), 200, 12) <= 1e-12);
      }
      // And as mixtures: MW2 to the originals is zero.
      CHECK(std::fabs(mw2sq(marginal(cpl, 0), g0)) <= 1e-13 * second_moment(g0));
      CHECK(std::fabs(mw2sq(marginal(cpl, 1), g1)) <= 1e-13 * second_moment(g1));
    }
  }
}

TEST_CASE("MW2: coupling covariances are exactly symmetric and PSD to rounding", "[mw2]") {
  std::mt19937_64 rng(311);
  for (int d : {2, 3, 5}) {
    const Gmm g0 = random_gmm(4, d, rng, CovKind::Mixed), g1 = random_gmm(3, d, rng);
    const Gmm cpl = Mw2Plan(shared(g0), shared(g1), {}, {}).coupling();
    const int d2 = 2 * d;
    for (std::size_t n = 0; n < cpl.k(); ++n) {
      const Mat c(cpl.covariances().begin() + n * d2 * d2,
                  cpl.covariances().begin() + (n + 1) * d2 * d2);
      CHECK(c == transpose(d2, c));
      double lmax = 0.0;
      for (int i = 0; i < d2; ++i) lmax = std::max(lmax, c[i * d2 + i]);
      CHECK(min_eigenvalue(d2, c) >= -64.0 * d2 * kEps * lmax);
    }
  }
}

TEST_CASE("MW2: coupling with covariances at far-apart scales", "[mw2]") {
  // Factors carry their own power-of-two scale (S = 4^e F F^T); each block of the coupling gets
  // its own power (4^e0, 2^(e0+e1), 4^e1), so nothing under- or overflows at 1e-150 vs 1e150.
  // In 1-D the cross covariance of the optimal pair is sqrt(s0 s1) (comonotone coupling).
  const double s0 = 3e-150, s1 = 5e150;
  const Gmm g0 = make_gmm(1, {0.5, 0.5}, {0.0, 1.0}, {s0, 2 * s0});
  const Gmm g1 = make_gmm(1, {0.25, 0.75}, {0.0, 1.0}, {s1, 3 * s1});
  const Mw2Plan p(shared(g0), shared(g1), {}, {});
  const Gmm cpl = p.coupling();
  for (std::size_t n = 0; n < cpl.k(); ++n) {
    const std::size_t k = p.transport().plan[n].i, l = p.transport().plan[n].j;
    const double v0 = g0.covariances()[k], v1 = g1.covariances()[l];
    const double *c = cpl.covariances().data() + n * 4;
    CHECK(c[0] == Approx(v0).epsilon(4 * kEps));
    CHECK(c[3] == Approx(v1).epsilon(4 * kEps));
    CHECK(c[1] == Approx(std::sqrt(v0) * std::sqrt(v1)).epsilon(8 * kEps));
    CHECK(c[2] == c[1]);
  }
  // d = 3 with random bases: blocks match, and the Gmm constructor accepted every component
  // as symmetric PSD.
  std::mt19937_64 rng(321);
  std::vector<double> w{0.5, 0.5}, m(6, 0.0), a, b;
  for (int c = 0; c < 2; ++c) {
    Mat x = random_cov(3, 50.0, rng), y = random_cov(3, 50.0, rng);
    for (auto &v : x) v *= 1e-150;
    for (auto &v : y) v *= 1e150;
    a.insert(a.end(), x.begin(), x.end());
    b.insert(b.end(), y.begin(), y.end());
  }
  const Gmm h0 = make_gmm(3, w, m, a), h1 = make_gmm(3, w, m, b);
  const Gmm cpl3 = Mw2Plan(shared(h0), shared(h1), {}, {}).coupling();
  const Mw2Plan p3(shared(h0), shared(h1), {}, {});
  for (std::size_t n = 0; n < cpl3.k(); ++n) {
    const std::size_t k = p3.transport().plan[n].i, l = p3.transport().plan[n].j;
    const Mat x(a.begin() + k * 9, a.begin() + (k + 1) * 9),
        y(b.begin() + l * 9, b.begin() + (l + 1) * 9);
    Mat r0 = block(cpl3, n, 0, 0), r1 = block(cpl3, n, 3, 3);
    for (std::size_t i = 0; i < 9; ++i) {
      r0[i] -= x[i];
      r1[i] -= y[i];
    }
    CHECK(frob(r0) <= 128.0 * 3 * std::sqrt(3.0) * kEps * frob(x));
    CHECK(frob(r1) <= 128.0 * 3 * std::sqrt(3.0) * kEps * frob(y));
    // |Cov(X_i, Y_j)| <= sqrt(S0_ii S1_jj): the cross block lives at scale 1.
    const Mat cross = block(cpl3, n, 0, 3);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        CHECK(std::fabs(cross[i * 3 + j]) <= std::sqrt(x[i * 4] * y[j * 4]) * (1 + 1e-13));
    CHECK(frob(cross) > 1e-3);
  }
}

TEST_CASE("MW2: geodesic endpoints are mu0 and mu1", "[mw2]") {
  std::mt19937_64 rng(312);
  std::uniform_int_distribution<int> uk(1, 6);
  for (int d : {1, 2, 3, 5}) {
    for (int rep = 0; rep < 4; ++rep) {
      const CovKind kind = rep == 3 ? CovKind::Mixed : CovKind::Full;
      const Gmm g0 = random_gmm(uk(rng), d, rng, kind), g1 = random_gmm(uk(rng), d, rng, kind);
      const std::size_t du = d, dd = du * du;
      INFO("d = " << d << " rep = " << rep);
      const Mw2Plan p(shared(g0), shared(g1), {}, {});
      const auto &plan = p.transport().plan;
      const Gmm e0 = p.geodesic(0.0), e1 = p.geodesic(1.0);
      REQUIRE(e0.k() == plan.size());
      REQUIRE(e1.k() == plan.size());
      // Component n of mu_0 is exactly component k of mu0 (and of mu_1, component l of mu1):
      // gaussian_geodesic returns its endpoints exactly. Split weights add up.
      std::vector<double> rows(g0.k(), 0.0), cols(g1.k(), 0.0);
      for (std::size_t n = 0; n < plan.size(); ++n) {
        const std::size_t k = plan[n].i, l = plan[n].j;
        rows[k] += e0.weights()[n];
        cols[l] += e1.weights()[n];
        CHECK(std::equal(g0.means().begin() + k * du, g0.means().begin() + (k + 1) * du,
                         e0.means().begin() + n * du));
        CHECK(std::equal(g0.covariances().begin() + k * dd, g0.covariances().begin() + (k + 1) * dd,
                         e0.covariances().begin() + n * dd));
        CHECK(std::equal(g1.means().begin() + l * du, g1.means().begin() + (l + 1) * du,
                         e1.means().begin() + n * du));
        CHECK(std::equal(g1.covariances().begin() + l * dd, g1.covariances().begin() + (l + 1) * dd,
                         e1.covariances().begin() + n * dd));
      }
      for (std::size_t k = 0; k < g0.k(); ++k)
        CHECK(rows[k] == Approx(g0.weights()[k]).margin(1e-14));
      for (std::size_t l = 0; l < g1.k(); ++l)
        CHECK(cols[l] == Approx(g1.weights()[l]).margin(1e-14));
      // As measures: equal densities (merging split components is a log-sum-exp away) and
      // MW2 zero.
      if (kind == CovKind::Full) {
        CHECK(max_log_density_gap(g0, e0, 200, 21) <= 1e-12);
        CHECK(max_log_density_gap(g1, e1, 200, 22) <= 1e-12);
      }
      CHECK(std::fabs(mw2sq(e0, g0)) <= 1e-13 * second_moment(g0));
      CHECK(std::fabs(mw2sq(e1, g1)) <= 1e-13 * second_moment(g1));
    }
  }
}

TEST_CASE("MW2: the geodesic has constant speed", "[mw2]") {
  // Proof of Prop. 5: MW2(mu_s, mu_t) = |t - s| MW2(mu0, mu1) for all s, t in [0, 1].
  std::mt19937_64 rng(313);
  std::uniform_int_distribution<int> uk(1, 5);
  const double ts[] = {0.0, 0.2, 0.45, 0.5, 0.9, 1.0};
  for (int d : {1, 2, 3, 5}) {
    for (int rep = 0; rep < 3; ++rep) {
      const CovKind kind = rep == 2 ? CovKind::Mixed : CovKind::Full;
      const Gmm g0 = random_gmm(uk(rng), d, rng, kind), g1 = random_gmm(uk(rng), d, rng, kind);
      INFO("d = " << d << " rep = " << rep);
      const Mw2Plan p(shared(g0), shared(g1), {}, {});
      std::vector<Gmm> path;
      for (double t : ts) path.push_back(p.geodesic(t));
      for (const Gmm &g : path) CHECK(g.k() <= g0.k() + g1.k() - 1);
      const double total = p.mw2_squared(), tol = tol_sq(g0, g1);
      for (std::size_t i = 0; i < path.size(); ++i) {
        for (std::size_t j = i + 1; j < path.size(); ++j) {
          const double st = ts[j] - ts[i];
          CHECK(mw2sq(path[i], path[j]) == Approx(st * st * total).margin(tol));
        }
      }
    }
  }
}

TEST_CASE("MW2: geodesic rejects t outside [0, 1]", "[mw2]") {
  std::mt19937_64 rng(314);
  const Gmm g0 = random_gmm(2, 2, rng), g1 = random_gmm(3, 2, rng);
  const Mw2Plan p(shared(g0), shared(g1), {}, {});
  for (double t : {-1e-300, -0.1, 1.0000000000000002, 2.0, std::nan(""),
                   std::numeric_limits<double>::infinity()}) {
    std::string msg;
    CHECK(error_of([&] { p.geodesic(t); }, &msg) == Errc::InvalidArgument);
    CHECK(msg.find("t is") != std::string::npos);
  }
}

TEST_CASE("MW2: zero-weight components change nothing", "[mw2]") {
  std::mt19937_64 rng(315);
  for (int d : {1, 2, 3}) {
    const Gmm g0 = random_gmm(3, d, rng), g1 = random_gmm(4, d, rng, CovKind::Mixed);
    // Add a zero-weight component (far away, with a large covariance) to each mixture.
    auto with_zero = [&](const Gmm &g, std::size_t at) {
      std::vector<double> w(g.weights()), m(g.means()), s(g.covariances());
      const auto far = random_vec(d, rng, 100.0);
      const Mat big = random_cov(d, 10.0, rng);
      w.insert(w.begin() + at, 0.0);
      m.insert(m.begin() + at * d, far.begin(), far.end());
      s.insert(s.begin() + at * d * d, big.begin(), big.end());
      return make_gmm(d, w, m, s);
    };
    const Gmm z0 = with_zero(g0, 1), z1 = with_zero(g1, 0);
    INFO("d = " << d);
    const Mw2Plan p(shared(g0), shared(g1), {}, {}), q(shared(z0), shared(z1), {}, {});
    CHECK(q.mw2_squared() == Approx(p.mw2_squared()).margin(tol_sq(g0, g1)));
    // Same plan up to the shifted indices; no entry touches a zero-weight component.
    REQUIRE(q.transport().plan.size() == p.transport().plan.size());
    for (std::size_t n = 0; n < p.transport().plan.size(); ++n) {
      const auto &a = p.transport().plan[n], &b = q.transport().plan[n];
      CHECK(b.i == (a.i >= 1 ? a.i + 1 : a.i));
      CHECK(b.j == a.j + 1);
      CHECK(b.mass == Approx(a.mass).margin(1e-14));
    }
    // The derived mixtures are valid and zero-weight components never appear in them.
    const Gmm cpl = q.coupling(), mid = q.geodesic(0.3);
    CHECK(cpl.k() == p.coupling().k());
    CHECK(std::fabs(mw2sq(mid, p.geodesic(0.3))) <= tol_sq(g0, g1));
    CHECK(q.pair_maps().size() == q.transport().plan.size());
    // A mixture with a zero-weight component against itself.
    CHECK(std::fabs(mw2sq(z0, z0)) <= 1e-13 * second_moment(z0));
  }
}

TEST_CASE("MW2: singular covariances", "[mw2]") {
  // Exactly singular integer covariances B B^T (rank < d) mixed with full ones: the metric
  // properties, the coupling's marginals and the geodesic's speed hold as for regular input.
  std::mt19937_64 rng(316);
  for (int d : {2, 3, 5}) {
    auto singular_gmm = [&](std::size_t k) {
      std::vector<double> w(k, 1.0 / static_cast<double>(k)), m, s;
      for (std::size_t c = 0; c < k; ++c) {
        const auto mean = random_vec(d, rng, 3.0);
        m.insert(m.end(), mean.begin(), mean.end());
        const Mat cov = c % 2 == 0 ? integer_low_rank(d, 1 + static_cast<int>(c) % (d - 1), rng)
                                   : random_cov(d, 1e6, rng);
        s.insert(s.end(), cov.begin(), cov.end());
      }
      return make_gmm(d, w, m, s);
    };
    const Gmm a = singular_gmm(3), b = singular_gmm(4), c = singular_gmm(2);
    INFO("d = " << d);
    const double tab = tol_sq(a, b);
    CHECK(mw2sq(a, b) == Approx(mw2sq(b, a)).margin(tab));
    CHECK(std::fabs(mw2sq(a, a)) <= 1e-13 * second_moment(a));
    const double slack =
        std::sqrt(1e-13 * (second_moment(a) + second_moment(b) + second_moment(c)));
    CHECK(std::sqrt(mw2sq(a, c)) <= std::sqrt(mw2sq(a, b)) + std::sqrt(mw2sq(b, c)) + slack);
    const Mw2Plan p(shared(a), shared(b), {}, {});
    const Gmm cpl = p.coupling();
    CHECK(std::fabs(mw2sq(marginal(cpl, 0), a)) <= 1e-13 * second_moment(a));
    CHECK(std::fabs(mw2sq(marginal(cpl, 1), b)) <= 1e-13 * second_moment(b));
    const Gmm m25 = p.geodesic(0.25), m75 = p.geodesic(0.75);
    CHECK(mw2sq(m25, m75) == Approx(0.25 * p.mw2_squared()).margin(tab));
    CHECK(mw2sq(a, m25) == Approx(0.0625 * p.mw2_squared()).margin(tab));
  }
}

TEST_CASE("MW2: pair maps", "[mw2]") {
  SECTION("regular pairs: the map exists and pushes S0_k onto S1_l") {
    std::mt19937_64 rng(317);
    for (int d : {1, 2, 3, 5}) {
      const Gmm g0 = random_gmm(4, d, rng), g1 = random_gmm(3, d, rng);
      const std::size_t du = d, dd = du * du;
      const Mw2Plan p(shared(g0), shared(g1), {}, {});
      const auto maps = p.pair_maps();
      REQUIRE(maps.size() == p.transport().plan.size());
      for (std::size_t n = 0; n < maps.size(); ++n) {
        const std::size_t k = p.transport().plan[n].i, l = p.transport().plan[n].j;
        INFO("d = " << d << " n = " << n);
        REQUIRE(maps[n].exists);
        const Mat &a = maps[n].map.a;
        const Mat s0(g0.covariances().begin() + k * dd, g0.covariances().begin() + (k + 1) * dd);
        const Mat s1(g1.covariances().begin() + l * dd, g1.covariances().begin() + (l + 1) * dd);
        CHECK(a == transpose(d, a));
        Mat r = matmul(d, matmul(d, a, s0), a);
        for (std::size_t i = 0; i < dd; ++i) r[i] -= s1[i];
        // cond(S0) <= 20: the push-forward residual is a few hundred eps.
        CHECK(frob(r) <= 1e3 * d * kEps * frob(s1));
        for (std::size_t i = 0; i < du; ++i) {  // T(m0_k) = m1_l
          double ti = maps[n].map.b[i];
          for (std::size_t j = 0; j < du; ++j) ti += a[i * du + j] * g0.means()[k * du + j];
          CHECK(ti == Approx(g1.means()[l * du + i]).margin(1e-13 * (1 + std::fabs(ti))));
        }
      }
    }
  }
  SECTION("a Dirac source paired with a non-Dirac target has no map") {
    const Gmm g0 = make_gmm(2, {0.4, 0.6}, {0, 0, 5, 5}, {0, 0, 0, 0, 1, 0.2, 0.2, 1});
    const Gmm g1 = make_gmm(2, {0.4, 0.6}, {0, 1, 5, 6}, {2, 1, 1, 2, 1, 0, 0, 3});
    const Mw2Plan p(shared(g0), shared(g1), {}, {});
    const auto &plan = p.transport().plan;
    REQUIRE(plan.size() == 2);  // far apart: (0, 0) and (1, 1)
    const auto maps = p.pair_maps();
    CHECK((plan[0].i == 0 && plan[0].j == 0));
    CHECK_FALSE(maps[0].exists);
    CHECK(maps[1].exists);
    // The coupling and the geodesic still exist.
    CHECK(p.coupling().k() == 2);
    CHECK(p.geodesic(0.5).k() == 2);
  }
}

TEST_CASE("MW2: dimension mismatch", "[mw2]") {
  std::mt19937_64 rng(318);
  const Gmm g2 = random_gmm(2, 2, rng), g3 = random_gmm(2, 3, rng);
  std::string msg;
  CHECK(error_of([&] { Mw2Plan(shared(g2), shared(g3), {}, {}); }, &msg) == Errc::Dimension);
  CHECK(msg.find("d = 2") != std::string::npos);
  CHECK(msg.find("d = 3") != std::string::npos);
}

TEST_CASE("MW2: results do not depend on the number of threads", "[mw2]") {
  std::mt19937_64 rng(319);
  for (int d : {2, 7}) {
    const Gmm g0 = random_gmm(40, d, rng), g1 = random_gmm(30, d, rng);
    const Mw2Plan a(shared(g0), shared(g1), {}, Context{1}),
        b(shared(g0), shared(g1), {}, Context{4});
    CHECK(a.cost_matrix() == b.cost_matrix());
    CHECK(a.mw2_squared() == b.mw2_squared());
    CHECK(a.transport().plan.size() == b.transport().plan.size());
  }
}

TEST_CASE("MW2: the entropic method approaches the exact value", "[mw2]") {
  // With P_eps the entropic optimum and eps_abs = epsilon * max C, the cost gap satisfies
  // 0 <= <C, P_eps> - MW2^2 <= eps_abs (log K0 + log K1) (the entropy of any coupling lies in
  // [0, log K0 + log K1]); a marginal error of at most tolerance = 1e-9 adds at most
  // 1e-9 max C.
  std::mt19937_64 rng(320);
  for (int d : {1, 2, 3}) {
    const Gmm g0 = random_gmm(5, d, rng), g1 = random_gmm(6, d, rng, CovKind::Mixed);
    Mw2Options o;
    o.method = TransportMethod::Entropic;
    o.entropic.epsilon = 1e-4;
    o.entropic.max_iterations = 1000000;
    const Mw2Plan exact(shared(g0), shared(g1), {}, {}), ent(shared(g0), shared(g1), o, {});
    INFO("d = " << d);
    CHECK(ent.transport().converged);
    double cmax = 0.0;
    for (double c : exact.cost_matrix()) cmax = std::max(cmax, c);
    const double gap = ent.mw2_squared() - exact.mw2_squared();
    CHECK(gap >= -2e-9 * cmax);
    CHECK(gap <= 1e-4 * cmax * std::log(5.0 * 6.0) + 2e-9 * cmax);
    // The derived mixtures work on the dense plan too (weights renormalised to sum 1).
    const Gmm mid = ent.geodesic(0.5);
    CHECK(mid.k() == ent.transport().plan.size());
    CHECK(ent.coupling().k() == ent.transport().plan.size());
  }
}
