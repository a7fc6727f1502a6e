#include "engine/alerting/time_stages.h"

#include <spdlog/spdlog.h>

namespace tocsin::alerting {

Result<std::vector<std::string>> IntervalsContaining(const Config& config,
                                                     const std::vector<std::string>& names,
                                                     TimestampMs now) {
  std::vector<std::string> in;
  for (const std::string& name : names) {
    const NamedTimeInterval* interval = config.FindTimeInterval(name);
    if (interval == nullptr) {
      return Error{"time interval " + name + " doesn't exist in config"};
    }
    for (const TimeInterval& ti : interval->intervals) {
      if (ti.Contains(now)) in.push_back(name);
    }
  }
  return in;
}

Status TimeActiveStage::Exec(NotifyContext& ctx, StageAlerts& alerts) {
  if (ctx.active_time_intervals.empty()) {
    marker_.SetMuted(ctx.route_id, ctx.group_key, {});
    return Status::Ok();
  }
  auto in = IntervalsContaining(*config_, ctx.active_time_intervals, ctx.now);
  if (!in.ok()) return Error{in.message()};
  if (!in->empty()) {
    marker_.SetMuted(ctx.route_id, ctx.group_key, {});
    return Status::Ok();
  }
  // Outside every active interval: muted by all of them.
  marker_.SetMuted(ctx.route_id, ctx.group_key, ctx.active_time_intervals);
  spdlog::debug("{}: group {} is outside its active time intervals, {} alert(s) not notified",
                ctx.receiver, ctx.group_key, alerts.size());
  alerts.clear();
  return Status::Ok();
}

Status TimeMuteStage::Exec(NotifyContext& ctx, StageAlerts& alerts) {
  if (ctx.mute_time_intervals.empty()) {
    marker_.SetMuted(ctx.route_id, ctx.group_key, {});
    return Status::Ok();
  }
  auto in = IntervalsContaining(*config_, ctx.mute_time_intervals, ctx.now);
  if (!in.ok()) return Error{in.message()};
  marker_.SetMuted(ctx.route_id, ctx.group_key, *in);
  if (!in->empty()) {
    spdlog::debug("{}: group {} is in a mute time interval, {} alert(s) not notified", ctx.receiver,
                  ctx.group_key, alerts.size());
    alerts.clear();
  }
  return Status::Ok();
}

}  // namespace tocsin::alerting
