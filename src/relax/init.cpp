// SPDX-License-Identifier: MIT
// Starting points of the relaxed fit (numerics.md E.4): EM on the pooled data (both marginals
// start equal, the suggestion of OTT's fit_gmm_pair docstring), separate EM fits paired by an
// optimal assignment, or the caller's mixtures.
//
// Pairing separate fits: the exact OT plan between the two component sets with equal masses
// 1/K is a permutation (Birkhoff-von Neumann: the assignment polytope's vertices are
// permutations), found by the Hungarian algorithm (Kuhn-Munkres with potentials, O(K^3)) on
// the K x K matrix of W2^2 between components.
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "em/em.hpp"
#include "em/em_fit.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "relax/relax_detail.hpp"
#include "util/error.hpp"

namespace gmmot::relax {
namespace {

// A minimum-cost assignment for the n x n row-major cost: row i goes to column col[i].
std::vector<std::size_t> assignment(std::size_t n, const std::vector<double> &cost) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(n + 1, 0.0);
  std::vector<std::size_t> p(n + 1, 0), way(n + 1, 0);
  for (std::size_t i = 1; i <= n; ++i) {
    p[0] = i;
    std::size_t j0 = 0;
    std::vector<double> minv(n + 1, inf);
    std::vector<char> used(n + 1, 0);
    do {
      used[j0] = 1;
      const std::size_t i0 = p[j0];
      double delta = inf;
      std::size_t j1 = 0;
      for (std::size_t j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double cur = cost[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
        if (cur < minv[j]) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      for (std::size_t j = 0; j <= n; ++j) {
        if (used[j]) {
          u[p[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      const std::size_t j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 != 0);
  }
  std::vector<std::size_t> col(n);
  for (std::size_t j = 1; j <= n; ++j) col[p[j] - 1] = j - 1;
  return col;
}

EmOptions em_options(const RelaxedOptions &o) {
  EmOptions e;
  e.components = o.components;
  e.seed = o.seed;
  return e;
}

// Weights scaled to total mass 1 (nullptr = uniform).
std::vector<double> unit_weights(const PointCloud &c) {
  std::vector<double> w(c.n, 1.0 / static_cast<double>(c.n));
  if (c.weights != nullptr) {
    double s = 0;
    for (std::size_t i = 0; i < c.n; ++i) s += c.weights[i];
    for (std::size_t i = 0; i < c.n; ++i) w[i] = c.weights[i] / s;
  }
  return w;
}

}  // namespace

Theta theta_from_data(const Problem &pb, std::size_t k, const double *weights, const double *means0,
                      const double *covs0, const double *means1, const double *covs1) {
  const std::size_t d = pb.d, dd = d * d;
  Theta th;
  th.k = k;
  th.d = d;
  th.pi.assign(weights, weights + k);
  double s = 0;
  for (double w : th.pi) s += w;
  for (double &w : th.pi) w /= s;
  const double *means[2] = {means0, means1}, *covs[2] = {covs0, covs1};
  std::vector<double> sc(dd);
  for (int c = 0; c < 2; ++c) {
    th.mean[c].assign(k * d, 0.0);
    th.chol[c].assign(k * dd, 0.0);
    for (std::size_t q = 0; q < k; ++q) {
      for (std::size_t j = 0; j < d; ++j)
        th.mean[c][q * d + j] = std::ldexp(means[c][q * d + j] - pb.centre[j], -pb.e);
      for (std::size_t i = 0; i < dd; ++i) sc[i] = std::ldexp(covs[c][q * dd + i], -2 * pb.e);
      em::regularised_cholesky(static_cast<int>(d), sc.data(), 0.0, pb.v,
                               th.chol[c].data() + q * dd);
    }
  }
  return th;
}

Theta initial_theta(const PointCloud &c0, const PointCloud &c1, const Problem &pb,
                    const RelaxedOptions &o, const Context &ctx) {
  const std::size_t k = o.components, d = pb.d;
  switch (o.init) {
    case RelaxedInit::Pooled: {
      const std::vector<double> w0 = unit_weights(c0), w1 = unit_weights(c1);
      std::vector<double> x(c0.points, c0.points + c0.n * d), w(w0);
      x.insert(x.end(), c1.points, c1.points + c1.n * d);
      w.insert(w.end(), w1.begin(), w1.end());
      const EmResult r = fit_gmm_em(c0.n + c1.n, d, x.data(), w.data(), em_options(o), ctx);
      const Gmm &g = *r.gmm;
      return theta_from_data(pb, k, g.weights().data(), g.means().data(), g.covariances().data(),
                             g.means().data(), g.covariances().data());
    }
    case RelaxedInit::Separate: {
      const EmResult r0 = fit_gmm_em(c0.n, d, c0.points, c0.weights, em_options(o), ctx);
      const EmResult r1 = fit_gmm_em(c1.n, d, c1.points, c1.weights, em_options(o), ctx);
      const Gmm &g0 = *r0.gmm, &g1 = *r1.gmm;
      std::vector<double> cost(k * k);
      for (std::size_t a = 0; a < k; ++a) {
        ctx.check_interrupt();
        for (std::size_t b = 0; b < k; ++b)
          cost[a * k + b] = gaussian_w2_squared(g0.means().data() + a * d, g0.factors()[a],
                                                g1.means().data() + b * d, g1.factors()[b]);
      }
      const std::vector<std::size_t> col = assignment(k, cost);
      const std::size_t dd = d * d;
      std::vector<double> w(k), m1(k * d), s1(k * dd);
      for (std::size_t a = 0; a < k; ++a) {
        const std::size_t b = col[a];
        w[a] = 0.5 * (g0.weights()[a] + g1.weights()[b]);
        std::copy(g1.means().begin() + b * d, g1.means().begin() + (b + 1) * d, m1.begin() + a * d);
        std::copy(g1.covariances().begin() + b * dd, g1.covariances().begin() + (b + 1) * dd,
                  s1.begin() + a * dd);
      }
      return theta_from_data(pb, k, w.data(), g0.means().data(), g0.covariances().data(), m1.data(),
                             s1.data());
    }
    case RelaxedInit::User: {
      const std::shared_ptr<const Gmm> *g[2] = {&o.initial0, &o.initial1};
      for (int c = 0; c < 2; ++c) {
        const std::string name = "initial" + std::to_string(c);
        if (!*g[c]) fail(Errc::InvalidArgument, "init is User but " + name + " is not set");
        if ((*g[c])->k() != k || (*g[c])->d() != d) {
          fail(Errc::Dimension, name + " has K = " + std::to_string((*g[c])->k()) +
                                    ", d = " + std::to_string((*g[c])->d()) + " (expected K = " +
                                    std::to_string(k) + ", d = " + std::to_string(d) + ")");
        }
        if ((*g[c])->family().is_student_t()) {
          fail(Errc::Family, name + " is " + (*g[c])->family().describe() +
                                 ": the KL-relaxed fit models Gaussian mixtures only");
        }
      }
      const Gmm &g0 = **g[0], &g1 = **g[1];
      std::vector<double> w(k);
      for (std::size_t a = 0; a < k; ++a) w[a] = 0.5 * (g0.weights()[a] + g1.weights()[a]);
      return theta_from_data(pb, k, w.data(), g0.means().data(), g0.covariances().data(),
                             g1.means().data(), g1.covariances().data());
    }
  }
  fail(Errc::InvalidArgument, "init is not one of Pooled, Separate, User");
}

}  // namespace gmmot::relax
