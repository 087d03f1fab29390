// One helper thread for fine-grained fork-join steps of a few microseconds (the network
// simplex's pricing), where waking a thread through the kernel would cost more than the step:
// the worker spins on an atomic counter, pausing politely, and yields the core when idle long.
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

  // Runs fn(ctx) on the worker; the caller must not post again before wait() returns. fn must
  // not throw.
  void post(void (*fn)(void *), void *ctx);
  void wait();

 private:
  void loop();

  std::atomic<std::uint64_t> posted_{0}, done_{0};
  std::atomic<bool> stop_{false};
  void (*fn_)(void *) = nullptr;
  void *ctx_ = nullptr;
  std::thread thread_;
};

}  // namespace gmmot
