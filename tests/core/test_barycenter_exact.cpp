// SPDX-License-Identifier: MIT
// The exact MW2 barycenter (Delon-Desolneux 2020, section 5) and the fixed-support LP
// (Chen-Georgiou-Tannenbaum 2019, eq. 19): the closed cases (J = 1, J = 2 is the geodesic,
// one component each is the Gaussian barycenter), the LP certificates checked by brute force
// over every tuple, the support bound, invariance under permutations of the inputs and of
// their components, Prop. 8 (the LP optimum is sum_j lambda_j MW2^2(barycenter, mu_j)), the
// product support reproducing the exact barycenter, thread-count independence, cancellation.
//
// Tolerances. Tuple costs are convex combinations of W2^2 values accurate to ~1e-15 of the
// second moments (about 10 here), so costs are compared to 1e-12 relative (1e-11 where an
// independent route, MW2 plans or another LP, computes them); plan masses are sums of at most
// sum_j K_j simplex values refined against compensated residuals: 1e-14.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <map>
#include <tuple>

#include "barycenter_support.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "mw2/mixture_barycenter.hpp"
#include "mw2/mw2_plan.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

using Mixtures = std::vector<std::shared_ptr<const Gmm>>;

// The components of a mixture as sortable tuples (weight, mean, covariance), rounded to
// `digits` relative so that two equal mixtures compare equal whatever their order.
std::map<std::vector<long long>, double> canonical(const Gmm &g, double quantum) {
  std::map<std::vector<long long>, double> out;
  const std::size_t d = g.d();
  for (std::size_t c = 0; c < g.k(); ++c) {
    if (g.weights()[c] == 0) continue;
    std::vector<long long> key;
    for (std::size_t i = 0; i < d; ++i) key.push_back(std::llround(g.means()[c * d + i] / quantum));
    for (std::size_t i = 0; i < d * d; ++i) {
      key.push_back(std::llround(g.covariances()[c * d * d + i] / quantum));
    }
    out[key] += g.weights()[c];
  }
  return out;
}

void check_same_mixture(const Gmm &a, const Gmm &b, double tol) {
  REQUIRE(a.d() == b.d());
  // Match each positive-weight component of a to the closest one of b.
  double wa = 0;
  for (std::size_t c = 0; c < a.k(); ++c) {
    if (a.weights()[c] == 0) continue;
    wa += a.weights()[c];
    double best = 1e300, wb = 0;
    for (std::size_t e = 0; e < b.k(); ++e) {
      double dist = 0;
      for (std::size_t i = 0; i < a.d(); ++i) {
        dist = std::max(dist, std::abs(a.means()[c * a.d() + i] - b.means()[e * b.d() + i]));
      }
      for (std::size_t i = 0; i < a.d() * a.d(); ++i) {
        dist = std::max(dist, std::abs(a.covariances()[c * a.d() * a.d() + i] -
                                       b.covariances()[e * a.d() * a.d() + i]));
      }
      if (dist < best) {
        best = dist;
        wb = 0;
      }
      if (dist <= tol) wb += b.weights()[e];
    }
    CHECK(best <= tol);
    (void)wb;
  }
  CHECK(wa == Approx(1.0).margin(1e-12));
  // Total weight per distinct component agrees.
  const auto ca = canonical(a, 1e-6), cb = canonical(b, 1e-6);
  REQUIRE(ca.size() == cb.size());
  for (auto ia = ca.begin(), ib = cb.begin(); ia != ca.end(); ++ia, ++ib) {
    CHECK(ia->first == ib->first);
    CHECK(ia->second == Approx(ib->second).margin(1e-12));
  }
}

std::size_t tuple_count(const BarycenterInputs &in) {
  std::size_t n = 1;
  for (const auto &g : in.mixtures) n *= g->k();
  return n;
}

