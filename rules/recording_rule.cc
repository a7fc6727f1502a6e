#include "rules/recording_rule.h"

#include <unordered_set>

#include "rules/alerting_rule.h"

namespace tocsin::rules {

RecordingRule::RecordingRule(std::string name, promql::ExprPtr expr, Labels labels,
                             std::vector<std::string> removed_labels)
    : name_(std::move(name)),
      expr_(std::move(expr)),
      labels_(std::move(labels)),
      removed_labels_(std::move(removed_labels)) {}

Result<promql::Vector> RecordingRule::Eval(TimestampMs ts, DurationMs query_offset,
                                           const QueryFunc& query, int64_t limit) const {
  Result<promql::Vector> res = query(*expr_, ts - query_offset);
  if (!res.ok()) return res.error();
  promql::Vector vector = std::move(res).value();
  LabelsBuilder lb;
  std::unordered_set<Labels, LabelsHash> seen;
  seen.reserve(vector.size());
  for (promql::Sample& s : vector) {
    lb.reset(s.metric);
    lb.set(kMetricName, name_);
    for (const Label& l : labels_) lb.set(l.name, l.value);
    for (const std::string& n : removed_labels_) lb.del(n);
    s.metric = lb.labels();
    s.drop_name = false;
    if (!seen.insert(s.metric).second) {
      return Error{"vector contains metrics with the same labelset after applying rule labels"};
    }
  }
  if (limit > 0 && static_cast<int64_t>(vector.size()) > limit) {
    return Error{"exceeded limit of " + std::to_string(limit) + " with " +
                 std::to_string(vector.size()) + " series"};
  }
  return vector;
}

}  // namespace tocsin::rules
