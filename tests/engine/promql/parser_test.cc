#include "engine/promql/parser.h"

#include <gtest/gtest.h>

#include "engine/promql/parse_error.h"
#include "tests/engine/promql/test_data.h"

namespace tocsin::promql {
namespace {

using testing::ReadTestData;

// The options upstream's parser tests use: everything experimental except fill modifiers.
ParserOptions UpstreamTestOptions() {
  ParserOptions o;
  o.experimental_functions = true;
  o.duration_expressions = true;
  o.extended_range_selectors = true;
  return o;
}

ParserOptions AllOn() {
  ParserOptions o = UpstreamTestOptions();
  o.binop_fill_modifiers = true;
  return o;
}

TEST(ParserTest, UpstreamValidExpressionsParse) {
  const auto cases = ReadTestData("parse_valid.txt");
  ASSERT_GT(cases.size(), 150u);
  for (const auto& c : cases) {
    const std::string& input = c.fields[0];
    auto r = ParseExpr(input, UpstreamTestOptions());
    EXPECT_TRUE(r.ok()) << "line " << c.line << ": " << input << "\n  " << r.message();
  }
}

TEST(ParserTest, UpstreamInvalidExpressionsFailWithTheSameMessage) {
  const auto cases = ReadTestData("parse_errors.txt");
  ASSERT_GT(cases.size(), 100u);
  for (const auto& c : cases) {
    ASSERT_EQ(c.fields.size(), 3u) << "line " << c.line;
    const std::string& input = c.fields[0];
    const std::string expected =
        PositionString(input, std::stoi(c.fields[1])) + ": parse error: " + c.fields[2];
    auto r = ParseExpr(input, UpstreamTestOptions());
    if (r.ok()) {
      ADD_FAILURE() << "line " << c.line << ": " << input << " parsed, expected " << expected;
      continue;
    }
    EXPECT_EQ(r.message(), expected) << "line " << c.line << ": " << input;
  }
}

TEST(ParserTest, PrintsBackAsPrometheusDoes) {
  const auto cases = ReadTestData("print_cases.txt");
  ASSERT_GT(cases.size(), 50u);
  for (const auto& c : cases) {
    auto r = ParseExpr(c.fields[0], AllOn());
    ASSERT_TRUE(r.ok()) << "line " << c.line << ": " << r.message();
    EXPECT_EQ(ExprString(**r), c.fields[1]) << "line " << c.line;
  }
}

// Printing and parsing again gives the same text: what /api/v1/rules shows is a valid query
// with the same meaning.
TEST(ParserTest, PrintedFormReparsesToTheSameForm) {
  for (const auto& file : {"parse_valid.txt", "print_cases.txt"}) {
    for (const auto& c : ReadTestData(file)) {
      auto first = ParseExpr(c.fields[0], AllOn());
      if (!first.ok()) continue;
      const std::string printed = ExprString(**first);
      auto second = ParseExpr(printed, AllOn());
      ASSERT_TRUE(second.ok()) << file << ":" << c.line << ": " << printed << "\n  "
                               << second.message();
      EXPECT_EQ(ExprString(**second), printed) << file << ":" << c.line;
    }
  }
}

TEST(ParserTest, CloneCopiesTheWholeTree) {
  auto r = ParseExpr(
      "sum by (job) (rate(http_requests_total{code=~\"5..\"}[5m] offset 1m)) / on (job) "
      "group_left (team) max_over_time(max(x @ 100)[10m:1m]) > bool 0.5",
      AllOn());
  ASSERT_TRUE(r.ok()) << r.message();
  ExprPtr copy = (*r)->Clone();
  EXPECT_EQ(ExprString(*copy), ExprString(**r));
  EXPECT_NE(copy.get(), r->get());
}

TEST(ParserTest, BuildsTheExpectedTree) {
  auto r = ParseExpr("a + b * c ^ d ^ e");
  ASSERT_TRUE(r.ok()) << r.message();
  const auto& add = As<BinaryExpr>(**r);
  EXPECT_EQ(add.op, Op::kAdd);
  const auto& mul = As<BinaryExpr>(*add.rhs);
  EXPECT_EQ(mul.op, Op::kMul);
  const auto& pow = As<BinaryExpr>(*mul.rhs);
  EXPECT_EQ(pow.op, Op::kPow);
  EXPECT_EQ(pow.rhs->kind, ExprKind::kBinary);  // right-associative
  EXPECT_EQ(pow.lhs->kind, ExprKind::kVectorSelector);
}

TEST(ParserTest, UnaryMinusBindsLooserThanPower) {
  auto r = ParseExpr("-2 ^ 2");
  ASSERT_TRUE(r.ok()) << r.message();
  // -(2^2): the literal cannot absorb the sign because ^ binds tighter.
  ASSERT_EQ((*r)->kind, ExprKind::kUnary);
  auto r2 = ParseExpr("-2 * 3");
  ASSERT_TRUE(r2.ok());
  const auto& mul = As<BinaryExpr>(**r2);
  ASSERT_EQ(mul.lhs->kind, ExprKind::kNumberLiteral);
  EXPECT_EQ(As<NumberLiteral>(*mul.lhs).value, -2);
}

TEST(ParserTest, SelectorDetails) {
  auto r = ParseExpr(R"(foo{"my.label"="x", job!~"a|b"} offset -5m @ 1700000000.5)");
  ASSERT_TRUE(r.ok()) << r.message();
  const auto& vs = As<VectorSelector>(**r);
  EXPECT_EQ(vs.name, "foo");
  ASSERT_EQ(vs.matchers.size(), 3u);
  EXPECT_EQ(vs.matchers[0].name(), "my.label");
  EXPECT_EQ(vs.matchers[1].type(), MatchType::kNotRegexp);
  EXPECT_EQ(vs.matchers[2].name(), "__name__");
  EXPECT_EQ(vs.original_offset.ms, -5 * kMinute);
  EXPECT_EQ(vs.at, AtModifier::kTimestamp);
  EXPECT_EQ(vs.at_timestamp, 1700000000500);
  EXPECT_EQ(ExprString(vs), R"(foo{"my.label"="x",job!~"a|b"} @ 1700000000.500 offset -5m)");

  auto q = ParseExpr(R"({"my.metric"})");
  ASSERT_TRUE(q.ok()) << q.message();
  EXPECT_EQ(As<VectorSelector>(**q).name, "");
  EXPECT_EQ(ExprString(**q), R"({__name__="my.metric"})");
}

TEST(ParserTest, DurationExpressions) {
  auto r = ParseExpr("rate(x[5m * 2]) offset (1h / 2)");
  // offset on a call is an error; the durations themselves parse.
  EXPECT_FALSE(r.ok());
  auto m = ParseExpr("x[5m*2:step()] offset -(1h/2)");
  ASSERT_TRUE(m.ok()) << m.message();
  const auto& sq = As<SubqueryExpr>(**m);
  ASSERT_TRUE(sq.range.expr);
  EXPECT_EQ(As<DurationExpr>(*sq.range.expr).op, DurationExpr::DOp::kMul);
  ASSERT_TRUE(sq.step.expr);
  EXPECT_EQ(As<DurationExpr>(*sq.step.expr).op, DurationExpr::DOp::kStep);
  ASSERT_TRUE(sq.original_offset.expr);
  EXPECT_EQ(As<DurationExpr>(*sq.original_offset.expr).op, DurationExpr::DOp::kNeg);
  EXPECT_EQ(ExprString(**m), "x[5m * 2:step()] offset -(1h / 2)");

  ParserOptions off;
  off.duration_expressions = false;
  auto e = ParseExpr("x[5m*2]", off);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.message(), "1:3: parse error: experimental duration expression is not enabled");
  EXPECT_TRUE(ParseExpr("x[5m]", off).ok());
}

TEST(ParserTest, OffsetTakesOnlyTheNextDurationTerm) {
  // `offset 100 + 2` adds 2 to the selection; `offset (100 + 2)` shifts by 102s.
  auto a = ParseExpr("x offset 100 + 2");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ((*a)->kind, ExprKind::kBinary);
  auto b = ParseExpr("x offset (100 + 2)");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->kind, ExprKind::kVectorSelector);
  auto c = ParseExpr("x offset -2 ^ 2");
  ASSERT_TRUE(c.ok());
  ASSERT_EQ((*c)->kind, ExprKind::kBinary);
  EXPECT_EQ(As<VectorSelector>(*As<BinaryExpr>(**c).lhs).original_offset.ms, -2000);
  auto d = ParseExpr("x offset step() * 0");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->kind, ExprKind::kBinary);
}

