// The production Scheduler and Executor on Boost.Asio: timers are steady_timers on the
// daemon's io_context (so a wall-clock jump moves no timer), and the executor is an
// asio::thread_pool. Boost headers stay in the .cc.
#pragma once

#include <cstddef>
#include <memory>

#include "engine/alerting/scheduler.h"

namespace boost::asio {
class io_context;
}

namespace tocsin::alerting {

class AsioScheduler final : public Scheduler {
 public:
  // The io_context must be run by the caller (one or more threads) and outlive the scheduler.
  explicit AsioScheduler(boost::asio::io_context& io);
  ~AsioScheduler() override;

  TimestampMs Now() override;
  TimerId ScheduleAt(TimestampMs at, std::function<void()> task) override;
  void Cancel(TimerId id) override;
  // Cancels every pending timer (their tasks never run).
  void CancelAll();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

class ThreadPoolExecutor final : public Executor {
 public:
  explicit ThreadPoolExecutor(size_t threads);
  ~ThreadPoolExecutor() override;  // waits for queued tasks

  void Run(std::function<void()> task) override;
  // Waits until every task queued so far has finished.
  void Join();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::alerting
