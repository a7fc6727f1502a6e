#include "engine/metrics/store_collector.h"

#include <prometheus/client_metric.h>
#include <prometheus/metric_type.h>

#include <string>

namespace tocsin::metrics {
namespace {

prometheus::MetricFamily Family(std::string name, std::string help, prometheus::MetricType type,
                                double value, bool float_type_label = false) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  prometheus::ClientMetric m;
  if (float_type_label) m.label.push_back({"type", "float"});
  if (type == prometheus::MetricType::Counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  f.metric.push_back(std::move(m));
  return f;
}

}  // namespace

std::vector<prometheus::MetricFamily> StoreCollector::Collect() const {
  const storage::StoreStats s = store_.Stats();
  using prometheus::MetricType;
  auto d = [](auto v) { return static_cast<double>(v); };
  return {
      Family("prometheus_tsdb_head_series", "Total number of series in the head block.",
             MetricType::Gauge, d(s.series)),
      Family("prometheus_tsdb_head_series_created_total",
             "Total number of series created in the head", MetricType::Counter,
             d(s.series_created)),
      Family("prometheus_tsdb_head_series_removed_total",
             "Total number of series removed in the head", MetricType::Counter,
             d(s.series_removed)),
      Family("prometheus_tsdb_head_samples_appended_total", "Total number of appended samples.",
             MetricType::Counter, d(s.totals.appended), true),
      Family("prometheus_tsdb_out_of_order_samples_total",
             "Total number of out of order samples ingestion failed attempts due to out of order "
             "being disabled.",
             MetricType::Counter, d(s.totals.out_of_order), true),
      Family("prometheus_tsdb_out_of_bound_samples_total",
             "Total number of out of bound samples ingestion failed attempts with out of order "
             "support disabled.",
             MetricType::Counter, d(s.totals.too_old), true),
      Family("tocsin_tsdb_duplicate_timestamp_samples_total",
             "Samples rejected for having the timestamp of their series' newest sample with "
             "another value.",
             MetricType::Counter, d(s.totals.duplicate_timestamp)),
      Family("tocsin_tsdb_head_samples", "Samples held in memory.", MetricType::Gauge,
             d(s.samples)),
      Family("tocsin_tsdb_memory_bytes",
             "Bytes held by the series store: sample rings, series, index and symbols.",
             MetricType::Gauge, d(s.memory_bytes)),
  };
}

}  // namespace tocsin::metrics
