// Start timestamps in rate(), increase(), irate() and resets() (EngineOptions::
// use_start_timestamps): resets that only the start time reveals, the zero point at a start time
// inside the window, the overlap warning, and where start times do not travel.
#include "engine/promql/start_time_resets.h"

#include <gtest/gtest.h>

#include "tests/engine/promql/query_helpers.h"

namespace tocsin::promql::testing {
namespace {

constexpr TimestampMs kS = 1000;
constexpr TimestampMs kM = 60 * kS;

EngineOptions WithStartTimes() {
  EngineOptions o;
  o.use_start_timestamps = true;
  return o;
}

TEST(StartTimeResets, WhenAStartTimeMeansAReset) {
  // (prev start, prev t, start, t)
  EXPECT_FALSE(IsStartTimeReset(30 * kS, 1 * kM, 0, 2 * kM));        // no start time
  EXPECT_FALSE(IsStartTimeReset(30 * kS, 1 * kM, 2 * kM, 2 * kM));   // start = t: unknown
  EXPECT_FALSE(IsStartTimeReset(30 * kS, 1 * kM, 3 * kM, 2 * kM));   // start after t: invalid
  EXPECT_FALSE(IsStartTimeReset(30 * kS, 1 * kM, 30 * kS, 2 * kM));  // the same count goes on
  EXPECT_TRUE(IsStartTimeReset(30 * kS, 1 * kM, 90 * kS, 2 * kM));   // started after prev
  // Starting exactly at the previous sample: a delta after a delta is a reset...
  EXPECT_TRUE(IsStartTimeReset(0 * kS + 1, 1 * kM, 1 * kM, 2 * kM));
  // ... a cumulative series whose first start was unknown (none, or = its time) is not ...
  EXPECT_FALSE(IsStartTimeReset(0, 1 * kM, 1 * kM, 2 * kM));
  EXPECT_FALSE(IsStartTimeReset(1 * kM, 1 * kM, 1 * kM, 2 * kM));
  // ... nor is one after an invalid previous start.
  EXPECT_FALSE(IsStartTimeReset(2 * kM, 1 * kM, 1 * kM, 2 * kM));
}

TEST(StartTimeResets, WhenStartTimesOverlap) {
  EXPECT_FALSE(StartTimeOverlaps(0, 1 * kM, 0));
  EXPECT_FALSE(StartTimeOverlaps(0, 1 * kM, 1 * kM));         // a delta continuing: start = prev t
  EXPECT_FALSE(StartTimeOverlaps(30 * kS, 1 * kM, 30 * kS));  // a cumulative count continuing
  EXPECT_TRUE(StartTimeOverlaps(30 * kS, 1 * kM, 40 * kS));   // a new start before prev t
}

// Samples at 1m..4m; the counter restarted at 3m30s and has passed its old value by 4m, so only
// the start time shows the reset.
TestQuerier RestartedCounter() {
  TestQuerier q;
  q.AddWithStartTimes("c_total", {{1 * kM, 10, 30 * kS},
                                  {2 * kM, 20, 30 * kS},
                                  {3 * kM, 30, 30 * kS},
                                  {4 * kM, 40, 210 * kS}});
  return q;
}

TEST(StartTimeResets, IncreaseSeesTheResetAndStartsAtTheZeroPoint) {
  const TestQuerier q = RestartedCounter();
  // Without start times: 30 over 3m, extrapolated by 1m to the left: 40.
  EXPECT_EQ(Query(q, "increase(c_total[4m])", 4 * kM).value, "{} 40\n");
  // With them: 30 + 30 lost in the reset, plus the 10 counted since 30s (inside the window),
  // where the counter was zero: no extrapolation, 70.
  EXPECT_EQ(Query(q, "increase(c_total[4m])", 4 * kM, WithStartTimes()).value, "{} 70\n");
  EXPECT_EQ(Query(q, "rate(c_total[4m])", 4 * kM, WithStartTimes()).value,
            "{} 0.2916666666666667\n");  // 70 / 240s
  EXPECT_EQ(Query(q, "resets(c_total[4m])", 4 * kM).value, "{} 0\n");
  EXPECT_EQ(Query(q, "resets(c_total[4m])", 4 * kM, WithStartTimes()).value, "{} 1\n");
  // irate: the last sample counts from its own start.
  EXPECT_EQ(Query(q, "irate(c_total[4m])", 4 * kM).value, "{} 0.16666666666666666\n");
  EXPECT_EQ(Query(q, "irate(c_total[4m])", 4 * kM, WithStartTimes()).value,
            "{} 0.6666666666666666\n");
}

TEST(StartTimeResets, StartTimestampOfASelectorReadsThem) {
  const TestQuerier q = RestartedCounter();
  EXPECT_EQ(Query(q, "start_timestamp(c_total)", 4 * kM, WithStartTimes()).value, "{} 210\n");
  EXPECT_EQ(Query(q, "start_timestamp(c_total)", 3 * kM + 30 * kS, WithStartTimes()).value,
            "{} 30\n");
  // An expression's samples carry none; nor does anything with start timestamps off.
  EXPECT_EQ(Query(q, "start_timestamp(c_total * 1)", 4 * kM, WithStartTimes()).value, "");
  EXPECT_EQ(Query(q, "start_timestamp(c_total)", 4 * kM).value, "");
}

TEST(StartTimeResets, GaugeFunctionsAndSubqueriesIgnoreStartTimes) {
  const TestQuerier q = RestartedCounter();
  EXPECT_EQ(Query(q, "delta(c_total[4m])", 4 * kM, WithStartTimes()).value, "{} 40\n");
  EXPECT_EQ(Query(q, "idelta(c_total[4m])", 4 * kM, WithStartTimes()).value, "{} 10\n");
  // A subquery's points carry no start times (Prometheus cuts them there too).
  EXPECT_EQ(Query(q, "increase(c_total[4m:1m])", 4 * kM, WithStartTimes()).value,
            Query(q, "increase(c_total[4m:1m])", 4 * kM).value);
}

TEST(StartTimeResets, OneSampleIsEnoughWhenItStartedInsideTheWindow) {
  TestQuerier q;
  q.AddWithStartTimes("c_total", {{2 * kM, 6, 90 * kS}});
  EXPECT_EQ(Query(q, "increase(c_total[4m])", 4 * kM).value, "");
  EXPECT_EQ(Query(q, "increase(c_total[4m])", 4 * kM, WithStartTimes()).value, "{} 6\n");
  // A start at or before the window's (open) left edge is no zero point.
  EXPECT_EQ(Query(q, "increase(c_total[30s])", 2 * kM, WithStartTimes()).value, "");
}

TEST(StartTimeResets, DeltaSamplesEachCountFromThePreviousOne) {
  TestQuerier q;
  // OpenTelemetry deltas: each sample covers the minute since the previous one.
  q.AddWithStartTimes(
      "d_total",
      {{1 * kM, 60, 0 * kM + 1}, {2 * kM, 60, 1 * kM}, {3 * kM, 60, 2 * kM}, {4 * kM, 60, 3 * kM}});
  EXPECT_EQ(Query(q, "increase(d_total[3m])", 4 * kM, WithStartTimes()).value, "{} 180\n");
  EXPECT_EQ(Query(q, "rate(d_total[3m])", 4 * kM, WithStartTimes()).value, "{} 1\n");
  EXPECT_EQ(Query(q, "irate(d_total[3m])", 4 * kM, WithStartTimes()).value, "{} 1\n");
  EXPECT_EQ(Query(q, "increase(d_total[3m])", 4 * kM).value, "{} 0\n");
}

TEST(StartTimeResets, OverlappingStartTimesWarnOncePerSeriesAndStep) {
  TestQuerier q;
  q.AddWithStartTimes("c_total", {{2 * kM, 60, 0}, {3 * kM, 120, 0}, {4 * kM, 180, 0}});
  q.AddWithStartTimes("c_total{type=\"overlap\"}",
                      {{2 * kM, 60, 1}, {3 * kM, 120, 1 * kM}, {4 * kM, 180, 2 * kM}});
  QueryOutcome r = Query(q, "rate(c_total[3m])", 4 * kM, WithStartTimes());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "PromQL warning: sample has start time that overlaps with previous sample timestamp "
            "for metric \"c_total\" (1:6)");
  r = QueryRange(q, "rate(c_total[3m])", 4 * kM, 6 * kM, kM, WithStartTimes());
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "PromQL warning: sample has start time that overlaps with previous sample timestamp "
            "for metric \"c_total\" (2 occurrences) (1:6)");
  EXPECT_TRUE(Query(q, "rate(c_total[3m])", 4 * kM).warnings.empty());
}

}  // namespace
}  // namespace tocsin::promql::testing
