// The dispatcher: sorts alerts into aggregation groups along the route tree (Alertmanager's
// dispatch.Dispatcher). Each route an alert matches puts it in the group for that route and the
// alert's values of the route's group_by labels (every label under `...`), creating the group
// on first use.
//
// `--dispatch.start-delay`: until `start_at`, groups collect alerts but do not flush; then all
// of them start, those whose group_wait has passed at once. This gives alert sources time to
// re-send what they have after a restart before anything is notified.
//
// A configuration reload builds a new dispatcher and feeds it every alert in the store, as
// Alertmanager does; the notification log keeps that from repeating notifications.
#pragma once

#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "engine/alerting/aggregation_group.h"
#include "engine/alerting/fingerprint_map.h"
#include "engine/alerting/route_tree.h"
#include "engine/alerting/scheduler.h"

namespace tocsin::alerting {

// Create with std::make_shared: groups and timers hold weak references to it.
class Dispatcher : public std::enable_shared_from_this<Dispatcher> {
 public:
  struct Deps {
    Scheduler* scheduler = nullptr;
    Executor* flush_executor = nullptr;
    FlushFunc flush;
    // A group destroyed itself (its alerts were all resolved and notified).
    std::function<void(const AggregationGroup&)> on_group_destroyed;
  };

  Dispatcher(std::shared_ptr<const RouteTree> tree, TimestampMs start_at, Deps deps);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Starts flushing at start_at (now, if that has passed).
  void Start();
  // Cancels every group's timer; later Ingest calls are ignored.
  void Stop();

  void Ingest(std::span<const AlertPtr> alerts);

  const RouteTree& tree() const { return *tree_; }
  std::shared_ptr<const RouteTree> shared_tree() const { return tree_; }
  // Every live group (for the API), in no particular order.
  std::vector<std::shared_ptr<AggregationGroup>> Groups() const;
  size_t group_count() const;

 private:
  enum class State { kWaitingToStart, kRunning, kStopped };
  void StartAll();
  void OnGroupDestroyed(AggregationGroup* group);

  std::shared_ptr<const RouteTree> tree_;
  std::vector<const Route*> routes_;  // by Route::index()
  TimestampMs start_at_;
  Deps deps_;

  mutable std::mutex mu_;
  State state_ = State::kWaitingToStart;
  Scheduler::TimerId start_timer_ = 0;
  bool start_timer_armed_ = false;
  // Route index -> group labels fingerprint -> group.
  std::vector<FingerprintMap<std::shared_ptr<AggregationGroup>>> groups_;
};

}  // namespace tocsin::alerting
