// SPDX-License-Identifier: MIT
// One helper thread for fine-grained fork-join steps of a few microseconds (the network
// simplex's pricing), where waking a thread through the kernel would cost more than the step:
// the worker spins on an atomic counter, pausing politely, and yields the core when idle long.
// A posted task that the worker has not started by the time the caller waits is run by the
// caller itself: on a loaded machine the worker may be descheduled, and waiting for the
// scheduler to run it again would cost milliseconds per step (serial speed is the worst case).
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace gmmot {

class SpinWorker {
 public:
  SpinWorker();
  ~SpinWorker();
  SpinWorker(const SpinWorker &) = delete;
  SpinWorker &operator=(const SpinWorker &) = delete;

  // Runs fn(ctx) on the worker, or in wait() on the caller's thread if the worker has not
  // claimed it yet; the caller must not post again before wait() returns. fn must not throw.
  void post(void (*fn)(void *), void *ctx);
  void wait();
  // How many tasks the caller ran itself (a sign of a loaded machine).
  std::uint64_t stolen() const { return stolen_; }

 private:
  void loop();

  std::atomic<std::uint64_t> posted_{0}, claimed_{0}, done_{0};
  std::uint64_t stolen_ = 0;
  std::atomic<bool> stop_{false};
  void (*fn_)(void *) = nullptr;
  void *ctx_ = nullptr;
  std::thread thread_;
};

}  // namespace gmmot
