// SPDX-License-Identifier: MIT
// gmmot/barycenter.h: barycenters of Gaussian mixtures for MW2. Each solver entry point checks
// the C arguments, gathers the handles' shared mixtures (nothing is copied) and makes one core
// call (src/mw2/mixture_barycenter.hpp); the getters copy out of the immutable result.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "gmmot/barycenter.h"
#include "guard.hpp"
#include "handles.hpp"
#include "util/sizes.hpp"

using namespace gmmot::capi;

namespace {

using Solver = gmmot_mw2_barycenter::Solver;
using FixedPointMethod = gmmot::FixedPointOptions::Method;

// An input array's length: GMMOT_E_INVALID_ARGUMENT naming it and what it must hold.
void require_length(std::size_t have, std::size_t need, const char *name, const char *need_text) {
  if (have < need) {
    reject(GMMOT_E_INVALID_ARGUMENT, std::string(name) + " is " + std::to_string(have) + " but " +
                                         need_text + " = " + std::to_string(need) +
                                         " values are required");
  }
}

// The checks every solver shares, then the validated core inputs. The core validates lambda's
// values (naming lambda[i]); here what the core cannot see (the C pointers, j = 0, which the core
// reports as "no mixtures" without naming j, and lambda's length) and the dimensions, by the
// handles' names.
gmmot::BarycenterInputs gather(const gmmot_gmm_t *const *gmms, std::size_t j, const double *lambda,
                               std::size_t lambda_len, gmmot_mw2_barycenter_t **out) {
  require_not_null(gmms, "gmms");
  require_not_null(lambda, "lambda");
  require_not_null(out, "out");
  if (j == 0) reject(GMMOT_E_DIMENSION, "j is 0 (at least one mixture is needed)");
  require_length(lambda_len, j, "lambda_len", "j");
  std::vector<std::shared_ptr<const gmmot::Gmm>> mixtures(j);
  for (std::size_t i = 0; i < j; ++i) {
    if (gmms[i] == nullptr) {
      reject(GMMOT_E_INVALID_ARGUMENT, "gmms[" + std::to_string(i) + "] is NULL");
    }
    // The header promises a message naming the mixture at fault, whatever the core says.
    if (gmms[i]->impl.d() != gmms[0]->impl.d()) {
      reject(GMMOT_E_DIMENSION,
             "gmms[" + std::to_string(i) + "] has dimension " + std::to_string(gmms[i]->impl.d()) +
                 " but gmms[0] has dimension " + std::to_string(gmms[0]->impl.d()));
    }
    mixtures[i] = gmms[i]->shared;
  }
  return gmmot::make_barycenter_inputs(std::move(mixtures), lambda);
}

// *out is written last, after everything that can fail or be cancelled: on error it keeps
// whatever the caller had there.
int publish(gmmot::MixtureBarycenter r, Solver solver, FixedPointMethod method,
            gmmot_mw2_barycenter_t **out) {
  auto b = std::make_unique<gmmot_mw2_barycenter>(std::move(r), solver, method);
  const bool converged = b->impl.converged;
  const std::uint64_t iterations = b->impl.iterations;
  const double cost = b->impl.cost;
  *out = b.release();
  if (converged) return GMMOT_OK;
  return warn(GMMOT_W_NOT_CONVERGED,
              "the fixed point stopped at its cap of " + std::to_string(iterations) +
                  " iterations (GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS); the result is its iterate "
                  "of lowest energy, " +
                  gmmot::fmt(cost));
}

const char *solver_name(const gmmot_mw2_barycenter &b) {
  switch (b.solver) {
    case Solver::Exact:
      return "the exact barycenter";
    case Solver::FixedSupport:
      return "the fixed-support barycenter";
    case Solver::FixedPoint:
      break;
  }
  switch (b.fixed_point_method) {
    case FixedPointMethod::TrueFixedPoint:
      return "the true fixed-point barycenter";
    case FixedPointMethod::EuclideanProjection:
      return "the fixed-point barycenter by Euclidean projection (GMMOT_FIXED_POINT_EUCLIDEAN)";
    case FixedPointMethod::BuresProjection:
      break;
  }
  return "the fixed-point barycenter by Bures projection (GMMOT_FIXED_POINT_BURES)";
}

// Tuples exist for the exact barycenter and the true fixed point only, and for the latter only
// when its result is an iterate it built: started from `init` and never improving on it, it
// returns init, whose components are no tuple barycenters (the core then has no tuples).
bool true_fixed_point(const gmmot_mw2_barycenter &b) {
  return b.solver == Solver::FixedPoint && b.fixed_point_method == FixedPointMethod::TrueFixedPoint;
}
bool has_tuples(const gmmot_mw2_barycenter &b) {
  return (b.solver == Solver::Exact || true_fixed_point(b)) && !b.impl.tuples.empty();
}

// Duals and certificates exist for the two LPs only.
void require_lp(const gmmot_mw2_barycenter &b, const char *what) {
  if (b.solver == Solver::FixedPoint) {
    reject(GMMOT_E_INVALID_ARGUMENT, std::string("b is ") + solver_name(b) + ", which has no " +
                                         what + " (only the exact and fixed-support LPs have)");
  }
}

}  // namespace

