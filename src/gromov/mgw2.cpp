// SPDX-License-Identifier: MIT
#include "gromov/mgw2.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "gaussian/bures.hpp"
#include "gaussian/gaussian_ot.hpp"
#include "util/dynamic_tasks.hpp"
#include "util/error.hpp"

namespace gmmot {
namespace {

// One mixture's share of the pool: its pairs k < l (each once: the matrix is symmetric with a
// zero diagonal; at d = 27, K = 10 a blocked rectangular w2_cost_matrix computed 84 pairs for
// these 45), their values, and its blocks' place in the pool.
struct IntraJob {
  const Gmm *g = nullptr;
  const char *name = nullptr;
  std::vector<std::size_t> first, second;
  std::vector<double> values;
  double pair_ns = 0;
  std::size_t block = 1, first_block = 0, blocks = 0;
};

std::string overflow_message(std::size_t i, std::size_t j, const char *name) {
  return "W2^2 between components " + std::to_string(i) + " and " + std::to_string(j) + " of " +
         name + " exceeds the largest double";
}

// |m_k - m_l|^2 <= W2^2 <= |m_k - m_l|^2 + tr S_k + tr S_l: an overflow is found here and named
// by this mixture's pair (w2_cost_matrix would name the pair within a block, as if between two
// mixtures). The message, or empty.
std::string bound_overflow(const Gmm &g, const char *name) {
  const std::size_t k = g.k(), dim = g.d();
  const std::vector<CovFactor> &f = g.factors();
  const double *means = g.means().data();
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j) {
      double s = f[i].trace + f[j].trace;
      for (std::size_t c = 0; c < dim; ++c) {
        const double diff = means[i * dim + c] - means[j * dim + c];
        s += diff * diff;
      }
      if (!std::isfinite(s)) return overflow_message(i, j, name);
    }
  return {};
}

}  // namespace

std::vector<std::vector<double>> intra_w2_matrices(const std::vector<const Gmm *> &gs,
                                                   const std::vector<const char *> &names,
                                                   const Context &ctx) {
  const std::size_t n = gs.size();
  std::vector<IntraJob> jobs(n);
  // Each mixture's bound is checked just before its pairs would have run alone (the first
  // mixture's now, the others' after the earlier mixtures' errors), so that the error reported
  // is the one of computing the matrices one after the other.
  std::vector<std::string> overflow(n);
  double total_ns = 0;
  std::size_t nblocks = 0;
  for (std::size_t m = 0; m < n; ++m) {
    IntraJob &job = jobs[m];
    job.g = gs[m];
    job.name = names[m];
    overflow[m] = bound_overflow(*job.g, job.name);
    if (m == 0 && !overflow[0].empty()) fail(Errc::Overflow, overflow[0]);
    job.first_block = nblocks;
    if (!overflow[m].empty()) continue;  // its pairs are not computed
    const std::size_t k = job.g->k(), pairs = k * (k - 1) / 2;
    job.first.resize(pairs);
    job.second.resize(pairs);
    for (std::size_t i = 0, p = 0; i < k; ++i)
      for (std::size_t j = i + 1; j < k; ++j, ++p) {
        job.first[p] = i;
        job.second[p] = j;
      }
    job.values.assign(pairs, 0.0);
    job.pair_ns = w2_pair_ns(static_cast<int>(job.g->d()));
    job.block = w2_pair_block(job.pair_ns);
    job.blocks = (pairs + job.block - 1) / job.block;
    nblocks += job.blocks;
    total_ns += job.pair_ns * static_cast<double>(pairs);
  }
  // All mixtures' blocks in one pool (one thread start for all), taken on demand (run_dynamic):
  // each pair's value depends only on the pair, and under load the caller takes the blocks of a
  // helper that has no core yet instead of waiting for it. A worker makes its scratch space for
  // a dimension when it first meets a block of it.
  const unsigned useful = w2_pair_workers(total_ns, ctx.threads);
  std::vector<std::optional<PairWorkspace>> spaces(static_cast<std::size_t>(useful) * n);
  const std::vector<std::exception_ptr> errors =
      run_dynamic(nblocks, useful, [&](std::size_t b, unsigned w) {
        ctx.check_interrupt();
        std::size_t m = 0;
        while (b >= jobs[m].first_block + jobs[m].blocks) ++m;
        IntraJob &job = jobs[m];
        std::optional<PairWorkspace> &ws = spaces[static_cast<std::size_t>(w) * n + m];
        if (!ws) ws.emplace(static_cast<int>(job.g->d()));
        const std::size_t dim = job.g->d();
        const double *means = job.g->means().data();
        const std::vector<CovFactor> &f = job.g->factors();
        const std::size_t begin = (b - job.first_block) * job.block,
                          end = std::min(job.values.size(), begin + job.block);
        const double *m0[kPairBatch], *m1[kPairBatch];
        const CovFactor *f0[kPairBatch], *f1[kPairBatch];
        for (std::size_t p = begin; p < end; p += kPairBatch) {
          const int count = static_cast<int>(std::min<std::size_t>(kPairBatch, end - p));
          for (int c = 0; c < count; ++c) {
            m0[c] = means + job.first[p + c] * dim;
            m1[c] = means + job.second[p + c] * dim;
            f0[c] = &f[job.first[p + c]];
            f1[c] = &f[job.second[p + c]];
          }
          w2_squared_batch(m0, f0, m1, f1, count, *ws, job.values.data() + p);
        }
      });
  std::vector<std::vector<double>> out(n);
  for (std::size_t m = 0; m < n; ++m) {
    const IntraJob &job = jobs[m];
    if (!overflow[m].empty()) fail(Errc::Overflow, overflow[m]);
    for (std::size_t b = job.first_block; b < job.first_block + job.blocks; ++b)
      if (errors[b]) std::rethrow_exception(errors[b]);
    const std::size_t k = job.g->k();
    std::vector<double> &d = out[m];
    d.assign(k * k, 0.0);
    for (std::size_t p = 0; p < job.values.size(); ++p) {
      if (!std::isfinite(job.values[p]))
        fail(Errc::Overflow, overflow_message(job.first[p], job.second[p], job.name));
      d[job.first[p] * k + job.second[p]] = d[job.second[p] * k + job.first[p]] = job.values[p];
    }
  }
  return out;
}

std::vector<double> intra_w2_matrix(const Gmm &g, const Context &ctx, const char *name) {
  return std::move(intra_w2_matrices({&g}, {name}, ctx)[0]);
}

Mgw2Result mgw2(const Gmm &g0, const Gmm &g1, const GwOptions &options, const Context &ctx) {
  options.validate();
  Mgw2Result r;
  const Context quiet = without_progress(ctx);
  std::vector<std::vector<double>> d = intra_w2_matrices({&g0, &g1}, {"g0", "g1"}, quiet);
  r.d0 = std::move(d[0]);
  r.d1 = std::move(d[1]);
  const GwProblem p(g0.k(), g0.weights().data(), r.d0.data(), g1.k(), g1.weights().data(),
                    r.d1.data());
  r.gw = gromov_wasserstein(p, options, ctx);
  return r;
}

}  // namespace gmmot
