// SPDX-License-Identifier: MIT
// The KL-relaxed coupled fit (relax/relaxed_fit.hpp; Delon-Desolneux 2020 section 6.2,
// numerics.md E): monotone energy on random problems, a vanishing gradient at convergence
// (the gradient of numerics.md E.1 by hand, checked against central differences of the energy
// evaluated directly from the parameters), the reported
// energy against the energy of the returned mixtures, the limits of section 6.2 (large lambda:
// the EM fits; small lambda: coinciding marginals; the transport term monotone in lambda), a
// translated copy, thread-count independence, invalid input and cancellation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "em/em.hpp"
#include "error_support.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "linalg/covariance_factor.hpp"
#include "mixture/gmm.hpp"
#include "relax/relax_detail.hpp"
#include "relax/relaxed_fit.hpp"
#include "relaxed_support.hpp"
#include "support.hpp"
#include "util/error.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

RelaxedStageSummary recompute(const PointCloud &c0, const PointCloud &c1, const RelaxedOptions &o,
                              const RelaxedResult &r) {
  return relaxed_energy(c0, c1, o, r.marginal0->weights().data(), r.marginal0->means().data(),
                        r.marginal0->covariances().data(), r.marginal1->means().data(),
                        r.marginal1->covariances().data());
}

}  // namespace

TEST_CASE("relaxed fit: the energy never increases, and equals that of the returned mixtures",
          "[relax]") {
  for (std::size_t d : {1, 2, 3, 6}) {  // 6: the kernel's BLAS path
    for (double lambda : {0.05, 1.0, 20.0}) {
      const std::vector<double> x0 = cloud(600, d, 3, 4.0, 100 + d);
      const std::vector<double> x1 = cloud(500, d, 4, 4.0, 200 + d);
      for (RelaxedInit init : {RelaxedInit::Pooled, RelaxedInit::Separate}) {
        CAPTURE(d, lambda, static_cast<int>(init));
        RelaxedOptions o;
        o.components = 3;
        o.lambda = lambda;
        o.init = init;
        o.seed = 7;
        o.max_iterations = 150;
        const RelaxedResult r = fit_relaxed(view(x0, d), view(x1, d), o, Context{1});
        REQUIRE(r.energies.size() == r.iterations + 1);
        REQUIRE(r.iterations >= 1);
        for (std::size_t t = 1; t < r.energies.size(); ++t)
          CHECK(r.energies[t] <= r.energies[t - 1] + 1e-12 * std::fabs(r.energies[t - 1]));
        CHECK(r.energies.back() == r.energy);
        // The reported energy and terms against a direct evaluation from the returned
        // mixtures (Gmm::log_density, gaussian_w2_squared): rounding only.
        const RelaxedStageSummary e = recompute(view(x0, d), view(x1, d), o, r);
        const double scale = std::fabs(r.transport) +
                             r.lambda_abs * (std::fabs(r.ll0) + std::fabs(r.ll1)) +
                             std::fabs(r.penalty);
        CHECK(std::fabs(e.energy - r.energy) <= 1e-9 * scale);
        CHECK(std::fabs(e.transport - r.transport) <= 1e-9 * scale);
        CHECK(std::fabs(e.ll0 - r.ll0) <= 1e-9 * std::max(1.0, std::fabs(r.ll0)));
        CHECK(std::fabs(e.ll1 - r.ll1) <= 1e-9 * std::max(1.0, std::fabs(r.ll1)));
        CHECK(std::fabs(e.penalty - r.penalty) <= 1e-9 * scale);
        CHECK(std::fabs(r.lambda_abs - lambda * r.scale2) <= 1e-13 * r.lambda_abs);
        // The coupling's marginals are the returned marginals, component by component.
        const Gmm &g = *r.coupling;
        REQUIRE(g.d() == 2 * d);
        for (std::size_t k = 0; k < o.components; ++k)
          for (std::size_t i = 0; i < d; ++i) {
            CHECK(g.means()[k * 2 * d + i] == r.marginal0->means()[k * d + i]);
            CHECK(g.means()[k * 2 * d + d + i] == r.marginal1->means()[k * d + i]);
            for (std::size_t j = 0; j < d; ++j) {
              const std::size_t n2 = 2 * d;
              CHECK(g.covariances()[k * n2 * n2 + i * n2 + j] ==
                    Approx(r.marginal0->covariances()[k * d * d + i * d + j]).margin(1e-12));
              CHECK(g.covariances()[k * n2 * n2 + (d + i) * n2 + d + j] ==
                    Approx(r.marginal1->covariances()[k * d * d + i * d + j]).margin(1e-12));
            }
          }
      }
    }
  }
}

