// SPDX-License-Identifier: MIT
// EW2 and MEW2 (gromov/embedding.hpp) against independent computations: the loss against the
// textbook W2^2 (eigen-decomposition square roots, support.hpp) of the embedded components in
// R^D, which includes the part outside the range of P that the published code drops; its
// gradient against central finite differences of that W2^2 for m != n; invariance to
// isometries of either side; MEW2 <= MW2; zero and the recovered isometry for an isometric
// copy; the value unchanged by embedding one side in a larger space; EW2 in 2-D against a
// brute-force search over a grid of rotations and reflections with an exact plan at each; the
// maps across dimensions against the MW2 maps of the embedded target; errors and progress.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "gromov/embedding.hpp"
#include "gromov/embedding_problem.hpp"
#include "gromov/mew2_maps.hpp"
#include "gromov/stiefel.hpp"
#include "lp/transport.hpp"
#include "maps/transport_maps.hpp"
#include "mw2/mw2_plan.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

// A (n x m) times B (m x p), row-major.
Mat mul(std::size_t n, std::size_t m, std::size_t p, const Mat &a, const Mat &b) {
  Mat c(n * p, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = 0; k < m; ++k)
      for (std::size_t j = 0; j < p; ++j) c[i * p + j] += a[i * m + k] * b[k * p + j];
  return c;
}

Mat trans(std::size_t n, std::size_t m, const Mat &a) {
  Mat t(a.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) t[j * n + i] = a[i * m + j];
  return t;
}

// A D x d matrix with orthonormal columns: the first d columns of a random orthogonal matrix.
Mat random_isometry(std::size_t big, std::size_t small, std::mt19937_64 &rng) {
  const Mat q = random_orthogonal(static_cast<int>(big), rng);
  Mat p(big * small);
  for (std::size_t i = 0; i < big; ++i)
    for (std::size_t j = 0; j < small; ++j) p[i * small + j] = q[i * big + j];
  return p;
}

struct Mix {
  std::size_t k, d;
  std::vector<double> w, m;
  Mat s;  // k x d x d
  Gmm gmm() const { return Gmm(k, d, w.data(), m.data(), s.data(), nullptr); }
};

// Well-separated components (means spread `sep` against unit-scale covariances), so that the
// deterministic start finds the global optimum of an isometric copy.
Mix random_mix(std::size_t k, std::size_t d, double sep, std::mt19937_64 &rng) {
  Mix x{k, d, {}, {}, {}};
  std::uniform_real_distribution<double> u(0.5, 1.5);
  for (std::size_t c = 0; c < k; ++c) {
    x.w.push_back(u(rng));
    const std::vector<double> mc = random_vec(static_cast<int>(d), rng, sep);
    x.m.insert(x.m.end(), mc.begin(), mc.end());
    const Mat s = random_cov(static_cast<int>(d), 10.0, rng);
    x.s.insert(x.s.end(), s.begin(), s.end());
  }
  double sum = 0;
  for (double v : x.w) sum += v;
  for (double &v : x.w) v /= sum;
  return x;
}

// phi#x with phi(y) = P y + t, P (D x d) with orthonormal columns: a mixture in R^D.
Mix embed(const Mix &x, const Mat &p, std::size_t big, const std::vector<double> &t) {
  const std::size_t d = x.d;
  Mix y{x.k, big, x.w, {}, {}};
  for (std::size_t c = 0; c < x.k; ++c) {
    const Mat mc(x.m.begin() + c * d, x.m.begin() + (c + 1) * d);
    const Mat pm = mul(big, d, 1, p, mc);
    for (std::size_t r = 0; r < big; ++r) y.m.push_back(pm[r] + t[r]);
    const Mat sc(x.s.begin() + c * d * d, x.s.begin() + (c + 1) * d * d);
    Mat ps = mul(big, d, big, mul(big, d, d, p, sc), trans(big, d, p));
    for (std::size_t i = 0; i < big; ++i)
      for (std::size_t j = 0; j < i; ++j) ps[i * big + j] = ps[j * big + i];
    y.s.insert(y.s.end(), ps.begin(), ps.end());
  }
  return y;
}

