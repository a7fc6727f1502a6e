// A notification decided on by a flush: everything needed to send it, even after a restart.
// It is what the outbox holds (as JSON, EncodePending/DecodePending), so a delivery never
// depends on the in-memory aggregation group that produced it.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/alerting/alert.h"
#include "engine/alerting/stage.h"

namespace tocsin::alerting {

struct NotifiedAlert {
  Labels labels;
  Annotations annotations;
  TimestampMs starts_at = 0;
  TimestampMs ends_at = 0;  // 0: none (a firing alert)
  std::string generator_url;
  bool resolved = false;

  friend bool operator==(const NotifiedAlert&, const NotifiedAlert&) = default;
};

struct PendingNotification {
  std::string receiver;
  std::string group_key;
  Labels group_labels;
  std::map<std::string, std::string> route_labels;
  NotifyReason reason = NotifyReason::kUnknown;
  TimestampMs created_at = 0;  // the flush's time
  // Retries stop here: the flush's time + group_interval (at least 10s), Alertmanager's
  // context timeout for a flush.
  TimestampMs deadline = 0;
  DurationMs group_interval = 0;
  DurationMs repeat_interval = 0;     // the notification log entry expires after twice this
  std::vector<NotifiedAlert> alerts;  // in Alertmanager's order

  size_t num_firing() const;
  friend bool operator==(const PendingNotification&, const PendingNotification&) = default;
};

std::string EncodePending(const PendingNotification& n);
Result<PendingNotification> DecodePending(std::string_view json);

}  // namespace tocsin::alerting
