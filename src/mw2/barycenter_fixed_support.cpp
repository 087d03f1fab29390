// SPDX-License-Identifier: MIT
// The MW2 barycenter on a given support {nu_s} (Chen-Georgiou-Tannenbaum 2019, eq. 19):
//   min over p in the simplex and W_j in Pi(p, pi_j) of sum_j lambda_j <W_j, C_j>,
//   C_j[s, k] = W2^2(nu_s, mu_j^k),
// written as an LP in (p, W_0, ..., W_{J-1}) with the rows sum_k W_j[s, k] - p_s = 0 and
// sum_s W_j[s, k] = pi_j(k). Every column is explicit; the same revised simplex solves it with
// an oracle that prices them all. With every tuple barycenter as the support it is the
// multi-marginal LP of barycenter_exact.cpp in another form (Chen et al., section IV).
#include <algorithm>
#include <string>
#include <unordered_set>

#include "mw2/barycenter_lp.hpp"
#include "mw2/mixture_barycenter.hpp"
#include "util/compensated_sum.hpp"
#include "util/error.hpp"

namespace gmmot {

namespace {

using detail::MarginalRows;

// Column keys: p_s is s; W_j[s, k] is n + (offset_j + k) n + s.
class SupportOracle final : public ColumnOracle {
 public:
  SupportOracle(const BarycenterInputs &in, const MarginalRows &rows, const Gmm &support,
                const Context &ctx)
      : in_(in), rows_(rows), n_(support.k()) {
    cost_.resize(in.count());
    for (std::size_t j = 0; j < in.count(); ++j) {
      const Gmm &g = *in.mixtures[j];
      cost_[j].resize(n_ * g.k());
      w2_cost_matrix(static_cast<int>(in.dim()), support.means().data(), support.factors(),
                     g.means().data(), g.factors(), ctx, cost_[j].data());
      for (double &c : cost_[j]) {
        c *= in.lambda[j];
        scale_ = std::max(scale_, c);
      }
    }
  }

  double scale() const { return scale_; }
  std::size_t support_row(std::size_t j, std::size_t s) const { return rows_.rows + j * n_ + s; }

  LpColumn column(std::uint64_t key) const {
    LpColumn c;
    c.key = key;
    if (key < n_) {
      for (std::size_t j = 0; j < in_.count(); ++j) {
        c.rows.push_back(static_cast<std::uint32_t>(support_row(j, key)));
        c.values.push_back(-1.0);
      }
      return c;
    }
    const std::uint64_t rest = key - n_;
    const std::size_t s = rest % n_;
    const std::size_t entry = rest / n_;
    const std::size_t j = which_mixture(entry);
    const std::size_t k = entry - rows_.offset[j];
    c.rows.push_back(static_cast<std::uint32_t>(support_row(j, s)));
    c.values.push_back(1.0);
    if (rows_.row_of[entry] >= 0) {
      c.rows.push_back(static_cast<std::uint32_t>(rows_.row_of[entry]));
      c.values.push_back(1.0);
    }
    c.cost = cost_[j][s * rows_.k[j] + k];
    return c;
  }
  std::uint64_t key_of(std::size_t j, std::size_t s, std::size_t k) const {
    return n_ + (rows_.offset[j] + k) * n_ + s;
  }
  std::size_t which_mixture(std::size_t entry) const {
    std::size_t j = 0;
    while (j + 1 < rows_.offset.size() && rows_.offset[j + 1] <= entry) ++j;
    return j;
  }

  double price(const std::vector<double> &y, double tolerance, std::size_t limit,
               const std::unordered_set<std::uint64_t> &pooled,
               std::vector<LpColumn> &out) override {
    std::vector<std::pair<double, std::uint64_t>> neg;
    double floor = 0;
    auto consider = [&](double red, std::uint64_t key) {
      floor = std::min(floor, red);
      if (red < -tolerance && pooled.count(key) == 0) neg.emplace_back(red, key);
    };
    for (std::size_t s = 0; s < n_; ++s) {
      double red = 0;
      for (std::size_t j = 0; j < in_.count(); ++j) red += y[support_row(j, s)];
      consider(red, s);
    }
    for (std::size_t j = 0; j < in_.count(); ++j) {
      const std::size_t kj = rows_.k[j];
      for (std::size_t s = 0; s < n_; ++s) {
        const double ys = y[support_row(j, s)];
        for (std::size_t k = 0; k < kj; ++k) {
          const std::ptrdiff_t r = rows_.row_of[rows_.offset[j] + k];
          const double yk = r >= 0 ? y[static_cast<std::size_t>(r)] : 0.0;
          consider(cost_[j][s * kj + k] - ys - yk, key_of(j, s, k));
        }
      }
    }
    if (neg.size() > limit) {
      std::nth_element(neg.begin(), neg.begin() + static_cast<std::ptrdiff_t>(limit), neg.end());
      neg.resize(limit);
    }
    std::sort(neg.begin(), neg.end());
    for (const auto &e : neg) out.push_back(column(e.second));
    return floor;
  }

