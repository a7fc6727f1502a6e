// The stages one by one: dedup's decision table (Alertmanager's needsUpdate), the mute and
// time stages, resolve-on-mute, the retry policy, and the notification log and outbox payload
// they share.
#include <gtest/gtest.h>

#include "engine/alerting/config_loader.h"
#include "engine/alerting/dedup_stage.h"
#include "engine/alerting/mute_stage.h"
#include "engine/alerting/notification_log.h"
#include "engine/alerting/pending_notification.h"
#include "engine/alerting/resolve_muted_stage.h"
#include "engine/alerting/retry_stage.h"
#include "engine/alerting/time_stages.h"

namespace tocsin::alerting {
namespace {

constexpr TimestampMs kNow = 1714564800000;  // 2024-05-01T12:00:00Z, a Wednesday

NflogEntry Entry(std::vector<uint64_t> firing, std::vector<uint64_t> resolved,
                 TimestampMs at = kNow - kMinute) {
  NflogEntry e;
  e.target = {"{}:{}", "r", "webhook", 0};
  e.timestamp = at;
  e.firing = std::move(firing);
  e.resolved = std::move(resolved);
  e.expires_at = kNow + kHour;
  return e;
}

TEST(DedupTest, NeedsUpdateTable) {
  using R = NotifyReason;
  const DurationMs repeat = kHour;
  struct Case {
    const char* what;
    std::optional<NflogEntry> last;
    std::unordered_set<uint64_t> firing, resolved;
    bool send_resolved;
    R want;
  } cases[] = {
      {"nothing logged, something fires", std::nullopt, {1}, {}, true, R::kFirstNotification},
      {"nothing logged, only resolved", std::nullopt, {}, {1}, true, R::kDoNotNotify},
      {"a new alert fires", Entry({1}, {}), {1, 2}, {}, true, R::kNewAlertsInGroup},
      {"fires again after a resolution", Entry({}, {1}), {1}, {}, true, R::kFirstNotification},
      {"same firing set", Entry({1, 2}, {}), {1, 2}, {}, true, R::kDoNotNotify},
      {"fewer firing, one resolved", Entry({1, 2}, {}), {2}, {1}, true, R::kNewResolvedAlerts},
      {"fewer firing, send_resolved off", Entry({1, 2}, {}), {2}, {1}, false, R::kDoNotNotify},
      {"all resolved", Entry({1}, {}), {}, {1}, true, R::kAllAlertsResolved},
      {"all resolved, send_resolved off", Entry({1}, {}), {}, {1}, false, R::kAllAlertsResolved},
      {"resolved unseen alerts", Entry({}, {1}), {}, {2}, true, R::kDoNotNotify},
      {"resolution already sent", Entry({2}, {1}), {2}, {1}, true, R::kDoNotNotify},
      {"repeat due", Entry({1}, {}, kNow - kHour - 1), {1}, {}, true, R::kRepeatIntervalElapsed},
      {"repeat exactly at the interval", Entry({1}, {}, kNow - kHour), {1}, {}, true,
       R::kDoNotNotify},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NeedsUpdate(c.last, c.firing, c.resolved, c.send_resolved, repeat, kNow), c.want)
        << c.what;
  }
}

AlertPtr MakeAlertPtr(Labels labels, TimestampMs ends = kNow + kHour) {
  auto a = std::make_shared<Alert>();
  a->labels = std::move(labels);
  a->starts_at = kNow - kHour;
  a->ends_at = ends;
  return a;
}

NotifyContext Ctx() {
  NotifyContext ctx;
  ctx.now = kNow;
  ctx.group_key = "{}:{}";
  ctx.receiver = "r";
  ctx.route_id = "{}";
  ctx.repeat_interval = 4 * kHour;
  ctx.target = {"{}:{}", "r", "webhook", 0};
  return ctx;
}

TEST(DedupTest, StageSetsReasonAndHashes) {
  NotificationLog log;
  DedupStage stage(log);
  auto a = MakeAlertPtr({{"a", "1"}});
  auto b = MakeAlertPtr({{"a", "2"}}, kNow - 1);
  StageAlerts alerts = {{a, false, false}, {b, true, false}};
  NotifyContext ctx = Ctx();
  ASSERT_TRUE(stage.Exec(ctx, alerts).ok());
  EXPECT_EQ(ctx.reason, NotifyReason::kFirstNotification);
  EXPECT_EQ(ctx.firing, (std::vector<uint64_t>{a->fingerprint()}));
  EXPECT_EQ(ctx.resolved, (std::vector<uint64_t>{b->fingerprint()}));
  EXPECT_EQ(alerts.size(), 2u);
  // Logged as sent: the same flush again lets nothing through.
  NflogEntry e = Entry({a->fingerprint()}, {b->fingerprint()});
  e.target = ctx.target;
  log.Log(e);
  ctx = Ctx();
  ASSERT_TRUE(stage.Exec(ctx, alerts).ok());
  EXPECT_TRUE(alerts.empty());
  // A notification for the target still in the outbox (after a restart) holds the decision.
  log.SetPending(ctx.target, true);
  StageAlerts again = {{a, false, false}};
  EXPECT_FALSE(stage.Exec(ctx, again).ok());
  EXPECT_TRUE(again.empty());
}

TEST(MuteStageTest, DropsMutedOrKeepsThemForResolveOnMute) {
  auto muted = MakeAlertPtr({{"m", "1"}});
  auto free = MakeAlertPtr({{"m", "0"}});
  MuteStage stage("silence", [](const Labels& l, TimestampMs) { return l.get("m") == "1"; });
  StageAlerts alerts = {{muted, false, false}, {free, false, false}};
  NotifyContext ctx = Ctx();
  ASSERT_TRUE(stage.Exec(ctx, alerts).ok());
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].alert, free);
  ctx.notify_resolved_on_mute = true;
  alerts = {{muted, false, false}, {free, false, false}};
  ASSERT_TRUE(stage.Exec(ctx, alerts).ok());
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_TRUE(alerts[0].muted);
  EXPECT_FALSE(alerts[1].muted);
}