// Every certificate of an exact result, by brute force over all tuples.
void check_certificates(const BarycenterInputs &in, const MixtureBarycenter &r) {
  const std::size_t j = in.count();
  const std::vector<double> costs = all_tuple_costs(in);
  double scale = 0;
  for (double c : costs) scale = std::max(scale, c);
  // Support bound of a vertex.
  std::size_t bound = 1;
  for (const auto &g : in.mixtures) bound += g->k() - 1;
  CHECK(r.barycenter->k() <= bound);
  // Marginals.
  for (std::size_t q = 0; q < j; ++q) {
    std::vector<double> col(in.mixtures[q]->k(), 0.0), row(r.barycenter->k(), 0.0);
    for (const auto &e : r.plans[q]) {
      col[e.j] += e.mass;
      row[e.i] += e.mass;
    }
    for (std::size_t k = 0; k < col.size(); ++k) {
      CHECK(std::abs(col[k] - in.mixtures[q]->weights()[k]) <= 1e-14);
    }
    for (std::size_t i = 0; i < row.size(); ++i) {
      CHECK(std::abs(row[i] - r.barycenter->weights()[i]) <= 1e-14);
    }
  }
  CHECK(r.certificate.primal_infeasibility <= 1e-14);
  // Dual feasibility over every tuple, and strong duality.
  std::vector<std::size_t> offset(j, 0);
  for (std::size_t q = 1; q < j; ++q) offset[q] = offset[q - 1] + in.mixtures[q - 1]->k();
  double worst = 0;
  std::vector<std::size_t> t(j);
  for (std::size_t key = 0; key < costs.size(); ++key) {
    std::size_t rest = key;
    double u = 0;
    for (std::size_t q = j; q-- > 0;) {
      t[q] = rest % in.mixtures[q]->k();
      rest /= in.mixtures[q]->k();
      u += r.duals[offset[q] + t[q]];
    }
    worst = std::max(worst, u - costs[key]);
  }
  CHECK(worst <= 1e-11 * scale);
  CHECK(r.certificate.dual_infeasibility <= 1e-11 * scale);
  double dual = 0;
  for (std::size_t q = 0; q < j; ++q) {
    for (std::size_t k = 0; k < in.mixtures[q]->k(); ++k) {
      dual += r.duals[offset[q] + k] * in.mixtures[q]->weights()[k];
    }
  }
  CHECK(std::abs(dual - r.cost) <= 1e-12 * scale);
  CHECK(r.certificate.duality_gap <= 1e-12 * scale);
  // The primal cost is the tuples' costs against the plan.
  double primal = 0;
  for (std::size_t i = 0; i < r.barycenter->k(); ++i) {
    std::size_t key = 0;
    for (std::size_t q = 0; q < j; ++q) key = key * in.mixtures[q]->k() + r.tuples[i * j + q];
    primal += costs[key] * r.barycenter->weights()[i];
  }
  CHECK(primal == Approx(r.cost).epsilon(1e-12));
}

}  // namespace

TEST_CASE("exact barycenter: certificates by brute force over every tuple", "[barycenter_exact]") {
  std::mt19937_64 rng(11);
  struct Case {
    std::size_t j;
    std::vector<std::size_t> k;
    int d;
    bool diagonal;
  };
  const Case cases[] = {{3, {3, 4, 2}, 1, false},    {3, {4, 3, 5}, 2, false},
                        {4, {3, 3, 2, 4}, 3, false}, {3, {5, 4, 4}, 2, true},
                        {2, {6, 5}, 4, false},       {5, {2, 3, 2, 3, 2}, 2, false}};
  for (const auto &c : cases) {
    Mixtures g;
    for (std::size_t q = 0; q < c.j; ++q) g.push_back(random_mixture(c.k[q], c.d, rng, c.diagonal));
    std::vector<double> lambda(c.j);
    std::uniform_real_distribution<double> ul(0.1, 1.0);
    double s = 0;
    for (auto &l : lambda) s += (l = ul(rng));
    for (auto &l : lambda) l /= s;
    const auto in = inputs_of(g, lambda);
    const MixtureBarycenter r = mixture_barycenter_exact(in, MultimarginalOptions{}, Context{});
    INFO("J " << c.j << " d " << c.d << " components " << r.barycenter->k() << " evaluated "
              << r.tuple_costs << " of " << tuple_count(in));
    check_certificates(in, r);
    CHECK(r.tuple_costs <= tuple_count(in));
    if (c.d == 1 || c.diagonal) CHECK(r.tuple_costs < tuple_count(in));  // the bound is exact
  }
}

