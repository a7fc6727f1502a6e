// The rule manager with the real PromQL engine and series store: loading, evaluation,
// reloads, scheduling on a Boost.Asio io_context, and alert state snapshots.
#include "rules/manager.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "rules/eval_slot.h"
#include "storage/base/sample.h"
#include "storage/tsdb/appender.h"

namespace tocsin::rules {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class CollectingSink final : public AlertSink {
 public:
  void Send(std::string_view key, std::vector<OutgoingAlert> alerts) override {
    std::lock_guard lock(mu);
    for (auto& a : alerts) sent.push_back({std::string(key), std::move(a)});
  }
  std::mutex mu;
  std::vector<std::pair<std::string, OutgoingAlert>> sent;
};

class ManagerTest : public ::testing::Test {
 protected:
  ManagerTest() : store_(storage::StoreOptions::Unbounded()) {
    dir_ = fs::temp_directory_path() / ("tocsin_manager_" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  ~ManagerTest() override { fs::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name) << content;
    return (dir_ / name).string();
  }
  void Input(const Labels& l, TimestampMs t, double v) {
    storage::Appender app(store_);
    ASSERT_TRUE(app.Append(l, t, v).ok());
    app.Commit();
  }
  ManagerOptions Options() {
    ManagerOptions o;
    o.store = &store_;
    o.engine = &engine_;
    o.sink = &sink_;
    o.external_labels = Labels{{"site", "edge-1"}};
    o.external_url = "http://tocsin.example:9090";
    return o;
  }
  std::vector<Alert> AlertsOf(RuleManager& m, const std::string& name) {
    std::vector<Alert> out;
    for (const RuleAlertState& s : m.SnapshotAlerts()) {
      if (s.rule.rfind(name, 0) == 0) out.insert(out.end(), s.alerts.begin(), s.alerts.end());
    }
    return out;
  }

  fs::path dir_;
  storage::SeriesStore store_;
  promql::Engine engine_;
  CollectingSink sink_;
};

const char* kRules = R"(groups:
  - name: api
    interval: 1m
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: JobDown
        expr: job:up:sum == 0
        for: 2m
        labels: {severity: page}
        annotations:
          summary: "{{ $labels.job }} is down ({{ $value }} up), {{ $externalLabels.site }}"
          url: "{{ $externalURL }}"
)";

TEST_F(ManagerTest, EvaluatesWithTheEngineAndSendsAlerts) {
  RuleManager m(Options());
  Result<size_t> loaded = m.Update({Write("rules.yml", kRules)});
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  EXPECT_EQ(*loaded, 2u);
  for (TimestampMs t = 0; t <= 3 * kMinute; t += kMinute) {
    Input(Labels{{"__name__", "up"}, {"job", "api"}, {"instance", "a"}}, t, 0);
    m.EvalAll(t);
  }
  std::vector<Alert> alerts = AlertsOf(m, "JobDown");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].state, AlertState::kFiring);
  EXPECT_EQ(alerts[0].fired_at, 2 * kMinute);
  EXPECT_EQ(alerts[0].annotations.get("summary"), "api is down (0 up), edge-1");
  EXPECT_EQ(alerts[0].annotations.get("url"), "http://tocsin.example:9090");
  ASSERT_EQ(sink_.sent.size(), 1u);  // firing at 2m; not re-sent at 3m (resend delay 1m)
  const OutgoingAlert& a = sink_.sent[0].second;
  EXPECT_EQ(sink_.sent[0].first, (dir_ / "rules.yml").string() + ";api");
  EXPECT_EQ(
      a.labels,
      (Labels{{"alertname", "JobDown"}, {"job", "api"}, {"severity", "page"}, {"site", "edge-1"}}));
  EXPECT_EQ(a.generator_url,
            "http://tocsin.example:9090/graph?g0.expr=job%3Aup%3Asum+%3D%3D+0&g0.tab=1");
  EXPECT_EQ(a.ends_at, 2 * kMinute + 4 * kMinute);
  m.ForEachGroup([](const RuleGroup& g) {
    EXPECT_EQ(g.last_evaluation(), 3 * kMinute);
    for (const auto& r : g.rules()) EXPECT_EQ(r->status().health, RuleHealth::kOk);
  });
}

TEST_F(ManagerTest, TemplatesCanQueryTheStore) {
  RuleManager m(Options());
  ASSERT_TRUE(m.Update({Write("rules.yml", R"yaml(groups:
  - name: q
    rules:
      - alert: Many
        expr: count(up) > 1
        annotations:
          summary: '{{ with query "sum(up)" }}{{ . | first | value }}{{ end }} up of {{ $value }}'
          bad: '{{ with query "sum(" }}{{ . }}{{ end }}'
)yaml")})
                  .ok());
  Input(Labels{{"__name__", "up"}, {"instance", "a"}}, 0, 1);
  Input(Labels{{"__name__", "up"}, {"instance", "b"}}, 0, 0);
  m.EvalAll(0);
  std::vector<Alert> alerts = AlertsOf(m, "Many");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].annotations.get("summary"), "1 up of 2");
  // A failing query renders the error in place and does not fail the rule.
  EXPECT_THAT(std::string(alerts[0].annotations.get("bad")),
              HasSubstr("<error expanding template: "));
  m.ForEachGroup(
      [](const RuleGroup& g) { EXPECT_EQ(g.rules()[0]->status().health, RuleHealth::kOk); });
}

