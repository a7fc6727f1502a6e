// The dispatcher and aggregation groups on a manual clock: when groups flush, what a flush sees,
// and what happens to resolved alerts afterwards. The notification pipeline is replaced by a
// recorder (it has its own tests); everything else is real.
#include "engine/alerting/dispatcher.h"

#include <gtest/gtest.h>

#include "engine/alerting/config_loader.h"
#include "tests/support/manual_scheduler.h"

namespace tocsin::alerting {
namespace {

constexpr TimestampMs kT0 = 1714564800000;

struct FlushRecord {
  std::string group_key;
  TimestampMs now;
  std::vector<std::string> alerts;  // alertname[+instance], "(resolved)" appended
};

class DispatcherTest : public ::testing::Test {
 protected:
  void Load(const std::string& route_yaml, TimestampMs start_at = 0) {
    const std::string yaml =
        "route:\n" + route_yaml + "receivers:\n- name: default\n- name: team\n- name: other\n";
    auto cfg = LoadConfig(yaml, "test.yml");
    ASSERT_TRUE(cfg.ok()) << cfg.message();
    tree_ = std::make_shared<RouteTree>(cfg->route);
    Dispatcher::Deps deps;
    deps.scheduler = &clock_;
    deps.flush_executor = &inline_;
    deps.flush = [this](const AggregationGroup& g, TimestampMs now, StageAlerts alerts,
                        std::function<void(bool)> done) {
      FlushRecord r{g.group_key(), now, {}};
      for (const StageAlert& a : alerts) {
        std::string s(a.alert->name());
        if (a.alert->labels.has("instance"))
          s += "/" + std::string(a.alert->labels.get("instance"));
        if (a.resolved) s += " (resolved)";
        r.alerts.push_back(s);
      }
      flushes_.push_back(std::move(r));
      if (hold_) {
        held_.push_back(std::move(done));
      } else {
        done(flush_ok_);
      }
    };
    dispatcher_ = std::make_shared<Dispatcher>(tree_, start_at == 0 ? clock_.Now() : start_at,
                                               std::move(deps));
    dispatcher_->Start();
  }

  AlertPtr Alert_(Labels labels, TimestampMs starts, TimestampMs ends) {
    auto a = std::make_shared<Alert>();
    a->labels = std::move(labels);
    a->starts_at = starts;
    a->ends_at = ends;
    a->updated_at = clock_.Now();
    return a;
  }
  void Ingest(std::vector<AlertPtr> alerts) { dispatcher_->Ingest(alerts); }
  std::vector<TimestampMs> FlushTimes() const {
    std::vector<TimestampMs> out;
    for (const auto& f : flushes_) out.push_back(f.now - kT0);
    return out;
  }