TEST_CASE("exact barycenter: Prop. 8, the LP optimum is sum_j lambda_j MW2^2(nu*, mu_j)",
          "[barycenter_exact]") {
  std::mt19937_64 rng(12);
  for (int rep = 0; rep < 4; ++rep) {
    const int d = 1 + rep;
    Mixtures g = {random_mixture(3, d, rng), random_mixture(4, d, rng), random_mixture(3, d, rng)};
    const std::vector<double> lambda = {0.5, 0.3, 0.2};
    const auto in = inputs_of(g, lambda);
    const auto r = mixture_barycenter_exact(in, MultimarginalOptions{}, Context{});
    double v = 0;
    for (std::size_t q = 0; q < 3; ++q) {
      v += lambda[q] * Mw2Plan(r.barycenter, g[q], Mw2Options{}, Context{}).mw2_squared();
    }
    CHECK(v == Approx(r.cost).epsilon(1e-11));
  }
}

TEST_CASE("exact barycenter: J = 2 is the MW2 geodesic at t = lambda_1", "[barycenter_exact]") {
  std::mt19937_64 rng(13);
  for (int d = 1; d <= 3; ++d) {
    const auto g0 = random_mixture(4, d, rng), g1 = random_mixture(5, d, rng);
    const double t = 0.3;
    const auto in = inputs_of({g0, g1}, {1 - t, t});
    const auto r = mixture_barycenter_exact(in, MultimarginalOptions{}, Context{});
    const Mw2Plan plan(g0, g1, Mw2Options{}, Context{});
    CHECK(r.cost == Approx(t * (1 - t) * plan.mw2_squared()).epsilon(1e-12));
    check_same_mixture(*r.barycenter, plan.geodesic(t), 1e-10);
  }
}

TEST_CASE("exact barycenter: J = 1 returns the mixture, one component each the Gaussian one",
          "[barycenter_exact]") {
  std::mt19937_64 rng(14);
  const auto g = random_mixture(5, 3, rng, false, -1, true);
  const auto one =
      mixture_barycenter_exact(inputs_of({g}, {1.0}), MultimarginalOptions{}, Context{});
  CHECK(one.barycenter == g);
  CHECK(one.cost == 0);

  Mixtures single = {random_mixture(1, 3, rng), random_mixture(1, 3, rng),
                     random_mixture(1, 3, rng)};
  const std::vector<double> lambda = {0.2, 0.5, 0.3};
  const auto r =
      mixture_barycenter_exact(inputs_of(single, lambda), MultimarginalOptions{}, Context{});
  REQUIRE(r.barycenter->k() == 1);
  std::vector<double> means;
  std::vector<CovFactor> covs;
  for (const auto &m : single) {
    means.insert(means.end(), m->means().begin(), m->means().end());
    covs.push_back(m->factors()[0]);
  }
  const auto gb =
      gaussian_barycenter(3, lambda, means.data(), covs, BarycenterOptions{}, Context{});
  for (std::size_t i = 0; i < 3; ++i) CHECK(r.barycenter->means()[i] == gb.gaussian.mean[i]);
  for (std::size_t i = 0; i < 9; ++i) {
    CHECK(r.barycenter->covariances()[i] == Approx(gb.gaussian.cov[i]).margin(1e-15));
  }
}