TEST_CASE("relaxed fit: monotone and finite on a sweep of random problems", "[relax]") {
  // d in 1..5, K in 1..6 (often more components than clusters, so components degenerate),
  // lambda in [1e-3, 1e3], data scales 1e-5..1e5, one axis 100 times thinner, weights with
  // zeros, both starts: the energy never rises and everything stays finite.
  std::mt19937_64 rng(1);
  std::normal_distribution<double> nd;
  std::uniform_real_distribution<double> u01(0, 1);
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t d = 1 + rng() % 5, k = 1 + rng() % 6;
    const double lambda = std::pow(10.0, -3 + 6 * u01(rng));
    const double scale = std::pow(10.0, -5 + 10 * u01(rng));
    const std::size_t n0 = 20 + rng() % 400, n1 = 20 + rng() % 400, nc = 1 + rng() % 4;
    std::vector<double> cen(nc * d), x0(n0 * d), x1(n1 * d), w0(n0);
    for (auto &c : cen) c = 5 * nd(rng);
    for (std::size_t i = 0; i < n0; ++i)
      for (std::size_t j = 0; j < d; ++j)
        x0[i * d + j] = scale * (cen[(i % nc) * d + j] + (j == 0 ? 0.01 : 1.0) * nd(rng));
    for (std::size_t i = 0; i < n1; ++i)
      for (std::size_t j = 0; j < d; ++j)
        x1[i * d + j] = scale * (3 + cen[(i % nc) * d + j] + nd(rng));
    for (auto &w : w0) w = u01(rng) < 0.1 ? 0.0 : u01(rng);
    const bool weighted = rng() % 2 == 0;
    RelaxedOptions o;
    o.components = k;
    o.lambda = lambda;
    o.init = rng() % 2 == 0 ? RelaxedInit::Pooled : RelaxedInit::Separate;
    o.seed = static_cast<std::uint64_t>(trial);
    CAPTURE(trial, d, k, lambda, scale);
    const RelaxedResult r =
        fit_relaxed(view(x0, d, weighted ? &w0 : nullptr), view(x1, d), o, Context{1});
    for (std::size_t t = 1; t < r.energies.size(); ++t)
      CHECK(r.energies[t] <= r.energies[t - 1] + 1e-12 * std::fabs(r.energies[t - 1]));
    CHECK(std::isfinite(r.energy));
    CHECK(std::isfinite(r.transport));
    CHECK(std::isfinite(r.penalty));
    for (double v : r.coupling->covariances()) CHECK(std::isfinite(v));
  }
}

