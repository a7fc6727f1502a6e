// MuteStage: drops the alerts a muter mutes — the inhibitor, or the silences (Alertmanager's
// notify.MuteStage). Muting applies to resolved alerts too: a silenced alert's resolution is not
// notified either (unless the route asks for notify_resolved_on_mute, see stage.h).
#pragma once

#include <functional>
#include <string>

#include "engine/alerting/stage.h"

namespace tocsin::alerting {

// Whether an alert with these labels is muted at this time.
using MuteFunc = std::function<bool(const Labels& labels, TimestampMs now)>;

class MuteStage final : public Stage {
 public:
  // `what` names the muter in logs ("inhibition", "silence").
  MuteStage(std::string what, MuteFunc mutes) : what_(std::move(what)), mutes_(std::move(mutes)) {}
  Status Exec(NotifyContext& ctx, StageAlerts& alerts) override;

 private:
  std::string what_;
  MuteFunc mutes_;
};

}  // namespace tocsin::alerting
