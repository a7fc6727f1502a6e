// An alerting rule and its alert state machine, exactly as Prometheus's rules/alerting.go runs it.
//
// Each evaluation at group time `ts` runs the expression at ts - query_offset. Every sample
// becomes an alert identified by its labels after templating (the sample's labels without
// __name__, the rule's templated labels over them, `alertname`); two samples that end up with the
// same labels fail the evaluation ("vector contains metrics with the same labelset after applying
// alert labels"). Then, per alert:
//
//   new label set (or one whose previous alert resolved) -> pending, ActiveAt = ts
//   pending and ts - ActiveAt >= for                     -> firing, FiredAt = ts  (for 0: at once)
//   present again                                        -> Value and Annotations updated
//   missing, pending                                     -> dropped silently
//   missing, firing, keep_firing_for > 0                 -> stays firing until
//                                                           ts - KeepFiringSince >= keep_firing_for
//   missing, firing otherwise                            -> inactive, ResolvedAt = ts; kept 15m
//                                                           (so the resolution is re-sent)
//   firing but ts - ActiveAt < for (for was raised)      -> back to pending
//
// The output is the ALERTS (value 1, with alertstate) and ALERTS_FOR_STATE (value ActiveAt in
// Unix seconds) samples of every pending or firing alert, at ts - query_offset. With a `limit`,
// more pending+firing alerts than the limit discard the result and every alert of the rule.
//
// Thread-safety: Eval and the state accessors lock the rule; a group evaluates its rules from one
// thread, while the HTTP API or the persistence layer read them from others.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/promql/ast.h"
#include "engine/promql/value.h"
#include "rules/alert.h"
#include "rules/alert_template_expander.h"
#include "rules/rule_query.h"
#include "storage/base/labels.h"
#include "storage/base/result.h"

namespace tocsin::rules {

inline constexpr std::string_view kAlertsMetric = "ALERTS";
inline constexpr std::string_view kAlertsForStateMetric = "ALERTS_FOR_STATE";
inline constexpr std::string_view kAlertNameLabel = "alertname";
inline constexpr std::string_view kAlertStateLabel = "alertstate";
// How long a resolved alert is kept (and re-sent) after it resolved.
inline constexpr DurationMs kResolvedRetention = 15 * kMinute;

struct LabelsHash {
  size_t operator()(const Labels& l) const { return static_cast<size_t>(l.hash()); }
};

struct AlertingRuleSpec {
  std::string name;
  promql::ExprPtr expr;
  DurationMs hold = 0;  // `for`
  DurationMs keep_firing_for = 0;
  Labels labels;  // group labels merged under rule labels; values may be templates
  Labels annotations;
  // Rule labels set to "": they remove that label from the alert (Labels cannot hold them).
  std::vector<std::string> removed_labels;
};

class AlertingRule {
 public:
  explicit AlertingRule(AlertingRuleSpec spec);

  // One evaluation at group time `ts` (see the header comment). `expander` may be null only when
  // no label or annotation is templated. Fails with the query's error, the duplicate-labelset
  // error, or "exceeded limit of N with M alerts".
  Result<promql::Vector> Eval(TimestampMs ts, DurationMs query_offset, const QueryFunc& query,
                              const AlertTemplateExpander* expander, int64_t limit);

  // The alerts of the rule (pending, firing, and resolved ones still retained), sorted by labels.
  std::vector<Alert> Alerts() const;
  // Pending and firing alerts only (Prometheus's ActiveAlerts).
  std::vector<Alert> ActiveAlerts() const;
  // The greatest state of the rule's alerts; kUnknown before the first evaluation.
  AlertState State() const;
  bool evaluated() const;

  // Marks the alerts due at `ts` as sent (LastSentAt = ts, ValidUntil = ts + 4 * max(interval,
  // resend_delay)) and returns copies of them (Prometheus's sendAlerts).
  std::vector<Alert> TakeAlertsToSend(TimestampMs ts, DurationMs resend_delay, DurationMs interval);

  // Replaces the rule's alerts with `alerts` (state copied from a previous configuration, or
  // restored after a restart). Alerts are keyed by their labels; the next evaluation carries on
  // from there: a firing alert whose label set is still present stays firing with its ActiveAt
  // and FiredAt, a missing one resolves (or keeps firing for keep_firing_for from its
  // KeepFiringSince).
  void SetAlerts(const std::vector<Alert>& alerts);

  const std::string& name() const { return name_; }
  const promql::Expr& expr() const { return *expr_; }
  DurationMs hold() const { return hold_; }
  DurationMs keep_firing_for() const { return keep_firing_for_; }
  const Labels& labels() const { return labels_; }
  const Labels& annotations() const { return annotations_; }
  const std::vector<std::string>& removed_labels() const { return removed_labels_; }

 private:
  // The labels and annotations of the alert for one sample.
  void BuildAlert(const promql::Sample& sample, TimestampMs ts,
                  const AlertTemplateExpander* expander, Alert* out) const;
  promql::Sample AlertsSample(const Alert& a, TimestampMs t) const;
  promql::Sample ForStateSample(const Alert& a, TimestampMs t) const;

  const std::string name_;
  const promql::ExprPtr expr_;
  const DurationMs hold_;
  const DurationMs keep_firing_for_;
  const Labels labels_;
  const Labels annotations_;
  const std::vector<std::string> removed_labels_;
  const bool templated_;  // any label or annotation needs the template engine

  mutable std::mutex mu_;
  std::unordered_map<Labels, Alert, LabelsHash> active_;  // keyed by the alert's labels
  bool evaluated_ = false;
};

}  // namespace tocsin::rules
