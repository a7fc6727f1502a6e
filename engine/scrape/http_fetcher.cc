#include "engine/scrape/http_fetcher.h"

#include <charconv>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <utility>
#include <vector>

#include "notifiers/curl_library.h"

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
  const notifiers::CurlLibrary* curl = nullptr;
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
    if (headers) curl->slist_free_all(headers);
    if (easy) curl->easy_cleanup(easy);
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
      r.error = get + (errbuf[0] ? std::string(errbuf) : std::string(curl->easy_strerror(code)));
      return r;
    }
    long status = 0;
    curl->easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
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
  // libcurl and the multi handle come with the first Start (see notifiers/curl_library.h): a
  // scrape manager with no target never loads libcurl. Both are set on the polling thread, under
  // `mu` because Wakeup reads `multi` from other threads.
  const notifiers::CurlLibrary* curl = nullptr;
  CURLM* multi = nullptr;
  std::map<CURL*, std::unique_ptr<Transfer>> transfers;
  // Transfers that could not start because libcurl did not load: reported by the next Poll.
  std::vector<std::pair<Done, FetchResult>> failed;
  // Poll's wait while there is no multi handle to wait on.
  std::mutex mu;
  std::condition_variable woken_cv;
  bool woken = false;

  // Loads libcurl and creates the multi handle on the first call; an error when libcurl
  // cannot be loaded.
  Status Open() {
    if (multi != nullptr) return Status::Ok();
    auto lib = notifiers::LoadCurl();
    if (!lib.ok()) return lib.error();
    std::lock_guard lock(mu);
    curl = *lib;
    multi = curl->multi_init();
    if (woken) curl->multi_wakeup(multi);  // a Wakeup that came before the handle existed
    woken = false;
    return Status::Ok();
  }
};

HttpFetcher::HttpFetcher() : impl_(std::make_unique<Impl>()) {}

HttpFetcher::~HttpFetcher() {
  if (impl_->multi == nullptr) return;
  for (auto& [easy, t] : impl_->transfers) impl_->curl->multi_remove_handle(impl_->multi, easy);
  impl_->transfers.clear();
  impl_->curl->multi_cleanup(impl_->multi);
}

size_t HttpFetcher::in_flight() const {
  return impl_->transfers.size() + impl_->failed.size();
}

void HttpFetcher::Wakeup() {
  std::lock_guard lock(impl_->mu);
  if (impl_->multi != nullptr) {
    impl_->curl->multi_wakeup(impl_->multi);
  } else {
    impl_->woken = true;
    impl_->woken_cv.notify_all();
  }
}

void HttpFetcher::Start(const FetchRequest& req, Done done) {
  if (Status opened = impl_->Open(); !opened.ok()) {
    FetchResult failed;
    failed.error = "Get \"" + req.url + "\": " + opened.message();
    impl_->failed.emplace_back(std::move(done), std::move(failed));
    return;
  }
  const notifiers::CurlLibrary& curl = *impl_->curl;
  auto t = std::make_unique<Transfer>();
  t->curl = &curl;
  t->url = req.url;
  t->limit = req.body_size_limit;
  t->done = std::move(done);
  CURL* c = t->easy = curl.easy_init();
  std::string error;
  t->headers = curl.slist_append(t->headers, ("Accept: " + req.accept).c_str());
  t->headers = curl.slist_append(
      t->headers, ("X-Prometheus-Scrape-Timeout-Seconds: " + FormatSeconds(req.timeout)).c_str());
  if (!req.enable_compression) {
    t->headers = curl.slist_append(t->headers, "Accept-Encoding: identity");
  } else {
    curl.easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "gzip");
  }
  const ScrapeAuth& a = req.auth;
  if (!a.credentials.empty() || !a.credentials_file.empty()) {
    const std::string creds =
        a.credentials_file.empty() ? a.credentials : ReadSecretFile(a.credentials_file, error);
    const std::string type = a.authorization_type.empty() ? "Bearer" : a.authorization_type;
    t->headers = curl.slist_append(t->headers, ("Authorization: " + type + " " + creds).c_str());
  }
  if (a.basic) {
    t->user = a.username;
    t->password = a.password_file.empty() ? a.password : ReadSecretFile(a.password_file, error);
    curl.easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl.easy_setopt(c, CURLOPT_USERNAME, t->user.c_str());
    curl.easy_setopt(c, CURLOPT_PASSWORD, t->password.c_str());
  }
  t->setup_error = error;
  curl.easy_setopt(c, CURLOPT_URL, t->url.c_str());
  curl.easy_setopt(c, CURLOPT_HTTPHEADER, t->headers);
  curl.easy_setopt(c, CURLOPT_USERAGENT, kUserAgent);
  curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout));
  curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl.easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl.easy_setopt(c, CURLOPT_PROXY, "");  // no proxies from the environment, as Prometheus
  curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl.easy_setopt(c, CURLOPT_ERRORBUFFER, t->errbuf);
  curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, &Transfer::OnBody);
  curl.easy_setopt(c, CURLOPT_WRITEDATA, t.get());
  curl.easy_setopt(c, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl.easy_setopt(c, CURLOPT_HEADERDATA, t.get());
  if (!req.tls.ca_file.empty()) curl.easy_setopt(c, CURLOPT_CAINFO, req.tls.ca_file.c_str());
  if (!req.tls.cert_file.empty()) curl.easy_setopt(c, CURLOPT_SSLCERT, req.tls.cert_file.c_str());
  if (!req.tls.key_file.empty()) curl.easy_setopt(c, CURLOPT_SSLKEY, req.tls.key_file.c_str());
  if (req.tls.insecure_skip_verify) {
    curl.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    curl.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!t->setup_error.empty()) {
    // Report it from Poll like any other outcome.
    curl.easy_setopt(c, CURLOPT_URL, "http://0.0.0.0:0/");
    curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 1L);
  }
  curl.multi_add_handle(impl_->multi, c);
  impl_->transfers.emplace(c, std::move(t));
}

void HttpFetcher::Poll(int timeout_ms) {
  if (!impl_->failed.empty()) {
    auto failed = std::move(impl_->failed);
    impl_->failed.clear();
    for (auto& [done, result] : failed) {
      if (done) done(std::move(result));
    }
    return;
  }
  if (impl_->multi == nullptr) {
    std::unique_lock lock(impl_->mu);
    impl_->woken_cv.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                             [&] { return impl_->woken; });
    impl_->woken = false;
    return;
  }
  const notifiers::CurlLibrary& curl = *impl_->curl;
  int running = 0;
  curl.multi_perform(impl_->multi, &running);
  curl.multi_poll(impl_->multi, nullptr, 0, timeout_ms, nullptr);
  curl.multi_perform(impl_->multi, &running);
  int queued = 0;
  while (CURLMsg* msg = curl.multi_info_read(impl_->multi, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    curl.multi_remove_handle(impl_->multi, easy);
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
