// Generic webhook: POSTs Alertmanager's version "4" JSON payload, so every existing Alertmanager
// webhook receiver works unchanged.
//
// Payload fields in Go's order: receiver, status, alerts[] (status, labels, annotations, startsAt,
// endsAt, generatorURL, fingerprint), notification_reason, groupLabels, commonLabels,
// commonAnnotations, routeLabels, externalURL, version "4", groupKey, truncatedAlerts. Times are
// RFC 3339 in UTC as Go marshals time.Time; an alert without an end has endsAt
// "0001-01-01T00:00:00Z". With max_alerts, only the first max_alerts alerts are sent (common
// labels computed over them) and the rest counted in truncatedAlerts.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "notifiers/http_client.h"
#include "notifiers/message_templates.h"
#include "notifiers/notifier.h"

namespace tocsin::notifiers {

struct WebhookConfig {
  std::string url;       // a template (Alertmanager 0.31+)
  std::string url_file;  // read at send time when url is empty
  HttpClientConfig http;
  uint64_t max_alerts = 0;  // 0: all
  DurationMs timeout = 0;   // 0: only the retry deadline limits an attempt
  bool send_resolved = true;
  // Alertmanager 0.32's custom body: a tree whose strings are templates (see templated_tree.h),
  // sent instead of the version 4 payload.
  std::optional<nlohmann::json> payload;
};

// template.Data as JSON (Go's field order), the value of `toJson` over the data and the core of
// the webhook payload.
nlohmann::ordered_json AlertJson(const NotificationAlert& alert);
nlohmann::ordered_json AlertsJson(const std::vector<NotificationAlert>& alerts);
nlohmann::ordered_json TemplateDataJson(const Notification& notification);
nlohmann::ordered_json LabelsJson(const Labels& labels);
nlohmann::ordered_json AnnotationsJson(const Annotations& annotations);

// The version 4 message for `notification` (already truncated), ending in a newline as Go's
// json.Encoder writes it.
std::string WebhookPayload(const Notification& notification);

class WebhookNotifier final : public Notifier {
 public:
  WebhookNotifier(WebhookConfig config, HttpClient& client, const MessageTemplates& templates);

  std::string_view integration() const override { return "webhook"; }
  bool send_resolved() const override { return config_.send_resolved; }
  NotifyResult Notify(const Notification& notification, const NotifyContext& context) override;

 private:
  WebhookConfig config_;
  HttpClient& client_;
  const MessageTemplates& templates_;
};

}  // namespace tocsin::notifiers
