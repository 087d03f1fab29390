// SPDX-License-Identifier: MIT
// Internals of the KL-relaxed coupled fit (relaxed_fit.hpp): the common normalised frame of the
// two clouds, the parameters in that frame, the E-step moments, and the block updates of the
// majoriser Q of numerics.md E.2. Matrices are column-major d x d; Cholesky factors are lower.
#pragma once

#include <cstddef>
#include <vector>

#include "em/em_detail.hpp"
#include "linalg/dense.hpp"
#include "relax/relaxed_fit.hpp"

namespace gmmot::relax {

// Both clouds in one frame u = 2^-e (x - centre), so that the transport term, which compares
// the two marginals, is computed between parameters in the same coordinates. e is chosen so
// that v = s^2 / (d 4^e), the mean per-dimension data variance in the frame, is in [1, 4).
// The EM kernel's own normalisation (em::prepare: each cloud centred and scaled by powers of two)
// is undone into this frame once, point by point, when the problem is built (frame.cpp).
struct Problem {
  std::size_t d = 0;
  em::Data data[2];
  std::size_t positive[2] = {0, 0};  // points of positive weight
  int e = 0;
  std::vector<double> centre;  // d, data units
  double v = 1;                // s^2 / (d 4^e), in [1, 4)
  double s2 = 0;               // s^2 in the data's units
};

// Validates one cloud (n, d > 0, sizes, points non-null and finite, weights), naming its arrays
// `name` ("points0": points0[i][j]) and `wname` ("weights0"). frame.cpp.
void check_cloud(const PointCloud &c, const char *name, const char *wname);

// Validates the clouds (Errc as documented in relaxed_fit.hpp) and builds the problem for K
// components. frame.cpp.
Problem make_problem(const PointCloud &c0, const PointCloud &c1, std::size_t k);

// Mixture parameters of both marginals in the frame.
struct Theta {
  std::size_t k = 0, d = 0;
  std::vector<double> pi;       // K
  std::vector<double> mean[2];  // K x d
  std::vector<double> chol[2];  // K x d x d, lower Cholesky factors of the covariances
};

// Responsibility moments of one cloud under theta (normalised to total mass 1):
// n_k = sum_i a_i r_ik / sum_i a_i, xbar_k their weighted mean, scatter_k the weighted scatter
// around xbar_k divided by the mass (full symmetric), and the mean log-likelihood ll.
struct Moments {
  std::vector<double> n, xbar, scatter;
  double ll = 0;
};

// One E-step pass over cloud c with theta (the EM kernel) into m.
void e_step(const Problem &pb, int c, const Theta &th, em::Kernel &kernel, Team &team,
            const Context &ctx, Moments &m);

// Terms of J in the frame: J_u = transport - lam (ll0 + ll1) + penalty, lam = lambda * d * v.
struct Terms {
  double transport = 0, ll[2] = {0, 0}, penalty = 0;
  double energy(double lam) const { return transport - lam * (ll[0] + ll[1]) + penalty; }
  double magnitude(double lam) const;  // |transport| + lam (|ll0| + |ll1|) + |penalty|
};

// Small dense helpers in dimension d with their scratch (one per thread of use).
class Pair {
 public:
  explicit Pair(int d);
  int d() const { return d_; }
  // B^2(L0 L0^T, L1 L1^T) in the cancellation-free Procrustes form ||L0 - L1 U||_F^2, U = P Q^T
  // the polar factor of L1^T L0 = P Sigma Q^T (numerics.md A.7). Keeps P, Sigma, Q^T.
  double bures2(const double *l0, const double *l1);
  const std::vector<double> &p() const { return p_; }
  const std::vector<double> &qt() const { return qt_; }
  const std::vector<double> &sigma() const { return s_; }
  const std::vector<double> &u() const { return u_; }  // P Q^T after bures2
  linalg::Workspace &lapack() { return ws_; }

 private:
  int d_;
  linalg::Workspace ws_;
  std::vector<double> w_, s_, p_, qt_, u_, r_;
};

// Per-component transport costs c_k = |m0_k - m1_k|^2 + B^2_k into c; returns sum pi_k c_k.
double transport_costs(const Theta &th, Pair &pair, std::vector<double> &c);
// The penalty (relaxed_fit.hpp) in the frame: (lam / 2) rho sum [v tr S^-1 + log det S].
double penalty(const Theta &th, double lam, double rho, double v);

// The block updates of Q (numerics.md E.2). Each returns the decrease of its block of Q (>= 0)
// and leaves theta unchanged when it cannot decrease it. n_k = n0_k + n1_k.
// weights.cpp: pi_k = lam n_k / (c_k + mu), mu the root of sum pi = 1.
double update_weights(const std::vector<double> &c, const Moments (&m)[2], double lam,
                      std::vector<double> &pi);
// means.cpp: the 2d x 2d SPD solve of each component.
double update_means(const Moments (&m)[2], double lam, Theta &th);
// covariances.cpp: Armijo-backtracked affine-invariant steps on each component's (S0, S1) block.
// eta: the last accepted step length of each component, kept between calls (starts at 1).
double update_covariances(const Moments (&m)[2], double lam, double rho, double v, Theta &th,
                          std::vector<double> &eta);

// The covariance block of Q for one component, and its descent (covariances.cpp):
//   Q(L0, L1) = pi B^2 + (lam / 2) sum_c [N_c log det S_c + tr(S_c^-1 M_c)]
// with N_c = n_c + rho, M_c = n_c Ctilde_c + rho v I (Ctilde_c the scatter around the current
// mean). The Riemannian gradient in S = L exp(X) L^T is
//   H_c = pi (L_c^T L_c - (L_c^T S_other L_c)^1/2) + (lam / 2)(N_c I - L_c^-1 M_c L_c^-T)
// (numerics.md E.1: dB^2/dS0 = I - A, A the Monge map matrix; L0^T A L0 = (L0^T S1 L0)^1/2).
class CovBlock {
 public:
  explicit CovBlock(int d);
  void set(double pi, double lam, double n0, const double *m0, double n1, const double *m1);
  double value(const double *l0, const double *l1, bool gradient);
  // Up to max_steps accepted steps from (l0, l1); returns the decrease of the block. eta0: the
  // last accepted step length (in, out).
  double descend(double *l0, double *l1, int max_steps, double &eta0);

 private:
  int d_;
  double pi_ = 0, lam_ = 0, n_[2] = {0, 0}, ybar_[2] = {0, 0}, b2_ = 0, fmag_ = 0;
  std::vector<double> m_[2], h_[2], x_[2], y_, tmp_, eig_, w_, trial_[2], r_;
  Pair pair_;
};

// Starting parameters (init.cpp) in the frame, by options.init.
Theta initial_theta(const PointCloud &c0, const PointCloud &c1, const Problem &pb,
                    const RelaxedOptions &o, const Context &ctx);
// Theta from mixture parameters in data units (row-major covariances), factored in the frame.
Theta theta_from_data(const Problem &pb, std::size_t k, const double *weights, const double *means0,
                      const double *covs0, const double *means1, const double *covs1);

// The returned mixtures, degeneracy report and data-unit terms (result.cpp).
void fill_result(const Problem &pb, const Theta &th, const Moments (&m)[2], const Terms &terms,
                 double lambda, double rho, RelaxedResult &r);
// Data-unit energy terms from frame terms.
RelaxedStageSummary data_terms(const Problem &pb, const Terms &t, double lambda, double rho,
                               std::size_t k);

}  // namespace gmmot::relax
