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

CommitResult Appender::Commit() {
  CommitResult result;
  if (!staged_.empty())
    result.counts = store_->CommitBatch(staged_, labels_, result.unknown_refs, scratch_);
  Rollback();
  return result;
}

void Appender::Rollback() {
  // clear() keeps the capacity, so a reused appender stages without allocating.
  staged_.clear();
  labels_.clear();
}

}  // namespace tocsin::storage
