#include "storage/tsdb/appender.h"

namespace tocsin::storage {

Result<SeriesRef> Appender::Append(const Labels& labels, TimestampMs t, double v) {
  Result<SeriesRef> ref = store_->GetOrCreate(labels);
  if (!ref.ok()) return ref;
  // Consecutive samples of one series share the staged label set.
  if (labels_.empty() || !(labels_.back() == labels)) labels_.push_back(labels);
  staged_.push_back({*ref, t, v, static_cast<uint32_t>(labels_.size() - 1)});
  return ref;
}

Result<SeriesRef> Appender::AppendWithStartTime(const Labels& labels, TimestampMs t, double v,
                                                TimestampMs start) {
  Result<SeriesRef> ref = Append(labels, t, v);
  if (ref.ok() && start != 0) start_times_.push_back({staged_.size() - 1, start});
  return ref;
}

void Appender::AppendWithStartTime(SeriesRef ref, TimestampMs t, double v, TimestampMs start) {
  Append(ref, t, v);
  if (start != 0) start_times_.push_back({staged_.size() - 1, start});
}

CommitResult Appender::Commit() {
  CommitResult result;
  if (!staged_.empty()) {
    result.counts =
        store_->CommitBatch(staged_, start_times_, labels_, result.unknown_refs, scratch_);
  }
  Rollback();
  return result;
}

void Appender::Rollback() {
  // clear() keeps the capacity, so a reused appender stages without allocating.
  staged_.clear();
  start_times_.clear();
  labels_.clear();
}

}  // namespace tocsin::storage