TEST(ResolveMutedStageTest, OnlyAlertsTheReceiverKnewAsFiring) {
  NotificationLog log;
  auto known = MakeAlertPtr({{"a", "known"}});
  auto unknown = MakeAlertPtr({{"a", "unknown"}});
  NotifyContext ctx = Ctx();
  NflogEntry e = Entry({known->fingerprint()}, {});
  e.target = ctx.target;
  log.Log(e);
  ResolveMutedStage stage(log);
  StageAlerts alerts = {{known, false, true}, {unknown, false, true}};
  ASSERT_TRUE(stage.Exec(ctx, alerts).ok());
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_TRUE(alerts[0].resolved);
  EXPECT_FALSE(alerts[0].muted);
  EXPECT_EQ(alerts[0].alert->ends_at, kNow);  // ended by the mute
  EXPECT_EQ(known->ends_at, kNow + kHour);    // the stored alert is untouched
}

class TimeStagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cfg = LoadConfig(R"(
route:
  receiver: r
receivers:
- name: r
time_intervals:
- name: business
  time_intervals:
  - weekdays: [monday:friday]
    times:
    - start_time: '09:00'
      end_time: '17:00'
- name: weekend
  time_intervals:
  - weekdays: [saturday, sunday]
)",
                          "t.yml");
    ASSERT_TRUE(cfg.ok()) << cfg.message();
    config_ = std::make_shared<const Config>(std::move(*cfg));
  }
  std::shared_ptr<const Config> config_;
  GroupMarker marker_;
};

