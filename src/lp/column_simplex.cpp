// SPDX-License-Identifier: MIT
#include "lp/column_simplex.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_set>

#include "util/compensated_sum.hpp"
#include "util/error.hpp"

namespace gmmot {

namespace {

// Explicit basis inverse, rebuilt from scratch every kReinvertEvery pivots so that the
// product-form updates never accumulate more than a few dozen roundings.
constexpr std::uint64_t kReinvertEvery = 64;
// Entries of B^-1 a_q below this are not pivots (the columns have entries of order 1).
constexpr double kPivotTolerance = 1e-9;
// Primal values within this of zero are zero (masses of order 1).
constexpr double kFeasibilityTolerance = 1e-13;
// Reduced costs above -kOptimality * cost_scale do not improve the objective.
constexpr double kOptimality = 1e-12;

// Inverts the m x m row-major matrix a in place by Gauss-Jordan elimination with partial
// pivoting; false when a pivot is below 1e-12 of the largest entry (a singular basis).
bool invert(std::size_t m, std::vector<double> &a) {
  std::vector<double> inv(m * m, 0.0);
  for (std::size_t i = 0; i < m; ++i) inv[i * m + i] = 1.0;
  double biggest = 0;
  for (double v : a) biggest = std::max(biggest, std::abs(v));
  for (std::size_t c = 0; c < m; ++c) {
    std::size_t p = c;
    for (std::size_t r = c + 1; r < m; ++r) {
      if (std::abs(a[r * m + c]) > std::abs(a[p * m + c])) p = r;
    }
    if (!(std::abs(a[p * m + c]) > 1e-12 * biggest)) return false;
    if (p != c) {
      std::swap_ranges(a.begin() + p * m, a.begin() + p * m + m, a.begin() + c * m);
      std::swap_ranges(inv.begin() + p * m, inv.begin() + p * m + m, inv.begin() + c * m);
    }
    const double piv = a[c * m + c];
    for (std::size_t k = 0; k < m; ++k) {
      a[c * m + k] /= piv;
      inv[c * m + k] /= piv;
    }
    for (std::size_t r = 0; r < m; ++r) {
      const double f = a[r * m + c];
      if (r == c || f == 0.0) continue;
      for (std::size_t k = c; k < m; ++k) a[r * m + k] -= f * a[c * m + k];
      for (std::size_t k = 0; k < m; ++k) inv[r * m + k] -= f * inv[c * m + k];
    }
  }
  a.swap(inv);
  return true;
}

class Simplex {
 public:
  Simplex(const std::vector<double> &b, ColumnOracle &oracle, const ColumnSimplexOptions &options,
          const Context &ctx)
      : m_(b.size()), b_(b), oracle_(oracle), options_(options), ctx_(ctx) {
    for (std::size_t r = 0; r < m_; ++r) {
      if (!(b_[r] >= 0)) fail(Errc::Internal, "column_simplex: b[" + std::to_string(r) + "] < 0");
      LpColumn art;
      art.rows = {static_cast<std::uint32_t>(r)};
      art.values = {1.0};
      pool_.push_back(std::move(art));
      artificial_.push_back(1);
      position_.push_back(static_cast<std::ptrdiff_t>(r));
      head_.push_back(r);
    }
    binv_.assign(m_ * m_, 0.0);
    for (std::size_t r = 0; r < m_; ++r) binv_[r * m_ + r] = 1.0;
    x_ = b_;
    scale_ = options_.cost_scale > 0 ? options_.cost_scale : 1.0;
  }

  void add(LpColumn &&c) {
    if (!keys_.insert(c.key).second) return;
    for (std::uint32_t r : c.rows) {
      if (r >= m_) fail(Errc::Internal, "column_simplex: row index out of range");
    }
    scale_ = std::max(scale_, std::abs(c.cost));
    pool_.push_back(std::move(c));
    artificial_.push_back(0);
    position_.push_back(-1);
  }

