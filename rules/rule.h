// A rule of a group: an alerting or a recording rule, plus what the group records about its
// evaluations (health, last error, when and how long), which /api/v1/rules reports.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "rules/alerting_rule.h"
#include "rules/recording_rule.h"
#include "storage/base/labels.h"
#include "storage/base/time.h"

namespace tocsin::rules {

enum class RuleHealth { kUnknown, kOk, kErr };
std::string_view RuleHealthName(RuleHealth h);  // "unknown", "ok", "err"

struct RuleStatus {
  RuleHealth health = RuleHealth::kUnknown;
  std::string last_error;                 // empty when the last evaluation succeeded
  TimestampMs last_evaluation = kNoTime;  // the group timestamp of the last evaluation
  double evaluation_seconds = 0;          // how long it took
  size_t samples = 0;                     // series written by the last evaluation
};

class Rule {
 public:
  explicit Rule(std::unique_ptr<AlertingRule> rule);
  explicit Rule(std::unique_ptr<RecordingRule> rule);

  bool is_alerting() const { return alerting_ != nullptr; }
  AlertingRule* alerting() { return alerting_.get(); }
  const AlertingRule* alerting() const { return alerting_.get(); }
  const RecordingRule* recording() const { return recording_.get(); }

  const std::string& name() const;
  const Labels& labels() const;
  const promql::Expr& expr() const;
  // The expression as Prometheus prints it (what /api/v1/rules shows as `query`).
  const std::string& query() const { return query_; }
  // Prometheus matches rules across reloads by name and labels.
  std::string identity() const { return name() + labels().to_string(); }

  RuleStatus status() const;
  void SetStatus(RuleStatus s);

 private:
  std::unique_ptr<AlertingRule> alerting_;
  std::unique_ptr<RecordingRule> recording_;
  std::string query_;
  mutable std::mutex mu_;
  RuleStatus status_;
};

}  // namespace tocsin::rules
