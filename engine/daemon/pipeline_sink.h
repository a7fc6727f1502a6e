// Where the rule manager's alerts go (rules::AlertSink): into the local alert pipeline, as
// Prometheus posts them to Alertmanager, and to any listener (the upstream Alertmanager
// forwarders). Send never blocks on I/O: the pipeline's Put only stores and the listeners queue.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "engine/alerting/alert.h"
#include "rules/alert_sink.h"

namespace tocsin::alerting {
class AlertingPipeline;
}

namespace tocsin::daemon {

// rules::OutgoingAlert -> the pipeline's PostableAlert.
alerting::PostableAlert ToPostableAlert(const rules::OutgoingAlert& alert);

class PipelineSink final : public rules::AlertSink {
 public:
  using Listener = std::function<void(std::span<const rules::OutgoingAlert>)>;

  // Null: alerts are only passed to the listeners (before Start, after Stop).
  void SetPipeline(alerting::AlertingPipeline* pipeline) { pipeline_ = pipeline; }
  void SetListeners(std::vector<Listener> listeners);

  void Send(std::string_view group_key, std::vector<rules::OutgoingAlert> alerts) override;

 private:
  std::atomic<alerting::AlertingPipeline*> pipeline_{nullptr};
  std::mutex mu_;
  std::vector<Listener> listeners_;
};

}  // namespace tocsin::daemon
