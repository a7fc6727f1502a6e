// Aggregations: grouping, Prometheus's float algorithms, the order of topk/bottomk, quantile,
// count_values and the parameter checks.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tocsin::promql::testing
