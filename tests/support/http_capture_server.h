// A real HTTP(S) server on 127.0.0.1 that stands in for Slack, PagerDuty and webhook receivers in
// tests: it records every request (method, target, headers, body) and answers from a script —
// status sequences such as 500, 500, 200; 429 with Retry-After; delays that outlast a client's
// timeout; connections closed without an answer.
//
// Boost.Beast stays inside the .cc so test suites that use the server do not compile it.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin::testing {

struct CapturedRequest {
  std::string method;
  std::string target;  // path and query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header of that name (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};   // wait this long before answering
  bool close_without_response = false;  // read the request, then drop the connection

  static ScriptedResponse Status(int status, std::string body = "") {
    ScriptedResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  ScriptedResponse& Header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  ScriptedResponse& Delay(std::chrono::milliseconds d) {
    delay = d;
    return *this;
  }
  static ScriptedResponse Close() {
    ScriptedResponse r;
    r.close_without_response = true;
    return r;
  }
};

// PEM files for serving TLS.
struct TlsServerFiles {
  std::string cert_file;
  std::string key_file;
};

class HttpCaptureServer {
 public:
  // Listens on 127.0.0.1 on an ephemeral port, plain HTTP or (with `tls`) HTTPS.
  explicit HttpCaptureServer(std::optional<TlsServerFiles> tls = std::nullopt);
  ~HttpCaptureServer();
  HttpCaptureServer(const HttpCaptureServer&) = delete;
  HttpCaptureServer& operator=(const HttpCaptureServer&) = delete;

  uint16_t port() const;
  // "http://127.0.0.1:<port><path>" (https for a TLS server).
  std::string url(std::string_view path = "/") const;

  // Responses used in order, one per request; after the script runs out, the default answers.
  void Script(std::vector<ScriptedResponse> responses);
  void SetDefault(ScriptedResponse response);  // initially 200 with an empty body

  std::vector<CapturedRequest> requests() const;
  size_t request_count() const;
  // Waits until `n` requests have been recorded; false on timeout.
  bool WaitForRequests(size_t n, std::chrono::milliseconds timeout) const;
  // TLS handshakes the server saw fail (e.g. the client rejected its certificate).
  size_t failed_handshakes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::testing
