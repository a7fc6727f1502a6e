#include "engine/alerting/receiver_stage.h"

#include "engine/alerting/dedup_stage.h"
#include "engine/alerting/outbox_stage.h"
#include "engine/alerting/resolve_muted_stage.h"
#include "engine/alerting/time_stages.h"

namespace tocsin::alerting {
namespace {

// Names the integration the rest of the branch works for.
class IntegrationBranch final : public Stage {
 public:
  IntegrationBranch(ReceiverIntegration integration, StagePtr rest)
      : integration_(std::move(integration)), rest_(std::move(rest)) {}

  Status Exec(NotifyContext& ctx, StageAlerts& alerts) override {
    ctx.target = NotifyTarget{ctx.group_key, ctx.receiver, integration_.name, integration_.index};
    ctx.send_resolved = integration_.integration->send_resolved();
    return rest_->Exec(ctx, alerts);
  }

 private:
  ReceiverIntegration integration_;
  StagePtr rest_;
};

}  // namespace

StagePtr BuildReceiverStage(const std::vector<ReceiverIntegration>& integrations,
                            const ReceiverStageDeps& deps) {
  std::vector<StagePtr> branches;
  for (const ReceiverIntegration& ri : integrations) {
    auto chain = std::make_unique<MultiStage>();
    chain->Add(std::make_unique<ResolveMutedStage>(*deps.nflog));
    chain->Add(std::make_unique<DedupStage>(*deps.nflog));
    chain->Add(std::make_unique<OutboxStage>(*deps.delivery));
    branches.push_back(std::make_unique<IntegrationBranch>(ri, std::move(chain)));
  }
  auto stage = std::make_unique<MultiStage>();
  stage->Add(std::make_unique<MuteStage>("inhibition", deps.inhibited));
  stage->Add(std::make_unique<TimeActiveStage>(deps.config, *deps.marker));
  stage->Add(std::make_unique<TimeMuteStage>(deps.config, *deps.marker));
  stage->Add(std::make_unique<MuteStage>("silence", deps.silenced));
  stage->Add(std::make_unique<FanoutStage>(std::move(branches)));
  return stage;
}

}  // namespace tocsin::alerting
