// `tocsin run` as users run it: the real binary, a real webhook receiver on loopback, signals.
// A kill -9 after the alert fired must lose nothing: after the restart the alert is firing at
// once with its original activeAt (never pending again), and the receiver is not notified a
// second time (the notification log came back). SIGHUP with a broken rule file keeps the old
// rules; SIGTERM exits cleanly. A reload that fails anywhere changes nothing at all.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <thread>

#include <nlohmann/json.hpp>

#include "notifiers/http_client.h"
#include "storage/sqlite/history_reader.h"
#include "tests/support/free_port.h"
#include "tests/support/http_capture_server.h"
#include "tests/support/subprocess.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const char* kRules = R"(groups:
  - name: demo
    interval: 1s
    rules:
      - alert: AlwaysOn
        expr: vector(1)
        for: 2s
        labels: {severity: critical}
)";

class CmdRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tocsin-run-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    port_ = tocsin::testing::FreeLoopbackPort();
    std::ofstream(dir_ / "rules.yml") << kRules;
    std::ofstream(dir_ / "tocsin.yml")
        << "global:\n  evaluation_interval: 1s\n"
           "rule_files: [rules.yml]\n"
           "alerting:\n  config:\n    route:\n"
           "      receiver: hook\n      group_wait: 0s\n"
           "      group_interval: 1s\n      repeat_interval: 1h\n"
           "    receivers:\n      - name: hook\n"
           "        webhook_configs:\n          - url: "
        << hook_.url("/hook") << "\nweb:\n  listen_address: 127.0.0.1:" << port_ << "\n";
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (HasFailure()) std::cerr << "tocsin run's log:\n" << Log();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void Start(const std::vector<std::string>& extra_args = {}) {
    const std::string binary = (fs::path(TOCSIN_BINARY_DIR) / "engine/cli/tocsin").string();
    std::vector<std::string> args{
        binary, "run", "--config.file", (dir_ / "tocsin.yml").string(), "--log.level", "warn"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      // The daemon must not outlive a test that crashes.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      const int log = open((dir_ / "tocsin.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (log >= 0) {
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
      }
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int i = 0; i < 100; ++i) {
      if (Get("/-/ready").status == 200) return;
      std::this_thread::sleep_for(100ms);
    }
    FAIL() << "tocsin run did not become ready";
  }

  // What the daemon has logged so far (warnings and errors: it runs with --log.level warn).
  std::string Log() const {
    std::ifstream in(dir_ / "tocsin.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  notifiers::HttpResponse Get(const std::string& path) {
    notifiers::HttpRequest r;
    r.method = "GET";
    r.url = "http://127.0.0.1:" + std::to_string(port_) + path;
    r.timeout = 2s;
    return client_.Send(r, {});
  }

  // The AlwaysOn alert as /api/v1/alerts shows it (null when absent).
  nlohmann::json Alert() {
    auto r = Get("/api/v1/alerts");
    if (r.status != 200) return nullptr;
    const nlohmann::json body = nlohmann::json::parse(r.body);
    for (const auto& a : body["data"]["alerts"]) {
      if (a["labels"]["alertname"] == "AlwaysOn") return a;
    }
    return nullptr;
  }

  fs::path dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
  testing::HttpCaptureServer hook_;
  notifiers::HttpClient client_;
};

