// SPDX-License-Identifier: MIT
// The spin worker runs every posted task exactly once, on the worker or, when the worker has not
// claimed it in time, on the caller (util/spin_worker.hpp); the caller never waits for a
// descheduled worker.
#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "util/spin_worker.hpp"

namespace {

struct Counter {
  std::atomic<int> runs{0};
  std::atomic<int> on_caller{0};
  std::thread::id caller;
};

void count(void *ctx) {
  auto *c = static_cast<Counter *>(ctx);
  c->runs.fetch_add(1);
  if (std::this_thread::get_id() == c->caller) c->on_caller.fetch_add(1);
}

}  // namespace

TEST_CASE("spin worker: every task runs exactly once, wherever it runs", "[util][spin]") {
  gmmot::SpinWorker worker;
  Counter c;
  c.caller = std::this_thread::get_id();
  const int tasks = 20000;
  for (int t = 0; t < tasks; ++t) {
    worker.post(&count, &c);
    if (t % 3 == 0) std::this_thread::yield();  // sometimes give the worker time to claim it
    worker.wait();
    REQUIRE(c.runs.load() == t + 1);
  }
  CHECK(c.runs.load() == tasks);
  CHECK(static_cast<std::uint64_t>(c.on_caller.load()) == worker.stolen());
}

TEST_CASE("spin worker: the caller does the work while the machine is oversubscribed",
          "[util][spin]") {
  // More busy threads than cores: the worker is often descheduled; wait() must still return
  // promptly for every task (the test would time out otherwise).
  std::atomic<bool> stop{false};
  std::vector<std::thread> hogs;
  const unsigned n = std::max(2u, std::thread::hardware_concurrency()) + 1;
  for (unsigned i = 0; i < n; ++i)
    hogs.emplace_back([&] {
      volatile unsigned long x = 0;
      while (!stop.load(std::memory_order_relaxed)) x = x + 1;
    });
  gmmot::SpinWorker worker;
  Counter c;
  c.caller = std::this_thread::get_id();
  for (int t = 0; t < 20000; ++t) {
    worker.post(&count, &c);
    worker.wait();
  }
  stop.store(true);
  for (auto &h : hogs) h.join();
  CHECK(c.runs.load() == 20000);
}
