// The reference decides: alert templates rendered by tocsin are handed to Debian's promtool as
// the expected annotations of a rule unit test; promtool renders the same templates with
// Prometheus's own code and passes only if every annotation is byte-for-byte equal.
//
// promtool is Prometheus 2.42 (built with an older Go), so the templates here use functions and
// behaviours that 2.42 and 3.x share: `title` (strings.Title in 2.42, cases.Title since),
// negative durations in parseDuration, the type of .Value (float64 in 2.42, interface {} since),
// newer functions and Go's newer error wording are covered by the unit tests instead. The order
// of a query's result is the engine's business, so only order-independent uses appear here.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/template/go_strconv.h"
#include "rules/alert_template.h"
#include "rules/template_functions.h"

namespace tocsin::rules {
namespace {

constexpr const char* kPromtool = "/usr/bin/promtool";

// A YAML double-quoted scalar (YAML's escapes are a superset of what we need).
std::string YamlQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out + "\"";
}

std::string RunCommand(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *status = -1;
    return out;
  }
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  *status = pclose(p);
  return out;
}

TEST(PrometheusTemplatesAgainstPromtool, AnnotationsRenderIdentically) {
  if (!std::filesystem::exists(kPromtool)) GTEST_SKIP() << "promtool is not installed";

  const std::vector<std::string> values = {"0",       "1",    "1234567.891", "0.000123",
                                           "-1234.5", "1e21", "86401.5",     "3.14159",
                                           "NaN",     "+Inf", "-0.5",        "999.9999"};
  const std::vector<std::string> templates = {
      "{{ $value }}",
      "{{ humanize $value }}",
      "{{ humanize1024 $value }}",
      "{{ humanizeDuration $value }}",
      "{{ humanizePercentage $value }}",
      "{{ humanizeTimestamp $value }}",
      "{{ toTime $value }}",
      "{{ printf \"%.2f|%g|%e|%5.1f|%x|%v|%08.3f|%+.3g\" $value $value $value $value $value "
      "$value $value $value }}",
      "{{ printf \"%d|%s|%q|%t\" $value $value $labels.s $value }}",
      "{{ $labels.s }}|{{ $labels.missing }}|{{ index $labels \"s\" }}|{{ $labels }}",
      "{{ . }}",
      "{{ $externalLabels }}|{{ $externalURL }}|{{ $externalLabels.cluster }}",
      "{{ stripPort \"localhost:9090\" }}|{{ stripDomain \"a.b.c:1\" }}|{{ stripDomain \"::1\" }}",
      "{{ graphLink \"rate(x[5m]) > 1\" }}|{{ tableLink \"up{a=\\\"b\\\"}\" }}",
      "{{ reReplaceAll \"([0-9]+)\\\\.([0-9]+)\" \"$2.$1\" (printf \"%v\" $value) }}",
      "{{ match \"^[0-9]+$\" (printf \"%v\" $value) }}|{{ toUpper \"abc\" }}|{{ toLower \"ÀBC\" }}",
      "{{ if gt $value 100.0 }}big{{ else if lt $value 0.0 }}negative{{ else }}small{{ end }}",
      "{{ range $k, $v := $labels }}{{ $k }}={{ $v }},{{ end }}",
      "{{ with $labels.s }}s={{ . }}{{ end }}{{ with $labels.none }}never{{ else }}-{{ end }}",
      "{{ len $labels }} {{ index (args 1 2) \"arg1\" }} {{ args \"x\" }}",
      "{{ $x := 1 }}{{ range $labels }}{{ $x = 2 }}{{ end }}{{ $x }}",
      "{{ define \"t\" }}[{{ . }}]{{ end }}{{ template \"t\" $labels.s }}",
      "{{ html \"<a&b>\" }}|{{ js \"it's\" }}|{{ urlquery \"a b\" }}|{{ print 1 2 \"x\" }}",
      "{{ humanize \"abc\" }}",
      "{{ $value | toUpper }}",
      "{{ with query \"m\" }}{{ len . }}{{ end }}",
      "{{ range query \"m\" | sortByLabel \"s\" }}{{ label \"s\" . }}{{ end }}",
  };

  const std::string external_url = "http://prom.example.com/prom/";
  const Labels external{{"cluster", "c1"}};
  std::vector<QuerySample> series;
  for (size_t i = 0; i < values.size(); ++i) {
    series.push_back(
        {Labels{{"__name__", "m"}, {"s", std::to_string(10 + i)}}, *tmpl::ParseGoFloat(values[i])});
  }
  TemplateEnvironment env;
  env.query = [&](std::string_view q, TimestampMs) -> Result<std::vector<QuerySample>> {
    if (q != "m") return Error{"unexpected query"};
    return series;  // sorted by labels, as the engine returns a selector's series
  };

  std::ostringstream rules, test;
  rules << "groups:\n- name: g\n  rules:\n  - alert: T\n    expr: m\n    annotations:\n";
  for (size_t i = 0; i < templates.size(); ++i) {
    rules << "      a" << i << ": " << YamlQuote(templates[i]) << "\n";
  }
  test << "rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n"
       << "  external_labels:\n    cluster: c1\n  external_url: " << external_url << "\n"
       << "  input_series:\n";
  for (size_t i = 0; i < values.size(); ++i) {
    test << "  - series: 'm{s=\"" << 10 + i << "\"}'\n    values: '" << values[i] << "'\n";
  }
  test << "  alert_rule_test:\n  - eval_time: 0m\n    alertname: T\n    exp_alerts:\n";
  for (size_t i = 0; i < values.size(); ++i) {
    test << "    - exp_labels:\n        s: \"" << 10 + i << "\"\n      exp_annotations:\n";
    const Labels labels = series[i].labels;
    for (size_t k = 0; k < templates.size(); ++k) {
      auto t = AlertTemplate::Parse("T", templates[k]);
      ASSERT_TRUE(t.ok()) << t.message();
      const std::string got = t->ExpandOrErrorText(
          AlertTemplateData(labels, external, external_url, series[i].value), env);
      test << "        a" << k << ": " << YamlQuote(got) << "\n";
    }
  }

  const auto dir = std::filesystem::temp_directory_path() /
                   ("tocsin-template-promtool-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "rules.yml") << rules.str();
  std::ofstream(dir / "test.yml") << test.str();
  int status = 0;
  const std::string out = RunCommand(
      "cd '" + dir.string() + "' && " + kPromtool + " test rules test.yml 2>&1", &status);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(status, 0) << out;
}

}  // namespace
}  // namespace tocsin::rules
