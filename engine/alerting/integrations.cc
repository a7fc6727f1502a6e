#include "engine/alerting/integrations.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "engine/alerting/builtin_integrations.h"
#include "notifiers/email.h"
#include "notifiers/notification.h"
#include "notifiers/pagerduty.h"
#include "notifiers/slack.h"
#include "notifiers/template_renderer.h"
#include "notifiers/webhook.h"

namespace tocsin::alerting {
namespace {

notifiers::NotificationReason ToNotifierReason(NotifyReason r) {
  using R = notifiers::NotificationReason;
  switch (r) {
    case NotifyReason::kFirstNotification:
      return R::kFirstNotification;
    case NotifyReason::kNewAlertsInGroup:
      return R::kNewAlertsInGroup;
    case NotifyReason::kNewResolvedAlerts:
      return R::kNewResolvedAlerts;
    case NotifyReason::kAllAlertsResolved:
      return R::kAllAlertsResolved;
    case NotifyReason::kRepeatIntervalElapsed:
      return R::kRepeatIntervalElapsed;
    default:
      return R::kUnknown;
  }
}

// The notification model the notifiers render from.
notifiers::Notification ToNotification(const PendingNotification& n,
                                       const std::string& external_url) {
  notifiers::NotificationGroup group;
  group.receiver = n.receiver;
  group.group_key = n.group_key;
  group.group_labels = n.group_labels;
  std::vector<Label> route_labels;
  for (const auto& [k, v] : n.route_labels) route_labels.push_back({k, v});
  group.route_labels = Labels::FromVector(std::move(route_labels));
  group.external_url = external_url;
  group.reason = ToNotifierReason(n.reason);
  std::vector<notifiers::NotificationAlert> alerts;
  alerts.reserve(n.alerts.size());
  for (const NotifiedAlert& a : n.alerts) {
    notifiers::NotificationAlert na;
    na.status = a.resolved ? notifiers::AlertStatus::kResolved : notifiers::AlertStatus::kFiring;
    na.labels = a.labels;
    na.annotations = a.annotations;
    na.starts_at = a.starts_at;
    na.ends_at = a.ends_at == 0 ? notifiers::kZeroTime : a.ends_at;
    na.generator_url = a.generator_url;
    na.fingerprint = notifiers::FingerprintString(a.labels);
    alerts.push_back(std::move(na));
  }
  return notifiers::MakeNotification(group, std::move(alerts));
}

// One configured notifier behind the pipeline's Integration interface.
class NotifierIntegration final : public Integration {
 public:
  NotifierIntegration(std::unique_ptr<notifiers::Notifier> notifier,
                      std::shared_ptr<const notifiers::TemplateRenderer> templates,
                      std::string external_url)
      : notifier_(std::move(notifier)),
        templates_(std::move(templates)),
        external_url_(std::move(external_url)) {}

  std::string_view name() const override { return notifier_->integration(); }
  bool send_resolved() const override { return notifier_->send_resolved(); }

  AttemptResult Notify(const PendingNotification& n, const AttemptContext& ctx) override {
    notifiers::NotifyContext nctx;
    nctx.remaining = std::chrono::milliseconds(std::max<DurationMs>(1, ctx.remaining));
    nctx.stop = ctx.stop;
    nctx.now = ctx.now;
    notifiers::NotifyResult r = notifier_->Notify(ToNotification(n, external_url_), nctx);
    AttemptResult out;
    out.error = r.error;
    out.retry = r.retry;
    out.status_code = static_cast<int>(r.status_code);
    out.retry_after = r.retry_after;
    return out;
  }

