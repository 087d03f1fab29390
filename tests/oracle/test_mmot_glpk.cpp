// SPDX-License-Identifier: MIT
// The barycenter LPs against GLPK's simplex (test-only oracle): the exact barycenter's
// multi-marginal LP written densely over every tuple (the formulation of the authors' code,
// which hands it to scipy's linprog), and the fixed-support LP with its p and W_j variables.
// GLPK is given the tuple costs computed independently by brute force (every tuple's Gaussian
// barycenter), so the comparison checks both the pricing with its lower bound and the simplex.
//
// Tolerance: GLPK's optimum, with tightened tolerances (tol_bnd 1e-10, tol_dj 1e-12), against
// ours to 1e-9 relative, the bar for "equal cost".
#include <catch2/catch.hpp>

#include <glpk.h>

#include <cmath>
#include <random>
#include <vector>

#include "barycenter_support.hpp"
#include "gaussian/gaussian_ot.hpp"

using namespace gmmot;
using namespace gmmot::test;

namespace {

struct Dense {
  int rows = 0;
  std::vector<double> rhs;
  std::vector<double> cost;                // per column
  std::vector<std::vector<int>> col_rows;  // 1-based rows
  std::vector<std::vector<double>> col_vals;
};

double glpk_optimum(const Dense &p) {
  glp_prob *lp = glp_create_prob();
  glp_set_obj_dir(lp, GLP_MIN);
  glp_add_rows(lp, p.rows);
  for (int r = 0; r < p.rows; ++r) glp_set_row_bnds(lp, r + 1, GLP_FX, p.rhs[r], p.rhs[r]);
  const int cols = static_cast<int>(p.cost.size());
  glp_add_cols(lp, cols);
  std::vector<int> ia(1), ja(1);
  std::vector<double> ar(1);
  for (int c = 0; c < cols; ++c) {
    glp_set_col_bnds(lp, c + 1, GLP_LO, 0.0, 0.0);
    glp_set_obj_coef(lp, c + 1, p.cost[c]);
    for (std::size_t e = 0; e < p.col_rows[c].size(); ++e) {
      ia.push_back(p.col_rows[c][e]);
      ja.push_back(c + 1);
      ar.push_back(p.col_vals[c][e]);
    }
  }
  glp_load_matrix(lp, static_cast<int>(ia.size()) - 1, ia.data(), ja.data(), ar.data());
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.tol_bnd = 1e-10;
  parm.tol_dj = 1e-12;
  const int rc = glp_simplex(lp, &parm);
  REQUIRE(rc == 0);
  REQUIRE(glp_get_status(lp) == GLP_OPT);
  const double v = glp_get_obj_val(lp);
  glp_delete_prob(lp);
  return v;
}

// Marginal rows: all of mixture 0, then mixtures 1.. without their first entry (redundant).
std::vector<int> marginal_row_ids(const BarycenterInputs &in, int &rows, std::vector<double> &rhs) {
  std::vector<int> id;
  for (std::size_t q = 0; q < in.count(); ++q) {
    for (std::size_t k = 0; k < in.mixtures[q]->k(); ++k) {
      if (q > 0 && k == 0) {
        id.push_back(0);
        continue;
      }
      id.push_back(++rows);
      rhs.push_back(in.mixtures[q]->weights()[k]);
    }
  }
  return id;
}

}  // namespace

