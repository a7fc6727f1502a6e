#include "engine/alerting/dedup_stage.h"

namespace tocsin::alerting {
namespace {

bool IsSubset(const std::vector<uint64_t>& set, const std::unordered_set<uint64_t>& subset) {
  if (subset.size() > set.size()) return false;
  std::unordered_set<uint64_t> s(set.begin(), set.end());
  for (uint64_t h : subset) {
    if (!s.contains(h)) return false;
  }
  return true;
}

}  // namespace

NotifyReason NeedsUpdate(const std::optional<NflogEntry>& last,
                         const std::unordered_set<uint64_t>& firing,
                         const std::unordered_set<uint64_t>& resolved, bool send_resolved,
                         DurationMs repeat_interval, TimestampMs now) {
  if (!last) return firing.empty() ? NotifyReason::kDoNotNotify : NotifyReason::kFirstNotification;
  if (!IsSubset(last->firing, firing)) {
    return last->firing.empty() ? NotifyReason::kFirstNotification
                                : NotifyReason::kNewAlertsInGroup;
  }
  if (firing.empty()) {
    return last->firing.empty() ? NotifyReason::kDoNotNotify : NotifyReason::kAllAlertsResolved;
  }
  if (send_resolved && !IsSubset(last->resolved, resolved)) return NotifyReason::kNewResolvedAlerts;
  if (last->timestamp < now - repeat_interval) return NotifyReason::kRepeatIntervalElapsed;
  return NotifyReason::kDoNotNotify;
}

Status DedupStage::Exec(NotifyContext& ctx, StageAlerts& alerts) {
  if (nflog_.IsPending(ctx.target)) {
    // A notification from before a restart is still in the outbox; what it will log decides
    // what is new. The next flush looks again.
    alerts.clear();
    return Error{ctx.receiver + "/" + ctx.target.integration + "[" +
                 std::to_string(ctx.target.index) + "]: group " + ctx.group_key +
                 " has a notification still being delivered"};
  }
  ctx.firing.clear();
  ctx.resolved.clear();
  std::unordered_set<uint64_t> firing, resolved;
  for (const StageAlert& a : alerts) {
    const uint64_t fp = a.alert->fingerprint();
    if (a.resolved) {
      ctx.resolved.push_back(fp);
      resolved.insert(fp);
    } else {
      ctx.firing.push_back(fp);
      firing.insert(fp);
    }
  }
  ctx.reason = NeedsUpdate(nflog_.Query(ctx.target), firing, resolved, ctx.send_resolved,
                           ctx.repeat_interval, ctx.now);
  if (ctx.reason == NotifyReason::kDoNotNotify) alerts.clear();
  return Status::Ok();
}

}  // namespace tocsin::alerting
