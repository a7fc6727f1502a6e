// The whole pipeline — store, inhibitor, silences, dispatcher, stages, outbox, notification log,
// history — on a manual clock: Alertmanager's notification semantics, end to end.
#include "engine/alerting/alerting_pipeline.h"

#include <gtest/gtest.h>

#include "tests/engine/alerting/pipeline_fixture.h"

namespace tocsin::alerting {
namespace {

using testing::Describe;
using testing::Fail;
using testing::kT0;

constexpr const char* kConfig = R"(
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
receivers:
- name: team
  webhook_configs:
  - url: http://127.0.0.1:1/hook
)";

class PipelineTest : public testing::PipelineFixture {
 protected:
  std::vector<std::string> Sent(const std::string& receiver = "team", int index = 0) {
    std::vector<std::string> out;
    for (const auto& n : Recorder(receiver, index).sent()) out.push_back(Describe(n));
    return out;
  }
  PostableAlert A(std::string instance, TimestampMs ends = kT0 + 10 * kHour) {
    return Firing({{"alertname", "A"}, {"instance", std::move(instance)}}, kT0, ends);
  }
};

TEST_F(PipelineTest, FirstNotificationAfterGroupWaitThenRepeat) {
  StartPipeline(kConfig);
  Put({A("1")});
  clock_.AdvanceTo(kT0 + 30 * kSecond - 1);
  EXPECT_TRUE(Sent().empty());
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  EXPECT_EQ(Sent(), (std::vector<std::string>{"first notification: A/1"}));
  // Nothing changes: quiet until repeat_interval has passed. The log entry is from 0:30, so at
  // the flush at 1:00:30 exactly one hour has passed, which is not "more than": the repeat
  // comes with the flush after (Alertmanager's rounding of repeat_interval).
  clock_.AdvanceTo(kT0 + 30 * kSecond + kHour);
  EXPECT_EQ(Sent().size(), 1u);
  clock_.AdvanceTo(kT0 + 30 * kSecond + kHour + 5 * kMinute);
  EXPECT_EQ(Sent(),
            (std::vector<std::string>{"first notification: A/1", "repeat interval elapsed: A/1"}));
  EXPECT_EQ(Recorder("team").times()[1], kT0 + 30 * kSecond + 65 * kMinute);
}

TEST_F(PipelineTest, RepeatIntervalNotAMultipleOfGroupInterval) {
  StartPipeline(R"(
route:
  receiver: team
  group_wait: 0s
  group_interval: 5m
  repeat_interval: 7m
receivers:
- name: team
  webhook_configs:
  - url: http://127.0.0.1:1/hook
)");
  Put({A("1")});
  clock_.AdvanceTo(kT0 + 31 * kMinute);
  // Flushes every 5 minutes; a repeat at the first flush more than 7 minutes after the last.
  EXPECT_EQ(
      Recorder("team").times(),
      (std::vector<TimestampMs>{kT0, kT0 + 10 * kMinute, kT0 + 20 * kMinute, kT0 + 30 * kMinute}));
}

TEST_F(PipelineTest, NewAlertsThenSomeResolvedThenAllResolved) {
  StartPipeline(kConfig);
  Put({A("1"), A("2")});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  Put({A("3")});
  clock_.Advance(5 * kMinute);
  Put({A("1", clock_.Now())});  // resolves now
  clock_.Advance(5 * kMinute);
  clock_.Advance(5 * kMinute);  // nothing new
  Put({A("2", clock_.Now()), A("3", clock_.Now())});
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(Sent(), (std::vector<std::string>{
                        "first notification: A/1 A/2",
                        "new alerts added: A/1 A/2 A/3",
                        "some alerts resolved: A/1(resolved) A/2 A/3",
                        "all alerts resolved: A/2(resolved) A/3(resolved)",
                    }));
  EXPECT_EQ(pipeline_->group_count(), 0u);
  // Resolved alerts carry their end; firing ones none.
  const auto sent = Recorder("team").sent();
  EXPECT_EQ(sent[2].alerts[0].ends_at, kT0 + 30 * kSecond + 5 * kMinute);
  EXPECT_EQ(sent[2].alerts[1].ends_at, 0);
  EXPECT_EQ(sent[0].group_key, R"({}:{alertname="A"})");
}

TEST_F(PipelineTest, AlertResolvedWithinGroupWaitIsNeverNotified) {
  StartPipeline(kConfig);
  Put({A("1", kT0 + 10 * kSecond)});
  clock_.AdvanceTo(kT0 + kHour);
  EXPECT_TRUE(Sent().empty());
  EXPECT_EQ(pipeline_->group_count(), 0u);
}

TEST_F(PipelineTest, SendResolvedOffClearsTheLogWithoutSending) {
  StartPipeline(R"(
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
receivers:
- name: team
  webhook_configs:
  - url: http://127.0.0.1:1/hook
    send_resolved: false
)");
  Put({A("1"), A("2")});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  Put({A("1", clock_.Now())});
  clock_.Advance(5 * kMinute);  // one resolved: not news for this receiver
  Put({A("2", clock_.Now())});
  clock_.Advance(5 * kMinute);  // all resolved: logged, not sent
  EXPECT_EQ(Sent(), (std::vector<std::string>{"first notification: A/1 A/2"}));
  auto attempts = Attempts();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[1].status, sqlite::DeliveryStatus::kSkipped);
  EXPECT_EQ(attempts[1].reason, "all alerts resolved");
  // The log now has nothing firing: the alert firing again is a first notification.
  Put({Firing({{"alertname", "A"}, {"instance", "1"}}, clock_.Now(), clock_.Now() + kHour)});
  clock_.Advance(30 * kSecond);
  EXPECT_EQ(Sent().back(), "first notification: A/1");
}

