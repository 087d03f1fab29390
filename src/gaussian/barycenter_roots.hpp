// SPDX-License-Identifier: MIT
// The J square roots K_j = (L^T S_j L)^1/2 = (W_j^T W_j)^1/2, W_j = F_j^T L, of one step of the
// barycenter's fixed point (barycenter.cpp), four (or two: the two-lane layout) inputs at a time,
// to a requested accuracy.
// With V_j orthogonal and B_j = W_j V_j, K_j = V_j (G_j)^1/2 V_j^T for G_j = B_j^T B_j. When
// the columns of B_j are nearly orthogonal (G_j nearly diagonal, G = Sigma^2 + E), one Newton
// step from Sigma gives the root of G_j: Sigma + F with F_pq = E_pq / (sigma_p + sigma_q),
// whose error is about (F^2)_pq / (sigma_p + sigma_q) (second order, no eigenvalue gaps in the
// denominators). Otherwise one-sided Jacobi sweeps (linalg/jacobi_lanes.hpp) on B_j, accumulated
// into V_j, make them so first. V_j is kept from step to step: as the iterates converge, L
// changes less and less and the previous V_j already leaves G_j nearly diagonal, so that late
// steps need no rotation at all. A lane whose sweeps do not converge falls back to LAPACK
// (eigen-decomposition or SVD) and restarts its vectors from the identity.
#pragma once

#include <cstddef>
#include <vector>

#include "gaussian/bures.hpp"

namespace gmmot {

class WhitenedRoots {
 public:
  // f[j]: input j's factor (d x d column-major, the inputs' common scale; entries of order one).
  // two_lanes: groups of two inputs in the two-lane layout (linalg/jacobi_lanes.hpp), for two
  // threads when the inputs would fill only one group of four.
  WhitenedRoots(int d, const std::vector<const double *> &f, int max_sweeps = 40,
                bool two_lanes = false);

  // The most accurate `accuracy` worth asking for: rounding in forming B and G.
  static double accuracy_floor(int d);

  std::size_t groups() const { return groups_; }
  // Inputs per group (4, or 2 in the two-lane layout).
  int width() const { return width_; }
  // The roots of group g's inputs (width() g .. width() (g + 1) - 1) for the lower Cholesky factor
  // l (d x d column-major, upper triangle zero) into roots + j d^2 (d x d, exactly symmetric), each
  // within about `accuracy` times its largest eigenvalue in every entry (in its eigenbasis; the
  // Frobenius error is at most d times that). Groups are independent (one thread each); a
  // lane's root depends on its own input and history only.
  void compute(std::size_t g, const double *l, double accuracy, double *roots, PairWorkspace &ws);
  // The last compute(g, l, ...) again to a finer accuracy, continuing from where it stopped.
  void refine(std::size_t g, const double *l, double accuracy, double *roots, PairWorkspace &ws);

  // Jacobi sweeps of group g's last compute/refine call, and whether a lane fell back to LAPACK
  // (for tests).
  int last_sweeps(std::size_t g) const { return state_[g].sweeps; }
  bool fell_back(std::size_t g) const { return state_[g].lapack_lanes != 0; }

 private:
  struct Group {
    // Interleaved lane arrays (d x d): ft = F^T, v = V, t (scratch), b = B, gram = G,
    // x = G^1/2, y = V x, root; work: near_diagonal_sqrt's scratch.
    std::vector<double> ft, v, t, b, gram, x, y, root, work;
    std::vector<double> l_pad;  // two-lane layout: L padded to even order
    bool warm = false;
    int sweeps = 0;
    unsigned lapack_lanes = 0;  // lanes of this step done by LAPACK
  };
  void finish(std::size_t g, const double *l, double accuracy, double *roots, PairWorkspace &ws);

  std::size_t at(std::size_t i, std::size_t j, int lane) const;
  void set_identity_lane(int lane, double *v) const;

  int d_, max_sweeps_, width_;
  bool two_;
  std::size_t rows_;  // rows of the group's arrays (d, or d rounded up to even)
  std::size_t count_, groups_;
  unsigned used_lanes_last_;  // lanes of the last group that hold an input
  std::vector<const double *> f_;
  std::vector<Group> state_;
};

// (L^T S L)^1/2 for one input with factor f by LAPACK: from the eigenvectors of W^T W when W is
// well conditioned, otherwise from the SVD of W (the fallback of WhitenedRoots).
void whitened_root_lapack(int d, const double *f, const double *l, PairWorkspace &ws, double *root);

}  // namespace gmmot
