// SPDX-License-Identifier: MIT
// The MW2 geodesic (Delon-Desolneux Cor. 2; Chen-Georgiou-Tannenbaum eq. 11):
// mu_t = sum_n w_n mu_t^{kl}, with mu_t^{kl} the Gaussian displacement interpolation between the
// paired components of plan entry n = (k, l). It has constant speed: MW2(mu_s, mu_t) =
// |t - s| MW2(mu0, mu1) (proof of Prop. 5).
#include <algorithm>
#include <string>

#include "mw2/mw2_plan.hpp"
#include "mw2/plan_detail.hpp"
#include "util/error.hpp"

namespace gmmot {

Gmm Mw2Plan::geodesic(double t) const {
  if (!(t >= 0.0 && t <= 1.0)) {
    fail(Errc::InvalidArgument, "t is " + fmt(t) + " (the geodesic time must lie in [0, 1])");
  }
  const std::size_t d = dim(), nn = d * d;
  const std::vector<PlanEntry> &plan = transport_.plan;
  const std::size_t k = plan.size();
  const std::vector<double> weights = detail::plan_weights(transport_);
  std::vector<double> means(k * d), covs(k * nn);
  for (std::size_t n = 0; n < k; ++n) {
    const std::size_t k0 = plan[n].i, l1 = plan[n].j;
    const GaussianParams g = gaussian_geodesic(g0_->means().data() + k0 * d, g0_->factors()[k0],
                                               g1_->means().data() + l1 * d, g1_->factors()[l1], t);
    std::copy(g.mean.begin(), g.mean.end(), means.begin() + n * d);
    std::copy(g.cov.begin(), g.cov.end(), covs.begin() + n * nn);
  }
  // The affine displacement maps push a t component onto the t of the interpolated covariance
  // (Meunier's review of Delon-Desolneux, §3.1 and its Fig. 3), so the geodesic stays in the
  // inputs' family.
  return Gmm::with_family(Gmm(k, d, weights.data(), means.data(), covs.data(), nullptr),
                          g0_->family());
}

}  // namespace gmmot
