#include "engine/daemon/rule_metrics.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "engine/promql/engine.h"
#include "rules/manager.h"
#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::daemon {
namespace {

TEST(RuleMetricsTest, GroupFiguresUnderPrometheusNames) {
  sqlite::testing::TempDir dir;
  std::ofstream(dir.file("r.yml")) << R"(groups:
  - name: g
    interval: 30s
    rules:
      - record: two
        expr: vector(2)
      - alert: Broken
        expr: label_replace(vector(1), "x", "$1", "y", "(")
)";
  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  promql::Engine engine;
  rules::ManagerOptions o;
  o.store = &store;
  o.engine = &engine;
  rules::RuleManager manager(o);
  ASSERT_TRUE(manager.Update({dir.file("r.yml")}).ok());
  manager.EvalAll(1'700'000'000'000);

  RuleMetrics metrics(
      [&](const std::function<void(const rules::RuleGroup&)>& fn) { manager.ForEachGroup(fn); });
  std::map<std::string, double> values;
  for (const auto& f : metrics.Collect()) {
    ASSERT_EQ(f.metric.size(), 1u) << f.name;
    EXPECT_EQ(f.metric[0].label[0].name, "rule_group");
    EXPECT_EQ(f.metric[0].label[0].value, dir.file("r.yml") + ";g");
    values[f.name] = f.type == prometheus::MetricType::Counter ? f.metric[0].counter.value
                                                               : f.metric[0].gauge.value;
  }
  EXPECT_EQ(values["prometheus_rule_group_interval_seconds"], 30);
  EXPECT_EQ(values["prometheus_rule_group_rules"], 2);
  EXPECT_EQ(values["prometheus_rule_group_last_evaluation_timestamp_seconds"], 1'700'000'000);
  EXPECT_EQ(values["prometheus_rule_group_last_evaluation_samples"], 1);
  EXPECT_EQ(values["tocsin_rule_group_failing_rules"], 1);
  EXPECT_EQ(values["prometheus_rule_group_iterations_missed_total"], 0);
}

}  // namespace
}  // namespace tocsin::daemon