TEST_F(PipelineTest, SilencedAlertsAreNotNotifiedUntilTheSilenceEnds) {
  StartPipeline(kConfig);
  Silence s;
  s.matchers = {{"instance", "1", false, true}};
  s.starts_at = kT0;
  s.ends_at = kT0 + 20 * kMinute;
  s.created_by = "ops";
  s.comment = "maintenance";
  auto id = pipeline_->SetSilence(s);
  ASSERT_TRUE(id.ok()) << id.message();
  Put({A("1"), A("2")});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  EXPECT_EQ(Sent(), (std::vector<std::string>{"first notification: A/2"}));
  // While silenced, A/1 shows as suppressed.
  auto alerts = pipeline_->Alerts({});
  ASSERT_EQ(alerts.size(), 2u);
  for (const ApiAlert& a : alerts) {
    if (a.alert->labels.get("instance") == "1") {
      EXPECT_EQ(a.status.state, AlertState::kSuppressed);
      EXPECT_EQ(a.status.silenced_by, (std::vector<std::string>{*id}));
    } else {
      EXPECT_EQ(a.status.state, AlertState::kActive);
    }
  }
  AlertQuery unsilenced;
  unsilenced.silenced = false;
  EXPECT_EQ(pipeline_->Alerts(unsilenced).size(), 1u);
  // The silence ends at 20:00; the flush at 20:30 notifies A/1.
  clock_.AdvanceTo(kT0 + 20 * kMinute + 30 * kSecond);
  EXPECT_EQ(Sent().back(), "new alerts added: A/1 A/2");
  // History: firing, silenced, then unsilenced once the silence ended.
  std::vector<std::string> kinds;
  for (const auto& e : History()) {
    if (e.labels.get("instance") == "1") kinds.push_back(std::string(HistoryKindName(e.kind)));
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"firing", "silenced", "unsilenced"}));
}

TEST_F(PipelineTest, ExpiringASilenceEndsIt) {
  StartPipeline(kConfig);
  Silence s;
  s.matchers = {{"alertname", "A", false, true}};
  s.starts_at = kT0;
  s.ends_at = kT0 + kHour;
  auto id = pipeline_->SetSilence(s);
  ASSERT_TRUE(id.ok());
  Put({A("1")});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  EXPECT_TRUE(Sent().empty());
  ASSERT_TRUE(pipeline_->ExpireSilence(*id).ok());
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(Sent(), (std::vector<std::string>{"first notification: A/1"}));
  EXPECT_TRUE(IsSilenceNotFound(pipeline_->ExpireSilence("nope")));
  // The API's own checks.
  s.id.clear();
  s.starts_at = s.ends_at;
  EXPECT_EQ(pipeline_->SetSilence(s).message(),
            "Failed to create silence: start time must be before end time");
  s.starts_at = kT0 - 2 * kHour;
  s.ends_at = kT0 - kHour;
  EXPECT_EQ(pipeline_->SetSilence(s).message(),
            "Failed to create silence: end time can't be in the past");
}

constexpr const char* kInhibitConfig = R"(
route:
  receiver: team
  group_by: [alertname, component]
  group_wait: 30s
  group_interval: 5m
receivers:
- name: team
  webhook_configs:
  - url: http://127.0.0.1:1/hook
