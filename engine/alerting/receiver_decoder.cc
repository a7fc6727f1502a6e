// Receivers: Slack, email, PagerDuty and webhook integrations typed in full; Alertmanager's
// other integrations parsed against their field lists and checked as upstream checks them.
#include <algorithm>
#include <cctype>

#include "engine/alerting/config_decoders.h"

namespace tocsin::alerting::internal {
namespace {

// Go's textproto.CanonicalMIMEHeaderKey for header names made of letters, digits and '-'.
std::string CanonicalHeaderKey(const std::string& s) {
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return s;
  }
  std::string out = s;
  bool upper = true;
  for (char& c : out) {
    c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c))
                                : std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return out;
}

void CollectUnset(const Decoder& d, IntegrationDraftBase& draft) {
  if (draft.decoded) return;
  draft.unset.AddRange(d, draft.optional_begin, d.unset_optional().size());
  for (size_t i = draft.required_begin; i < d.unset_required().size(); ++i) {
    draft.unset_required.Add(d.unset_required()[i].name);
  }
}

// Runs `decode` over an integration's node and records which unset optional variables it used.
template <typename Draft, typename Fn>
void DecodeIntegration(Decoder& d, const YAML::Node& n, Draft& draft, const std::string& label,
                       Fn&& decode) {
  draft.pos = d.Pos(n);
  draft.label = label;
  draft.optional_begin = d.unset_optional().size();
  draft.required_begin = d.unset_required().size();
  decode();
  CollectUnset(d, draft);
  draft.decoded = true;
}

// A missing destination: switch the integration off when an unset `${VAR:-}` explains it,
// otherwise fail as Alertmanager does.
// An unset `${VAR}` also switches it off here; using such a receiver is an error reported later.
void MissingOrDisable(Decoder& d, IntegrationDraftBase& draft, const UnsetOptionals& unset,
                      const std::string& message) {
  CollectUnset(d, draft);
  UnsetOptionals all = draft.unset_required;
  for (const std::string& name : unset.names) all.Add(name);
  for (const std::string& name : draft.unset.names) all.Add(name);
  if (all.names.empty()) d.Fail(draft.pos, message);
  draft.disabled = true;
  draft.disabled_reason = all.Reason();
}

// ---- Slack.

SlackField DecodeSlackField(Decoder& d, const YAML::Node& n) {
  SlackField f;
  const size_t errors = d.type_error_count();
  if (!d.Struct(n, "config.plain",
                [&](const std::string& k, const YAML::Node& v) {
                  if (k == "title")
                    f.title = d.String(v);
                  else if (k == "value")
                    f.value = d.String(v);
                  else if (k == "short")
                    f.short_field = d.Bool(v);
                  else
                    return false;
                  return true;
                }) ||
      d.type_error_count() != errors) {
    return f;
  }
  if (f.title.empty()) d.Fail(n, "missing title in Slack field configuration");
  if (f.value.empty()) d.Fail(n, "missing value in Slack field configuration");
  return f;
}

SlackAction DecodeSlackAction(Decoder& d, const YAML::Node& n) {
  SlackAction a;
  const size_t errors = d.type_error_count();
  if (!d.Struct(n, "config.plain",
                [&](const std::string& k, const YAML::Node& v) {
                  if (k == "type")
                    a.type = d.String(v);
                  else if (k == "text")
                    a.text = d.String(v);
                  else if (k == "url")
                    a.url = d.String(v);
                  else if (k == "style")
                    a.style = d.String(v);
                  else if (k == "name")
                    a.name = d.String(v);
                  else if (k == "value")
                    a.value = d.String(v);
                  else if (k == "confirm") {
                    if (Decoder::IsNull(v)) return true;
                    SlackConfirmation c;
                    const size_t inner = d.type_error_count();
                    d.Struct(v, "config.plain", [&](const std::string& ck, const YAML::Node& cv) {
                      if (ck == "text")
                        c.text = d.String(cv);
                      else if (ck == "title")
                        c.title = d.String(cv);
                      else if (ck == "ok_text")
                        c.ok_text = d.String(cv);
                      else if (ck == "dismiss_text")
                        c.dismiss_text = d.String(cv);
                      else
                        return false;
                      return true;
                    });
                    if (d.type_error_count() == inner && c.text.empty()) {
                      d.Fail(v, "missing text in Slack confirmation configuration");
                    }
                    a.confirm = c;
                  } else
                    return false;
                  return true;
                }) ||
      d.type_error_count() != errors) {
    return a;
  }
  if (a.type.empty()) d.Fail(n, "missing type in Slack action configuration");
  if (a.text.empty()) d.Fail(n, "missing text in Slack action configuration");
  if (!a.url.empty()) {
    a.name.clear();
    a.value.clear();
    a.confirm.reset();
  } else if (a.name.empty()) {
    d.Fail(n, "missing name or url in Slack action configuration");
  }
  return a;
}

