// SPDX-License-Identifier: MIT
// T_mean and T_rand across dimensions from a MEW2 result with m >= n (gmmot/mew2.h): the MW2
// plan w between g0 (in R^m) and the embedded target nu' = phi#g1, phi(y) = P (y - mean1) +
// mean0, whose components live on an n-dimensional affine subspace; the maps of maps/ for that
// plan in R^m (full-dimensional posteriors of g0's components; each pair's Monge map projects
// x onto the subspace, then maps optimally within it), read back in R^n through phi^-1.
// Nothing of the posterior or map machinery is redone here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "gromov/embedding.hpp"
#include "maps/transport_maps.hpp"
#include "mw2/mw2_plan.hpp"

namespace gmmot {

class Mew2Maps {
 public:
  // r: a MEW2 result between g0 and g1. Errc::NoMap when m < n (the embedded source would be
  // degenerate: no map exists) or when a pair of the plan has no Monge map; Errc::Cancelled.
  // ctx: threads and interrupt (the W2^2 matrix in R^m and the pair maps).
  Mew2Maps(const EwResult &r, std::shared_ptr<const Gmm> g0, std::shared_ptr<const Gmm> g1,
           const Context &ctx);

  // x: count x m, out: count x n (not aliasing x). Stage::Maps as maps/; Errc::NonFinite
  // naming x[i][j], Errc::Overflow, Errc::Cancelled (out then partly written).
  void apply_mean(std::size_t count, const double *x, const Context &ctx, double *out) const;
  void apply_rand(std::size_t count, const double *x, std::uint64_t seed, const Context &ctx,
                  double *out) const;

  // The MW2 plan in R^m behind the maps (its cost is MEW2^2 up to rounding).
  const Mw2Plan &plan() const { return *plan_; }

 private:
  void read_back(std::size_t count, const double *y, double *out) const;

  std::size_t m_, n_;
  std::vector<double> p_, mean0_, mean1_;
  std::unique_ptr<const Mw2Plan> plan_;  // behind a pointer: maps_ borrows it
  std::unique_ptr<const TransportMaps> maps_;
};

}  // namespace gmmot
