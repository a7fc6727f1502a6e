// Aggregations: grouping, Prometheus's float algorithms, the order of topk/bottomk, quantile,
// count_values and the parameter checks.
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

// The same counters in the series store, whose selections carry symbol ids (aggregations group
// on them) and each window's last sample from the ring's header, with rings that wrap, and in
// a TestQuerier, which has neither (grouping on the label strings, last samples read from the
// windows): every aggregation over a range function, and the range functions alone, agree, at
// times where the windows end at the newest sample and where they end before it. The series
// have different label layouts (the grouping's per-position classification must notice), a
// counter reset and a stale marker.
TEST(EvalAggregate, StoreSelectionsGroupedOnSymbolIdsAgreeWithAPlainQuerier) {
  storage::SeriesStore store(storage::StoreOptions{2 * kMinute, 15 * kSecond});
  TestQuerier plain;
  storage::Appender app(store);
  struct Spec {
    std::string desc;
    Labels labels;
  };
  const std::vector<Spec> specs = {
      {"reqs_total{job=\"api\", code=\"200\", i=\"0\"}",
       Labels{{"__name__", "reqs_total"}, {"job", "api"}, {"code", "200"}, {"i", "0"}}},
      {"reqs_total{job=\"api\", code=\"500\", i=\"1\"}",
       Labels{{"__name__", "reqs_total"}, {"job", "api"}, {"code", "500"}, {"i", "1"}}},
      {"reqs_total{job=\"web\", i=\"2\"}",
       Labels{{"__name__", "reqs_total"}, {"job", "web"}, {"i", "2"}}},
      {"reqs_total{a=\"x\", job=\"web\", code=\"200\", i=\"3\"}",
       Labels{{"__name__", "reqs_total"}, {"a", "x"}, {"job", "web"}, {"code", "200"}, {"i", "3"}}},
      {"reqs_total{job=\"web\", code=\"200\", i=\"4\", zone=\"z\"}",
       Labels{
           {"__name__", "reqs_total"}, {"job", "web"}, {"code", "200"}, {"i", "4"}, {"zone", "z"}}},
  };
  constexpr int kSteps = 30;  // 7.5 minutes: the 2-minute rings wrap several times
  for (size_t s = 0; s < specs.size(); ++s) {
    std::vector<std::pair<TimestampMs, double>> samples;
    double v = static_cast<double>(s);
    for (int i = 0; i < kSteps; ++i) {
      const TimestampMs t = i * 15 * kSecond + static_cast<TimestampMs>(s) * 1000;
      v += 1.5 * static_cast<double>(s + 1);
      double value = v;
      if (s == 1 && i == kSteps - 3) value = v = 2;       // a reset near the end
      if (s == 2 && i == kSteps - 5) value = StaleNaN();  // a stale marker
      samples.emplace_back(t, value);
      ASSERT_TRUE(app.Append(specs[s].labels, t, value).ok());
    }
    plain.Add(specs[s].desc, samples);
  }
  ASSERT_EQ(app.Commit().counts.rejected(), 0u);
  const TimestampMs newest = (kSteps - 1) * 15 * kSecond;
  for (const TimestampMs t : {newest + 4 * kSecond, newest - 7 * kSecond, newest - 20 * kSecond}) {
    for (const std::string call :
         {"rate(reqs_total[1m])", "increase(reqs_total[90s])", "irate(reqs_total[1m])",
          "idelta(reqs_total[1m])", "delta(reqs_total[1m])", "last_over_time(reqs_total[1m])",
          "resets(reqs_total[90s])"}) {
      const auto a = Query(store, call, t);
      EXPECT_TRUE(a.ok) << call << ": " << a.value;
      EXPECT_EQ(SortedLines(a.value), SortedLines(Query(plain, call, t).value))
          << call << " @" << t;
      for (const std::string agg : {"sum", "count", "max", "avg"}) {
        for (const std::string grouping :
             {"", " by (job)", " by (code)", " by (job, code)", " without (i)", " without (job)",
              " by (__name__)", " by (zone, a)", " without (a, zone, i)"}) {
          const std::string q = agg + grouping + " (" + call + ")";
          const auto r = Query(store, q, t);
          EXPECT_TRUE(r.ok) << q << ": " << r.value;
          EXPECT_NE(r.value, "") << q;
          EXPECT_EQ(SortedLines(r.value), SortedLines(Query(plain, q, t).value)) << q << " @" << t;
        }
      }
    }
  }
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
