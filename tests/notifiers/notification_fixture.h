// The notification most notifier tests send: one firing and one resolved HighLatency alert of a
// critical route, at 2024-05-01T12:00:00Z.
#pragma once

#include "notifiers/notification.h"

namespace tocsin::notifiers::testing_fixture {

inline constexpr TimestampMs kNow = 1714564800000;  // 2024-05-01T12:00:00Z

inline AlertSnapshot LatencyAlert(std::string instance) {
  AlertSnapshot a;
  a.labels = {{"alertname", "HighLatency"},
              {"instance", std::move(instance)},
              {"job", "api"},
              {"severity", "critical"}};
  a.annotations = MakeAnnotations({{"summary", "p99 > 1s <b>&</b>"}});
  a.starts_at = kNow - 60000 + 123;
  a.generator_url = "http://prom:9090/graph?g0.expr=x&g0.tab=1";
  return a;
}

inline NotificationGroup LatencyGroup(std::string receiver = "team-web.hook") {
  NotificationGroup group;
  group.receiver = std::move(receiver);
  group.group_key = R"({}/{severity="critical"}:{alertname="HighLatency"})";
  group.group_labels = {{"alertname", "HighLatency"}};
  group.external_url = "http://tocsin.example:9093";
  group.reason = NotificationReason::kFirstNotification;
  return group;
}

// Firing a:1 and resolved b:1.
inline Notification LatencyNotification(std::string receiver = "team-web.hook") {
  AlertSnapshot a = LatencyAlert("a:1");
  AlertSnapshot b = LatencyAlert("b:1");
  b.starts_at = kNow - 120000;
  b.ends_at = kNow - 30000;
  return MakeNotification(LatencyGroup(std::move(receiver)), std::vector<AlertSnapshot>{a, b},
                          kNow);
}

// Both alerts resolved.
inline Notification ResolvedLatencyNotification() {
  AlertSnapshot a = LatencyAlert("a:1");
  a.ends_at = kNow - 1000;
  return MakeNotification(LatencyGroup(), std::vector<AlertSnapshot>{a}, kNow);
}

}  // namespace tocsin::notifiers::testing_fixture
