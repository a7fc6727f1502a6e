// A real SMTP server for email tests: Debian's aiosmtpd driven by tests/support/smtp_server.py,
// started on 127.0.0.1 (ephemeral port) by the test and stopped with it. Optional STARTTLS or
// implicit TLS (with a TestCertificate) and AUTH PLAIN/LOGIN.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace tocsin::testing {

struct SmtpServerOptions {
  enum class Mode { kPlain, kStartTls, kImplicitTls };
  Mode mode = Mode::kPlain;
  std::string cert_file;  // for the TLS modes
  std::string key_file;
  std::string auth_user;  // non-empty: AUTH required
  std::string auth_password;
};

// One accepted message, as the server saw it and as Python's email package decodes it.
struct ReceivedMail {
  std::string mail_from;
  std::vector<std::string> rcpt_tos;
  std::string helo;
  bool tls = false;
  std::string auth;  // "<mechanism> <user>" or ""
  std::string raw;   // the DATA as received
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // decoded values, in order
  struct Part {
    std::string content_type;
    std::string charset;
    std::string transfer_encoding;
    std::string content;  // decoded
  };
  std::vector<Part> parts;  // leaf parts in order
  std::vector<std::string> defects;
  std::string parse_error;

  // Decoded value of the first header of that name (case-insensitive); "" when absent.
  std::string header(std::string_view name) const;
  size_t header_count(std::string_view name) const;
  // addr-specs of an address header (From, To, Cc, Bcc, Reply-To, Sender).
  std::vector<std::string> addresses(std::string_view header) const;
  const Part* part(std::string_view content_type) const;

  std::vector<std::pair<std::string, std::vector<std::string>>> address_headers;
};

class SmtpTestServer {
 public:
  // Throws std::runtime_error when the server does not come up within 15 seconds.
  explicit SmtpTestServer(SmtpServerOptions options = {});
  ~SmtpTestServer();
  SmtpTestServer(const SmtpTestServer&) = delete;
  SmtpTestServer& operator=(const SmtpTestServer&) = delete;

  uint16_t port() const { return port_; }
  std::vector<ReceivedMail> messages() const;
  bool WaitForMessages(size_t n, std::chrono::milliseconds timeout) const;

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  uint16_t port_ = 0;
};

}  // namespace tocsin::testing