TEST_CASE("relaxed fit: at convergence the gradient of the energy vanishes", "[relax]") {
  // The gradient of numerics.md E.1 and central differences of J (relaxed_energy, straight from
  // the parameters) along every parameter of a parametrisation onto the whole model: weight
  // logits, means, and the lower Cholesky entries of each covariance. Relative gradient:
  // |dJ/dtheta| times the parameter's natural scale (s for means and factors, 1 for logits) over
  // the energy unit s^2 (1 + lambda).
  const std::size_t d = 2, k = 2;
  const std::vector<double> x0 = cloud(240, d, 2, 3.0, 31), x1 = cloud(260, d, 2, 3.0, 32);
  const PointCloud c0 = view(x0, d), c1 = view(x1, d);
  for (double lambda : {0.3, 3.0}) {
    CAPTURE(lambda);
    RelaxedOptions o;
    o.components = k;
    o.lambda = lambda;
    o.tolerance = 1e-15;
    o.max_iterations = 20000;
    const RelaxedResult r = fit_relaxed(c0, c1, o, Context{1});
    INFO("iterations " << r.iterations);
    const double s = std::sqrt(r.scale2), unit = r.scale2 * (1 + lambda);
    // theta = [logits (k) | m0 (k d) | m1 (k d) | L0 lower (k d(d+1)/2) | L1 lower]
    std::vector<double> logit(k), m0 = r.marginal0->means(), m1 = r.marginal1->means();
    for (std::size_t q = 0; q < k; ++q) logit[q] = std::log(r.marginal0->weights()[q]);
    std::vector<double> l0(k * d * d, 0.0), l1(k * d * d, 0.0);
    for (int c = 0; c < 2; ++c) {
      const Gmm &g = c == 0 ? *r.marginal0 : *r.marginal1;
      std::vector<double> &l = c == 0 ? l0 : l1;
      for (std::size_t q = 0; q < k; ++q) {  // row-major Cholesky by hand
        const double *sq = g.covariances().data() + q * d * d;
        double *lq = l.data() + q * d * d;
        for (std::size_t i = 0; i < d; ++i)
          for (std::size_t j = 0; j <= i; ++j) {
            double v = sq[i * d + j];
            for (std::size_t t = 0; t < j; ++t) v -= lq[i * d + t] * lq[j * d + t];
            lq[i * d + j] = i == j ? std::sqrt(v) : v / lq[j * d + j];
          }
      }
    }
    auto energy = [&](const std::vector<double> &lg, const std::vector<double> &a0,
                      const std::vector<double> &a1, const std::vector<double> &f0,
                      const std::vector<double> &f1) {
      std::vector<double> w(k), s0(k * d * d), s1(k * d * d);
      double mx = *std::max_element(lg.begin(), lg.end()), z = 0;
      for (std::size_t q = 0; q < k; ++q) z += std::exp(lg[q] - mx);
      for (std::size_t q = 0; q < k; ++q) w[q] = std::exp(lg[q] - mx) / z;
      for (std::size_t q = 0; q < k; ++q)
        for (std::size_t i = 0; i < d; ++i)
          for (std::size_t j = 0; j < d; ++j) {
            double v0 = 0, v1 = 0;
            for (std::size_t t = 0; t < d; ++t) {
              v0 += f0[q * d * d + i * d + t] * f0[q * d * d + j * d + t];
              v1 += f1[q * d * d + i * d + t] * f1[q * d * d + j * d + t];
            }
            s0[q * d * d + i * d + j] = v0;
            s1[q * d * d + i * d + j] = v1;
          }
      return relaxed_energy(c0, c1, o, w.data(), a0.data(), s0.data(), a1.data(), s1.data()).energy;
    };
    const double j_star = energy(logit, m0, m1, l0, l1);
    CHECK(std::fabs(j_star - r.energy) <= 1e-10 * unit);
    // The gradient of numerics.md E.1, by hand (d = 2), in the same parameters:
    //   dJ/dpi_k = c_k - lam sum_c R_ck / pi_k (R_ck = sum_i a_i r_cik), then through softmax;
    //   dJ/dm0_k = 2 pi_k (m0_k - m1_k) - lam sum_i a_i r_0ik S0_k^-1 (x_i - m0_k);
    //   dJ/dS0_k = pi_k (I - A_k) - lam sum_i a_i r_0ik (S^-1 e e^T S^-1 - S^-1) / 2
    //              + (lam / 2) rho (S^-1 - v S^-2),  A_k the Monge map matrix S0_k -> S1_k,
    //   and for S1_k with I - A_k^-1; dJ/dL = 2 (dJ/dS) L.
    auto gradient = [&](std::vector<double> &g_logit, std::vector<double>(&g_m)[2],
                        std::vector<double>(&g_l)[2]) {
      const double lam = r.lambda_abs, rho = o.regularization, v = r.scale2 / 2.0;
      std::vector<double> w(k);
      double mx = *std::max_element(logit.begin(), logit.end()), z = 0;
      for (std::size_t q = 0; q < k; ++q) z += std::exp(logit[q] - mx);
      for (std::size_t q = 0; q < k; ++q) w[q] = std::exp(logit[q] - mx) / z;
      const std::vector<double> *mean[2] = {&m0, &m1}, *fac[2] = {&l0, &l1};
      std::vector<double> cov[2], inv[2], gs[2], gw(k, 0.0);
      for (int c = 0; c < 2; ++c) {
        cov[c].assign(k * 4, 0.0);
        inv[c].assign(k * 4, 0.0);
        gs[c].assign(k * 4, 0.0);
        g_m[c].assign(k * 2, 0.0);
        g_l[c].assign(k * 4, 0.0);
        for (std::size_t q = 0; q < k; ++q) {
          const double *l = fac[c]->data() + q * 4;
          double *sq = cov[c].data() + q * 4, *iq = inv[c].data() + q * 4;
          sq[0] = l[0] * l[0];
          sq[1] = sq[2] = l[2] * l[0];
          sq[3] = l[2] * l[2] + l[3] * l[3];
          const double det = sq[0] * sq[3] - sq[1] * sq[2];
          iq[0] = sq[3] / det;
          iq[3] = sq[0] / det;
          iq[1] = iq[2] = -sq[1] / det;
        }
      }
      for (int c = 0; c < 2; ++c) {
        const std::vector<double> &x = c == 0 ? x0 : x1;
        const std::size_t n = x.size() / 2;
        const double a = 1.0 / static_cast<double>(n);
        std::vector<double> lp(k);
        for (std::size_t i = 0; i < n; ++i) {
          double top = -HUGE_VAL;
          for (std::size_t q = 0; q < k; ++q) {
            const double *iq = inv[c].data() + q * 4, *sq = cov[c].data() + q * 4;
            const double e0 = x[2 * i] - (*mean[c])[2 * q],
                         e1 = x[2 * i + 1] - (*mean[c])[2 * q + 1];
            const double quad = e0 * (iq[0] * e0 + iq[1] * e1) + e1 * (iq[2] * e0 + iq[3] * e1);
            lp[q] = std::log(w[q]) - std::log(2 * M_PI) -
                    0.5 * std::log(sq[0] * sq[3] - sq[1] * sq[2]) - 0.5 * quad;
            top = std::max(top, lp[q]);
          }
          double sum = 0;
          for (std::size_t q = 0; q < k; ++q) sum += std::exp(lp[q] - top);
          for (std::size_t q = 0; q < k; ++q) {
            const double rr = a * std::exp(lp[q] - top) / sum;
            const double *iq = inv[c].data() + q * 4;
            const double e0 = x[2 * i] - (*mean[c])[2 * q],
                         e1 = x[2 * i + 1] - (*mean[c])[2 * q + 1];
            const double y0 = iq[0] * e0 + iq[1] * e1, y1 = iq[2] * e0 + iq[3] * e1;  // S^-1 e
            gw[q] -= lam * rr / w[q];
            g_m[c][2 * q] -= lam * rr * y0;
            g_m[c][2 * q + 1] -= lam * rr * y1;
            const double yy[4] = {y0 * y0, y0 * y1, y1 * y0, y1 * y1};
            for (int t = 0; t < 4; ++t) gs[c][q * 4 + t] -= lam * rr * 0.5 * (yy[t] - iq[t]);
          }
        }
      }
      for (std::size_t q = 0; q < k; ++q) {
        const CovFactor f0 = make_factor(2, cov[0].data() + q * 4, "s0", nullptr);
        const CovFactor f1 = make_factor(2, cov[1].data() + q * 4, "s1", nullptr);
        const double *a0 = m0.data() + 2 * q, *a1 = m1.data() + 2 * q;
        gw[q] += gaussian_w2_squared(a0, f0, a1, f1);
        const AffineMap t01 = gaussian_monge_map(a0, f0, a1, f1),
                        t10 = gaussian_monge_map(a1, f1, a0, f0);
        for (std::size_t j = 0; j < 2; ++j) {
          g_m[0][2 * q + j] += 2 * w[q] * (a0[j] - a1[j]);
          g_m[1][2 * q + j] -= 2 * w[q] * (a0[j] - a1[j]);
        }
        for (int c = 0; c < 2; ++c) {
          const std::vector<double> &am = c == 0 ? t01.a : t10.a;
          const double *iq = inv[c].data() + q * 4;
          double i2[4];  // S^-2
          for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 2; ++j)
              i2[i * 2 + j] = iq[i * 2] * iq[j] + iq[i * 2 + 1] * iq[2 + j];
          double gq[4];
          for (int t = 0; t < 4; ++t)
            gq[t] = gs[c][q * 4 + t] + w[q] * ((t == 0 || t == 3 ? 1.0 : 0.0) - am[t]) +
                    0.5 * lam * rho * (iq[t] - v * i2[t]);
          const double *l = fac[c]->data() + q * 4;
          // dJ/dL = 2 G L, lower entries (row-major)
          g_l[c][q * 4 + 0] = 2 * (gq[0] * l[0] + gq[1] * l[2]);
          g_l[c][q * 4 + 2] = 2 * (gq[2] * l[0] + gq[3] * l[2]);
          g_l[c][q * 4 + 3] = 2 * (gq[3] * l[3]);
        }
      }
      double mean_g = 0;
      for (std::size_t q = 0; q < k; ++q) mean_g += w[q] * gw[q];
      g_logit.assign(k, 0.0);
      for (std::size_t q = 0; q < k; ++q) g_logit[q] = w[q] * (gw[q] - mean_g);
    };
    // Every probe: the central difference, and the analytic value; relative to the unit.
    double worst_fd = 0, worst_an = 0, worst_diff = 0;
    auto check_all = [&]() {
      worst_fd = worst_an = worst_diff = 0;
      std::vector<double> g_logit, g_m[2], g_l[2];
      gradient(g_logit, g_m, g_l);
      auto probe = [&](std::vector<double> &v, std::size_t i, double scale, double an) {
        const double h = 1e-5 * scale, keep = v[i];
        v[i] = keep + h;
        const double jp = energy(logit, m0, m1, l0, l1);
        v[i] = keep - h;
        const double jm = energy(logit, m0, m1, l0, l1);
        v[i] = keep;
        const double fd = (jp - jm) / (2 * h) * scale / unit;
        an *= scale / unit;
        worst_fd = std::max(worst_fd, std::fabs(fd));
        worst_an = std::max(worst_an, std::fabs(an));
        worst_diff = std::max(worst_diff, std::fabs(fd - an));
      };
      for (std::size_t q = 0; q < k; ++q) probe(logit, q, 1.0, g_logit[q]);
      for (std::size_t i = 0; i < k * d; ++i) {
        probe(m0, i, s, g_m[0][i]);
        probe(m1, i, s, g_m[1][i]);
      }
      for (std::size_t q = 0; q < k; ++q)
        for (std::size_t i = 0; i < d; ++i)
          for (std::size_t j = 0; j <= i; ++j) {
            probe(l0, q * d * d + i * d + j, s, g_l[0][q * d * d + i * d + j]);
            probe(l1, q * d * d + i * d + j, s, g_l[1][q * d * d + i * d + j]);
          }
    };
    check_all();
    CHECK(r.converged);
    CHECK(worst_an <= 1e-6);    // the E.1 gradient vanishes at convergence
    CHECK(worst_fd <= 1e-6);    // and so do the central differences of J
    CHECK(worst_diff <= 1e-7);  // which agree with it
    // Away from the optimum the gradient is far from 0, and the two still agree.
    m0[0] += 0.1 * s;
    l1[3] *= 1.2;
    logit[0] += 0.3;
    check_all();
    CHECK(worst_an > 1e-3);
    CHECK(worst_diff <= 1e-6 * worst_an);
  }
}

