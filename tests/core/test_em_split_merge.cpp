// SPDX-License-Identifier: MIT
// Split-and-merge EM (src/em/em_split_merge.cpp): the criteria pick the right move out of
// a known bad local maximum, the move keeps the moments it should, split-and-merge reaches the
// global maximum from there, never lowers the log-likelihood, and stays bit-identical for any
// number of threads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "em/em.hpp"
#include "em/em_fit.hpp"
#include "em/em_split_merge.hpp"
#include "util/team.hpp"

using namespace gmmot;

namespace {

// Isotropic clusters in the plane, sd 0.5, 3000 points each: A at (-10, 0), B at (10, -2.5) and
// C at (10, 2.5) close together, and (four) D at (0, 8).
std::vector<double> clusters(int count) {
  std::mt19937_64 rng(2024);
  std::normal_distribution<double> nd(0.0, 0.5);
  const std::vector<std::vector<double>> all = {{-10, 0}, {10, -2.5}, {10, 2.5}, {0, 8}};
  const std::vector<std::vector<double>> centres(all.begin(), all.begin() + count);
  std::vector<double> x;
  for (const auto &c : centres)
    for (int i = 0; i < 3000; ++i) {
      x.push_back(c[0] + nd(rng));
      x.push_back(c[1] + nd(rng));
    }
  return x;
}

// Parameters in the normalised coordinates of `data` from weights, means and diagonal
// covariances in the data's units.
em::Params normalised(const em::Data &data, const std::vector<double> &w,
                      const std::vector<double> &m, const std::vector<double> &var) {
  const std::size_t k = w.size(), d = data.d;
  em::Params p;
  p.k = k;
  p.d = d;
  p.weight = w;
  p.mean.resize(k * d);
  p.chol.assign(k * d * d, 0.0);
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t j = 0; j < d; ++j) {
      p.mean[c * d + j] =
          std::ldexp(std::ldexp(m[c * d + j], -data.exp_a) - data.centre[j], -data.exp_s);
      p.chol[c * d * d + j * d + j] =
          std::ldexp(std::sqrt(var[c * d + j]), -data.exp_a - data.exp_s);
    }
  return p;
}

void moments(const em::Params &p, const std::vector<std::size_t> &comps, std::vector<double> &mu,
             std::vector<double> &cov, double &weight) {
  const std::size_t d = p.d;
  weight = 0;
  mu.assign(d, 0.0);
  cov.assign(d * d, 0.0);
  for (std::size_t c : comps) weight += p.weight[c];
  for (std::size_t c : comps)
    for (std::size_t j = 0; j < d; ++j) mu[j] += p.weight[c] / weight * p.mean[c * d + j];
  for (std::size_t c : comps) {
    const double *l = p.chol.data() + c * d * d;
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) {
        double s = 0;
        for (std::size_t m = 0; m <= std::min(i, j); ++m) s += l[i + m * d] * l[j + m * d];
        s += (p.mean[c * d + i] - mu[i]) * (p.mean[c * d + j] - mu[j]);
        cov[i * d + j] += p.weight[c] / weight * s;
      }
  }
}

// Twelve clusters of random sizes (scale x 500 to 1250 points) and shapes in 3-D, drawn from
// rng: with K = 12, plain EM from k-means++ often puts two components on one cluster.
std::vector<double> twelve_clusters(std::mt19937_64 &rng, int scale) {
  std::normal_distribution<double> nd;
  std::uniform_real_distribution<double> ud(-8, 8);
  std::vector<double> x;
  for (int c = 0; c < 12; ++c) {
    const double cx = ud(rng), cy = ud(rng), cz = ud(rng), s = 0.3 + 0.4 * std::fabs(nd(rng));
    const int count = scale * (500 + 250 * (c % 4));
    for (int i = 0; i < count; ++i) {
      x.push_back(cx + s * nd(rng));
      x.push_back(cy + 2 * s * nd(rng));
      x.push_back(cz + s * nd(rng));
    }
  }
  return x;
}

