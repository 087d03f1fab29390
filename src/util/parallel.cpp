// SPDX-License-Identifier: MIT
#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace gmmot {

unsigned resolve_threads(unsigned requested) {
  if (requested != 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1u : hw;
}

void parallel_blocks(std::size_t n, std::size_t block, const Context &ctx,
                     const std::function<void(std::size_t, std::size_t, unsigned)> &body,
                     std::optional<Stage> stage) {
  if (n == 0) return;
  if (block == 0) block = 1;
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const std::size_t nblocks = (n + block - 1) / block;
  const unsigned workers =
      static_cast<unsigned>(std::min<std::size_t>(std::max(1u, ctx.threads), nblocks));
  // The lowest block that threw. Blocks above it are skipped, blocks below still run: so the
  // error rethrown is the one of the lowest failing block, the one a single thread would meet
  // first, whatever the number of threads (fuzz finding B1).
  std::atomic<std::size_t> first_failed{std::numeric_limits<std::size_t>::max()};
  std::atomic<std::size_t> finished{0};  // items of the finished blocks (for progress)
  // Rate limit: worker 0 reports after a block only once 1/1024 of the work more is done.
  const std::size_t step = std::max<std::size_t>(1, n / 1024);
  std::size_t reported = 0;
  // The workers actually running: threads that cannot be started (a thread limit) leave fewer,
  // and the blocks are dealt over those (a block's result does not depend on its worker).
  unsigned active = workers;
  std::vector<std::size_t> failed_block(workers, std::numeric_limits<std::size_t>::max());
  // Blocks are dealt in increasing order from one counter: a worker that is descheduled (these
  // machines are shared) or meets costlier blocks leaves the rest to the others, instead of the
  // caller waiting for a fixed share. Taking blocks in order keeps the error rule below: a block
  // below a failing one was taken before it, so it still runs.
  std::atomic<std::size_t> next_block{0};
  auto run = [&](unsigned w) {
    for (;;) {
      const std::size_t b = next_block.fetch_add(1, std::memory_order_relaxed);
      if (b >= nblocks || b > first_failed.load(std::memory_order_relaxed)) return;
      failed_block[w] = b;  // the block this worker is in, should it throw
      ctx.check_interrupt();
      const std::size_t begin = b * block, end = std::min(n, begin + block);
      body(begin, end, w);
      if (stage) {
        const std::size_t done = finished.fetch_add(end - begin) + (end - begin);
        if (w == 0 && done - reported >= step && done < n) {
          reported = done;
          ctx.report(*stage, done, n, kNaN);
        }
      }
    }
  };
  std::vector<std::exception_ptr> errors(workers);
  auto guarded_run = [&](unsigned w) {
    try {
      run(w);
    } catch (...) {
      errors[w] = std::current_exception();
      std::size_t seen = first_failed.load();
      while (failed_block[w] < seen && !first_failed.compare_exchange_weak(seen, failed_block[w])) {
      }
    }
  };
  // Workers start only once every thread is up (or failed to start), so that they all see the
  // final `active`.
  std::mutex gate_mutex;
  std::condition_variable gate;
  bool open = false;
  auto start = [&](unsigned w) {
    {
      std::unique_lock<std::mutex> lock(gate_mutex);
      gate.wait(lock, [&] { return open; });
    }
    if (w < active) guarded_run(w);
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (unsigned w = 1; w < workers; ++w) {
    try {
      pool.emplace_back(start, w);
    } catch (const std::system_error &) {
      break;
    }
  }
  {
    std::lock_guard<std::mutex> lock(gate_mutex);
    active = static_cast<unsigned>(pool.size()) + 1;
    open = true;
  }
  gate.notify_all();
  guarded_run(0);
  for (auto &t : pool) t.join();
  std::size_t worst = workers;
  for (unsigned w = 0; w < workers; ++w) {
    if (errors[w] && (worst == workers || failed_block[w] < failed_block[worst])) worst = w;
  }
  if (worst != workers) std::rethrow_exception(errors[worst]);
  // Worker 0's last report may predate other workers' last blocks: report completion once.
  if (stage) ctx.report(*stage, n, n, kNaN);
}

}  // namespace gmmot