extern "C" {

GMMOT_API int gmmot_mw2_barycenter_exact(const gmmot_gmm_t *const *gmms, size_t j,
                                         const double *lambda, size_t lambda_len,
                                         const gmmot_options_t *opts,
                                         gmmot_mw2_barycenter_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    const gmmot::BarycenterInputs in = gather(gmms, j, lambda, lambda_len, out);
    return publish(
        gmmot::mixture_barycenter_exact(in, multimarginal_options_of(opts), context_of(opts)),
        Solver::Exact, FixedPointMethod{}, out);
  });
}

GMMOT_API int gmmot_mw2_barycenter_fixed_support(const gmmot_gmm_t *const *gmms, size_t j,
                                                 const double *lambda, size_t lambda_len, size_t n,
                                                 const double *means, size_t means_len,
                                                 const double *covs, size_t covs_len,
                                                 const gmmot_options_t *opts,
                                                 gmmot_mw2_barycenter_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(means, "means");
    require_not_null(covs, "covs");
    const gmmot::BarycenterInputs in = gather(gmms, j, lambda, lambda_len, out);
    if (n == 0) reject(GMMOT_E_DIMENSION, "n is 0 (at least one candidate Gaussian is needed)");
    // The candidates are read as n x d and n x d x d arrays: their lengths guard the reads.
    // Short inputs are GMMOT_E_INVALID_ARGUMENT, as lambda_len < j (GMMOT_E_BUFFER_TOO_SMALL is
    // for output capacities, gmmot/status.h).
    const std::size_t d = in.dim();
    require_length(means_len, gmmot::checked_mul(n, d, "n*d"), "means_len", "n*d");
    require_length(covs_len, gmmot::checked_mul(n, gmmot::checked_mul(d, d, "d*d"), "n*d*d"),
                   "covs_len", "n*d*d");
    return publish(gmmot::mixture_barycenter_fixed_support(
                       in, n, means, covs, multimarginal_options_of(opts), context_of(opts)),
                   Solver::FixedSupport, FixedPointMethod{}, out);
  });
}

GMMOT_API int gmmot_mw2_barycenter_fixed_point(const gmmot_gmm_t *const *gmms, size_t j,
                                               const double *lambda, size_t lambda_len,
                                               const gmmot_gmm_t *init, const gmmot_options_t *opts,
                                               gmmot_mw2_barycenter_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    const gmmot::BarycenterInputs in = gather(gmms, j, lambda, lambda_len, out);
    std::shared_ptr<const gmmot::Gmm> start;
    if (init != nullptr) {
      if (init->impl.d() != in.dim()) {
        reject(GMMOT_E_DIMENSION, "init has dimension " + std::to_string(init->impl.d()) +
                                      " but gmms[0] has dimension " + std::to_string(in.dim()));
      }
      start = init->shared;  // shared, not copied: the core never modifies its inputs
    }
    const gmmot::FixedPointOptions options = fixed_point_options_of(opts);
    return publish(
        gmmot::mixture_barycenter_fixed_point(in, std::move(start), options, context_of(opts)),
        Solver::FixedPoint, options.method, out);
  });
}

GMMOT_API void gmmot_mw2_barycenter_destroy(gmmot_mw2_barycenter_t *b) GMMOT_NOEXCEPT {
  clear_error();
  delete b;
}

GMMOT_API int gmmot_mw2_barycenter_gmm(const gmmot_mw2_barycenter_t *b,
                                       gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(b, "b");
    require_not_null(out, "out");
    *out = std::make_unique<gmmot_gmm>(b->impl.barycenter).release();
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_barycenter_cost(const gmmot_mw2_barycenter_t *b,
                                        double *out_cost) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(b, "b");
    require_not_null(out_cost, "out_cost");
    *out_cost = b->impl.cost;
    return GMMOT_OK;
  });
}

GMMOT_API size_t gmmot_mw2_barycenter_count(const gmmot_mw2_barycenter_t *b) GMMOT_NOEXCEPT {
  clear_error();
  return b != nullptr ? b->impl.plans.size() : 0;
}

