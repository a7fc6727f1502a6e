// The interface every integration (webhook, Slack, PagerDuty, email) implements, and what one
// attempt reports back to the retry loop.
#pragma once

#include <chrono>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "notifiers/notification.h"
#include "storage/base/time.h"

namespace tocsin::notifiers {

// What an attempt may use. The retry loop owns the deadline; an integration only sees how long
// this one attempt may take (already capped by its own configured timeout, if any, by the
// integration itself) and a stop request for shutdown.
struct NotifyContext {
  std::chrono::milliseconds remaining{30000};
  std::stop_token stop;
  TimestampMs now = 0;  // wall clock at the start of the attempt (Date headers, Retry-After)
};

// The outcome of one attempt: Alertmanager's (retry bool, error) pair plus what the records and
// the retry loop want to know.
struct NotifyResult {
  std::string error;     // empty: delivered
  bool retry = false;    // meaningful only on failure
  long status_code = 0;  // the HTTP status or final SMTP reply code; 0 when none arrived
  std::optional<DurationMs> retry_after;  // the receiver asked to wait this long (HTTP 429/503)

  bool ok() const { return error.empty(); }
  static NotifyResult Delivered(long status_code = 0) {
    NotifyResult r;
    r.status_code = status_code;
    return r;
  }
  static NotifyResult Failed(bool retry, std::string error, long status_code = 0) {
    NotifyResult r;
    r.error = error.empty() ? "unknown error" : std::move(error);
    r.retry = retry;
    r.status_code = status_code;
    return r;
  }
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // "webhook", "slack", "pagerduty", "email": the name Alertmanager gives the integration.
  virtual std::string_view integration() const = 0;
  // Whether resolved alerts are sent (Alertmanager's send_resolved, whose default differs per
  // integration).
  virtual bool send_resolved() const = 0;
  // One delivery attempt. Must not throw; must return within context.remaining.
  virtual NotifyResult Notify(const Notification& notification, const NotifyContext& context) = 0;
};

}  // namespace tocsin::notifiers
