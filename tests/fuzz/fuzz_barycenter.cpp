// SPDX-License-Identifier: MIT
// Fuzz harness (g): mixture barycenters (gmmot/barycenter.h), J = 2..3 tiny mixtures (K <= 4,
// d <= 3): the exact, fixed-support and fixed-point solvers with fuzzed weights lambda,
// candidates, initial mixture and options, every getter with fuzzed capacities and NULLs, the
// invariants of fuzz_support.hpp, and every result bit-identical for 1 and 2 threads.
#include "fuzz_support.hpp"

using namespace fz;

namespace {

enum class Solver { Exact, FixedSupport, FixedPoint };

// Everything a result gives; `in` decides capacities and NULLs (the second pass replays the
// same decisions from a copy of the decoder).
Snapshot read(Bytes in, const gmmot_mw2_barycenter_t *b, Solver solver, int method,
              const std::vector<std::size_t> &k, std::size_t d, std::size_t n_candidates) {
  Snapshot snap;
  const std::size_t j = k.size();
  std::size_t sum_k = 0;
  for (std::size_t x : k) sum_k += x;
  FZ_CHECK(gmmot_mw2_barycenter_count(b) == j);
  const std::size_t n = gmmot_mw2_barycenter_components(b);
  FZ_CHECK(n >= 1);
  if (solver == Solver::Exact) FZ_CHECK_MSG(n <= sum_k - j + 1, "exact: %zu components\n", n);
  if (solver == Solver::FixedSupport) FZ_CHECK(n == n_candidates);
  snap.sizes.push_back(n);

  double cost = -1;
  FZ_CHECK(FZ_CALL(gmmot_mw2_barycenter_cost(b, &cost)) == GMMOT_OK);
  if (!skip_known()) FZ_CHECK_MSG(std::isfinite(cost) && cost >= 0, "cost %.17g\n", cost);
  add(snap, &cost, 1);

  HandleOut<gmmot_gmm_t> g;
  FZ_CHECK(FZ_CALL(gmmot_mw2_barycenter_gmm(b, g.ptr())) == GMMOT_OK);
  {
    GmmCopy c = copy_gmm(g.get());
    FZ_CHECK(c.k == n && c.d == d);
    add(snap, c.w.data(), c.w.size());
    add(snap, c.m.data(), c.m.size());
    add(snap, c.c.data(), c.c.size());
  }
  gmmot_gmm_destroy(g.get());

  // The plans: a fuzzed j (sometimes out of range), capacities and NULL outputs.
  for (std::size_t r = 0; r < 2; ++r) {
    const std::size_t jj = in.u8() % (j + 1);
    const std::size_t nnz = gmmot_mw2_barycenter_plan_nnz(b, jj);
    if (jj < j) FZ_CHECK(nnz >= 1 && nnz <= n * k[jj]);
    if (jj == j) FZ_CHECK(nnz == 0);
    const std::size_t sel = in.u8();
    const std::size_t cap = sel >= 240 && nnz > 0 ? nnz - 1 : sel >= 220 ? nnz + 2 : nnz;
    Out<std::size_t> rows(cap), cols(cap);
    Out<double> mass(cap);
    const std::uint8_t nulls = in.u8();
    const int st = FZ_CALL(gmmot_mw2_barycenter_copy_plan(b, jj, nulls & 1 ? nullptr : rows.data(),
                                                          nulls & 2 ? nullptr : cols.data(),
                                                          nulls & 4 ? nullptr : mass.data(), cap));
    FZ_CHECK((st < 0) == (jj == j || (cap < nnz && (nulls & 7) != 7)));
    snap.statuses.push_back(st);
    if (st < 0) {
      rows.check_untouched("plan rows");
      cols.check_untouched("plan cols");
      mass.check_untouched("plan mass");
      continue;
    }
    for (std::size_t e = 0; e < nnz; ++e) {
      if (!(nulls & 1)) FZ_CHECK(rows.values()[e] < n);
      if (!(nulls & 2)) FZ_CHECK(cols.values()[e] < k[jj]);
      if (!(nulls & 4)) FZ_CHECK(std::isfinite(mass.values()[e]) && mass.values()[e] >= 0);
    }
    if (!(nulls & 1)) snap.sizes.insert(snap.sizes.end(), rows.values(), rows.values() + nnz);
    if (!(nulls & 2)) snap.sizes.insert(snap.sizes.end(), cols.values(), cols.values() + nnz);
    if (!(nulls & 4)) add(snap, mass.values(), nnz);
  }

  // Tuples: the exact barycenter always, the true fixed point unless it returned its initial
  // mixture (then GMMOT_E_INVALID_ARGUMENT, as for the other methods, which never have them).
  const bool exact = solver == Solver::Exact;
  const bool may_have = exact || (solver == Solver::FixedPoint && method == GMMOT_FIXED_POINT_TRUE);
  {
    Out<std::size_t> t(in, n * j);
    const int st = FZ_CALL(gmmot_mw2_barycenter_copy_tuples(b, t.data(), t.cap()));
    t.check(st, "tuples");
    if (!may_have || t.bad()) FZ_CHECK(st < 0);
    if (exact) FZ_CHECK((st < 0) == t.bad());
    snap.statuses.push_back(st);
    if (st >= 0) {
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t a = 0; a < j; ++a)
          FZ_CHECK_MSG(t.values()[i * j + a] < k[a], "tuple %zu entry %zu is %zu (K = %zu)\n", i, a,
                       t.values()[i * j + a], k[a]);
      snap.sizes.insert(snap.sizes.end(), t.values(), t.values() + n * j);
    }
  }

