// A whole AlertingPipeline on a manual clock, with inline executors (flushes and deliveries run
// to completion inside the clock's advance), a real SQLite store in a temporary directory, and
// webhook integrations replaced by recorders that answer from a script. The pipeline under test
// is entirely real; only the network end of the integrations is not (tests/engine/alerting/
// pipeline_notifiers_test.cc covers that with real notifiers and servers).
#pragma once

#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/alerting/alerting_pipeline.h"
#include "engine/alerting/builtin_integrations.h"
#include "engine/alerting/config_loader.h"
#include "storage/sqlite/history_reader.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/storage/sqlite/temp_dir.h"
#include "tests/support/manual_scheduler.h"

namespace tocsin::alerting::testing {

constexpr TimestampMs kT0 = 1714564800000;  // 2024-05-01T12:00:00Z

// Stands in for a webhook: records what it is sent and answers from a script.
class RecordingIntegration final : public Integration {
 public:
  explicit RecordingIntegration(bool send_resolved) : send_resolved_(send_resolved) {}
  std::string_view name() const override { return "webhook"; }
  bool send_resolved() const override { return send_resolved_; }
  AttemptResult Notify(const PendingNotification& n, const AttemptContext& ctx) override {
    std::lock_guard lock(mu_);
    sent_.push_back(n);
    times_.push_back(ctx.now);
    if (script_.empty()) return AttemptResult{};
    AttemptResult r = script_.front();
    script_.pop_front();
    return r;
  }

  void Script(std::vector<AttemptResult> results) {
    std::lock_guard lock(mu_);
    script_.assign(results.begin(), results.end());
  }
  std::vector<PendingNotification> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  std::vector<TimestampMs> times() const {
    std::lock_guard lock(mu_);
    return times_;
  }
  size_t count() const {
    std::lock_guard lock(mu_);
    return sent_.size();
  }

 private:
  bool send_resolved_;
  mutable std::mutex mu_;
  std::deque<AttemptResult> script_;
  std::vector<PendingNotification> sent_;
  std::vector<TimestampMs> times_;
};

inline AttemptResult Fail(bool retry, std::string error,
                          std::optional<DurationMs> retry_after = std::nullopt) {
  AttemptResult r;
  r.error = std::move(error);
  r.retry = retry;
  r.retry_after = retry_after;
  return r;
}

// "name=value,name=value" of an alert, firing or resolved, for compact expectations.
inline std::string Describe(const PendingNotification& n) {
  std::string out = std::string(NotifyReasonString(n.reason)) + ":";
  for (const NotifiedAlert& a : n.alerts) {
    out += " " + std::string(a.labels.get("alertname"));
    if (a.labels.has("instance")) out += "/" + std::string(a.labels.get("instance"));
    if (a.resolved) out += "(resolved)";
  }
  return out;
}

class PipelineFixture : public ::testing::Test {
 protected:
  ~PipelineFixture() override { pipeline_.reset(); }

  std::shared_ptr<const Config> ParseConfig(const std::string& yaml) {
    auto cfg = LoadConfig(yaml, "test.yml");
    EXPECT_TRUE(cfg.ok()) << cfg.message();
    if (!cfg.ok()) return nullptr;
    return std::make_shared<const Config>(std::move(*cfg));
  }

  // Every webhook config becomes a RecordingIntegration, kept across reloads and restarts by
  // (receiver, index).
  IntegrationBuilder Builder() {
    return [this](const Config& cfg) -> Result<ReceiverIntegrations> {
      ReceiverIntegrations out;
      for (const ReceiverConfig& r : cfg.receivers) {
        auto& list = out[r.name];
        for (size_t i = 0; i < r.webhook_configs.size(); ++i) {
          auto& rec = recorders_[{r.name, static_cast<int>(i)}];
          if (!rec)
            rec = std::make_shared<RecordingIntegration>(r.webhook_configs[i].send_resolved);
          list.push_back({"webhook", static_cast<int>(i), rec});
        }
        AddBuiltinIntegrations(r, list);
      }
      return out;
    };
  }

  RecordingIntegration& Recorder(const std::string& receiver, int index = 0) {
    auto& rec = recorders_[{receiver, index}];
    EXPECT_NE(rec, nullptr) << receiver;
    return *rec;
  }

  void OpenStore() {
    auto store = sqlite::SqliteStore::Open(dir_.file("tocsin.db"));
    ASSERT_TRUE(store.ok()) << store.message();
    store_ = std::move(*store);
  }

  void StartPipeline(const std::string& yaml, PipelineOptions options = {}) {
    if (!store_) OpenStore();
    options.uniform01 = [] { return 0.5; };  // no jitter: backoff 500ms, 750ms, ...
    PipelineDeps deps;
    deps.store = store_.get();
    deps.scheduler = &clock_;
    deps.flush_executor = &inline_;
    deps.delivery_executor = &inline_;
    deps.integrations = Builder();
    auto p = AlertingPipeline::Create(ParseConfig(yaml), deps, options);
    ASSERT_TRUE(p.ok()) << p.message();
    pipeline_ = std::move(*p);
    ASSERT_TRUE(pipeline_->Start().ok());
  }

  // Simulates a process exit: the pipeline and the store go, the file stays.
  void StopPipeline() {
    if (pipeline_) pipeline_->Stop(std::chrono::milliseconds(1000));
    pipeline_.reset();
    store_.reset();
  }

  void Put(std::vector<PostableAlert> alerts) {
    Status s = pipeline_->Put(alerts);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  static PostableAlert Firing(Labels labels, TimestampMs starts, TimestampMs ends = 0) {
    PostableAlert a;
    a.labels = std::move(labels);
    a.starts_at = starts;
    a.ends_at = ends;
    return a;
  }

  std::vector<sqlite::NotificationAttempt> Attempts() {
    EXPECT_TRUE(pipeline_ == nullptr || pipeline_->FlushState(std::chrono::seconds(5)));
    auto reader = sqlite::HistoryReader::Open(dir_.file("tocsin.db"));
    EXPECT_TRUE(reader.ok()) << reader.message();
    sqlite::NotificationQuery q;
    q.limit = 0;
    auto r = (*reader)->QueryNotifications(q);
    EXPECT_TRUE(r.ok());
    std::vector<sqlite::NotificationAttempt> out(r->rbegin(), r->rend());  // oldest first
    return out;
  }

  std::vector<sqlite::HistoryEvent> History() {
    EXPECT_TRUE(pipeline_ == nullptr || pipeline_->FlushState(std::chrono::seconds(5)));
    auto reader = sqlite::HistoryReader::Open(dir_.file("tocsin.db"));
    EXPECT_TRUE(reader.ok()) << reader.message();
    sqlite::HistoryQuery q;
    q.limit = 0;
    auto r = (*reader)->QueryHistory(q);
    EXPECT_TRUE(r.ok());
    std::vector<sqlite::HistoryEvent> out(r->rbegin(), r->rend());
    return out;
  }

  sqlite::testing::TempDir dir_;
  tocsin::testing::ManualScheduler clock_{kT0};
  InlineExecutor inline_;
  std::unique_ptr<sqlite::SqliteStore> store_;
  std::map<std::pair<std::string, int>, std::shared_ptr<RecordingIntegration>> recorders_;
  std::unique_ptr<AlertingPipeline> pipeline_;
};

}  // namespace tocsin::alerting::testing
