// The stage chain of one receiver (Alertmanager's PipelineBuilder.New + createReceiverStage):
//
//   MuteStage(inhibitor) -> TimeActiveStage -> TimeMuteStage -> MuteStage(silences)
//     -> FanoutStage( per integration: ResolveMutedStage -> DedupStage -> OutboxStage )
//
// Each integration branch first names its notification-log target (group key, receiver,
// integration, index) and its send_resolved in the context.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/alerting/config.h"
#include "engine/alerting/delivery_service.h"
#include "engine/alerting/group_marker.h"
#include "engine/alerting/integration.h"
#include "engine/alerting/mute_stage.h"
#include "engine/alerting/notification_log.h"
#include "engine/alerting/stage.h"

namespace tocsin::alerting {

struct ReceiverStageDeps {
  MuteFunc inhibited;
  MuteFunc silenced;
  std::shared_ptr<const Config> config;  // time intervals
  GroupMarker* marker = nullptr;
  NotificationLog* nflog = nullptr;
  DeliveryService* delivery = nullptr;
};

StagePtr BuildReceiverStage(const std::vector<ReceiverIntegration>& integrations,
                            const ReceiverStageDeps& deps);

}  // namespace tocsin::alerting
