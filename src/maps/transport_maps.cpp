// SPDX-License-Identifier: MIT
// T_mean and T_rand of an MW2 plan on blocks of points (see transport_maps.hpp). Per block:
// the log-posteriors of the active source components (component kernel), their per-point
// maxima, then either the fused exp + averaged-affine-map pass (T_mean) or the exponentials and
// one draw of (k, l) per point from its own stream (T_rand). Memory is O(block) per worker.
#include "maps/transport_maps.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "linalg/dense.hpp"
#include "maps/map_kernels.hpp"
#include "util/error.hpp"
#include "util/parallel.hpp"
#include "util/rng.hpp"
#include "util/sizes.hpp"

namespace gmmot {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr double kMapLimit = DBL_MAX / 4;  // the overflow check's limit (check_points)
// Points per block: the log-posteriors of a block (K0 x block doubles) stay in L1/L2 for d <= 3,
// and the row-major scratch (block x d) in L2 above.
constexpr std::size_t kSmallBlock = 256;
constexpr std::size_t kLargeBlock = 128;
constexpr std::size_t kScanBlock = std::size_t{1} << 16;  // doubles per block of the input scan

double max_abs(const double *v, std::size_t n) {
  double m = 0.0;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(v[i]));
  return m;
}

// The infinity norm (largest row sum of absolute values) of a row-major d x d matrix.
double norm_inf(const double *a, std::size_t d) {
  double m = 0.0;
  for (std::size_t i = 0; i < d; ++i) {
    double r = 0.0;
    for (std::size_t j = 0; j < d; ++j) r += std::fabs(a[i * d + j]);
    m = std::max(m, r);
  }
  return m;
}

}  // namespace

struct TransportMaps::Scratch {
  PointBlock block;
  std::vector<double> lp, mx, s, acc, y, z, dist;

  // Every buffer at its largest size for blocks of `block` points, so that nothing is allocated
  // once points are being written (an out-of-memory error then leaves the output untouched).
  void reserve(std::size_t d, std::size_t block_size, std::size_t rows) {
    const std::size_t ld = (block_size + 3) / 4 * 4, nd = block_size * d;
    block.soa.reserve(d <= kSmallDim ? d * ld : 0);
    block.y.reserve(d <= kSmallDim ? 0 : nd);
    block.coords.reserve(d <= kSmallDim ? 0 : nd);
    lp.reserve(rows * ld);
    mx.reserve(ld);
    s.reserve(ld);
    acc.reserve(nd);
    y.reserve(nd);
    z.reserve(nd);
    dist.reserve(rows);
  }
};

TransportMaps::TransportMaps(const Mw2Plan &plan, const Context &ctx)
    : plan_(plan), d_(plan.dim()) {
  const Gmm &g0 = plan.source(), &g1 = plan.target();
  const std::size_t d = d_, k0 = g0.k();
  const std::vector<PlanEntry> &entries = plan.transport().plan;
  const std::vector<PairMap> &maps = plan.pair_maps(ctx);  // the plan's cache: computed once
  // Positive-mass entries of each row, in plan order. An entry without a map whose mass is at
  // the rounding level of the solver's arithmetic (the exact solver can leave ~1e-17 off an
  // exact optimum) is dropped rather than failing.
  double total = 0.0;
  for (const PlanEntry &e : entries) total += e.mass;
  const double noise = 64 * std::numeric_limits<double>::epsilon() * total;
  std::vector<std::vector<std::size_t>> rows(k0);
  for (std::size_t n = 0; n < entries.size(); ++n) {
    if (!(entries[n].mass > 0.0) || (!maps[n].exists && entries[n].mass <= noise)) continue;
    rows[entries[n].i].push_back(n);
  }
  entry_begin_.push_back(0);
  for (std::size_t k = 0; k < k0; ++k) {
    if (rows[k].empty()) continue;
    double r = 0.0;
    for (const std::size_t n : rows[k]) {
      const PlanEntry &e = entries[n];
      if (!maps[n].exists) {
        const CovFactor &f = g0.factors()[k];
        fail(Errc::NoMap, "no Monge map exists for the pair (k, l) = (" + std::to_string(k) + ", " +
                              std::to_string(e.j) + ") (plan entry " + std::to_string(n) +
                              ", mass " + fmt(e.mass) + "): source component " + std::to_string(k) +
                              " is singular (rank " + std::to_string(f.rank) + " of " +
                              std::to_string(d) +
                              ") and its range does not contain the target's; T_mean and T_rand "
                              "need the map of every pair the plan moves mass along");
      }
      entry_l_.push_back(e.j);
      entry_mass_.push_back(e.mass);
      pair_maps_.push_back(&maps[n].map);
      r += e.mass;
    }
    active_.push_back(k);
    entry_begin_.push_back(entry_l_.size());
    row_mass_.push_back(r);
    log_mass_.push_back(std::log(r));
    densities_.emplace_back(g0.means().data() + k * d, g0.factors()[k], g0.family());
    const double *m0 = g0.means().data() + k * d;
    m0_.insert(m0_.end(), m0, m0 + d);
  }
  const std::size_t rows_active = active_.size();
  if (rows_active == 0) fail(Errc::Internal, "the MW2 plan has no entry of positive mass");
  abar_.assign(checked_mul(rows_active, checked_mul(d, d, "d*d"), "K0*d*d"), 0.0);
  cbar_.assign(rows_active * d, 0.0);
  for (std::size_t a = 0; a < rows_active; ++a) {
    ctx.check_interrupt();
    double *abar = abar_.data() + a * d * d, *cbar = cbar_.data() + a * d;
    for (std::size_t e = entry_begin_[a]; e < entry_begin_[a + 1]; ++e) {
      const double t = entry_mass_[e] / row_mass_[a];
      const std::vector<double> &am = pair_maps_[e]->a;
      for (std::size_t i = 0; i < d * d; ++i) abar[i] += t * am[i];
      const double *m1 = g1.means().data() + entry_l_[e] * d;
      for (std::size_t i = 0; i < d; ++i) cbar[i] += t * m1[i];
    }
    abar_norm_.push_back(norm_inf(abar, d));
    m0_max_.push_back(max_abs(m0_.data() + a * d, d));
    cbar_max_.push_back(max_abs(cbar, d));
  }
  for (std::size_t e = 0; e < pair_maps_.size(); ++e) {
    pair_norm_.push_back(norm_inf(pair_maps_[e]->a.data(), d));
    m1_max_.push_back(max_abs(g1.means().data() + entry_l_[e] * d, d));
  }
}

