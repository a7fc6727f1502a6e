#include "engine/alerting/stage.h"

namespace tocsin::alerting {

std::string_view NotifyReasonString(NotifyReason reason) {
  switch (reason) {
    case NotifyReason::kDoNotNotify:
      return "none";
    case NotifyReason::kFirstNotification:
      return "first notification";
    case NotifyReason::kNewAlertsInGroup:
      return "new alerts added";
    case NotifyReason::kNewResolvedAlerts:
      return "some alerts resolved";
    case NotifyReason::kAllAlertsResolved:
      return "all alerts resolved";
    case NotifyReason::kRepeatIntervalElapsed:
      return "repeat interval elapsed";
    case NotifyReason::kUnknown:
      break;
  }
  return "unknown";
}

NotifyReason ParseNotifyReason(std::string_view s) {
  for (NotifyReason r : {NotifyReason::kDoNotNotify, NotifyReason::kFirstNotification,
                         NotifyReason::kNewAlertsInGroup, NotifyReason::kNewResolvedAlerts,
                         NotifyReason::kAllAlertsResolved, NotifyReason::kRepeatIntervalElapsed}) {
    if (NotifyReasonString(r) == s) return r;
  }
  return NotifyReason::kUnknown;
}

void FlushTracker::AddDelivery() {
  std::lock_guard lock(mu_);
  ++pending_;
}

void FlushTracker::DeliveryDone(bool ok) {
  std::unique_lock lock(mu_);
  --pending_;
  ok_ = ok_ && ok;
  MaybeFinish(lock);
}

void FlushTracker::Seal(bool stages_ok) {
  std::unique_lock lock(mu_);
  sealed_ = true;
  ok_ = ok_ && stages_ok;
  MaybeFinish(lock);
}

void FlushTracker::MaybeFinish(std::unique_lock<std::mutex>& lock) {
  if (!sealed_ || pending_ > 0 || finished_) return;
  finished_ = true;
  const bool ok = ok_;
  auto done = std::move(done_);
  lock.unlock();
  if (done) done(ok);
}

Status MultiStage::Exec(NotifyContext& ctx, StageAlerts& alerts) {
  for (const StagePtr& stage : stages_) {
    if (alerts.empty()) return Status::Ok();
    if (Status s = stage->Exec(ctx, alerts); !s.ok()) return s;
  }
  return Status::Ok();
}

Status FanoutStage::Exec(NotifyContext& ctx, StageAlerts& alerts) {
  std::string errors;
  for (const StagePtr& branch : branches_) {
    NotifyContext branch_ctx = ctx;
    StageAlerts branch_alerts = alerts;
    if (Status s = branch->Exec(branch_ctx, branch_alerts); !s.ok()) {
      if (!errors.empty()) errors += "\n";
      errors += s.message();
    }
  }
  if (!errors.empty()) return Error{errors};
  return Status::Ok();
}

}  // namespace tocsin::alerting
