#include "engine/daemon/pipeline_sink.h"

#include <spdlog/spdlog.h>

#include "engine/alerting/alerting_pipeline.h"

namespace tocsin::daemon {

alerting::PostableAlert ToPostableAlert(const rules::OutgoingAlert& a) {
  alerting::PostableAlert p;
  p.labels = a.labels;
  p.annotations = alerting::AnnotationsFromLabels(a.annotations);
  p.starts_at = a.starts_at;
  p.ends_at = a.ends_at;
  p.generator_url = a.generator_url;
  return p;
}

void PipelineSink::SetListeners(std::vector<Listener> listeners) {
  std::lock_guard lock(mu_);
  listeners_ = std::move(listeners);
}

void PipelineSink::Send(std::string_view group_key, std::vector<rules::OutgoingAlert> alerts) {
  if (alerts.empty()) return;
  if (alerting::AlertingPipeline* p = pipeline_.load()) {
    std::vector<alerting::PostableAlert> posted;
    posted.reserve(alerts.size());
    for (const rules::OutgoingAlert& a : alerts) posted.push_back(ToPostableAlert(a));
    if (Status s = p->Put(posted); !s.ok()) {
      spdlog::warn("alerts of rule group {} rejected by the alert pipeline: {}", group_key,
                   s.message());
    }
  }
  std::vector<Listener> listeners;
  {
    std::lock_guard lock(mu_);
    listeners = listeners_;
  }
  for (const Listener& l : listeners) l(alerts);
}

}  // namespace tocsin::daemon