  // Duals and certificates: the LPs only.
  const bool lp = solver != Solver::FixedPoint;
  {
    Out<double> u(in, sum_k);
    const int st = FZ_CALL(gmmot_mw2_barycenter_copy_duals(b, u.data(), u.cap()));
    u.check(st, "duals");
    FZ_CHECK((st < 0) == (!lp || u.bad()));
    snap.statuses.push_back(st);
    if (st >= 0) {
      if (!skip_known()) FZ_CHECK_MSG(finite(u.values(), sum_k), "duals not finite\n");
      add(snap, u.values(), sum_k);
    }
    double c[3] = {-1, -1, -1};
    const int sc = FZ_CALL(gmmot_mw2_barycenter_certificate(b, &c[0], &c[1], &c[2]));
    FZ_CHECK((sc < 0) == !lp);
    if (sc >= 0) {
      for (double x : c) FZ_CHECK(!(x < 0));  // >= 0 or NaN only for non-finite costs
      add(snap, c, 3);
    }
  }

  std::uint64_t info[3] = {0, 0, 0};
  FZ_CHECK(FZ_CALL(gmmot_mw2_barycenter_info(b, &info[0], &info[1], &info[2])) == GMMOT_OK);
  for (std::uint64_t x : info) snap.sizes.push_back(static_cast<std::size_t>(x));

  const std::size_t len = gmmot_mw2_barycenter_energies_len(b);
  FZ_CHECK(len >= 1);
  if (solver == Solver::FixedPoint) FZ_CHECK(len == info[0] + 1);
  Out<double> e(in, len);
  const int st = FZ_CALL(gmmot_mw2_barycenter_copy_energies(b, e.data(), e.cap()));
  e.check(st, "energies");
  FZ_CHECK((st < 0) == e.bad());
  if (st >= 0) {
    // The result is the (last) iterate of lowest energy: the heuristics may increase V.
    double lowest = e.values()[0];
    for (std::size_t i = 1; i < len; ++i) lowest = std::fmin(lowest, e.values()[i]);
    FZ_CHECK_MSG(same_bits(&lowest, &cost, sizeof cost), "cost %.17g, lowest energy %.17g\n", cost,
                 lowest);
    add(snap, e.values(), len);
  }
  return snap;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  Bytes in(data, size);
  const std::size_t j = 2 + in.u8() % 2, d = 1 + in.u8() % 3;
  std::vector<std::size_t> k(j);
  std::vector<gmmot_gmm_t *> g(j, nullptr);
  bool ok = true;
  for (std::size_t a = 0; a < j; ++a) {
    k[a] = 1 + in.u8() % 4;
    g[a] = make_gmm(in, k[a], d);
    ok = ok && g[a] != nullptr;
  }
  const std::vector<double> lambda = in.weights(j);
  dump("lambda", lambda);
  Options opts(in);
  // The barycenter options, on both option objects alike.
  const std::uint8_t sel = in.u8();
  const double max_tuples = sel % 8 == 0 ? 1 + in.u8() % 40 : 1e9;
  const std::int64_t method = in.u8() % 3, iterations = 1 + in.u8() % 5;
  const std::int64_t components = in.u8() % 5, support = sel % 16 == 1 ? 1 + in.u8() % 4 : 100000;
  const double tolerance = Options::pick(in, {1e-9, 0.0, 1e-3, 1.0});
  for (gmmot_options_t *o : {opts.one, opts.two}) {
    FZ_CHECK(FZ_CALL(gmmot_options_set_double(o, GMMOT_OPT_MMOT_MAX_TUPLES, max_tuples)) == 0);
    FZ_CHECK(FZ_CALL(gmmot_options_set_int(o, GMMOT_OPT_FIXED_POINT_METHOD, method)) == 0);
    FZ_CHECK(FZ_CALL(gmmot_options_set_int(o, GMMOT_OPT_FIXED_POINT_MAX_ITERATIONS, iterations)) ==
             0);
    FZ_CHECK(FZ_CALL(gmmot_options_set_int(o, GMMOT_OPT_FIXED_POINT_COMPONENTS, components)) == 0);
    FZ_CHECK(FZ_CALL(gmmot_options_set_int(o, GMMOT_OPT_FIXED_POINT_MAX_SUPPORT, support)) == 0);
    FZ_CHECK(FZ_CALL(gmmot_options_set_double(o, GMMOT_OPT_FIXED_POINT_TOLERANCE, tolerance)) == 0);
  }
  // Candidates for the fixed support: 1..4 Gaussians of the mixtures' dimension.
  const std::size_t nc = 1 + in.u8() % 4;
  const std::vector<double> cm = in.vec(nc * d), cc = in.covariances(nc, d);
  const bool with_init = in.coin(30);
  if (dumping()) {
    std::fprintf(
        stderr,
        "max_tuples %.17g, fixed point: method %lld, max_iterations %lld, components %lld, "
        "max_support %lld, tolerance %.17g, init %s\n",
        max_tuples, static_cast<long long>(method), static_cast<long long>(iterations),
        static_cast<long long>(components), static_cast<long long>(support), tolerance,
        with_init ? "gmms[0]" : "NULL");
    dump("candidate means", cm);
    dump("candidate covs", cc);
  }
  if (!ok) {
    for (gmmot_gmm_t *x : g) gmmot_gmm_destroy(x);
    return 0;
  }
  // Open finding B2 (findings/README.md): the projections fail (GMMOT_E_INTERNAL) from an init
  // with a component of weight at rounding level (0 < w <= 1e-15).
  bool tiny_init_weight = false;
  if (with_init) {
    const GmmCopy c = copy_gmm(g[0]);
    for (double w : c.w) tiny_init_weight = tiny_init_weight || (w > 0 && w <= 1e-15);
  }
  double tuples = 1;
  for (std::size_t x : k) tuples *= static_cast<double>(x);
  const gmmot_gmm_t *const *gmms = g.data();

