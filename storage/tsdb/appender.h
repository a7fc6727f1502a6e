// Writing into the series store: stage a batch of samples, then commit or roll it back, as with
// Prometheus's storage.Appender.
//
//   Appender app(store);
//   auto ref = app.Append(labels, t, v);     // finds or creates the series; keep `ref`
//   app.Append(*ref, t2, v2);                // fast path: no label hashing
//   CommitResult r = app.Commit();           // applies the batch in order; counts rejections
//
// Staging only records the sample (24 bytes, no lock); Commit takes the store's index lock
// shared once and each series' lock stripe, so batches cost little per sample. Samples are
// validated at commit (out_of_order, duplicate_timestamp, too_old) and rejected ones are counted
// in the result and in the store's totals. A ref whose series was dropped meanwhile is reported
// in CommitResult::unknown_refs (append those by labels again); if the batch also appended the
// same series by labels, the series is recreated instead. An Appender is used by one thread at a
// time; make one per thread. Uncommitted samples are discarded on destruction.
#pragma once

#include <vector>

#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/base/time.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::storage {

struct CommitResult {
  AppendCounts counts;
  std::vector<SeriesRef> unknown_refs;  // distinct refs whose series no longer exists
};

class Appender {
 public:
  explicit Appender(SeriesStore& store) : store_(&store) {}
  Appender(Appender&&) noexcept = default;
  Appender& operator=(Appender&&) noexcept = default;

  // Stages (t, v) for the series `labels`, creating the series now if it is new. Fails for an
  // empty label set or an invalid label name; the sample is then not staged.
  Result<SeriesRef> Append(const Labels& labels, TimestampMs t, double v);
  // Stages (t, v) for a series by the ref an earlier Append returned.
  void Append(SeriesRef ref, TimestampMs t, double v) {
    staged_.push_back({ref, t, v, SeriesStore::kNoLabels});
  }
  // The same, for a sample with a start timestamp `start` (see start_times.h); 0 means none.
  Result<SeriesRef> AppendWithStartTime(const Labels& labels, TimestampMs t, double v,
                                        TimestampMs start);
  void AppendWithStartTime(SeriesRef ref, TimestampMs t, double v, TimestampMs start);

  // Applies the staged samples in order and empties the batch.
  CommitResult Commit();
  // Discards the staged samples.
  void Rollback();
  size_t pending() const { return staged_.size(); }

 private:
  SeriesStore* store_;
  std::vector<SeriesStore::StagedSample> staged_;
  std::vector<SeriesStore::StagedStartTime> start_times_;  // by staged index, ascending
  std::vector<Labels> labels_;
  std::vector<Series*> scratch_;
};

}  // namespace tocsin::storage