TEST(ParserTest, ExperimentalFeaturesAreGated) {
  auto limitk = ParseExpr("limitk(2, x)");
  ASSERT_FALSE(limitk.ok());
  EXPECT_EQ(limitk.message(),
            "1:1: parse error: limitk() is experimental and must be enabled with "
            "--enable-feature=promql-experimental-functions");
  auto fn = ParseExpr("mad_over_time(x[5m])");
  ASSERT_FALSE(fn.ok());
  EXPECT_EQ(fn.message(), "1:1: parse error: function \"mad_over_time\" is not enabled");
  auto fill = ParseExpr("a + fill(0) b");
  ASSERT_FALSE(fill.ok());
  EXPECT_EQ(fill.message(),
            "1:1: parse error: binop fill modifiers are experimental and not enabled");
  auto anchored = ParseExpr("rate(x[5m] anchored)");
  ASSERT_FALSE(anchored.ok());
  EXPECT_EQ(anchored.message(),
            "1:6: parse error: anchored modifier is experimental and not enabled");
  EXPECT_TRUE(ParseExpr("limitk(2, x)", AllOn()).ok());
  EXPECT_TRUE(ParseExpr("a + fill_left(1) fill_right(-2) b", AllOn()).ok());
  EXPECT_TRUE(ParseExpr("rate(x[5m] anchored)", AllOn()).ok());
  // fill is a keyword only before '(': elsewhere it names a metric.
  EXPECT_TRUE(ParseExpr("fill + fill").ok());
}