TEST_CASE("exact barycenter: permuting the inputs or their components changes nothing",
          "[barycenter_exact]") {
  std::mt19937_64 rng(15);
  const int d = 2;
  Mixtures g = {random_mixture(4, d, rng), random_mixture(3, d, rng), random_mixture(5, d, rng)};
  const std::vector<double> lambda = {0.25, 0.45, 0.3};
  const auto ref =
      mixture_barycenter_exact(inputs_of(g, lambda), MultimarginalOptions{}, Context{});
  // Inputs in another order.
  const auto r1 = mixture_barycenter_exact(inputs_of({g[2], g[0], g[1]}, {0.3, 0.25, 0.45}),
                                           MultimarginalOptions{}, Context{});
  CHECK(r1.cost == Approx(ref.cost).epsilon(1e-12));
  check_same_mixture(*r1.barycenter, *ref.barycenter, 1e-9);
  // Components reversed inside every mixture.
  Mixtures rev;
  for (const auto &m : g) {
    const std::size_t k = m->k();
    std::vector<double> w, mu, s;
    for (std::size_t c = k; c-- > 0;) {
      w.push_back(m->weights()[c]);
      mu.insert(mu.end(), m->means().begin() + static_cast<std::ptrdiff_t>(c * d),
                m->means().begin() + static_cast<std::ptrdiff_t>((c + 1) * d));
      s.insert(s.end(), m->covariances().begin() + static_cast<std::ptrdiff_t>(c * d * d),
               m->covariances().begin() + static_cast<std::ptrdiff_t>((c + 1) * d * d));
    }
    rev.push_back(std::make_shared<const Gmm>(make_gmm(d, w, mu, s)));
  }
  const auto r2 =
      mixture_barycenter_exact(inputs_of(rev, lambda), MultimarginalOptions{}, Context{});
  CHECK(r2.cost == Approx(ref.cost).epsilon(1e-12));
  check_same_mixture(*r2.barycenter, *ref.barycenter, 1e-9);
}

TEST_CASE("exact barycenter: zero weights, singular covariances, zero lambda",
          "[barycenter_exact]") {
  std::mt19937_64 rng(16);
  Mixtures g = {random_mixture(4, 3, rng, false, 1, true), random_mixture(3, 3, rng, false, -1),
                random_mixture(3, 3, rng, false, -1, true)};
  const auto in = inputs_of(g, {0.5, 0.5, 0.0});
  const auto r = mixture_barycenter_exact(in, MultimarginalOptions{}, Context{});
  check_certificates(in, r);
  // lambda_2 = 0: the barycenter of the other two, i.e. their geodesic midpoint.
  const Mw2Plan plan(g[0], g[1], Mw2Options{}, Context{});
  CHECK(r.cost == Approx(0.25 * plan.mw2_squared()).epsilon(1e-11));
}

TEST_CASE("exact barycenter: the same result on 1 and 2 threads", "[barycenter_exact]") {
  std::mt19937_64 rng(17);
  Mixtures g = {random_mixture(6, 3, rng), random_mixture(5, 3, rng), random_mixture(6, 3, rng)};
  const auto in = inputs_of(g, {0.2, 0.3, 0.5});
  // 8 threads on any machine: the batches of tuple barycenters must not follow the threads.
  const auto a = mixture_barycenter_exact(in, MultimarginalOptions{}, Context(1));
  const auto b = mixture_barycenter_exact(in, MultimarginalOptions{}, Context(8));
  CHECK(a.cost == b.cost);
  CHECK(a.tuple_costs == b.tuple_costs);
  CHECK(a.iterations == b.iterations);
  CHECK(a.pricing_rounds == b.pricing_rounds);
  CHECK(a.tuples == b.tuples);
  CHECK(a.barycenter->weights() == b.barycenter->weights());
  CHECK(a.barycenter->covariances() == b.barycenter->covariances());
}

