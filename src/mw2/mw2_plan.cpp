// SPDX-License-Identifier: MIT
// Construction of the MW2 plan (Delon-Desolneux eq. 4.4; Chen-Georgiou-Tannenbaum eq. 11): the
// K0 x K1 matrix of Gaussian W2^2 between the components, then the discrete transport problem
// between the mixture weights on that matrix, solved exactly or entropically.
#include <memory>
#include <string>
#include <utility>

#include "mw2/mw2_plan.hpp"
#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {
namespace {

// Checked before anything is computed; returns g0 so that it can run in the member
// initialisers.
std::shared_ptr<const Gmm> same_dimension(std::shared_ptr<const Gmm> g0, const Gmm *g1) {
  if (g0 == nullptr || g1 == nullptr)
    fail(Errc::InvalidArgument, std::string(g0 == nullptr ? "g0" : "g1") + " is null");
  if (g0->d() != g1->d()) {
    fail(Errc::Dimension,
         "the mixtures have different dimensions: the first has d = " + std::to_string(g0->d()) +
             ", the second d = " + std::to_string(g1->d()));
  }
  return g0;
}

}  // namespace

Mw2Plan::Mw2Plan(std::shared_ptr<const Gmm> g0, std::shared_ptr<const Gmm> g1,
                 const Mw2Options &options, const Context &ctx)
    : g0_(same_dimension(std::move(g0), g1.get())), g1_(std::move(g1)) {
  options.validate();
  const Gmm &g0r = *g0_, &g1r = *g1_;
  const std::size_t k0 = g0r.k(), k1 = g1r.k();
  cost_.resize(checked_mul(k0, k1, "K0*K1"));
  w2_cost_matrix(static_cast<int>(g0r.d()), g0r.means().data(), g0r.factors(), g1r.means().data(),
                 g1r.factors(), ctx, cost_.data());
  transport_ = transport_solve(k0, k1, g0r.weights().data(), g1r.weights().data(), cost_.data(),
                               options, ctx);
}

}  // namespace gmmot