// W2^2 in R^D by the textbook formula with eigen-decomposition square roots (support.hpp's
// w2sq_reference), for a second covariance s1 of rank <= r: the cross term
// tr (s0^1/2 s1 s0^1/2)^1/2 takes the square roots of the r largest eigenvalues only, since
// those of the rounding-level ones (~1e-16) would add ~1e-8 each.
double w2sq_low_rank(std::size_t D, std::size_t r, const Mat &m0, const Mat &s0, const Mat &m1,
                     const Mat &s1) {
  const int n = static_cast<int>(D);
  const Mat r0 = sqrtm_psd(n, s0);
  Mat c = matmul(n, matmul(n, r0, s1), r0);
  std::vector<double> w(D);
  linalg::sym_eig(n, c.data(), w.data());  // ascending
  double cross = 0;
  for (std::size_t i = D - r; i < D; ++i) cross += std::sqrt(std::max(w[i], 0.0));
  double mean = 0;
  for (std::size_t i = 0; i < D; ++i) mean += (m0[i] - m1[i]) * (m0[i] - m1[i]);
  return mean + trace(n, s0) + trace(n, s1) - 2 * cross;
}

// sum_n w_n W2^2(N(a_k, A_k), N(P b_l, P B_l P^T)) in R^D by the textbook formula, for any
// D x d matrix P (not only isometries): the function whose gradient the problem gives.
double reference_loss(const Mix &large, const Mix &small, const Mat &p,
                      const std::vector<PlanEntry> &plan) {
  const std::size_t D = large.d, d = small.d;
  double s = 0;
  for (const PlanEntry &e : plan) {
    const Mat a(large.m.begin() + e.i * D, large.m.begin() + (e.i + 1) * D);
    const Mat A(large.s.begin() + e.i * D * D, large.s.begin() + (e.i + 1) * D * D);
    const Mat b(small.m.begin() + e.j * d, small.m.begin() + (e.j + 1) * d);
    const Mat B(small.s.begin() + e.j * d * d, small.s.begin() + (e.j + 1) * d * d);
    Mat pbp = mul(D, d, D, mul(D, d, d, p, B), trans(D, d, p));
    for (std::size_t i = 0; i < D; ++i)
      for (std::size_t j = 0; j < i; ++j) pbp[i * D + j] = pbp[j * D + i];
    s += e.mass * w2sq_low_rank(D, d, a, A, mul(D, d, 1, p, b), pbp);
  }
  return s;
}

// The mixture centred on its mean (the problem works on centred sides).
Mix centred(const Mix &x) {
  Mix y = x;
  std::vector<double> mean(x.d, 0.0);
  for (std::size_t c = 0; c < x.k; ++c)
    for (std::size_t r = 0; r < x.d; ++r) mean[r] += x.w[c] * x.m[c * x.d + r];
  for (std::size_t c = 0; c < x.k; ++c)
    for (std::size_t r = 0; r < x.d; ++r) y.m[c * x.d + r] -= mean[r];
  return y;
}

std::vector<PlanEntry> product_plan(const Mix &a, const Mix &b) {
  std::vector<PlanEntry> plan;
  for (std::size_t i = 0; i < a.k; ++i)
    for (std::size_t j = 0; j < b.k; ++j) plan.push_back({i, j, a.w[i] * b.w[j]});
  return plan;
}

double dot(const Mat &a, const Mat &b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

EwResult mew2_of(const Mix &a, const Mix &b, const EwOptions &o = EwOptions{}) {
  return mew2(a.gmm(), b.gmm(), o, Context{});
}

}  // namespace