  testing::ManualScheduler clock_{kT0};
  InlineExecutor inline_;
  std::shared_ptr<RouteTree> tree_;
  std::shared_ptr<Dispatcher> dispatcher_;
  std::vector<FlushRecord> flushes_;
  bool flush_ok_ = true;
  bool hold_ = false;
  std::vector<std::function<void(bool)>> held_;
};

constexpr const char* kRoot = R"(  receiver: default
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
)";

TEST_F(DispatcherTest, GroupWaitThenGroupInterval) {
  Load(kRoot);
  Ingest({Alert_({{"alertname", "A"}}, kT0, kT0 + kHour)});
  clock_.AdvanceTo(kT0 + 30 * kSecond - 1);
  EXPECT_TRUE(flushes_.empty());
  clock_.AdvanceTo(kT0 + 16 * kMinute);
  EXPECT_EQ(FlushTimes(),
            (std::vector<TimestampMs>{30 * kSecond, 30 * kSecond + 5 * kMinute,
                                      30 * kSecond + 10 * kMinute, 30 * kSecond + 15 * kMinute}));
  EXPECT_EQ(flushes_[0].group_key, R"({}:{alertname="A"})");
}

TEST_F(DispatcherTest, OldAlertFlushesAtOnce) {
  Load(kRoot);
  Ingest({Alert_({{"alertname", "A"}}, kT0 - kMinute, kT0 + kHour)});
  clock_.RunDue();
  EXPECT_EQ(FlushTimes(), (std::vector<TimestampMs>{0}));
  // Exactly group_wait old is not "older than group_wait": it waits.
  Ingest({Alert_({{"alertname", "B"}}, kT0 - 30 * kSecond, kT0 + kHour)});
  clock_.RunDue();
  EXPECT_EQ(flushes_.size(), 1u);
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  EXPECT_EQ(flushes_.size(), 2u);
}

TEST_F(DispatcherTest, AlertsJoiningAGroupWaitForItsTimer) {
  Load(kRoot);
  Ingest({Alert_({{"alertname", "A"}, {"instance", "1"}}, kT0, kT0 + kHour)});
  clock_.AdvanceTo(kT0 + 10 * kSecond);
  // Old, but the group exists already: no immediate flush.
  Ingest({Alert_({{"alertname", "A"}, {"instance", "2"}}, kT0 - kHour, kT0 + kHour)});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  ASSERT_EQ(flushes_.size(), 1u);
  EXPECT_EQ(flushes_[0].alerts, (std::vector<std::string>{"A/1", "A/2"}));
}

TEST_F(DispatcherTest, GroupingByLabelsRoutesAndContinue) {
  Load(R"(  receiver: default
  group_by: [alertname]
  group_wait: 0s
  routes:
  - matchers: [team="x"]
    receiver: team
    group_by: [alertname, instance]
    continue: true
  - matchers: [team=~"x|y"]
    receiver: other
    group_by: ['...']
)");
  Ingest({Alert_({{"alertname", "A"}, {"team", "x"}, {"instance", "1"}}, kT0, kT0 + kHour),
          Alert_({{"alertname", "A"}, {"team", "x"}, {"instance", "2"}}, kT0, kT0 + kHour),
          Alert_({{"alertname", "A"}, {"team", "z"}}, kT0, kT0 + kHour)});
  EXPECT_EQ(dispatcher_->group_count(), 5u);  // team: 2, other: 2 (by all labels), default: 1
  clock_.RunDue();
  std::vector<std::string> keys;
  for (const auto& f : flushes_) keys.push_back(f.group_key);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{
                      R"({}/{team="x"}:{alertname="A", instance="1"})",
                      R"({}/{team="x"}:{alertname="A", instance="2"})",
                      R"({}/{team=~"x|y"}:{alertname="A", instance="1", team="x"})",
                      R"({}/{team=~"x|y"}:{alertname="A", instance="2", team="x"})",
                      R"({}:{alertname="A"})",
                  }));
}

TEST_F(DispatcherTest, ResolvedAlertsLeaveAfterSuccessfulFlushAndEmptyGroupsGo) {
  Load(kRoot);
  Ingest({Alert_({{"alertname", "A"}, {"instance", "1"}}, kT0, kT0 + 2 * kMinute),
          Alert_({{"alertname", "A"}, {"instance", "2"}}, kT0, kT0 + kHour)});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  EXPECT_EQ(flushes_.back().alerts, (std::vector<std::string>{"A/1", "A/2"}));
  clock_.AdvanceTo(kT0 + 30 * kSecond + 5 * kMinute);
  EXPECT_EQ(flushes_.back().alerts, (std::vector<std::string>{"A/1 (resolved)", "A/2"}));
  clock_.AdvanceTo(kT0 + 30 * kSecond + 10 * kMinute);
  EXPECT_EQ(flushes_.back().alerts, (std::vector<std::string>{"A/2"}));
  // Everything resolved and notified: the group destroys itself.
  clock_.AdvanceTo(kT0 + 2 * kHour);
  EXPECT_EQ(flushes_.back().alerts, (std::vector<std::string>{"A/2 (resolved)"}));
  EXPECT_EQ(dispatcher_->group_count(), 0u);
  const size_t n = flushes_.size();
  clock_.AdvanceTo(kT0 + 3 * kHour);
  EXPECT_EQ(flushes_.size(), n);
  // The same labels again: a new group with a fresh group_wait.
  Ingest({Alert_({{"alertname", "A"}, {"instance", "1"}}, clock_.Now(), clock_.Now() + kHour)});
  clock_.Advance(30 * kSecond - 1);
  EXPECT_EQ(flushes_.size(), n);
  clock_.Advance(1);
  EXPECT_EQ(flushes_.size(), n + 1);
}

