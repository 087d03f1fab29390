// SPDX-License-Identifier: MIT
// One EM fit on the normalised data (em.cpp): the iteration from a start to convergence, the
// M-step and the over-relaxed steps. em.cpp drives it from k-means++ starts; em_split_merge.cpp
// restarts it from split-and-merge moves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "em/em.hpp"
#include "em/em_detail.hpp"
#include "util/team.hpp"

namespace gmmot::em {

// The normalised, blocked copy of the data for K components (em.cpp; the checks and errors of
// fit_gmm_em).
Data prepare(std::size_t n, std::size_t d, const double *points, const double *weights,
             std::size_t k);

// Lower Cholesky factor of S + reg I into l (both d x d column-major), the diagonal raised as
// documented in em.cpp if that is not safely positive definite.
void regularised_cholesky(int d, const double *s, double reg, double scale2, double *l);

// The fitted mixture in the data's units (em.cpp): a Gaussian mixture, or for p.nu > 0 a
// Student-t mixture (covariances nu / (nu - 2) times the fitted scales).
std::shared_ptr<const Gmm> to_mixture(const Data &data, const Params &p);

// Errc::InvalidArgument for option combinations the Student-t family does not support
// (split-and-merge).
void check_family(const EmOptions &o);

class Fit {
 public:
  Fit(const Data &data, const EmOptions &o, const Context &ctx, Team &team);

  struct Outcome {
    Params params;
    double ll = 0;       // mean log-likelihood in the data's units
    double ll_norm = 0;  // the same for the normalised data (compared exactly across scalings)
    std::uint64_t iterations = 0;
    std::uint64_t passes = 0;  // passes over the data, every attempt included
    bool converged = false;
    std::size_t reseeded = 0;
    std::size_t moves = 0;  // accepted split-and-merge moves (em_split_merge.cpp)
  };

  // The first iterate from k-means++ start number `stream` (weights, means and covariances of
  // the hard clusters; Student-t: those covariances as scales, nu fixed or kNuStart).
  Params start(std::uint64_t stream);
  // start(stream), then iterate().
  Outcome run(std::uint64_t stream) { return iterate(start(stream)); }
  // EM from p to convergence or the iteration cap (em.cpp documents the steps).
  Outcome iterate(Params p);
  // One evaluation pass (no statistics) with an observer.
  void observe(const Params &p, BlockObserver &observer);
  // The smallest change of l (normalised data) that is not below the tolerance at l.
  double tolerance_at(double ll) const;

  const Data &data() const { return data_; }
  const EmOptions &options() const { return o_; }
  // For the joint fit (em_joint.cpp): one pass with statistics (want_stats) into st, returning
  // l of the normalised data; the M-step as iterate() takes it (CM-step 1 only when
  // set_pooled_nu(true): the caller then takes the nu step on the pooled statistics).
  double pass(const Params &p, bool want_stats, Stats &st);
  bool cm_step(const Stats &st, Params &p, std::size_t *reseed) {
    return m_step(st, p, true, reseed);
  }
  void set_pooled_nu(bool pooled) { pooled_nu_ = pooled; }
  double ll_shift() const { return ll_shift_; }
  const Context &context() const { return ctx_; }
  Team &team() const { return team_; }
  std::size_t slots() const { return kernel_.slots(); }

 private:
  bool over_relax(const Params &base, const Params &em, double eta, Params &out);
  bool covariance_ok(int d, const double *l);
  bool m_step(const Stats &st, Params &p, bool guard, std::size_t *reseed);

  const Data &data_;
  const EmOptions &o_;
  const Context &ctx_;
  Team &team_;
  std::size_t k_, d_;
  double reg_;
  Kernel kernel_;
  double n_min_ = 0, ll_shift_ = 0;
  bool pooled_nu_ = false;
  std::vector<double> work_;
};

}  // namespace gmmot::em
