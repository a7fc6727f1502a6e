#include "engine/alerting/dispatcher.h"

namespace tocsin::alerting {

Dispatcher::Dispatcher(std::shared_ptr<const RouteTree> tree, TimestampMs start_at, Deps deps)
    : tree_(std::move(tree)), start_at_(start_at), deps_(std::move(deps)) {
  routes_.resize(static_cast<size_t>(tree_->root().index()) + 1);
  tree_->Walk([this](const Route& r) { routes_[static_cast<size_t>(r.index())] = &r; });
  groups_.resize(routes_.size());
}

Dispatcher::~Dispatcher() {
  Stop();
}

void Dispatcher::Start() {
  const TimestampMs now = deps_.scheduler->Now();
  std::unique_lock lock(mu_);
  if (state_ != State::kWaitingToStart) return;
  if (now >= start_at_) {
    lock.unlock();
    StartAll();
    return;
  }
  std::weak_ptr<Dispatcher> weak = weak_from_this();
  start_timer_ = deps_.scheduler->ScheduleAt(start_at_, [weak] {
    if (auto self = weak.lock()) self->StartAll();
  });
  start_timer_armed_ = true;
}

void Dispatcher::StartAll() {
  std::vector<std::shared_ptr<AggregationGroup>> groups;
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kWaitingToStart) return;
    state_ = State::kRunning;
    start_timer_armed_ = false;
    for (const auto& by_labels : groups_) {
      for (const auto& [fp, g] : by_labels) groups.push_back(g);
    }
  }
  for (const auto& g : groups) g->Run();
}

void Dispatcher::Stop() {
  std::vector<std::shared_ptr<AggregationGroup>> groups;
  {
    std::lock_guard lock(mu_);
    if (state_ == State::kStopped) return;
    state_ = State::kStopped;
    if (start_timer_armed_) deps_.scheduler->Cancel(start_timer_);
    start_timer_armed_ = false;
    for (auto& by_labels : groups_) {
      for (auto& [fp, g] : by_labels) groups.push_back(g);
    }
  }
  for (const auto& g : groups) g->Stop();
}

void Dispatcher::Ingest(std::span<const AlertPtr> alerts) {
  const TimestampMs now = deps_.scheduler->Now();
  std::vector<std::shared_ptr<AggregationGroup>> to_run;
  {
    std::lock_guard lock(mu_);
    if (state_ == State::kStopped) return;
    std::vector<const Route*> matched;
    for (const AlertPtr& alert : alerts) {
      matched.clear();
      tree_->root().Match(alert->labels, matched);
      for (const Route* route : matched) {
        // The group's label set is built only for a new group: a re-sent alert needs its hash.
        const uint64_t fp = route->GroupFingerprint(alert->labels);
        auto& slot = groups_[static_cast<size_t>(route->index())][fp];
        if (slot && slot->Insert(alert)) continue;
        Labels group_labels = route->GroupLabels(alert->labels);
        // A new group (or one that destroyed itself since).
        AggregationGroup::Deps gdeps;
        gdeps.scheduler = deps_.scheduler;
        gdeps.flush_executor = deps_.flush_executor;
        gdeps.flush = deps_.flush;
        std::weak_ptr<Dispatcher> weak = weak_from_this();
        gdeps.on_destroyed = [weak](AggregationGroup* g) {
          if (auto self = weak.lock()) self->OnGroupDestroyed(g);
        };
        slot = std::make_shared<AggregationGroup>(tree_, *route, std::move(group_labels), now,
                                                  std::move(gdeps));
        slot->Insert(alert);
        if (alert->starts_at + route->options().group_wait < now) slot->FlushImmediately(now);
        if (state_ == State::kRunning) to_run.push_back(slot);
      }
    }
  }
  // Outside the lock: with an inline executor, a group's first flush may run right here.
  for (const auto& g : to_run) g->Run();
}

void Dispatcher::OnGroupDestroyed(AggregationGroup* group) {
  {
    std::lock_guard lock(mu_);
    auto& by_labels = groups_[static_cast<size_t>(group->route().index())];
    auto it = by_labels.find(group->labels().fingerprint());
    if (it == by_labels.end() || it->second.get() != group) return;
    by_labels.erase(it);
  }
  if (deps_.on_group_destroyed) deps_.on_group_destroyed(*group);
}

std::vector<std::shared_ptr<AggregationGroup>> Dispatcher::Groups() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<AggregationGroup>> out;
  for (const auto& by_labels : groups_) {
    for (const auto& [fp, g] : by_labels) out.push_back(g);
  }
  return out;
}

size_t Dispatcher::group_count() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& by_labels : groups_) n += by_labels.size();
  return n;
}

}  // namespace tocsin::alerting
