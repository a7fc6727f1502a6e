// The series store's figures under the names Prometheus's TSDB head uses, read from
// SeriesStore::Stats() at each scrape of /metrics (nothing is counted twice, nothing is polled).
//
//   prometheus_tsdb_head_series                       gauge
//   prometheus_tsdb_head_series_created_total         counter
//   prometheus_tsdb_head_series_removed_total         counter
//   prometheus_tsdb_head_samples_appended_total       counter {type="float"}
//   prometheus_tsdb_out_of_order_samples_total        counter {type="float"}
//   prometheus_tsdb_out_of_bound_samples_total        counter {type="float"} (too old)
//   tocsin_tsdb_duplicate_timestamp_samples_total     counter (same time, other value)
//   tocsin_tsdb_head_samples                          gauge   (samples held)
//   tocsin_tsdb_memory_bytes                          gauge
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

#include "storage/tsdb/series_store.h"

namespace tocsin::metrics {

class StoreCollector : public prometheus::Collectable {
 public:
  // `store` must outlive the collector.
  explicit StoreCollector(const storage::SeriesStore& store) : store_(store) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const storage::SeriesStore& store_;
};

}  // namespace tocsin::metrics
