// The Alertmanager configuration file (alertmanager.yml) as typed values.
//
// Loading (config_loader.h) accepts every file Alertmanager 0.34 accepts and rejects what it
// rejects, with its messages. Values here are final: global defaults are already inherited
// into receivers exactly as Alertmanager does (email smarthost/from/hello/auth/require_tls,
// Slack api_url/app_token, PagerDuty url, http_config), and the route tree's matchers are
// already parsed. Slack, email, PagerDuty and webhook integrations are fully typed; the other
// Alertmanager integrations are parsed and validated but not implemented (UnsupportedIntegration).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/alerting/matchers.h"
#include "engine/alerting/secret.h"
#include "engine/alerting/time_interval.h"
#include "storage/base/time.h"

namespace tocsin::alerting {

// Where something was declared, for messages: 1-based line and column, and the field path
// ("receivers[1].slack_configs[0]").
struct ConfigLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;

  std::string ToString() const;  // "file.yml:12:7 (receivers[1].slack_configs[0])"
};

struct HostPort {
  std::string host;
  std::string port;

  bool empty() const { return host.empty() && port.empty(); }
  std::string ToString() const;  // Go's net.JoinHostPort: "h:25", "[::1]:25"
};

struct TlsConfig {
  std::string ca, cert;
  Secret key;
  std::string ca_file, cert_file, key_file;
  std::string server_name;
  bool insecure_skip_verify = false;
  std::string min_version, max_version;  // "TLS12", ... ("" = library default)
};

struct BasicAuth {
  std::string username, username_file;
  Secret password;
  std::string password_file;
};

struct Authorization {
  std::string type = "Bearer";
  Secret credentials;
  std::string credentials_file;
};

// prometheus/common's HTTP client settings, the parts tocsin's notifiers honour; oauth2,
// http_headers and proxy_connect_header are accepted and validated but not used.
struct HttpClientConfig {
  std::optional<BasicAuth> basic_auth;
  std::optional<Authorization> authorization;  // also set by bearer_token(_file)
  bool oauth2_configured = false;
  TlsConfig tls_config;
  std::string proxy_url;
  std::string no_proxy;
  bool proxy_from_environment = false;
  bool follow_redirects = true;
  bool enable_http2 = true;
};

struct GlobalConfig {
  DurationMs resolve_timeout = 5 * kMinute;
  HttpClientConfig http_config;

  std::string smtp_from;
  std::string smtp_hello = "localhost";
  HostPort smtp_smarthost;
  std::string smtp_auth_username;
  Secret smtp_auth_password;
  std::string smtp_auth_password_file;
  Secret smtp_auth_secret;
  std::string smtp_auth_secret_file;
  std::string smtp_auth_identity;
  bool smtp_require_tls = true;
  TlsConfig smtp_tls_config;
  std::optional<bool> smtp_force_implicit_tls;

  std::optional<Secret> slack_api_url;
  std::string slack_api_url_file;
  Secret slack_app_token;
  std::string slack_app_token_file;
  std::string slack_app_url = "https://slack.com/api/chat.postMessage";

  std::string pagerduty_url = "https://events.pagerduty.com/v2/enqueue";

  // The other integrations' globals, kept as strings (secrets as Secret) for completeness.
  std::string opsgenie_api_url = "https://api.opsgenie.com/";
  Secret opsgenie_api_key;
  std::string opsgenie_api_key_file;
  std::string wechat_api_url = "https://qyapi.weixin.qq.com/cgi-bin/";
  Secret wechat_api_secret;
  std::string wechat_api_secret_file;
  std::string wechat_api_corp_id;
  std::string victorops_api_url =
      "https://alert.victorops.com/integrations/generic/20131114/alert/";
  Secret victorops_api_key;
  std::string victorops_api_key_file;
  std::string telegram_api_url = "https://api.telegram.org";
  Secret telegram_bot_token;
  std::string telegram_bot_token_file;
  std::string webex_api_url = "https://webexapis.com/v1/messages";
  std::string rocketchat_api_url = "https://open.rocket.chat/";
  std::optional<Secret> rocketchat_token;
  std::string rocketchat_token_file;
  std::optional<Secret> rocketchat_token_id;
  std::string rocketchat_token_id_file;
  std::optional<Secret> mattermost_webhook_url;
  std::string mattermost_webhook_url_file;
  std::string jira_api_url;
};

