#include "util/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace gmmot {

unsigned resolve_threads(unsigned requested) {
  if (requested != 0) return requested;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1u : hw;
}

void parallel_blocks(std::size_t n, std::size_t block, unsigned threads,
                     const std::function<void(std::size_t, std::size_t, unsigned)> &body) {
  if (n == 0) return;
  if (block == 0) block = 1;
  const std::size_t nblocks = (n + block - 1) / block;
  const unsigned workers =
      static_cast<unsigned>(std::min<std::size_t>(std::max(1u, threads), nblocks));
  auto run = [&](unsigned w) {
    for (std::size_t b = w; b < nblocks; b += workers) {
      const std::size_t begin = b * block;
      body(begin, std::min(n, begin + block), w);
    }
  };
  if (workers == 1) {
    run(0);
    return;
  }
  std::vector<std::exception_ptr> errors(workers);
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (unsigned w = 1; w < workers; ++w) {
    pool.emplace_back([&, w] {
      try {
        run(w);
      } catch (...) {
        errors[w] = std::current_exception();
      }
    });
  }
  try {
    run(0);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (auto &t : pool) t.join();
  for (auto &e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace gmmot
