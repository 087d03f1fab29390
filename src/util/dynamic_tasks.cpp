// SPDX-License-Identifier: MIT
#include "util/dynamic_tasks.hpp"

#include <algorithm>

#include "util/context.hpp"
#include "util/parallel.hpp"

namespace gmmot {

std::vector<std::exception_ptr> run_dynamic(
    std::size_t count, unsigned threads, const std::function<void(std::size_t, unsigned)> &task) {
  std::vector<std::exception_ptr> errors(count);
  // parallel_blocks already deals blocks to whichever worker is free; each task is one block,
  // and catching here keeps every task running whatever the others throw.
  parallel_blocks(count, 1, Context(std::max(1U, threads)),
                  [&](std::size_t begin, std::size_t end, unsigned worker) {
                    for (std::size_t k = begin; k < end; ++k) {
                      try {
                        task(k, worker);
                      } catch (...) {
                        errors[k] = std::current_exception();
                      }
                    }
                  });
  return errors;
}

}  // namespace gmmot