 private:
  const BarycenterInputs &in_;
  const MarginalRows &rows_;
  std::size_t n_;
  std::vector<std::vector<double>> cost_;  // lambda_j C_j, n x K_j
  double scale_ = 0;
};

}  // namespace

MixtureBarycenter mixture_barycenter_fixed_support(const BarycenterInputs &in, std::size_t n,
                                                   const double *means, const double *covs,
                                                   const MultimarginalOptions &options,
                                                   const Context &ctx) {
  options.validate();
  if (n == 0) fail(Errc::Dimension, "the support has no Gaussians (n = 0)");
  const std::size_t d = in.dim();
  const std::size_t j = in.count();
  // The candidates, validated and factored as the components of a mixture (equal weights for
  // now; the LP gives the real ones).
  std::vector<double> uniform(n, 1.0 / static_cast<double>(n));
  // For Student-t inputs the candidates are t components of the same nu, given by their scales.
  const Family &family = in.mixtures[0]->family();
  const Gmm support = family.is_student_t()
                          ? Gmm::student_t(n, d, family.nu(), uniform.data(), means, covs, nullptr)
                          : Gmm(n, d, uniform.data(), means, covs, nullptr);

  const MarginalRows rows = detail::marginal_rows(in);
  SupportOracle oracle(in, rows, support, ctx);
  const std::size_t m = rows.rows + j * n;
  std::vector<double> b(m, 0.0);
  for (std::size_t q = 0; q < j; ++q) {
    const auto &w = in.mixtures[q]->weights();
    for (std::size_t k = 0; k < w.size(); ++k) {
      const std::ptrdiff_t r = rows.row_of[rows.offset[q] + k];
      if (r >= 0) b[static_cast<std::size_t>(r)] = w[k];
    }
  }
  // Feasible start: all the mass on candidate 0.
  std::vector<LpColumn> initial;
  initial.push_back(oracle.column(0));
  for (std::size_t q = 0; q < j; ++q) {
    for (std::size_t k = 0; k < rows.k[q]; ++k)
      initial.push_back(oracle.column(oracle.key_of(q, 0, k)));
  }
  ColumnSimplexOptions so;
  so.max_iterations = detail::pivot_cap(options, rows.total() + j * n);
  so.cost_scale = oracle.scale() > 0 ? oracle.scale() : 1.0;
  ColumnSimplexResult lp = column_simplex(b, std::move(initial), oracle, so, ctx);

  MixtureBarycenter out;
  std::vector<double> p(n, 0.0);
  out.plans.resize(j);
  std::vector<std::vector<CompensatedSum>> marginal(j);
  for (std::size_t q = 0; q < j; ++q) marginal[q].resize(rows.k[q]);
  for (std::size_t c = 0; c < lp.columns.size(); ++c) {
    const std::uint64_t key = lp.columns[c].key;
    if (key < n) {
      p[key] = lp.x[c];
      continue;
    }
    const std::size_t s = (key - n) % n;
    const std::size_t entry = (key - n) / n;
    const std::size_t q = oracle.which_mixture(entry);
    const std::size_t k = entry - rows.offset[q];
    out.plans[q].push_back({s, k, lp.x[c]});
    marginal[q][k].add(lp.x[c]);
  }
  for (auto &plan : out.plans) {
    std::sort(plan.begin(), plan.end(), [](const PlanEntry &a, const PlanEntry &c) {
      return a.i < c.i || (a.i == c.i && a.j < c.j);
    });
  }
  // Row sums of each W_j against p, and column sums against the mixture weights.
  for (std::size_t q = 0; q < j; ++q) {
    std::vector<CompensatedSum> row(n);
    for (const auto &e : out.plans[q]) row[e.i].add(e.mass);
    for (std::size_t s = 0; s < n; ++s) {
      out.certificate.primal_infeasibility =
          std::max(out.certificate.primal_infeasibility, std::abs(row[s].value() - p[s]));
    }
    const auto &w = in.mixtures[q]->weights();
    for (std::size_t k = 0; k < w.size(); ++k) {
      out.certificate.primal_infeasibility =
          std::max(out.certificate.primal_infeasibility, std::abs(marginal[q][k].value() - w[k]));
    }
  }
  // The candidates as given: their scales for Student-t, kept bit for bit.
  out.barycenter = std::make_shared<const Gmm>(
      family.is_student_t()
          ? Gmm::student_t(n, d, family.nu(), p.data(), support.means().data(),
                           support.scales().data(), nullptr)
          : Gmm(n, d, p.data(), support.means().data(), support.covariances().data(), nullptr));
  detail::take_lp_solution(rows, lp, out);
  return out;
}

}  // namespace gmmot
