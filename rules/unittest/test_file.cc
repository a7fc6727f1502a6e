#include "rules/unittest/test_file.h"

#include <cmath>
#include <cstdlib>

#include "rules/yaml_decoder.h"

namespace tocsin::rules::unittest {
namespace {

void DecodeStringList(YamlDecoder& d, const YAML::Node& node, std::vector<std::string>* out) {
  for (const YAML::Node& item : d.Items(node, "[]string")) {
    std::string s;
    if (d.String(item, &s)) out->push_back(std::move(s));
  }
}

ExpectedAlert DecodeExpectedAlert(YamlDecoder& d, const YAML::Node& node) {
  ExpectedAlert a;
  for (const YamlField& f :
       d.Fields(node, "main.alert", {"exp_labels", "exp_annotations", "match"})) {
    if (f.key == "exp_labels") {
      d.StringMap(f.value, &a.labels);
    } else if (f.key == "exp_annotations") {
      d.StringMap(f.value, &a.annotations);
    } else if (f.key == "match") {
      std::string mode;
      if (d.String(f.value, &mode)) {
        if (mode == "partial") {
          a.partial = true;
        } else if (mode != "exact" && !mode.empty()) {
          d.AddError(f.value, "unknown match mode \"" + mode + "\" (want exact or partial)");
        }
      }
    }
  }
  return a;
}

AlertTestCase DecodeAlertTest(YamlDecoder& d, const YAML::Node& node) {
  AlertTestCase t;
  for (const YamlField& f :
       d.Fields(node, "main.alertTestCase", {"eval_time", "alertname", "exp_alerts"})) {
    if (f.key == "eval_time") {
      d.Duration(f.value, &t.eval_time);
    } else if (f.key == "alertname") {
      d.String(f.value, &t.alertname);
    } else if (f.key == "exp_alerts") {
      for (const YAML::Node& item : d.Items(f.value, "[]main.alert")) {
        t.exp_alerts.push_back(DecodeExpectedAlert(d, item));
      }
    }
  }
  return t;
}

PromqlTestCase DecodePromqlTest(YamlDecoder& d, const YAML::Node& node) {
  PromqlTestCase t;
  for (const YamlField& f :
       d.Fields(node, "main.promqlTestCase", {"expr", "eval_time", "exp_samples"})) {
    if (f.key == "expr") {
      d.String(f.value, &t.expr);
    } else if (f.key == "eval_time") {
      d.Duration(f.value, &t.eval_time);
    } else if (f.key == "exp_samples") {
      for (const YAML::Node& item : d.Items(f.value, "[]main.sample")) {
        ExpectedSample s;
        for (const YamlField& sf :
             d.Fields(item, "main.sample", {"labels", "value", "histogram"})) {
          if (sf.key == "labels") {
            d.String(sf.value, &s.labels);
          } else if (sf.key == "value") {
            d.Float(sf.value, &s.value);
          } else if (sf.key == "histogram") {
            d.String(sf.value, &s.histogram);
          }
        }
        t.exp_samples.push_back(std::move(s));
      }
    }
  }
  return t;
}

TestGroup DecodeTestGroup(YamlDecoder& d, const YAML::Node& node) {
  TestGroup g;
  for (const YamlField& f :
       d.Fields(node, "main.testGroup",
                {"interval", "input_series", "alert_rule_test", "promql_expr_test",
                 "external_labels", "external_url", "name", "start_timestamp"})) {
    if (f.key == "interval") {
      d.Duration(f.value, &g.interval);
    } else if (f.key == "input_series") {
      for (const YAML::Node& item : d.Items(f.value, "[]main.series")) {
        InputSeries s;
        for (const YamlField& sf : d.Fields(item, "main.series", {"series", "values"})) {
          d.String(sf.value, sf.key == "series" ? &s.series : &s.values);
        }
        g.input_series.push_back(std::move(s));
      }
    } else if (f.key == "alert_rule_test") {
      for (const YAML::Node& item : d.Items(f.value, "[]main.alertTestCase")) {
        g.alert_rule_tests.push_back(DecodeAlertTest(d, item));
      }
    } else if (f.key == "promql_expr_test") {
      for (const YAML::Node& item : d.Items(f.value, "[]main.promqlTestCase")) {
        g.promql_expr_tests.push_back(DecodePromqlTest(d, item));
      }
    } else if (f.key == "external_labels") {
      std::map<std::string, std::string> m;
      d.StringMap(f.value, &m);
      std::vector<Label> labels;
      for (auto& [k, v] : m) labels.push_back({k, v});
      g.external_labels = Labels::FromVector(std::move(labels));
    } else if (f.key == "external_url") {
      d.String(f.value, &g.external_url);
    } else if (f.key == "name") {
      d.String(f.value, &g.name);
    } else if (f.key == "start_timestamp") {
      std::string text;
      if (!f.value.IsNull() && d.String(f.value, &text)) {
        Result<TimestampMs> t = ParseStartTimestamp(text);
        if (t.ok()) {
          g.start_timestamp = *t;
        } else {
          d.AddError(f.value, t.message());
        }
      }
    }
  }
  return g;
}

}  // namespace

DurationMs TestGroup::MaxEvalTime() const {
  DurationMs max = 0;
  for (const AlertTestCase& a : alert_rule_tests) max = std::max(max, a.eval_time);
  for (const PromqlTestCase& p : promql_expr_tests) max = std::max(max, p.eval_time);
  return max;
}

Result<TimestampMs> ParseStartTimestamp(const std::string& s) {
  // strconv.ParseFloat first: "1609459200", "1.5e9", "1609459200.25".
  if (!s.empty()) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    const bool hex_or_word = s.find_first_of("xXnNiI") != std::string::npos;
    if (end == s.c_str() + s.size() && !hex_or_word && std::isfinite(v)) {
      double whole;
      const double frac = std::modf(v, &whole);
      return static_cast<TimestampMs>(whole) * 1000 +
             static_cast<TimestampMs>(std::trunc(frac * 1000));
    }
  }
  Result<TimestampMs> t = ParseRfc3339(s);
  if (t.ok()) return t;
  return Error{"cannot parse \"" + s + "\" to a valid timestamp"};
}

Result<TestFile> ParseTestFile(const std::string& content) {
  Result<YAML::Node> root = LoadFirstYamlDocument(content, nullptr);
  if (!root.ok()) return root.error();
  YamlDecoder d(YamlDialect::kGoYamlV2, /*known_fields_only=*/true);
  TestFile file;
  for (const YamlField& f : d.Fields(
           *root, "main.unitTestFile",
           {"rule_files", "evaluation_interval", "group_eval_order", "tests", "fuzzy_compare"})) {
    if (f.key == "rule_files") {
      DecodeStringList(d, f.value, &file.rule_files);
    } else if (f.key == "evaluation_interval") {
      d.Duration(f.value, &file.evaluation_interval);
    } else if (f.key == "group_eval_order") {
      DecodeStringList(d, f.value, &file.group_eval_order);
    } else if (f.key == "tests") {
      for (const YAML::Node& item : d.Items(f.value, "[]main.testGroup")) {
        file.tests.push_back(DecodeTestGroup(d, item));
      }
    } else if (f.key == "fuzzy_compare") {
      d.Bool(f.value, &file.fuzzy_compare);
    }
  }
  if (!d.ok()) return Error{d.Summary()};
  return file;
}

}  // namespace tocsin::rules::unittest
