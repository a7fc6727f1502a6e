// DedupStage: consults the notification log and lets a flush through to an integration only
// when the receiver must hear about the group (Alertmanager's notify.DedupStage). The decision,
// NeedsUpdate, is also the notification's reason:
//   - nothing logged yet: notify if anything fires ("first notification");
//   - an alert fires that was not firing in the last notification: notify ("new alerts added",
//     or "first notification" when the last one had nothing firing);
//   - nothing fires now: notify "all alerts resolved" if the last notification had firing
//     alerts — even with send_resolved off, so that the log is cleared (the retry stage then
//     sends nothing) — and otherwise stay quiet: the receiver never knew those alerts;
//   - with send_resolved, an alert resolved since the last notification: "some alerts resolved";
//   - otherwise notify again only when the last notification is older than repeat_interval
//     ("repeat interval elapsed"). Flushes come every group_interval, so in effect the repeat
//     interval is rounded up to the next flush after it elapsed.
#pragma once

#include <optional>
#include <unordered_set>

#include "engine/alerting/notification_log.h"
#include "engine/alerting/stage.h"

namespace tocsin::alerting {

NotifyReason NeedsUpdate(const std::optional<NflogEntry>& last,
                         const std::unordered_set<uint64_t>& firing,
                         const std::unordered_set<uint64_t>& resolved, bool send_resolved,
                         DurationMs repeat_interval, TimestampMs now);

class DedupStage final : public Stage {
 public:
  explicit DedupStage(NotificationLog& nflog) : nflog_(nflog) {}
  Status Exec(NotifyContext& ctx, StageAlerts& alerts) override;

 private:
  NotificationLog& nflog_;
};

}  // namespace tocsin::alerting