TEST_CASE("fixed-support barycenter: the product support reproduces the exact barycenter",
          "[barycenter_fixed_support]") {
  std::mt19937_64 rng(18);
  for (int d = 1; d <= 3; ++d) {
    Mixtures g = {random_mixture(3, d, rng), random_mixture(4, d, rng), random_mixture(3, d, rng)};
    const std::vector<double> lambda = {0.3, 0.3, 0.4};
    const auto in = inputs_of(g, lambda);
    const auto exact = mixture_barycenter_exact(in, MultimarginalOptions{}, Context{});
    // Every tuple barycenter as a candidate.
    const std::size_t n = tuple_count(in);
    std::vector<double> means, covs;
    std::vector<std::size_t> t(3);
    for (std::size_t key = 0; key < n; ++key) {
      t = {key / 12, (key / 3) % 4, key % 3};
      std::vector<double> m;
      std::vector<CovFactor> f;
      for (std::size_t q = 0; q < 3; ++q) {
        m.insert(m.end(), g[q]->means().begin() + static_cast<std::ptrdiff_t>(t[q] * d),
                 g[q]->means().begin() + static_cast<std::ptrdiff_t>((t[q] + 1) * d));
        f.push_back(g[q]->factors()[t[q]]);
      }
      const auto gb = gaussian_barycenter(d, lambda, m.data(), f, BarycenterOptions{}, Context{});
      means.insert(means.end(), gb.gaussian.mean.begin(), gb.gaussian.mean.end());
      covs.insert(covs.end(), gb.gaussian.cov.begin(), gb.gaussian.cov.end());
    }
    const auto fs = mixture_barycenter_fixed_support(in, n, means.data(), covs.data(),
                                                     MultimarginalOptions{}, Context{});
    CHECK(fs.cost == Approx(exact.cost).epsilon(1e-11));
    CHECK(fs.certificate.primal_infeasibility <= 1e-14);
    CHECK(fs.certificate.duality_gap <= 1e-12 * fs.cost + 1e-15);
    REQUIRE(fs.barycenter->k() == n);
    check_same_mixture(*fs.barycenter, *exact.barycenter, 1e-9);
    // The fixed-support cost is sum_j lambda_j MW2^2 of its barycenter too.
    double v = 0;
    for (std::size_t q = 0; q < 3; ++q) {
      v += lambda[q] * Mw2Plan(fs.barycenter, g[q], Mw2Options{}, Context{}).mw2_squared();
    }
    CHECK(v == Approx(fs.cost).epsilon(1e-11));
  }
}

TEST_CASE("fixed-support barycenter: a poorer support costs more; one candidate is forced",
          "[barycenter_fixed_support]") {
  std::mt19937_64 rng(19);
  const int d = 2;
  Mixtures g = {random_mixture(3, d, rng), random_mixture(4, d, rng)};
  const auto in = inputs_of(g, {0.5, 0.5});
  const auto exact = mixture_barycenter_exact(in, MultimarginalOptions{}, Context{});
  // The components of mu_0 as candidates.
  const auto fs = mixture_barycenter_fixed_support(
      in, 3, g[0]->means().data(), g[0]->covariances().data(), MultimarginalOptions{}, Context{});
  CHECK(fs.cost >= exact.cost * (1 - 1e-12));
  double wsum = 0;
  for (double w : fs.barycenter->weights()) wsum += w;
  CHECK(wsum == Approx(1.0).epsilon(1e-14));
  // One candidate: weight 1, cost sum_j lambda_j sum_k pi_j(k) W2^2(nu, mu_j^k).
  const auto one = mixture_barycenter_fixed_support(
      in, 1, g[1]->means().data(), g[1]->covariances().data(), MultimarginalOptions{}, Context{});
  double expect = 0;
  for (std::size_t q = 0; q < 2; ++q) {
    for (std::size_t k = 0; k < g[q]->k(); ++k) {
      expect += 0.5 * g[q]->weights()[k] *
                gaussian_w2_squared(g[1]->means().data(), g[1]->factors()[0],
                                    g[q]->means().data() + k * d, g[q]->factors()[k]);
    }
  }
  CHECK(one.cost == Approx(expect).epsilon(1e-12));
}

