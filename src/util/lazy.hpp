// SPDX-License-Identifier: MIT
// A value computed on first use, once, for objects that are shared read-only across threads (an
// MW2 plan's pair maps, its transport maps in the C handle): the first caller computes it while
// concurrent callers wait, and everyone then reads the same object.
//
// Why not std::call_once: when the computation throws, libstdc++'s call_once (over
// pthread_once) may leave the flag stuck, so that every later call deadlocks (GCC bug 66146;
// seen here under ThreadSanitizer, whose pthread_once does not unwind). Here an exception
// propagates to the caller that ran the computation, nothing is stored, the lock is released,
// and the next call computes again (the same error for a deterministic computation).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <utility>

namespace gmmot {

template <class T>
class Lazy {
 public:
  Lazy() = default;
  Lazy(const Lazy &) = delete;
  Lazy &operator=(const Lazy &) = delete;

  // The stored value, computing it as T(make()) if there is none yet. Thread-safe; the
  // reference stays valid as long as this object.
  template <class Make>
  const T &get(Make &&make) const {
    // Fast path: acquire pairs with the release below, so the value is fully visible.
    if (const T *v = ready_.load(std::memory_order_acquire)) return *v;
    std::lock_guard<std::mutex> lock(mutex_);
    if (const T *v = ready_.load(std::memory_order_relaxed)) return *v;
    value_ = std::make_unique<const T>(std::forward<Make>(make)());
    ready_.store(value_.get(), std::memory_order_release);
    return *value_;
  }

  // The value if it has been computed, else nullptr.
  const T *peek() const { return ready_.load(std::memory_order_acquire); }

 private:
  mutable std::mutex mutex_;
  mutable std::unique_ptr<const T> value_;  // written once, under mutex_
  mutable std::atomic<const T *> ready_{nullptr};
};

}  // namespace gmmot
