// SPDX-License-Identifier: MIT
// A parallel loop over a range split into fixed-size blocks. Block boundaries do not
// depend on the number of threads, so any computation that depends only on its block gives
// bit-identical results whatever the thread count.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

#include "util/context.hpp"

namespace gmmot {

// Number of worker threads for a request: 0 means the hardware concurrency.
unsigned resolve_threads(unsigned requested);

// Calls body(block_begin, block_end, worker) for consecutive blocks [i*block, min(n,(i+1)*block))
// on up to ctx.threads threads (the calling thread is worker 0). Blocks are taken in increasing
// order by whichever worker is free, so `worker` may only select per-worker scratch space: a
// block's result must depend on the block alone. Every worker checks ctx's interrupt before
// each block. Once a block has thrown, the blocks above it are skipped and those below it still
// run; the exception of the lowest failing block is rethrown after all workers have stopped, so
// the error does not depend on the number of threads (fuzz finding B1). With a stage, worker 0
// reports (stage, items finished, n, NaN) after its blocks (at most about 1024 times), and once
// more, (stage, n, n, NaN), at the end.
void parallel_blocks(std::size_t n, std::size_t block, const Context &ctx,
                     const std::function<void(std::size_t, std::size_t, unsigned)> &body,
                     std::optional<Stage> stage = std::nullopt);

}  // namespace gmmot