TEST_CASE("stiefel: polar factor is orthonormal and maximises <G, P>", "[mew2]") {
  std::mt19937_64 rng(11);
  for (const auto &dims : {std::pair<int, int>{5, 2}, {3, 3}, {27, 3}, {4, 1}}) {
    const std::size_t D = dims.first, d = dims.second;
    const Mat g = random_vec(static_cast<int>(D * d), rng);
    Mat p(D * d);
    stiefel::polar(D, d, g.data(), p.data());
    CHECK(stiefel::orthonormality_error(D, d, p.data()) < 1e-14);
    // <G, polar(G)> = nuclear norm of G >= <G, Q> for every Q on the manifold.
    for (int t = 0; t < 20; ++t) {
      Xoshiro256 r(3, static_cast<std::uint64_t>(t));
      const Mat q = stiefel::random_point(D, d, r);
      CHECK(stiefel::orthonormality_error(D, d, q.data()) < 1e-14);
      CHECK(dot(g, q) <= dot(g, p) + 1e-13);
    }
  }
  // A rank-deficient G still gives orthonormal columns.
  Mat g(4 * 2, 0.0);
  g[0] = 1;
  g[2] = 2;  // second column zero
  Mat p(8);
  stiefel::polar(4, 2, g.data(), p.data());
  CHECK(stiefel::orthonormality_error(4, 2, p.data()) < 1e-15);
}

TEST_CASE("mew2: the loss includes the part of each component outside the range of P", "[mew2]") {
  std::mt19937_64 rng(21);
  const Mix large = centred(random_mix(4, 5, 3.0, rng)),
            small = centred(random_mix(3, 2, 3.0, rng));
  const MixtureEmbedding pb(large.gmm(), small.gmm());
  const Mat p = random_isometry(5, 2, rng);
  const std::vector<PlanEntry> plan = product_plan(large, small);
  const double ref = reference_loss(large, small, p, plan);
  CHECK(pb.loss(p.data(), plan) == Approx(ref).epsilon(1e-11));
  // The cost matrix is the same function entry by entry.
  std::vector<double> cost(4 * 3);
  pb.cost_matrix(p.data(), Context{}, cost.data());
  for (const PlanEntry &e : plan) {
    const double one = reference_loss(large, small, p, {{e.i, e.j, 1.0}});
    CHECK(cost[e.i * 3 + e.j] == Approx(one).epsilon(1e-11));
  }
  // Dropping |(I - P P^T) a_k|^2 + tr((I - P P^T) A_k), as the published loss does, changes
  // the value: the term is material here, so the check above can fail.
  double outside = 0;
  for (const PlanEntry &e : plan) {
    const Mat a(large.m.begin() + e.i * 5, large.m.begin() + (e.i + 1) * 5);
    const Mat pta = mul(2, 5, 1, trans(5, 2, p), a);
    const Mat ppta = mul(5, 2, 1, p, pta);
    double s = 0;
    for (std::size_t r = 0; r < 5; ++r) s += (a[r] - ppta[r]) * (a[r] - ppta[r]);
    outside += e.mass * s;
  }
  CHECK(outside > 1e-3 * ref);
}

