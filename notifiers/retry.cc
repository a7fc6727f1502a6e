#include "notifiers/retry.h"

#include <algorithm>
#include <random>

namespace tocsin::notifiers {
namespace {

double ThreadLocalUniform01() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

std::string Canceled(int attempts, const std::string& cause) {
  return "notify retry canceled after " + std::to_string(attempts) + " attempts: " + cause;
}

}  // namespace

ExponentialBackoff::ExponentialBackoff(BackoffPolicy policy, std::function<double()> uniform01)
    : policy_(policy),
      uniform01_(uniform01 ? std::move(uniform01) : &ThreadLocalUniform01),
      current_(policy.initial_interval) {}

DurationMs ExponentialBackoff::Next() {
  DurationMs next = current_;
  if (policy_.randomization_factor > 0) {
    double delta = policy_.randomization_factor * static_cast<double>(current_);
    double low = static_cast<double>(current_) - delta;
    double high = static_cast<double>(current_) + delta;
    // As cenkalti/backoff: the +1 gives both ends of the range a fair chance.
    next = static_cast<DurationMs>(low + uniform01_() * (high - low + 1));
  }
  if (static_cast<double>(current_) >=
      static_cast<double>(policy_.max_interval) / policy_.multiplier) {
    current_ = policy_.max_interval;
  } else {
    current_ = static_cast<DurationMs>(static_cast<double>(current_) * policy_.multiplier);
  }
  return next;
}

std::string_view DeliveryStatusString(DeliveryStatus status) {
  switch (status) {
    case DeliveryStatus::kDelivered:
      return "delivered";
    case DeliveryStatus::kSkipped:
      return "skipped";
    case DeliveryStatus::kFailed:
      return "failed";
    case DeliveryStatus::kDeadlineExceeded:
      return "deadline_exceeded";
    case DeliveryStatus::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

DeliveryOutcome Deliver(Notifier& notifier, const Notification& notification,
                        const RetryOptions& options) {
  Clock& clock = options.clock != nullptr ? *options.clock : SystemClock();
  DeliveryOutcome outcome;

  const Notification* to_send = &notification;
  Notification firing_only;
  if (!notifier.send_resolved()) {
    if (notification.num_firing() == 0) {
      outcome.status = DeliveryStatus::kSkipped;
      return outcome;
    }
    if (notification.num_resolved() > 0) {
      firing_only = WithoutResolved(notification);
      to_send = &firing_only;
    }
  }

  ExponentialBackoff backoff(options.backoff, options.uniform01);
  for (;;) {
    if (options.stop.stop_requested()) {
      outcome.status = DeliveryStatus::kCancelled;
      outcome.error =
          Canceled(outcome.attempts, outcome.last.ok() ? "context canceled" : outcome.last.error);
      return outcome;
    }
    int64_t start = clock.MonotonicMs();
    if (start >= options.deadline_ms) {
      outcome.status = DeliveryStatus::kDeadlineExceeded;
      outcome.error = Canceled(outcome.attempts, outcome.attempts == 0 ? "context deadline exceeded"
                                                                       : outcome.last.error);
      return outcome;
    }

    NotifyContext context;
    context.remaining = std::chrono::milliseconds(options.deadline_ms - start);
    context.stop = options.stop;
    context.now = clock.Now();
    DeliveryAttempt attempt;
    attempt.number = ++outcome.attempts;
    attempt.started = context.now;
    attempt.result = notifier.Notify(*to_send, context);
    int64_t end = clock.MonotonicMs();
    attempt.duration = end - start;
    outcome.last = attempt.result;

    auto report = [&] {
      if (options.observer != nullptr) options.observer->OnAttempt(attempt);
    };
    if (attempt.result.ok()) {
      report();
      outcome.status = DeliveryStatus::kDelivered;
      return outcome;
    }
    if (!attempt.result.retry) {
      report();
      outcome.status = DeliveryStatus::kFailed;
      outcome.error = "notify retry canceled due to unrecoverable error after " +
                      std::to_string(outcome.attempts) + " attempts: " + attempt.result.error;
      return outcome;
    }

    // The backoff runs from the start of the attempt, as Alertmanager's ticker does.
    int64_t next = start + backoff.Next();
    if (attempt.result.retry_after) next = std::max(next, end + *attempt.result.retry_after);
    if (next >= options.deadline_ms) {
      report();
      outcome.status = DeliveryStatus::kDeadlineExceeded;
      outcome.error = Canceled(outcome.attempts, attempt.result.error);
      return outcome;
    }
    attempt.next_delay = std::max<int64_t>(0, next - end);
    report();
    if (!clock.SleepUntil(next, options.stop)) {
      outcome.status = DeliveryStatus::kCancelled;
      outcome.error = Canceled(outcome.attempts, attempt.result.error);
      return outcome;
    }
  }
}

}  // namespace tocsin::notifiers
