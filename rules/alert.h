// One alert: an instance of an alerting rule for one label set, with the timestamps of its life
// (Prometheus's rules.Alert).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/time.h"

namespace tocsin::rules {

// Ordered as Prometheus orders them: a rule's state is the greatest state of its alerts.
enum class AlertState : uint8_t {
  kUnknown,   // the rule has not been evaluated yet
  kInactive,  // resolved (kept 15 minutes so the resolution is re-sent)
  kPending,   // active for less than the rule's `for`
  kFiring,
};
std::string_view AlertStateName(AlertState s);  // "unknown", "inactive", "pending", "firing"

// "Not set": Go's zero time.Time, which is never a real evaluation time. (0 cannot serve: the
// Unix epoch is where promtool unit tests start.)
inline constexpr TimestampMs kNoTime = INT64_MIN;

struct Alert {
  AlertState state = AlertState::kPending;
  Labels labels;       // identity: sample labels + templated rule labels + alertname
  Labels annotations;  // re-rendered at every evaluation
  // Annotations that rendered as "" (Labels cannot hold empty values; Prometheus keeps them, and
  // promtool compares them).
  std::vector<std::string> empty_annotations;
  double value = 0;  // the expression's value at the last evaluation

  TimestampMs active_at = kNoTime;  // when the label set first appeared (pending since)
  TimestampMs fired_at = kNoTime;
  TimestampMs resolved_at = kNoTime;
  TimestampMs last_sent_at = kNoTime;
  TimestampMs valid_until = kNoTime;  // the EndsAt sent with a firing alert
  TimestampMs keep_firing_since = kNoTime;

  // Whether the alert is due to be sent at `ts` (Prometheus's needsSending): never while pending;
  // at once when it resolved since the last send; otherwise once `resend_delay` has passed.
  bool NeedsSending(TimestampMs ts, DurationMs resend_delay) const;
};

}  // namespace tocsin::rules
