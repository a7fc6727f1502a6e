// A recording rule (Prometheus's rules/recording.go): runs its expression and renames the result.
// Each sample gets `__name__` set to the rule's name and the rule's labels set over its own (the
// labels are static: recording rules do not expand templates). The group writes the samples to
// storage, where later rules of the same group see them in the same cycle.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/promql/ast.h"
#include "engine/promql/value.h"
#include "rules/rule_query.h"
#include "storage/base/labels.h"
#include "storage/base/result.h"

namespace tocsin::rules {

class RecordingRule {
 public:
  // `removed_labels`: rule labels set to "", which remove that label from every series.
  RecordingRule(std::string name, promql::ExprPtr expr, Labels labels,
                std::vector<std::string> removed_labels = {});

  // The renamed samples of one evaluation at ts - query_offset. Fails with the query's error,
  // "vector contains metrics with the same labelset after applying rule labels", or, with a
  // limit, "exceeded limit of N with M series".
  Result<promql::Vector> Eval(TimestampMs ts, DurationMs query_offset, const QueryFunc& query,
                              int64_t limit) const;

  const std::string& name() const { return name_; }
  const promql::Expr& expr() const { return *expr_; }
  const Labels& labels() const { return labels_; }

 private:
  const std::string name_;
  const promql::ExprPtr expr_;
  const Labels labels_;
  const std::vector<std::string> removed_labels_;
};

}  // namespace tocsin::rules