// ---- Integrations tocsin implements.

struct SlackField {
  std::string title, value;
  std::optional<bool> short_field;
};

struct SlackConfirmation {
  std::string text, title, ok_text, dismiss_text;
};

struct SlackAction {
  std::string type, text, url, style, name, value;
  std::optional<SlackConfirmation> confirm;
};

// Fields holding Go templates keep Alertmanager's default template invocations.
struct SlackConfig {
  bool send_resolved = false;
  HttpClientConfig http_config;  // global http_config when not given
  // The URL posted to: the incoming webhook, or app_url when a bot token is used (then
  // http_config.authorization carries the token, as upstream arranges it).
  std::optional<Secret> api_url;
  std::string api_url_file;
  Secret app_token;
  std::string app_token_file;
  std::string app_url;

  std::string channel;
  std::string username = R"({{ template "slack.default.username" . }})";
  std::string color = R"({{ template "slack.default.color" . }})";
  std::string title = R"({{ template "slack.default.title" . }})";
  std::string title_link = R"({{ template "slack.default.titlelink" . }})";
  std::string pretext = R"({{ template "slack.default.pretext" . }})";
  std::string text = R"({{ template "slack.default.text" . }})";
  std::string message_text;
  std::vector<SlackField> fields;
  bool short_fields = false;
  std::string footer = R"({{ template "slack.default.footer" . }})";
  std::string fallback = R"({{ template "slack.default.fallback" . }})";
  std::string callback_id = R"({{ template "slack.default.callbackid" . }})";
  std::string icon_emoji = R"({{ template "slack.default.iconemoji" . }})";
  std::string icon_url = R"({{ template "slack.default.iconurl" . }})";
  std::string image_url, thumb_url;
  bool link_names = false;
  std::vector<std::string> mrkdwn_in;
  std::vector<SlackAction> actions;
  bool update_message = false;
  DurationMs timeout = 0;  // 0 = none
};

struct EmailThreading {
  bool enabled = false;
  std::string thread_by_date;  // "daily" | "none"
};

struct EmailConfig {
  bool send_resolved = false;
  std::string to;  // comma-separated addresses
  std::string from;
  std::string hello;
  HostPort smarthost;
  std::string auth_username;
  Secret auth_password;
  std::string auth_password_file;
  Secret auth_secret;
  std::string auth_secret_file;
  std::string auth_identity;
  // Canonical MIME header names (Go's textproto.CanonicalMIMEHeaderKey).
  std::map<std::string, std::string> headers;
  std::string html = R"({{ template "email.default.html" . }})";
  std::string text;
  bool require_tls = true;
  std::optional<bool> force_implicit_tls;  // nullopt: implicit TLS on port 465 only
  TlsConfig tls_config;
  EmailThreading threading;
};

// The Subject header used when `headers` has none.
inline constexpr const char* kDefaultEmailSubject = R"({{ template "email.default.subject" . }})";

struct PagerdutyImage {
  std::string src, alt, href;
};

struct PagerdutyLink {
  std::string href, text;
};

struct PagerdutyConfig {
  bool send_resolved = true;
  HttpClientConfig http_config;
  Secret service_key;
  std::string service_key_file;
  Secret routing_key;
  std::string routing_key_file;
  std::string url;  // global pagerduty_url when not given
  std::string client = R"({{ template "pagerduty.default.client" . }})";
  std::string client_url = R"({{ template "pagerduty.default.clientURL" . }})";
  std::string description = R"({{ template "pagerduty.default.description" .}})";
  // String leaves are templates; nested objects are allowed (Events API v2). Alertmanager's
  // defaults (firing, resolved, num_firing, num_resolved) are filled in for missing keys.
  nlohmann::json details = nlohmann::json::object();
  std::vector<PagerdutyImage> images;
  std::vector<PagerdutyLink> links;
  std::string source;  // = client when not given
  std::string severity;
  std::string class_name;
  std::string component;
  std::string group;
  DurationMs timeout = 0;
};

struct WebhookConfig {
  bool send_resolved = true;
  HttpClientConfig http_config;
  Secret url;  // may be a template
  std::string url_file;
  uint64_t max_alerts = 0;  // 0 = all
  DurationMs timeout = 0;
  std::optional<nlohmann::json> payload;  // templated custom body (Alertmanager 0.32+)
};

