// tocsin's own metrics: one prometheus-cpp Registry owned by the engine, served at /metrics in
// the Prometheus text format (prometheus-cpp's TextSerializer), plus collectors that read other
// modules' figures at scrape time (store_collector.h).
//
// Naming rule, so that existing Prometheus and Alertmanager dashboards work unchanged:
//  * Where tocsin does what Prometheus or Alertmanager does, it uses their metric's exact name,
//    type, labels and help text: prometheus_rule_evaluation_duration_seconds,
//    prometheus_tsdb_head_series, prometheus_target_interval_length_seconds,
//    alertmanager_notifications_total{integration}, ...
//  * Figures of tocsin's own are named tocsin_<module>_<what>[_<unit>], base units (seconds,
//    bytes), counters ending in _total (e.g. tocsin_tsdb_memory_bytes).
//  * No other prefixes: Register* refuses them, so a typo cannot silently fork a dashboard name.
// Each module registers its metrics when it is built (the rules engine, the notifiers, the
// scraper), passing the SelfMetrics it was given; registration of the same name and labels twice
// returns the same metric.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>

namespace tocsin::http {
class Router;
}

namespace tocsin::metrics {

using LabelMap = std::map<std::string, std::string>;

class SelfMetrics {
 public:
  SelfMetrics();
  SelfMetrics(const SelfMetrics&) = delete;
  SelfMetrics& operator=(const SelfMetrics&) = delete;

  prometheus::Registry& registry() { return *registry_; }
  const std::shared_ptr<prometheus::Registry>& shared_registry() const { return registry_; }

  // Families (for metrics with variable labels) and single metrics. The name must follow the
  // naming rule above (std::invalid_argument otherwise: it is a programming error).
  prometheus::Family<prometheus::Counter>& CounterFamily(const std::string& name,
                                                         const std::string& help);
  prometheus::Family<prometheus::Gauge>& GaugeFamily(const std::string& name,
                                                     const std::string& help);
  prometheus::Family<prometheus::Histogram>& HistogramFamily(const std::string& name,
                                                             const std::string& help);
  prometheus::Family<prometheus::Summary>& SummaryFamily(const std::string& name,
                                                         const std::string& help);
  prometheus::Counter& Counter(const std::string& name, const std::string& help,
                               const LabelMap& labels = {});
  prometheus::Gauge& Gauge(const std::string& name, const std::string& help,
                           const LabelMap& labels = {});
  prometheus::Histogram& Histogram(const std::string& name, const std::string& help,
                                   const prometheus::Histogram::BucketBoundaries& buckets,
                                   const LabelMap& labels = {});
  // Prometheus's summaries use these quantiles with 1% (0.01, 0.05) to 0.1% error.
  static prometheus::Summary::Quantiles DefaultQuantiles();

  // Something else to collect at scrape time (kept alive while registered).
  void AddCollectable(std::shared_ptr<prometheus::Collectable> collectable);

  // Every family, the registry's and the collectables', in the text format 0.0.4.
  std::string Serialize() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<prometheus::Collectable>> collectables_;
};

// Throws std::invalid_argument unless `name` follows the naming rule.
void CheckMetricName(const std::string& name);

// GET /metrics: the Serialize() text, Content-Type "text/plain; version=0.0.4; charset=utf-8".
void AddMetricsRoute(http::Router& router, const SelfMetrics& metrics);

}  // namespace tocsin::metrics
