// Email over SMTP, as Alertmanager's email notifier sends it: STARTTLS required by default
// (require_tls), implicit TLS when forced or when the smarthost's port is 465, AUTH when a
// username is configured and the server offers AUTH, a multipart/alternative message with a
// quoted-printable text part and HTML part, the configured headers (Subject, To and From by
// default), a generated Message-Id and Date, and optional threading headers.
//
// Safety beyond Alertmanager: every header value is stripped of control characters and RFC 2047
// encoded when needed, address headers and recipients are parsed strictly (a CR/LF in them is
// an error), header names are validated — see email_message.h.
//
// tocsin's default also includes a text part (template "email.default.text"), so every mail
// reads in plain-text clients; Alertmanager's text default is empty. Set `text` to "" for
// Alertmanager's HTML-only mail.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "notifiers/http_client.h"
#include "notifiers/message_templates.h"
#include "notifiers/notifier.h"

namespace tocsin::notifiers {

struct EmailConfig {
  std::string to;    // a template; comma-separated addresses
  std::string from;  // a template; exactly one address
  std::string hello = "localhost";
  std::string smarthost;  // host:port
  std::string auth_username;
  std::string auth_password;
  std::string auth_password_file;
  std::string auth_secret;  // CRAM-MD5
  std::string auth_secret_file;
  std::string auth_identity;
  // Header templates in order; names are case-insensitive (canonicalised, duplicates rejected).
  // Subject, To and From are added when missing.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string html = R"({{ template "email.default.html" . }})";
  std::string text = R"({{ template "email.default.text" . }})";
  bool require_tls = true;
  std::optional<bool> force_implicit_tls;  // unset: implicit TLS exactly when the port is 465
  TlsConfig tls;
  bool threading = false;                // add References / In-Reply-To per group
  std::string thread_by_date = "daily";  // "daily" or "none"
  DurationMs timeout = 0;                // 0: only the retry deadline limits an attempt
  bool send_resolved = false;
};

inline constexpr std::string_view kDefaultEmailSubject =
    R"({{ template "email.default.subject" . }})";

// A complete message ready for DATA, plus its envelope.
struct RenderedEmail {
  std::string from;                     // envelope sender (addr-spec)
  std::vector<std::string> recipients;  // envelope recipients (addr-specs)
  std::string message;
};

// Renders the message for `notification` as of `now` (Date header); `message_id` and `boundary`
// are generated when empty. Errors (templates, addresses, header names) are permanent.
Result<RenderedEmail> RenderEmail(const EmailConfig& config, const MessageTemplates& templates,
                                  const Notification& notification, TimestampMs now,
                                  std::string message_id = "", std::string boundary = "");

// RFC 1123 with a numeric zone, as Go's time.RFC1123Z prints UTC: "Wed, 01 May 2024 12:00:00
// +0000".
std::string FormatMailDate(TimestampMs t);

class EmailNotifier final : public Notifier {
 public:
  EmailNotifier(EmailConfig config, const MessageTemplates& templates);

  std::string_view integration() const override { return "email"; }
  bool send_resolved() const override { return config_.send_resolved; }
  NotifyResult Notify(const Notification& notification, const NotifyContext& context) override;

 private:
  EmailConfig config_;
  const MessageTemplates& templates_;
};

}  // namespace tocsin::notifiers
