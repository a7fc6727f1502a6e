// The evaluator's working representation of values: a matrix of series whose points sit at
// the evaluation steps (or, for range vectors, at raw sample times), kept in one flat array so
// that producing a series costs no allocation of its own.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "engine/promql/value.h"
#include "storage/base/labels.h"

namespace tocsin::promql {

struct StepSeries {
  Labels metric;
  uint32_t begin = 0;  // points [begin, end) of the owning StepMatrix
  uint32_t end = 0;
  // The metric name (and __type__/__unit__) is dropped from this series. Without delayed name
  // removal it is already gone for every reader (see label_ops.h); with it, it goes at the end.
  bool drop_name = false;

  uint32_t size() const { return end - begin; }
};

struct StepMatrix {
  std::vector<StepSeries> series;
  std::vector<FPoint> points;

  std::span<const FPoint> points_of(const StepSeries& s) const {
    return {points.data() + s.begin, s.end - s.begin};
  }
  std::span<FPoint> points_of(const StepSeries& s) {
    return {points.data() + s.begin, s.end - s.begin};
  }
  size_t total_points() const {
    size_t n = 0;
    for (const auto& s : series) n += s.size();
    return n;
  }

  // Series-major construction: Begin, Append the points in time order, End (which discards a
  // series that got no points).
  void BeginSeries(Labels metric, bool drop_name) {
    const auto at = static_cast<uint32_t>(points.size());
    series.push_back(StepSeries{std::move(metric), at, at, drop_name});
  }
  void Append(TimestampMs t, double v) {
    points.push_back(FPoint{t, v});
    series.back().end++;
  }
  void EndSeries() {
    if (series.back().size() == 0) series.pop_back();
  }
};

// Open-addressing index from a 64-bit label hash to small integers, for grouping and matching
// without allocating per entry. Several entries may share a hash; Find() asks the caller to
// confirm a candidate.
class HashIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  void Reset(size_t expected);

  template <typename Confirm>
  uint32_t Find(uint64_t hash, Confirm&& confirm) const {
    if (slots_.empty()) return kNone;
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.value == kNone) return kNone;
      if (s.hash == hash && confirm(s.value)) return s.value;
    }
  }
  void Insert(uint64_t hash, uint32_t value);
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t value = kNone;
  };
  void Grow();

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

// Collects per-step output samples (steps in increasing order) into a StepMatrix, finding each
// sample's series by its effective label set. Add() reports a second sample for the same
// series at the same step, which Prometheus rejects ("vector cannot contain metrics with the
// same labelset").
class StepMajorCollector {
 public:
  // `hide_dropped`: true when dropped metric names are already gone (no delayed removal).
  explicit StepMajorCollector(bool hide_dropped) : hide_dropped_(hide_dropped) {}

  [[nodiscard]] bool Add(const Labels& metric, bool drop_name, TimestampMs t, double v);
  StepMatrix Finish();
  size_t num_points() const { return records_.size(); }

 private:
  struct Out {
    Labels metric;
    bool drop_name;
    TimestampMs last_t;
    uint32_t count;
  };
  struct Record {
    uint32_t series;
    FPoint p;
  };
  bool hide_dropped_;
  std::vector<Out> outs_;
  std::vector<Record> records_;
  HashIndex index_;
};

}  // namespace tocsin::promql
