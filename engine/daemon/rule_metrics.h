// The rule manager's figures under Prometheus's metric names, read from the loaded groups at
// each scrape of /metrics (nothing is counted twice, nothing is polled), so Prometheus's rule
// dashboards work on tocsin:
//
//   prometheus_rule_group_interval_seconds{rule_group}                 gauge
//   prometheus_rule_group_last_duration_seconds{rule_group}            gauge
//   prometheus_rule_group_last_evaluation_timestamp_seconds{rule_group} gauge
//   prometheus_rule_group_last_evaluation_samples{rule_group}          gauge
//   prometheus_rule_group_rules{rule_group}                            gauge
//   prometheus_rule_group_iterations_missed_total{rule_group}          counter
//   tocsin_rule_group_failing_rules{rule_group}                        gauge (health "err")
//
// rule_group is "<file>;<group name>", as Prometheus labels it.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <functional>
#include <vector>

#include "rules/rule_group.h"

namespace tocsin::daemon {

class RuleMetrics final : public prometheus::Collectable {
 public:
  using ForEachGroup = std::function<void(const std::function<void(const rules::RuleGroup&)>&)>;
  explicit RuleMetrics(ForEachGroup for_each_group) : for_each_group_(std::move(for_each_group)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  ForEachGroup for_each_group_;
};

}  // namespace tocsin::daemon