TEST_CASE("mew2: gradient against central finite differences when m != n", "[mew2]") {
  std::mt19937_64 rng(31);
  for (const auto &dims : {std::pair<std::size_t, std::size_t>{5, 2}, {4, 3}, {3, 3}, {6, 1}}) {
    const std::size_t D = dims.first, d = dims.second;
    const Mix large = centred(random_mix(3, D, 2.0, rng));
    const Mix small = centred(random_mix(4, d, 2.0, rng));
    const MixtureEmbedding pb(large.gmm(), small.gmm());
    const std::vector<PlanEntry> plan = product_plan(large, small);
    // Off the manifold: the full gradient of W2^2 extended to every D x d matrix.
    Mat p = random_isometry(D, d, rng);
    for (double &v : p) v *= 1.3;
    Mat g(D * d);
    pb.gradient(p.data(), plan, true, g.data());
    for (int t = 0; t < 4; ++t) {
      const Mat e = random_vec(static_cast<int>(D * d), rng);
      const double h = 1e-5;
      Mat pp(p), pm(p);
      for (std::size_t i = 0; i < p.size(); ++i) {
        pp[i] += h * e[i];
        pm[i] -= h * e[i];
      }
      const double fd =
          (reference_loss(large, small, pp, plan) - reference_loss(large, small, pm, plan)) /
          (2 * h);
      CHECK(dot(g, e) == Approx(fd).epsilon(1e-6).margin(1e-8));
    }
    // On the manifold: the derivative of the loss along the curve polar(P + s xi) for a tangent
    // xi is <grad, xi>, for the folded gradient the steps use as for the full one.
    const Mat q = random_isometry(D, d, rng);
    Mat gf(D * d), gu(D * d), xi(D * d), tf(D * d), tu(D * d);
    pb.gradient(q.data(), plan, false, gf.data());
    pb.gradient(q.data(), plan, true, gu.data());
    const Mat raw = random_vec(static_cast<int>(D * d), rng);
    stiefel::tangent(D, d, q.data(), raw.data(), xi.data());
    stiefel::tangent(D, d, q.data(), gf.data(), tf.data());
    stiefel::tangent(D, d, q.data(), gu.data(), tu.data());
    for (std::size_t i = 0; i < tf.size(); ++i) CHECK(tf[i] == Approx(tu[i]).margin(1e-9));
    const double h = 1e-5;
    Mat a(q), b(q), pa(D * d), pbm(D * d);
    for (std::size_t i = 0; i < q.size(); ++i) {
      a[i] += h * xi[i];
      b[i] -= h * xi[i];
    }
    stiefel::polar(D, d, a.data(), pa.data());
    stiefel::polar(D, d, b.data(), pbm.data());
    const double fd = (pb.loss(pa.data(), plan) - pb.loss(pbm.data(), plan)) / (2 * h);
    CHECK(dot(gf, xi) == Approx(fd).epsilon(1e-6).margin(1e-8));
  }
}

TEST_CASE("mew2: invariance to isometries of either side", "[mew2]") {
  std::mt19937_64 rng(41);
  for (const auto &dims : {std::pair<std::size_t, std::size_t>{3, 3}, {4, 2}, {2, 3}}) {
    const Mix mu = random_mix(4, dims.first, 6.0, rng), nu = random_mix(5, dims.second, 6.0, rng);
    const double v = mew2_of(mu, nu).value;
    REQUIRE(v > 0);
    for (int t = 0; t < 3; ++t) {
      const Mat q0 = random_orthogonal(static_cast<int>(mu.d), rng);
      const Mat q1 = random_orthogonal(static_cast<int>(nu.d), rng);
      const Mix mu2 = embed(mu, q0, mu.d, random_vec(static_cast<int>(mu.d), rng, 20.0));
      const Mix nu2 = embed(nu, q1, nu.d, random_vec(static_cast<int>(nu.d), rng, 20.0));
      CHECK(std::abs(mew2_of(mu2, nu).value - v) <= 1e-10 * v);
      CHECK(std::abs(mew2_of(mu, nu2).value - v) <= 1e-10 * v);
      CHECK(std::abs(mew2_of(mu2, nu2).value - v) <= 1e-10 * v);
    }
    // Symmetry: the same value and the transposed plan.
    const EwResult ab = mew2_of(mu, nu), ba = mew2_of(nu, mu);
    CHECK(std::abs(ab.value - ba.value) <= 1e-10 * v);
    REQUIRE(ab.plan.size() == ba.plan.size());
  }
}

