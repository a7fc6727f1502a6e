// ResolveMutedStage: tocsin's `notify_resolved_on_mute` (beyond Alertmanager, whose oldest open
// requests are #226 and #2754). On routes that ask for it, an alert that this integration was
// last told is firing and that is now silenced or inhibited is presented as resolved (endsAt =
// the flush's time), so the receiver — a PagerDuty incident, a chat thread — is closed instead
// of left firing forever. Muted alerts the integration does not know as firing are dropped, as
// the mute stages would have. Dedup then sees a firing alert turn resolved and notifies
// ("some alerts resolved" / "all alerts resolved") as for any resolution, honouring
// send_resolved. If the mute ends while the alert still fires, the alert is new to the log
// again and is notified as firing. See docs/pipeline.md for the cases this has to get right.
#pragma once

#include "engine/alerting/notification_log.h"
#include "engine/alerting/stage.h"

namespace tocsin::alerting {

class ResolveMutedStage final : public Stage {
 public:
  explicit ResolveMutedStage(NotificationLog& nflog) : nflog_(nflog) {}
  Status Exec(NotifyContext& ctx, StageAlerts& alerts) override;

 private:
  NotificationLog& nflog_;
};

}  // namespace tocsin::alerting
