#include "engine/daemon/retention.h"

#include <gtest/gtest.h>

#include "engine/promql/parser.h"

namespace tocsin::daemon {
namespace {

DurationMs LookBackOf(const std::string& query) {
  auto expr = promql::ParseExpr(query);
  EXPECT_TRUE(expr.ok()) << expr.message();
  return expr.ok() ? LookBack(**expr, 5 * kMinute) : -1;
}

TEST(RetentionTest, LookBackOfSelectorsRangesOffsetsAndSubqueries) {
  EXPECT_EQ(LookBackOf("up"), 5 * kMinute);
  EXPECT_EQ(LookBackOf("1 + 2"), 0);
  EXPECT_EQ(LookBackOf("rate(x[15m])"), 15 * kMinute);
  EXPECT_EQ(LookBackOf("rate(x[15m] offset 1h) / up"), 75 * kMinute);
  EXPECT_EQ(LookBackOf("up offset -10m"), 5 * kMinute);
  EXPECT_EQ(LookBackOf("max_over_time(rate(x[5m])[1h:1m])"), 65 * kMinute);
  EXPECT_EQ(LookBackOf("max_over_time(up[2h] @ 100)"), 2 * kHour);
  EXPECT_EQ(LookBackOf("sum by (a) (increase(x[1d])) > on(a) group_left rate(y[5m])"), kDay);
}

TEST(RetentionTest, DerivedRetentionHasAFloorAndAMargin) {
  EXPECT_EQ(DerivedRetention(10 * kMinute, 5 * kMinute, kHour), kHour);
  EXPECT_EQ(DerivedRetention(kHour, 5 * kMinute, kHour), kHour + 5 * kMinute);
}

}  // namespace
}  // namespace tocsin::daemon