TEST_CASE("relaxed fit: large lambda gives the independent EM fits", "[relax]") {
  // Both clouds: K well-separated clusters with exactly the same number of points each, so that
  // the shared weights cost nothing and the lambda -> infinity limit of section 6.2 is the pair
  // of independent maximum-likelihood fits.
  const std::size_t d = 2, k = 3, per = 400;
  std::mt19937_64 rng(5);
  std::normal_distribution<double> nd;
  std::vector<double> x[2];
  const double centres[2][3][2] = {{{0, 0}, {10, 0}, {0, 10}}, {{1, 1}, {12, -1}, {-1, 13}}};
  for (int c = 0; c < 2; ++c)
    for (std::size_t q = 0; q < k; ++q)
      for (std::size_t i = 0; i < per; ++i) {
        x[c].push_back(centres[c][q][0] + (1.0 + 0.3 * c) * nd(rng));
        x[c].push_back(centres[c][q][1] + (0.7 + 0.2 * static_cast<double>(q)) * nd(rng) +
                       0.3 * x[c].back());
      }
  EmOptions eo;
  eo.components = k;
  eo.seed = 3;
  eo.tolerance = 1e-10;
  eo.max_iterations = 2000;
  eo.regularization = 1e-12;
  const EmResult e0 = fit_gmm_em(per * k, d, x[0].data(), nullptr, eo, Context{1});
  const EmResult e1 = fit_gmm_em(per * k, d, x[1].data(), nullptr, eo, Context{1});
  RelaxedOptions o;
  o.components = k;
  o.lambda = 1e7;
  o.init = RelaxedInit::Pooled;  // a start away from both EM fits
  o.regularization = 1e-12;
  o.tolerance = 1e-14;
  o.max_iterations = 2000;
  o.seed = 3;
  const RelaxedResult r = fit_relaxed(view(x[0], d), view(x[1], d), o, Context{1});
  const double tol = 1e-6;  // the EM tolerance (EmOptions' default)
  CHECK(std::fabs(r.ll0 - e0.mean_log_likelihood) <= tol * std::fabs(e0.mean_log_likelihood));
  CHECK(std::fabs(r.ll1 - e1.mean_log_likelihood) <= tol * std::fabs(e1.mean_log_likelihood));
  // and the relaxed fit cannot beat the maximum likelihood of either cloud by more than that
  CHECK(r.ll0 <= e0.mean_log_likelihood + tol * std::fabs(e0.mean_log_likelihood));
  CHECK(r.ll1 <= e1.mean_log_likelihood + tol * std::fabs(e1.mean_log_likelihood));
}