TEST_CASE("exact barycenter: errors", "[barycenter_exact]") {
  std::mt19937_64 rng(20);
  Mixtures g = {random_mixture(10, 2, rng), random_mixture(10, 2, rng), random_mixture(10, 2, rng)};
  const auto in = inputs_of(g, {0.2, 0.3, 0.5});
  MultimarginalOptions small;
  small.max_tuples = 999;
  CHECK_THROWS_MATCHES(mixture_barycenter_exact(in, small, Context{}), Error,
                       Catch::Predicate<Error>([](const Error &e) {
                         return e.code() == Errc::TooLarge &&
                                std::string(e.what()).find("1000") != std::string::npos;
                       }));
  MultimarginalOptions bad;
  bad.max_tuples = 0;
  CHECK_THROWS_MATCHES(mixture_barycenter_exact(in, bad, Context{}), Error,
                       Catch::Predicate<Error>([](const Error &e) {
                         return e.code() == Errc::InvalidArgument &&
                                std::string(e.what()).find("max_tuples") != std::string::npos;
                       }));
  MultimarginalOptions capped;
  capped.max_iterations = 1;
  CHECK_THROWS_MATCHES(
      mixture_barycenter_exact(in, capped, Context{}), Error,
      Catch::Predicate<Error>([](const Error &e) { return e.code() == Errc::IterationLimit; }));
  std::atomic<bool> flag{true};
  Context ctx;
  ctx.interrupt = &flag;
  CHECK_THROWS_MATCHES(
      mixture_barycenter_exact(in, MultimarginalOptions{}, ctx), Error,
      Catch::Predicate<Error>([](const Error &e) { return e.code() == Errc::Cancelled; }));
  // Every component singular: the tuple barycenters are not unique; the error names a tuple.
  // Both of rank 1 in d = 3: the start sum_j lambda_j S_j has rank 2, no Cholesky factor, for
  // sure (ranks 1 and 2 make a singular barycenter that the iterates may or may not reach
  // before their Cholesky factor fails, depending on rounding).
  Mixtures flat = {random_mixture(2, 3, rng, false, 1), random_mixture(2, 3, rng, false, 1)};
  CHECK_THROWS_MATCHES(
      mixture_barycenter_exact(inputs_of(flat, {0.5, 0.5}), MultimarginalOptions{}, Context{}),
      Error, Catch::Predicate<Error>([](const Error &e) {
        return std::string(e.what()).find("component tuple (") != std::string::npos;
      }));
  CHECK_THROWS_MATCHES(
      mixture_barycenter_fixed_support(in, 0, nullptr, nullptr, MultimarginalOptions{}, Context{}),
      Error, Catch::Predicate<Error>([](const Error &e) { return e.code() == Errc::Dimension; }));
}

TEST_CASE("exact barycenter: degenerate LPs (identical inputs, equal weights, ties)",
          "[barycenter_exact]") {
  std::mt19937_64 rng(21);
  // The same mixture three times: the barycenter is the mixture, at cost 0.
  const auto g = random_mixture(6, 2, rng);
  const auto same = inputs_of({g, g, g}, {0.2, 0.3, 0.5});
  const auto r = mixture_barycenter_exact(same, MultimarginalOptions{}, Context{});
  CHECK(std::abs(r.cost) <= 1e-13);
  check_same_mixture(*r.barycenter, *g, 1e-12);
  check_certificates(same, r);
  // Equal weights and duplicated components: many optimal vertices, massive degeneracy.
  for (int rep = 0; rep < 6; ++rep) {
    const int d = 1 + rep % 3;
    std::vector<std::shared_ptr<const Gmm>> mixes;
    for (int q = 0; q < 3 + rep % 2; ++q) {
      const auto base = random_mixture(3, d, rng);
      std::vector<double> w(6, 1.0 / 6), m, s;
      for (int c = 0; c < 6; ++c) {
        const std::size_t src = static_cast<std::size_t>(c % 3);
        m.insert(m.end(), base->means().begin() + static_cast<std::ptrdiff_t>(src * d),
                 base->means().begin() + static_cast<std::ptrdiff_t>((src + 1) * d));
        s.insert(s.end(), base->covariances().begin() + static_cast<std::ptrdiff_t>(src * d * d),
                 base->covariances().begin() + static_cast<std::ptrdiff_t>((src + 1) * d * d));
      }
      mixes.push_back(std::make_shared<const Gmm>(make_gmm(d, w, m, s)));
    }
    std::vector<double> lambda(mixes.size(), 1.0 / static_cast<double>(mixes.size()));
    const auto in = inputs_of(mixes, lambda);
    const auto res = mixture_barycenter_exact(in, MultimarginalOptions{}, Context{});
    check_certificates(in, res);
  }
}
