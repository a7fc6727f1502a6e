// One target's scrape state, and what it writes into the store after each scrape, exactly as
// Prometheus's scrape loop does:
//  * every sample gets the target's labels (honor_labels: exposed labels win; otherwise the
//    target's win and clashing exposed labels are kept as exported_<name>, exported_exported_...);
//    samples without a timestamp take the scrape time;
//  * the report series up, scrape_duration_seconds, scrape_samples_scraped,
//    scrape_samples_post_metric_relabeling and scrape_series_added, at the scrape time;
//  * staleness markers (the exact StaleNaN) at the scrape time for every series of the previous
//    scrape that this one did not return — all of them when the scrape failed (up=0) — except
//    series exposed with their own timestamp (unless track_timestamps_staleness);
//  * on a body that does not parse, or breaks a limit, nothing of it is kept: up=0 and stale
//    markers. (Like Prometheus, the series read before the bad line count as seen for
//    staleness.)
// All of a scrape goes through one Appender batch. A loop is used by one thread at a time.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>

#include "engine/scrape/exposition_parser.h"
#include "engine/scrape/scrape_config.h"
#include "engine/scrape/target.h"
#include "storage/tsdb/appender.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::scrape {

class ScrapeMetrics;

// What the HTTP side of a scrape produced.
struct FetchResult {
  bool ok = false;
  std::string error;  // when !ok, e.g. `Get "http://h:1/metrics": context deadline exceeded`
  bool body_limit_exceeded = false;
  std::string body;
  std::string content_type;
};

// What one scrape did; the report series carry the same figures.
struct ScrapeOutcome {
  bool up = false;
  std::string error;  // why up is 0
  size_t samples_scraped = 0;
  size_t samples_post_relabeling = 0;
  size_t series_added = 0;
  size_t stale_markers = 0;
  storage::AppendCounts counts;
};

struct ScrapeLoopOptions {
  bool honor_labels = false;
  bool honor_timestamps = true;
  bool track_timestamps_staleness = false;
  std::optional<ScrapeProtocol> fallback_scrape_protocol;
  uint64_t sample_limit = 0;
  uint64_t label_limit = 0;
  uint64_t label_name_length_limit = 0;
  uint64_t label_value_length_limit = 0;
  ParserOptions parser;  // parser.max_samples is a hard cap, whatever sample_limit says

  static ScrapeLoopOptions From(const ScrapeConfig& config);
};

class ScrapeLoop {
 public:
  ScrapeLoop(Target target, ScrapeLoopOptions options, storage::SeriesStore& store,
             ScrapeMetrics* metrics = nullptr);

  // Writes the outcome of one scrape taken at `scrape_time` that took `duration_seconds`.
  ScrapeOutcome Append(const FetchResult& fetch, TimestampMs scrape_time, double duration_seconds);
  // The target is gone (configuration reload): stale markers at `t` for every series of its last
  // scrape and for its report series. Nothing if it was never scraped.
  size_t AppendEndOfRunStaleness(TimestampMs t);

  const Target& target() const { return target_; }
  void set_target(Target t) {
    target_ = std::move(t);
    for (Report& r : report_) r = Report();
  }
  const ScrapeLoopOptions& options() const { return options_; }
  void set_options(ScrapeLoopOptions o) { options_ = std::move(o); }

 private:
  struct Entry {
    storage::SeriesRef ref = 0;
    Labels labels;
    uint64_t last_iter = 0;
  };
  struct LabelsHash {
    size_t operator()(const Labels& l) const { return l.hash(); }
  };
  using Tracked = std::unordered_map<Labels, storage::SeriesRef, LabelsHash>;
  // A staged sample and where its series' ref lives, to re-append by labels if the store
  // dropped the series meanwhile.
  struct Staged {
    const Labels* labels;
    storage::SeriesRef* ref;
    TimestampMs t;
    double v;
  };

  // Returns "" or the error that fails the whole scrape.
  std::string AppendBody(const FetchResult& fetch, TimestampMs t, ScrapeOutcome& out);
  Labels TargetLabelsApplied(const Labels& exposed) const;
  std::string CheckLabelLimits(const Labels& l) const;
  void StageStaleMarkers(TimestampMs t, ScrapeOutcome& out);
  void StageReport(TimestampMs t, const ScrapeOutcome& out, double duration, bool stale);
  void Stage(const Labels& labels, storage::SeriesRef& ref, TimestampMs t, double v);
  void IterDone(bool flush);
  storage::CommitResult Commit();

  Target target_;
  ScrapeLoopOptions options_;
  storage::SeriesStore& store_;
  ScrapeMetrics* metrics_;
  storage::Appender app_;
  std::vector<Staged> staged_;

  std::unordered_map<std::string, Entry> cache_;  // by the series as written
  Tracked seen_now_, seen_before_;                // for staleness
  uint64_t iter_ = 1;
  size_t successful_count_ = 0;
  bool scraped_ = false;
  struct Report {
    Labels labels;
    storage::SeriesRef ref = 0;
  };
  Report report_[5];
};

}  // namespace tocsin::scrape
