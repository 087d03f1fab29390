// SPDX-License-Identifier: MIT
#include "util/spin_worker.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define GMMOT_PAUSE() _mm_pause()
#else
#define GMMOT_PAUSE() ((void)0)
#endif

namespace gmmot {
namespace {

// Spin this many rounds before yielding the core (a few microseconds on current machines).
constexpr int kSpinRounds = 4000;

template <class Ready>
void spin_until(Ready &&ready) {
  for (int round = 0; !ready(); ++round) {
    if (round < kSpinRounds) {
      GMMOT_PAUSE();
    } else {
      std::this_thread::yield();
    }
  }
}

}  // namespace

SpinWorker::SpinWorker() : thread_([this] { loop(); }) {}

SpinWorker::~SpinWorker() {
  stop_.store(true, std::memory_order_release);
  thread_.join();
}

void SpinWorker::post(void (*fn)(void *), void *ctx) {
  fn_ = fn;
  ctx_ = ctx;
  posted_.fetch_add(1, std::memory_order_release);
}

void SpinWorker::wait() {
  const std::uint64_t target = posted_.load(std::memory_order_relaxed);
  std::uint64_t expected = target - 1;
  if (claimed_.compare_exchange_strong(expected, target, std::memory_order_acq_rel)) {
    fn_(ctx_);  // the worker has not started it: do it here rather than wait for it
    ++stolen_;
    done_.store(target, std::memory_order_release);
    return;
  }
  spin_until([&] { return done_.load(std::memory_order_acquire) == target; });
}

void SpinWorker::loop() {
  std::uint64_t seen = 0;
  for (;;) {
    spin_until([&] {
      return posted_.load(std::memory_order_acquire) != seen ||
             stop_.load(std::memory_order_acquire);
    });
    if (posted_.load(std::memory_order_acquire) == seen) return;  // stopped, nothing pending
    seen = posted_.load(std::memory_order_acquire);
    std::uint64_t expected = seen - 1;
    if (!claimed_.compare_exchange_strong(expected, seen, std::memory_order_acq_rel)) continue;
    fn_(ctx_);
    done_.store(seen, std::memory_order_release);
  }
}

}  // namespace gmmot