SlackDraft DecodeSlack(Decoder& d, const YAML::Node& n, const std::string& label) {
  SlackDraft draft;
  DecodeIntegration(d, n, draft, label, [&] {
    SlackConfig& c = draft.cfg;
    if (Decoder::IsNull(n)) {
      c = SlackConfig{};  // Alertmanager substitutes an empty config for a null entry
      return;
    }
    const size_t errors = d.type_error_count();
    d.Struct(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
      if (k == "send_resolved")
        c.send_resolved = d.Bool(v);
      else if (k == "http_config") {
        if (!Decoder::IsNull(v)) {
          c.http_config = DecodeHttpConfig(d, v);
          draft.has_http_config = true;
        }
      } else if (k == "api_url")
        c.api_url = DecodeSecretUrl(d, v);
      else if (k == "api_url_file")
        c.api_url_file = d.String(v);
      else if (k == "app_token")
        c.app_token = DecodeSecret(d, v);
      else if (k == "app_token_file")
        c.app_token_file = d.String(v);
      else if (k == "app_url") {
        if (auto u = DecodeUrl(d, v)) {
          c.app_url = *u;
          draft.has_app_url = true;
        }
      } else if (k == "channel")
        c.channel = d.String(v);
      else if (k == "username")
        c.username = d.String(v);
      else if (k == "color")
        c.color = d.String(v);
      else if (k == "title")
        c.title = d.String(v);
      else if (k == "title_link")
        c.title_link = d.String(v);
      else if (k == "pretext")
        c.pretext = d.String(v);
      else if (k == "text")
        c.text = d.String(v);
      else if (k == "message_text")
        c.message_text = d.String(v);
      else if (k == "fields") {
        d.List(v, "[]*config.SlackField", [&](size_t, const YAML::Node& item) {
          c.fields.push_back(DecodeSlackField(d, item));
        });
      } else if (k == "short_fields")
        c.short_fields = d.Bool(v);
      else if (k == "footer")
        c.footer = d.String(v);
      else if (k == "fallback")
        c.fallback = d.String(v);
      else if (k == "callback_id")
        c.callback_id = d.String(v);
      else if (k == "icon_emoji")
        c.icon_emoji = d.String(v);
      else if (k == "icon_url")
        c.icon_url = d.String(v);
      else if (k == "image_url")
        c.image_url = d.String(v);
      else if (k == "thumb_url")
        c.thumb_url = d.String(v);
      else if (k == "link_names")
        c.link_names = d.Bool(v);
      else if (k == "mrkdwn_in")
        c.mrkdwn_in = d.StringList(v);
      else if (k == "actions") {
        d.List(v, "[]*config.SlackAction", [&](size_t, const YAML::Node& item) {
          c.actions.push_back(DecodeSlackAction(d, item));
        });
      } else if (k == "update_message")
        c.update_message = d.Bool(v);
      else if (k == "timeout")
        c.timeout = d.GoDuration(v);
      else
        return false;
      return true;
    });
    if (d.type_error_count() != errors) return;
    if (c.api_url && !c.api_url_file.empty()) {
      d.Fail(n, "at most one of api_url & api_url_file must be configured");
    }
    if (!c.app_token.empty() && !c.app_token_file.empty()) {
      d.Fail(n, "at most one of app_token & app_token_file must be configured");
    }
    if ((c.api_url || !c.api_url_file.empty()) &&
        (!c.app_token.empty() || !c.app_token_file.empty())) {
      d.Fail(n,
             "at most one of api_url/api_url_file & app_token/app_token_file must be "
             "configured");
    }
    if (c.update_message &&
        (!c.api_url || c.api_url->reveal() != "https://slack.com/api/chat.postMessage")) {
      d.Fail(n,
             "update_message can only be used with bot tokens. api_url must be set to "
             "https://slack.com/api/chat.postMessage");
    }
  });
  return draft;
}

// ---- Email.

EmailDraft DecodeEmail(Decoder& d, const YAML::Node& n, const std::string& label) {
  EmailDraft draft;
  DecodeIntegration(d, n, draft, label, [&] {
    EmailConfig& c = draft.cfg;
    if (Decoder::IsNull(n)) {
      draft.is_null = true;
      return;
    }
    const size_t errors = d.type_error_count();
    bool has_to = false;
    d.Struct(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
      if (k == "send_resolved")
        c.send_resolved = d.Bool(v);
      else if (k == "to") {
        if (auto s = d.OptString(v)) c.to = *s;
        has_to = true;
      } else if (k == "from")
        c.from = d.String(v);
      else if (k == "hello")
        c.hello = d.String(v);
      else if (k == "smarthost")
        c.smarthost = DecodeHostPort(d, v);
      else if (k == "auth_username")
        c.auth_username = d.String(v);
      else if (k == "auth_password")
        c.auth_password = DecodeSecret(d, v);
      else if (k == "auth_password_file")
        c.auth_password_file = d.String(v);
      else if (k == "auth_secret")
        c.auth_secret = DecodeSecret(d, v);
      else if (k == "auth_secret_file")
        c.auth_secret_file = d.String(v);
      else if (k == "auth_identity")
        c.auth_identity = d.String(v);
      else if (k == "headers")
        c.headers = d.StringMap(v);
      else if (k == "html")
        c.html = d.String(v);
      else if (k == "text")
        c.text = d.String(v);
      else if (k == "require_tls") {
        if (!Decoder::IsNull(v)) {
          c.require_tls = d.Bool(v);
          draft.has_require_tls = true;
        }
      } else if (k == "tls_config") {
        if (!Decoder::IsNull(v)) {
          c.tls_config = DecodeTlsConfig(d, v);
          draft.has_tls_config = true;
        }
      } else if (k == "force_implicit_tls") {
        if (!Decoder::IsNull(v)) c.force_implicit_tls = d.Bool(v);
      } else if (k == "threading") {
        d.Struct(v, "config.ThreadingConfig", [&](const std::string& tk, const YAML::Node& tv) {
          if (tk == "enabled")
            c.threading.enabled = d.Bool(tv);
          else if (tk == "thread_by_date")
            c.threading.thread_by_date = d.String(tv);
          else
            return false;
          return true;
        });
      } else
        return false;
      return true;
    });
    (void)has_to;
    if (d.type_error_count() != errors) return;
    if (c.to.empty()) {
      MissingOrDisable(d, draft, draft.unset, "missing to address in email config");
      return;
    }
    std::map<std::string, std::string> canonical;
    for (const auto& [name, value] : c.headers) {
      const std::string key = CanonicalHeaderKey(name);
      if (!canonical.emplace(key, value).second) {
        d.Fail(n, "duplicate header \"" + key + "\" in email config");
      }
    }
    c.headers = std::move(canonical);
    if (c.threading.enabled) {
      if (c.headers.count("References")) {
        d.Fail(n,
               "conflicting configuration: threading.enabled conflicts with custom References "
               "header");
      }
      if (c.headers.count("In-Reply-To")) {
        d.Fail(n,
               "conflicting configuration: threading.enabled conflicts with custom "
               "In-Reply-To header");
      }
      if (c.threading.thread_by_date != "none" && c.threading.thread_by_date != "daily") {
        d.Fail(n, "threading.thread_by_date must be either 'none' or 'daily'");
      }
    }
  });
  return draft;
}

