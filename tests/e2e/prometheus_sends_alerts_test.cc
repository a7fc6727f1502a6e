// Debian's real Prometheus server (2.42) sending alerts to a real `tocsin run`, and Debian's amtool
// silencing and expiring against it, all on 127.0.0.1: the way a user who keeps Prometheus puts
// tocsin in Alertmanager's place. Checks that
//   - the alert Prometheus fires arrives in tocsin (GET /api/v2/alerts) with Prometheus's labels,
//     external labels, annotations and generatorURL;
//   - tocsin notifies the webhook receiver (a capture server) with Alertmanager's payload;
//   - `amtool silence add` suppresses the alert and stops the notifications, `amtool silence
//     expire` lets them flow again.
// Bounded in time: every wait has a deadline and the whole test takes well under a minute.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "notifiers/http_client.h"
#include "storage/base/time.h"
#include "tests/support/child_process.h"
#include "tests/support/free_port.h"
#include "tests/support/http_capture_server.h"
#include "tests/support/subprocess.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kPrometheus = "/usr/bin/prometheus";
constexpr const char* kAmtool = "/usr/bin/amtool";
constexpr const char* kAlertName = "E2EAlwaysFiring";

// Fires at Prometheus's first evaluation: no `for`.
constexpr const char* kPrometheusRules = R"(groups:
  - name: e2e
    rules:
      - alert: E2EAlwaysFiring
        expr: vector(1) > 0
        labels:
          severity: warning
        annotations:
          summary: fired by Prometheus
)";

// Polls `done` every 100 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
}

class PrometheusSendsAlertsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kPrometheus)) GTEST_SKIP() << kPrometheus << " is not installed";
    if (!fs::exists(kAmtool)) GTEST_SKIP() << kAmtool << " is not installed";
    dir_ = fs::temp_directory_path() / ("tocsin-e2e-prometheus-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    tocsin_port_ = testing::FreeLoopbackPort();
    prometheus_port_ = testing::FreeLoopbackPort();
    ASSERT_NE(tocsin_port_, 0);
    ASSERT_NE(prometheus_port_, 0);
    ASSERT_NE(tocsin_port_, prometheus_port_);
  }

  void TearDown() override {
    // Processes first (their destructors kill them), then their files.
    prometheus_.reset();
    tocsin_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  std::string TocsinUrl() const { return "http://127.0.0.1:" + std::to_string(tocsin_port_); }
  std::string PrometheusUrl() const {
    return "http://127.0.0.1:" + std::to_string(prometheus_port_);
  }

  // tocsin run with no rules of its own: it is Prometheus's Alertmanager here. The webhook
  // receiver is notified at once and then every second while the alert fires, so that a
  // silence visibly stops the notifications.
  void StartTocsin() {
    std::ofstream(dir_ / "tocsin.yml") << "global:\n"
                                          "  evaluation_interval: 1s\n"
                                          "alerting:\n"
                                          "  config:\n"
                                          "    route:\n"
                                          "      receiver: hook\n"
                                          "      group_by: [alertname]\n"
                                          "      group_wait: 0s\n"
                                          "      group_interval: 1s\n"
                                          "      repeat_interval: 1s\n"
                                          "    receivers:\n"
                                          "      - name: hook\n"
                                          "        webhook_configs:\n"
                                          "          - url: "
                                       << hook_.url("/hook")
                                       << "\n"
                                          "storage:\n"
                                          "  path: "
                                       << (dir_ / "tocsin-data").string()
                                       << "\n"
                                          "web:\n"
                                          "  listen_address: 127.0.0.1:"
                                       << tocsin_port_ << "\n";
    const std::string binary = (fs::path(TOCSIN_BINARY_DIR) / "engine/cli/tocsin").string();
    tocsin_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{binary, "run", "--config.file", (dir_ / "tocsin.yml").string(),
                                 "--log.level", "warn"},
        (dir_ / "tocsin.log").string());
    ASSERT_TRUE(tocsin_->started());
    ASSERT_TRUE(WaitFor([&] { return Get(TocsinUrl() + "/-/ready").status == 200; }, 15s))
        << "tocsin run did not become ready:\n"
        << tocsin_->output();
  }

  // Prometheus evaluating every second, resending firing alerts every second (so the alert never
  // reaches its endsAt in tocsin), with tocsin as its only Alertmanager.
  void StartPrometheus() {
    std::ofstream(dir_ / "rules.yml") << kPrometheusRules;
    std::ofstream(dir_ / "prometheus.yml") << "global:\n"
                                              "  evaluation_interval: 1s\n"
                                              "  external_labels:\n"
                                              "    origin: e2e-prometheus\n"
                                              "rule_files:\n"
                                              "  - "
                                           << (dir_ / "rules.yml").string()
                                           << "\n"
                                              "alerting:\n"
                                              "  alertmanagers:\n"
                                              "    - api_version: v2\n"
                                              "      timeout: 2s\n"
                                              "      static_configs:\n"
                                              "        - targets: ['127.0.0.1:"
                                           << tocsin_port_ << "']\n";
    prometheus_ = std::make_unique<testing::ChildProcess>(
        std::vector<std::string>{
            kPrometheus,
            "--config.file=" + (dir_ / "prometheus.yml").string(),
            "--storage.tsdb.path=" + (dir_ / "prometheus-data").string(),
            "--web.listen-address=127.0.0.1:" + std::to_string(prometheus_port_),
            "--rules.alert.resend-delay=1s",
            "--log.level=warn",
        },
        (dir_ / "prometheus.log").string());
    ASSERT_TRUE(prometheus_->started());
    ASSERT_TRUE(WaitFor([&] { return Get(PrometheusUrl() + "/-/ready").status == 200; }, 20s))
        << "prometheus did not become ready:\n"
        << prometheus_->output();
  }

  notifiers::HttpResponse Get(const std::string& url) {
    notifiers::HttpRequest r;
    r.method = "GET";
    r.url = url;
    r.timeout = 2s;
    return client_.Send(r, {});
  }

  // Our alert as tocsin's GET /api/v2/alerts shows it (null when absent).
  json TocsinAlert() {
    const auto r = Get(TocsinUrl() + "/api/v2/alerts");
    if (r.status != 200) return nullptr;
    const json body = json::parse(r.body, nullptr, false);
    if (!body.is_array()) return nullptr;
    for (const json& a : body) {
      if (a.contains("labels") && a["labels"].value("alertname", "") == kAlertName) return a;
    }
    return nullptr;
  }

  std::string AlertState() {
    const json a = TocsinAlert();
    return a.is_null() ? "" : a["status"].value("state", "");
  }

  test::ProcessResult Amtool(std::vector<std::string> args) {
    std::vector<std::string> argv{kAmtool, "--alertmanager.url=" + TocsinUrl()};
    argv.insert(argv.end(), args.begin(), args.end());
    test::ProcessOptions options;
    options.timeout = 15s;
    return test::RunProcess(argv, options);
  }

  // True when the webhook payload `body` lists our alert as firing.
  static bool NotifiesFiring(const std::string& body) {
    const json payload = json::parse(body, nullptr, false);
    if (!payload.is_object() || !payload.contains("alerts")) return false;
    for (const json& a : payload["alerts"]) {
      if (a.value("status", "") == "firing" && a["labels"].value("alertname", "") == kAlertName) {
        return true;
      }
    }
    return false;
  }

  std::string Logs() {
    return "tocsin:\n" + tocsin_->output() + "prometheus:\n" + prometheus_->output();
  }

  fs::path dir_;
  uint16_t tocsin_port_ = 0;
  uint16_t prometheus_port_ = 0;
  testing::HttpCaptureServer hook_;
  notifiers::HttpClient client_;
  std::unique_ptr<testing::ChildProcess> tocsin_;
  std::unique_ptr<testing::ChildProcess> prometheus_;
};

