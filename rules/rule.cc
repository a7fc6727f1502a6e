#include "rules/rule.h"

#include "engine/promql/parser.h"

namespace tocsin::rules {

std::string_view RuleHealthName(RuleHealth h) {
  switch (h) {
    case RuleHealth::kUnknown:
      return "unknown";
    case RuleHealth::kOk:
      return "ok";
    case RuleHealth::kErr:
      return "err";
  }
  return "unknown";
}

Rule::Rule(std::unique_ptr<AlertingRule> rule)
    : alerting_(std::move(rule)), query_(promql::ExprString(alerting_->expr())) {}

Rule::Rule(std::unique_ptr<RecordingRule> rule)
    : recording_(std::move(rule)), query_(promql::ExprString(recording_->expr())) {}

const std::string& Rule::name() const {
  return alerting_ ? alerting_->name() : recording_->name();
}

const Labels& Rule::labels() const {
  return alerting_ ? alerting_->labels() : recording_->labels();
}

const promql::Expr& Rule::expr() const {
  return alerting_ ? alerting_->expr() : recording_->expr();
}

RuleStatus Rule::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

void Rule::SetStatus(RuleStatus s) {
  std::lock_guard lock(mu_);
  status_ = std::move(s);
}

}  // namespace tocsin::rules
