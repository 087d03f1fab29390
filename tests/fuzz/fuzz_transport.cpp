// SPDX-License-Identifier: MIT
// Fuzz harness (d): exact and entropic discrete transport (gmmot/transport.h), cold and warm
// started, with every copy-out, and the invariants of fuzz_support.hpp: plans >= 0 and
// finite, exact plans with at most K0 + K1 - 1 non-zeros and a sparse form equal to the dense
// one, a finite cost on finite inputs, and results bit-identical for 1 and 2 threads.
#include "fuzz_support.hpp"

using namespace fz;

namespace {

struct Result {
  int status = 0;
  double cost = 0;
  std::vector<double> plan, u, v, mass;
  std::vector<std::size_t> rows, cols;
  std::uint64_t iterations = 0;
  double marginal_error = 0;
};

// All copy-outs of a successful solve, each with fuzzed capacities checked against the
// documented statuses, canaries and the untouched-on-error rule.
Result read(Bytes &in, const gmmot_transport_t *t, std::size_t k0, std::size_t k1,
            bool inputs_finite, bool exact) {
  Result r;
  FZ_CHECK(gmmot_transport_rows(t) == k0 && gmmot_transport_cols(t) == k1);
  std::size_t nnz = gmmot_transport_nnz(t);
  FZ_CHECK(nnz >= 1 && nnz <= k0 * k1);
  if (exact) FZ_CHECK_MSG(nnz <= k0 + k1 - 1, "nnz %zu > K0 + K1 - 1\n", nnz);

  double cost = -7;
  FZ_CHECK(FZ_CALL(gmmot_transport_cost(t, &cost)) == GMMOT_OK);
  if (inputs_finite)
    FZ_CHECK_MSG(std::isfinite(cost), "transport cost %g on finite inputs\n", cost);
  r.cost = cost;

  Out<double> plan(in, k0 * k1);
  int st = FZ_CALL(gmmot_transport_copy_plan(t, plan.data(), plan.cap()));
  plan.check(st, "copy_plan");
  if (plan.bad()) {
    FZ_CHECK(st < 0);
    Out<double> again(k0 * k1);
    FZ_CHECK(FZ_CALL(gmmot_transport_copy_plan(t, again.data(), again.cap())) == GMMOT_OK);
    r.plan = again.vector();
  } else {
    FZ_CHECK(st == GMMOT_OK);
    r.plan = plan.vector();
  }
  for (double p : r.plan) FZ_CHECK_MSG(std::isfinite(p) && p >= 0, "plan entry %g\n", p);

  // Sparse plan: capacity fuzzed, any array may be NULL.
  std::size_t cap_sel = in.u8();
  std::size_t cap = cap_sel >= 240 ? nnz - 1 : cap_sel >= 220 ? nnz + 2 : nnz;
  Out<std::size_t> rows(cap), cols(cap);
  Out<double> mass(cap);
  std::uint8_t nulls = in.u8();
  st = FZ_CALL(gmmot_transport_copy_sparse_plan(t, nulls & 1 ? nullptr : rows.data(),
                                                nulls & 2 ? nullptr : cols.data(),
                                                nulls & 4 ? nullptr : mass.data(), cap));
  // The capacity is only checked when something is to be written.
  if (cap < nnz && (nulls & 7) != 7) FZ_CHECK(st == GMMOT_E_BUFFER_TOO_SMALL);
  if (st < 0) {
    rows.check_untouched("sparse rows");
    cols.check_untouched("sparse cols");
    mass.check_untouched("sparse mass");
  } else {
    // Written up to nnz only (the buffers were sized cap >= nnz).
    const unsigned char *bytes = reinterpret_cast<const unsigned char *>(rows.values());
    for (std::size_t i = nnz * sizeof(std::size_t); i < (cap + 4) * sizeof(std::size_t); ++i)
      FZ_CHECK(bytes[i] == 0xA5);
    bytes = reinterpret_cast<const unsigned char *>(cols.values());
    for (std::size_t i = nnz * sizeof(std::size_t); i < (cap + 4) * sizeof(std::size_t); ++i)
      FZ_CHECK(bytes[i] == 0xA5);
    bytes = reinterpret_cast<const unsigned char *>(mass.values());
    for (std::size_t i = nnz * sizeof(double); i < (cap + 4) * sizeof(double); ++i)
      FZ_CHECK(bytes[i] == 0xA5);
    if (nulls & 1) rows.check_untouched("NULL-skipped rows");
    if (nulls & 2) cols.check_untouched("NULL-skipped cols");
    if (nulls & 4) mass.check_untouched("NULL-skipped mass");
    if ((nulls & 7) == 0) {
      for (std::size_t n = 0; n < nnz; ++n) {
        std::size_t i = rows.values()[n], j = cols.values()[n];
        FZ_CHECK(i < k0 && j < k1);
        if (n > 0) {
          std::size_t pi = rows.values()[n - 1], pj = cols.values()[n - 1];
          FZ_CHECK_MSG(pi < i || (pi == i && pj < j), "sparse plan not sorted at %zu\n", n);
        }
        FZ_CHECK(same_bits(&mass.values()[n], &r.plan[i * k1 + j], sizeof(double)));
      }
      r.rows.assign(rows.values(), rows.values() + nnz);
      r.cols.assign(cols.values(), cols.values() + nnz);
      r.mass.assign(mass.values(), mass.values() + nnz);
    }
  }

  // Duals: either array may be NULL, capacities fuzzed.
  Out<double> u(in, k0), v(in, k1);
  st = FZ_CALL(gmmot_transport_copy_duals(t, u.data(), u.cap(), v.data(), v.cap()));
  u.check(st, "duals u");
  v.check(st, "duals v");
  if (u.too_small() || v.too_small()) FZ_CHECK(st == GMMOT_E_BUFFER_TOO_SMALL);
  if (st >= 0) {
    if (!u.is_null()) {
      FZ_CHECK_MSG(finite(u.values(), k0) || !inputs_finite, "duals u not finite\n");
      r.u = u.vector();
    }
    if (!v.is_null()) {
      FZ_CHECK_MSG(finite(v.values(), k1) || !inputs_finite, "duals v not finite\n");
      r.v = v.vector();
    }
  }

  std::uint64_t it = 0;
  double me = -1;
  FZ_CHECK(FZ_CALL(gmmot_transport_info(t, &it, &me)) == GMMOT_OK);
  FZ_CHECK_MSG(std::isfinite(me) && me >= 0, "marginal error %g\n", me);
  r.iterations = it;
  r.marginal_error = me;
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  Bytes in(data, size);
  // Sometimes more than 8 rows: Sinkhorn works in blocks of 8 rows, one per thread.
  std::size_t k0 = in.count(6);
  if (k0 == 6 && in.u8() < 64) k0 = 9 + in.u8() % 9;
  std::size_t k1 = in.count(6);
  std::vector<double> a = in.weights(k0), b = in.weights(k1);
  // Histograms of counts: both scaled alike (sometimes only one: a mass mismatch).
  double mass = in.u8() < 220 ? 1.0 : in.scale() * (1 + in.u8());
  for (auto &x : a) x *= mass;
  if (in.u8() < 240)
    for (auto &x : b) x *= mass;
  std::vector<double> cost(k0 * k1);
  double s = in.scale();
  std::uint8_t cmode = in.u8() % 8;
  for (auto &c : cost) c = cmode == 0 ? in.real() : cmode == 1 ? in.u8() * s : in.nice() * s;
  if (!cost.empty() && in.coin(10)) cost[in.u8() % cost.size()] = in.special();
  dump("a", a);
  dump("b", b);
  dump("cost", cost);
  if (skip_known()) {
    double cmax = 0, mass_a = 0;
    for (double c : cost) cmax = std::fmax(cmax, std::fabs(c));
    for (double x : a) mass_a += std::fabs(x);
    if (has_subnormal(cost.data(), cost.size()) || cmax * mass_a > 1e306 || mass_a < 1e-290 ||
        mass_a > 1e290)
      return 0;
  }
  bool warm = in.u8() % 4 == 0;
  std::vector<double> u0 = in.vec(k0), v0 = in.vec(k1);
  if (warm) dump("u0", u0), dump("v0", v0);
  Options opts(in);
  bool exact = warm || opts.get_int(GMMOT_OPT_TRANSPORT_METHOD) == GMMOT_TRANSPORT_EXACT;
  bool inputs_finite =
      finite(a) && finite(b) && finite(cost) && (!warm || (finite(u0) && finite(v0)));

  auto solve = [&](const gmmot_options_t *o, gmmot_transport_t **out) {
    return warm ? FZ_CALL(gmmot_transport_solve_warm(k0, k1, a.data(), b.data(), cost.data(),
                                                     u0.data(), v0.data(), o, out))
                : FZ_CALL(gmmot_transport_solve(k0, k1, a.data(), b.data(), cost.data(), o, out));
  };
  HandleOut<gmmot_transport_t> t1;
  int st = solve(opts.one, t1.ptr());
  t1.check(st, "transport solve");
  if (k0 == 0 || k1 == 0 || !inputs_finite) FZ_CHECK(st < 0);
  // The default cap, max(1e6, 100 (K0 + K1)) pivots, is documented as enough for random
  // problems up to 5000 x 5000: reaching it at K <= 17 is cycling (finding N4, fixed: checked
  // even with GMMOT_FUZZ_SKIP_KNOWN).
  if (exact && opts.get_int(GMMOT_OPT_EXACT_MAX_ITERATIONS) == 0)
    FZ_CHECK_MSG(st != GMMOT_E_ITERATION_LIMIT, "default pivot cap reached on %zu x %zu\n", k0, k1);
  if (st < 0) return 0;
  FZ_CHECK(st == GMMOT_OK || (!exact && st == GMMOT_W_NOT_CONVERGED));
  Result r1 = read(in, t1.get(), k0, k1, inputs_finite, exact);

  // The same solve with 2 threads: bit-identical (only the entropic method uses threads).
  HandleOut<gmmot_transport_t> t2;
  int st2 = solve(opts.two, t2.ptr());
  FZ_CHECK(st2 == st);
  Result r2;
  {
    Bytes none(nullptr, 0);  // exact capacities, no NULLs, for a full comparison
    r2 = read(none, t2.get(), k0, k1, inputs_finite, exact);
  }
  FZ_CHECK(same_bits(&r1.cost, &r2.cost, sizeof(double)));
  FZ_CHECK(r1.plan.size() == r2.plan.size() &&
           same_bits(r1.plan.data(), r2.plan.data(), r1.plan.size() * sizeof(double)));
  if (!r1.u.empty()) FZ_CHECK(same_bits(r1.u.data(), r2.u.data(), k0 * sizeof(double)));
  if (!r1.v.empty()) FZ_CHECK(same_bits(r1.v.data(), r2.v.data(), k1 * sizeof(double)));
  FZ_CHECK(r1.iterations == r2.iterations);
  FZ_CHECK(same_bits(&r1.marginal_error, &r2.marginal_error, sizeof(double)));
  gmmot_transport_destroy(t1.get());
  gmmot_transport_destroy(t2.get());
  return 0;
}
