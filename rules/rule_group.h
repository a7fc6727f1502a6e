// A rule group: rules evaluated in order at one timestamp, their output written to storage
// (Prometheus's rules/group.go, without the scheduling, which the manager does).
//
// One evaluation at group time `ts`: each rule runs at ts - query_offset; its samples (recording
// series, ALERTS and ALERTS_FOR_STATE) are committed before the next rule runs, so later rules see
// them. A series a rule wrote at its previous evaluation but not at this one gets a stale marker.
// A rule that fails keeps its previous series (no stale markers) and records its error; the others
// still run. Alerts due to be sent are collected from every alerting rule and handed to the
// AlertSink once, after the last rule.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "rules/alert_sink.h"
#include "rules/alert_template_expander.h"
#include "rules/rule.h"
#include "rules/rule_query.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::rules {

// What one evaluation needs from its owner. Pointers must stay valid during Eval.
struct GroupEvalContext {
  const QueryFunc* query = nullptr;
  storage::SeriesStore* store = nullptr;
  const AlertTemplateExpander* expander = nullptr;  // null: no rule may use templates
  AlertSink* sink = nullptr;                        // null: alerts are not sent
  DurationMs resend_delay = kMinute;
  DurationMs default_query_offset = 0;  // for groups without query_offset
  Labels external_labels;               // added to sent alerts that lack them
  std::string external_url;             // base of the alerts' generator URL
};

struct RuleGroupOptions {
  std::string file;
  std::string name;
  DurationMs interval = kMinute;
  std::optional<DurationMs> query_offset;
  int64_t limit = 0;
};

class RuleGroup {
 public:
  RuleGroup(RuleGroupOptions options, std::vector<std::unique_ptr<Rule>> rules);

  void Eval(TimestampMs ts, const GroupEvalContext& ctx);

  // Takes over the alerts and the series bookkeeping of the rules of `old` (a previous
  // configuration of this group), matching rules by name and labels in order, as Prometheus's
  // CopyState does. Series of old rules that have no counterpart get stale markers at the next
  // evaluation.
  void CopyStateFrom(RuleGroup& old);
  // Writes stale markers at `t` for every series the group's rules wrote last (the group is
  // being removed).
  void MarkAllSeriesStale(TimestampMs t, storage::SeriesStore& store);

  const std::string& file() const { return options_.file; }
  const std::string& name() const { return options_.name; }
  // "<file>;<name>", Prometheus's GroupKey.
  std::string key() const { return options_.file + ";" + options_.name; }
  DurationMs interval() const { return options_.interval; }
  int64_t limit() const { return options_.limit; }
  const std::optional<DurationMs>& query_offset() const { return options_.query_offset; }
  uint64_t hash() const;

  std::vector<std::unique_ptr<Rule>>& rules() { return rules_; }
  const std::vector<std::unique_ptr<Rule>>& rules() const { return rules_; }

  // Whether `other` has the same settings and rules (a reload leaves such a group running).
  bool SameDefinition(const RuleGroup& other) const;

  TimestampMs last_evaluation() const { return last_evaluation_.load(); }
  double evaluation_seconds() const { return evaluation_seconds_.load(); }
  uint64_t iterations_missed() const { return iterations_missed_.load(); }
  void AddMissedIterations(uint64_t n) { iterations_missed_ += n; }

 private:
  using SeriesSet = std::unordered_set<Labels, LabelsHash>;
  // Appends one rule's result; returns the error of rejected samples, if any.
  std::string AppendResult(size_t rule_index, const promql::Vector& samples, TimestampMs t,
                           storage::SeriesStore& store);
  void AppendStale(const std::vector<Labels>& series, TimestampMs t, storage::SeriesStore& store);

  const RuleGroupOptions options_;
  // Held for a whole evaluation, and while state is copied or marked stale: one group never
  // evaluates twice at once, whoever drives it.
  std::mutex eval_mu_;
  std::vector<std::unique_ptr<Rule>> rules_;
  std::vector<SeriesSet> series_in_previous_eval_;  // per rule
  std::vector<Labels> stale_series_;  // of rules removed by a reload, marked at the next Eval
  std::atomic<TimestampMs> last_evaluation_{INT64_MIN};
  std::atomic<double> evaluation_seconds_{0};
  std::atomic<uint64_t> iterations_missed_{0};
};

// Prometheus's table link for an expression: "/graph?g0.expr=<query-escaped>&g0.tab=1".
std::string TableLinkForExpression(std::string_view expr);

}  // namespace tocsin::rules