TEST(ParserTest, FillModifiersAreRecorded) {
  auto r = ParseExpr("a + on (x) group_left (y) fill_right (-2) b", AllOn());
  ASSERT_TRUE(r.ok()) << r.message();
  const auto& vm = *As<BinaryExpr>(**r).matching;
  EXPECT_FALSE(vm.fill_lhs.has_value());
  ASSERT_TRUE(vm.fill_rhs.has_value());
  EXPECT_EQ(*vm.fill_rhs, -2);
  EXPECT_EQ(vm.card, Cardinality::kManyToOne);
  EXPECT_EQ(ExprString(**r), "a + on (x) group_left (y) fill_right (-2) b");
}

TEST(ParserTest, MultiLineErrorPositions) {
  auto r = ParseExpr("sum(\n  rate(x[5m])\n) by (job) +\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "4:1: parse error: unexpected end of input");
  auto c = ParseExpr("# comment\nfoo # trailing\n");
  EXPECT_TRUE(c.ok()) << c.message();
}

TEST(ParserTest, ErrorsInsideAggregationsNameTheAggregation) {
  // As Prometheus words it (checked against promtool).
  auto r = ParseExpr("sum(rate(foo[5m] 2))");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "1:18: parse error: unexpected number \"2\" in aggregation");
  auto f = ParseExpr("foo(1 2)");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.message(), "1:7: parse error: unexpected number \"2\"");
  auto g = ParseExpr("sum(a +)");
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.message(), "1:8: parse error: unexpected \")\" in aggregation");
}

TEST(ParserTest, KeywordsAsNames) {
  for (const char* q : {"sum", "by", "offset", "start", "step", "and{x=\"1\"}", "max_of",
                        "sum{job=\"a\"}", "count_values", "without"}) {
    auto r = ParseExpr(q);
    EXPECT_TRUE(r.ok()) << q << ": " << r.message();
  }
  auto g = ParseExpr("sum by (on, by, bool, offset, group_left) (x)");
  ASSERT_TRUE(g.ok()) << g.message();
  EXPECT_EQ(As<AggregateExpr>(**g).grouping.size(), 5u);
}

