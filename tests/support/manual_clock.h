// A Clock for tests: time moves only when a test advances it or when code under test sleeps
// (a sleep jumps straight to its deadline), so whole retry schedules run instantly and every
// wait is recorded.
#pragma once

#include <mutex>
#include <vector>

#include "notifiers/clock.h"

namespace tocsin::testing {

class ManualClock final : public notifiers::Clock {
 public:
  // 2024-05-01T12:00:00Z unless told otherwise.
  explicit ManualClock(TimestampMs wall_start = 1714564800000) : wall_start_(wall_start) {}

  TimestampMs Now() override {
    std::lock_guard lock(mu_);
    return wall_start_ + monotonic_;
  }
  int64_t MonotonicMs() override {
    std::lock_guard lock(mu_);
    return monotonic_;
  }
  bool SleepUntil(int64_t deadline_ms, std::stop_token stop) override {
    if (stop.stop_requested()) return false;
    std::lock_guard lock(mu_);
    sleeps_.push_back(deadline_ms - monotonic_);
    if (deadline_ms > monotonic_) monotonic_ = deadline_ms;
    return true;
  }

  void Advance(DurationMs d) {
    std::lock_guard lock(mu_);
    monotonic_ += d;
  }
  // How long each SleepUntil call waited, in order.
  std::vector<DurationMs> sleeps() const {
    std::lock_guard lock(mu_);
    return sleeps_;
  }

 private:
  mutable std::mutex mu_;
  TimestampMs wall_start_;
  int64_t monotonic_ = 0;
  std::vector<DurationMs> sleeps_;
};

}  // namespace tocsin::testing
