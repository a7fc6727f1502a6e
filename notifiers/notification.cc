#include "notifiers/notification.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace tocsin::notifiers {

Annotations AnnotationsFromLabels(const Labels& labels) {
  return Annotations(labels.begin(), labels.end());
}

Annotations MakeAnnotations(std::vector<Label> pairs) {
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const Label& a, const Label& b) { return a.name < b.name; });
  Annotations out;
  out.reserve(pairs.size());
  for (auto& pair : pairs) {
    if (!out.empty() && out.back().name == pair.name) {
      out.back().value = std::move(pair.value);
    } else {
      out.push_back(std::move(pair));
    }
  }
  return out;
}

std::string_view AnnotationValue(const Annotations& annotations, std::string_view name) {
  auto it = std::lower_bound(annotations.begin(), annotations.end(), name,
                             [](const Label& l, std::string_view n) { return l.name < n; });
  if (it != annotations.end() && it->name == name) return it->value;
  return {};
}

std::string_view AlertStatusString(AlertStatus status) {
  return status == AlertStatus::kFiring ? "firing" : "resolved";
}

std::string_view NotificationReasonString(NotificationReason reason) {
  switch (reason) {
    case NotificationReason::kFirstNotification:
      return "first notification";
    case NotificationReason::kNewAlertsInGroup:
      return "new alerts added";
    case NotificationReason::kNewResolvedAlerts:
      return "some alerts resolved";
    case NotificationReason::kAllAlertsResolved:
      return "all alerts resolved";
    case NotificationReason::kRepeatIntervalElapsed:
      return "repeat interval elapsed";
    case NotificationReason::kUnknown:
      break;
  }
  return "unknown";
}

size_t Notification::num_firing() const {
  return std::count_if(alerts.begin(), alerts.end(),
                       [](const NotificationAlert& a) { return a.status == AlertStatus::kFiring; });
}

size_t Notification::num_resolved() const {
  return alerts.size() - num_firing();
}

std::vector<NotificationAlert> Notification::firing() const {
  std::vector<NotificationAlert> out;
  for (const auto& a : alerts) {
    if (a.status == AlertStatus::kFiring) out.push_back(a);
  }
  return out;
}

std::vector<NotificationAlert> Notification::resolved() const {
  std::vector<NotificationAlert> out;
  for (const auto& a : alerts) {
    if (a.status == AlertStatus::kResolved) out.push_back(a);
  }
  return out;
}

std::string FingerprintString(const Labels& labels) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, labels.fingerprint());
  return buf;
}

std::string QuoteMeta(std::string_view s) {
  static constexpr std::string_view kSpecial = "\\.+*?()|[]{}^$";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (kSpecial.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

NotificationAlert MakeNotificationAlert(const AlertSnapshot& alert, TimestampMs now) {
  NotificationAlert out;
  // Alertmanager: resolved once EndsAt is set and not after now.
  bool resolved = alert.ends_at != kZeroTime && alert.ends_at <= now;
  out.status = resolved ? AlertStatus::kResolved : AlertStatus::kFiring;
  out.labels = alert.labels;
  out.annotations = alert.annotations;
  out.starts_at = alert.starts_at;
  out.ends_at = alert.ends_at;
  out.generator_url = alert.generator_url;
  out.fingerprint = FingerprintString(alert.labels);
  return out;
}

namespace {

// Common labels start from the first alert and lose every name whose value differs in a later
// alert (a missing label reads as "").
Labels CommonLabels(const std::vector<NotificationAlert>& alerts) {
  if (alerts.empty()) return {};
  std::vector<Label> common(alerts[0].labels.begin(), alerts[0].labels.end());
  for (size_t i = 1; i < alerts.size() && !common.empty(); ++i) {
    std::erase_if(common, [&](const Label& l) { return alerts[i].labels.get(l.name) != l.value; });
  }
  return Labels::FromSorted(std::move(common));
}

Annotations CommonAnnotations(const std::vector<NotificationAlert>& alerts) {
  if (alerts.empty()) return {};
  Annotations common = alerts[0].annotations;
  for (size_t i = 1; i < alerts.size() && !common.empty(); ++i) {
    std::erase_if(common, [&](const Label& l) {
      return AnnotationValue(alerts[i].annotations, l.name) != l.value;
    });
  }
  return common;
}

}  // namespace

Notification MakeNotification(const NotificationGroup& group,
                              std::vector<NotificationAlert> alerts) {
  Notification n;
  n.group = group;
  n.receiver = QuoteMeta(group.receiver);
  n.alerts = std::move(alerts);
  n.status = n.num_firing() > 0 ? AlertStatus::kFiring : AlertStatus::kResolved;
  n.common_labels = CommonLabels(n.alerts);
  n.common_annotations = CommonAnnotations(n.alerts);
  return n;
}

Notification MakeNotification(const NotificationGroup& group, std::span<const AlertSnapshot> alerts,
                              TimestampMs now) {
  std::vector<NotificationAlert> converted;
  converted.reserve(alerts.size());
  for (const auto& a : alerts) converted.push_back(MakeNotificationAlert(a, now));
  return MakeNotification(group, std::move(converted));
}

Notification TruncateAlerts(const Notification& notification, uint64_t max_alerts) {
  if (max_alerts == 0 || notification.alerts.size() <= max_alerts) return notification;
  std::vector<NotificationAlert> kept(notification.alerts.begin(),
                                      notification.alerts.begin() + max_alerts);
  Notification out = MakeNotification(notification.group, std::move(kept));
  out.truncated_alerts = notification.truncated_alerts + (notification.alerts.size() - max_alerts);
  return out;
}

Notification WithoutResolved(const Notification& notification) {
  Notification out = MakeNotification(notification.group, notification.firing());
  out.truncated_alerts = notification.truncated_alerts;
  return out;
}

}  // namespace tocsin::notifiers
