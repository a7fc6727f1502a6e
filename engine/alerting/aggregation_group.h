// One aggregation group: the alerts one route groups under one set of group labels, and the
// timers that decide when they are notified (Alertmanager's dispatch.aggrGroup).
//
// Timing, exactly as upstream:
//   - the first flush comes group_wait after the group was created — at once if the alert that
//     created it started more than group_wait ago (it is old news, no point waiting);
//   - then a flush every group_interval, measured from the moment the previous timer fired;
//   - a flush still delivering when its successor is due delays that successor until it
//     finishes (flushes of one group never overlap), and the following one then comes
//     group_interval after that;
//   - after a successful flush, the resolved alerts it notified leave the group, unless they
//     changed meanwhile (fired again); a group left empty is destroyed, and a later alert for
//     the same labels starts a new group (with a new group_wait).
// A flush sees alerts as of its timer's time: an alert whose endsAt is not after that time is
// resolved.
//
// Thread-safe: alerts arrive from the ingesting thread, timers fire on the scheduler's thread,
// flushes run on the flush executor and complete on delivery threads.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "engine/alerting/fingerprint_map.h"
#include "engine/alerting/route_tree.h"
#include "engine/alerting/scheduler.h"
#include "engine/alerting/stage.h"

namespace tocsin::alerting {

class AggregationGroup;

// Runs the notification pipeline for a flush of `group` at `now` and calls `done(ok)` when it
// has completely finished (possibly on another thread, possibly before returning).
using FlushFunc = std::function<void(const AggregationGroup& group, TimestampMs now,
                                     StageAlerts alerts, std::function<void(bool ok)> done)>;

class AggregationGroup : public std::enable_shared_from_this<AggregationGroup> {
 public:
  struct Deps {
    Scheduler* scheduler = nullptr;
    Executor* flush_executor = nullptr;
    FlushFunc flush;
    // Called (without locks held) when the group destroys itself after its last alert left.
    std::function<void(AggregationGroup*)> on_destroyed;
  };

  // `tree` keeps `route` alive. The first flush is planned for `created_at` + group_wait; the
  // timer starts with Run().
  AggregationGroup(std::shared_ptr<const RouteTree> tree, const Route& route, Labels labels,
                   TimestampMs created_at, Deps deps);
  ~AggregationGroup();

  // Adds or replaces an alert; false when the group has been destroyed (use a new one).
  bool Insert(const AlertPtr& alert);
  // Plans the first flush for now (the alert that created the group is old).
  void FlushImmediately(TimestampMs now);
  // Starts the timer (once).
  void Run();
  // Cancels the timer; a flush in progress finishes on its own.
  void Stop();

  const Route& route() const { return *route_; }
  const Labels& labels() const { return labels_; }
  const std::string& group_key() const { return group_key_; }
  std::vector<AlertPtr> alerts() const;
  bool destroyed() const;
  // When the next flush is planned (for tests and the API); nullopt while not running.
  std::optional<TimestampMs> next_flush() const;

 private:
  void OnTimer();
  void StartFlush(TimestampMs now);
  void OnFlushDone(bool ok, const std::vector<AlertPtr>& notified_resolved);
  void ScheduleLocked(TimestampMs at);

  std::shared_ptr<const RouteTree> tree_;
  const Route* route_;
  Labels labels_;
  std::string group_key_;
  Deps deps_;

  mutable std::mutex mu_;
  FingerprintMap<AlertPtr> alerts_;
  TimestampMs next_flush_at_;
  Scheduler::TimerId timer_ = 0;
  bool timer_armed_ = false;
  bool running_ = false;
  bool stopped_ = false;
  bool destroyed_ = false;
  bool in_flight_ = false;
  std::optional<TimestampMs> deferred_tick_;
};

}  // namespace tocsin::alerting
