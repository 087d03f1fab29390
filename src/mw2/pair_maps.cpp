// SPDX-License-Identifier: MIT
// The affine Monge maps between the paired components of the plan, in plan-entry order
// (Delon-Desolneux eq. 2.8 and Prop. 4: gamma* = sum_n w_n (Id, T_n)#mu0^k when every map
// exists). A singular source component whose target is not supported on its range has no map:
// that entry gets exists = false instead of an error.
#include <string>

#include "mw2/mw2_plan.hpp"
#include "util/error.hpp"

namespace gmmot {

const std::vector<PairMap> &Mw2Plan::pair_maps(const Context &ctx) const {
  // Concurrent first calls wait for one computation; an error leaves nothing stored, so a later
  // call retries (util/lazy.hpp).
  return pair_maps_->get([this, &ctx] { return compute_pair_maps(ctx); });
}

std::vector<PairMap> Mw2Plan::compute_pair_maps(const Context &ctx) const {
  const std::size_t d = dim();
  const Gmm &g0 = *g0_, &g1 = *g1_;
  std::vector<PairMap> maps(transport_.plan.size());
  for (std::size_t n = 0; n < maps.size(); ++n) {
    const std::size_t k0 = transport_.plan[n].i, l1 = transport_.plan[n].j;
    ctx.check_interrupt();  // O(d^3) per pair: long at large d
    try {
      maps[n].map = gaussian_monge_map(g0.means().data() + k0 * d, g0.factors()[k0],
                                       g1.means().data() + l1 * d, g1.factors()[l1]);
      maps[n].exists = true;
    } catch (const Error &e) {
      if (e.code() == Errc::Overflow) {
        fail(Errc::Overflow, "the Monge map of the pair (k, l) = (" + std::to_string(k0) + ", " +
                                 std::to_string(l1) + ") (plan entry " + std::to_string(n) +
                                 "): " + e.what());
      }
      if (e.code() != Errc::NoMap) throw;
      maps[n].exists = false;
    }
  }
  return maps;
}

}  // namespace gmmot
