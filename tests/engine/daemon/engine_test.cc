// tocsin::Engine end to end on loopback: samples in, a rule fires, the pipeline notifies a real
// webhook receiver, the HTTP APIs answer, a bad reload changes nothing, and a restart keeps the
// firing alert with its original times.
#include "tocsin/engine.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "notifiers/http_client.h"
#include "storage/sqlite/history_reader.h"
#include "tests/support/http_capture_server.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const char* kRules = R"(groups:
  - name: demo
    interval: 1s
    rules:
      - alert: QueueStuck
        expr: queue_waiting > 100
        for: 2s
        labels: {severity: critical}
        annotations:
          summary: "{{ $value }} jobs waiting"
      - alert: ServiceCollected
        expr: demo_requests_total > 0
)";

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tocsin-engine-test-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(NowMs() % 1000000));
    fs::create_directories(dir_);
    Write("rules.yml", kRules);
    Write("tocsin.yml", R"(global:
  evaluation_interval: 1s
rule_files: [rules.yml]
alerting:
  config:
    route:
      receiver: hook
      group_by: [alertname]
      group_wait: 0s
      group_interval: 1s
    receivers:
      - name: hook
        webhook_configs:
          - url: )" + hook_.url("/hook") +
                            R"(
storage:
  path: data
web:
  listen_address: 127.0.0.1:0
)");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  std::unique_ptr<Engine> StartEngine() {
    EngineOptions o;
    o.config_file = (dir_ / "tocsin.yml").string();
    std::string error;
    auto engine = Engine::Create(o, &error);
    EXPECT_NE(engine, nullptr) << error;
    if (!engine) return nullptr;
    EXPECT_TRUE(engine->Start(&error)) << error;
    return engine;
  }

  notifiers::HttpResponse Get(const Engine& e, const std::string& path,
                              const std::string& method = "GET") {
    notifiers::HttpRequest r;
    r.method = method;
    r.url = "http://" + e.http_address() + path;
    r.timeout = 5s;
    return client_.Send(r, {});
  }

  fs::path dir_;
  testing::HttpCaptureServer hook_;
  notifiers::HttpClient client_;
};

