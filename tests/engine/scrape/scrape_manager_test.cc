// The scraper end to end on loopback: tocsin's HTTP server serves changing expositions, the
// manager scrapes them with libcurl into a real SeriesStore, and PromQL reads the result.
#include "engine/scrape/scrape_manager.h"

#include <gtest/gtest.h>

#include <bit>
#include <chrono>
#include <mutex>
#include <thread>

#include "engine/http/server.h"
#include "engine/metrics/self_metrics.h"
#include "engine/promql/engine.h"
#include "engine/promql/parser.h"
#include "engine/scrape/http_fetcher.h"
#include "storage/base/sample.h"
#include "tests/engine/http/http_test_support.h"

namespace tocsin::scrape {
namespace {

using namespace std::chrono_literals;

// An exporter whose exposition, status and delay the test changes at will.
class FakeExporter {
 public:
  explicit FakeExporter(test::IoThread& io, std::optional<http::TlsOptions> tls = std::nullopt) {
    http::Router router;
    router.HandleAsync("GET", "/metrics", [this](http::Request req, http::Responder respond) {
      std::lock_guard lock(mu_);
      last_request_ = req;
      http::Response r = http::Response::Text(status_, body_, content_type_);
      if (delay_ > 0ms) {
        delayed_.emplace_back([respond, r, d = delay_] {
          std::this_thread::sleep_for(d);
          respond(r);
        });
        return;
      }
      respond(std::move(r));
    });
    http::ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    options.tls = std::move(tls);
    auto s = http::Server::Start(io.io(), options, std::move(router));
    EXPECT_TRUE(s.ok()) << s.message();
    server_ = std::move(*s);
  }
  ~FakeExporter() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      threads.swap(delayed_);
    }
    for (std::thread& t : threads) t.join();  // answered before the server goes
  }
  void Set(std::string body, int status = 200,
           std::string content_type = "text/plain; version=0.0.4; charset=utf-8") {
    std::lock_guard lock(mu_);
    body_ = std::move(body);
    status_ = status;
    content_type_ = std::move(content_type);
  }
  void SetDelay(std::chrono::milliseconds d) {
    std::lock_guard lock(mu_);
    delay_ = d;
  }
  http::Request last_request() {
    std::lock_guard lock(mu_);
    return last_request_;
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(server_->port()); }

 private:
  std::mutex mu_;
  std::string body_;
  int status_ = 200;
  std::string content_type_;
  std::chrono::milliseconds delay_{0};
  http::Request last_request_;
  std::vector<std::thread> delayed_;
  std::unique_ptr<http::Server> server_;
};

ScrapeConfig Job(const std::string& name, const std::string& address) {
  ScrapeConfig c;
  c.job_name = name;
  c.scrape_interval = 200;
  c.scrape_timeout = 150;
  c.static_configs.push_back({{address}, {}});
  return c;
}

