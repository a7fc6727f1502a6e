// The query entry points: result types, range-query checks, the sample limit, annotation
// rendering and pre-processing (step invariance, start()/end(), duration expressions).
#include "engine/promql/engine.h"

#include <gtest/gtest.h>

#include "tests/engine/promql/query_helpers.h"

namespace tocsin::promql::testing {
namespace {

TEST(Engine, ResultTypes) {
  TestQuerier q;
  q.Load("m", kMinute, {1, 2});
  EXPECT_EQ(Query(q, "1 + 1", 0).value, "2");
  EXPECT_EQ(Query(q, "\"hello\"", 0).value, "\"hello\"");
  EXPECT_EQ(Query(q, "m[2m]", kMinute).value, "{__name__=\"m\"} 1@0 2@60\n");
  EXPECT_EQ(QueryRange(q, "time()", 0, kMinute, kMinute).value, "{} 0@0 60@60\n");
}

TEST(Engine, RangeQueriesNeedAVectorOrScalar) {
  TestQuerier q;
  EXPECT_EQ(QueryRange(q, "m[1m]", 0, kMinute, kMinute).value,
            "invalid expression type \"range vector\" for range query, must be Scalar or "
            "instant Vector");
}

TEST(Engine, SampleLimit) {
  TestQuerier q;
  for (int i = 0; i < 20; ++i) q.Load("m{i=\"" + std::to_string(i) + "\"}", kMinute, {1, 2, 3});
  EngineOptions opts;
  opts.max_samples = 10;
  EXPECT_EQ(Query(q, "m", 0, opts).value,
            "query processing would load too many samples into memory in query execution");
  opts.max_samples = 100;
  EXPECT_TRUE(Query(q, "sum(m)", 0, opts).ok);
}

TEST(Engine, AnnotationPositions) {
  Annotation a{Annotation::Kind::kInfo, "something", PosRange{6, 9}};
  EXPECT_EQ(FormatAnnotation(a, "rate(\nfoo[5m])"), "PromQL info: something (2:1)");
  EXPECT_EQ(FormatAnnotation(a, "rate(foo[5m])"), "PromQL info: something (1:7)");
  EXPECT_EQ(FormatAnnotation(a, ""), "PromQL info: something (unknown position)");
}

TEST(Engine, QueryTimeFunctionsAndDurationExpressions) {
  TestQuerier q;
  q.Load("m", kMinute, {0, 1, 2, 3, 4, 5, 6});
  EXPECT_EQ(QueryRange(q, "start()", kMinute, 2 * kMinute, kMinute).value, "{} 60@60 60@120\n");
  EXPECT_EQ(QueryRange(q, "step() + range()", kMinute, 2 * kMinute, kMinute).value,
            "{} 120@60 120@120\n");
  EXPECT_EQ(Query(q, "m offset (1m * 2)", 5 * kMinute).value, "{__name__=\"m\"} 3\n");
  EXPECT_EQ(Query(q, "count_over_time(m[2m + 1m])", 6 * kMinute).value, "{} 3\n");
}

TEST(Engine, StepInvariantExpressionsRepeatTheirValue) {
  TestQuerier q;
  q.Load("m", kMinute, {0, 1, 2, 3});
  EXPECT_EQ(QueryRange(q, "m @ 120", 0, 3 * kMinute, kMinute).value,
            "{__name__=\"m\"} 2@0 2@60 2@120 2@180\n");
  EXPECT_EQ(QueryRange(q, "m @ end() - m", 0, 3 * kMinute, kMinute).value,
            "{} 3@0 2@60 1@120 0@180\n");
}

}  // namespace
}  // namespace tocsin::promql::testing
