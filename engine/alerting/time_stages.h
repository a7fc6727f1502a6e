// The route's time windows (Alertmanager's TimeActiveStage and TimeMuteStage): outside all of
// its `active_time_intervals`, or inside any of its `mute_time_intervals`, a route notifies
// nothing — the whole flush stops, nothing is logged as sent, and the group marker records which
// intervals muted the group. Nothing is lost: when the window ends, the next flush notifies
// what changed meanwhile.
#pragma once

#include <memory>

#include "engine/alerting/config.h"
#include "engine/alerting/group_marker.h"
#include "engine/alerting/stage.h"

namespace tocsin::alerting {

// The names among `names` whose intervals contain `now`, once per containing interval (as
// Alertmanager's Intervener reports them). An unknown name is an error.
Result<std::vector<std::string>> IntervalsContaining(const Config& config,
                                                     const std::vector<std::string>& names,
                                                     TimestampMs now);

class TimeActiveStage final : public Stage {
 public:
  TimeActiveStage(std::shared_ptr<const Config> config, GroupMarker& marker)
      : config_(std::move(config)), marker_(marker) {}
  Status Exec(NotifyContext& ctx, StageAlerts& alerts) override;

 private:
  std::shared_ptr<const Config> config_;
  GroupMarker& marker_;
};

class TimeMuteStage final : public Stage {
 public:
  TimeMuteStage(std::shared_ptr<const Config> config, GroupMarker& marker)
      : config_(std::move(config)), marker_(marker) {}
  Status Exec(NotifyContext& ctx, StageAlerts& alerts) override;

 private:
  std::shared_ptr<const Config> config_;
  GroupMarker& marker_;
};

}  // namespace tocsin::alerting