  ColumnSimplexResult solve() {
    phase_ = 1;
    run();
    double infeasibility = 0;
    double mass = 0;
    for (std::size_t r = 0; r < m_; ++r) {
      mass += b_[r];
      if (artificial_[head_[r]]) infeasibility += x_[r];
    }
    if (infeasibility > 1e-9 * std::max(mass, 1.0)) {
      fail(Errc::Internal, "column_simplex: the initial columns have no feasible solution (" +
                               fmt(infeasibility) + " left on artificial variables)");
    }
    for (std::size_t r = 0; r < m_; ++r) {
      if (artificial_[head_[r]]) x_[r] = 0;
    }
    drive_out_artificials();
    phase_ = 2;
    std::vector<LpColumn> fresh;
    for (;;) {
      run();
      // Nothing in the pool prices out: refine the basis solution, then ask the oracle.
      reinvert();
      compute_duals();
      fresh.clear();
      const std::size_t limit = options_.columns_per_round != 0 ? options_.columns_per_round
                                                                : std::max<std::size_t>(m_, 8);
      min_reduced_ = oracle_.price(y_, kOptimality * scale_, limit, keys_, fresh);
      ++rounds_;
      bland_ = false;
      degenerate_ = 0;
      ctx_.report(Stage::Multimarginal, iterations_, options_.max_iterations, objective());
      const std::size_t before = pool_.size();
      for (auto &c : fresh) add(std::move(c));
      if (pool_.size() == before) break;
    }
    return result();
  }

 private:
  // Replaces each artificial variable still basic (at zero) after phase 1 by a pooled column
  // with a clear pivot in its row (a degenerate pivot: nothing moves), so that phase 2 starts
  // with as few artificials as the pool allows; those left sit on rows no pooled column
  // reaches, and the ratio test blocks any later column that would move them.
  void drive_out_artificials() {
    reinvert();
    std::vector<double> alpha(m_);
    for (std::size_t r = 0; r < m_; ++r) {
      if (!artificial_[head_[r]]) continue;
      std::size_t best_q = pool_.size();
      double best = 1e-7;
      for (std::size_t q = 0; q < pool_.size(); ++q) {
        if (position_[q] >= 0 || artificial_[q]) continue;
        const LpColumn &col = pool_[q];
        double a = 0;
        for (std::size_t e = 0; e < col.rows.size(); ++e)
          a += binv_[r * m_ + col.rows[e]] * col.values[e];
        if (std::abs(a) > best) {
          best = std::abs(a);
          best_q = q;
        }
      }
      if (best_q == pool_.size()) continue;
      std::fill(alpha.begin(), alpha.end(), 0.0);
      const LpColumn &col = pool_[best_q];
      for (std::size_t e = 0; e < col.rows.size(); ++e) {
        for (std::size_t i = 0; i < m_; ++i)
          alpha[i] += binv_[i * m_ + col.rows[e]] * col.values[e];
      }
      pivot(best_q, r, alpha, 0.0);
    }
    reinvert();
  }

  // Basis change: column `enter` replaces row `leave` with step theta along -alpha.
  void pivot(std::size_t enter, std::size_t leave, const std::vector<double> &alpha, double theta) {
    for (std::size_t r = 0; r < m_; ++r) {
      if (r == leave) continue;
      if (phase_ == 2 && artificial_[head_[r]])
        continue;  // held at zero (the ratio test
                   // blocks any clear move of it)
      x_[r] -= theta * alpha[r];
      if (x_[r] < 0) x_[r] = 0;  // Harris' ratio test allows tiny overshoots
    }
    x_[leave] = theta;
    // Product-form update of B^-1.
    const double p = alpha[leave];
    double *prow = &binv_[leave * m_];
    for (std::size_t j = 0; j < m_; ++j) prow[j] /= p;
    for (std::size_t r = 0; r < m_; ++r) {
      if (r == leave || alpha[r] == 0.0) continue;
      const double f = alpha[r];
      double *row = &binv_[r * m_];
      for (std::size_t j = 0; j < m_; ++j) row[j] -= f * prow[j];
    }
    position_[head_[leave]] = -1;
    head_[leave] = enter;
    position_[enter] = static_cast<std::ptrdiff_t>(leave);
    ++since_reinvert_;
  }

  double cost(std::size_t q) const {
    if (phase_ == 1) return artificial_[q] ? 1.0 : 0.0;
    return artificial_[q] ? 0.0 : pool_[q].cost;
  }

  double objective() const {
    CompensatedSum s;
    for (std::size_t r = 0; r < m_; ++r) s.add(cost(head_[r]) * x_[r]);
    return s.value();
  }

  void compute_duals() {
    y_.assign(m_, 0.0);
    for (std::size_t r = 0; r < m_; ++r) {
      const double c = cost(head_[r]);
      if (c == 0.0) continue;
      const double *row = &binv_[r * m_];
      for (std::size_t j = 0; j < m_; ++j) y_[j] += c * row[j];
    }
    // One step of iterative refinement: y^T B = c_B to the last bits.
    std::vector<double> s(m_);
    for (std::size_t r = 0; r < m_; ++r) {
      const LpColumn &col = pool_[head_[r]];
      CompensatedSum dot;
      dot.add(cost(head_[r]));
      for (std::size_t e = 0; e < col.rows.size(); ++e) dot.add(-y_[col.rows[e]] * col.values[e]);
      s[r] = dot.value();
    }
    for (std::size_t r = 0; r < m_; ++r) {
      if (s[r] == 0.0) continue;
      const double *row = &binv_[r * m_];
      for (std::size_t j = 0; j < m_; ++j) y_[j] += s[r] * row[j];
    }
  }