class ScrapeManagerTest : public ::testing::Test {
 protected:
  // Waits until `n` more scrapes have completed.
  void WaitScrapes(ScrapeManager& m, uint64_t n) {
    const uint64_t target = m.scrapes_completed() + n;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (m.scrapes_completed() < target && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    ASSERT_GE(m.scrapes_completed(), target) << "scrapes did not happen in time";
  }
  storage::SeriesSet Select(const std::string& selector) {
    auto ms = promql::ParseMetricSelector(selector);
    EXPECT_TRUE(ms.ok()) << ms.message();
    return store_.Select(*ms, INT64_MIN, INT64_MAX);
  }
  double Last(const std::string& selector) {
    auto set = Select(selector);
    EXPECT_EQ(set.size(), 1u) << selector;
    return set.size() == 1 ? set.values(0).back() : -1;
  }

  test::IoThread io_;
  storage::SeriesStore store_{storage::StoreOptions::Unbounded()};
  metrics::SelfMetrics self_;
};

TEST_F(ScrapeManagerTest, ScrapesIntoTheStoreAndMarksVanishedSeriesStale) {
  FakeExporter exporter(io_);
  exporter.Set(
      "# TYPE requests_total counter\nrequests_total{code=\"200\"} 10\n"
      "requests_total{code=\"500\"} 1\n# TYPE lat histogram\nlat_bucket{le=\"1\"} 3\n");
  ScrapeManager manager(store_, &self_);
  ASSERT_TRUE(manager.ApplyConfig({Job("api", exporter.address())}, {}).ok());
  WaitScrapes(manager, 2);

  auto set = Select("requests_total{code=\"200\"}");
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(set.labels[0].to_string(), "{__name__=\"requests_total\", code=\"200\", instance=\"" +
                                           exporter.address() + "\", job=\"api\"}");
  EXPECT_EQ(Last("up{job=\"api\"}"), 1);
  EXPECT_EQ(Last("scrape_samples_scraped"), 3);
  EXPECT_EQ(Select("lat_bucket{le=\"1.0\"}").size(), 1u);  // normalised as Prometheus 3 does
  // Scrape times are one interval apart (the first one set the phase).
  const storage::SeriesSet up_set = Select("up");
  auto times = up_set.times(0);
  ASSERT_GE(times.size(), 2u);
  EXPECT_NEAR(static_cast<double>(times[1] - times[0]), 200, 50);

  // The accept header and the timeout header are Prometheus's.
  const http::Request req = exporter.last_request();
  EXPECT_EQ(req.header("Accept"),
            "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,"
            "application/openmetrics-text;version=0.0.1;q=0.5,"
            "text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,"
            "text/plain;version=0.0.4;q=0.3,*/*;q=0.2");
  EXPECT_EQ(req.header("X-Prometheus-Scrape-Timeout-Seconds"), "0.15");

  // One series goes away: its next sample is the exact stale marker.
  exporter.Set("# TYPE requests_total counter\nrequests_total{code=\"200\"} 12\n");
  WaitScrapes(manager, 2);
  set = Select("requests_total{code=\"500\"}");
  ASSERT_EQ(set.size(), 1u);
  const auto values = set.values(0);
  size_t stale = 0;
  for (double v : values) stale += std::bit_cast<uint64_t>(v) == kStaleNaNBits;
  EXPECT_EQ(stale, 1u);
  EXPECT_EQ(std::bit_cast<uint64_t>(values.back()), kStaleNaNBits);

  // PromQL over the scraped data, through the real engine, at the last scrape.
  const TimestampMs at = Select("up").times(0).back();
  promql::Engine engine;
  auto expr = promql::ParseExpr("sum by (job) (requests_total)");
  ASSERT_TRUE(expr.ok());
  auto result = engine.InstantQuery(store_, **expr, at);
  ASSERT_TRUE(result.ok()) << result.message();
  const auto& vec = std::get<promql::Vector>(result->value);
  ASSERT_EQ(vec.size(), 1u);  // the stale series no longer counts
  EXPECT_EQ(vec[0].v, 12);

  // Self-metrics saw the scrapes.
  const std::string metrics_text = self_.Serialize();
  EXPECT_NE(
      metrics_text.find("prometheus_target_interval_length_seconds_count{interval=\"200ms\"}"),
      std::string::npos)
      << metrics_text;
  EXPECT_NE(metrics_text.find("prometheus_target_scrape_pool_targets{scrape_job=\"api\"} 1"),
            std::string::npos);
}

TEST_F(ScrapeManagerTest, FailingTargetsGetUpZeroAndStaleMarkers) {
  FakeExporter exporter(io_);
  exporter.Set("a 1\n");
  ScrapeManager manager(store_);
  ASSERT_TRUE(manager.ApplyConfig({Job("j", exporter.address())}, {}).ok());
  WaitScrapes(manager, 1);
  exporter.Set("oops", 500);
  WaitScrapes(manager, 2);
  EXPECT_EQ(Last("up"), 0);
  EXPECT_EQ(std::bit_cast<uint64_t>(Last("a")), kStaleNaNBits);
  auto targets = manager.Targets();
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].health, "down");
  EXPECT_EQ(targets[0].last_error, "server returned HTTP status 500 Internal Server Error");
}

TEST_F(ScrapeManagerTest, SlowTargetsTimeOut) {
  FakeExporter exporter(io_);
  exporter.Set("a 1\n");
  exporter.SetDelay(400ms);
  ScrapeManager manager(store_);
  ASSERT_TRUE(manager.ApplyConfig({Job("slow", exporter.address())}, {}).ok());
  WaitScrapes(manager, 1);
  EXPECT_EQ(Last("up"), 0);
  EXPECT_TRUE(Select("a").size() == 0);
  const std::string error = manager.Targets()[0].last_error;
  EXPECT_EQ(error, "Get \"http://" + exporter.address() + "/metrics\": context deadline exceeded");
  EXPECT_NEAR(Last("scrape_duration_seconds"), 0.15, 0.1);
}

