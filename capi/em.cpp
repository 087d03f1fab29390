// SPDX-License-Identifier: MIT
#include <memory>
#include <string>
#include <vector>

#include "em/em.hpp"
#include "gmmot/em.h"
#include "guard.hpp"
#include "handles.hpp"
#include "util/error.hpp"

using namespace gmmot::capi;

namespace {

// Marks the handle busy for the duration of a fit; a second concurrent fit is refused.
class BusyGuard {
 public:
  explicit BusyGuard(gmmot_em &em) : em_(em) {
    bool expected = false;
    if (!em.busy.compare_exchange_strong(expected, true)) {
      reject(GMMOT_E_INVALID_ARGUMENT, "a fit is already running on em");
    }
  }
  ~BusyGuard() { em_.busy.store(false); }
  BusyGuard(const BusyGuard &) = delete;
  BusyGuard &operator=(const BusyGuard &) = delete;

 private:
  gmmot_em &em_;
};

}  // namespace

extern "C" {

GMMOT_API int gmmot_em_create(const gmmot_options_t *opts, gmmot_em_t **out) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(out, "out");
    auto em = std::make_unique<gmmot_em>();
    em->options = em_options_of(opts);
    const gmmot::EmOptions &o = em->options;
    if (o.dof != 0 && !(o.dof > 2)) {
      reject(GMMOT_E_INVALID_ARGUMENT, "GMMOT_OPT_EM_DOF = " + gmmot::fmt(o.dof) +
                                           ": a fixed Student-t nu must be > 2 (the covariance "
                                           "is infinite for nu <= 2), or 0 to estimate it");
    }
    if (o.family == GMMOT_FAMILY_STUDENT_T && o.split_merge > 0) {
      reject(GMMOT_E_INVALID_ARGUMENT,
             "GMMOT_OPT_EM_SPLIT_MERGE = " + std::to_string(o.split_merge) +
                 " with GMMOT_OPT_EM_FAMILY = GMMOT_FAMILY_STUDENT_T: split-and-merge is "
                 "implemented for the Gaussian family only (set it to 0)");
    }
    em->threads = threads_of(opts);
    em->attached = attachments_of(opts);
    *out = em.release();
    return GMMOT_OK;
  });
}

GMMOT_API void gmmot_em_destroy(gmmot_em_t *em) GMMOT_NOEXCEPT {
  clear_error();
  delete em;
}

GMMOT_API int gmmot_em_fit(gmmot_em_t *em, size_t n, size_t d, const double *points,
                           const double *weights, gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  static const char *const function = __func__;
  return guarded(function, [&] {
    require_not_null(em, "em");
    require_not_null(out, "out");
    if (n > 0 && d > 0) require_not_null(points, "points");
    BusyGuard busy(*em);
    const gmmot::Context ctx = context_of(em->threads, em->attached);
    gmmot::EmResult r = gmmot::fit_gmm_em(n, d, points, weights, em->options, ctx);
    auto g = std::make_unique<gmmot_gmm>(std::move(r.gmm));  // the fitted mixture, not a copy
    *out = g.release();
    em->has_fit = true;
    em->mean_log_likelihood = r.mean_log_likelihood;
    em->iterations = r.iterations;
    em->converged = r.converged;
    em->passes = r.passes;
    em->moves = r.moves;
    if (r.converged) return GMMOT_OK;
    set_message(function, "EM stopped at its cap of " + std::to_string(r.iterations) +
                              " iterations (GMMOT_OPT_EM_MAX_ITERATIONS) before the mean "
                              "log-likelihood settled; the best mixture seen is returned "
                              "(mean log-likelihood " +
                              gmmot::fmt(r.mean_log_likelihood) + ")");
    return GMMOT_W_NOT_CONVERGED;
  });
}

GMMOT_API int gmmot_em_fit_joint(gmmot_em_t *em, size_t j, size_t d, const size_t *n,
                                 const double *const *points, const double *const *weights,
                                 gmmot_gmm_t **out) GMMOT_NOEXCEPT {
  static const char *const function = __func__;
  return guarded(function, [&] {
    require_not_null(em, "em");
    require_not_null(out, "out");
    if (j > 0) {
      require_not_null(n, "n");
      require_not_null(points, "points");
      for (std::size_t i = 0; i < j; ++i) {
        if (n[i] > 0 && d > 0 && points[i] == nullptr) {
          reject(GMMOT_E_INVALID_ARGUMENT, "points[" + std::to_string(i) + "] is NULL (n[" +
                                               std::to_string(i) + "] = " + std::to_string(n[i]) +
                                               ")");
        }
      }
    }
    BusyGuard busy(*em);
    const gmmot::Context ctx = context_of(em->threads, em->attached);
    gmmot::EmJointResult r = gmmot::fit_em_joint(j, d, n, points, weights, em->options, ctx);
    std::vector<std::unique_ptr<gmmot_gmm>> handles;
    handles.reserve(j);
    for (auto &f : r.fits) handles.push_back(std::make_unique<gmmot_gmm>(std::move(f.gmm)));
    for (std::size_t i = 0; i < j; ++i) out[i] = handles[i].release();
    em->has_fit = true;
    em->mean_log_likelihood = r.objective;
    em->iterations = r.iterations;
    em->converged = r.converged;
    em->passes = r.passes;
    em->moves = 0;
    if (r.converged) return GMMOT_OK;
    set_message(function,
                "the joint EM stopped at its cap of GMMOT_OPT_EM_MAX_ITERATIONS "
                "iterations before the objective settled; the best mixtures seen are "
                "returned (sum of the mean log-likelihoods " +
                    gmmot::fmt(r.objective) + ")");
    return GMMOT_W_NOT_CONVERGED;
  });
}

GMMOT_API int gmmot_em_info(const gmmot_em_t *em, double *out_mean_log_likelihood,
                            uint64_t *out_iterations, int *out_converged) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(em, "em");
    if (!em->has_fit) reject(GMMOT_E_INVALID_ARGUMENT, "no fit has succeeded on em yet");
    if (out_mean_log_likelihood != nullptr) *out_mean_log_likelihood = em->mean_log_likelihood;
    if (out_iterations != nullptr) *out_iterations = em->iterations;
    if (out_converged != nullptr) *out_converged = em->converged ? 1 : 0;
    return GMMOT_OK;
  });
}

GMMOT_API int gmmot_em_work(const gmmot_em_t *em, uint64_t *out_passes,
                            uint64_t *out_moves) GMMOT_NOEXCEPT {
  return guarded(__func__, [&] {
    require_not_null(em, "em");
    if (!em->has_fit) reject(GMMOT_E_INVALID_ARGUMENT, "no fit has succeeded on em yet");
    if (out_passes != nullptr) *out_passes = em->passes;
    if (out_moves != nullptr) *out_moves = em->moves;
    return GMMOT_OK;
  });
}

}  // extern "C"
