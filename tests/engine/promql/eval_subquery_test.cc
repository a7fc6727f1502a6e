// Subqueries: steps aligned to absolute multiples of the step, left-open ranges, offset and @.
#include <gtest/gtest.h>

#include "tests/engine/promql/query_helpers.h"

namespace tocsin::promql::testing {
namespace {

TestQuerier Counter() {
  TestQuerier q;
  // 0, 1, 2, ... every 10s.
  std::vector<double> v;
  for (int i = 0; i <= 100; ++i) v.push_back(i);
  q.Load("c_total", 10 * kSecond, v);
  return q;
}

TEST(EvalSubquery, StepsAreAlignedToMultiplesOfTheStep) {
  auto q = Counter();
  // At 95s, [1m:20s] covers (35s, 95s]: steps 40, 60, 80 (aligned, not 55/75/95).
  EXPECT_EQ(Query(q, "c_total[1m:20s]", 95 * kSecond).value,
            "{__name__=\"c_total\"} 4@40 6@60 8@80\n");
}

TEST(EvalSubquery, RangeIsLeftOpen) {
  auto q = Counter();
  // (60s, 120s] with a 1m step holds only 120s.
  EXPECT_EQ(Query(q, "count_over_time(c_total[1m:1m])", 2 * kMinute).value, "{} 1\n");
  EXPECT_EQ(Query(q, "count_over_time(c_total[2m:1m])", 2 * kMinute).value, "{} 2\n");
}

TEST(EvalSubquery, DefaultStepIsTheEngineOption) {
  auto q = Counter();
  EngineOptions opts;
  opts.default_subquery_step = 30 * kSecond;
  EXPECT_EQ(Query(q, "count_over_time(c_total[2m:])", 2 * kMinute, opts).value, "{} 4\n");
}

TEST(EvalSubquery, FunctionsOverSubqueries) {
  auto q = Counter();
  EXPECT_NEAR(SingleValue(q, "max_over_time(rate(c_total[1m])[5m:1m])", 10 * kMinute), 0.1, 1e-12);
  EXPECT_EQ(Query(q, "c_total[1m:30s] offset 1m", 3 * kMinute).value,
            "{__name__=\"c_total\"} 9@90 12@120\n");
  EXPECT_EQ(Query(q, "c_total[1m:30s] @ 120", 0).value, "{__name__=\"c_total\"} 9@90 12@120\n");
}

TEST(EvalSubquery, NestedSubqueryInRangeQuery) {
  auto q = Counter();
  EXPECT_EQ(
      QueryRange(q, "sum_over_time(c_total[30s:10s])", 60 * kSecond, 80 * kSecond, 10 * kSecond)
          .value,
      "{} 15@60 18@70 21@80\n");
}

}  // namespace
}  // namespace tocsin::promql::testing
