// SPDX-License-Identifier: MIT
// The execution context (util/context.hpp) and the loops that honour it: parallel_blocks and
// Team stop at their next block once cancelled or failed, report progress from the calling
// thread only, monotone and ending at (n, n); the exact LP reports pivots and is cancellable.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "error_support.hpp"
#include "transport_support.hpp"
#include "util/context.hpp"
#include "util/parallel.hpp"
#include "util/team.hpp"

using namespace gmmot;
using namespace gmmot::test;

TEST_CASE("Context: report and check_interrupt", "[context]") {
  Context ctx;
  CHECK_NOTHROW(ctx.check_interrupt());
  CHECK_NOTHROW(ctx.report(Stage::Em, 1, 2, 0.5));
  std::atomic<bool> flag{false};
  ctx.interrupt = &flag;
  int calls = 0;
  ctx.progress = [&](Stage stage, std::uint64_t done, std::uint64_t total, double value) {
    ++calls;
    CHECK(stage == Stage::Sinkhorn);
    CHECK(value == 0.25);
    return done == total;  // cancel at the end
  };
  CHECK_NOTHROW(ctx.report(Stage::Sinkhorn, 1, 3, 0.25));
  std::string msg;
  CHECK(error_of([&] { ctx.report(Stage::Sinkhorn, 3, 3, 0.25); }, &msg) == Errc::Cancelled);
  CHECK(msg.find("progress") != std::string::npos);
  CHECK(calls == 2);
  flag = true;
  CHECK(error_of([&] { ctx.report(Stage::Sinkhorn, 1, 3, 0.25); }, &msg) == Errc::Cancelled);
  CHECK(msg.find("interrupt") != std::string::npos);
  CHECK(calls == 2);  // the interrupt is checked first: no callback
  CHECK(error_of([&] { ctx.check_interrupt(); }) == Errc::Cancelled);
  CHECK(ctx.limited(1).threads == 1);
  CHECK(Context(4).limited(2).threads == 2);
  CHECK(Context(4).limited(0).threads == 1);
}

TEST_CASE("parallel_blocks: progress from worker 0, monotone, ending at (n, n)", "[context]") {
  for (unsigned threads : {1u, 3u}) {
    Context ctx(threads);
    const std::thread::id caller = std::this_thread::get_id();
    std::vector<std::uint64_t> done;
    ctx.progress = [&](Stage stage, std::uint64_t d, std::uint64_t total, double) {
      CHECK(std::this_thread::get_id() == caller);
      CHECK(stage == Stage::Maps);
      CHECK(total == 10000);
      CHECK(d <= total);
      if (!done.empty()) CHECK(d >= done.back());
      done.push_back(d);
      return false;
    };
    std::vector<int> hit(10000, 0);
    parallel_blocks(
        10000, 7, ctx,
        [&](std::size_t b, std::size_t e, unsigned) {
          for (std::size_t i = b; i < e; ++i) ++hit[i];
        },
        Stage::Maps);
    CHECK(std::count(hit.begin(), hit.end(), 1) == 10000);
    // Blocks go to whichever worker is free, so on a loaded machine the other workers may take
    // nearly all of them and the caller report only the end: intermediate reports are certain
    // on one thread only.
    REQUIRE(done.size() >= (threads == 1 ? 2u : 1u));
    CHECK(done.back() == 10000);
    CHECK(done.size() <= 1024 + 2);  // rate-limited, not per block
  }
}

TEST_CASE("parallel_blocks and Team stop early once cancelled or failed", "[context]") {
  // One thread: deterministic block order.
  std::atomic<bool> flag{false};
  Context ctx(1);
  ctx.interrupt = &flag;
  std::size_t blocks = 0;
  CHECK(error_of([&] {
          parallel_blocks(100, 1, ctx, [&](std::size_t b, std::size_t, unsigned) {
            ++blocks;
            if (b == 3) flag = true;
          });
        }) == Errc::Cancelled);
  CHECK(blocks == 4);
  flag = false;
  blocks = 0;
  CHECK_THROWS_AS(parallel_blocks(100, 1, ctx,
                                  [&](std::size_t b, std::size_t, unsigned) {
                                    ++blocks;
                                    if (b == 5) throw std::runtime_error("block 5");
                                  }),
                  std::runtime_error);
  CHECK(blocks == 6);
  // Several threads: every worker stops at its next block, far before all 100000 are run.
  for (unsigned threads : {2u, 4u}) {
    std::atomic<std::size_t> ran{0};
    CHECK_THROWS_AS(parallel_blocks(100000, 1, Context(threads),
                                    [&](std::size_t b, std::size_t, unsigned) {
                                      ++ran;
                                      if (b == 0) throw std::runtime_error("first block");
                                      std::this_thread::yield();
                                    }),
                    std::runtime_error);
    CHECK(ran.load() < 100000);
  }
  Team team(3);
  std::atomic<std::size_t> tasks{0};
  CHECK_THROWS_AS(team.run(100000,
                           [&](std::size_t i, unsigned) {
                             ++tasks;
                             if (i == 0) throw std::runtime_error("task 0");
                             std::this_thread::yield();
                           }),
                  std::runtime_error);
  CHECK(tasks.load() < 100000);
  // The team runs normally afterwards.
  std::atomic<std::size_t> all{0};
  team.run(1000, [&](std::size_t, unsigned) { ++all; });
  CHECK(all.load() == 1000);
}

TEST_CASE("exact LP: pivots reported, cancellable from the callback and the flag", "[context]") {
  std::mt19937_64 rng(77);
  const LpProblem p = random_problem(400, 400, 3, rng);
  Context ctx(2);
  std::uint64_t reports = 0, last = 0;
  ctx.progress = [&](Stage stage, std::uint64_t done, std::uint64_t total, double) {
    CHECK(stage == Stage::ExactLp);
    CHECK(done > last);
    CHECK(done <= total);
    last = done;
    ++reports;
    return false;
  };
  const TransportResult full = solve_exact(p, {}, ctx);
  CHECK(reports == full.iterations / 1024);
  ctx.progress = [](Stage, std::uint64_t, std::uint64_t, double) { return true; };
  if (full.iterations >= 1024) CHECK(error_of([&] { solve_exact(p, {}, ctx); }) == Errc::Cancelled);
  std::atomic<bool> flag{true};
  ctx.progress = nullptr;
  ctx.interrupt = &flag;
  CHECK(error_of([&] { solve_exact(p, {}, ctx); }) == Errc::Cancelled);
  flag = false;
  const TransportResult again = solve_exact(p, {}, ctx);
  CHECK(again.cost == full.cost);
  CHECK(again.iterations == full.iterations);
}
