#include "notifiers/pagerduty.h"

#include <openssl/evp.h>

#include "notifiers/go_json.h"
#include "notifiers/http_delivery.h"
#include "notifiers/templated_tree.h"
#include "notifiers/truncate.h"

namespace tocsin::notifiers {
namespace {

constexpr size_t kMaxEventBytes = 512000;
constexpr size_t kMaxSummaryRunes = 1024;  // PagerDuty's limit for v2 summary and v1 description
constexpr std::string_view kDetailsRemoved =
    "Custom details have been removed because the original event exceeds the maximum size of "
    "512KB";

void SetIfNotEmpty(nlohmann::ordered_json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

// The key from the config or its file, then expanded as a template.
Result<std::string> ResolveKey(const std::string& inline_key, const std::string& file,
                               FieldExpander& expand, std::string_view field) {
  std::string source = inline_key;
  if (source.empty()) {
    auto secret = ReadSecretFile(file);
    if (!secret.ok())
      return Error{"failed to read " + std::string(field) + " from file: " + secret.message()};
    source = *secret;
  }
  return expand(source, field);
}

// v2 fields in Alertmanager's pagerDutyMessage order.
nlohmann::ordered_json V2Event(const PagerDutyConfig& config, const std::string& routing_key,
                               const Notification& n, FieldExpander& expand,
                               const nlohmann::json& details) {
  std::string client = expand(config.client, "client");
  nlohmann::ordered_json payload = nlohmann::ordered_json::object();
  payload["summary"] = TruncateInRunes(expand(config.description, "description"), kMaxSummaryRunes);
  payload["source"] = expand(config.source.empty() ? config.client : config.source, "source");
  payload["severity"] = expand(config.severity.empty() ? "error" : config.severity, "severity");
  SetIfNotEmpty(payload, "class", expand(config.event_class, "class"));
  SetIfNotEmpty(payload, "component", expand(config.component, "component"));
  SetIfNotEmpty(payload, "group", expand(config.group, "group"));
  if (details.is_object() && !details.empty()) payload["custom_details"] = SortedObject(details);

  nlohmann::ordered_json event = nlohmann::ordered_json::object();
  SetIfNotEmpty(event, "routing_key", routing_key);
  event["dedup_key"] = GroupKeyHash(n.group.group_key);
  event["event_action"] = n.status == AlertStatus::kFiring ? "trigger" : "resolve";
  event["payload"] = std::move(payload);
  SetIfNotEmpty(event, "client", client);
  SetIfNotEmpty(event, "client_url", expand(config.client_url, "client_url"));

  nlohmann::ordered_json images = nlohmann::ordered_json::array();
  for (const auto& image : config.images) {
    nlohmann::ordered_json i = nlohmann::ordered_json::object();
    i["src"] = expand(image.src, "images.src");
    i["alt"] = expand(image.alt, "images.alt");
    i["href"] = expand(image.href, "images.href");
    if (!i["src"].get_ref<const std::string&>().empty()) images.push_back(std::move(i));
  }
  if (!images.empty()) event["images"] = std::move(images);
  nlohmann::ordered_json links = nlohmann::ordered_json::array();
  for (const auto& link : config.links) {
    nlohmann::ordered_json l = nlohmann::ordered_json::object();
    l["href"] = expand(link.href, "links.href");
    l["text"] = expand(link.text, "links.text");
    if (!l["href"].get_ref<const std::string&>().empty()) links.push_back(std::move(l));
  }
  if (!links.empty()) event["links"] = std::move(links);
  return event;
}

nlohmann::ordered_json V1Event(const PagerDutyConfig& config, const std::string& service_key,
                               const Notification& n, FieldExpander& expand,
                               const nlohmann::json& details) {
  bool trigger = n.status == AlertStatus::kFiring;
  nlohmann::ordered_json event = nlohmann::ordered_json::object();
  event["service_key"] = service_key;
  event["incident_key"] = GroupKeyHash(n.group.group_key);
  event["event_type"] = trigger ? "trigger" : "resolve";
  SetIfNotEmpty(event, "description",
                TruncateInRunes(expand(config.description, "description"), kMaxSummaryRunes));
  event["event_action"] = "";  // Go marshals the v2-only fields of the shared struct too
  event["payload"] = nullptr;
  if (trigger) {
    SetIfNotEmpty(event, "client", expand(config.client, "client"));
    SetIfNotEmpty(event, "client_url", expand(config.client_url, "client_url"));
  }
  if (details.is_object() && !details.empty()) event["details"] = SortedObject(details);
  return event;
}

Result<std::string> Encode(nlohmann::ordered_json event, bool v1) {
  std::string body = GoJsonEncode(event);
  if (body.size() <= kMaxEventBytes) return body;
  nlohmann::ordered_json note = {{"error", kDetailsRemoved}};
  if (v1) {
    event["details"] = note;
  } else {
    event["payload"]["custom_details"] = note;
  }
  return GoJsonEncode(event);
}

Result<std::string> BuildEvent(const PagerDutyConfig& config, bool v1,
                               const MessageTemplates& templates, const Notification& n) {
  FieldExpander expand(templates, n);
  auto details = ExpandTemplatedTree(config.details, expand, "details");
  if (!details.ok()) return Error{"failed to render details: " + details.message()};

  Result<std::string> key =
      v1 ? ResolveKey(config.service_key, config.service_key_file, expand, "service_key")
         : ResolveKey(config.routing_key, config.routing_key_file, expand, "routing_key");
  if (!key.ok()) return key;
  nlohmann::ordered_json event =
      v1 ? V1Event(config, *key, n, expand, *details) : V2Event(config, *key, n, expand, *details);
  if (!expand.ok()) {
    return Error{std::string("failed to template PagerDuty ") + (v1 ? "v1" : "v2") +
                 " message: " + expand.error()};
  }
  if (key->empty())
    return Error{v1 ? "service key cannot be empty" : "routing key cannot be empty"};
  return Encode(std::move(event), v1);
}

// PagerDuty explains a 400 in its body: {"status", "message", "errors": [...]}.
std::string PagerDutyFailure(const HttpResponse& response) {
  std::string out = "unexpected status code " + std::to_string(response.status);
  if (response.status == 400) {
    nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_object()) {
      std::string message = body.value("message", "");
      std::string errors;
      if (auto it = body.find("errors"); it != body.end() && it->is_array()) {
        for (const auto& e : *it) {
          if (!errors.empty()) errors += ",";
          if (e.is_string()) errors += e.get<std::string>();
        }
      }
      out += ": " + message + ": " + errors;
    }
  }
  return out;
}

}  // namespace

nlohmann::json DefaultPagerDutyDetails() {
  return {
      {"firing", "{{ .Alerts.Firing | toJson }}"},
      {"resolved", "{{ .Alerts.Resolved | toJson }}"},
      {"num_firing", "{{ .Alerts.Firing | len }}"},
      {"num_resolved", "{{ .Alerts.Resolved | len }}"},
  };
}

std::string GroupKeyHash(std::string_view group_key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(group_key.data(), group_key.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xF];
  }
  return out;
}

