// SPDX-License-Identifier: MIT
// Independent tasks dealt to the calling thread and helper threads on demand (parallel_blocks
// with one task per block): each worker takes the next task when it is free, so the caller never
// waits for a helper that has no core yet on a busy machine. For work whose result depends only
// on the task, never on the worker that ran it or on the order, so results do not depend on the
// number of threads. Unlike parallel_blocks, a task that throws does not stop the others.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <vector>

namespace gmmot {

// Runs task(k, worker) for every k in [0, count) on up to `threads` workers (worker 0 is the
// calling thread; a helper that cannot be started leaves its share to the others) and returns
// after all have run. Every task runs even when others throw: the returned vector holds each
// task's exception (nullptr if it returned), for the caller to rethrow in its own order.
std::vector<std::exception_ptr> run_dynamic(std::size_t count, unsigned threads,
                                            const std::function<void(std::size_t, unsigned)> &task);

}  // namespace gmmot
