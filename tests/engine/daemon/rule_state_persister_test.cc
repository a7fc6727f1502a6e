#include "engine/daemon/rule_state_persister.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/promql/engine.h"
#include "rules/manager.h"
#include "storage/sqlite/history_reader.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/tsdb/appender.h"
#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::daemon {
namespace {

const char* kRules = R"(groups:
  - name: g
    interval: 1m
    rules:
      - alert: Down
        expr: up == 0
        for: 2m
)";

class RuleStatePersisterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_.file("rules.yml")) << kRules;
    auto store = sqlite::SqliteStore::Open(dir_.file("tocsin.db"));
    ASSERT_TRUE(store.ok()) << store.message();
    db_ = std::move(*store);
  }

  std::unique_ptr<rules::RuleManager> Manager() {
    rules::ManagerOptions o;
    o.store = &series_;
    o.engine = &engine_;
    auto m = std::make_unique<rules::RuleManager>(o);
    EXPECT_TRUE(m->Update({dir_.file("rules.yml")}).ok());
    return m;
  }

  void Up(const std::string& instance, TimestampMs t, double v) {
    storage::Appender app(series_);
    ASSERT_TRUE(app.Append(Labels{{"__name__", "up"}, {"instance", instance}}, t, v).ok());
    app.Commit();
  }

  std::vector<std::string> HistoryKinds() {
    auto reader = sqlite::HistoryReader::Open(dir_.file("tocsin.db"));
    EXPECT_TRUE(reader.ok()) << reader.message();
    sqlite::HistoryQuery q;
    q.limit = 0;
    auto events = (*reader)->QueryHistory(q);
    EXPECT_TRUE(events.ok()) << events.message();
    std::vector<std::string> out;
    for (auto it = events->rbegin(); it != events->rend(); ++it) {
      out.push_back(std::string(sqlite::HistoryKindName(it->kind)) + " " +
                    std::string(it->labels.get("instance")));
    }
    return out;
  }

  std::vector<std::string> HistorySites() {
    auto reader = sqlite::HistoryReader::Open(dir_.file("tocsin.db"));
    EXPECT_TRUE(reader.ok()) << reader.message();
    auto events = (*reader)->QueryHistory({});
    std::vector<std::string> out;
    for (const auto& e : *events) out.push_back(std::string(e.labels.get("site")));
    return out;
  }

  sqlite::testing::TempDir dir_;
  std::unique_ptr<sqlite::SqliteStore> db_;
  storage::SeriesStore series_{storage::StoreOptions::Unbounded()};
  promql::Engine engine_;
};

TEST_F(RuleStatePersisterTest, WritesStateAndRuleTransitionsAndRestoresThem) {
  const TimestampMs t0 = 1'700'000'000'000;
  auto manager = Manager();
  RuleStatePersister persister(db_.get(), Labels{{"site", "edge-1"}});
  std::vector<std::string> seen;
  auto sync = [&](TimestampMs t) {
    auto transitions = persister.Sync(manager->SnapshotAlerts(), t);
    ASSERT_TRUE(transitions.ok()) << transitions.message();
    for (const auto& tr : *transitions) {
      seen.push_back(std::string(rules::AlertStateName(tr.from)) + ">" +
                     std::string(rules::AlertStateName(tr.to)) + " " +
                     std::string(tr.alert.labels.get("instance")));
    }
  };
  for (int i = 0; i <= 3; ++i) {
    const TimestampMs t = t0 + i * kMinute;
    Up("a", t, 0);
    Up("b", t, i < 1 ? 0 : 1);  // pending once, then gone
    manager->EvalAll(t);
    sync(t);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"unknown>pending a", "unknown>pending b",
                                            "pending>inactive b", "pending>firing a"}));
  // Pending and "went away without firing" are the rule side's; firing is the pipeline's.
  EXPECT_EQ(HistoryKinds(), (std::vector<std::string>{"pending a", "pending b", "inactive b"}));
  EXPECT_EQ(HistorySites(), (std::vector<std::string>{"edge-1", "edge-1", "edge-1"}));

  auto rows = db_->LoadAlerts();
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].state, sqlite::AlertState::kFiring);
  EXPECT_EQ((*rows)[0].active_at, t0);
  EXPECT_EQ((*rows)[0].fired_at, t0 + 2 * kMinute);

  // A restart: the state comes back, firing stays firing with its times, and the baseline
  // makes the next sync quiet.
  auto restarted = Manager();
  const auto restored = RestoreFromRecords(*rows);
  ASSERT_EQ(restored.size(), 1u);
  restarted->RestoreAlerts(restored);
  RuleStatePersister again(db_.get());
  again.Seed(restored);
  const TimestampMs t = t0 + 4 * kMinute;
  Up("a", t, 0);
  restarted->EvalAll(t);
  auto after = again.Sync(restarted->SnapshotAlerts(), t);
  ASSERT_TRUE(after.ok()) << after.message();
  EXPECT_TRUE(after->empty());
  const auto snapshot = restarted->SnapshotAlerts();
  ASSERT_EQ(snapshot.size(), 1u);
  ASSERT_EQ(snapshot[0].alerts.size(), 1u);
  EXPECT_EQ(snapshot[0].alerts[0].state, rules::AlertState::kFiring);
  EXPECT_EQ(snapshot[0].alerts[0].fired_at, t0 + 2 * kMinute);
}

TEST(RuleStateRecordsTest, RoundTripKeepsUnsetTimesUnset) {
  rules::Alert a;
  a.state = rules::AlertState::kPending;
  a.labels = Labels{{"alertname", "X"}};
  a.active_at = 5000;
  const rules::Alert back = FromAlertRecord(ToAlertRecord("f;g", "X{}", a, 9));
  EXPECT_EQ(back.active_at, 5000);
  EXPECT_EQ(back.fired_at, rules::kNoTime);
  EXPECT_EQ(back.keep_firing_since, rules::kNoTime);
  EXPECT_EQ(back.state, rules::AlertState::kPending);
  sqlite::AlertRecord pipeline_row;
  pipeline_row.labels = Labels{{"alertname", "Y"}};
  EXPECT_TRUE(RestoreFromRecords({pipeline_row}).empty());
}

}  // namespace
}  // namespace tocsin::daemon
