// The crash test: a process with an undelivered notification in its outbox is killed with
// SIGKILL in the middle of sending it; after a restart the notification is delivered — exactly
// once as far as the notification log is concerned, with the same content, and never again.
//
// The child is this test binary run again with a disabled test selected; it talks to the
// parent's webhook capture server, which holds the first request open so the child is killed
// while waiting for the answer.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "engine/alerting/alerting_pipeline.h"
#include "notifiers/http_client.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/engine/alerting/pipeline_fixture.h"
#include "tests/support/http_capture_server.h"

extern char** environ;

namespace tocsin::alerting {
namespace {

using testing::kT0;

std::string ConfigYaml(const std::string& url) {
  return R"(
route:
  receiver: hook
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
- name: hook
  webhook_configs:
  - url: )" +
         url + "\n";
}

std::unique_ptr<AlertingPipeline> MakePipeline(sqlite::SqliteStore& store, Scheduler& clock,
                                               Executor& inline_executor,
                                               notifiers::HttpClient& http,
                                               const std::string& url) {
  auto cfg = LoadConfig(ConfigYaml(url), "crash.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.message();
  PipelineDeps deps;
  deps.store = &store;
  deps.scheduler = &clock;
  deps.flush_executor = &inline_executor;
  deps.delivery_executor = &inline_executor;
  deps.http = &http;
  auto p = AlertingPipeline::Create(std::make_shared<const Config>(std::move(*cfg)), deps);
  EXPECT_TRUE(p.ok()) << p.message();
  return p.ok() ? std::move(*p) : nullptr;
}

PostableAlert Down() {
  PostableAlert a;
  a.labels = {{"alertname", "Down"}, {"job", "db"}};
  a.annotations = {{"summary", "db is down"}};
  a.starts_at = kT0;
  a.ends_at = kT0 + 10 * kHour;
  return a;
}

// Runs only when the parent starts it (see below): notifies, and blocks in the HTTP request
// until it is killed.
TEST(PipelineCrashTest, DISABLED_ChildDeliversUntilKilled) {
  const char* db = std::getenv("TOCSIN_CRASH_DB");
  const char* url = std::getenv("TOCSIN_CRASH_URL");
  if (db == nullptr || url == nullptr) GTEST_SKIP() << "started by CrashedDeliveryIsDeliveredOnce";
  auto store = sqlite::SqliteStore::Open(db);
  ASSERT_TRUE(store.ok()) << store.message();
  tocsin::testing::ManualScheduler clock(kT0);
  InlineExecutor inline_executor;
  notifiers::HttpClient http;
  auto pipeline = MakePipeline(**store, clock, inline_executor, http, url);
  ASSERT_TRUE(pipeline->Start().ok());
  std::vector<PostableAlert> alerts = {Down()};
  ASSERT_TRUE(pipeline->Put(alerts).ok());
  ASSERT_TRUE(pipeline->FlushState(std::chrono::seconds(10)));
  clock.AdvanceTo(kT0 + 30 * kSecond);  // the flush: into the outbox, then the request hangs
  ADD_FAILURE() << "the child should have been killed while delivering";
}

TEST(PipelineCrashTest, CrashedDeliveryIsDeliveredOnce) {
  sqlite::testing::TempDir dir;
  const std::string db = dir.file("tocsin.db");
  tocsin::testing::HttpCaptureServer webhook;
  // The child's request is held open far longer than the test waits before killing it.
  webhook.Script({tocsin::testing::ScriptedResponse::Status(200).Delay(std::chrono::seconds(60))});
  const std::string url = webhook.url("/hook");

  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  env.push_back("TOCSIN_CRASH_DB=" + db);
  env.push_back("TOCSIN_CRASH_URL=" + url);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string exe = "/proc/self/exe";
  std::string also = "--gtest_also_run_disabled_tests";
  std::string filter = "--gtest_filter=PipelineCrashTest.DISABLED_ChildDeliversUntilKilled";
  char* argv[] = {exe.data(), also.data(), filter.data(), nullptr};
  pid_t child = -1;
  ASSERT_EQ(posix_spawn(&child, "/proc/self/exe", nullptr, nullptr, argv, envp.data()), 0);
  const bool requested = webhook.WaitForRequests(1, std::chrono::seconds(60));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(requested) << "the child never sent the notification";
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  // What the crash left: the notification in the outbox, nothing in the log.
  {
    auto store = sqlite::SqliteStore::Open(db);
    ASSERT_TRUE(store.ok()) << store.message();
    auto state = (*store)->Restore(kT0);
    ASSERT_TRUE(state.ok());
    ASSERT_EQ(state->outbox.size(), 1u);
    EXPECT_TRUE(state->nflog.empty());
    EXPECT_EQ(state->outbox[0].target.receiver, "hook");
  }

  // Restart. The outbox is delivered first; the restored alert's group then finds it logged.
  webhook.SetDefault(tocsin::testing::ScriptedResponse::Status(200));
  auto store = sqlite::SqliteStore::Open(db);
  ASSERT_TRUE(store.ok());
  tocsin::testing::ManualScheduler clock(kT0 + 2 * kMinute);
  InlineExecutor inline_executor;
  notifiers::HttpClient http;
  auto pipeline = MakePipeline(**store, clock, inline_executor, http, url);
  ASSERT_TRUE(pipeline->Start().ok());
  clock.Advance(3 * kHour);  // less than repeat_interval: no repeat is due
  pipeline->Stop(std::chrono::seconds(1));

  const auto requests = webhook.requests();
  ASSERT_EQ(requests.size(), 2u);  // the one cut off by the crash, and its redelivery only
  EXPECT_EQ(requests[1].body, requests[0].body);  // the same notification, from the outbox
  EXPECT_EQ(nlohmann::json::parse(requests[1].body)["notification_reason"], "first notification");
  auto state = (*store)->Restore(clock.Now());
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->outbox.empty());
  ASSERT_EQ(state->nflog.size(), 1u);
  EXPECT_EQ(state->nflog[0].firing, (std::vector<uint64_t>{Down().labels.fingerprint()}));
}

}  // namespace
}  // namespace tocsin::alerting
