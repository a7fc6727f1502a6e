#include "notifiers/email.h"

#include <openssl/rand.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <ctime>
#include <set>

#include "notifiers/email_message.h"
#include "notifiers/http_delivery.h"
#include "notifiers/pagerduty.h"
#include "notifiers/smtp_client.h"
#include "storage/base/strings.h"

namespace tocsin::notifiers {
namespace {

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost.localdomain";
  return buf;
}

uint64_t RandomUint64() {
  uint64_t v = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) {
    v = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  return v;
}

std::string NewMessageId(TimestampMs now) {
  // Alertmanager's shape: <unix-nanos.random@hostname>.
  return "<" + std::to_string(now * 1000000) + "." + std::to_string(RandomUint64()) + "@" +
         HostName() + ">";
}

std::string DateOnly(TimestampMs t) {
  return FormatRfc3339(t).substr(0, 10);
}

struct Smarthost {
  std::string host;
  uint16_t port = 0;
};

Result<Smarthost> ParseSmarthost(std::string_view s) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) {
    return Error{"smarthost " + std::string(s) + " is not host:port"};
  }
  std::string_view host = s.substr(0, colon);
  if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  std::string_view digits = s.substr(colon + 1);
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || port == 0 || port > 65535) {
    return Error{"smarthost " + std::string(s) + " has an invalid port"};
  }
  return Smarthost{std::string(host), static_cast<uint16_t>(port)};
}

}  // namespace

