#include "notifiers/retry.h"

#include <gtest/gtest.h>

#include <deque>

#include "tests/support/manual_clock.h"

namespace tocsin::notifiers {
namespace {

using testing::ManualClock;

// The integration is outside the unit here: a scripted one stands in, and advances the clock by a
// fixed attempt duration so the schedule can be checked against start-to-start backoff.
class ScriptedNotifier final : public Notifier {
 public:
  ScriptedNotifier(ManualClock& clock, std::deque<NotifyResult> script, bool send_resolved = true)
      : clock_(clock), script_(std::move(script)), send_resolved_(send_resolved) {}

  std::string_view integration() const override { return "scripted"; }
  bool send_resolved() const override { return send_resolved_; }
  NotifyResult Notify(const Notification& n, const NotifyContext& context) override {
    seen.push_back(n);
    remaining.push_back(context.remaining.count());
    clock_.Advance(attempt_duration);
    if (script_.empty()) return fallback;
    NotifyResult r = script_.front();
    script_.pop_front();
    return r;
  }

  std::vector<Notification> seen;
  std::vector<int64_t> remaining;
  DurationMs attempt_duration = 0;
  NotifyResult fallback = NotifyResult::Failed(true, "unexpected status code 500", 500);

 private:
  ManualClock& clock_;
  std::deque<NotifyResult> script_;
  bool send_resolved_;
};

class RecordingObserver final : public AttemptObserver {
 public:
  void OnAttempt(const DeliveryAttempt& attempt) override { attempts.push_back(attempt); }
  std::vector<DeliveryAttempt> attempts;
};

Notification FiringNotification(size_t firing = 1, size_t resolved = 0) {
  constexpr TimestampMs kNow = 1714564800000;
  std::vector<AlertSnapshot> alerts;
  for (size_t i = 0; i < firing + resolved; ++i) {
    AlertSnapshot a;
    a.labels = Labels{{"alertname", "A"}, {"i", std::to_string(i)}};
    a.starts_at = kNow - 1000;
    a.ends_at = i < firing ? kZeroTime : kNow - 1;
    alerts.push_back(a);
  }
  return MakeNotification(NotificationGroup{}, alerts, kNow);
}

RetryOptions Options(ManualClock& clock, DurationMs deadline,
                     RecordingObserver* observer = nullptr) {
  RetryOptions o;
  o.clock = &clock;
  o.deadline_ms = clock.MonotonicMs() + deadline;
  o.uniform01 = [] { return 0.5; };  // lands on the middle of each jitter window
  o.observer = observer;
  return o;
}

TEST(ExponentialBackoffTest, FollowsCenkaltiDefaults) {
  BackoffPolicy no_jitter;
  no_jitter.randomization_factor = 0;
  ExponentialBackoff b(no_jitter);
  std::vector<DurationMs> got;
  for (int i = 0; i < 6; ++i) got.push_back(b.Next());
  EXPECT_EQ(got, (std::vector<DurationMs>{500, 750, 1125, 1687, 2530, 3795}));
  for (int i = 0; i < 20; ++i) b.Next();
  EXPECT_EQ(b.Next(), 60000);  // capped at max_interval
  EXPECT_EQ(b.current_interval(), 60000);
}

TEST(ExponentialBackoffTest, JitterSpansTheRandomizationWindow) {
  ExponentialBackoff low({}, [] { return 0.0; });
  EXPECT_EQ(low.Next(), 250);  // 500 - 50%
  ExponentialBackoff high({}, [] { return 0.999999; });
  EXPECT_EQ(high.Next(), 750);  // 500 + 50%
  ExponentialBackoff mid({}, [] { return 0.5; });
  EXPECT_EQ(mid.Next(), 500);
  EXPECT_EQ(mid.Next(), 750);
  // The default source stays inside the window.
  ExponentialBackoff random;
  for (int i = 0; i < 100; ++i) {
    DurationMs interval = random.current_interval();
    DurationMs d = random.Next();
    EXPECT_GE(d, interval / 2);
    EXPECT_LE(d, interval + interval / 2 + 1);
  }
}

TEST(DeliverTest, FirstAttemptSucceeds) {
  ManualClock clock;
  RecordingObserver observer;
  ScriptedNotifier notifier(clock, {NotifyResult::Delivered(200)});
  DeliveryOutcome out = Deliver(notifier, FiringNotification(), Options(clock, 300000, &observer));
  EXPECT_EQ(out.status, DeliveryStatus::kDelivered);
  EXPECT_TRUE(out.ok());
  EXPECT_EQ(out.attempts, 1);
  EXPECT_TRUE(out.error.empty());
  ASSERT_EQ(observer.attempts.size(), 1u);
  EXPECT_EQ(observer.attempts[0].number, 1);
  EXPECT_EQ(observer.attempts[0].started, 1714564800000);
  EXPECT_EQ(observer.attempts[0].result.status_code, 200);
  EXPECT_FALSE(observer.attempts[0].next_delay.has_value());
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_EQ(notifier.remaining, (std::vector<int64_t>{300000}));
}

TEST(DeliverTest, RetriesServerErrorsWithBackoffFromAttemptStart) {
  ManualClock clock;
  RecordingObserver observer;
  ScriptedNotifier notifier(clock, {NotifyResult::Failed(true, "unexpected status code 500", 500),
                                    NotifyResult::Failed(true, "unexpected status code 502", 502),
                                    NotifyResult::Delivered(200)});
  notifier.attempt_duration = 100;
  DeliveryOutcome out = Deliver(notifier, FiringNotification(), Options(clock, 300000, &observer));
  EXPECT_EQ(out.status, DeliveryStatus::kDelivered);
  EXPECT_EQ(out.attempts, 3);
  // Backoffs 500 then 750, counted from each attempt's start; each attempt took 100ms.
  EXPECT_EQ(clock.sleeps(), (std::vector<DurationMs>{400, 650}));
  ASSERT_EQ(observer.attempts.size(), 3u);
  EXPECT_EQ(observer.attempts[0].next_delay, 400);
  EXPECT_EQ(observer.attempts[0].duration, 100);
  EXPECT_EQ(observer.attempts[1].result.status_code, 502);
  EXPECT_EQ(observer.attempts[1].started, 1714564800000 + 500);
  EXPECT_EQ(observer.attempts[2].started, 1714564800000 + 1250);
  EXPECT_EQ(notifier.remaining, (std::vector<int64_t>{300000, 299500, 298750}));
}

TEST(DeliverTest, PermanentErrorStopsAtOnce) {
  ManualClock clock;
  RecordingObserver observer;
  ScriptedNotifier notifier(clock,
                            {NotifyResult::Failed(false, "unexpected status code 400: bad", 400)});
  DeliveryOutcome out = Deliver(notifier, FiringNotification(), Options(clock, 300000, &observer));
  EXPECT_EQ(out.status, DeliveryStatus::kFailed);
  EXPECT_EQ(out.attempts, 1);
  EXPECT_EQ(out.error,
            "notify retry canceled due to unrecoverable error after 1 attempts: unexpected status "
            "code 400: bad");
  EXPECT_EQ(observer.attempts.size(), 1u);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(DeliverTest, RetriesUntilTheDeadlineThenGivesUp) {
  ManualClock clock;
  RecordingObserver observer;
  ScriptedNotifier notifier(clock, {});
  RetryOptions options = Options(clock, 10000, &observer);
  options.backoff.randomization_factor = 0;
  DeliveryOutcome out = Deliver(notifier, FiringNotification(), options);
  // Attempts at 0, 500, 1250, 2375, 4062, 6592; the next (10387) would pass the 10s deadline.
  EXPECT_EQ(out.status, DeliveryStatus::kDeadlineExceeded);
  EXPECT_EQ(out.attempts, 6);
  EXPECT_EQ(out.error, "notify retry canceled after 6 attempts: unexpected status code 500");
  EXPECT_EQ(clock.sleeps(), (std::vector<DurationMs>{500, 750, 1125, 1687, 2530}));
  ASSERT_EQ(observer.attempts.size(), 6u);
  EXPECT_FALSE(observer.attempts.back().next_delay.has_value());
  EXPECT_LT(clock.MonotonicMs(), 10000);
}

TEST(DeliverTest, HonoursRetryAfterLongerThanTheBackoff) {
  ManualClock clock;
  NotifyResult limited = NotifyResult::Failed(true, "unexpected status code 429", 429);
  limited.retry_after = 7000;
  NotifyResult brief = NotifyResult::Failed(true, "unexpected status code 503", 503);
  brief.retry_after = 10;  // shorter than the backoff: the backoff wins
  ScriptedNotifier notifier(clock, {limited, brief, NotifyResult::Delivered(200)});
  DeliveryOutcome out = Deliver(notifier, FiringNotification(), Options(clock, 300000));
  EXPECT_EQ(out.status, DeliveryStatus::kDelivered);
  EXPECT_EQ(clock.sleeps(), (std::vector<DurationMs>{7000, 750}));
}

TEST(DeliverTest, RetryAfterBeyondTheDeadlineGivesUpWithoutWaiting) {
  ManualClock clock;
  NotifyResult limited = NotifyResult::Failed(true, "unexpected status code 429", 429);
  limited.retry_after = 600000;
  ScriptedNotifier notifier(clock, {limited});
  DeliveryOutcome out = Deliver(notifier, FiringNotification(), Options(clock, 300000));
  EXPECT_EQ(out.status, DeliveryStatus::kDeadlineExceeded);
  EXPECT_EQ(out.attempts, 1);
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_EQ(out.last.status_code, 429);
}

TEST(DeliverTest, DeadlineAlreadyPassedMakesNoAttempt) {
  ManualClock clock;
  ScriptedNotifier notifier(clock, {NotifyResult::Delivered()});
  RetryOptions options = Options(clock, 0);
  DeliveryOutcome out = Deliver(notifier, FiringNotification(), options);
  EXPECT_EQ(out.status, DeliveryStatus::kDeadlineExceeded);
  EXPECT_EQ(out.attempts, 0);
  EXPECT_EQ(out.error, "notify retry canceled after 0 attempts: context deadline exceeded");
  EXPECT_TRUE(notifier.seen.empty());
}

TEST(DeliverTest, SendResolvedOffSkipsAllResolvedAndDropsResolvedAlerts) {
  ManualClock clock;
  ScriptedNotifier quiet(clock, {NotifyResult::Delivered()}, /*send_resolved=*/false);
  DeliveryOutcome skipped = Deliver(quiet, FiringNotification(0, 2), Options(clock, 300000));
  EXPECT_EQ(skipped.status, DeliveryStatus::kSkipped);
  EXPECT_TRUE(skipped.ok());
  EXPECT_EQ(skipped.attempts, 0);
  EXPECT_TRUE(quiet.seen.empty());

  DeliveryOutcome mixed = Deliver(quiet, FiringNotification(1, 2), Options(clock, 300000));
  EXPECT_EQ(mixed.status, DeliveryStatus::kDelivered);
  ASSERT_EQ(quiet.seen.size(), 1u);
  EXPECT_EQ(quiet.seen[0].alerts.size(), 1u);
  EXPECT_EQ(quiet.seen[0].num_resolved(), 0u);

  ScriptedNotifier loud(clock, {NotifyResult::Delivered()}, /*send_resolved=*/true);
  Deliver(loud, FiringNotification(1, 2), Options(clock, 300000));
  ASSERT_EQ(loud.seen.size(), 1u);
  EXPECT_EQ(loud.seen[0].alerts.size(), 3u);
}

TEST(DeliverTest, StopRequestCancels) {
  ManualClock clock;
  ScriptedNotifier notifier(clock, {});
  std::stop_source stop;
  RetryOptions options = Options(clock, 300000);
  options.stop = stop.get_token();
  stop.request_stop();
  DeliveryOutcome out = Deliver(notifier, FiringNotification(), options);
  EXPECT_EQ(out.status, DeliveryStatus::kCancelled);
  EXPECT_TRUE(notifier.seen.empty());
}

TEST(DeliverTest, RealClockSleepIsInterruptedByStop) {
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.request_stop();
  });
  Clock& clock = SystemClock();
  int64_t start = clock.MonotonicMs();
  EXPECT_FALSE(clock.SleepUntil(start + 60000, stop.get_token()));
  EXPECT_LT(clock.MonotonicMs() - start, 30000);
  stopper.join();
  EXPECT_TRUE(clock.SleepUntil(clock.MonotonicMs() + 1, std::stop_token()));
}

}  // namespace
}  // namespace tocsin::notifiers
