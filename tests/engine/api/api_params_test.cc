#include "engine/api/api_params.h"

#include <gtest/gtest.h>

#include "engine/api/prometheus_query_api.h"

namespace tocsin::api {
namespace {

TEST(ApiParamsTest, TimesAreUnixSecondsOrRfc3339) {
  EXPECT_EQ(*ParseApiTime("1700000000"), 1700000000000);
  EXPECT_EQ(*ParseApiTime("1.5"), 1500);
  EXPECT_EQ(*ParseApiTime("1.0006"), 1001);  // rounded to milliseconds
  EXPECT_EQ(*ParseApiTime("-1.5"), -1500);
  EXPECT_EQ(*ParseApiTime("1e3"), 1000000);
  EXPECT_EQ(*ParseApiTime("2024-05-01T12:00:00Z"), 1714564800000);
  EXPECT_EQ(*ParseApiTime("2024-05-01T12:00:00.25+02:00"), 1714557600250);
  EXPECT_EQ(*ParseApiTime("-292273086-05-16T16:47:06Z"), kApiMinTime);
  EXPECT_EQ(*ParseApiTime("292277025-08-18T07:12:54.999999999Z"), kApiMaxTime);
}

TEST(ApiParamsTest, BadTimesNameTheText) {
  for (const char* bad : {"", "abc", " 1", "1 ", "NaN", "Inf", "1e400", "2024-13-01T00:00:00Z",
                          "99999999999999999999"}) {
    auto t = ParseApiTime(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.message(), "cannot parse \"" + std::string(bad) + "\" to a valid timestamp");
  }
}

TEST(ApiParamsTest, DurationsAreSecondsOrPrometheusDurations) {
  EXPECT_EQ(*ParseApiDurationNs("15"), 15'000'000'000);
  EXPECT_EQ(*ParseApiDurationNs("0.5"), 500'000'000);
  EXPECT_EQ(*ParseApiDurationNs("1m30s"), 90'000'000'000);
  EXPECT_EQ(*ParseApiDurationNs("-2"), -2'000'000'000);
  EXPECT_EQ(ParseApiDurationNs("1x").message(), "cannot parse \"1x\" to a valid duration");
  EXPECT_EQ(ParseApiDurationNs("1e10").message(),
            "cannot parse \"1e10\" to a valid duration. It overflows int64");
  EXPECT_FALSE(ParseApiDurationNs("").ok());
}

TEST(ApiParamsTest, LimitIsAtoiAndNonNegative) {
  EXPECT_EQ(*ParseApiLimit(""), 0);
  EXPECT_EQ(*ParseApiLimit("10"), 10);
  EXPECT_EQ(*ParseApiLimit("+3"), 3);
  EXPECT_EQ(ParseApiLimit("-1").message(), "limit must be non-negative");
  EXPECT_EQ(ParseApiLimit("x").message(), "strconv.Atoi: parsing \"x\": invalid syntax");
  EXPECT_EQ(ParseApiLimit("99999999999999999999").message(),
            "strconv.Atoi: parsing \"99999999999999999999\": value out of range");
}

TEST(ApiParamsTest, MatcherSetsNeedASelectiveMatcher) {
  auto sets = ParseMatcherSets({"up", "{job=~\"a|b\", x!=\"\"}"});
  ASSERT_TRUE(sets.ok()) << sets.message();
  ASSERT_EQ(sets->size(), 2u);
  EXPECT_EQ((*sets)[0].size(), 1u);
  EXPECT_EQ(ParseMatcherSets({"{job=~\".*\"}"}).message(),
            "match[] must contain at least one non-empty matcher");
  EXPECT_FALSE(ParseMatcherSets({"up{"}).ok());
  EXPECT_FALSE(ParseMatcherSets({"rate(up[5m])"}).ok());
}

TEST(ApiParamsTest, GoBool) {
  EXPECT_TRUE(*ParseGoBool("true"));
  EXPECT_TRUE(*ParseGoBool("1"));
  EXPECT_FALSE(*ParseGoBool("F"));
  EXPECT_EQ(ParseGoBool("yes").message(), "strconv.ParseBool: parsing \"yes\": invalid syntax");
}

TEST(ApiParamsTest, LabelNamesInValueEncodingAreDecoded) {
  EXPECT_EQ(UnescapeLabelName("job"), "job");
  EXPECT_EQ(UnescapeLabelName("U__my_2e_label"), "my.label");
  EXPECT_EQ(UnescapeLabelName("U__a__b"), "a_b");
  EXPECT_EQ(UnescapeLabelName("U__smile_1f600_"), "smile\xf0\x9f\x98\x80");
  // Malformed escapes leave the name as written.
  EXPECT_EQ(UnescapeLabelName("U__bad_zz_"), "U__bad_zz_");
  EXPECT_EQ(UnescapeLabelName("U__open_2e"), "U__open_2e");
  EXPECT_EQ(UnescapeLabelName("U__big_1234567_"), "U__big_1234567_");
  EXPECT_EQ(UnescapeLabelName("U__surrogate_d800_"), "U__surrogate_d800_");
  EXPECT_EQ(UnescapeLabelName("U__trailing_"), "U__trailing_");
}

}  // namespace
}  // namespace tocsin::api
