// Reading a host service's prometheus-cpp registry in-process, as if Prometheus had scraped it.
//
//   prometheus::Registry& registry = ...;              // the service's own metrics
//   RegistryCollector collector(store, {.target_labels = Labels{{"job", "api"}}});
//   CollectResult r = collector.Collect(registry, now);   // e.g. every 15s
//
// Each call asks the registry for its families (Collectable::Collect, no HTTP, no text) and
// appends every sample at `t` through one storage::Appender batch. The stored series are exactly
// those a scrape of the registry's text exposition would store (exposed_series.h: names, `le` /
// `quantile` values normalised as Prometheus 3 does, target labels added with the `exported_`
// rule), so the same rules work on an embedded and on a scraped service. As a scrape does, it
// writes a staleness marker (StaleNaN) for every series of the previous collection that is gone
// from this one (a removed label child, a removed family), and MarkAllStale ends every series
// when the source goes away.
//
// One collector follows one source: the staleness bookkeeping compares a collection with the
// previous one of the same collector, so collecting two registries through one collector would
// mark each other's series stale (collect several sources together with the span overload). The
// SeriesRef of every series is kept between collections, so a steady collection looks up each
// metric once (a histogram's buckets are then found by position), builds no label set and
// allocates nothing per sample. Not thread-safe: use it from one thread at a time.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/collect/exposed_series.h"
#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"
#include "storage/tsdb/appender.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::collect {

struct CollectorOptions {
  // Labels added to every series, as a scrape adds its target's labels (typically `job` and
  // `instance`).
  Labels target_labels;
  // Prometheus's honor_labels. False: an exposed label that collides with a target label is kept
  // as `exported_<name>` and the target's value wins. True: the exposed value wins.
  bool honor_labels = false;
  // Prometheus's honor_timestamps: a metric that carries its own timestamp (a custom
  // Collectable may set ClientMetric::timestamp_ms) is stored at that time. Such series get no
  // staleness markers, as in Prometheus without track_timestamps_staleness.
  bool honor_timestamps = true;
};

// What one collection did; the names follow Prometheus's per-scrape series.
struct CollectResult {
  size_t samples = 0;        // samples the source exposed (scrape_samples_scraped)
  size_t series_added = 0;   // series not in the previous collection (scrape_series_added)
  size_t stale_markers = 0;  // series of the previous collection gone from this one
  // Samples skipped because the store refused their label set (e.g. an empty metric name, a
  // label name twice, invalid UTF-8); the first reason names the series.
  size_t invalid_series = 0;
  std::string first_invalid;
  storage::AppendCounts counts;  // what the store did with the batch (rejections by reason)
};

class RegistryCollector {
 public:
  explicit RegistryCollector(storage::SeriesStore& store, CollectorOptions options = {});
  RegistryCollector(const RegistryCollector&) = delete;
  RegistryCollector& operator=(const RegistryCollector&) = delete;

  // Collects `source` (a prometheus::Registry or any Collectable) and appends at `t`.
  CollectResult Collect(const prometheus::Collectable& source, TimestampMs t);
  // Collects several sources as one, e.g. the registries an Exposer serves together.
  CollectResult Collect(std::span<const prometheus::Collectable* const> sources, TimestampMs t);
  // Appends families already collected.
  CollectResult Append(std::span<const prometheus::MetricFamily> families, TimestampMs t);
  // Writes a staleness marker at `t` for every series of the last collection and forgets them,
  // as Prometheus does when a target is removed.
  CollectResult MarkAllStale(TimestampMs t);

  // Series of the last collection (those that will be marked stale if they disappear).
  size_t tracked_series() const;
  const CollectorOptions& options() const { return options_; }

 private:
  // One series, identified within its metric by what the exposition adds to the metric's name
  // and labels.
  struct TrackedSample {
    SeriesSuffix suffix = SeriesSuffix::kNone;
    BoundLabel label = BoundLabel::kNone;
    double bound = 0;
    storage::SeriesRef ref = 0;  // 0 when the store refused the label set
    Labels labels;               // to re-create the series if the store dropped it
    uint64_t seen_in = 0;        // the collection that last exposed it
    TimestampMs t = 0;           // its sample in that collection
    double value = 0;
    bool own_timestamp = false;  // exempt from staleness (honor_timestamps)
  };
  // One ClientMetric: its samples in the order it exposed them last time, so that a steady
  // collection finds a histogram's buckets by position and looks up only the metric.
  struct TrackedMetric {
    std::vector<TrackedSample> samples;
  };
  // Keys are the family name and the metric's label pairs, length-prefixed so that no two
  // different metrics share one. Transparent, so looking up the reused key buffer allocates
  // nothing.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  using MetricMap = std::unordered_map<std::string, TrackedMetric, KeyHash, std::equal_to<>>;

  void AppendFamily(const prometheus::MetricFamily& family, TimestampMs t, CollectResult& result);
  // Appends `sample` of `metric`, whose tracking is `tracked`; `position` is its index among the
  // metric's samples.
  void AppendSample(const prometheus::MetricFamily& family, const prometheus::ClientMetric& metric,
                    const ExposedSample& sample, size_t position, TimestampMs t, bool own_timestamp,
                    TrackedMetric& tracked, CollectResult& result);
  // The series' full label set, or an error naming it.
  Result<Labels> BuildLabels(const prometheus::MetricFamily& family,
                             const prometheus::ClientMetric& metric,
                             const ExposedSample& sample) const;
  // Stale markers for the series this collection did not see; forgets them.
  void MarkUnseenStale(TimestampMs t, CollectResult& result);
  CollectResult Commit(CollectResult result);

  storage::SeriesStore* store_;
  CollectorOptions options_;
  storage::Appender appender_;
  MetricMap metrics_;
  uint64_t collection_ = 0;  // number of the current collection
  std::string key_;          // reused key buffer
};

}  // namespace tocsin::collect
