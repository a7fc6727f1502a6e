// The integrations that need no network.
//
// LogIntegration: what a receiver without any active integration gets (the shipped example on
// a fresh machine, where every `${VAR:-}` destination is unset): each notification is written
// to the log (spdlog, level info) and recorded in the notification history with status
// `logged`. It goes through the same dedup, outbox and notification log as any integration,
// so the log shows exactly what a real receiver would have been sent, and when.
//
// RefusingIntegration: stands for an integration Alertmanager has and tocsin does not
// (opsgenie_configs, ...). Every notification to it is refused — recorded with status `refused`
// and the reason, never silently dropped — and not logged as sent, so it stays visible.
#pragma once

#include <string>

#include "engine/alerting/config.h"
#include "engine/alerting/integration.h"

namespace tocsin::alerting {

class LogIntegration final : public Integration {
 public:
  std::string_view name() const override { return "log"; }
  bool send_resolved() const override { return true; }
  AttemptResult Notify(const PendingNotification& n, const AttemptContext& ctx) override;
};

// The one-line summary the log integration writes, e.g.
// `receiver "default": [FIRING:1] {}:{alertname="Down"} (first notification): Down{job="db"}`.
std::string SummarizeNotification(const PendingNotification& n);

class RefusingIntegration final : public Integration {
 public:
  RefusingIntegration(std::string kind, bool send_resolved)
      : kind_(std::move(kind)), send_resolved_(send_resolved) {}
  std::string_view name() const override { return kind_; }
  bool send_resolved() const override { return send_resolved_; }
  AttemptResult Notify(const PendingNotification& n, const AttemptContext& ctx) override;

 private:
  std::string kind_;
  bool send_resolved_;
};

// Appends what every receiver gets besides its real integrations: a RefusingIntegration for each
// unsupported config, and the LogIntegration when it has no active integration (none
// configured, or all switched off by unset `${VAR:-}` values).
void AddBuiltinIntegrations(const ReceiverConfig& receiver, std::vector<ReceiverIntegration>& out);

}  // namespace tocsin::alerting
