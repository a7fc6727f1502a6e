#include "engine/metrics/self_metrics.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "engine/http/server.h"
#include "engine/scrape/exposition_parser.h"
#include "tests/engine/http/http_test_support.h"

namespace tocsin::metrics {
namespace {

TEST(SelfMetrics, SerializesRegisteredMetricsInTheTextFormat) {
  SelfMetrics m;
  m.Counter("alertmanager_notifications_total", "The total number of attempted notifications.",
            {{"integration", "slack"}})
      .Increment(3);
  m.Gauge("tocsin_example_items", "An example gauge.").Set(7);
  const std::string text = m.Serialize();
  EXPECT_NE(text.find("# TYPE alertmanager_notifications_total counter"), std::string::npos);
  EXPECT_NE(text.find("alertmanager_notifications_total{integration=\"slack\"} 3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tocsin_example_items 7"), std::string::npos);
  // Registering again hands back the same metric.
  m.Counter("alertmanager_notifications_total", "The total number of attempted notifications.",
            {{"integration", "slack"}})
      .Increment();
  EXPECT_NE(m.Serialize().find("alertmanager_notifications_total{integration=\"slack\"} 4"),
            std::string::npos);
}

TEST(SelfMetrics, EnforcesTheNamingRule) {
  SelfMetrics m;
  EXPECT_THROW(m.Counter("notifications_total", "no prefix"), std::invalid_argument);
  EXPECT_THROW(m.Gauge("tocsin_", "empty rest"), std::invalid_argument);
  EXPECT_NO_THROW(m.Gauge("prometheus_tsdb_something", "fine"));
}

TEST(SelfMetrics, OutputParsesAsPrometheusText) {
  SelfMetrics m;
  auto& s = m.SummaryFamily("prometheus_target_interval_length_seconds",
                            "Actual intervals between scrapes.")
                .Add({{"interval", "15s"}}, SelfMetrics::DefaultQuantiles());
  s.Observe(15.001);
  m.Histogram("tocsin_example_seconds", "h", {0.1, 1}).Observe(0.5);
  const std::string text = m.Serialize();
  scrape::ExpositionParser p(text, scrape::ExpositionFormat::kPrometheusText);
  int series = 0;
  for (scrape::Entry e; (e = p.Next()) != scrape::Entry::kEnd;) {
    ASSERT_NE(e, scrape::Entry::kError) << p.error().message << "\n" << text;
    if (e == scrape::Entry::kSeries) ++series;
  }
  EXPECT_GE(series, 5 + 2 + 5);
}

TEST(SelfMetrics, MetricsRouteServesTheRegistry) {
  SelfMetrics m;
  m.Counter("tocsin_example_total", "An example counter.").Increment(2);
  http::Router router;
  AddMetricsRoute(router, m);
  test::IoThread io;
  http::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  auto server = http::Server::Start(io.io(), options, std::move(router));
  ASSERT_TRUE(server.ok()) << server.message();
  auto r = test::Get("http://127.0.0.1:" + std::to_string((*server)->port()) + "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("tocsin_example_total 2"), std::string::npos) << r.body;
  server->reset();
}

}  // namespace
}  // namespace tocsin::metrics
