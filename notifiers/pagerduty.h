// PagerDuty: Events API v2 (routing_key), or the v1 "generic" API (service_key).
//
// One incident per aggregation group: the dedup key (v2) / incident key (v1) is the SHA-256 hex
// of the group key, the event is "trigger" while any alert fires and "resolve" once all are
// resolved. As in Alertmanager: summary (v2) / description (v1) cut to 1024 runes; severity
// defaults to "error", source to the client; images and links without a src/href are dropped;
// `details` is a tree of templates (see templated_tree.h) sent as payload.custom_details (v2) or
// details (v1); an event over 512,000 bytes is re-sent with the details replaced by an error
// note. 5xx and 429 are retried (v1 also 403, PagerDuty's v1 rate limiting); a 400 names
// PagerDuty's message and errors.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "notifiers/http_client.h"
#include "notifiers/message_templates.h"
#include "notifiers/notifier.h"

namespace tocsin::notifiers {

struct PagerDutyImage {
  std::string src;  // templates
  std::string alt;
  std::string href;
};

struct PagerDutyLink {
  std::string href;  // templates
  std::string text;
};

// Alertmanager's default details: firing and resolved alerts as JSON, and their counts. A
// configuration's own `details` are merged over these (its keys win, the others stay), as
// Alertmanager does when it loads a pagerduty_config.
nlohmann::json DefaultPagerDutyDetails();

struct PagerDutyConfig {
  HttpClientConfig http;
  std::string routing_key;       // Events API v2 (a template)
  std::string routing_key_file;  // read at send time
  std::string service_key;       // v1, when set (or service_key_file) instead of a routing key
  std::string service_key_file;
  std::string url = "https://events.pagerduty.com/v2/enqueue";
  std::string v1_url = "https://events.pagerduty.com/generic/2010-04-15/create_event.json";

  std::string client = R"({{ template "pagerduty.default.client" . }})";
  std::string client_url = R"({{ template "pagerduty.default.clientURL" . }})";
  std::string description = R"({{ template "pagerduty.default.description" .}})";
  std::string severity;  // "": "error"
  std::string source;    // "": the client
  std::string event_class;
  std::string component;
  std::string group;
  nlohmann::json details = DefaultPagerDutyDetails();
  std::vector<PagerDutyImage> images;
  std::vector<PagerDutyLink> links;
  DurationMs timeout = 0;
  bool send_resolved = true;
};

// SHA-256 of the group key as 64 lowercase hex digits (Alertmanager's notify.Key.Hash).
std::string GroupKeyHash(std::string_view group_key);

// Renders the event body (Go JSON with a trailing newline), applying the size limit. Errors
// name the failing field.
Result<std::string> PagerDutyEvent(const PagerDutyConfig& config, const MessageTemplates& templates,
                                   const Notification& notification);

class PagerDutyNotifier final : public Notifier {
 public:
  PagerDutyNotifier(PagerDutyConfig config, HttpClient& client, const MessageTemplates& templates);

  std::string_view integration() const override { return "pagerduty"; }
  bool send_resolved() const override { return config_.send_resolved; }
  NotifyResult Notify(const Notification& notification, const NotifyContext& context) override;

 private:
  bool v1() const { return !config_.service_key.empty() || !config_.service_key_file.empty(); }

  PagerDutyConfig config_;
  HttpClient& client_;
  const MessageTemplates& templates_;
};

}  // namespace tocsin::notifiers