TEST_CASE("relaxed fit: small lambda makes the marginals coincide; transport grows with lambda",
          "[relax]") {
  const std::size_t d = 2;
  const std::vector<double> x0 = cloud(800, d, 3, 4.0, 41), x1 = cloud(700, d, 3, 4.0, 42);
  RelaxedOptions o;
  o.components = 3;
  o.lambda = 1e-4;
  o.lambda_path = {30, 10, 3, 1, 0.3, 0.1, 0.03, 0.01, 1e-3};
  o.tolerance = 1e-12;
  o.max_iterations = 3000;
  o.seed = 9;
  const RelaxedResult r = fit_relaxed(view(x0, d), view(x1, d), o, Context{1});
  REQUIRE(r.path.size() == o.lambda_path.size() + 1);
  for (std::size_t i = 1; i < r.path.size(); ++i) {
    CAPTURE(i, r.path[i - 1].lambda, r.path[i].lambda, r.path[i - 1].transport,
            r.path[i].transport);
    CHECK(r.path[i].transport <= r.path[i - 1].transport * (1 + 1e-9));
  }
  // lambda -> 0: MW2 between the marginals (at most the transport term, the component pairing
  // being one admissible plan) vanishes relative to the data scale.
  CHECK(r.transport / r.scale2 <= 1e-3);
  CHECK(r.transport / r.scale2 <= 0.01 * r.path.front().transport / r.scale2);
  // the coupling of every component then joins nearly equal Gaussians
  for (std::size_t q = 0; q < o.components; ++q)
    for (std::size_t j = 0; j < d; ++j)
      CHECK(std::fabs(r.marginal0->means()[q * d + j] - r.marginal1->means()[q * d + j]) <=
            0.05 * std::sqrt(r.scale2));
}

TEST_CASE("relaxed fit: a translated copy gives marginals that differ by the translation",
          "[relax]") {
  // nu1 = nu0 + tau. The translated fit (m1 = m0 + tau, S1 = S0) maximises both likelihoods,
  // and the transport term pulls each pair of means together by O(|tau| |S| / lambda_abs)
  // (the mean equations of numerics.md E.2: delta = 2 pi (lam n S^-1 + 4 pi)^-1 tau on each
  // side), so the marginals differ by the translation up to that pull, which vanishes like
  // 1 / lambda.
  const std::size_t d = 2;
  const std::vector<double> x0 = cloud(900, d, 3, 4.0, 51);
  const double tau[2] = {25.0, -7.5};
  const double tau2 = tau[0] * tau[0] + tau[1] * tau[1];
  std::vector<double> x1 = x0;
  for (std::size_t i = 0; i < x1.size(); ++i) x1[i] += tau[i % d];
  double dev[2] = {0, 0}, cdev[2] = {0, 0}, s2 = 0;
  const double lambdas[2] = {1e3, 1e5};
  for (int run = 0; run < 2; ++run) {
    RelaxedOptions o;
    o.components = 3;
    o.lambda = lambdas[run];
    o.seed = 4;
    o.tolerance = 1e-12;
    o.max_iterations = 1000;
    o.init = RelaxedInit::Separate;
    const RelaxedResult r = fit_relaxed(view(x0, d), view(x1, d), o, Context{1});
    s2 = r.scale2;
    for (std::size_t q = 0; q < o.components; ++q) {
      for (std::size_t j = 0; j < d; ++j)
        dev[run] = std::max(dev[run], std::fabs(r.marginal1->means()[q * d + j] -
                                                r.marginal0->means()[q * d + j] - tau[j]));
      for (std::size_t i = 0; i < d * d; ++i)
        cdev[run] = std::max(cdev[run], std::fabs(r.marginal1->covariances()[q * d * d + i] -
                                                  r.marginal0->covariances()[q * d * d + i]));
    }
    // every component moves by tau up to the pull, so the transport term is |tau|^2 up to it
    CHECK(std::fabs(r.transport - tau2) <= 1e4 / lambdas[run] * tau2);
  }
  CHECK(dev[1] <= 1e-5 * std::sqrt(tau2));
  CHECK(dev[1] <= 0.03 * dev[0]);  // the pull decreases like 1 / lambda
  CHECK(cdev[1] <= 1e-4 * s2);
  CHECK(cdev[1] <= 0.03 * cdev[0] + 1e-12 * s2);
}

