// The edge service's metrics over HTTP, as a Prometheus server would scrape them from the
// binary (prometheus-cpp's pull exposer on a loopback port, fetched with libcurl, parsed with
// tocsin's exposition parser), are the same series with the same values as the in-process
// collector stores: the rules see one service whether it is scraped or embedded.
#include <gtest/gtest.h>
#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <string>

#include "engine/collect/registry_collector.h"
#include "engine/scrape/exposition_parser.h"
#include "examples/edge_service/metrics.h"
#include "examples/edge_service/simulation.h"
#include "storage/base/sample.h"
#include "storage/tsdb/series_store.h"
#include "tests/engine/http/http_test_support.h"

namespace tocsin::edge {
namespace {

// The text exposition prints values with 16 significant digits; the collector keeps them exact.
double AsPrinted(double v) {
  if (!std::isfinite(v)) return v;
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 16).ptr;
  double read = 0;
  std::from_chars(buf, end, read);
  return read;
}

TEST(EdgeServiceExpositionTest, ScrapedAndCollectedSeriesAreTheSame) {
  auto registry = std::make_shared<prometheus::Registry>();
  EdgeMetrics metrics(*registry);
  Simulation simulation({.seed = 11, .schedule = IncidentSchedule::Default()}, metrics);
  simulation.AdvanceTo(21 * kMinute);  // past the latency spike, into redis_down

  prometheus::Exposer exposer("127.0.0.1:0", 1);
  exposer.RegisterCollectable(registry);
  ASSERT_FALSE(exposer.GetListeningPorts().empty());
  const test::HttpResult response =
      test::Get("http://127.0.0.1:" + std::to_string(exposer.GetListeningPorts()[0]) + "/metrics");
  ASSERT_EQ(response.status, 200) << response.error;

  std::map<Labels, double> scraped;
  scrape::ExpositionParser parser(response.body, scrape::ExpositionFormat::kPrometheusText);
  for (scrape::Entry e = parser.Next(); e != scrape::Entry::kEnd; e = parser.Next()) {
    ASSERT_NE(e, scrape::Entry::kError) << parser.error().message;
    // The exposer's own metrics (bytes transferred, scrapes) are not the service's.
    if (e == scrape::Entry::kSeries && !parser.metric_name().starts_with("exposer_")) {
      scraped[parser.labels()] = parser.value();
    }
  }

  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  collect::RegistryCollector collector(store);
  const TimestampMs t = 1'767'225'600'000;
  const collect::CollectResult r = collector.Collect(*registry, t);
  EXPECT_EQ(r.invalid_series, 0u);
  EXPECT_EQ(r.samples, scraped.size());

  const LabelMatcher all = LabelMatcher::Make(MatchType::kRegexp, "__name__", ".+").value();
  const storage::SeriesSet set = store.Select(std::span(&all, 1), t, t);
  ASSERT_EQ(set.size(), scraped.size());
  for (size_t i = 0; i < set.size(); ++i) {
    auto it = scraped.find(set.labels[i]);
    ASSERT_NE(it, scraped.end()) << "collected but not scraped: " << set.labels[i].to_string();
    EXPECT_EQ(AsPrinted(set.values(i).back()), it->second) << set.labels[i].to_string();
  }
  // The redis_down incident shows in both.
  EXPECT_EQ(scraped.at(Labels{{"__name__", "redis_up"},
                              {"instance", std::string(kRedisInstance)},
                              {"job", std::string(kRedisJob)}}),
            0);
}

}  // namespace
}  // namespace tocsin::edge