void TransportMaps::check_points(std::size_t n, const double *x, bool rand,
                                 const Context &ctx) const {
  const std::size_t total = checked_mul(n, d_, "n*d");
  const std::size_t nblocks = (total + kScanBlock - 1) / kScanBlock;
  std::vector<double> block_max(nblocks, 0.0);
  std::vector<char> block_finite(nblocks, 1);
  parallel_blocks(total, kScanBlock, ctx, [&](std::size_t begin, std::size_t end, unsigned) {
    bool finite = true;
    map_kernels::scan(end - begin, x + begin, &block_max[begin / kScanBlock], &finite);
    block_finite[begin / kScanBlock] = finite ? 1 : 0;
  });
  if (std::find(block_finite.begin(), block_finite.end(), 0) != block_finite.end()) {
    require_finite(x, total, "x", d_);  // names the first offending entry
  }
  const double r = nblocks > 0 ? *std::max_element(block_max.begin(), block_max.end()) : 0.0;
  // |x - m0| <= r + |m0|; a mapped point is at most ||A||_inf |x - m0| + |m1| in each
  // coordinate, and T_mean's unnormalised sum at most (number of components) times that.
  constexpr double kLimit = kMapLimit;
  auto too_large = [&](double bound, double norm) {
    fail(Errc::Overflow, "x has coordinates up to " + fmt(r) + ": " +
                             std::string(rand ? "T_rand" : "T_mean") +
                             "(x) might not be representable (bound " + fmt(bound) +
                             ", maps with norm up to " + fmt(norm) + ")");
  };
  const double count = static_cast<double>(active_.size()) + 1.0;
  for (std::size_t a = 0; a < active_.size(); ++a) {
    const double y = r + m0_max_[a];
    if (!rand) {
      const double bound = abar_norm_[a] * y + cbar_max_[a];
      if (!(y < kLimit && bound * count < kLimit)) too_large(bound, abar_norm_[a]);
      continue;
    }
    for (std::size_t e = entry_begin_[a]; e < entry_begin_[a + 1]; ++e) {
      const double bound = pair_norm_[e] * y + m1_max_[e];
      if (!(y < kLimit && bound < kLimit)) too_large(bound, pair_norm_[e]);
    }
  }
}

bool TransportMaps::mean_representable(double max_abs) const {
  // check_points' T_mean test with r = max_abs: its bounds only grow with r.
  const double count = static_cast<double>(active_.size()) + 1.0;
  for (std::size_t a = 0; a < active_.size(); ++a) {
    const double y = max_abs + m0_max_[a];
    const double bound = abar_norm_[a] * y + cbar_max_[a];
    if (!(y < kMapLimit && bound * count < kMapLimit)) return false;
  }
  return true;
}

