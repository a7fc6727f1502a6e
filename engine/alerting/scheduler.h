// Time for the pipeline: the wall clock and timers (group_wait, group_interval, retries,
// maintenance), behind an interface so that tests drive them with a manual clock that jumps
// from timer to timer without sleeping (tests/support/manual_scheduler.h). The daemon uses
// AsioScheduler (asio_scheduler.h): Boost.Asio timers on its io_context.
//
// And where work runs: an Executor runs tasks off the calling thread (a thread pool in the
// daemon) or, in tests, right away (InlineExecutor), which makes whole flushes deterministic.
#pragma once

#include <cstdint>
#include <functional>

#include "storage/base/time.h"

namespace tocsin::alerting {

class Scheduler {
 public:
  using TimerId = uint64_t;
  virtual ~Scheduler() = default;

  // Wall-clock time in milliseconds since the epoch.
  virtual TimestampMs Now() = 0;
  // Runs `task` once, on the scheduler's thread, as soon as Now() >= `at`. Thread-safe.
  virtual TimerId ScheduleAt(TimestampMs at, std::function<void()> task) = 0;
  // Cancels a timer that has not started running; a no-op otherwise. Thread-safe.
  virtual void Cancel(TimerId id) = 0;
};

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs `task`, now or later, on some thread. Thread-safe.
  virtual void Run(std::function<void()> task) = 0;
};

// Runs every task on the calling thread before Run returns.
class InlineExecutor final : public Executor {
 public:
  void Run(std::function<void()> task) override { task(); }
};

}  // namespace tocsin::alerting
