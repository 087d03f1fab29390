// SPDX-License-Identifier: MIT
// Fuzz harness (c): the W2^2 cost matrix between the components of two mixtures
// (gmmot_w2_cost_matrix), with the invariants of fuzz_support.hpp: entries >= 0 and finite on
// success, bit-identical for 1 and 2 threads, each entry the W2^2 of its pair.
#include "fuzz_support.hpp"

using namespace fz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  Bytes in(data, size);
  const MixturePair pair(in, 16);
  if (!pair.ok()) return 0;
  gmmot_gmm_t *g0 = pair.g0, *g1 = pair.g1;
  const std::size_t d0 = pair.d0, d1 = pair.d1;
  Options opts(in);
  std::size_t k0 = gmmot_gmm_ncomponents(g0), k1 = gmmot_gmm_ncomponents(g1);
  Out<double> c(in, k0 * k1);
  int st = FZ_CALL(gmmot_w2_cost_matrix(g0, g1, opts.one, c.data(), c.cap()));
  c.check(st, "cost matrix");
  if (d0 != d1) FZ_CHECK(c.bad() ? st < 0 : st == GMMOT_E_DIMENSION);
  if (c.bad()) FZ_CHECK(st < 0);
  if (st >= 0) {
    FZ_CHECK(st == GMMOT_OK);
    for (std::size_t i = 0; i < k0 * k1; ++i)
      FZ_CHECK_MSG(std::isfinite(c.values()[i]) && c.values()[i] >= 0, "C[%zu] = %g\n", i,
                   c.values()[i]);
    Out<double> c2(k0 * k1);
    FZ_CHECK(FZ_CALL(gmmot_w2_cost_matrix(g0, g1, opts.two, c2.data(), c2.cap())) == st);
    FZ_CHECK(same_bits(c.values(), c2.values(), k0 * k1 * sizeof(double)));
    // Every entry is a W2^2 of two valid Gaussians: the closed form must also succeed on it.
    GmmCopy a = copy_gmm(g0), b = copy_gmm(g1);
    std::size_t d = d0;
    for (std::size_t k = 0; k < k0; ++k)
      for (std::size_t l = 0; l < k1; ++l) {
        double w = -1;
        int sw = FZ_CALL(gmmot_gaussian_w2_squared(d, &a.m[k * d], &a.c[k * d * d], &b.m[l * d],
                                                   &b.c[l * d * d], &w));
        FZ_CHECK_MSG(sw == GMMOT_OK, "w2sq of pair (%zu, %zu) of valid mixtures: %d\n", k, l, sw);
        FZ_CHECK(w >= 0 && std::isfinite(w));
      }
  } else if (d0 == d1 && !c.bad()) {
    FZ_CHECK_MSG(st == GMMOT_E_OVERFLOW, "cost matrix of valid mixtures: %d\n", st);
  }
  return 0;
}