  double reduced_cost(std::size_t q) const {
    const LpColumn &col = pool_[q];
    double d = cost(q);
    for (std::size_t e = 0; e < col.rows.size(); ++e) d -= y_[col.rows[e]] * col.values[e];
    return d;
  }

  void reinvert() {
    std::vector<double> a(m_ * m_, 0.0);
    for (std::size_t r = 0; r < m_; ++r) {
      const LpColumn &col = pool_[head_[r]];
      for (std::size_t e = 0; e < col.rows.size(); ++e) a[col.rows[e] * m_ + r] = col.values[e];
    }
    if (!invert(m_, a)) fail(Errc::Internal, "column_simplex: singular basis");
    binv_.swap(a);
    // x_B = B^-1 b, refined once against the compensated residual b - B x_B.
    std::vector<double> x(m_, 0.0);
    multiply(b_, x);
    std::vector<CompensatedSum> res(m_);
    for (std::size_t r = 0; r < m_; ++r) res[r].add(b_[r]);
    for (std::size_t r = 0; r < m_; ++r) {
      const LpColumn &col = pool_[head_[r]];
      for (std::size_t e = 0; e < col.rows.size(); ++e) res[col.rows[e]].add(-col.values[e] * x[r]);
    }
    std::vector<double> rv(m_), dx(m_, 0.0);
    for (std::size_t r = 0; r < m_; ++r) rv[r] = res[r].value();
    multiply(rv, dx);
    for (std::size_t r = 0; r < m_; ++r) {
      x[r] += dx[r];
      if (x[r] < 0 && x[r] > -kFeasibilityTolerance) x[r] = 0;
      if (phase_ == 2 && artificial_[head_[r]]) x[r] = 0;
    }
    x_.swap(x);
    since_reinvert_ = 0;
  }

  // out = B^-1 v
  void multiply(const std::vector<double> &v, std::vector<double> &out) const {
    for (std::size_t r = 0; r < m_; ++r) {
      const double *row = &binv_[r * m_];
      double s = 0;
      for (std::size_t j = 0; j < m_; ++j) s += row[j] * v[j];
      out[r] = s;
    }
  }

  // Pivots until no pool column prices out.
  void run() {
    std::vector<double> alpha(m_);
    const double tol = phase_ == 1 ? kOptimality : kOptimality * scale_;
    for (;;) {
      ctx_.check_interrupt();
      if (since_reinvert_ >= kReinvertEvery) reinvert();
      compute_duals();
      // Entering column: Dantzig's most negative reduced cost, or Bland's first negative one
      // after a long run of degenerate pivots (Bland 1977: no cycling).
      std::size_t enter = pool_.size();
      double best = -tol;
      for (std::size_t q = 0; q < pool_.size(); ++q) {
        if (position_[q] >= 0 || (phase_ == 2 && artificial_[q])) continue;
        const double d = reduced_cost(q);
        if (d < best) {
          best = d;
          enter = q;
          if (bland_) break;
        }
      }
      if (enter == pool_.size()) return;
      if (iterations_ >= options_.max_iterations) {
        fail(Errc::IterationLimit, "the barycenter LP did not reach optimality within " +
                                       std::to_string(options_.max_iterations) + " pivots");
      }
      // alpha = B^-1 a_q
      std::fill(alpha.begin(), alpha.end(), 0.0);
      const LpColumn &col = pool_[enter];
      for (std::size_t e = 0; e < col.rows.size(); ++e) {
        const std::size_t j = col.rows[e];
        const double v = col.values[e];
        for (std::size_t r = 0; r < m_; ++r) alpha[r] += binv_[r * m_ + j] * v;
      }
      const std::size_t leave = ratio_test(alpha);
      if (leave == m_) fail(Errc::Internal, "column_simplex: unbounded direction");
      const double theta = (phase_ == 2 && artificial_[head_[leave]])
                               ? 0.0
                               : std::max(0.0, x_[leave] / alpha[leave]);
      // Bland's rule after a long run of consecutive degenerate pivots; once on, it stays on
      // until the next oracle round (switching back at the first non-degenerate pivot could
      // re-enter the cycle).
      if (theta * -best > 1e-15 * scale_) {
        degenerate_ = 0;
      } else if (++degenerate_ > 2 * m_ + 50) {
        bland_ = true;
      }
      pivot(enter, leave, alpha, theta);
      ++iterations_;
    }
  }

