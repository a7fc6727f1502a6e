#include "engine/alerting/retry_stage.h"

#include <algorithm>
#include <random>

namespace tocsin::alerting {
namespace {

double DefaultUniform01() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::string TargetName(const sqlite::NotifyTarget& t) {
  return t.receiver + "/" + t.integration + "[" + std::to_string(t.index) + "]";
}

PendingNotification WithoutResolved(const PendingNotification& n) {
  PendingNotification out = n;
  std::erase_if(out.alerts, [](const NotifiedAlert& a) { return a.resolved; });
  return out;
}

}  // namespace

Backoff::Backoff(BackoffPolicy policy, std::function<double()> uniform01)
    : policy_(policy),
      uniform01_(uniform01 ? std::move(uniform01) : DefaultUniform01),
      current_(static_cast<double>(policy.initial_interval)) {}

DurationMs Backoff::Next() {
  const double delta = policy_.randomization_factor * current_;
  const double lo = current_ - delta;
  const double hi = current_ + delta;
  const auto wait = static_cast<DurationMs>(lo + uniform01_() * (hi - lo + 1));
  const auto max = static_cast<double>(policy_.max_interval);
  current_ = current_ >= max / policy_.multiplier ? max : current_ * policy_.multiplier;
  return wait;
}

AttemptOutcome RetryStage::Attempt(Integration* integration, const sqlite::NotifyTarget& target,
                                   const PendingNotification& n, int attempt, Backoff& backoff,
                                   std::stop_token stop) const {
  AttemptOutcome out;
  sqlite::NotificationAttempt& rec = out.record;
  rec.target = target;
  rec.attempt = attempt;
  rec.reason = std::string(NotifyReasonString(n.reason));
  rec.alerts_firing = static_cast<int>(n.num_firing());
  rec.alerts_resolved = static_cast<int>(n.alerts.size() - n.num_firing());
  const TimestampMs start = now_();
  rec.at = start;

  if (integration == nullptr) {
    rec.status = sqlite::DeliveryStatus::kFailed;
    rec.error = "the configuration has no " + target.integration + "[" +
                std::to_string(target.index) + "] in receiver \"" + target.receiver + "\" any more";
    out.kind = AttemptOutcome::kGiveUp;
    out.final_error = TargetName(target) + ": " + rec.error;
    return out;
  }

  const PendingNotification* to_send = &n;
  PendingNotification firing_only;
  if (!integration->send_resolved()) {
    if (n.num_firing() == 0) {
      // Nothing to tell this receiver, but the log must learn that everything resolved.
      rec.status = sqlite::DeliveryStatus::kSkipped;
      out.kind = AttemptOutcome::kDelivered;
      return out;
    }
    firing_only = WithoutResolved(n);
    to_send = &firing_only;
  }

  AttemptContext ctx;
  ctx.now = start;
  ctx.remaining = std::max<DurationMs>(0, n.deadline - start);
  ctx.stop = stop;
  AttemptResult r = integration->Notify(*to_send, ctx);
  const TimestampMs end = now_();
  rec.duration = std::max<DurationMs>(0, end - start);
  rec.http_status = r.status_code;

  if (r.ok()) {
    rec.status = r.delivered_as;
    out.kind = AttemptOutcome::kDelivered;
    return out;
  }
  rec.error = r.error;
  if (!r.retry) {
    rec.status =
        r.refused ? sqlite::DeliveryStatus::kRefused : sqlite::DeliveryStatus::kPermanentFailure;
    out.kind = AttemptOutcome::kGiveUp;
    out.final_error = TargetName(target) +
                      ": notify retry canceled due to unrecoverable error after " +
                      std::to_string(attempt) + " attempts: " + r.error;
    return out;
  }
  // Spaced from the start of this attempt; an attempt that took longer retries at once.
  TimestampMs next = std::max(end, start + backoff.Next());
  if (r.retry_after) next = std::max(next, end + *r.retry_after);
  if (next > n.deadline || stop.stop_requested()) {
    rec.status = sqlite::DeliveryStatus::kFailed;
    out.kind = AttemptOutcome::kGiveUp;
    out.final_error = TargetName(target) + ": notify retry canceled after " +
                      std::to_string(attempt) + " attempts: " + r.error;
    return out;
  }
  rec.status = sqlite::DeliveryStatus::kRetrying;
  out.kind = AttemptOutcome::kRetry;
  out.retry_at = next;
  return out;
}

}  // namespace tocsin::alerting