TEST_F(PrometheusSendsAlertsTest, AlertsArriveAreNotifiedSilencedAndUnsilenced) {
  ASSERT_NO_FATAL_FAILURE(StartTocsin());
  ASSERT_NO_FATAL_FAILURE(StartPrometheus());

  // 1. Prometheus's alert arrives in tocsin, as Prometheus sent it.
  json alert;
  ASSERT_TRUE(WaitFor(
      [&] {
        alert = TocsinAlert();
        return !alert.is_null();
      },
      20s))
      << "the alert never reached tocsin\n"
      << Logs();
  EXPECT_EQ(
      alert["labels"],
      (json{{"alertname", kAlertName}, {"severity", "warning"}, {"origin", "e2e-prometheus"}}));
  EXPECT_EQ(alert["annotations"], (json{{"summary", "fired by Prometheus"}}));
  const std::string generator_url = alert.value("generatorURL", "");
  EXPECT_TRUE(generator_url.starts_with("http://")) << generator_url;
  EXPECT_NE(generator_url.find("/graph?g0.expr="), std::string::npos) << generator_url;
  EXPECT_EQ(alert["status"]["state"], "active");
  ASSERT_EQ(alert["receivers"].size(), 1u) << alert.dump();
  EXPECT_EQ(alert["receivers"][0]["name"], "hook");
  const std::string starts_at = alert.value("startsAt", "");
  EXPECT_FALSE(starts_at.empty());

  // 2. The webhook receiver gets Alertmanager's payload, and gets it again on every repeat.
  ASSERT_TRUE(hook_.WaitForRequests(2, 15s)) << "notifications: " << hook_.request_count() << "\n"
                                             << Logs();
  const testing::CapturedRequest first = hook_.requests().front();
  EXPECT_EQ(first.method, "POST");
  EXPECT_EQ(first.target, "/hook");
  EXPECT_NE(first.header("Content-Type").find("application/json"), std::string::npos);
  const json payload = json::parse(first.body, nullptr, false);
  ASSERT_TRUE(payload.is_object()) << first.body;
  EXPECT_EQ(payload["version"], "4");
  EXPECT_EQ(payload["status"], "firing");
  EXPECT_EQ(payload["receiver"], "hook");
  EXPECT_EQ(payload["groupLabels"], (json{{"alertname", kAlertName}}));
  EXPECT_EQ(payload["commonLabels"]["alertname"], kAlertName);
  EXPECT_EQ(payload["commonLabels"]["origin"], "e2e-prometheus");
  EXPECT_EQ(payload["commonAnnotations"]["summary"], "fired by Prometheus");
  EXPECT_EQ(payload["groupKey"], std::string("{}:{alertname=\"") + kAlertName + "\"}");
  EXPECT_EQ(payload["truncatedAlerts"], 0);
  EXPECT_TRUE(payload.contains("externalURL"));
  ASSERT_EQ(payload["alerts"].size(), 1u) << first.body;
  const json& notified = payload["alerts"][0];
  EXPECT_EQ(notified["status"], "firing");
  EXPECT_EQ(notified["labels"], alert["labels"]);
  EXPECT_EQ(notified["generatorURL"], generator_url);
  // The same instant, each in its own format: the API's strfmt.DateTime always shows
  // milliseconds, the webhook's Go time.Time trims trailing zeros (".6Z" vs ".600Z").
  const auto notified_start = ParseRfc3339(notified.value("startsAt", ""));
  const auto api_start = ParseRfc3339(starts_at);
  ASSERT_TRUE(notified_start.ok() && api_start.ok()) << notified["startsAt"] << " " << starts_at;
  EXPECT_EQ(*notified_start, *api_start) << notified["startsAt"] << " vs " << starts_at;
  EXPECT_EQ(notified["endsAt"], "0001-01-01T00:00:00Z");
  EXPECT_EQ(notified.value("fingerprint", ""), alert.value("fingerprint", "?"));

  // 3. amtool silences it: the alert is suppressed by that silence and notifications stop.
  test::ProcessResult added = Amtool({"silence", "add", "--author=e2e", "--comment=maintenance",
                                      "--duration=10m", std::string("alertname=") + kAlertName});
  ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
  std::string silence_id = added.out;
  while (!silence_id.empty() && std::isspace(static_cast<unsigned char>(silence_id.back()))) {
    silence_id.pop_back();
  }
  ASSERT_FALSE(silence_id.empty());
  ASSERT_TRUE(WaitFor([&] { return AlertState() == "suppressed"; }, 5s)) << TocsinAlert().dump();
  alert = TocsinAlert();
  EXPECT_EQ(alert["status"]["silencedBy"], (json{silence_id}));
  // amtool hides silenced alerts by default and shows them with --silenced.
  test::ProcessResult query = Amtool({"alert", "query", "-o", "json"});
  ASSERT_EQ(query.exit_code, 0) << query.err;
  EXPECT_EQ(json::parse(query.out, nullptr, false), json::array()) << query.out;
  query = Amtool({"alert", "query", "--silenced", "-o", "json"});
  ASSERT_EQ(query.exit_code, 0) << query.err;
  const json silenced = json::parse(query.out, nullptr, false);
  ASSERT_TRUE(silenced.is_array() && silenced.size() == 1u) << query.out;
  EXPECT_EQ(silenced[0]["status"]["state"], "suppressed");

  // A notification already on its way may still land; after that, silence on the wire while
  // Prometheus keeps sending the alert every second and the group would repeat every second.
  std::this_thread::sleep_for(2500ms);
  const size_t settled = hook_.request_count();
  std::this_thread::sleep_for(4s);
  EXPECT_EQ(hook_.request_count(), settled) << "notified while silenced";
  const auto during = hook_.requests();
  for (size_t i = settled; i < during.size(); ++i) {
    EXPECT_FALSE(NotifiesFiring(during[i].body)) << during[i].body;
  }
  EXPECT_EQ(AlertState(), "suppressed");

  // 4. amtool expires the silence: the alert is active again and notified as firing again.
  test::ProcessResult expired = Amtool({"silence", "expire", silence_id});
  ASSERT_EQ(expired.exit_code, 0) << expired.out << expired.err;
  ASSERT_TRUE(WaitFor([&] { return AlertState() == "active"; }, 5s)) << TocsinAlert().dump();
  EXPECT_EQ(TocsinAlert()["status"]["silencedBy"], json::array());
  const size_t before = hook_.request_count();
  ASSERT_TRUE(WaitFor(
      [&] {
        const auto all = hook_.requests();
        for (size_t i = before; i < all.size(); ++i) {
          if (NotifiesFiring(all[i].body)) return true;
        }
        return false;
      },
      10s))
      << "no firing notification after the silence expired\n"
      << Logs();

  // Both servers were healthy throughout.
  EXPECT_TRUE(tocsin_->running()) << Logs();
  EXPECT_TRUE(prometheus_->running()) << Logs();
}

}  // namespace
}  // namespace tocsin