TEST_CASE("mew2: at most MW2 when m = n, zero for an isometric copy", "[mew2]") {
  std::mt19937_64 rng(51);
  for (int t = 0; t < 3; ++t) {
    const Mix mu = random_mix(5, 3, 5.0, rng), nu = random_mix(4, 3, 5.0, rng);
    const Mw2Plan mw(shared(mu.gmm()), shared(nu.gmm()), Mw2Options{}, Context{});
    CHECK(mew2_of(mu, nu).value <= mw.mw2_squared() * (1 + 1e-12));
  }
  // nu = Q mu + t: value 0 and the isometry embedding side 1 into side 0 is Q^T.
  const Mix mu = random_mix(5, 3, 5.0, rng);
  const Mat q = random_orthogonal(3, rng);
  const std::vector<double> t = random_vec(3, rng, 10.0);
  const EwResult r = mew2_of(mu, embed(mu, q, 3, t));
  double scale = 0;
  for (std::size_t c = 0; c < mu.k; ++c)
    scale += mu.w[c] * trace(3, Mat(mu.s.begin() + c * 9, mu.s.begin() + (c + 1) * 9));
  CHECK(r.value <= 1e-12 * scale);
  const Mat qt = trans(3, 3, q);
  for (std::size_t i = 0; i < 9; ++i) CHECK(r.isometry[i] == Approx(qt[i]).margin(1e-7));
  // The plan is the identity correspondence.
  for (const PlanEntry &e : r.plan) CHECK(e.i == e.j);
  // Across dimensions: mu in R^2 embedded in R^5; the isometry maps mu onto the copy.
  const Mix mu2 = random_mix(4, 2, 5.0, rng);
  const Mat p = random_isometry(5, 2, rng);
  const std::vector<double> t5 = random_vec(5, rng, 10.0);
  const Mix copy = embed(mu2, p, 5, t5);
  const EwResult r2 = mew2_of(copy, mu2);  // m = 5 >= n = 2: side 1 (mu2) embedded
  CHECK(r2.value <= 1e-12 * 10);
  const Mix back = embed(mu2, r2.isometry, 5, std::vector<double>(5, 0.0));
  for (std::size_t c = 0; c < mu2.k; ++c)
    for (std::size_t i = 0; i < 5; ++i) {
      // phi(y) = P (y - mean1) + mean0 sends component c of mu2 onto component c of the copy.
      double mean1_dot = 0;
      for (std::size_t j = 0; j < 2; ++j) mean1_dot += r2.isometry[i * 2 + j] * r2.mean1[j];
      CHECK(back.m[c * 5 + i] - mean1_dot + r2.mean0[i] == Approx(copy.m[c * 5 + i]).margin(1e-7));
    }
}

TEST_CASE("mew2: embedding one side in a larger space leaves the value unchanged", "[mew2]") {
  std::mt19937_64 rng(61);
  const Mix mu = random_mix(4, 4, 5.0, rng), nu = random_mix(5, 2, 5.0, rng);
  const double v = mew2_of(mu, nu).value;
  // nu into R^3 (still below m = 4), and into R^6 (above: mu becomes the embedded side).
  for (std::size_t big : {3u, 6u}) {
    const Mix up =
        embed(nu, random_isometry(big, 2, rng), big, random_vec(static_cast<int>(big), rng, 3.0));
    CHECK(std::abs(mew2_of(mu, up).value - v) <= 1e-9 * v);
  }
}

