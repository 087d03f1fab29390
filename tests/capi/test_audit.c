/* Regression tests for the findings of the fuzzing audit (issue 10, part 5), one function per
 * finding: each input is the one the audit reported, and the check is the documented outcome
 * (status, message, outputs and out-pointers untouched on error, finite results on success). */
#include <float.h>
#include <gmmot/gmmot.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

void test_audit_findings(void);

#define H_SENTINEL_TRANSPORT ((gmmot_transport_t *)(void *)&h_sentinel_target)
#define H_SENTINEL_MW2 ((gmmot_mw2_t *)(void *)&h_sentinel_target)

/* Finding 1: a total cost beyond DBL_MAX gave GMMOT_OK and a NaN cost (Inf - Inf in the
 * compensated sum). Now GMMOT_E_OVERFLOW, nothing returned, for both methods. */
static void finding1_total_overflow(void) {
  const double a[1] = {2.0}, b[1] = {2.0}, c[1] = {1e308};
  const double a2[2] = {1.0, 1.0}, b2[2] = {1.0, 1.0}, c2[4] = {1e308, 1e308, 1e308, 1e308};
  int method;
  for (method = 0; method <= 1; ++method) {
    gmmot_options_t *opts = NULL;
    gmmot_transport_t *t = H_SENTINEL_TRANSPORT;
    CHECK_OK(gmmot_options_create(&opts));
    CHECK_OK(gmmot_options_set_int(opts, GMMOT_OPT_TRANSPORT_METHOD, method));
    CHECK_ERROR(gmmot_transport_solve(1, 1, a, b, c, opts, &t), GMMOT_E_OVERFLOW,
                "gmmot_transport_solve", "cost");
    CHECK(t == H_SENTINEL_TRANSPORT);
    CHECK_ERROR(gmmot_transport_solve(2, 2, a2, b2, c2, opts, &t), GMMOT_E_OVERFLOW,
                "gmmot_transport_solve", "cost");
    CHECK(t == H_SENTINEL_TRANSPORT);
    /* Just below: the total 1.7e308 is finite and exact. */
    {
      const double c3[1] = {0.85e308};
      double cost = 0.0;
      CHECK_OK(gmmot_transport_solve(1, 1, a, b, c3, opts, &t));
      CHECK_OK(gmmot_transport_cost(t, &cost));
      /* exact: the plan is exact; entropic: its marginals are exact to rounding */
      CHECKF(method == 0 ? cost == 2.0 * c3[0] : fabs(cost - 2.0 * c3[0]) <= 1e-12 * c3[0],
             "method %d: cost %.17g", method, cost);
      gmmot_transport_destroy(t);
    }
    gmmot_options_destroy(opts);
  }
}

void test_audit_findings(void) {
  finding1_total_overflow();
}