  for (Solver solver : {Solver::Exact, Solver::FixedSupport, Solver::FixedPoint}) {
    if (skip_known() && solver == Solver::FixedPoint && method != GMMOT_FIXED_POINT_TRUE &&
        tiny_init_weight)
      continue;
    HandleOut<gmmot_mw2_barycenter_t> b1, b2;
    int st1 = 0, st2 = 0;
    for (int pass = 0; pass < 2; ++pass) {
      const gmmot_options_t *o = pass == 0 ? opts.one : opts.two;
      auto *out = pass == 0 ? b1.ptr() : b2.ptr();
      int st = 0;
      switch (solver) {
        case Solver::Exact:
          st = FZ_CALL(gmmot_mw2_barycenter_exact(gmms, j, lambda.data(), j, o, out));
          break;
        case Solver::FixedSupport:
          st = FZ_CALL(gmmot_mw2_barycenter_fixed_support(gmms, j, lambda.data(), j, nc, cm.data(),
                                                          cm.size(), cc.data(), cc.size(), o, out));
          break;
        case Solver::FixedPoint:
          st = FZ_CALL(gmmot_mw2_barycenter_fixed_point(gmms, j, lambda.data(), j,
                                                        with_init ? g[0] : nullptr, o, out));
          break;
      }
      (pass == 0 ? st1 : st2) = st;
    }
    b1.check(st1, "barycenter (1 thread)");
    b2.check(st2, "barycenter (2 threads)");
    // Open finding B1 (findings/README.md): when several tuple barycenters fail, which error
    // the exact solver reports depends on the number of threads.
    if (!(skip_known() && st1 < 0 && st2 < 0))
      FZ_CHECK_MSG(st1 == st2, "solver %d: status %d with 1 thread, %d with 2 (%s)\n",
                   static_cast<int>(solver), st1, st2, gmmot_last_error_message());
    // Refused (GMMOT_E_TOO_LARGE, or an earlier validation error) beyond the tuple cap.
    if (solver == Solver::Exact && tuples > max_tuples) FZ_CHECK(st1 < 0);
    if (solver != Solver::FixedPoint) FZ_CHECK(st1 <= 0);
    if (solver == Solver::FixedPoint) FZ_CHECK(st1 <= GMMOT_W_NOT_CONVERGED);
    if (st1 >= 0) {
      Bytes decisions = in;
      const Snapshot s1 = read(decisions, b1.get(), solver, static_cast<int>(method), k, d, nc);
      const Snapshot s2 = read(in, b2.get(), solver, static_cast<int>(method), k, d, nc);
      FZ_CHECK(s1.statuses == s2.statuses && s1.sizes == s2.sizes);
      FZ_CHECK(s1.doubles.size() == s2.doubles.size() &&
               same_bits(s1.doubles.data(), s2.doubles.data(), s1.doubles.size() * sizeof(double)));
    }
    gmmot_mw2_barycenter_destroy(b1.get());
    gmmot_mw2_barycenter_destroy(b2.get());
  }
  for (gmmot_gmm_t *x : g) gmmot_gmm_destroy(x);
  return 0;
}
