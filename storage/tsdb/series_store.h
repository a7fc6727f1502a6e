// The in-memory time-series store: series keyed by label set, an inverted index over their
// labels, and a ring of recent samples per series. The PromQL evaluator reads it through
// storage::Querier; writers go through storage::Appender (appender.h).
//
// What is kept: for each series, the samples of the last `retention` (counted back from the
// series' newest sample), exactly as appended, stale markers included. A sample is rejected, and
// counted by reason, when it is older than the store's newest timestamp minus the retention
// (too_old), older than its series' newest sample (out_of_order), or at the same time with a
// different value (duplicate_timestamp; an identical repeat is ignored silently, as Prometheus
// does). GarbageCollect(now) drops series with no sample since now - retention.
//
// Locking scheme (read before changing anything):
//  * index_mu_ (writer-preferring reader-writer lock, rw_mutex.h) guards the symbol table, the
//    postings index, both series tables and the lifetime of every Series: series are created
//    and freed only with index_mu_ held exclusively, so holding it shared keeps every Series*
//    valid. Holders in shared mode: a committing appender (for the whole batch), Select,
//    LabelNames/LabelValues, Stats, and the look-up half of Appender::Append(labels). Holders in
//    exclusive mode: series creation, GarbageCollect, Clear.
//  * The samples (SampleRing) of a series are guarded by one of kLockStripes mutexes picked by
//    series id (StripeOf). Writers and readers both hold index_mu_ shared and then take the series'
//    stripe while touching its ring; a thread holds at most one stripe at a time (across a run
//    of consecutive series that share it, in commits and selections). Exclusive holders
//    of index_mu_ need no stripe: nobody else is inside.
//  * Lock order: index_mu_, then one stripe. Never take index_mu_ shared twice on one thread: a
//    waiting writer would block the second acquisition.
//  * Counters are relaxed atomics; max_time_ only grows (compare-exchange).
// Appends into existing series therefore run in parallel with each other (different stripes) and
// with queries, and block only while a series is created or garbage is collected.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/matcher.h"
#include "storage/base/result.h"
#include "storage/base/time.h"
#include "storage/querier.h"
#include "storage/tsdb/open_hash_set.h"
#include "storage/tsdb/postings_index.h"
#include "storage/tsdb/rw_mutex.h"
#include "storage/tsdb/series.h"
#include "storage/tsdb/symbol_table.h"

namespace tocsin::storage {

struct StoreOptions {
  // How far back samples are kept, counted from each series' newest sample; also how long a
  // series may stay silent before GarbageCollect drops it. 0 keeps everything forever (what the
  // .test and promtool-style runners want). The rule engine sizes it as the longest range any
  // rule reads plus the 5m lookback delta; one hour covers the usual alerting rules.
  DurationMs retention = kHour;
  // The expected gap between samples of a series (the scrape or evaluation interval). Rings are
  // sized retention / expected_interval + 1; denser series grow their ring.
  DurationMs expected_interval = 15 * kSecond;

  static StoreOptions Unbounded() { return StoreOptions{0, 15 * kSecond}; }
};

// An opaque handle to a series, returned by Appender::Append(labels, ...) so that callers can
// append again without hashing labels. 0 is never a valid ref. A ref stays valid until its series
// is dropped (GarbageCollect, Clear).
using SeriesRef = uint64_t;

// Samples by what happened to them.
struct AppendCounts {
  uint64_t appended = 0;
  uint64_t out_of_order = 0;         // older than the series' newest sample
  uint64_t duplicate_timestamp = 0;  // same time as the newest sample, different value
  uint64_t too_old = 0;              // older than the store's newest time minus the retention
  uint64_t unknown_series = 0;       // appended by a ref whose series no longer exists

  uint64_t rejected() const {
    return out_of_order + duplicate_timestamp + too_old + unknown_series;
  }
  AppendCounts& operator+=(const AppendCounts& o);
};

struct StoreStats {
  size_t series = 0;
  size_t samples = 0;
  size_t symbols = 0;
  // Bytes held by rings, series headers, the index and the symbol table (capacities, not
  // sizes; excludes allocator overhead).
  size_t memory_bytes = 0;
  AppendCounts totals;  // since the store was made
  uint64_t series_created = 0;
  uint64_t series_removed = 0;
};

class SeriesStore final : public Querier {
 public:
  explicit SeriesStore(StoreOptions options = {});
  ~SeriesStore() override;
  SeriesStore(const SeriesStore&) = delete;
  SeriesStore& operator=(const SeriesStore&) = delete;

  // Querier. Series are sorted by label set; each has samples mint <= t <= maxt.
  SeriesSet Select(std::span<const LabelMatcher> matchers, TimestampMs mint,
                   TimestampMs maxt) const override;
  // In series id (creation) order.
  void SelectInto(std::span<const LabelMatcher> matchers, TimestampMs mint, TimestampMs maxt,
                  SeriesSet& out) const override;
  void SelectWithStartTimesInto(std::span<const LabelMatcher> matchers, TimestampMs mint,
                                TimestampMs maxt, SeriesSet& out) const override;
  // Holds index_mu_ shared for the whole visit and each series' stripe while `visit` runs on
  // it, so `visit` should be quick (appenders to that series' stripe wait for it).
  void VisitSelection(std::span<const LabelMatcher> matchers, TimestampMs mint, TimestampMs maxt,
                      const SelectionVisitor& visit) const override;
  std::vector<std::string> LabelNames(std::span<const LabelMatcher> matchers) const override;
  std::vector<std::string> LabelValues(const std::string& name,
                                       std::span<const LabelMatcher> matchers) const override;

