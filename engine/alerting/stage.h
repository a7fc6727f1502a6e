// The notification pipeline, shaped like Alertmanager's notify package: a flush of one
// aggregation group runs through small stages behind a one-method interface, one file per
// stage:
//
//   MuteStage(inhibitor) -> TimeActiveStage -> TimeMuteStage -> MuteStage(silences)
//     -> FanoutStage: per integration of the receiver
//          [ResolveMutedStage] -> DedupStage -> OutboxStage
//
// Each stage filters the alert list in place and may add to the context for the stages after
// it; a stage that leaves no alerts ends the flush there (nothing to notify is success). The
// flush side ends at the outbox: OutboxStage writes the notification to SQLite and hands it to
// the DeliveryService, whose RetryStage and SetNotifiesStage deliver it on worker threads and
// log it in the notification log. The flush completes — and the group forgets the resolved
// alerts it just notified — when every delivery it started has finished (FlushTracker).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/alerting/alert.h"
#include "engine/alerting/notification_log.h"
#include "storage/base/result.h"

namespace tocsin::alerting {

// Why the dedup stage decided to notify (Alertmanager's NotifyReason, sent to webhooks as
// "notification_reason").
enum class NotifyReason {
  kDoNotNotify,
  kFirstNotification,
  kNewAlertsInGroup,
  kNewResolvedAlerts,
  kAllAlertsResolved,
  kRepeatIntervalElapsed,
  kUnknown,
};
// "none", "first notification", "new alerts added", "some alerts resolved", "all alerts
// resolved", "repeat interval elapsed", "unknown".
std::string_view NotifyReasonString(NotifyReason reason);
NotifyReason ParseNotifyReason(std::string_view s);

// One alert on its way through a flush.
struct StageAlert {
  AlertPtr alert;
  bool resolved = false;  // at the flush's time
  // Silenced or inhibited. Muted alerts are dropped by the mute stages, except on routes with
  // notify_resolved_on_mute, where they travel on so that ResolveMutedStage can tell receivers
  // that knew them as firing.
  bool muted = false;
};
using StageAlerts = std::vector<StageAlert>;

// Counts the deliveries one flush started; calls `done(ok)` once the flush's stages have
// returned (Seal) and every delivery has finished. ok = the stages and all deliveries
// succeeded.
class FlushTracker {
 public:
  explicit FlushTracker(std::function<void(bool ok)> done) : done_(std::move(done)) {}
  void AddDelivery();
  void DeliveryDone(bool ok);
  void Seal(bool stages_ok);

 private:
  void MaybeFinish(std::unique_lock<std::mutex>& lock);
  std::mutex mu_;
  std::function<void(bool)> done_;
  int pending_ = 0;
  bool sealed_ = false;
  bool ok_ = true;
  bool finished_ = false;
};

// What the stages know about the flush (Alertmanager's notify context values).
struct NotifyContext {
  // From the aggregation group.
  TimestampMs now = 0;  // the flush's time
  std::string group_key;
  Labels group_labels;
  std::string route_id;
  std::string receiver;
  std::map<std::string, std::string> route_labels;
  DurationMs group_interval = 0;
  DurationMs repeat_interval = 0;
  std::vector<std::string> mute_time_intervals;
  std::vector<std::string> active_time_intervals;
  bool notify_resolved_on_mute = false;
  std::shared_ptr<FlushTracker> tracker;

  // Per integration, from the fan-out and the dedup stage.
  NotifyTarget target;
  bool send_resolved = true;
  NotifyReason reason = NotifyReason::kUnknown;
  std::vector<uint64_t> firing;  // fingerprints, in alert order
  std::vector<uint64_t> resolved;
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual Status Exec(NotifyContext& ctx, StageAlerts& alerts) = 0;
};

using StagePtr = std::unique_ptr<Stage>;

// Runs stages in order; stops early (successfully) when no alerts are left.
class MultiStage final : public Stage {
 public:
  MultiStage() = default;
  explicit MultiStage(std::vector<StagePtr> stages) : stages_(std::move(stages)) {}
  void Add(StagePtr stage) { stages_.push_back(std::move(stage)); }
  Status Exec(NotifyContext& ctx, StageAlerts& alerts) override;

 private:
  std::vector<StagePtr> stages_;
};

// Runs every branch on its own copy of the context and alerts (one branch per integration);
// fails when any branch fails, with all their errors.
class FanoutStage final : public Stage {
 public:
  explicit FanoutStage(std::vector<StagePtr> branches) : branches_(std::move(branches)) {}
  Status Exec(NotifyContext& ctx, StageAlerts& alerts) override;

 private:
  std::vector<StagePtr> branches_;
};

}  // namespace tocsin::alerting
