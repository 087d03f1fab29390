// SPDX-License-Identifier: MIT
// Transport maps of an MW2 plan applied to many points (Delon-Desolneux 2020, section 6.3;
// numerics.md D.3): T_mean(x) = E_gamma[Y | X = x] = sum_k rho_k(x) (Abar_k x + bbar_k), with
// rho_k(x) the posterior of source component k (log-sum-exp, so far-away points stay finite)
// and Abar_k = sum_l (w_kl / pi0_k) A_kl, bbar_k likewise (one averaged affine map per source
// component); T_rand(x) draws k from rho(x), then l from w_kl / pi0_k, and returns T_kl(x), with
// a counter-based random stream per (seed, point index). Both run over fixed blocks of points in
// parallel; results do not depend on the number of threads.
//
// Details:
//  - pi0_k is taken as the plan's row sum r_k = sum_l w_kl (pi0_k up to rounding for the exact
//    solver; for an entropic plan this makes T_mean the conditional expectation of the coupling
//    the plan defines, and T_rand a draw from it). Plan entries of zero mass are ignored, and a
//    source component with r_k = 0 (in particular pi0_k = 0) has posterior 0. An entry whose
//    pair has no Monge map is dropped when its mass is at rounding level (<= 64 eps times the
//    plan's total mass: the exact solver can leave such masses off an exact optimum).
//  - Maps are applied in centred form, T_kl(x) = A_kl (x - m0_k) + m1_l, and T_mean as
//    Abar_k (x - m0_k) + cbar_k with cbar_k = sum_l (w_kl / r_k) m1_l = bbar_k + Abar_k m0_k:
//    no cancellation between A x and b when the means are large against the spreads.
//  - rho_k(x) = r_k N_k(x) / sum_j r_j N_j(x), from max-shifted log-densities (degenerate
//    components: density on their support, 0 off it; mixture/component_density.hpp). A point
//    off the support of every component with r_k > 0 (possible only when all of them are
//    degenerate) is given to the components whose support is nearest (Euclidean distance),
//    shared in proportion to r_k; never NaN. The same rule covers points so far away (beyond
//    ~1e150 standard deviations) that every quadratic form overflows: full-rank components
//    have distance 0 to their support and share in proportion to r_k.
//  - T_rand for point i uses Xoshiro256(seed, i): the first uniform picks k, the second l.
//  - Before anything is written, x is checked: Errc::NonFinite names x[i][j]; Errc::Overflow
//    when |x| is so large (beyond ~4e307 / (K0 ||A||)) that a mapped point might not be
//    representable. Scratch is allocated before the first point is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "mixture/component_density.hpp"
#include "mw2/mw2_plan.hpp"
#include "util/context.hpp"

namespace gmmot {

class TransportMaps {
 public:
  // Errc::NoMap naming the pair (k, l) when a plan entry of non-negligible mass has no Monge map
  // (singular source).
  // Borrows the plan, which must outlive this object, and its pair maps (Mw2Plan::pair_maps,
  // computed once per plan). Immutable: apply_mean and apply_rand may run concurrently on one
  // object (each call has its own scratch), so one TransportMaps can serve every map call on a
  // plan (capi/maps.cpp keeps one per C plan handle).
  // ctx: the interrupt is checked while the plan's pair maps (on first use) and the per-component
  // averages are computed (O(nnz d^3)).
  explicit TransportMaps(const Mw2Plan &plan, const Context &ctx = Context{});

  // x and out: n x d row-major (out may not alias x). Report Stage::Maps (points mapped of n);
  // Errc::Cancelled leaves out partly written.
  void apply_mean(std::size_t n, const double *x, const Context &ctx, double *out) const;
  void apply_rand(std::size_t n, const double *x, std::uint64_t seed, const Context &ctx,
                  double *out) const;

  // True when apply_mean of finite points whose coordinates are at most max_abs in absolute
  // value passes its overflow check (then every subset of such points passes it too).
  bool mean_representable(double max_abs) const;

 private:
  struct Scratch;
  std::size_t block_size() const;
  std::vector<std::unique_ptr<Scratch>> make_scratch(std::size_t n, unsigned threads) const;
  void check_points(std::size_t n, const double *x, bool rand, const Context &ctx) const;
  // The loop both maps share: checks x, then block_fn(scratch, first point, out of the block)
  // over fixed blocks of points in parallel.
  void apply(std::size_t n, const double *x, bool rand, const Context &ctx, double *out,
             const std::function<void(Scratch &, std::size_t, double *)> &block_fn) const;
  // Log-posteriors (up to a common shift) of the block's points into s.lp (rows x ld), their
  // column maxima into s.mx, with the off-every-support fallback applied. Returns ld.
  std::size_t log_posteriors(Scratch &s) const;
  void mean_block(Scratch &s, double *out) const;
  void rand_block(Scratch &s, std::size_t first, std::uint64_t seed, double *out) const;

  const Mw2Plan &plan_;
  std::size_t d_;
  // Active source components (r_k > 0), in increasing k; index a below.
  std::vector<std::size_t> active_;
  std::vector<ComponentDensity> densities_;  // per a
  std::vector<double> log_mass_;             // per a: log r_k
  std::vector<double> m0_;                   // a x d: the source means
  std::vector<double> abar_, cbar_;          // a x d x d (row-major), a x d
  // Positive-mass plan entries grouped by a: entries entry_begin_[a] .. entry_begin_[a + 1].
  std::vector<std::size_t> entry_begin_;
  std::vector<std::size_t> entry_l_;
  std::vector<double> entry_mass_;
  std::vector<double> row_mass_;  // per a: r_k, summed in entry order
  // Per entry: A_kl (b unused: the centred form is used), in the plan's pair-map cache (not
  // copied: the plan outlives this object).
  std::vector<const AffineMap *> pair_maps_;
  // For the overflow check: per a, max row sum of |Abar|, max |m0|, max |cbar|; per entry, max
  // row sum of |A_kl| and max |m1_l|.
  std::vector<double> abar_norm_, m0_max_, cbar_max_, pair_norm_, m1_max_;
};

}  // namespace gmmot
