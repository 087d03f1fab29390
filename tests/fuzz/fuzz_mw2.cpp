// SPDX-License-Identifier: MIT
// Fuzz harness (e): MW2 between two mixtures (gmmot/mw2.h) with every copy-out, the coupling,
// the geodesic, the pair maps and both point maps (gmmot/maps.h), with the invariants of
// fuzz_support.hpp, and every result bit-identical for 1 and 2 threads.
#include "fuzz_support.hpp"

using namespace fz;

namespace {

void check_gmm_out(int st, const HandleOut<gmmot_gmm_t> &h, const char *what, std::size_t k,
                   std::size_t d, Snapshot &snap) {
  h.check(st, what);
  snap.statuses.push_back(st);
  if (st < 0) return;
  GmmCopy g = copy_gmm(h.get());
  FZ_CHECK(g.k == k && g.d == d);
  add(snap, g.w.data(), g.w.size());
  add(snap, g.m.data(), g.m.size());
  add(snap, g.c.data(), g.c.size());
  gmmot_gmm_destroy(h.get());
}

// Reads everything from plan p; `in` decides capacities, NULLs, t, the points and the seed
// (the second pass replays the same decisions from a copy of the decoder).
Snapshot read(Bytes in, const gmmot_mw2_t *p, const gmmot_options_t *opts, std::size_t k0,
              std::size_t k1, std::size_t d) {
  Snapshot snap;
  FZ_CHECK(gmmot_mw2_rows(p) == k0 && gmmot_mw2_cols(p) == k1 && gmmot_mw2_dim(p) == d);
  std::size_t nnz = gmmot_mw2_nnz(p);
  FZ_CHECK(nnz >= 1 && nnz <= k0 * k1);
  snap.sizes.push_back(nnz);

  double sq = -1, dist = -1;
  std::uint8_t which = in.u8() % 3;
  int st = FZ_CALL(gmmot_mw2_distance(p, which == 1 ? nullptr : &sq, which == 2 ? nullptr : &dist));
  FZ_CHECK(st == GMMOT_OK);
  if (which != 1) FZ_CHECK_MSG(std::isfinite(sq) && sq >= 0, "MW2^2 = %g\n", sq);
  if (which != 2) FZ_CHECK_MSG(std::isfinite(dist) && dist >= 0, "MW2 = %g\n", dist);
  if (which == 0) FZ_CHECK(dist == std::sqrt(sq));
  add(snap, &sq, 1);
  add(snap, &dist, 1);

  Out<double> c(in, k0 * k1);
  st = FZ_CALL(gmmot_mw2_copy_cost_matrix(p, c.data(), c.cap()));
  c.check(st, "mw2 cost matrix");
  FZ_CHECK((st < 0) == c.bad());
  if (st >= 0) {
    for (std::size_t i = 0; i < k0 * k1; ++i)
      FZ_CHECK(std::isfinite(c.values()[i]) && c.values()[i] >= 0);
    add(snap, c.values(), k0 * k1);
  }

  Out<double> plan(in, k0 * k1);
  st = FZ_CALL(gmmot_mw2_copy_plan(p, plan.data(), plan.cap()));
  plan.check(st, "mw2 plan");
  FZ_CHECK((st < 0) == plan.bad());
  if (st >= 0) {
    for (std::size_t i = 0; i < k0 * k1; ++i)
      FZ_CHECK(std::isfinite(plan.values()[i]) && plan.values()[i] >= 0);
    add(snap, plan.values(), k0 * k1);
  }

  std::size_t cap_sel = in.u8();
  std::size_t cap = cap_sel >= 240 ? nnz - 1 : cap_sel >= 220 ? nnz + 2 : nnz;
  Out<std::size_t> rows(cap), cols(cap);
  Out<double> mass(cap);
  std::uint8_t nulls = in.u8();
  st = FZ_CALL(gmmot_mw2_copy_sparse_plan(p, nulls & 1 ? nullptr : rows.data(),
                                          nulls & 2 ? nullptr : cols.data(),
                                          nulls & 4 ? nullptr : mass.data(), cap));
  FZ_CHECK((st < 0) == (cap < nnz && (nulls & 7) != 7));
  snap.statuses.push_back(st);
  if (st < 0) {
    rows.check_untouched("mw2 sparse rows");
    cols.check_untouched("mw2 sparse cols");
    mass.check_untouched("mw2 sparse mass");
  } else {
    if (!(nulls & 1)) {
      for (std::size_t n = 0; n < nnz; ++n) FZ_CHECK(rows.values()[n] < k0);
      snap.sizes.insert(snap.sizes.end(), rows.values(), rows.values() + nnz);
    }
    if (!(nulls & 2)) {
      for (std::size_t n = 0; n < nnz; ++n) FZ_CHECK(cols.values()[n] < k1);
      snap.sizes.insert(snap.sizes.end(), cols.values(), cols.values() + nnz);
    }
    if (!(nulls & 4)) add(snap, mass.values(), nnz);
  }

  Out<double> u(in, k0), v(in, k1);
  st = FZ_CALL(gmmot_mw2_copy_duals(p, u.data(), u.cap(), v.data(), v.cap()));
  u.check(st, "mw2 duals u");
  v.check(st, "mw2 duals v");
  FZ_CHECK((st < 0) == (u.too_small() || v.too_small()));
  if (st >= 0) {
    if (!u.is_null()) FZ_CHECK_MSG(finite(u.values(), k0), "mw2 dual u not finite\n");
    if (!v.is_null()) FZ_CHECK_MSG(finite(v.values(), k1), "mw2 dual v not finite\n");
    if (!u.is_null()) add(snap, u.values(), k0);
    if (!v.is_null()) add(snap, v.values(), k1);
  }
  std::uint64_t it = 0;
  double me = -1;
  FZ_CHECK(FZ_CALL(gmmot_mw2_info(p, &it, &me)) == GMMOT_OK);
  FZ_CHECK(std::isfinite(me) && me >= 0);
  add(snap, &me, 1);
  snap.sizes.push_back(static_cast<std::size_t>(it));

  // The coupling: nnz components in dimension 2d.
  HandleOut<gmmot_gmm_t> coupling;
  st = FZ_CALL(gmmot_mw2_coupling(p, coupling.ptr()));
  FZ_CHECK(st >= 0);  // no documented failure once the plan exists (but OOM)
  check_gmm_out(st, coupling, "mw2 coupling", nnz, 2 * d, snap);

  // The geodesic at a fuzzed t.
  double t = in.u8() < 220 ? in.u8() / 255.0 : in.real();
  HandleOut<gmmot_gmm_t> geo;
  st = FZ_CALL(gmmot_mw2_geodesic(p, t, geo.ptr()));
  if (!(t >= 0 && t <= 1)) FZ_CHECK(st == GMMOT_E_INVALID_ARGUMENT);
  check_gmm_out(st, geo, "mw2 geodesic", nnz, d, snap);

  // Pair maps (NO_MAP allowed for singular sources).
  Out<double> pa(in, nnz * d * d), pb(in, nnz * d);
  st = FZ_CALL(gmmot_mw2_copy_pair_maps(p, pa.data(), pa.cap(), pb.data(), pb.cap()));
  pa.check(st, "pair maps A");
  pb.check(st, "pair maps b");
  snap.statuses.push_back(st);
  if (pa.bad() || pb.bad()) FZ_CHECK(st < 0);
  if (st >= 0) {
    FZ_CHECK_MSG(finite(pa.values(), nnz * d * d), "pair map A not finite\n");
    if (!skip_known()) FZ_CHECK_MSG(finite(pb.values(), nnz * d), "pair map b not finite\n");
    add(snap, pa.values(), nnz * d * d);
    add(snap, pb.values(), nnz * d);
  }

  // Both point maps on a few points.
  std::size_t n = in.points(5, 256);  // map blocks: 128 or 256 points
  std::vector<double> x = in.tiled(n, d);
  bool x_finite = finite(x);
  // T_rand's seed is an option (GMMOT_OPT_SEED): a copy of opts carries it.
  gmmot_options_t *seeded = nullptr;
  FZ_CHECK(FZ_CALL(gmmot_options_clone(opts, &seeded)) == GMMOT_OK);
  FZ_CHECK(FZ_CALL(gmmot_options_set_int(seeded, GMMOT_OPT_SEED,
                                         static_cast<std::int64_t>(in.u64() >> 11))) == GMMOT_OK);
  for (int rand = 0; rand < 2; ++rand) {
    Out<double> out(in, n * d, n > 0);
    st = rand ? FZ_CALL(
                    gmmot_mw2_map_rand(p, n, n ? x.data() : nullptr, seeded, out.data(), out.cap()))
              : FZ_CALL(
                    gmmot_mw2_map_mean(p, n, n ? x.data() : nullptr, opts, out.data(), out.cap()));
    out.check(st, rand ? "map_rand" : "map_mean");
    snap.statuses.push_back(st);
    if (n > 0 && (out.bad() || !x_finite)) FZ_CHECK(st < 0);
    if (st >= 0) {
      FZ_CHECK(st == GMMOT_OK);
      FZ_CHECK_MSG(finite(out.values(), n * d), "%s output not finite\n",
                   rand ? "map_rand" : "map_mean");
      add(snap, out.values(), n * d);
    }
  }
  gmmot_options_destroy(seeded);
  return snap;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  Bytes in(data, size);
  const MixturePair pair(in, 32);
  if (!pair.ok()) return 0;
  gmmot_gmm_t *g0 = pair.g0, *g1 = pair.g1;
  const std::size_t d = pair.d0, d1 = pair.d1;
  Options opts(in);
  std::size_t k0 = gmmot_gmm_ncomponents(g0), k1 = gmmot_gmm_ncomponents(g1);
  if (skip_known() && d == d1) {
    std::vector<double> c(k0 * k1);
    int sc = gmmot_w2_cost_matrix(g0, g1, nullptr, c.data(), c.size());
    double cmax = 0;
    for (double x : c) cmax = std::fmax(cmax, x);
    if (sc < 0 || has_subnormal(c.data(), c.size()) || cmax > 1e300) {
      return 0;
    }
  }

  HandleOut<gmmot_mw2_t> p1;
  int st = FZ_CALL(gmmot_mw2_create(g0, g1, opts.one, p1.ptr()));
  p1.check(st, "mw2_create");
  double sq = -1;
  int st_sq = FZ_CALL(gmmot_mw2_squared(g0, g1, opts.one, &sq));
  FZ_CHECK_MSG(st_sq == st, "mw2_create %d, mw2_squared %d\n", st, st_sq);
  if (d != d1) FZ_CHECK(st == GMMOT_E_DIMENSION);
  // Reaching the default pivot cap at K <= 6 is cycling (finding N4, fixed).
  if (opts.get_int(GMMOT_OPT_EXACT_MAX_ITERATIONS) == 0 &&
      opts.get_int(GMMOT_OPT_TRANSPORT_METHOD) == GMMOT_TRANSPORT_EXACT)
    FZ_CHECK_MSG(st != GMMOT_E_ITERATION_LIMIT, "default pivot cap reached on %zu x %zu\n", k0, k1);
  if (d != d1) FZ_CHECK(st_sq == GMMOT_E_DIMENSION);
  if (st >= 0) {
    FZ_CHECK(st == GMMOT_OK || st == GMMOT_W_NOT_CONVERGED);
    double sq_plan = -1;
    FZ_CHECK(FZ_CALL(gmmot_mw2_distance(p1.get(), &sq_plan, nullptr)) == GMMOT_OK);
    FZ_CHECK_MSG(same_bits(&sq, &sq_plan, sizeof sq), "mw2_squared %.17g, plan %.17g\n", sq,
                 sq_plan);
    Bytes decisions = in;
    Snapshot s1 = read(decisions, p1.get(), opts.one, k0, k1, d);
    HandleOut<gmmot_mw2_t> p2;
    FZ_CHECK(FZ_CALL(gmmot_mw2_create(g0, g1, opts.two, p2.ptr())) == st);
    Snapshot s2 = read(in, p2.get(), opts.two, k0, k1, d);
    FZ_CHECK(s1.statuses == s2.statuses && s1.sizes == s2.sizes);
    FZ_CHECK(s1.doubles.size() == s2.doubles.size() &&
             same_bits(s1.doubles.data(), s2.doubles.data(), s1.doubles.size() * sizeof(double)));
    gmmot_mw2_destroy(p2.get());
  } else {
    FZ_CHECK(sq == -1);
  }
  gmmot_mw2_destroy(p1.get());
  return 0;
}
