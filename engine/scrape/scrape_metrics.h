// The scraper's self-metrics, under Prometheus's names (scrape/metrics.go), registered in the
// engine's SelfMetrics. One instance serves every scrape loop.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>

#include "engine/metrics/self_metrics.h"

namespace tocsin::scrape {

class ScrapeMetrics {
 public:
  explicit ScrapeMetrics(metrics::SelfMetrics& self);

  prometheus::Counter& sample_out_of_order;   // prometheus_target_scrapes_sample_out_of_order_total
  prometheus::Counter& sample_duplicate;      // ..._sample_duplicate_timestamp_total
  prometheus::Counter& sample_out_of_bounds;  // ..._sample_out_of_bounds_total
  prometheus::Counter&
      exceeded_sample_limit;  // prometheus_target_scrapes_exceeded_sample_limit_total
  prometheus::Counter& exceeded_body_size_limit;  // ..._exceeded_body_size_limit_total
  prometheus::Counter&
      pool_exceeded_label_limits;     // prometheus_target_scrape_pool_exceeded_label_limits_total
  prometheus::Counter& pools_total;   // prometheus_target_scrape_pools_total
  prometheus::Counter& pool_reloads;  // prometheus_target_scrape_pool_reloads_total
  prometheus::Counter& pool_reloads_failed;  // ..._reloads_failed_total

  // prometheus_target_interval_length_seconds{interval="15s"}: actual intervals between scrapes.
  void ObserveInterval(const std::string& interval, double seconds);
  // prometheus_target_scrape_pool_targets{scrape_job}.
  void SetTargets(const std::string& job, double n);

 private:
  prometheus::Family<prometheus::Summary>& interval_length_;
  prometheus::Family<prometheus::Gauge>& pool_targets_;
};

}  // namespace tocsin::scrape
