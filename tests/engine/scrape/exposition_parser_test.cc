#include "engine/scrape/exposition_parser.h"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <string>
#include <vector>

#include "storage/base/sample.h"

namespace tocsin::scrape {
namespace {

constexpr auto kProm = ExpositionFormat::kPrometheusText;
constexpr auto kOM = ExpositionFormat::kOpenMetrics;

struct Outcome {
  std::vector<std::string> series;  // "<labels> <value>[ @<ts>]"
  std::string error;                // empty when the document was accepted
};

std::string FormatValue(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

Outcome ParseAll(std::string_view text, ExpositionFormat format, ParserOptions options = {}) {
  Outcome out;
  ExpositionParser p(text, format, options);
  for (int guard = 0; guard < 100000; ++guard) {
    const Entry e = p.Next();
    if (e == Entry::kEnd) return out;
    if (e == Entry::kError) {
      out.error = p.error().message;
      return out;
    }
    if (e == Entry::kSeries) {
      std::string s = p.labels().to_string() + " " + FormatValue(p.value());
      if (p.timestamp()) s += " @" + std::to_string(*p.timestamp());
      out.series.push_back(s);
    }
  }
  ADD_FAILURE() << "parser did not finish";
  return out;
}

std::vector<std::string> Accepts(std::string_view text, ExpositionFormat format) {
  Outcome o = ParseAll(text, format);
  EXPECT_EQ(o.error, "") << text;
  return o.series;
}

std::string Refuses(std::string_view text, ExpositionFormat format) {
  Outcome o = ParseAll(text, format);
  EXPECT_NE(o.error, "") << "accepted: " << text;
  return o.error;
}

TEST(PrometheusText, ParsesAFullExposition) {
  const std::string text =
      "# HELP go_gc_duration_seconds A summary of the GC invocation durations.\n"
      "# \tTYPE go_gc_duration_seconds summary\n"
      "go_gc_duration_seconds{quantile=\"0\"} 4.9351e-05\n"
      "go_gc_duration_seconds{quantile=\"0.25\",} 7.424100000000001e-05\n"
      "go_gc_duration_seconds{quantile=\"0.5\",a=\"b\"} 8.3835e-05\n"
      "go_gc_duration_seconds_count 99\n"
      "# Hrandom comment starting with prefix of HELP\n"
      "#\n"
      "# comment with escaped \\n newline\n"
      "# TYPE http_requests_total counter\n"
      "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
      "  \t  \n"
      "metric_without_timestamp_and_labels 12.47\n"
      "something_untyped{ a = \"b\" c=\"d\" } NaN\n"
      "escaped{a=\"x\\\\y\\\"z\\nw\\tq\"} -Inf\n"
      "multiline{a=\"line1\nline2\"} +Inf 0\n"
      "last 1";
  EXPECT_EQ(
      Accepts(text, kProm),
      (std::vector<std::string>{
          R"({__name__="go_gc_duration_seconds", quantile="0.0"} 4.9351e-05)",
          R"({__name__="go_gc_duration_seconds", quantile="0.25"} 7.424100000000001e-05)",
          R"({__name__="go_gc_duration_seconds", a="b", quantile="0.5"} 8.3835e-05)",
          R"({__name__="go_gc_duration_seconds_count"} 99)",
          R"({__name__="http_requests_total", code="200", method="post"} 1027 @1395066363000)",
          R"({__name__="metric_without_timestamp_and_labels"} 12.47)",
          R"({__name__="something_untyped", a="b", c="d"} nan)",
          R"({__name__="escaped", a="x\\y\"z\nw\\tq"} -inf)",
          R"({__name__="multiline", a="line1\nline2"} inf @0)",
          R"({__name__="last"} 1)",
      }));
}

TEST(PrometheusText, HelpAndTypeEntries) {
  ExpositionParser p("# HELP m Some \\\\ help\\n \\\"x\\\"\n# TYPE m gauge\n", kProm);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.metric_family(), "m");
  EXPECT_EQ(p.help(), "Some \\ help\n \\\"x\\\"");  // only \\ and \n are escapes here
  ASSERT_EQ(p.Next(), Entry::kType);
  EXPECT_EQ(p.type(), MetricType::kGauge);
  EXPECT_EQ(p.Next(), Entry::kEnd);
}

TEST(PrometheusText, HelpTextDropsTheSeparatorLikeUpstream) {
  ExpositionParser p("# HELP m   two  spaces kept\n# HELP n \t \n", kProm);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.help(), "  two  spaces kept");
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.help(), "");
}

