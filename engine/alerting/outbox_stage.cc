#include "engine/alerting/outbox_stage.h"

namespace tocsin::alerting {

PendingNotification MakePending(const NotifyContext& ctx, const StageAlerts& alerts) {
  PendingNotification n;
  n.receiver = ctx.receiver;
  n.group_key = ctx.group_key;
  n.group_labels = ctx.group_labels;
  n.route_labels = ctx.route_labels;
  n.reason = ctx.reason;
  n.created_at = ctx.now;
  n.group_interval = ctx.group_interval;
  n.deadline = ctx.now + std::max<DurationMs>(ctx.group_interval, 10 * kSecond);
  n.repeat_interval = ctx.repeat_interval;
  n.alerts.reserve(alerts.size());
  for (const StageAlert& sa : alerts) {
    const Alert& a = *sa.alert;
    NotifiedAlert na;
    na.labels = a.labels;
    na.annotations = a.annotations;
    na.starts_at = a.starts_at;
    // A firing alert has no end yet as far as receivers are concerned (the aggregation
    // group's flush clears it, as Alertmanager's does).
    na.ends_at = sa.resolved ? a.ends_at : 0;
    na.generator_url = a.generator_url;
    na.resolved = sa.resolved;
    n.alerts.push_back(std::move(na));
  }
  return n;
}

Status OutboxStage::Exec(NotifyContext& ctx, StageAlerts& alerts) {
  std::shared_ptr<FlushTracker> tracker = ctx.tracker;
  if (tracker) tracker->AddDelivery();
  Status s = delivery_.Submit(ctx.target, MakePending(ctx, alerts), ctx.firing, ctx.resolved,
                              [tracker](bool ok) {
                                if (tracker) tracker->DeliveryDone(ok);
                              });
  if (!s.ok() && tracker) tracker->DeliveryDone(false);
  return s;
}

}  // namespace tocsin::alerting
