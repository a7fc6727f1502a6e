#include "notifiers/clock.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace tocsin::notifiers {
namespace {

class RealClock final : public Clock {
 public:
  TimestampMs Now() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  int64_t MonotonicMs() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  bool SleepUntil(int64_t deadline_ms, std::stop_token stop) override {
    std::chrono::steady_clock::time_point until{std::chrono::milliseconds(deadline_ms)};
    // Each sleeper waits on its own condition variable: the stop callback wakes exactly it.
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait_until(lock, stop, until, [] { return false; });
    return !stop.stop_requested();
  }
};

}  // namespace

Clock& SystemClock() {
  static RealClock clock;
  return clock;
}

}  // namespace tocsin::notifiers