TEST_F(TimeStagesTest, MuteInsideActiveOutside) {
  auto a = MakeAlertPtr({{"a", "1"}});
  TimeMuteStage mute(config_, marker_);
  TimeActiveStage active(config_, marker_);
  NotifyContext ctx = Ctx();  // Wednesday 12:00 UTC
  ctx.mute_time_intervals = {"weekend", "business"};
  StageAlerts alerts = {{a, false, false}};
  ASSERT_TRUE(mute.Exec(ctx, alerts).ok());
  EXPECT_TRUE(alerts.empty());
  EXPECT_EQ(marker_.MutedBy(ctx.route_id, ctx.group_key), (std::vector<std::string>{"business"}));

  ctx.mute_time_intervals = {"weekend"};
  alerts = {{a, false, false}};
  ASSERT_TRUE(mute.Exec(ctx, alerts).ok());
  EXPECT_EQ(alerts.size(), 1u);
  EXPECT_TRUE(marker_.MutedBy(ctx.route_id, ctx.group_key).empty());

  ctx.active_time_intervals = {"weekend"};
  ASSERT_TRUE(active.Exec(ctx, alerts).ok());
  EXPECT_TRUE(alerts.empty());  // outside every active interval: muted by all of them
  EXPECT_EQ(marker_.MutedBy(ctx.route_id, ctx.group_key), (std::vector<std::string>{"weekend"}));

  ctx.active_time_intervals = {"weekend", "business"};
  alerts = {{a, false, false}};
  ASSERT_TRUE(active.Exec(ctx, alerts).ok());
  EXPECT_EQ(alerts.size(), 1u);

  ctx.now = kNow + 6 * kHour;  // 18:00: after business hours
  ctx.active_time_intervals = {"business"};
  ASSERT_TRUE(active.Exec(ctx, alerts).ok());
  EXPECT_TRUE(alerts.empty());

  ctx.mute_time_intervals = {"nope"};
  alerts = {{a, false, false}};
  EXPECT_EQ(mute.Exec(ctx, alerts).message(), "time interval nope doesn't exist in config");
}

TEST(RetryStageTest, BackoffFollowsCenkaltiDefaults) {
  Backoff b(BackoffPolicy{}, [] { return 0.0; });  // the low end of each jitter range
  std::vector<DurationMs> waits;
  for (int i = 0; i < 12; ++i) waits.push_back(b.Next());
  EXPECT_EQ(waits, (std::vector<DurationMs>{250, 375, 562, 843, 1265, 1898, 2847, 4271, 6407,
                                            9610, 14416, 21624}));
  Backoff capped(BackoffPolicy{}, [] { return 0.999; });
  DurationMs last = 0;
  for (int i = 0; i < 30; ++i) last = capped.Next();
  EXPECT_LE(last, 90 * kSecond);  // 60s + 50% jitter at most
  EXPECT_GE(last, 89 * kSecond);
}

class ScriptedIntegration final : public Integration {
 public:
  ScriptedIntegration(bool send_resolved, AttemptResult result)
      : send_resolved_(send_resolved), result_(std::move(result)) {}
  std::string_view name() const override { return "webhook"; }
  bool send_resolved() const override { return send_resolved_; }
  AttemptResult Notify(const PendingNotification& n, const AttemptContext& ctx) override {
    seen.push_back(n);
    remaining.push_back(ctx.remaining);
    return result_;
  }
  std::vector<PendingNotification> seen;
  std::vector<DurationMs> remaining;

 private:
  bool send_resolved_;
  AttemptResult result_;
};

PendingNotification Pending(int firing, int resolved) {
  PendingNotification n;
  n.receiver = "r";
  n.group_key = "{}:{}";
  n.reason = NotifyReason::kNewAlertsInGroup;
  n.created_at = kNow;
  n.deadline = kNow + 5 * kMinute;
  for (int i = 0; i < firing + resolved; ++i) {
    NotifiedAlert a;
    a.labels = {{"i", std::to_string(i)}};
    a.resolved = i >= firing;
    n.alerts.push_back(a);
  }
  return n;
}

