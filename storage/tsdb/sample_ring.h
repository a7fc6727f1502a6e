// The samples of one series: a ring of (timestamp, value) pairs kept as two parallel arrays
// (struct of arrays) in one allocation, oldest first, timestamps strictly increasing.
//
// Capacity policy: the store passes a preferred capacity (retention / expected interval + 1).
// An empty ring starts small and doubles up to exactly the preferred capacity, so a series
// scraped at the expected interval ends with no slack. When the ring is full, the oldest sample
// is overwritten if it has fallen out of the retention window; otherwise the series is denser
// than expected and the ring grows by 1/8. Appending therefore allocates only on growth, never
// per sample. Not thread-safe: the store guards each ring with a lock stripe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "storage/base/time.h"
#include "storage/tsdb/cache_prefetch.h"

namespace tocsin::storage {

class SampleRing {
 public:
  static constexpr uint32_t kMinCapacity = 8;
  // No retention: the ring grows without bound (doubling).
  static constexpr uint32_t kUnboundedCapacity = UINT32_MAX;
  // One line of each array covers where the window starts (the search's guess and, nearly
  // always, its neighbour). More measured slower: a selection prefetches the next 8 series at
  // once, and more lines per array filled the core's line fill buffers, stalling on the
  // prefetches themselves. Readers that go on through the window do so in order, which the
  // hardware prefetcher follows.
  static constexpr uint32_t kMaxPrefetchLines = 1;

  SampleRing() = default;
  ~SampleRing() { Release(); }
  SampleRing(const SampleRing&) = delete;
  SampleRing& operator=(const SampleRing&) = delete;

  uint32_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint32_t capacity() const { return capacity_; }
  size_t memory_bytes() const { return size_t{capacity_} * kBytesPerSample; }

  // Logical index i: 0 is the oldest sample.
  TimestampMs time_at(uint32_t i) const { return times_[Physical(i)]; }
  double value_at(uint32_t i) const { return values()[Physical(i)]; }
  // Kept beside the ring so that validating an append reads only the series header, not the
  // ring's memory (a cache miss per sample otherwise).
  TimestampMs newest_time() const { return newest_time_; }
  double newest_value() const { return newest_value_; }
  // The time of the newest sample that was a stale marker or lower than the sample before it
  // (INT64_MIN: none since the ring was made). A window whose first sample is newer than this
  // holds no stale marker and no counter reset, so rate() and increase() over it need only its
  // ends, not every value in it (which, for long ranges over many series, are cold reads).
  TimestampMs newest_break() const { return newest_break_; }

  // Appends a sample newer than all stored ones. When the ring is full and its oldest samples
  // are older than `keep_from`, that whole run is dropped at once (so the ring's old memory is
  // read once per run, not once per sample). Returns how many samples were dropped.
  uint32_t Push(TimestampMs t, double v, TimestampMs keep_from, uint32_t preferred_capacity);

  // Forgets samples older than `t`; returns how many.
  uint32_t DropBefore(TimestampMs t);
  // Reallocates to max(size + 1/8 headroom, preferred) when the ring is far larger than that
  // (a burst has passed). Returns true when it reallocated.
  bool Shrink(uint32_t preferred_capacity);

  // Asks the CPU to fetch the memory the next Push will touch (the slot it writes and, when
  // full, the oldest sample it checks), so a batch's appends overlap their cache misses.
  void PrefetchForPush() const {
    if (capacity_ == 0) return;
    const uint32_t next = size_ == capacity_ ? head_ : Physical(size_);
    PrefetchLineForWrite(times_ + next);
    PrefetchLineForWrite(values() + next);
  }