TEST(PrometheusText, QuotedUtf8Names) {
  EXPECT_EQ(Accepts("{\"my.metric\",\"my.label\"=\"v\"} 1\n"
                    "{\"other.metric\"} 2\n"
                    "plain{\"dotted.label\"=\"x\"} 3\n"
                    "# TYPE \"my.hist\" histogram\n"
                    "{\"my.hist_bucket\",le=\"1\"} 4\n",
                    kProm),
            (std::vector<std::string>{
                R"({__name__="my.metric", "my.label"="v"} 1)",
                R"({__name__="other.metric"} 2)",
                R"({__name__="plain", "dotted.label"="x"} 3)",
                R"({__name__="my.hist_bucket", le="1.0"} 4)",
            }));
}

TEST(PrometheusText, NormalisesLeAndQuantileOnlyForTheirTypes) {
  EXPECT_EQ(Accepts("# TYPE h histogram\n"
                    "h_bucket{le=\"1\"} 1\nh_bucket{le=\"2.50\"} 2\nh_bucket{le=\"1e6\"} 3\n"
                    "h_bucket{le=\"+Inf\"} 4\nh_bucket{le=\"bogus\"} 5\nh_sum{quantile=\"1\"} 6\n"
                    "# TYPE g gauge\n"
                    "g{le=\"1\"} 7\n",
                    kProm),
            (std::vector<std::string>{
                R"({__name__="h_bucket", le="1.0"} 1)",
                R"({__name__="h_bucket", le="2.5"} 2)",
                R"({__name__="h_bucket", le="1e+06"} 3)",
                R"({__name__="h_bucket", le="+Inf"} 4)",
                R"({__name__="h_bucket", le="bogus"} 5)",
                R"({__name__="h_sum", quantile="1"} 6)",
                R"({__name__="g", le="1"} 7)",
            }));
}

TEST(PrometheusText, NaNIsStoredAsPrometheusCanonicalNaN) {
  ExpositionParser p("a NaN\n", kProm);
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(std::bit_cast<uint64_t>(p.value()), kNormalNaNBits);
}

TEST(PrometheusText, NulAtLineStartEndsTheDocument) {
  EXPECT_EQ(Accepts(std::string("a 1\n\0garbage {{{", 17), kProm),
            (std::vector<std::string>{R"({__name__="a"} 1)"}));
}

TEST(PrometheusText, EmptyLabelValuesAreDroppedAndDoNotCountAsDuplicates) {
  EXPECT_EQ(Accepts("a{b=\"\",b=\"x\",c=\"\"} 1\n", kProm),
            (std::vector<std::string>{R"({__name__="a", b="x"} 1)"}));
}

TEST(PrometheusText, SeriesTextIdentifiesTheSeriesAsWritten) {
  ExpositionParser p("a{b=\"1\"} 1 5\nc 2\n", kProm);
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.series_text(), "a{b=\"1\"}");
  ASSERT_EQ(p.Next(), Entry::kSeries);
  EXPECT_EQ(p.series_text(), "c");
}

TEST(PrometheusText, ErrorsNameLineAndColumn) {
  EXPECT_EQ(Refuses("a 1\nb{c='d'} 1\n", kProm),
            "line 2, column 5: expected label value, got \"'\"");
  EXPECT_EQ(Refuses("a", kProm), "line 1, column 2: expected value after metric, got end of input");
  EXPECT_EQ(Refuses("a{b=\"\xff\"} 1\n", kProm),
            "line 1, column 5: invalid UTF-8 label value: \"\\xff\"");
  EXPECT_EQ(Refuses("a true\n", kProm), "line 1, column 3: invalid value \"true\"");
  EXPECT_EQ(Refuses("{a=\"ok\"} 1", kProm), "line 1, column 1: metric name not set");
  EXPECT_EQ(Refuses("x 1\n\n  a{b=\"1\",b=\"2\"} 1\n", kProm),
            "line 3, column 11: label name \"b\" is not unique");
  EXPECT_EQ(Refuses("a{__name__=\"b\"} 1\n", kProm),
            "line 1, column 3: label name \"__name__\" is not unique");
  EXPECT_EQ(Refuses("# TYPE a unknown\n", kProm),
            "line 1, column 10: invalid metric type \"unknown\"");
  EXPECT_EQ(Refuses("# TYPE a counter \n", kProm),
            "line 1, column 10: invalid metric type \"counter \"");
}

