#include "rules/rule_validation.h"

#include <set>

#include "storage/base/labels.h"
#include "storage/base/strings.h"

namespace tocsin::rules {
namespace {

std::string Pos(SourcePos p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
}

// The best position for an error about a rule field: the field's own node, else the rule.
SourcePos Or(SourcePos field, SourcePos rule) {
  return field.known() ? field : rule;
}

struct RuleError {
  std::string positions;  // "4:17: " or "4:17: 5:16: "
  std::string message;
};

std::vector<RuleError> ValidateRule(const RuleSpec& r, const RuleFileOptions& options) {
  std::vector<RuleError> errs;
  const NameValidation v = options.name_validation;
  if (!r.record.empty() && !r.alert.empty()) {
    errs.push_back(
        {Pos(r.record_pos) + Pos(r.alert_pos), "only one of 'record' and 'alert' must be set"});
  }
  if (r.record.empty() && r.alert.empty()) {
    errs.push_back({Pos(r.pos), "one of 'record' or 'alert' must be set"});
  }
  if (r.expr.empty()) {
    errs.push_back({Pos(Or(r.expr_pos, r.pos)), "field 'expr' must be set in rule"});
  } else if (Result<promql::ExprPtr> e = promql::ParseExpr(r.expr, options.parser); !e.ok()) {
    errs.push_back({Pos(r.expr_pos), "could not parse expression: " + e.message()});
  }
  if (!r.record.empty()) {
    const std::string at = Pos(r.record_pos);
    if (!r.annotations.empty())
      errs.push_back({at, "invalid field 'annotations' in recording rule"});
    if (r.for_duration != 0) errs.push_back({at, "invalid field 'for' in recording rule"});
    if (r.keep_firing_for != 0) {
      errs.push_back({at, "invalid field 'keep_firing_for' in recording rule"});
    }
    if (!IsValidRuleMetricName(r.record, v)) {
      errs.push_back({at, "invalid recording rule name: " + r.record});
    }
    // A valid UTF-8 name, but most likely a PromQL selector pasted into the wrong field.
    if (r.record.find_first_of("{}") != std::string::npos) {
      errs.push_back(
          {at, "braces present in the recording rule name; should it be in expr?: " + r.record});
    }
  }
  for (const auto& [name, value] : r.labels) {
    const std::string at =
        Pos(Or(r.label_pos.count(name) ? r.label_pos.at(name) : SourcePos{}, r.pos));
    if (!IsValidRuleLabelName(name, v) || name == kMetricName) {
      errs.push_back({at, "invalid label name: " + name});
    }
    if (!IsValidUtf8(value)) errs.push_back({at, "invalid label value: " + value});
  }
  for (const auto& [name, value] : r.annotations) {
    if (!IsValidRuleLabelName(name, v)) {
      const std::string at =
          Pos(Or(r.annotation_pos.count(name) ? r.annotation_pos.at(name) : SourcePos{}, r.pos));
      errs.push_back({at, "invalid annotation name: " + name});
    }
  }
  if (r.is_alerting() && options.template_check) {
    for (const auto& [name, text] : r.labels) {
      if (Status s = options.template_check(r.alert, text); !s.ok()) {
        errs.push_back(
            {Pos(Or(r.label_pos.count(name) ? r.label_pos.at(name) : SourcePos{}, r.pos)),
             "label " + GoQuote(name) + ": " + s.message()});
      }
    }
    for (const auto& [name, text] : r.annotations) {
      if (Status s = options.template_check(r.alert, text); !s.ok()) {
        errs.push_back(
            {Pos(Or(r.annotation_pos.count(name) ? r.annotation_pos.at(name) : SourcePos{}, r.pos)),
             "annotation " + GoQuote(name) + ": " + s.message()});
      }
    }
  }
  return errs;
}

}  // namespace

bool IsValidRuleLabelName(std::string_view name, NameValidation v) {
  return v == NameValidation::kUtf8 ? IsValidLabelName(name) : IsValidLegacyLabelName(name);
}

bool IsValidRuleMetricName(std::string_view name, NameValidation v) {
  return v == NameValidation::kUtf8 ? (!name.empty() && IsValidUtf8(name))
                                    : IsValidLegacyMetricName(name);
}

std::vector<std::string> ValidateRuleFile(const RuleFile& file, const RuleFileOptions& options) {
  std::vector<std::string> errs;
  std::set<std::string> names;
  for (const RuleGroupSpec& g : file.groups) {
    if (g.name.empty()) errs.push_back(Pos(g.pos) + "Groupname must not be empty");
    if (!names.insert(g.name).second) {
      errs.push_back(Pos(g.pos) + "groupname: \"" + g.name + "\" is repeated in the same file");
    }
    for (const auto& [name, value] : g.labels) {
      const std::string at = Pos(g.label_pos.count(name) ? g.label_pos.at(name) : g.pos);
      if (!IsValidRuleLabelName(name, options.name_validation) || name == kMetricName) {
        errs.push_back(at + "group " + GoQuote(g.name) + ": invalid label name: " + name);
      }
      if (!IsValidUtf8(value)) {
        errs.push_back(at + "group " + GoQuote(g.name) + ": invalid label value: " + value);
      }
    }
    for (size_t i = 0; i < g.rules.size(); ++i) {
      const RuleSpec& r = g.rules[i];
      for (RuleError& e : ValidateRule(r, options)) {
        errs.push_back(e.positions + "group " + GoQuote(g.name) + ", rule " +
                       std::to_string(i + 1) + ", " + GoQuote(r.name()) + ": " + e.message);
      }
    }
  }
  return errs;
}

}  // namespace tocsin::rules
