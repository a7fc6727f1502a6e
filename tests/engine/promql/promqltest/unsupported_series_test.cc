#include "engine/promql/promqltest/unsupported_series.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/promql/parser.h"

namespace tocsin::promql::promqltest {
namespace {

using ::testing::HasSubstr;

LoadCommand Load(std::string_view text) {
  auto s = ParseScript(text, "t.test");
  EXPECT_TRUE(s.ok()) << s.message();
  return std::get<LoadCommand>(std::move(s->commands.at(0)));
}

ExprPtr Parse(std::string_view s) {
  return std::move(ParseExpr(s, TestParserOptions())).value();
}

TEST(UnsupportedSeriesTest, SelectorsReadingHistogramSeries) {
  UnsupportedSeries u;
  u.Record(Load("load 1m\n  floats{a=\"1\"} 1 2\n  hist{a=\"1\"} 1 {{count:1}}\n"));
  EXPECT_FALSE(u.NativeHistogramUse(*Parse("rate(floats[5m])")));
  auto why = u.NativeHistogramUse(*Parse("sum(rate(hist[5m]))"));
  ASSERT_TRUE(why);
  EXPECT_THAT(*why, HasSubstr("hist{a=\"1\"}"));
  EXPECT_THAT(*why, HasSubstr("line 3"));
  // Selectors that name the metric and match count, also regex names and inside subqueries;
  // name-less selectors do not (the README's heuristic).
  EXPECT_TRUE(u.NativeHistogramUse(*Parse("{__name__=~\"h.*\"}")));
  EXPECT_FALSE(u.NativeHistogramUse(*Parse("hist{a=\"2\"}")));
  EXPECT_FALSE(u.NativeHistogramUse(*Parse("count({a=\"1\"})")));
  EXPECT_TRUE(u.NativeHistogramUse(*Parse("max_over_time(hist[5m:1m]) + floats")));
  // Histogram functions over float data do not need native histograms.
  EXPECT_FALSE(u.NativeHistogramUse(*Parse("histogram_count(floats)")));
  u.Clear();
  EXPECT_FALSE(u.NativeHistogramUse(*Parse("hist")));
}

TEST(UnsupportedSeriesTest, LoadWithNhcbMakesNativeHistogramsOfClassicOnes) {
  UnsupportedSeries u;
  u.Record(
      Load("load_with_nhcb 1m\n"
           "  req_bucket{le=\"0.1\", job=\"a\"} 1 2\n"
           "  req_bucket{le=\"+Inf\", job=\"a\"} 2 4\n"
           "  req_count{job=\"a\"} 2 4\n"
           "  other{job=\"a\"} 1\n"));
  EXPECT_TRUE(u.NativeHistogramUse(*Parse("histogram_quantile(0.5, req)")));
  EXPECT_TRUE(u.NativeHistogramUse(*Parse("req{job=\"a\"}")));
  EXPECT_FALSE(u.NativeHistogramUse(*Parse("histogram_quantile(0.5, rate(req_bucket[5m]))")));
  EXPECT_FALSE(u.NativeHistogramUse(*Parse("other")));

  UnsupportedSeries plain;  // under a plain load the same series make no NHCB
  plain.Record(Load("load 1m\n  req_bucket{le=\"0.1\"} 1\n"));
  EXPECT_FALSE(plain.NativeHistogramUse(*Parse("req")));
}

TEST(UnsupportedSeriesTest, StartTimestampsAreSupported) {
  UnsupportedSeries u;
  u.Record(Load("load 1m\n  c{t=\"st\"}@st _ -1m\n  c{t=\"st\"} 1 2\n  c{t=\"no\"} 1 2\n"));
  EXPECT_FALSE(u.NativeHistogramUse(*Parse("rate(c[5m])")));
}

}  // namespace
}  // namespace tocsin::promql::promqltest