TEST_CASE("relaxed fit: the fit follows a change of units (lambda is relative)", "[relax]") {
  // From the same start (a first fit, mapped to the new units), scaling both clouds by
  // 8 = 2^3 changes only the powers of two of the normalisation, so the iterates in the frame
  // are bit-identical and the returned mixtures are scaled exactly; scaling by 3 or translating
  // changes roundings only. (The EM starts are not exactly invariant: EM's stopping test
  // depends on the units, em.hpp.)
  const std::size_t d = 2, k = 3;
  const std::vector<double> x0 = cloud(700, d, 3, 4.0, 111), x1 = cloud(600, d, 3, 4.0, 112);
  RelaxedOptions o;
  o.components = k;
  o.lambda = 0.7;
  o.seed = 2;
  const RelaxedResult first = fit_relaxed(view(x0, d), view(x1, d), o, Context{1});
  o.init = RelaxedInit::User;
  o.tolerance = 1e-13;
  o.max_iterations = 2000;
  // The start in units scaled by c and shifted by t.
  auto start = [&](const Gmm &g, double c, const double *t) {
    std::vector<double> m = g.means(), s = g.covariances();
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = c * m[i] + t[i % d];
    for (auto &v : s) v *= c * c;
    return std::make_shared<const Gmm>(k, d, g.weights().data(), m.data(), s.data(), nullptr);
  };
  const double zero[2] = {0, 0}, shift[2] = {100.0, -40.0};
  o.initial0 = start(*first.marginal0, 1, zero);
  o.initial1 = start(*first.marginal1, 1, zero);
  const RelaxedResult r = fit_relaxed(view(x0, d), view(x1, d), o, Context{1});
  for (double c : {8.0, 3.0}) {
    CAPTURE(c);
    std::vector<double> y0 = x0, y1 = x1;
    for (auto &v : y0) v *= c;
    for (auto &v : y1) v *= c;
    RelaxedOptions p = o;
    p.initial0 = start(*first.marginal0, c, zero);
    p.initial1 = start(*first.marginal1, c, zero);
    const RelaxedResult q = fit_relaxed(view(y0, d), view(y1, d), p, Context{1});
    // c = 3: energy terms to 1e-7; parameters, which the energy fixes only to about the square
    // root of its tolerance (1e-13) times the conditioning, to 1e-5 of the data scale.
    const double tol = c == 8.0 ? 0.0 : 1e-7, ptol = c == 8.0 ? 0.0 : 1e-5;
    if (c == 8.0) CHECK(q.iterations == r.iterations);
    CHECK(std::fabs(q.transport - c * c * r.transport) <= tol * c * c * r.scale2);
    CHECK(std::fabs(q.ll0 - (r.ll0 - static_cast<double>(d) * std::log(c))) <=
          tol * std::fabs(r.ll0) + 1e-13);
    for (std::size_t i = 0; i < r.marginal0->means().size(); ++i) {
      CHECK(std::fabs(q.marginal0->means()[i] - c * r.marginal0->means()[i]) <=
            ptol * c * std::sqrt(r.scale2));
      CHECK(std::fabs(q.marginal1->means()[i] - c * r.marginal1->means()[i]) <=
            ptol * c * std::sqrt(r.scale2));
    }
    for (std::size_t i = 0; i < r.marginal0->covariances().size(); ++i)
      CHECK(std::fabs(q.marginal0->covariances()[i] - c * c * r.marginal0->covariances()[i]) <=
            ptol * c * c * r.scale2);
  }
  std::vector<double> y0 = x0, y1 = x1;
  for (std::size_t i = 0; i < y0.size(); ++i) y0[i] += shift[i % d];
  for (std::size_t i = 0; i < y1.size(); ++i) y1[i] += shift[i % d];
  RelaxedOptions p = o;
  p.initial0 = start(*first.marginal0, 1, shift);
  p.initial1 = start(*first.marginal1, 1, shift);
  const RelaxedResult q = fit_relaxed(view(y0, d), view(y1, d), p, Context{1});
  CHECK(q.transport == Approx(r.transport).epsilon(1e-7));
  CHECK(q.ll0 == Approx(r.ll0).epsilon(1e-6));  // a single term: fixed like the parameters
  for (std::size_t i = 0; i < r.marginal0->means().size(); ++i)
    CHECK(std::fabs(q.marginal0->means()[i] - r.marginal0->means()[i] - shift[i % d]) <=
          1e-5 * std::sqrt(r.scale2));
}

