#include "engine/scrape/http_fetcher.h"

#include <curl/curl.h>

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

namespace tocsin::scrape {
namespace {

constexpr const char* kUserAgent = "tocsin/0.1.0";

std::string ReadSecretFile(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "unable to read file " + path;
    return "";
  }
  std::stringstream s;
  s << in.rdbuf();
  std::string v = s.str();
  // Prometheus trims surrounding whitespace from credential files.
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ')) v.pop_back();
  return v;
}

std::string FormatSeconds(DurationMs ms) {
  // strconv.FormatFloat(seconds, 'f', -1, 64)
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, static_cast<double>(ms) / 1000.0,
                         std::chars_format::fixed);
  return std::string(buf, r.ptr);
}

void EnsureCurlGlobalInit() {
  static const bool done = [] { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }();
  (void)done;
}

}  // namespace

FetchRequest FetchRequest::For(const ScrapeConfig& c, const std::string& url) {
  FetchRequest r;
  r.url = url;
  r.accept =
      AcceptHeader(c.scrape_protocols.empty() ? DefaultScrapeProtocols() : c.scrape_protocols);
  r.enable_compression = c.enable_compression;
  r.timeout = c.scrape_timeout > 0 ? c.scrape_timeout : 10 * kSecond;
  r.body_size_limit = c.body_size_limit;
  r.auth = c.auth;
  r.tls = c.tls_config;
  return r;
}

struct HttpFetcher::Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string url;
  std::string body;
  std::string content_type;
  std::string status_line;
  uint64_t limit = 0;
  bool limit_exceeded = false;
  std::string setup_error;
  std::string user, password;
  char errbuf[CURL_ERROR_SIZE] = {0};
  Done done;

  ~Transfer() {
    if (headers) curl_slist_free_all(headers);
    if (easy) curl_easy_cleanup(easy);
  }

  static size_t OnBody(char* data, size_t size, size_t n, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    const size_t bytes = size * n;
    if (self->limit > 0 && self->body.size() + bytes >= self->limit) {
      self->limit_exceeded = true;
      return 0;  // aborts the transfer
    }
    self->body.append(data, bytes);
    return bytes;
  }

  static size_t OnHeader(char* data, size_t size, size_t n, void* self_ptr) {
    auto* self = static_cast<Transfer*>(self_ptr);
    std::string_view line(data, size * n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.starts_with("HTTP/")) {
      self->status_line.assign(line);  // a new response (after a redirect or 100 Continue)
      self->content_type.clear();
      return size * n;
    }
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos && colon == 12) {
      std::string name(line.substr(0, colon));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == "content-type") {
        std::string_view v = line.substr(colon + 1);
        while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
        while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
        self->content_type.assign(v);
      }
    }
    return size * n;
  }

  FetchResult Finish(CURLcode code) {
    FetchResult r;
    const std::string get = "Get \"" + url + "\": ";
    if (!setup_error.empty()) {
      r.error = setup_error;
      return r;
    }
    if (limit_exceeded) {
      r.error = "body size limit exceeded";
      r.body_limit_exceeded = true;
      return r;
    }
    if (code == CURLE_OPERATION_TIMEDOUT) {
      r.error = get + "context deadline exceeded";
      return r;
    }
    if (code != CURLE_OK) {
      r.error = get + (errbuf[0] ? std::string(errbuf) : std::string(curl_easy_strerror(code)));
      return r;
    }
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
      // Go's resp.Status: the code and the reason phrase as the server sent it.
      std::string reason;
      const size_t sp = status_line.find(' ');
      if (sp != std::string::npos) reason = status_line.substr(sp + 1);
      r.error = "server returned HTTP status " + (reason.empty() ? std::to_string(status) : reason);
      return r;
    }
    r.ok = true;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
  }
};

struct HttpFetcher::Impl {
  CURLM* multi = nullptr;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
};

HttpFetcher::HttpFetcher() : impl_(std::make_unique<Impl>()) {
  EnsureCurlGlobalInit();
  impl_->multi = curl_multi_init();
}

HttpFetcher::~HttpFetcher() {
  for (auto& [easy, t] : impl_->transfers) curl_multi_remove_handle(impl_->multi, easy);
  impl_->transfers.clear();
  curl_multi_cleanup(impl_->multi);
}

size_t HttpFetcher::in_flight() const {
  return impl_->transfers.size();
}

void HttpFetcher::Wakeup() {
  curl_multi_wakeup(impl_->multi);
}

void HttpFetcher::Start(const FetchRequest& req, Done done) {
  auto t = std::make_unique<Transfer>();
  t->url = req.url;
  t->limit = req.body_size_limit;
  t->done = std::move(done);
  CURL* c = t->easy = curl_easy_init();
  std::string error;
  t->headers = curl_slist_append(t->headers, ("Accept: " + req.accept).c_str());
  t->headers = curl_slist_append(
      t->headers, ("X-Prometheus-Scrape-Timeout-Seconds: " + FormatSeconds(req.timeout)).c_str());
  if (!req.enable_compression) {
    t->headers = curl_slist_append(t->headers, "Accept-Encoding: identity");
  } else {
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
  }
  const ScrapeAuth& a = req.auth;
  if (!a.credentials.empty() || !a.credentials_file.empty()) {
    const std::string creds =
        a.credentials_file.empty() ? a.credentials : ReadSecretFile(a.credentials_file, error);
    const std::string type = a.authorization_type.empty() ? "Bearer" : a.authorization_type;
    t->headers = curl_slist_append(t->headers, ("Authorization: " + type + " " + creds).c_str());
  }
  if (a.basic) {
    t->user = a.username;
    t->password = a.password_file.empty() ? a.password : ReadSecretFile(a.password_file, error);
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, t->user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, t->password.c_str());
  }
  t->setup_error = error;
  curl_easy_setopt(c, CURLOPT_URL, t->url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout));
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // no proxies from the environment, as Prometheus
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, t.get());
  if (!req.tls.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, req.tls.ca_file.c_str());
  if (!req.tls.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, req.tls.cert_file.c_str());
  if (!req.tls.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, req.tls.key_file.c_str());
  if (req.tls.insecure_skip_verify) {
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!t->setup_error.empty()) {
    // Report it from Poll like any other outcome.
    curl_easy_setopt(c, CURLOPT_URL, "http://0.0.0.0:0/");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 1L);
  }
  curl_multi_add_handle(impl_->multi, c);
  impl_->transfers.emplace(c, std::move(t));
}

void HttpFetcher::Poll(int timeout_ms) {
  int running = 0;
  curl_multi_perform(impl_->multi, &running);
  curl_multi_poll(impl_->multi, nullptr, 0, timeout_ms, nullptr);
  curl_multi_perform(impl_->multi, &running);
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(impl_->multi, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    curl_multi_remove_handle(impl_->multi, easy);
    auto it = impl_->transfers.find(easy);
    if (it == impl_->transfers.end()) continue;
    std::unique_ptr<Transfer> t = std::move(it->second);
    impl_->transfers.erase(it);
    FetchResult result = t->Finish(code);
    Done done = std::move(t->done);
    t.reset();
    if (done) done(std::move(result));
  }
}

FetchResult HttpFetcher::FetchNow(const FetchRequest& request) {
  HttpFetcher f;
  FetchResult out;
  bool finished = false;
  f.Start(request, [&](FetchResult r) {
    out = std::move(r);
    finished = true;
  });
  while (!finished) f.Poll(100);
  return out;
}

}  // namespace tocsin::scrape
