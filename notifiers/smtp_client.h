// Submitting one message over SMTP with libcurl: plain, STARTTLS or implicit TLS, AUTH LOGIN /
// PLAIN (or CRAM-MD5 with a shared secret), a chosen EHLO name. One connection per message, as
// Alertmanager dials per notification.
#pragma once

#include <chrono>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "notifiers/http_client.h"

namespace tocsin::notifiers {

struct SmtpOptions {
  std::string host;
  uint16_t port = 25;
  bool implicit_tls = false;        // TLS from the first byte (smtps, usually port 465)
  bool require_tls = true;          // demand STARTTLS (when not implicit); fail if not offered
  std::string hello = "localhost";  // the EHLO name
  std::string username;             // empty: no AUTH
  std::string password;             // for LOGIN and PLAIN
  std::string secret;               // for CRAM-MD5, used only when there is no password
  std::string identity;             // PLAIN's authorization identity
  TlsConfig tls;
};

struct SmtpResult {
  bool ok = false;
  std::string error;
  long reply_code = 0;  // the server's last reply code, 0 when none
  bool timed_out = false;
};

// Sends `message` (complete, CRLF line ends) from `from` to `recipients` (bare addr-specs).
// curl dot-stuffs the data. Never throws.
SmtpResult SendMail(const SmtpOptions& options, const std::string& from,
                    const std::vector<std::string>& recipients, const std::string& message,
                    std::chrono::milliseconds timeout, std::stop_token stop = {});

}  // namespace tocsin::notifiers