  // Asks the CPU for the ring memory of the window [mint, maxt] (as located by the guess
  // LowerBound starts from; at most the first kMaxPrefetchLines cache lines of each array, and
  // the line of the window's last sample unless that is the newest, which the header holds),
  // so a query that reads many series overlaps the cache misses of the next rings with its work
  // on this one instead of stalling on each.
  void PrefetchForRead(TimestampMs mint, TimestampMs maxt) const {
    if (size_ == 0 || maxt < oldest_time_ || mint > newest_time_) return;
    const uint32_t first = mint <= oldest_time_ || size_ < 2 ? 0 : GuessIndex(mint);
    const uint32_t last = maxt >= newest_time_ || size_ < 2 ? size_ - 1 : GuessIndex(maxt);
    constexpr uint32_t kPerLine = 64 / sizeof(TimestampMs);
    const uint32_t end = std::min(last + 1, first + kMaxPrefetchLines * kPerLine);
    for (uint32_t i = first; i < end; i += kPerLine) {
      const uint32_t p = Physical(i);
      PrefetchLineForRead(times_ + p);
      PrefetchLineForRead(values() + p);
    }
    // The window's last sample too (range functions read both ends), unless it is the newest
    // one: readers take that from newest_time() and newest_value().
    if (last >= end && last != size_ - 1) {
      const uint32_t p = Physical(last);
      PrefetchLineForRead(times_ + p);
      PrefetchLineForRead(values() + p);
    }
  }

  // Logical index of the first sample with time >= t (size() when none). Guesses the index by
  // interpolating between the oldest and newest time, then gallops from the guess.
  uint32_t LowerBound(TimestampMs t) const;
  // Number of samples with mint <= time <= maxt.
  uint32_t CountInRange(TimestampMs mint, TimestampMs maxt) const;
  // A run of samples where the ring keeps them: n timestamps at t, their values at v.
  struct Run {
    const TimestampMs* t = nullptr;
    const double* v = nullptr;
    uint32_t n = 0;
  };
  // The samples with mint <= time <= maxt, in place, as at most two runs (the second is empty
  // unless the window wraps around the end of the arrays). Returns how many. Valid until the
  // ring is next changed, so only while its lock is held.
  uint32_t Window(TimestampMs mint, TimestampMs maxt, Run& first, Run& second) const;
  // Appends the samples with mint <= time <= maxt to `ts`/`vs`; returns how many.
  uint32_t CopyRange(TimestampMs mint, TimestampMs maxt, std::vector<TimestampMs>& ts,
                     std::vector<double>& vs) const;

  void Clear() { Release(); }

 private:
  static constexpr size_t kBytesPerSample = sizeof(TimestampMs) + sizeof(double);

  uint32_t Physical(uint32_t i) const {
    const uint32_t p = head_ + i;
    return p >= capacity_ ? p - capacity_ : p;
  }
  double* values() const { return reinterpret_cast<double*>(times_ + capacity_); }
  // The index t would have if the samples were evenly spaced between the oldest and the newest,
  // clamped to [1, size - 1]. Requires size >= 2 and oldest < t <= newest.
  uint32_t GuessIndex(TimestampMs t) const {
    // Unsigned differences: oldest < t <= newest, so they cannot overflow.
    const auto span = static_cast<double>(static_cast<uint64_t>(newest_time_) -
                                          static_cast<uint64_t>(oldest_time_));
    const auto offset =
        static_cast<double>(static_cast<uint64_t>(t) - static_cast<uint64_t>(oldest_time_));
    const auto guess = static_cast<uint32_t>(offset / span * (size_ - 1));
    return guess < 1 ? 1 : guess > size_ - 1 ? size_ - 1 : guess;
  }
  static uint32_t NextCapacity(uint32_t capacity, uint32_t preferred);
  void Reallocate(uint32_t new_capacity);
  void Release();

  TimestampMs* times_ = nullptr;  // [capacity_ timestamps][capacity_ values] in one block
  TimestampMs oldest_time_ = 0;   // time_at(0), valid when size_ > 0
  TimestampMs newest_time_ = 0;   // valid when size_ > 0
  double newest_value_ = 0;
  TimestampMs newest_break_ = INT64_MIN;
  uint32_t capacity_ = 0;
  uint32_t head_ = 0;  // physical index of the oldest sample
  uint32_t size_ = 0;
};

}  // namespace tocsin::storage