 private:
  std::unique_ptr<notifiers::Notifier> notifier_;
  // The notifiers render with it; kept alive as long as they are.
  std::shared_ptr<const notifiers::TemplateRenderer> templates_;
  std::string external_url_;
};

std::string ReadSecretFile(const std::string& path, std::string& problems) {
  std::ifstream in(path);
  if (!in) {
    problems += "; cannot read " + path;
    return {};
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  // As prometheus/common: surrounding whitespace (a trailing newline) is not part of it.
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

notifiers::TlsConfig ToTls(const TlsConfig& c, const std::string& where) {
  notifiers::TlsConfig t;
  t.ca_file = c.ca_file;
  t.cert_file = c.cert_file;
  t.key_file = c.key_file;
  t.insecure_skip_verify = c.insecure_skip_verify;
  t.min_version = c.min_version;
  if (!c.ca.empty() || !c.cert.empty() || !c.key.empty()) {
    spdlog::warn(
        "{}: inline tls_config ca/cert/key are not supported, use ca_file/cert_file/"
        "key_file",
        where);
  }
  return t;
}

notifiers::HttpClientConfig ToHttp(const HttpClientConfig& c, const std::string& where) {
  notifiers::HttpClientConfig h;
  std::string problems;
  if (c.basic_auth) {
    h.basic_auth_username = c.basic_auth->username_file.empty()
                                ? c.basic_auth->username
                                : ReadSecretFile(c.basic_auth->username_file, problems);
    h.basic_auth_password = c.basic_auth->password_file.empty()
                                ? c.basic_auth->password.reveal()
                                : ReadSecretFile(c.basic_auth->password_file, problems);
  }
  if (c.authorization) {
    h.authorization_type = c.authorization->type.empty() ? "Bearer" : c.authorization->type;
    h.authorization_credentials = c.authorization->credentials_file.empty()
                                      ? c.authorization->credentials.reveal()
                                      : ReadSecretFile(c.authorization->credentials_file, problems);
  }
  h.proxy_url = c.proxy_url;
  h.no_proxy = c.no_proxy;
  h.proxy_from_environment = c.proxy_from_environment;
  h.follow_redirects = c.follow_redirects;
  h.tls = ToTls(c.tls_config, where);
  if (!problems.empty()) spdlog::warn("{}: http_config{}", where, problems);
  return h;
}

notifiers::SlackConfig ToSlack(const SlackConfig& c, const std::string& where) {
  notifiers::SlackConfig s;
  s.http = ToHttp(c.http_config, where);
  s.api_url = c.api_url ? c.api_url->reveal() : std::string();
  s.api_url_file = c.api_url_file;
  s.channel = c.channel;
  s.username = c.username;
  s.color = c.color;
  s.title = c.title;
  s.title_link = c.title_link;
  s.pretext = c.pretext;
  s.text = c.text;
  s.message_text = c.message_text;
  for (const SlackField& f : c.fields) s.fields.push_back({f.title, f.value, f.short_field});
  s.short_fields = c.short_fields;
  s.footer = c.footer;
  s.fallback = c.fallback;
  s.callback_id = c.callback_id;
  s.icon_emoji = c.icon_emoji;
  s.icon_url = c.icon_url;
  s.image_url = c.image_url;
  s.thumb_url = c.thumb_url;
  s.link_names = c.link_names;
  s.mrkdwn_in = c.mrkdwn_in;
  for (const SlackAction& a : c.actions) {
    notifiers::SlackAction na;
    na.type = a.type;
    na.text = a.text;
    na.url = a.url;
    na.style = a.style;
    na.name = a.name;
    na.value = a.value;
    if (a.confirm) {
      na.confirm = notifiers::SlackConfirm{a.confirm->text, a.confirm->title, a.confirm->ok_text,
                                           a.confirm->dismiss_text};
    }
    s.actions.push_back(std::move(na));
  }
  s.timeout = c.timeout;
  s.send_resolved = c.send_resolved;
  return s;
}

notifiers::EmailConfig ToEmail(const EmailConfig& c, const std::string& where) {
  notifiers::EmailConfig e;
  e.to = c.to;
  e.from = c.from;
  if (!c.hello.empty()) e.hello = c.hello;
  e.smarthost = c.smarthost.ToString();
  e.auth_username = c.auth_username;
  e.auth_password = c.auth_password.reveal();
  e.auth_password_file = c.auth_password_file;
  e.auth_secret = c.auth_secret.reveal();
  e.auth_secret_file = c.auth_secret_file;
  e.auth_identity = c.auth_identity;
  for (const auto& [k, v] : c.headers) e.headers.emplace_back(k, v);
  e.html = c.html;
  // tocsin adds a plain-text part by default (notifiers/email.h); a configured one replaces it.
  if (!c.text.empty()) e.text = c.text;
  e.require_tls = c.require_tls;
  e.force_implicit_tls = c.force_implicit_tls;
  e.tls = ToTls(c.tls_config, where);
  e.threading = c.threading.enabled;
  if (!c.threading.thread_by_date.empty()) e.thread_by_date = c.threading.thread_by_date;
  e.send_resolved = c.send_resolved;
  return e;
}

notifiers::PagerDutyConfig ToPagerDuty(const PagerdutyConfig& c, const std::string& where) {
  notifiers::PagerDutyConfig p;
  p.http = ToHttp(c.http_config, where);
  p.routing_key = c.routing_key.reveal();
  p.routing_key_file = c.routing_key_file;
  p.service_key = c.service_key.reveal();
  p.service_key_file = c.service_key_file;
  if (!c.url.empty()) p.url = c.url;
  p.client = c.client;
  p.client_url = c.client_url;
  p.description = c.description;
  p.severity = c.severity;
  p.source = c.source;
  p.event_class = c.class_name;
  p.component = c.component;
  p.group = c.group;
  p.details = c.details;
  for (const PagerdutyImage& i : c.images) p.images.push_back({i.src, i.alt, i.href});
  for (const PagerdutyLink& l : c.links) p.links.push_back({l.href, l.text});
  p.timeout = c.timeout;
  p.send_resolved = c.send_resolved;
  return p;
}

notifiers::WebhookConfig ToWebhook(const WebhookConfig& c, const std::string& where) {
  notifiers::WebhookConfig w;
  w.url = c.url.reveal();
  w.url_file = c.url_file;
  w.http = ToHttp(c.http_config, where);
  w.max_alerts = c.max_alerts;
  w.timeout = c.timeout;
  w.send_resolved = c.send_resolved;
  w.payload = c.payload;
  return w;
}

}  // namespace

Result<ReceiverIntegrations> BuildIntegrations(const Config& config,
                                               const IntegrationOptions& options) {
  if (options.http == nullptr) return Error{"integrations: no HTTP client"};
  auto files = notifiers::ReadTemplateFiles(config.templates);
  if (!files.ok()) return Error{"failed to parse templates: " + files.message()};
  auto renderer = notifiers::TemplateRenderer::Create(*files);
  if (!renderer.ok()) return Error{"failed to parse templates: " + renderer.message()};
  std::shared_ptr<const notifiers::TemplateRenderer> templates = std::move(*renderer);
  notifiers::HttpClient& http = *options.http;

  ReceiverIntegrations out;
  for (const ReceiverConfig& r : config.receivers) {
    std::vector<ReceiverIntegration>& list = out[r.name];
    auto add = [&](std::string kind, size_t index, std::unique_ptr<notifiers::Notifier> n) {
      list.push_back(
          {std::move(kind), static_cast<int>(index),
           std::make_shared<NotifierIntegration>(std::move(n), templates, options.external_url)});
    };
    auto where = [&](const char* kind, size_t i) {
      return "receiver \"" + r.name + "\" " + kind + "[" + std::to_string(i) + "]";
    };
    // Alertmanager's order (BuildReceiverIntegrations): webhook, email, pagerduty, ..., slack.
    for (size_t i = 0; i < r.webhook_configs.size(); ++i) {
      add("webhook", i,
          std::make_unique<notifiers::WebhookNotifier>(
              ToWebhook(r.webhook_configs[i], where("webhook_configs", i)), http, *templates));
    }
    for (size_t i = 0; i < r.email_configs.size(); ++i) {
      add("email", i,
          std::make_unique<notifiers::EmailNotifier>(
              ToEmail(r.email_configs[i], where("email_configs", i)), *templates));
    }
    for (size_t i = 0; i < r.pagerduty_configs.size(); ++i) {
      add("pagerduty", i,
          std::make_unique<notifiers::PagerDutyNotifier>(
              ToPagerDuty(r.pagerduty_configs[i], where("pagerduty_configs", i)), http,
              *templates));
    }
    for (size_t i = 0; i < r.slack_configs.size(); ++i) {
      add("slack", i,
          std::make_unique<notifiers::SlackNotifier>(
              ToSlack(r.slack_configs[i], where("slack_configs", i)), http, *templates));
    }
    AddBuiltinIntegrations(r, list);
  }
  return out;
}

}  // namespace tocsin::alerting