// Plain EM against split-and-merge (5 moves) with K = 12 on the points x (3-D) for the seeds
// 0 to seeds - 1: never lower, more passes, converged, higher when a move was made, and for
// seed 0 bit-identical with 2 and 3 threads. Returns how many seeds a move improved.
int split_merge_improves(const std::vector<double> &x, std::uint64_t seeds) {
  const std::size_t n = x.size() / 3;
  int improved = 0;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    CAPTURE(seed);
    EmOptions o;
    o.components = 12;
    o.seed = seed;
    o.tolerance = 1e-6;
    const EmResult plain = fit_gmm_em(n, 3, x.data(), nullptr, o, {});
    o.split_merge = 5;
    const EmResult sm = fit_gmm_em(n, 3, x.data(), nullptr, o, {});
    CHECK(sm.mean_log_likelihood >= plain.mean_log_likelihood);
    CHECK(sm.passes > plain.passes);
    CHECK(sm.converged);
    if (sm.moves > 0) {
      CHECK(sm.mean_log_likelihood > plain.mean_log_likelihood + 1e-6);
      ++improved;
    }
    if (seed == 0) {
      const EmResult two = fit_gmm_em(n, 3, x.data(), nullptr, o, Context{2});
      const EmResult three = fit_gmm_em(n, 3, x.data(), nullptr, o, Context{3});
      for (const EmResult *r : {&two, &three}) {
        CHECK(std::memcmp(&r->mean_log_likelihood, &sm.mean_log_likelihood, sizeof(double)) == 0);
        CHECK(r->gmm->means() == sm.gmm->means());
        CHECK(r->gmm->covariances() == sm.gmm->covariances());
        CHECK(r->passes == sm.passes);
        CHECK(r->moves == sm.moves);
      }
    }
  }
  return improved;
}

}  // namespace

TEST_CASE("split-and-merge: the criteria pick the move out of a bad local maximum", "[em]") {
  const std::vector<double> x = clusters(4);
  const em::Data data = em::prepare(x.size() / 2, 2, x.data(), nullptr, 4);
  EmOptions o;
  o.components = 4;
  o.tolerance = 1e-8;
  Team team(1);
  const Context ctx;
  em::Fit fit(data, o, ctx, team);
  // Two components share A, one sits on D, one covers B and C: EM stays there.
  const em::Fit::Outcome bad =
      fit.iterate(normalised(data, {0.12, 0.13, 0.25, 0.5}, {-10.2, 0, -9.8, 0, 0, 8, 10, 0},
                             {0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 6.5}));
  const em::Fit::Outcome good =
      fit.iterate(normalised(data, {0.25, 0.25, 0.25, 0.25}, {-10, 0, 10, -2.5, 10, 2.5, 0, 8},
                             {0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25}));
  REQUIRE(good.converged);          // (two components on one Gaussian cluster drift slowly)
  REQUIRE(good.ll > bad.ll + 0.3);  // a genuinely worse local maximum
  // Ranking: merge the two components on A (the only pair whose posteriors overlap), then split
  // the one on B and C (the worst Gaussian fit) before the one on D.
  const std::vector<em::Move> moves = em::split_merge_candidates(fit, bad.params, 4);
  REQUIRE(moves.size() == 4);
  CHECK(moves[0].a == 0);
  CHECK(moves[0].b == 1);
  CHECK(moves[0].c == 3);
  CHECK(moves[1].a == 0);
  CHECK(moves[1].b == 1);
  CHECK(moves[1].c == 2);
  // The move from there reaches the global maximum.
  em::Fit::Outcome out = bad;
  em::split_merge(fit, 5, out);
  CHECK(out.moves == 1);
  CHECK(out.converged);
  CHECK(out.ll == Approx(good.ll).epsilon(1e-7));
  CHECK(out.passes > bad.passes);
}

TEST_CASE("split-and-merge: a move keeps the moments of what it merges and splits", "[em]") {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> nd;
  const std::size_t k = 5, d = 4;
  em::Params p;
  p.k = k;
  p.d = d;
  p.weight = {0.1, 0.3, 0.2, 0.25, 0.15};
  p.mean.resize(k * d);
  p.chol.assign(k * d * d, 0.0);
  for (auto &v : p.mean) v = nd(rng);
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t j = 0; j < d; ++j)
      for (std::size_t i = j; i < d; ++i)
        p.chol[c * d * d + i + j * d] = i == j ? 0.5 + std::fabs(nd(rng)) : 0.3 * nd(rng);
  const em::Move mv{3, 1, 4};
  em::Params q;
  REQUIRE(em::split_merge_move(p, mv, 1.0, q));
  std::vector<double> mu0, cov0, mu1, cov1;
  double w0 = 0, w1 = 0;
  moments(p, {3, 1}, mu0, cov0, w0);  // merged into 3
  moments(q, {3}, mu1, cov1, w1);
  CHECK(w1 == Approx(w0).epsilon(1e-15));
  for (std::size_t i = 0; i < d; ++i) CHECK(mu1[i] == Approx(mu0[i]).margin(1e-13));
  for (std::size_t i = 0; i < d * d; ++i) CHECK(cov1[i] == Approx(cov0[i]).margin(1e-12));
  moments(p, {4}, mu0, cov0, w0);  // split into 1 and 4
  moments(q, {1, 4}, mu1, cov1, w1);
  CHECK(w1 == Approx(w0).epsilon(1e-15));
  for (std::size_t i = 0; i < d; ++i) CHECK(mu1[i] == Approx(mu0[i]).margin(1e-13));
  for (std::size_t i = 0; i < d * d; ++i) CHECK(cov1[i] == Approx(cov0[i]).margin(1e-12));
  CHECK(q.mean[1 * d] != q.mean[4 * d]);  // the halves sit apart
  for (std::size_t c : {0u, 2u}) {        // untouched
    CHECK(q.weight[c] == p.weight[c]);
    for (std::size_t j = 0; j < d; ++j) CHECK(q.mean[c * d + j] == p.mean[c * d + j]);
  }
}