TEST(PrometheusText, RefusesWhatUpstreamRefuses) {
  for (const char* text : {"a{b=\n",
                           "a{\xff=\"foo\"} 1\n",
                           "{\"a\", \"b = \"c\"}",
                           "{\"a\",b\\nc=\"d\"} 1",
                           "something_weird{problem=\"",
                           "empty_label_name{=\"\"} 0",
                           "{A}0",
                           "foo 1_2\n",
                           "foo 0x1p-3\n",
                           "foo 0 1_2\n",
                           "# TYPE #\n",
                           "# HELP #\n",
                           "a 1 -5\n",
                           "a 1\r\n",
                           "a{b=\"c\"}{} 1\n",
                           "a 1 99999999999999999999\n",
                           "{\"a\",\"b\"} 1\n",
                           "a{} \n",
                           "a{b=\"c\"\n",
                           "a{b=\"c\\\n\"} 1\n",
                           "{\"\"} 1\n",
                           "a{\"\"=\"x\"} 1\n",
                           "a{,} 1\n",
                           "a{b=\"1\",,} 1\n",
                           "a 1 2 3\n",
                           "1a 1\n",
                           "# HELP a \xff\n"}) {
    Refuses(text, kProm);
  }
}

TEST(PrometheusText, AcceptsWhatUpstreamAccepts) {
  for (const char* text : {"", "\n\n", "#", "# HELP\n", "#HELP x\n", "a{} 1", "a {b=\"c\"} 1\n",
                           "a{b=\"c\"}1\n", "a 1 \t\n", "a{b=\"c\",} 1\n", "# TYPE a\tcounter\n",
                           "a 1e3 0\n", "\t a 1\n", "a{\"b\"=\"c\"} 1\n", "a 1 123\n"}) {
    Outcome o = ParseAll(text, kProm);
    EXPECT_EQ(o.error, "") << text;
  }
}

TEST(OpenMetrics, ParsesAFullExposition) {
  const std::string text =
      "# HELP a help text with \\\"quotes\\\"\n"
      "# TYPE a counter\n"
      "# UNIT a_seconds seconds\n"
      "a_total{foo=\"bar\"} 1 1520879607.789\n"
      "a_total 2 # {trace_id=\"KOO5S4vxi0o\"} 0.67 1520879607.789\n"
      "a_created 1520430000.123\n"
      "# TYPE hh histogram\n"
      "hh_bucket{le=\"1\"} 1 # {id=\"x\"} 1\n"
      "hh_bucket{le=\"+Inf\"} 2\n"
      "hh_created 1\n"
      "# TYPE gh gaugehistogram\n"
      "gh_bucket{le=\"1\"} 1\n"
      "# TYPE s summary\n"
      "s{quantile=\"0.90\"} 3\n"
      "{\"dotted.name\",\"a.b\"=\"c\"} -1.5e-3\n"
      "ts 4 -1.5\n"
      "# EOF\n";
  EXPECT_EQ(Accepts(text, kOM), (std::vector<std::string>{
                                    R"({__name__="a_total", foo="bar"} 1 @1520879607789)",
                                    R"({__name__="a_total"} 2)",
                                    R"({__name__="a_created"} 1520430000.123)",
                                    R"({__name__="hh_bucket", le="1.0"} 1)",
                                    R"({__name__="hh_bucket", le="+Inf"} 2)",
                                    R"({__name__="hh_created"} 1)",
                                    R"({__name__="gh_bucket", le="1"} 1)",
                                    R"({__name__="s", quantile="0.9"} 3)",
                                    R"({__name__="dotted.name", "a.b"="c"} -0.0015)",
                                    R"({__name__="ts"} 4 @-1500)",
                                }));
}

TEST(OpenMetrics, CreatedSeriesAreKeptByDefaultAndCanBeSkipped) {
  const std::string text =
      "# TYPE a counter\na_total 1\na_created 2\n# TYPE g gauge\ng_created 3\n# EOF";
  ParserOptions skip;
  skip.skip_created_series = true;
  EXPECT_EQ(ParseAll(text, kOM, skip).series,
            (std::vector<std::string>{R"({__name__="a_total"} 1)", R"({__name__="g_created"} 3)"}));
  EXPECT_EQ(ParseAll(text, kOM).series.size(), 3u);
}

