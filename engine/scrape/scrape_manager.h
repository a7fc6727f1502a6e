// Scrapes every target of the configured jobs into the series store, on a thread of its own:
// libcurl's multi interface runs all transfers at once there, and parsing and appending happen
// there too, so neither network waits nor parsing ever run on the engine's io_context (one
// thread is plenty for an edge box's targets; a pool would add locking for no gain).
//
//   ScrapeManager scraper(store, &self_metrics);
//   Status s = scraper.ApplyConfig(configs, globals);   // also on every reload
//   ...
//   scraper.Stop();                                      // shutdown: no stale markers
//
// Scheduling follows Prometheus: each target is scraped every scrape_interval at a fixed phase
// derived from its hash (targets spread over the interval, deterministically), with scrape times
// aligned to the previous ones when within 2ms. On reload, targets that stay keep their state;
// targets that go get stale markers for all their series at the time their next scrape would
// have been, written one interval (+10%) later unless the target came back meanwhile.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/scrape/scrape_config.h"
#include "engine/scrape/scrape_loop.h"
#include "storage/base/result.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::metrics {
class SelfMetrics;
}

namespace tocsin::scrape {

class ScrapeMetrics;

struct ScrapeManagerOptions {
  // The seed that spreads targets over their interval (Prometheus: hostname + external labels).
  std::string hostname;
  Labels external_labels;
  // A hard cap on samples per scrape (on top of sample_limit), to bound memory.
  size_t max_samples_per_scrape = 5'000'000;
};

struct TargetStatus {
  std::string job;
  std::string url;
  Labels labels;
  std::string health = "unknown";  // "up", "down", "unknown"
  std::string last_error;
  TimestampMs last_scrape = 0;
  double last_scrape_duration = 0;
  DurationMs interval = 0;
  DurationMs timeout = 0;
};

class ScrapeManager {
 public:
  explicit ScrapeManager(storage::SeriesStore& store, metrics::SelfMetrics* metrics = nullptr,
                         ScrapeManagerOptions options = {});
  ~ScrapeManager();
  ScrapeManager(const ScrapeManager&) = delete;
  ScrapeManager& operator=(const ScrapeManager&) = delete;

  // Validates (Validate()) and installs a new set of jobs. On error nothing changes and the
  // message names the job. Thread-safe; returns once the new set is in force.
  Status ApplyConfig(std::vector<ScrapeConfig> configs, const ScrapeGlobals& globals);
  // Stops scraping (pending transfers are abandoned, no stale markers: the data stays as on
  // shutdown). Idempotent; the destructor calls it.
  void Stop();

  std::vector<TargetStatus> Targets() const;
  // Scrapes completed since start (for tests and status pages).
  uint64_t scrapes_completed() const { return scrapes_.load(); }

 private:
  struct Job;
  struct Running;
  void Run();
  void Install();  // on the thread: applies the pending configuration
  void StartDue();
  void FinishScrape(const std::shared_ptr<Running>& r, FetchResult result);

  storage::SeriesStore& store_;
  std::unique_ptr<ScrapeMetrics> metrics_;
  ScrapeManagerOptions options_;
  uint64_t seed_;

  mutable std::mutex mu_;
  std::condition_variable installed_cv_;
  bool has_pending_ = false;
  uint64_t pending_generation_ = 0, installed_generation_ = 0;
  std::vector<ScrapeConfig> pending_;
  std::vector<TargetStatus> status_;  // published copy for Targets()

  struct State;
  std::unique_ptr<State> state_;  // owned by the thread
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> scrapes_{0};
  std::thread thread_;
};

}  // namespace tocsin::scrape
