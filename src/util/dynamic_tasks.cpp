// SPDX-License-Identifier: MIT
#include "util/dynamic_tasks.hpp"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>

namespace gmmot {

std::vector<std::exception_ptr> run_dynamic(
    std::size_t count, unsigned threads, const std::function<void(std::size_t, unsigned)> &task) {
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};
  const auto work = [&](unsigned worker) {
    for (std::size_t k; (k = next.fetch_add(1, std::memory_order_relaxed)) < count;) {
      try {
        task(k, worker);
      } catch (...) {
        errors[k] = std::current_exception();
      }
    }
  };
  const std::size_t helpers =
      count < 2 ? 0 : std::min<std::size_t>(std::max(1U, threads) - 1, count - 1);
  std::vector<std::thread> pool;
  pool.reserve(helpers);
  for (std::size_t h = 0; h < helpers; ++h) {
    try {
      pool.emplace_back(work, static_cast<unsigned>(h + 1));
    } catch (const std::system_error &) {
      break;  // fewer workers: the same tasks, the same results
    }
  }
  work(0);
  for (std::thread &t : pool) t.join();
  return errors;
}

}  // namespace gmmot