  // Harris' two-pass ratio test (Harris 1973): the largest pivot among the rows whose ratio is
  // within the feasibility tolerance of the smallest. In phase 2 an artificial variable still
  // in the basis (at zero) blocks any step that would move it, so it leaves first.
  std::size_t ratio_test(const std::vector<double> &alpha) const {
    double bound = std::numeric_limits<double>::infinity();
    for (std::size_t r = 0; r < m_; ++r) {
      const bool art = phase_ == 2 && artificial_[head_[r]];
      if (art && std::abs(alpha[r]) > kPivotTolerance) return pick_artificial(alpha);
      if (alpha[r] > kPivotTolerance) {
        bound = std::min(bound, (x_[r] + kFeasibilityTolerance) / alpha[r]);
      }
    }
    std::size_t leave = m_;
    double best = 0;
    if (bland_) {
      // Bland (1977): the exact minimum ratio, ties to the smallest column index (a Harris band
      // would break the rule's no-cycling argument).
      double least = std::numeric_limits<double>::infinity();
      for (std::size_t r = 0; r < m_; ++r) {
        if (alpha[r] > kPivotTolerance) least = std::min(least, x_[r] / alpha[r]);
      }
      for (std::size_t r = 0; r < m_; ++r) {
        if (!(alpha[r] > kPivotTolerance) || x_[r] / alpha[r] != least) continue;
        if (leave == m_ || head_[r] < head_[leave]) leave = r;
      }
      return leave;
    }
    for (std::size_t r = 0; r < m_; ++r) {
      if (!(alpha[r] > kPivotTolerance) || x_[r] / alpha[r] > bound) continue;
      if (alpha[r] > best) {
        best = alpha[r];
        leave = r;
      }
    }
    return leave;
  }

  std::size_t pick_artificial(const std::vector<double> &alpha) const {
    std::size_t leave = m_;
    double best = 0;
    for (std::size_t r = 0; r < m_; ++r) {
      if (artificial_[head_[r]] && std::abs(alpha[r]) > best) {
        best = std::abs(alpha[r]);
        leave = r;
      }
    }
    return leave;
  }

  ColumnSimplexResult result() {
    ColumnSimplexResult out;
    CompensatedSum obj;
    std::vector<CompensatedSum> ax(m_);
    for (std::size_t r = 0; r < m_; ++r) {
      const std::size_t q = head_[r];
      if (artificial_[q]) continue;
      if (x_[r] <= 0) continue;
      const LpColumn &col = pool_[q];
      obj.add(col.cost * x_[r]);
      for (std::size_t e = 0; e < col.rows.size(); ++e) ax[col.rows[e]].add(col.values[e] * x_[r]);
      out.columns.push_back(col);
      out.x.push_back(x_[r]);
    }
    CompensatedSum dual;
    for (std::size_t r = 0; r < m_; ++r) {
      dual.add(b_[r] * y_[r]);
      out.primal_residual = std::max(out.primal_residual, std::abs(ax[r].value() - b_[r]));
    }
    out.objective = obj.value();
    out.dual_objective = dual.value();
    out.y = y_;
    out.min_reduced_cost = min_reduced_;
    out.iterations = iterations_;
    out.rounds = rounds_;
    return out;
  }

  std::size_t m_;
  std::vector<double> b_;
  ColumnOracle &oracle_;
  ColumnSimplexOptions options_;
  const Context &ctx_;
  std::vector<LpColumn> pool_;
  std::vector<char> artificial_;
  std::vector<std::ptrdiff_t> position_;  // row of the basis holding the column, or -1
  std::vector<std::size_t> head_;         // the basic column of each row
  std::unordered_set<std::uint64_t> keys_;
  std::vector<double> binv_, x_, y_;
  double scale_ = 1;
  double min_reduced_ = 0;
  int phase_ = 1;
  bool bland_ = false;
  std::size_t degenerate_ = 0;
  std::uint64_t iterations_ = 0, rounds_ = 0, since_reinvert_ = 0;
};

}  // namespace

ColumnSimplexResult column_simplex(const std::vector<double> &b, std::vector<LpColumn> initial,
                                   ColumnOracle &oracle, const ColumnSimplexOptions &options,
                                   const Context &ctx) {
  Simplex s(b, oracle, options, ctx);
  for (auto &c : initial) s.add(std::move(c));
  return s.solve();
}

}  // namespace gmmot