// ---- PagerDuty.

nlohmann::json YamlToJson(Decoder& d, const YAML::Node& n) {
  if (Decoder::IsNull(n)) return nullptr;
  if (n.IsMap()) {
    nlohmann::json obj = nlohmann::json::object();
    for (const auto& kv : n) obj[kv.first.Scalar()] = YamlToJson(d, kv.second);
    return obj;
  }
  if (n.IsSequence()) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& item : n) arr.push_back(YamlToJson(d, item));
    return arr;
  }
  const std::string tag = ShortTag(n);
  if (tag == "!!bool") return d.Bool(n);
  if (tag == "!!int") return d.Int(n, "int");
  if (tag == "!!float") return d.Float(n);
  return d.String(n);
}

PagerdutyDraft DecodePagerduty(Decoder& d, const YAML::Node& n, const std::string& label) {
  PagerdutyDraft draft;
  DecodeIntegration(d, n, draft, label, [&] {
    PagerdutyConfig& c = draft.cfg;
    if (Decoder::IsNull(n)) {
      draft.is_null = true;
      return;
    }
    const size_t errors = d.type_error_count();
    bool has_source = false;
    d.Struct(n, "pagerduty.plain", [&](const std::string& k, const YAML::Node& v) {
      if (k == "send_resolved")
        c.send_resolved = d.Bool(v);
      else if (k == "http_config") {
        if (!Decoder::IsNull(v)) {
          c.http_config = DecodeHttpConfig(d, v);
          draft.has_http_config = true;
        }
      } else if (k == "service_key")
        c.service_key = DecodeSecret(d, v);
      else if (k == "service_key_file")
        c.service_key_file = d.String(v);
      else if (k == "routing_key")
        c.routing_key = DecodeSecret(d, v);
      else if (k == "routing_key_file")
        c.routing_key_file = d.String(v);
      else if (k == "url") {
        if (auto u = DecodeUrl(d, v)) {
          c.url = *u;
          draft.has_url = true;
        }
      } else if (k == "client")
        c.client = d.String(v);
      else if (k == "client_url")
        c.client_url = d.String(v);
      else if (k == "description")
        c.description = d.String(v);
      else if (k == "details") {
        if (Decoder::IsNull(v)) return true;
        if (!v.IsMap()) {
          d.TypeError(v, "map[string]interface {}");
          return true;
        }
        c.details = YamlToJson(d, v);
      } else if (k == "images") {
        d.List(v, "[]pagerduty.PagerdutyImage", [&](size_t, const YAML::Node& item) {
          PagerdutyImage img;
          d.Struct(item, "pagerduty.PagerdutyImage",
                   [&](const std::string& ik, const YAML::Node& iv) {
                     if (ik == "src")
                       img.src = d.String(iv);
                     else if (ik == "alt")
                       img.alt = d.String(iv);
                     else if (ik == "href")
                       img.href = d.String(iv);
                     else
                       return false;
                     return true;
                   });
          c.images.push_back(img);
        });
      } else if (k == "links") {
        d.List(v, "[]pagerduty.PagerdutyLink", [&](size_t, const YAML::Node& item) {
          PagerdutyLink link;
          d.Struct(item, "pagerduty.PagerdutyLink",
                   [&](const std::string& lk, const YAML::Node& lv) {
                     if (lk == "href")
                       link.href = d.String(lv);
                     else if (lk == "text")
                       link.text = d.String(lv);
                     else
                       return false;
                     return true;
                   });
          c.links.push_back(link);
        });
      } else if (k == "source") {
        c.source = d.String(v);
        has_source = true;
      } else if (k == "severity")
        c.severity = d.String(v);
      else if (k == "class")
        c.class_name = d.String(v);
      else if (k == "component")
        c.component = d.String(v);
      else if (k == "group")
        c.group = d.String(v);
      else if (k == "timeout")
        c.timeout = d.GoDuration(v);
      else
        return false;
      return true;
    });
    (void)has_source;
    if (d.type_error_count() != errors) return;
    if (c.routing_key.empty() && c.service_key.empty() && c.routing_key_file.empty() &&
        c.service_key_file.empty()) {
      MissingOrDisable(d, draft, draft.unset, "missing service or routing key in PagerDuty config");
      return;
    }
    if (!c.routing_key.empty() && !c.routing_key_file.empty()) {
      d.Fail(n, "at most one of routing_key & routing_key_file must be configured");
    }
    if (!c.service_key.empty() && !c.service_key_file.empty()) {
      d.Fail(n, "at most one of service_key & service_key_file must be configured");
    }
    if (c.source.empty()) c.source = c.client;
    static const std::pair<const char*, const char*> kDefaultDetails[] = {
        {"firing", "{{ .Alerts.Firing | toJson }}"},
        {"resolved", "{{ .Alerts.Resolved | toJson }}"},
        {"num_firing", "{{ .Alerts.Firing | len }}"},
        {"num_resolved", "{{ .Alerts.Resolved | len }}"}};
    for (const auto& [key, value] : kDefaultDetails) {
      if (!c.details.contains(key)) c.details[key] = value;
    }
  });
  return draft;
}

// ---- Webhook.

