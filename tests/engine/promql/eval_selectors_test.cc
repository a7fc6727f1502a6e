// Instant and range selection: lookback (left-open), staleness, offset and @.
#include <gtest/gtest.h>

#include "storage/base/sample.h"
#include "tests/engine/promql/query_helpers.h"

namespace tocsin::promql::testing {
namespace {

TEST(EvalSelectors, LookbackWindowIsLeftOpen) {
  TestQuerier q;
  q.Add("m{a=\"1\"}", {{0, 1}});
  EXPECT_EQ(Query(q, "m", 5 * kMinute - 1).value, "{__name__=\"m\", a=\"1\"} 1\n");
  // A sample exactly one lookback before the evaluation time is out.
  EXPECT_EQ(Query(q, "m", 5 * kMinute).value, "");
}

TEST(EvalSelectors, NewestSampleWins) {
  TestQuerier q;
  q.Add("m", {{0, 1}, {30000, 2}, {60000, 3}});
  EXPECT_EQ(Query(q, "m", 45000).value, "{__name__=\"m\"} 2\n");
  EXPECT_EQ(Query(q, "m", 60000).value, "{__name__=\"m\"} 3\n");
}

TEST(EvalSelectors, StaleMarkerEndsSeries) {
  TestQuerier q;
  q.Add("m", {{0, 1}, {60000, StaleNaN()}, {120000, 5}});
  EXPECT_EQ(Query(q, "m", 30000).value, "{__name__=\"m\"} 1\n");
  EXPECT_EQ(Query(q, "m", 90000).value, "");
  EXPECT_EQ(Query(q, "m", 130000).value, "{__name__=\"m\"} 5\n");
  // Range selectors skip stale markers.
  EXPECT_EQ(Query(q, "count_over_time(m[3m])", 130000).value, "{} 2\n");
}

TEST(EvalSelectors, OffsetAndAt) {
  TestQuerier q;
  q.Load("m", kMinute, {0, 1, 2, 3, 4, 5});
  EXPECT_EQ(Query(q, "m offset 2m", 5 * kMinute).value, "{__name__=\"m\"} 3\n");
  EXPECT_EQ(Query(q, "m offset -1m", 3 * kMinute).value, "{__name__=\"m\"} 4\n");
  EXPECT_EQ(Query(q, "m @ 120", 5 * kMinute).value, "{__name__=\"m\"} 2\n");
  EXPECT_EQ(Query(q, "m @ 180 offset 1m", 0).value, "{__name__=\"m\"} 2\n");
  EXPECT_EQ(Query(q, "m @ start()", 4 * kMinute).value, "{__name__=\"m\"} 4\n");
}

TEST(EvalSelectors, RangeVectorIsLeftOpenRightClosed) {
  TestQuerier q;
  q.Load("m", 30 * kSecond, {0, 1, 2, 3});  // t = 0, 30s, 60s, 90s
  EXPECT_EQ(Query(q, "m[1m]", 90 * kSecond).value, "{__name__=\"m\"} 2@60 3@90\n");
  EXPECT_EQ(Query(q, "m[1m] @ 60", 0).value, "{__name__=\"m\"} 1@30 2@60\n");
}

TEST(EvalSelectors, RangeQueryStepsUseLookback) {
  TestQuerier q;
  q.Add("m", {{0, 1}, {150000, 2}});
  EXPECT_EQ(QueryRange(q, "m", 0, 6 * kMinute, kMinute).value,
            "{__name__=\"m\"} 1@0 1@60 1@120 2@180 2@240 2@300 2@360\n");
  EXPECT_EQ(QueryRange(q, "m", 0, 8 * kMinute, 4 * kMinute).value, "{__name__=\"m\"} 1@0 2@240\n");
}

TEST(EvalSelectors, AnchoredRangeVectorAddsBoundaryPoints) {
  TestQuerier q;
  q.Load("m", kMinute, {1, 2, 3, 4});
  // The last sample at or before the window start anchors it.
  EXPECT_EQ(Query(q, "m[90s] anchored", 3 * kMinute).value, "{__name__=\"m\"} 2@90 3@120 4@180\n");
}

}  // namespace
}  // namespace tocsin::promql::testing
