/* SPDX-License-Identifier: MIT */
/* libgmmot C API tests in plain C99 against the shared library. Prints failures as they happen
 * and, last, exactly one line "N passed, M failed"; exits non-zero if M > 0. */
#include <gmmot/gmmot.h>
#include <stdio.h>

#include "harness.h"

/* Groups of 0.2 (transport.h, mw2.h); declared here, next to their only caller. */
void test_transport_too_large(void);
void test_transport(void);
void test_mw2(void);
/* Group of maps.h (MW2 transport maps on points). */
void test_mw2_maps_too_large(void);
void test_mw2_maps(void);
/* Shared mixtures, maps computed once per plan, concurrent map calls on one plan. */
void test_mw2_shared(void);
/* Group of em.h (EM fitting). */
void test_em_too_large(void);
void test_em(void);
void test_em_student_t(void);
/* Regression tests of the fuzzing audit (issue 10) and the table of bad inputs. */
void test_audit_findings(void);
void test_bad_inputs(void);
/* Group of barycenter.h (0.3: barycenters of mixtures). */
void test_mw2_barycenter(void);
/* Group of relaxed.h (the KL-relaxed coupled fit). */
void test_relaxed(void);
void test_relaxed_plan(void);
/* Group of progress.h (progress and cancellation of every long call). */
void test_cancel(void);
/* Group of gmm_io.h (0.4: saved mixtures). */
void test_gmm_io(void);
/* Group of gromov.h (0.4: MGW2 and Gromov-Wasserstein). */
void test_gromov(void);
/* Gromov-Wasserstein on shifted, scaled, indefinite matrices; the review's findings. */
void test_gromov_robust(void);
/* Group of mew2.h (0.5: EW2 and MEW2 across dimensions, their maps). */
void test_mew2(void);
/* Student-t mixtures (0.5: gmmot_gmm_create_t and the families downstream). */
void test_student_t(void);
/* Group of texture.h (0.5: texture synthesis). */
void test_texture(void);
/* Group of colour.h (0.5: colour transfer over pixel buffers). */
void test_colour(void);

int main(void) {
  /* The crash-isolated (forking) tests run first, before any thread has been started. */
  test_gmm_too_large();
  test_transport_too_large();
  test_mw2_maps_too_large();
  test_em_too_large();
  test_version_status();
  test_messages();
  test_options();
  test_gmm_lifecycle();
  test_gmm_validation();
  test_gaussian_errors();
  test_gaussian_w2();
  test_gaussian_w2_hard();
  test_gaussian_maps();
  test_gaussian_barycenter();
  test_cost_matrix();
  test_log_density();
  test_sampling();
  test_transport();
  test_mw2();
  test_mw2_maps();
  test_mw2_shared();
  test_em();
  test_em_student_t();
  test_mw2_barycenter();
  test_relaxed();
  test_relaxed_plan();
  test_cancel();
  test_gmm_io();
  test_gromov();
  test_gromov_robust();
  test_mew2();
  test_student_t();
  test_texture();
  test_colour();
  test_threads();
  test_audit_findings();
  test_bad_inputs();
  printf("%ld passed, %ld failed\n", h_passed, h_failed);
  return h_failed > 0 ? 1 : 0;
}
