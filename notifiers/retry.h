// Delivering one notification to one integration, retrying as Alertmanager's retry stage does.
//
// Attempts follow an exponential backoff with jitter (Alertmanager uses cenkalti/backoff's
// defaults: 500ms initial interval, ×1.5 per attempt, ±50% jitter, at most 60s), measured from the
// start of the previous attempt, until the deadline — the group's group_interval, which is also
// the context timeout Alertmanager gives a flush. A permanent failure (4xx other than 429) stops
// at once. tocsin additionally honours Retry-After: the next attempt waits at least that long, and
// when that would pass the deadline the loop gives up immediately rather than sleep in vain.
//
// Integrations with send_resolved off are handled here too, as in Alertmanager: resolved alerts
// are dropped before sending, and a notification with nothing firing counts as delivered without
// being sent (so the notification log still records it).
//
// Every attempt is reported to an observer (the SQLite layer records them). Time comes from an
// injectable Clock so tests walk through whole schedules without sleeping.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

#include "notifiers/clock.h"
#include "notifiers/notifier.h"

namespace tocsin::notifiers {

struct BackoffPolicy {
  DurationMs initial_interval = 500;
  double multiplier = 1.5;
  double randomization_factor = 0.5;  // each wait is interval × [1-f, 1+f]
  DurationMs max_interval = 60 * kSecond;
};

// cenkalti/backoff's ExponentialBackOff.NextBackOff: a jittered current interval, after which the
// interval grows by the multiplier up to max_interval.
class ExponentialBackoff {
 public:
  // `uniform01` returns values in [0, 1); the default draws from a per-thread generator.
  explicit ExponentialBackoff(BackoffPolicy policy = {},
                              std::function<double()> uniform01 = nullptr);
  DurationMs Next();
  DurationMs current_interval() const { return current_; }

 private:
  BackoffPolicy policy_;
  std::function<double()> uniform01_;
  DurationMs current_;
};

// One attempt, as recorded.
struct DeliveryAttempt {
  int number = 0;           // 1-based
  TimestampMs started = 0;  // wall clock
  DurationMs duration = 0;
  NotifyResult result;
  std::optional<DurationMs> next_delay;  // set when another attempt follows after this wait
};

class AttemptObserver {
 public:
  virtual ~AttemptObserver() = default;
  // Called on the delivering thread after every attempt, before any wait.
  virtual void OnAttempt(const DeliveryAttempt& attempt) = 0;
};

struct RetryOptions {
  Clock* clock = nullptr;   // nullptr: SystemClock()
  int64_t deadline_ms = 0;  // on clock->MonotonicMs(): usually now + group_interval
  BackoffPolicy backoff;
  std::function<double()> uniform01;  // jitter source; nullptr: a per-thread generator
  AttemptObserver* observer = nullptr;
  std::stop_token stop;  // shutdown
};

enum class DeliveryStatus {
  kDelivered,
  kSkipped,           // send_resolved off and nothing firing: nothing to send, counts as done
  kFailed,            // a permanent error
  kDeadlineExceeded,  // still failing when the deadline came (or a Retry-After beyond it)
  kCancelled,         // stop requested
};
std::string_view DeliveryStatusString(DeliveryStatus status);

struct DeliveryOutcome {
  DeliveryStatus status = DeliveryStatus::kDelivered;
  int attempts = 0;
  NotifyResult last;  // the last attempt's result
  // Alertmanager's wording, e.g. "notify retry canceled after 3 attempts: unexpected status code
  // 500"; empty when delivered or skipped.
  std::string error;

  bool ok() const {
    return status == DeliveryStatus::kDelivered || status == DeliveryStatus::kSkipped;
  }
};

// Runs the retry loop for one integration on the calling thread (a dispatcher worker).
DeliveryOutcome Deliver(Notifier& notifier, const Notification& notification,
                        const RetryOptions& options);

}  // namespace tocsin::notifiers
