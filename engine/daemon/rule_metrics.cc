#include "engine/daemon/rule_metrics.h"

#include "rules/alert.h"

namespace tocsin::daemon {
namespace {

prometheus::MetricFamily Family(const char* name, const char* help, prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  return f;
}

void Add(prometheus::MetricFamily& f, const std::string& group, double value) {
  prometheus::ClientMetric m;
  m.label.push_back({"rule_group", group});
  if (f.type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  f.metric.push_back(std::move(m));
}

}  // namespace

std::vector<prometheus::MetricFamily> RuleMetrics::Collect() const {
  using prometheus::MetricType;
  auto interval = Family("prometheus_rule_group_interval_seconds", "The interval of a rule group.",
                         MetricType::Gauge);
  auto duration = Family("prometheus_rule_group_last_duration_seconds",
                         "The duration of the last rule group evaluation.", MetricType::Gauge);
  auto last =
      Family("prometheus_rule_group_last_evaluation_timestamp_seconds",
             "The timestamp of the last rule group evaluation in seconds.", MetricType::Gauge);
  auto samples = Family("prometheus_rule_group_last_evaluation_samples",
                        "The number of samples returned during the last rule group evaluation.",
                        MetricType::Gauge);
  auto rules = Family("prometheus_rule_group_rules", "The number of rules.", MetricType::Gauge);
  auto missed = Family("prometheus_rule_group_iterations_missed_total",
                       "The total number of rule group evaluations missed due to slow rule group "
                       "evaluation.",
                       MetricType::Counter);
  auto failing =
      Family("tocsin_rule_group_failing_rules",
             "The number of rules of the group whose last evaluation failed.", MetricType::Gauge);
  for_each_group_([&](const rules::RuleGroup& g) {
    const std::string key = g.key();
    Add(interval, key, static_cast<double>(g.interval()) / 1000);
    Add(duration, key, g.evaluation_seconds());
    const TimestampMs t = g.last_evaluation();
    Add(last, key, t == INT64_MIN || t == rules::kNoTime ? 0 : static_cast<double>(t) / 1000);
    double n = 0, failed = 0;
    for (const auto& r : g.rules()) {
      const rules::RuleStatus s = r->status();
      n += static_cast<double>(s.samples);
      if (s.health == rules::RuleHealth::kErr) failed += 1;
    }
    Add(samples, key, n);
    Add(rules, key, static_cast<double>(g.rules().size()));
    Add(missed, key, static_cast<double>(g.iterations_missed()));
    Add(failing, key, failed);
  });
  return {interval, duration, last, samples, rules, missed, failing};
}

}  // namespace tocsin::daemon