WebhookDraft DecodeWebhook(Decoder& d, const YAML::Node& n, const std::string& label) {
  WebhookDraft draft;
  DecodeIntegration(d, n, draft, label, [&] {
    WebhookConfig& c = draft.cfg;
    if (Decoder::IsNull(n)) {
      draft.is_null = true;
      return;
    }
    const size_t errors = d.type_error_count();
    d.Struct(n, "webhook.plain", [&](const std::string& k, const YAML::Node& v) {
      if (k == "send_resolved")
        c.send_resolved = d.Bool(v);
      else if (k == "http_config") {
        if (!Decoder::IsNull(v)) {
          c.http_config = DecodeHttpConfig(d, v);
          draft.has_http_config = true;
        }
      } else if (k == "url") {
        const std::string s = d.String(v);
        // A template is checked when rendered; a literal URL must be valid now.
        if (!s.empty() && s != "<secret>" && s.find("{{") == std::string::npos && v.IsScalar()) {
          if (!DecodeUrl(d, v)) return true;
        }
        c.url = Secret(s);
      } else if (k == "url_file")
        c.url_file = d.String(v);
      else if (k == "max_alerts")
        c.max_alerts = d.Uint(v, "uint64");
      else if (k == "timeout")
        c.timeout = d.GoDuration(v);
      else if (k == "payload") {
        if (!Decoder::IsNull(v)) c.payload = YamlToJson(d, v);
      } else
        return false;
      return true;
    });
    if (d.type_error_count() != errors) return;
    if (c.url.empty() && c.url_file.empty()) {
      MissingOrDisable(d, draft, draft.unset, "one of url or url_file must be configured");
      return;
    }
    if (!c.url.empty() && !c.url_file.empty()) {
      d.Fail(n, "at most one of url & url_file must be configured");
    }
  });
  return draft;
}

// ---- Alertmanager's other integrations: field lists and upstream's checks.

enum class FieldKind {
  kString,
  kBool,
  kInt,
  kUint,
  kGoDuration,
  kModelDuration,
  kUrl,
  kSecretUrl,
  kHttpConfig,
  kStringMap,
  kStringList,
  kAny
};

struct FieldSpec {
  const char* name;
  FieldKind kind;
};

struct IntegrationSpec {
  const char* list_key;  // "opsgenie_configs"
  const char* kind;      // "opsgenie"
  const char* go_type;   // "opsgenie.plain"
  bool send_resolved_default;
  std::vector<FieldSpec> fields;
  // Upstream's UnmarshalYAML checks on the decoded strings; returns "" when valid.
  std::string (*check)(OtherDraft& draft, const std::map<std::string, std::string>& values);
};

using FK = FieldKind;

std::string Has2(const std::map<std::string, std::string>& v, const char* a, const char* b,
                 const std::string& message) {
  auto has = [&](const char* k) {
    auto it = v.find(k);
    return it != v.end() && !it->second.empty();
  };
  return has(a) && has(b) ? message : "";
}

bool Has(const std::map<std::string, std::string>& v, const char* k) {
  auto it = v.find(k);
  return it != v.end() && !it->second.empty();
}

