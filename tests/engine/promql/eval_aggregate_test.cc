// Aggregations: grouping, Prometheus's float algorithms, the order of topk/bottomk, quantile,
// count_values and the parameter checks.
#include <gtest/gtest.h>

#include "storage/base/sample.h"
#include "storage/tsdb/appender.h"
#include "storage/tsdb/series_store.h"
#include "tests/engine/promql/query_helpers.h"

namespace tocsin::promql::testing {
namespace {

TestQuerier Requests() {
  TestQuerier q;
  q.Add("req{job=\"api\", instance=\"0\"}", {{0, 100}});
  q.Add("req{job=\"api\", instance=\"1\"}", {{0, 200}});
  q.Add("req{job=\"web\", instance=\"0\"}", {{0, 300}});
  q.Add("req{job=\"web\", instance=\"1\"}", {{0, 400}});
  return q;
}

TEST(EvalAggregate, GroupingByAndWithout) {
  auto q = Requests();
  EXPECT_EQ(Query(q, "sum(req)", 0).value, "{} 1000\n");
  EXPECT_EQ(Query(q, "sum by (job) (req)", 0).value, "{job=\"api\"} 300\n{job=\"web\"} 700\n");
  EXPECT_EQ(Query(q, "max without (instance) (req)", 0).value,
            "{job=\"api\"} 200\n{job=\"web\"} 400\n");
  EXPECT_EQ(Query(q, "count by (nonexistent) (req)", 0).value, "{} 4\n");
  EXPECT_EQ(Query(q, "group(req)", 0).value, "{} 1\n");
}

TEST(EvalAggregate, SumIsCompensated) {
  TestQuerier q;
  q.Add("g{i=\"1\"}", {{0, 1e100}});
  q.Add("g{i=\"2\"}", {{0, 1}});
  q.Add("g{i=\"3\"}", {{0, -1e100}});
  EXPECT_EQ(Query(q, "sum(g)", 0).value, "{} 1\n");
}

TEST(EvalAggregate, AvgFallsBackToIncrementalMeanOnOverflow) {
  TestQuerier q;
  q.Add("g{i=\"1\"}", {{0, 1e308}});
  q.Add("g{i=\"2\"}", {{0, 1e308}});
  EXPECT_EQ(Query(q, "avg(g)", 0).value, "{} 1e+308\n");
}

TEST(EvalAggregate, StddevAndQuantile) {
  auto q = Requests();
  EXPECT_NEAR(SingleValue(q, "stddev(req)", 0), 111.80339887498948, 1e-9);
  EXPECT_EQ(Query(q, "quantile(0.5, req)", 0).value, "{} 250\n");
  auto r = Query(q, "quantile(1.5, req)", 0);
  EXPECT_EQ(r.value, "{} +Inf\n");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "PromQL warning: quantile value should be between 0 and 1, got 1.5 (1:10)");
}

TEST(EvalAggregate, TopkAndBottomkOrder) {
  auto q = Requests();
  EXPECT_EQ(Query(q, "topk(2, req)", 0).value,
            "{__name__=\"req\", instance=\"1\", job=\"web\"} 400\n"
            "{__name__=\"req\", instance=\"0\", job=\"web\"} 300\n");
  EXPECT_EQ(Query(q, "bottomk by (job) (1, req)", 0).value,
            "{__name__=\"req\", instance=\"0\", job=\"api\"} 100\n"
            "{__name__=\"req\", instance=\"0\", job=\"web\"} 300\n");
  EXPECT_EQ(Query(q, "topk(0, req)", 0).value, "");
}

TEST(EvalAggregate, NaNParametersFail) {
  auto q = Requests();
  EXPECT_EQ(Query(q, "topk(NaN, req)", 0).value, "Parameter value is NaN");
  EXPECT_EQ(Query(q, "limit_ratio(NaN, req)", 0).value, "Ratio value is NaN");
}

TEST(EvalAggregate, CountValues) {
  TestQuerier q;
  q.Add("v{i=\"1\"}", {{0, 1}});
  q.Add("v{i=\"2\"}", {{0, 1}});
  q.Add("v{i=\"3\"}", {{0, 2.5}});
  EXPECT_EQ(Query(q, "count_values(\"value\", v)", 0).value,
            "{value=\"1\"} 2\n{value=\"2.5\"} 1\n");
  EXPECT_EQ(Query(q, "count_values(\"a\\xc5z\", v)", 0).value, "invalid label name \"a\\xc5z\"");
}

TEST(EvalAggregate, LimitRatioSamplesByPrometheusHash) {
  auto q = Requests();
  EXPECT_EQ(Query(q, "count(limit_ratio(1, req))", 0).value, "{} 4\n");
  // A ratio and its complement split the series between them.
  EXPECT_EQ(Query(q, "count(limit_ratio(0.3, req) or limit_ratio(-0.7, req))", 0).value, "{} 4\n");
  EXPECT_EQ(Query(q, "count(limit_ratio(0.3, req) and limit_ratio(-0.7, req))", 0).value, "");
}

TEST(EvalAggregate, RangeQueryAggregatesEveryStep) {
  TestQuerier q;
  q.Load("g{i=\"1\"}", kMinute, {1, 2, 3});
  q.Load("g{i=\"2\"}", kMinute, {10, 20});
  EXPECT_EQ(QueryRange(q, "sum(g)", 0, 2 * kMinute, kMinute).value, "{} 11@0 22@60 23@120\n");
}

// Counters in the series store (whose selections present labels as views into its symbol
// table) with a reset, a stale marker and label sets of several shapes.
void LoadCounters(storage::SeriesStore& store) {
  storage::Appender app(store);
  auto add = [&](const Labels& l, std::vector<double> values) {
    for (size_t i = 0; i < values.size(); ++i) {
      ASSERT_TRUE(app.Append(l, static_cast<TimestampMs>(i) * 15 * kSecond, values[i]).ok());
    }
  };
  add(Labels{{"__name__", "reqs_total"}, {"job", "api"}, {"code", "200"}, {"i", "0"}},
      {0, 10, 20, 30, 40, 50, 60});
  add(Labels{{"__name__", "reqs_total"}, {"job", "api"}, {"code", "500"}, {"i", "0"}},
      {5, 6, 7, 1, 2, 3, 4});  // a reset
  add(Labels{{"__name__", "reqs_total"}, {"job", "web"}, {"code", "200"}, {"i", "1"}},
      {1, 2, StaleNaN(), 3, 4, 5, 6});  // a stale marker
  add(Labels{{"__name__", "reqs_total"}, {"job", "web"}, {"i", "2"}}, {7, 8, 9, 10, 11, 12, 13});
  add(Labels{{"__name__", "other_total"}, {"job", "web"}, {"i", "3"}}, {1, 2, 3, 4, 5, 6, 7});
  ASSERT_EQ(app.Commit().counts.rejected(), 0u);
}

TEST(EvalAggregate, GroupingARangeFunctionFromLabelViewsEqualsGroupingItsResult) {
  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  LoadCounters(store);
  const TimestampMs t = 90 * kSecond;
  // "+ 0" keeps the values and labels but makes the aggregation group an evaluated vector, the
  // way it groups any other input.
  for (const std::string agg : {"sum", "avg", "count", "min", "max", "group", "stddev"}) {
    for (const std::string grouping :
         {"", " by (job)", " by (code)", " by (job, code)", " without (i)", " without (code)",
          " by (__name__)", " without ()", " by (nonexistent)"}) {
      for (const std::string call :
           {"rate(reqs_total[1m])", "increase(reqs_total[90s])", "last_over_time(reqs_total[1m])",
            "rate({job=\"web\"}[1m])", "resets(reqs_total{code!=\"\"}[2m])"}) {
        const std::string fused = agg + grouping + " (" + call + ")";
        const std::string evaluated = agg + grouping + " (" + call + " + 0)";
        const auto a = Query(store, fused, t);
        const auto b = Query(store, evaluated, t);
        EXPECT_TRUE(a.ok) << fused << ": " << a.value;
        // last_over_time keeps the metric name, which "+ 0" drops.
        if (call.starts_with("last_over_time") && grouping == " by (__name__)") continue;
        EXPECT_EQ(a.value, b.value) << fused;
        EXPECT_EQ(QueryRange(store, fused, 0, t, 15 * kSecond).value,
                  QueryRange(store, evaluated, 0, t, 15 * kSecond).value)
            << fused;
      }
    }
  }
  EXPECT_EQ(Query(store, "sum by (job) (increase(reqs_total[90s]))", t).value,
            "{job=\"api\"} 66\n{job=\"web\"} 10.8\n");
  EXPECT_EQ(Query(store, "sum by (__name__) (last_over_time(reqs_total[1m]))", t).value,
            "{__name__=\"reqs_total\"} 83\n");
}

TEST(EvalAggregate, GroupingFromLabelViewsStillFailsOnSeriesEqualWithoutTheirMetadata) {
  // Two series that differ only in __type__ become one after rate() drops the metadata
  // labels: the aggregation must see the same error as without grouping from views.
  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  storage::Appender app(store);
  for (const char* type : {"counter", "gauge"}) {
    const Labels l{{"__name__", "x_total"}, {"__type__", type}, {"job", "a"}};
    ASSERT_TRUE(app.Append(l, 0, 1).ok());
    ASSERT_TRUE(app.Append(l, 15 * kSecond, 2).ok());
  }
  ASSERT_TRUE(app.Append(Labels{{"__name__", "y_total"}, {"__type__", "counter"}}, 0, 1).ok());
  ASSERT_TRUE(app.Append(Labels{{"__name__", "y_total"}, {"__type__", "counter"}}, 15000, 3).ok());
  app.Commit();
  const auto r = Query(store, "sum(rate(x_total[1m]))", 15 * kSecond);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.value, "vector cannot contain metrics with the same labelset");
  // One series with __type__: grouped the ordinary way, same result.
  EXPECT_EQ(Query(store, "sum by (__type__) (rate(y_total[1m]))", 15 * kSecond).value,
            Query(store, "sum by (__type__) (rate(y_total[1m]) + 0)", 15 * kSecond).value);
}

}  // namespace
}  // namespace tocsin::promql::testing
