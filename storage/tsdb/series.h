// One series in the store: its identity (id, label hash, interned labels) and its samples.
//
// Allocated as one block with the label references trailing the header, so a series with five
// labels costs 80 bytes plus its ring.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "storage/tsdb/postings_index.h"
#include "storage/tsdb/sample_ring.h"
#include "storage/tsdb/start_times.h"

namespace tocsin::storage {

struct Series {
  uint64_t hash;  // Labels::hash() of the label set
  SeriesId id;
  uint16_t num_labels;
  // Set by a GarbageCollect that found the series empty; the next one drops it if it still is.
  // The grace period lets an appender that created the series commit its first sample.
  bool empty_at_last_gc = false;
  SampleRing ring;
  // Start timestamps of the samples that came with one; null for the (usual) series that never
  // had any.
  std::unique_ptr<StartTimes> start_times;

  // Sorted by label name, as the Labels they were made from.
  std::span<LabelRef> labels() { return {reinterpret_cast<LabelRef*>(this + 1), num_labels}; }
  std::span<const LabelRef> labels() const {
    return {reinterpret_cast<const LabelRef*>(this + 1), num_labels};
  }
  // The value symbol of label `name`, or kNoSymbol when the series lacks it.
  SymbolId ValueOf(SymbolId name) const {
    for (const LabelRef& l : labels()) {
      if (l.name == name) return l.value;
    }
    return kNoSymbol;
  }

  static Series* Create(SeriesId id, uint64_t hash, std::span<const LabelRef> labels);
  static void Destroy(Series* s);
  size_t memory_bytes() const {
    return sizeof(Series) + num_labels * sizeof(LabelRef) +
           (start_times ? start_times->memory_bytes() : 0);
  }

 private:
  Series(SeriesId i, uint64_t h, uint16_t n) : hash(h), id(i), num_labels(n) {}
};

static_assert(alignof(Series) >= alignof(LabelRef));
inline constexpr size_t kMaxLabelsPerSeries = UINT16_MAX;

}  // namespace tocsin::storage