TEST_F(ScrapeManagerTest, RemovedTargetsGetStaleMarkersAfterTheirNextInterval) {
  FakeExporter exporter(io_);
  exporter.Set("a 1\n");
  ScrapeManager manager(store_);
  ASSERT_TRUE(manager.ApplyConfig({Job("j", exporter.address())}, {}).ok());
  WaitScrapes(manager, 1);
  ASSERT_TRUE(manager.ApplyConfig({}, {}).ok());
  EXPECT_TRUE(manager.Targets().empty());
  // Written about two intervals (+10%) later.
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < deadline &&
         std::bit_cast<uint64_t>(Last("a")) != kStaleNaNBits) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(std::bit_cast<uint64_t>(Last("a")), kStaleNaNBits);
  EXPECT_EQ(std::bit_cast<uint64_t>(Last("up")), kStaleNaNBits);
}

TEST_F(ScrapeManagerTest, SendsCredentialsAndVerifiesTls) {
  const test::TlsFiles tls = test::MakeSelfSignedCert();
  FakeExporter exporter(io_, http::TlsOptions{.cert_file = tls.cert, .key_file = tls.key});
  exporter.Set("a 1\n");
  ScrapeConfig c = Job("secure", "localhost:" + exporter.address().substr(10));
  c.scheme = "https";
  c.auth.basic = true;
  c.auth.username = "prom";
  c.auth.password = "secret";
  ScrapeManager manager(store_);
  ASSERT_TRUE(manager.ApplyConfig({c}, {}).ok());
  WaitScrapes(manager, 1);
  EXPECT_EQ(Last("up"), 0);  // the self-signed certificate is not trusted by default
  EXPECT_NE(manager.Targets()[0].last_error.find("Get \"https://localhost:"), std::string::npos);

  c.tls_config.ca_file = tls.cert;
  ASSERT_TRUE(manager.ApplyConfig({c}, {}).ok());
  WaitScrapes(manager, 2);
  EXPECT_EQ(Last("up"), 1) << manager.Targets()[0].last_error;
  EXPECT_EQ(exporter.last_request().header("Authorization"), "Basic cHJvbTpzZWNyZXQ=");

  c.auth = {};
  c.auth.credentials = "tok3n";
  c.tls_config = {};
  c.tls_config.insecure_skip_verify = true;
  ASSERT_TRUE(manager.ApplyConfig({c}, {}).ok());
  WaitScrapes(manager, 2);
  EXPECT_EQ(Last("up"), 1);
  EXPECT_EQ(exporter.last_request().header("Authorization"), "Bearer tok3n");
}

TEST_F(ScrapeManagerTest, RefusesInvalidConfigurationsAndKeepsRunning) {
  ScrapeConfig bad = Job("x", "127.0.0.1:1");
  bad.scrape_timeout = 500;  // > interval
  ScrapeManager manager(store_);
  Status s = manager.ApplyConfig({bad}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "scrape timeout greater than scrape interval for scrape config with job name \"x\"");
  EXPECT_FALSE(manager.ApplyConfig({Job("d", "127.0.0.1:1"), Job("d", "127.0.0.1:2")}, {}).ok());
}

TEST(HttpFetcher, EnforcesTheBodySizeLimit) {
  test::IoThread io;
  FakeExporter exporter(io);
  exporter.Set(std::string(1000, '#'));
  FetchRequest r;
  r.url = "http://" + exporter.address() + "/metrics";
  r.body_size_limit = 1000;
  FetchResult f = HttpFetcher::FetchNow(r);
  EXPECT_FALSE(f.ok);
  EXPECT_TRUE(f.body_limit_exceeded);
  EXPECT_EQ(f.error, "body size limit exceeded");
  r.body_size_limit = 1001;
  f = HttpFetcher::FetchNow(r);
  EXPECT_TRUE(f.ok) << f.error;
  EXPECT_EQ(f.body.size(), 1000u);
  EXPECT_EQ(f.content_type, "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace tocsin::scrape