inhibit_rules:
- source_matchers: [severity="critical"]
  target_matchers: [severity="warning"]
  equal: [component]
)";

TEST_F(PipelineTest, InhibitedAlertsAreNotNotified) {
  StartPipeline(kInhibitConfig);
  Put({Firing({{"alertname", "Down"}, {"severity", "critical"}, {"component", "db"}}, kT0,
              kT0 + 10 * kMinute),
       Firing({{"alertname", "Slow"}, {"severity", "warning"}, {"component", "db"}}, kT0,
              kT0 + kHour),
       Firing({{"alertname", "Slow"}, {"severity", "warning"}, {"component", "web"}}, kT0,
              kT0 + kHour)});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  std::vector<std::string> groups;
  for (const auto& n : Recorder("team").sent()) groups.push_back(n.group_key);
  std::sort(groups.begin(), groups.end());
  EXPECT_EQ(groups, (std::vector<std::string>{R"({}:{alertname="Down", component="db"})",
                                              R"({}:{alertname="Slow", component="web"})"}));
  auto alerts = pipeline_->Alerts({});
  const ApiAlert* slow_db = nullptr;
  for (const ApiAlert& a : alerts) {
    if (a.alert->name() == "Slow" && a.alert->labels.get("component") == "db") slow_db = &a;
  }
  ASSERT_NE(slow_db, nullptr);
  EXPECT_EQ(slow_db->status.state, AlertState::kSuppressed);
  ASSERT_EQ(slow_db->status.inhibited_by.size(), 1u);
  // The critical alert resolves at 10:00; the warning is notified at the next flush.
  clock_.AdvanceTo(kT0 + 10 * kMinute + 30 * kSecond);
  EXPECT_EQ(Sent().back(), "first notification: Slow");
  std::vector<std::string> kinds;
  for (const auto& e : History()) {
    if (e.labels.get("alertname") == "Slow" && e.labels.get("component") == "db") {
      kinds.push_back(std::string(HistoryKindName(e.kind)));
    }
  }
  EXPECT_EQ(kinds, (std::vector<std::string>{"firing", "inhibited", "uninhibited"}));
}

constexpr const char* kResolveOnMuteConfig = R"(
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  notify_resolved_on_mute: true
  routes:
  - matchers: [plain="true"]
    receiver: plain
    notify_resolved_on_mute: false
receivers:
- name: team
  webhook_configs:
  - url: http://127.0.0.1:1/hook
- name: plain
  webhook_configs:
  - url: http://127.0.0.1:1/hook
)";

TEST_F(PipelineTest, NotifyResolvedOnMuteTellsReceiversThatKnewTheAlertFiring) {
  StartPipeline(kResolveOnMuteConfig);
  Put({A("1"), A("2"), Firing({{"alertname", "P"}, {"plain", "true"}}, kT0, kT0 + 10 * kHour)});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  Silence s;
  s.matchers = {{"instance", "1", false, true}};
  s.starts_at = clock_.Now();
  s.ends_at = kT0 + kHour;
  ASSERT_TRUE(pipeline_->SetSilence(s).ok());
  Silence sp;
  sp.matchers = {{"alertname", "P", false, true}};
  sp.starts_at = clock_.Now();
  sp.ends_at = kT0 + kHour;
  ASSERT_TRUE(pipeline_->SetSilence(sp).ok());
  clock_.Advance(5 * kMinute);
  clock_.Advance(5 * kMinute);  // told once, not again
  EXPECT_EQ(Sent(), (std::vector<std::string>{"first notification: A/1 A/2",
                                              "some alerts resolved: A/1(resolved) A/2"}));
  const auto sent = Recorder("team").sent();
  EXPECT_EQ(sent[1].alerts[0].ends_at, kT0 + 30 * kSecond + 5 * kMinute);
  // Without the option (Alertmanager's behaviour) the receiver hears nothing.
  EXPECT_EQ(Sent("plain"), (std::vector<std::string>{"first notification: P"}));
  // When the silence ends and the alert still fires, it is news again.
  clock_.AdvanceTo(kT0 + kHour + 30 * kSecond);
  EXPECT_EQ(Sent().back(), "new alerts added: A/1 A/2");
  EXPECT_EQ(Sent("plain").size(), 1u);
}