  // Drops the series whose newest sample is older than now - retention, and series that were
  // already empty at the previous call (left so by rolled-back or rejected appends; the grace
  // period lets an open appender commit into a series it just created), and forgets older
  // samples of the rest. The owner calls it
  // periodically (e.g. every minute). Returns the number of series dropped.
  size_t GarbageCollect(TimestampMs now);
  // Removes every series (the .test DSL's `clear`). Counters keep counting.
  void Clear();

  StoreStats Stats() const;
  size_t num_series() const;
  // The newest timestamp ever appended, or INT64_MIN.
  TimestampMs max_time() const { return max_time_.load(std::memory_order_relaxed); }
  const StoreOptions& options() const { return options_; }

 private:
  // Select and SelectInto: the matching series with samples in [mint, maxt], sorted by label
  // set or in id order, with their start timestamps when asked.
  void SelectSeries(std::span<const LabelMatcher> matchers, TimestampMs mint, TimestampMs maxt,
                    bool sorted, bool with_start_times, SeriesSet& out) const;

  friend class Appender;
  struct StagedSample {
    SeriesRef ref;
    TimestampMs t;
    double v;
    uint32_t labels_index;  // into the appender's labels, or kNoLabels for Append(ref)
  };
  // The start timestamp of staged sample `index`; kept apart so that the usual samples, which
  // have none, stage 24 bytes and commit without looking for one.
  struct StagedStartTime {
    size_t index;
    TimestampMs start;
  };
  static constexpr uint32_t kNoLabels = UINT32_MAX;
  static constexpr size_t kLockStripes = 1024;
  struct alignas(64) Stripe {
    std::mutex mu;
  };
  struct ByIdHasher {
    static constexpr bool kRunsOfEight = true;  // see OpenHashSet::Home
    uint64_t operator()(const Series* s) const { return s->id; }
  };
  struct ByHashHasher {
    uint64_t operator()(const Series* s) const { return s->hash; }
  };

  // The series of `labels`, created if needed. Errors for an empty or invalid label set.
  Result<SeriesRef> GetOrCreate(const Labels& labels);
  // Requires index_mu_ exclusively. Uses `id` when it is free and was issued before (bringing
  // a just-dropped series back under its old id), else the next id.
  Result<Series*> CreateLocked(const Labels& labels, SeriesId id);
  // Applies a batch in order; the appender calls it from Commit.
  // `series` is scratch space (kept by the appender so commits do not allocate).
  // `start_times` is sorted by index.
  AppendCounts CommitBatch(std::span<const StagedSample> staged,
                           std::span<const StagedStartTime> start_times,
                           std::span<const Labels> labels, std::vector<SeriesRef>& unknown_refs,
                           std::vector<Series*>& series);

  // Everything below that reads the index requires index_mu_ (shared at least).
  Series* FindById(SeriesId id) const;
  Series* FindByLabels(const Labels& labels) const;
  SeriesId IdOf(SeriesRef ref) const;
  SeriesRef RefOf(SeriesId id) const { return SeriesRef{generation_} << 32 | id; }
  bool SameLabels(const Series& s, const Labels& labels) const;
  Labels LabelsOf(const Series& s) const;
  // The order of the series' Labels, without building them.
  bool LabelsLess(const Series& a, const Series& b) const;
  // Ids of the series matching every matcher, sorted.
  std::vector<SeriesId> MatchingIds(std::span<const LabelMatcher> matchers) const;
  // Runs of 16 consecutive ids share a stripe: series created together are usually appended
  // together (a scrape, a rule group), so a commit switches locks once per run, not per sample.
  std::mutex& StripeOf(SeriesId id) const { return stripes_[(id / 16) % kLockStripes].mu; }
  // Requires index_mu_ exclusively.
  void RemoveSeries(std::vector<Series*> dead);
  void RenumberIds();
  uint32_t preferred_capacity() const { return preferred_capacity_; }

  const StoreOptions options_;
  const uint32_t preferred_capacity_;

  mutable RwMutex index_mu_;
  SymbolTable symbols_;
  PostingsIndex postings_;
  OpenHashSet<Series*, ByIdHasher> by_id_;
  OpenHashSet<Series*, ByHashHasher> by_hash_;
  SeriesId next_id_ = 1;
  // Bumped when ids are renumbered (after ~3 billion series creations), so refs held across it
  // are recognised as stale instead of reaching another series.
  uint32_t generation_ = 1;
  mutable std::array<Stripe, kLockStripes> stripes_;

  std::atomic<TimestampMs> max_time_{INT64_MIN};
  std::atomic<int64_t> samples_{0};
  std::atomic<uint64_t> appended_{0};
  std::atomic<uint64_t> out_of_order_{0};
  std::atomic<uint64_t> duplicate_timestamp_{0};
  std::atomic<uint64_t> too_old_{0};
  std::atomic<uint64_t> unknown_series_{0};
  std::atomic<uint64_t> series_created_{0};
  std::atomic<uint64_t> series_removed_{0};

  // For tests: renumber once next_id_ passes this.
  SeriesId renumber_threshold_ = 3'000'000'000u;
  friend struct SeriesStoreTestPeer;
};

}  // namespace tocsin::storage