const std::vector<IntegrationSpec>& OtherIntegrations() {
  static const std::vector<IntegrationSpec> specs = {
      {"pushover_configs",
       "pushover",
       "pushover.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"user_key", FK::kString},
        {"user_key_file", FK::kString},
        {"token", FK::kString},
        {"token_file", FK::kString},
        {"title", FK::kString},
        {"message", FK::kString},
        {"url", FK::kString},
        {"url_title", FK::kString},
        {"device", FK::kString},
        {"sound", FK::kString},
        {"priority", FK::kString},
        {"retry", FK::kAny},
        {"expire", FK::kAny},
        {"ttl", FK::kAny},
        {"html", FK::kBool},
        {"monospace", FK::kBool}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) -> std::string {
         if (!Has(v, "user_key") && !Has(v, "user_key_file"))
           return "one of user_key or user_key_file must be configured";
         if (auto e = Has2(v, "user_key", "user_key_file",
                           "at most one of user_key & user_key_file must be configured");
             !e.empty())
           return e;
         if (!Has(v, "token") && !Has(v, "token_file"))
           return "one of token or token_file must be configured";
         if (auto e = Has2(v, "token", "token_file",
                           "at most one of token & token_file must be configured");
             !e.empty())
           return e;
         if (v.count("html") && v.at("html") == "true" && v.count("monospace") &&
             v.at("monospace") == "true")
           return "at most one of monospace & html must be configured";
         return "";
       }},
      {"opsgenie_configs",
       "opsgenie",
       "opsgenie.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"api_key", FK::kString},
        {"api_key_file", FK::kString},
        {"api_url", FK::kUrl},
        {"message", FK::kString},
        {"description", FK::kString},
        {"source", FK::kString},
        {"details", FK::kStringMap},
        {"entity", FK::kString},
        {"responders", FK::kAny},
        {"actions", FK::kString},
        {"tags", FK::kString},
        {"note", FK::kString},
        {"priority", FK::kString},
        {"update_alerts", FK::kBool}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) {
         return Has2(v, "api_key", "api_key_file",
                     "at most one of api_key & api_key_file must be configured");
       }},
      {"wechat_configs",
       "wechat",
       "config.plain",
       false,
       {{"http_config", FK::kHttpConfig},
        {"api_secret", FK::kString},
        {"api_secret_file", FK::kString},
        {"corp_id", FK::kString},
        {"message", FK::kString},
        {"api_url", FK::kUrl},
        {"to_user", FK::kString},
        {"to_party", FK::kString},
        {"to_tag", FK::kString},
        {"agent_id", FK::kString},
        {"message_type", FK::kString}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) -> std::string {
         const std::string type = v.count("message_type") ? v.at("message_type") : "";
         if (!type.empty() && type != "text" && type != "markdown")
           return "weChat message type \"" + type +
                  "\" does not match valid options ^(text|markdown)$";
         return Has2(v, "api_secret", "api_secret_file",
                     "at most one of api_secret & api_secret_file must be configured");
       }},
      {"victorops_configs",
       "victorops",
       "config.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"api_key", FK::kString},
        {"api_key_file", FK::kString},
        {"api_url", FK::kUrl},
        {"routing_key", FK::kString},
        {"message_type", FK::kString},
        {"state_message", FK::kString},
        {"entity_display_name", FK::kString},
        {"monitoring_tool", FK::kString},
        {"custom_fields", FK::kStringMap}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) -> std::string {
         if (!Has(v, "routing_key")) return "missing Routing key in VictorOps config";
         return Has2(v, "api_key", "api_key_file",
                     "at most one of api_key & api_key_file must be configured");
       }},
      {"sns_configs",
       "sns",
       "sns.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"api_url", FK::kString},
        {"sigv4", FK::kAny},
        {"topic_arn", FK::kString},
        {"phone_number", FK::kString},
        {"target_arn", FK::kString},
        {"subject", FK::kString},
        {"message", FK::kString},
        {"attributes", FK::kStringMap},
        {"use_aws_http_client", FK::kBool}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) -> std::string {
         // Upstream's chained != accepts exactly one or all three of the targets.
         const bool target = !Has(v, "target_arn"), topic = !Has(v, "topic_arn"),
                    phone = !Has(v, "phone_number");
         if ((target != topic) != phone)
           return "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config";
         return "";
       }},
      {"telegram_configs",
       "telegram",
       "telegram.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"api_url", FK::kUrl},
        {"bot_token", FK::kString},
        {"bot_token_file", FK::kString},
        {"chat_id", FK::kInt},
        {"chat_id_file", FK::kString},
        {"message_thread_id", FK::kInt},
        {"message", FK::kString},
        {"disable_notifications", FK::kBool},
        {"parse_mode", FK::kString}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) -> std::string {
         if (auto e = Has2(v, "bot_token", "bot_token_file",
                           "at most one of bot_token & bot_token_file must be configured");
             !e.empty())
           return e;
         const bool chat = Has(v, "chat_id") && v.at("chat_id") != "0";
         if (!chat && !Has(v, "chat_id_file"))
           return "missing chat_id or chat_id_file on telegram_config";
         if (chat && Has(v, "chat_id_file"))
           return "at most one of chat_id & chat_id_file must be configured";
         const std::string mode = v.count("parse_mode") ? v.at("parse_mode") : "HTML";
         if (!mode.empty() && mode != "Markdown" && mode != "MarkdownV2" && mode != "HTML")
           return "unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or "
                  "empty string";
         return "";
       }},
      {"discord_configs",
       "discord",
       "discord.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"webhook_url", FK::kSecretUrl},
        {"webhook_url_file", FK::kString},
        {"content", FK::kString},
        {"title", FK::kString},
        {"message", FK::kString},
        {"username", FK::kString},
        {"avatar_url", FK::kString}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) -> std::string {
         if (!Has(v, "webhook_url") && !Has(v, "webhook_url_file"))
           return "one of webhook_url or webhook_url_file must be configured";
         return Has2(v, "webhook_url", "webhook_url_file",
                     "at most one of webhook_url & webhook_url_file must be configured");
       }},
      {"webex_configs",
       "webex",
       "config.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"api_url", FK::kUrl},
        {"message", FK::kString},
        {"room_id", FK::kString}},
       [](OtherDraft& draft, const std::map<std::string, std::string>& v) -> std::string {
         if (!Has(v, "room_id")) return "missing room_id on webex_config";
         if (!draft.has["http_config.authorization"])
           return "missing webex_configs.http_config.authorization";
         return "";
       }},
      {"msteams_configs",
       "msteams",
       "msteams.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"webhook_url", FK::kSecretUrl},
        {"webhook_url_file", FK::kString},
        {"title", FK::kString},
        {"summary", FK::kString},
        {"text", FK::kString}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) -> std::string {
         if (!Has(v, "webhook_url") && !Has(v, "webhook_url_file"))
           return "one of webhook_url or webhook_url_file must be configured";
         return Has2(v, "webhook_url", "webhook_url_file",
                     "at most one of webhook_url & webhook_url_file must be configured");
       }},
      {"msteamsv2_configs",
       "msteamsv2",
       "msteamsv2.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"webhook_url", FK::kSecretUrl},
        {"webhook_url_file", FK::kString},
        {"title", FK::kString},
        {"text", FK::kString}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) -> std::string {
         if (!Has(v, "webhook_url") && !Has(v, "webhook_url_file"))
           return "one of webhook_url or webhook_url_file must be configured";
         return Has2(v, "webhook_url", "webhook_url_file",
                     "at most one of webhook_url & webhook_url_file must be configured");
       }},
      {"jira_configs",
       "jira",
       "jira.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"api_url", FK::kUrl},
        {"api_type", FK::kString},
        {"project", FK::kString},
        {"summary", FK::kAny},
        {"description", FK::kAny},
        {"labels", FK::kStringList},
        {"priority", FK::kString},
        {"issue_type", FK::kString},
        {"reopen_transition", FK::kString},
        {"resolve_transition", FK::kString},
        {"wont_fix_resolution", FK::kString},
        {"reopen_duration", FK::kModelDuration},
        {"fields", FK::kAny}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) -> std::string {
         if (!Has(v, "project")) return "missing project in jira_config";
         if (!Has(v, "issue_type")) return "missing issue_type in jira_config";
         const std::string type = v.count("api_type") ? v.at("api_type") : "";
         if (!type.empty() && type != "auto" && type != "cloud" && type != "datacenter")
           return "unknown api_type on jira_config, must be auto, cloud or datacenter";
         return "";
       }},
      {"rocketchat_configs",
       "rocketchat",
       "rocketchat.plain",
       false,
       {{"http_config", FK::kHttpConfig},
        {"api_url", FK::kUrl},
        {"token_id", FK::kString},
        {"token_id_file", FK::kString},
        {"token", FK::kString},
        {"token_file", FK::kString},
        {"channel", FK::kString},
        {"color", FK::kString},
        {"title", FK::kString},
        {"title_link", FK::kString},
        {"text", FK::kString},
        {"fields", FK::kAny},
        {"short_fields", FK::kBool},
        {"emoji", FK::kString},
        {"icon_url", FK::kString},
        {"image_url", FK::kString},
        {"thumb_url", FK::kString},
        {"link_names", FK::kBool},
        {"actions", FK::kAny}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) -> std::string {
         if (auto e = Has2(v, "token", "token_file",
                           "at most one of token & token_file must be configured");
             !e.empty())
           return e;
         return Has2(v, "token_id", "token_id_file",
                     "at most one of token_id & token_id_file must be configured");
       }},
      {"mattermost_configs",
       "mattermost",
       "mattermost.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"webhook_url", FK::kSecretUrl},
        {"webhook_url_file", FK::kString},
        {"channel", FK::kString},
        {"username", FK::kString},
        {"text", FK::kString},
        {"fallback", FK::kString},
        {"color", FK::kString},
        {"pretext", FK::kString},
        {"author_name", FK::kString},
        {"author_link", FK::kString},
        {"author_icon", FK::kString},
        {"title", FK::kString},
        {"title_link", FK::kString},
        {"fields", FK::kAny},
        {"thumb_url", FK::kString},
        {"footer", FK::kString},
        {"footer_icon", FK::kString},
        {"image_url", FK::kString},
        {"icon_url", FK::kString},
        {"icon_emoji", FK::kString},
        {"attachments", FK::kAny},
        {"type", FK::kString},
        {"props", FK::kAny},
        {"priority", FK::kAny}},
       [](OtherDraft&, const std::map<std::string, std::string>& v) {
         return Has2(v, "webhook_url", "webhook_url_file",
                     "at most one of webhook_url & webhook_url_file must be configured");
       }},
      {"incidentio_configs",
       "incidentio",
       "incidentio.plain",
       true,
       {{"http_config", FK::kHttpConfig},
        {"url", FK::kUrl},
        {"url_file", FK::kString},
        {"alert_source_token", FK::kString},
        {"alert_source_token_file", FK::kString},
        {"max_alerts", FK::kUint},
        {"timeout", FK::kGoDuration}},
       [](OtherDraft& draft, const std::map<std::string, std::string>& v) -> std::string {
         if (!Has(v, "url") && !Has(v, "url_file"))
           return "one of url or url_file must be configured";
         if (auto e =
                 Has2(v, "url", "url_file", "at most one of url & url_file must be configured");
             !e.empty())
           return e;
         if (auto e = Has2(v, "alert_source_token", "alert_source_token_file",
                           "at most one of alert_source_token & alert_source_token_file must be "
                           "configured");
             !e.empty())
           return e;
         const bool token = Has(v, "alert_source_token") || Has(v, "alert_source_token_file");
         if (token && draft.has["http_config.authorization"])
           return "cannot specify alert_source_token or alert_source_token_file when using "
                  "http_config.authorization";
         if (!token && !draft.has["http_config.authorization"])
           return "at least one of alert_source_token, alert_source_token_file or "
                  "http_config.authorization must be configured";
         return "";
       }},
  };
  return specs;
}

