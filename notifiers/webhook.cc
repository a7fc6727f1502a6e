#include "notifiers/webhook.h"

#include "notifiers/go_json.h"
#include "notifiers/http_delivery.h"
#include "notifiers/templated_tree.h"

namespace tocsin::notifiers {

nlohmann::ordered_json LabelsJson(const Labels& labels) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& l : labels) out[l.name] = l.value;  // already sorted: Go's map order
  return out;
}

nlohmann::ordered_json AnnotationsJson(const Annotations& annotations) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& a : annotations) out[a.name] = a.value;
  return out;
}

nlohmann::ordered_json AlertJson(const NotificationAlert& alert) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["status"] = AlertStatusString(alert.status);
  out["labels"] = LabelsJson(alert.labels);
  out["annotations"] = AnnotationsJson(alert.annotations);
  out["startsAt"] = FormatRfc3339(alert.starts_at);
  out["endsAt"] = FormatRfc3339(alert.ends_at);
  out["generatorURL"] = alert.generator_url;
  out["fingerprint"] = alert.fingerprint;
  return out;
}

nlohmann::ordered_json AlertsJson(const std::vector<NotificationAlert>& alerts) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& a : alerts) out.push_back(AlertJson(a));
  return out;
}

nlohmann::ordered_json TemplateDataJson(const Notification& n) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out["receiver"] = n.receiver;
  out["status"] = AlertStatusString(n.status);
  out["alerts"] = AlertsJson(n.alerts);
  out["notification_reason"] = NotificationReasonString(n.group.reason);
  out["groupLabels"] = LabelsJson(n.group.group_labels);
  out["commonLabels"] = LabelsJson(n.common_labels);
  out["commonAnnotations"] = AnnotationsJson(n.common_annotations);
  out["routeLabels"] = LabelsJson(n.group.route_labels);
  out["externalURL"] = n.group.external_url;
  return out;
}

std::string WebhookPayload(const Notification& n) {
  nlohmann::ordered_json message = TemplateDataJson(n);
  message["version"] = "4";
  message["groupKey"] = n.group.group_key;
  message["truncatedAlerts"] = n.truncated_alerts;
  return GoJsonEncode(message);
}

WebhookNotifier::WebhookNotifier(WebhookConfig config, HttpClient& client,
                                 const MessageTemplates& templates)
    : config_(std::move(config)), client_(client), templates_(templates) {}

NotifyResult WebhookNotifier::Notify(const Notification& notification,
                                     const NotifyContext& context) {
  Notification truncated = TruncateAlerts(notification, config_.max_alerts);
  FieldExpander expand(templates_, truncated);

  std::string body;
  if (config_.payload) {
    auto rendered = ExpandTemplatedTree(*config_.payload, expand, "payload");
    if (!rendered.ok()) {
      return NotifyResult::Failed(false, "failed to render custom payload: " + rendered.message());
    }
    body = GoJsonEncode(SortedObject(*rendered));
  } else {
    body = WebhookPayload(truncated);
  }

  std::string url_source = config_.url;
  if (url_source.empty()) {
    auto secret = ReadSecretFile(config_.url_file);
    if (!secret.ok()) return NotifyResult::Failed(false, "read url_file: " + secret.message());
    url_source = *secret;
  }
  std::string url = expand(url_source, "url");
  if (!expand.ok()) {
    return NotifyResult::Failed(false, "failed to template webhook URL: " + expand.error());
  }
  if (url.empty()) return NotifyResult::Failed(false, "webhook URL is empty after templating");

  HttpResponse response =
      PostJson(client_, url, std::move(body), config_.http, config_.timeout, context);
  return ResultFromResponse(response, context);
}

}  // namespace tocsin::notifiers
