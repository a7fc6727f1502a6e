// A Scheduler for tests: time stands still until the test advances it, and then every timer
// due on the way runs in order, on the test's thread, with Now() at its due time. Timing tests
// (group_wait, group_interval, repeat_interval, retries) run in microseconds without sleeping.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <utility>

#include "engine/alerting/scheduler.h"

namespace tocsin::testing {

class ManualScheduler final : public alerting::Scheduler {
 public:
  // 2024-05-01T12:00:00Z unless told otherwise.
  explicit ManualScheduler(TimestampMs start = 1714564800000) : now_(start) {}

  TimestampMs Now() override {
    std::lock_guard lock(mu_);
    return now_;
  }
  TimerId ScheduleAt(TimestampMs at, std::function<void()> task) override {
    std::lock_guard lock(mu_);
    const TimerId id = next_id_++;
    timers_.emplace(std::make_pair(at, id), std::move(task));
    return id;
  }
  void Cancel(TimerId id) override {
    std::lock_guard lock(mu_);
    for (auto it = timers_.begin(); it != timers_.end(); ++it) {
      if (it->first.second == id) {
        timers_.erase(it);
        return;
      }
    }
  }

  // Runs every timer due at or before `t` (including those scheduled while running), in due
  // order (ties: scheduling order), then leaves the clock at `t`.
  void AdvanceTo(TimestampMs t) {
    while (true) {
      std::function<void()> task;
      {
        std::lock_guard lock(mu_);
        auto it = timers_.begin();
        if (it == timers_.end() || it->first.first > t) {
          if (t > now_) now_ = t;
          return;
        }
        if (it->first.first > now_) now_ = it->first.first;
        task = std::move(it->second);
        timers_.erase(it);
      }
      task();
    }
  }
  void Advance(DurationMs d) { AdvanceTo(Now() + d); }
  // Runs what is due now.
  void RunDue() { AdvanceTo(Now()); }

  size_t pending() const {
    std::lock_guard lock(mu_);
    return timers_.size();
  }
  // The due time of the earliest timer, or -1.
  TimestampMs next_due() const {
    std::lock_guard lock(mu_);
    return timers_.empty() ? -1 : timers_.begin()->first.first;
  }

 private:
  mutable std::mutex mu_;
  TimestampMs now_;
  TimerId next_id_ = 1;
  std::map<std::pair<TimestampMs, TimerId>, std::function<void()>> timers_;
};

}  // namespace tocsin::testing