TEST_CASE("split-and-merge: never lower, usually higher, identical for 1 to 3 threads", "[em]") {
  // Twelve clusters of random sizes and shapes in 3-D, K = 12: plain EM from k-means++ often
  // puts two components on one cluster.
  std::mt19937_64 rng(31);
  const std::vector<double> x = twelve_clusters(rng, 1);
  const int improved = split_merge_improves(x, 6);
  CHECK(improved >= 2);
}

TEST_CASE("split-and-merge: off below three components", "[em]") {
  const std::vector<double> x = clusters(3);
  EmOptions o;
  o.components = 2;
  const EmResult plain = fit_gmm_em(x.size() / 2, 2, x.data(), nullptr, o, {});
  o.split_merge = 5;
  const EmResult sm = fit_gmm_em(x.size() / 2, 2, x.data(), nullptr, o, {});
  CHECK(sm.moves == 0);
  CHECK(sm.passes == plain.passes);
  CHECK(sm.mean_log_likelihood == plain.mean_log_likelihood);
}

TEST_CASE("split-and-merge: the screening subsample keeps the data's coordinates", "[em]") {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> nd;
  for (std::size_t d : {2u, 7u}) {  // structure-of-arrays and row-major blocks
    CAPTURE(d);
    const std::size_t n = 5000;
    std::vector<double> x(n * d), w(n);
    for (auto &v : x) v = 3 + 2 * nd(rng);
    for (std::size_t i = 0; i < n; ++i) w[i] = i % 7 == 3 ? 0.0 : 0.5 + std::fabs(nd(rng));
    const em::Data data = em::prepare(n, d, x.data(), w.data(), 4);
    const std::size_t stride = 3;
    const em::Data sub = em::subsample(data, stride);
    REQUIRE(sub.n == (n + stride - 1) / stride);
    REQUIRE(sub.padded() % sub.block == 0);
    REQUIRE(sub.padded() >= sub.n);
    double total = 0;
    std::size_t positive = 0;
    for (std::size_t i = 0; i < sub.n; ++i) {
      REQUIRE(sub.w[i] == data.w[i * stride]);
      total += sub.w[i];
      positive += sub.w[i] > 0;
      for (std::size_t j = 0; j < d; ++j)
        REQUIRE(sub.coord(i, j) == (sub.w[i] > 0 ? data.coord(i * stride, j) : 0.0));
    }
    for (std::size_t i = sub.n; i < sub.padded(); ++i) REQUIRE(sub.w[i] == 0);
    CHECK(sub.positive == positive);
    CHECK(sub.total_weight == Approx(total).epsilon(1e-14));
    CHECK(sub.scale2 == data.scale2);
    CHECK(sub.exp_a == data.exp_a);
    CHECK(sub.exp_s == data.exp_s);
  }
}

TEST_CASE("split-and-merge with screening: never lower, higher, identical for 1 to 3 threads",
          "[em]") {
  // Above 2 * kScreenPoints points the moves are screened on a subsample (em_split_merge.cpp);
  // the same twelve-cluster layout as above, 16 times the points.
  std::mt19937_64 rng(31);
  const std::vector<double> x = twelve_clusters(rng, 16);
  const std::size_t n = x.size() / 3;
  REQUIRE(n >= 2 * em::kScreenPoints);
  // Shuffle, as points of an image are not sorted by cluster either (the subsample is strided).
  std::vector<std::size_t> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = i;
  std::shuffle(perm.begin(), perm.end(), rng);
  std::vector<double> y(x.size());
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < 3; ++j) y[i * 3 + j] = x[perm[i] * 3 + j];
  const int improved = split_merge_improves(y, 4);
  CHECK(improved >= 1);
}