TEST_F(EngineTest, FiresNotifiesServesReloadsAndRestoresAcrossARestart) {
  auto engine = StartEngine();
  ASSERT_NE(engine, nullptr);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::string> events;
  engine->OnAlert([&](const AlertEvent& e) {
    std::lock_guard lock(mu);
    events.push_back(e.alertname + ":" + e.to);
    cv.notify_all();
  });
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter()
      .Name("demo_requests_total")
      .Help("h")
      .Register(*registry)
      .Add({})
      .Increment();
  engine->CollectFrom(registry, {{"job", "demo"}});

  // Samples straight into the store, every 200ms, until the alert fires and is notified.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  bool fired = false;
  while (std::chrono::steady_clock::now() < deadline && !fired) {
    std::string error;
    ASSERT_TRUE(
        engine->Append({{"__name__", "queue_waiting"}, {"queue", "high"}}, NowMs(), 500, &error))
        << error;
    std::unique_lock lock(mu);
    cv.wait_for(lock, 200ms);
    fired = std::count(events.begin(), events.end(), "QueueStuck:firing") > 0 &&
            std::count(events.begin(), events.end(), "ServiceCollected:firing") > 0;
  }
  ASSERT_TRUE(fired);
  {
    std::lock_guard lock(mu);
    // `for: 2s`: pending first, then firing.
    const auto pending = std::find(events.begin(), events.end(), "QueueStuck:pending");
    const auto firing = std::find(events.begin(), events.end(), "QueueStuck:firing");
    EXPECT_LT(pending, firing);
  }
  ASSERT_TRUE(hook_.WaitForRequests(1, 10s));
  bool notified = false;
  for (const auto& r : hook_.requests()) {
    notified = notified || r.body.find("QueueStuck") != std::string::npos;
  }
  if (!notified) {
    ASSERT_TRUE(hook_.WaitForRequests(2, 10s));
    for (const auto& r : hook_.requests()) {
      notified = notified || r.body.find("QueueStuck") != std::string::npos;
    }
  }
  EXPECT_TRUE(notified);

  // The Prometheus API sees the same store and rules.
  auto q = Get(*engine, "/api/v1/query?query=queue_waiting");
  ASSERT_EQ(q.status, 200) << q.body;
  auto qj = nlohmann::json::parse(q.body);
  EXPECT_EQ(qj["data"]["result"][0]["value"][1], "500");
  auto alerts = nlohmann::json::parse(Get(*engine, "/api/v1/alerts").body);
  TimestampMs active_at_before = 0;
  for (const auto& a : alerts["data"]["alerts"]) {
    if (a["labels"]["alertname"] == "QueueStuck") {
      EXPECT_EQ(a["state"], "firing");
      active_at_before = 1;
    }
  }
  EXPECT_EQ(active_at_before, 1);
  // ... and so does the Alertmanager API, over the pipeline the rules feed.
  auto am = Get(*engine, "/api/v2/alerts");
  ASSERT_EQ(am.status, 200) << am.body;
  bool in_pipeline = false;
  for (const auto& a : nlohmann::json::parse(am.body)) {
    in_pipeline = in_pipeline || a["labels"]["alertname"] == "QueueStuck";
  }
  EXPECT_TRUE(in_pipeline) << am.body;
  auto metrics = Get(*engine, "/metrics");
  EXPECT_NE(metrics.body.find("prometheus_config_last_reload_successful 1"), std::string::npos);

  // A bad rule file: the reload fails, says where, and the old rules keep running.
  Write("rules.yml", "groups:\n  - name: demo\n    rules:\n      - alert: X\n        expr: sum(\n");
  auto bad = Get(*engine, "/-/reload", "POST");
  EXPECT_EQ(bad.status, 500);
  EXPECT_NE(bad.body.find("rules.yml"), std::string::npos) << bad.body;
  metrics = Get(*engine, "/metrics");
  EXPECT_NE(metrics.body.find("prometheus_config_last_reload_successful 0"), std::string::npos);
  auto rules = nlohmann::json::parse(Get(*engine, "/api/v1/rules").body);
  EXPECT_EQ(rules["data"]["groups"][0]["rules"].size(), 2u);

  // A good file again, with one rule more: applied, and the metric says so.
  Write("rules.yml", std::string(kRules) +
                         "      - record: job:queue_waiting:sum\n"
                         "        expr: sum(queue_waiting)\n");
  auto good = Get(*engine, "/-/reload", "POST");
  EXPECT_EQ(good.status, 200) << good.body;
  rules = nlohmann::json::parse(Get(*engine, "/api/v1/rules").body);
  EXPECT_EQ(rules["data"]["groups"][0]["rules"].size(), 3u);
  metrics = Get(*engine, "/metrics");
  EXPECT_NE(metrics.body.find("prometheus_config_last_reload_successful 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("alertmanager_config_last_reload_successful 1"), std::string::npos);

  const auto snapshot_before = alerts;
  engine->Stop(2s);
  engine.reset();

  // Restart on the same data directory: the alert is firing at once, with its activeAt.
  Write("rules.yml", kRules);
  auto again = StartEngine();
  ASSERT_NE(again, nullptr);
  std::string active_at;
  for (const auto& a : snapshot_before["data"]["alerts"]) {
    if (a["labels"]["alertname"] == "QueueStuck") active_at = a["activeAt"];
  }
  bool firing_again = false;
  const auto deadline2 = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline2 && !firing_again) {
    ASSERT_TRUE(again->Append({{"__name__", "queue_waiting"}, {"queue", "high"}}, NowMs(), 500));
    auto now_alerts = nlohmann::json::parse(Get(*again, "/api/v1/alerts").body);
    for (const auto& a : now_alerts["data"]["alerts"]) {
      if (a["labels"]["alertname"] == "QueueStuck" && a["state"] == "firing") {
        EXPECT_EQ(a["activeAt"], active_at);
        firing_again = true;
      }
      EXPECT_NE(a["state"], "pending") << "a restored firing alert went back to pending";
    }
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(firing_again);
  again->Stop(2s);

  // The history has the rule side's pending and the pipeline's firing.
  auto reader = sqlite::HistoryReader::Open((dir_ / "data" / "tocsin.db").string());
  ASSERT_TRUE(reader.ok()) << reader.message();
  auto history = (*reader)->QueryHistory({});
  ASSERT_TRUE(history.ok()) << history.message();
  std::set<std::string> kinds;
  for (const auto& e : *history) kinds.insert(std::string(sqlite::HistoryKindName(e.kind)));
  EXPECT_TRUE(kinds.count("pending"));
  EXPECT_TRUE(kinds.count("firing"));
}

TEST_F(EngineTest, BadConfigurationIsReportedWithItsPosition) {
  Write("tocsin.yml", "global:\n  evaluation_intervall: 1s\n");
  EngineOptions o;
  o.config_file = (dir_ / "tocsin.yml").string();
  std::string error;
  EXPECT_EQ(Engine::Create(o, &error), nullptr);
  EXPECT_NE(error.find("tocsin.yml:2:3: unknown field \"evaluation_intervall\" in global"),
            std::string::npos)
      << error;
}

}  // namespace
}  // namespace tocsin