TEST_F(CmdRunTest, KillNineLosesNothingReloadIsAtomicTermIsClean) {
  ASSERT_NO_FATAL_FAILURE(Start());
  nlohmann::json alert;
  for (int i = 0; i < 100; ++i) {
    alert = Alert();
    if (!alert.is_null() && alert["state"] == "firing") break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_FALSE(alert.is_null());
  ASSERT_EQ(alert["state"], "firing");
  const std::string active_at = alert["activeAt"];
  ASSERT_TRUE(hook_.WaitForRequests(1, 10s));
  std::this_thread::sleep_for(1500ms);  // the state of the last cycles reaches the file

  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  ASSERT_NO_FATAL_FAILURE(Start());
  bool firing = false;
  for (int i = 0; i < 50 && !firing; ++i) {
    nlohmann::json a = Alert();
    if (!a.is_null()) {
      EXPECT_NE(a["state"], "pending") << "a firing alert went back to pending after kill -9";
      if (a["state"] == "firing") {
        EXPECT_EQ(a["activeAt"], active_at);
        firing = true;
      }
    }
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(firing);
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(hook_.request_count(), 1u) << "notified again after the restart";

  // A broken rule file: SIGHUP keeps the running rules, and the metric says so.
  std::ofstream(dir_ / "rules.yml") << "groups:\n  - name: demo\n    rules:\n      - alert: X\n"
                                       "        expr: vector(\n";
  kill(pid_, SIGHUP);
  bool reported = false;
  for (int i = 0; i < 50 && !reported; ++i) {
    reported = Get("/metrics").body.find("prometheus_config_last_reload_successful 0") !=
               std::string::npos;
    if (!reported) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(reported);
  EXPECT_FALSE(Alert().is_null());

  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);

  auto reader = sqlite::HistoryReader::Open((dir_ / "data" / "tocsin.db").string());
  ASSERT_TRUE(reader.ok()) << reader.message();
  auto history = (*reader)->QueryHistory({});
  ASSERT_TRUE(history.ok()) << history.message();
  std::vector<std::string> kinds;
  for (auto it = history->rbegin(); it != history->rend(); ++it) {
    kinds.push_back(std::string(sqlite::HistoryKindName(it->kind)));
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"pending", "firing"}));
}

// The reload is all or nothing: good rules with an Alertmanager file whose template does not
// parse (which only building the receivers finds) change nothing, neither the rules nor the
// receivers; the answer, the log and both reload metrics say it failed. Fixed, both apply.
TEST_F(CmdRunTest, ReloadWithABadAlertmanagerFileKeepsTheOldRulesToo) {
  auto write_alertmanager = [&](const std::string& receiver, const std::string& tmpl) {
    std::ofstream(dir_ / "notify.tmpl") << tmpl;
    std::ofstream(dir_ / "alertmanager.yml")
        << "route:\n  receiver: " << receiver << "\n  group_wait: 0s\n"
        << "templates: [" << (dir_ / "notify.tmpl").string() << "]\n"
        << "receivers:\n  - name: " << receiver
        << "\n    webhook_configs:\n      - url: " << hook_.url("/hook") << "\n";
  };
  write_alertmanager("hook", "{{ define \"tocsin.test\" }}ok{{ end }}\n");
  std::ofstream(dir_ / "tocsin.yml") << "global:\n  evaluation_interval: 1s\n"
                                        "rule_files: [rules.yml]\n"
                                        "alerting:\n  config_file: "
                                     << (dir_ / "alertmanager.yml").string()
                                     << "\nweb:\n  listen_address: 127.0.0.1:" << port_ << "\n";
  ASSERT_NO_FATAL_FAILURE(Start());

  // The names of the rules loaded, and when their group last ran.
  auto rules = [&] {
    std::vector<std::string> names;
    std::string last;
    const nlohmann::json body = nlohmann::json::parse(Get("/api/v1/rules").body);
    for (const auto& g : body["data"]["groups"]) {
      last = g["lastEvaluation"];
      for (const auto& r : g["rules"]) names.push_back(r["name"]);
    }
    return std::make_pair(names, last);
  };
  auto receivers = [&] { return nlohmann::json::parse(Get("/api/v2/receivers").body).dump(); };
  auto metric = [&](const std::string& line) {
    return Get("/metrics").body.find(line) != std::string::npos;
  };
  auto reload = [&] {
    notifiers::HttpRequest r;
    r.method = "POST";
    r.url = "http://127.0.0.1:" + std::to_string(port_) + "/-/reload";
    r.timeout = 5s;
    return client_.Send(r, {});
  };
  EXPECT_EQ(rules().first, std::vector<std::string>{"AlwaysOn"});
  EXPECT_NE(receivers().find("\"hook\""), std::string::npos);

  // Good rules, a template that does not parse.
  std::string renamed = kRules;
  renamed.replace(renamed.find("AlwaysOn"), 8, "AlwaysOnRenamed");
  std::ofstream(dir_ / "rules.yml") << renamed;
  write_alertmanager("hook2", "{{ define \"tocsin.test\" }}{{ .Broken \n");
  auto failed = reload();
  EXPECT_EQ(failed.status, 500);
  EXPECT_NE(failed.body.find("notify.tmpl"), std::string::npos) << failed.body;
  EXPECT_TRUE(metric("prometheus_config_last_reload_successful 0"));
  EXPECT_TRUE(metric("alertmanager_config_last_reload_successful 0"));
  const auto [names, evaluated] = rules();
  EXPECT_EQ(names, std::vector<std::string>{"AlwaysOn"});
  EXPECT_EQ(receivers().find("hook2"), std::string::npos) << receivers();
  // ... and the old rules keep being evaluated.
  bool still_evaluated = false;
  for (int i = 0; i < 40 && !still_evaluated; ++i) {
    std::this_thread::sleep_for(100ms);
    still_evaluated = rules().second != evaluated;
  }
  EXPECT_TRUE(still_evaluated);
  EXPECT_FALSE(Alert().is_null());

  // Fixed: the new rules and the new receiver, both at once.
  write_alertmanager("hook2", "{{ define \"tocsin.test\" }}fixed{{ end }}\n");
  auto applied = reload();
  EXPECT_EQ(applied.status, 200) << applied.body;
  EXPECT_EQ(rules().first, std::vector<std::string>{"AlwaysOnRenamed"});
  EXPECT_NE(receivers().find("\"hook2\""), std::string::npos) << receivers();
  EXPECT_TRUE(metric("prometheus_config_last_reload_successful 1"));
  EXPECT_TRUE(metric("alertmanager_config_last_reload_successful 1"));
}