// An integration Alertmanager has and tocsin does not (opsgenie_configs, victorops_configs,
// wechat_configs, telegram_configs, ...): parsed and validated as upstream does so that existing
// files load; a notification routed to it is refused at notify time (and recorded).
struct UnsupportedIntegration {
  std::string kind;  // "opsgenie"
  bool send_resolved = true;
  ConfigLocation location;
};

// An integration switched off because the `${VAR:-}` reference that should have given its
// destination is unset (see docs/alerting.md). The receiver keeps its other integrations.
struct DisabledIntegration {
  std::string integration;  // "slack_configs[0]"
  std::string reason;       // "SLACK_WEBHOOK_URL is not set"
  ConfigLocation location;
};

struct ReceiverConfig {
  std::string name;
  std::map<std::string, std::string> labels;  // always has "name" = name
  std::vector<SlackConfig> slack_configs;
  std::vector<EmailConfig> email_configs;
  std::vector<PagerdutyConfig> pagerduty_configs;
  std::vector<WebhookConfig> webhook_configs;
  std::vector<UnsupportedIntegration> unsupported_configs;
  std::vector<DisabledIntegration> disabled_configs;
  ConfigLocation location;

  // Integrations tocsin delivers to.
  size_t active_integration_count() const {
    return slack_configs.size() + email_configs.size() + pagerduty_configs.size() +
           webhook_configs.size();
  }
};

// One `route:` node as written; RouteTree (route_tree.h) turns it into the routing structure.
struct RouteConfig {
  std::string receiver;  // "" = inherit
  // Labels in `group_by` other than "..."; nullopt when `group_by` is not given (inherit). An
  // explicitly empty list overrides the parent's.
  std::optional<std::vector<std::string>> group_by;
  bool group_by_all = false;  // group_by: ['...']
  // Deprecated forms, kept as written; `match_re` values without the anchoring.
  std::map<std::string, std::string> match;
  std::map<std::string, std::string> match_re;
  Matchers matchers;  // `matchers:` entries, parsed and sorted
  std::vector<std::string> mute_time_intervals;
  std::vector<std::string> active_time_intervals;
  bool continue_matching = false;
  std::vector<RouteConfig> routes;
  std::optional<DurationMs> group_wait, group_interval, repeat_interval;
  std::map<std::string, std::string> labels;  // route labels (0.34), inherited by children
  // tocsin's extension: send `resolved` for alerts notified as firing that then got silenced or
  // inhibited (docs/pipeline.md). Inherited by children unless set; nullopt = not set.
  std::optional<bool> notify_resolved_on_mute;
  ConfigLocation location;

  // All of this node's matchers as Alertmanager's dispatcher builds them: match as equality,
  // match_re as `^(?:re)$` regexes, then `matchers`, sorted.
  Matchers AllMatchers() const;
};

// The legacy `match` / `match_re` maps of a route or an inhibit rule as matchers, followed by its
// `matchers`, in that order: match as equality, match_re as `^(?:re)$` regexes (Alertmanager
// anchors the already anchored expression once more, so the matcher's value reads that way).
Matchers LegacyAndNewMatchers(const std::map<std::string, std::string>& match,
                              const std::map<std::string, std::string>& match_re,
                              const Matchers& matchers);

struct InhibitRuleConfig {
  std::string name;
  std::map<std::string, std::string> source_match, target_match;
  std::map<std::string, std::string> source_match_re, target_match_re;
  Matchers source_matchers, target_matchers;
  std::vector<std::string> equal;
  ConfigLocation location;
};

struct Config {
  GlobalConfig global;
  RouteConfig route;
  std::vector<InhibitRuleConfig> inhibit_rules;
  std::vector<ReceiverConfig> receivers;
  // Template globs, joined to the config file's directory when relative (as upstream does).
  std::vector<std::string> templates;
  std::vector<NamedTimeInterval> mute_time_intervals;  // deprecated spelling
  std::vector<NamedTimeInterval> time_intervals;

  std::string file;      // "" when loaded from a string
  std::string original;  // the YAML text
  // Non-fatal findings: matcher syntax fallbacks, unsupported integrations, integrations
  // switched off by unset optional variables.
  std::vector<std::string> warnings;

  const ReceiverConfig* FindReceiver(const std::string& name) const;
  // From either list; nullptr when not defined.
  const NamedTimeInterval* FindTimeInterval(const std::string& name) const;
};

}  // namespace tocsin::alerting
