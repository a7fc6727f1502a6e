#include "engine/promql/promqltest/script.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "storage/base/sample.h"

namespace tocsin::promql::promqltest {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Script MustParse(std::string_view text) {
  auto s = ParseScript(text, "t.test");
  EXPECT_TRUE(s.ok()) << s.message();
  return s.ok() ? std::move(s).value() : Script{};
}

std::string ParseError(std::string_view text) {
  auto s = ParseScript(text, "t.test");
  EXPECT_FALSE(s.ok());
  return s.ok() ? "" : s.message();
}

const EvalCommand& EvalAt(const Script& s, size_t i) {
  return std::get<EvalCommand>(s.commands.at(i));
}

TEST(ScriptTest, CommandsCommentsAndLineNumbers) {
  const Script s = MustParse(
      "# a comment\n"
      "load 5m\n"
      "  metric{a=\"1\"} 1 2 _ stale\n"
      "  # a comment line ends the block\n"
      "CLEAR\n"
      "\n"
      "eval instant at 10m metric\n");
  ASSERT_EQ(s.commands.size(), 3u);
  const auto& load = std::get<LoadCommand>(s.commands[0]);
  EXPECT_EQ(load.line, 2);
  EXPECT_EQ(load.step, 5 * kMinute);
  EXPECT_FALSE(load.with_nhcb);
  ASSERT_EQ(load.series.size(), 1u);
  EXPECT_EQ(load.series[0].line, 3);
  EXPECT_EQ(load.series[0].labels, (Labels{{"__name__", "metric"}, {"a", "1"}}));
  ASSERT_EQ(load.series[0].values.size(), 4u);
  EXPECT_TRUE(load.series[0].values[2].omitted);
  EXPECT_TRUE(IsStaleNaN(load.series[0].values[3].value));
  EXPECT_EQ(std::get<ClearCommand>(s.commands[1]).line, 5);
  const EvalCommand& ev = EvalAt(s, 2);
  EXPECT_EQ(ev.line, 7);
  EXPECT_EQ(ev.eval_time, 10 * kMinute);
  EXPECT_EQ(ev.expr_text, "metric");
  ASSERT_NE(ev.expr, nullptr);
  EXPECT_TRUE(ev.expected.series.empty());  // no lines: the result must be empty
}

TEST(ScriptTest, UnknownCommandsNameFileAndLine) {
  EXPECT_EQ(ParseError("\n\nfrobnicate 5m\n"), "t.test:3: invalid command \"frobnicate 5m\"");
  EXPECT_THAT(ParseError("LOAD 5m\n  m 1\n"), StartsWith("t.test:1: invalid load command"));
  EXPECT_THAT(ParseError("load 5x\n  m 1\n"), StartsWith("t.test:1: invalid step definition"));
  EXPECT_THAT(ParseError("eval instant at 1m\n"),
              StartsWith("t.test:1: invalid evaluation command"));
  EXPECT_THAT(ParseError("eval instant at xyz m\n"), HasSubstr("invalid timestamp definition"));
  EXPECT_THAT(ParseError("eval range from 10m to 5m step 1m m\n"),
              HasSubstr("end timestamp (5m) is before start timestamp (10m)"));
}

TEST(ScriptTest, BadSeriesLinesFailTheFileAtTheirLine) {
  EXPECT_THAT(ParseError("load 1m\n  m{a=\"1\" 1 2\n"), StartsWith("t.test:2:"));
  EXPECT_THAT(ParseError("eval instant at 0 m\n  m{a=} 1\n"), StartsWith("t.test:2:"));
}

TEST(ScriptTest, ExpressionErrorsOnlyFailTheirEval) {
  const Script s = MustParse(
      "eval instant at 0 sum(\n"
      "\n"
      "eval instant at 0 1\n"
      "  1\n");
  ASSERT_EQ(s.commands.size(), 2u);
  EXPECT_EQ(EvalAt(s, 0).expr, nullptr);
  EXPECT_THAT(EvalAt(s, 0).parse_error, StartsWith("t.test:1:"));
  EXPECT_THAT(EvalAt(s, 0).parse_error, HasSubstr("parse error"));
  EXPECT_NE(EvalAt(s, 1).expr, nullptr);
}

TEST(ScriptTest, InstantEvalExpectations) {
  const Script s = MustParse(
      "eval instant at 1m30s sum by (a) (m)\n"
      "  expect no_warn\n"
      "  expect info msg: PromQL info: x (1:1)\n"
      "  expect info regex: foo.*\n"
      "  expect ordered\n"
      "  {a=\"2\"} 2\n"
      "  {a=\"1\"} -Inf\n");
  const EvalCommand& ev = EvalAt(s, 0);
  EXPECT_FALSE(ev.is_range);
  EXPECT_EQ(ev.eval_time, 90 * kSecond);
  EXPECT_TRUE(ev.annotations.no_warn);
  EXPECT_FALSE(ev.annotations.no_info);
  ASSERT_EQ(ev.annotations.info.size(), 2u);
  EXPECT_TRUE(ev.annotations.info[0].Matches("PromQL info: x (1:1)"));
  EXPECT_FALSE(ev.annotations.info[0].Matches("PromQL info: x (1:2)"));
  EXPECT_TRUE(ev.annotations.info[1].Matches("a foo b"));
  EXPECT_TRUE(ev.expected.ordered);
  ASSERT_EQ(ev.expected.series.size(), 2u);
  EXPECT_EQ(ev.expected.series[0].labels, (Labels{{"a", "2"}}));
  EXPECT_EQ(ev.expected.series[0].position, 1);
  EXPECT_EQ(ev.expected.series[0].line, 6);
  EXPECT_EQ(ev.expected.series[1].position, 2);
  EXPECT_EQ(ev.expected.series[1].values[0].value, -INFINITY);
  EXPECT_FALSE(ev.expected.grid.has_value());
  EXPECT_EQ(ev.result_lines, (std::vector<std::string>{"{a=\"2\"} 2", "{a=\"1\"} -Inf"}));
}

TEST(ScriptTest, RangeEvalHasAGrid) {
  const Script s = MustParse("eval range from 0 to 10m step 5m m\n  m 1 _ 1+1x0\n");
  const EvalCommand& ev = EvalAt(s, 0);
  EXPECT_TRUE(ev.is_range);
  EXPECT_EQ(ev.range.start, 0);
  EXPECT_EQ(ev.range.end, 10 * kMinute);
  EXPECT_EQ(ev.range.step, 5 * kMinute);
  ASSERT_TRUE(ev.expected.grid.has_value());
  EXPECT_EQ(ev.expected.series.at(0).values.size(), 3u);
}

TEST(ScriptTest, ScalarLineEndsTheBlock) {
  const Script s = MustParse("eval instant at 0 1 + 1\n  2\n");
  ASSERT_TRUE(EvalAt(s, 0).expected.scalar.has_value());
  EXPECT_EQ(EvalAt(s, 0).expected.scalar->value, 2);
  // Whatever follows a scalar line without a blank line is read as a command.
  EXPECT_THAT(ParseError("eval instant at 0 1\n  1\n  m 1\n"),
              StartsWith("t.test:3: invalid command"));
}

TEST(ScriptTest, MultipleValuesNeedExpectRangeVector) {
  EXPECT_THAT(ParseError("eval instant at 1m m\n  m 1 2\n"),
              HasSubstr("expecting multiple values in instant evaluation not allowed"));
  const Script s = MustParse(
      "eval instant at 5m m[1m]\n"
      "  expect range vector from 10s to 1m step 10s\n"
      "  m 1 2 3 4 5 6\n");
  const EvalCommand& ev = EvalAt(s, 0);
  EXPECT_EQ(ev.eval_time, kMinute);  // the grid's end replaces the `at` time, as upstream does
  ASSERT_TRUE(ev.expected.grid.has_value());
  EXPECT_EQ(ev.expected.grid->start, 10 * kSecond);
  EXPECT_EQ(ev.expected.grid->step, 10 * kSecond);
  EXPECT_TRUE(ev.skip_range_mode_check);
}

TEST(ScriptTest, ExpectString) {
  const Script s = MustParse(
      "eval instant at 0 \"a\"\n  expect string \"a\\tb\"\n\n"
      "eval instant at 0 \"a\"\n  expect string ` x `\n");
  EXPECT_EQ(EvalAt(s, 0).expected.string, "a\tb");
  EXPECT_TRUE(EvalAt(s, 0).skip_range_mode_check);
  EXPECT_EQ(EvalAt(s, 1).expected.string, " x ");
  EXPECT_THAT(ParseError("eval instant at 0 \"a\"\n  expect string\n"),
              HasSubstr("a quoted string literal is required"));
  EXPECT_THAT(ParseError("eval instant at 0 \"a\"\n  expect string 'a'\n"),
              HasSubstr("correctly quoted"));
}

TEST(ScriptTest, ExpectFail) {
  const Script s = MustParse(
      "eval instant at 0 m\n  expect fail\n\n"
      "eval instant at 0 m\n  expect fail msg: boom\n\n"
      "eval instant at 0 m\n  expect fail regex: bo+m\n");
  EXPECT_TRUE(EvalAt(s, 0).fail.expected);
  EXPECT_FALSE(EvalAt(s, 0).fail.matcher.has_value());
  EXPECT_TRUE(EvalAt(s, 1).fail.matcher->Matches("boom"));
  EXPECT_FALSE(EvalAt(s, 1).fail.matcher->Matches("boom!"));
  EXPECT_TRUE(EvalAt(s, 2).fail.matcher->Matches("a booom b"));
  EXPECT_THAT(ParseError("eval instant at 0 m\n  expect fail\n  expect fail msg: x\n"),
              HasSubstr("multiple expect fail lines"));
}

TEST(ScriptTest, ConflictingExpectLines) {
  EXPECT_THAT(ParseError("eval instant at 0 m\n  expect warn\n  expect no_warn\n"),
              HasSubstr("warn and no_warn cannot be used together"));
  EXPECT_THAT(ParseError("eval instant at 0 m\n  expect no_info\n  expect info\n"),
              HasSubstr("info and no_info cannot be used together"));
  EXPECT_THAT(ParseError("eval instant at 0 m\n  expect sometimes\n"),
              HasSubstr("invalid expect statement"));
  EXPECT_THAT(ParseError("eval instant at 0 m\n  expect warn regex: (\n"),
              HasSubstr("invalid regex"));
}

TEST(ScriptTest, DeprecatedForms) {
  const Script s = MustParse(
      "eval_fail instant at 0 m\n  expected_fail_message boom\n\n"
      "eval_fail instant at 0 m\n  expected_fail_regexp b.*m\n\n"
      "eval_ordered instant at 0 m\n\n"
      "eval_warn range from 0 to 1m step 1m m\n\n"
      "eval_info instant at 0 m\n");
  EXPECT_TRUE(EvalAt(s, 0).fail.expected);
  EXPECT_TRUE(EvalAt(s, 0).fail.legacy_matcher->Matches("boom"));
  EXPECT_FALSE(EvalAt(s, 0).fail.legacy_matcher->Matches("a boom"));
  EXPECT_TRUE(EvalAt(s, 1).fail.legacy_matcher->Matches("a boom"));
  EXPECT_TRUE(EvalAt(s, 2).expected.ordered);
  EXPECT_TRUE(EvalAt(s, 3).annotations.require_warn);
  EXPECT_TRUE(EvalAt(s, 3).is_range);
  EXPECT_TRUE(EvalAt(s, 4).annotations.require_info);
  // expected_fail_message belongs to eval_fail only.
  EXPECT_THAT(ParseError("eval instant at 0 m\n  expected_fail_message boom\n"),
              StartsWith("t.test:2:"));
}

TEST(ScriptTest, LoadWithNhcbAndHistogramValues) {
  const Script s = MustParse(
      "load_with_nhcb 1m\n"
      "  h_bucket{le=\"1\"} 1 2\n"
      "  nh {{schema:0 count:1 sum:2 buckets:[1]}}x2\n");
  const auto& load = std::get<LoadCommand>(s.commands[0]);
  EXPECT_TRUE(load.with_nhcb);
  ASSERT_EQ(load.series.size(), 2u);
  ASSERT_EQ(load.series[1].values.size(), 3u);
  EXPECT_TRUE(load.series[1].values[0].histogram);
}

TEST(ScriptTest, RepeatedSeriesInOneLoadKeepsTheLaterLine) {
  const Script s = MustParse("load 1m\n  m 1 2\n  m 5\n");
  const auto& load = std::get<LoadCommand>(s.commands[0]);
  ASSERT_EQ(load.series.size(), 1u);
  EXPECT_EQ(load.series[0].values.size(), 1u);
  EXPECT_EQ(load.series[0].line, 3);
}

TEST(ScriptTest, StartTimestampLines) {
  const Script s = MustParse(
      "load 1m\n"
      "  c{type=\"x\"}@st _ _ -30s-1mx2 -1msx1 _x2 0\n"
      "  c{type=\"x\"}    _ _ 0+60x7\n");
  const auto& load = std::get<LoadCommand>(s.commands[0]);
  ASSERT_EQ(load.series.size(), 1u);
  const auto& st = load.series[0].start_offsets;
  ASSERT_EQ(st.size(), 10u);
  EXPECT_FALSE(st[0].has_value());
  EXPECT_EQ(st[2], -30 * kSecond);
  EXPECT_EQ(st[3], -90 * kSecond);
  EXPECT_EQ(st[4], -150 * kSecond);
  EXPECT_EQ(st[5], -1);
  EXPECT_EQ(st[6], -1);
  EXPECT_FALSE(st[7].has_value());
  EXPECT_FALSE(st[8].has_value());
  EXPECT_EQ(st[9], 0);

  EXPECT_THAT(ParseError("load 1m\n  c@st 1m\n"), HasSubstr("t.test:2: @st line has no following"));
  EXPECT_THAT(ParseError("load 1m\n  c@st 1m\n  d 1\n"), HasSubstr("does not match"));
  EXPECT_THAT(ParseError("load 1m\n  c@st 1m 2m\n  c 1\n"),
              HasSubstr("@st line has 2 values but sample line has 1"));
  EXPECT_THAT(ParseError("load 1m\n  c@st 1m+zx2\n  c 1 2 3\n"), HasSubstr("invalid @st sequence"));
}

TEST(ScriptTest, GoNumbers) {
  EXPECT_EQ(ParseGoNumber("1"), 1);
  EXPECT_EQ(ParseGoNumber("-1.5"), -1.5);
  EXPECT_EQ(ParseGoNumber("+2e3"), 2000);
  EXPECT_EQ(ParseGoNumber(".5"), 0.5);
  EXPECT_EQ(ParseGoNumber("0x1F"), 31);
  EXPECT_EQ(ParseGoNumber("0x_1F"), 31);
  EXPECT_EQ(ParseGoNumber("010"), 8);  // Go's ParseInt base 0: octal
  EXPECT_EQ(ParseGoNumber("0b101"), 5);
  EXPECT_EQ(ParseGoNumber("0x1p-2"), 0.25);
  EXPECT_EQ(ParseGoNumber("Inf"), INFINITY);
  EXPECT_EQ(ParseGoNumber("-infinity"), -INFINITY);
  EXPECT_TRUE(std::isnan(*ParseGoNumber("NaN")));
  EXPECT_EQ(ParseGoNumber("1e400"), std::nullopt);
  EXPECT_EQ(ParseGoNumber("1_000"), std::nullopt);
  EXPECT_EQ(ParseGoNumber("{} 1"), std::nullopt);
  EXPECT_EQ(ParseGoNumber("m"), std::nullopt);
  EXPECT_EQ(ParseGoNumber(""), std::nullopt);
}

TEST(ScriptTest, CountEvalStatements) {
  EXPECT_EQ(CountEvalStatements("load 1m\n  eval_total 1\n\n"
                                "eval instant at 0 eval_total\n  eval_total 1\n\n"
                                "eval_fail range from 0 to 1m step 1m x\n# eval instant at 0 y\n"),
            2);
}

}  // namespace
}  // namespace tocsin::promql::promqltest