TEST(ParserTest, HostileInputFailsCleanly) {
  const std::string deep(5000, '(');
  auto r = ParseExpr(deep + "1" + std::string(5000, ')'));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("nested too deeply"), std::string::npos) << r.message();
  std::string minuses(100000, '-');
  EXPECT_FALSE(ParseExpr(minuses + "1").ok());
  EXPECT_TRUE(ParseExpr(std::string(100, '(') + "1" + std::string(100, ')')).ok());
  EXPECT_FALSE(ParseExpr(std::string("foo{a=\"\xff\"}")).ok());
  EXPECT_FALSE(ParseExpr(std::string("\0", 1)).ok());
  EXPECT_FALSE(ParseExpr("{{{{").ok());
  EXPECT_FALSE(ParseExpr("[[[[").ok());
}

TEST(ParseMetricSelectorTest, ReturnsMatchers) {
  auto r = ParseMetricSelector(R"(up{job="api", instance=~"a.*"})");
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[2].name(), "__name__");
  EXPECT_EQ((*r)[2].value(), "up");
  auto q = ParseMetricSelector(R"({"my.metric", x="1"})");
  ASSERT_TRUE(q.ok()) << q.message();
  EXPECT_EQ((*q)[0].value(), "my.metric");
  auto bad = ParseMetricSelector("up + 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), "1:4: parse error: unexpected <op:+>");
  auto empty = ParseMetricSelector("");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.message(), "unknown position: parse error: unexpected end of input");
}

}  // namespace
}  // namespace tocsin::promql

namespace tocsin::promql {
namespace {

// The examples docs/promql.md shows.
TEST(ParserTest, DocumentedErrorMessages) {
  const std::pair<const char*, const char*> cases[] = {
      {"sum(rate(http_requests_total[5m] 2))",
       "1:34: parse error: unexpected number \"2\" in aggregation"},
      {"sum(rate(x[5m])", "1:16: parse error: unclosed left parenthesis"},
      {"x{job=api}",
       "1:7: parse error: unexpected identifier \"api\" in label matching, expected string"},
      {"sum(x) by job",
       "1:11: parse error: unexpected identifier \"job\" in grouping opts, expected \"(\""},
      {"rate(x)",
       "1:6: parse error: expected type range vector in call to function \"rate\", got instant "
       "vector"},
      {"x offset",
       "1:9: parse error: unexpected end of input in offset, expected number, duration, step(), "
       "or range()"},
      {"foo[5m1h]", "1:5: parse error: not a valid duration string: \"5m1h\""},
  };
  for (const auto& [input, error] : cases) {
    auto r = ParseExpr(input);
    ASSERT_FALSE(r.ok()) << input;
    EXPECT_EQ(r.message(), error) << input;
  }
  auto printed = ParseExpr("sum(rate(x[90m])) by (job)");
  ASSERT_TRUE(printed.ok());
  EXPECT_EQ(ExprString(**printed), "sum by (job) (rate(x[1h30m]))");
}

}  // namespace
}  // namespace tocsin::promql

#include <random>

namespace tocsin::promql {
namespace {

// Mutated versions of valid expressions (bytes deleted, duplicated, replaced) must never crash
// the parser, and whatever parses must print to text that parses to the same printed form.
TEST(ParserTest, MutatedInputNeverCrashes) {
  std::vector<std::string> seeds;
  for (const auto& c : testing::ReadTestData("parse_valid.txt")) seeds.push_back(c.fields[0]);
  ASSERT_FALSE(seeds.empty());
  std::mt19937 rng(20261127);
  const std::string alphabet = "(){}[]<>=!~+-*/%^@,:;'\"`#_. \n\t0123456789aeimnsxyzE\\\xff";
  int parsed = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string s = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !s.empty(); ++e) {
      const size_t at = rng() % s.size();
      switch (rng() % 3) {
        case 0:
          s.erase(at, 1);
          break;
        case 1:
          s.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        default:
          s[at] = alphabet[rng() % alphabet.size()];
      }
    }
    auto r = ParseExpr(s, AllOn());
    if (!r.ok()) {
      EXPECT_NE(r.message().find("parse error: "), std::string::npos) << s;
      continue;
    }
    ++parsed;
    const std::string printed = ExprString(**r);
    auto again = ParseExpr(printed, AllOn());
    ASSERT_TRUE(again.ok()) << s << "\nprinted: " << printed << "\n" << again.message();
    EXPECT_EQ(ExprString(**again), printed) << s;
  }
  EXPECT_GT(parsed, 100);
}

}  // namespace
}  // namespace tocsin::promql
