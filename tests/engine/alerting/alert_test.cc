#include "engine/alerting/alert.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace tocsin::alerting {
namespace {

constexpr TimestampMs kNow = 1714564800000;  // 2024-05-01T12:00:00Z
constexpr DurationMs kResolveTimeout = 5 * kMinute;

PostableAlert Posted(Labels labels, TimestampMs starts = 0, TimestampMs ends = 0) {
  PostableAlert p;
  p.labels = std::move(labels);
  p.starts_at = starts;
  p.ends_at = ends;
  return p;
}

TEST(MakeAlertTest, MissingTimesFollowTheApi) {
  auto a = MakeAlert(Posted({{"alertname", "A"}}), kNow, kResolveTimeout);
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a->starts_at, kNow);
  EXPECT_EQ(a->ends_at, kNow + kResolveTimeout);
  EXPECT_TRUE(a->timeout);
  EXPECT_EQ(a->updated_at, kNow);
  EXPECT_FALSE(a->ResolvedAt(kNow));
  EXPECT_TRUE(a->ResolvedAt(kNow + kResolveTimeout));  // endsAt itself counts as resolved
}

TEST(MakeAlertTest, OnlyEndsAtGivenStartsThere) {
  auto a = MakeAlert(Posted({{"alertname", "A"}}, 0, kNow - kMinute), kNow, kResolveTimeout);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->starts_at, kNow - kMinute);
  EXPECT_EQ(a->ends_at, kNow - kMinute);
  EXPECT_FALSE(a->timeout);
  EXPECT_TRUE(a->ResolvedAt(kNow));
}

TEST(MakeAlertTest, ExplicitEndIsNotATimeout) {
  auto a =
      MakeAlert(Posted({{"alertname", "A"}}, kNow - kHour, kNow + kHour), kNow, kResolveTimeout);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->starts_at, kNow - kHour);
  EXPECT_EQ(a->ends_at, kNow + kHour);
  EXPECT_FALSE(a->timeout);
}

TEST(MakeAlertTest, ValidationMessagesAreAlertmanagers) {
  EXPECT_EQ(MakeAlert(Posted({}), kNow, kResolveTimeout).message(),
            "at least one label pair required");
  EXPECT_EQ(MakeAlert(Posted({{"a", "b"}}, kNow, kNow - 1), kNow, kResolveTimeout).message(),
            "start time must be before end time");
  EXPECT_EQ(MakeAlert(Posted({{"a", "\xff"}}), kNow, kResolveTimeout).message(),
            "invalid label set: invalid value \"\\xff\"");
  EXPECT_EQ(MakeAlert(Posted(Labels::FromSorted({{"\xfe", "x"}})), kNow, kResolveTimeout).message(),
            "invalid label set: invalid name \"\\xfe\"");
  PostableAlert bad_annotation = Posted({{"a", "b"}});
  bad_annotation.annotations = {{"summary", "\xc3"}};
  EXPECT_EQ(MakeAlert(bad_annotation, kNow, kResolveTimeout).message(),
            "invalid annotations: invalid value \"\\xc3\"");
  // UTF-8 label names are fine (Alertmanager's default matcher mode).
  EXPECT_TRUE(MakeAlert(Posted({{"größe", "1"}}), kNow, kResolveTimeout).ok());
  // Equal start and end is allowed.
  EXPECT_TRUE(MakeAlert(Posted({{"a", "b"}}, kNow, kNow), kNow, kResolveTimeout).ok());
}

Alert At(TimestampMs starts, TimestampMs ends, TimestampMs updated, bool timeout = false) {
  Alert a;
  a.labels = {{"alertname", "A"}};
  a.starts_at = starts;
  a.ends_at = ends;
  a.updated_at = updated;
  a.timeout = timeout;
  return a;
}

TEST(MergeAlertsTest, YoungerWinsEarliestStartKept) {
  Alert old = At(kNow - kHour, kNow + kMinute, kNow - kMinute, true);
  old.annotations = {{"summary", "old"}};
  Alert fresh = At(kNow - kMinute, kNow + 5 * kMinute, kNow, true);
  fresh.annotations = {{"summary", "new"}};
  // Either order, and with the second copy moved from (the store's path).
  for (Alert m : {MergeAlerts(old, fresh, kNow), MergeAlerts(fresh, old, kNow),
                  MergeAlerts(old, Alert(fresh), kNow), MergeAlerts(fresh, Alert(old), kNow)}) {
    EXPECT_EQ(m.starts_at, kNow - kHour);
    EXPECT_EQ(m.ends_at, kNow + 5 * kMinute);
    EXPECT_EQ(m.annotations, fresh.annotations);
    EXPECT_EQ(m.updated_at, kNow);
  }
}

