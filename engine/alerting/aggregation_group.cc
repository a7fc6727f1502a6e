#include "engine/alerting/aggregation_group.h"

#include <algorithm>

namespace tocsin::alerting {

AggregationGroup::AggregationGroup(std::shared_ptr<const RouteTree> tree, const Route& route,
                                   Labels labels, TimestampMs created_at, Deps deps)
    : tree_(std::move(tree)),
      route_(&route),
      labels_(std::move(labels)),
      group_key_(route.GroupKey(labels_)),
      deps_(std::move(deps)),
      next_flush_at_(created_at + route.options().group_wait) {}

AggregationGroup::~AggregationGroup() = default;

bool AggregationGroup::Insert(const AlertPtr& alert) {
  std::lock_guard lock(mu_);
  if (destroyed_) return false;
  alerts_[alert->fingerprint()] = alert;
  return true;
}

void AggregationGroup::FlushImmediately(TimestampMs now) {
  std::lock_guard lock(mu_);
  next_flush_at_ = now;
  if (timer_armed_) ScheduleLocked(now);
}

void AggregationGroup::Run() {
  std::lock_guard lock(mu_);
  if (running_ || stopped_ || destroyed_) return;
  running_ = true;
  ScheduleLocked(next_flush_at_);
}

void AggregationGroup::Stop() {
  std::lock_guard lock(mu_);
  stopped_ = true;
  if (timer_armed_) deps_.scheduler->Cancel(timer_);
  timer_armed_ = false;
}

void AggregationGroup::ScheduleLocked(TimestampMs at) {
  if (timer_armed_) deps_.scheduler->Cancel(timer_);
  next_flush_at_ = at;
  std::weak_ptr<AggregationGroup> weak = weak_from_this();
  timer_ = deps_.scheduler->ScheduleAt(at, [weak] {
    if (auto self = weak.lock()) self->OnTimer();
  });
  timer_armed_ = true;
}

void AggregationGroup::OnTimer() {
  const TimestampMs tick = deps_.scheduler->Now();
  {
    std::lock_guard lock(mu_);
    timer_armed_ = false;
    if (stopped_ || destroyed_) return;
    if (in_flight_) {
      // The previous flush is still delivering: this one waits for it.
      deferred_tick_ = tick;
      return;
    }
    in_flight_ = true;
    ScheduleLocked(tick + route_->options().group_interval);
  }
  auto self = shared_from_this();
  deps_.flush_executor->Run([self, tick] { self->StartFlush(tick); });
}

void AggregationGroup::StartFlush(TimestampMs now) {
  StageAlerts alerts;
  std::vector<AlertPtr> resolved;
  {
    std::lock_guard lock(mu_);
    alerts.reserve(alerts_.size());
    for (const auto& [fp, a] : alerts_) {
      const bool is_resolved = a->ResolvedAt(now);
      if (is_resolved) resolved.push_back(a);
      alerts.push_back(StageAlert{a, is_resolved, false});
    }
  }
  if (alerts.empty()) {
    OnFlushDone(true, {});
    return;
  }
  std::stable_sort(alerts.begin(), alerts.end(), [](const StageAlert& x, const StageAlert& y) {
    return AlertOrderLess(*x.alert, *y.alert);
  });
  auto self = shared_from_this();
  deps_.flush(*this, now, std::move(alerts),
              [self, resolved = std::move(resolved)](bool ok) { self->OnFlushDone(ok, resolved); });
}

void AggregationGroup::OnFlushDone(bool ok, const std::vector<AlertPtr>& notified_resolved) {
  std::optional<TimestampMs> deferred;
  bool destroyed_now = false;
  {
    std::lock_guard lock(mu_);
    in_flight_ = false;
    if (ok) {
      // Forget the resolved alerts just notified — unless a newer copy arrived meanwhile (the
      // alert fired again), which must stay.
      for (const AlertPtr& a : notified_resolved) {
        auto it = alerts_.find(a->fingerprint());
        if (it != alerts_.end() && it->second->updated_at == a->updated_at) alerts_.erase(it);
      }
      if (alerts_.empty() && !destroyed_) {
        destroyed_ = true;
        destroyed_now = true;
        if (timer_armed_) deps_.scheduler->Cancel(timer_);
        timer_armed_ = false;
      }
    }
    if (!destroyed_ && !stopped_ && deferred_tick_) {
      deferred = deferred_tick_;
      deferred_tick_.reset();
      in_flight_ = true;
      ScheduleLocked(deps_.scheduler->Now() + route_->options().group_interval);
    }
  }
  if (destroyed_now && deps_.on_destroyed) deps_.on_destroyed(this);
  if (deferred) {
    auto self = shared_from_this();
    const TimestampMs tick = *deferred;
    deps_.flush_executor->Run([self, tick] { self->StartFlush(tick); });
  }
}

std::vector<AlertPtr> AggregationGroup::alerts() const {
  std::lock_guard lock(mu_);
  std::vector<AlertPtr> out;
  out.reserve(alerts_.size());
  for (const auto& [fp, a] : alerts_) out.push_back(a);
  return out;
}

bool AggregationGroup::destroyed() const {
  std::lock_guard lock(mu_);
  return destroyed_;
}

std::optional<TimestampMs> AggregationGroup::next_flush() const {
  std::lock_guard lock(mu_);
  if (!timer_armed_) return std::nullopt;
  return next_flush_at_;
}

}  // namespace tocsin::alerting