TEST_F(PipelineTest, NotifyResolvedOnMuteWhenAnAlertResolvesWhileSilenced) {
  StartPipeline(kResolveOnMuteConfig);
  Put({A("1")});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  Silence s;
  s.matchers = {{"alertname", "A", false, true}};
  s.starts_at = clock_.Now();
  s.ends_at = kT0 + 10 * kHour;
  ASSERT_TRUE(pipeline_->SetSilence(s).ok());
  Put({A("1", clock_.Now())});  // resolves while silenced (Alertmanager #226)
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(Sent(), (std::vector<std::string>{"first notification: A/1",
                                              "all alerts resolved: A/1(resolved)"}));
  EXPECT_EQ(pipeline_->group_count(), 0u);
}

TEST_F(PipelineTest, MuteAndActiveTimeIntervals) {
  StartPipeline(R"(
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  routes:
  - matchers: [window="mute"]
    receiver: team
    mute_time_intervals: [lunch]
  - matchers: [window="active"]
    receiver: team
    active_time_intervals: [lunch]
receivers:
- name: team
  webhook_configs:
  - url: http://127.0.0.1:1/hook
time_intervals:
- name: lunch
  time_intervals:
  - times:
    - start_time: '12:00'
      end_time: '13:00'
)");
  Put({Firing({{"alertname", "M"}, {"window", "mute"}}, kT0, kT0 + 10 * kHour),
       Firing({{"alertname", "Ac"}, {"window", "active"}}, kT0, kT0 + 10 * kHour)});
  clock_.AdvanceTo(kT0 + 30 * kSecond);  // 12:00:30: lunch
  EXPECT_EQ(Sent(), (std::vector<std::string>{"first notification: Ac"}));
  GroupQuery q;
  auto groups = pipeline_->AlertGroups(q);
  ASSERT_EQ(groups.size(), 2u);
  for (const auto& g : groups) {
    if (g.labels.get("alertname") == "M") {
      EXPECT_EQ(g.alerts[0].status.muted_by, (std::vector<std::string>{"lunch"}));
      EXPECT_EQ(g.alerts[0].status.state, AlertState::kSuppressed);
    } else {
      EXPECT_TRUE(g.alerts[0].status.muted_by.empty());
    }
  }
  q.muted = false;
  EXPECT_EQ(pipeline_->AlertGroups(q).size(), 1u);
  clock_.AdvanceTo(kT0 + kHour + 30 * kSecond);  // 13:00:30
  EXPECT_EQ(Sent(), (std::vector<std::string>{"first notification: Ac", "first notification: M"}));
}

TEST_F(PipelineTest, RetriesWithBackoffUntilDelivered) {
  StartPipeline(kConfig);
  Put({A("1")});
  Recorder("team").Script(
      {Fail(true, "unexpected status code 500"), Fail(true, "unexpected status code 503")});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  clock_.Advance(2 * kSecond);
  EXPECT_EQ(Recorder("team").times(),
            (std::vector<TimestampMs>{kT0 + 30 * kSecond, kT0 + 30 * kSecond + 500,
                                      kT0 + 30 * kSecond + 1250}));
  auto attempts = Attempts();
  ASSERT_EQ(attempts.size(), 3u);
  EXPECT_EQ(attempts[0].status, sqlite::DeliveryStatus::kRetrying);
  EXPECT_EQ(attempts[0].error, "unexpected status code 500");
  EXPECT_EQ(attempts[0].attempt, 1);
  EXPECT_EQ(attempts[1].status, sqlite::DeliveryStatus::kRetrying);
  EXPECT_EQ(attempts[2].status, sqlite::DeliveryStatus::kSuccess);
  EXPECT_EQ(attempts[2].attempt, 3);
  EXPECT_EQ(attempts[2].reason, "first notification");
  EXPECT_EQ(attempts[2].alerts_firing, 1);
  EXPECT_EQ(attempts[2].target.integration, "webhook");
  EXPECT_EQ(attempts[2].target.receiver, "team");
  // Delivered: the next flush has nothing new.
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(Recorder("team").count(), 3u);
}

TEST_F(PipelineTest, RetryAfterIsHonouredAndGivesUpPastTheDeadline) {
  StartPipeline(kConfig);
  Put({A("1")});
  Recorder("team").Script({Fail(true, "429", 20 * kSecond), Fail(true, "429", 10 * kMinute)});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  clock_.Advance(21 * kSecond);
  EXPECT_EQ(Recorder("team").times(),
            (std::vector<TimestampMs>{kT0 + 30 * kSecond, kT0 + 50 * kSecond}));
  auto attempts = Attempts();
  ASSERT_EQ(attempts.size(), 2u);
  EXPECT_EQ(attempts[1].status, sqlite::DeliveryStatus::kFailed);  // 10m is past the deadline
  // Not logged as sent: the next flush notifies again.
  clock_.AdvanceTo(kT0 + 30 * kSecond + 5 * kMinute);
  EXPECT_EQ(Sent().back(), "first notification: A/1");
  EXPECT_EQ(Recorder("team").count(), 3u);
}

