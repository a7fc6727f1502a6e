#include "engine/metrics/self_metrics.h"

#include <prometheus/text_serializer.h>

#include <sstream>
#include <stdexcept>

#include "engine/http/router.h"

namespace tocsin::metrics {

void CheckMetricName(const std::string& name) {
  for (const char* prefix : {"prometheus_", "alertmanager_", "tocsin_"}) {
    if (name.starts_with(prefix) && name.size() > std::string_view(prefix).size()) return;
  }
  throw std::invalid_argument("self-metric \"" + name +
                              "\" must be named prometheus_*, alertmanager_* (the upstream name "
                              "of the same figure) or tocsin_*");
}

SelfMetrics::SelfMetrics() : registry_(std::make_shared<prometheus::Registry>()) {}

prometheus::Family<prometheus::Counter>& SelfMetrics::CounterFamily(const std::string& name,
                                                                    const std::string& help) {
  CheckMetricName(name);
  return prometheus::BuildCounter().Name(name).Help(help).Register(*registry_);
}

prometheus::Family<prometheus::Gauge>& SelfMetrics::GaugeFamily(const std::string& name,
                                                                const std::string& help) {
  CheckMetricName(name);
  return prometheus::BuildGauge().Name(name).Help(help).Register(*registry_);
}

prometheus::Family<prometheus::Histogram>& SelfMetrics::HistogramFamily(const std::string& name,
                                                                        const std::string& help) {
  CheckMetricName(name);
  return prometheus::BuildHistogram().Name(name).Help(help).Register(*registry_);
}

prometheus::Family<prometheus::Summary>& SelfMetrics::SummaryFamily(const std::string& name,
                                                                    const std::string& help) {
  CheckMetricName(name);
  return prometheus::BuildSummary().Name(name).Help(help).Register(*registry_);
}

prometheus::Counter& SelfMetrics::Counter(const std::string& name, const std::string& help,
                                          const LabelMap& labels) {
  return CounterFamily(name, help).Add(labels);
}

prometheus::Gauge& SelfMetrics::Gauge(const std::string& name, const std::string& help,
                                      const LabelMap& labels) {
  return GaugeFamily(name, help).Add(labels);
}

prometheus::Histogram& SelfMetrics::Histogram(
    const std::string& name, const std::string& help,
    const prometheus::Histogram::BucketBoundaries& buckets, const LabelMap& labels) {
  return HistogramFamily(name, help).Add(labels, buckets);
}

prometheus::Summary::Quantiles SelfMetrics::DefaultQuantiles() {
  return {{0.01, 0.001}, {0.05, 0.005}, {0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}};
}

void SelfMetrics::AddCollectable(std::shared_ptr<prometheus::Collectable> collectable) {
  std::lock_guard lock(mu_);
  collectables_.push_back(std::move(collectable));
}

std::string SelfMetrics::Serialize() const {
  std::vector<prometheus::MetricFamily> families = registry_->Collect();
  {
    std::lock_guard lock(mu_);
    for (const auto& c : collectables_) {
      auto more = c->Collect();
      families.insert(families.end(), std::make_move_iterator(more.begin()),
                      std::make_move_iterator(more.end()));
    }
  }
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

void AddMetricsRoute(http::Router& router, const SelfMetrics& metrics) {
  router.Handle("GET", "/metrics", [&metrics](const http::Request&) {
    return http::Response::Text(200, metrics.Serialize(),
                                "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace tocsin::metrics
