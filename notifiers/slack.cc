#include "notifiers/slack.h"

#include "notifiers/go_json.h"
#include "notifiers/http_delivery.h"
#include "notifiers/truncate.h"
#include "storage/base/strings.h"

namespace tocsin::notifiers {
namespace {

// Slack's documented limit for attachment titles (legacy fields): 1024 characters.
constexpr size_t kMaxTitleRunes = 1024;

void SetIfNotEmpty(nlohmann::ordered_json& object, const char* key, const std::string& value) {
  if (!value.empty()) object[key] = value;
}

nlohmann::ordered_json ActionJson(const SlackAction& action, FieldExpander& expand) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  SetIfNotEmpty(out, "type", expand(action.type, "actions.type"));
  SetIfNotEmpty(out, "text", expand(action.text, "actions.text"));
  SetIfNotEmpty(out, "url", expand(action.url, "actions.url"));
  SetIfNotEmpty(out, "style", expand(action.style, "actions.style"));
  SetIfNotEmpty(out, "name", expand(action.name, "actions.name"));
  SetIfNotEmpty(out, "value", expand(action.value, "actions.value"));
  if (action.confirm) {
    nlohmann::ordered_json confirm = nlohmann::ordered_json::object();
    SetIfNotEmpty(confirm, "text", expand(action.confirm->text, "actions.confirm.text"));
    SetIfNotEmpty(confirm, "title", expand(action.confirm->title, "actions.confirm.title"));
    SetIfNotEmpty(confirm, "ok_text", expand(action.confirm->ok_text, "actions.confirm.ok_text"));
    SetIfNotEmpty(confirm, "dismiss_text",
                  expand(action.confirm->dismiss_text, "actions.confirm.dismiss_text"));
    out["confirm"] = std::move(confirm);
  }
  return out;
}

// Incoming webhooks answer a plain "ok"; the Web API answers JSON with an "ok" flag.
NotifyResult CheckSlackAnswer(const HttpResponse& response) {
  if (!response.header("Content-Type").starts_with("application/json")) {
    if (response.body == "ok") return NotifyResult::Delivered(response.status);
    return NotifyResult::Failed(false, "received an error response from Slack: " + response.body,
                                response.status);
  }
  nlohmann::json answer = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (answer.is_discarded() || !answer.is_object()) {
    return NotifyResult::Failed(true, "could not unmarshal JSON response " + GoQuote(response.body),
                                response.status);
  }
  auto ok = answer.find("ok");
  if (ok == answer.end() || !ok->is_boolean() || !ok->get<bool>()) {
    auto error = answer.find("error");
    std::string reason =
        error != answer.end() && error->is_string() ? error->get<std::string>() : "";
    return NotifyResult::Failed(false, "error response from Slack: " + reason, response.status);
  }
  return NotifyResult::Delivered(response.status);
}

}  // namespace

Result<std::string> SlackPayload(const SlackConfig& config, const MessageTemplates& templates,
                                 const Notification& notification) {
  FieldExpander expand(templates, notification);

  nlohmann::ordered_json attachment = nlohmann::ordered_json::object();
  SetIfNotEmpty(attachment, "title",
                TruncateInRunes(expand(config.title, "title"), kMaxTitleRunes));
  SetIfNotEmpty(attachment, "title_link", expand(config.title_link, "title_link"));
  SetIfNotEmpty(attachment, "pretext", expand(config.pretext, "pretext"));
  attachment["text"] = expand(config.text, "text");
  attachment["fallback"] = expand(config.fallback, "fallback");
  attachment["callback_id"] = expand(config.callback_id, "callback_id");
  if (!config.fields.empty()) {
    nlohmann::ordered_json fields = nlohmann::ordered_json::array();
    for (const auto& field : config.fields) {
      nlohmann::ordered_json f = nlohmann::ordered_json::object();
      SetIfNotEmpty(f, "title", expand(field.title, "fields.title"));
      SetIfNotEmpty(f, "value", expand(field.value, "fields.value"));
      f["short"] = field.short_field.value_or(config.short_fields);
      fields.push_back(std::move(f));
    }
    attachment["fields"] = std::move(fields);
  }
  if (!config.actions.empty()) {
    nlohmann::ordered_json actions = nlohmann::ordered_json::array();
    for (const auto& action : config.actions) actions.push_back(ActionJson(action, expand));
    attachment["actions"] = std::move(actions);
  }
  SetIfNotEmpty(attachment, "image_url", expand(config.image_url, "image_url"));
  SetIfNotEmpty(attachment, "thumb_url", expand(config.thumb_url, "thumb_url"));
  attachment["footer"] = expand(config.footer, "footer");
  SetIfNotEmpty(attachment, "color", expand(config.color, "color"));
  attachment["mrkdwn_in"] = config.mrkdwn_in.empty()
                                ? std::vector<std::string>{"fallback", "pretext", "text"}
                                : config.mrkdwn_in;

  nlohmann::ordered_json request = nlohmann::ordered_json::object();
  SetIfNotEmpty(request, "channel", expand(config.channel, "channel"));
  SetIfNotEmpty(request, "username", expand(config.username, "username"));
  SetIfNotEmpty(request, "icon_emoji", expand(config.icon_emoji, "icon_emoji"));
  SetIfNotEmpty(request, "icon_url", expand(config.icon_url, "icon_url"));
  if (config.link_names) request["link_names"] = true;
  SetIfNotEmpty(request, "text", expand(config.message_text, "message_text"));
  request["attachments"] = nlohmann::ordered_json::array({std::move(attachment)});

  if (!expand.ok()) return Error{expand.error()};
  return GoJsonEncode(request);
}

SlackNotifier::SlackNotifier(SlackConfig config, HttpClient& client,
                             const MessageTemplates& templates)
    : config_(std::move(config)), client_(client), templates_(templates) {}

NotifyResult SlackNotifier::Notify(const Notification& notification, const NotifyContext& context) {
  auto body = SlackPayload(config_, templates_, notification);
  if (!body.ok()) return NotifyResult::Failed(false, "slack template: " + body.message());

  std::string url = config_.api_url;
  if (url.empty()) {
    auto secret = ReadSecretFile(config_.api_url_file);
    if (!secret.ok()) return NotifyResult::Failed(false, "read api_url_file: " + secret.message());
    url = *secret;
  }
  if (url.empty()) return NotifyResult::Failed(false, "slack api_url is empty");

  // The channel names the failure in the log, as Alertmanager's `channel "x": ...`.
  FieldExpander expand(templates_, notification);
  std::string prefix = "channel " + GoQuote(expand(config_.channel, "channel")) + ": ";

  HttpResponse response =
      PostJson(client_, url, std::move(*body), config_.http, config_.timeout, context);
  NotifyResult result = ResultFromResponse(response, context);
  if (result.ok()) result = CheckSlackAnswer(response);
  if (!result.ok()) result.error = prefix + result.error;
  return result;
}

}  // namespace tocsin::notifiers
