// Integrations: what delivers a notification to a receiver (a slack_configs[i], an
// email_configs[i], ..., or the log for receivers without any). Integrations are looked up by
// (receiver, integration, index) when a delivery runs, in the configuration current at that
// time, so a notification decided before a reload or a restart goes to what is configured now.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "engine/alerting/pending_notification.h"
#include "storage/sqlite/records.h"

namespace tocsin::alerting {

struct AttemptContext {
  TimestampMs now = 0;
  DurationMs remaining = 0;  // until the deadline: one attempt may take at most this long
  std::stop_token stop;
};

// One attempt's outcome (Alertmanager's (retry, err) pair plus what the records want).
struct AttemptResult {
  std::string error;  // empty: delivered
  bool retry = false;
  int status_code = 0;  // HTTP status or SMTP reply code; 0 when none
  std::optional<DurationMs> retry_after;
  // What a success is recorded as: kSuccess, or kLogged for the log integration.
  sqlite::DeliveryStatus delivered_as = sqlite::DeliveryStatus::kSuccess;
  // The integration is not one tocsin implements: recorded as "refused", never retried.
  bool refused = false;

  bool ok() const { return error.empty(); }
};

class Integration {
 public:
  virtual ~Integration() = default;
  // "slack", "email", "pagerduty", "webhook", "log", or an unsupported kind ("opsgenie").
  virtual std::string_view name() const = 0;
  virtual bool send_resolved() const = 0;
  // One delivery attempt of `n` (resolved alerts already removed when send_resolved is off).
  // Must not throw; must return within ctx.remaining.
  virtual AttemptResult Notify(const PendingNotification& n, const AttemptContext& ctx) = 0;
};

// A receiver's integrations in Alertmanager's order, each with its index in its
// `<name>_configs` list.
struct ReceiverIntegration {
  std::string name;
  int index = 0;
  std::shared_ptr<Integration> integration;
};
using ReceiverIntegrations = std::map<std::string, std::vector<ReceiverIntegration>>;

}  // namespace tocsin::alerting