GMMOT_API size_t gmmot_mw2_barycenter_components(const gmmot_mw2_barycenter_t *b) GMMOT_NOEXCEPT {
  clear_error();
  return b != nullptr ? b->impl.barycenter->k() : 0;
}

GMMOT_API size_t gmmot_mw2_barycenter_plan_nnz(const gmmot_mw2_barycenter_t *b,
                                               size_t j) GMMOT_NOEXCEPT {
  clear_error();
  return b != nullptr && j < b->impl.plans.size() ? b->impl.plans[j].size() : 0;
}

GMMOT_API int gmmot_mw2_barycenter_copy_plan(const gmmot_mw2_barycenter_t *b, size_t j,
                                             size_t *out_rows, size_t *out_cols, double *out_mass,
                                             size_t triplets_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(b, "b");
    const std::size_t count = b->impl.plans.size();
    if (j >= count) {
      reject(GMMOT_E_INVALID_ARGUMENT, "j is " + std::to_string(j) +
                                           " but the barycenter has J = " + std::to_string(count) +
                                           " input mixtures");
    }
    const std::vector<gmmot::PlanEntry> &plan = b->impl.plans[j];
    if (out_rows != nullptr || out_cols != nullptr || out_mass != nullptr)
      require_capacity(triplets_len, plan.size(), "triplets_len", "nnz");
    for (std::size_t n = 0; n < plan.size(); ++n) {
      if (out_rows != nullptr) out_rows[n] = plan[n].i;
      if (out_cols != nullptr) out_cols[n] = plan[n].j;
      if (out_mass != nullptr) out_mass[n] = plan[n].mass;
    }
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_barycenter_copy_tuples(const gmmot_mw2_barycenter_t *b, size_t *out_tuples,
                                               size_t tuples_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(b, "b");
    if (!has_tuples(*b)) {
      reject(GMMOT_E_INVALID_ARGUMENT,
             std::string("b is ") + solver_name(*b) +
                 (true_fixed_point(*b)
                      ? ", which returned its initial mixture init and so has no tuples"
                      : ", which has no tuples (only the exact and the true fixed-point "
                        "barycenters have)"));
    }
    require_not_null(out_tuples, "out_tuples");
    const std::vector<std::size_t> &t = b->impl.tuples;
    require_capacity(tuples_len, t.size(), "tuples_len", "n*J");
    std::copy(t.begin(), t.end(), out_tuples);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_barycenter_copy_duals(const gmmot_mw2_barycenter_t *b, double *out,
                                              size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(b, "b");
    require_lp(*b, "duals");
    require_not_null(out, "out");
    const std::vector<double> &u = b->impl.duals;
    require_capacity(out_len, u.size(), "out_len", "sum_j K_j");
    std::copy(u.begin(), u.end(), out);
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_barycenter_certificate(const gmmot_mw2_barycenter_t *b,
                                               double *out_primal_infeasibility,
                                               double *out_dual_infeasibility,
                                               double *out_duality_gap) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(b, "b");
    require_lp(*b, "optimality certificate");
    const gmmot::LpCertificate &c = b->impl.certificate;
    if (out_primal_infeasibility != nullptr) *out_primal_infeasibility = c.primal_infeasibility;
    if (out_dual_infeasibility != nullptr) *out_dual_infeasibility = c.dual_infeasibility;
    if (out_duality_gap != nullptr) *out_duality_gap = c.duality_gap;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_mw2_barycenter_info(const gmmot_mw2_barycenter_t *b, uint64_t *out_iterations,
                                        uint64_t *out_tuple_costs,
                                        uint64_t *out_pricing_rounds) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(b, "b");
    if (out_iterations != nullptr) *out_iterations = b->impl.iterations;
    if (out_tuple_costs != nullptr) *out_tuple_costs = b->impl.tuple_costs;
    if (out_pricing_rounds != nullptr) *out_pricing_rounds = b->impl.pricing_rounds;
    return GMMOT_OK;
  });
}

GMMOT_API size_t gmmot_mw2_barycenter_energies_len(const gmmot_mw2_barycenter_t *b) GMMOT_NOEXCEPT {
  clear_error();
  return b != nullptr ? b->impl.energies.size() : 0;
}

GMMOT_API int gmmot_mw2_barycenter_copy_energies(const gmmot_mw2_barycenter_t *b, double *out,
                                                 size_t out_len) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(b, "b");
    require_not_null(out, "out");
    const std::vector<double> &e = b->impl.energies;
    require_capacity(out_len, e.size(), "out_len", "gmmot_mw2_barycenter_energies_len(b)");
    std::copy(e.begin(), e.end(), out);
    return GMMOT_OK;
  });
}

}  // extern "C"