// The store is sized once, at start, from the rules then loaded (1h at least). A reload that
// brings rules reading further back than that keeps working but says a restart is needed; one
// that stays within it says nothing.
TEST_F(CmdRunTest, ReloadWarnsWhenTheNewRulesReadFurtherBackThanTheStoreKeeps) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto reload_with = [&](const std::string& expr) {
    std::string rules = kRules;
    rules.replace(rules.find("vector(1)"), 9, expr);
    std::ofstream(dir_ / "rules.yml") << rules;
    notifiers::HttpRequest r;
    r.method = "POST";
    r.url = "http://127.0.0.1:" + std::to_string(port_) + "/-/reload";
    r.timeout = 5s;
    return client_.Send(r, {}).status;
  };
  const std::string warning = "the rules read further back than the store keeps";
  EXPECT_EQ(reload_with("sum_over_time(vector(1)[30m:1m]) > 0"), 200);
  EXPECT_EQ(Log().find(warning), std::string::npos) << Log();
  EXPECT_EQ(reload_with("rate(http_requests_total[2h]) >= 0 or vector(1)"), 200);
  EXPECT_NE(Log().find(warning), std::string::npos) << Log();
}

// The allocator knobs (engine/daemon/process_memory.h): a daemon trimming its heap every 100ms
// with one malloc arena evaluates, serves and stops as usual.
TEST_F(CmdRunTest, RunsWithTheHeapTrimmedOftenAndOneArena) {
  Start({"--memory.trim-interval", "100ms", "--memory.malloc-arenas", "1"});
  for (int i = 0; i < 100 && Alert().is_null(); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(Alert().is_null());
  std::this_thread::sleep_for(300ms);  // a few trims while the daemon works
  EXPECT_EQ(Get("/-/healthy").status, 200);
  kill(pid_, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid_, &status, 0), pid_);
  pid_ = -1;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(CmdRunTest, RejectsBadMemoryKnobs) {
  const std::string binary = (fs::path(TOCSIN_BINARY_DIR) / "engine/cli/tocsin").string();
  const std::string config = (dir_ / "tocsin.yml").string();
  auto interval =
      test::RunProcess({binary, "run", "--config.file", config, "--memory.trim-interval", "often"});
  EXPECT_EQ(interval.exit_code, 2);
  EXPECT_NE(interval.err.find("--memory.trim-interval"), std::string::npos) << interval.err;
  auto arenas =
      test::RunProcess({binary, "run", "--config.file", config, "--memory.malloc-arenas", "-1"});
  EXPECT_EQ(arenas.exit_code, 2);
  EXPECT_NE(arenas.err.find("--memory.malloc-arenas"), std::string::npos) << arenas.err;
}

}  // namespace
}  // namespace tocsin