Result<std::string> PagerDutyEvent(const PagerDutyConfig& config, const MessageTemplates& templates,
                                   const Notification& notification) {
  bool v1 = !config.service_key.empty() || !config.service_key_file.empty();
  return BuildEvent(config, v1, templates, notification);
}

PagerDutyNotifier::PagerDutyNotifier(PagerDutyConfig config, HttpClient& client,
                                     const MessageTemplates& templates)
    : config_(std::move(config)), client_(client), templates_(templates) {}

NotifyResult PagerDutyNotifier::Notify(const Notification& notification,
                                       const NotifyContext& context) {
  auto body = BuildEvent(config_, v1(), templates_, notification);
  if (!body.ok()) return NotifyResult::Failed(false, body.message());

  HttpResponse response = PostJson(client_, v1() ? config_.v1_url : config_.url, std::move(*body),
                                   config_.http, config_.timeout, context);
  static constexpr int kV1RetryCodes[] = {403};
  NotifyResult result = ResultFromResponse(
      response, context, v1() ? std::span<const int>(kV1RetryCodes) : std::span<const int>());
  if (!result.ok()) {
    result.error = response.has_response()
                       ? PagerDutyFailure(response)
                       : std::string(v1() ? "failed to post message to PagerDuty v1: "
                                          : "failed to post message to PagerDuty: ") +
                             response.transport_error;
  }
  return result;
}

}  // namespace tocsin::notifiers