std::size_t TransportMaps::log_posteriors(Scratch &s) const {
  const PointBlock &b = s.block;
  const std::size_t rows = active_.size(), nb = b.nb, d = d_;
  const bool small = d <= kSmallDim;
  const std::size_t ld = small ? b.stride : nb;
  s.lp.resize(rows * ld);
  s.mx.resize(ld);
  for (std::size_t a = 0; a < rows; ++a) {
    densities_[a].log_density(s.block, s.lp.data() + a * ld, log_mass_[a]);
  }
  if (small) {
    map_kernels::column_max(rows, ld, s.lp.data(), s.mx.data());
  } else {
    std::copy(s.lp.begin(), s.lp.begin() + static_cast<std::ptrdiff_t>(ld), s.mx.begin());
    for (std::size_t a = 1; a < rows; ++a)
      for (std::size_t p = 0; p < ld; ++p) s.mx[p] = std::max(s.mx[p], s.lp[a * ld + p]);
  }
  // Points off the support of every component: the nearest supports share, in proportion to
  // their masses (a NaN distance counts as infinite; if every distance is infinite, all share).
  for (std::size_t p = 0; p < nb; ++p) {
    if (s.mx[p] != kNegInf) continue;
    const double *xp = b.x + p * d;
    double best = std::numeric_limits<double>::infinity();
    std::vector<double> &dist = s.dist;
    dist.resize(rows);
    for (std::size_t a = 0; a < rows; ++a) {
      const double v = densities_[a].support_distance_sq(xp);
      dist[a] = std::isnan(v) ? std::numeric_limits<double>::infinity() : v;
      best = std::min(best, dist[a]);
    }
    double mx = kNegInf;
    for (std::size_t a = 0; a < rows; ++a) {
      const double v = dist[a] == best ? log_mass_[a] : kNegInf;
      s.lp[a * ld + p] = v;
      mx = std::max(mx, v);
    }
    s.mx[p] = mx;
  }
  return ld;
}

void TransportMaps::mean_block(Scratch &s, double *out) const {
  const std::size_t ld = log_posteriors(s);
  const PointBlock &b = s.block;
  const std::size_t rows = active_.size(), nb = b.nb, d = d_;
  if (d <= kSmallDim) {
    map_kernels::small_mean({d, rows, ld, nb, b.soa.data(), s.lp.data(), s.mx.data(), abar_.data(),
                             m0_.data(), cbar_.data(), out});
    return;
  }
  // Weights e_a(p) = exp(lp - mx) in place, their sums, then sum_a e_a (Abar_a y_a + cbar_a) with
  // y_a = x - m0_a, one GEMM per component with a non-zero weight in the block.
  s.s.assign(nb, 0.0);
  s.acc.assign(nb * d, 0.0);
  s.y.resize(nb * d);
  s.z.resize(nb * d);
  for (std::size_t a = 0; a < rows; ++a) {
    double *e = s.lp.data() + a * ld;
    bool any = false;
    for (std::size_t p = 0; p < nb; ++p) {
      e[p] = std::exp(e[p] - s.mx[p]);
      s.s[p] += e[p];
      any = any || e[p] != 0.0;
    }
    if (!any) continue;  // adds exactly +0 to every sum: skipping it changes no bit
    const double *m0 = m0_.data() + a * d, *cbar = cbar_.data() + a * d;
    for (std::size_t p = 0; p < nb; ++p)
      for (std::size_t i = 0; i < d; ++i) s.y[p * d + i] = b.x[p * d + i] - m0[i];
    // Column-major, z (d x nb) = Abar (d x d, stored row-major, i.e. transposed) * y (d x nb).
    linalg::gemm_mnk(true, false, static_cast<int>(d), static_cast<int>(nb), static_cast<int>(d),
                     1.0, abar_.data() + a * d * d, static_cast<int>(d), s.y.data(),
                     static_cast<int>(d), 0.0, s.z.data(), static_cast<int>(d));
    for (std::size_t p = 0; p < nb; ++p) {
      if (e[p] == 0.0) continue;
      for (std::size_t i = 0; i < d; ++i) s.acc[p * d + i] += e[p] * (s.z[p * d + i] + cbar[i]);
    }
  }
  for (std::size_t p = 0; p < nb; ++p)
    for (std::size_t i = 0; i < d; ++i) out[p * d + i] = s.acc[p * d + i] / s.s[p];
}

