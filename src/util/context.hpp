// SPDX-License-Identifier: MIT
// The execution context of one long computation: the resolved number of worker threads, an
// optional progress callback and an optional interrupt flag. One value is built by the caller
// (the C layer resolves GMMOT_OPT_NUM_THREADS and wraps the C callback once) and flows down by
// const reference through every long computation, so threads, progress and cancellation are
// decided in one place (gmmot/progress.h is the public side).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

#include "util/bounds.hpp"

namespace gmmot {

// The stages a computation reports; the values are those of gmmot_stage (gmmot/progress.h).
enum class Stage {
  Em = 1,
  ExactLp,
  Sinkhorn,
  Barycenter,
  CostMatrix,
  Maps,
  Density,
  Multimarginal,
  FixedPoint,
  Relaxed,
  Gromov,
  Embedding,
  Texture,
  Colour
};

// Requested worker threads before resolution (resolve_threads): 0 = the hardware concurrency.
constexpr unsigned kDefaultThreadRequest = 0;
constexpr Bounds kThreadRequestBounds{0, 1024};

struct Context {
  Context() = default;
  explicit Context(unsigned resolved_threads) : threads(resolved_threads) {}

  unsigned threads = 1;  // already resolved (>= 1); results never depend on it
  // Called on the calling thread only; returning true cancels (Errc::Cancelled).
  std::function<bool(Stage, std::uint64_t done, std::uint64_t total, double value)> progress;
  // Set from any thread to cancel at the next check (sticky: the caller clears it).
  const std::atomic<bool> *interrupt = nullptr;

  bool interrupted() const noexcept {
    return interrupt != nullptr && interrupt->load(std::memory_order_relaxed);
  }
  // Throws Error(Errc::Cancelled) when the interrupt is raised. Safe from worker threads.
  void check_interrupt() const;
  // check_interrupt(), then the progress callback; throws Error(Errc::Cancelled) if it asks to
  // stop. Only from the calling thread (worker 0), never concurrently.
  void report(Stage stage, std::uint64_t done, std::uint64_t total, double value) const;
  // The same context with at most `max_threads` threads (>= 1), for loops too small to use all.
  Context limited(unsigned max_threads) const;
};

}  // namespace gmmot