TEST_CASE("ew2: 2-D point clouds against brute force over rotations and reflections", "[mew2]") {
  std::mt19937_64 rng(71);
  std::normal_distribution<double> n;
  std::uniform_real_distribution<double> u(0.2, 1.0);
  for (int trial = 0; trial < 3; ++trial) {
    const std::size_t n0 = 7 + trial, n1 = 6;
    Mat x(n0 * 2), y(n1 * 2);
    std::vector<double> a(n0), b(n1);
    for (double &v : x) v = n(rng);
    for (std::size_t i = 0; i < n1; ++i) {  // an anisotropic cloud
      y[i * 2] = 2.5 * n(rng);
      y[i * 2 + 1] = 0.7 * n(rng);
    }
    double ta = 0, tb = 0;
    for (double &v : a) ta += (v = u(rng));
    for (double &v : b) tb += (v = u(rng));
    for (double &v : a) v /= ta;  // the exact solver needs equal masses; EW2 normalises itself
    for (double &v : b) v /= tb;
    const EwResult r =
        ew2({n0, 2, x.data(), a.data()}, {n1, 2, y.data(), b.data()}, EwOptions{}, Context{});
    // Brute force on the centred clouds: P = R(theta) or R(theta) diag(1, -1), an exact plan
    // at each of 7200 grid points.
    double sa = 0, sb = 0;
    for (double v : a) sa += v;
    for (double v : b) sb += v;
    Mat xc(x), yc(y);
    for (int c = 0; c < 2; ++c) {
      double mx = 0, my = 0;
      for (std::size_t i = 0; i < n0; ++i) mx += a[i] / sa * x[i * 2 + c];
      for (std::size_t j = 0; j < n1; ++j) my += b[j] / sb * y[j * 2 + c];
      for (std::size_t i = 0; i < n0; ++i) xc[i * 2 + c] -= mx;
      for (std::size_t j = 0; j < n1; ++j) yc[j * 2 + c] -= my;
    }
    double rx = 0, ry = 0;
    for (std::size_t i = 0; i < n0; ++i) rx = std::max(rx, std::hypot(xc[i * 2], xc[i * 2 + 1]));
    for (std::size_t j = 0; j < n1; ++j) ry = std::max(ry, std::hypot(yc[j * 2], yc[j * 2 + 1]));
    const int steps = 3600;
    const double dtheta = 2 * M_PI / steps;
    double best = std::numeric_limits<double>::infinity();
    std::vector<double> cost(n0 * n1);
    for (int refl = 0; refl < 2; ++refl)
      for (int s = 0; s < steps; ++s) {
        const double th = s * dtheta, c = std::cos(th), sn = std::sin(th);
        const double p[4] = {c, refl ? sn : -sn, sn, refl ? -c : c};
        for (std::size_t i = 0; i < n0; ++i)
          for (std::size_t j = 0; j < n1; ++j) {
            const double zx = p[0] * yc[j * 2] + p[1] * yc[j * 2 + 1];
            const double zy = p[2] * yc[j * 2] + p[3] * yc[j * 2 + 1];
            cost[i * n1 + j] = std::pow(xc[i * 2] - zx, 2) + std::pow(xc[i * 2 + 1] - zy, 2);
          }
        const TransportResult t =
            transport_exact(n0, n1, a.data(), b.data(), cost.data(), ExactOptions{}, Context{});
        best = std::min(best, t.cost / sa);
      }
    // min over plans of a function with |dL/dtheta| <= 2 max|x| max|y|: the grid's minimum is
    // within half a step times that of the true minimum.
    const double resolution = 2 * rx * ry * dtheta / 2;
    CHECK(r.value <= best + 1e-12 * best);
    CHECK(best - r.value <= resolution);
    // The plan is a coupling of the normalised weights and the value its cost.
    double mass = 0;
    for (const PlanEntry &e : r.plan) mass += e.mass;
    CHECK(mass == Approx(1.0).epsilon(1e-12));
    CHECK(stiefel::orthonormality_error(2, 2, r.isometry.data()) < 1e-14);
  }
}

TEST_CASE("ew2: R^2 against R^1, brute force over directions", "[mew2]") {
  std::mt19937_64 rng(81);
  std::normal_distribution<double> n;
  const std::size_t n0 = 8, n1 = 5;
  Mat x(n0 * 2), y(n1);
  for (double &v : x) v = n(rng);
  for (double &v : y) v = 2 * n(rng);
  // Both orders (side 0 or side 1 is the large one) give the same value.
  const EwResult r =
      ew2({n0, 2, x.data(), nullptr}, {n1, 1, y.data(), nullptr}, EwOptions{}, Context{});
  const EwResult rs =
      ew2({n1, 1, y.data(), nullptr}, {n0, 2, x.data(), nullptr}, EwOptions{}, Context{});
  CHECK(std::abs(r.value - rs.value) <= 1e-12 * r.value);
  double mx[2] = {0, 0}, my = 0;
  for (std::size_t i = 0; i < n0; ++i)
    for (int c = 0; c < 2; ++c) mx[c] += x[i * 2 + c] / n0;
  for (double v : y) my += v / n1;
  std::vector<double> a(n0, 1.0 / n0), b(n1, 1.0 / n1), cost(n0 * n1);
  double best = std::numeric_limits<double>::infinity(), rx = 0, ry = 0;
  for (std::size_t i = 0; i < n0; ++i)
    rx = std::max(rx, std::hypot(x[i * 2] - mx[0], x[i * 2 + 1] - mx[1]));
  for (double v : y) ry = std::max(ry, std::abs(v - my));
  const int steps = 7200;
  for (int s = 0; s < steps; ++s) {
    const double th = 2 * M_PI * s / steps, c = std::cos(th), sn = std::sin(th);
    for (std::size_t i = 0; i < n0; ++i)
      for (std::size_t j = 0; j < n1; ++j)
        cost[i * n1 + j] = std::pow(x[i * 2] - mx[0] - c * (y[j] - my), 2) +
                           std::pow(x[i * 2 + 1] - mx[1] - sn * (y[j] - my), 2);
    best = std::min(
        best,
        transport_exact(n0, n1, a.data(), b.data(), cost.data(), ExactOptions{}, Context{}).cost);
  }
  CHECK(r.value <= best + 1e-12 * best);
  CHECK(best - r.value <= rx * ry * 2 * M_PI / steps);
  REQUIRE(r.isometry.size() == 2);
  CHECK(std::hypot(r.isometry[0], r.isometry[1]) == Approx(1.0).epsilon(1e-14));
}

