// Construction of the MW2 plan (Delon-Desolneux eq. 4.4; Chen-Georgiou-Tannenbaum eq. 11): the
// K0 x K1 matrix of Gaussian W2^2 between the components, then the discrete transport problem
// between the mixture weights on that matrix, solved exactly or entropically.
#include <string>

#include "mw2/mw2_plan.hpp"
#include "util/error.hpp"
#include "util/sizes.hpp"

namespace gmmot {
namespace {

// Checked before anything is computed; returns g0 so that it can run in the member
// initialisers, before the copies of the mixtures are made.
const Gmm &same_dimension(const Gmm &g0, const Gmm &g1) {
  if (g0.d() != g1.d()) {
    fail(Errc::Dimension,
         "the mixtures have different dimensions: the first has d = " + std::to_string(g0.d()) +
             ", the second d = " + std::to_string(g1.d()));
  }
  return g0;
}

}  // namespace

Mw2Plan::Mw2Plan(const Gmm &g0, const Gmm &g1, const Mw2Options &options, const Context &ctx)
    : g0_(same_dimension(g0, g1)), g1_(g1) {
  options.validate();
  const std::size_t k0 = g0_.k(), k1 = g1_.k();
  cost_.resize(checked_mul(k0, k1, "K0*K1"));
  w2_cost_matrix(static_cast<int>(g0_.d()), g0_.means().data(), g0_.factors(), g1_.means().data(),
                 g1_.factors(), ctx, cost_.data());
  transport_ = transport_solve(k0, k1, g0_.weights().data(), g1_.weights().data(), cost_.data(),
                               options, ctx);
}

}  // namespace gmmot
