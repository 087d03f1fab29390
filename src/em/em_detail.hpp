// SPDX-License-Identifier: MIT
// Internals of the EM fit (em.cpp, em_kernel.cpp, kmeans_init.cpp): the normalised and blocked
// copy of the data, the parameters in normalised coordinates, the sufficient statistics, and
// the fixed-order parallel loop over chunks of points.
//
// Blocking: the points (padded with zero-weight points at the origin to a whole number of
// sub-blocks) are cut into sub-blocks of `block` points, and consecutive sub-blocks into chunks.
// A chunk is the parallel unit: one worker processes its sub-blocks in order and accumulates
// into the chunk's own statistics. Chunks run in waves of at most `slots` chunks; after each
// wave the chunk statistics are added to the total in chunk order. Sub-block, chunk and wave
// sizes depend only on n, d and K, never on the number of threads, so every sum is evaluated in
// the same order whatever the thread count: results are bit-identical.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "util/context.hpp"
#include "util/error.hpp"
#include "util/team.hpp"

namespace gmmot::em {

// Dimensions up to this use the structure-of-arrays kernels vectorised over points.
constexpr std::size_t kSmallDim = 4;
// Row blocks of the large-d E-step product (em_kernel.cpp).
constexpr std::size_t kMaxRowBlocks = 3;

// The data x' = (2^-exp_a x - centre) 2^-exp_s: centred, and scaled by powers of two (exact) to
// mean per-dimension variance in [1, 4). Weights are scaled by a power of two to a largest
// weight in [1, 2), so no sum of weights can overflow or underflow.
struct Data {
  std::size_t n = 0, d = 0;      // real points and dimension
  std::size_t block = 0;         // points per sub-block (a multiple of 8)
  std::size_t nblocks = 0;       // sub-blocks, after padding
  std::size_t chunk_blocks = 0;  // sub-blocks per chunk
  std::size_t nchunks = 0;
  bool soa = false;            // d <= kSmallDim: sub-blocks hold d rows of `block` values;
                               // otherwise `block` rows of d values (row-major points)
  std::vector<double> x;       // nblocks * block * d
  std::vector<double> w;       // nblocks * block, 0 for padding
  double total_weight = 0;     // sum of w
  std::size_t positive = 0;    // points with w > 0
  double scale2 = 1;           // the data scale: mean per-dimension variance of x'
  std::vector<double> centre;  // d
  int exp_a = 0, exp_s = 0;

  std::size_t padded() const { return nblocks * block; }
  const double *block_x(std::size_t b) const { return x.data() + b * block * d; }
  // Coordinate j of (padded) point i.
  double coord(std::size_t i, std::size_t j) const {
    const std::size_t b = i / block, p = i % block;
    return soa ? x[(b * d + j) * block + p] : x[(b * block + p) * d + j];
  }
  std::size_t chunk_begin(std::size_t c) const { return c * chunk_blocks; }
  std::size_t chunk_end(std::size_t c) const { return std::min(nblocks, (c + 1) * chunk_blocks); }
};

// Mixture parameters in normalised coordinates; chol[k] is the lower Cholesky factor of the
// covariance, column-major d x d (upper triangle zero).
// Student-t (em_student_t.hpp): chol[k] factors the SCALE matrix and nu > 0 is the shared
// degrees of freedom; nu = 0 marks a Gaussian mixture.
struct Params {
  std::size_t k = 0, d = 0;
  std::vector<double> weight, mean, chol;
  double nu = 0;
};

// Weighted sufficient statistics of one E-step, each accumulated around the mean of the
// parameters it was computed with (numerics.md D.4: no E[xx^T] - mu mu^T cancellation):
// n_k = sum_i w_i r_ik, s1_k = sum_i w_i r_ik (x_i - mu_k), s2_k = the same with
// (x_i - mu_k)(x_i - mu_k)^T (column-major d x d, lower triangle). ll = sum_i w_i log p(x_i) as
// a compensated sum, and the positive-weight point of lowest log p.
// Student-t (t = true in reset): s1 and s2 carry the latent scale weights u_ik as well
// (sum_i w_i r_ik u_ik (x_i - mu_k) ...), u_k = sum_i w_i r_ik u_ik, and lu = sum_i sum_k w_i r_ik
// (log u_ik - u_ik), the data term of the nu equation; both empty / 0 for Gaussian statistics.
struct Stats {
  std::vector<double> n, s1, s2, u;
  double lu = 0;
  double ll_sum = 0, ll_err = 0;
  double worst_value = HUGE_VAL;
  std::size_t worst_index = SIZE_MAX;

