// Prometheus rule files: reading and validating them exactly as Prometheus 3.x does.
//
//   groups:
//     - name: api                 # unique within the file
//       interval: 30s             # default: the global evaluation interval
//       query_offset: 1m          # evaluate at ts - query_offset
//       limit: 10                 # alerts per alerting rule / series per recording rule
//       labels: {team: api}       # added to every rule's output, under the rule's own labels
//       rules:
//         - alert: HighErrors     # or `record: job:errors:rate5m`
//           expr: rate(errors_total[5m]) > 1
//           for: 5m
//           keep_firing_for: 10m
//           labels: {severity: page}
//           annotations: {summary: "{{ $labels.job }} fails"}
//
// ParseRuleFile reports every problem it finds, each naming the file, the line and the column
// (Prometheus omits the position for some of them; we always give one when the YAML has it).
// Only the first YAML document is read; another one yields a warning, as in Prometheus.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/promql/parser.h"
#include "rules/yaml_decoder.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::rules {

struct RuleSpec {
  std::string record;
  std::string alert;
  std::string expr;
  DurationMs for_duration = 0;
  DurationMs keep_firing_for = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;

  // Where things are in the file, for errors.
  SourcePos pos;  // the rule's mapping
  SourcePos record_pos, alert_pos, expr_pos;
  std::map<std::string, SourcePos> label_pos, annotation_pos;

  bool is_alerting() const { return !alert.empty(); }
  const std::string& name() const { return alert.empty() ? record : alert; }
};

struct RuleGroupSpec {
  std::string name;
  DurationMs interval = 0;  // 0: the caller's default
  std::optional<DurationMs> query_offset;
  int64_t limit = 0;
  std::map<std::string, std::string> labels;
  std::vector<RuleSpec> rules;

  SourcePos pos;
  std::map<std::string, SourcePos> label_pos;
};

struct RuleFile {
  std::string path;
  std::vector<RuleGroupSpec> groups;

  size_t num_rules() const;
};

enum class NameValidation {
  kUtf8,    // Prometheus 3 default: any non-empty valid UTF-8 name
  kLegacy,  // [a-zA-Z_][a-zA-Z0-9_]* (metric names also ':')
};

// Test-parses one label or annotation template of alerting rule `alert_name`; returns Go's parse
// error. The rule loader calls it for every templated field of alerting rules.
using TemplateParseCheck =
    std::function<Status(std::string_view alert_name, std::string_view text)>;

struct RuleFileOptions {
  bool ignore_unknown_fields = false;
  NameValidation name_validation = NameValidation::kUtf8;
  promql::ParserOptions parser;
  // Null: templates are not checked. DefaultTemplateParseCheck() is Prometheus's check.
  TemplateParseCheck template_check;
};

struct RuleFileParse {
  RuleFile file;
  // Each error is complete: "<file>: <line>:<col>: group "g", rule 1, "name": message".
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
  bool ok() const { return errors.empty(); }
};

// Parses and validates rule-file text. `path` is used for messages only.
RuleFileParse ParseRuleFile(const std::string& content, const std::string& path,
                            const RuleFileOptions& options);
// Reads `path` and parses it; an unreadable file is an error.
RuleFileParse LoadRuleFile(const std::string& path, const RuleFileOptions& options);

}  // namespace tocsin::rules
