// SPDX-License-Identifier: MIT
// The C handles share their mixtures (capi/handles.hpp): a plan made by gmmot_mw2_create holds
// the very mixture objects of the two gmmot_gmm_t handles (same address, one more owner each),
// not copies; gmmot_em_fit's handle holds the fitted mixture as its only owner; a plan's pair
// maps are one cached vector, the same before and after the C calls that use them; and
// std::threads mapping points with one plan at once get identical results.
#include <catch2/catch.hpp>

#include <cstring>
#include <thread>
#include <vector>

#include "gmmot/gmmot.h"
#include "handles.hpp"

namespace {

constexpr std::size_t kD = 2;
const double kW0[2] = {0.45, 0.55}, kM0[4] = {0, 0, 3, 1};
const double kS0[8] = {2, 0.5, 0.5, 1, 1, -0.3, -0.3, 0.5};
const double kW1[3] = {0.3, 0.3, 0.4}, kM1[6] = {1, 0, 2, 2, -1, 1};
const double kS1[12] = {1, 0.2, 0.2, 1.5, 0.5, 0, 0, 2, 3, 1, 1, 1};

}  // namespace

TEST_CASE("gmmot_mw2_create shares the handles' mixtures", "[capi][shared]") {
  gmmot_gmm_t *g0 = nullptr, *g1 = nullptr;
  REQUIRE(gmmot_gmm_create(2, kD, kW0, kM0, kS0, &g0) == GMMOT_OK);
  REQUIRE(gmmot_gmm_create(3, kD, kW1, kM1, kS1, &g1) == GMMOT_OK);
  CHECK(&g0->impl == g0->shared.get());
  CHECK(g0->shared.use_count() == 1);
  gmmot_mw2_t *p = nullptr;
  REQUIRE(gmmot_mw2_create(g0, g1, nullptr, &p) == GMMOT_OK);
  CHECK(&p->impl.source() == g0->shared.get());
  CHECK(&p->impl.target() == g1->shared.get());
  CHECK(g0->shared.use_count() == 2);
  CHECK(g1->shared.use_count() == 2);
  const gmmot::Gmm *source = g0->shared.get();
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
  CHECK(&p->impl.source() == source);
  CHECK(p->impl.shared_source().use_count() == 1);
  // Pair maps: one vector, computed once, used by the C copy-out.
  const std::vector<gmmot::PairMap> *maps = &p->impl.pair_maps();
  const gmmot::PairMap *first = maps->data();
  const std::size_t nnz = gmmot_mw2_nnz(p);
  std::vector<double> a(nnz * kD * kD), b(nnz * kD);
  REQUIRE(gmmot_mw2_copy_pair_maps(p, a.data(), a.size(), b.data(), b.size()) == GMMOT_OK);
  CHECK(&p->impl.pair_maps() == maps);
  CHECK(p->impl.pair_maps().data() == first);
  for (std::size_t n = 0; n < nnz; ++n) {
    CHECK(std::memcmp(a.data() + n * kD * kD, (*maps)[n].map.a.data(), kD * kD * sizeof(double)) ==
          0);
  }
  gmmot_mw2_destroy(p);
}

TEST_CASE("gmmot_em_fit's handle owns the fitted mixture alone", "[capi][shared]") {
  std::vector<double> x;
  for (int i = 0; i < 200; ++i) {
    x.push_back((i % 2 ? 5.0 : 0.0) + 0.01 * (i % 17));
    x.push_back(0.02 * (i % 13));
  }
  gmmot_options_t *o = nullptr;
  REQUIRE(gmmot_options_create(&o) == GMMOT_OK);
  REQUIRE(gmmot_options_set_int(o, GMMOT_OPT_EM_COMPONENTS, 2) == GMMOT_OK);
  gmmot_em_t *em = nullptr;
  REQUIRE(gmmot_em_create(o, &em) == GMMOT_OK);
  gmmot_gmm_t *g = nullptr;
  const int rc = gmmot_em_fit(em, x.size() / 2, 2, x.data(), nullptr, &g);
  REQUIRE((rc == GMMOT_OK || rc == GMMOT_W_NOT_CONVERGED));
  CHECK(g->shared.use_count() == 1);
  CHECK(g->impl.factors().size() == 2);
  gmmot_gmm_destroy(g);
  gmmot_em_destroy(em);
  gmmot_options_destroy(o);
}

TEST_CASE("std::threads mapping points with one plan at once agree", "[capi][shared]") {
  gmmot_gmm_t *g0 = nullptr, *g1 = nullptr;
  REQUIRE(gmmot_gmm_create(2, kD, kW0, kM0, kS0, &g0) == GMMOT_OK);
  REQUIRE(gmmot_gmm_create(3, kD, kW1, kM1, kS1, &g1) == GMMOT_OK);
  const std::size_t n = 500;
  std::vector<double> x(n * kD);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.01 * static_cast<double>((i * 37) % 400);
  gmmot_mw2_t *ref = nullptr;
  REQUIRE(gmmot_mw2_create(g0, g1, nullptr, &ref) == GMMOT_OK);
  std::vector<double> want(n * kD);
  REQUIRE(gmmot_mw2_map_mean(ref, n, x.data(), nullptr, want.data(), want.size()) == GMMOT_OK);
  for (int round = 0; round < 5; ++round) {
    gmmot_mw2_t *p = nullptr;
    REQUIRE(gmmot_mw2_create(g0, g1, nullptr, &p) == GMMOT_OK);
    constexpr int kThreads = 4;
    std::vector<std::vector<double>> out(kThreads, std::vector<double>(n * kD, -1.0));
    std::vector<int> rc(kThreads, -999);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        rc[t] = gmmot_mw2_map_mean(p, n, x.data(), nullptr, out[t].data(), out[t].size());
      });
    }
    for (auto &th : threads) th.join();
    for (int t = 0; t < kThreads; ++t) {
      CHECK(rc[t] == GMMOT_OK);
      CHECK(out[t] == want);
    }
    gmmot_mw2_destroy(p);
  }
  gmmot_mw2_destroy(ref);
  gmmot_gmm_destroy(g0);
  gmmot_gmm_destroy(g1);
}
