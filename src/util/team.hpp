// SPDX-License-Identifier: MIT
// A team of worker threads kept for the length of one computation, for loops that run many
// short parallel steps (the barycenter's fixed point): starting threads once per step costs
// more than the step. Task i of a step always runs on worker i % size(), and callers combine
// results in task order, so results do not depend on the number of threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gmmot {

class Team {
 public:
  explicit Team(unsigned threads);
  ~Team();
  Team(const Team &) = delete;
  Team &operator=(const Team &) = delete;

  unsigned size() const { return size_; }
  // Runs task(i, worker) for i in [0, count) and returns when all are done; once a task has
  // thrown the workers start no further task, and the first exception (in worker order) is
  // rethrown.
  void run(std::size_t count, const std::function<void(std::size_t, unsigned)> &task);

 private:
  void work(unsigned worker);
  void run_share(unsigned worker, unsigned stride);

  unsigned size_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable start_, done_;
  const std::function<void(std::size_t, unsigned)> *task_ = nullptr;
  std::size_t count_ = 0;
  unsigned long generation_ = 0;
  unsigned pending_ = 0;
  bool stop_ = false;
  std::vector<std::exception_ptr> errors_;
  std::atomic<bool> failed_{false};
};

}  // namespace gmmot
