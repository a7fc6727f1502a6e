// The HTTP side of scraping: GET requests on libcurl's multi interface, many at once, driven by
// whoever calls Poll() (the scrape manager's own thread). Nothing here blocks on the network
// outside Poll, and Poll never runs on the engine's io_context.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "engine/scrape/scrape_config.h"
#include "engine/scrape/scrape_loop.h"
#include "storage/base/time.h"

namespace tocsin::scrape {

struct FetchRequest {
  std::string url;
  std::string accept;  // the Accept header (AcceptHeader())
  bool enable_compression = true;
  DurationMs timeout = 10 * kSecond;
  uint64_t body_size_limit = 0;  // bytes; a body of this size or more fails the scrape
  ScrapeAuth auth;
  ScrapeTlsConfig tls;

  static FetchRequest For(const ScrapeConfig& config, const std::string& url);
};

class HttpFetcher {
 public:
  using Done = std::function<void(FetchResult)>;

  HttpFetcher();
  ~HttpFetcher();
  HttpFetcher(const HttpFetcher&) = delete;
  HttpFetcher& operator=(const HttpFetcher&) = delete;

  // Starts a transfer; `done` runs inside a later Poll() with its outcome: ok only for a 200
  // answer whose body fits the limit. Errors read as Prometheus's (`Get "url": context deadline
  // exceeded`, "server returned HTTP status 500 Internal Server Error", "body size limit
  // exceeded").
  void Start(const FetchRequest& request, Done done);
  // Drives the transfers for up to `timeout_ms`, running the callbacks of finished ones.
  void Poll(int timeout_ms);
  // Interrupts a Poll() from another thread.
  void Wakeup();
  size_t in_flight() const;

  // One blocking fetch (for tools and tests): Start + Poll until done.
  static FetchResult FetchNow(const FetchRequest& request);

 private:
  struct Transfer;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::scrape
