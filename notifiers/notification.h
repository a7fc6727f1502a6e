// The notification model: what one integration is told about one aggregation group.
//
// It is Alertmanager's template data (template.Data) plus the group key, computed as Alertmanager
// computes it: an alert is resolved once its EndsAt is set and not after "now"; the group is
// "firing" when any alert fires; common labels/annotations are those with one value across all
// alerts (a missing annotation counts as ""); the receiver name is regex-quoted (Go's
// regexp.QuoteMeta), as Alertmanager exposes it to templates and webhooks. Templates and payloads
// (webhook JSON, Slack, PagerDuty, email) are all rendered from this one value.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/time.h"

namespace tocsin::notifiers {

// Go's zero time.Time (0001-01-01T00:00:00Z) in milliseconds since the Unix epoch: the EndsAt of
// an alert that has none. FormatRfc3339 prints it as Go does, "0001-01-01T00:00:00Z".
inline constexpr TimestampMs kZeroTime = -62135596800000;

// Annotation sets keep empty values (label sets drop them): Alertmanager forwards an annotation
// whose value is "" and counts it when computing common annotations. Sorted by name, unique.
using Annotations = std::vector<Label>;
Annotations AnnotationsFromLabels(const Labels& labels);
// Sorts by name; the last value of a repeated name wins.
Annotations MakeAnnotations(std::vector<Label> pairs);
std::string_view AnnotationValue(const Annotations& annotations, std::string_view name);

enum class AlertStatus { kFiring, kResolved };
std::string_view AlertStatusString(AlertStatus status);  // "firing" / "resolved"

// Why the dedup stage decided to notify (Alertmanager's NotifyReason, sent as
// "notification_reason").
enum class NotificationReason {
  kFirstNotification,
  kNewAlertsInGroup,
  kNewResolvedAlerts,
  kAllAlertsResolved,
  kRepeatIntervalElapsed,
  kUnknown,
};
std::string_view NotificationReasonString(NotificationReason reason);

// One alert as the alert store holds it, before "now" decides whether it is resolved.
struct AlertSnapshot {
  Labels labels;
  Annotations annotations;
  TimestampMs starts_at = kZeroTime;
  TimestampMs ends_at = kZeroTime;  // kZeroTime: no end known
  std::string generator_url;
};

// The group being notified, as the dispatcher knows it.
struct NotificationGroup {
  std::string receiver;   // the configured name, unquoted
  std::string group_key;  // e.g. {}/{severity="critical"}:{alertname="X"}
  Labels group_labels;
  Labels route_labels;
  std::string external_url;
  NotificationReason reason = NotificationReason::kUnknown;
};

// template.Alert.
struct NotificationAlert {
  AlertStatus status = AlertStatus::kFiring;
  Labels labels;
  Annotations annotations;
  TimestampMs starts_at = kZeroTime;
  TimestampMs ends_at = kZeroTime;
  std::string generator_url;
  std::string fingerprint;  // 16 lowercase hex digits of the label set's fingerprint
};

// template.Data, plus what the webhook payload adds (groupKey, truncatedAlerts).
struct Notification {
  NotificationGroup group;
  std::string receiver;  // regexp.QuoteMeta(group.receiver)
  AlertStatus status = AlertStatus::kResolved;
  std::vector<NotificationAlert> alerts;
  Labels common_labels;
  Annotations common_annotations;
  uint64_t truncated_alerts = 0;

  size_t num_firing() const;
  size_t num_resolved() const;
  std::vector<NotificationAlert> firing() const;
  std::vector<NotificationAlert> resolved() const;
};

// Builds the notification for `alerts` (in the order given: the dispatcher sorts them as
// Alertmanager does, by job, instance, then label set) as seen at `now`.
Notification MakeNotification(const NotificationGroup& group, std::span<const AlertSnapshot> alerts,
                              TimestampMs now);
// The same, from alerts whose status is already decided.
Notification MakeNotification(const NotificationGroup& group,
                              std::vector<NotificationAlert> alerts);

// Keeps the first `max_alerts` alerts (0 = all) and recomputes status and common labels over
// them, counting the rest in truncated_alerts — the webhook's max_alerts.
Notification TruncateAlerts(const Notification& notification, uint64_t max_alerts);
// Drops resolved alerts (for integrations with send_resolved off) and recomputes.
Notification WithoutResolved(const Notification& notification);

NotificationAlert MakeNotificationAlert(const AlertSnapshot& alert, TimestampMs now);
std::string FingerprintString(const Labels& labels);  // %016x of Labels::fingerprint()
std::string QuoteMeta(std::string_view s);            // Go's regexp.QuoteMeta

}  // namespace tocsin::notifiers