TEST_CASE("relaxed fit: 1-D data along the lambdas of Fig. 6", "[relax]") {
  // 000 section 6.2, Fig. 6: K = 3, lambda in {10, 2, 1, 0.5, 0.1, 0.01} (here relative to the
  // data scale), each warm-started from the previous: the transport term decreases with lambda
  // and the marginals' log-likelihoods trade off against it.
  std::mt19937_64 rng(17);
  std::normal_distribution<double> nd;
  std::vector<double> x0, x1;
  for (int i = 0; i < 3000; ++i) {
    x0.push_back(i % 3 == 0 ? -2 + 0.3 * nd(rng)
                            : (i % 3 == 1 ? 0.5 * nd(rng) : 3 + 0.4 * nd(rng)));
    x1.push_back(i % 2 == 0 ? -1 + 0.6 * nd(rng) : 4 + 0.3 * nd(rng));
  }
  RelaxedOptions o;
  o.components = 3;
  o.lambda = 0.01;
  o.lambda_path = {10, 2, 1, 0.5, 0.1};
  o.tolerance = 1e-10;
  o.max_iterations = 2000;
  const RelaxedResult r = fit_relaxed(view(x0, 1), view(x1, 1), o, Context{1});
  REQUIRE(r.path.size() == 6);
  for (std::size_t i = 1; i < r.path.size(); ++i) {
    CHECK(r.path[i].transport <= r.path[i - 1].transport * (1 + 1e-9));
    // the likelihood side gives way as lambda falls
    CHECK(r.path[i].ll0 + r.path[i].ll1 <= r.path[i - 1].ll0 + r.path[i - 1].ll1 + 1e-9);
  }
  CHECK(r.path.front().transport > 10 * r.path.back().transport);
}

TEST_CASE("relaxed fit: identical results for any number of threads", "[relax]") {
  const std::size_t d = 3;
  // more than one chunk of points (4096), so the passes really run in parallel
  const std::vector<double> x0 = cloud(9000, d, 4, 4.0, 61), x1 = cloud(10000, d, 3, 4.0, 62);
  std::vector<double> w0(x0.size() / d);
  for (std::size_t i = 0; i < w0.size(); ++i) w0[i] = 0.5 + static_cast<double>(i % 7);
  RelaxedOptions o;
  o.components = 4;
  o.lambda = 0.5;
  o.max_iterations = 30;
  o.lambda_path = {2.0};
  const RelaxedResult a = fit_relaxed(view(x0, d, &w0), view(x1, d), o, Context{1});
  const RelaxedResult b = fit_relaxed(view(x0, d, &w0), view(x1, d), o, Context{2});
  CHECK(a.energies == b.energies);
  CHECK(a.energy == b.energy);
  CHECK(a.iterations == b.iterations);
  CHECK(same(*a.coupling, *b.coupling));
  CHECK(same(*a.marginal0, *b.marginal0));
  CHECK(same(*a.marginal1, *b.marginal1));
}

TEST_CASE("relaxed fit: invalid input is refused with the argument named", "[relax]") {
  const std::size_t d = 2;
  std::vector<double> x0 = cloud(50, d, 2, 3.0, 71), x1 = cloud(60, d, 2, 3.0, 72);
  RelaxedOptions o;
  o.components = 2;
  std::string msg;
  auto run = [&](const PointCloud &a, const PointCloud &b, const RelaxedOptions &opt) {
    return error_of([&] { fit_relaxed(a, b, opt, Context{1}); }, &msg);
  };
  for (double bad : {0.0, -1.0, std::nan(""), HUGE_VAL}) {
    RelaxedOptions p = o;
    p.lambda = bad;
    CHECK(run(view(x0, d), view(x1, d), p) == Errc::InvalidArgument);
    CHECK(msg.find("lambda") != std::string::npos);
  }
  {
    RelaxedOptions p = o;
    p.lambda_path = {5.0, 6.0};
    CHECK(run(view(x0, d), view(x1, d), p) == Errc::InvalidArgument);
    CHECK(msg.find("lambda_path[1]") != std::string::npos);
  }
  {
    // K larger than the distinct points: 5 copies of 3 distinct points
    std::vector<double> few;
    for (int r = 0; r < 5; ++r)
      for (int p = 0; p < 3; ++p) {
        few.push_back(p);
        few.push_back(2.0 * p);
      }
    RelaxedOptions p = o;
    p.components = 4;
    CHECK(run(view(x0, d), view(few, d), p) == Errc::InvalidArgument);
    CHECK(msg.find("points1") != std::string::npos);
    p.components = 3;  // exactly 3 distinct points: accepted
    CHECK_NOTHROW(fit_relaxed(view(x0, d), view(few, d), p, Context{1}));
  }
  {
    PointCloud empty = view(x1, d);
    empty.n = 0;
    CHECK(run(view(x0, d), empty, o) == Errc::Dimension);
    CHECK(msg.find("points1") != std::string::npos);
  }
  {
    std::vector<double> x3 = cloud(60, 3, 2, 3.0, 73);
    CHECK(run(view(x0, d), view(x3, 3), o) == Errc::Dimension);
  }
  {
    const std::vector<double> keep = x1;
    x1[3 * d + 1] = std::nan("");
    CHECK(run(view(x0, d), view(x1, d), o) == Errc::NonFinite);
    CHECK(msg.find("points1[3][1]") != std::string::npos);
    x1 = keep;
  }
  {
    std::vector<double> w(x0.size() / d, 1.0);
    w[7] = -1;
    CHECK(run(view(x0, d, &w), view(x1, d), o) == Errc::Weights);
    CHECK(msg.find("weights0[7]") != std::string::npos);
  }
  {
    RelaxedOptions p = o;
    p.init = RelaxedInit::User;
    CHECK(run(view(x0, d), view(x1, d), p) == Errc::InvalidArgument);
    CHECK(msg.find("initial0") != std::string::npos);
    const Gmm g3 = make_gmm(d, {0.5, 0.5}, {0, 0, 1, 1}, {1, 0, 0, 1, 1, 0, 0, 1});
    const Gmm g1 = make_gmm(d, {1.0}, {0, 0}, {1, 0, 0, 1});
    p.initial0 = shared(g3);
    p.initial1 = shared(g1);
    CHECK(run(view(x0, d), view(x1, d), p) == Errc::Dimension);
    CHECK(msg.find("initial1") != std::string::npos);
    p.initial1 = shared(g3);  // a valid user start
    const RelaxedResult r = fit_relaxed(view(x0, d), view(x1, d), p, Context{1});
    CHECK(r.iterations >= 1);
  }
}