OtherDraft DecodeOther(Decoder& d, const YAML::Node& n, const IntegrationSpec& spec,
                       const std::string& label) {
  OtherDraft draft;
  draft.kind = spec.kind;
  draft.send_resolved = spec.send_resolved_default;
  DecodeIntegration(d, n, draft, label, [&] {
    if (Decoder::IsNull(n)) {
      draft.is_null = true;
      return;
    }
    std::map<std::string, std::string> values;
    const size_t errors = d.type_error_count();
    d.Struct(n, spec.go_type, [&](const std::string& k, const YAML::Node& v) {
      if (k == "send_resolved") {
        draft.send_resolved = d.Bool(v);
        return true;
      }
      auto it = std::find_if(spec.fields.begin(), spec.fields.end(),
                             [&](const FieldSpec& f) { return k == f.name; });
      if (it == spec.fields.end()) return false;
      switch (it->kind) {
        case FK::kString:
          values[k] = d.String(v);
          break;
        case FK::kBool:
          values[k] = d.Bool(v) ? "true" : "false";
          break;
        case FK::kInt:
          values[k] = std::to_string(d.Int(v, "int64"));
          break;
        case FK::kUint:
          values[k] = std::to_string(d.Uint(v, "uint64"));
          break;
        case FK::kGoDuration:
          (void)d.GoDuration(v);
          break;
        case FK::kModelDuration:
          (void)d.ModelDuration(v);
          break;
        case FK::kUrl:
          values[k] = DecodeUrl(d, v).value_or("");
          break;
        case FK::kSecretUrl: {
          auto s = DecodeSecretUrl(d, v);
          values[k] = s ? s->reveal() : "";
          break;
        }
        case FK::kHttpConfig:
          if (!Decoder::IsNull(v)) {
            HttpClientConfig h = DecodeHttpConfig(d, v);
            draft.has["http_config.authorization"] = h.authorization.has_value();
          }
          break;
        case FK::kStringMap:
          (void)d.StringMap(v);
          break;
        case FK::kStringList:
          (void)d.StringList(v);
          break;
        case FK::kAny:
          break;
      }
      return true;
    });
    if (d.type_error_count() != errors) return;
    for (const auto& [k, v] : values) draft.has[k] = !v.empty();
    if (std::string err = spec.check(draft, values); !err.empty()) d.Fail(n, err);
  });
  return draft;
}

}  // namespace

