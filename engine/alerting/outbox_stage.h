// OutboxStage: the end of a flush for one integration. The notification the dedup stage let
// through becomes a PendingNotification (the alerts in Alertmanager's order, firing ones with
// no endsAt), is committed to the SQLite outbox and handed to the DeliveryService; the flush
// counts it (FlushTracker) and completes when it is delivered or given up.
#pragma once

#include "engine/alerting/delivery_service.h"
#include "engine/alerting/stage.h"

namespace tocsin::alerting {

// The notification a flush context and its alerts describe.
PendingNotification MakePending(const NotifyContext& ctx, const StageAlerts& alerts);

class OutboxStage final : public Stage {
 public:
  explicit OutboxStage(DeliveryService& delivery) : delivery_(delivery) {}
  Status Exec(NotifyContext& ctx, StageAlerts& alerts) override;

 private:
  DeliveryService& delivery_;
};

}  // namespace tocsin::alerting
