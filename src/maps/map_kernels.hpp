// SPDX-License-Identifier: MIT
// The vectorised pieces of the transport maps (maps/transport_maps.cpp): a scan of the points,
// the per-point maximum and exponentials of the log-posteriors, and the whole T_mean of a block
// for d <= kSmallDim. Arrays of log-posteriors are row-major rows x stride (one row per active
// source component, one column per point), stride a multiple of 4. Every point's result depends
// only on that point's column, never on the block it falls in.
#pragma once

#include <cstddef>

namespace gmmot::map_kernels {

// *max_abs = max |x_i| over the finite entries; *all_finite = no NaN or infinity among them.
void scan(std::size_t n, const double *x, double *max_abs, bool *all_finite);

// mx[p] = max_a lp[a * stride + p].
void column_max(std::size_t rows, std::size_t stride, const double *lp, double *mx);

// lp[a][p] <- exp(lp[a][p] - mx[p]) in place and s[p] = sum_a of the results, summed in the
// order a = 0, 1, ... (the order in which T_rand walks them). mx[p] must be finite.
void exp_weights(std::size_t rows, std::size_t stride, double *lp, const double *mx, double *s);

// T_mean for d <= 3 on one block: out[p][i] = sum_a e_a(p) (A_a (x_p - m_a) + c_a)_i / s(p),
// with e_a(p) = exp(lp[a][p] - mx[p]) and s(p) = sum_a e_a(p), for p < nb (padding lanes are
// computed but not written). soa: the block's points by coordinate (PointBlock::soa); a: rows
// x d x d row-major; m, c: rows x d; out: nb x d row-major.
struct SmallMean {
  std::size_t d, rows, stride, nb;
  const double *soa, *lp, *mx, *a, *m, *c;
  double *out;
};
void small_mean(const SmallMean &k);

}  // namespace gmmot::map_kernels