ReceiverDraft DecodeReceiver(Decoder& d, const YAML::Node& n) {
  ReceiverDraft r;
  r.pos = d.Pos(n);
  const size_t required_begin = d.unset_required().size();
  const size_t errors = d.type_error_count();
  const bool was_expanding = d.expand_env();
  d.set_expand_env(true);
  d.Struct(n, "config.plain", [&](const std::string& k, const YAML::Node& v) {
    auto label = [&](size_t i) { return k + "[" + std::to_string(i) + "]"; };
    if (k == "name") {
      d.set_expand_env(false);  // names are matched against the route tree as written
      r.cfg.name = d.String(v);
      d.set_expand_env(true);
    } else if (k == "labels") {
      r.cfg.labels = d.StringMap(v);
    } else if (k == "email_configs") {
      d.List(v, "[]*config.EmailConfig", [&](size_t i, const YAML::Node& item) {
        r.email.push_back(DecodeEmail(d, item, label(i)));
      });
    } else if (k == "slack_configs") {
      d.List(v, "[]*config.SlackConfig", [&](size_t i, const YAML::Node& item) {
        r.slack.push_back(DecodeSlack(d, item, label(i)));
      });
    } else if (k == "pagerduty_configs") {
      d.List(v, "[]*pagerduty.PagerdutyConfig", [&](size_t i, const YAML::Node& item) {
        r.pagerduty.push_back(DecodePagerduty(d, item, label(i)));
      });
    } else if (k == "webhook_configs") {
      d.List(v, "[]*webhook.WebhookConfig", [&](size_t i, const YAML::Node& item) {
        r.webhook.push_back(DecodeWebhook(d, item, label(i)));
      });
    } else {
      const auto& specs = OtherIntegrations();
      auto it = std::find_if(specs.begin(), specs.end(),
                             [&](const IntegrationSpec& s) { return k == s.list_key; });
      if (it == specs.end()) return false;
      d.List(v, "[]*" + std::string(it->kind) + ".Config", [&](size_t i, const YAML::Node& item) {
        r.others.push_back(DecodeOther(d, item, *it, label(i)));
      });
    }
    return true;
  });
  d.set_expand_env(was_expanding);
  r.cfg.location = Locate(d, r.pos);
  r.unset_required.assign(d.unset_required().begin() + static_cast<long>(required_begin),
                          d.unset_required().end());
  if (d.type_error_count() != errors || Decoder::IsNull(n) || !n.IsMap()) return r;
  if (r.cfg.name.empty()) d.Fail(n, "missing name in receiver");
  if (auto it = r.cfg.labels.find("name"); it != r.cfg.labels.end() && it->second != r.cfg.name) {
    d.Fail(n, "receiver label \"name\" must match receiver name \"" + r.cfg.name + "\", got \"" +
                  it->second + "\"");
  }
  r.cfg.labels["name"] = r.cfg.name;
  return r;
}

namespace {

void Disable(ReceiverConfig& out, const Decoder& d, const IntegrationDraftBase& draft,
             std::vector<std::string>& warnings) {
  out.disabled_configs.push_back(
      DisabledIntegration{draft.label, draft.disabled_reason, Locate(d, draft.pos)});
  warnings.push_back("receiver \"" + out.name + "\": " + draft.label +
                     " is switched off: " + draft.disabled_reason + d.Where(draft.pos));
}

UnsetOptionals Merge(const UnsetOptionals& own, const GlobalUnsets& globals,
                     std::initializer_list<const char*> fields) {
  UnsetOptionals out = own;
  for (const char* f : fields) {
    if (auto it = globals.find(f); it != globals.end()) {
      for (const std::string& name : it->second.names) out.Add(name);
    }
  }
  return out;
}

}  // namespace

