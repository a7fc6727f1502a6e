// Time as the retry loop sees it, injectable so tests run backoff schedules without sleeping.
#pragma once

#include <cstdint>
#include <stop_token>

#include "storage/base/time.h"

namespace tocsin::notifiers {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, for records and for HTTP dates.
  virtual TimestampMs Now() = 0;
  // A monotonic reading in milliseconds, for deadlines and waits (never jumps with the wall clock).
  virtual int64_t MonotonicMs() = 0;
  // Waits until MonotonicMs() >= deadline or `stop` is requested; false when stopped.
  virtual bool SleepUntil(int64_t deadline_ms, std::stop_token stop) = 0;
};

// The real clock: system_clock for Now(), steady_clock for the rest. Thread-safe.
Clock& SystemClock();

}  // namespace tocsin::notifiers
