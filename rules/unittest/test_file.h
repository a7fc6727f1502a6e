// promtool's rule unit-test files (docs/configuration/unit_testing_rules.md), decoded as
// promtool decodes them: go-yaml v2, strict (an unknown field is an error).
//
//   rule_files: [alerts.yml]       # globs, relative to this file
//   evaluation_interval: 1m
//   group_eval_order: [a, b]
//   fuzzy_compare: false
//   tests:
//     - name: ...                   # --run filters on it
//       interval: 1m                # input_series spacing (default: evaluation_interval)
//       start_timestamp: 0          # Unix seconds or RFC 3339
//       external_labels: {...}
//       external_url: ...
//       input_series: [{series: 'up{job="a"}', values: '1 1 _ 0x5'}]
//       alert_rule_test:  [{eval_time: 5m, alertname: X, exp_alerts: [{exp_labels,
//       exp_annotations}]}] promql_expr_test: [{expr: ..., eval_time: 5m, exp_samples: [{labels:
//       '...', value: 1}]}]
//
// One extension, opt-in: an exp_alerts entry may say `match: partial` to be compared on the
// labels and annotations it lists only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::rules::unittest {

struct InputSeries {
  std::string series;
  std::string values;
};

struct ExpectedAlert {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  bool partial = false;  // `match: partial`
};

struct AlertTestCase {
  DurationMs eval_time = 0;
  std::string alertname;
  std::vector<ExpectedAlert> exp_alerts;
};

struct ExpectedSample {
  std::string labels;
  double value = 0;
  std::string histogram;
};

struct PromqlTestCase {
  std::string expr;
  DurationMs eval_time = 0;
  std::vector<ExpectedSample> exp_samples;
};

struct TestGroup {
  DurationMs interval = 0;  // 0: evaluation_interval
  std::vector<InputSeries> input_series;
  std::vector<AlertTestCase> alert_rule_tests;
  std::vector<PromqlTestCase> promql_expr_tests;
  Labels external_labels;
  std::string external_url;
  std::string name;
  TimestampMs start_timestamp = 0;  // the Unix epoch when not given

  // The largest eval_time of its alert and expression tests.
  DurationMs MaxEvalTime() const;
};

struct TestFile {
  std::vector<std::string> rule_files;
  DurationMs evaluation_interval = 0;  // 0: one minute
  std::vector<std::string> group_eval_order;
  std::vector<TestGroup> tests;
  bool fuzzy_compare = false;
};

// Decodes test-file text. The error reads as promtool's ("yaml: unmarshal errors:\n  line 3:
// field foo not found in type main.testGroup").
Result<TestFile> ParseTestFile(const std::string& content);

// promtool's start_timestamp: Unix seconds (fractions allowed) or RFC 3339.
Result<TimestampMs> ParseStartTimestamp(const std::string& s);

}  // namespace tocsin::rules::unittest