TEST(OpenMetrics, HelpAndUnitEntries) {
  ExpositionParser p("# HELP m x \\\"y\\\" \\\\ \\n\n# UNIT m_bytes bytes\n# EOF\n", kOM);
  ASSERT_EQ(p.Next(), Entry::kHelp);
  EXPECT_EQ(p.help(), "x \"y\" \\ \n");
  ASSERT_EQ(p.Next(), Entry::kUnit);
  EXPECT_EQ(p.unit(), "bytes");
  EXPECT_EQ(p.Next(), Entry::kEnd);
}

TEST(OpenMetrics, ErrorsNameLineAndColumn) {
  EXPECT_EQ(Refuses("a 1\n", kOM), "line 2, column 1: data does not end with # EOF");
  EXPECT_EQ(Refuses("a 1\n# EOF\nb 1\n", kOM), "line 3, column 1: unexpected data after # EOF");
  EXPECT_EQ(Refuses("a 1\n\n# EOF\n", kOM),
            "line 2, column 1: expected a valid start token, got \"\\n\"");
  EXPECT_EQ(Refuses("# UNIT a_seconds bytes\n# EOF\n", kOM),
            "line 1, column 18: unit \"bytes\" not a suffix of metric \"a_seconds\"");
  EXPECT_EQ(Refuses("a 1 NaN\n# EOF\n", kOM), "line 1, column 5: invalid timestamp \"NaN\"");
}

TEST(OpenMetrics, RefusesWhatUpstreamRefuses) {
  for (const char* text : {"a\n#EOF\n",
                           "\n",
                           "\n# EOF\n",
                           "# EOF\n\n",
                           "# FOO bar\n# EOF\n",
                           "# comment\n# EOF\n",
                           "#\tTYPE a counter\n# EOF\n",
                           "# TYPE\n# EOF\n",
                           "# TYPE a\n# EOF\n",
                           "# TYPE a untyped\n# EOF\n",
                           "# HELP a\n# EOF\n",
                           "a  1\n# EOF\n",
                           "a 1  \n# EOF\n",
                           "a 1 \n# EOF\n",
                           "a{b=\"c\" d=\"e\"} 1\n# EOF\n",
                           "a{ b=\"c\"} 1\n# EOF\n",
                           "a{b=\"c\"} 1 # {id=\"x\"}\n# EOF\n",
                           "a 1 # {id=\"x\"} 1 2 3\n# EOF\n",
                           "a 1 # {\"q\"} 1\n# EOF\n",
                           "a 1 # {id=\"x\"} NaN Inf\n# EOF\n",
                           "a{b=\"line\nbreak\"} 1\n# EOF\n",
                           "a 1 1 1\n# EOF\n",
                           "a 1\t\n# EOF\n",
                           "a 1 Inf\n# EOF\n",
                           "a\t1\n# EOF\n",
                           "a 1",
                           "a 1 # {} 1 1",
                           "# EOF x"}) {
    Refuses(text, kOM);
  }
}

TEST(OpenMetrics, AcceptsWhatUpstreamAccepts) {
  for (const char* text :
       {"# EOF", "# EOF\n", "a 1\n# EOF", "a{b=\"c\",} 1\n# EOF\n", "a{} 1\n# EOF\n",
        "a 1 # {} 1\n# EOF\n", "a 1 # {id=\"x\",} 1 2\n# EOF\n", "a 1 2 # {id=\"x\"} 1\n# EOF\n",
        "# HELP a \n# EOF\n", "# TYPE a info\na_info 1\n# EOF\n", "# TYPE a stateset\n# EOF\n",
        "# UNIT a \n# EOF\n", "{\"a\"} 1\n# EOF\n"}) {
    Outcome o = ParseAll(text, kOM);
    EXPECT_EQ(o.error, "") << text;
  }
}

TEST(Limits, EntryLengthAndSampleCountAreBounded) {
  ParserOptions small;
  small.max_entry_bytes = 32;
  EXPECT_EQ(ParseAll("short 1\nlong{" + std::string(40, 'a') + "=\"b\"} 1\n", kProm, small).error,
            "line 2, column 1: entry longer than the limit of 32 bytes");
  ParserOptions few;
  few.max_samples = 2;
  EXPECT_EQ(ParseAll("a 1\nb 2\nc 3\n", kProm, few).error,
            "line 3, column 1: more than the limit of 2 samples");
  EXPECT_EQ(ParseAll("a 1\nb 2\n", kProm, few).error, "");
}

}  // namespace
}  // namespace tocsin::scrape
