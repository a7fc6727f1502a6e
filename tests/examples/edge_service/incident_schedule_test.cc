#include "examples/edge_service/incident_schedule.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tocsin::edge {
namespace {

TEST(IncidentScheduleTest, DefaultScheduleStartsEarlyAndCoversEveryKind) {
  const IncidentSchedule s = IncidentSchedule::Default();
  ASSERT_FALSE(s.empty());
  // The first incident within 2-3 minutes, so that a fresh demo shows an alert quickly.
  EXPECT_GE(s.incidents().front().start, 2 * kMinute);
  EXPECT_LE(s.incidents().front().start, 3 * kMinute);
  std::set<IncidentKind> kinds;
  for (const Incident& i : s.incidents()) kinds.insert(i.kind);
  EXPECT_EQ(kinds.size(), AllIncidents().size());
  EXPECT_EQ(s.cycle(), 150 * kMinute);
}

TEST(IncidentScheduleTest, TextFormRoundTrips) {
  const IncidentSchedule s = IncidentSchedule::Default();
  EXPECT_EQ(s.ToString(),
            "latency_spike@2m+8m,redis_down@20m+4m,high_value_sale@30m,delivery_drop@38m+20m,"
            "queue_backlog@1h15m+10m,memory_leak@1h50m+30m,cycle=2h30m");
  auto parsed = IncidentSchedule::Parse(s.ToString());
  ASSERT_TRUE(parsed.ok()) << parsed.message();
  EXPECT_EQ(parsed->ToString(), s.ToString());
}

TEST(IncidentScheduleTest, ParsesDefaultsSpacesAndNone) {
  auto s = IncidentSchedule::Parse(" redis_down@1m , high_value_sale@30s+1m ");
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(s->incidents().size(), 2u);
  EXPECT_EQ(s->incidents()[0].kind, IncidentKind::kHighValueSale);  // sorted by start
  EXPECT_EQ(s->incidents()[0].duration, kMinute);
  EXPECT_EQ(s->incidents()[1].duration, Describe(IncidentKind::kRedisDown).default_duration);
  EXPECT_EQ(s->cycle(), 0);
  auto none = IncidentSchedule::Parse("none");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(none->ToString(), "none");
}

TEST(IncidentScheduleTest, ErrorsNameTheItemAndColumn) {
  auto unknown = IncidentSchedule::Parse("latency_spike@2m,redis_dwn@20m");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.message(),
            "item 2 (\"redis_dwn@20m\"), column 18: unknown incident \"redis_dwn\" (known: "
            "latency_spike, redis_down, high_value_sale, delivery_drop, queue_backlog, "
            "memory_leak)");
  auto bad_start = IncidentSchedule::Parse("redis_down@2x");
  ASSERT_FALSE(bad_start.ok());
  EXPECT_EQ(bad_start.message(),
            "item 1 (\"redis_down@2x\"), column 12: unknown unit \"x\" in duration \"2x\"");
  auto bad_duration = IncidentSchedule::Parse("redis_down@2m+");
  ASSERT_FALSE(bad_duration.ok());
  EXPECT_NE(bad_duration.message().find("column 15"), std::string::npos) << bad_duration.message();
  EXPECT_FALSE(IncidentSchedule::Parse("redis_down").ok());
  EXPECT_FALSE(IncidentSchedule::Parse("redis_down@1m,,").ok());
  EXPECT_FALSE(IncidentSchedule::Parse("").ok());
  auto short_cycle = IncidentSchedule::Parse("redis_down@10m+5m,cycle=12m");
  ASSERT_FALSE(short_cycle.ok());
  EXPECT_EQ(short_cycle.message(), "cycle 12m is shorter than the schedule, which ends at 15m");
}

TEST(IncidentScheduleTest, IntoStartsAndEndsFollowTheCycle) {
  auto s = IncidentSchedule::Make({{IncidentKind::kRedisDown, 2 * kMinute, 4 * kMinute},
                                   {IncidentKind::kHighValueSale, 10 * kMinute, 0}},
                                  20 * kMinute);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->Into(IncidentKind::kRedisDown, 2 * kMinute - 1));
  EXPECT_EQ(s->Into(IncidentKind::kRedisDown, 2 * kMinute), 0);
  EXPECT_EQ(s->Into(IncidentKind::kRedisDown, 22 * kMinute + 5), 5);
  EXPECT_FALSE(s->Into(IncidentKind::kRedisDown, 6 * kMinute));
  EXPECT_FALSE(s->Into(IncidentKind::kLatencySpike, 3 * kMinute));
  // A zero-length incident is never "in force"; it starts.
  EXPECT_FALSE(s->Into(IncidentKind::kHighValueSale, 10 * kMinute));
  EXPECT_TRUE(s->StartsWithin(IncidentKind::kHighValueSale, 10 * kMinute - 1, 10 * kMinute));
  EXPECT_FALSE(s->StartsWithin(IncidentKind::kHighValueSale, 10 * kMinute, 11 * kMinute));
  EXPECT_TRUE(s->StartsWithin(IncidentKind::kHighValueSale, 29 * kMinute, 30 * kMinute));
  EXPECT_TRUE(s->StartsWithin(IncidentKind::kRedisDown, -1, 2 * kMinute));
  EXPECT_TRUE(s->EndsWithin(IncidentKind::kRedisDown, 25 * kMinute, 26 * kMinute));
  EXPECT_FALSE(s->EndsWithin(IncidentKind::kHighValueSale, 0, kHour));
}

TEST(IncidentScheduleTest, EveryIncidentNamesAlertsOfTheShippedRules) {
  for (const IncidentInfo& info : AllIncidents()) {
    EXPECT_FALSE(info.intended_alerts.empty()) << info.name;
    EXPECT_EQ(&Describe(info.kind), &info);
  }
}

}  // namespace
}  // namespace tocsin::edge
