// RetryStage: one delivery attempt and what follows it, with Alertmanager's retry policy
// (notify.RetryStage):
//   - attempts are spaced by an exponential backoff with jitter (cenkalti/backoff's defaults:
//     500ms, x1.5, +-50%, at most 60s), measured from the start of the previous attempt;
//   - retrying stops at the deadline (the flush's time + group_interval, at least 10s): the
//     notification is then given up and not logged as sent, so the next flush tries again;
//   - a permanent failure (HTTP 4xx other than 429, a template that does not render) stops at
//     once; Retry-After is honoured, giving up at once when it points past the deadline;
//   - with send_resolved off, resolved alerts are not sent, and a notification with nothing
//     firing is not sent at all but logged as delivered ("skipped"), to clear the log.
// Unlike Alertmanager, a notification waiting for its next attempt waits in the outbox
// (SqliteStore::ScheduleRetry), not on a thread, and survives a restart.
#pragma once

#include <functional>
#include <string>

#include "engine/alerting/integration.h"
#include "storage/sqlite/records.h"

namespace tocsin::alerting {

struct BackoffPolicy {
  DurationMs initial_interval = 500;
  double multiplier = 1.5;
  double randomization_factor = 0.5;
  DurationMs max_interval = 60 * kSecond;
};

// cenkalti/backoff's ExponentialBackOff.NextBackOff over an interval kept by the caller.
class Backoff {
 public:
  // `uniform01` returns values in [0, 1); nullptr: a per-thread generator.
  explicit Backoff(BackoffPolicy policy = {}, std::function<double()> uniform01 = nullptr);
  DurationMs Next();

 private:
  BackoffPolicy policy_;
  std::function<double()> uniform01_;
  double current_;  // ms; fractional, as Go's nanosecond durations effectively are
};

// What the delivery does after an attempt.
struct AttemptOutcome {
  enum Kind { kDelivered, kRetry, kGiveUp } kind = kDelivered;
  TimestampMs retry_at = 0;  // kRetry
  // The attempt as recorded (status success/logged/skipped/retrying/failed/permanent_failure/
  // refused, error, HTTP status, duration).
  sqlite::NotificationAttempt record;
  // Alertmanager's wording for a failed delivery, for the log: "critical/slack[0]: notify
  // retry canceled after 3 attempts: unexpected status code 500".
  std::string final_error;
};

class RetryStage {
 public:
  RetryStage(std::function<TimestampMs()> now, BackoffPolicy policy = {},
             std::function<double()> uniform01 = nullptr)
      : now_(std::move(now)), policy_(policy), uniform01_(std::move(uniform01)) {}

  // Runs attempt number `attempt` (1-based) of `n` to `integration` (nullptr: the target no
  // longer exists in the configuration) and decides what next. `backoff` carries the spacing
  // between this notification's attempts.
  AttemptOutcome Attempt(Integration* integration, const sqlite::NotifyTarget& target,
                         const PendingNotification& n, int attempt, Backoff& backoff,
                         std::stop_token stop = {}) const;

  Backoff NewBackoff() const { return Backoff(policy_, uniform01_); }

 private:
  std::function<TimestampMs()> now_;
  BackoffPolicy policy_;
  std::function<double()> uniform01_;
};

}  // namespace tocsin::alerting
