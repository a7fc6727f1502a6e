// The one HTTP client every HTTP integration (webhook, Slack, PagerDuty) sends through: libcurl,
// one blocking request per call.
//
// Why blocking easy handles and not a multi handle: notifications are few (a handful per group
// interval), each integration's retry loop runs on a dispatcher worker thread that exists to wait
// on the network, and rule evaluation never calls in here. A blocking call per worker keeps each
// attempt's timeout, cancellation and error text local and obvious. Handles are kept in a small
// pool so a worker reuses a live keep-alive connection (each easy handle owns its connection
// cache; curl_easy_reset keeps it); DNS answers and TLS sessions are shared between handles through
// a curl share object. Connection caches are deliberately not shared: libcurl does not support
// using one from concurrent threads.
//
// The client is thread-safe; create one per process (or per engine) and share it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/base/time.h"

namespace tocsin::notifiers {

// Alertmanager's tls_config (prometheus/common TLSConfig), the parts libcurl can honour.
struct TlsConfig {
  std::string ca_file;    // trust these CAs instead of the system store
  std::string cert_file;  // client certificate (mutual TLS)
  std::string key_file;
  bool insecure_skip_verify = false;  // off by default: verify the peer and its host name
  std::string min_version;            // "", "TLS10", "TLS11", "TLS12", "TLS13"
};

// Alertmanager's http_config basics (prometheus/common HTTPClientConfig).
struct HttpClientConfig {
  std::string basic_auth_username;
  std::string basic_auth_password;
  // Sent as "Authorization: <type> <credentials>"; type defaults to "Bearer".
  std::string authorization_type;
  std::string authorization_credentials;
  std::string proxy_url;  // e.g. http://proxy:3128; empty: no proxy
  std::string no_proxy;   // comma-separated hosts that bypass proxy_url
  // Use HTTP(S)_PROXY / NO_PROXY from the environment (off, as in prometheus/common).
  bool proxy_from_environment = false;
  bool follow_redirects = true;
  TlsConfig tls;
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  HttpHeaders headers;  // in addition to User-Agent
  std::string body;
  // Whole-request limit (connect, TLS, send, wait, receive). Must be positive: callers pass the
  // smaller of the integration's timeout and what is left of the retry deadline.
  std::chrono::milliseconds timeout{30000};
};

struct HttpResponse {
  // The final response's status; 0 when no response arrived (see transport_error).
  long status = 0;
  HttpHeaders headers;  // of the final response (after redirects)
  std::string body;     // at most kMaxResponseBody bytes
  bool body_truncated = false;
  // Why no usable response arrived: connection refused, TLS failure, timeout, cancellation.
  std::string transport_error;
  bool timed_out = false;
  bool cancelled = false;
  std::chrono::milliseconds elapsed{0};

  bool has_response() const { return status != 0 && transport_error.empty(); }
  // The first header of that name (case-insensitive), or "".
  std::string_view header(std::string_view name) const;
};

inline constexpr size_t kMaxResponseBody = 64 * 1024;

// How a failed attempt should be treated.
enum class Disposition {
  kSuccess,    // 2xx
  kRetryable,  // 5xx, 429, the integration's extra codes, any transport failure
  kPermanent,  // every other status: retrying cannot help
};
std::string_view DispositionString(Disposition d);

// Alertmanager's notify.Retrier: 2xx succeed, 5xx are retried, as are `extra_retry_codes`
// (PagerDuty v1 adds 403). tocsin also retries 429 for every integration (honouring
// Retry-After), where Alertmanager gives up for webhook and Slack. Transport failures (refused,
// reset, timeout, TLS) are retried, as Alertmanager retries every client error.
Disposition Classify(const HttpResponse& response, std::span<const int> extra_retry_codes = {});

// "unexpected status code 500: <body>" (body cut to 1 KiB), or the transport error.
std::string DescribeFailure(const HttpResponse& response);

// The delay a Retry-After header asks for: delta-seconds or an HTTP-date (relative to
// `now_wall`). nullopt when absent or unparseable; a date in the past gives zero.
std::optional<DurationMs> ParseRetryAfter(std::string_view value, TimestampMs now_wall);

std::string DefaultUserAgent();  // "tocsin/<version>"

class HttpClient {
 public:
  // `user_agent` is sent with every request; by default "tocsin/<version>".
  explicit HttpClient(std::string user_agent = DefaultUserAgent());
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and waits for the whole response, the timeout, or `stop`. Never throws.
  HttpResponse Send(const HttpRequest& request, const HttpClientConfig& config,
                    std::stop_token stop = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::notifiers
