#include "engine/promql/duration_expr.h"

#include <gtest/gtest.h>

#include "engine/promql/parser.h"

namespace tocsin::promql {
namespace {

TEST(DurationExprTest, ResolvesRangesStepsAndOffsets) {
  auto r = ParseExpr("x[5m*2:step()] offset -(1h/2)");
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_TRUE(ResolveDurations(**r, 10 * kSecond, kHour).ok());
  const auto& sq = As<SubqueryExpr>(**r);
  EXPECT_EQ(sq.range.ms, 10 * kMinute);
  EXPECT_EQ(sq.step.ms, 10 * kSecond);
  EXPECT_EQ(sq.original_offset.ms, -30 * kMinute);
}

TEST(DurationExprTest, FunctionsAndOperators) {
  struct Case {
    const char* query;
    DurationMs want;
  };
  const Case cases[] = {
      {"rate(x[min_of(step()+1, 1h)])", 11 * kSecond},
      {"rate(x[max_of(range(), 1m)])", 2 * kMinute},
      {"rate(x[1h30m % 1h])", 30 * kMinute},
      {"rate(x[2 ^ 3])", 8 * kSecond},
      {"rate(x[-5m+35m])", 30 * kMinute},
      {"rate(x[1.5 * 1001ms])", 1501},
  };
  for (const auto& c : cases) {
    auto r = ParseExpr(c.query);
    ASSERT_TRUE(r.ok()) << c.query << ": " << r.message();
    ASSERT_TRUE(ResolveDurations(**r, 10 * kSecond, 2 * kMinute).ok()) << c.query;
    const auto& call = As<Call>(**r);
    EXPECT_EQ(As<MatrixSelector>(*call.args[0]).range.ms, c.want) << c.query;
  }
}

TEST(DurationExprTest, RangesMustBePositive) {
  auto r = ParseExpr("x[step()]");
  ASSERT_TRUE(r.ok()) << r.message();
  Status s = ResolveDurations(**r, 0, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "2:8: duration must be greater than 0");
  auto o = ParseExpr("x offset -step()");
  ASSERT_TRUE(o.ok()) << o.message();
  EXPECT_TRUE(ResolveDurations(**o, kSecond, 0).ok());
  EXPECT_EQ(As<VectorSelector>(**o).original_offset.ms, -kSecond);
}

}  // namespace
}  // namespace tocsin::promql

namespace tocsin::promql {
namespace {

TEST(DurationExprTest, MinMaxFollowGo) {
  auto resolve = [](const char* q) {
    auto e = ParseExpr(q);
    EXPECT_TRUE(e.ok()) << q << ": " << e.message();
    return ResolveDurations(**e, 0, 0);
  };
  // 0^-1 is +Inf; Inf - Inf is NaN. NaN propagates through max_of as in Go, so the range is
  // rejected instead of silently becoming 1m.
  Status nan = resolve("x[max_of(1m, 0^-1 - 0^-1)]");
  ASSERT_FALSE(nan.ok());
  EXPECT_NE(nan.message().find("duration is NaN or infinite"), std::string::npos);
  EXPECT_FALSE(resolve("x[max_of(1m, 0^-1)]").ok());
  EXPECT_TRUE(resolve("x[min_of(1m, 0^-1)]").ok());
}

}  // namespace
}  // namespace tocsin::promql
