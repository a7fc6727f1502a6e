// The start timestamps (ST, "created timestamps") of one series' samples, for the samples that
// came with one: when the cumulative counter behind the sample started counting, or, for a
// delta sample, the start of the interval it covers. PromQL's rate(), increase(), irate() and
// resets() read them to see counter resets that values alone hide (Prometheus 3.x's experimental
// start-timestamp support).
//
// Most series never carry a start timestamp, so a series holds none of this until its first
// sample with one (Series::start_times is null until then). Entries are (sample time, start
// time) pairs in sample-time order, appended as the samples are, and trimmed to the samples the
// ring still holds. Not thread-safe: guarded by the series' lock stripe, like the ring.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "storage/base/time.h"

namespace tocsin::storage {

class StartTimes {
 public:
  // Records `start` for the sample at `t`, newer than every recorded sample.
  void Add(TimestampMs t, TimestampMs start);
  // Forgets the entries of samples older than `t` (the ring dropped them).
  void DropBefore(TimestampMs t);

  // For each sample time in `times` (ascending), its start time, or 0 when it has none
  // (Prometheus's "not set"), written to `out` (same length).
  void Fill(std::span<const TimestampMs> times, TimestampMs* out) const;

  bool empty() const { return head_ == entries_.size(); }
  size_t memory_bytes() const { return sizeof(*this) + entries_.capacity() * sizeof(Entry); }

 private:
  struct Entry {
    TimestampMs t;
    TimestampMs start;
  };
  std::vector<Entry> entries_;
  size_t head_ = 0;  // entries before it were dropped; compacted once they are half the vector
};

}  // namespace tocsin::storage
