// SPDX-License-Identifier: MIT
// Fuzz harness (f): a few EM iterations (gmmot/em.h: K <= 6, at most 3 iterations, 1 or 2
// initialisations, split-and-merge sometimes on), with the invariants of fuzz_support.hpp:
// the returned mixture is valid and finite, the summary is finite, and the fit is
// bit-identical for 1 and 2 threads. Progress and cancellation (gmmot/progress.h) are tested
// in tests/capi/test_cancel.c.
#include "fuzz_support.hpp"

using namespace fz;

namespace {

struct Fit {
  int status = 0;
  GmmCopy g;
  double ll = 0;
  std::uint64_t iterations = 0, passes = 0, moves = 0;
  int converged = -1;
};

Fit fit(const gmmot_options_t *opts, std::size_t n, std::size_t d, const double *x, const double *w,
        std::size_t k) {
  Fit f;
  HandleOut<gmmot_em_t> em;
  int st = FZ_CALL(gmmot_em_create(opts, em.ptr()));
  em.check(st, "em_create");
  FZ_CHECK(st == GMMOT_OK);
  // No fit yet: the summaries are refused.
  FZ_CHECK(FZ_CALL(gmmot_em_info(em.get(), nullptr, nullptr, nullptr)) == GMMOT_E_INVALID_ARGUMENT);
  HandleOut<gmmot_gmm_t> out;
  f.status = FZ_CALL(gmmot_em_fit(em.get(), n, d, x, w, out.ptr()));
  out.check(f.status, "em_fit");
  if (f.status >= 0) {
    FZ_CHECK(f.status == GMMOT_OK || f.status == GMMOT_W_NOT_CONVERGED);
    f.g = copy_gmm(out.get());
    FZ_CHECK(f.g.k == k && f.g.d == d);
    FZ_CHECK(FZ_CALL(gmmot_em_info(em.get(), &f.ll, &f.iterations, &f.converged)) == GMMOT_OK);
    FZ_CHECK_MSG(std::isfinite(f.ll), "mean log-likelihood %g\n", f.ll);
    FZ_CHECK(f.converged == 0 || f.converged == 1);
    FZ_CHECK((f.status == GMMOT_OK) == (f.converged == 1));
    FZ_CHECK(FZ_CALL(gmmot_em_work(em.get(), &f.passes, &f.moves)) == GMMOT_OK);
    FZ_CHECK(f.passes >= 1);
    gmmot_gmm_destroy(out.get());
  } else {
    FZ_CHECK(FZ_CALL(gmmot_em_info(em.get(), nullptr, nullptr, nullptr)) ==
             GMMOT_E_INVALID_ARGUMENT);
  }
  gmmot_em_destroy(em.get());
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  Bytes in(data, size);
  Options opts(in);
  // Always few iterations and few components, whatever the decoded settings.
  opts.set_int(GMMOT_OPT_EM_MAX_ITERATIONS, 1 + in.u8() % 3);
  opts.set_int(GMMOT_OPT_EM_COMPONENTS, 1 + in.u8() % 6);
  gmmot_options_destroy(opts.two);
  opts.two = nullptr;
  FZ_CHECK(FZ_CALL(gmmot_options_clone(opts.one, &opts.two)) == GMMOT_OK);
  FZ_CHECK(FZ_CALL(gmmot_options_set_int(opts.two, GMMOT_OPT_NUM_THREADS, 2)) == GMMOT_OK);
  std::size_t k = static_cast<std::size_t>(opts.get_int(GMMOT_OPT_EM_COMPONENTS));

  // EM blocks: 256 points for K <= 64; sometimes several blocks, for the thread comparison.
  std::size_t d = in.dim(4), n = in.u8() % 32 == 0 ? 0 : 1 + in.points(39, 256);
  // Points: clusters around a few centres, duplicates, a shared scale, sometimes specials.
  std::vector<double> x(n * d);
  std::size_t centres = 1 + in.u8() % 3;
  std::vector<double> c = in.vec(centres * d);
  double spread = in.scale() * (in.u8() / 64.0);
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t which = in.u8() % centres;
    for (std::size_t j = 0; j < d; ++j) x[i * d + j] = c[which * d + j] + spread * in.nice();
  }
  if (!x.empty() && in.coin(6)) x[in.u8() % x.size()] = in.special();
  std::vector<double> w;
  std::uint8_t wmode = in.u8() % 8;
  if (wmode >= 5) {
    w.resize(n);
    for (auto &v : w) v = wmode == 7 ? in.real() : in.u8() / 16.0;
  }
  const double *wp = w.empty() ? nullptr : w.data();
  bool inputs_finite = finite(x) && finite(w);

  Fit f1 = fit(opts.one, n, d, n ? x.data() : nullptr, wp, k);
  if (n == 0 || d == 0 || !inputs_finite) FZ_CHECK(f1.status < 0);
  Fit f2 = fit(opts.two, n, d, n ? x.data() : nullptr, wp, k);
  FZ_CHECK_MSG(f1.status == f2.status, "1 thread: %d, 2 threads: %d\n", f1.status, f2.status);
  if (f1.status >= 0) {
    FZ_CHECK(same_bits(f1.g.w.data(), f2.g.w.data(), f1.g.w.size() * sizeof(double)));
    FZ_CHECK(same_bits(f1.g.m.data(), f2.g.m.data(), f1.g.m.size() * sizeof(double)));
    FZ_CHECK(same_bits(f1.g.c.data(), f2.g.c.data(), f1.g.c.size() * sizeof(double)));
    FZ_CHECK(same_bits(&f1.ll, &f2.ll, sizeof(double)));
    FZ_CHECK(f1.iterations == f2.iterations && f1.passes == f2.passes && f1.moves == f2.moves);
  }
  return 0;
}
