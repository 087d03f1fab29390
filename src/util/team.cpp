// SPDX-License-Identifier: MIT
#include "util/team.hpp"

#include <algorithm>
#include <system_error>

namespace gmmot {

Team::Team(unsigned threads) : size_(std::max(1u, threads)), errors_(size_) {
  threads_.reserve(size_ - 1);
  for (unsigned w = 1; w < size_; ++w) {
    // A thread that cannot be started (a process or system thread limit) leaves a smaller
    // team: the started workers wait for the first run, which reads size_ under the mutex, and
    // results never depend on the number of workers. Never std::terminate, never an error.
    try {
      threads_.emplace_back([this, w] { work(w); });
    } catch (const std::system_error &) {
      size_ = w;
      break;
    }
  }
}

Team::~Team() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_.notify_all();
  for (auto &t : threads_) t.join();
}

void Team::run_share(unsigned worker, unsigned stride) {
  try {
    for (std::size_t i = worker; i < count_; i += stride) {
      if (failed_.load(std::memory_order_relaxed)) return;  // another task threw: stop early
      (*task_)(i, worker);
    }
  } catch (...) {
    errors_[worker] = std::current_exception();
    failed_.store(true);
  }
}

void Team::work(unsigned worker) {
  unsigned long seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    run_share(worker, size_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_.notify_one();
    }
  }
}

void Team::run(std::size_t count, const std::function<void(std::size_t, unsigned)> &task) {
  std::fill(errors_.begin(), errors_.end(), nullptr);
  failed_.store(false);
  if (size_ == 1 || count <= 1) {
    task_ = &task;
    count_ = count;
    run_share(0, 1);  // everything on the calling thread
  } else {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      task_ = &task;
      count_ = count;
      pending_ = size_ - 1;
      ++generation_;
    }
    start_.notify_all();
    run_share(0, size_);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
  }
  for (auto &e : errors_)
    if (e) std::rethrow_exception(e);
}

}  // namespace gmmot
