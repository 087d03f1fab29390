// SPDX-License-Identifier: MIT
// Fuzz harness (a): mixture creation, the three copy-outs, the log-density and sampling
// (gmmot/gmm.h), with the invariants of fuzz_support.hpp. See tests/fuzz/README.md.
#include "fuzz_support.hpp"

using namespace fz;

namespace {

// The copy-outs with fuzzed capacities: NULL -> E_INVALID_ARGUMENT, too small ->
// E_BUFFER_TOO_SMALL, otherwise OK; never a write past K (K d, K d d), nothing on error.
void copy_outs(Bytes &in, const gmmot_gmm_t *g, std::size_t k, std::size_t d) {
  using Copy = int (*)(const gmmot_gmm_t *, double *, std::size_t);
  struct {
    Copy fn;
    std::size_t len;
    const char *name;
  } copies[] = {{gmmot_gmm_copy_weights, k, "copy_weights"},
                {gmmot_gmm_copy_means, k * d, "copy_means"},
                {gmmot_gmm_copy_covariances, k * d * d, "copy_covariances"}};
  for (auto &c : copies) {
    Out<double> out(in, c.len);
    int st = FZ_CALL(c.fn(g, out.data(), out.cap()));
    out.check(st, c.name);
    if (out.is_null())
      FZ_CHECK(st == GMMOT_E_INVALID_ARGUMENT);
    else if (out.too_small())
      FZ_CHECK(st == GMMOT_E_BUFFER_TOO_SMALL);
    else
      FZ_CHECK(st == GMMOT_OK && finite(out.values(), c.len));
  }
}

void log_density(Bytes &in, const gmmot_gmm_t *g, const Options &opts, std::size_t d) {
  std::size_t n = in.points(5, 128);  // log-density blocks: 128 points
  std::vector<double> x = in.tiled(n, d);
  bool x_finite = finite(x);
  Out<double> out(in, n);
  Out<double> out2(n);
  int st =
      FZ_CALL(gmmot_gmm_log_density(g, n, n ? x.data() : nullptr, opts.one, out.data(), out.cap()));
  out.check(st, "log_density");
  if (!x_finite && n > 0) FZ_CHECK(st < 0);
  if (out.bad() && n > 0) FZ_CHECK(st < 0);
  if (st < 0) return;
  FZ_CHECK(st == GMMOT_OK);
  // Never NaN, never +inf; -inf only where no component contributes.
  for (std::size_t i = 0; i < n; ++i)
    FZ_CHECK_MSG(!std::isnan(out.values()[i]) && out.values()[i] != HUGE_VAL,
                 "log_density[%zu] = %g\n", i, out.values()[i]);
  // Bit-identical for 1 and 2 threads.
  int st2 = FZ_CALL(
      gmmot_gmm_log_density(g, n, n ? x.data() : nullptr, opts.two, out2.data(), out2.cap()));
  FZ_CHECK(st2 == st);
  FZ_CHECK(same_bits(out.values(), out2.values(), n * sizeof(double)));
}

void sample(Bytes &in, const gmmot_gmm_t *g, const Options &opts, const GmmCopy &mix) {
  std::size_t n = in.points(8, 1024), d = mix.d;  // sampling blocks: 1024 points
  // Seeds are options (GMMOT_OPT_SEED, bounds [0, 2^53]): the same seed on both objects.
  const auto seed = static_cast<std::int64_t>(in.u64() >> 11);
  FZ_CHECK(FZ_CALL(gmmot_options_set_int(opts.one, GMMOT_OPT_SEED, seed)) == GMMOT_OK);
  FZ_CHECK(FZ_CALL(gmmot_options_set_int(opts.two, GMMOT_OPT_SEED, seed)) == GMMOT_OK);
  bool labels = in.u8() % 4 != 0;
  Out<double> pts(in, n * d, /*may_be_null=*/n > 0);
  Out<std::size_t> lab(in, n, /*may_be_null=*/false);
  int st = FZ_CALL(gmmot_gmm_sample(g, n, opts.one, pts.data(), pts.cap(),
                                    labels ? lab.data() : nullptr, lab.cap()));
  pts.check(st, "sample points");
  lab.check(st, "sample labels");
  if (n > 0 && (pts.bad() || (labels && lab.bad()))) FZ_CHECK(st < 0);
  if (st < 0) return;
  FZ_CHECK(st == GMMOT_OK);
  FZ_CHECK(finite(pts.values(), n * d));
  if (labels)
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t l = lab.values()[i];
      FZ_CHECK(l < mix.k);
      FZ_CHECK_MSG(mix.w[l] > 0, "drew component %zu of weight 0\n", l);
    }
  // Same points (and labels) with 2 threads; the first n - 1 points of the draw are a draw of
  // n - 1 (prefix stability, as documented).
  Out<double> pts2(n * d);
  Out<std::size_t> lab2(n);
  FZ_CHECK(FZ_CALL(gmmot_gmm_sample(g, n, opts.two, pts2.data(), pts2.cap(),
                                    labels ? lab2.data() : nullptr, lab2.cap())) == st);
  FZ_CHECK(same_bits(pts.values(), pts2.values(), n * d * sizeof(double)));
  if (labels) FZ_CHECK(same_bits(lab.values(), lab2.values(), n * sizeof(std::size_t)));
  if (n > 1) {
    Out<double> pre((n - 1) * d);
    FZ_CHECK(FZ_CALL(gmmot_gmm_sample(g, n - 1, opts.one, pre.data(), pre.cap(), nullptr, 0)) ==
             GMMOT_OK);
    FZ_CHECK(same_bits(pts.values(), pre.values(), (n - 1) * d * sizeof(double)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  Bytes in(data, size);
  std::size_t k = in.count(6), d = in.dim(4);
  // Creation with all-finite inputs fails only for validation reasons; occasionally with a
  // NULL array (the documented E_INVALID_ARGUMENT).
  std::vector<double> w = in.weights(k), m = in.vec(k * d), c = in.covariances(k, d);
  dump("weights", w), dump("means", m), dump("covs", c);
  std::uint8_t null_sel = in.u8();
  HandleOut<gmmot_gmm_t> out;
  int st = FZ_CALL(gmmot_gmm_create(k, d, null_sel == 1 ? nullptr : w.data(),
                                    null_sel == 2 ? nullptr : m.data(),
                                    null_sel == 3 ? nullptr : c.data(), out.ptr()));
  out.check(st, "gmmot_gmm_create");
  if (null_sel >= 1 && null_sel <= 3) FZ_CHECK(st == GMMOT_E_INVALID_ARGUMENT);
  if (k == 0 || d == 0) FZ_CHECK(st < 0);
  if (st < 0) return 0;
  FZ_CHECK(st == GMMOT_OK || st == GMMOT_W_SYMMETRIZED);
  gmmot_gmm_t *g = out.get();
  FZ_CHECK(gmmot_gmm_ncomponents(g) == k && gmmot_gmm_dim(g) == d);

  GmmCopy mix = copy_gmm(g);
  // Weights are the inputs divided by their sum: zero stays zero, order kept.
  for (std::size_t i = 0; i < k; ++i) FZ_CHECK((w[i] == 0) == (mix.w[i] == 0));
  FZ_CHECK(same_bits(mix.m.data(), m.data(), m.size() * sizeof(double)));
  Options opts(in);
  copy_outs(in, g, k, d);
  log_density(in, g, opts, d);
  sample(in, g, opts, mix);
  gmmot_gmm_destroy(g);
  return 0;
}
