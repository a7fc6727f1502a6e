#include "notifiers/http_client.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <mutex>

#include "notifiers/curl_library.h"

namespace tocsin::notifiers {

namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

struct Transfer {
  HttpResponse* response;
  std::stop_token stop;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string& body = t->response->body;
  if (body.size() < kMaxResponseBody) {
    size_t take = std::min(n, kMaxResponseBody - body.size());
    body.append(data, take);
    if (take < n) t->response->body_truncated = true;
  } else if (n > 0) {
    t->response->body_truncated = true;
  }
  return n;  // keep reading (and discarding) so the connection stays reusable
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or a 100 Continue): only the last one counts.
    t->response->headers.clear();
    return n;
  }
  size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    t->response->headers.emplace_back(std::string(Trim(line.substr(0, colon))),
                                      std::string(Trim(line.substr(colon + 1))));
  }
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->stop.stop_requested() ? 1 : 0;  // non-zero aborts the transfer
}

long TlsVersion(std::string_view v) {
  if (v == "TLS10") return CURL_SSLVERSION_TLSv1_0;
  if (v == "TLS11") return CURL_SSLVERSION_TLSv1_1;
  if (v == "TLS12") return CURL_SSLVERSION_TLSv1_2;
  if (v == "TLS13") return CURL_SSLVERSION_TLSv1_3;
  return CURL_SSLVERSION_DEFAULT;
}

}  // namespace

std::string DefaultUserAgent() {
  return std::string("tocsin/") + TOCSIN_VERSION;
}

std::string_view HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return v;
  }
  return {};
}

std::string_view DispositionString(Disposition d) {
  switch (d) {
    case Disposition::kSuccess:
      return "success";
    case Disposition::kRetryable:
      return "retryable";
    case Disposition::kPermanent:
      return "permanent";
  }
  return "unknown";
}

Disposition Classify(const HttpResponse& response, std::span<const int> extra_retry_codes) {
  if (!response.has_response()) return Disposition::kRetryable;
  long code = response.status;
  if (code / 100 == 2) return Disposition::kSuccess;
  if (code / 100 == 5 || code == 429) return Disposition::kRetryable;
  if (std::find(extra_retry_codes.begin(), extra_retry_codes.end(), code) !=
      extra_retry_codes.end()) {
    return Disposition::kRetryable;
  }
  return Disposition::kPermanent;
}

std::string DescribeFailure(const HttpResponse& response) {
  if (!response.has_response()) return response.transport_error;
  std::string out = "unexpected status code " + std::to_string(response.status);
  std::string_view body = Trim(response.body);
  if (!body.empty()) {
    constexpr size_t kMaxShown = 1024;
    out += ": ";
    out += body.substr(0, kMaxShown);
    if (body.size() > kMaxShown) out += "…";
  }
  return out;
}

std::optional<DurationMs> ParseRetryAfter(std::string_view value, TimestampMs now_wall) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || ptr != value.data() + value.size()) return std::nullopt;
    constexpr int64_t kMaxSeconds = int64_t{1} << 40;  // far beyond any deadline, no overflow
    return std::min(seconds, kMaxSeconds) * kSecond;
  }
  // HTTP-date (RFC 9110: IMF-fixdate, and the obsolete RFC 850 and asctime forms).
  auto curl = LoadCurl();
  if (!curl.ok()) return std::nullopt;
  std::string text(value);
  time_t when = (*curl)->getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  DurationMs delay = static_cast<DurationMs>(when) * kSecond - now_wall;
  return std::max<DurationMs>(delay, 0);
}

struct HttpClient::Impl {
  std::string user_agent;
  // libcurl and the share are set up by the first request (see curl_library.h); until then a
  // client costs nothing, and one that never sends never loads libcurl.
  std::once_flag opened;
  const CurlLibrary* curl = nullptr;
  std::string load_error;
  CURLSH* share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> share_locks;
  std::mutex pool_mu;
  std::vector<CURL*> idle;
  static constexpr size_t kMaxIdle = 8;

  static void Lock(CURL*, curl_lock_data data, curl_lock_access, void* user) {
    static_cast<Impl*>(user)->share_locks[data].lock();
  }
  static void Unlock(CURL*, curl_lock_data data, void* user) {
    static_cast<Impl*>(user)->share_locks[data].unlock();
  }

  CURL* Acquire() {
    {
      std::lock_guard lock(pool_mu);
      if (!idle.empty()) {
        CURL* h = idle.back();
        idle.pop_back();
        curl->easy_reset(h);  // keeps its live connections
        return h;
      }
    }
    return curl->easy_init();
  }

  void Release(CURL* h) {
    std::lock_guard lock(pool_mu);
    if (idle.size() < kMaxIdle) {
      idle.push_back(h);
    } else {
      curl->easy_cleanup(h);
    }
  }

  // Loads libcurl and creates the share on the first call; false (with load_error) when libcurl
  // cannot be loaded.
  bool Open() {
    std::call_once(opened, [this] {
      auto lib = LoadCurl();
      if (!lib.ok()) {
        load_error = lib.message();
        return;
      }
      share = (*lib)->share_init();
      (*lib)->share_setopt(share, CURLSHOPT_LOCKFUNC, &Impl::Lock);
      (*lib)->share_setopt(share, CURLSHOPT_UNLOCKFUNC, &Impl::Unlock);
      (*lib)->share_setopt(share, CURLSHOPT_USERDATA, this);
      (*lib)->share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
      (*lib)->share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
      curl = *lib;
    });
    return curl != nullptr;
  }
};

