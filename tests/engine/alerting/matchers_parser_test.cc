#include "engine/alerting/matchers_parser.h"

#include <gtest/gtest.h>

namespace tocsin::alerting {
namespace {

std::string Parsed(std::string_view input, MatcherParseMode mode = MatcherParseMode::kFallback,
                   std::vector<std::string>* warnings = nullptr) {
  MatcherParseOptions o;
  o.mode = mode;
  o.warnings = warnings;
  Result<Matchers> ms = ParseMatchers(input, o);
  if (!ms.ok()) return "error: " + ms.message();
  return FormatMatchers(*ms);
}

TEST(MatchersParserTest, Utf8Syntax) {
  EXPECT_EQ(Parsed(R"({foo="bar", baz=~"a|b"})", MatcherParseMode::kUtf8Strict),
            R"({foo="bar",baz=~"a|b"})");
  EXPECT_EQ(Parsed("foo=bar", MatcherParseMode::kUtf8Strict), R"({foo="bar"})");
  EXPECT_EQ(Parsed("{}", MatcherParseMode::kUtf8Strict), "{}");
  EXPECT_EQ(Parsed("", MatcherParseMode::kUtf8Strict), "{}");
  EXPECT_EQ(Parsed(R"("foo.bar"!="x y")", MatcherParseMode::kUtf8Strict), R"({foo.bar!="x y"})");
  EXPECT_EQ(Parsed("foo=bar,", MatcherParseMode::kUtf8Strict), R"({foo="bar"})");
  EXPECT_EQ(Parsed("fôo=bär", MatcherParseMode::kUtf8Strict), R"({fôo="bär"})");
}

TEST(MatchersParserTest, Utf8Errors) {
  auto strict = [](std::string_view s) { return Parsed(s, MatcherParseMode::kUtf8Strict); };
  EXPECT_EQ(strict("{foo=bar"), "error: 0:8: end of input: expected close brace");
  EXPECT_EQ(strict("foo=bar}"), "error: 0:8: }: expected opening brace");
  EXPECT_EQ(strict("foo"),
            "error: end of input: expected an operator such as '=', '!=', '=~' "
            "or '!~'");
  EXPECT_EQ(strict("foo="), "error: end of input: expected label value");
  EXPECT_EQ(strict("foo=\"bar"), "error: 4:8: \"bar: missing end \": expected label value");
  EXPECT_EQ(strict("foo!bar"),
            "error: 3:4: !: expected one of '=~': expected an operator such "
            "as '=', '!=', '=~' or '!~'");
  EXPECT_EQ(strict("foo=bar baz"), "error: 8:11: unexpected baz: expected a comma or close brace");
  EXPECT_EQ(strict("foo=~\"(\""),
            "error: failed to create matcher: error parsing regexp: "
            "missing closing ): `^(?:()$`");
  EXPECT_EQ(strict("foo=\\bar"), "error: 4:5: \\: invalid input: expected label value");
}

TEST(MatchersParserTest, ClassicSyntax) {
  auto classic = [](std::string_view s) { return Parsed(s, MatcherParseMode::kClassic); };
  EXPECT_EQ(classic(R"({foo = "bar", dings != "bums", })"), R"({foo="bar",dings!="bums"})");
  EXPECT_EQ(classic(R"(statuscode=~"5..")"), R"({statuscode=~"5.."})");
  EXPECT_EQ(classic(R"(quote="She said: \"Hi, all\"")"), R"({quote="She said: \"Hi, all\""})");
  EXPECT_EQ(classic(R"(a=b\c)"), R"({a="b\\c"})");  // a stray backslash is literal
  EXPECT_EQ(classic("a=\"b"), "error: matcher value contains unescaped double quote: \"b");
  EXPECT_EQ(classic("1a=b"), "error: bad matcher format: 1a=b");
}

TEST(MatchersParserTest, FallbackUsesClassicWithAWarning) {
  std::vector<std::string> warnings;
  // Unquoted regex with reserved characters: only the classic parser accepts it.
  EXPECT_EQ(Parsed("foo=~a|b", MatcherParseMode::kFallback, &warnings), R"({foo=~"a|b"})");
  EXPECT_TRUE(warnings.empty());  // '|' is not reserved: both parsers agree
  EXPECT_EQ(Parsed("foo=~[a-z]+ bar", MatcherParseMode::kFallback, &warnings),
            R"({foo=~"[a-z]+ bar"})");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("classic"), std::string::npos);
  // Both accept but disagree: the classic result wins.
  warnings.clear();
  EXPECT_EQ(Parsed(R"(foo="a\tb")", MatcherParseMode::kFallback, &warnings), R"({foo="a\\tb"})");
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("disagreement"), std::string::npos);
}

TEST(MatchersParserTest, SingleMatcher) {
  Result<LabelMatcher> m = ParseMatcher("foo=bar");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->name(), "foo");
  EXPECT_EQ(m->value(), "bar");
  EXPECT_EQ(ParseMatcher("{foo=bar}").message(), "unexpected open or close brace: {foo=bar}");
  // Only the classic parser accepts it, and it reads one matcher with a comma in its value.
  EXPECT_EQ(ParseMatcher("a=b,c=d")->value(), "b,c=d");
  EXPECT_FALSE(ParseMatcher("a=b,c=d", {MatcherParseMode::kUtf8Strict}).ok());
}

TEST(MatchersParserTest, AlertmanagerRegexAnchoringWithoutDotAll) {
  Result<Matchers> ms = ParseMatchers(R"(a=~"x.y")");
  ASSERT_TRUE(ms.ok());
  EXPECT_TRUE((*ms)[0].matches("xzy"));
  EXPECT_FALSE((*ms)[0].matches("x\ny"));
  EXPECT_FALSE((*ms)[0].matches("xzyz"));
}

TEST(MatchersParserTest, PrintingEscapesLikeAlertmanager) {
  Result<LabelMatcher> m = MakeMatcher(MatchType::kEqual, "a", "x\"y\\z\nw\t");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(FormatMatcher(*m), "a=\"x\\\"y\\\\z\\nw\t\"");
  Result<LabelMatcher> q = MakeMatcher(MatchType::kEqual, "a b", "\t");
  EXPECT_EQ(FormatMatcher(*q), R"("a b"="\t")");
}

TEST(MatchersParserTest, SortedByNameValueType) {
  Matchers ms = *ParseMatchers(R"(b="1", a!="2", a="2", a="1")");
  SortMatchers(ms);
  EXPECT_EQ(FormatMatchers(ms), R"({a="1",a="2",a!="2",b="1"})");
}

}  // namespace
}  // namespace tocsin::alerting
