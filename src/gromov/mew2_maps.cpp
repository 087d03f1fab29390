// SPDX-License-Identifier: MIT
#include "gromov/mew2_maps.hpp"

#include <string>
#include <utility>

#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {
namespace {

// phi#g1 in R^m: means P (b_l - mean1) + mean0, covariances P B_l P^T (rank <= n).
std::shared_ptr<const Gmm> embedded(const Gmm &g1, const std::vector<double> &p, std::size_t m,
                                    const std::vector<double> &mean0,
                                    const std::vector<double> &mean1) {
  const std::size_t k = g1.k(), n = g1.d();
  std::vector<double> means(k * m), covs(k * m * m, 0.0), pb(m * n);
  for (std::size_t l = 0; l < k; ++l) {
    const double *b = g1.means().data() + l * n, *B = g1.covariances().data() + l * n * n;
    for (std::size_t r = 0; r < m; ++r) {
      double t = mean0[r];
      for (std::size_t c = 0; c < n; ++c) t += p[r * n + c] * (b[c] - mean1[c]);
      means[l * m + r] = t;
    }
    std::fill(pb.begin(), pb.end(), 0.0);
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t c = 0; c < n; ++c)
        for (std::size_t j = 0; j < n; ++j) pb[r * n + j] += p[r * n + c] * B[c * n + j];
    double *S = covs.data() + l * m * m;
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t s = r; s < m; ++s) {
        double t = 0;
        for (std::size_t j = 0; j < n; ++j) t += pb[r * n + j] * p[s * n + j];
        S[r * m + s] = S[s * m + r] = t;
      }
  }
  return std::make_shared<const Gmm>(k, m, g1.weights().data(), means.data(), covs.data(), nullptr);
}

}  // namespace

Mew2Maps::Mew2Maps(const EwResult &r, std::shared_ptr<const Gmm> g0, std::shared_ptr<const Gmm> g1,
                   const Context &ctx)
    : m_(r.m), n_(r.n), p_(r.isometry), mean0_(r.mean0), mean1_(r.mean1) {
  if (g0 == nullptr || g1 == nullptr) fail(Errc::InvalidArgument, "the result has no mixtures");
  if (m_ < n_) {
    fail(Errc::NoMap, "m = " + std::to_string(m_) + " < n = " + std::to_string(n_) +
                          ": g0 is embedded into R^n as a degenerate mixture, which has no "
                          "transport map onto g1 (map from g1 to g0 instead)");
  }
  std::shared_ptr<const Gmm> target = embedded(*g1, p_, m_, mean0_, mean1_);
  plan_ = std::make_unique<const Mw2Plan>(
      Mw2Plan::from_plan(std::move(g0), std::move(target), r.plan, ctx));
  maps_ = std::make_unique<const TransportMaps>(*plan_, ctx);
}

void Mew2Maps::read_back(std::size_t count, const double *y, double *out) const {
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t c = 0; c < n_; ++c) {
      double t = 0;
      for (std::size_t r = 0; r < m_; ++r) t += p_[r * n_ + c] * (y[i * m_ + r] - mean0_[r]);
      out[i * n_ + c] = mean1_[c] + t;
    }
}

void Mew2Maps::apply_mean(std::size_t count, const double *x, const Context &ctx,
                          double *out) const {
  std::vector<double> y(checked_mul(count, m_, "n_points*m"));
  maps_->apply_mean(count, x, ctx, y.data());
  read_back(count, y.data(), out);
}

void Mew2Maps::apply_rand(std::size_t count, const double *x, std::uint64_t seed,
                          const Context &ctx, double *out) const {
  std::vector<double> y(checked_mul(count, m_, "n_points*m"));
  maps_->apply_rand(count, x, seed, ctx, y.data());
  read_back(count, y.data(), out);
}

}  // namespace gmmot
