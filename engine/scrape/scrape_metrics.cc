#include "engine/scrape/scrape_metrics.h"

namespace tocsin::scrape {

ScrapeMetrics::ScrapeMetrics(metrics::SelfMetrics& m)
    : sample_out_of_order(m.Counter("prometheus_target_scrapes_sample_out_of_order_total",
                                    "Total number of samples rejected due to not being out of the "
                                    "expected order.")),
      sample_duplicate(m.Counter("prometheus_target_scrapes_sample_duplicate_timestamp_total",
                                 "Total number of samples rejected due to duplicate timestamps but "
                                 "different values.")),
      sample_out_of_bounds(m.Counter("prometheus_target_scrapes_sample_out_of_bounds_total",
                                     "Total number of samples rejected due to timestamp falling "
                                     "outside of the time bounds.")),
      exceeded_sample_limit(m.Counter("prometheus_target_scrapes_exceeded_sample_limit_total",
                                      "Total number of scrapes that hit the sample limit and were "
                                      "rejected.")),
      exceeded_body_size_limit(m.Counter("prometheus_target_scrapes_exceeded_body_size_limit_total",
                                         "Total number of scrapes that hit the body size limit")),
      pool_exceeded_label_limits(
          m.Counter("prometheus_target_scrape_pool_exceeded_label_limits_total",
                    "Total number of times scrape pools hit the label limits, during sync or "
                    "config reload.")),
      pools_total(m.Counter("prometheus_target_scrape_pools_total",
                            "Total number of scrape pool creation attempts.")),
      pool_reloads(m.Counter("prometheus_target_scrape_pool_reloads_total",
                             "Total number of scrape pool reloads.")),
      pool_reloads_failed(m.Counter("prometheus_target_scrape_pool_reloads_failed_total",
                                    "Total number of failed scrape pool reloads.")),
      interval_length_(m.SummaryFamily("prometheus_target_interval_length_seconds",
                                       "Actual intervals between scrapes.")),
      pool_targets_(m.GaugeFamily("prometheus_target_scrape_pool_targets",
                                  "Current number of targets in this scrape pool.")) {}

void ScrapeMetrics::ObserveInterval(const std::string& interval, double seconds) {
  interval_length_.Add({{"interval", interval}}, metrics::SelfMetrics::DefaultQuantiles())
      .Observe(seconds);
}

void ScrapeMetrics::SetTargets(const std::string& job, double n) {
  pool_targets_.Add({{"scrape_job", job}}).Set(n);
}

}  // namespace tocsin::scrape