TEST(RetryStageTest, OutcomesAndRecords) {
  TimestampMs now = kNow;
  RetryStage retry([&] { return now; }, BackoffPolicy{}, [] { return 0.5; });
  const sqlite::NotifyTarget target{"{}:{}", "r", "webhook", 0};
  Backoff backoff = retry.NewBackoff();

  ScriptedIntegration ok(true, AttemptResult{});
  AttemptOutcome out = retry.Attempt(&ok, target, Pending(2, 1), 1, backoff);
  EXPECT_EQ(out.kind, AttemptOutcome::kDelivered);
  EXPECT_EQ(out.record.status, sqlite::DeliveryStatus::kSuccess);
  EXPECT_EQ(out.record.alerts_firing, 2);
  EXPECT_EQ(out.record.alerts_resolved, 1);
  EXPECT_EQ(out.record.reason, "new alerts added");
  EXPECT_EQ(ok.remaining[0], 5 * kMinute);

  // send_resolved off: resolved alerts are not sent; nothing firing is not sent at all.
  ScriptedIntegration no_resolved(false, AttemptResult{});
  out = retry.Attempt(&no_resolved, target, Pending(1, 2), 1, backoff);
  ASSERT_EQ(no_resolved.seen.size(), 1u);
  EXPECT_EQ(no_resolved.seen[0].alerts.size(), 1u);
  out = retry.Attempt(&no_resolved, target, Pending(0, 2), 1, backoff);
  EXPECT_EQ(out.kind, AttemptOutcome::kDelivered);
  EXPECT_EQ(out.record.status, sqlite::DeliveryStatus::kSkipped);
  EXPECT_EQ(no_resolved.seen.size(), 1u);

  AttemptResult server_error;
  server_error.error = "unexpected status code 503";
  server_error.retry = true;
  server_error.status_code = 503;
  ScriptedIntegration flaky(true, server_error);
  out = retry.Attempt(&flaky, target, Pending(1, 0), 3, backoff);
  EXPECT_EQ(out.kind, AttemptOutcome::kRetry);
  EXPECT_EQ(out.retry_at, kNow + 500);
  EXPECT_EQ(out.record.status, sqlite::DeliveryStatus::kRetrying);
  EXPECT_EQ(out.record.http_status, 503);
  // Past the deadline: given up, with Alertmanager's wording.
  now = kNow + 5 * kMinute;
  out = retry.Attempt(&flaky, target, Pending(1, 0), 4, backoff);
  EXPECT_EQ(out.kind, AttemptOutcome::kGiveUp);
  EXPECT_EQ(out.record.status, sqlite::DeliveryStatus::kFailed);
  EXPECT_EQ(out.final_error,
            "r/webhook[0]: notify retry canceled after 4 attempts: unexpected status code 503");

  AttemptResult bad_request;
  bad_request.error = "unexpected status code 400";
  ScriptedIntegration permanent(true, bad_request);
  now = kNow;
  out = retry.Attempt(&permanent, target, Pending(1, 0), 1, backoff);
  EXPECT_EQ(out.kind, AttemptOutcome::kGiveUp);
  EXPECT_EQ(out.record.status, sqlite::DeliveryStatus::kPermanentFailure);
  EXPECT_EQ(out.final_error,
            "r/webhook[0]: notify retry canceled due to unrecoverable error after 1 attempts: "
            "unexpected status code 400");

  // The configuration lost the integration since the notification was queued.
  out = retry.Attempt(nullptr, target, Pending(1, 0), 1, backoff);
  EXPECT_EQ(out.kind, AttemptOutcome::kGiveUp);
  EXPECT_EQ(out.record.error, "the configuration has no webhook[0] in receiver \"r\" any more");
}

TEST(PendingNotificationTest, RoundTripsThroughTheOutboxPayload) {
  PendingNotification n = Pending(2, 1);
  n.group_labels = {{"alertname", "X"}};
  n.route_labels = {{"team", "db"}};
  n.group_interval = 5 * kMinute;
  n.repeat_interval = 4 * kHour;
  n.alerts[0].annotations = {{"empty", ""}, {"summary", "s \"quoted\" \n"}};
  n.alerts[0].generator_url = "http://x/?a=1&b=2";
  n.alerts[0].starts_at = kNow - kHour;
  n.alerts[2].ends_at = kNow;
  auto back = DecodePending(EncodePending(n));
  ASSERT_TRUE(back.ok()) << back.message();
  EXPECT_EQ(*back, n);
  EXPECT_FALSE(DecodePending("{").ok());
  EXPECT_FALSE(DecodePending(R"({"version":2})").ok());
}

TEST(NotificationLogTest, NewerWinsGcAndPending) {
  NotificationLog log;
  NflogEntry newer = Entry({1}, {}, kNow);
  log.Log(newer);
  log.Log(Entry({2}, {}, kNow - kMinute));  // older: ignored
  EXPECT_EQ(log.Query(newer.target)->firing, (std::vector<uint64_t>{1}));
  EXPECT_EQ(log.GC(kNow + kHour - 1), 0u);
  EXPECT_EQ(log.GC(kNow + kHour), 1u);
  EXPECT_FALSE(log.Query(newer.target));
  EXPECT_FALSE(log.IsPending(newer.target));
  log.SetPending(newer.target, true);
  EXPECT_TRUE(log.IsPending(newer.target));
  log.SetPending(newer.target, false);
  EXPECT_FALSE(log.IsPending(newer.target));
}

}  // namespace
}  // namespace tocsin::alerting
