#include "engine/cli/history_args.h"

#include <gtest/gtest.h>

namespace tocsin::cli {
namespace {

constexpr TimestampMs kNow = 1'714'564'800'000;  // 2024-05-01T12:00:00Z

TEST(ParseTimeArgTest, DurationsMeanAgo) {
  EXPECT_EQ(ParseTimeArg("--since", "2h", kNow).value(), kNow - 2 * kHour);
  EXPECT_EQ(ParseTimeArg("--since", "7d", kNow).value(), kNow - 7 * kDay);
  EXPECT_EQ(ParseTimeArg("--since", "1h30m", kNow).value(), kNow - 90 * kMinute);
}

TEST(ParseTimeArgTest, Rfc3339) {
  EXPECT_EQ(ParseTimeArg("--until", "2024-05-01T12:00:00Z", 0).value(), kNow);
  EXPECT_EQ(ParseTimeArg("--until", "2024-05-01T14:00:00.5+02:00", 0).value(), kNow + 500);
}

TEST(ParseTimeArgTest, ErrorsNameTheFlag) {
  auto r = ParseTimeArg("--since", "yesterday", kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(),
            "invalid --since \"yesterday\": want a duration before now (2h, 7d) or an RFC 3339 "
            "time (2024-05-01T12:00:00Z)");
}

TEST(ParseMatcherArgTest, AllOperatorsQuotedAndBare) {
  auto m = ParseMatcherArg(R"(component=~"queue|redis")").value();
  EXPECT_EQ(m.type(), MatchType::kRegexp);
  EXPECT_EQ(m.name(), "component");
  EXPECT_EQ(m.value(), "queue|redis");
  EXPECT_TRUE(m.matches("redis"));
  EXPECT_FALSE(m.matches("redis-2"));  // anchored

  m = ParseMatcherArg("severity!=info").value();
  EXPECT_EQ(m.type(), MatchType::kNotEqual);
  EXPECT_EQ(m.value(), "info");
  m = ParseMatcherArg(R"( job !~ "api.*" )").value();
  EXPECT_EQ(m.type(), MatchType::kNotRegexp);
  m = ParseMatcherArg(R"({env="prod"})").value();
  EXPECT_EQ(m.type(), MatchType::kEqual);
  EXPECT_EQ(m.name(), "env");
  m = ParseMatcherArg(R"("label with space"="a \"b\"\n")").value();
  EXPECT_EQ(m.name(), "label with space");
  EXPECT_EQ(m.value(), "a \"b\"\n");
  m = ParseMatcherArg("empty=").value();
  EXPECT_EQ(m.value(), "");
}

TEST(ParseMatcherArgTest, BadInputIsAClearError) {
  EXPECT_EQ(ParseMatcherArg("=x").message(), "invalid matcher \"=x\": expected a label name");
  EXPECT_EQ(ParseMatcherArg("a~x").message(),
            "invalid matcher \"a~x\": expected one of = != =~ !~ after the label name");
  EXPECT_EQ(ParseMatcherArg(R"(a="x)").message(),
            "invalid matcher \"a=\"x\": unterminated quoted value");
  EXPECT_EQ(ParseMatcherArg(R"(a="x" b)").message(),
            "invalid matcher \"a=\"x\" b\": unexpected text after the value");
  EXPECT_EQ(ParseMatcherArg("a=x,b=y").message(),
            "invalid matcher \"a=x,b=y\": a value with special characters must be double-quoted");
  auto bad_re = ParseMatcherArg(R"(a=~"(")");
  ASSERT_FALSE(bad_re.ok());
  EXPECT_NE(bad_re.message().find("error parsing regexp"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::cli
