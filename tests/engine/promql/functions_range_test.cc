// Range functions: extrapolation and counter resets of rate/increase/delta, irate/idelta, the
// regression functions, changes/resets and the *_over_time aggregations.
#include <gtest/gtest.h>

#include "tests/engine/promql/query_helpers.h"

namespace tocsin::promql::testing {
namespace {

constexpr DurationMs k15s = 15 * kSecond;

TEST(FunctionsRange, RateOfSteadyCounterIsItsSlope) {
  TestQuerier q;
  q.Load("c_total", k15s, {0, 15, 30, 45, 60});
  // 45 * ((45 + 15) / 45 / 60), rounded as Prometheus rounds it.
  EXPECT_EQ(Query(q, "rate(c_total[1m])", kMinute).value, "{} 0.9999999999999999\n");
}

TEST(FunctionsRange, IncreaseAddsBackCounterResets) {
  TestQuerier q;
  q.Load("c_total", k15s, {0, 10, 20, 5, 15});
  // 15-10, plus 20 lost in the reset, extrapolated by 15s to the window start: 25 * 60/45.
  EXPECT_NEAR(SingleValue(q, "increase(c_total[1m])", kMinute), 25.0 * 60 / 45, 1e-12);
  EXPECT_EQ(Query(q, "resets(c_total[1m])", kMinute).value, "{} 1\n");
}

TEST(FunctionsRange, SeriesStartingInsideTheRangeExtrapolatesHalfAnInterval) {
  TestQuerier q;
  q.Add("c_total", {{120000, 10}, {135000, 20}, {150000, 30}, {165000, 40}, {180000, 50}});
  // 40 over 60s, plus 7.5s (half the spacing) before the first sample: 40 * 67.5/60.
  EXPECT_EQ(Query(q, "increase(c_total[2m])", 3 * kMinute).value, "{} 45\n");
}

TEST(FunctionsRange, CounterExtrapolationStopsAtZero) {
  TestQuerier q;
  q.Add("c_total", {{15000, 1}, {30000, 11}});
  // Towards the start only 1.5s (where the counter would be 0), 7.5s towards the end.
  EXPECT_EQ(Query(q, "increase(c_total[1m])", kMinute).value, "{} 16\n");
  // delta() is for gauges: no zero bound.
  q.Add("g", {{15000, 1}, {30000, 11}});
  EXPECT_EQ(Query(q, "delta(g[1m])", kMinute).value, "{} 25\n");
}

TEST(FunctionsRange, RateNeedsTwoSamples) {
  TestQuerier q;
  q.Add("c_total", {{30000, 1}});
  EXPECT_EQ(Query(q, "rate(c_total[1m])", kMinute).value, "");
}

TEST(FunctionsRange, IrateAndIdeltaUseTheLastTwoSamples) {
  TestQuerier q;
  q.Load("c_total", k15s, {1, 5, 2});
  EXPECT_NEAR(SingleValue(q, "irate(c_total[1m])", 30000), 2.0 / 15, 1e-15);
  EXPECT_EQ(Query(q, "idelta(c_total[1m])", 30000).value, "{} -3\n");
}

TEST(FunctionsRange, DerivAndPredictLinear) {
  TestQuerier q;
  q.Load("g", kMinute, {0, 2, 4});
  EXPECT_NEAR(SingleValue(q, "deriv(g[3m])", 2 * kMinute), 2.0 / 60, 1e-15);
  EXPECT_NEAR(SingleValue(q, "predict_linear(g[3m], 60)", 2 * kMinute), 6, 1e-12);
}

TEST(FunctionsRange, ChangesTreatsNaNAsEqualToNaN) {
  TestQuerier q;
  q.Load("g", k15s, {1, 1, 2, 1, 1, std::nan(""), std::nan("")});
  EXPECT_EQ(Query(q, "changes(g[2m])", 90000).value, "{} 3\n");
}

TEST(FunctionsRange, SumOverTimeIsCompensated) {
  TestQuerier q;
  q.Load("g", k15s, {1e100, 1, -1e100});
  EXPECT_EQ(Query(q, "sum_over_time(g[1m])", 30000).value, "{} 1\n");
  EXPECT_NEAR(SingleValue(q, "avg_over_time(g[1m])", 30000), 1.0 / 3, 1e-15);
}

TEST(FunctionsRange, AvgOverTimeSurvivesOverflow) {
  TestQuerier q;
  q.Load("g", k15s, {1e308, 1e308});
  EXPECT_EQ(Query(q, "avg_over_time(g[1m])", 15000).value, "{} 1e+308\n");
}

TEST(FunctionsRange, QuantileOverTimeWarnsOnInvalidQuantile) {
  TestQuerier q;
  q.Load("g", k15s, {1, 2, 3, 4});
  EXPECT_EQ(Query(q, "quantile_over_time(0.5, g[1m])", 45000).value, "{} 2.5\n");
  auto r = Query(q, "quantile_over_time(2, g[1m])", 45000);
  EXPECT_EQ(r.value, "{} +Inf\n");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "PromQL warning: quantile value should be between 0 and 1, got 2 (1:20)");
}

TEST(FunctionsRange, VarianceAndExtremes) {
  TestQuerier q;
  q.Load("g", k15s, {2, 4, 4, 4, 5, 5, 7, 9});
  EXPECT_EQ(Query(q, "stddev_over_time(g[2m])", 105000).value, "{} 2\n");
  EXPECT_EQ(Query(q, "stdvar_over_time(g[2m])", 105000).value, "{} 4\n");
  q.Load("h", k15s, {std::nan(""), 1, 3});
  EXPECT_EQ(Query(q, "max_over_time(h[1m])", 30000).value, "{} 3\n");
  EXPECT_EQ(Query(q, "min_over_time(h[1m])", 30000).value, "{} 1\n");
  EXPECT_EQ(Query(q, "ts_of_max_over_time(h[1m])", 30000).value, "{} 30\n");
}

TEST(FunctionsRange, LastOverTimeKeepsTheName) {
  TestQuerier q;
  q.Load("g", k15s, {1, 2});
  EXPECT_EQ(Query(q, "last_over_time(g[1m])", 15000).value, "{__name__=\"g\"} 2\n");
  EXPECT_EQ(Query(q, "first_over_time(g[1m])", 15000).value, "{__name__=\"g\"} 1\n");
}

TEST(FunctionsRange, RateOfANonCounterNameIsReported) {
  TestQuerier q;
  q.Load("g", k15s, {1, 2, 3});
  auto r = Query(q, "rate(g[1m])", 30000);
  ASSERT_EQ(r.infos.size(), 1u);
  EXPECT_EQ(r.infos[0],
            "PromQL info: metric might not be a counter, name does not end in "
            "_total/_sum/_count/_bucket: \"g\" (1:6)");
}

TEST(FunctionsRange, DoubleExponentialSmoothing) {
  TestQuerier q;
  q.Load("g", k15s, {0, 1, 2, 3});
  EXPECT_EQ(Query(q, "double_exponential_smoothing(g[1m], 0.5, 0.5)", 45000).value, "{} 3\n");
  EXPECT_EQ(Query(q, "double_exponential_smoothing(g[1m], 1, 0.5)", 45000).value,
            "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000");
}

TEST(FunctionsRange, AbsentOverTime) {
  TestQuerier q;
  q.Add("g{job=\"a\"}", {{0, 1}});
  EXPECT_EQ(Query(q, "absent_over_time(g[1m])", 30000).value, "");
  EXPECT_EQ(Query(q, "absent_over_time(g{job=\"b\"}[1m])", 30000).value, "{job=\"b\"} 1\n");
  EXPECT_EQ(QueryRange(q, "absent_over_time(g[1m])", 0, 2 * kMinute, kMinute).value,
            "{} 1@60 1@120\n");
}

TEST(FunctionsRange, AnchoredAndSmoothedRestrictions) {
  TestQuerier q;
  q.Load("g", k15s, {0, 1});
  EXPECT_EQ(Query(q, "deriv(g[1m] anchored)", 15000).value,
            "anchored modifier can only be used with: changes, delta, increase, rate, resets - "
            "not with deriv");
  EXPECT_EQ(Query(q, "changes(g[1m] smoothed)", 15000).value,
            "smoothed modifier can only be used with: delta, increase, rate - not with changes");
}

TEST(FunctionsRange, AnchoredIncreaseUsesTheSampleBeforeTheWindow) {
  TestQuerier q;
  q.Load("c_total", kMinute, {1, 2, 3, 4, 5});
  // Window (60s, 180s]: from 2 (at 60s, the anchor) to 4, no extrapolation.
  EXPECT_EQ(Query(q, "increase(c_total[2m] anchored)", 3 * kMinute).value, "{} 2\n");
}

}  // namespace
}  // namespace tocsin::promql::testing
