// A static parallel loop over a range split into fixed-size blocks. Block boundaries do not
// depend on the number of threads, so any computation that depends only on its block gives
// bit-identical results whatever the thread count.
#pragma once

#include <cstddef>
#include <functional>

namespace gmmot {

// Number of worker threads for a request: 0 means the hardware concurrency.
unsigned resolve_threads(unsigned requested);

// Calls body(block_begin, block_end, worker) for consecutive blocks [i*block, min(n,(i+1)*block))
// on up to `threads` threads (the calling thread is worker 0). Blocks are dealt round-robin
// so neighbouring blocks go to different workers. The first exception thrown by any call is
// rethrown after all workers have stopped.
void parallel_blocks(std::size_t n, std::size_t block, unsigned threads,
                     const std::function<void(std::size_t, std::size_t, unsigned)> &body);

}  // namespace gmmot