TEST_F(PipelineTest, RetriesStopAtGroupInterval) {
  StartPipeline(kConfig);
  Put({A("1")});
  std::vector<AttemptResult> failures(100, Fail(true, "connection refused"));
  Recorder("team").Script(failures);
  clock_.AdvanceTo(kT0 + 30 * kSecond + 5 * kMinute - 1);
  const size_t tries = Recorder("team").count();
  EXPECT_GT(tries, 5u);
  for (TimestampMs t : Recorder("team").times()) EXPECT_LE(t, kT0 + 30 * kSecond + 5 * kMinute);
  auto attempts = Attempts();
  EXPECT_EQ(attempts.back().status, sqlite::DeliveryStatus::kFailed);
  for (size_t i = 0; i + 1 < attempts.size(); ++i) {
    EXPECT_EQ(attempts[i].status, sqlite::DeliveryStatus::kRetrying);
  }
}

TEST_F(PipelineTest, PermanentFailureStopsAndIsRetriedNextFlush) {
  StartPipeline(kConfig);
  Put({A("1")});
  Recorder("team").Script({Fail(false, "unexpected status code 400")});
  clock_.AdvanceTo(kT0 + 30 * kSecond + 4 * kMinute);
  EXPECT_EQ(Recorder("team").count(), 1u);
  EXPECT_EQ(Attempts().back().status, sqlite::DeliveryStatus::kPermanentFailure);
  clock_.AdvanceTo(kT0 + 30 * kSecond + 5 * kMinute);
  EXPECT_EQ(Sent(),
            (std::vector<std::string>{"first notification: A/1", "first notification: A/1"}));
}

TEST_F(PipelineTest, ReceiverWithoutIntegrationsDeliversToTheLog) {
  StartPipeline(R"(
route:
  receiver: quiet
  group_wait: 0s
receivers:
- name: quiet
- name: elsewhere
  opsgenie_configs:
  - api_key: secret
)");
  Put({A("1")});
  clock_.RunDue();
  auto attempts = Attempts();
  ASSERT_EQ(attempts.size(), 1u);
  EXPECT_EQ(attempts[0].status, sqlite::DeliveryStatus::kLogged);
  EXPECT_EQ(attempts[0].target.integration, "log");
  EXPECT_EQ(attempts[0].target.receiver, "quiet");
  clock_.Advance(5 * kMinute);  // logged like a delivery: not repeated
  EXPECT_EQ(Attempts().size(), 1u);
}

TEST_F(PipelineTest, UnsupportedIntegrationsAreRefusedAndRecorded) {
  StartPipeline(R"(
route:
  receiver: ops
  group_wait: 0s
receivers:
- name: ops
  opsgenie_configs:
  - api_key: secret
)");
  Put({A("1")});
  clock_.RunDue();
  auto attempts = Attempts();
  ASSERT_EQ(attempts.size(), 2u);  // refused, plus the log (no active integration)
  std::map<std::string, sqlite::DeliveryStatus> by;
  for (const auto& a : attempts) by[a.target.integration] = a.status;
  EXPECT_EQ(by["opsgenie"], sqlite::DeliveryStatus::kRefused);
  EXPECT_EQ(by["log"], sqlite::DeliveryStatus::kLogged);
  for (const auto& a : attempts) {
    if (a.target.integration == "opsgenie") {
      EXPECT_EQ(a.error,
                "opsgenie_configs are not supported by tocsin; the notification was "
                "not sent");
    }
  }
}

TEST_F(PipelineTest, InvalidAlertsAreRejectedValidOnesStored) {
  StartPipeline(kConfig);
  std::vector<PostableAlert> alerts = {A("1"), Firing({}, kT0)};
  Status s = pipeline_->Put(alerts);
  EXPECT_EQ(s.message(), "at least one label pair required");
  EXPECT_EQ(pipeline_->alert_count(), 1u);
}