  void reset(std::size_t k, std::size_t d, bool t = false) {
    n.assign(k, 0.0);
    s1.assign(k * d, 0.0);
    s2.assign(k * d * d, 0.0);
    u.assign(t ? k : 0, 0.0);
    lu = 0;
    ll_sum = ll_err = 0;
    worst_value = HUGE_VAL;
    worst_index = SIZE_MAX;
  }
  // Neumaier's compensated addition to ll.
  void add_ll(double v) {
    const double t = ll_sum + v;
    ll_err += std::fabs(ll_sum) >= std::fabs(v) ? (ll_sum - t) + v : (v - t) + ll_sum;
    ll_sum = t;
  }
  void note_point(double logp, std::size_t index) {
    if (logp < worst_value || (logp == worst_value && index < worst_index)) {
      worst_value = logp;
      worst_index = index;
    }
  }
  // this += o, in a fixed order.
  void add(const Stats &o) {
    for (std::size_t i = 0; i < n.size(); ++i) n[i] += o.n[i];
    for (std::size_t i = 0; i < s1.size(); ++i) s1[i] += o.s1[i];
    for (std::size_t i = 0; i < s2.size(); ++i) s2[i] += o.s2[i];
    for (std::size_t i = 0; i < u.size(); ++i) u[i] += o.u[i];
    lu += o.lu;
    add_ll(o.ll_sum);
    add_ll(o.ll_err);
    note_point(o.worst_value, o.worst_index);
  }
  double ll() const { return ll_sum + ll_err; }
};

// Chunks per wave for per-chunk state of `doubles_per_chunk` doubles: at most 64, and at most
// 2^25 doubles (256 MiB) in flight. Depends on the sizes only.
inline std::size_t wave_slots(std::size_t doubles_per_chunk) {
  const std::size_t budget = std::size_t{1} << 25;
  return std::max<std::size_t>(
      1, std::min<std::size_t>(64, budget / std::max<std::size_t>(1, doubles_per_chunk)));
}

// Runs body(chunk, slot, worker) for every chunk, waves of `slots` chunks in parallel on the
// team, then reduce(chunk, slot) for the chunks of each wave in chunk order.
inline void for_chunks(Team &team, std::size_t nchunks, std::size_t slots,
                       const std::function<void(std::size_t, std::size_t, unsigned)> &body,
                       const std::function<void(std::size_t, std::size_t)> &reduce) {
  for (std::size_t w0 = 0; w0 < nchunks; w0 += slots) {
    const std::size_t count = std::min(slots, nchunks - w0);
    team.run(count, [&](std::size_t i, unsigned worker) { body(w0 + i, i, worker); });
    for (std::size_t i = 0; i < count; ++i) reduce(w0 + i, i);
  }
}

// Sees the responsibilities of every sub-block during a pass (Kernel::pass), for statistics
// that the M-step does not need (em_split_merge.cpp). block() runs on the worker thread of the
// chunk and accumulates into the state of `slot`; reduce(slot) runs on the calling thread, once
// per chunk in chunk order, after the wave (the same order as the Stats, so the sums are
// bit-identical for any thread count). reduce must also clear the slot's state for its next
// chunk.
class BlockObserver {
 public:
  virtual ~BlockObserver() = default;
  // e: K x b (row c = component c), e_c(x_i) = exp(lp_c(x_i) - m_i); m_i the max-shift; inv_s_i
  // = 1 / sum_c e_c(x_i) (so r_ic = e_c inv_s_i); w: the block's point weights (0 for padding).
  virtual void block(std::size_t slot, std::size_t b, const double *e, const double *m,
                     const double *inv_s, const double *w) = 0;
  virtual void reduce(std::size_t slot) = 0;
};

// One pass over the data with the parameters p: the mean log-likelihood terms, the lowest
// point, and (if want_stats) the sufficient statistics, into total (reset here); observer (if
// not null) sees every sub-block's responsibilities. em_kernel.cpp.
// Student-t parameters (p.nu > 0): lp_c = log pi_c + log t_nu(x; mu_c, L_c L_c^T), and the
// statistics of the ECM (Stats above) with u_ic = (nu + d) / (nu + delta_ic).
class Kernel {
 public:
  Kernel(const Data &data, std::size_t k);
  void pass(const Params &p, bool want_stats, Team &team, const Context &ctx, Stats &total,
            BlockObserver *observer = nullptr);
  // Chunks in flight at once: observer slots are 0 .. slots() - 1.
  std::size_t slots() const { return slots_; }

 private:
  const Data &data_;
  std::size_t k_;
  std::size_t slots_;
  std::vector<Stats> slot_stats_;
  std::vector<std::vector<double>> scratch_;  // per worker
  std::vector<double> logc_, small_;          // per-component constants of the current pass
  std::vector<double> logc_t_;                // Student-t: the constants of log t_nu
  // d > kSmallDim: row blocks [rows_[g], rows_[g+1]) of every U_k = L_k^-1, stacked over k, and
  // the same rows of U_k mu_k.
  std::vector<std::size_t> rows_;
  std::vector<double> ustack_[kMaxRowBlocks], umean_[kMaxRowBlocks];
};

// k-means++ (greedy, 2 + floor(ln K) candidates per centre, weighted) then up to
// kLloydIterations Lloyd iterations, in double precision, from the stream `stream` of `seed`.
// Lloyd is deliberately not run to convergence (scikit-learn runs it up to 300 iterations): a
// k-means optimum is not a better EM start. On the d = 27 image patches of bench/run_maps_em.sh
// (K = 10), Lloyd run to convergence reaches the inertia of scikit-learn's KMeans (10653.5, 6 seeds
// in 10), but EM from those starts ends at a mean log-likelihood of 80.78 on average over
// 30 seeds, against 80.89 after 10 Lloyd iterations (0 or 3 iterations: 80.90 and 80.89, the same
// within the spread between seeds).
// Returns the centres (K x d) and, in hard, the statistics of the final hard assignment
// (nearest centre, ties to the lowest index) around those centres. kmeans_init.cpp.
constexpr int kLloydIterations = 10;
void kmeans_init(const Data &data, std::size_t k, std::uint64_t seed, std::uint64_t stream,
                 Team &team, const Context &ctx, std::vector<double> &centres, Stats &hard);

}  // namespace gmmot::em