TEST_CASE("mew2: maps across dimensions equal the MW2 maps of the embedded target", "[mew2]") {
  std::mt19937_64 rng(91);
  const Mix mu = random_mix(4, 4, 4.0, rng), nu = random_mix(3, 2, 4.0, rng);
  const EwResult r = mew2_of(mu, nu);
  const auto g0 = shared(mu.gmm()), g1 = shared(nu.gmm());
  const Mew2Maps maps(r, g0, g1, Context{});
  // The plan in R^4 behind the maps costs MEW2^2: the value includes the outside terms.
  CHECK(maps.plan().mw2_squared() == Approx(r.value).epsilon(1e-10));
  // The MW2 plan solved afresh between mu and the embedded nu (phi(y) = P (y - mean1) + mean0)
  // is the same plan (it is optimal for the returned isometry), and its T_mean read back
  // through phi^-1 is ours.
  Mat shift(4);
  const Mat pm1 = mul(4, 2, 1, r.isometry, r.mean1);
  for (std::size_t i = 0; i < 4; ++i) shift[i] = r.mean0[i] - pm1[i];
  const Mix up = embed(nu, r.isometry, 4, shift);
  const Mw2Plan fresh(g0, shared(up.gmm()), Mw2Options{}, Context{});
  REQUIRE(fresh.transport().plan.size() >= r.plan.size());
  CHECK(fresh.mw2_squared() == Approx(r.value).epsilon(1e-10));
  const TransportMaps tm(fresh);
  const std::size_t count = 50;
  const Mat x = random_vec(static_cast<int>(count * 4), rng, 4.0);
  Mat ours(count * 2), theirs(count * 4), ours_rand(count * 2), theirs_rand(count * 4);
  maps.apply_mean(count, x.data(), Context{}, ours.data());
  tm.apply_mean(count, x.data(), Context{}, theirs.data());
  maps.apply_rand(count, x.data(), 5, Context{}, ours_rand.data());
  tm.apply_rand(count, x.data(), 5, Context{}, theirs_rand.data());
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t c = 0; c < 2; ++c) {
      double back = r.mean1[c], back_rand = r.mean1[c];
      for (std::size_t k = 0; k < 4; ++k) {
        back += r.isometry[k * 2 + c] * (theirs[i * 4 + k] - r.mean0[k]);
        back_rand += r.isometry[k * 2 + c] * (theirs_rand[i * 4 + k] - r.mean0[k]);
      }
      CHECK(ours[i * 2 + c] == Approx(back).margin(1e-9));
      CHECK(ours_rand[i * 2 + c] == Approx(back_rand).margin(1e-9));
    }
  // For an isometric copy nu = Q mu + t (m = n) every pair maps mu_k onto itself in the
  // embedded frame, so T_mean(x) = Q x + t exactly.
  const Mat q = random_orthogonal(4, rng);
  const std::vector<double> t = random_vec(4, rng, 5.0);
  const Mix copy = embed(mu, q, 4, t);
  const EwResult rc = mew2_of(mu, copy);
  const Mew2Maps mc(rc, g0, shared(copy.gmm()), Context{});
  Mat out(count * 4);
  mc.apply_mean(count, x.data(), Context{}, out.data());
  for (std::size_t i = 0; i < count; ++i) {
    const Mat xi(x.begin() + i * 4, x.begin() + (i + 1) * 4);
    const Mat qx = mul(4, 4, 1, q, xi);
    for (std::size_t c = 0; c < 4; ++c) CHECK(out[i * 4 + c] == Approx(qx[c] + t[c]).margin(1e-7));
  }
  // m < n: no map.
  const EwResult rn = mew2_of(nu, mu);
  CHECK_THROWS_MATCHES(
      Mew2Maps(rn, g1, g0, Context{}), Error,
      Catch::Predicate<Error>([](const Error &e) { return e.code() == Errc::NoMap; }));
}

