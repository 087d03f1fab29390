// SPDX-License-Identifier: MIT
// The two problems behind EW2 and MEW2 (embedding.hpp), seen by the alternating solver through
// one interface. Everything is in the "large x small" orientation: rows are the components (or
// points) of the side of dimension D = big(), columns those of the side of dimension
// d = small() <= D, and P is D x d row-major with orthonormal columns. Both sides are centred.
#pragma once

#include <cstddef>
#include <vector>

#include "lp/transport.hpp"
#include "mixture/gmm.hpp"
#include "util/context.hpp"

namespace gmmot {

class EmbeddingProblem {
 public:
  virtual ~EmbeddingProblem() = default;

  std::size_t big() const { return big_; }
  std::size_t small() const { return small_; }
  std::size_t rows() const { return wl_.size(); }
  std::size_t cols() const { return ws_.size(); }
  const std::vector<double> &row_weights() const { return wl_; }  // sum 1
  const std::vector<double> &col_weights() const { return ws_; }  // sum 1
  // S: the sum of the two sides' total variances (the unit of the stopping rule).
  double scale() const { return scale_; }
  // The two global covariances (D x D and d x d row-major), for the covariance start.
  const std::vector<double> &large_covariance() const { return cov_l_; }
  const std::vector<double> &small_covariance() const { return cov_s_; }

  // C_kl = W2^2(large_k, P#small_l), rows x cols row-major (ctx: threads and interrupt only).
  virtual void cost_matrix(const double *p, const Context &ctx, double *cost) const = 0;
  // L(P, w) = sum_n w_n C_{k_n l_n}, evaluated entry by entry (no cost matrix).
  virtual double loss(const double *p, const std::vector<PlanEntry> &plan) const = 0;
  // The Euclidean gradient of L(., w) at P, D x d. full = false: of the form the loss takes on
  // the manifold (|a - P b|^2 = |a|^2 - 2 a^T P b + |b|^2, tr(P B P^T) = tr B), which differs
  // from the full one only by terms normal to the manifold (same Riemannian gradient); this is
  // what the embedding steps use. full = true: of the W2^2 extended to every D x d matrix P,
  // W2^2(N(a, A), N(P b, P B P^T)), for checks against finite differences.
  virtual void gradient(const double *p, const std::vector<PlanEntry> &plan, bool full,
                        double *g) const = 0;
  // Lowers L(., w) from P (updated in place) given its current value `loss`; returns the new
  // value (never above `loss`: a step that would raise it is not taken). tolerance_abs: stop
  // the inner steps when one lowers L by at most this; max_steps: their cap.
  virtual double embed_step(double *p, const std::vector<PlanEntry> &plan, double loss,
                            double tolerance_abs, std::uint64_t max_steps) const = 0;

 protected:
  std::size_t big_ = 0, small_ = 0;
  std::vector<double> wl_, ws_;
  double scale_ = 0;
  std::vector<double> cov_l_, cov_s_;
};

// EW2: Diracs at the points. The large side is x (D = its dimension >= y's).
class PointEmbedding final : public EmbeddingProblem {
 public:
  // Points already validated, weights normalised, both clouds centred.
  PointEmbedding(std::size_t nl, std::size_t dl, std::vector<double> x, std::vector<double> wl,
                 std::size_t ns, std::size_t ds, std::vector<double> y, std::vector<double> ws);

  void cost_matrix(const double *p, const Context &ctx, double *cost) const override;
  double loss(const double *p, const std::vector<PlanEntry> &plan) const override;
  void gradient(const double *p, const std::vector<PlanEntry> &plan, bool full,
                double *g) const override;
  double embed_step(double *p, const std::vector<PlanEntry> &plan, double loss,
                    double tolerance_abs, std::uint64_t max_steps) const override;

 private:
  std::vector<double> x_, y_;  // rows x D, cols x d
};

// MEW2: the large mixture (components a_k, A_k in R^D) and the small one (b_l, B_l in R^d),
// both centred. W2^2(N(a, A), N(P b, P B P^T)) = |(I - P P^T) a|^2 + tr((I - P P^T) A)
//   + W2^2(N(P^T a, P^T A P), N(b, B)): the cost matrix is a W2^2 matrix in R^d plus a row
// constant.
class MixtureEmbedding final : public EmbeddingProblem {
 public:
  MixtureEmbedding(const Gmm &large, const Gmm &small);

  void cost_matrix(const double *p, const Context &ctx, double *cost) const override;
  double loss(const double *p, const std::vector<PlanEntry> &plan) const override;
  void gradient(const double *p, const std::vector<PlanEntry> &plan, bool full,
                double *g) const override;
  double embed_step(double *p, const std::vector<PlanEntry> &plan, double loss,
                    double tolerance_abs, std::uint64_t max_steps) const override;

  // The component means (centred) and weights of both sides, for the annealed start.
  const std::vector<double> &large_means() const { return a_; }
  const std::vector<double> &small_means() const { return b_; }

 private:
  struct Projected;  // P^T a_k, P^T A_k P (factored), A_k P and the row constant, per k
  // factor: also factor P^T A_k P (for the Bures closed form of gaussian/).
  Projected project(const double *p, const std::vector<char> &need, bool factor) const;
  // L(P, w) by the eigenvalues of N (the loss's closed form, as the embedding steps need it)
  // and the gradient of `gradient` into g, in one pass.
  double value_and_gradient(const double *p, const std::vector<PlanEntry> &plan, bool full,
                            double *g) const;

  std::vector<double> a_, acov_;  // rows x D, rows x D x D
  std::vector<double> b_;         // cols x d
  std::vector<CovFactor> bf_;     // cols factors of B_l
  std::vector<double> bcov_;      // cols x d x d
  std::vector<double> bsqrt_;     // cols x d x d: B_l^(1/2), symmetric
};

}  // namespace gmmot