void TransportMaps::rand_block(Scratch &s, std::size_t first, std::uint64_t seed,
                               double *out) const {
  const std::size_t ld = log_posteriors(s);
  const PointBlock &b = s.block;
  const std::size_t rows = active_.size(), nb = b.nb, d = d_;
  const Gmm &g1 = plan_.target();
  s.s.resize(ld);
  if (d <= kSmallDim) {
    map_kernels::exp_weights(rows, ld, s.lp.data(), s.mx.data(), s.s.data());
  } else {
    std::fill(s.s.begin(), s.s.end(), 0.0);
    for (std::size_t a = 0; a < rows; ++a) {
      for (std::size_t p = 0; p < nb; ++p) {
        double &e = s.lp[a * ld + p];
        e = std::exp(e - s.mx[p]);
        s.s[p] += e;
      }
    }
  }
  s.y.resize(d);
  for (std::size_t p = 0; p < nb; ++p) {
    Xoshiro256 rng(seed, first + p);
    const double u_k = rng.uniform(), u_l = rng.uniform();
    // k from the posteriors: the first a whose cumulated weight (in the order they were
    // summed) exceeds u s, i.e. the number of a whose cumulated weight is <= u s, counted
    // without branches. A zero weight never wins (its cumulated weight equals its
    // predecessor's); rounding at the top end falls to the last positive weight.
    const double target = u_k * s.s[p];
    double cum = 0.0;
    std::size_t pick = 0, last = 0;
    for (std::size_t a = 0; a < rows; ++a) {
      const double e = s.lp[a * ld + p];
      cum += e;
      pick += cum <= target ? 1 : 0;
      last = e > 0.0 ? a : last;
    }
    if (pick >= rows) pick = last;
    // l from w_kl / r_k, the same way.
    const std::size_t first_entry = entry_begin_[pick], end_entry = entry_begin_[pick + 1];
    const double target_l = u_l * row_mass_[pick];
    double cum_l = 0.0;
    std::size_t entry = first_entry;
    for (std::size_t e = first_entry; e < end_entry; ++e) {
      cum_l += entry_mass_[e];
      entry += cum_l <= target_l ? 1 : 0;
    }
    if (entry >= end_entry) entry = end_entry - 1;
    const double *xp = b.x + p * d, *m0 = m0_.data() + pick * d;
    const double *m1 = g1.means().data() + entry_l_[entry] * d;
    const double *am = pair_maps_[entry]->a.data();
    for (std::size_t j = 0; j < d; ++j) s.y[j] = xp[j] - m0[j];
    double *o = out + p * d;
    for (std::size_t i = 0; i < d; ++i) {
      double acc = m1[i];
      for (std::size_t j = 0; j < d; ++j) acc += am[i * d + j] * s.y[j];
      o[i] = acc;
    }
  }
}

std::vector<std::unique_ptr<TransportMaps::Scratch>> TransportMaps::make_scratch(
    std::size_t n, unsigned threads) const {
  const std::size_t block = block_size();
  const std::size_t nblocks = (n + block - 1) / block;
  std::vector<std::unique_ptr<Scratch>> scratch(
      std::min<std::size_t>(std::max(1u, threads), nblocks));
  for (auto &s : scratch) {
    s = std::make_unique<Scratch>();
    s->reserve(d_, block, active_.size());
  }
  return scratch;
}

std::size_t TransportMaps::block_size() const {
  return d_ <= kSmallDim ? kSmallBlock : kLargeBlock;
}

void TransportMaps::apply(
    std::size_t n, const double *x, bool rand, const Context &ctx, double *out,
    const std::function<void(Scratch &, std::size_t, double *)> &block_fn) const {
  if (n == 0) return;
  check_points(n, x, rand, ctx);
  auto scratch = make_scratch(n, ctx.threads);
  parallel_blocks(
      n, block_size(), ctx,
      [&](std::size_t begin, std::size_t end, unsigned w) {
        Scratch &s = *scratch[w];
        s.block.assign(d_, end - begin, x + begin * d_);
        block_fn(s, begin, out + begin * d_);
      },
      Stage::Maps);
}

void TransportMaps::apply_mean(std::size_t n, const double *x, const Context &ctx,
                               double *out) const {
  apply(n, x, false, ctx, out,
        [this](Scratch &s, std::size_t, double *dst) { mean_block(s, dst); });
}

void TransportMaps::apply_rand(std::size_t n, const double *x, std::uint64_t seed,
                               const Context &ctx, double *out) const {
  apply(n, x, true, ctx, out, [this, seed](Scratch &s, std::size_t first, double *dst) {
    rand_block(s, first, seed, dst);
  });
}

}  // namespace gmmot