ReceiverConfig ResolveReceiver(Decoder& d, ReceiverDraft& r, const GlobalConfig& g,
                               const GlobalUnsets& gu, std::vector<std::string>& warnings) {
  ReceiverConfig out = r.cfg;
  for (WebhookDraft& w : r.webhook) {
    if (w.is_null) d.Fail(w.pos, "missing webhook config");
    if (w.disabled) {
      Disable(out, d, w, warnings);
      continue;
    }
    if (!w.has_http_config) w.cfg.http_config = g.http_config;
    out.webhook_configs.push_back(w.cfg);
  }
  for (EmailDraft& e : r.email) {
    if (e.is_null) d.Fail(e.pos, "missing email config");
    if (e.disabled) {
      Disable(out, d, e, warnings);
      continue;
    }
    EmailConfig& c = e.cfg;
    if (!e.has_tls_config) c.tls_config = g.smtp_tls_config;
    if (c.smarthost.empty()) c.smarthost = g.smtp_smarthost;
    if (c.smarthost.empty()) {
      MissingOrDisable(d, e, Merge(e.unset, gu, {"smtp_smarthost"}),
                       "no global SMTP smarthost set");
    }
    if (c.from.empty()) c.from = g.smtp_from;
    if (!e.disabled && c.from.empty()) {
      MissingOrDisable(d, e, Merge(e.unset, gu, {"smtp_from"}), "no global SMTP from set");
    }
    if (e.disabled) {
      Disable(out, d, e, warnings);
      continue;
    }
    if (c.hello.empty()) c.hello = g.smtp_hello;
    if (c.auth_username.empty()) c.auth_username = g.smtp_auth_username;
    if (c.auth_password.empty() && c.auth_password_file.empty()) {
      c.auth_password = g.smtp_auth_password;
      c.auth_password_file = g.smtp_auth_password_file;
    }
    if (c.auth_secret.empty() && c.auth_secret_file.empty()) {
      c.auth_secret = g.smtp_auth_secret;
      c.auth_secret_file = g.smtp_auth_secret_file;
    }
    if (c.auth_identity.empty()) c.auth_identity = g.smtp_auth_identity;
    if (!e.has_require_tls) c.require_tls = g.smtp_require_tls;
    if (!c.force_implicit_tls) c.force_implicit_tls = g.smtp_force_implicit_tls;
    out.email_configs.push_back(c);
  }
  for (SlackDraft& s : r.slack) {
    if (s.disabled) {
      Disable(out, d, s, warnings);
      continue;
    }
    SlackConfig& c = s.cfg;
    if (!s.has_app_url) c.app_url = g.slack_app_url;
    const bool local_authorization = s.has_http_config && c.http_config.authorization.has_value();
    if (c.app_token.empty() && c.app_token_file.empty() && !local_authorization && !c.api_url) {
      c.app_token = g.slack_app_token;
      c.app_token_file = g.slack_app_token_file;
    }
    if (!c.api_url && c.api_url_file.empty()) {
      c.api_url = g.slack_api_url;
      c.api_url_file = g.slack_api_url_file;
    }
    if (!c.api_url && c.api_url_file.empty() && c.app_token.empty() && c.app_token_file.empty()) {
      MissingOrDisable(
          d, s,
          Merge(s.unset, gu,
                {"slack_api_url", "slack_api_url_file", "slack_app_token", "slack_app_token_file"}),
          "no Slack API URL nor App token set either inline or in a file");
      Disable(out, d, s, warnings);
      continue;
    }
    if (!s.has_http_config) c.http_config = g.http_config;
    if (!c.app_token.empty() || !c.app_token_file.empty()) {
      if (c.http_config.authorization) {
        d.Fail(s.pos, "http authorization can't be set when using Slack App tokens");
      }
      c.http_config.authorization = Authorization{"Bearer", c.app_token, c.app_token_file};
      c.api_url = Secret(c.app_url);
    }
    out.slack_configs.push_back(c);
  }
  for (OtherDraft& o : r.others) {
    if (o.kind != "pushover") continue;
    if (o.is_null) d.Fail(o.pos, "missing pushover config");
  }
  for (PagerdutyDraft& p : r.pagerduty) {
    if (p.is_null) d.Fail(p.pos, "missing pagerduty config");
    if (p.disabled) {
      Disable(out, d, p, warnings);
      continue;
    }
    if (!p.has_http_config) p.cfg.http_config = g.http_config;
    if (!p.has_url) p.cfg.url = g.pagerduty_url;
    if (p.cfg.url.empty()) {
      MissingOrDisable(d, p, Merge(p.unset, gu, {"pagerduty_url"}), "no global PagerDuty URL set");
      Disable(out, d, p, warnings);
      continue;
    }
    out.pagerduty_configs.push_back(p.cfg);
  }
  // The other integrations, in Alertmanager's order of checks.
  static const char* kOrder[] = {"incidentio", "opsgenie",   "wechat",    "victorops", "sns",
                                 "telegram",   "discord",    "webex",     "msteams",   "msteamsv2",
                                 "jira",       "rocketchat", "mattermost"};
  for (const char* kind : kOrder) {
    for (OtherDraft& o : r.others) {
      if (o.kind != kind) continue;
      const std::string k = kind;
      auto has = [&](const char* f) { return o.has[f]; };
      const bool null_allowed = k == "opsgenie" || k == "wechat" || k == "rocketchat";
      if (o.is_null && !null_allowed) d.Fail(o.pos, "missing " + k + " config");
      if (k == "opsgenie") {
        if (!has("api_key") && !has("api_key_file") && g.opsgenie_api_key.empty() &&
            g.opsgenie_api_key_file.empty()) {
          d.Fail(o.pos, "no global OpsGenie API Key set either inline or in a file");
        }
      } else if (k == "wechat") {
        if (!has("api_secret") && !has("api_secret_file") && g.wechat_api_secret.empty() &&
            g.wechat_api_secret_file.empty()) {
          d.Fail(o.pos, "no global Wechat Api Secret set either inline or in a file");
        }
        if (!has("corp_id") && g.wechat_api_corp_id.empty()) {
          d.Fail(o.pos, "no global Wechat CorpID set");
        }
      } else if (k == "victorops") {
        if (!has("api_key") && !has("api_key_file") && g.victorops_api_key.empty() &&
            g.victorops_api_key_file.empty()) {
          d.Fail(o.pos, "no global VictorOps API Key set");
        }
      } else if (k == "telegram") {
        if (!has("bot_token") && !has("bot_token_file") && g.telegram_bot_token.empty() &&
            g.telegram_bot_token_file.empty()) {
          d.Fail(o.pos, "missing bot_token or bot_token_file on telegram_config");
        }
      } else if (k == "discord" || k == "msteams" || k == "msteamsv2") {
        if (!has("webhook_url") && !has("webhook_url_file")) {
          d.Fail(o.pos, "no " + k + " webhook URL or URLFile provided");
        }
      } else if (k == "jira") {
        if (!has("api_url") && g.jira_api_url.empty())
          d.Fail(o.pos, "no global Jira Cloud URL set");
      } else if (k == "rocketchat") {
        if (!has("token_id") && !has("token_id_file") && !g.rocketchat_token_id &&
            g.rocketchat_token_id_file.empty()) {
          d.Fail(o.pos, "no global Rocketchat TokenID set either inline or in a file");
        }
        if (!has("token") && !has("token_file") && !g.rocketchat_token &&
            g.rocketchat_token_file.empty()) {
          d.Fail(o.pos, "no global Rocketchat Token set either inline or in a file");
        }
      } else if (k == "mattermost") {
        if (!has("webhook_url") && !has("webhook_url_file") && !g.mattermost_webhook_url &&
            g.mattermost_webhook_url_file.empty()) {
          d.Fail(o.pos, "missing webhook_url or webhook_url_file on mattermost_config");
        }
      }
    }
  }
  for (OtherDraft& o : r.others) {
    out.unsupported_configs.push_back(
        UnsupportedIntegration{o.kind, o.send_resolved, Locate(d, o.pos)});
    warnings.push_back("receiver \"" + out.name + "\": " + o.label + ": integration \"" + o.kind +
                       "\" is not supported by tocsin; notifications to it will fail" +
                       d.Where(o.pos));
  }
  return out;
}

}  // namespace tocsin::alerting::internal
