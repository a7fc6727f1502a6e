// Slack: an incoming webhook (api_url), or chat.postMessage with an app token (api_url =
// app_url, the token sent as "Authorization: Bearer" through http.authorization_credentials —
// the configuration maps app_token there, as Alertmanager does).
//
// Every text field is a template; the defaults are Alertmanager's: title = the subject line,
// title_link = the alert list in the UI, color danger/good by status, username from the defaults,
// fallback "title | link", everything else empty. The request body is Alertmanager's
// (notify/slack/types.go): channel, username, icon_emoji, icon_url, link_names, text and one
// attachment (title, title_link, pretext, text, fallback, callback_id, fields, actions,
// image_url, thumb_url, footer, color, mrkdwn_in), omitting empty optional fields as Go does.
//
// Slack answers an incoming webhook with 200 and the body "ok", and the Web API with 200 and
// JSON {"ok": false, "error": "..."} on failure: both failures are permanent, as in
// Alertmanager; an unreadable JSON answer is retried.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "notifiers/http_client.h"
#include "notifiers/message_templates.h"
#include "notifiers/notifier.h"

namespace tocsin::notifiers {

struct SlackField {
  std::string title;  // templates
  std::string value;
  std::optional<bool> short_field;  // unset: the config's short_fields
};

struct SlackConfirm {
  std::string text;
  std::string title;
  std::string ok_text;
  std::string dismiss_text;
};

// A button: either a link (url) or an interactive action (name/value).
struct SlackAction {
  std::string type;
  std::string text;
  std::string url;
  std::string style;
  std::string name;
  std::string value;
  std::optional<SlackConfirm> confirm;
};

struct SlackConfig {
  HttpClientConfig http;
  std::string api_url;       // incoming webhook URL, or https://slack.com/api/chat.postMessage
  std::string api_url_file;  // read at send time when api_url is empty

  std::string channel;
  std::string username = R"({{ template "slack.default.username" . }})";
  std::string color = R"({{ template "slack.default.color" . }})";
  std::string title = R"({{ template "slack.default.title" . }})";
  std::string title_link = R"({{ template "slack.default.titlelink" . }})";
  std::string pretext = R"({{ template "slack.default.pretext" . }})";
  std::string text = R"({{ template "slack.default.text" . }})";
  std::string message_text;  // the top-level "text", outside the attachment
  std::vector<SlackField> fields;
  bool short_fields = false;
  std::string footer = R"({{ template "slack.default.footer" . }})";
  std::string fallback = R"({{ template "slack.default.fallback" . }})";
  std::string callback_id = R"({{ template "slack.default.callbackid" . }})";
  std::string icon_emoji = R"({{ template "slack.default.iconemoji" . }})";
  std::string icon_url = R"({{ template "slack.default.iconurl" . }})";
  std::string image_url;
  std::string thumb_url;
  bool link_names = false;
  std::vector<std::string> mrkdwn_in;  // empty: fallback, pretext, text
  std::vector<SlackAction> actions;
  DurationMs timeout = 0;  // 0: only the retry deadline limits an attempt
  bool send_resolved = false;
};

// Renders the request body (with Go's trailing newline); errors name the failing field.
Result<std::string> SlackPayload(const SlackConfig& config, const MessageTemplates& templates,
                                 const Notification& notification);

class SlackNotifier final : public Notifier {
 public:
  SlackNotifier(SlackConfig config, HttpClient& client, const MessageTemplates& templates);

  std::string_view integration() const override { return "slack"; }
  bool send_resolved() const override { return config_.send_resolved; }
  NotifyResult Notify(const Notification& notification, const NotifyContext& context) override;

 private:
  SlackConfig config_;
  HttpClient& client_;
  const MessageTemplates& templates_;
};

}  // namespace tocsin::notifiers