TEST_CASE("relaxed fit: progress reports and cancellation", "[relax]") {
  const std::size_t d = 2;
  const std::vector<double> x0 = cloud(400, d, 3, 4.0, 81), x1 = cloud(400, d, 3, 4.0, 82);
  RelaxedOptions o;
  o.components = 3;
  o.tolerance = 0;  // never converges: only the cap or a cancellation stops it
  o.max_iterations = 50;
  std::vector<std::uint64_t> done;
  std::vector<double> values;
  Context ctx(1);
  ctx.progress = [&](Stage st, std::uint64_t dn, std::uint64_t total, double value) {
    if (st != Stage::Relaxed) return false;
    CHECK(total == 50);
    done.push_back(dn);
    values.push_back(value);
    return dn == 5;
  };
  std::string msg;
  CHECK(error_of([&] { fit_relaxed(view(x0, d), view(x1, d), o, ctx); }, &msg) == Errc::Cancelled);
  REQUIRE(done.size() == 6);
  for (std::size_t i = 0; i < done.size(); ++i) CHECK(done[i] == i);
  for (std::size_t i = 1; i < values.size(); ++i)
    CHECK(values[i] <= values[i - 1] + 1e-12 * std::fabs(values[i - 1]));
  std::atomic<bool> stop{true};
  Context c2(2);
  c2.interrupt = &stop;
  CHECK(error_of([&] { fit_relaxed(view(x0, d), view(x1, d), o, c2); }) == Errc::Cancelled);
}

TEST_CASE("relaxed fit: degenerate components are reported", "[relax]") {
  // Both clouds: a cluster of 300 points and a far pair of points. The component on the pair
  // explains 2 < d + 1 points in each cloud and its covariance is flat along one axis (held up
  // by the penalty only).
  const std::size_t d = 2;
  std::vector<double> x0 = cloud(300, d, 1, 0.0, 91), x1 = cloud(300, d, 1, 0.0, 92);
  for (std::vector<double> *x : {&x0, &x1}) {
    x->insert(x->end(), {60.0, 60.0, 61.0, 60.0});
  }
  RelaxedOptions o;
  o.components = 2;
  o.lambda = 10;
  const RelaxedResult r = fit_relaxed(view(x0, d), view(x1, d), o, Context{1});
  std::size_t far = r.marginal0->means()[0] > 30 ? 0 : 1;
  REQUIRE(r.marginal0->means()[far * d] > 30);
  int flagged = 0;
  for (const RelaxedDegeneracy &g : r.degenerate) {
    CHECK(g.component == far);
    if (g.component == far && g.weight_collapsed && g.covariance_collapsed) ++flagged;
  }
  CHECK(flagged == 2);
}

TEST_CASE("relaxed fit: the weight update stays exact when the costs dwarf lambda", "[relax]") {
  // Review finding: the KKT root was formed as mu = t - cmin and then c + mu, which cancels to 0
  // (NaN weights, so the update was refused and the weights froze) when c / lam > 2^53, e.g.
  // clouds 1e5 spreads apart with a tiny lambda. In the shifted variable the weights are
  // pi_k = lam n_k / (c_k - cmin + t): here costs 1e20 + {0, 1, 4} with lam = 1e-3.
  relax::Moments m[2];
  m[0].n = {0.2, 0.3, 0.5};
  m[1].n = {0.3, 0.3, 0.4};
  const std::vector<double> c = {1e20, 1e20 + 65536, 1e20 + 4 * 65536};
  std::vector<double> pi = {1.0 / 3, 1.0 / 3, 1.0 / 3};
  const double decrease = relax::update_weights(c, m, 1e-3, pi);
  CHECK(decrease > 0);
  double sum = 0;
  for (double w : pi) {
    CHECK(std::isfinite(w));
    CHECK(w >= 0);
    sum += w;
  }
  CHECK(sum == Approx(1.0).epsilon(1e-14));
  // The cheapest component takes (almost) everything: the others pay 65536 more per unit mass.
  CHECK(pi[0] > 0.99);
}
