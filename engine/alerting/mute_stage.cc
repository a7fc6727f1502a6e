#include "engine/alerting/mute_stage.h"

#include <spdlog/spdlog.h>

namespace tocsin::alerting {

Status MuteStage::Exec(NotifyContext& ctx, StageAlerts& alerts) {
  size_t muted = 0;
  std::erase_if(alerts, [&](StageAlert& a) {
    if (a.muted) return false;  // muted by an earlier stage, kept for notify_resolved_on_mute
    if (!mutes_(a.alert->labels, ctx.now)) return false;
    ++muted;
    if (ctx.notify_resolved_on_mute) {
      a.muted = true;
      return false;
    }
    return true;
  });
  if (muted > 0) {
    spdlog::debug("{}: {} alert(s) of group {} muted by {}", ctx.receiver, muted, ctx.group_key,
                  what_);
  }
  return Status::Ok();
}

}  // namespace tocsin::alerting
