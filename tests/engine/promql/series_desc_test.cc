#include <gtest/gtest.h>

#include <cmath>

#include "engine/promql/parser.h"
#include "storage/base/sample.h"

namespace tocsin::promql {
namespace {

constexpr double kOmitted = -12345.678;  // marks `_` in expectations

std::vector<double> Values(const SeriesDesc& d) {
  std::vector<double> out;
  for (const auto& v : d.values) out.push_back(v.omitted ? kOmitted : v.value);
  return out;
}

TEST(SeriesDescTest, ExpandsTheNotation) {
  struct Case {
    const char* input;
    const char* labels;
    std::vector<double> values;
  };
  const Case cases[] = {
      {"{} 1 2 3", "{}", {1, 2, 3}},
      {R"({a="b"} -1 2 3)", R"({a="b"})", {-1, 2, 3}},
      {"my_metric 1 2 3", R"({__name__="my_metric"})", {1, 2, 3}},
      {R"(my_metric{a="b"} 1 2 3-10x4)",
       R"({__name__="my_metric", a="b"})",
       {1, 2, 3, -7, -17, -27, -37}},
      {"m 1 2 3-0x4", R"({__name__="m"})", {1, 2, 3, 3, 3, 3, 3}},
      {"m 1x0", R"({__name__="m"})", {1}},
      {"m 1+1x0", R"({__name__="m"})", {1}},
      {"m 1 3 _ 5 _x4",
       R"({__name__="m"})",
       {1, 3, kOmitted, 5, kOmitted, kOmitted, kOmitted, kOmitted}},
      {"m 1 -1 -3-10x4 7 9 +5", R"({__name__="m"})", {1, -1, -3, -13, -23, -33, -43, 7, 9, 5}},
      {"m 1 2 3    ", R"({__name__="m"})", {1, 2, 3}},
      {R"(m{a="\u70ac = torch"} 1)", R"({__name__="m", a="炬 = torch"})", {1}},
      {R"({"my.metric", "a.b"="c"} 4x2)", R"({__name__="my.metric", "a.b"="c"})", {4, 4, 4}},
      {"m 1e3 .5 Inf -Inf", R"({__name__="m"})", {1000, 0.5, INFINITY, -INFINITY}},
      {"sum 1", R"({__name__="sum"})", {1}},
      {"m 0x10", R"({__name__="m"})", std::vector<double>(11, 0)},  // no hex: 0, repeated
      {"m", R"({__name__="m"})", {}},
  };
  for (const auto& c : cases) {
    auto r = ParseSeriesDesc(c.input);
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.message();
    EXPECT_EQ(r->labels.to_string(), c.labels) << c.input;
    EXPECT_EQ(Values(*r), c.values) << c.input;
  }
}

TEST(SeriesDescTest, RepeatedAdditionMatchesUpstreamBitForBit) {
  auto r = ParseSeriesDesc("m 0+0.1x10");
  ASSERT_TRUE(r.ok()) << r.message();
  double v = 0;
  for (const auto& s : r->values) {
    EXPECT_EQ(s.value, v);  // exact: built by the same additions
    v += 0.1;
  }
  EXPECT_NE(r->values[10].value, 1.0);  // 0.1 added ten times is not 1
}

TEST(SeriesDescTest, StaleAndNaN) {
  auto r = ParseSeriesDesc("m 1 stale NaN");
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->values.size(), 3u);
  EXPECT_TRUE(IsStaleNaN(r->values[1].value));
  EXPECT_TRUE(std::isnan(r->values[2].value));
  EXPECT_FALSE(IsStaleNaN(r->values[2].value));
}

TEST(SeriesDescTest, NativeHistogramsAreRecognised) {
  auto r = ParseSeriesDesc(
      "h {{schema:1 sum:-0.3 count:32.1 z_bucket:7.1 z_bucket_w:0.05 buckets:[5.1 10 7] "
      "offset:-3 n_buckets:[4.1 5] n_offset:-5 counter_reset_hint:gauge}} 1 "
      "{{sum:3 count:2 buckets:[2]}}x2 {{}}+{{sum:1 count:1}}x1 {{ }}");
  ASSERT_TRUE(r.ok()) << r.message();
  ASSERT_EQ(r->values.size(), 8u);
  EXPECT_TRUE(r->values[0].histogram);
  EXPECT_FALSE(r->values[1].histogram);
  for (size_t i = 2; i < 8; ++i) EXPECT_TRUE(r->values[i].histogram) << i;
}

TEST(SeriesDescTest, ErrorsNameTheColumn) {
  struct Case {
    const char* input;
    const char* error;
  };
  const Case cases[] = {
      {"{} 1+1", "1:7: parse error: unexpected end of input in series values"},
      {R"(m{a="b"} 1 3 _ 5 _a4)",
       "1:19: parse error: unexpected identifier \"a4\" in series values"},
      {"m -3-3 -3", "1:7: parse error: unexpected \"<space>\" in series values"},
      {"m -3 _-2", "1:7: parse error: unexpected <op:-> in series values"},
      {"m 3+3x4-4", "1:8: parse error: unexpected <op:-> in series values"},
      {"m 1 foo",
       "1:5: parse error: unexpected identifier \"foo\" in series values, expected "
       "number or \"stale\""},
      {R"(up{job="x")", "1:11: parse error: unexpected end of input inside braces"},
      {"m 1x1.5",
       "1:5: parse error: invalid repetition in series values: strconv.ParseUint: "
       "parsing \"1.5\": invalid syntax"},
      {"m 1m", "1:3: parse error: bad number syntax: \"1\""},
      {"m {{foo:1}}", "1:5: parse error: bad histogram descriptor found: \"foo\""},
  };
  for (const auto& c : cases) {
    auto r = ParseSeriesDesc(c.input);
    ASSERT_FALSE(r.ok()) << c.input;
    EXPECT_EQ(r.message(), c.error) << c.input;
  }
}

TEST(SeriesDescTest, RepetitionIsBounded) {
  auto r = ParseSeriesDesc("m 1x100000000000");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("invalid repetition"), std::string::npos) << r.message();
}

}  // namespace
}  // namespace tocsin::promql

namespace tocsin::promql {
namespace {

TEST(ParseMetricTest, LabelSets) {
  auto a = ParseMetric(R"(up{job="api", instance="a:1"})");
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a->to_string(), R"({__name__="up", instance="a:1", job="api"})");
  auto b = ParseMetric(R"({__name__="up", "a.b"="c"})");
  ASSERT_TRUE(b.ok()) << b.message();
  EXPECT_EQ(b->metric_name(), "up");
  auto c = ParseMetric("{}");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_TRUE(c->empty());
  auto bad = ParseMetric(R"(up{job=~"x"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), "1:7: parse error: unexpected <op:=~> in label set, expected \"=\"");
  auto trailing = ParseMetric("up 1");
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.message(), "1:4: parse error: unexpected number \"1\"");
}

}  // namespace
}  // namespace tocsin::promql