TEST_CASE("ew2 and mew2: bad input, progress and cancellation", "[mew2]") {
  const auto code_of = [](auto f) {
    try {
      f();
    } catch (const Error &e) {
      return e.code();
    }
    return Errc::Internal;
  };
  const double x[4] = {0, 1, 2, 3}, nan[4] = {0, 1, std::nan(""), 3}, wneg[2] = {1, -1};
  EwOptions o;
  CHECK(code_of([&] {
          ew2({0, 2, x, nullptr}, {2, 2, x, nullptr}, o, Context{});
        }) == Errc::Dimension);
  CHECK(code_of([&] {
          ew2({2, 0, x, nullptr}, {2, 2, x, nullptr}, o, Context{});
        }) == Errc::Dimension);
  CHECK(code_of([&] {
          ew2({2, 2, nan, nullptr}, {2, 2, x, nullptr}, o, Context{});
        }) == Errc::NonFinite);
  CHECK(code_of([&] { ew2({2, 2, x, nullptr}, {2, 2, x, wneg}, o, Context{}); }) == Errc::Weights);
  CHECK(code_of([&] {
          ew2({2, 2, nullptr, nullptr}, {2, 2, x, nullptr}, o, Context{});
        }) == Errc::InvalidArgument);
  o.tolerance = 2;
  CHECK(code_of([&] {
          ew2({2, 2, x, nullptr}, {2, 2, x, nullptr}, o, Context{});
        }) == Errc::InvalidArgument);
  try {
    ew2({2, 2, nan, nullptr}, {2, 2, x, nullptr}, EwOptions{}, Context{});
  } catch (const Error &e) {
    CHECK(std::string(e.what()).find("points0[1][0]") != std::string::npos);
  }

  std::mt19937_64 rng(101);
  const Mix mu = random_mix(5, 3, 3.0, rng), nu = random_mix(4, 2, 3.0, rng);
  Context ctx;
  std::uint64_t last = 0, total = 0;
  int reports = 0;
  bool monotone = true;
  ctx.progress = [&](Stage s, std::uint64_t done, std::uint64_t tot, double) {
    if (s != Stage::Embedding) return false;
    monotone = monotone && done >= last && done <= tot;
    last = done;
    total = tot;
    ++reports;
    return false;
  };
  const EwResult r = mew2(mu.gmm(), nu.gmm(), EwOptions{}, ctx);
  CHECK(reports > 0);
  CHECK(monotone);
  CHECK(total == EwOptions{}.max_iterations * r.starts);
  CHECK(r.starts == 4 + 1);  // 2^2 sign patterns, the annealed start
  CHECK(r.converged);
  CHECK(r.gradient_norm < 1e-6);
  Context cancel;
  cancel.progress = [](Stage, std::uint64_t done, std::uint64_t, double) { return done >= 2; };
  CHECK(code_of([&] { mew2(mu.gmm(), nu.gmm(), EwOptions{}, cancel); }) == Errc::Cancelled);
}
