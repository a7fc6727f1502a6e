// Prometheus's template functions: each function's output for representative inputs, as
// Prometheus's Go code produces it (values worked out from template/template.go and
// common/helpers/templates, and checked against promtool where the versions agree).
#include "rules/template_functions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/template/template.h"
#include "rules/alert_template.h"

namespace tocsin::rules {
namespace {

using tmpl::Value;

// Renders `text` (with the alert prelude) for an alert with `labels` and `value`.
std::string Render(const std::string& text, double value = 0,
                   const Labels& labels = {{"instance", "localhost:9090"}, {"job", "node"}},
                   const TemplateEnvironment* env_in = nullptr) {
  auto t = AlertTemplate::Parse("Test", text);
  if (!t.ok()) return "PARSE: " + t.message();
  TemplateEnvironment env;
  if (env_in == nullptr) {
    env.timestamp = 1700000000123;
    env.external_url = "https://prom.example.com/prometheus/";
    env_in = &env;
  }
  auto r = t->Expand(AlertTemplateData(labels, Labels{{"cluster", "c1"}}, "https://ext/", value),
                     *env_in);
  return r.ok() ? *r : "ERROR: " + r.message();
}

TEST(PrometheusTemplateFunctions, Humanize) {
  struct Case {
    double v;
    const char* want;
  };
  const Case cases[] = {
      {0, "0"},
      {1, "1"},
      {999.9, "999.9"},
      {1000, "1k"},
      {1234567, "1.235M"},
      {1234567.891, "1.235M"},
      {-1234, "-1.234k"},
      {1e27, "1000Y"},
      {1e30, "1e+06Y"},
      {0.5, "500m"},
      {0.001, "1m"},
      {0.000123, "123u"},
      {1.234e-10, "123.4p"},
      {1e-30, "1e-06y"},
      {std::numeric_limits<double>::infinity(), "+Inf"},
      {-std::numeric_limits<double>::infinity(), "-Inf"},
      {std::nan(""), "NaN"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(Render("{{ humanize $value }}", c.v), c.want);
  }
  EXPECT_EQ(Render(R"t({{ humanize "1234.5" }}|{{ humanize 1234 }}|{{ "12345" | humanize }})t"),
            "1.234k|1.234k|12.35k");
}

TEST(PrometheusTemplateFunctions, Humanize1024) {
  EXPECT_EQ(Render("{{ humanize1024 $value }}", 0), "0");
  EXPECT_EQ(Render("{{ humanize1024 $value }}", 1), "1");
  EXPECT_EQ(Render("{{ humanize1024 $value }}", 0.5), "0.5");
  EXPECT_EQ(Render("{{ humanize1024 $value }}", 1023), "1023");
  EXPECT_EQ(Render("{{ humanize1024 $value }}", 1024), "1ki");
  EXPECT_EQ(Render("{{ humanize1024 $value }}", 1234567.891), "1.177Mi");
  EXPECT_EQ(Render("{{ humanize1024 $value }}", -1048576), "-1Mi");
  EXPECT_EQ(Render("{{ humanize1024 $value }}", std::pow(1024.0, 9)), "1024Yi");
}

TEST(PrometheusTemplateFunctions, HumanizeDuration) {
  struct Case {
    const char* arg;
    const char* want;
  };
  const Case cases[] = {
      {"0", "0s"},
      {"1", "1s"},
      {"60", "1m 0s"},
      {"3600", "1h 0m 0s"},
      {"3661", "1h 1m 1s"},
      {"86400", "1d 0h 0m 0s"},
      {"90061", "1d 1h 1m 1s"},
      {"-187445", "-2d 4h 4m 5s"},
      {"899.99", "14m 59s"},
      {".1", "100ms"},
      {".0001", "100us"},
      {".12345", "123.5ms"},
      {"60.5", "1m 0s"},
      {"1.2345", "1.234s"},
      {"12.345", "12.35s"},
      {"1234567", "14d 6h 56m 7s"},
      {"-0.5", "-500ms"},
      {"1e-12", "1ps"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.arg);
    EXPECT_EQ(Render(std::string("{{ humanizeDuration ") + c.arg + " }}"), c.want);
    EXPECT_EQ(Render(std::string("{{ humanizeDuration \"") + c.arg + "\" }}"), c.want);
  }
  EXPECT_EQ(Render("{{ humanizeDuration $value }}", std::nan("")), "NaN");
  EXPECT_EQ(Render("{{ humanizeDuration $value }}", -std::numeric_limits<double>::infinity()),
            "-Inf");
  // toDuration returns a *time.Duration, which ConvertToFloat does not take.
  EXPECT_EQ(Render("{{ humanizeDuration (toDuration 90) }}"),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:115: executing "
            "\"__alert_Test\" at <humanizeDuration (toDuration 90)>: error calling "
            "humanizeDuration: can't convert *time.Duration to float");
}

TEST(PrometheusTemplateFunctions, HumanizePercentageAndTimestamp) {
  EXPECT_EQ(Render("{{ humanizePercentage $value }}", 0.1234), "12.34%");
  EXPECT_EQ(Render("{{ humanizePercentage $value }}", 0.5), "50%");
  EXPECT_EQ(Render("{{ humanizePercentage $value }}", 1234567.891), "1.235e+08%");
  EXPECT_EQ(Render("{{ humanizePercentage $value }}", -0.00001), "-0.001%");
  EXPECT_EQ(Render("{{ humanizeTimestamp $value }}", 0), "1970-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(Render("{{ humanizeTimestamp $value }}", -1), "1969-12-31 23:59:59 +0000 UTC");
  EXPECT_EQ(Render("{{ humanizeTimestamp $value }}", 1435065584.128),
            "2015-06-23 13:19:44.128 +0000 UTC");
  EXPECT_EQ(Render("{{ humanizeTimestamp \"1435065584.128\" }}"),
            "2015-06-23 13:19:44.128 +0000 UTC");
  EXPECT_EQ(Render("{{ humanizeTimestamp 9223372036 }}"), "2262-04-11 23:47:16 +0000 UTC");
  EXPECT_EQ(Render("{{ humanizeTimestamp $value }}", 1.5e-3), "1970-01-01 00:00:00.001 +0000 UTC");
  EXPECT_EQ(Render("{{ humanizeTimestamp $value }}", -1.5), "1969-12-31 23:59:58.5 +0000 UTC");
  EXPECT_EQ(Render("{{ humanizeTimestamp $value }}", std::numeric_limits<double>::infinity()),
            "+Inf");
  EXPECT_EQ(
      Render("{{ humanizeTimestamp $value }}", 1e19),
      "ERROR: error executing template __alert_Test: template: __alert_Test:1:115: executing "
      "\"__alert_Test\" at <humanizeTimestamp $value>: error calling humanizeTimestamp: 1e+19 "
      "cannot be represented as a nanoseconds timestamp since it overflows int64");
}

TEST(PrometheusTemplateFunctions, TimeAndDurationValues) {
  EXPECT_EQ(Render("{{ toTime $value }}", 1700000000.5), "2023-11-14 22:13:20.5 +0000 UTC");
  EXPECT_EQ(Render("{{ (toTime $value).Unix }}|{{ (toTime $value).Format \"Jan 2 15:04\" }}",
                   1700000000.5),
            "1700000000|Nov 14 22:13");
  EXPECT_EQ(Render("{{ toTime $value | printf \"%T\" }}", 1), "*time.Time");
  EXPECT_EQ(Render("{{ toDuration $value }}", 90.5), "1m30.5s");
  EXPECT_EQ(Render("{{ toDuration $value }}", 0.0000015), "1.5µs");
  EXPECT_EQ(Render("{{ (toDuration $value).Minutes }}", 90), "1.5");
  EXPECT_EQ(Render("{{ toDuration $value | printf \"%T\" }}", 1), "*time.Duration");
  EXPECT_EQ(Render("{{ now }}"), "1.700000000123e+09");
  EXPECT_EQ(
      Render(
          "{{ parseDuration \"1h30m\" }}|{{ parseDuration \"-1m\" }}|{{ parseDuration \"1ms\" }}"),
      "5400|-60|0.001");
  EXPECT_EQ(Render("{{ parseDuration \"1x\" }}"),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:115: executing "
            "\"__alert_Test\" at <parseDuration \"1x\">: error calling parseDuration: unknown unit "
            "\"x\" in duration \"1x\"");
  EXPECT_EQ(Render("{{ parseDuration \"1m1h\" }}")
                .substr(Render("{{ parseDuration \"1m1h\" }}").find("error calling")),
            "error calling parseDuration: not a valid duration string: \"1m1h\"");
  EXPECT_NE(Render("{{ parseDuration \"300y\" }}").find("duration out of range"),
            std::string::npos);
}

TEST(PrometheusTemplateFunctions, Strings) {
  EXPECT_EQ(Render(R"t({{ title "hello wORLD foo-bar o'neil a.b_c 123abc" }})t"),
            "Hello WORLD Foo-Bar O'neil A.b_c 123Abc");
  EXPECT_EQ(Render(R"t({{ toUpper "héllo" }}|{{ toLower "HÉLLO ÀB" }})t"), "HÉLLO|héllo àb");
  EXPECT_EQ(
      Render(
          R"t({{ stripPort $labels.instance }}|{{ stripPort "host" }}|{{ stripPort "[::1]:80" }}|{{ stripPort "a:b:c" }})t"),
      "localhost|host|::1|a:b:c");
  EXPECT_EQ(
      Render(
          R"t({{ stripDomain "foo.example.com:9090" }}|{{ stripDomain "foo.example.com" }}|{{ stripDomain "10.0.0.1:80" }}|{{ stripDomain "[2001:db8::1]:80" }})t"),
      "foo:9090|foo|10.0.0.1:80|[2001:db8::1]:80");
  EXPECT_EQ(Render(R"t({{ graphLink "rate(x[5m]) > 1" }}|{{ tableLink "up" }})t"),
            "/graph?g0.expr=rate%28x%5B5m%5D%29+%3E+1&g0.tab=0|/graph?g0.expr=up&g0.tab=1");
  EXPECT_EQ(Render(R"t({{ urlQueryEscape "a b&c" }})t"), "a+b%26c");
  EXPECT_EQ(Render(R"t({{ match "^local" $labels.instance }}|{{ match "^x" "abc" }})t"),
            "true|false");
  EXPECT_EQ(Render(R"t({{ reReplaceAll "(.*):(.*)" "$2-$1" $labels.instance }})t"),
            "9090-localhost");
  EXPECT_EQ(Render(R"t({{ reReplaceAll "a*" "-" "baaac" }})t"), "-b-c-");
  EXPECT_EQ(Render(R"t({{ reReplaceAll "(?P<word>\\w+)" "<${word}>" "ab cd" }})t"), "<ab> <cd>");
  EXPECT_EQ(Render(R"t({{ reReplaceAll "(a)(b)" "$2$1${1}x$3$$" "abab" }})t"), "baax$baax$");
  EXPECT_EQ(Render(R"t({{ safeHtml "<b>" }}|{{ safeHtml "x" | printf "%T" }})t"),
            "<b>|template.HTML");
  EXPECT_EQ(Render(R"t({{ match "(" "x" }})t"),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:115: executing "
            "\"__alert_Test\" at <match \"(\" \"x\">: error calling match: error parsing regexp: "
            "missing closing ): `(`");
  EXPECT_EQ(Render(R"t({{ reReplaceAll "(" "x" "y" }})t"),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:115: executing "
            "\"__alert_Test\" at <reReplaceAll \"(\" \"x\" \"y\">: error calling reReplaceAll: "
            "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`");
}

TEST(PrometheusTemplateFunctions, Variables) {
  EXPECT_EQ(Render("{{ $value }}", 1234567.891), "1.234567891e+06");
  EXPECT_EQ(Render("{{ $value }}", 0.25), "0.25");
  EXPECT_EQ(Render("{{ .Value }}|{{ printf \"%.2f\" $value }}", 2.5), "2.5|2.50");
  EXPECT_EQ(Render("{{ $labels.instance }}|{{ $labels.missing }}|{{ index $labels \"job\" }}"),
            "localhost:9090||node");
  EXPECT_EQ(Render("{{ $labels }}"), "map[instance:localhost:9090 job:node]");
  EXPECT_EQ(Render("{{ $externalLabels.cluster }}|{{ $externalURL }}"), "c1|https://ext/");
  EXPECT_EQ(Render("{{ externalURL }}|{{ pathPrefix }}"),
            "https://prom.example.com/prometheus/|/prometheus/");
  EXPECT_EQ(Render("{{ . }}", 3, Labels{{"__name__", "m"}, {"a", "b"}}),
            "{map[__name__:m a:b] map[cluster:c1] https://ext/ 3}");
  EXPECT_EQ(Render("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}"),
            "instance=localhost:9090;job=node;");
  EXPECT_EQ(Render(R"t({{ args 1 "a" }}|{{ (args 1 "a").arg1 }})t"), "map[arg0:1 arg1:a]|a");
  EXPECT_EQ(Render("{{ if gt $value 100.0 }}big{{ else }}small{{ end }}", 150), "big");
  // A common mistake, reported as Prometheus reports it.
  EXPECT_EQ(Render("{{ if gt $value 100 }}big{{ end }}", 150),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:118: executing "
            "\"__alert_Test\" at <gt $value 100>: error calling gt: incompatible types for "
            "comparison: float64 and int");
  EXPECT_EQ(Render("{{ $value | toUpper }}", 1),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:124: executing "
            "\"__alert_Test\" at <toUpper>: wrong type for value; expected string; got float64");
  EXPECT_EQ(Render("{{ .labels }}"),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:115: executing "
            "\"__alert_Test\" at <.labels>: can't evaluate field labels in type struct { Labels "
            "map[string]string; ExternalLabels map[string]string; ExternalURL string; Value "
            "interface {} }");
  EXPECT_EQ(Render("{{ humanize \"abc\" }}"),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:115: executing "
            "\"__alert_Test\" at <humanize \"abc\">: error calling humanize: strconv.ParseFloat: "
            "parsing \"abc\": invalid syntax");
  EXPECT_EQ(Render("{{ humanize (toTime 1) }}")
                .substr(Render("{{ humanize (toTime 1) }}").find("error calling")),
            "error calling humanize: can't convert *time.Time to float");
}

TEST(PrometheusTemplateFunctions, ExternalUrlUnset) {
  TemplateEnvironment env;  // no external URL, as in promtool's rule tests
  EXPECT_EQ(Render("{{ externalURL }}", 0, {}, &env),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:115: executing "
            "\"__alert_Test\" at <externalURL>: error calling externalURL: runtime error: invalid "
            "memory address or nil pointer dereference");
}

TEST(PrometheusTemplateFunctions, Query) {
  TemplateEnvironment env;
  env.timestamp = 42000;
  TimestampMs asked_at = -1;
  std::string asked;
  env.query = [&](std::string_view q, TimestampMs at) -> Result<std::vector<QuerySample>> {
    asked = std::string(q);
    asked_at = at;
    if (q == "bad(") return Error{"1:5: parse error: unclosed left parenthesis"};
    if (q == "none") return std::vector<QuerySample>{};
    return std::vector<QuerySample>{
        {Labels{{"__name__", "up"}, {"instance", "b"}, {"job", "x"}}, 0},
        {Labels{{"__name__", "up"}, {"instance", "a"}, {"job", "x"}}, 1},
    };
  };
  EXPECT_EQ(Render(R"t({{ with query "up" }}{{ . | first | value }}{{ end }})t", 0, {}, &env), "0");
  EXPECT_EQ(asked, "up");
  EXPECT_EQ(asked_at, 42000);
  EXPECT_EQ(Render(R"t({{ range query "up" }}{{ .Labels.instance }}={{ .Value }} {{ end }})t", 0,
                   {}, &env),
            "b=0 a=1 ");
  EXPECT_EQ(
      Render(
          R"t({{ range query "up" | sortByLabel "instance" }}{{ label "instance" . }} {{ end }})t",
          0, {}, &env),
      "a b ");
  EXPECT_EQ(
      Render(
          R"t({{ query "up" | first | strvalue }}|{{ len (query "up") }}|{{ query "up" | printf "%T" }})t",
          0, {}, &env),
      "|2|template.queryResult");
  EXPECT_EQ(Render(R"t({{ with query "none" }}x{{ else }}none{{ end }})t", 0, {}, &env), "none");
  EXPECT_EQ(Render(R"t({{ query "none" | first }})t", 0, {}, &env),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:130: executing "
            "\"__alert_Test\" at <first>: error calling first: first() called on vector with no "
            "elements");
  EXPECT_EQ(Render(R"t({{ query "bad(" }})t", 0, {}, &env),
            "ERROR: error executing template __alert_Test: template: __alert_Test:1:115: executing "
            "\"__alert_Test\" at <query \"bad(\">: error calling query: 1:5: parse error: unclosed "
            "left parenthesis");
  EXPECT_EQ(Render(R"t({{ first (list) }})t", 0, {}, &env).substr(0, 6), "PARSE:");
  EXPECT_EQ(Render(R"t({{ first $labels }})t", 0, {}, &env)
                .substr(Render(R"t({{ first $labels }})t", 0, {}, &env).find("at <")),
            "at <$labels>: wrong type for value; expected template.queryResult; got "
            "map[string]string");
  EXPECT_EQ(Render(R"t({{ label "x" nil }})t", 0, {}, &env)
                .substr(Render(R"t({{ label "x" nil }})t", 0, {}, &env).find("error calling")),
            "error calling label: runtime error: invalid memory address or nil pointer "
            "dereference");
}

TEST(AlertTemplate, ParseErrorsNameTheRule) {
  auto t = AlertTemplate::Parse("HighLoad", "{{ nosuch }}");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.message(), R"(template: __alert_HighLoad:1: function "nosuch" not defined)");
  auto u = AlertTemplate::Parse("HighLoad", "{{ if }}");
  EXPECT_EQ(u.message(), "template: __alert_HighLoad:1: missing value for if");
  // Prometheus has no trimSpace for rule templates (Alertmanager has).
  EXPECT_FALSE(AlertTemplate::Parse("X", "{{ trimSpace \" a \" }}").ok());
}

TEST(AlertTemplate, ExpandOrErrorText) {
  auto t =
      AlertTemplate::Parse("HighLoad", "{{ .Value | humanize }} on {{ .Labels.x }} {{ .Nope }}");
  ASSERT_TRUE(t.ok());
  TemplateEnvironment env;
  EXPECT_EQ(t->ExpandOrErrorText(AlertTemplateData({{"x", "y"}}, {}, "", 2000), env),
            "<error expanding template: error executing template __alert_HighLoad: template: "
            "__alert_HighLoad:1:158: executing \"__alert_HighLoad\" at <.Nope>: can't evaluate "
            "field Nope in type struct { Labels map[string]string; ExternalLabels "
            "map[string]string; ExternalURL string; Value interface {} }>");
  auto ok = AlertTemplate::Parse("HighLoad", "{{ .Value | humanize }} on {{ .Labels.x }}");
  EXPECT_EQ(ok->ExpandOrErrorText(AlertTemplateData({{"x", "y"}}, {}, "", 2000), env), "2k on y");
}

}  // namespace
}  // namespace tocsin::rules