HttpClient::HttpClient(std::string user_agent) : impl_(std::make_unique<Impl>()) {
  impl_->user_agent = std::move(user_agent);
}

HttpClient::~HttpClient() {
  if (impl_->curl == nullptr) return;
  for (CURL* h : impl_->idle) impl_->curl->easy_cleanup(h);
  impl_->curl->share_cleanup(impl_->share);
}

HttpResponse HttpClient::Send(const HttpRequest& request, const HttpClientConfig& config,
                              std::stop_token stop) {
  HttpResponse response;
  if (!impl_->Open()) {
    response.transport_error = impl_->load_error;
    return response;
  }
  const CurlLibrary& curl = *impl_->curl;
  CURL* h = impl_->Acquire();
  if (h == nullptr) {
    response.transport_error = "cannot create an HTTP handle";
    return response;
  }
  Transfer transfer{&response, stop};
  char errbuf[CURL_ERROR_SIZE] = {};
  curl_slist* headers = nullptr;

  long timeout_ms = std::max<long>(1, static_cast<long>(request.timeout.count()));
  curl.easy_setopt(h, CURLOPT_URL, request.url.c_str());
  curl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(h, CURLOPT_SHARE, impl_->share);
  curl.easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl.easy_setopt(h, CURLOPT_USERAGENT, impl_->user_agent.c_str());
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, config.follow_redirects ? 1L : 0L);
  curl.easy_setopt(h, CURLOPT_MAXREDIRS, 10L);  // Go's http.Client limit

  if (request.method == "GET") {
    curl.easy_setopt(h, CURLOPT_HTTPGET, 1L);
  } else {
    curl.easy_setopt(h, CURLOPT_POST, 1L);
    curl.easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (request.method != "POST")
      curl.easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }

  for (const auto& [name, value] : request.headers) {
    headers = curl.slist_append(headers, (name + ": " + value).c_str());
  }
  // No "Expect: 100-continue" round trip before larger bodies.
  headers = curl.slist_append(headers, "Expect:");
  if (!config.authorization_credentials.empty()) {
    std::string type = config.authorization_type.empty() ? "Bearer" : config.authorization_type;
    headers = curl.slist_append(
        headers, ("Authorization: " + type + " " + config.authorization_credentials).c_str());
  }
  curl.easy_setopt(h, CURLOPT_HTTPHEADER, headers);

  if (!config.basic_auth_username.empty() || !config.basic_auth_password.empty()) {
    curl.easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl.easy_setopt(h, CURLOPT_USERNAME, config.basic_auth_username.c_str());
    curl.easy_setopt(h, CURLOPT_PASSWORD, config.basic_auth_password.c_str());
  }

  if (!config.proxy_url.empty()) {
    curl.easy_setopt(h, CURLOPT_PROXY, config.proxy_url.c_str());
    if (!config.no_proxy.empty()) curl.easy_setopt(h, CURLOPT_NOPROXY, config.no_proxy.c_str());
  } else if (!config.proxy_from_environment) {
    curl.easy_setopt(h, CURLOPT_PROXY, "");  // "" also ignores http_proxy & co.
  }

  const TlsConfig& tls = config.tls;
  curl.easy_setopt(h, CURLOPT_SSL_VERIFYPEER, tls.insecure_skip_verify ? 0L : 1L);
  curl.easy_setopt(h, CURLOPT_SSL_VERIFYHOST, tls.insecure_skip_verify ? 0L : 2L);
  if (!tls.ca_file.empty()) curl.easy_setopt(h, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.cert_file.empty()) curl.easy_setopt(h, CURLOPT_SSLCERT, tls.cert_file.c_str());
  if (!tls.key_file.empty()) curl.easy_setopt(h, CURLOPT_SSLKEY, tls.key_file.c_str());
  curl.easy_setopt(h, CURLOPT_SSLVERSION, TlsVersion(tls.min_version));

  curl.easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl.easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl.easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl.easy_setopt(h, CURLOPT_HEADERDATA, &transfer);
  curl.easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &OnProgress);
  curl.easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);

  auto started = std::chrono::steady_clock::now();
  CURLcode rc = curl.easy_perform(h);
  response.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);

  if (rc == CURLE_OK) {
    curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
  } else {
    response.status = 0;
    response.timed_out = rc == CURLE_OPERATION_TIMEDOUT;
    response.cancelled = rc == CURLE_ABORTED_BY_CALLBACK;
    std::string detail = errbuf[0] != '\0' ? errbuf : curl.easy_strerror(rc);
    // The URL itself is never part of the message: webhook and Slack URLs carry secrets.
    if (response.timed_out) {
      response.transport_error = "request timed out: " + detail;
    } else if (response.cancelled) {
      response.transport_error = "request cancelled";
    } else {
      response.transport_error = detail;
    }
  }

  curl.slist_free_all(headers);
  // The handle points at per-request buffers; clear them before it waits in the pool.
  curl.easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  impl_->Release(h);
  return response;
}

}  // namespace tocsin::notifiers