TEST_F(ManagerTest, ABadReloadKeepsTheRunningRules) {
  RuleManager m(Options());
  const std::string file = Write("rules.yml", kRules);
  ASSERT_TRUE(m.Update({file}).ok());
  Write("rules.yml",
        "groups:\n  - name: api\n    rules:\n      - record: x\n        expr: 'sum('\n");
  Result<size_t> r = m.Update({file});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.message(), HasSubstr("could not parse expression"));
  size_t rules = 0;
  m.ForEachGroup([&](const RuleGroup& g) { rules += g.rules().size(); });
  EXPECT_EQ(rules, 2u);
}

TEST_F(ManagerTest, ReloadCarriesAlertsAndMarksRemovedSeriesStale) {
  RuleManager m(Options());
  const std::string file = Write("rules.yml", kRules);
  ASSERT_TRUE(m.Update({file}).ok());
  Input(Labels{{"__name__", "up"}, {"job", "api"}}, 0, 0);
  m.EvalAll(0);
  ASSERT_EQ(AlertsOf(m, "JobDown").size(), 1u);
  // Same alert, `for` raised: the pending alert keeps its ActiveAt.
  std::string changed = kRules;
  changed.replace(changed.find("for: 2m"), 7, "for: 5m");
  Write("rules.yml", changed);
  ASSERT_TRUE(m.Update({file}).ok());
  std::vector<Alert> alerts = AlertsOf(m, "JobDown");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].active_at, 0);
  // Removing the group marks its series stale.
  Write("other.yml",
        "groups:\n  - name: other\n    rules:\n      - record: one\n        expr: '1'\n");
  ManagerOptions o = Options();
  ASSERT_TRUE(m.Update({(dir_ / "other.yml").string()}).ok());
  std::vector<LabelMatcher> sel = {
      *LabelMatcher::Make(MatchType::kEqual, "__name__", "job:up:sum")};
  storage::SeriesSet set = store_.Select(sel, INT64_MIN / 2, INT64_MAX / 2);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_TRUE(IsStaleNaN(set.values(0).back()));
}

TEST_F(ManagerTest, SnapshotAndRestoreKeepFiringAlertsFiring) {
  const std::string file = Write("rules.yml", R"(groups:
  - name: g
    rules:
      - alert: Down
        expr: up == 0
        for: 1m
        keep_firing_for: 10m
)");
  std::vector<RuleAlertState> snapshot;
  {
    RuleManager m(Options());
    ASSERT_TRUE(m.Update({file}).ok());
    for (TimestampMs t = 0; t <= 2 * kMinute; t += kMinute) {
      Input(Labels{{"__name__", "up"}, {"instance", "a"}}, t, 0);
      m.EvalAll(t);
    }
    snapshot = m.SnapshotAlerts();
  }
  ASSERT_EQ(snapshot.size(), 1u);
  ASSERT_EQ(snapshot[0].alerts.size(), 1u);
  EXPECT_EQ(snapshot[0].alerts[0].state, AlertState::kFiring);
  // "Restart" an hour later: still down, so still firing, with the original times.
  RuleManager m(Options());
  ASSERT_TRUE(m.Update({file}).ok());
  m.RestoreAlerts(snapshot);
  Input(Labels{{"__name__", "up"}, {"instance", "a"}}, kHour, 0);
  m.EvalAll(kHour);
  std::vector<Alert> alerts = AlertsOf(m, "Down");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].state, AlertState::kFiring);
  EXPECT_EQ(alerts[0].active_at, 0);
  EXPECT_EQ(alerts[0].fired_at, kMinute);
}

TEST_F(ManagerTest, GroupsRunOnTheirSlots) {
  const std::string file = Write("fast.yml", R"(groups:
  - name: fast
    interval: 50ms
    rules:
      - record: ticks
        expr: vector(1)
)");
  RuleManager m(Options());
  ASSERT_TRUE(m.Update({file}).ok());
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  m.Start(io);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  m.Stop();
  guard.reset();
  io.stop();
  runner.join();
  TimestampMs last = kNoTime;
  m.ForEachGroup([&](const RuleGroup& g) { last = g.last_evaluation(); });
  ASSERT_NE(last, kNoTime);
  const int64_t offset_ms =
      static_cast<int64_t>(GroupHash(file, "fast") % (50ULL * 1'000'000)) / 1'000'000;
  EXPECT_EQ((last - offset_ms) % 50, 0) << last;
  std::vector<LabelMatcher> sel = {*LabelMatcher::Make(MatchType::kEqual, "__name__", "ticks")};
  storage::SeriesSet set = store_.Select(sel, INT64_MIN / 2, INT64_MAX / 2);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_GE(set.times(0).size(), 3u);  // ~7 slots in 400ms
}

}  // namespace
}  // namespace tocsin::rules
