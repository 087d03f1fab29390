// SPDX-License-Identifier: MIT
// The EM initialisation: greedy k-means++ (Arthur & Vassilvitskii, "k-means++: the advantages of
// careful seeding", SODA 2007, with the greedy variant of scikit-learn: 2 + floor(ln K)
// candidates drawn in proportion to w_i D(x_i)^2, keeping the one that lowers the potential
// sum_i w_i D(x_i)^2 most), then a few weighted Lloyd iterations, all in double precision on the
// normalised data, with libgmmot's own random stream (util/rng.hpp). Every sum runs over the
// fixed chunks of em_detail.hpp in chunk order, so the centres do not depend on the number of
// threads.
//
// Degenerate data: when every point already coincides with a centre (fewer distinct points
// than K), further centres are drawn in proportion to the weights alone and so repeat existing
// ones; a Lloyd cluster that empties moves to the point farthest from its centre if there is
// one at a positive distance. Ties between equally near centres go to the lowest index.
#include <cstdint>
#include <limits>

#include "em/em_detail.hpp"
#include "util/rng.hpp"

#include "util/simd.hpp"
#include "util/vexp.hpp"

// Named namespace, not anonymous: target_clones needs external linkage.
namespace gmmot::kmeans_kernels {

using vexp::load;
using vexp::splat;
using vexp::store;
using vexp::v4d;

// out[p] = |x_p - c|^2 for the b points of a sub-block (b a multiple of 4): structure of arrays
// (d rows of b) when soa, else b rows of d.
GMMOT_CLONES void block_dist2(std::size_t d, std::size_t b, bool soa, const double *x,
                              const double *c, double *out) {
  if (soa) {
    for (std::size_t p = 0; p < b; p += 4) {
      v4d acc = splat(0.0);
      for (std::size_t j = 0; j < d; ++j) {
        const v4d t = load(x + j * b + p) - splat(c[j]);
        acc += t * t;
      }
      store(out + p, acc);
    }
    return;
  }
  for (std::size_t p = 0; p < b; ++p) {
    const double *xp = x + p * d;
    v4d acc = splat(0.0);
    std::size_t j = 0;
    for (; j + 4 <= d; j += 4) {
      const v4d t = load(xp + j) - load(c + j);
      acc += t * t;
    }
    double s = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (; j < d; ++j) {
      const double t = xp[j] - c[j];
      s += t * t;
    }
    out[p] = s;
  }
}

// sum_p w_p min(dist_p, d2_p) (b a multiple of 4).
GMMOT_CLONES double block_potential(std::size_t b, const double *dist, const double *d2,
                                    const double *w) {
  v4d acc = splat(0.0);
  for (std::size_t p = 0; p < b; p += 4) {
    const v4d a = load(dist + p), c = load(d2 + p);
    acc += load(w + p) * (a < c ? a : c);
  }
  return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

// Structure-of-arrays sub-block: the nearest of k centres (ties to the lowest index) of each
// point, as an index (stored as a double) and a squared distance.
GMMOT_CLONES void block_nearest_soa(std::size_t d, std::size_t b, const double *x,
                                    const double *centres, std::size_t k, double *near,
                                    double *near_d) {
  for (std::size_t p = 0; p < b; p += 4) {
    v4d best = splat(HUGE_VAL), arg = splat(0.0);
    for (std::size_t c = 0; c < k; ++c) {
      v4d acc = splat(0.0);
      for (std::size_t j = 0; j < d; ++j) {
        const v4d t = load(x + j * b + p) - splat(centres[c * d + j]);
        acc += t * t;
      }
      const auto closer = acc < best;
      best = closer ? acc : best;
      arg = closer ? splat(static_cast<double>(c)) : arg;
    }
    store(near + p, arg);
    store(near_d + p, best);
  }
}

}  // namespace gmmot::kmeans_kernels

namespace gmmot::em {
namespace {

using kmeans_kernels::block_dist2;
using kmeans_kernels::block_nearest_soa;
using kmeans_kernels::block_potential;

// Coordinate and point strides inside a sub-block (em_detail.hpp layouts).
struct Layout {
  std::size_t b, d, cs, ps;
  explicit Layout(const Data &data)
      : b(data.block), d(data.d), cs(data.soa ? data.block : 1), ps(data.soa ? 1 : data.d) {}
};

// A point drawn with probability value(i) / sum, given the per-chunk sums of value (computed
// in the same order as the walk below) and u uniform in [0, 1).
template <class Value>
std::size_t draw(const Data &data, const std::vector<double> &chunk_sums, double u,
                 const Value &value) {
  double total = 0;
  std::size_t last = 0;
  for (std::size_t c = 0; c < chunk_sums.size(); ++c) {
    total += chunk_sums[c];
    if (chunk_sums[c] > 0) last = c;
  }
  double t = u * total, acc = 0;
  std::size_t chunk = last;
  for (std::size_t c = 0; c < chunk_sums.size(); ++c) {
    if (chunk_sums[c] > 0 && t < acc + chunk_sums[c]) {
      chunk = c;
      break;
    }
    acc += chunk_sums[c];
  }
  t -= acc;
  const std::size_t begin = data.chunk_begin(chunk) * data.block;
  const std::size_t end = data.chunk_end(chunk) * data.block;
  std::size_t pick = SIZE_MAX;
  for (std::size_t i = begin; i < end; ++i) {
    const double v = value(i);
    if (!(v > 0)) continue;
    pick = i;
    if (t < v) break;
    t -= v;
  }
  if (pick == SIZE_MAX) {  // no positive value in the chunk (cannot happen with sums > 0)
    for (std::size_t i = 0; i < data.padded(); ++i)
      if (data.w[i] > 0) return i;
  }
  return pick;
}

}  // namespace

void kmeans_init(const Data &data, std::size_t k, std::uint64_t seed, std::uint64_t stream,
                 Team &team, const Context &ctx, std::vector<double> &centres, Stats &hard) {
  const std::size_t d = data.d, b = data.block, np = data.padded(), nch = data.nchunks;
  const Layout lay(data);
  Xoshiro256 rng(seed, stream);
  centres.assign(k * d, 0.0);
  std::vector<double> d2(np, std::numeric_limits<double>::infinity());
  std::vector<double> wsum(nch, 0.0), vsum(nch, 0.0);
  for (std::size_t c = 0; c < nch; ++c)
    for (std::size_t i = data.chunk_begin(c) * b; i < data.chunk_end(c) * b; ++i)
      wsum[c] += data.w[i];
  std::vector<std::vector<double>> scratch(team.size());
  for (auto &v : scratch) v.resize(std::max(k, std::size_t{8}) * b);

  auto set_centre = [&](std::size_t c, std::size_t i) {
    for (std::size_t j = 0; j < d; ++j) centres[c * d + j] = data.coord(i, j);
  };
  // dist[c * b + p] = |x_p - centre c|^2 for the sub-block blk, and the nearest centre of each
  // point (ties to the lowest index) into near / near_d.
  auto nearest_block = [&](std::size_t blk, double *dist, std::uint32_t *near, double *near_d) {
    const double *x = data.block_x(blk);
    if (data.soa) {
      double *idx = dist;  // b entries
      block_nearest_soa(d, b, x, centres.data(), k, idx, near_d);
      for (std::size_t p = 0; p < b; ++p) near[p] = static_cast<std::uint32_t>(idx[p]);
      return;
    }
    for (std::size_t c = 0; c < k; ++c)
      block_dist2(d, b, false, x, centres.data() + c * d, dist + c * b);
    for (std::size_t p = 0; p < b; ++p) {
      std::uint32_t arg = 0;
      double best = dist[p];
      for (std::size_t c = 1; c < k; ++c) {
        if (dist[c * b + p] < best) {
          best = dist[c * b + p];
          arg = static_cast<std::uint32_t>(c);
        }
      }
      near[p] = arg;
      near_d[p] = best;
    }
  };
  // d2 <- min(d2, |x - centre c|^2), and vsum per chunk = sum w d2.
  auto update = [&](std::size_t c) {
    const double *cen = centres.data() + c * d;
    team.run(nch, [&](std::size_t chunk, unsigned worker) {
      double *dist = scratch[worker].data();
      double s = 0;
      for (std::size_t blk = data.chunk_begin(chunk); blk < data.chunk_end(chunk); ++blk) {
        ctx.check_interrupt();
        block_dist2(d, b, data.soa, data.block_x(blk), cen, dist);
        double *dd = d2.data() + blk * b;
        const double *w = data.w.data() + blk * b;
        for (std::size_t p = 0; p < b; ++p) {
          if (dist[p] < dd[p]) dd[p] = dist[p];
          s += w[p] * dd[p];
        }
      }
      vsum[chunk] = s;
    });
  };

  // k-means++.
  const std::size_t ncand = 2 + static_cast<std::size_t>(std::log(static_cast<double>(k)));
  set_centre(0, draw(data, wsum, rng.uniform(), [&](std::size_t i) { return data.w[i]; }));
  update(0);
  std::vector<std::size_t> cand(ncand);
  std::vector<double> pot(nch * ncand), best_pot(ncand);
  std::vector<double> cand_x(ncand * d);
  for (std::size_t c = 1; c < k; ++c) {
    double phi = 0;
    for (double v : vsum) phi += v;
    for (std::size_t l = 0; l < ncand; ++l) {
      cand[l] = phi > 0 ? draw(data, vsum, rng.uniform(),
                               [&](std::size_t i) { return data.w[i] * d2[i]; })
                        : draw(data, wsum, rng.uniform(), [&](std::size_t i) { return data.w[i]; });
      for (std::size_t j = 0; j < d; ++j) cand_x[l * d + j] = data.coord(cand[l], j);
    }
    team.run(nch, [&](std::size_t chunk, unsigned worker) {
      double *dist = scratch[worker].data();
      double *acc = pot.data() + chunk * ncand;
      for (std::size_t l = 0; l < ncand; ++l) acc[l] = 0;
      for (std::size_t blk = data.chunk_begin(chunk); blk < data.chunk_end(chunk); ++blk) {
        ctx.check_interrupt();
        const double *x = data.block_x(blk);
        for (std::size_t l = 0; l < ncand; ++l) {
          block_dist2(d, b, data.soa, x, cand_x.data() + l * d, dist);
          acc[l] += block_potential(b, dist, d2.data() + blk * b, data.w.data() + blk * b);
        }
      }
    });
    std::fill(best_pot.begin(), best_pot.end(), 0.0);
    for (std::size_t chunk = 0; chunk < nch; ++chunk)
      for (std::size_t l = 0; l < ncand; ++l) best_pot[l] += pot[chunk * ncand + l];
    std::size_t best = 0;
    for (std::size_t l = 1; l < ncand; ++l)
      if (best_pot[l] < best_pot[best]) best = l;
    set_centre(c, cand[best]);
    update(c);
  }

  // Lloyd iterations.
  std::vector<std::uint32_t> label(np, UINT32_MAX);
  const std::size_t per_chunk = k + k * d + 3;  // counts, sums, changes, farthest (value, index)
  std::vector<double> part(nch * per_chunk);
  std::vector<double> cnt(k), sx(k * d);
  std::vector<std::vector<std::uint32_t>> near(team.size(), std::vector<std::uint32_t>(b));
  std::vector<std::vector<double>> near_d(team.size(), std::vector<double>(b));
  // f(i, x_i, w_i, nearest centre, its squared distance) for every point of positive weight in
  // the chunk, block by block (interruptible between blocks).
  auto for_each_assigned = [&](std::size_t chunk, unsigned worker, auto &&f) {
    std::uint32_t *nr = near[worker].data();
    double *nd = near_d[worker].data();
    for (std::size_t blk = data.chunk_begin(chunk); blk < data.chunk_end(chunk); ++blk) {
      ctx.check_interrupt();
      nearest_block(blk, scratch[worker].data(), nr, nd);
      const double *x = data.block_x(blk);
      for (std::size_t p = 0; p < b; ++p) {
        const std::size_t i = blk * b + p;
        if (data.w[i] > 0) f(i, x + p * lay.ps, data.w[i], nr[p], nd[p]);
      }
    }
  };
  for (int it = 0; it < kLloydIterations; ++it) {
    team.run(nch, [&](std::size_t chunk, unsigned worker) {
      double *q = part.data() + chunk * per_chunk;
      std::fill(q, q + per_chunk, 0.0);
      double *qn = q, *qx = q + k, &changes = q[k + k * d], &far = q[k + k * d + 1],
             &far_i = q[k + k * d + 2];
      far = -1;
      for_each_assigned(
          chunk, worker,
          [&](std::size_t i, const double *xp, double wi, std::uint32_t c, double dist) {
            if (label[i] != c) {
              label[i] = c;
              changes += 1;
            }
            qn[c] += wi;
            for (std::size_t j = 0; j < d; ++j) qx[c * d + j] += wi * xp[j * lay.cs];
            if (dist > far) {
              far = dist;
              far_i = static_cast<double>(i);
            }
          });
    });
    std::fill(cnt.begin(), cnt.end(), 0.0);
    std::fill(sx.begin(), sx.end(), 0.0);
    double changes = 0, far = -1;
    std::size_t far_i = 0;
    for (std::size_t chunk = 0; chunk < nch; ++chunk) {
      const double *q = part.data() + chunk * per_chunk;
      for (std::size_t c = 0; c < k; ++c) cnt[c] += q[c];
      for (std::size_t j = 0; j < k * d; ++j) sx[j] += q[k + j];
      changes += q[k + k * d];
      if (q[k + k * d + 1] > far) {
        far = q[k + k * d + 1];
        far_i = static_cast<std::size_t>(q[k + k * d + 2]);
      }
    }
    bool moved = false;
    for (std::size_t c = 0; c < k; ++c) {
      if (cnt[c] > 0) {
        for (std::size_t j = 0; j < d; ++j) centres[c * d + j] = sx[c * d + j] / cnt[c];
      } else if (!moved && far > 0) {
        set_centre(c, far_i);
        moved = true;
      }
    }
    if (changes == 0 && !moved) break;
  }

  // The hard assignment to the final centres, as EM statistics around them.
  const std::size_t slots =
      std::min(wave_slots(k * (1 + d + d * d)), std::max<std::size_t>(1, nch));
  std::vector<Stats> slot_stats(slots);
  hard.reset(k, d);
  for_chunks(
      team, nch, slots,
      [&](std::size_t chunk, std::size_t slot, unsigned worker) {
        Stats &st = slot_stats[slot];
        st.reset(k, d);
        std::vector<double> dx(d);
        for_each_assigned(chunk, worker,
                          [&](std::size_t, const double *xp, double wi, std::uint32_t c, double) {
                            for (std::size_t j = 0; j < d; ++j)
                              dx[j] = xp[j * lay.cs] - centres[c * d + j];
                            st.n[c] += wi;
                            double *s1 = st.s1.data() + c * d, *s2 = st.s2.data() + c * d * d;
                            for (std::size_t l = 0; l < d; ++l) {
                              const double t = wi * dx[l];
                              s1[l] += t;
                              for (std::size_t j = l; j < d; ++j) s2[j + l * d] += t * dx[j];
                            }
                          });
      },
      [&](std::size_t, std::size_t slot) { hard.add(slot_stats[slot]); });
}

}  // namespace gmmot::em
