#include "engine/daemon/alertmanager_sender.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "notifiers/http_client.h"
#include "tests/support/free_port.h"
#include "tests/support/http_capture_server.h"

extern char** environ;

namespace tocsin::daemon {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

rules::OutgoingAlert MakeAlert(int i) {
  rules::OutgoingAlert a;
  a.labels = Labels{{"alertname", "QueueStuck"}, {"i", std::to_string(i)}, {"site", "edge-1"}};
  a.annotations = Labels{{"summary", "stuck"}};
  a.starts_at = 1'700'000'000'000;
  a.ends_at = 1'700'000'240'000;
  a.generator_url = "http://tocsin:9093/graph?g0.expr=x&g0.tab=1";
  return a;
}

UpstreamAlertmanager Upstream(uint16_t port) {
  UpstreamAlertmanager am;
  am.targets = {"127.0.0.1:" + std::to_string(port)};
  am.timeout = 2 * kSecond;
  return am;
}

TEST(AlertmanagerSenderTest, EncodesAsPrometheusPostsAlerts) {
  const std::vector<rules::OutgoingAlert> alerts{MakeAlert(1)};
  EXPECT_EQ(EncodeAlertsForAlertmanager(alerts),
            R"([{"labels":{"alertname":"QueueStuck","i":"1","site":"edge-1"},)"
            R"("annotations":{"summary":"stuck"},"startsAt":"2023-11-14T22:13:20Z",)"
            R"("endsAt":"2023-11-14T22:17:20Z",)"
            R"("generatorURL":"http://tocsin:9093/graph?g0.expr=x&g0.tab=1"}])");
}

TEST(AlertmanagerSenderTest, SendsInBatchesOf256ToEveryAlertmanager) {
  testing::HttpCaptureServer a, b;
  AlertmanagerSender sender({Upstream(a.port()), Upstream(b.port())}, nullptr);
  std::vector<rules::OutgoingAlert> alerts;
  for (int i = 0; i < 600; ++i) alerts.push_back(MakeAlert(i));
  sender.Enqueue(alerts);
  sender.Stop(10s);
  for (const auto* server : {&a, &b}) {
    size_t total = 0;
    for (const auto& r : server->requests()) {
      EXPECT_EQ(r.method, "POST");
      EXPECT_EQ(r.target, "/api/v2/alerts");
      EXPECT_EQ(r.header("Content-Type"), "application/json");
      const size_t n = nlohmann::json::parse(r.body).size();
      EXPECT_LE(n, 256u);
      total += n;
    }
    EXPECT_EQ(total, 600u);
    EXPECT_GE(server->request_count(), 3u);
  }
  for (const auto& s : sender.Stats()) {
    EXPECT_EQ(s.sent, 600u);
    EXPECT_EQ(s.errors, 0u);
  }
}

TEST(AlertmanagerSenderTest, AFullQueueDropsTheOldestAndFailuresAreCounted) {
  testing::HttpCaptureServer slow;
  // The first batch is held long enough for the queue to overflow behind it, then fails.
  slow.Script({testing::ScriptedResponse::Status(500).Delay(500ms)});
  AlertmanagerSender sender({Upstream(slow.port())}, nullptr,
                            {.queue_capacity = 10, .max_batch = 5});
  std::vector<rules::OutgoingAlert> first{MakeAlert(0)};
  sender.Enqueue(first);
  ASSERT_TRUE(slow.WaitForRequests(1, 5s));
  std::vector<rules::OutgoingAlert> more;
  for (int i = 1; i <= 25; ++i) more.push_back(MakeAlert(i));
  sender.Enqueue(more);
  sender.Stop(10s);
  const auto stats = sender.Stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].dropped, 15u);
  EXPECT_EQ(stats[0].errors, 1u);
  EXPECT_EQ(stats[0].sent, 10u);
  // The survivors are the newest ten.
  const auto requests = slow.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(requests[1].body)[0]["labels"]["i"], "16");
}

// Debian's Alertmanager receives what tocsin forwards, and amtool sees it.
std::string RunCapture(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

TEST(AlertmanagerSenderTest, RealAlertmanagerReceivesTheAlerts) {
  if (!fs::exists("/usr/bin/prometheus-alertmanager") || !fs::exists("/usr/bin/amtool")) {
    GTEST_SKIP() << "Debian's prometheus-alertmanager is not installed";
  }
  const fs::path dir = fs::temp_directory_path() / ("tocsin-am-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "am.yml")
      << "route:\n  receiver: blackhole\nreceivers:\n  - name: blackhole\n";
  const uint16_t port = tocsin::testing::FreeLoopbackPort();
  const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port);
  const std::string config = "--config.file=" + (dir / "am.yml").string();
  const std::string storage = "--storage.path=" + (dir / "data").string();
  std::vector<std::string> args{"/usr/bin/prometheus-alertmanager",
                                config,
                                storage,
                                listen,
                                "--cluster.listen-address=",
                                "--log.level=error"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);

  notifiers::HttpClient client;
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    notifiers::HttpRequest ready;
    ready.method = "GET";
    ready.url = "http://127.0.0.1:" + std::to_string(port) + "/-/ready";
    ready.timeout = 1s;
    up = client.Send(ready, {}).status == 200;
    if (!up) std::this_thread::sleep_for(100ms);
  }
  if (up) {
    rules::OutgoingAlert a = MakeAlert(7);
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    a.starts_at = now - 60'000;
    a.ends_at = now + 3'600'000;
    AlertmanagerSender sender({Upstream(port)}, nullptr);
    std::vector<rules::OutgoingAlert> alerts{a};
    sender.Enqueue(alerts);
    sender.Stop(5s);
    EXPECT_EQ(sender.Stats()[0].sent, 1u);
    const std::string out = RunCapture(
        "/usr/bin/amtool alert query --alertmanager.url=http://127.0.0.1:" + std::to_string(port) +
        " -o json 2>&1");
    EXPECT_NE(out.find("QueueStuck"), std::string::npos) << out;
    EXPECT_NE(out.find("\"site\":\"edge-1\""), std::string::npos) << out;
  }
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  std::error_code ec;
  fs::remove_all(dir, ec);
  ASSERT_TRUE(up) << "alertmanager did not become ready";
}

}  // namespace
}  // namespace tocsin::daemon
