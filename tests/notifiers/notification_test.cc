#include "notifiers/notification.h"

#include <gtest/gtest.h>

namespace tocsin::notifiers {
namespace {

constexpr TimestampMs kNow = 1714564800000;  // 2024-05-01T12:00:00Z

AlertSnapshot Alert(Labels labels, Annotations annotations = {}, TimestampMs ends_at = kZeroTime) {
  AlertSnapshot a;
  a.labels = std::move(labels);
  a.annotations = std::move(annotations);
  a.starts_at = kNow - 60000;
  a.ends_at = ends_at;
  a.generator_url = "http://prom/graph";
  return a;
}

TEST(NotificationTest, ZeroTimePrintsAsGoZeroTime) {
  EXPECT_EQ(FormatRfc3339(kZeroTime), "0001-01-01T00:00:00Z");
}

TEST(NotificationTest, StatusFollowsEndsAtAgainstNow) {
  NotificationGroup group;
  std::vector<AlertSnapshot> alerts = {
      Alert({{"alertname", "A"}}),                   // no end: firing
      Alert({{"alertname", "B"}}, {}, kNow + 1),     // ends in the future: firing
      Alert({{"alertname", "C"}}, {}, kNow),         // ends now: resolved
      Alert({{"alertname", "D"}}, {}, kNow - 1000),  // ended: resolved
  };
  Notification n = MakeNotification(group, alerts, kNow);
  ASSERT_EQ(n.alerts.size(), 4u);
  EXPECT_EQ(n.alerts[0].status, AlertStatus::kFiring);
  EXPECT_EQ(n.alerts[1].status, AlertStatus::kFiring);
  EXPECT_EQ(n.alerts[2].status, AlertStatus::kResolved);
  EXPECT_EQ(n.alerts[3].status, AlertStatus::kResolved);
  EXPECT_EQ(n.status, AlertStatus::kFiring);
  EXPECT_EQ(n.num_firing(), 2u);
  EXPECT_EQ(n.num_resolved(), 2u);
  EXPECT_EQ(n.firing().size(), 2u);
  EXPECT_EQ(n.resolved()[0].labels.get("alertname"), "C");

  Notification all_resolved = MakeNotification(group, std::span(alerts).subspan(2), kNow);
  EXPECT_EQ(all_resolved.status, AlertStatus::kResolved);
}

TEST(NotificationTest, CommonLabelsAndAnnotationsAsAlertmanager) {
  NotificationGroup group;
  group.group_labels = {{"alertname", "HighLatency"}};
  std::vector<AlertSnapshot> alerts = {
      Alert(
          {{"alertname", "HighLatency"}, {"job", "api"}, {"instance", "a:1"}, {"severity", "page"}},
          MakeAnnotations({{"summary", "slow"}, {"runbook", "r1"}, {"empty", ""}})),
      Alert({{"alertname", "HighLatency"}, {"job", "api"}, {"instance", "b:1"}},
            MakeAnnotations({{"summary", "slow"}, {"runbook", "r2"}})),
  };
  Notification n = MakeNotification(group, alerts, kNow);
  EXPECT_EQ(n.common_labels, (Labels{{"alertname", "HighLatency"}, {"job", "api"}}));
  // "empty" is missing from the second alert, and a missing annotation reads as "": common.
  ASSERT_EQ(n.common_annotations.size(), 2u);
  EXPECT_EQ(n.common_annotations[0], (Label{"empty", ""}));
  EXPECT_EQ(n.common_annotations[1], (Label{"summary", "slow"}));

  Notification single = MakeNotification(group, std::span(alerts).first(1), kNow);
  EXPECT_EQ(single.common_labels, alerts[0].labels);
  EXPECT_EQ(single.common_annotations, alerts[0].annotations);

  Notification none = MakeNotification(group, std::span<const AlertSnapshot>(), kNow);
  EXPECT_TRUE(none.common_labels.empty());
  EXPECT_EQ(none.status, AlertStatus::kResolved);
}

TEST(NotificationTest, ReceiverIsRegexQuotedAsAlertmanagerExposesIt) {
  NotificationGroup group;
  group.receiver = "team-x.pager (eu)|[1]";
  Notification n = MakeNotification(group, std::span<const AlertSnapshot>(), kNow);
  EXPECT_EQ(n.receiver, R"(team-x\.pager \(eu\)\|\[1\])");
  EXPECT_EQ(QuoteMeta(R"(\.+*?()|[]{}^$-)"), R"(\\\.\+\*\?\(\)\|\[\]\{\}\^\$-)");
}

TEST(NotificationTest, FingerprintIsSixteenHexDigitsOfTheLabelHash) {
  Labels labels{{"alertname", "A"}, {"job", "api"}};
  NotificationAlert a = MakeNotificationAlert(Alert(labels), kNow);
  EXPECT_EQ(a.fingerprint.size(), 16u);
  char expected[17];
  std::snprintf(expected, sizeof expected, "%016llx",
                static_cast<unsigned long long>(labels.fingerprint()));
  EXPECT_EQ(a.fingerprint, expected);
  // The empty label set hashes to FNV-1a's offset basis, as in the Prometheus model.
  EXPECT_EQ(FingerprintString(Labels{}), "cbf29ce484222325");
}

TEST(NotificationTest, TruncationRecomputesOverTheKeptAlerts) {
  NotificationGroup group;
  std::vector<AlertSnapshot> alerts = {
      Alert({{"alertname", "A"}, {"zone", "1"}}),
      Alert({{"alertname", "A"}, {"zone", "1"}}, {}, kNow - 1),
      Alert({{"alertname", "A"}, {"zone", "2"}}),
  };
  Notification n = MakeNotification(group, alerts, kNow);
  EXPECT_EQ(n.common_labels, (Labels{{"alertname", "A"}}));

  Notification two = TruncateAlerts(n, 2);
  EXPECT_EQ(two.alerts.size(), 2u);
  EXPECT_EQ(two.truncated_alerts, 1u);
  EXPECT_EQ(two.common_labels, (Labels{{"alertname", "A"}, {"zone", "1"}}));

  Notification one = TruncateAlerts(n, 1);
  EXPECT_EQ(one.truncated_alerts, 2u);
  EXPECT_EQ(TruncateAlerts(n, 0).truncated_alerts, 0u);
  EXPECT_EQ(TruncateAlerts(n, 3).alerts.size(), 3u);
}

TEST(NotificationTest, WithoutResolvedKeepsOnlyFiring) {
  NotificationGroup group;
  std::vector<AlertSnapshot> alerts = {
      Alert({{"alertname", "A"}, {"zone", "1"}}, {}, kNow - 1),
      Alert({{"alertname", "A"}, {"zone", "2"}}),
  };
  Notification n = WithoutResolved(MakeNotification(group, alerts, kNow));
  ASSERT_EQ(n.alerts.size(), 1u);
  EXPECT_EQ(n.common_labels, (Labels{{"alertname", "A"}, {"zone", "2"}}));
  EXPECT_EQ(n.status, AlertStatus::kFiring);
}

TEST(NotificationTest, ReasonsUseAlertmanagerWording) {
  EXPECT_EQ(NotificationReasonString(NotificationReason::kFirstNotification), "first notification");
  EXPECT_EQ(NotificationReasonString(NotificationReason::kNewAlertsInGroup), "new alerts added");
  EXPECT_EQ(NotificationReasonString(NotificationReason::kNewResolvedAlerts),
            "some alerts resolved");
  EXPECT_EQ(NotificationReasonString(NotificationReason::kAllAlertsResolved),
            "all alerts resolved");
  EXPECT_EQ(NotificationReasonString(NotificationReason::kRepeatIntervalElapsed),
            "repeat interval elapsed");
  EXPECT_EQ(NotificationReasonString(NotificationReason::kUnknown), "unknown");
}

TEST(NotificationTest, AnnotationsKeepEmptyValuesAndLastDuplicateWins) {
  Annotations a = MakeAnnotations({{"b", "1"}, {"a", ""}, {"b", "2"}});
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0], (Label{"a", ""}));
  EXPECT_EQ(a[1], (Label{"b", "2"}));
  EXPECT_EQ(AnnotationValue(a, "b"), "2");
  EXPECT_EQ(AnnotationValue(a, "zzz"), "");
}

}  // namespace
}  // namespace tocsin::notifiers
