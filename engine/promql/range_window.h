// Helpers for range windows shared by the selectors and the range functions.
#pragma once

#include <span>
#include <vector>

#include "engine/promql/value.h"

namespace tocsin::promql {

// A run of samples in struct-of-arrays form (as the storage keeps them), so range functions
// read the selected samples where they are instead of copying them. With start timestamps when
// the selection read them (rate, increase, irate and resets under
// EngineOptions::use_start_timestamps).
class SampleSpan {
 public:
  SampleSpan() = default;
  SampleSpan(const TimestampMs* t, const double* v, size_t n) : t_(t), v_(v), n_(n) {}
  SampleSpan(const TimestampMs* t, const double* v, const TimestampMs* st, size_t n)
      : t_(t), v_(v), st_(st), n_(n) {}
  // With the last sample also given apart (equal to the last of t/v; the storage keeps its
  // newest sample outside the sample memory), so back() does not read the last cache line.
  SampleSpan(const TimestampMs* t, const double* v, size_t n, FPoint last)
      : t_(t), v_(v), n_(n), last_(last), has_last_(n > 0) {}

  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  FPoint operator[](size_t i) const { return FPoint{t_[i], v_[i]}; }
  FPoint front() const { return (*this)[0]; }
  FPoint back() const { return has_last_ ? last_ : (*this)[n_ - 1]; }
  TimestampMs t(size_t i) const { return t_[i]; }
  double v(size_t i) const { return v_[i]; }
  bool has_start_times() const { return st_ != nullptr; }
  // The start timestamp of sample i; 0 (none) when the span has none.
  TimestampMs st(size_t i) const { return st_ == nullptr ? 0 : st_[i]; }
  SampleSpan subspan(size_t from, size_t count) const {
    SampleSpan s(t_ + from, v_ + from, st_ == nullptr ? nullptr : st_ + from, count);
    if (has_last_ && count > 0 && from + count == n_) {
      s.last_ = last_;
      s.has_last_ = true;
    }
    return s;
  }

  class Iterator {
   public:
    Iterator(const SampleSpan* s, size_t i) : s_(s), i_(i) {}
    FPoint operator*() const { return (*s_)[i_]; }
    Iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return i_ != o.i_; }

   private:
    const SampleSpan* s_;
    size_t i_;
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, n_); }

 private:
  const TimestampMs* t_ = nullptr;
  const double* v_ = nullptr;
  const TimestampMs* st_ = nullptr;
  size_t n_ = 0;
  FPoint last_;
  bool has_last_ = false;
};

// Linear interpolation between a and b at time t. For counters, a drop from a to b is a
// reset: the counter is taken to restart from 0 at a.
inline double InterpolateAt(const FPoint& a, const FPoint& b, TimestampMs t, bool is_counter) {
  double y1 = a.v;
  const double y2 = b.v;
  if (is_counter && y2 < y1) y1 = 0;
  return y1 + (y2 - y1) * static_cast<double>(t - a.t) / static_cast<double>(b.t - a.t);
}

// The range vector an anchored or smoothed selector yields for the window (mint, maxt]:
// the points inside, plus a point at each boundary (the last point at or before mint for
// anchored, interpolated for smoothed). `floats` holds the samples of the extended window;
// `out` is empty when no sample falls after mint.
void ExtendWindow(std::span<const FPoint> floats, TimestampMs mint, TimestampMs maxt, bool smoothed,
                  std::vector<FPoint>& out);

// Index of the first point with t > bound among floats[0, n).
size_t FirstAfter(std::span<const FPoint> floats, size_t n, TimestampMs bound);
size_t FirstAfter(const SampleSpan& s, size_t n, TimestampMs bound);
// Index of the first point with t >= bound among floats[0, n).
size_t FirstAtOrAfter(std::span<const FPoint> floats, size_t n, TimestampMs bound);
size_t FirstAtOrAfter(const SampleSpan& s, size_t n, TimestampMs bound);

}  // namespace tocsin::promql
