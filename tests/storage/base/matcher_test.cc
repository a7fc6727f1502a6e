#include "storage/base/matcher.h"

#include <gtest/gtest.h>

namespace tocsin {
namespace {

LabelMatcher M(MatchType t, const std::string& v) {
  auto m = LabelMatcher::Make(t, "job", v);
  EXPECT_TRUE(m.ok()) << m.message();
  return m.value();
}

TEST(MatcherTest, EqualityMatchersTreatMissingAsEmpty) {
  EXPECT_TRUE(M(MatchType::kEqual, "").matches(""));
  EXPECT_TRUE(M(MatchType::kEqual, "").matches_empty());
  EXPECT_FALSE(M(MatchType::kNotEqual, "").matches_empty());
  EXPECT_TRUE(M(MatchType::kNotEqual, "a").matches("b"));
}

TEST(MatcherTest, RegexesAreFullyAnchored) {
  auto m = M(MatchType::kRegexp, "api|web");
  EXPECT_TRUE(m.matches("api"));
  EXPECT_FALSE(m.matches("apix"));
  EXPECT_FALSE(m.matches("xapi"));
  EXPECT_FALSE(M(MatchType::kNotRegexp, "a.*").matches("abc"));
  EXPECT_TRUE(M(MatchType::kRegexp, ".*").matches_empty());
}

TEST(MatcherTest, DotMatchesNewlineAsInPrometheus3) {
  EXPECT_TRUE(M(MatchType::kRegexp, "a.b").matches("a\nb"));
}

TEST(MatcherTest, CaseInsensitiveFlag) {
  EXPECT_TRUE(M(MatchType::kRegexp, "(?i)API").matches("api"));
}

TEST(MatcherTest, BadRegexIsAnError) {
  auto m = LabelMatcher::Make(MatchType::kRegexp, "a", "(");
  ASSERT_FALSE(m.ok());
  // Go's regexp.Compile text (Prometheus and Alertmanager quote it), for the anchored form.
  EXPECT_EQ(m.message(), "error parsing regexp: missing closing ): `^(?s:()$`");
  auto am = LabelMatcher::Make(MatchType::kRegexp, "a", "a[", RegexDialect::kAlertmanager);
  ASSERT_FALSE(am.ok());
  EXPECT_EQ(am.message(), "error parsing regexp: missing closing ]: `[)$`");
}

TEST(MatcherTest, Printing) {
  EXPECT_EQ(M(MatchType::kNotRegexp, "a\"b").to_string(), R"(job!~"a\"b")");
}

TEST(MatcherTest, AlertmanagerDialectDotDoesNotMatchNewline) {
  auto am = LabelMatcher::Make(MatchType::kRegexp, "a", "a.b", RegexDialect::kAlertmanager);
  ASSERT_TRUE(am.ok());
  EXPECT_FALSE(am->matches("a\nb"));
  EXPECT_TRUE(am->matches("axb"));
  EXPECT_FALSE(am->matches("axbc"));
  EXPECT_EQ(am->dialect(), RegexDialect::kAlertmanager);
  auto prom = LabelMatcher::Make(MatchType::kRegexp, "a", "a.b");
  EXPECT_FALSE(am.value() == prom.value());
}

}  // namespace
}  // namespace tocsin