std::string FormatMailDate(TimestampMs t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t secs = static_cast<time_t>(t >= 0 ? t / 1000 : (t - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

Result<RenderedEmail> RenderEmail(const EmailConfig& config, const MessageTemplates& templates,
                                  const Notification& notification, TimestampMs now,
                                  std::string message_id, std::string boundary) {
  FieldExpander expand(templates, notification);
  RenderedEmail out;

  std::string from = expand(config.from, "from");
  if (!expand.ok()) return Error{"execute 'from' template: " + expand.error()};
  std::string to = expand(config.to, "to");
  if (!expand.ok()) return Error{"execute 'to' template: " + expand.error()};
  auto from_list = ParseAddressList(from);
  if (!from_list.ok()) return Error{"parse 'from' addresses: " + from_list.message()};
  if (from_list->size() != 1) {
    return Error{"must be exactly one 'from' address (got: " + std::to_string(from_list->size()) +
                 ")"};
  }
  out.from = (*from_list)[0].address;
  auto to_list = ParseAddressList(to);
  if (!to_list.ok()) return Error{"parse 'to' addresses: " + to_list.message()};
  for (const auto& a : *to_list) out.recipients.push_back(a.address);

  // The header templates: configured ones first, then the defaults Alertmanager adds.
  std::vector<std::pair<std::string, std::string>> templates_by_name;
  std::set<std::string> seen;
  for (const auto& [name, value] : config.headers) {
    if (!IsValidHeaderName(name)) return Error{"invalid header name " + GoQuote(name)};
    std::string canonical = CanonicalHeaderName(name);
    if (!seen.insert(canonical).second) return Error{"duplicate header " + GoQuote(canonical)};
    templates_by_name.emplace_back(canonical, value);
  }
  if (config.threading && (seen.count("References") || seen.count("In-Reply-To"))) {
    return Error{"threading conflicts with a custom References or In-Reply-To header"};
  }
  auto add_default = [&](const std::string& name, const std::string& value) {
    if (seen.insert(name).second) templates_by_name.emplace_back(name, value);
  };
  add_default("Subject", std::string(kDefaultEmailSubject));
  add_default("To", config.to);
  add_default("From", config.from);
  // From, To and Subject lead, as mail clients and people expect; the rest keep their order.
  auto leads = [](const std::string& n) { return n == "From" || n == "To" || n == "Subject"; };
  std::vector<std::pair<std::string, std::string>> ordered;
  for (std::string_view lead : {"From", "To", "Subject"}) {
    for (const auto& h : templates_by_name) {
      if (h.first == lead) ordered.push_back(h);
    }
  }
  for (const auto& h : templates_by_name) {
    if (!leads(h.first)) ordered.push_back(h);
  }

  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, source] : ordered) {
    std::string value = expand(source, name);
    if (!expand.ok())
      return Error{"execute " + GoQuote(name) + " header template: " + expand.error()};
    if (IsAddressHeader(name)) {
      auto list = ParseAddressList(value);
      if (!list.ok()) return Error{"parse " + GoQuote(name) + " header: " + list.message()};
      std::string formatted;
      for (const auto& a : *list) {
        if (!formatted.empty()) formatted += ",\r\n ";
        formatted += FormatAddress(a);
      }
      headers.emplace_back(name, std::move(formatted));
    } else {
      headers.emplace_back(name, EncodeHeaderValue(value));
    }
  }
  if (!seen.count("Message-Id")) {
    headers.emplace_back("Message-Id", message_id.empty() ? NewMessageId(now) : message_id);
  }
  if (config.threading) {
    std::string key = GroupKeyHash(notification.group.group_key).substr(0, 16);
    std::string by = config.thread_by_date == "none" ? "" : DateOnly(now);
    std::string root = "<alert-" + key + "-" + by + "@alertmanager>";
    headers.emplace_back("References", root);
    headers.emplace_back("In-Reply-To", root);
  }
  if (!seen.count("Date")) headers.emplace_back("Date", FormatMailDate(now));

  MimeBody body;
  body.text = expand(config.text, "text");
  if (!expand.ok()) return Error{"execute text template: " + expand.error()};
  body.html = expand.Html(config.html, "html");
  if (!expand.ok()) return Error{"execute html template: " + expand.error()};
  out.message = BuildMimeMessage(headers, body, boundary.empty() ? RandomBoundary() : boundary);
  return out;
}

EmailNotifier::EmailNotifier(EmailConfig config, const MessageTemplates& templates)
    : config_(std::move(config)), templates_(templates) {}

NotifyResult EmailNotifier::Notify(const Notification& notification, const NotifyContext& context) {
  auto smarthost = ParseSmarthost(config_.smarthost);
  if (!smarthost.ok()) return NotifyResult::Failed(false, smarthost.message());
  auto rendered = RenderEmail(config_, templates_, notification, context.now);
  if (!rendered.ok()) return NotifyResult::Failed(false, rendered.message());

  SmtpOptions options;
  options.host = smarthost->host;
  options.port = smarthost->port;
  options.implicit_tls = config_.force_implicit_tls.value_or(smarthost->port == 465);
  options.require_tls = config_.require_tls;
  options.hello = config_.hello.empty() ? "localhost" : config_.hello;
  options.username = config_.auth_username;
  options.identity = config_.auth_identity;
  options.tls = config_.tls;
  if (!config_.auth_username.empty()) {
    options.password = config_.auth_password;
    if (options.password.empty() && !config_.auth_password_file.empty()) {
      auto secret = ReadSecretFile(config_.auth_password_file);
      if (!secret.ok()) return NotifyResult::Failed(true, "could not read " + secret.message());
      options.password = *secret;
    }
    options.secret = config_.auth_secret;
    if (options.secret.empty() && !config_.auth_secret_file.empty()) {
      auto secret = ReadSecretFile(config_.auth_secret_file);
      if (!secret.ok()) return NotifyResult::Failed(true, "could not read " + secret.message());
      options.secret = *secret;
    }
  }

  SmtpResult sent = SendMail(options, rendered->from, rendered->recipients, rendered->message,
                             AttemptTimeout(config_.timeout, context), context.stop);
  if (sent.ok) return NotifyResult::Delivered(sent.reply_code);
  // Alertmanager retries every failure of the SMTP session.
  return NotifyResult::Failed(true, sent.error, sent.reply_code);
}

}  // namespace tocsin::notifiers
