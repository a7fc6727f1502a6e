#include "engine/alerting/builtin_integrations.h"

#include <spdlog/spdlog.h>

namespace tocsin::alerting {

std::string SummarizeNotification(const PendingNotification& n) {
  const size_t firing = n.num_firing();
  std::string out = "receiver \"" + n.receiver + "\": ";
  out += firing > 0 ? "[FIRING:" + std::to_string(firing) + "] " : std::string("[RESOLVED] ");
  out += n.group_key + " (" + std::string(NotifyReasonString(n.reason)) + "):";
  for (const NotifiedAlert& a : n.alerts) {
    out += " ";
    out += a.labels.to_string();
    if (a.resolved) out += " resolved";
  }
  return out;
}

AttemptResult LogIntegration::Notify(const PendingNotification& n, const AttemptContext&) {
  spdlog::info("notification (no active integration): {}", SummarizeNotification(n));
  AttemptResult r;
  r.delivered_as = sqlite::DeliveryStatus::kLogged;
  return r;
}

AttemptResult RefusingIntegration::Notify(const PendingNotification&, const AttemptContext&) {
  AttemptResult r;
  r.error = kind_ + "_configs are not supported by tocsin; the notification was not sent";
  r.retry = false;
  r.refused = true;
  return r;
}

void AddBuiltinIntegrations(const ReceiverConfig& receiver, std::vector<ReceiverIntegration>& out) {
  std::map<std::string, int> next_index;
  for (const UnsupportedIntegration& u : receiver.unsupported_configs) {
    const int index = next_index[u.kind]++;
    out.push_back({u.kind, index, std::make_shared<RefusingIntegration>(u.kind, u.send_resolved)});
  }
  if (receiver.active_integration_count() == 0) {
    out.push_back({"log", 0, std::make_shared<LogIntegration>()});
  }
}

}  // namespace tocsin::alerting
