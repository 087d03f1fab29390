// SPDX-License-Identifier: MIT
// Fuzz harness (b): the Gaussian closed forms of gmmot/gaussian.h (W2^2, Monge map, geodesic,
// barycenter, multi-marginal cost), with the invariants of fuzz_support.hpp.
#include "fuzz_support.hpp"

using namespace fz;

namespace {

bool valid_t(double t) { return t >= 0 && t <= 1; }

void pair_functions(Bytes &in) {
  std::size_t d = in.dim(4);
  std::vector<double> m0 = in.vec(d), m1 = in.vec(d);
  std::vector<double> s0(d * d), s1(d * d);
  if (d > 0) {
    in.covariance(d, s0.data());
    in.covariance(d, s1.data());
  }
  if (in.u8() == 7) m1 = m0, s1 = s0;  // the same Gaussian twice
  dump("m0", m0), dump("s0", s0), dump("m1", m1), dump("s1", s1);
  bool inputs_finite = finite(m0) && finite(m1) && finite(s0) && finite(s1);

  // W2^2: >= 0 and finite on success.
  double w2 = std::numeric_limits<double>::quiet_NaN();
  double w2_before = w2;
  int st = FZ_CALL(gmmot_gaussian_w2_squared(d, m0.data(), s0.data(), m1.data(), s1.data(), &w2));
  if (st < 0) {
    FZ_CHECK(same_bits(&w2, &w2_before, sizeof w2));
  } else {
    FZ_CHECK(st == GMMOT_OK || st == GMMOT_W_SYMMETRIZED);
    FZ_CHECK_MSG(std::isfinite(w2) && w2 >= 0, "w2sq = %g\n", w2);
  }
  if (!inputs_finite || d == 0) FZ_CHECK(st < 0);

  // Monge map: A (d x d) and b (d), finite on success; NO_MAP allowed.
  Out<double> a(in, d * d), b(in, d), res(in, 1);
  st = FZ_CALL(gmmot_gaussian_monge_map(d, m0.data(), s0.data(), m1.data(), s1.data(), a.data(),
                                        a.cap(), b.data(), b.cap(), res.data()));
  a.check(st, "monge A");
  b.check(st, "monge b");
  res.check(st, "monge residual");
  if (a.bad() || b.bad()) FZ_CHECK(st < 0);
  if (st >= 0) {
    FZ_CHECK_MSG(finite(a.values(), d * d), "monge A not finite\n");
    if (!skip_known()) FZ_CHECK_MSG(finite(b.values(), d), "monge b not finite\n");
    if (!res.is_null())
      FZ_CHECK_MSG(std::isfinite(res.values()[0]) && res.values()[0] >= 0, "residual %g\n",
                   res.values()[0]);
  }

  // Geodesic at a fuzzed t: invalid t (outside [0, 1], NaN) is an error.
  double t = in.u8() < 200 ? in.u8() / 255.0 : in.real();
  Out<double> mean(in, d), cov(in, d * d);
  st = FZ_CALL(gmmot_gaussian_geodesic(d, m0.data(), s0.data(), m1.data(), s1.data(), t,
                                       mean.data(), mean.cap(), cov.data(), cov.cap()));
  mean.check(st, "geodesic mean");
  cov.check(st, "geodesic cov");
  if (!valid_t(t) || mean.bad() || cov.bad()) FZ_CHECK(st < 0);
  if (st >= 0) {
    FZ_CHECK_MSG(finite(mean.values(), d) && finite(cov.values(), d * d),
                 "geodesic not finite at t = %g\n", t);
  }
}

void set_functions(Bytes &in) {
  Options opts(in);
  std::size_t j = in.count(4), d = in.dim(4);
  std::vector<double> lambda = in.weights(j), means = in.vec(j * d), covs = in.covariances(j, d);
  dump("lambda", lambda), dump("means", means), dump("covs", covs);
  std::int64_t max_it = opts.get_int(GMMOT_OPT_BARYCENTER_MAX_ITERATIONS);

  Out<double> mean(in, d), cov(in, d * d);
  std::uint64_t iters = ~std::uint64_t{0};
  double resid = -1;
  bool want_info = in.u8() % 2;
  int st = FZ_CALL(gmmot_gaussian_barycenter(
      j, d, lambda.data(), means.data(), covs.data(), opts.one, mean.data(), mean.cap(), cov.data(),
      cov.cap(), want_info ? &iters : nullptr, want_info ? &resid : nullptr));
  mean.check(st, "barycenter mean");
  cov.check(st, "barycenter cov");
  if (mean.bad() || cov.bad() || j == 0 || d == 0) FZ_CHECK(st < 0);
  if (st < 0) {
    FZ_CHECK(iters == ~std::uint64_t{0} && resid == -1);
  } else {
    FZ_CHECK(st == GMMOT_OK || st == GMMOT_W_NOT_CONVERGED || st == GMMOT_W_SYMMETRIZED);
    FZ_CHECK_MSG(finite(mean.values(), d) && finite(cov.values(), d * d),
                 "barycenter not finite\n");
    if (want_info) {
      FZ_CHECK_MSG(iters <= static_cast<std::uint64_t>(max_it), "%llu iterations > cap %lld\n",
                   static_cast<unsigned long long>(iters), static_cast<long long>(max_it));
      FZ_CHECK_MSG(std::isfinite(resid) && resid >= 0, "residual %g\n", resid);
    }
  }

  double cost = -1;
  int st2 = FZ_CALL(gmmot_gaussian_multimarginal_cost(j, d, lambda.data(), means.data(),
                                                      covs.data(), opts.one, &cost));
  if (st2 < 0) {
    FZ_CHECK(cost == -1);
  } else {
    FZ_CHECK_MSG(std::isfinite(cost) && cost >= 0, "multimarginal cost %g\n", cost);
  }
  // Both go through the same validation and fixed point: they fail and succeed together
  // when the barycenter's buffers were fine, except that the cost alone may overflow.
  if (!mean.bad() && !cov.bad())
    FZ_CHECK_MSG((st < 0) == (st2 < 0) || (st >= 0 && st2 == GMMOT_E_OVERFLOW),
                 "barycenter %d, cost %d\n", st, st2);
  // Thread count is not read here, but the result must not depend on it either.
  double cost2 = -1;
  int st3 = FZ_CALL(gmmot_gaussian_multimarginal_cost(j, d, lambda.data(), means.data(),
                                                      covs.data(), opts.two, &cost2));
  FZ_CHECK(st3 == st2 && same_bits(&cost, &cost2, sizeof cost));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  Bytes in(data, size);
  if (in.u8() % 2)
    pair_functions(in);
  else
    set_functions(in);
  return 0;
}