TEST_F(PipelineTest, HistoryRecordsFiringAndResolvedWithReceivers) {
  StartPipeline(kConfig);
  Put({Firing({{"alertname", "A"}}, kT0)});  // no end: resolve_timeout (5m) applies
  clock_.AdvanceTo(kT0 + 6 * kMinute);
  auto h = History();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].kind, sqlite::HistoryKind::kFiring);
  EXPECT_EQ(h[0].at, kT0);
  EXPECT_EQ(h[0].receivers, (std::vector<std::string>{"team"}));
  EXPECT_EQ(h[1].kind, sqlite::HistoryKind::kResolved);
  EXPECT_EQ(h[1].at, kT0 + 5 * kMinute);
}

TEST_F(PipelineTest, RestartRestoresEverythingAndRepeatsNothing) {
  StartPipeline(kConfig);
  Put({A("1"), A("2", kT0 + 20 * kMinute)});
  Silence s;
  s.matchers = {{"instance", "3", false, true}};
  s.starts_at = kT0;
  s.ends_at = kT0 + 10 * kHour;
  auto id = pipeline_->SetSilence(s);
  ASSERT_TRUE(id.ok());
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  EXPECT_EQ(Sent(), (std::vector<std::string>{"first notification: A/1 A/2"}));
  StopPipeline();

  // Down for 30 minutes; A/2 resolved meanwhile and nobody said so.
  clock_.AdvanceTo(kT0 + 30 * kMinute);
  StartPipeline(kConfig);
  EXPECT_EQ(pipeline_->alert_count(), 2u);
  ASSERT_TRUE(pipeline_->GetSilence(*id));
  clock_.RunDue();  // the restored group is old: it flushes at once
  EXPECT_EQ(Sent(), (std::vector<std::string>{"first notification: A/1 A/2",
                                              "some alerts resolved: A/1 A/2(resolved)"}));
  clock_.Advance(kHour);
  EXPECT_EQ(Sent().size(), 2u);  // A/1 unchanged: no repeat before repeat_interval
}

TEST_F(PipelineTest, ReloadKeepsStateAndDoesNotRepeat) {
  StartPipeline(kConfig);
  Put({A("1")});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  auto cfg = ParseConfig(R"(
route:
  receiver: team
  group_by: [alertname]
  group_wait: 10s
  group_interval: 2m
  repeat_interval: 1h
receivers:
- name: team
  webhook_configs:
  - url: http://127.0.0.1:1/hook
)");
  ASSERT_TRUE(pipeline_->Reload(cfg).ok());
  EXPECT_EQ(pipeline_->config(), cfg);
  Put({A("2")});
  clock_.Advance(10 * kMinute);
  EXPECT_EQ(Sent(),
            (std::vector<std::string>{"first notification: A/1", "new alerts added: A/1 A/2"}));
  // The new group_interval applies.
  auto times = Recorder("team").times();
  EXPECT_EQ(times[1], kT0 + 30 * kSecond);  // the rebuilt group flushed at once (alerts old)
}

TEST_F(PipelineTest, AlertGroupsAndReceiversForTheApi) {
  StartPipeline(R"(
route:
  receiver: team
  group_by: [alertname]
  group_wait: 30s
  routes:
  - matchers: [copy="yes"]
    receiver: other
    continue: true
  - matchers: [copy="yes"]
    receiver: team
receivers:
- name: team
  webhook_configs:
  - url: http://127.0.0.1:1/hook
- name: other
  webhook_configs:
  - url: http://127.0.0.1:1/hook
)");
  Put({Firing({{"alertname", "B"}, {"copy", "yes"}}, kT0, kT0 + kHour), A("1")});
  auto groups = pipeline_->AlertGroups({});
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].labels, (Labels{{"alertname", "A"}}));
  EXPECT_EQ(groups[1].labels, (Labels{{"alertname", "B"}}));
  EXPECT_EQ(groups[1].receiver, "other");
  EXPECT_EQ(groups[2].receiver, "team");
  EXPECT_EQ(groups[1].alerts[0].receivers, (std::vector<std::string>{"other", "team"}));
  GroupQuery only_team;
  only_team.receiver = "te.*";
  EXPECT_EQ(pipeline_->AlertGroups(only_team).size(), 2u);
  AlertQuery q;
  q.filter = {*MakeMatcher(MatchType::kEqual, "copy", "yes")};
  auto alerts = pipeline_->Alerts(q);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].receivers, (std::vector<std::string>{"other", "team"}));
  EXPECT_EQ(alerts[0].fingerprint.size(), 16u);
  auto receivers = pipeline_->Receivers();
  ASSERT_EQ(receivers.size(), 2u);
  EXPECT_EQ(receivers[0].name, "team");
}

}  // namespace
}  // namespace tocsin::alerting