TEST_CASE("exact barycenter equals GLPK on the dense multi-marginal LP", "[oracle][barycenter]") {
  std::mt19937_64 rng(2024);
  for (int rep = 0; rep < 8; ++rep) {
    const std::size_t j = 3 + static_cast<std::size_t>(rep % 2);
    const int d = 1 + rep % 4;
    std::uniform_int_distribution<std::size_t> uk(2, j == 3 ? 6 : 4);
    std::vector<std::shared_ptr<const Gmm>> g;
    for (std::size_t q = 0; q < j; ++q) {
      g.push_back(random_mixture(uk(rng), d, rng, rep == 5, rep == 6 && q == 0 ? 1 : -1, rep == 7));
    }
    std::vector<double> lambda(j);
    std::uniform_real_distribution<double> ul(0.1, 1.0);
    double s = 0;
    for (auto &l : lambda) s += (l = ul(rng));
    for (auto &l : lambda) l /= s;
    const auto in = inputs_of(g, lambda);
    const auto costs = all_tuple_costs(in);

    Dense p;
    const std::vector<int> row = marginal_row_ids(in, p.rows, p.rhs);
    std::vector<std::size_t> offset(j, 0);
    for (std::size_t q = 1; q < j; ++q) offset[q] = offset[q - 1] + g[q - 1]->k();
    for (std::size_t key = 0; key < costs.size(); ++key) {
      std::vector<int> rows;
      std::size_t rest = key;
      for (std::size_t q = j; q-- > 0;) {
        const std::size_t t = rest % g[q]->k();
        rest /= g[q]->k();
        if (row[offset[q] + t] > 0) rows.push_back(row[offset[q] + t]);
      }
      p.cost.push_back(costs[key]);
      p.col_vals.emplace_back(rows.size(), 1.0);
      p.col_rows.push_back(std::move(rows));
    }
    const double glpk = glpk_optimum(p);
    const auto ours = mixture_barycenter_exact(in, MultimarginalOptions{}, Context{});
    INFO("rep " << rep << " J " << j << " d " << d << " tuples " << costs.size());
    CHECK(ours.cost == Approx(glpk).epsilon(1e-9));
  }
}

TEST_CASE("fixed-support barycenter equals GLPK on its LP", "[oracle][barycenter]") {
  std::mt19937_64 rng(2025);
  for (int rep = 0; rep < 6; ++rep) {
    const int d = 1 + rep % 3;
    const std::size_t j = 2 + static_cast<std::size_t>(rep % 3);
    std::vector<std::shared_ptr<const Gmm>> g;
    for (std::size_t q = 0; q < j; ++q) g.push_back(random_mixture(3 + q, d, rng));
    std::vector<double> lambda(j, 1.0 / static_cast<double>(j));
    const auto in = inputs_of(g, lambda);
    // Candidates: the components of a random 7-component mixture.
    const auto cand = random_mixture(7, d, rng);
    const std::size_t n = cand->k();
    Dense p;
    const std::vector<int> row = marginal_row_ids(in, p.rows, p.rhs);
    const int support0 = p.rows;  // support rows (q, s) are support0 + q n + s + 1
    p.rows += static_cast<int>(j * n);
    p.rhs.resize(static_cast<std::size_t>(p.rows), 0.0);
    for (std::size_t s = 0; s < n; ++s) {  // p_s
      std::vector<int> rows;
      for (std::size_t q = 0; q < j; ++q)
        rows.push_back(support0 + static_cast<int>(q * n + s) + 1);
      p.cost.push_back(0.0);
      p.col_vals.emplace_back(rows.size(), -1.0);
      p.col_rows.push_back(std::move(rows));
    }
    std::size_t offset = 0;
    for (std::size_t q = 0; q < j; ++q) {
      std::vector<double> c(n * g[q]->k());
      w2_cost_matrix(d, cand->means().data(), cand->factors(), g[q]->means().data(),
                     g[q]->factors(), Context{}, c.data());
      for (std::size_t s = 0; s < n; ++s) {
        for (std::size_t k = 0; k < g[q]->k(); ++k) {
          std::vector<int> rows = {support0 + static_cast<int>(q * n + s) + 1};
          if (row[offset + k] > 0) rows.push_back(row[offset + k]);
          p.cost.push_back(lambda[q] * c[s * g[q]->k() + k]);
          p.col_vals.emplace_back(rows.size(), 1.0);
          p.col_rows.push_back(std::move(rows));
        }
      }
      offset += g[q]->k();
    }
    const double glpk = glpk_optimum(p);
    const auto ours = mixture_barycenter_fixed_support(
        in, n, cand->means().data(), cand->covariances().data(), MultimarginalOptions{}, Context{});
    INFO("rep " << rep << " J " << j << " d " << d);
    CHECK(ours.cost == Approx(glpk).epsilon(1e-9));
    CHECK(ours.certificate.primal_infeasibility <= 1e-14);
  }
}
