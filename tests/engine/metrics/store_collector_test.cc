#include "engine/metrics/store_collector.h"

#include <gtest/gtest.h>

#include "engine/metrics/self_metrics.h"
#include "storage/tsdb/appender.h"

namespace tocsin::metrics {
namespace {

TEST(StoreCollector, ReportsTheStoreUnderPrometheusNames) {
  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  storage::Appender app(store);
  ASSERT_TRUE(app.Append(Labels{{"__name__", "a"}}, 1000, 1).ok());
  ASSERT_TRUE(app.Append(Labels{{"__name__", "b"}}, 1000, 1).ok());
  ASSERT_TRUE(app.Append(Labels{{"__name__", "a"}}, 2000, 2).ok());
  ASSERT_TRUE(app.Append(Labels{{"__name__", "a"}}, 1500, 3).ok());  // out of order
  ASSERT_TRUE(app.Append(Labels{{"__name__", "b"}}, 1000, 9).ok());  // duplicate timestamp
  app.Commit();

  SelfMetrics m;
  m.AddCollectable(std::make_shared<StoreCollector>(store));
  const std::string text = m.Serialize();
  for (const char* line :
       {"prometheus_tsdb_head_series 2\n", "prometheus_tsdb_head_series_created_total 2\n",
        "prometheus_tsdb_head_samples_appended_total{type=\"float\"} 3\n",
        "prometheus_tsdb_out_of_order_samples_total{type=\"float\"} 1\n",
        "prometheus_tsdb_out_of_bound_samples_total{type=\"float\"} 0\n",
        "tocsin_tsdb_duplicate_timestamp_samples_total 1\n", "tocsin_tsdb_head_samples 3\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
  }
}

}  // namespace
}  // namespace tocsin::metrics