TEST_F(DispatcherTest, FailedFlushKeepsResolvedAlerts) {
  Load(kRoot);
  Ingest({Alert_({{"alertname", "A"}}, kT0, kT0 + kMinute)});
  flush_ok_ = false;
  clock_.AdvanceTo(kT0 + 30 * kSecond + 5 * kMinute);
  EXPECT_EQ(flushes_.back().alerts, (std::vector<std::string>{"A (resolved)"}));
  flush_ok_ = true;
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(flushes_.back().alerts, (std::vector<std::string>{"A (resolved)"}));
  EXPECT_EQ(dispatcher_->group_count(), 0u);
}

TEST_F(DispatcherTest, ResolvedAlertThatFiredAgainStays) {
  Load(kRoot);
  Ingest({Alert_({{"alertname", "A"}}, kT0, kT0 + kMinute)});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  hold_ = true;
  clock_.AdvanceTo(kT0 + 30 * kSecond + 5 * kMinute);  // flush sees it resolved, stays in flight
  ASSERT_EQ(held_.size(), 1u);
  // It fires again while the resolved notification is on its way.
  Ingest({Alert_({{"alertname", "A"}}, clock_.Now(), clock_.Now() + kHour)});
  held_[0](true);
  hold_ = false;
  EXPECT_EQ(dispatcher_->group_count(), 1u);
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(flushes_.back().alerts, (std::vector<std::string>{"A"}));
}

TEST_F(DispatcherTest, FlushesOfOneGroupNeverOverlap) {
  Load(kRoot);
  Ingest({Alert_({{"alertname", "A"}}, kT0, kT0 + 10 * kHour)});
  hold_ = true;
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  ASSERT_EQ(flushes_.size(), 1u);
  // Due at 5m30s, but the first one is still delivering.
  clock_.AdvanceTo(kT0 + 7 * kMinute);
  EXPECT_EQ(flushes_.size(), 1u);
  hold_ = false;
  auto done = std::move(held_[0]);
  done(true);  // finishes at 7m: the deferred flush runs now, with its own timer's time
  ASSERT_EQ(flushes_.size(), 2u);
  EXPECT_EQ(flushes_[1].now, kT0 + 30 * kSecond + 5 * kMinute);
  // ... and the next one comes group_interval after the deferred one started.
  clock_.AdvanceTo(kT0 + 12 * kMinute - 1);
  EXPECT_EQ(flushes_.size(), 2u);
  clock_.AdvanceTo(kT0 + 12 * kMinute);
  EXPECT_EQ(flushes_.size(), 3u);
}

TEST_F(DispatcherTest, StartDelayHoldsFlushes) {
  Load(kRoot, kT0 + 2 * kMinute);
  Ingest({Alert_({{"alertname", "A"}}, kT0, kT0 + kHour)});
  clock_.AdvanceTo(kT0 + 2 * kMinute - 1);
  EXPECT_TRUE(flushes_.empty());
  clock_.AdvanceTo(kT0 + 2 * kMinute);  // group_wait passed long ago: flush at start
  EXPECT_EQ(FlushTimes(), (std::vector<TimestampMs>{2 * kMinute}));
  Ingest({Alert_({{"alertname", "B"}}, clock_.Now(), clock_.Now() + kHour)});
  clock_.Advance(30 * kSecond);
  EXPECT_EQ(flushes_.size(), 2u);
}

TEST_F(DispatcherTest, StopCancelsTimers) {
  Load(kRoot);
  Ingest({Alert_({{"alertname", "A"}}, kT0, kT0 + kHour)});
  dispatcher_->Stop();
  clock_.AdvanceTo(kT0 + kHour);
  EXPECT_TRUE(flushes_.empty());
  Ingest({Alert_({{"alertname", "B"}}, kT0, kT0 + kHour)});
  EXPECT_EQ(dispatcher_->group_count(), 1u);  // ignored after Stop
}

}  // namespace
}  // namespace tocsin::alerting
