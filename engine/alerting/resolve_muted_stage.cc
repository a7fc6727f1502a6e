#include "engine/alerting/resolve_muted_stage.h"

#include <algorithm>

namespace tocsin::alerting {

Status ResolveMutedStage::Exec(NotifyContext& ctx, StageAlerts& alerts) {
  if (std::none_of(alerts.begin(), alerts.end(), [](const StageAlert& a) { return a.muted; })) {
    return Status::Ok();
  }
  const std::optional<NflogEntry> last = nflog_.Query(ctx.target);
  auto was_firing = [&](uint64_t fp) {
    return last && std::find(last->firing.begin(), last->firing.end(), fp) != last->firing.end();
  };
  std::erase_if(alerts, [&](StageAlert& a) {
    if (!a.muted) return false;
    if (!was_firing(a.alert->fingerprint())) return true;
    a.muted = false;
    if (!a.resolved) {
      auto copy = std::make_shared<Alert>(*a.alert);
      copy->ends_at = ctx.now;
      a.alert = std::move(copy);
      a.resolved = true;
    }
    return false;
  });
  return Status::Ok();
}

}  // namespace tocsin::alerting
