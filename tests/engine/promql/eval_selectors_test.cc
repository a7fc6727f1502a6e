// Instant and range selection: lookback (left-open), staleness, offset and @.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "storage/base/sample.h"
#include "storage/tsdb/appender.h"
#include "storage/tsdb/series_store.h"
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

// Instant selectors over the series store take each series' sample straight from its visit
// (for an instant query the window's last sample, from the ring header when the window ends at
// the newest sample) and build label sets only for series that yield one. The same data in a
// TestQuerier (copied windows) must give the same results: with stale markers (one series
// ends with one), gaps longer than the lookback, wrapped rings, offset and @, through binary
// operators that keep or drop the metric name, aggregations, and range queries.
TEST(EvalSelectors, InstantSelectorsOverTheStoreAgreeWithAPlainQuerier) {
  storage::SeriesStore store(storage::StoreOptions{10 * kMinute, 15 * kSecond});
  TestQuerier plain;
  storage::Appender app(store);
  constexpr int kSteps = 80;  // 20 minutes: the 10-minute rings wrap
  for (int s = 0; s < 6; ++s) {
    const Labels labels{{"__name__", s < 4 ? "fs_avail" : "fs_size"},
                        {"device", "sd" + std::to_string(s % 4)},
                        {"job", "node"}};
    std::vector<std::pair<TimestampMs, double>> samples;
    for (int i = 0; i < kSteps; ++i) {
      if (s == 1 && i > 40 && i < 70) continue;  // a gap longer than the lookback
      const TimestampMs t = i * 15 * kSecond + s * 1000;
      double v = 100.0 * (s + 1) + i;
      if (s == 2 && (i == 50 || i == kSteps - 1)) v = StaleNaN();  // ends with a stale marker
      samples.emplace_back(t, v);
      ASSERT_TRUE(app.Append(labels, t, v).ok());
    }
    std::string desc = std::string(s < 4 ? "fs_avail" : "fs_size") + "{device=\"sd" +
                       std::to_string(s % 4) + "\", job=\"node\"}";
    plain.Add(desc, samples);
  }
  ASSERT_EQ(app.Commit().counts.rejected(), 0u);
  const TimestampMs newest = (kSteps - 1) * 15 * kSecond + 5000;
  const std::string at = "@ " + std::to_string((newest - 3 * kMinute) / 1000);
  for (const std::string& q : std::vector<std::string>{
           "fs_avail", "fs_avail offset 1m", "fs_avail " + at, "fs_avail{device=~\"sd[12]\"}",
           "1 - fs_avail / fs_size > 0.1", "fs_avail / fs_size", "fs_avail > 150",
           "sum by (job) (fs_avail)", "-fs_avail", "timestamp(fs_avail)"}) {
    for (const TimestampMs t : {newest + 10 * kSecond, newest - 2 * kSecond, newest - 4 * kMinute,
                                12 * kMinute + 7 * kSecond, newest + 6 * kMinute}) {
      const auto a = Query(store, q, t);
      EXPECT_TRUE(a.ok) << q << ": " << a.value;
      EXPECT_EQ(SortedLines(a.value), SortedLines(Query(plain, q, t).value)) << q << " @" << t;
    }
    const auto r = QueryRange(store, q, newest - 8 * kMinute, newest + 2 * kMinute, 40 * kSecond);
    EXPECT_TRUE(r.ok) << q << ": " << r.value;
    EXPECT_EQ(r.value,
              QueryRange(plain, q, newest - 8 * kMinute, newest + 2 * kMinute, 40 * kSecond).value)
        << q;
  }
  // The stale marker ends its series; the gap leaves no sample after the lookback.
  EXPECT_EQ(Query(store, "fs_avail{device=\"sd2\"}", newest).value, "");
  EXPECT_EQ(Query(store, "fs_avail{device=\"sd1\"}", 16 * kMinute).value, "");
  EXPECT_EQ(Query(store, "fs_avail{device=\"sd0\"}", newest).value,
            "{__name__=\"fs_avail\", device=\"sd0\", job=\"node\"} 179\n");
}

}  // namespace
}  // namespace tocsin::promql::testing