TEST(MergeAlertsTest, LaterExplicitEndBeatsTimeout) {
  Alert old = At(kNow - kHour, kNow + kHour, kNow - kMinute, /*timeout=*/false);
  Alert fresh = At(kNow - kHour, kNow + 5 * kMinute, kNow, /*timeout=*/true);
  EXPECT_EQ(MergeAlerts(old, fresh, kNow).ends_at, kNow + kHour);
  EXPECT_EQ(MergeAlerts(old, Alert(fresh), kNow).ends_at, kNow + kHour);
  // A later timeout-derived end of the older copy does not win.
  old.timeout = true;
  EXPECT_EQ(MergeAlerts(old, fresh, kNow).ends_at, kNow + 5 * kMinute);
  EXPECT_EQ(MergeAlerts(old, Alert(fresh), kNow).ends_at, kNow + 5 * kMinute);
}

TEST(MergeAlertsTest, BothResolvedLatestResolutionWins) {
  Alert old = At(kNow - kHour, kNow - kMinute, kNow - 2 * kMinute);
  Alert fresh = At(kNow - kHour, kNow - 10 * kMinute, kNow);
  EXPECT_EQ(MergeAlerts(old, fresh, kNow).ends_at, kNow - kMinute);
  // The younger copy resolves, the older one still fires: the younger's end stands.
  Alert firing_old = At(kNow - kHour, kNow + kHour, kNow - 2 * kMinute);
  EXPECT_EQ(MergeAlerts(firing_old, fresh, kNow).ends_at, kNow - 10 * kMinute);
}

TEST(ShouldMergeTest, OnlyOverlappingRanges) {
  Alert stored = At(kNow - kHour, kNow + kMinute, kNow - kMinute);
  EXPECT_TRUE(ShouldMerge(stored, At(kNow - kMinute, kNow + 5 * kMinute, kNow)));
  EXPECT_TRUE(ShouldMerge(stored, At(kNow - 2 * kHour, kNow, kNow)));
  // Starts after the stored copy ended: a new occurrence.
  EXPECT_FALSE(ShouldMerge(stored, At(kNow + 2 * kMinute, kNow + 7 * kMinute, kNow)));
  // Same start, later end: neither condition holds (strict comparisons, as upstream).
  EXPECT_FALSE(ShouldMerge(stored, At(kNow - kHour, kNow + kHour, kNow)));
}

TEST(LabelSetBeforeTest, MatchesPrometheusModel) {
  EXPECT_TRUE(LabelSetBefore({{"a", "1"}}, {{"a", "1"}, {"b", "1"}}));  // fewer labels first
  EXPECT_FALSE(LabelSetBefore({{"a", "1"}, {"b", "1"}}, {{"a", "1"}}));
  EXPECT_TRUE(LabelSetBefore({{"a", "1"}}, {{"a", "2"}}));
  EXPECT_FALSE(LabelSetBefore({{"a", "1"}}, {{"a", "1"}}));
  // Same size, different names: the side missing the first differing name sorts first.
  EXPECT_TRUE(LabelSetBefore({{"b", "1"}}, {{"a", "1"}}));
  EXPECT_FALSE(LabelSetBefore({{"a", "1"}}, {{"b", "1"}}));
}

TEST(AlertOrderTest, JobThenInstanceThenLabels) {
  auto alert = [](Labels l) {
    Alert a;
    a.labels = std::move(l);
    return a;
  };
  std::vector<Alert> v = {
      alert({{"alertname", "X"}}),
      alert({{"alertname", "X"}, {"instance", "b"}}),
      alert({{"alertname", "X"}, {"instance", "a"}}),
      alert({{"alertname", "X"}, {"job", "web"}}),
      alert({{"alertname", "X"}, {"job", "api"}, {"instance", "z"}}),
      alert({{"alertname", "W"}}),
  };
  std::stable_sort(v.begin(), v.end(), AlertOrderLess);
  std::vector<std::string> got;
  for (const Alert& a : v) got.push_back(a.labels.to_string());
  EXPECT_EQ(got, (std::vector<std::string>{
                     R"({alertname="X", instance="z", job="api"})",
                     R"({alertname="X", job="web"})",
                     R"({alertname="X", instance="a"})",
                     R"({alertname="X", instance="b"})",
                     R"({alertname="W"})",
                     R"({alertname="X"})",
                 }));
}

TEST(AnnotationsTest, KeepEmptyValuesLastWins) {
  Annotations a = MakeAnnotations({{"b", "1"}, {"a", ""}, {"b", "2"}});
  EXPECT_EQ(a, (Annotations{{"a", ""}, {"b", "2"}}));
  EXPECT_EQ(AnnotationsAsLabels(a), (Labels{{"b", "2"}}));
  EXPECT_EQ(FingerprintHex(0xabc), "0000000000000abc");
  // Already sorted and unique: kept as given, empty values too.
  EXPECT_EQ(MakeAnnotations({{"a", ""}, {"b", "1"}}), (Annotations{{"a", ""}, {"b", "1"}}));
  // Sorted but repeated: the last wins.
  EXPECT_EQ(MakeAnnotations({{"a", "1"}, {"a", "2"}}), (Annotations{{"a", "2"}}));
}

}  // namespace
}  // namespace tocsin::alerting
